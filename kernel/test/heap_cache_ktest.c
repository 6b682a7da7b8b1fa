/* In-kernel tests of the per-hart heap caches that need harts running
 * at once (docs/memory.md, "Per-hart heap caches"): races the host
 * tests, one thread playing each hart in turn, cannot make. White-box:
 * they reach into heap_cache[] to steer a hart onto a chosen path. */
#include "ktest.h"
#include "../mm/heap_internal.h"
#include <kernel/cpu.h>
#include <kernel/heap.h>
#include <kernel/proc.h>
#include <kernel/spinlock.h>
#include <kernel/tag.h>
#include <kernel/timer.h>
#include <kernel/printf.h>
#include <uapi/errno.h>

#define RACE_ROUNDS   400           /* double frees raced */
#define RACE_WAIT_MS  20000         /* how long the two threads may take */
#define RACE_SIZE     4000          /* a 4 KiB block: the largest cached */
#define RACE_ORDER    7

/* The state the two racing threads share; one run at a time. */
static struct {
	int go;                         /* round the slow side released */
	int ydone;                      /* round the fast side finished */
	int done;                       /* threads that ended */
	void *p;                        /* the block both free */
	int ry;                         /* the fast side's kfree result */
	int both, neither, unpaired;    /* rounds gone wrong */
} race;

/* Spin n times: a different offset between the two sides each round. */
static void race_delay(unsigned n)
{
	for (volatile unsigned i = 0; i < n; i++)
		;
}

/* Two blocks of RACE_ORDER that are buddies, the high one in *hi; the
 * low one, or NULL. Taken from the buddy heap (this hart's bin is off):
 * a few blocks, of which two are most likely buddies, the rest freed. */
static void *race_pair(void **hi)
{
	enum { N = 16 };
	size_t bsize = HEAP_MIN_BLOCK << RACE_ORDER;
	void *b[N], *lo = NULL;

	for (int i = 0; i < N; i++)
		b[i] = kmalloc(RACE_SIZE, TAG_TEST);
	for (int i = 0; i < N && !lo; i++)
		for (int j = 0; j < N && !lo; j++)
			if (b[i] && b[j] && (uintptr_t)b[j] == (uintptr_t)b[i] + bsize &&
			    !(((uintptr_t)b[i] - HEAP_HDR_SIZE) & (2 * bsize - 1))) {
				lo = b[i];
				*hi = b[j];
				b[i] = b[j] = NULL;
			}
	for (int i = 0; i < N; i++)
		kfree(b[i]);
	return lo;
}

/* The slow side: its hart's bin of RACE_ORDER is off, so its kfree of a
 * sound block goes to heap_free_slow (as a block the fast path doubted
 * does). Each round: a block whose low buddy is free (so its header
 * survives the merge), released to the fast side, freed here too. */
static void race_slow(void *arg)
{
	struct heap_cache *c;
	unsigned long s;

	(void)arg;
	heap_cache_drain_local();
	s = intr_save();
	c = &heap_cache[cpu_id()];
	spin_lock_raw(&c->lock);
	c->bin[RACE_ORDER].max = 0;
	spin_unlock_raw(&c->lock);
	intr_restore(s);
	for (int r = 1; r <= RACE_ROUNDS; r++) {
		void *hi = NULL, *lo = race_pair(&hi);
		int rx;

		if (!lo) {
			race.unpaired++;
			race.p = NULL;
		} else {
			kfree(lo);
			race.p = hi;
		}
		__atomic_store_n(&race.go, r, __ATOMIC_RELEASE);
		race_delay((unsigned)(r % 8) * 16);
		rx = race.p ? kfree(race.p) : -EINVAL;
		while (__atomic_load_n(&race.ydone, __ATOMIC_ACQUIRE) != r)
			;
		if (race.p && rx == 0 && race.ry == 0)
			race.both++;
		if (race.p && rx != 0 && race.ry != 0)
			race.neither++;
	}
	__atomic_fetch_add(&race.done, 1, __ATOMIC_RELEASE);
}

/* The fast side: frees the round's block on its hart's fast path, then
 * gives its cache back so that the next round finds buddies again. */
static void race_fast(void *arg)
{
	(void)arg;
	for (int r = 1; r <= RACE_ROUNDS; r++) {
		while (__atomic_load_n(&race.go, __ATOMIC_ACQUIRE) != r)
			;
		race_delay((unsigned)((r / 8) % 16) * 8);
		race.ry = race.p ? kfree(race.p) : -EINVAL;
		heap_cache_drain_local();       /* the block back: the next pair */
		__atomic_store_n(&race.ydone, r, __ATOMIC_RELEASE);
	}
	__atomic_fetch_add(&race.done, 1, __ATOMIC_RELEASE);
}

/* Two harts free one block at once, one on the slow path: exactly one
 * kfree succeeds, the other reports a double free, and the block is
 * neither cached on one hart while the buddy heap holds it free nor
 * freed twice (docs/memory.md, "What is caught where"). */
KTEST(heap_cache_double_free_race)
{
	int slow = ncpu_online > 2 ? 1 : 0, fast = slow + 1;
	uint64_t deadline;

	if (ncpu_online < 2) {
		kprintf("ktest:   one hart: no race to run\n");
		return;
	}
	race.go = race.ydone = race.done = 0;
	race.both = race.neither = race.unpaired = 0;
	KT_ASSERT(kthread_start_on("race_fast", race_fast, NULL, fast) >= 0);
	KT_ASSERT(kthread_start_on("race_slow", race_slow, NULL, slow) >= 0);
	deadline = timer_ms() + RACE_WAIT_MS;
	while (__atomic_load_n(&race.done, __ATOMIC_ACQUIRE) < 2 && timer_ms() < deadline)
		proc_sleep_ms(10);
	KT_EQ(race.done, 2);
	heap_cache_set_depth(HEAP_CACHE_DEPTH);         /* the slow side's bin back */
	heap_cache_drain();
	kprintf("ktest:   %d double frees raced, %d both freed, %d neither, %d unpaired\n",
		RACE_ROUNDS, race.both, race.neither, race.unpaired);
	KT_EQ(race.both, 0);
	KT_EQ(race.neither, 0);
	KT_ASSERT(race.unpaired < RACE_ROUNDS / 4);
	KT_EQ(heap_check(), 0);
}

