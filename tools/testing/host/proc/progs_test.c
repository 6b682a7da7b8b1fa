/* Host tests for kernel/proc/progs.c: a well-formed archive is found by
 * name and listed; every corrupt archive is refused by progs_init with
 * -ENOEXEC and leaves no archive in use; nothing is read outside the
 * archive (AddressSanitizer: archives live in exactly-sized buffers).
 *
 * An archive named on the command line (build/progs.bin from
 * tools/mkprogs) must be accepted, and every program in it must pass
 * elf_check.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kernel/elf.h>
#include <kernel/progs.h>
#include <uapi/errno.h>

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the archive is little endian; this test writes it with memcpy"
#endif

#define MAX_ENTRIES (PROGS_MAX + 2)

/* An archive under construction. */
struct model {
	struct progs_header h;
	struct progs_entry e[MAX_ENTRIES];
	size_t len;              /* buffer length handed to progs_init */
};

static int checks, failures;

static void fail(const char *what, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Report one failed check: what was tried, what was expected and seen. */
static void fail(const char *what, const char *fmt, ...)
{
	va_list ap;

	failures++;
	printf("FAIL: %s: ", what);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* Three programs; images of 100, 8 and 13 bytes, 8-aligned. */
static void model_valid(struct model *m)
{
	static const struct { const char *name; uint64_t size; } progs[] = {
		{ "hello", 100 }, { "echo", 8 }, { "fifteen_chars_x", 13 },
	};
	uint64_t at = sizeof(m->h) + 3 * sizeof(m->e[0]);

	memset(m, 0, sizeof(*m));
	memcpy(m->h.magic, PROGS_MAGIC, sizeof(m->h.magic));
	m->h.version = PROGS_VERSION;
	m->h.count = 3;
	for (int i = 0; i < 3; i++) {
		strcpy(m->e[i].name, progs[i].name);
		m->e[i].offset = at;
		m->e[i].size = progs[i].size;
		at = (at + progs[i].size + 7) & ~7ULL;
	}
	m->h.size = at;
	m->len = at;
}

/* Serialize into a buffer of exactly m->len bytes; image i is filled
 * with the byte 'A' + i. Directory entries past the buffer are dropped. */
static unsigned char *model_archive(const struct model *m)
{
	unsigned char *ar = malloc(m->len ? m->len : 1);
	size_t hs = sizeof(m->h), es = sizeof(m->e[0]);

	memset(ar, 0, m->len);
	memcpy(ar, &m->h, m->len < hs ? m->len : hs);
	for (uint32_t i = 0; i < m->h.count && i < MAX_ENTRIES; i++) {
		if (hs + (i + 1) * es <= m->len)
			memcpy(ar + hs + i * es, &m->e[i], es);
		if (m->e[i].offset < m->len && m->e[i].size <= m->len - m->e[i].offset &&
		    m->e[i].offset >= hs + m->h.count * es)
			memset(ar + m->e[i].offset, 'A' + (int)i, m->e[i].size);
	}
	return ar;
}

/* The archive must be refused and leave nothing to look up. */
static void expect_reject(const struct model *m, const char *what)
{
	unsigned char *ar = model_archive(m);
	const void *img;
	size_t len;
	int r = progs_init(ar, m->len);

	checks++;
	if (r != -ENOEXEC)
		fail(what, "expected -ENOEXEC, saw %d", r);
	else if (progs_count() != 0 || progs_find("hello", &img, &len) != -ENOENT)
		fail(what, "refused, but %d programs still listed", progs_count());
	free(ar);
}

#define REJECT(mutation)                                                    \
	do {                                                                \
		struct model m;                                             \
		model_valid(&m);                                            \
		mutation;                                                   \
		expect_reject(&m, #mutation);                               \
	} while (0)

/* progs_find(name) gives image i of the model, or -ENOENT if i < 0. */
static void expect_find(const unsigned char *ar, const struct model *m,
			const char *name, int i)
{
	const void *img = NULL;
	size_t len = 0;
	int r = progs_find(name, &img, &len);

	checks++;
	if (i < 0) {
		if (r != -ENOENT)
			fail(name, "expected -ENOENT, saw %d", r);
		return;
	}
	if (r != 0 || img != ar + m->e[i].offset || len != m->e[i].size)
		fail(name, "expected image at offset %lu, %lu bytes; saw %d, "
		     "offset %ld, %zu bytes", (unsigned long)m->e[i].offset,
		     (unsigned long)m->e[i].size, r,
		     img ? (long)((const unsigned char *)img - ar) : -1L, len);
	else if (len && ((const unsigned char *)img)[len - 1] != 'A' + i)
		fail(name, "image bytes are not program %d's", i);
}

static void test_valid(void)
{
	struct model m;

	model_valid(&m);
	unsigned char *ar = model_archive(&m);
	checks++;
	if (progs_init(ar, m.len) != 0) {
		fail("valid archive", "refused");
		free(ar);
		return;
	}
	expect_find(ar, &m, "hello", 0);
	expect_find(ar, &m, "echo", 1);
	expect_find(ar, &m, "fifteen_chars_x", 2);
	expect_find(ar, &m, "fifteen_chars_xy", -1);   /* 16 characters */
	expect_find(ar, &m, "hell", -1);
	expect_find(ar, &m, "hello2", -1);
	expect_find(ar, &m, "", -1);
	checks++;
	if (progs_count() != 3 || strcmp(progs_name(0), "hello") != 0 ||
	    strcmp(progs_name(2), "fifteen_chars_x") != 0 ||
	    progs_name(3) != NULL || progs_name(-1) != NULL)
		fail("listing", "expected hello, echo, fifteen_chars_x; saw %d names",
		     progs_count());
	free(ar);

	/* the same names in sorted order (as the build packs them): found by
	 * binary search, and every miss, below, between and above, is -ENOENT */
	model_valid(&m);
	strcpy(m.e[0].name, "echo");
	strcpy(m.e[1].name, "fifteen_chars_x");
	strcpy(m.e[2].name, "hello");
	ar = model_archive(&m);
	checks++;
	if (progs_init(ar, m.len) != 0) {
		fail("sorted archive", "refused");
	} else {
		expect_find(ar, &m, "echo", 0);
		expect_find(ar, &m, "fifteen_chars_x", 1);
		expect_find(ar, &m, "hello", 2);
		expect_find(ar, &m, "a", -1);
		expect_find(ar, &m, "ed", -1);
		expect_find(ar, &m, "fifteen_chars_xy", -1);
		expect_find(ar, &m, "zz", -1);
		expect_find(ar, &m, "", -1);
	}
	free(ar);

	/* padding after the archive is allowed; the header's size bounds it */
	model_valid(&m);
	m.len += 16;
	ar = model_archive(&m);
	checks++;
	if (progs_init(ar, m.len) != 0)
		fail("archive with trailing padding", "refused");
	free(ar);

	/* no programs at all is a valid archive */
	model_valid(&m);
	m.h.count = 0;
	m.h.size = m.len = sizeof(m.h);
	ar = model_archive(&m);
	checks++;
	if (progs_init(ar, m.len) != 0 || progs_count() != 0)
		fail("empty archive", "expected 0 programs");
	expect_find(ar, &m, "hello", -1);
	free(ar);
}

static void test_corruptions(void)
{
	REJECT(m.len = 0);
	REJECT(m.len = sizeof(m.h) - 1);
	REJECT(m.h.magic[0] = 'r');
	REJECT(m.h.magic[7] = 'X');
	REJECT(m.h.version = 2);
	REJECT(m.h.version = 0);
	REJECT(m.h.count = PROGS_MAX + 1);
	REJECT(m.h.count = 0xffffffff);
	REJECT(m.h.size = m.len + 1);
	REJECT(m.h.size = UINT64_MAX);
	REJECT(m.h.size = sizeof(m.h) + 2 * sizeof(m.e[0]));   /* cuts the directory */
	REJECT(m.h.count = 4);                                  /* entry 3 is all zero */
	REJECT(memset(m.e[1].name, 'x', sizeof(m.e[1].name)));  /* no NUL */
	REJECT(m.e[1].name[0] = '\0');
	REJECT(m.e[1].name[1] = ' ');
	REJECT(m.e[1].name[1] = '\n');
	REJECT(m.e[1].name[1] = (char)0x80);
	REJECT(strcpy(m.e[2].name, "hello"));                    /* duplicate */
	REJECT(m.e[1].offset += 4);                              /* misaligned */
	REJECT(m.e[0].offset = 8);                               /* inside the directory */
	REJECT(m.e[0].offset = 0);
	REJECT(m.e[2].offset = m.h.size + 8);
	REJECT(m.e[2].size = m.h.size - m.e[2].offset + 1);
	REJECT(m.e[2].size = UINT64_MAX);
	REJECT((m.e[2].offset = UINT64_MAX - 7, m.e[2].size = 16));
}

/* Every strict prefix of the valid archive is refused. */
static void test_truncation(void)
{
	struct model m;

	model_valid(&m);
	unsigned char *ar = model_archive(&m);
	for (size_t n = 0; n < m.len; n++) {
		unsigned char *cut = malloc(n ? n : 1);
		memcpy(cut, ar, n);
		checks++;
		int r = progs_init(cut, n);
		if (r != -ENOEXEC) {
			char what[48];
			snprintf(what, sizeof(what), "truncated to %zu bytes", n);
			fail(what, "expected -ENOEXEC, saw %d", r);
		}
		free(cut);
	}
	free(ar);
}

/* Random byte changes never crash; whatever is accepted stays in bounds. */
static void test_random_corruption(void)
{
	struct model m;
	uint64_t x = 0x2545f4914f6cdd1dULL;
	int accepted = 0;

	model_valid(&m);
	unsigned char *good = model_archive(&m);
	unsigned char *ar = malloc(m.len);
	size_t dir_end = sizeof(m.h) + 3 * sizeof(m.e[0]);
	for (int iter = 0; iter < 20000; iter++) {
		memcpy(ar, good, m.len);
		for (int k = 0; k < 1 + iter % 3; k++) {
			x ^= x << 13; x ^= x >> 7; x ^= x << 17;
			ar[(x >> 8) % dir_end] = (unsigned char)x;
		}
		checks++;
		int r = progs_init(ar, m.len);
		if (r != 0 && r != -ENOEXEC) {
			fail("random corruption", "expected 0 or -ENOEXEC, saw %d", r);
			continue;
		}
		accepted += r == 0;
		for (int i = 0; r == 0 && i < progs_count(); i++) {
			const void *img;
			size_t len;
			const unsigned char *p;
			if (progs_find(progs_name(i), &img, &len) != 0)
				continue;        /* a duplicate-looking name is fine */
			p = img;
			if (p < ar + dir_end || p > ar + m.len || len > (size_t)(ar + m.len - p))
				fail("random corruption", "iteration %d: image outside the archive", iter);
		}
	}
	printf("progs_test: random corruption: %d of 20000 still valid\n", accepted);
	free(ar);
	free(good);
}

/* A real archive: accepted, and every program in it passes elf_check. */
static void test_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	long n;

	checks++;
	if (!f || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0) {
		fail(path, "cannot read it");
		if (f)
			fclose(f);
		return;
	}
	unsigned char *ar = malloc(n ? (size_t)n : 1);
	rewind(f);
	if (fread(ar, 1, (size_t)n, f) != (size_t)n)
		n = 0;
	fclose(f);
	if (progs_init(ar, (size_t)n) != 0) {
		fail(path, "expected 0, refused");
		free(ar);
		return;
	}
	printf("progs_test: %s:", path);
	for (int i = 0; i < progs_count(); i++) {
		const void *img;
		size_t len;
		struct elf_image o = { .reason = "not found by name" };
		checks++;
		if (progs_find(progs_name(i), &img, &len) != 0 ||
		    elf_check(img, len, &o) != 0)
			fail(progs_name(i), "expected a valid ELF, refused: %s", o.reason);
		printf(" %s(%zu)", progs_name(i), len);
	}
	printf("\n");
	free(ar);
}

int main(int argc, char **argv)
{
	test_valid();
	test_corruptions();
	test_truncation();
	test_random_corruption();
	for (int i = 1; i < argc; i++)
		test_file(argv[i]);
	printf("progs_test: %d checks, %d failures\n", checks, failures);
	return failures ? 1 : 0;
}
