/* Host tests of the device tree reader (kernel/dev/fdt.c) under ASan and
 * UBSan, on blobs QEMU itself dumps (-machine virt,dumpdtb=FILE):
 * the values it must find, and malformed blobs it must refuse with a
 * message, never reading outside the blob.
 *
 * Usage: fdt_test VIRT_128M_1HART.dtb VIRT_256M_2HARTS.dtb VIRT_16HARTS.dtb
 *                 VIRT_AIA_APLIC.dtb VIRT_NUMA.dtb
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kernel/fdt.h>
#include <uapi/errno.h>

extern int host_quiet;
static int checks, failures;

#define CHECK(c)                                                            \
	do {                                                                \
		checks++;                                                   \
		if (!(c)) {                                                 \
			failures++;                                         \
			fprintf(stderr, "fdt_test: %s:%d: failed: %s\n",      \
				__FILE__, __LINE__, #c);                    \
		}                                                           \
	} while (0)

#define CHECK_EQ(a, b)                                                      \
	do {                                                                \
		unsigned long long a_ = (a), b_ = (b);                      \
		checks++;                                                   \
		if (a_ != b_) {                                             \
			failures++;                                         \
			fprintf(stderr, "fdt_test: %s:%d: %s = %#llx, expected %#llx\n", \
				__FILE__, __LINE__, #a, a_, b_);            \
		}                                                           \
	} while (0)

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v;
}

/* Read a blob and shrink it to the bytes it uses, in a buffer of exactly
 * that size, so ASan catches any read past its end. */
static uint8_t *load(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		exit(2);
	}
	static uint8_t raw[1 << 21];
	size_t n = fread(raw, 1, sizeof(raw), f);
	fclose(f);
	if (n < 40) {
		fprintf(stderr, "fdt_test: %s: too short\n", path);
		exit(2);
	}
	size_t used = be32(raw + 12) + be32(raw + 32);               /* strings end */
	size_t s_end = be32(raw + 8) + be32(raw + 36);               /* struct end */
	if (s_end > used)
		used = s_end;
	uint8_t *b = malloc(used);
	memcpy(b, raw, used);
	put_be32(b + 4, (uint32_t)used);                             /* totalsize */
	*len = used;
	return b;
}

/* A fresh 8-aligned copy of blob, for one corruption. */
static uint8_t *copy(const uint8_t *blob, size_t len)
{
	uint8_t *c = aligned_alloc(8, (len + 7) & ~7UL);
	memcpy(c, blob, len);
	return c;
}

static void test_values_128m(const uint8_t *blob)
{
	CHECK_EQ(fdt_parse(blob, 0), 0);
	CHECK_EQ(platform.mem.base, 0x80000000);
	CHECK_EQ(platform.mem.size, 128UL << 20);
	CHECK_EQ(platform.timebase, 10000000);
	CHECK_EQ(platform.nharts, 1);
	CHECK_EQ(platform.uart.base, 0x10000000);
	CHECK_EQ(platform.uart_irq, 10);
	CHECK_EQ(platform.plic.base, 0x0c000000);
	CHECK_EQ(platform.plic_context, 1);      /* hart 0: M-mode 0, S-mode 1 */
	CHECK(platform.plic_ndev > 10);
	CHECK_EQ(platform.test.base, 0x100000);
}

static void test_values_256m_2harts(const uint8_t *blob)
{
	CHECK_EQ(fdt_parse(blob, 1), 0);
	CHECK_EQ(platform.mem.size, 256UL << 20);
	CHECK_EQ(platform.nharts, 2);
	CHECK_EQ(platform.hartids[1], 1);
	CHECK_EQ(platform.plic_context, 3);      /* hart 1's S-mode context */
}

/* 16 harts (issue 9.6): every hart counted, and the S-mode PLIC
 * context found for any boot hart, not only the first few. */
static void test_values_16harts(const uint8_t *blob)
{
	for (uint64_t hart = 0; hart < 16; hart++) {
		CHECK_EQ(fdt_parse(blob, hart), 0);
		CHECK_EQ(platform.nharts, 16);
		CHECK_EQ(platform.plic_context, 2 * hart + 1);   /* M 2h, S 2h+1 */
	}
	CHECK_EQ(platform.hartids[3], 3);
	CHECK_EQ(fdt_parse(blob, 16), 0);           /* no such hart: no context */
	CHECK_EQ(platform.plic_context, -1);
}

/* -machine virt,aia=aplic (issue 9.7): no PLIC, yet the tree is usable;
 * the kernel then polls the UART. */
