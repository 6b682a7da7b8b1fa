/* The test kernel's run-time lock-order checker (docs/smp.md, "Locks
 * and their order"): spinlock.c built with -DLOCK_CHECK calls it.
 *
 * Each hart keeps the locks it holds in c->held, in the order taken.
 * Since a lock is pushed only if its rank is above the top's, the stack
 * is sorted by rank, and stays so when a lock in the middle is released
 * (sleep_on lets go of the caller's lock under proc_lock): the top is
 * always the highest rank held, the one a new lock must be above.
 */
#include <kernel/spinlock.h>
#include <kernel/cpu.h>
#include <kernel/printf.h>

bool lock_check_on = true;

/* spin_lock is about to spin for l, interrupts off, checker on. */
void lock_check_acquire(struct spinlock *l)
{
	struct cpu *c = this_cpu();

	if (l->rank == LOCK_RANK_NONE)
		panic("lock order: %s has no rank (lockrank.h)", l->name);
	if (c->nheld > 0) {
		struct spinlock *top = c->held[c->nheld - 1];
		if (l->rank <= top->rank)
			panic("lock order: taking %s (rank %d) while holding %s (rank %d)",
			      l->name, l->rank, top->name, top->rank);
	}
	if (c->nheld == LOCK_HELD_MAX)
		panic("lock order: taking %s with %d locks held", l->name, c->nheld);
	c->held[c->nheld++] = l;
}

/* spin_unlock lets go of l, this hart holding some checked lock: drop
 * l from the stack, wherever it is (not there if it was taken while the
 * checker was off). */
void lock_check_release(struct spinlock *l)
{
	struct cpu *c = this_cpu();

	for (int i = c->nheld - 1; i >= 0; i--) {
		if (c->held[i] != l)
			continue;
		for (; i < c->nheld - 1; i++)
			c->held[i] = c->held[i + 1];
		c->nheld--;
		return;
	}
}

/* A lock this hart holds other than allowed, or NULL. */
struct spinlock *lock_check_held_other(struct spinlock *allowed)
{
	struct cpu *c = this_cpu();

	for (int i = 0; i < c->nheld; i++)
		if (c->held[i] != allowed)
			return c->held[i];
	return NULL;
}

/* Every lock taken at least once, for lock_stat_print: a lock joins on
 * its first acquisition, holding itself, so each joins once. */
#define LOCK_STAT_MAX 32
static struct spinlock *lock_seen[LOCK_STAT_MAX];
static int lock_nseen;

void lock_stat_seen(struct spinlock *l)
{
	int i = __atomic_fetch_add(&lock_nseen, 1, __ATOMIC_RELAXED);
	if (i < LOCK_STAT_MAX)
		__atomic_store_n(&lock_seen[i], l, __ATOMIC_RELEASE);
}

/* The i-th lock seen, or NULL: none (yet) at i. */
static struct spinlock *lock_stat_at(int i)
{
	if (i >= __atomic_load_n(&lock_nseen, __ATOMIC_ACQUIRE) || i >= LOCK_STAT_MAX)
		return NULL;
	return __atomic_load_n(&lock_seen[i], __ATOMIC_ACQUIRE);
}

/* Start counting afresh. Counts of a lock taken meanwhile on another
 * hart may survive by one: good enough for a measurement. */
void lock_stat_reset(void)
{
	for (int i = 0; i < LOCK_STAT_MAX; i++) {
		struct spinlock *l = lock_stat_at(i);
		if (!l)
			continue;
		spin_lock(l);
		l->contended = l->spins = 0;
		l->taken = 1;           /* this one; nonzero keeps it listed once */
		spin_unlock(l);
	}
}

/* One line per lock: "lockstat: proc taken N, contended M (x.y%),
 * spins S (s per contended)". Read without the locks: a report. */
void lock_stat_print(void)
{
	for (int i = 0; i < LOCK_STAT_MAX; i++) {
		struct spinlock *l = lock_stat_at(i);
		if (!l)
			continue;
		uint64_t t = l->taken, c = l->contended, sp = l->spins;
		uint64_t pm = t ? c * 1000 / t : 0;
		kprintf("lockstat: %-12s taken %8lu, contended %6lu (%lu.%lu%%), "
			"spins %9lu (%lu per contended)\n", l->name, t, c, pm / 10, pm % 10,
			sp, c ? sp / c : 0);
	}
}
