/* ELF image checks: turn an untrusted executable into a segment list.
 *
 * Every field that could steer the loader is checked here, so the loader
 * itself can trust struct elf_image. Headers are copied out with memcpy
 * because the image may sit at any alignment. All range checks are
 * written as "a <= limit - b" after "b <= limit" so that no sum can wrap.
 */
#include <kernel/elf.h>
#include <kernel/param.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include <uapi/layout.h>

_Static_assert(USER_PAGE_SIZE == PAGE_SIZE, "uapi/layout.h page size");

#define PT_DYNAMIC  2
#define PT_INTERP   3
#define PT_TLS      7

/* Record why the image was refused. */
static int reject(struct elf_image *out, const char *why)
{
	out->reason = why;
	return -ENOEXEC;
}

/* Check the file header and locate the program header table. */
static int check_ehdr(const struct elf64_ehdr *eh, size_t len,
		      struct elf_image *out)
{
	if (memcmp(eh->e_ident, ELF_MAGIC, 4) != 0)
		return reject(out, "bad magic");
	if (eh->e_ident[4] != ELFCLASS64)
		return reject(out, "not ELF64");
	if (eh->e_ident[5] != ELFDATA2LSB)
		return reject(out, "not little endian");
	if (eh->e_ident[6] != EV_CURRENT || eh->e_version != EV_CURRENT)
		return reject(out, "bad ELF version");
	if (eh->e_ident[7] != ELFOSABI_NONE)
		return reject(out, "bad OS ABI");
	if (eh->e_type != ET_EXEC)
		return reject(out, "not an executable (ET_EXEC)");
	if (eh->e_machine != EM_RISCV)
		return reject(out, "not RISC-V");
	if (eh->e_flags & (EF_RISCV_FLOAT_ABI | EF_RISCV_RVE))
		return reject(out, "needs a float or RVE ABI");
	if (eh->e_ehsize != sizeof(struct elf64_ehdr))
		return reject(out, "bad header size");
	if (eh->e_phentsize != sizeof(struct elf64_phdr))
		return reject(out, "bad program header size");
	if (eh->e_phnum == 0 || eh->e_phnum > ELF_MAX_PHDRS)
		return reject(out, "too many or no program headers");
	/* phnum <= ELF_MAX_PHDRS, so the product cannot overflow */
	if (eh->e_phoff > len ||
	    (uint64_t)eh->e_phnum * sizeof(struct elf64_phdr) > len - eh->e_phoff)
		return reject(out, "program headers outside the file");
	return 0;
}

/* Check one PT_LOAD header that has memory and turn it into a segment. */
static int check_load(const struct elf64_phdr *ph, size_t len,
		      struct elf_seg *seg, struct elf_image *out)
{
	uint32_t flags = ph->p_flags & (PF_R | PF_W | PF_X);

	if (ph->p_filesz > ph->p_memsz)
		return reject(out, "segment filesz > memsz");
	if (ph->p_offset > len || ph->p_filesz > len - ph->p_offset)
		return reject(out, "segment outside the file");
	if (ph->p_vaddr % PAGE_SIZE != 0)
		return reject(out, "segment not page-aligned");
	if (ph->p_vaddr < USER_BASE || ph->p_vaddr >= USER_HEAP_LIMIT ||
	    ph->p_memsz > USER_HEAP_LIMIT - ph->p_vaddr)
		return reject(out, "segment outside the user window");
	if (!(flags & PF_R))
		return reject(out, "segment not readable");
	if ((flags & PF_W) && (flags & PF_X))
		return reject(out, "segment writable and executable");
	seg->vaddr = ph->p_vaddr;
	seg->memsz = ph->p_memsz;
	seg->offset = ph->p_offset;
	seg->filesz = ph->p_filesz;
	seg->flags = flags;
	return 0;
}

/* Page-aligned end of a checked segment (cannot wrap: it ends in the window). */
static uint64_t seg_end(const struct elf_seg *s)
{
	return ALIGN_UP(s->vaddr + s->memsz, PAGE_SIZE);
}

/* Insert seg into out's vaddr-sorted list unless it shares a page with
 * a segment already there. */
static int add_seg(struct elf_image *out, const struct elf_seg *seg)
{
	int i;

	if (out->nsegs == ELF_MAX_SEGS)
		return reject(out, "too many segments");
	for (i = 0; i < out->nsegs; i++)
		if (seg->vaddr < seg_end(&out->seg[i]) &&
		    out->seg[i].vaddr < seg_end(seg))
			return reject(out, "segments overlap");
	for (i = out->nsegs; i > 0 && out->seg[i - 1].vaddr > seg->vaddr; i--)
		out->seg[i] = out->seg[i - 1];
	out->seg[i] = *seg;
	out->nsegs++;
	return 0;
}

/* Is the entry point inside the file bytes of an executable segment? */
static bool entry_ok(const struct elf_image *img)
{
	for (int i = 0; i < img->nsegs; i++) {
		const struct elf_seg *s = &img->seg[i];
		if ((s->flags & ELF_SEG_X) && img->entry >= s->vaddr &&
		    img->entry - s->vaddr < s->filesz)
			return true;
	}
	return false;
}

int elf_check(const void *img, size_t len, struct elf_image *out)
{
	const unsigned char *file = img;
	struct elf64_ehdr eh;
	int err;

	memset(out, 0, sizeof(*out));
	if (len < sizeof(eh))
		return reject(out, "shorter than an ELF header");
	memcpy(&eh, file, sizeof(eh));
	if ((err = check_ehdr(&eh, len, out)) != 0)
		return err;

	for (int i = 0; i < eh.e_phnum; i++) {
		struct elf64_phdr ph;
		struct elf_seg seg;

		memcpy(&ph, file + eh.e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_type == PT_DYNAMIC || ph.p_type == PT_INTERP ||
		    ph.p_type == PT_TLS)
			return reject(out, "needs dynamic linking or TLS");
		if (ph.p_type != PT_LOAD)
			continue;
		if (ph.p_memsz == 0 && ph.p_filesz == 0)
			continue;        /* maps nothing */
		if ((err = check_load(&ph, len, &seg, out)) != 0 ||
		    (err = add_seg(out, &seg)) != 0)
			return err;
	}
	if (out->nsegs == 0)
		return reject(out, "no loadable segment");

	out->entry = eh.e_entry;
	if (!entry_ok(out))
		return reject(out, "entry point not in an executable segment");
	out->brk = seg_end(&out->seg[out->nsegs - 1]);
	return 0;
}
