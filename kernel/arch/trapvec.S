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
#include "asm_offsets.h"

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
	sd ra, TF_RA(sp)
	sd gp, TF_GP(sp)
	sd t0, TF_T0(sp)
	sd t1, TF_T1(sp)
	sd t2, TF_T2(sp)
	sd s0, TF_S0(sp)
	sd a0, TF_A0(sp)
	sd a1, TF_A1(sp)
	sd a2, TF_A2(sp)
	sd a3, TF_A3(sp)
	sd a4, TF_A4(sp)
	sd a5, TF_A5(sp)
	sd a6, TF_A6(sp)
	sd a7, TF_A7(sp)
	sd t3, TF_T3(sp)
	sd t4, TF_T4(sp)
	sd t5, TF_T5(sp)
	sd t6, TF_T6(sp)
	ld t0, CPU_USER_SP(tp)
	sd t0, TF_SP(sp)                /* interrupted sp */
	csrrw t0, sscratch, zero        /* interrupted tp; sscratch = 0 in kernel */
	sd t0, TF_TP(sp)
	csrr t0, sepc
	sd t0, TF_SEPC(sp)
	csrr t0, sstatus
	sd t0, TF_SSTATUS(sp)
	csrr t0, scause
	sd t0, TF_SCAUSE(sp)
	li t1, EXC_ECALL_U              /* only U-mode can raise it */
	beq t0, t1, syscall_entry
	sd s1, TF_S1(sp)                /* the rest of a full frame */
	sd s2, TF_S2(sp)
	sd s3, TF_S3(sp)
	sd s4, TF_S4(sp)
	sd s5, TF_S5(sp)
	sd s6, TF_S6(sp)
	sd s7, TF_S7(sp)
	sd s8, TF_S8(sp)
	sd s9, TF_S9(sp)
	sd s10, TF_S10(sp)
	sd s11, TF_S11(sp)
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
	ld tp, TF_TP(sp)                /* the user's */
	/* back to the kernel: tp stays as it is, this hart's struct cpu.
	 * The frame's tp is the hart the trap came in on: the interrupted
	 * context may have been switched out meanwhile (a tick's yield)
	 * and is resuming on another hart (docs/smp.md). */
3:	ld s1, TF_S1(sp)
	ld s2, TF_S2(sp)
	ld s3, TF_S3(sp)
	ld s4, TF_S4(sp)
	ld s5, TF_S5(sp)
	ld s6, TF_S6(sp)
	ld s7, TF_S7(sp)
	ld s8, TF_S8(sp)
	ld s9, TF_S9(sp)
	ld s10, TF_S10(sp)
	ld s11, TF_S11(sp)
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
	ld tp, TF_TP(sp)
restore_caller:
	ld ra, TF_RA(sp)
	ld gp, TF_GP(sp)
	ld t0, TF_T0(sp)
	ld t1, TF_T1(sp)
	ld t2, TF_T2(sp)
	ld s0, TF_S0(sp)
	ld a0, TF_A0(sp)
	ld a1, TF_A1(sp)
	ld a2, TF_A2(sp)
	ld a3, TF_A3(sp)
	ld a4, TF_A4(sp)
	ld a5, TF_A5(sp)
	ld a6, TF_A6(sp)
	ld a7, TF_A7(sp)
	ld t3, TF_T3(sp)
	ld t4, TF_T4(sp)
	ld t5, TF_T5(sp)
	ld t6, TF_T6(sp)
	ld sp, TF_SP(sp)
	sret
