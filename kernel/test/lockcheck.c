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
