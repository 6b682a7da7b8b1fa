/* The scheduler: round-robin over the process table, preempted by the
 * timer every tick (TICK_HZ, 10 ms), idle in wfi.
 *
 * Each hart runs scheduler() on its boot stack and swtch()es into a
 * process; the process comes back with sched(). proc_lock is held across
 * every swtch, in both directions (as in xv6): whoever switches takes it,
 * whoever resumes releases it.
 */
#include <kernel/proc.h>
#include <kernel/cpu.h>
#include <kernel/riscv.h>
#include <kernel/timer.h>
#include <kernel/printf.h>
#include <uapi/errno.h>

extern struct spinlock proc_lock;

/* Sleepers on time wait on this; every tick of the boot hart wakes them. */
const char timer_chan;


/* Address space to run p in. */
static void switch_satp(pagetable_t pt)
{
	csr_write(satp, MAKE_SATP(pt));
	sfence_vma();
}

/* Pick the next runnable slot after 'last', round robin; caller holds proc_lock. */
static struct proc *pick_next(int *last)
{
	for (int i = 1; i <= PROC_MAX; i++) {
		int slot = (*last + i) % PROC_MAX;
		if (proc_table[slot].state == P_RUNNABLE) {
			*last = slot;
			return &proc_table[slot];
		}
	}
	return NULL;
}

void scheduler(void)
{
	struct cpu *c = this_cpu();
	int last = PROC_MAX - 1;

	c->proc = NULL;
	for (;;) {
		intr_on();    /* let devices in between runs */
		spin_lock(&proc_lock);
		struct proc *p = pick_next(&last);
		if (!p) {
			spin_unlock(&proc_lock);
			c->idle_ticks++;
			wfi();
			continue;
		}
		p->state = P_RUNNING;
		c->proc = p;
		if (p->pagetable)
			switch_satp(p->pagetable);
		swtch(&c->sched_ctx, &p->ctx);
		/* back with proc_lock held; p gave up the hart */
		switch_satp(kernel_pagetable);
		c->proc = NULL;
		if (p->state == P_ZOMBIE && p->ppid == 0)
			free_proc(p);    /* nobody will wait for it */
		spin_unlock(&proc_lock);
	}
}

/* Switch back to the scheduler. Caller holds proc_lock (only it) and
 * has already changed its state. */
void sched(void)
{
	struct cpu *c = this_cpu();
	struct proc *p = c->proc;

	if (!spin_held(&proc_lock) || c->noff != 1)
		panic("sched: proc_lock held %d, locks %d", spin_held(&proc_lock), c->noff);
	if (p->state == P_RUNNING)
		panic("sched: %s still running", p->name);
	bool intena = c->intena;   /* belongs to this process, not the hart */
	swtch(&p->ctx, &c->sched_ctx);
	this_cpu()->intena = intena;
}

void yield(void)
{
	spin_lock(&proc_lock);
	this_cpu()->proc->state = P_RUNNABLE;
	sched();
	spin_unlock(&proc_lock);
}

/* Sleep on chan. lk (held by the caller) is released while asleep, so a
 * wakeup between the caller's check and the sleep cannot be lost: the
 * waker needs proc_lock, which we take before letting go of lk. */
void sleep_on(const void *chan, struct spinlock *lk, const char *what)
{
	struct proc *p = this_cpu()->proc;

	if (lk != &proc_lock) {
		spin_lock(&proc_lock);
		if (lk)
			spin_unlock(lk);
	}
	p->wchan = chan;
	p->wait_what = what;
	p->state = P_SLEEPING;
	sched();
	p->wchan = NULL;
	p->wait_what = NULL;
	if (lk != &proc_lock) {
		spin_unlock(&proc_lock);
		if (lk)
			spin_lock(lk);
	}
}

/* Wake every process sleeping on chan; caller holds proc_lock. */
void wakeup_locked(const void *chan)
{
	for (int i = 0; i < PROC_MAX; i++) {
		struct proc *p = &proc_table[i];
		if (p->state == P_SLEEPING && p->wchan == chan)
			p->state = P_RUNNABLE;
	}
}

void wakeup(const void *chan)
{
	spin_lock(&proc_lock);
	wakeup_locked(chan);
	spin_unlock(&proc_lock);
}

/* Timer tick on this hart: charge the running process, wake sleepers
 * whose time came (the boot hart's clock), and preempt. */
void proc_tick(void)
{
	struct cpu *c = this_cpu();
	struct proc *p = c->proc;

	if (p)
		p->cpu_ticks++;
	if (c == &cpus[0])
		wakeup(&timer_chan);
	if (p && p->state == P_RUNNING)
		yield();
}

int proc_sleep_ms(uint64_t ms)
{
	struct proc *p = this_cpu()->proc;
	uint64_t wake = timer_ticks() + (ms * TICK_HZ + 999) / 1000;
	int r = 0;

	spin_lock(&proc_lock);
	while (timer_ticks() < wake) {
		if (p->killed) {
			r = -EINTR;
			break;
		}
		sleep_on(&timer_chan, &proc_lock, "sleep");
	}
	spin_unlock(&proc_lock);
	return r;
}
