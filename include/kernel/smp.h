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

#endif
