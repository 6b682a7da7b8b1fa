/* The per-hart heap caches: hits, bounds, spills, drains on shortage,
 * misuse of cached blocks, and heap_check's view of them. */
#include "mm_test.h"

/* Blocks of one size on hart 0 go back to hart 0's cache, then come
 * back out of it; the cache is bounded by its depth and spills half. */
static void cache_hits_and_bounds(void)
{
	void *p[40];
	struct heap_stats hs0, hs;

	host_set_cpu(0);
	heap_cache_set_depth(32);
	heap_stats(&hs0);
	EXPECT_EQ(hs0.cached, 0);
	/* 40 allocations: the first grows the heap (a refill does not),
	 * three refills of 16 leave 9 in the bin; 40 frees fill it to 32
	 * after 23, the next spills it to 16 first, 15 more fill it again,
	 * the last spills: 17 */
	for (int i = 0; i < 40; i++)
		EXPECT((p[i] = kmalloc(24, TAG_TEST)) != NULL);
	heap_stats(&hs);
	EXPECT_EQ(hs.cached, 9 * 32);
	for (int i = 0; i < 40; i++)
		EXPECT_EQ(kfree(p[i]), 0);
	heap_stats(&hs);
	EXPECT_EQ(hs.cached, 17 * 32);
	EXPECT_EQ(hs.cached_hart[0], 17 * 32);
	EXPECT_EQ(hs.used, hs0.used);
	EXPECT_EQ(hs.free + hs.used + hs.cached, hs.total);
	EXPECT_EQ(heap_check(), 0);
	for (int i = 0; i < 17; i++)
		p[i] = kmalloc(20, TAG_TEST);
	heap_stats(&hs);
	EXPECT_EQ(hs.cached, 0);
	EXPECT(hs.cache_hits > hs0.cache_hits + 23);
	EXPECT_EQ(heap_check(), 0);
	for (int i = 0; i < 17; i++)
		kfree(p[i]);
	heap_cache_set_depth(4);                    /* trims to the new depth */
	heap_stats(&hs);
	EXPECT_EQ(hs.cached, 4 * 32);
	heap_cache_set_depth(0);                    /* off: all of it back */
	heap_stats(&hs);
	EXPECT_EQ(hs.cached, 0);
	p[0] = kmalloc(24, TAG_TEST);
	kfree(p[0]);
	heap_stats(&hs);
	EXPECT_EQ(hs.cached, 0);
	EXPECT_EQ(heap_check(), 0);
	heap_cache_set_depth(HEAP_CACHE_DEPTH);
}

/* A block allocated on one hart and freed on another lands in the
 * freeing hart's cache; every counter stays exact over the harts. */
static void cache_cross_hart(void)
{
	struct heap_stats hs;
	struct tag_stat ts;
	void *p;

	host_set_cpu(1);
	p = kmalloc(500, TAG_IPC);
	host_set_cpu(2);
	EXPECT_EQ(kfree_tagged(p, TAG_IPC), 0);
	heap_stats(&hs);
	EXPECT_EQ(hs.cached_hart[2], 512);
	EXPECT_EQ(hs.cached_hart[1], 0);
	tag_stat_get(TAG_IPC, &ts);
	EXPECT_EQ(ts.bytes, 0);
	EXPECT_EQ(ts.live, 0);
	EXPECT_EQ(heap_check(), 0);
	host_set_cpu(1);
	EXPECT_EQ(QUIET(kfree(p)), -EINVAL);        /* cached on hart 2: double */
	host_set_cpu(2);
	EXPECT(kmalloc(500, TAG_IPC) == p);         /* hart 2's bin serves it */
	EXPECT_EQ(kfree(p), 0);
	host_set_cpu(0);
	heap_cache_drain();
	EXPECT_EQ(heap_check(), 0);
}

/* Misuse of a block while it sits in a cache is still caught: a double
 * free on either hart, a wrong tag, an interior pointer, block info. A
 * write after free that reaches the cached header is reported when the
 * block would be handed out again, and the block is not handed out. */
static void cache_misuse(void)
{
	struct heap_stats before, after;
	struct heap_block_info bi;
	uint8_t *p = kmalloc(100, TAG_TEST), *q = kmalloc(100, TAG_TEST);

	host_set_cpu(0);
	EXPECT_EQ(QUIET(kfree_tagged(p, TAG_IPC)), -EINVAL);  /* wrong tag */
	EXPECT_EQ(kfree(p), 0);                               /* now cached */
	heap_stats(&before);
	EXPECT_EQ(QUIET(kfree(p)), -EINVAL);
	host_set_cpu(3);
	EXPECT_EQ(QUIET(kfree(p)), -EINVAL);
	EXPECT_EQ(QUIET(kfree_tagged(p, TAG_TEST)), -EINVAL);
	EXPECT_EQ(QUIET(kfree(p + 8)), -EINVAL);
	EXPECT_EQ(heap_block_info(p, &bi), -EINVAL);
	host_set_cpu(0);
	heap_stats(&after);
	EXPECT_EQ(after.misuse, before.misuse + 4);
	EXPECT_EQ(after.cached, before.cached);
	EXPECT_EQ(heap_check(), 0);
	/* a write after free smashes p's cached header */
	p[-8] ^= 0x55;
	EXPECT_EQ(QUIET(heap_check()), -EIO);
	uint8_t *r = QUIET(kmalloc(100, TAG_TEST));           /* not p */
	EXPECT(r != NULL && r != p);
	heap_stats(&after);
	EXPECT_EQ(after.misuse, before.misuse + 5);
	kfree(r);
	kfree(q);
	/* p and its bin stay handed out, lost but named: heap_check
	 * reports them; a fresh heap for the next test */
	EXPECT_EQ(QUIET(heap_check()), -EIO);
	env_setup(16 << 20, true);
}

