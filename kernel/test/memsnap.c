/* Memory snapshots for the process tests (see memsnap.h). */
#include "memsnap.h"
#include <kernel/page.h>
#include <kernel/heap.h>
#include <kernel/tag.h>
#include <lib/string.h>
#include <kernel/printf.h>

/* Record free pages, misuse counts and every tag's counters now, the heap
 * caches drained first (memsnap.h). */
void memsnap_take(struct mem_snap *s)
{
	struct page_stats ps;
	struct heap_stats hs;

	memset(s, 0, sizeof(*s));
	heap_cache_drain();     /* a snapshot of a quiet machine: caches empty */
	page_stats(&ps);
	heap_stats(&hs);
	s->free_pages = ps.free + ps.cached;   /* the harts' lists hold free pages */
	s->misuse = ps.misuse + hs.misuse;
	for (int t = 0; t < tag_count(); t++) {
		struct tag_stat ts;
		if (tag_stat_get(t, &ts) == 0) {
			s->bytes[t] = ts.bytes;
			s->pages[t] = ts.pages;
			s->fails[t] = ts.fails;
			s->page_fails[t] = ts.page_fails;
		}
	}
}

/* Compare what must come back, naming the first difference. */
bool memsnap_same(const struct mem_snap *a, const struct mem_snap *b)
{
	if (a->free_pages != b->free_pages) {
		kprintf("ktest:   free pages %lu before, %lu after\n", a->free_pages, b->free_pages);
		return false;
	}
	if (a->misuse != b->misuse) {
		kprintf("ktest:   allocator misuse reports: %lu before, %lu after\n",
			a->misuse, b->misuse);
		return false;
	}
	for (int t = 0; t < TAG_MAX; t++)
		if (a->bytes[t] != b->bytes[t] || a->pages[t] != b->pages[t]) {
			char name[8];
			tag_name(t, name);
			kprintf("ktest:   tag %s: %lu bytes/%lu pages before, %lu/%lu after\n", name,
				a->bytes[t], a->pages[t], b->bytes[t], b->pages[t]);
			return false;
		}
	return true;
}

/* Refusals under tag between a and b, heap and pages together. */
uint64_t memsnap_fails(const struct mem_snap *a, const struct mem_snap *b, int tag)
{
	return (b->fails[tag] - a->fails[tag]) + (b->page_fails[tag] - a->page_fails[tag]);
}

/* Both allocators' own walks of every invariant. */
bool memsnap_consistent(void)
{
	bool ok = true;
	if (heap_check() < 0) {
		kprintf("ktest:   heap_check failed\n");
		ok = false;
	}
	if (page_check() < 0) {
		kprintf("ktest:   page_check failed\n");
		ok = false;
	}
	return ok;
}
