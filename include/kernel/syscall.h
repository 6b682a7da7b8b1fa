/* System call dispatch (numbers in include/uapi/syscall.h). */
#ifndef RVOS_KERNEL_SYSCALL_H
#define RVOS_KERNEL_SYSCALL_H

#include <kernel/trap.h>
#include <uapi/syscall.h>

/* Run the call in tf->a7 with tf->a0..a5; result in tf->a0. */
void syscall(struct trapframe *tf);

/* Handlers, one per line of SYSCALL_LIST: sys_<name> takes the caller's
 * frame and returns the result. Process calls live in kernel/proc,
 * channel and service calls in kernel/ipc/sys_chan.c, job calls in
 * kernel/proc/sys_job.c. */
#define SYSCALL_DECLARE_(nr, name, stub, ret, params, desc) long sys_##name(struct trapframe *tf);
SYSCALL_LIST(SYSCALL_DECLARE_)
#undef SYSCALL_DECLARE_

#endif
