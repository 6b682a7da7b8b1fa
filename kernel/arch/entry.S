/* Kernel entry from OpenSBI (fw_dynamic): S-mode, MMU off,
 * a0 = hart id, a1 = physical address of the device tree blob. */
#include <kernel/param.h>
#include "asm_offsets.h"

	.section .text.entry
	.globl _start
_start:
	/* One hart boots the kernel; any other that enters here is sent
	 * on (late_entry). Tested before .bss is zeroed, so it lives in
	 * .data. */
	la t0, boot_claimed
	li t1, 1
	amoswap.w t1, t1, (t0)
	bnez t1, late_entry
	/* Zero .bss: OpenSBI does not. */
	la t0, __bss_start
	la t1, __bss_end
1:	bgeu t0, t1, 2f
	sd zero, 0(t0)
	addi t0, t0, 8
	j 1b
2:
	la sp, boot_stack_top
	la tp, cpus             /* boot hart uses cpus[0], whatever its id */
	li s0, 0                /* frame pointer chain ends here */
	csrw sscratch, zero     /* in the kernel: see cpu.h */
	call kmain
3:	wfi
	j 3b

/* Every other hart, started by smp_boot() through SBI HSM: S-mode, MMU
 * off, a0 = hart id, a1 = its struct cpu, whose kstack_top holds the top
 * of the stack smp_boot() gave it. */
	.globl secondary_start
secondary_start:
	mv tp, a1
	ld sp, CPU_KSTACK_TOP(tp)
	li s0, 0
	csrw sscratch, zero
	call smp_hart_main
4:	wfi
	j 4b

/* A hart that smp_boot() started, entering here instead of at
 * secondary_start with the boot hart's arguments: OpenSBI 1.1 can do
 * that when the HSM start comes while the hart is still in its own
 * warm-boot setup (seen about once in ten boots under load). If it is
 * the hart smp_boot() is starting (hart_starting), carry on as that
 * one; any other hart stops here for good. */
late_entry:
	la t0, hart_starting
	ld a1, 0(t0)
	beqz a1, 5f
	ld t1, CPU_HARTID(a1)
	bne a0, t1, 5f
	j secondary_start
5:	wfi
	j 5b

	.section .data
	.balign 4
boot_claimed:
	.word 0

	.section .bss.stack
	.balign 16
	.globl boot_stack
boot_stack:
	.space KSTACK_PAGES * PAGE_SIZE
	.globl boot_stack_top
boot_stack_top:
