/* Tag table, call-site records and the metadata budget. */
#include "mm_test.h"

/* A tag prints in reading order from its value and from its bytes. */
static void tag_byte_order(void)
{
	unsigned int v = TAG_VALUE('I', 'P', 'C', '_');
	char name[8];

	EXPECT_EQ(v, 0x5f435049);
	EXPECT(memcmp(&v, "IPC_", 4) == 0);
	EXPECT_EQ(TAG_CHAR(v, 0), 'I');
	EXPECT_EQ(TAG_CHAR(v, 3), '_');
	tag_name(TAG_IPC, name);
	EXPECT(strcmp(name, "IPC_") == 0);
	tag_name(TAG_NONE, name);
	EXPECT(strcmp(name, "????") == 0);
	tag_name(TAG_MAX + 3, name);
	EXPECT(strcmp(name, "tag#035") == 0);
}

/* Compile-time tags have their slots; lookups find them by name. */
static void tag_static_slots(void)
{
	EXPECT_EQ(tag_count(), TAG_NR_STATIC);
	EXPECT_EQ(tag_lookup("????"), TAG_NONE);
	EXPECT_EQ(tag_lookup("SCHD"), TAG_SCHD);
	EXPECT_EQ(tag_lookup("PGTB"), TAG_PGTB);
	EXPECT_EQ(tag_lookup("TRAC"), TAG_TRAC);
	EXPECT_EQ(tag_lookup("NOPE"), -ENOENT);
	EXPECT(tag_valid(TAG_TEST));
	EXPECT(!tag_valid(TAG_NR_STATIC));
	EXPECT(!tag_valid(-1));
}

/* Run-time registration: bad names, duplicates, and a full table are
 * refused with distinct errors; refusals for room are counted. */
static void tag_register_until_full(void)
{
	char name[5] = "Tz00";
	int slot;

	EXPECT_EQ(tag_register("abc"), -EINVAL);
	EXPECT_EQ(tag_register("abcde"), -EINVAL);
	EXPECT_EQ(tag_register("ab\ncd"), -EINVAL);
	EXPECT_EQ(tag_register("IPC_"), -EEXIST);
	for (int i = TAG_NR_STATIC; i < TAG_MAX; i++) {
		name[2] = (char)('0' + i / 10);
		name[3] = (char)('0' + i % 10);
		slot = tag_register(name);
		EXPECT_EQ(slot, i);
	}
	EXPECT_EQ(tag_count(), TAG_MAX);
	EXPECT_EQ(tag_register("FULL"), -ENOSPC);
	EXPECT_EQ(tag_register("FUL2"), -ENOSPC);
	EXPECT_EQ(tag_refused(), 2);
	EXPECT_EQ(tag_lookup("FULL"), -ENOENT);
	/* a registered tag is charged like any other */
	void *p = kmalloc(100, TAG_MAX - 1);
	struct tag_stat ts;
	EXPECT(p != NULL);
	tag_stat_get(TAG_MAX - 1, &ts);
	EXPECT_EQ(ts.bytes, 128);
	EXPECT_EQ(kfree_tagged(p, TAG_MAX - 1), 0);
}

/* Three call sites, each a kmalloc/kzalloc line of its own. */
static void *site_a(size_t n) { return kmalloc(n, TAG_TEST); }
static void *site_b(size_t n) { return kmalloc(n, TAG_IPC); }
static void *site_c(size_t n) { return kzalloc(n, TAG_SCHD); }

/* The three sites allocate different amounts; the section walk finds
 * them, top-N orders them by live bytes, blocks point at them. */
