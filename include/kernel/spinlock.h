/* Spinlocks: the kernel's one lock type.
 *
 * spin_lock() disables interrupts on this hart before it spins and
 * spin_unlock() restores them once the hart holds no lock any more
 * (push_off/pop_off nesting, as in xv6), so a lock is never taken by an
 * interrupt handler on the hart that already holds it.
 */
#ifndef RVOS_KERNEL_SPINLOCK_H
#define RVOS_KERNEL_SPINLOCK_H

#include <kernel/types.h>
#include <kernel/lockrank.h>

struct cpu;

struct spinlock {
	volatile uint32_t locked;
	const char *name;         /* for panics */
	struct cpu *owner;        /* hart holding it, when locked */
	enum lock_rank rank;      /* its place in the lock order (lockrank.h) */
	/* Contention, counted by the test kernel only (lock_stat_*):
	 * written by the holder, so no cache line more than the lock's. */
	uint64_t taken, contended, spins;
};

#define SPINLOCK_INIT(n, r) { 0, (n), NULL, (r), 0, 0, 0 }

void spin_lock(struct spinlock *l);
void spin_unlock(struct spinlock *l);
bool spin_held(struct spinlock *l);   /* held by this hart? */

/* Interrupt-disable nesting used by the spinlock, also usable alone. */
void push_off(void);
void pop_off(void);

/* Panic for sched(): sleeping with a lock held other than allowed, or
 * without allowed. The test kernel names the lock. */
void spin_panic_sleep(struct spinlock *allowed) __attribute__((noreturn));

/* The test kernel's lock-order checker (kernel/test/lockcheck.c). Its
 * spinlock.c is built with -DLOCK_CHECK to call it; the shipping kernel
 * has none of it. lock_check_on (bootarg lockcheck=off clears it) only
 * stops new locks being checked: locks taken before still release. */
extern bool lock_check_on;
void lock_check_acquire(struct spinlock *l);
void lock_check_release(struct spinlock *l);
struct spinlock *lock_check_held_other(struct spinlock *allowed);

/* The test kernel's lock statistics: every lock taken since the last
 * reset, with how often a hart found it held and how long it spun
 * (docs/smp.md, "The scheduler": the measurement behind one run queue). */
void lock_stat_seen(struct spinlock *l);
void lock_stat_reset(void);
void lock_stat_print(void);

#endif
