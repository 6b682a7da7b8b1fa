/* ELF64 executables: the on-file structures and the loader's checks.
 *
 * elf_check() validates an untrusted image and reduces it to a short
 * list of segments; the loader maps exactly those and nothing else from
 * the file. Architecture-free: it also compiles for the host tests.
 */
#ifndef RVOS_KERNEL_ELF_H
#define RVOS_KERNEL_ELF_H

#include <kernel/types.h>

/* ELF file header (the fields rvos reads are commented). */
struct elf64_ehdr {
	uint8_t  e_ident[16];    /* magic, class, data, version, OS ABI */
	uint16_t e_type;         /* ET_EXEC */
	uint16_t e_machine;      /* EM_RISCV */
	uint32_t e_version;      /* EV_CURRENT */
	uint64_t e_entry;        /* entry point */
	uint64_t e_phoff;        /* program header table offset */
	uint64_t e_shoff;
	uint32_t e_flags;        /* RISC-V: float ABI, RVE */
	uint16_t e_ehsize;
	uint16_t e_phentsize;    /* sizeof(struct elf64_phdr) */
	uint16_t e_phnum;        /* program header count */
	uint16_t e_shentsize;
	uint16_t e_shnum;
	uint16_t e_shstrndx;
};

/* ELF program header. */
struct elf64_phdr {
	uint32_t p_type;         /* PT_LOAD is the only one rvos acts on */
	uint32_t p_flags;        /* PF_R | PF_W | PF_X */
	uint64_t p_offset;       /* file offset of the segment's bytes */
	uint64_t p_vaddr;        /* where it goes */
	uint64_t p_paddr;
	uint64_t p_filesz;       /* bytes from the file */
	uint64_t p_memsz;        /* bytes in memory, the rest zero */
	uint64_t p_align;
};

#define ELF_MAGIC        "\177ELF"
#define ELFCLASS64       2
#define ELFDATA2LSB      1
#define EV_CURRENT       1
#define ELFOSABI_NONE    0
#define ET_EXEC          2
#define EM_RISCV         243
#define PT_LOAD          1
#define PF_X             1
#define PF_W             2
#define PF_R             4

/* RISC-V e_flags */
#define EF_RISCV_FLOAT_ABI  0x0006   /* 0 = soft float: the only one rvos runs */
#define EF_RISCV_RVE        0x0008

/* Limits on what elf_check accepts. */
#define ELF_MAX_PHDRS    16      /* program headers of any type */
#define ELF_MAX_SEGS     8       /* PT_LOAD segments with memory */

/* Segment permissions, the PF_* values. */
#define ELF_SEG_X        PF_X
#define ELF_SEG_W        PF_W
#define ELF_SEG_R        PF_R

/* One checked loadable segment: map [vaddr, vaddr + memsz) rounded out
 * to pages with flags, copy filesz bytes from image + offset to vaddr,
 * zero the rest. vaddr is page-aligned; no two segments share a page. */
struct elf_seg {
	uint64_t vaddr;
	uint64_t memsz;
	uint64_t offset;
	uint64_t filesz;
	uint32_t flags;          /* ELF_SEG_R, optionally W or X, never both */
};

/* What the loader needs from a checked image. */
struct elf_image {
	const char *reason;      /* on -ENOEXEC: what was wrong, for the log */
	uint64_t entry;          /* inside an executable segment's file bytes */
	uint64_t brk;            /* page-aligned end of the highest segment */
	int nsegs;               /* 1..ELF_MAX_SEGS, sorted by vaddr */
	struct elf_seg seg[ELF_MAX_SEGS];
};

/* Check the len-byte image at img and fill *out. Trusts nothing in the
 * image: returns 0, or -ENOEXEC for anything malformed, outside the user
 * window, overlapping, writable and executable, or over the limits above;
 * then only out->reason is meaningful. Reads img only; no allocation, no
 * locks; img may be unaligned. */
int elf_check(const void *img, size_t len, struct elf_image *out);

#endif
