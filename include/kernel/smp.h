/* Every hart runs: bring-up and inter-processor interrupts (smp.c,
 * docs/smp.md). */
#ifndef RVOS_KERNEL_SMP_H
#define RVOS_KERNEL_SMP_H

#include <kernel/types.h>

/* Boot hart, once paging, the process table and its tick are up: start
 * every other hart the device tree lists (at most NCPU in all) and say
 * which run. */
void smp_boot(void);

/* Interrupt hart cpus[id] (not this one) so it looks at shared state
 * again: the run queue when idle, its process's killed flag, a panic. */
void smp_kick(int id);

/* The supervisor software interrupt: an IPI arrived. */
void smp_ipi(void);

/* The top of hart cpus[i]'s own stack (boot and scheduler loop): the
 * boot hart's boot_stack, the pages smp_boot gave each other hart; 0 for
 * a slot no hart holds. KSTACK_PAGES pages below it are the stack. */
extern uintptr_t smp_stack_top[];

/* Stopping the other harts (smp_stop.c): what a parked hart saved. */
struct smp_stopped {
	uint64_t ra, sp;
	uint64_t s[12];
	uint32_t gen;                   /* the stop it parked in, 0: running */
};
extern struct smp_stopped smp_stopped[];

/* Park every other online hart, interrupts off, holding no lock, until
 * smp_release_others(): 0, or -EBUSY if another hart is stopping them or
 * one did not park within ms (those that did are released). Caller has
 * interrupts off and holds no lock. */
int smp_stop_others(unsigned ms);

/* Let the parked harts go on. The stopper calls it once, after a 0. */
void smp_release_others(void);

/* Is hart cpus[i] parked by the stop in progress (its smp_stopped[i]
 * valid)? */
bool smp_is_stopped(int i);

/* Save this hart's ra, sp and callee-saved registers in *r: inline, so
 * sp is the caller's own. */
static inline __attribute__((always_inline)) void smp_save_regs(struct smp_stopped *r)
{
	__asm__ volatile(
		"sd ra, 0(%0)\n\tsd sp, 8(%0)\n\t"
		"sd s0, 16(%0)\n\tsd s1, 24(%0)\n\tsd s2, 32(%0)\n\tsd s3, 40(%0)\n\t"
		"sd s4, 48(%0)\n\tsd s5, 56(%0)\n\tsd s6, 64(%0)\n\tsd s7, 72(%0)\n\t"
		"sd s8, 80(%0)\n\tsd s9, 88(%0)\n\tsd s10, 96(%0)\n\tsd s11, 104(%0)"
		: : "r"(r) : "memory");
}
_Static_assert(__builtin_offsetof(struct smp_stopped, s) == 16, "smp_save_regs layout");

/* From smp_ipi: park here if a stop is in progress. */
void smp_stop_check(void);

#endif
