/* Fault probes: touch an address with a recovery point armed.
 *
 * Each probe stores its resume label in cpu->fault_resume; if the access
 * faults, trap_handle() records scause in cpu->fault_cause and resumes
 * there instead of panicking. Returns 0 or the fault's scause.
 */
#include "asm_offsets.h"

	.section .text
	.macro arm label
	la t0, \label
	sd t0, CPU_FAULT_RESUME(tp)
	sd zero, CPU_FAULT_CAUSE(tp)
	.endm

	.macro disarm_and_return
	sd zero, CPU_FAULT_RESUME(tp)
	ld a0, CPU_FAULT_CAUSE(tp)
	.endm

/* uint64_t probe_read(uintptr_t addr) */
	.globl probe_read
probe_read:
	arm 1f
	ld t1, 0(a0)
1:	disarm_and_return
	ret

/* uint64_t probe_write(uintptr_t addr, uint64_t value) */
	.globl probe_write
probe_write:
	arm 1f
	sd a1, 0(a0)
1:	disarm_and_return
	ret

/* uint64_t probe_exec(uintptr_t addr): call addr, which should return. */
	.globl probe_exec
probe_exec:
	addi sp, sp, -16
	sd ra, 8(sp)
	arm 1f
	jalr a0
1:	disarm_and_return
	ld ra, 8(sp)
	addi sp, sp, 16
	ret
