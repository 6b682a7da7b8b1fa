/* Host tests for kernel/proc/elf.c: elf_check accepts a well-formed
 * executable, describes it exactly, and refuses every corruption with
 * -ENOEXEC for the right reason, without reading outside the image
 * (AddressSanitizer checks that: images live in exactly-sized buffers).
 *
 * Images are synthesized from a model (an ELF header and program
 * headers) so only the host compiler is needed. ELF files named on the
 * command line (the built user programs) must be accepted as well.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kernel/elf.h>
#include <uapi/errno.h>
#include <uapi/layout.h>

#define MAX_PH   (ELF_MAX_PHDRS + 4)

/* An image under construction: headers plus the file length. */
struct model {
	struct elf64_ehdr eh;
	struct elf64_phdr ph[MAX_PH];
	size_t len;
};

static int checks, failures;

/* Set program header i to a PT_LOAD with the given fields. */
static void load(struct model *m, int i, uint32_t flags, uint64_t off,
		 uint64_t vaddr, uint64_t filesz, uint64_t memsz)
{
	m->ph[i] = (struct elf64_phdr){ .p_type = PT_LOAD, .p_flags = flags,
		.p_offset = off, .p_vaddr = vaddr, .p_paddr = vaddr,
		.p_filesz = filesz, .p_memsz = memsz, .p_align = 0x1000 };
}

/* A valid program like the ones user/user.ld makes: text R+X, rodata R,
 * data R+W with bss. The data segment's file bytes end the file, so
 * cutting the file anywhere must be refused. */
static void model_valid(struct model *m)
{
	memset(m, 0, sizeof(*m));
	memcpy(m->eh.e_ident, ELF_MAGIC, 4);
	m->eh.e_ident[4] = ELFCLASS64;
	m->eh.e_ident[5] = ELFDATA2LSB;
	m->eh.e_ident[6] = EV_CURRENT;
	m->eh.e_type = ET_EXEC;
	m->eh.e_machine = EM_RISCV;
	m->eh.e_version = EV_CURRENT;
	m->eh.e_entry = USER_TEXT_BASE + 0x10;
	m->eh.e_phoff = sizeof(struct elf64_ehdr);
	m->eh.e_flags = 0x1;                      /* RVC, soft float */
	m->eh.e_ehsize = sizeof(struct elf64_ehdr);
	m->eh.e_phentsize = sizeof(struct elf64_phdr);
	m->eh.e_phnum = 4;
	m->ph[0].p_type = 0x70000003;             /* PT_RISCV_ATTRIBUTES: ignored */
	load(m, 1, PF_R | PF_X, 0x1000, 0x40000000, 0x800, 0x800);
	load(m, 2, PF_R, 0x1800, 0x40001000, 0x100, 0x100);
	load(m, 3, PF_R | PF_W, 0x1900, 0x40002000, 0x700, 0x3000);
	m->len = 0x2000;
}

/* Serialize a model into a buffer of exactly m->len bytes (caller frees).
 * Headers that a corruption moved outside the file are simply not written. */
static unsigned char *model_image(const struct model *m)
{
	unsigned char *img = malloc(m->len ? m->len : 1);
	size_t phsize = sizeof(struct elf64_phdr);

	for (size_t i = 0; i < m->len; i++)
		img[i] = (unsigned char)(i * 7 + 1);    /* segment contents */
	if (m->len >= sizeof(m->eh))
		memcpy(img, &m->eh, sizeof(m->eh));
	for (int i = 0; i < m->eh.e_phnum && i < MAX_PH; i++) {
		uint64_t at = m->eh.e_phoff + i * phsize;
		if (m->eh.e_phoff <= m->len && at <= m->len - phsize && at >= m->eh.e_phoff)
			memcpy(img + at, &m->ph[i], phsize);
	}
	return img;
}

/* Run elf_check on a model; returns its result and fills *out. */
static int check_model(const struct model *m, struct elf_image *out)
{
	unsigned char *img = model_image(m);
	int r = elf_check(img, m->len, out);
	free(img);
	return r;
}

