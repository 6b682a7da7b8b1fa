/* Kernel entry from OpenSBI (fw_dynamic): S-mode, MMU off,
 * a0 = hart id, a1 = physical address of the device tree blob. */
#include <kernel/param.h>
#include "asm_offsets.h"

	.section .text.entry
	.globl _start
_start:
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

	.section .bss.stack
	.balign 16
	.globl boot_stack
boot_stack:
	.space KSTACK_PAGES * PAGE_SIZE
	.globl boot_stack_top
boot_stack_top:
