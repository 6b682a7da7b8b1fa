/* Boot-time memory: carve physical RAM for the page allocator.
 *
 * The page descriptors go in the first gap after the kernel image that
 * holds them and no reserved region; every other page of RAM after the
 * kernel is handed to the allocator except the device tree and the
 * firmware's reserved regions, which the device tree names. A region
 * over the kernel, or no room for the descriptors, refuses the boot.
 */
#include <kernel/mm.h>
#include <kernel/page.h>
#include <kernel/heap.h>
#include <kernel/mm_audit.h>
#include <kernel/tag.h>
#include <kernel/fdt.h>
#include <kernel/vm.h>
#include <kernel/panic.h>
#include <kernel/printf.h>
#include <kernel/dev.h>
#include <kernel/bootargs.h>

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

/* mm_audit or mm_audit=N on the command line: switch the allocation
 * history on (include/kernel/mm_audit.h), or say why not. */
static void mm_audit_boot(void)
{
	struct mm_audit_stats as;
	char val[16];
	long n = MM_AUDIT_DEFAULT;
	int rc;

	if (!bootarg("mm_audit", val, sizeof(val)))
		return;
	if (val[0]) {
		const char *c = val;
		for (n = 0; *c >= '0' && *c <= '9' && n <= MM_AUDIT_MAX; c++)
			n = n * 10 + (*c - '0');
		if (*c || n < MM_AUDIT_MIN || n > MM_AUDIT_MAX) {
			kprintf("mm_audit: \"%s\" refused: give a number of events from "
				"%d to %d (bare mm_audit: %d); audit is off\n", val,
				MM_AUDIT_MIN, MM_AUDIT_MAX, MM_AUDIT_DEFAULT);
			return;
		}
	}
	rc = mm_audit_enable((unsigned)n);
	if (rc < 0) {
		kprintf("mm_audit: cannot switch on: error %d; audit is off\n", rc);
		return;
	}
	mm_audit_stats(&as);
	kprintf("mm_audit: on, %u events (%lu KiB ring), %u blocks in the side table "
		"(%lu KiB), tag AUDT; heap and page caches off\n", as.events,
		(unsigned long)as.ring_bytes / 1024, as.table_cap,
		(unsigned long)as.table_bytes / 1024);
}

/* Bring up tags, the page allocator over all RAM after the kernel image
 * (less the device tree and firmware regions), and the heap. The page
 * descriptors go in the first gap after the kernel that holds them and
 * no reserved region: a region the firmware keeps is never written. */
void mm_boot(const void *fdt)
{
	uintptr_t ram_base = platform.mem.base, ram_end = ram_base + platform.mem.size;
	uintptr_t kstart = (uintptr_t)__kernel_start;
	uintptr_t kend = ALIGN_UP((uintptr_t)__kernel_end, PAGE_SIZE);
	size_t meta_bytes = page_meta_bytes(platform.mem.size);
	struct mem_range skip[FDT_MAX_RESERVED + 2];
	int nskip = 0;

	skip[nskip++] = (struct mem_range){ (uintptr_t)fdt, platform.fdt_size };
	for (int i = 0; i < platform.nreserved; i++)
		skip[nskip++] = platform.reserved[i];
	for (int i = 0; i < nskip; i++) {    /* whole pages */
		uintptr_t b = ALIGN_DOWN(skip[i].base, PAGE_SIZE);
		skip[i].size = ALIGN_UP(skip[i].base + skip[i].size, PAGE_SIZE) - b;
		skip[i].base = b;
		if (b < kend && b + skip[i].size > kstart) {
			kprintf("rvos: %s %p-%p overlaps the kernel: cannot boot\n",
				i ? "reserved region" : "device tree", (void *)b,
				(void *)(b + skip[i].size));
			power_fail(1);
		}
	}
	uintptr_t meta = kend;
	for (bool moved = true; moved; ) {
		moved = false;
		for (int i = 0; i < nskip; i++)
			if (skip[i].base < meta + meta_bytes && skip[i].base + skip[i].size > meta) {
				meta = skip[i].base + skip[i].size;
				moved = true;
			}
	}
	if (meta + meta_bytes > ram_end) {
		kprintf("rvos: no room for %lu bytes of page descriptors after the kernel: "
			"cannot boot\n", (unsigned long)meta_bytes);
		power_fail(1);
	}
	tag_init();
	if (page_init(ram_base, platform.mem.size, (void *)meta) < 0) {
		kprintf("rvos: the page allocator refused RAM %p-%p: cannot boot\n",
			(void *)ram_base, (void *)ram_end);
		power_fail(1);
	}
	skip[nskip++] = (struct mem_range){ meta, ALIGN_UP(meta_bytes, PAGE_SIZE) };
	mm_free_around(kend, ram_end, skip, nskip);
	heap_init();
	mm_audit_boot();
}

/* Report free memory after boot allocations. */
void mm_boot_report(void)
{
	struct page_stats ps;
	page_stats(&ps);
	ps.free += ps.cached;                  /* available: the harts' lists too */
	kprintf("rvos: pages: %lu total, %lu free (%lu KiB), %lu kernel\n",
		ps.total, ps.free, ps.free * PAGE_SIZE / 1024, ps.kernel);
	mm_budget_print();
}