/* A write after free into a cached block that a drain, not a kmalloc,
 * reaches first (the idle tick's drain, a shortage, a depth change):
 * into the header it is reported as at a kmalloc; into the link to the
 * next block (the block's first payload word) it is reported too, and
 * the drain follows no garbage link. The bin is dropped either way. */
static void cache_smashed_then_drained(void)
{
	struct heap_stats before, after;
	uint8_t *p[3];

	host_set_cpu(0);
	heap_cache_drain();
	for (int i = 0; i < 3; i++)
		p[i] = kmalloc(100, TAG_TEST);
	for (int i = 0; i < 3; i++)
		kfree(p[i]);                            /* p[2] heads the bin */
	heap_stats(&before);
	p[2][-8] ^= 0x55;                           /* its header */
	host_quiet = 1;
	heap_cache_drain();
	host_quiet = 0;
	heap_stats(&after);
	EXPECT_EQ(after.misuse, before.misuse + 1);
	EXPECT_EQ(after.cached, 0);
	env_setup(16 << 20, true);

	host_set_cpu(0);
	for (int i = 0; i < 3; i++)
		p[i] = kmalloc(100, TAG_TEST);
	for (int i = 0; i < 3; i++)
		kfree(p[i]);
	heap_stats(&before);
	*(uintptr_t *)p[2] = 1;                     /* its link: a small number */
	host_quiet = 1;
	heap_cache_drain();
	host_quiet = 0;
	heap_stats(&after);
	EXPECT_EQ(after.misuse, before.misuse + 1);
	EXPECT_EQ(after.cached, 0);
	EXPECT_EQ(QUIET(heap_check()), -EIO);       /* p[0], p[1] lost, named */
	env_setup(16 << 20, true);
}

/* With caches on many harts holding most of the heap, an allocation
 * that needs their memory drains them and succeeds; one that cannot be
 * served fails once, with nothing left cached. */
static void cache_drain_on_shortage(void)
{
	enum { N = 28 };
	void *p[4][N], *big;
	struct heap_stats hs;
	struct tag_stat ts0, ts;

	env_setup(2 << 20, true);                   /* room for one arena only */
	for (int h = 0; h < 4; h++) {
		host_set_cpu(h);
		for (int i = 0; i < N; i++)
			EXPECT((p[h][i] = kmalloc(4000, TAG_TEST)) != NULL);
	}
	for (int h = 0; h < 4; h++) {
		host_set_cpu(h);
		for (int i = 0; i < N; i++)
			kfree(p[h][i]);
	}
	heap_stats(&hs);
	EXPECT(hs.cached >= 4 * 16 * 4096);
	EXPECT_EQ(hs.arenas, 1);
	tag_stat_get(TAG_HEAP, &ts0);
	host_set_cpu(1);
	big = kmalloc(HEAP_ARENA_SIZE / 2, TAG_TEST);  /* needs the cached blocks */
	EXPECT(big != NULL);
	heap_stats(&hs);
	EXPECT_EQ(hs.cached, 0);
	tag_stat_get(TAG_HEAP, &ts);
	EXPECT_EQ(ts.page_fails, ts0.page_fails + 1);  /* the growth it tried */
	EXPECT_EQ(heap_check(), 0);
	kfree(big);
	heap_cache_set_depth(HEAP_CACHE_DEPTH);
	host_set_cpu(0);
}

/* kmalloc of every cached size and of the sizes just past them: the
 * block is the right order either way, the cache serves the first. */
static void cache_size_classes(void)
{
	struct heap_block_info bi;

	host_set_cpu(0);
	for (size_t n = 0; n <= 4100; n += (n < 300 ? 1 : 7)) {
		uint8_t *p = kmalloc(n, TAG_TEST);
		size_t block = HEAP_MIN_BLOCK;
		while (block < n + HEAP_HDR_SIZE)
			block <<= 1;
		EXPECT(p != NULL);
		EXPECT_EQ(heap_block_info(p, &bi), 0);
		EXPECT_EQ(bi.size + HEAP_HDR_SIZE, block);
		EXPECT_EQ(bi.req, n);
		EXPECT_EQ(kfree(p), 0);
	}
	EXPECT_EQ(heap_check(), 0);
}

/* Hits and misses count each kmalloc and kfree once: one the cache
 * served is a hit, one that refilled, spilled or went to the buddy
 * heap a miss, also when the refill found nothing to take. */
static void cache_hit_counts(void)
{
	struct heap_stats hs;
	void *p;

	host_set_cpu(0);
	p = kmalloc(24, TAG_TEST);          /* empty heap: no refill, a growth */
	heap_stats(&hs);
	EXPECT_EQ(hs.cache_hits, 0);
	EXPECT_EQ(hs.cache_misses, 1);
	kfree(p);                           /* to the cache: a hit */
	p = kmalloc(24, TAG_TEST);          /* from it: a hit */
	heap_stats(&hs);
	EXPECT_EQ(hs.cache_hits, 2);
	EXPECT_EQ(hs.cache_misses, 1);
	kfree(p);
}

const struct mm_test heap_cache_tests[] = {
	{ "heap cache: hits and bounds", cache_hits_and_bounds },
	{ "heap cache: across harts", cache_cross_hart },
	{ "heap cache: misuse of cached blocks", cache_misuse },
	{ "heap cache: smashed, then drained", cache_smashed_then_drained },
	{ "heap cache: drained on shortage", cache_drain_on_shortage },
	{ "heap cache: size classes", cache_size_classes },
	{ "heap cache: hits and misses counted once", cache_hit_counts },
	{ NULL, NULL },
};
