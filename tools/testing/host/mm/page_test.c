/* Page allocator and page tracker: edge cases and every misuse. */
#include "mm_test.h"

#define MIB (1UL << 20)

/* Snapshot of the counters that must not move on a refused call. */
static bool stats_equal(const struct page_stats *a, const struct page_stats *b)
{
	return a->total == b->total && a->free == b->free && a->cached == b->cached &&
	       a->kernel == b->kernel && a->owners == b->owners &&
	       !memcmp(a->free_blocks, b->free_blocks, sizeof(a->free_blocks));
}

/* The counters with every hart's list drained first, so the buddy
 * layout (free_blocks) is comparable whatever the lists held. */
static void stats_drained(struct page_stats *s)
{
	page_cache_drain();
	page_stats(s);
	EXPECT_EQ(s->cached, 0);
}

/* page_init refuses what it cannot describe. */
static void page_init_bad_args(void)
{
	EXPECT_EQ(page_init((paddr_t)env.ram + 8, 4 * MIB, env.meta), -EINVAL);
	EXPECT_EQ(page_init((paddr_t)env.ram, 4 * MIB + 100, env.meta), -EINVAL);
	EXPECT_EQ(page_init((paddr_t)env.ram, 0, env.meta), -EINVAL);
	EXPECT_EQ(page_init((paddr_t)env.ram, 4 * MIB, NULL), -EINVAL);
	EXPECT_EQ(page_meta_bytes(128 * MIB), 32768 * 12);
}

/* Boot-like layout: kernel image, descriptors right after it, a hole for
 * a DTB in the middle; only the free ranges become allocatable, every
 * page of them exactly once, none of the holes. */
static void page_init_with_holes(void)
{
	size_t size = 16 * MIB, meta = page_meta_bytes(size);
	struct page_stats st;
	size_t expect, got = 0;

	env_setup(size, false);
	paddr_t base = (paddr_t)env.ram, kend = base + 2 * MIB + 12345;
	paddr_t mlo = ALIGN_UP(kend, 8), mhi = mlo + meta;
	paddr_t dtb = base + 9 * MIB + 4096, dtb_end = dtb + 3 * 4096 + 7;
	EXPECT_EQ(page_init(base, size, (void *)mlo), 0);
	EXPECT_EQ(page_free_range(mlo, dtb), -EINVAL);          /* covers the descriptors */
	EXPECT_EQ(page_free_range(base - 4096, base + 4096), -ERANGE);
	EXPECT_EQ(page_free_range(dtb, base + size + 4096), -ERANGE);
	EXPECT_EQ(page_free_range(dtb, dtb - 1), -EINVAL);
	EXPECT_EQ(page_free_range(dtb + 1, dtb + 4095), 0);     /* no whole page */
	expect = (ALIGN_DOWN(dtb, 4096) - ALIGN_UP(mhi, 4096)) / 4096;
	EXPECT_EQ(page_free_range(mhi, dtb), (long)expect);
	EXPECT_EQ(page_free_range(dtb_end, base + size),
		  (long)((base + size - ALIGN_UP(dtb_end, 4096)) / 4096));
	expect += (base + size - ALIGN_UP(dtb_end, 4096)) / 4096;
	EXPECT_EQ(page_free_range(mhi, mhi + 8192), -EEXIST);    /* handed over twice */
	page_stats(&st);
	EXPECT_EQ(st.total, expect);
	EXPECT_EQ(st.free, expect);
	EXPECT_EQ(page_check(), 0);
	for (;;) {
		uint8_t *p = page_alloc(0, 0, TAG_TEST);
		if (!p)
			break;
		got++;
		if ((paddr_t)p < ALIGN_UP(mhi, 4096) ||
		    ((paddr_t)p + 4096 > ALIGN_DOWN(dtb, 4096) && (paddr_t)p < dtb_end)) {
			EXPECT(!"page handed out from a hole");
			break;
		}
	}
	EXPECT_EQ(got, expect);
	EXPECT_EQ(page_check(), 0);
}

/* Order 0 and PAGE_MAX_ORDER blocks are aligned, tracked and merge back. */
static void page_smallest_and_largest(void)
{
	struct page_stats before, after;
	struct page_info pi;
	uint8_t *small, *big;

	stats_drained(&before);
	small = page_alloc(0, 0, TAG_PGTB);
	big = page_alloc(PAGE_MAX_ORDER, 0, TAG_USER);
	EXPECT(small && big);
	EXPECT_EQ(((paddr_t)big - (paddr_t)env.ram) % (PAGE_SIZE << PAGE_MAX_ORDER), 0);
	memset(big, 0x5a, PAGE_SIZE << PAGE_MAX_ORDER);
	EXPECT_EQ(page_info(big + 1000 * PAGE_SIZE + 17, &pi), 0);
	EXPECT(pi.start == big);
	EXPECT_EQ(pi.order, PAGE_MAX_ORDER);
	EXPECT_EQ(pi.tag, TAG_USER);
	EXPECT_EQ(page_owner(small), 0);
	stats_drained(&after);
	EXPECT_EQ(after.free, before.free - 1 - (1 << PAGE_MAX_ORDER));
	EXPECT_EQ(after.kernel, 1 + (1 << PAGE_MAX_ORDER));
	EXPECT(QUIET(page_alloc(PAGE_MAX_ORDER + 1, 0, TAG_USER)) == NULL);
	EXPECT_EQ(page_free(big, 0), 0);
	EXPECT_EQ(page_free(small, 0), 0);
	stats_drained(&after);
	EXPECT(stats_equal(&before, &after));
	EXPECT_EQ(after.misuse, 1);
}

