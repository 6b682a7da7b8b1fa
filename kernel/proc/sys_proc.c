/* Process, memory, time and machine system calls. Every user pointer goes
 * through uvm_copyin/copyout; every other argument is range-checked. */
#include <kernel/syscall.h>
#include <kernel/proc.h>
#include <kernel/job.h>
#include <kernel/uvm.h>
#include <kernel/heap.h>
#include <kernel/timer.h>
#include <kernel/dev.h>
#include <lib/string.h>
#include <kernel/printf.h>
#include <uapi/syscall.h>
#include <uapi/layout.h>
#include <uapi/wait.h>
#include <uapi/errno.h>

long sys_exit(struct trapframe *tf)
{
	proc_exit(W_EXITCODE((int)tf->a0));
}

long sys_getpid(struct trapframe *tf)
{
	(void)tf;
	return proc_current()->pid;
}

long sys_yield(struct trapframe *tf)
{
	(void)tf;
	yield();
	return 0;
}

/* Copy the argv array at uargv into buf as strings, pointers into args.
 * Returns argc or -E*. */
static int copy_argv(struct proc *p, uintptr_t uargv, const char *name,
		     char *buf, char *args[])
{
	if (!uargv) {               /* no argv: argv[0] is the program name */
		strlcpy(buf, name, SPAWN_ARGV_BYTES);
		args[0] = buf;
		return 1;
	}
	size_t used = 0;
	for (int argc = 0; argc <= SPAWN_ARGC_MAX; argc++) {
		uintptr_t uarg;
		if (uvm_copyin(p->pagetable, &uarg, uargv + argc * sizeof(uarg), sizeof(uarg)) < 0)
			return -EFAULT;
		if (!uarg)
			return argc;
		if (argc == SPAWN_ARGC_MAX)
			break;
		long n = uvm_copyinstr(p->pagetable, buf + used, uarg, SPAWN_ARGV_BYTES - used);
		if (n < 0)
			return (int)n;
		args[argc] = buf + used;
		used += n + 1;
	}
	return -E2BIG;
}

long sys_spawn(struct trapframe *tf)
{
	return sys_spawn_as(tf, SPAWN_INHERIT);
}

/* spawn(name, argv) in a0, a1, placing the child as how says (job.h). */
long sys_spawn_as(struct trapframe *tf, enum spawn_how how)
{
	struct proc *p = proc_current();
	char name[PROC_NAME_MAX];
	char *args[SPAWN_ARGC_MAX + 1];

	long n = uvm_copyinstr(p->pagetable, name, tf->a0, sizeof(name));
	if (n < 0)
		return n == -E2BIG ? -ENOENT : n;   /* too long to be a program */
	char *buf = kmalloc(SPAWN_ARGV_BYTES, TAG_INIT);
	if (!buf)
		return -ENOMEM;
	int argc = copy_argv(p, tf->a1, name, buf, args);
	if (argc < 0) {
		kfree(buf);
		return argc;
	}
	/* buf is freed before the child can run: a snapshot the child takes
	 * on another hart must not find the spawn that made it in flight */
	return proc_spawn_scratch(name, argc, args, p->pid, how, buf);
}

long sys_wait(struct trapframe *tf)
{
	struct proc *p = proc_current();
	int status = 0;
	pid_t pid = (pid_t)tf->a0;
	uintptr_t ustatus = tf->a1;

	/* check the status pointer first: a bad one must not lose the child,
	 * and a wait that fails must not write it */
	if (ustatus && uvm_check(p->pagetable, ustatus, sizeof(status), true) < 0)
		return -EFAULT;
	pid_t r = proc_wait(pid, &status);
	if (r > 0 && ustatus)
		uvm_copyout(p->pagetable, ustatus, &status, sizeof(status));
	return r;
}

long sys_sleep(struct trapframe *tf)
{
	uint64_t ms = tf->a0;
	if (ms > (uint64_t)SLEEP_MS_MAX)
		return -EINVAL;
	return proc_sleep_ms(ms);
}

long sys_kill(struct trapframe *tf)
{
	/* the whole register is the pid: 2^32 + 3 is no process, not pid 3 */
	if ((long)tf->a0 != (pid_t)tf->a0)
		return -ESRCH;
	return proc_kill((pid_t)tf->a0);
}

long sys_sbrk(struct trapframe *tf)
{
	struct proc *p = proc_current();
	long delta = (long)tf->a0;
	uintptr_t old = p->brk;

	if (delta % (long)PAGE_SIZE)
		return -EINVAL;
	if (delta > 0) {
		if ((uint64_t)delta > USER_HEAP_LIMIT - old)
			return -ENOMEM;
		size_t npages = delta / PAGE_SIZE;
		int r = job_heap_charge(p, npages);     /* the job's budget */
		if (r < 0)
			return r;
		r = uvm_alloc(p->pagetable, p->pid, old, npages, PTE_R | PTE_W);
		if (r < 0) {
			/* give back whatever part was mapped */
			uvm_dealloc(p->pagetable, p->pid, old, npages);
			job_heap_uncharge(p, npages);
			return r;
		}
	} else if (delta < 0) {
		uint64_t shrink = 0 - (uint64_t)delta;  /* no -delta: LONG_MIN */
		if (shrink > old - p->brk_base)
			return -EINVAL;
		uvm_dealloc(p->pagetable, p->pid, old - shrink, shrink / PAGE_SIZE);
		job_heap_uncharge(p, shrink / PAGE_SIZE);
	}
	p->brk = old + delta;
	return (long)old;
}

long sys_clock(struct trapframe *tf)
{
	switch (tf->a0) {
	case CLOCK_MS:    return (long)timer_ms();
	case CLOCK_TICKS: return (long)timer_ticks();
	default:          return -EINVAL;
	}
}

long sys_shutdown(struct trapframe *tf)
{
	int code = (int)tf->a0;
	kprintf("rvos: shutdown requested by pid %d, status %d\n", proc_current()->pid, code);
	if (code == 0)
		power_off();
	power_fail(code);
}
