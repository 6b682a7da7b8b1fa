/* System call dispatch: a table indexed by number, -ENOSYS for gaps. */
#include <kernel/syscall.h>
#include <uapi/syscall.h>
#include <uapi/errno.h>

typedef long (*syscall_fn)(struct trapframe *tf);

static const syscall_fn syscalls[SYS_MAX] = {
	[SYS_exit]          = sys_exit,
	[SYS_spawn]         = sys_spawn,
	[SYS_wait]          = sys_wait,
	[SYS_getpid]        = sys_getpid,
	[SYS_yield]         = sys_yield,
	[SYS_sleep]         = sys_sleep,
	[SYS_kill]          = sys_kill,
	[SYS_sbrk]          = sys_sbrk,
	[SYS_console_write] = sys_console_write,
	[SYS_console_read]  = sys_console_read,
	[SYS_clock]         = sys_clock,
	[SYS_shutdown]      = sys_shutdown,
	[SYS_chan_create]   = sys_chan_create,
	[SYS_chan_send]     = sys_chan_send,
	[SYS_chan_recv]     = sys_chan_recv,
	[SYS_chan_close]    = sys_chan_close,
	[SYS_svc_lookup]    = sys_svc_lookup,
	[SYS_svc_register]  = sys_svc_register,
	[SYS_progs]         = sys_progs,
	[SYS_job_spawn]     = sys_job_spawn,
	[SYS_job_fg]        = sys_job_fg,
	[SYS_job_kill]      = sys_job_kill,
	[SYS_job_wait]      = sys_job_wait,
};

void syscall(struct trapframe *tf)
{
	uint64_t n = tf->a7;
	if (n < SYS_MAX && syscalls[n])
		tf->a0 = (uint64_t)syscalls[n](tf);
	else
		tf->a0 = (uint64_t)-ENOSYS;
}
