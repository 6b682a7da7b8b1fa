/* Spinlocks with interrupt-disable nesting (see spinlock.h).
 *
 * The test kernel builds this file a second time with -DLOCK_CHECK: then
 * every lock and unlock also goes through the lock-order checker
 * (kernel/test/lockcheck.c), which the shipping kernel does not have.
 */
#include <kernel/spinlock.h>
#include <kernel/cpu.h>
#include <kernel/riscv.h>
#include <kernel/printf.h>
#include <kernel/panic.h>

/* l is now this hart's, after spins turns waiting for it. */
static inline void spin_owned(struct spinlock *l, uint64_t spins)
{
	l->owner = this_cpu();
#ifdef LOCK_CHECK
	if (!l->taken++)
		lock_stat_seen(l);
	l->contended += spins != 0;
	l->spins += spins;
#else
	(void)spins;
#endif
}

/* Spin until l is ours: the contended path, out of line and reached by
 * a tail call, so that spin_lock stays a leaf function without a frame
 * (10 instructions less per lock, measured). Checks for another hart's
 * panic while it waits: the holder may have stopped for it. */
static __attribute__((noinline)) void spin_wait(struct spinlock *l)
{
	uint64_t spins = 0;

	do {
		panic_check();
		spins++;
	} while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE));
	spin_owned(l, spins);
}

/* spin_lock_raw's contended path: a per-hart lock another hart holds
 * to drain or check it. Interrupts are off; checks for a panic too. */
void spin_wait_raw(struct spinlock *l)
{
	do
		panic_check();
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE));
}

/* Take l, spinning; interrupts stay off on this hart until released. */
void spin_lock(struct spinlock *l)
{
	push_off();
	if (spin_held(l))
		panic("spin_lock: %s already held by this hart", l->name);
#ifdef LOCK_CHECK
	if (lock_check_on)        /* tested here: make bench runs with it off */
		lock_check_acquire(l);    /* before spinning: a bad order panics, not hangs */
#endif
	if (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		spin_wait(l);
	else
		spin_owned(l, 0);
}

void spin_unlock(struct spinlock *l)
{
	if (!spin_held(l))
		panic("spin_unlock: %s not held by this hart", l->name);
#ifdef LOCK_CHECK
	if (this_cpu()->nheld)
		lock_check_release(l);
#endif
	l->owner = NULL;
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
	pop_off();
}

/* Is l held by this hart? Caller has interrupts off. */
bool spin_held(struct spinlock *l)
{
	return l->locked && l->owner == this_cpu();
}

void spin_panic_sleep(struct spinlock *allowed)
{
	if (!spin_held(allowed))
		panic("sched: sleeping without %s held", allowed->name);
#ifdef LOCK_CHECK
	struct spinlock *other = lock_check_held_other(allowed);
	if (other)
		panic("sched: sleeping with %s held (only %s may be)",
		      other->name, allowed->name);
#endif
	panic("sched: sleeping with %d locks or push_off held beyond %s",
	      this_cpu()->noff - 1, allowed->name);
}

/* Interrupts off, remembering whether they were on at the outermost level. */
void push_off(void)
{
	bool on = intr_get();
	intr_off();
	struct cpu *c = this_cpu();
	if (c->noff == 0)
		c->intena = on;
	c->noff++;
}

/* Undo one push_off; interrupts come back on after the outermost. */
void pop_off(void)
{
	struct cpu *c = this_cpu();
	if (intr_get())
		panic("pop_off: interrupts on");
	if (c->noff < 1)
		panic("pop_off: unbalanced");
	c->noff--;
	if (c->noff == 0 && c->intena)
		intr_on();
}
