/* The tracking-metadata budget: what knowing who holds memory costs. */
#include <kernel/mm.h>
#include <kernel/page.h>
#include <kernel/heap.h>
#include <kernel/tag.h>
#include <kernel/alloc_site.h>
#include <kernel/printf.h>

/* Gather every allocator's metadata size. */
void mm_budget_get(struct mm_budget *b)
{
	struct heap_stats hs;

	heap_stats(&hs);
	b->ram = page_ram_bytes();
	b->page_desc = page_meta_bytes(b->ram);
	b->page_owners = page_owner_meta_bytes();
	b->tag_table = tag_meta_bytes();
	b->alloc_sites = alloc_site_meta_bytes();
	b->heap_maps = hs.map_bytes;
	b->heap_headers = hs.header_bytes;
	b->total = b->page_desc + b->page_owners + b->tag_table +
		   b->alloc_sites + b->heap_maps + b->heap_headers;
}

/* One line per item, then the total as a share of RAM (3 decimals). */
void mm_budget_print(void)
{
	struct mm_budget b;
	unsigned long milli;

	mm_budget_get(&b);
	milli = b.ram ? (unsigned long)((uint64_t)b.total * 100000 / b.ram) : 0;
	kprintf("mm: metadata: page descriptors %zu B, owners %zu B, tags %zu B, "
		"call sites %zu B, heap maps %zu B, heap headers %zu B\n",
		b.page_desc, b.page_owners, b.tag_table, b.alloc_sites,
		b.heap_maps, b.heap_headers);
	kprintf("mm: metadata total %zu B = %lu.%03lu%% of %zu B RAM\n",
		b.total, milli / 1000, milli % 1000, b.ram);
}
