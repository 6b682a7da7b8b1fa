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

struct cpu;

struct spinlock {
	volatile uint32_t locked;
	const char *name;         /* for panics */
	struct cpu *owner;        /* hart holding it, when locked */
};

#define SPINLOCK_INIT(n) { 0, (n), NULL }

void spin_lock(struct spinlock *l);
void spin_unlock(struct spinlock *l);
bool spin_held(struct spinlock *l);   /* held by this hart? */

/* Interrupt-disable nesting used by the spinlock, also usable alone. */
void push_off(void);
void pop_off(void);

#endif
