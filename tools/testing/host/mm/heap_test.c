/* Kernel heap: block sizes, exhaustion, every misuse, zeroing, merging. */
#include "mm_test.h"
#include "../../../../kernel/mm/tag_internal.h"   /* tag_charge_alloc */

/* Snapshot of the heap's counters that a refused call must not move. */
static bool heap_same(const struct heap_stats *a, const struct heap_stats *b)
{
	return a->total == b->total && a->used == b->used && a->live == b->live &&
	       !memcmp(a->free_blocks, b->free_blocks, sizeof(a->free_blocks));
}

/* Block size is the smallest power of two holding request + header. */
static void heap_block_sizes(void)
{
	struct { size_t req, block; } cases[] = {
		{ 0, 32 }, { 1, 32 }, { 24, 32 }, { 25, 64 }, { 56, 64 }, { 57, 128 },
		{ 4096, 8192 }, { 4088, 4096 }, { HEAP_MAX_ALLOC, HEAP_ARENA_SIZE },
	};
	struct heap_block_info bi;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t *p = kmalloc(cases[i].req, TAG_TEST);
		EXPECT(p != NULL);
		EXPECT_EQ((uintptr_t)p % 8, 0);
		EXPECT_EQ(heap_block_info(p, &bi), 0);
		EXPECT_EQ(bi.size + HEAP_HDR_SIZE, cases[i].block);
		EXPECT_EQ(bi.req, cases[i].req);
		memset(p, 0xee, cases[i].req);
		EXPECT_EQ(heap_check(), 0);
		EXPECT_EQ(kfree(p), 0);
	}
}

/* Too big, the arena cap, and no pages left: NULL, counted, no panic. */
static void heap_exhaustion(void)
{
	void *arena[HEAP_MAX_ARENAS];
	struct heap_stats hs;
	struct tag_stat ts;

	EXPECT(kmalloc(HEAP_MAX_ALLOC + 1, TAG_SVC) == NULL);
	EXPECT(kmalloc((size_t)-1, TAG_SVC) == NULL);
	for (int i = 0; i < HEAP_MAX_ARENAS; i++) {
		arena[i] = kmalloc(HEAP_MAX_ALLOC, TAG_SVC);
		EXPECT(arena[i] != NULL);
	}
	EXPECT(kmalloc(1, TAG_SVC) == NULL);        /* at the cap */
	heap_stats(&hs);
	EXPECT_EQ(hs.arenas, HEAP_MAX_ARENAS);
	EXPECT_EQ(hs.fails, 3);
	EXPECT_EQ(hs.free, 0);
	tag_stat_get(TAG_SVC, &ts);
	EXPECT_EQ(ts.fails, 3);
	EXPECT_EQ(ts.live, HEAP_MAX_ARENAS);
	EXPECT_EQ(heap_check(), 0);
	for (int i = 0; i < HEAP_MAX_ARENAS; i++)
		EXPECT_EQ(kfree_tagged(arena[i], TAG_SVC), 0);
	heap_stats(&hs);
	EXPECT_EQ(hs.arenas, 1);                    /* empty arenas went back */
	EXPECT_EQ(hs.free_blocks[HEAP_ORDERS - 1], 1);

	/* the page allocator runs dry before the cap */
	env_setup(3 << 20, true);
	void *a = kmalloc(HEAP_MAX_ALLOC, TAG_SVC), *b = kmalloc(HEAP_MAX_ALLOC, TAG_SVC);
	EXPECT(a && b);
	EXPECT(kmalloc(100, TAG_SVC) == NULL);
	tag_stat_get(TAG_HEAP, &ts);
	EXPECT_EQ(ts.page_fails, 1);
	kfree(a);
	kfree(b);
}

/* Double free, foreign, interior, misaligned, wrong tag, smashed header
 * (order, tag, site index): each refused with its code and reported; the
 * heap is unchanged. */