static void callsite_accounting(void)
{
	void *a[4], *b[2], *c;
	struct alloc_site_stat top[8];
	struct heap_block_info bi;
	size_t n;

	EXPECT(alloc_site_count() >= 3);
	for (int i = 0; i < 4; i++)
		a[i] = site_a(100);             /* 4 x 128 = 512 */
	for (int i = 0; i < 2; i++)
		b[i] = site_b(1000);            /* 2 x 1024 = 2048 */
	c = site_c(10);                         /* 32 */
	n = alloc_site_top(top, 8);
	EXPECT_EQ(n, 3);
	EXPECT(strcmp(top[0].func, "site_b") == 0);
	EXPECT_EQ(top[0].bytes, 2048);
	EXPECT_EQ(alloc_site_live(&top[0]), 2);
	EXPECT_EQ(top[0].tag, TAG_IPC);
	EXPECT(strstr(top[0].file, "tag_test.c") != NULL);
	EXPECT(strcmp(top[1].func, "site_a") == 0);
	EXPECT_EQ(top[1].bytes, 512);
	EXPECT(strcmp(top[2].func, "site_c") == 0);
	EXPECT_EQ(top[2].calls, 1);
	EXPECT_EQ(heap_block_info(b[1], &bi), 0);
	EXPECT(bi.site && strcmp(bi.site->func, "site_b") == 0);
	EXPECT_EQ(bi.tag, TAG_IPC);
	EXPECT_EQ(bi.req, 1000);
	EXPECT_EQ(bi.size, 1024 - HEAP_HDR_SIZE);
	EXPECT_EQ(alloc_site_top(top, 1), 1);
	EXPECT(strcmp(top[0].func, "site_b") == 0);
	for (int i = 0; i < 4; i++)
		kfree(a[i]);
	kfree(b[0]);
	kfree(b[1]);
	kfree(c);
	/* counters of live bytes drop; calls stay; idle sites are skipped */
	n = alloc_site_top(top, 8);
	EXPECT_EQ(n, 3);
	EXPECT_EQ(top[0].bytes, 0);
	uint64_t bytes, live;
	alloc_site_totals(&bytes, &live);
	EXPECT_EQ(bytes, 0);
	EXPECT_EQ(live, 0);
	/* a block from heap_alloc with no site is tagged but sited nowhere */
	void *p = heap_alloc(40, TAG_TRAC, NULL);
	EXPECT_EQ(heap_block_info(p, &bi), 0);
	EXPECT(bi.site == NULL);
	EXPECT_EQ(kfree(p), 0);
}

/* Every counter of one tag through alloc, free and a failure. */
static void tag_counters_exact(void)
{
	struct tag_stat ts;
	void *p = kmalloc(33, TAG_INIT), *q = kmalloc(200, TAG_INIT);

	tag_stat_get(TAG_INIT, &ts);
	EXPECT_EQ(ts.bytes, 64 + 256);
	EXPECT_EQ(ts.req, 233);
	EXPECT_EQ(ts.live, 2);
	EXPECT_EQ(ts.allocs, 2);
	kfree(q);
	EXPECT(kmalloc(HEAP_MAX_ALLOC + 1, TAG_INIT) == NULL);
	tag_stat_get(TAG_INIT, &ts);
	EXPECT_EQ(ts.bytes, 64);
	EXPECT_EQ(ts.peak, 320);
	EXPECT_EQ(ts.req, 33);
	EXPECT_EQ(ts.live, 1);
	EXPECT_EQ(ts.frees, 1);
	EXPECT_EQ(ts.fails, 1);
	kfree(p);
	/* the heap's own arena pages are charged to HEAP, one namespace */
	/* (and the arena index's page, taken with the first arena) */
	tag_stat_get(TAG_HEAP, &ts);
	EXPECT_EQ(ts.pages, (1 << HEAP_ARENA_ORDER) + 2 + 1);
	EXPECT_EQ(ts.page_allocs, 3);
}

/* Every counter of tag as want says (name aside). */
static void expect_tag(int tag, const struct tag_stat *want)
{
	struct tag_stat ts;

	tag_stat_get(tag, &ts);
#define EXPECT_FIELD(f) EXPECT_EQ(ts.f, want->f)
	EXPECT_FIELD(bytes); EXPECT_FIELD(peak); EXPECT_FIELD(live);
	EXPECT_FIELD(allocs); EXPECT_FIELD(frees); EXPECT_FIELD(fails);
	EXPECT_FIELD(req); EXPECT_FIELD(pages); EXPECT_FIELD(pages_peak);
	EXPECT_FIELD(page_allocs); EXPECT_FIELD(page_frees); EXPECT_FIELD(page_fails);
#undef EXPECT_FIELD
}

