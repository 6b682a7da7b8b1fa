/* Per-hart page lists: what each hart caches, spills and drains, what
 * readers see of cached pages, and owners whose pages are spread over
 * several harts (one thread plays each hart in turn: host_set_cpu). */
#include "mm_test.h"

/* Pages cached on hart h, and on all harts. */
static size_t cached_on(int h)
{
	struct page_stats st;

	page_stats(&st);
	return st.cached_hart[h];
}

static size_t cached_all(void)
{
	struct page_stats st;

	page_stats(&st);
	return st.cached;
}

/* A hart's list fills to its depth with the pages freed on it, spills
 * half when full, refills a batch when empty; free + cached is what is
 * available throughout, and a cached page is free to every reader. */
static void cache_fill_spill_refill(void)
{
	uint32_t old = page_cache_set_depth(8);   /* batches of 4 */
	struct page_stats st;
	struct page_info pi;
	void *p[20];

	EXPECT_EQ(cached_all(), 0);
	p[0] = page_alloc(0, 0, TAG_TEST);
	EXPECT(p[0] != NULL);
	EXPECT_EQ(cached_on(0), 3);               /* a batch of 4, one taken */
	for (int i = 1; i < 20; i++)
		EXPECT((p[i] = page_alloc(0, 0, TAG_TEST)) != NULL);
	page_stats(&st);
	EXPECT_EQ(st.cached, 0);                  /* 5 batches, all taken */
	EXPECT_EQ(st.free + st.cached + 20, st.total);
	for (int i = 0; i < 20; i++) {
		EXPECT_EQ(page_free(p[i], 0), 0);
		/* 8 fit; the 9th spills 4 first, and so on */
		EXPECT_EQ(cached_on(0), i < 8 ? (size_t)i + 1 : 5 + (size_t)(i - 8) % 4);
	}
	EXPECT_EQ(page_check(), 0);
	page_stats(&st);
	EXPECT_EQ(st.free + st.cached, st.total);
	EXPECT_EQ(st.cached_hart[0], 8);
	EXPECT_EQ(st.cached, 8);
	/* a cached page is free for every reader, and freeing it again is
	 * a double free, reported */
	EXPECT_EQ(page_info(p[19], &pi), -ENOENT);
	EXPECT_EQ(page_owner(p[19]), -ENOENT);
	EXPECT_EQ(QUIET(page_free(p[19], 0)), -EINVAL);
	page_stats(&st);
	EXPECT_EQ(st.misuse, 1);
	EXPECT_EQ(st.cached, 8);
	EXPECT_EQ(page_check(), 0);
	/* depth 0 spills everything and keeps it off */
	EXPECT_EQ(page_cache_set_depth(0), 8);
	EXPECT_EQ(cached_all(), 0);
	EXPECT((p[0] = page_alloc(0, 0, TAG_TEST)) != NULL);
	EXPECT_EQ(cached_all(), 0);
	EXPECT_EQ(page_free(p[0], 0), 0);
	EXPECT_EQ(cached_all(), 0);
	page_cache_set_depth(old);
}

/* A page allocated on one hart and freed on another leaves the first
 * hart's owner list and goes to the buddy lists; the tag's count is
 * exact summed over the harts whatever row each step wrote. */
static void cache_free_on_other_hart(void)
{
	struct tag_stat ts;
	void *p[6];

	host_set_cpu(1);
	for (int i = 0; i < 6; i++)
		EXPECT((p[i] = page_alloc(0, 0, TAG_TEST)) != NULL);
	size_t on1 = cached_on(1);
	host_set_cpu(2);
	for (int i = 0; i < 3; i++)
		EXPECT_EQ(page_free(p[i], 0), 0);
	EXPECT_EQ(cached_on(2), 0);                   /* not this hart's page */
	EXPECT_EQ(cached_on(1), on1);
	EXPECT_EQ(QUIET(page_free(p[0], 0)), -EINVAL); /* double, from either */
	host_set_cpu(1);
	EXPECT_EQ(QUIET(page_free(p[0], 0)), -EINVAL);
	EXPECT_EQ(QUIET(page_free(p[3], 7)), -EPERM);  /* not 7's, on its hart */
	tag_stat_get(TAG_TEST, &ts);
	EXPECT_EQ(ts.pages, 3);
	EXPECT_EQ(page_check(), 0);
	for (int i = 3; i < 6; i++)
		EXPECT_EQ(page_free(p[i], 0), 0);
	EXPECT_EQ(cached_on(1), on1 + 3);
	tag_stat_get(TAG_TEST, &ts);
	EXPECT_EQ(ts.pages, 0);
	EXPECT_EQ(ts.page_allocs, 6);
	EXPECT_EQ(ts.page_frees, 6);
	EXPECT_EQ(ts.pages_peak, 6);
	host_set_cpu(0);
}

