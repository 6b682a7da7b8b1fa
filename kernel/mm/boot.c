/* Boot-time memory: carve physical RAM for the page allocator.
 *
 * The page descriptors go right after the kernel image; every other page
 * of RAM is handed to the allocator except the device tree and the
 * firmware's reserved regions, which the device tree names.
 */
#include <kernel/mm.h>
#include <kernel/page.h>
#include <kernel/heap.h>
#include <kernel/tag.h>
#include <kernel/fdt.h>
#include <kernel/vm.h>
#include <kernel/panic.h>
#include <kernel/printf.h>

/* Hand [start, end) to the page allocator, minus the ranges in skip[]. */
static void mm_free_around(uintptr_t start, uintptr_t end,
			   struct mem_range *skip, int nskip)
{
	while (start < end) {
		uintptr_t stop = end;
		bool moved = false;
		for (int i = 0; i < nskip; i++) {
			uintptr_t b = skip[i].base, e = skip[i].base + skip[i].size;
			if (b <= start && e > start) {     /* start lies in a hole */
				start = e;
				moved = true;
			} else if (b > start && b < stop) {
				stop = b;
			}
		}
		if (moved)
			continue;
		if (stop > start && page_free_range(start, stop) < 0)
			panic("mm: cannot free %p-%p", (void *)start, (void *)stop);
		start = stop;
	}
}

/* Bring up tags, the page allocator over all RAM after the kernel image
 * (less the device tree and firmware regions), and the heap. */
void mm_boot(const void *fdt)
{
	uintptr_t ram_base = platform.mem.base, ram_end = ram_base + platform.mem.size;
	uintptr_t meta = ALIGN_UP((uintptr_t)__kernel_end, 8);
	size_t meta_bytes = page_meta_bytes(platform.mem.size);

	tag_init();
	if (page_init(ram_base, platform.mem.size, (void *)meta) < 0)
		panic("mm: page_init refused the memory range");
	struct mem_range skip[FDT_MAX_RESERVED + 1];
	int nskip = 0;
	skip[nskip++] = (struct mem_range){ (uintptr_t)fdt, platform.fdt_size };
	for (int i = 0; i < platform.nreserved; i++)
		skip[nskip++] = platform.reserved[i];
	for (int i = 0; i < nskip; i++) {    /* whole pages */
		uintptr_t b = ALIGN_DOWN(skip[i].base, PAGE_SIZE);
		skip[i].size = ALIGN_UP(skip[i].base + skip[i].size, PAGE_SIZE) - b;
		skip[i].base = b;
	}
	mm_free_around(ALIGN_UP(meta + meta_bytes, PAGE_SIZE), ram_end, skip, nskip);
	heap_init();
}

/* Report free memory after boot allocations. */
void mm_boot_report(void)
{
	struct page_stats ps;
	page_stats(&ps);
	kprintf("rvos: pages: %lu total, %lu free (%lu KiB), %lu kernel\n",
		ps.total, ps.free, ps.free * PAGE_SIZE / 1024, ps.kernel);
	mm_budget_print();
}