static void heap_misuse(void)
{
	struct heap_stats before, after;
	uint8_t *p = kmalloc(100, TAG_IPC), *q = kmalloc(5000, TAG_SCHD), *r;
	uint8_t local[64];
	void *host = malloc(64);
	uint8_t *page = page_alloc(0, 0, TAG_TEST);
	uint64_t saved;

	heap_stats(&before);
	EXPECT_EQ(QUIET(kfree(local + 8)), -EINVAL);          /* stack */
	EXPECT_EQ(QUIET(kfree(host)), -EINVAL);               /* host heap */
	EXPECT_EQ(QUIET(kfree(page + 8)), -EINVAL);           /* RAM, not heap */
	EXPECT_EQ(QUIET(kfree(p + 1)), -EINVAL);              /* misaligned */
	EXPECT_EQ(QUIET(kfree(q + 24)), -EINVAL);             /* inside a block */
	EXPECT_EQ(QUIET(kfree(q + 1024)), -EINVAL);           /* granule inside */
	EXPECT_EQ(QUIET(kfree_tagged(p, TAG_SCHD)), -EINVAL); /* wrong tag */
	EXPECT_EQ(QUIET(kfree_tagged(p, -1)), -EINVAL);
	saved = *(uint64_t *)(q - 8);
	((uint8_t *)q - 8)[3] = 2;                           /* order 8 -> 2 */
	EXPECT_EQ(QUIET(kfree(q)), -EIO);
	((uint8_t *)q - 8)[3] = 12;                          /* order 8 -> 12 */
	EXPECT_EQ(QUIET(kfree(q)), -EIO);
	((uint8_t *)q - 8)[2] = 250;                         /* bad tag */
	EXPECT_EQ(QUIET(kfree(q)), -EIO);
	*(uint64_t *)(q - 8) = saved;
	*(uint16_t *)(q - 8) = (uint16_t)(alloc_site_count() + 1); /* no such site */
	EXPECT_EQ(QUIET(kfree(q)), -EIO);
	*(uint64_t *)(q - 8) = saved;
	heap_stats(&after);
	EXPECT(heap_same(&before, &after));
	EXPECT_EQ(after.misuse, before.misuse + 12);
	EXPECT_EQ(heap_check(), 0);
	EXPECT_EQ(kfree_tagged(p, TAG_IPC), 0);
	EXPECT_EQ(QUIET(kfree(p)), -EINVAL);                  /* double free */
	EXPECT_EQ(kfree(q), 0);
	EXPECT_EQ(QUIET(kfree(q)), -EINVAL);
	EXPECT_EQ(kfree(NULL), 0);
	r = QUIET(kmalloc(10, 99));                          /* unknown tag */
	struct heap_block_info bi;
	EXPECT_EQ(heap_block_info(r, &bi), 0);
	EXPECT_EQ(bi.tag, TAG_NONE);
	kfree(r);
	heap_stats(&after);
	EXPECT_EQ(after.misuse, before.misuse + 15);
	EXPECT_EQ(after.live, 0);
	EXPECT_EQ(heap_check(), 0);
	free(host);
	page_free(page, 0);
}

/* kzalloc hands out zeroes even where a dirty block was. */
static void heap_kzalloc_zeroes(void)
{
	uint8_t *p = kmalloc(300, TAG_TEST), *z;

	memset(p, 0xab, 300);
	kfree(p);
	z = kzalloc(300, TAG_TEST);
	EXPECT(z == p);
	for (int i = 0; i < 300; i++)
		if (z[i]) {
			EXPECT_EQ(z[i], 0);
			break;
		}
	kfree(z);
}

/* Any interleaving of allocs and frees merges back to one free arena. */
static void heap_merge_back(void)
{
	static void *p[2000];
	struct heap_stats start, hs;
	unsigned seed = 7;

	kfree(kmalloc(1, TAG_TEST));                /* first arena exists */
	heap_cache_drain();
	heap_stats(&start);
	for (int i = 0; i < 2000; i++) {
		seed = seed * 1103515245 + 12345;
		p[i] = kmalloc(1 + (seed >> 8) % 3000, TAG_TEST);
		EXPECT(p[i] != NULL);
	}
	heap_stats(&hs);
	EXPECT(hs.arenas > 1);
	EXPECT_EQ(heap_check(), 0);
	for (int i = 0; i < 2000; i += 2)
		kfree(p[i]);
	EXPECT_EQ(heap_check(), 0);
	for (int i = 1999; i > 0; i -= 2)
		kfree(p[i]);
	EXPECT_EQ(heap_check(), 0);
	heap_cache_drain();                         /* the cached blocks too */
	heap_stats(&hs);
	EXPECT_EQ(hs.cached, 0);
	EXPECT(heap_same(&start, &hs));
	EXPECT_EQ(hs.used, 0);
	EXPECT_EQ(hs.arenas, 1);
}

/* heap_check notices damage: a lost free magic, a counter off by one.
 * (Damage to cached blocks: heap_cache_test.c.) */
static void heap_check_detects(void)
{
	uint8_t *p, *q;
	uint32_t *magic;

	heap_cache_set_depth(0);                    /* q goes to the buddy heap */
	p = kmalloc(100, TAG_TEST);
	q = kmalloc(100, TAG_TEST);
	kfree(q);                                   /* q's block now free */
	magic = (uint32_t *)((q - 8) + 16);
	EXPECT_EQ(heap_check(), 0);
	*magic ^= 1;
	EXPECT_EQ(QUIET(heap_check()), -EIO);
	*magic ^= 1;
	EXPECT_EQ(heap_check(), 0);
	tag_charge_alloc(TAG_TEST, 32, 1);          /* a charge no block made */
	EXPECT_EQ(QUIET(heap_check()), -EIO);
	tag_charge_free(TAG_TEST, 32, 1);
	EXPECT_EQ(heap_check(), 0);
	kfree(p);
	heap_cache_set_depth(HEAP_CACHE_DEPTH);
}

const struct mm_test heap_tests[] = {
	{ "heap: block sizes", heap_block_sizes },
	{ "heap: exhaustion", heap_exhaustion },
	{ "heap: misuse refused", heap_misuse },
	{ "heap: kzalloc zeroes", heap_kzalloc_zeroes },
	{ "heap: merge back to one arena", heap_merge_back },
	{ "heap: check detects damage", heap_check_detects },
	{ NULL, NULL },
};
