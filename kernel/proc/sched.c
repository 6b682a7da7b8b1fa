/* The scheduler: one run queue for every hart, round-robin, preempted by
 * each hart's timer every tick (TICK_HZ, 10 ms), idle harts in wfi.
 *
 * A process that gives up its hart (sched) switches straight to the
 * first process on the run queue that may run there: one swtch, one
 * satp write. Only when there is none does it switch to the hart's
 * scheduler loop, which waits in wfi until an IPI or an interrupt.
 * proc_lock is held across every swtch, in both directions (as in xv6):
 * whoever switches takes it, whoever resumes releases it, after
 * sched_finish. So a process that has made itself runnable (or been
 * woken) while it is still switching out on one hart cannot be taken by
 * another: that hart needs proc_lock, which is let go only once the
 * swtch has saved every register of the process (docs/smp.md).
 */
#include <kernel/proc.h>
#include <kernel/heap.h>
#include "proc_internal.h"
#include <kernel/job.h>
#include <kernel/cpu.h>
#include <kernel/riscv.h>
#include <kernel/timer.h>
#include <kernel/printf.h>
#include <kernel/smp.h>
#include <uapi/errno.h>

extern struct spinlock proc_lock;

/* Sleepers on time wait on this; every tick of the boot hart wakes them. */
const char timer_chan;

/* Runnable processes, oldest first: a process is on the queue exactly
 * while its state is P_RUNNABLE. Guarded by proc_lock. */
static struct proc *runq_head, *runq_tail;

/* A process that ended with nobody to wait for it (parent the kernel),
 * set as it switches away for whoever resumes to free: it cannot free
 * the kernel stack it runs on. proc_lock is held from the set to the
 * free (across the swtch), so one pointer serves every hart. */
static struct proc *reap_next;

/* Harts waiting in their scheduler loop, a bit per cpus[] index: a hart
 * sets its bit before it waits; whoever makes a process runnable takes
 * one idle hart's bit and sends it an IPI. Guarded by proc_lock. */
static uint32_t idle_harts;

/* p just became runnable: wake an idle hart that may run it, if any.
 * This hart itself when it is the idle one (an interrupt taken in its
 * scheduler loop): it looks at the queue on the way out. */
static void wake_idle_hart(struct proc *p)
{
	uint32_t may = idle_harts;
	if (p->pin_cpu >= 0)
		may &= 1u << p->pin_cpu;
	if (!may)
		return;
	int id = cpu_id();
	if (!(may & (1u << id)))
		for (id = 0; !(may & (1u << id)); id++)
			;
	idle_harts &= ~(1u << id);
	smp_kick(id);
}

/* Queue p at the tail, RUNNABLE; wake an idle hart for it if kick.
 * Caller holds proc_lock. */
static void runq_add(struct proc *p, bool kick)
{
	if (p->state == P_RUNNABLE)
		panic("proc_set_runnable: %s already queued", p->name);
	p->state = P_RUNNABLE;
	p->run_next = NULL;
	if (runq_tail)
		runq_tail->run_next = p;
	else
		runq_head = p;
	runq_tail = p;
	if (kick && idle_harts)
		wake_idle_hart(p);
}

/* Make p runnable at the tail of the run queue; caller holds proc_lock. */
void proc_set_runnable(struct proc *p)
{
	runq_add(p, true);
}

/* Take the first process on the run queue that may run on hart c (one
 * pinned elsewhere waits for its own), or NULL; caller holds proc_lock. */
static struct proc *runq_pop(struct cpu *c)
{
	struct proc *p, *prev = NULL;

	for (p = runq_head; p; prev = p, p = p->run_next)
		if (p->pin_cpu < 0 || p->pin_cpu == c->id)
			break;
	if (!p)
		return NULL;
	if (prev)
		prev->run_next = p->run_next;
	else
		runq_head = p->run_next;
	if (runq_tail == p)
		runq_tail = prev;
	p->run_next = NULL;
	return p;
}

/* p is RUNNING on another hart and has something to see (killed): IPI
 * it there rather than wait for that hart's tick. Caller holds proc_lock. */
void proc_kick_locked(struct proc *p)
{
	if (p->state == P_RUNNING && p->last_cpu >= 0 && p->last_cpu != cpu_id())
		smp_kick(p->last_cpu);
}

/* Run in address space pt (NULL: the kernel's). A change costs a TLB
 * flush (sfence.vma), so only when it changes. */
static void switch_satp(pagetable_t pt)
{
	uint64_t want = MAKE_SATP(pt ? pt : kernel_pagetable);
	if (csr_read(satp) != want) {
		csr_write(satp, want);
		sfence_vma();
	}
}

/* Save the running context in *from and run p on hart c; returns when
 * something switches back to *from. Caller holds proc_lock. */
static void switch_to(struct cpu *c, struct context *from, struct proc *p)
{
	p->state = P_RUNNING;
	p->last_cpu = c->id;
	c->proc = p;
	switch_satp(p->pagetable);
	swtch(from, &p->ctx);
}

/* Just resumed after a swtch, proc_lock held: free the process that
 * switched away if it left itself to reap. */
void sched_finish(void)
{
	if (reap_next) {
		proc_free(reap_next);
		reap_next = NULL;
	}
}