static int idle_done;

/* Leave blocks of a few sizes in this hart's cache. */
static void idle_fill(void *arg)
{
	void *p[8];

	(void)arg;
	for (int i = 0; i < 8; i++)
		p[i] = kmalloc(24 << (i % 4), TAG_TEST);
	for (int i = 0; i < 8; i++)
		kfree(p[i]);
	__atomic_fetch_add(&idle_done, 1, __ATOMIC_RELEASE);
}

/* Every hart's cache holds blocks; once the harts have been idle a few
 * ticks, the tick has drained every cache and the heap holds no more
 * arenas than before (docs/memory.md, "Drains"). */
KTEST(heap_cache_idle_drain)
{
	struct heap_stats hs0, hs;
	uint64_t deadline;

	heap_cache_drain();
	heap_stats(&hs0);
	idle_done = 0;
	for (int c = 0; c < ncpu_online; c++)
		KT_ASSERT(kthread_start_on("idle_fill", idle_fill, NULL, c) >= 0);
	deadline = timer_ms() + RACE_WAIT_MS;
	while (__atomic_load_n(&idle_done, __ATOMIC_ACQUIRE) < ncpu_online &&
	       timer_ms() < deadline)
		proc_sleep_ms(10);
	KT_EQ(idle_done, ncpu_online);
	proc_sleep_ms(100);                     /* 10 ticks, every hart idle */
	heap_stats(&hs);
	for (int c = 0; c < ncpu_online; c++)
		KT_EQ(hs.cached_hart[c], 0);
	KT_EQ(hs.arenas, hs0.arenas);
	KT_EQ(heap_check(), 0);
}

#define DEPTH_RUN_MS  300           /* how long the workers allocate */

static const unsigned depth_cycle[] = { 0, 1, 2, 3, 64, 256, 5, 0, 32 };

/* The state of one depth run. */
static struct {
	uint64_t deadline;
	int done, bad;
	long changes;
} dr;

/* Allocate and free blocks of every cached size (and a few larger) at
 * random, holding up to 32, until the deadline; a refused free is bad. */
static void depth_worker(void *arg)
{
	uint64_t seed = (uintptr_t)arg * 0x9e3779b97f4a7c15ULL + 7;
	void *held[32] = { 0 };

	while (timer_ms() < dr.deadline) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		unsigned i = (seed >> 33) % 32;
		if (held[i]) {
			if (kfree_tagged(held[i], TAG_TEST))
				__atomic_fetch_add(&dr.bad, 1, __ATOMIC_RELAXED);
			held[i] = NULL;
		} else {
			held[i] = kmalloc((seed >> 40) % 5000, TAG_TEST);
		}
	}
	for (int i = 0; i < 32; i++)
		if (held[i] && kfree_tagged(held[i], TAG_TEST))
			__atomic_fetch_add(&dr.bad, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&dr.done, 1, __ATOMIC_RELEASE);
}

/* Change every hart's depth over and over, checking the heap between. */
static void depth_changer(void *arg)
{
	(void)arg;
	for (unsigned k = 0; timer_ms() < dr.deadline; k++) {
		heap_cache_set_depth(depth_cycle[k % ARRAY_SIZE(depth_cycle)]);
		if (heap_check() != 0)
			__atomic_fetch_add(&dr.bad, 1, __ATOMIC_RELAXED);
		dr.changes++;
	}
	__atomic_fetch_add(&dr.done, 1, __ATOMIC_RELEASE);
}

/* Depths changed (0, 1, 256, ...) while every hart allocates and frees:
 * no free refused, heap_check clean meanwhile and after, and once the
 * caches are drained the heap's counters where they were. */
KTEST(heap_cache_depth_while_allocating)
{
	struct heap_stats hs0, hs;
	uint64_t wait;
	int n = 0;

	heap_cache_drain();
	heap_stats(&hs0);
	dr.done = dr.bad = 0;
	dr.changes = 0;
	dr.deadline = timer_ms() + DEPTH_RUN_MS;
	for (int c = 0; c < ncpu_online; c++, n++)
		KT_ASSERT(kthread_start_on("depth_w", depth_worker, (void *)(uintptr_t)c, c) >= 0);
	KT_ASSERT(kthread_start("depth_c", depth_changer, NULL) >= 0);
	n++;
	wait = dr.deadline + RACE_WAIT_MS;
	while (__atomic_load_n(&dr.done, __ATOMIC_ACQUIRE) < n && timer_ms() < wait)
		proc_sleep_ms(10);
	KT_EQ(dr.done, n);
	heap_cache_set_depth(HEAP_CACHE_DEPTH);
	heap_cache_drain();
	heap_stats(&hs);
	kprintf("ktest:   %d threads, %ld depth changes\n", n, dr.changes);
	KT_EQ(dr.bad, 0);
	KT_ASSERT(dr.changes > 0);
	KT_EQ(hs.used, hs0.used);
	KT_EQ(hs.live, hs0.live);
	KT_EQ(hs.cached, 0);
	KT_EQ(heap_check(), 0);
}
