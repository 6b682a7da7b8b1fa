/* Trap entry and exit.
 *
 * Convention: sscratch is 0 while the hart runs the kernel, and holds the
 * hart's struct cpu pointer while it runs user code (where tp is the
 * user's). So the first instruction swaps tp and sscratch: a nonzero tp
 * means the trap came from user mode and tp is now the cpu pointer.
 * From user mode we switch to cpu->kstack_top; from the kernel we stay on
 * the current stack. Either way a struct trapframe is pushed there.
 *
 * Two kinds of frame:
 *  - a system call (scause = ecall from U-mode) saves only the registers
 *    C code may clobber (ra, gp, tp, t0-t6, a0-a7), sp, s0 (zeroed below
 *    so backtraces stop here), sepc, sstatus and scause. s1-s11 are not
 *    saved: every C function the kernel runs preserves them, so they are
 *    still the user's when trap_syscall returns (a process that sleeps
 *    keeps them in its struct context meanwhile). stval and s1-s11 in
 *    such a frame are stale; nothing reads them.
 *  - every other trap (interrupts, faults, traps from the kernel) saves
 *    all 31 registers and the 4 CSRs, so trap_dump and fault reports see
 *    the whole interrupted context, and returns through trap_return.
 */
#define TF_SIZE     288
#define TF_SEPC     248
#define TF_SSTATUS  256
#define TF_STVAL    264
#define TF_SCAUSE   272
#define CPU_KSTACK_TOP 0
#define CPU_USER_SP    8
#define SSTATUS_SPP    0x100
#define EXC_ECALL_U    8

	.section .text
	.balign 4
	.globl trap_entry
trap_entry:
	csrrw tp, sscratch, tp
	bnez tp, 1f
	csrr tp, sscratch               /* from the kernel */
	sd sp, CPU_USER_SP(tp)
	j 2f
1:	sd sp, CPU_USER_SP(tp)          /* from user */
	ld sp, CPU_KSTACK_TOP(tp)
2:	addi sp, sp, -TF_SIZE
	sd x1, 0(sp)
	sd x3, 16(sp)
	sd x5, 32(sp)
	sd x6, 40(sp)
	sd x7, 48(sp)
	sd x8, 56(sp)
	sd x10, 72(sp)
	sd x11, 80(sp)
	sd x12, 88(sp)
	sd x13, 96(sp)
	sd x14, 104(sp)
	sd x15, 112(sp)
	sd x16, 120(sp)
	sd x17, 128(sp)
	sd x28, 216(sp)
	sd x29, 224(sp)
	sd x30, 232(sp)
	sd x31, 240(sp)
	ld t0, CPU_USER_SP(tp)
	sd t0, 8(sp)                    /* interrupted sp */
	csrrw t0, sscratch, zero        /* interrupted tp; sscratch = 0 in kernel */
	sd t0, 24(sp)
	csrr t0, sepc
	sd t0, TF_SEPC(sp)
	csrr t0, sstatus
	sd t0, TF_SSTATUS(sp)
	csrr t0, scause
	sd t0, TF_SCAUSE(sp)
	li t1, EXC_ECALL_U              /* only U-mode can raise it */
	beq t0, t1, syscall_entry
	sd x9, 64(sp)                   /* the rest of a full frame */
	sd x18, 136(sp)
	sd x19, 144(sp)
	sd x20, 152(sp)
	sd x21, 160(sp)
	sd x22, 168(sp)
	sd x23, 176(sp)
	sd x24, 184(sp)
	sd x25, 192(sp)
	sd x26, 200(sp)
	sd x27, 208(sp)
	csrr t0, stval
	sd t0, TF_STVAL(sp)
	li s0, 0                        /* backtraces stop at the trap frame */
	mv a0, sp
	call trap_handle
	mv a0, sp
	/* fall through */

/* void trap_return(struct trapframe *tf): resume the context in a full
 * frame. */
	.globl trap_return
trap_return:
	mv sp, a0
	ld t0, TF_SSTATUS(sp)
	csrw sstatus, t0                /* SIE stays 0 until sret */
	ld t1, TF_SEPC(sp)
	csrw sepc, t1
	andi t0, t0, SSTATUS_SPP
	bnez t0, 3f
	/* back to user: next trap finds the cpu in sscratch and an empty
	 * kernel stack above this frame */
	addi t1, sp, TF_SIZE
	sd t1, CPU_KSTACK_TOP(tp)
	csrw sscratch, tp
3:	ld x9, 64(sp)
	ld x18, 136(sp)
	ld x19, 144(sp)
	ld x20, 152(sp)
	ld x21, 160(sp)
	ld x22, 168(sp)
	ld x23, 176(sp)
	ld x24, 184(sp)
	ld x25, 192(sp)
	ld x26, 200(sp)
	ld x27, 208(sp)
	ld x4, 24(sp)
	j restore_caller

/* A system call: trap_syscall(tf) runs it and leaves with interrupts
 * off; return to user with s1-s11 as C left them (the user's). */
syscall_entry:
	li s0, 0                        /* backtraces stop at the trap frame */
	mv a0, sp
	call trap_syscall
	ld t0, TF_SSTATUS(sp)
	csrw sstatus, t0                /* SIE stays 0 until sret */
	ld t1, TF_SEPC(sp)
	csrw sepc, t1
	addi t1, sp, TF_SIZE            /* this hart may have run others meanwhile */
	sd t1, CPU_KSTACK_TOP(tp)
	csrw sscratch, tp
	ld x4, 24(sp)
restore_caller:
	ld x1, 0(sp)
	ld x3, 16(sp)
	ld x5, 32(sp)
	ld x6, 40(sp)
	ld x7, 48(sp)
	ld x8, 56(sp)
	ld x10, 72(sp)
	ld x11, 80(sp)
	ld x12, 88(sp)
	ld x13, 96(sp)
	ld x14, 104(sp)
	ld x15, 112(sp)
	ld x16, 120(sp)
	ld x17, 128(sp)
	ld x28, 216(sp)
	ld x29, 224(sp)
	ld x30, 232(sp)
	ld x31, 240(sp)
	ld x2, 8(sp)
	sret
