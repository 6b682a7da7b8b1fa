/* Internal to kernel/proc: how its files build, queue and free process
 * slots. Nothing outside kernel/proc includes this, except the in-kernel
 * benchmarks that time proc_free (kbench.c). The public half, what other
 * subsystems may call, is include/kernel/proc.h.
 */
#ifndef RVOS_KERNEL_PROC_INTERNAL_H
#define RVOS_KERNEL_PROC_INTERNAL_H

#include <kernel/proc.h>

/* Take a slot as EMBRYO with pid, owner record, kernel stack and first
 * context (NULL, *err = -E*); make it runnable. */
struct proc *proc_alloc(const char *name, pid_t ppid, int *err);
void proc_ready(struct proc *p);

/* Caller holds proc_lock: make p RUNNABLE and queue it to run (the only
 * way into that state); finish a switch on the side that resumed (frees
 * an ended process nobody waits for). */
void proc_set_runnable(struct proc *p);
void proc_kick_locked(struct proc *p);   /* IPI its hart: it was killed */

/* Mark p killed with cause (once: a first cause stays) and make it see
 * that soon: woken if asleep, its hart interrupted if it runs on another.
 * Caller holds proc_lock. */
void proc_kill_locked(struct proc *p, int cause);
void sched_finish(void);

/* Free every page p's pid holds and its slot; caller holds proc_lock
 * and p is a zombie or an embryo that failed. */
void proc_free(struct proc *p);

/* Context switch (swtch.S): save callee-saved registers in *from,
 * load *to, return into it. */
void swtch(struct context *from, struct context *to);

#endif
