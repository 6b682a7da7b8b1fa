/* The embedded program archive: validated once, then looked up by name.
 *
 * progs_init() checks every header and directory field before anything
 * else reads them, so the lookups can index the directory freely. The
 * archive may sit at any alignment; headers are copied out with memcpy.
 */
#include <kernel/progs.h>
#include <lib/string.h>
#include <kernel/name.h>
#include <uapi/errno.h>

static struct {
	const unsigned char *base;   /* NULL until a valid archive is set */
	uint32_t count;
	bool sorted;                 /* names in strictly increasing order */
} progs;

/* Copy directory entry i of the archive at base. */
static void entry_read(const unsigned char *base, uint32_t i,
		       struct progs_entry *e)
{
	memcpy(e, base + sizeof(struct progs_header) + i * sizeof(*e), sizeof(*e));
}

/* Check one directory entry against the archive size and directory end. */
static bool entry_ok(const struct progs_entry *e, uint64_t dir_end,
		     uint64_t size)
{
	return name_valid(e->name, sizeof(e->name)) && e->offset % PROGS_ALIGN == 0 &&
	       e->offset >= dir_end && e->offset <= size &&
	       e->size <= size - e->offset;
}

int progs_init(const void *ar, size_t len)
{
	const unsigned char *base = ar;
	struct progs_header h;
	struct progs_entry e, f;
	uint64_t dir_end;

	progs.base = NULL;
	progs.count = 0;
	if (len < sizeof(h))
		return -ENOEXEC;
	memcpy(&h, base, sizeof(h));
	if (memcmp(h.magic, PROGS_MAGIC, sizeof(h.magic)) != 0 ||
	    h.version != PROGS_VERSION || h.count > PROGS_MAX || h.size > len)
		return -ENOEXEC;
	/* count <= PROGS_MAX, so this cannot overflow */
	dir_end = sizeof(h) + (uint64_t)h.count * sizeof(e);
	if (dir_end > h.size)
		return -ENOEXEC;
	for (uint32_t i = 0; i < h.count; i++) {
		entry_read(base, i, &e);
		if (!entry_ok(&e, dir_end, h.size))
			return -ENOEXEC;
		for (uint32_t j = 0; j < i; j++) {
			entry_read(base, j, &f);
			if (strcmp(e.name, f.name) == 0)
				return -ENOEXEC;     /* duplicate name */
		}
	}
	progs.base = base;
	progs.count = h.count;
	progs.sorted = true;         /* the build packs them sorted (user.mk) */
	for (uint32_t i = 1; i < h.count; i++)
		if (strcmp(progs_name((int)i - 1), progs_name((int)i)) >= 0)
			progs.sorted = false;
	return 0;
}

int progs_find(const char *name, const void **img, size_t *len)
{
	uint32_t lo = 0, hi = progs.count;
	int i = -1;

	/* a spawn looks its program up: binary search when the archive is
	 * sorted (as the build makes it), else one pass */
	while (progs.sorted && lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = strncmp(progs_name((int)mid), name, PROG_NAME_MAX + 1);
		if (c == 0) {
			i = (int)mid;
			break;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (uint32_t j = 0; !progs.sorted && j < progs.count && i < 0; j++)
		if (strncmp(progs_name((int)j), name, PROG_NAME_MAX + 1) == 0)
			i = (int)j;
	if (i < 0)
		return -ENOENT;

	struct progs_entry e;
	entry_read(progs.base, (uint32_t)i, &e);
	*img = progs.base + e.offset;
	*len = e.size;
	return 0;
}

int progs_count(void)
{
	return (int)progs.count;
}

const char *progs_name(int i)
{
	if (i < 0 || (uint32_t)i >= progs.count)
		return NULL;
	/* name is the entry's first field, NUL-terminated (checked at init) */
	return (const char *)progs.base + sizeof(struct progs_header) +
	       (size_t)i * sizeof(struct progs_entry);
}
