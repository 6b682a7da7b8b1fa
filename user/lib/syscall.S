/* System call stubs, one for each call in SYSCALL_LIST (<uapi/syscall.h>):
 * a7 = number, arguments already in a0..a5 where the C calling convention
 * put them, result back in a0. Prototypes and meanings: <rvos/sys.h>,
 * <rvos/chan.h>, docs/syscalls.md.
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

/* One stub per line of SYSCALL_LIST; ';' ends each macro call. */
#define SYSCALL_STUB_(nr, name, stub, ret, params, desc) SYSCALL stub, nr;
	SYSCALL_LIST(SYSCALL_STUB_)