/* Running dry returns NULL, counts the failure under the tag, and all
 * pages come back to the initial buddy layout. */
static void page_exhaustion(void)
{
	struct page_stats before, after;
	struct tag_stat ts;
	static void *blocks[4096 + 1];
	size_t n = 0;

	stats_drained(&before);
	while ((blocks[n] = page_alloc(0, 0, TAG_KSTK)) != NULL)
		n++;
	EXPECT_EQ(n, before.total);
	EXPECT(page_alloc(3, 0, TAG_KSTK) == NULL);
	stats_drained(&after);
	EXPECT_EQ(after.free, 0);
	EXPECT_EQ(after.fails, 2);
	tag_stat_get(TAG_KSTK, &ts);
	EXPECT_EQ(ts.page_fails, 2);
	EXPECT_EQ(ts.pages, n);
	EXPECT_EQ(page_check(), 0);
	for (size_t i = 0; i < n; i += 2)           /* free out of order */
		page_free(blocks[i], 0);
	for (size_t i = 1; i < n; i += 2)
		page_free(blocks[i], 0);
	stats_drained(&after);
	EXPECT(stats_equal(&before, &after));
	tag_stat_get(TAG_KSTK, &ts);
	EXPECT_EQ(ts.pages, 0);
	EXPECT_EQ(ts.pages_peak, n);
}

/* Each misuse is refused with its code, counted, and changes nothing. */
static void page_misuse(void)
{
	struct page_stats before, after;
	uint8_t *p, *q, local[16];

	EXPECT_EQ(page_owner_open(9), 0);
	p = page_alloc(2, 9, TAG_USER);
	q = page_alloc(0, 0, TAG_PGTB);
	page_stats(&before);
	EXPECT_EQ(QUIET(page_free(p + PAGE_SIZE, 9)), -EINVAL);   /* inside a block */
	EXPECT_EQ(QUIET(page_free(p, 0)), -EPERM);                /* wrong owner */
	EXPECT_EQ(QUIET(page_free(p, 10)), -EPERM);
	EXPECT_EQ(QUIET(page_free(p + 8, 9)), -EINVAL);           /* unaligned */
	EXPECT_EQ(QUIET(page_free(local, 0)), -EINVAL);           /* foreign */
	EXPECT_EQ(QUIET(page_free(NULL, 0)), -EINVAL);
	EXPECT_EQ(QUIET(page_owner_set(p, 0, 9)), -EPERM);
	EXPECT_EQ(QUIET(page_owner_set(p, 9, 77)), -ESRCH);      /* 77 not open */
	EXPECT(QUIET(page_alloc(0, 77, TAG_USER)) == NULL);
	page_stats(&after);
	EXPECT(stats_equal(&before, &after));
	EXPECT_EQ(after.misuse, before.misuse + 9);
	EXPECT_EQ(page_free(q, 0), 0);
	EXPECT_EQ(QUIET(page_free(q, 0)), -EINVAL);               /* double free */
	EXPECT_EQ(page_owner(q), -ENOENT);
	EXPECT_EQ(page_free(p, 9), 0);
	EXPECT_EQ(QUIET(page_free(p, 9)), -EINVAL);
	page_stats(&after);
	EXPECT_EQ(after.misuse, before.misuse + 11);
	EXPECT_EQ(after.free + after.cached, after.total);
	/* an unknown tag is reported and charged to ???? */
	struct tag_stat ts;
	p = QUIET(page_alloc(1, 0, 200));
	tag_stat_get(TAG_NONE, &ts);
	EXPECT_EQ(ts.pages, 2);
	EXPECT_EQ(page_free(p, 0), 0);
}

/* Pages made for a process are its own; reclaim returns them all, by
 * tag, and closes the owner. */