void scheduler(void)
{
	struct cpu *c = this_cpu();

	c->proc = NULL;
	for (;;) {
		/* Interrupts stay off from the look at the queue to the wfi,
		 * so an IPI sent in between stays pending and wfi returns at
		 * once (it wakes for a pending interrupt that sie enables,
		 * whatever sstatus.SIE says); they are taken just after. */
		intr_off();
		spin_lock(&proc_lock);
		struct proc *p = runq_pop(c);
		if (!p) {
			idle_harts |= 1u << c->id;
			spin_unlock(&proc_lock);
			wfi();
			intr_on();     /* the IPI, the tick, a device */
			continue;
		}
		idle_harts &= ~(1u << c->id);
		switch_to(c, &c->sched_ctx, p);
		/* back with proc_lock held: a process found nothing runnable */
		switch_satp(NULL);    /* a zombie's page table may be freed next */
		c->proc = NULL;
		sched_finish();
		spin_unlock(&proc_lock);
	}
}

/* Give the hart to the next runnable process, or to the scheduler loop
 * if there is none. Caller holds proc_lock (only it) and has already
 * changed its state (a runnable caller is on the run queue). */
void sched(void)
{
	struct cpu *c = this_cpu();
	struct proc *p = c->proc;

	if (!spin_held(&proc_lock) || c->noff != 1)
		spin_panic_sleep(&proc_lock);
	if (p->state == P_RUNNING)
		panic("sched: %s still running", p->name);
	bool intena = c->intena;   /* belongs to this process, not the hart */
	struct proc *next = runq_pop(c);
	if (next == p) {
		p->state = P_RUNNING;    /* it yielded with nobody else to run */
		return;
	}
	if (p->state == P_ZOMBIE && p->ppid == 0)
		reap_next = p;
	if (next)
		switch_to(c, &p->ctx, next);
	else
		swtch(&p->ctx, &c->sched_ctx);
	sched_finish();
	this_cpu()->intena = intena;
}

/* Give the hart to the next runnable process. With nobody else queued
 * the caller goes on running here, so no idle hart is woken for it (a
 * busy hart would otherwise send an IPI every tick for nothing). */
void yield(void)
{
	spin_lock(&proc_lock);
	runq_add(proc_current(), runq_head != NULL);
	sched();
	spin_unlock(&proc_lock);
}

/* Sleep on chan. lk (held by the caller) is released while asleep, so a
 * wakeup between the caller's check and the sleep cannot be lost: the
 * waker needs proc_lock, which we take before letting go of lk. */
void sleep_on(const void *chan, struct spinlock *lk, const char *what)
{
	struct proc *p = proc_current();

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

/* sleep_on with a deadline: also woken by the boot hart's tick once
 * timer_ticks() reaches wake_tick (proc_tick). Returns whether the
 * deadline has passed; the caller still checks its own condition, as
 * after any wakeup. */
bool sleep_on_until(const void *chan, struct spinlock *lk, const char *what,
		    uint64_t wake_tick)
{
	struct proc *p = proc_current();

	if (timer_ticks() >= wake_tick)
		return true;
	p->wake_tick = wake_tick;    /* read by proc_tick under proc_lock */
	sleep_on(chan, lk, what);
	p->wake_tick = 0;
	return timer_ticks() >= wake_tick;
}

/* Wake every process sleeping on chan; caller holds proc_lock. */
void wakeup_locked(const void *chan)
{
	for (int i = 0; i < PROC_MAX; i++) {
		struct proc *p = &proc_table[i];
		if (p->state == P_SLEEPING && p->wchan == chan)
			proc_set_runnable(p);
	}
}

void wakeup(const void *chan)
{
	spin_lock(&proc_lock);
	wakeup_locked(chan);
	spin_unlock(&proc_lock);
}

/* The boot hart's tick: wake the sleepers on timer_chan and those whose
 * deadline (sleep_on_until) has come, in one scan of the table. */
static void wakeup_timed(void)
{
	uint64_t now = timer_ticks();

	spin_lock(&proc_lock);
	for (int i = 0; i < PROC_MAX; i++) {
		struct proc *p = &proc_table[i];
		if (p->state == P_SLEEPING &&
		    (p->wchan == &timer_chan || (p->wake_tick && p->wake_tick <= now)))
			proc_set_runnable(p);
	}
	spin_unlock(&proc_lock);
}

/* Wake p if it still sleeps on chan: for callers that know their one
 * sleeper, without scanning the table. */
void wakeup_proc(struct proc *p, const void *chan)
{
	spin_lock(&proc_lock);
	if (p->state == P_SLEEPING && p->wchan == chan)
		proc_set_runnable(p);
	spin_unlock(&proc_lock);
}

/* Timer tick on this hart: charge the running process, wake sleepers
 * whose time came (the boot hart's clock), and preempt. */
void proc_tick(void)
{
	struct cpu *c = this_cpu();
	struct proc *p = c->proc;

	if (p) {
		p->cpu_ticks++;
	} else {
		c->idle_ticks++;     /* the tick came in the scheduler loop */
		heap_cache_drain_local();   /* idle: the caches go back */
	}
	if (c == &cpus[0]) {
		wakeup_timed();
		job_intr_deliver();  /* a ^C taken in where proc_lock was held */
	}
	if (p && p->state == P_RUNNING)
		yield();
}

int proc_sleep_ms(uint64_t ms)
{
	struct proc *p = proc_current();
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
