/* System call dispatch (numbers in include/uapi/syscall.h). */
#ifndef RVOS_KERNEL_SYSCALL_H
#define RVOS_KERNEL_SYSCALL_H

#include <kernel/trap.h>

/* Run the call in tf->a7 with tf->a0..a5; result in tf->a0. */
void syscall(struct trapframe *tf);

/* Handlers: each takes the caller's frame and returns the result. */
long sys_exit(struct trapframe *tf);
long sys_spawn(struct trapframe *tf);
long sys_wait(struct trapframe *tf);
long sys_getpid(struct trapframe *tf);
long sys_yield(struct trapframe *tf);
long sys_sleep(struct trapframe *tf);
long sys_kill(struct trapframe *tf);
long sys_sbrk(struct trapframe *tf);
long sys_clock(struct trapframe *tf);
long sys_shutdown(struct trapframe *tf);
long sys_console_write(struct trapframe *tf);
long sys_console_read(struct trapframe *tf);
long sys_chan_create(struct trapframe *tf);      /* kernel/ipc/sys_chan.c */
long sys_chan_send(struct trapframe *tf);
long sys_chan_recv(struct trapframe *tf);
long sys_chan_close(struct trapframe *tf);
long sys_svc_lookup(struct trapframe *tf);
long sys_svc_register(struct trapframe *tf);
long sys_progs(struct trapframe *tf);
long sys_job_spawn(struct trapframe *tf);        /* kernel/proc/sys_job.c */
long sys_job_fg(struct trapframe *tf);
long sys_job_kill(struct trapframe *tf);
long sys_job_wait(struct trapframe *tf);

#endif
