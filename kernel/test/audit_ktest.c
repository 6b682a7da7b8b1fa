/* In-kernel tests of the allocation history (kernel/mm/audit.c,
 * docs/memory.md "Allocation history"): switched on here (as the
 * bootarg mm_audit would), known blocks and pages are allocated and
 * freed, and the ring's events, the side table's who-alloc and who-free
 * and mm_whatis's answers are checked; then harts write the ring at once
 * while a reader checks that every event it copies is whole. */
#include "ktest.h"
#include <kernel/mm_audit.h>
#include <kernel/leak.h>
#include <kernel/mm_debug.h>
#include <kernel/alloc_site.h>
#include <kernel/cpu.h>
#include <kernel/heap.h>
#include <kernel/page.h>
#include <kernel/proc.h>
#include <kernel/tag.h>
#include <kernel/timer.h>
#include <kernel/printf.h>
#include <lib/string.h>
#include <uapi/errno.h>

#define AK_EVENTS     256           /* the ring a test switches on */
#define AK_RUN_MS     200           /* how long the SMP writers write */
#define AK_SIZE_BASE  100u          /* writer on hart h asks for 100 + h bytes */

/* Events name blocks, freed ones too: not a root of the leak scan, or
 * a stale address here would keep a later block at it alive. */
static struct mm_audit_event ak_ev[64] LEAK_NOT_ROOT;

/* Switch audit on for a test; true if it was off (to switch off after). */
static bool ak_on(void)
{
	bool was = mm_audit_on;

	if (mm_audit_enable(AK_EVENTS) < 0)
		return false;
	return !was;
}

/* The newest TEST events since mark, newest first; how many. */
static size_t ak_read_test(uint64_t mark, size_t max)
{
	struct mm_audit_filter f = { .tag = TAG_TEST, .pid = -1 };
	size_t n = mm_audit_read(&f, ak_ev, MIN(max, ARRAY_SIZE(ak_ev)));
	size_t k = 0;

	while (k < n && ak_ev[k].seq > mark)
		k++;
	return k;
}

/* kmalloc, kfree and a double kfree of known blocks: the ring has the
 * three events newest first with op, block, size, tag, site, pid and
 * hart; the side table knows who allocated the live block and who freed
 * the other; mm_whatis names both. */
