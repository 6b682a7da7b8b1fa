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
};

#define SPINLOCK_INIT(n, r) { 0, (n), NULL, (r) }

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

#endif
