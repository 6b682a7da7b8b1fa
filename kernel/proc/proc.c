/* The process table: creating, ending, waiting for and freeing processes.
 *
 * proc_free() is where the page tracker earns its keep: one call to
 * page_reclaim() frees every page the process still holds (user pages,
 * page tables, kernel stack) in O(pages it owns), with counts by tag.
 */
#include <kernel/proc.h>
#include "proc_internal.h"
#include <kernel/job.h>
#include <kernel/ipc.h>
#include <kernel/page.h>
#include <kernel/tag.h>
#include <kernel/timer.h>
#include <kernel/printf.h>
#include <kernel/heap.h>
#include <kernel/bootargs.h>
#include <kernel/riscv.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include <uapi/wait.h>

struct spinlock proc_lock = SPINLOCK_INIT("proc", LOCK_RANK_PROC);
struct proc *proc_table;     /* PROC_MAX slots, on the heap under SCHD */

static pid_t next_pid = 1;              /* guarded by proc_lock */
static struct reclaim_record last_reclaim;  /* guarded by proc_lock */

/* Allocate the table (SCHD) and note which programs log their reclaim. */
void proc_init(void)
{
	proc_table = kzalloc(PROC_MAX * sizeof(struct proc), TAG_SCHD);
	if (!proc_table)
		panic("proc_init: no memory for the process table");
	for (int i = 0; i < PROC_MAX; i++)
		proc_table[i].state = P_UNUSED;
	bootarg_reclaim_log_init();
}

/* Is pid used by a live slot, as its pid or its job's id? Caller holds
 * proc_lock. */
static bool pid_in_use(pid_t pid)
{
	for (int i = 0; i < PROC_MAX; i++)
		if (proc_table[i].state != P_UNUSED &&
		    (proc_table[i].pid == pid || proc_table[i].job == pid))
			return true;
	return false;
}

/* Next pid: increasing, skipping 0 and pids still alive after a wrap.
 * Caller holds proc_lock. */
static pid_t pid_next(void)
{
	for (;;) {
		pid_t pid = next_pid;
		next_pid = next_pid == INT32_MAX ? 1 : next_pid + 1;
		if (!pid_in_use(pid))
			return pid;
	}
}

/* First part of every new process or kernel thread, once swtch()ed to:
 * finish the switch and drop the lock its switcher held, then go to user
 * mode or run kfn. */
void proc_first_run(void);
extern char proc_entry[];

void proc_first_run(void)
{
	struct proc *p = proc_current();
	sched_finish();
	this_cpu()->intena = true;   /* a new context starts interruptible */
	spin_unlock(&proc_lock);
	if (p->killed)               /* its job was killed while it was built */
		proc_exit(W_KILLED(p->kill_cause));
	if (p->kthread) {
		p->kfn(p->karg);
		proc_exit(W_EXITCODE(0));
	}
	intr_off();    /* trap_return must not be interrupted half way */
	trap_return(p->tf);
}

/* Take a slot and give it a pid, an owner record, a kernel stack and a
 * first context. Returns it as EMBRYO, or NULL with *err set. A child of
 * the calling process joins the caller's job; the caller must not have
 * been killed (-EINTR), so a job being killed cannot grow behind the
 * killer's back. */
struct proc *proc_alloc(const char *name, pid_t ppid, int *err)
{
	struct proc *p = NULL;
	struct proc *parent = proc_current();

	if (parent && parent->pid != ppid)
		parent = NULL;       /* a kernel-made process: no job */
	spin_lock(&proc_lock);
	if (parent && parent->killed) {
		spin_unlock(&proc_lock);
		*err = -EINTR;
		return NULL;
	}
	for (int i = 0; i < PROC_MAX; i++)
		if (proc_table[i].state == P_UNUSED) {
			p = &proc_table[i];
			break;
		}
	if (!p) {
		spin_unlock(&proc_lock);
		*err = -ENFILE;
		return NULL;
	}
	memset(p, 0, sizeof(*p));
	p->pid = pid_next();
	p->ppid = ppid;
	p->job = parent ? parent->job : 0;
	p->state = P_EMBRYO;
	p->last_cpu = -1;
	p->pin_cpu = -1;
	strlcpy(p->name, name, sizeof(p->name));
	p->log_reclaim = bootarg_reclaim_log(name);
	spin_unlock(&proc_lock);

	int r = page_owner_open(p->pid);
	if (r < 0) {
		spin_lock(&proc_lock);
		p->state = P_UNUSED;
		spin_unlock(&proc_lock);
		*err = r;
		return NULL;
	}
	p->kstack = page_alloc(KSTACK_ORDER, p->pid, TAG_KSTK);
	if (!p->kstack) {
		spin_lock(&proc_lock);
		proc_free(p);
		spin_unlock(&proc_lock);
		*err = -ENOMEM;
		return NULL;
	}
	uintptr_t top = (uintptr_t)p->kstack + KSTACK_PAGES * PAGE_SIZE;
	p->tf = (struct trapframe *)(top - sizeof(struct trapframe));
	memset(p->tf, 0, sizeof(*p->tf));
	p->ctx.ra = (uintptr_t)proc_entry;    /* swtch.S: then proc_first_run */
	p->ctx.sp = (uintptr_t)p->tf;
	p->start_tick = timer_ticks();
	return p;
}

