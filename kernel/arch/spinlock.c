/* Spinlocks with interrupt-disable nesting (see spinlock.h). */
#include <kernel/spinlock.h>
#include <kernel/cpu.h>
#include <kernel/riscv.h>
#include <kernel/printf.h>
#include <kernel/panic.h>

/* Take l, spinning; interrupts stay off on this hart until released. */
void spin_lock(struct spinlock *l)
{
	push_off();
	if (spin_held(l))
		panic("spin_lock: %s already held by this hart", l->name);
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		panic_check();     /* the holder may have stopped for a panic */
	l->owner = this_cpu();
}

void spin_unlock(struct spinlock *l)
{
	if (!spin_held(l))
		panic("spin_unlock: %s not held by this hart", l->name);
	l->owner = NULL;
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
	pop_off();
}

/* Is l held by this hart? Caller has interrupts off. */
bool spin_held(struct spinlock *l)
{
	return l->locked && l->owner == this_cpu();
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
