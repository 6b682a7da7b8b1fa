/* Memory management: bringing it up at boot, misuse reports and the
 * tracking-metadata budget.
 *
 * Boot order (mm_boot, kernel/mm/boot.c, called by kmain):
 *   tag_init();
 *   page_init(ram_base, ram_size, meta);      meta: page_meta_bytes(ram_size)
 *   page_free_range(...) for each free range around the kernel image,
 *                        the descriptor array, OpenSBI and the DTB;
 *   heap_init();
 * and once interrupts are on, mm_boot_report() -> mm_budget_print().
 */
#ifndef RVOS_KERNEL_MM_H
#define RVOS_KERNEL_MM_H

#include <kernel/types.h>

/* Bring up tags, the page allocator over all RAM after the kernel image
 * (less the device tree at fdt and the firmware's regions) and the heap.
 * Panics when the memory range cannot be used. */
void mm_boot(const void *fdt);

/* Print free pages after the boot allocations, and the budget. */
void mm_boot_report(void);

/* Every byte the kernel spends on tracking memory. */
struct mm_budget {
	size_t ram;                 /* bytes of RAM the descriptors cover */
	size_t page_desc;           /* one descriptor per page */
	size_t page_owners;         /* owner records and pid hash */
	size_t tag_table;           /* the tag table */
	size_t alloc_sites;         /* call-site records */
	size_t heap_maps;           /* head bitmaps of the arenas in use */
	size_t heap_headers;        /* 8-byte header of every live block */
	size_t total;
};

/* Fill in the current budget. */
void mm_budget_get(struct mm_budget *b);

/* Print the budget in bytes and as a share of RAM. */
void mm_budget_print(void);

/* Print "<message> (caller sym+0xoff)" for a misuse of the allocators;
 * caller is __builtin_return_address(0) of the public entry point. */
void mm_report(uintptr_t caller, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