KTEST(audit_heap_events)
{
	bool off = ak_on();
	uint64_t mark = mm_audit_mark();
	int32_t pid = proc_current()->pid;
	int line = __LINE__ + 1;
	char *p = kmalloc(40, TAG_TEST);
	char *q = kmalloc(100, TAG_TEST);
	struct mm_audit_block b;
	struct mm_whatis w;

	KT_ASSERT(mm_audit_on && p && q);
	KT_EQ(kfree(p), 0);
	KT_EQ(ak_read_test(mark, 8), 3);
	KT_EQ(ak_ev[0].op, MM_AUDIT_KFREE);
	KT_EQ(ak_ev[0].addr, (uintptr_t)p);
	KT_EQ(ak_ev[1].op, MM_AUDIT_KMALLOC);
	KT_EQ(ak_ev[1].addr, (uintptr_t)q);
	KT_EQ(ak_ev[1].size, 100);
	KT_EQ(ak_ev[2].op, MM_AUDIT_KMALLOC);
	KT_EQ(ak_ev[2].addr, (uintptr_t)p);
	KT_EQ(ak_ev[2].size, 40);
	KT_EQ(ak_ev[2].pid, pid);
	KT_ASSERT(ak_ev[2].site && alloc_site_at(ak_ev[2].site)->line == (uint32_t)line);
	KT_ASSERT(ak_ev[0].seq > ak_ev[1].seq && ak_ev[1].seq > ak_ev[2].seq);
	KT_ASSERT(ak_ev[0].time >= ak_ev[2].time);

	KT_EQ(mm_audit_block_get((uintptr_t)q, &b), 0);
	KT_ASSERT(!b.freed && !b.page && b.alloc.pid == pid && b.size == 100 &&
		  b.tag == TAG_TEST && b.alloc.site == ak_ev[1].site);
	KT_EQ(mm_audit_block_get((uintptr_t)p, &b), 0);
	KT_ASSERT(b.freed && b.free.pid == pid && b.free.time >= b.alloc.time &&
		  b.free.op == MM_AUDIT_KFREE);
	KT_EQ(mm_audit_block_get((uintptr_t)p + 8, &b), -ENOENT);

	mm_whatis((uintptr_t)q + 4, &w);
	KT_ASSERT(w.kind == MM_WHAT_HEAP && w.state == MM_WS_USED && w.tag == TAG_TEST);
	KT_EQ(w.base, (uintptr_t)q);
	KT_EQ(w.req, 100);
	KT_ASSERT(w.line && w.line == (uint32_t)line + 1);
	mm_whatis((uintptr_t)p, &w);
	KT_ASSERT(w.kind == MM_WHAT_HEAP && w.state == MM_WS_FREE);

	kprintf("ktest:   (a double kfree on purpose:)\n");
	KT_ASSERT(kfree(p) < 0);
	KT_EQ(ak_read_test(mark, 8), 3);       /* a misuse has no tag: TAG_NONE */
	struct mm_audit_filter all = { .tag = -1, .pid = pid };
	KT_ASSERT(mm_audit_read(&all, ak_ev, 1) == 1 && ak_ev[0].op == MM_AUDIT_MISUSE &&
		  ak_ev[0].addr == (uintptr_t)p);
	KT_EQ(kfree(q), 0);
	if (off)
		mm_audit_disable();
}

/* A page block's history: page_alloc and page_free of an order-1 block
 * owned by the kernel are in the ring with owner, order and size, the
 * side table says who freed it, mm_whatis names a page inside it; a
 * kernel stack is named as such with its pid, text as a symbol. */
KTEST(audit_page_history)
{
	bool off = ak_on();
	uint64_t mark = mm_audit_mark();
	int32_t pid = proc_current()->pid;
	char *pg = page_alloc(1, 0, TAG_TEST);
	struct mm_audit_block b;
	struct mm_whatis w;

	KT_ASSERT(pg);
	mm_whatis((uintptr_t)pg + PAGE_SIZE + 12, &w);
	KT_ASSERT(w.kind == MM_WHAT_PAGE && w.state == MM_WS_USED && w.tag == TAG_TEST);
	KT_ASSERT(w.base == (uintptr_t)pg && w.order == 1 && w.pid == 0);
	KT_EQ(page_free(pg, 0), 0);
	KT_EQ(ak_read_test(mark, 8), 2);
	KT_ASSERT(ak_ev[0].op == MM_AUDIT_PAGE_FREE && ak_ev[1].op == MM_AUDIT_PAGE_ALLOC);
	KT_ASSERT(ak_ev[1].addr == (uintptr_t)pg && ak_ev[1].order == 1 &&
		  ak_ev[1].size == 2 * PAGE_SIZE && ak_ev[1].owner == 0 && ak_ev[1].pid == pid);
	KT_EQ(mm_audit_block_get((uintptr_t)pg, &b), 0);
	KT_ASSERT(b.page && b.freed && b.order == 1 && b.free.pid == pid &&
		  b.free.op == MM_AUDIT_PAGE_FREE && b.alloc.op == MM_AUDIT_PAGE_ALLOC);
	mm_whatis((uintptr_t)pg, &w);
	KT_ASSERT(w.kind == MM_WHAT_PAGE && w.state == MM_WS_FREE);

	mm_whatis((uintptr_t)proc_current()->kstack + 100, &w);
	KT_ASSERT(w.kind == MM_WHAT_STACK && w.pid == pid && w.tag == TAG_KSTK);
	mm_whatis((uintptr_t)heap_alloc + 4, &w);
	KT_ASSERT(w.kind == MM_WHAT_SYMBOL && !strcmp(w.name, "heap_alloc") &&
		  w.base == (uintptr_t)heap_alloc);
	mm_whatis(1, &w);
	KT_EQ(w.kind, MM_WHAT_UNKNOWN);
	if (off)
		mm_audit_disable();
}