/* Blocks allocated on one hart and freed on another: each hart's row
 * goes its own way, the sums stay exact, and the peak is the peak of
 * the sum, above what any one hart's row ever held. */
static void tag_counters_across_harts(void)
{
	struct tag_stat ts;
	struct alloc_site_stat top[1];
	uint64_t bytes, live;
	void *a, *b, *pg2;

	host_set_cpu(0);
	a = site_a(100);                        /* 128 B on hart 0 */
	host_set_cpu(5);
	b = kmalloc(200, TAG_INIT);             /* 256 B on hart 5 */
	pg2 = page_alloc(1, 0, TAG_INIT);       /* 2 pages on hart 5 */
	host_set_cpu(3);
	kfree(b);
	kfree(a);
	page_free(pg2, 0);
	host_set_cpu(0);
	expect_tag(TAG_INIT, &(struct tag_stat){ .peak = 256, .allocs = 1, .frees = 1,
		   .pages_peak = 2, .page_allocs = 1, .page_frees = 1 });
	tag_stat_get(TAG_TEST, &ts);
	EXPECT_EQ(ts.bytes, 0);
	EXPECT_EQ(ts.peak, 128);
	/* harts 1 and 2 hold at once: the peak is their sum */
	host_set_cpu(1);
	a = kmalloc(200, TAG_INIT);
	host_set_cpu(2);
	b = kmalloc(200, TAG_INIT);
	kfree(a);
	host_set_cpu(1);
	kfree(b);
	host_set_cpu(0);
	expect_tag(TAG_INIT, &(struct tag_stat){ .peak = 512, .allocs = 3, .frees = 3,
		   .pages_peak = 2, .page_allocs = 1, .page_frees = 1 });
	EXPECT_EQ(alloc_site_top(top, 1), 1);
	alloc_site_totals(&bytes, &live);
	EXPECT_EQ(bytes, 0);
	EXPECT_EQ(live, 0);
	EXPECT_EQ(heap_check(), 0);
	EXPECT_EQ(page_check(), 0);
}

/* At 128 MiB the tracking metadata stays under 0.5% of RAM. */
static void budget_at_128mib(void)
{
	struct mm_budget b;
	void *p;

	env_setup(128 << 20, true);
	p = kmalloc(64, TAG_TEST);
	mm_budget_get(&b);
	EXPECT_EQ(b.ram, 128 << 20);
	EXPECT_EQ(b.page_desc, 32768 * 12);
	EXPECT_EQ(b.heap_maps, 8192 + 4096);        /* one arena's maps, the index */
	EXPECT_EQ(b.heap_headers, 8);
	EXPECT_EQ(b.total, b.page_desc + b.page_owners + b.tag_table +
		  b.alloc_sites + b.heap_maps + b.heap_headers);
	EXPECT(b.total * 1000 <= b.ram * 5);
	/* worst case: all HEAP_MAX_ARENAS arenas */
	EXPECT((b.total + (HEAP_MAX_ARENAS - 1) * b.heap_maps) * 1000 <= b.ram * 5);
	mm_budget_print();
	kfree(p);
}

const struct mm_test tag_tests[] = {
	{ "tag: byte order", tag_byte_order },
	{ "tag: static slots", tag_static_slots },
	{ "tag: register until full", tag_register_until_full },
	{ "tag: counters exact", tag_counters_exact },
	{ "site: per-callsite accounting", callsite_accounting },
	{ "tag: counters across harts", tag_counters_across_harts },
	{ "budget: <= 0.5% of 128 MiB", budget_at_128mib },
	{ NULL, NULL },
};
