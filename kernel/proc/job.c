/* Jobs: process groups for the console, the foreground job and ^C.
 *
 * A process's job (struct proc's job) is inherited at spawn and never
 * changes: a process cannot leave its job, and orphans stay in it, so
 * killing a job by its id reaches the whole tree however its parents
 * ended. Only the controller (the program the init thread started) makes
 * new jobs, moves the console's foreground between them and kills or
 * waits for them; when it ends, every job dies with it (a hangup), so a
 * job never outlives the shell that can name it.
 *
 * Invariant: a process with job != 0 exists only while job_ctl is its
 * controller's pid. Everything here but the ^C filter holds proc_lock.
 */
#include <kernel/job.h>
#include "proc_internal.h"
#include <kernel/dev.h>
#include <kernel/page.h>
#include <kernel/tag.h>
#include <uapi/errno.h>
#include <uapi/wait.h>
#include <uapi/syscall.h>

#define CTRL_C 0x03

static pid_t job_ctl;        /* the controller's pid, 0: none */
static pid_t fg_job;         /* the foreground job, 0: the controller's turn */
static bool fg_interrupted;  /* a ^C killed (part of) fg_job */
static pid_t intr_pending;   /* job a ^C was typed for, not yet killed */
static const char job_chan;  /* the controller sleeps here in job_wait */

/* Heap pages (sbrk) held together by the processes of each job that
 * holds any, and what a job may hold: a job cannot take the machine by
 * spreading over children, each of which has its own page cap in the
 * page tracker. At most one entry per live process. Guarded by
 * proc_lock. */
static struct { pid_t job; size_t pages; } job_heap[PROC_MAX];
static int job_heap_n;
static void job_heap_uncharge_locked(struct proc *p, size_t pages);

void job_place_locked(struct proc *p, enum spawn_how how)
{
	if (how == SPAWN_NEW_JOB) {
		p->job = p->pid;
	} else if (how == SPAWN_CONTROLLER) {
		p->job = 0;
		job_ctl = p->pid;
		__atomic_store_n(&fg_job, 0, __ATOMIC_RELAXED);
	}
}

bool job_is_controller(const struct proc *p)
{
	return job_ctl && p->pid == job_ctl;
}

bool job_console_mine_locked(const struct proc *p)
{
	return p->job == fg_job;
}

#define JOB_ALL (-1)         /* job_kill_locked: every job but 0 */

/* Mark every live process of job (JOB_ALL: of any job) killed with
 * cause, waking sleepers; an embryo is marked too and dies before its
 * first instruction. Returns how many were alive. Caller holds proc_lock. */
static int job_kill_locked(pid_t job, int cause)
{
	int n = 0;

	for (int i = 0; i < PROC_MAX; i++) {
		struct proc *p = &proc_table[i];
		if (p->state == P_UNUSED || p->state == P_ZOMBIE || p->kthread || !p->job ||
		    (job != JOB_ALL && p->job != job))
			continue;
		n++;
		proc_kill_locked(p, cause);
	}
	return n;
}

/* Processes of job that have not ended. Caller holds proc_lock. */
static int job_count_locked(pid_t job)
{
	int n = 0;

	for (int i = 0; i < PROC_MAX; i++) {
		struct proc *p = &proc_table[i];
		if (p->state != P_UNUSED && p->state != P_ZOMBIE && p->job == job && !p->kthread)
			n++;
	}
	return n;
}

/* The controller's slot, or NULL. Caller holds proc_lock. */
static struct proc *job_controller_locked(void)
{
	for (int i = 0; i < PROC_MAX; i++)
		if (proc_table[i].state != P_UNUSED && proc_table[i].pid == job_ctl)
			return &proc_table[i];
	return NULL;
}

void job_exit_locked(struct proc *p)
{
	/* its heap pages are reclaimed with it: they leave the job's budget */
	job_heap_uncharge_locked(p, (p->brk - p->brk_base) / PAGE_SIZE);
	if (p->job && job_ctl) {
		struct proc *c = job_controller_locked();
		if (c && c->state == P_SLEEPING && c->wchan == &job_chan)
			proc_set_runnable(c);
	}
	if (job_is_controller(p)) {
		job_ctl = 0;
		__atomic_store_n(&fg_job, 0, __ATOMIC_RELAXED);
		job_kill_locked(JOB_ALL, KILL_REQUESTED);
		wakeup_locked(&console_chan);    /* readers: the foreground changed */
	}
}

/* Is the caller the controller? (It cannot change under it: only its own
 * exit clears job_ctl.) */