/* The SMP writers and reader share this. */
static struct {
	uint64_t deadline;
	uint64_t mark;                  /* events before the writers: other tests' */
	int done, bad;
	long seen;
} ak = { 0 };

/* A writer: kmalloc and kfree blocks of 100 + its hart's bytes. */
static void ak_writer(void *arg)
{
	int h = (int)(uintptr_t)arg;

	while (timer_ms() < ak.deadline) {
		void *p = kmalloc(AK_SIZE_BASE + h, TAG_TEST);
		if (cpu_id() != h)
			__atomic_fetch_add(&ak.bad, 1, __ATOMIC_RELAXED);
		kfree(p);
	}
	__atomic_fetch_add(&ak.done, 1, __ATOMIC_RELEASE);
}

/* The reader: every event copied must be whole: numbers strictly
 * falling, and a TEST event's size the one its hart's writer asks for. */
static void ak_reader(void *arg)
{
	static struct mm_audit_event ev[AK_EVENTS];
	struct mm_audit_filter f = { .tag = -1, .pid = -1 };

	(void)arg;
	while (timer_ms() < ak.deadline) {
		size_t n = mm_audit_read(&f, ev, ARRAY_SIZE(ev));
		for (size_t i = 0; i < n; i++) {
			const struct mm_audit_event *e = &ev[i];
			bool ok = (i == 0 || e->seq < ev[i - 1].seq) &&
				  e->op >= MM_AUDIT_KMALLOC && e->op <= MM_AUDIT_MISUSE &&
				  (e->tag != TAG_TEST || e->op > MM_AUDIT_KFREE || e->seq <= ak.mark ||
				   e->size == AK_SIZE_BASE + (uint32_t)e->hart);
			if (!ok) {
				if (!__atomic_fetch_add(&ak.bad, 1, __ATOMIC_RELAXED))
					kprintf("ktest:   torn event %lu: op %u hart %u size %u\n",
						(unsigned long)e->seq, e->op, e->hart, e->size);
			}
		}
		ak.seen += (long)n;
	}
	__atomic_fetch_add(&ak.done, 1, __ATOMIC_RELEASE);
}

/* A writer pinned to every hart and a reader: no torn event is ever
 * copied, and every event the writers made was numbered. */
KTEST(audit_smp_ring)
{
	bool off = ak_on();
	uint64_t mark = mm_audit_mark();
	int n = 0;

	ak.done = ak.bad = 0;
	ak.seen = 0;
	ak.mark = mark;
	ak.deadline = timer_ms() + AK_RUN_MS;
	for (int c = 0; c < ncpu_online; c++, n++)
		KT_ASSERT(kthread_start_on("audit_w", ak_writer, (void *)(uintptr_t)c, c) >= 0);
	KT_ASSERT(kthread_start("audit_r", ak_reader, NULL) >= 0);
	n++;
	while (__atomic_load_n(&ak.done, __ATOMIC_ACQUIRE) < n &&
	       timer_ms() < ak.deadline + 10000)
		proc_sleep_ms(10);
	KT_EQ(__atomic_load_n(&ak.done, __ATOMIC_ACQUIRE), n);
	KT_EQ(ak.bad, 0);
	KT_ASSERT(ak.seen > 0 && mm_audit_mark() - mark > (uint64_t)AK_EVENTS);
	kprintf("ktest:   %lu events written, %ld read whole, %d harts\n",
		(unsigned long)(mm_audit_mark() - mark), ak.seen, ncpu_online);
	if (off)
		mm_audit_disable();
}

