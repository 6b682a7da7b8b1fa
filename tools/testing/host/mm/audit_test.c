/* The allocation history (kernel/mm/audit.c): events and side table
 * for the heap and the pages on two harts, misuse events, a ring that
 * wraps, a side table that fills. */
#include "mm_test.h"
#include <kernel/mm_audit.h>
#include <kernel/mm_debug.h>

static struct mm_audit_event ev[128];

/* Every event since mark passing f, newest first; how many. */
static size_t read_since(uint64_t mark, int tag)
{
	struct mm_audit_filter f = { .tag = tag, .pid = -1 };
	size_t n = mm_audit_read(&f, ev, 128), k = 0;

	while (k < n && ev[k].seq > mark)
		k++;
	return k;
}

/* kmalloc on hart 0, kfree on hart 1, a page pair, a double free: the
 * ring has them newest first, the side table who did what. */
static void audit_events_and_table(void)
{
	struct mm_audit_block b;
	uint64_t mark;
	void *p, *pg;

	EXPECT_EQ(mm_audit_enable(10), -EINVAL);
	EXPECT_EQ(mm_audit_enable(MM_AUDIT_MAX + 1), -EINVAL);
	EXPECT_EQ(mm_audit_enable(100), 0);
	EXPECT(mm_audit_on);
	EXPECT_EQ(mm_debug_flags, MM_DBG_AUDIT);       /* the heap caches follow */
	mark = mm_audit_mark();
	host_set_cpu(0);
	p = kmalloc(50, TAG_TEST);
	host_set_cpu(1);
	EXPECT_EQ(kfree(p), 0);
	EXPECT(QUIET(kfree(p)) < 0);
	pg = page_alloc(2, 0, TAG_TEST);
	EXPECT_EQ(page_free(pg, 0), 0);
	host_set_cpu(0);
	EXPECT_EQ(read_since(mark, TAG_TEST), 4);
	EXPECT_EQ(ev[0].op, MM_AUDIT_PAGE_FREE);
	EXPECT_EQ(ev[1].op, MM_AUDIT_PAGE_ALLOC);
	EXPECT_EQ(ev[1].order, 2);
	EXPECT_EQ(ev[2].op, MM_AUDIT_KFREE);
	EXPECT_EQ(ev[2].hart, 1);
	EXPECT_EQ(ev[3].op, MM_AUDIT_KMALLOC);
	EXPECT_EQ(ev[3].hart, 0);
	EXPECT_EQ(ev[3].size, 50);
	EXPECT_EQ(ev[3].addr, (uintptr_t)p);
	EXPECT_EQ(read_since(mark, TAG_NONE), 1);       /* the double free */
	EXPECT_EQ(ev[0].op, MM_AUDIT_MISUSE);
	EXPECT_EQ(mm_audit_block_get((uintptr_t)p, &b), 0);
	EXPECT(b.freed && b.alloc.hart == 0 && b.free.hart == 1 && b.size == 50);
	EXPECT_EQ(mm_audit_block_get((uintptr_t)pg, &b), 0);
	EXPECT(b.page && b.freed && b.order == 2);
	EXPECT_EQ(mm_audit_block_get((uintptr_t)pg + 8, &b), -ENOENT);
	mm_audit_disable();
	EXPECT(!mm_audit_on);
	EXPECT_EQ(mm_debug_flags, 0);
}

/* 128 events kept (100 rounded up): after 500 pairs the reader gets the
 * last 128, numbered without a gap, newest first. */
static void audit_ring_wraps(void)
{
	EXPECT_EQ(mm_audit_enable(100), 0);
	for (int i = 0; i < 500; i++)
		kfree(kmalloc(16 + (size_t)i % 64, TAG_TEST));
	struct mm_audit_filter f = { .tag = -1, .pid = -1 };
	size_t n = mm_audit_read(&f, ev, 128);
	EXPECT_EQ(n, 128);
	EXPECT_EQ(ev[0].seq, mm_audit_mark());
	for (size_t i = 1; i < n; i++)
		EXPECT_EQ(ev[i].seq, ev[i - 1].seq - 1);
	struct mm_audit_stats as;
	mm_audit_stats(&as);
	EXPECT_EQ(as.events, 128);
	EXPECT_EQ(as.lost, 0);
	mm_audit_disable();
}

/* A table full of live blocks drops new ones and keeps the live. */
static void audit_table_full(void)
{
	static void *p[2000];
	struct mm_audit_stats as;
	struct mm_audit_block b;

	EXPECT_EQ(mm_audit_enable(64), 0);
	mm_audit_stats(&as);
	EXPECT_EQ(as.table_cap, 227);
	for (int i = 0; i < 300; i++)
		p[i] = kmalloc(8, TAG_TEST);
	mm_audit_stats(&as);
	EXPECT(as.drops >= 300 - 227);
	EXPECT_EQ(mm_audit_block_get((uintptr_t)p[0], &b), 0);
	for (int i = 0; i < 300; i++)
		kfree(p[i]);
	mm_audit_disable();
}

const struct mm_test audit_tests[] = {
	{ "audit_events_and_table", audit_events_and_table },
	{ "audit_ring_wraps", audit_ring_wraps },
	{ "audit_table_full", audit_table_full },
	{ NULL, NULL },
};
