/* void swtch(struct context *from, struct context *to)
 * Save ra, sp, s0-s11 into *from, load them from *to, and return into
 * *to's ra. Caller-saved registers are the caller's business. */
#include "asm_offsets.h"

	.section .text
	.globl swtch
swtch:
	sd ra, CTX_RA(a0)
	sd sp, CTX_SP(a0)
	sd s0, CTX_S0(a0)
	sd s1, CTX_S1(a0)
	sd s2, CTX_S2(a0)
	sd s3, CTX_S3(a0)
	sd s4, CTX_S4(a0)
	sd s5, CTX_S5(a0)
	sd s6, CTX_S6(a0)
	sd s7, CTX_S7(a0)
	sd s8, CTX_S8(a0)
	sd s9, CTX_S9(a0)
	sd s10, CTX_S10(a0)
	sd s11, CTX_S11(a0)

	ld ra, CTX_RA(a1)
	ld sp, CTX_SP(a1)
	ld s0, CTX_S0(a1)
	ld s1, CTX_S1(a1)
	ld s2, CTX_S2(a1)
	ld s3, CTX_S3(a1)
	ld s4, CTX_S4(a1)
	ld s5, CTX_S5(a1)
	ld s6, CTX_S6(a1)
	ld s7, CTX_S7(a1)
	ld s8, CTX_S8(a1)
	ld s9, CTX_S9(a1)
	ld s10, CTX_S10(a1)
	ld s11, CTX_S11(a1)
	ret

/* First code of every new context (proc.c sets ctx.ra here): clear ra and
 * the frame pointer so backtraces end at proc_first_run, then run it. */
	.globl proc_entry
proc_entry:
	li ra, 0
	li s0, 0
	j proc_first_run