static void test_values_aplic(const uint8_t *blob)
{
	CHECK_EQ(fdt_parse(blob, 0), 0);
	CHECK_EQ(platform.plic.base, 0);
	CHECK_EQ(platform.plic_context, -1);
	CHECK_EQ(platform.uart.base, 0x10000000);
	CHECK_EQ(platform.test.base, 0x100000);
}

/* The first (base, size) pair of 4 cells each at or after from whose
 * base is base: its offset, or 0. */
static size_t find_reg(const uint8_t *b, size_t len, uint64_t base, uint64_t size)
{
	for (size_t i = 0; i + 16 <= len; i += 4)
		if (be32(b + i) == base >> 32 && be32(b + i + 4) == (uint32_t)base &&
		    be32(b + i + 8) == size >> 32 && be32(b + i + 12) == (uint32_t)size)
			return i;
	return 0;
}

/* Two NUMA nodes of 128 MiB: both /memory ranges make one block of RAM,
 * and the PLIC used is the UART's interrupt parent (socket 0's), whose
 * only S-mode context is hart 0's; hart 1 has none in it (input is then
 * polled). Moving the second range away leaves it out of the block. */
static void test_values_numa(const uint8_t *blob, size_t len)
{
	CHECK_EQ(fdt_parse(blob, 0), 0);
	CHECK_EQ(platform.nram, 2);
	CHECK_EQ(platform.mem.base, 0x80000000);
	CHECK_EQ(platform.mem.size, 256UL << 20);
	CHECK_EQ(fdt_ram_pick(0x80200000), 0);
	CHECK_EQ(platform.mem.size, 256UL << 20);
	CHECK_EQ(platform.plic.base, 0x0c000000);
	CHECK_EQ(platform.plic_context, 1);
	CHECK_EQ(fdt_parse(blob, 1), 0);
	CHECK_EQ(platform.plic.base, 0x0c000000);
	CHECK_EQ(platform.plic_context, -1);

	uint8_t *c = copy(blob, len);
	size_t off = find_reg(c, len, 0x88000000, 128UL << 20);
	CHECK(off != 0);
	put_be32(c + off, 1);                    /* now at 0x1_8800_0000 */
	CHECK_EQ(fdt_parse(c, 0), 0);
	CHECK_EQ(platform.mem.base, 0x80000000);
	CHECK_EQ(platform.mem.size, 128UL << 20);
	CHECK_EQ(fdt_ram_pick(0x188000000), 0);
	CHECK_EQ(platform.mem.base, 0x188000000);
	CHECK_EQ(platform.mem.size, 128UL << 20);
	CHECK_EQ(fdt_ram_pick(0x70000000), (unsigned long long)-ENOENT);
	CHECK_EQ(platform.mem.size, 0);
	CHECK_EQ(fdt_ram_pick(0x88000000), (unsigned long long)-ENOENT);
	free(c);

	/* the UART wired to something that is no PLIC (as to an APLIC):
	 * no PLIC is used at all, rather than one that cannot hear it */
	c = copy(blob, len);
	off = find_reg(c, len, 0x10000000, 0x100);      /* the UART's reg */
	size_t ip = 0;            /* its interrupt-parent <6>: a 4-byte property before it */
	for (size_t k = off - 4; off > 64 && k > off - 64; k -= 4)
		if (be32(c + k) == 6 && be32(c + k - 8) == 4 && be32(c + k - 12) == 3)
			ip = k;
	CHECK(ip != 0);
	if (ip)
		put_be32(c + ip, 0x99);
	CHECK_EQ(fdt_parse(c, 0), 0);
	CHECK_EQ(platform.plic.base, 0);
	CHECK_EQ(platform.plic_context, -1);
	free(c);
}

/* Header damage: each refused. */
static void test_bad_headers(const uint8_t *blob, size_t len)
{
	static const struct { size_t off; uint32_t val; } edits[] = {
		{ 0, 0xd00dfeee },          /* magic */
		{ 4, 16 },                  /* totalsize smaller than the header */
		{ 4, 1u << 30 },            /* totalsize absurd */
		{ 8, 0xffff0000 },          /* off_dt_struct outside */
		{ 12, 0xffff0000 },         /* off_dt_strings outside */
		{ 16, 0xffff0000 },         /* off_mem_rsvmap outside */
		{ 20, 15 },                 /* version too old */
		{ 32, 0xffffff00 },         /* size_dt_strings overflows */
		{ 36, 0xffffff00 },         /* size_dt_struct overflows */
	};
	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		uint8_t *c = copy(blob, len);
		put_be32(c + edits[i].off, edits[i].val);
		CHECK_EQ(fdt_parse(c, 0), (unsigned long long)-EINVAL);
		free(c);
	}
	CHECK_EQ(fdt_parse(NULL, 0), (unsigned long long)-EINVAL);
	uint8_t *c = copy(blob, len);
	CHECK_EQ(fdt_parse(c + 4, 0), (unsigned long long)-EINVAL);   /* misaligned */
	free(c);
}

