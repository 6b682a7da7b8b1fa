/* Processes and kernel threads, and the scheduler that runs them.
 *
 * One table of PROC_MAX slots holds user processes and kernel threads
 * alike. proc_lock (proc.c) guards every slot's state, the parent links
 * and sleeping/waking; a slot's other fields belong to the process while
 * it runs and to whoever holds proc_lock otherwise.
 *
 * Life cycle:  UNUSED -> EMBRYO (being built) -> RUNNABLE <-> RUNNING
 *              RUNNING -> SLEEPING -> RUNNABLE;  RUNNING -> ZOMBIE -> UNUSED
 * A zombie is freed (proc_free: every page through page_reclaim) by the
 * parent's wait(), or, when its parent is the kernel, by whatever runs
 * next on its hart (sched_finish). RUNNABLE processes wait on a run queue
 * (sched.c) in the order they became runnable.
 */
#ifndef RVOS_KERNEL_PROC_H
#define RVOS_KERNEL_PROC_H

#include <kernel/types.h>
#include <kernel/param.h>
#include <kernel/vm.h>
#include <kernel/trap.h>
#include <kernel/spinlock.h>
#include <kernel/cpu.h>
#include <kernel/tag.h>

#define PROC_NAME_MAX 16

struct ipc_proc;

enum proc_state { P_UNUSED, P_EMBRYO, P_RUNNABLE, P_RUNNING, P_SLEEPING, P_ZOMBIE };

/* What proc_free gave back for the last process it freed. */
struct reclaim_record {
	pid_t pid;
	long pages;                 /* all pages reclaimed */
	size_t by_tag[TAG_MAX];
};

struct proc {
	enum proc_state state;
	pid_t pid;
	pid_t ppid;                 /* 0: the kernel is the parent */
	char name[PROC_NAME_MAX];
	bool kthread;               /* kernel thread: no user space */
	bool killed;                /* exit at the next return to user */
	int kill_cause;             /* KILL_* */
	int status;                 /* wait status once a zombie */
	bool log_reclaim;           /* print pages reclaimed at proc_free:
				     * bootarg reclaim_log[=NAME,...] */
	pid_t job;                  /* job (job.c): inherited at spawn, never
				     * changes; 0: none */

	struct proc *run_next;      /* next on the run queue (sched.c) */
	const void *wchan;          /* what it sleeps on */
	const char *wait_what;      /* why, for ps: "wait", "sleep", ... */
	uint64_t wake_tick;         /* sleep_on_until: runnable from this tick, 0: none */

	pagetable_t pagetable;      /* user address space, NULL for kthreads */
	uintptr_t brk_base;         /* first heap page (end of the image) */
	uintptr_t brk;              /* current break */
	void *kstack;               /* KSTACK_PAGES pages, owned by pid */
	struct trapframe *tf;       /* user registers, top of kstack */
	struct context ctx;         /* where swtch left it */
	void (*kfn)(void *);        /* kernel thread body */
	void *karg;

	int last_cpu;               /* cpus[] index it last ran on, -1 never */
	int pin_cpu;                /* runs only on this cpus[] index, -1 any
				     * (kthread_start_on: benchmarks, tests) */
	uint64_t cpu_ticks;         /* timer ticks it was running for */
	uint64_t start_tick;

	struct ipc_proc *ipc;       /* handles, spare message, IPC charge:
				     * kernel/ipc's, NULL before the first
				     * handle (ipc_lock) */
};

extern struct proc *proc_table;   /* PROC_MAX slots (heap, tag SCHD) */

/* p's slot number, 0..PROC_MAX-1, and back: for records that name a
 * process in a byte (kernel/ipc's channels) without knowing the table. */
static inline int proc_slot(const struct proc *p)
{
	return (int)(p - proc_table);
}

static inline struct proc *proc_at_slot(int slot)
{
	return &proc_table[slot];
}

/* The process running on this hart, or NULL in the scheduler. One load
 * through tp: an interrupt cannot split it, so a preemption cannot move
 * the caller to another hart between reading tp and reading its proc.
 * ("memory" keeps it a compiler barrier, as the masked version was.) */
static inline struct proc *proc_current(void)
{
	struct proc *p;
	__asm__ volatile("ld %0, %1(tp)" : "=r"(p) : "i"(offsetof(struct cpu, proc)) : "memory");
	return p;
}

/* Boot: set up the table; then start scheduling (never returns). */
void proc_init(void);
void scheduler(void) __attribute__((noreturn));

/* Create a process running program name with argv (kernel copies);
 * returns its pid or -ENOENT / -ENOEXEC / -ENOMEM / -ENFILE / -E2BIG. */
pid_t proc_spawn(const char *name, int argc, char *const argv[], pid_t ppid);

/* The same from an ELF image in memory (checked by elf_check first). */
pid_t proc_spawn_image(const char *name, const void *img, size_t len,
		       int argc, char *const argv[], pid_t ppid);

/* Sleep the calling process or kernel thread for ms milliseconds:
 * 0, or -EINTR when it was killed meanwhile. */
int proc_sleep_ms(uint64_t ms);

/* Start a kernel thread running fn(arg); returns its pid or -E*. */
pid_t kthread_start(const char *name, void (*fn)(void *), void *arg);

/* The same, run only on hart cpus[cpu] (cpu -1: any). A thread pinned
 * to a hart that is not online waits on the run queue for good: callers
 * check ncpu_online first. For benchmarks and tests that need work on
 * a given hart. */
pid_t kthread_start_on(const char *name, void (*fn)(void *), void *arg, int cpu);

/* End the calling process with a wait status; never returns. */
void proc_exit(int status) __attribute__((noreturn));

/* Wait for a child (pid or WAIT_ANY) of the caller to end; stores its
 * status, frees it, returns its pid; -ECHILD when there is none. */
pid_t proc_wait(pid_t pid, int *status);

/* Ask pid to die (KILL_REQUESTED). 0, -ESRCH, -EPERM (kernel thread). */
int proc_kill(pid_t pid);

/* Kill the current user process for a fault in tf; never returns. */
void proc_fault(struct trapframe *tf, int cause) __attribute__((noreturn));

/* Scheduling: give up the hart; sleep on chan (releasing lk while
 * asleep, retaking it after); wake everything sleeping on chan, or the
 * one process p if it sleeps on chan (no table scan). */
void yield(void);
void sched(void);            /* caller holds proc_lock, state changed */
void sleep_on(const void *chan, struct spinlock *lk, const char *what);
/* ... or until timer_ticks() reaches wake_tick, whichever comes first;
 * true once it has (then it may not have slept at all) */
bool sleep_on_until(const void *chan, struct spinlock *lk, const char *what,
		    uint64_t wake_tick);
void wakeup(const void *chan);
void wakeup_locked(const void *chan);   /* caller holds proc_lock */
void wakeup_proc(struct proc *p, const void *chan);
extern struct spinlock proc_lock;
extern const char timer_chan;           /* woken every tick */
void proc_tick(void);        /* timer interrupt: account and wake sleepers */

/* The most recent reclaim, for tests and sysinfo. */
void proc_last_reclaim(struct reclaim_record *out);

/* Copy a snapshot of one slot for reporting (ps); false if unused. */
bool proc_snapshot(int slot, struct proc *out);

#endif
