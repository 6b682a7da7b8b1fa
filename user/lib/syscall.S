/* System call stubs: a7 = number, arguments already in a0..a5 where the
 * C calling convention put them, result back in a0. Prototypes and
 * meanings: <rvos/sys.h>, docs/syscalls.md.
 */
#include <uapi/syscall.h>

.macro SYSCALL name, number
	.section .text.\name, "ax", @progbits
	.globl \name
	.type \name, @function
\name:
	li	a7, \number
	ecall
	ret
	.size \name, . - \name
.endm

	SYSCALL _exit,          SYS_exit
	SYSCALL spawn,          SYS_spawn
	SYSCALL wait,           SYS_wait
	SYSCALL getpid,         SYS_getpid
	SYSCALL yield,          SYS_yield
	SYSCALL sleep,          SYS_sleep
	SYSCALL kill,           SYS_kill
	SYSCALL sbrk,           SYS_sbrk
	SYSCALL console_write,  SYS_console_write
	SYSCALL console_read,   SYS_console_read
	SYSCALL clock,          SYS_clock
	SYSCALL shutdown,       SYS_shutdown
	SYSCALL job_spawn,      SYS_job_spawn
	SYSCALL job_fg,         SYS_job_fg
	SYSCALL job_kill,       SYS_job_kill
	SYSCALL job_wait,       SYS_job_wait
	SYSCALL chan_create,    SYS_chan_create
	SYSCALL chan_send,      SYS_chan_send
	SYSCALL chan_recv,      SYS_chan_recv
	SYSCALL chan_close,     SYS_chan_close
	SYSCALL svc_lookup,     SYS_svc_lookup
	SYSCALL svc_register,   SYS_svc_register
