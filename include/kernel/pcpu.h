/* Counters kept per hart and summed when read (docs/memory.md, "Counters
 * on many harts"): the tag table's (kernel/mm/tag_internal.h) and the
 * call sites' (include/kernel/alloc_site.h).
 *
 * Only its own hart writes such a counter, so adding is a load and a
 * store, no atomic read-modify-write; other harts only read it. Both are
 * volatile, one aligned 64-bit access each, so a reader gets the old or
 * the new value whole (as Linux's READ_ONCE/WRITE_ONCE). Not relaxed
 * atomics: GCC 12 turns a relaxed 64-bit atomic store into an amoswap.d
 * with address arithmetic of its own (no offset form), on every counter.
 */
#ifndef RVOS_KERNEL_PCPU_H
#define RVOS_KERNEL_PCPU_H

#include <kernel/types.h>

/* Add v to ctr, a counter of this hart's (v may be a negated amount:
 * the counters wrap, and only their sum over the harts means anything). */
static inline void pcpu_add(uint64_t *ctr, uint64_t v)
{
	*(volatile uint64_t *)ctr = *ctr + v;
}

/* Read a counter another hart may be writing. */
static inline uint64_t pcpu_read(const uint64_t *ctr)
{
	return *(const volatile uint64_t *)ctr;
}

/* Read a count of harts another hart may raise (tag_harts). */
static inline int pcpu_read_int(const int *n)
{
	return *(const volatile int *)n;
}

/* Store a shared value others read without a lock (a peak). */
static inline void pcpu_set(uint64_t *ctr, uint64_t v)
{
	*(volatile uint64_t *)ctr = v;
}

#endif
