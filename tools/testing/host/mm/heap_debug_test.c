/* Host tests of the heap's poison and redzone bookkeeping
 * (kernel/mm/heap_debug.c): a free block stays its record plus poison
 * through splits, merges, growth and shrinking; a write after free and
 * an overflow are found with the right offsets; tag and call-site
 * counts balance with redzones. The guard pages and the OOM report need
 * the kernel's page tables and processes: stubs in host/mm_stubs.c (the
 * ktests test them). */
#include "mm_test.h"
#include "../../../../kernel/mm/heap_internal.h"
#include <kernel/mm_debug.h>

/* Switch the modes as mm_debug_set does: caches off first, poison on
 * over poisoned free blocks. */
static void modes(unsigned flags)
{
	heap_cache_set_depth(flags ? 0 : HEAP_CACHE_DEPTH);
	spin_lock(&heap.lock);
	if (flags & ~mm_debug_flags & MM_DBG_POISON)
		mm_poison_free_blocks();
	mm_debug_flags = flags;
	spin_unlock(&heap.lock);
}

/* Is every free block its record and then poison? */
static bool free_blocks_poisoned(void)
{
	for (unsigned o = 0; o < HEAP_ORDERS; o++)
		for (struct heap_free *f = heap.free_list[o]; f; f = f->next) {
			const uint8_t *b = (const uint8_t *)(f + 1);
			for (size_t i = 0; i < (HEAP_MIN_BLOCK << o) - sizeof(*f); i++)
				if (b[i] != MM_POISON_BYTE)
					return false;
		}
	return true;
}

/* Random sizes allocated and freed in random order, the invariant
 * checked after each step; no report made. */
static void poison_invariant(void)
{
	void *p[200] = { 0 };
	uint64_t reports = mm_debug_last.count;
	unsigned seed = 12345;

	modes(MM_DBG_POISON);
	EXPECT(free_blocks_poisoned());
	for (int step = 0; step < 3000; step++) {
		int i = (int)((seed = seed * 1103515245 + 12345) >> 8) % 200;
		if (p[i]) {
			EXPECT_EQ(kfree(p[i]), 0);
			p[i] = NULL;
		} else {
			size_t n = 1 + (seed >> 4) % (step % 50 ? 600 : 70000);
			p[i] = kmalloc(n, TAG_TEST);
			EXPECT(p[i] != NULL);
			if (p[i])
				memset(p[i], 0x5a, n);
		}
		if (step % 100 == 0)
			EXPECT(free_blocks_poisoned());
	}
	for (int i = 0; i < 200; i++)
		kfree(p[i]);
	EXPECT(free_blocks_poisoned());
	EXPECT_EQ(mm_debug_last.count, reports);
	EXPECT_EQ(heap_check(), 0);
	modes(0);
}

/* A byte written after kfree is found by the next kmalloc of the block,
 * with its offset and the allocating site. */
static void poison_finds_write(void)
{
	uint64_t reports = mm_debug_last.count;
	uint8_t *p, *q;

	modes(MM_DBG_POISON);
	p = kmalloc(100, TAG_TEST);
	EXPECT_EQ(kfree(p), 0);
	p[77] = 1;
	q = QUIET(kmalloc(100, TAG_TEST));
	EXPECT(q == p);
	EXPECT_EQ(mm_debug_last.count, reports + 1);
	EXPECT_EQ(mm_debug_last.kind, MM_DBG_POISON);
	EXPECT_EQ(mm_debug_last.offset, 77);
	EXPECT(mm_debug_last.alloc_site != NULL);
	kfree(q);
	modes(0);
}

/* Redzones: the tag's bytes asked and the call sites balance, an
 * overflow of k bytes is reported as k, a marked block is checked after
 * the mode is off. */
static void redzone_balance(void)
{
	struct tag_stat before, now;
	uint64_t reports = mm_debug_last.count;
	uint8_t *p[64];

	EXPECT_EQ(tag_stat_get(TAG_TEST, &before), 0);
	modes(MM_DBG_REDZONE);
	for (int i = 0; i < 64; i++) {
		p[i] = kmalloc((size_t)i * 37, TAG_TEST);
		EXPECT(p[i] != NULL);
	}
	EXPECT_EQ(heap_check(), 0);
	EXPECT_EQ(mm_debug_last.count, reports);
	p[10][370 + 4] = 9;                     /* 5 bytes past 370 */
	EXPECT_EQ(QUIET(kfree(p[10])), 0);
	EXPECT_EQ(mm_debug_last.count, reports + 1);
	EXPECT_EQ(mm_debug_last.offset, 5);
	modes(0);
	p[20][740] = 9;
	EXPECT_EQ(QUIET(kfree(p[20])), 0);
	EXPECT_EQ(mm_debug_last.offset, 1);
	for (int i = 0; i < 64; i++)
		if (i != 10 && i != 20)
			EXPECT_EQ(kfree(p[i]), 0);
	EXPECT_EQ(mm_debug_last.count, reports + 2);
	EXPECT_EQ(tag_stat_get(TAG_TEST, &now), 0);
	EXPECT_EQ(now.req, before.req);
	EXPECT_EQ(now.bytes, before.bytes);
	EXPECT_EQ(heap_check(), 0);
}

/* Exhaustion calls the OOM report; a request too big for any block
 * does not. */
static void oom_called(void)
{
	unsigned calls = host_oom_calls;
	void *p[16];
	int n = 0;

	EXPECT(kmalloc(HEAP_MAX_ALLOC + 1, TAG_TEST) == NULL);
	EXPECT_EQ(host_oom_calls, calls);
	while (n < 16 && (p[n] = kmalloc(HEAP_ARENA_SIZE / 2, TAG_TEST)))
		n++;
	EXPECT(n < 16);
	EXPECT(host_oom_calls > calls);
	while (n--)
		kfree(p[n]);
}

const struct mm_test heap_debug_tests[] = {
	{ "heap debug: poison invariant", poison_invariant },
	{ "heap debug: poison finds a write", poison_finds_write },
	{ "heap debug: redzones balance", redzone_balance },
	{ "heap debug: exhaustion reports", oom_called },
	{ NULL, NULL },
};
