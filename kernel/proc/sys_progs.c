/* The progs system call: lets user space list the program archive (the
 * shell's `help`). The archive is read-only after boot, so no lock. */
#include <kernel/syscall.h>
#include <kernel/proc.h>
#include <kernel/progs.h>
#include <kernel/uvm.h>
#include <lib/string.h>
#include <uapi/errno.h>

/* progs(index, buf, len): copy program index's name and its NUL to buf.
 * Returns the name's length; -ENOENT when index is past the last program
 * (so callers count up from 0 until then), -ERANGE when len cannot hold
 * the name and its NUL, -EFAULT for a bad buffer. */
long sys_progs(struct trapframe *tf)
{
	uint64_t index = tf->a0;
	uintptr_t buf = tf->a1;
	size_t len = tf->a2;

	if (index >= (uint64_t)progs_count())
		return -ENOENT;
	const char *name = progs_name((int)index);
	size_t n = strlen(name);
	if (len < n + 1)
		return -ERANGE;
	if (uvm_copyout(proc_current()->pagetable, buf, name, n + 1) < 0)
		return -EFAULT;
	return (long)n;
}
