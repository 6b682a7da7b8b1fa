/* Panic reports: cause, registers and a backtrace, then QEMU exits. */
#ifndef RVOS_KERNEL_PANIC_H
#define RVOS_KERNEL_PANIC_H

#include <kernel/trap.h>
#include <kernel/cpu.h>

#define PANIC_EXIT_STATUS 3   /* QEMU's exit status after a panic */

/* Panic on the trap described by tf (cause, sepc, stval, its registers). */
void panic_trap(const struct trapframe *tf, const char *why) __attribute__((noreturn));

/* Print frames from frame pointer fp, numbering from depth. For a trap,
 * trap_ra and pc are the trapped ra and sepc (0 otherwise). */
void backtrace_from(uintptr_t fp, uintptr_t trap_ra, uintptr_t pc, int depth);

/* 0, or 1 + the cpus[] index of the hart whose panic report is under
 * way: every other hart that sees it stops (panic_park). */
extern volatile uint32_t panicking;

/* Another hart panics: stop this one for good, interrupts off, counted
 * so the reporting hart knows when it is alone. Never returns. */
void panic_park(void) __attribute__((noreturn));

/* Stop here if another hart is panicking: the IPI handler, and loops
 * that spin with interrupts off, where the panic's IPI cannot reach. */
static inline void panic_check(void)
{
	if (__builtin_expect(panicking != 0, 0) && panicking != (uint32_t)cpu_id() + 1)
		panic_park();
}

#endif