/* Make an EMBRYO runnable. */
void proc_ready(struct proc *p)
{
	spin_lock(&proc_lock);
	proc_set_runnable(p);
	spin_unlock(&proc_lock);
}

void proc_free(struct proc *p)
{
	struct reclaim_record *r = &last_reclaim;

	memset(r, 0, sizeof(*r));
	r->pid = p->pid;
	r->pages = page_reclaim(p->pid, r->by_tag);
	if (r->pages < 0)
		r->pages = 0;    /* the owner record was never opened */
	if (p->log_reclaim) {
		kprintf("reclaim: pid %d (%s): %ld pages:", p->pid, p->name, r->pages);
		for (int t = 0; t < TAG_MAX; t++)
			if (r->by_tag[t]) {
				char name[8];
				tag_name(t, name);
				kprintf(" %s=%lu", name, r->by_tag[t]);
			}
		kprintf("\n");
	}
	p->pagetable = NULL;
	p->kstack = NULL;
	p->tf = NULL;
	p->state = P_UNUSED;
}

void proc_last_reclaim(struct reclaim_record *out)
{
	spin_lock(&proc_lock);
	*out = last_reclaim;
	spin_unlock(&proc_lock);
}

pid_t kthread_start(const char *name, void (*fn)(void *), void *arg)
{
	return kthread_start_on(name, fn, arg, -1);
}

pid_t kthread_start_on(const char *name, void (*fn)(void *), void *arg, int cpu)
{
	int err;
	if (cpu < -1 || cpu >= NCPU)
		return -EINVAL;
	struct proc *p = proc_alloc(name, 0, &err);
	if (!p)
		return err;
	p->kthread = true;
	p->pin_cpu = cpu;
	p->kfn = fn;
	p->karg = arg;
	pid_t pid = p->pid;
	proc_ready(p);
	return pid;
}

/* The live slot with this pid, or NULL. Caller holds proc_lock. */
static struct proc *proc_find(pid_t pid)
{
	for (int i = 0; i < PROC_MAX; i++)
		if (proc_table[i].state != P_UNUSED && proc_table[i].pid == pid)
			return &proc_table[i];
	return NULL;
}

void proc_exit(int status)
{
	struct proc *p = proc_current();

	ipc_proc_exit(p);
	spin_lock(&proc_lock);
	/* orphans go to the kernel, which frees them when they end */
	for (int i = 0; i < PROC_MAX; i++) {
		struct proc *c = &proc_table[i];
		if (c->state != P_UNUSED && c->ppid == p->pid) {
			c->ppid = 0;
			if (c->state == P_ZOMBIE)
				proc_free(c);
		}
	}
	job_exit_locked(p);
	p->status = status;
	p->state = P_ZOMBIE;
	struct proc *parent = p->ppid ? proc_find(p->ppid) : NULL;
	if (parent)
		wakeup_locked(parent);    /* a parent waits on its own slot */
	sched();
	panic("proc_exit: zombie %d ran again", p->pid);
}

pid_t proc_wait(pid_t pid, int *status)
{
	struct proc *me = proc_current();

	spin_lock(&proc_lock);
	for (;;) {
		bool have = false;
		for (int i = 0; i < PROC_MAX; i++) {
			struct proc *c = &proc_table[i];
			if (c->state == P_UNUSED || c->ppid != me->pid ||
			    (pid != WAIT_ANY && c->pid != pid))
				continue;
			have = true;
			if (c->state == P_ZOMBIE) {
				pid_t cpid = c->pid;
				*status = c->status;
				proc_free(c);
				spin_unlock(&proc_lock);
				return cpid;
			}
		}
		if (!have) {
			spin_unlock(&proc_lock);
			return -ECHILD;
		}
		if (me->killed) {
			spin_unlock(&proc_lock);
			return -EINTR;
		}
		sleep_on(me, &proc_lock, "wait");
	}
}

int proc_kill(pid_t pid)
{
	int r = 0;
	if (pid == 0)
		return -EPERM;       /* the kernel */
	spin_lock(&proc_lock);
	struct proc *p = proc_find(pid);
	if (!p || p->state == P_ZOMBIE || p->state == P_EMBRYO)
		r = -ESRCH;
	else if (p->kthread)
		r = -EPERM;
	else
		proc_kill_locked(p, KILL_REQUESTED);
	spin_unlock(&proc_lock);
	return r;
}

void proc_kill_locked(struct proc *p, int cause)
{
	if (p->killed)
		return;
	p->killed = true;
	p->kill_cause = cause;
	if (p->state == P_SLEEPING)
		proc_set_runnable(p);    /* its sleep loop sees killed */
	else
		proc_kick_locked(p);     /* running on another hart: tell it now */
}

bool proc_snapshot(int slot, struct proc *out)
{
	if (slot < 0 || slot >= PROC_MAX)
		return false;
	spin_lock(&proc_lock);
	*out = proc_table[slot];
	spin_unlock(&proc_lock);
	return out->state != P_UNUSED;
}

void proc_fault(struct trapframe *tf, int cause)
{
	struct proc *p = proc_current();
	kprintf("rvos: pid %d (%s) killed: %s (%s) at %p, pc %p\n", p->pid, p->name,
		kill_cause_name(cause), trap_cause_name(tf->scause),
		(void *)tf->stval, (void *)tf->sepc);
	proc_exit(W_KILLED(cause));
}