/* True when no free block of order or more is left in the buddy lists
 * and no hart caches a page: what must hold after a failed page_alloc. */
static bool nothing_fits(unsigned order)
{
	struct page_stats st;

	page_stats(&st);
	for (unsigned o = order; o <= PAGE_MAX_ORDER; o++)
		if (st.free_blocks[o])
			return false;
	return st.cached == 0;
}

/* Memory runs short while other harts' lists hold pages: a one-page
 * allocation and a block both drain the lists and succeed, and only a
 * request nothing could serve fails (counted once). */
static void cache_shortage_drains(void)
{
	static void *p[4096 + 1];
	void *q[160];
	struct page_stats st;
	size_t n = 0;
	int nq = 0;
	uint32_t old = page_cache_set_depth(64);

	while ((p[n] = page_alloc(0, 0, TAG_KSTK)) != NULL)
		n++;
	page_stats(&st);
	EXPECT_EQ(n, st.total);
	EXPECT_EQ(st.fails, 1);
	EXPECT(nothing_fits(0));
	/* every page came from hart 0: freed there it stays on hart 0's
	 * list; freed on harts 1..3 it goes to the buddy lists */
	for (int h = 0; h < 4; h++) {
		host_set_cpu(h);
		for (int i = 0; i < 40; i++)
			EXPECT_EQ(page_free(p[--n], 0), 0);
	}
	page_stats(&st);
	EXPECT_EQ(st.cached_hart[0], 40);
	EXPECT_EQ(st.free, 120);
	/* hart 3 takes the 120 in batches, then the 40 hart 0 holds */
	host_set_cpu(3);
	while (nq < 160 && (q[nq] = page_alloc(0, 0, TAG_KSTK)) != NULL)
		nq++;
	EXPECT_EQ(nq, 160);
	page_stats(&st);
	EXPECT_EQ(st.free + st.cached, 0);
	EXPECT_EQ(st.fails, 1);
	for (int i = 0; i < 60; i++)
		EXPECT_EQ(page_free(q[--nq], 0), 0);
	page_stats(&st);
	EXPECT_EQ(st.cached_hart[3], 60);
	EXPECT_EQ(st.free, 0);
	/* hart 1 has nothing cached and the buddy lists are empty: its page
	 * comes after the drain of hart 3's list */
	host_set_cpu(1);
	void *one = page_alloc(0, 0, TAG_KSTK);
	EXPECT(one != NULL);
	page_stats(&st);
	EXPECT_EQ(st.cached_hart[3], 0);
	EXPECT_EQ(st.free + st.cached, 59);
	EXPECT_EQ(page_free(one, 0), 0);
	/* blocks of 2, 4, ... pages from what is scattered over hart 1's
	 * list and the buddy lists: each either succeeds or fails only
	 * once the lists are drained and no block is left */
	host_set_cpu(2);
	for (unsigned o = 1; o <= 6; o++) {
		void *b = page_alloc(o, 0, TAG_KSTK);
		if (b)
			EXPECT_EQ(page_free(b, 0), 0);
		else
			EXPECT(nothing_fits(o));
	}
	EXPECT_EQ(page_check(), 0);
	host_set_cpu(3);
	while (nq)
		EXPECT_EQ(page_free(q[--nq], 0), 0);
	host_set_cpu(0);
	while (n)
		EXPECT_EQ(page_free(p[--n], 0), 0);
	page_cache_drain();
	page_stats(&st);
	EXPECT_EQ(st.free, st.total);
	EXPECT_EQ(st.free_blocks[PAGE_MAX_ORDER], st.total >> PAGE_MAX_ORDER);
	page_cache_set_depth(old);
}

/* A process whose pages were allocated on three harts, some freed on
 * others and some moved to it: its count, its pages by tag and reclaim
 * see every one of them, and reclaim leaves no hart's list pointing at
 * its record. */
