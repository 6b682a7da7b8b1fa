/* Jobs: the console's job control (kernel/proc/job.c, docs/processes.md).
 *
 * A job is a set of processes that live and die together: every process
 * is in the job of the process that spawned it (struct proc's job), and
 * only the console's controller (the first program, started by the init
 * thread) can start a new job, whose id is the pid of its first process.
 * Job 0 means "no job": kernel threads, the controller, and every process
 * when there is no controller (ktest and bench boots).
 *
 * One job at a time is the console's foreground job: only it reads the
 * console, and ^C typed while it runs kills all of it. With no foreground
 * job (fg 0) the controller reads, and ^C is an ordinary input byte.
 *
 * Locking: the job state below is guarded by proc_lock; the console's
 * interrupt path reads the foreground job id without it (job_intr_filter).
 */
#ifndef RVOS_KERNEL_JOB_H
#define RVOS_KERNEL_JOB_H

#include <kernel/proc.h>

/* How a new process is placed (proc_spawn_as). */
enum spawn_how {
	SPAWN_INHERIT,           /* in its parent's job (spawn) */
	SPAWN_NEW_JOB,           /* first process of a new job (job_spawn) */
	SPAWN_CONTROLLER,        /* the console's controller (the init thread) */
};

/* Like proc_spawn, placing the child as how says. */
pid_t proc_spawn_as(const char *name, int argc, char *const argv[], pid_t ppid,
		    enum spawn_how how);

/* proc_spawn_as, also freeing scratch (a kmalloc block, or NULL) before
 * the child can run, or on failure: a spawn's argv buffer never outlives
 * it as a child on another hart sees the heap. */
pid_t proc_spawn_scratch(const char *name, int argc, char *const argv[], pid_t ppid,
			 enum spawn_how how, void *scratch);

/* The spawn system call (sys_proc.c), placing the child as how says:
 * spawn and job_spawn are both this. */
long sys_spawn_as(struct trapframe *tf, enum spawn_how how);

/* Give the embryo p its job as how says, before it is runnable.
 * Caller holds proc_lock. */
void job_place_locked(struct proc *p, enum spawn_how how);

/* p is exiting (caller holds proc_lock): wake the controller if it waits
 * for p's job; if p is the controller, kill every job (hangup). */
void job_exit_locked(struct proc *p);

/* Is p the console's controller? Caller holds proc_lock or is p. */
bool job_is_controller(const struct proc *p);

/* May p take console input now (is it in the foreground)? Caller holds
 * proc_lock. */
bool job_console_mine_locked(const struct proc *p);

/* The controller's calls (sys_job.c); each -EPERM for anyone else. */
int job_set_fg(pid_t job);                 /* 0 or JOB_FG_INTERRUPTED */
int job_kill(pid_t job);                   /* 0, -ESRCH, -EINVAL */
int job_wait(pid_t job, int flags);        /* running processes left */

/* Console input path: is byte c a ^C for the foreground job? Then it
 * is taken (not input) and job_intr_deliver, called once the console's
 * lock is dropped, kills that job. Lock-free: safe under rx_lock. */
bool job_intr_filter(int c);
void job_intr_deliver(void);

/* A process of a job read a ^C from the input (one that waited in the
 * ring behind a line end, for the job that line started): it interrupts
 * its job as a typed one would. Caller holds proc_lock. */
void job_intr_read_locked(struct proc *p);

/* A job's heap budget: sbrk charges the pages it maps to the caller's
 * job (0, or -ENOMEM past page_limit_default(), counted as a USER page
 * failure) and gives them back as it unmaps them; a process's exit
 * (job_exit_locked) gives back what it still held. Processes in no job
 * (the controller) have only their own cap. */
int job_heap_charge(struct proc *p, size_t pages);
void job_heap_uncharge(struct proc *p, size_t pages);

#endif
