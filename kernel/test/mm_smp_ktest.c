/* In-kernel tests of the per-hart counters (docs/memory.md, "Counters on
 * many harts"): a kernel thread pinned to every online hart, and a few
 * unpinned ones the scheduler moves and preempts among them, kmalloc and
 * kfree mixed sizes under mixed tags and page_alloc and page_free in a
 * tight loop for a bounded time, and hand blocks to each other so that
 * many are freed on another hart than the one that allocated them. Once
 * all is freed, every tag's counters are exactly where they were, the
 * sums over the harts equal the allocators' own totals, and heap_check
 * and page_check hold; in the second test they are also run, over and
 * over, while the threads allocate. */
#include "ktest.h"
#include "memsnap.h"
#include <kernel/cpu.h>
#include <kernel/heap.h>
#include <kernel/page.h>
#include <kernel/proc.h>
#include <kernel/spinlock.h>
#include <kernel/tag.h>
#include <kernel/timer.h>
#include <kernel/printf.h>
#include <lib/string.h>

#define SMP_RUN_MS    300           /* how long the threads allocate */
#define SMP_WAIT_MS   10000         /* how long past that they may take to end */
#define SMP_UNPINNED  3             /* threads free to move between harts */
#define SMP_SLOTS     16            /* blocks and page blocks a thread holds */
#define SMP_SWAP      8             /* blocks left for another thread to free */

static const int smp_tags[] = { TAG_TEST, TAG_IPC, TAG_TRAC, TAG_SCHD };
static const size_t smp_sizes[] = { 1, 24, 100, 500, 2000, 9000 };

/* The state the threads share; one run at a time. */
static struct {
	uint64_t deadline;              /* timer_ms() when the threads stop */
	int done;                       /* threads that ended */
	int bad;                        /* frees refused, checks failed */
	long checks;                    /* heap_check + page_check runs */
	struct spinlock lock;           /* guards swap[] */
	void *swap[SMP_SWAP];
	int swap_tag[SMP_SWAP];
} smp = { .lock = SPINLOCK_INIT("mm_smp", LOCK_RANK_TEST) };

/* Next pseudo-random number of a thread's own sequence. */
static uint32_t smp_rand(uint64_t *seed)
{
	*seed = *seed * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(*seed >> 33);
}

/* Free a block whose tag the thread knows; a refusal is a failure. */
static void smp_kfree(void *p, int tag)
{
	if (p && kfree_tagged(p, tag) != 0)
		__atomic_fetch_add(&smp.bad, 1, __ATOMIC_RELAXED);
}

/* Leave block p (tag) in a swap slot, freeing what another thread left
 * there: that block was most likely allocated on another hart. */
static void smp_swap(unsigned slot, void *p, int tag)
{
	void *old;
	int old_tag;

	spin_lock(&smp.lock);
	old = smp.swap[slot];
	old_tag = smp.swap_tag[slot];
	smp.swap[slot] = p;
	smp.swap_tag[slot] = tag;
	spin_unlock(&smp.lock);
	smp_kfree(old, old_tag);
}

/* One thread's loop: each step frees or fills a heap slot and a page
 * slot; every fourth step hands a fresh block over. */
static void smp_worker(void *arg)
{
	uint64_t seed = (uintptr_t)arg * 0x9e3779b97f4a7c15ULL + 1;
	void *blk[SMP_SLOTS] = { 0 }, *pg[SMP_SLOTS] = { 0 };
	int tag[SMP_SLOTS];

	while (timer_ms() < smp.deadline) {
		uint32_t r = smp_rand(&seed);
		unsigned i = r % SMP_SLOTS, j = (r >> 8) % SMP_SLOTS;
		int t = smp_tags[(r >> 16) % ARRAY_SIZE(smp_tags)];

		if (blk[i]) {
			smp_kfree(blk[i], tag[i]);
			blk[i] = NULL;
		} else {
			blk[i] = kmalloc(smp_sizes[(r >> 20) % ARRAY_SIZE(smp_sizes)], t);
			tag[i] = t;
		}
		if (pg[j]) {
			if (page_free(pg[j], 0) != 0)
				__atomic_fetch_add(&smp.bad, 1, __ATOMIC_RELAXED);
			pg[j] = NULL;
		} else {
			pg[j] = page_alloc((r >> 24) % 3, 0, t);
		}
		if ((r & 3) == 0)
			smp_swap((r >> 4) % SMP_SWAP, kmalloc(64 + (r >> 26), t), t);
	}
	for (int k = 0; k < SMP_SLOTS; k++) {
		smp_kfree(blk[k], tag[k]);
		if (pg[k] && page_free(pg[k], 0) != 0)
			__atomic_fetch_add(&smp.bad, 1, __ATOMIC_RELAXED);
	}
	__atomic_fetch_add(&smp.done, 1, __ATOMIC_RELEASE);
}

