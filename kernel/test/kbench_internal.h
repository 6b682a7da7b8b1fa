/* Inside kernel/test/kbench*.c: what the one-hart benchmarks (kbench.c)
 * share with the SMP ones (kbench_smp.c). */
#ifndef RVOS_KERNEL_TEST_KBENCH_INTERNAL_H
#define RVOS_KERNEL_TEST_KBENCH_INTERNAL_H

#include <kernel/types.h>

#define KB_BATCH          32        /* blocks held at once in the mm loops */
#define KB_ROUNDS         200       /* batches per figure */

/* Nanoseconds of virtual time since reset (instructions under icount). */
uint64_t kb_ns(void);

/* Print one figure: total nanoseconds over ops operations, as the mean
 * with one decimal, named and labelled for the mode. */
void kb_figure(const char *name, uint64_t total, uint64_t ops);

/* One round of KB_BATCH kmalloc+kfree pairs of size bytes (all held,
 * then all freed), and of single-page page_alloc+page_free pairs. */
void kb_heap_round(size_t size);
void kb_page_round(void);

/* kbench_smp.c: the figures of bench=smp. */
void kb_smp_main(void);

#endif
