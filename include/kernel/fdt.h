/* Flattened device tree reader: what the platform is, as the boot
 * loader describes it. Nothing here is hard-coded for QEMU's virt. */
#ifndef RVOS_KERNEL_FDT_H
#define RVOS_KERNEL_FDT_H

#include <kernel/types.h>
#include <kernel/param.h>

#define FDT_MAX_RESERVED 16         /* more: the tree is refused */
#define FDT_MAX_RAM      8          /* /memory ranges kept (one per NUMA node) */
#define FDT_MAX_PLICS    8          /* PLICs looked at (one per socket) */
#define FDT_MAX_HARTS    32         /* hart ids kept (NCPU of them run) */
#define BOOTARGS_MAX     1024       /* longest command line taken, with its NUL */

struct mem_range {
	uint64_t base, size;
};

struct platform {
	struct mem_range mem;           /* the RAM used: whole pages of the /memory
					   ranges that adjoin the kernel's (fdt_ram_pick) */
	struct mem_range ram[FDT_MAX_RAM];  /* every /memory range, as listed */
	int nram;                       /* how many the tree lists (may be more) */
	struct mem_range reserved[FDT_MAX_RESERVED];  /* /reserved-memory, memreserve */
	int nreserved;                  /* kept (at most FDT_MAX_RESERVED) */
	int reserved_seen;              /* listed in the tree */
	uint64_t timebase;              /* /cpus timebase-frequency, Hz */
	int nharts;                     /* every hart the tree lists */
	uint64_t hartids[FDT_MAX_HARTS];   /* the ids of the first FDT_MAX_HARTS */
	struct mem_range uart;          /* ns16550a */
	uint32_t uart_irq;
	uint32_t uart_shift;            /* reg-shift */
	struct mem_range plic;
	uint32_t plic_ndev;             /* riscv,ndev */
	int plic_context;               /* S-mode context of the boot hart, -1 if unknown */
	struct mem_range test;          /* sifive,test0 power/exit device */
	struct mem_range htif;          /* ucb,htif0 (spike): exit by tohost */
	char bootargs[BOOTARGS_MAX];    /* /chosen bootargs: whole words that fit */
	size_t bootargs_len;            /* its length in the tree (more: it was cut) */
	uint32_t fdt_size;              /* totalsize of the blob */
};

extern struct platform platform;

/* Parse the blob at fdt into platform for boot hart hartid; returns 0 or
 * -EINVAL with a message naming what is missing or malformed. */
int fdt_parse(const void *fdt, uint64_t hartid);

/* Make platform.mem the whole pages of the /memory ranges that hold addr
 * or adjoin (or overlap) one that does, as one block: -ENOENT if no
 * range holds addr. fdt_parse picks around the first range listed. */
int fdt_ram_pick(uint64_t addr);

#endif
