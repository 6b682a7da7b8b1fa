/* Floating point: user programs have none (docs/processes.md).
 *
 * rvos builds the kernel and every user program without F/D, so no
 * process has FP state to save. sstatus.FS (and VS) is Off on every hart
 * in the kernel and in every user context: an FP instruction or FP CSR
 * access traps as an illegal instruction, and the trap path kills the
 * program with a message saying why. FP registers therefore never carry
 * a value from one process to another.
 */
#ifndef RVOS_KERNEL_FP_H
#define RVOS_KERNEL_FP_H

#include <kernel/types.h>
#include <kernel/riscv.h>

/* sstatus bits a user context must have clear: no FP or vector state. */
#define FP_USER_SSTATUS_OFF  (SSTATUS_FS | SSTATUS_VS)

/* Turn the FP (and vector) unit off on this hart. */
void fp_off(void);

/* Does this instruction (16 or 32 bits, as fetched) need FP state? */
bool fp_insn(uint32_t insn);

#endif
