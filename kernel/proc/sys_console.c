/* Console system calls: raw bytes out, raw bytes in (no echo, no line
 * editing: the shell does that). */
#include <kernel/syscall.h>
#include <kernel/proc.h>
#include <kernel/job.h>
#include <kernel/uvm.h>
#include <kernel/dev.h>
#include <kernel/printf.h>
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

long sys_console_read(struct trapframe *tf)
{
	struct proc *p = proc_current();
	uintptr_t buf = tf->a0;
	size_t len = MIN(tf->a1, (size_t)CONSOLE_CHUNK);
	char chunk[CONSOLE_CHUNK];
	size_t n = 0;
	int c;

	if (len == 0)
		return 0;
	/* check the buffer before blocking, so a bad one fails at once
	 * (without writing anything into it) */
	if (uvm_check(p->pagetable, buf, len, true) < 0)
		return -EFAULT;
	/* only the foreground job reads; a background reader sleeps until
	 * job_fg brings it to the front (or it is killed) */
	spin_lock(&proc_lock);
	while (!job_console_mine_locked(p) || (c = console_getc()) < 0) {
		if (p->killed) {
			spin_unlock(&proc_lock);
			return -EINTR;
		}
		sleep_on(&console_chan, &proc_lock,
			 job_console_mine_locked(p) ? "console" : "console-bg");
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
