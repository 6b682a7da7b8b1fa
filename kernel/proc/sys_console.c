/* Console system calls: raw bytes out, raw bytes in (no echo, no line
 * editing: the shell does that). */
#include <kernel/syscall.h>
#include <kernel/proc.h>
#include <kernel/job.h>
#include <kernel/uvm.h>
#include <kernel/dev.h>
#include <kernel/printf.h>
#include <kernel/timer.h>
#include <uapi/syscall.h>
#include <uapi/errno.h>

#define CONSOLE_CHUNK 128
#define CTRL_C        0x03

/* console_write(buf, len): out through the UART a chunk at a time. A
 * kill ends the call between two chunks (the bytes written so far are
 * returned, as a write interrupted by a signal does), so a process
 * writing a huge buffer dies at once, not minutes later. */
long sys_console_write(struct trapframe *tf)
{
	struct proc *p = proc_current();
	uintptr_t buf = tf->a0;
	size_t len = tf->a1;
	char chunk[CONSOLE_CHUNK];

	for (size_t done = 0; done < len;) {
		size_t n = MIN(len - done, sizeof(chunk));
		if (p->killed)
			return done ? (long)done : -EINTR;
		if (uvm_copyin(p->pagetable, chunk, buf + done, n) < 0)
			return done ? (long)done : -EFAULT;
		kputs_n(chunk, n);
		done += n;
	}
	return (long)len;
}

/* Read up to len bytes of console input into user buf, waiting for the
 * first one until timer_ticks() reaches deadline (UINT64_MAX: for ever):
 * the count, 0 when the deadline passed with none, -EFAULT, -EINTR. */
static long console_read_until(uintptr_t buf, size_t len, uint64_t deadline)
{
	struct proc *p = proc_current();
	char chunk[CONSOLE_CHUNK];
	size_t n = 0;
	int c;

	len = MIN(len, (size_t)CONSOLE_CHUNK);
	if (len == 0)
		return 0;
	/* check the buffer before blocking, so a bad one fails at once
	 * (without writing anything into it) */
	if (uvm_check(p->pagetable, buf, len, true) < 0)
		return -EFAULT;
	/* only the foreground job reads; a background reader sleeps until
	 * job_fg brings it to the front (or it is killed, or the time ends) */
	spin_lock(&proc_lock);
	while (!job_console_mine_locked(p) || (c = console_getc()) < 0) {
		if (p->killed) {
			spin_unlock(&proc_lock);
			return -EINTR;
		}
		if (timer_ticks() >= deadline) {
			spin_unlock(&proc_lock);
			return 0;
		}
		sleep_on_until(&console_chan, &proc_lock,
			       job_console_mine_locked(p) ? "console" : "console-bg", deadline);
	}
	/* a ^C in the input is never data for a job: it interrupts it */
	if (c == CTRL_C && p->job) {
		job_intr_read_locked(p);
		spin_unlock(&proc_lock);
		return -EINTR;
	}
	spin_unlock(&proc_lock);
	chunk[n++] = (char)c;
	bool intr = false;
	while (n < len && (c = console_getc()) >= 0) {
		if (c == CTRL_C && p->job) {
			intr = true;
			break;
		}
		chunk[n++] = (char)c;
	}
	if (intr) {
		spin_lock(&proc_lock);
		job_intr_read_locked(p);
		spin_unlock(&proc_lock);
	}
	if (uvm_copyout(p->pagetable, buf, chunk, n) < 0)
		return -EFAULT;
	return (long)n;
}

/* console_read(buf, len): wait for input as long as it takes. */
long sys_console_read(struct trapframe *tf)
{
	return console_read_until(tf->a0, tf->a1, UINT64_MAX);
}

/* console_read_ms(buf, len, ms): the same, waiting at most ms
 * milliseconds for the first byte (0: only what is there). */
long sys_console_read_ms(struct trapframe *tf)
{
	uint64_t ms = tf->a2;

	if (ms > SLEEP_MS_MAX)
		return -EINVAL;
	return console_read_until(tf->a0, tf->a1,
				  timer_ticks() + (ms * TICK_HZ + 999) / 1000);
}
