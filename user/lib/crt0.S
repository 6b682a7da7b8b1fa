/* Program entry: the kernel starts every user program here.
 *
 * On entry a0 = argc, a1 = argv (on the user stack, see <uapi/layout.h>),
 * sp is 16-byte aligned. No gp: user.ld defines no __global_pointer$, so
 * the linker never relaxes accesses to gp-relative form.
 */
	.section .text.start, "ax", @progbits
	.globl _start
	.type _start, @function
_start:
	li	s0, 0          /* end of the frame-pointer chain, for backtraces */
	li	ra, 0
	call	main           /* main(argc, argv) */
	call	exit           /* exit(main's return): flushes stdout */
	unimp                  /* exit does not return */
	.size _start, . - _start