/* Report one failed check: what was tried, what was expected and seen. */
static void fail(const char *what, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
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

/* The model must be refused with -ENOEXEC and a reason naming why. */
static void expect_reject(const struct model *m, const char *what, const char *why)
{
	struct elf_image out;
	int r = check_model(m, &out);

	checks++;
	if (r != -ENOEXEC)
		fail(what, "expected -ENOEXEC (%s), saw %d", why, r);
	else if (!out.reason || !strstr(out.reason, why))
		fail(what, "expected reason \"%s\", saw \"%s\"", why,
		     out.reason ? out.reason : "(none)");
}

#define REJECT(mutation, why)                                               \
	do {                                                                \
		struct model m;                                             \
		model_valid(&m);                                            \
		mutation;                                                   \
		expect_reject(&m, #mutation, why);                          \
	} while (0)

/* Invariants every accepted image must have, whatever its bytes. */
static const char *accepted_invariant(const struct elf_image *o, size_t len)
{
	bool entry_in_x = false;

	if (o->nsegs < 1 || o->nsegs > ELF_MAX_SEGS)
		return "segment count";
	for (int i = 0; i < o->nsegs; i++) {
		const struct elf_seg *s = &o->seg[i];
		if (s->vaddr % USER_PAGE_SIZE || s->vaddr < USER_BASE ||
		    s->memsz > USER_HEAP_LIMIT - s->vaddr)
			return "segment outside the window";
		if (s->filesz > s->memsz || s->offset > len || s->filesz > len - s->offset)
			return "segment outside the file";
		if (!(s->flags & ELF_SEG_R) || ((s->flags & ELF_SEG_W) && (s->flags & ELF_SEG_X)))
			return "segment permissions";
		if (i > 0 && o->seg[i - 1].vaddr + o->seg[i - 1].memsz > s->vaddr)
			return "segments unsorted or overlapping";
		if ((s->flags & ELF_SEG_X) && o->entry >= s->vaddr &&
		    o->entry < s->vaddr + s->filesz)
			entry_in_x = true;
	}
	if (!entry_in_x)
		return "entry not in an executable segment";
	if (o->brk % USER_PAGE_SIZE || o->brk > USER_HEAP_LIMIT)
		return "brk";
	return NULL;
}

/* Do two segment descriptions agree field by field? */
static bool seg_eq(const struct elf_seg *a, const struct elf_seg *b)
{
	return a->vaddr == b->vaddr && a->memsz == b->memsz &&
	       a->offset == b->offset && a->filesz == b->filesz &&
	       a->flags == b->flags;
}

/* The valid model is accepted and described segment by segment. */
static void test_valid(void)
{
	struct model m;
	struct elf_image o;
	int r;

	model_valid(&m);
	r = check_model(&m, &o);
	checks++;
	if (r != 0) {
		fail("valid image", "expected 0, saw %d (%s)", r, o.reason);
		return;
	}
	struct elf_seg want[] = {
		{ 0x40000000, 0x800, 0x1000, 0x800, ELF_SEG_R | ELF_SEG_X },
		{ 0x40001000, 0x100, 0x1800, 0x100, ELF_SEG_R },
		{ 0x40002000, 0x3000, 0x1900, 0x700, ELF_SEG_R | ELF_SEG_W },
	};
	checks++;
	if (o.nsegs != 3 || o.entry != 0x40000010 || o.brk != 0x40005000 ||
	    !seg_eq(&o.seg[0], &want[0]) || !seg_eq(&o.seg[1], &want[1]) ||
	    !seg_eq(&o.seg[2], &want[2]))
		fail("valid image", "expected text, rodata, data as modelled, entry "
		     "0x40000010, brk 0x40005000; saw %d segments, entry %#lx, "
		     "brk %#lx", o.nsegs, (unsigned long)o.entry,
		     (unsigned long)o.brk);
}

/* Program headers out of address order come back sorted; empty PT_LOADs
 * and unknown header types are ignored; the image may be unaligned. */
static void test_valid_variants(void)
{
	struct model m;
	struct elf_image o;
	unsigned char *img, *odd;

	model_valid(&m);
	struct elf64_phdr t = m.ph[1];
	m.ph[1] = m.ph[3];
	m.ph[3] = t;
	m.ph[0] = (struct elf64_phdr){ .p_type = PT_LOAD };   /* maps nothing */
	checks++;
	if (check_model(&m, &o) != 0 || o.nsegs != 3 || o.seg[0].vaddr != 0x40000000 ||
	    o.seg[2].vaddr != 0x40002000)
		fail("reordered headers", "expected 3 sorted segments, saw %d", o.nsegs);

	model_valid(&m);
	img = model_image(&m);
	odd = malloc(m.len + 1);
	memcpy(odd + 1, img, m.len);
	checks++;
	if (elf_check(odd + 1, m.len, &o) != 0)
		fail("unaligned image", "expected 0, refused: %s", o.reason);
	free(odd);
	free(img);

	/* the top of the allowed window is usable, to the last byte */
	model_valid(&m);
	m.ph[3].p_vaddr = USER_HEAP_LIMIT - 0x3000;
	checks++;
	if (check_model(&m, &o) != 0 || o.brk != USER_HEAP_LIMIT)
		fail("segment ending at USER_HEAP_LIMIT", "expected 0 and brk %#lx, "
		     "saw reason %s, brk %#lx", USER_HEAP_LIMIT,
		     o.reason ? o.reason : "(none)", (unsigned long)o.brk);
}

static void test_header_corruptions(void)
{
	REJECT(m.eh.e_ident[0] = 0x7e, "bad magic");
	REJECT(m.eh.e_ident[3] = 'f', "bad magic");
	REJECT(m.eh.e_ident[4] = 1, "not ELF64");
	REJECT(m.eh.e_ident[5] = 2, "not little endian");
	REJECT(m.eh.e_ident[6] = 0, "bad ELF version");
	REJECT(m.eh.e_version = 2, "bad ELF version");
	REJECT(m.eh.e_ident[7] = 3, "bad OS ABI");
	REJECT(m.eh.e_type = 3, "not an executable");        /* ET_DYN */
	REJECT(m.eh.e_type = 1, "not an executable");        /* ET_REL */
	REJECT(m.eh.e_machine = 62, "not RISC-V");           /* x86-64 */
	REJECT(m.eh.e_flags = 0x5, "float");                 /* double-float ABI */
	REJECT(m.eh.e_flags = 0x9, "RVE");
	REJECT(m.eh.e_ehsize = 52, "bad header size");
	REJECT(m.eh.e_phentsize = 32, "bad program header size");
	REJECT(m.eh.e_phnum = 0, "too many or no program headers");
	REJECT(m.eh.e_phnum = ELF_MAX_PHDRS + 1, "too many or no program headers");
	REJECT(m.eh.e_phnum = 0xffff, "too many or no program headers");
	REJECT(m.eh.e_phoff = m.len + 8, "program headers outside the file");
	REJECT(m.eh.e_phoff = m.len - 100, "program headers outside the file");
	REJECT(m.eh.e_phoff = UINT64_MAX - 16, "program headers outside the file");
	REJECT(m.eh.e_phoff = m.len - 4 * sizeof(struct elf64_phdr) + 1,
	       "program headers outside the file");
}

static void test_segment_corruptions(void)
{
	REJECT(m.ph[3].p_filesz = 0x3001, "filesz > memsz");
	REJECT(m.ph[1].p_offset = m.len + 0x1000, "segment outside the file");
	REJECT(m.ph[3].p_filesz = 0x701, "segment outside the file");
	REJECT((m.ph[3].p_offset = UINT64_MAX - 1, m.ph[3].p_filesz = 0x10), "segment outside the file");
	REJECT((m.ph[3].p_filesz = UINT64_MAX, m.ph[3].p_memsz = UINT64_MAX), "segment outside the file");
	REJECT(m.ph[2].p_vaddr = 0x40001010, "not page-aligned");
	REJECT(m.ph[1].p_vaddr = 0, "outside the user window");
	REJECT(m.ph[1].p_vaddr = USER_BASE - 0x1000, "outside the user window");
	REJECT(m.ph[2].p_vaddr = 0x80200000, "outside the user window");   /* kernel */
	REJECT(m.ph[2].p_vaddr = USER_STACK_BOTTOM, "outside the user window");
	REJECT(m.ph[2].p_vaddr = USER_GUARD_BASE, "outside the user window");
	REJECT(m.ph[3].p_memsz = USER_HEAP_LIMIT - 0x40002000 + 1, "outside the user window");
	REJECT(m.ph[3].p_memsz = UINT64_MAX, "outside the user window");
	REJECT((m.ph[3].p_vaddr = 0xfffffffffffff000ULL, m.ph[3].p_memsz = 0x2000),
	       "outside the user window");
	REJECT(m.ph[2].p_flags = PF_X, "not readable");
	REJECT(m.ph[2].p_flags = PF_W, "not readable");
	REJECT(m.ph[3].p_flags = PF_R | PF_W | PF_X, "writable and executable");
	REJECT(m.ph[1].p_flags = PF_R | PF_W | PF_X, "writable and executable");
	REJECT(m.ph[2].p_vaddr = 0x40000000, "overlap");
	REJECT(m.ph[3].p_vaddr = 0x40001000, "overlap");
	REJECT(m.ph[1].p_memsz = 0x1001, "overlap");         /* shares rodata's page */
	REJECT(m.ph[2].p_memsz = 0x2000, "overlap");         /* runs into data */
	REJECT(m.ph[2].p_type = 3, "dynamic");               /* PT_INTERP */
	REJECT(m.ph[2].p_type = 2, "dynamic");               /* PT_DYNAMIC */
	REJECT(m.ph[2].p_type = 7, "TLS");
	REJECT((m.ph[1].p_type = 0, m.ph[2].p_type = 0, m.ph[3].p_type = 0),
	       "no loadable segment");
}

static void test_entry_corruptions(void)
{
	REJECT(m.eh.e_entry = 0, "entry point");
	REJECT(m.eh.e_entry = 0x40000800, "entry point");    /* one past text's bytes */
	REJECT(m.eh.e_entry = 0x40001000, "entry point");    /* rodata: not executable */
	REJECT(m.eh.e_entry = 0x40002000, "entry point");    /* data */
	REJECT(m.eh.e_entry = 0x80200000, "entry point");    /* kernel */
}

/* More PT_LOAD segments than ELF_MAX_SEGS, each valid on its own. */
static void test_too_many_segments(void)
{
	struct model m;

	model_valid(&m);
	m.eh.e_phnum = ELF_MAX_SEGS + 1;
	for (int i = 0; i < ELF_MAX_SEGS + 1; i++)
		load(&m, i, PF_R | PF_X, 0x1000, 0x40000000 + i * 0x1000, 0x100, 0x100);
	expect_reject(&m, "ELF_MAX_SEGS + 1 segments", "too many segments");

	m.eh.e_phnum = ELF_MAX_SEGS;
	checks++;
	struct elf_image o;
	if (check_model(&m, &o) != 0 || o.nsegs != ELF_MAX_SEGS)
		fail("ELF_MAX_SEGS segments", "expected 0, refused: %s",
		     o.reason ? o.reason : "(none)");
}

/* Every strict prefix of the valid image is refused. */
static void test_truncation(void)
{
	struct model m;
	struct elf_image o;

	model_valid(&m);
	unsigned char *img = model_image(&m);
	for (size_t n = 0; n < m.len; n++) {
		unsigned char *cut = malloc(n ? n : 1);
		memcpy(cut, img, n);
		checks++;
		int r = elf_check(cut, n, &o);
		if (r != -ENOEXEC) {
			char what[64];
			snprintf(what, sizeof(what), "truncated to %zu bytes", n);
			fail(what, "expected -ENOEXEC, saw %d", r);
		}
		free(cut);
	}
	free(img);
}

/* Random byte changes in the headers never crash the checker, and what
 * it accepts still obeys every invariant. */
static void test_random_corruption(void)
{
	struct model m;
	struct elf_image o;
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	int accepted = 0;

	model_valid(&m);
	unsigned char *good = model_image(&m);
	unsigned char *img = malloc(m.len);
	for (int iter = 0; iter < 20000; iter++) {
		memcpy(img, good, m.len);
		for (int k = 0; k < 1 + iter % 4; k++) {
			x ^= x << 13; x ^= x >> 7; x ^= x << 17;
			img[(x >> 8) % 0x120] = (unsigned char)x;   /* ehdr + 4 phdrs */
		}
		checks++;
		int r = elf_check(img, m.len, &o);
		const char *bad = r == 0 ? accepted_invariant(&o, m.len) : NULL;
		if (r != 0 && r != -ENOEXEC)
			fail("random corruption", "expected 0 or -ENOEXEC, saw %d", r);
		else if (bad)
			fail("random corruption", "iteration %d accepted an image "
			     "with a bad %s", iter, bad);
		accepted += r == 0;
	}
	printf("elf_test: random corruption: %d of 20000 still valid\n", accepted);
	free(img);
	free(good);
}

/* Real programs named on the command line are accepted. */
static void test_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct elf_image o;
	long n;

	checks++;
	if (!f || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0) {
		fail(path, "cannot read it");
		if (f)
			fclose(f);
		return;
	}
	unsigned char *img = malloc(n ? (size_t)n : 1);
	rewind(f);
	if (fread(img, 1, (size_t)n, f) != (size_t)n)
		n = 0;
	fclose(f);
	int r = elf_check(img, (size_t)n, &o);
	if (r != 0) {
		fail(path, "expected 0, refused: %s (%d)", o.reason, r);
	} else {
		printf("elf_test: %s: entry %#lx brk %#lx", path,
		       (unsigned long)o.entry, (unsigned long)o.brk);
		for (int i = 0; i < o.nsegs; i++)
			printf(" [%#lx+%#lx %c%c%c]", (unsigned long)o.seg[i].vaddr,
			       (unsigned long)o.seg[i].memsz,
			       o.seg[i].flags & ELF_SEG_R ? 'r' : '-',
			       o.seg[i].flags & ELF_SEG_W ? 'w' : '-',
			       o.seg[i].flags & ELF_SEG_X ? 'x' : '-');
		printf("\n");
	}
	free(img);
}

int main(int argc, char **argv)
{
	test_valid();
	test_valid_variants();
	test_header_corruptions();
	test_segment_corruptions();
	test_entry_corruptions();
	test_too_many_segments();
	test_truncation();
	test_random_corruption();
	for (int i = 1; i < argc; i++)
		test_file(argv[i]);
	printf("elf_test: %d checks, %d failures\n", checks, failures);
	return failures ? 1 : 0;
}
