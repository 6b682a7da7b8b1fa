/* The leak scan (kernel/mm/leak.c, docs/memory.md "Leak scan"): which
 * live heap blocks nothing points to any more, grouped by call site, as
 * illumos' ::findleaks. `mem -l` asks for it through sysinfo. */
#ifndef RVOS_KERNEL_LEAK_H
#define RVOS_KERNEL_LEAK_H

#include <kernel/types.h>

#define LEAK_STOP_MS 1000       /* how long the other harts may take to park:
				 * QEMU's vCPU threads on a loaded host can
				 * miss 100 ms */

/* Bookkeeping that holds addresses of heap blocks without owning them
 * (a ring of recent frees, the guard slots) must not keep those blocks
 * alive in a scan: declare it, zero-initialised, with LEAK_NOT_ROOT.
 * linker.ld gathers these in .bss between __leak_noscan_start and
 * __leak_noscan_end, which the scan skips. */
#define LEAK_NOT_ROOT __attribute__((section(".bss.leak_noscan")))

/* A live heap block outside the arenas (a guarded one, heap_guard.c),
 * for the scan, which marks, reads and sweeps these too. */
struct leak_extra {
	uintptr_t p;            /* the pointer kmalloc returned */
	uint32_t req;           /* bytes asked for: what the scan reads */
	uint32_t bytes;         /* what it holds, charged to its tag */
	uint16_t site;          /* alloc_site index, 0: none */
	uint8_t tag;
	bool marked, scanned;   /* the scan's */
};

/* Leaked blocks from one call site. */
struct leak_site {
	unsigned site;          /* alloc_site index (1-based), 0: none */
	int tag;                /* tag of the first leaked block found */
	size_t count;           /* leaked blocks */
	size_t bytes;           /* their block sizes, headers too */
	uintptr_t sample;       /* one of them: the pointer kmalloc returned */
};

/* What one scan did. */
struct leak_summary {
	size_t blocks;          /* live heap blocks found (cached ones are free) */
	size_t block_bytes;     /* ... their sizes */
	size_t root_bytes;      /* data, bss, stacks and saved registers read */
	size_t leaks;           /* blocks no root reaches */
	size_t leak_bytes;
	size_t sites;           /* call sites they come from */
	size_t sites_dropped;   /* ... not in the caller's array (it was full) */
	unsigned harts;         /* harts stopped for the scan */
	uint64_t usecs;         /* time from stopping the harts to their release */
};

/* Stop the other harts, mark every heap block a root reaches, and fill
 * out[0..max) with the unmarked ones grouped by call site, most bytes
 * first, and sum. 0, -ENOMEM (no pages for the mark bitmaps), -EBUSY (a
 * scan in progress, or a hart did not stop within LEAK_STOP_MS). Call
 * with no lock held and interrupts on or off; it takes the heap's
 * locks itself. */
int leak_scan(struct leak_site *out, size_t max, struct leak_summary *sum);

#endif