/* Replace the first occurrence of a string in the blob (same length). */
static bool rename_bytes(uint8_t *b, size_t len, const char *from, const char *to)
{
	size_t n = strlen(from) + 1;
	for (size_t i = 0; i + n <= len; i++)
		if (!memcmp(b + i, from, n)) {
			memcpy(b + i, to, n);
			return true;
		}
	return false;
}

/* Required nodes missing: refused. */
static void test_missing_nodes(const uint8_t *blob, size_t len)
{
	static const struct { const char *from, *to; } gone[] = {
		{ "memory", "memorx" },              /* device_type of /memory */
		{ "ns16550a", "ns16550x" },          /* the UART's compatible */
		{ "timebase-frequency", "timebase-frequencx" },
	};
	for (size_t i = 0; i < sizeof(gone) / sizeof(gone[0]); i++) {
		uint8_t *c = copy(blob, len);
		CHECK(rename_bytes(c, len, gone[i].from, gone[i].to));
		CHECK_EQ(fdt_parse(c, 0), (unsigned long long)-EINVAL);
		free(c);
	}
}

/* A structure block cut short anywhere: refused or (if the cut falls
 * after everything needed and ends cleanly) accepted; never a bad read. */
static void test_truncated(const uint8_t *blob, size_t len)
{
	uint32_t size = be32(blob + 36);
	for (uint32_t cut = 0; cut < size; cut += 4) {
		uint8_t *c = copy(blob, len);
		put_be32(c + 36, cut);
		int r = fdt_parse(c, 0);
		CHECK(r == 0 || r == -EINVAL);
		free(c);
	}
}

/* Each property's length in turn made to run past the structure block:
 * refused, and nothing read beyond the blob. */
static void test_long_properties(const uint8_t *blob, size_t len)
{
	uint32_t off = be32(blob + 8), size = be32(blob + 36);
	int tried = 0;
	for (uint32_t i = off; i + 8 <= off + size; i += 4) {
		if (be32(blob + i) != 3)       /* FDT_PROP (or data that looks like it) */
			continue;
		uint8_t *c = copy(blob, len);
		put_be32(c + i + 4, off + size - i);   /* just past the end */
		int r = fdt_parse(c, 0);
		CHECK(r == 0 || r == -EINVAL);
		free(c);
		tried++;
	}
	CHECK(tried > 20);
}

/* Random byte damage in the structure and strings blocks. */
static void test_random(const uint8_t *blob, size_t len, int rounds)
{
	uint32_t lo = be32(blob + 8);
	srand(1234);
	int accepted = 0;
	for (int i = 0; i < rounds; i++) {
		uint8_t *c = copy(blob, len);
		for (int k = 0; k < 1 + rand() % 4; k++)
			c[lo + rand() % (len - lo)] = (uint8_t)rand();
		int r = fdt_parse(c, 0);
		CHECK(r == 0 || r == -EINVAL);
		accepted += r == 0;
		free(c);
	}
	printf("fdt_test: random damage: %d of %d blobs still usable\n", accepted, rounds);
}

int main(int argc, char **argv)
{
	size_t len1, len2, len3, len4, len5;
	if (argc != 6) {
		fprintf(stderr, "usage: fdt_test virt128m.dtb virt256m-2harts.dtb "
			"virt-16harts.dtb virt-aplic.dtb virt-numa.dtb\n");
		return 2;
	}
	uint8_t *b1 = load(argv[1], &len1), *b2 = load(argv[2], &len2);
	uint8_t *b3 = load(argv[3], &len3), *b4 = load(argv[4], &len4);
	uint8_t *a1 = copy(b1, len1), *a2 = copy(b2, len2);
	uint8_t *a3 = copy(b3, len3), *a4 = copy(b4, len4);
	free(b1);
	free(b2);
	free(b3);
	free(b4);

	test_values_128m(a1);
	test_values_256m_2harts(a2);
	test_values_16harts(a3);
	test_values_aplic(a4);
	uint8_t *b5 = load(argv[5], &len5), *a5 = copy(b5, len5);
	free(b5);
	test_values_numa(a5, len5);
	free(a5);
	host_quiet = 1;
	test_bad_headers(a1, len1);
	test_missing_nodes(a1, len1);
	test_truncated(a1, len1);
	test_long_properties(a1, len1);
	test_random(a1, len1, 20000);
	host_quiet = 0;
	free(a1);
	free(a2);
	free(a3);
	free(a4);
	printf("fdt_test: %d checks, %d failures\n", checks, failures);
	return failures ? 1 : 0;
}