#define AK_FULL_MAX 4096            /* most live blocks the full-table test makes */

/* A side table full of live blocks: a block it cannot enter is counted
 * as dropped, no live block's entry is ever pushed out, and once the
 * blocks are freed their entries serve new blocks again. */
KTEST(audit_table_full)
{
	static void *blk[AK_FULL_MAX];
	bool off = ak_on();
	struct mm_audit_stats before, full, after;
	struct mm_audit_block b;
	size_t n;

	mm_audit_stats(&before);
	n = before.table_cap + before.table_cap / 4;
	if (n > AK_FULL_MAX) {
		kprintf("ktest:   (the table of %u entries is too big to fill here)\n",
			before.table_cap);
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		KT_ASSERT((blk[i] = kmalloc(16, TAG_TEST)));
	mm_audit_stats(&full);
	KT_ASSERT(full.drops > before.drops);
	KT_EQ(mm_audit_block_get((uintptr_t)blk[0], &b), 0);
	KT_ASSERT(!b.freed && b.size == 16);
	for (size_t i = 0; i < n; i++)
		kfree(blk[i]);
	for (size_t i = 0; i < 64; i++)
		KT_ASSERT((blk[i] = kmalloc(2000, TAG_TEST)));
	mm_audit_stats(&after);
	KT_EQ(after.drops, full.drops);
	for (size_t i = 0; i < 64; i++)
		kfree(blk[i]);
	memset(blk, 0, sizeof(blk));    /* no stale roots for the leak scan's tests */
	kprintf("ktest:   %u entries, %lu blocks dropped while full\n", full.table_cap,
		(unsigned long)(full.drops - before.drops));
out:
	if (off)
		mm_audit_disable();
}

/* A guarded block (mm_debug=guard=TEST) is in the history too, and
 * mm_whatis finds it from a pointer inside it or in its guard page. */
KTEST(audit_guarded_block)
{
	bool off = ak_on();
	uint64_t mark = mm_audit_mark();
	bool guarded = mm_debug_set("guard=TEST", NULL, NULL, 0) >= 0;
	char *p = kmalloc(100, TAG_TEST);
	struct mm_whatis w;

	mm_debug_set("-guard", NULL, NULL, 0);
	KT_ASSERT(guarded && p);
	mm_whatis((uintptr_t)p + 10, &w);
	KT_ASSERT(w.kind == MM_WHAT_HEAP && w.state == MM_WS_USED && w.tag == TAG_TEST);
	KT_ASSERT(!strcmp(w.name, "guarded heap") && w.base == (uintptr_t)p && w.req == 100);
	mm_whatis(ALIGN_UP((uintptr_t)p, PAGE_SIZE) + 5, &w);   /* its guard page */
	KT_ASSERT(w.kind == MM_WHAT_HEAP && w.base == (uintptr_t)p);
	KT_EQ(kfree(p), 0);
	size_t n = ak_read_test(mark, 8), heap[2], k = 0;      /* and its page's */
	for (size_t i = 0; i < n && k < 2; i++)
		if (ak_ev[i].op == MM_AUDIT_KFREE || ak_ev[i].op == MM_AUDIT_KMALLOC)
			heap[k++] = i;
	KT_EQ(k, 2);
	KT_ASSERT(ak_ev[heap[0]].op == MM_AUDIT_KFREE && ak_ev[heap[0]].size == 100 &&
		  ak_ev[heap[0]].addr == (uintptr_t)p);
	KT_ASSERT(ak_ev[heap[1]].op == MM_AUDIT_KMALLOC &&
		  ak_ev[heap[1]].addr == (uintptr_t)p);
	mm_whatis((uintptr_t)p, &w);
	KT_ASSERT(w.kind == MM_WHAT_UNKNOWN && !strcmp(w.name, "heap guard window"));
	if (off)
		mm_audit_disable();
}
