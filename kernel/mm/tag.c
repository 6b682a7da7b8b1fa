/* The tag table: per-tag heap and page counters (see include/kernel/tag.h). */
#include "tag_internal.h"
#include <kernel/spinlock.h>
#include <lib/string.h>
#include <uapi/errno.h>

/* Names of the compile-time tags, in slot order. */
static const char *const tag_static_names[TAG_NR_STATIC] = {
#define TAG_NAME(id, name) name,
	TAG_LIST(TAG_NAME)
#undef TAG_NAME
};

/* Invariant: slots [0, tag_nr) are in use; tag_nr only grows until
 * tag_init(). Protected by tag_lock. */
static struct spinlock tag_lock = SPINLOCK_INIT("tag");
struct tag_row tag_table[TAG_MAX];     /* tag_internal.h's inline charging writes it */
struct tag_cpu tag_cpu[TAG_MAX][NCPU]; /* ... and these, each hart its own */
int tag_nr;                            /* published as tag_internal.h says */
int tag_harts;                         /* rows of harts below it may be nonzero */
static uint64_t tag_nr_refused;

/* Pack 4 characters into a tag value; -1 unless all are printable. */
static long tag_pack(const char *name)
{
	unsigned int v = 0;

	for (int i = 0; i < TAG_NAME_LEN; i++) {
		unsigned char c = (unsigned char)name[i];
		if (c < 0x20 || c > 0x7e)
			return -1;
		v |= (unsigned int)c << (8 * i);
	}
	if (name[TAG_NAME_LEN] != '\0')
		return -1;
	return v;
}

/* Slot holding value v, or -ENOENT. Caller holds tag_lock. */
static int tag_find_locked(uint32_t v)
{
	for (int i = 0; i < tag_nr; i++)
		if (tag_table[i].name == v)
			return i;
	return -ENOENT;
}

/* Reset the table to the compile-time tags with zero counters. */
void tag_init(void)
{
	spin_lock(&tag_lock);
	memset(tag_table, 0, sizeof(tag_table));
	memset(tag_cpu, 0, sizeof(tag_cpu));
	for (int i = 0; i < TAG_NR_STATIC; i++)
		tag_table[i].name = (uint32_t)tag_pack(tag_static_names[i]);
	__atomic_store_n(&tag_nr, TAG_NR_STATIC, __ATOMIC_RELEASE);
	tag_nr_refused = 0;
	spin_unlock(&tag_lock);
}

/* Give a new 4-character name a slot, refusing bad, taken or no room. */
int tag_register(const char *name)
{
	long v = tag_pack(name);
	int slot;

	if (v < 0)
		return -EINVAL;
	spin_lock(&tag_lock);
	if (tag_find_locked((uint32_t)v) >= 0) {
		slot = -EEXIST;
	} else if (tag_nr >= TAG_MAX) {
		tag_nr_refused++;
		slot = -ENOSPC;
	} else {
		slot = tag_nr;
		memset(&tag_table[slot], 0, sizeof(tag_table[slot]));
		memset(tag_cpu[slot], 0, sizeof(tag_cpu[slot]));
		tag_table[slot].name = (uint32_t)v;
		__atomic_store_n(&tag_nr, slot + 1, __ATOMIC_RELEASE);
	}
	spin_unlock(&tag_lock);
	return slot;
}

/* Find a tag's slot by its name. */
int tag_lookup(const char *name)
{
	long v = tag_pack(name);
	int slot;

	if (v < 0)
		return -ENOENT;
	spin_lock(&tag_lock);
	slot = tag_find_locked((uint32_t)v);
	spin_unlock(&tag_lock);
	return slot;
}

/* Number of slots in use; each one below it is whole. */
int tag_count(void)
{
	return __atomic_load_n(&tag_nr, __ATOMIC_ACQUIRE);
}

/* Is tag a slot in use? */
bool tag_valid(int tag)
{
	return tag_in_use(tag);
}

/* Snapshot one tag's counters: the shared ones, and the per-hart ones
 * summed (what that guarantees: tag.h); the table keeps no live count. */
int tag_stat_get(int tag, struct tag_stat *out)
{
	const struct tag_row *r;
	const struct tag_cpu *c;

	if (!tag_in_use(tag))
		return -EINVAL;
	r = &tag_table[tag];
	c = &tag_cpu[tag][0];
	memset(out, 0, sizeof(*out));
	out->name = r->name;
	out->peak = pcpu_read(&r->peak);
	out->pages_peak = pcpu_read(&r->pages_peak);
	out->fails = pcpu_read(&r->fails);
	out->page_fails = pcpu_read(&r->page_fails);
	out->bytes = tag_cpu_sum(&c->bytes);
	out->req = tag_cpu_sum(&c->req);
	out->allocs = tag_cpu_sum(&c->allocs);
	out->frees = tag_cpu_sum(&c->frees);
	out->pages = tag_cpu_sum(&c->pages);
	out->page_allocs = tag_cpu_sum(&c->page_allocs);
	out->page_frees = tag_cpu_sum(&c->page_frees);
	out->live = out->allocs - out->frees;
	return 0;
}

/* Printable name of a slot, in reading order. */
void tag_name(int tag, char out[8])
{
	if (!tag_in_use(tag)) {
		unsigned int n = (unsigned int)tag % 1000;
		memcpy(out, "tag#", 4);
		out[4] = (char)('0' + n / 100);
		out[5] = (char)('0' + n / 10 % 10);
		out[6] = (char)('0' + n % 10);
		out[7] = '\0';
		return;
	}
	for (int i = 0; i < TAG_NAME_LEN; i++)
		out[i] = TAG_CHAR(tag_table[tag].name, i);
	out[TAG_NAME_LEN] = '\0';
}

/* Registrations refused for lack of room. */
uint64_t tag_refused(void)
{
	return tag_nr_refused;
}

/* Size of the table, for the metadata budget. */
size_t tag_meta_bytes(void)
{
	return sizeof(tag_table) + sizeof(tag_cpu);
}

#ifndef MM_NO_ACCOUNTING    /* else inline no-ops in tag_internal.h */
/* The charging functions take no lock of their own: each hart writes
 * only its own rows, and the peaks are raised under heap.lock or pg.lock
 * (see tag.h), which the callers hold. The hot ones are inline in
 * tag_internal.h (heap) and page_internal.h (pages). */

/* Count hart's rows in every sum from now on (tag_cpu_row, the first
 * time hart charges): a maximum, so harts joining at once all count.
 * Returns the new count. */
int tag_harts_raise(int hart)
{
	int n = __atomic_load_n(&tag_harts, __ATOMIC_RELAXED);

	while (n <= hart && !__atomic_compare_exchange_n(&tag_harts, &n, hart + 1, false,
							 __ATOMIC_RELEASE, __ATOMIC_RELAXED))
		;
	return n > hart ? n : hart + 1;
}

/* Count a kmalloc under tag that returned NULL. */
void tag_charge_fail(int tag)
{
	__atomic_fetch_add(&tag_table[tag].fails, 1, __ATOMIC_RELAXED);
}

/* Sum the heap counters of every slot in use. Caller holds heap.lock. */
void tag_heap_totals(uint64_t *bytes, uint64_t *live)
{
	*bytes = *live = 0;
	for (int t = 0; t < tag_nr; t++) {
		const struct tag_cpu *c = &tag_cpu[t][0];
		*bytes += tag_cpu_sum(&c->bytes);
		*live += tag_cpu_sum(&c->allocs) - tag_cpu_sum(&c->frees);
	}
}

#endif