/* The checker: both walks, over and over, while the workers allocate. */
static void smp_checker(void *arg)
{
	(void)arg;
	while (timer_ms() < smp.deadline) {
		if (heap_check() != 0 || page_check() != 0)
			__atomic_fetch_add(&smp.bad, 1, __ATOMIC_RELAXED);
		__atomic_fetch_add(&smp.checks, 2, __ATOMIC_RELAXED);
	}
	__atomic_fetch_add(&smp.done, 1, __ATOMIC_RELEASE);
}

/* Start a worker per online hart, pinned, and SMP_UNPINNED unpinned
 * ones (and the checker, if asked); wait for all to end and free what
 * they left in the swap slots. The number started, or -1. */
static int smp_run(bool checker)
{
	int n = 0;

	memset(smp.swap, 0, sizeof(smp.swap));
	smp.done = smp.bad = 0;
	smp.checks = 0;
	smp.deadline = timer_ms() + SMP_RUN_MS;
	for (int c = 0; c < ncpu_online; c++, n++)
		if (kthread_start_on("mm_smp", smp_worker, (void *)(uintptr_t)n, c) < 0)
			return -1;
	for (int k = 0; k < SMP_UNPINNED; k++, n++)
		if (kthread_start("mm_smp", smp_worker, (void *)(uintptr_t)n) < 0)
			return -1;
	if (checker && kthread_start("mm_check", smp_checker, NULL) >= 0)
		n++;
	while (__atomic_load_n(&smp.done, __ATOMIC_ACQUIRE) < n &&
	       timer_ms() < smp.deadline + SMP_WAIT_MS)
		proc_sleep_ms(10);
	for (int s = 0; s < SMP_SWAP; s++)
		smp_kfree(smp.swap[s], smp.swap_tag[s]);
	return __atomic_load_n(&smp.done, __ATOMIC_ACQUIRE) == n ? n : -1;
}

/* Every tag's heap blocks and pages summed, against the heap's and the
 * page allocator's own totals. */
static bool smp_sums_match(void)
{
	uint64_t bytes = 0, live = 0, pages = 0;
	struct heap_stats hs;
	struct page_stats ps;
	struct tag_stat ts;

	for (int t = 0; t < tag_count(); t++) {
		tag_stat_get(t, &ts);
		bytes += ts.bytes;
		live += ts.live;
		pages += ts.pages;
	}
	heap_stats(&hs);
	page_stats(&ps);
	ps.free += ps.cached;                  /* cached pages are free */
	if (bytes == hs.used && live == hs.live && pages == ps.total - ps.free)
		return true;
	kprintf("ktest:   tags hold %lu B in %lu blocks and %lu pages; heap says %lu B in "
		"%lu, pages %lu\n", (unsigned long)bytes, (unsigned long)live,
		(unsigned long)pages, (unsigned long)hs.used, (unsigned long)hs.live,
		(unsigned long)(ps.total - ps.free));
	return false;
}

/* One run, then the counters: held amounts and live blocks as before,
 * frees up by exactly the allocations, sums and checkers agreeing. */
static void smp_counters_exact(bool checker)
{
	struct tag_stat before[TAG_MAX], after;
	struct mem_snap s0, s1;
	int n;

	for (int t = 0; t < tag_count(); t++)
		KT_EQ(tag_stat_get(t, &before[t]), 0);
	memsnap_take(&s0);
	n = smp_run(checker);
	KT_ASSERT(n > 0);
	memsnap_take(&s1);
	KT_EQ(smp.bad, 0);
	KT_ASSERT(memsnap_same(&s0, &s1));
	for (int t = 0; t < tag_count(); t++) {
		KT_EQ(tag_stat_get(t, &after), 0);
		KT_EQ(after.bytes, before[t].bytes);
		KT_EQ(after.req, before[t].req);
		KT_EQ(after.live, before[t].live);
		KT_EQ(after.pages, before[t].pages);
		KT_EQ(after.allocs - before[t].allocs, after.frees - before[t].frees);
		KT_EQ(after.page_allocs - before[t].page_allocs,
		      after.page_frees - before[t].page_frees);
	}
	KT_EQ(tag_stat_get(TAG_TEST, &after), 0);
	KT_ASSERT(after.allocs > before[TAG_TEST].allocs);
	KT_ASSERT(smp_sums_match());
	KT_ASSERT(memsnap_consistent());
	kprintf("ktest:   %d threads on %d harts, %lu TEST allocs, %ld checks meanwhile\n",
		n, ncpu_online, (unsigned long)(after.allocs - before[TAG_TEST].allocs),
		smp.checks);
	if (checker)
		KT_ASSERT(smp.checks > 0);
}

KTEST(mm_smp_counters_exact)
{
	smp_counters_exact(false);
}

KTEST(mm_smp_check_while_allocating)
{
	smp_counters_exact(true);
}