static void page_reclaim_by_owner(void)
{
	size_t by_tag[TAG_MAX];
	struct page_stats before, after;
	uint8_t *k, *x;

	stats_drained(&before);
	EXPECT_EQ(page_owner_open(42), 0);
	EXPECT_EQ(page_owner_open(42), -EEXIST);
	EXPECT_EQ(page_owner_open(-3), -EINVAL);
	for (int i = 0; i < 5; i++)
		page_alloc(0, 42, TAG_USER);
	page_alloc(2, 42, TAG_KSTK);
	page_alloc(0, 42, TAG_PGTB);
	k = page_alloc(1, 0, TAG_PGTB);             /* the kernel's, survives */
	x = page_alloc(3, 0, TAG_INIT);             /* built by the kernel ... */
	EXPECT_EQ(page_owner_set(x, 0, 42), 0);     /* ... given to pid 42 */
	EXPECT_EQ(page_owner(x + 5 * PAGE_SIZE), 42);
	EXPECT_EQ(page_owner_pages(42), 5 + 4 + 1 + 8);
	EXPECT_EQ(page_owner_count_by_tag(42, by_tag), 18);  /* counts, frees nothing */
	EXPECT_EQ(by_tag[TAG_USER], 5);
	EXPECT_EQ(by_tag[TAG_KSTK], 4);
	EXPECT_EQ(by_tag[TAG_PGTB], 1);
	EXPECT_EQ(by_tag[TAG_INIT], 8);
	EXPECT_EQ(page_owner_pages(42), 18);
	EXPECT_EQ(page_reclaim(42, by_tag), 18);
	EXPECT_EQ(by_tag[TAG_USER], 5);
	EXPECT_EQ(by_tag[TAG_KSTK], 4);
	EXPECT_EQ(by_tag[TAG_PGTB], 1);
	EXPECT_EQ(by_tag[TAG_INIT], 8);
	EXPECT_EQ(page_owner_pages(42), -ESRCH);
	EXPECT_EQ(page_reclaim(42, NULL), -ESRCH);
	EXPECT_EQ(page_owner_count_by_tag(42, by_tag), -ESRCH);
	EXPECT_EQ(by_tag[TAG_USER], 0);
	EXPECT_EQ(page_reclaim(0, NULL), -EPERM);
	EXPECT_EQ(page_owner(k), 0);
	stats_drained(&after);
	EXPECT_EQ(after.free, before.free - 2);
	EXPECT_EQ(after.kernel, 2);
	EXPECT_EQ(after.owners, 1);
	page_free(k, 0);
	/* reclaim of an owner holding nothing just closes it */
	EXPECT_EQ(page_owner_open(43), 0);
	EXPECT_EQ(page_reclaim(43, NULL), 0);
}

/* The owner table takes PROC_MAX processes plus the kernel and refuses
 * the next, counted; PIDs sharing a hash bucket stay distinct. */
static void page_owner_table_full(void)
{
	struct page_stats st;
	void *held[PAGE_OWNERS];

	/* pid i * 256 + 1 all share bucket 1 */
	for (int i = 0; i < PROC_MAX; i++) {
		EXPECT_EQ(page_owner_open(i * 256 + 1), 0);
		held[i] = page_alloc(0, i * 256 + 1, TAG_USER);
	}
	EXPECT_EQ(QUIET(page_owner_open(999999)), -ENFILE);
	stats_drained(&st);
	EXPECT_EQ(st.owner_refused, 1);
	EXPECT_EQ(st.owners, PAGE_OWNERS);
	/* close some in the middle of the probe chain; the rest still found */
	for (int i = 0; i < PROC_MAX; i += 3)
		EXPECT_EQ(page_reclaim(i * 256 + 1, NULL), 1);
	for (int i = 0; i < PROC_MAX; i++)
		EXPECT_EQ(page_owner_pages(i * 256 + 1), i % 3 ? 1 : -ESRCH);
	for (int i = 1; i < PROC_MAX; i++)
		if (i % 3)
			EXPECT_EQ(page_owner(held[i]), i * 256 + 1);
	EXPECT_EQ(page_owner_open(999999), 0);
	EXPECT_EQ(page_check(), 0);
	for (int i = 0; i < PROC_MAX; i++)
		if (i % 3)
			EXPECT_EQ(page_reclaim(i * 256 + 1, NULL), 1);
	EXPECT_EQ(page_reclaim(999999, NULL), 0);
	stats_drained(&st);
	EXPECT_EQ(st.owners, 1);
	EXPECT_EQ(st.free, st.total);
}

/* page_check notices a descriptor the allocator did not write. */
static void page_check_detects(void)
{
	uint8_t *p = page_alloc(1, 0, TAG_TEST);
	struct page_stats st;
	uint32_t *d = (uint32_t *)env.meta + 3 * (((paddr_t)p - (paddr_t)env.ram) / PAGE_SIZE + 1);
	uint32_t saved = d[2];

	EXPECT_EQ(page_check(), 0);
	d[2] = (d[2] & ~0xffu) | 1;     /* second page of the block: tail -> free */
	EXPECT_EQ(QUIET(page_check()), -EIO);
	d[2] = saved;
	EXPECT_EQ(page_check(), 0);
	page_free(p, 0);
	stats_drained(&st);
	EXPECT_EQ(st.free, st.total);
}

const struct mm_test page_tests[] = {
	{ "page: init bad args", page_init_bad_args },
	{ "page: init with holes", page_init_with_holes },
	{ "page: smallest and largest", page_smallest_and_largest },
	{ "page: exhaustion", page_exhaustion },
	{ "page: misuse refused", page_misuse },
	{ "page: reclaim by owner", page_reclaim_by_owner },
	{ "page: owner table full", page_owner_table_full },
	{ "page: check detects damage", page_check_detects },
	{ NULL, NULL },
};
