/* Panic reports: cause, registers and a backtrace, then QEMU exits. */
#ifndef RVOS_KERNEL_PANIC_H
#define RVOS_KERNEL_PANIC_H

#include <kernel/trap.h>

#define PANIC_EXIT_STATUS 3   /* QEMU's exit status after a panic */

/* Panic on the trap described by tf (cause, sepc, stval, its registers). */
void panic_trap(const struct trapframe *tf, const char *why) __attribute__((noreturn));

/* Print frames from frame pointer fp, numbering from depth. For a trap,
 * trap_ra and pc are the trapped ra and sepc (0 otherwise). */
void backtrace_from(uintptr_t fp, uintptr_t trap_ra, uintptr_t pc, int depth);

extern volatile uint32_t panicking;   /* set once a panic report starts */

#endif
