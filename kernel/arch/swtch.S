/* void swtch(struct context *from, struct context *to)
 * Save ra, sp, s0-s11 into *from, load them from *to, and return into
 * *to's ra. Caller-saved registers are the caller's business. */
	.section .text
	.globl swtch
swtch:
	sd ra, 0(a0)
	sd sp, 8(a0)
	sd s0, 16(a0)
	sd s1, 24(a0)
	sd s2, 32(a0)
	sd s3, 40(a0)
	sd s4, 48(a0)
	sd s5, 56(a0)
	sd s6, 64(a0)
	sd s7, 72(a0)
	sd s8, 80(a0)
	sd s9, 88(a0)
	sd s10, 96(a0)
	sd s11, 104(a0)

	ld ra, 0(a1)
	ld sp, 8(a1)
	ld s0, 16(a1)
	ld s1, 24(a1)
	ld s2, 32(a1)
	ld s3, 40(a1)
	ld s4, 48(a1)
	ld s5, 56(a1)
	ld s6, 64(a1)
	ld s7, 72(a1)
	ld s8, 80(a1)
	ld s9, 88(a1)
	ld s10, 96(a1)
	ld s11, 104(a1)
	ret

/* First code of every new context (proc.c sets ctx.ra here): clear ra and
 * the frame pointer so backtraces end at proc_first_run, then run it. */
	.globl proc_entry
proc_entry:
	li ra, 0
	li s0, 0
	j proc_first_run