static void cache_reclaim_across_harts(void)
{
	size_t by_tag[TAG_MAX];
	void *keep[3][8];

	EXPECT_EQ(page_owner_open(50), 0);
	for (int h = 0; h < 3; h++) {
		host_set_cpu(h);
		for (int i = 0; i < 8; i++)
			EXPECT((keep[h][i] = page_alloc(i % 4 == 3 ? 1 : 0, 50,
							 i % 2 ? TAG_USER : TAG_PGTB)) != NULL);
	}
	/* 8 blocks per hart: 6 pages of order 0 + 2 of order 1 = 10 pages */
	EXPECT_EQ(page_owner_pages(50), 30);
	host_set_cpu(3);                          /* free some on a fourth hart */
	EXPECT_EQ(page_free(keep[0][0], 50), 0);
	EXPECT_EQ(page_free(keep[1][3], 50), 0);  /* an order-1 block */
	host_set_cpu(1);
	EXPECT_EQ(page_free(keep[1][0], 50), 0);  /* on its own hart */
	void *x = page_alloc(2, 0, TAG_INIT);
	EXPECT_EQ(page_owner_set(x, 0, 50), 0);
	EXPECT_EQ(page_owner_pages(50), 30 - 1 - 2 - 1 + 4);
	EXPECT_EQ(page_owner_count_by_tag(50, by_tag), 30);
	EXPECT_EQ(by_tag[TAG_INIT], 4);
	EXPECT_EQ(page_check(), 0);
	host_set_cpu(2);
	EXPECT_EQ(page_reclaim(50, by_tag), 30);
	EXPECT_EQ(by_tag[TAG_INIT], 4);
	EXPECT_EQ(by_tag[TAG_USER] + by_tag[TAG_PGTB], 26);
	EXPECT_EQ(page_owner_pages(50), -ESRCH);
	EXPECT_EQ(page_check(), 0);
	/* the pid's slot is reused by another pid: nothing of 50's shows */
	EXPECT_EQ(page_owner_open(51), 0);
	for (int h = 0; h < 3; h++) {
		host_set_cpu(h);
		EXPECT(page_alloc(0, 51, TAG_USER) != NULL);
		EXPECT(QUIET(page_alloc(0, 50, TAG_USER)) == NULL);
	}
	EXPECT_EQ(page_owner_pages(51), 3);
	EXPECT_EQ(page_reclaim(51, NULL), 3);
	EXPECT_EQ(page_check(), 0);
	host_set_cpu(0);
}

/* A cap is exact on the fast path: the page that would pass it is
 * refused and counted under its tag, whichever hart asks. */
static void cache_cap_exact(void)
{
	struct tag_stat ts;
	void *p[5];

	EXPECT_EQ(page_owner_open(60), 0);
	EXPECT_EQ(page_owner_limit_set(60, 4), 0);
	for (int i = 0; i < 4; i++) {
		host_set_cpu(i % 2);
		EXPECT((p[i] = page_alloc(0, 60, TAG_USER)) != NULL);
	}
	for (int h = 0; h < 2; h++) {
		host_set_cpu(h);
		EXPECT(page_alloc(0, 60, TAG_USER) == NULL);
	}
	tag_stat_get(TAG_USER, &ts);
	EXPECT_EQ(ts.page_fails, 2);
	EXPECT_EQ(page_owner_pages(60), 4);
	host_set_cpu(1);
	EXPECT_EQ(page_free(p[0], 60), 0);
	EXPECT((p[4] = page_alloc(0, 60, TAG_USER)) != NULL);
	EXPECT_EQ(page_owner_pages(60), 4);
	EXPECT_EQ(page_reclaim(60, NULL), 4);
	EXPECT_EQ(page_check(), 0);
	host_set_cpu(0);
}

/* Random single pages and small blocks on random harts at every depth
 * from 0 to 9 and 64: page_check() holds after each step. */
static void cache_every_depth(void)
{
	static const uint32_t depths[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 64 };
	uint32_t old = page_cache_set_depth(0);
	uint64_t rng = 0x1234567;
	void *p[64] = { 0 };

	for (size_t d = 0; d < sizeof(depths) / sizeof(depths[0]); d++) {
		page_cache_set_depth(depths[d]);
		for (int i = 0; i < 3000; i++) {
			rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
			unsigned k = (unsigned)(rng >> 33) % 64, h = (unsigned)(rng >> 45) % 4;
			host_set_cpu((int)h);
			if (p[k]) {
				EXPECT_EQ(page_free(p[k], 0), 0);
				p[k] = NULL;
			} else {
				p[k] = page_alloc((rng >> 50) % 5 == 0 ? 1 : 0, 0, TAG_TEST);
				EXPECT(p[k] != NULL);
			}
			if (i % 100 == 0)
				EXPECT_EQ(page_check(), 0);
			for (int hh = 0; hh < NCPU; hh++)
				EXPECT(cached_on(hh) <= depths[d]);
		}
	}
	host_set_cpu(0);
	for (int k = 0; k < 64; k++)
		if (p[k])
			EXPECT_EQ(page_free(p[k], 0), 0);
	page_cache_set_depth(old);
}

const struct mm_test page_cache_tests[] = {
	{ "page cache: fill, spill, refill", cache_fill_spill_refill },
	{ "page cache: free on another hart", cache_free_on_other_hart },
	{ "page cache: shortage drains", cache_shortage_drains },
	{ "page cache: reclaim across harts", cache_reclaim_across_harts },
	{ "page cache: caps exact", cache_cap_exact },
	{ "page cache: every depth", cache_every_depth },
	{ NULL, NULL },
};
