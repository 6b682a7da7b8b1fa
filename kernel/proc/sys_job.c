/* Job-control system calls (job.c; docs/syscalls.md "Jobs"). Each is the
 * console controller's alone: anyone else gets -EPERM, so a stray or
 * fuzzed call cannot move the console or kill what it does not own. */
#include <kernel/syscall.h>
#include <kernel/job.h>
#include <kernel/uvm.h>
#include <kernel/heap.h>
#include <uapi/syscall.h>
#include <uapi/errno.h>

/* job_spawn(name, argv): spawn, as the first process of a new job. */
long sys_job_spawn(struct trapframe *tf)
{
	if (!job_is_controller(proc_current()))
		return -EPERM;
	return sys_spawn_as(tf, SPAWN_NEW_JOB);
}

/* A job id from a register: -1 (refused as -EINVAL) unless the whole
 * 64-bit value is a pid, so 2^32 + 3 cannot alias job 3. */
static pid_t arg_job(uint64_t a)
{
	return (long)a >= 0 && (long)a <= INT32_MAX ? (pid_t)a : -1;
}

/* job_fg(job): give the console to job, or back to the caller (0). */
long sys_job_fg(struct trapframe *tf)
{
	return job_set_fg(arg_job(tf->a0));
}

/* job_kill(job): kill every process of job. */
long sys_job_kill(struct trapframe *tf)
{
	return job_kill(arg_job(tf->a0));
}

/* job_wait(job, flags): wait until job has no running process. */
long sys_job_wait(struct trapframe *tf)
{
	int flags = tf->a1 > JOB_WAIT_NOHANG ? -1 : (int)tf->a1;
	return job_wait(arg_job(tf->a0), flags);
}
