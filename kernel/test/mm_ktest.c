/* In-kernel tests of the memory core, on the real RAM and hart:
 * allocate and free under every tag with counters back to their start,
 * buddy merge back to the initial layout, misuse refused, reclaim by
 * owner, and heap_check() holding throughout. */
#include "ktest.h"
#include <kernel/page.h>
#include <kernel/heap.h>
#include <kernel/tag.h>
#include <lib/string.h>
#include <uapi/errno.h>

#define MM_KTEST_PID 0x7ffffff0     /* far beyond any PID the kernel hands out */

/* Are two tag snapshots equal in everything that must return to start? */
static bool mm_ktest_tag_back(const struct tag_stat *a, const struct tag_stat *b)
{
	return a->bytes == b->bytes && a->live == b->live && a->req == b->req &&
	       a->pages == b->pages && a->fails == b->fails &&
	       a->page_fails == b->page_fails;
}

/* kmalloc/kfree under every tag: live counters back to their start, the
 * alloc and free totals up by exactly what was done. */
KTEST(mm_heap_every_tag)
{
	static const size_t sizes[] = { 1, 24, 100, 1000, 5000 };
	struct tag_stat before[TAG_NR_STATIC], after;
	void *p[ARRAY_SIZE(sizes)];

	KT_EQ(heap_check(), 0);
	for (int t = 0; t < TAG_NR_STATIC; t++) {
		KT_EQ(tag_stat_get(t, &before[t]), 0);
		for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
			p[i] = kmalloc(sizes[i], t);
			KT_ASSERT(p[i] != NULL);
			memset(p[i], 0x5a, sizes[i]);
		}
		KT_EQ(tag_stat_get(t, &after), 0);
		KT_EQ(after.live, before[t].live + ARRAY_SIZE(sizes));
		KT_EQ(heap_check(), 0);
		for (size_t i = 0; i < ARRAY_SIZE(sizes); i++)
			KT_EQ(kfree_tagged(p[i], t), 0);
		KT_EQ(tag_stat_get(t, &after), 0);
		KT_ASSERT(mm_ktest_tag_back(&before[t], &after));
		KT_EQ(after.allocs, before[t].allocs + ARRAY_SIZE(sizes));
		KT_EQ(after.frees, before[t].frees + ARRAY_SIZE(sizes));
	}
	KT_EQ(heap_check(), 0);
}

/* page_alloc/page_free under every tag and a mix of orders, freed in a
 * different order: every free block merges back, so buddyinfo equals
 * the start, and each tag's page count is back where it was. */
KTEST(mm_page_every_tag_merges_back)
{
	static const unsigned orders[] = { 0, 3, 1, 0, 2, PAGE_MAX_ORDER, 0, 4 };
	struct page_stats start, now;
	struct tag_stat before, after;
	void *p[ARRAY_SIZE(orders)];

	page_cache_drain();                     /* buddyinfo with every free page */
	page_stats(&start);
	for (int t = 0; t < TAG_NR_STATIC; t++) {
		KT_EQ(tag_stat_get(t, &before), 0);
		for (size_t i = 0; i < ARRAY_SIZE(orders); i++) {
			p[i] = page_alloc(orders[i], 0, t);
			KT_ASSERT(p[i] != NULL);
			KT_EQ(page_owner(p[i]), 0);
		}
		for (size_t i = 1; i < ARRAY_SIZE(orders); i += 2)
			KT_EQ(page_free(p[i], 0), 0);
		for (size_t i = 0; i < ARRAY_SIZE(orders); i += 2)
			KT_EQ(page_free(p[i], 0), 0);
		KT_EQ(tag_stat_get(t, &after), 0);
		KT_ASSERT(mm_ktest_tag_back(&before, &after));
	}
	page_cache_drain();
	page_stats(&now);
	KT_EQ(now.free, start.free);
	for (int o = 0; o <= PAGE_MAX_ORDER; o++)
		KT_EQ(now.free_blocks[o], start.free_blocks[o]);
}

/* Misuse is refused with an error and leaves both allocators as they
 * were (the reports it prints are expected). */
KTEST(mm_misuse_refused)
{
	struct page_stats ps0, ps1;
	struct heap_stats hs0, hs1;
	char *h = kmalloc(64, TAG_TEST);
	char *pg = page_alloc(1, 0, TAG_TEST);

	KT_ASSERT(h && pg);
	page_stats(&ps0);
	heap_stats(&hs0);
	KT_EQ(page_free(pg + PAGE_SIZE, 0), -EINVAL);    /* inside a block */
	KT_EQ(page_free(pg, 1), -EPERM);                 /* wrong owner */
	KT_EQ(kfree(h + 16), -EINVAL);                   /* not a block start */
	KT_EQ(kfree(pg), -EINVAL);                       /* not the heap's */
	KT_EQ(kfree_tagged(h, TAG_IPC), -EINVAL);        /* wrong tag */
	page_stats(&ps1);
	heap_stats(&hs1);
	KT_EQ(ps1.free, ps0.free);
	KT_EQ(ps1.misuse, ps0.misuse + 2);
	KT_EQ(hs1.used, hs0.used);
	KT_EQ(hs1.misuse, hs0.misuse + 3);
	KT_EQ(kfree_tagged(h, TAG_TEST), 0);
	KT_EQ(kfree(h), -EINVAL);                        /* double free */
	KT_EQ(page_free(pg, 0), 0);
	KT_EQ(page_free(pg, 0), -EINVAL);                /* double free */
	KT_EQ(heap_check(), 0);
}

/* Pages made for a process are its own, and reclaim takes them all. */
KTEST(mm_reclaim_by_owner)
{
	struct page_stats start, now;
	size_t by_tag[TAG_MAX];

	page_cache_drain();                     /* reclaim frees to the buddy lists */
	page_stats(&start);
	KT_EQ(page_owner_open(MM_KTEST_PID), 0);
	for (int i = 0; i < 4; i++)
		KT_ASSERT(page_alloc(0, MM_KTEST_PID, TAG_USER) != NULL);
	KT_ASSERT(page_alloc(2, MM_KTEST_PID, TAG_KSTK) != NULL);
	KT_ASSERT(page_alloc(0, MM_KTEST_PID, TAG_PGTB) != NULL);
	KT_EQ(page_owner_pages(MM_KTEST_PID), 9);
	KT_EQ(page_reclaim(MM_KTEST_PID, by_tag), 9);
	KT_EQ(by_tag[TAG_USER], 4);
	KT_EQ(by_tag[TAG_KSTK], 4);
	KT_EQ(by_tag[TAG_PGTB], 1);
	KT_EQ(page_owner_pages(MM_KTEST_PID), -ESRCH);
	page_cache_drain();
	page_stats(&now);
	KT_EQ(now.free, start.free);
	for (int o = 0; o <= PAGE_MAX_ORDER; o++)
		KT_EQ(now.free_blocks[o], start.free_blocks[o]);
}

/* The full invariant walk of both allocators on the booted kernel. */
KTEST(mm_checks_pass)
{
	KT_EQ(page_check(), 0);
	KT_EQ(heap_check(), 0);
}
