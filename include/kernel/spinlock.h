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

/* Per-hart locks ("local locks", as Linux's per-CPU page lists have):
 * a lock that its own hart takes on every fast-path operation and other
 * harts take only to drain or check what it guards. The fast path must
 * cost a few instructions, so these are not spin_lock: the caller turns
 * interrupts off with intr_save() (which also pins it to this hart, so
 * it may then read cpu_id()), takes the lock with spin_lock_raw(), and
 * undoes both with spin_unlock_raw() and intr_restore(). No owner, no
 * push_off nesting, no lock-order check at run time: their ranks are in
 * lockrank.h and docs/smp.md all the same. Only a raw-locked section's
 * own code runs inside it (spin_lock of a higher rank is allowed). */
#ifdef __riscv
/* Interrupts off on this hart; returns whether they were on. */
static inline unsigned long intr_save(void)
{
	unsigned long s;

	__asm__ volatile("csrrci %0, sstatus, 2" : "=r"(s) : : "memory");
	return s & 2;
}

/* Interrupts back on if intr_save() found them on. */
static inline void intr_restore(unsigned long s)
{
	if (s)
		__asm__ volatile("csrsi sstatus, 2" : : : "memory");
}
#else   /* host builds of kernel code: no interrupts */
static inline unsigned long intr_save(void) { return 0; }
static inline void intr_restore(unsigned long s) { (void)s; }
#endif

/* Spin for l, held by another hart (out of line: the contended path). */
void spin_wait_raw(struct spinlock *l);

/* Take l, a per-hart lock; interrupts must be off (intr_save). */
static inline void spin_lock_raw(struct spinlock *l)
{
	if (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		spin_wait_raw(l);
}

/* Take l, a per-hart lock, if it is free; false if another hart holds
 * it (a fast path then leaves for its slow path rather than spin inline:
 * spinning needs a call, and a call a frame). Interrupts must be off. */
static inline bool spin_trylock_raw(struct spinlock *l)
{
	return !__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE);
}

/* Release l, taken with spin_lock_raw. */
static inline void spin_unlock_raw(struct spinlock *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

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