static bool caller_controls(void)
{
	return job_is_controller(proc_current());
}

int job_set_fg(pid_t job)
{
	if (!caller_controls())
		return -EPERM;
	if (job < 0)
		return -EINVAL;
	spin_lock(&proc_lock);
	if (job && !job_count_locked(job)) {
		spin_unlock(&proc_lock);
		return -ESRCH;
	}
	int was = fg_interrupted ? JOB_FG_INTERRUPTED : 0;
	fg_interrupted = false;
	__atomic_store_n(&fg_job, job, __ATOMIC_RELAXED);
	/* a ^C typed since the controller last read, before the job had the
	 * console, was meant for the job: from here the filter catches it,
	 * before here it is in the ring (lock order proc_lock -> rx_lock) */
	if (job && console_take(CTRL_C)) {
		job_kill_locked(job, KILL_INTERRUPT);
		fg_interrupted = true;
	}
	wakeup_locked(&console_chan);        /* a reader may have come to the front */
	spin_unlock(&proc_lock);
	return was;
}

int job_kill(pid_t job)
{
	if (!caller_controls())
		return -EPERM;
	if (job <= 0)
		return -EINVAL;
	spin_lock(&proc_lock);
	int n = job_kill_locked(job, KILL_REQUESTED);
	spin_unlock(&proc_lock);
	return n ? 0 : -ESRCH;
}

int job_wait(pid_t job, int flags)
{
	struct proc *me = proc_current();
	int n;

	if (!caller_controls())
		return -EPERM;
	if (job <= 0 || (flags & ~JOB_WAIT_NOHANG))
		return -EINVAL;
	spin_lock(&proc_lock);
	while ((n = job_count_locked(job)) && !(flags & JOB_WAIT_NOHANG)) {
		if (me->killed) {
			n = -EINTR;
			break;
		}
		sleep_on(&job_chan, &proc_lock, "wait");
	}
	spin_unlock(&proc_lock);
	return n;
}

/* The heap entry of job, made if need be (a slot is always free: one
 * entry per job, a job per live process at most). */
static int job_heap_slot_locked(pid_t job)
{
	for (int i = 0; i < job_heap_n; i++)
		if (job_heap[i].job == job)
			return i;
	job_heap[job_heap_n].job = job;
	job_heap[job_heap_n].pages = 0;
	return job_heap_n++;
}

int job_heap_charge(struct proc *p, size_t pages)
{
	if (!p->job)
		return 0;                    /* no job: the process's own cap */
	int r = 0;
	spin_lock(&proc_lock);
	int i = job_heap_slot_locked(p->job);
	size_t cap = page_limit_default();
	if (cap && job_heap[i].pages + pages > cap)
		r = -ENOMEM;
	else
		job_heap[i].pages += pages;
	if (!job_heap[i].pages)
		job_heap[i] = job_heap[--job_heap_n];
	spin_unlock(&proc_lock);
	if (r < 0)
		page_refused(TAG_USER);
	return r;
}

/* Give back pages of p's job's heap; caller holds proc_lock. */
static void job_heap_uncharge_locked(struct proc *p, size_t pages)
{
	if (!p->job || !pages)
		return;
	int i = job_heap_slot_locked(p->job);
	job_heap[i].pages -= MIN(pages, job_heap[i].pages);
	if (!job_heap[i].pages)
		job_heap[i] = job_heap[--job_heap_n];
}

void job_heap_uncharge(struct proc *p, size_t pages)
{
	if (!p->job || !pages)
		return;                      /* no job: nothing was charged */
	spin_lock(&proc_lock);
	job_heap_uncharge_locked(p, pages);
	spin_unlock(&proc_lock);
}

void job_intr_read_locked(struct proc *p)
{
	if (p->job && job_kill_locked(p->job, KILL_INTERRUPT) && p->job == fg_job)
		fg_interrupted = true;
}

bool job_intr_filter(int c)
{
	if (c != CTRL_C)
		return false;
	pid_t job = __atomic_load_n(&fg_job, __ATOMIC_RELAXED);
	if (!job)
		return false;                /* at the prompt: the shell's input */
	__atomic_store_n(&intr_pending, job, __ATOMIC_RELAXED);
	return true;
}

void job_intr_deliver(void)
{
	pid_t job = __atomic_exchange_n(&intr_pending, 0, __ATOMIC_RELAXED);
	if (!job)
		return;
	spin_lock(&proc_lock);
	if (job_kill_locked(job, KILL_INTERRUPT) && job == fg_job)
		fg_interrupted = true;
	spin_unlock(&proc_lock);
}
