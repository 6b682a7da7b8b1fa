/* Memory snapshots for tests: what must come back after a process lives
 * and dies.
 *
 * A snapshot holds the free page count, the allocators' misuse counts
 * and, per tag, the heap bytes and pages held now and the failure
 * counters (heap fails, page fails).
 * Tests take one before running programs and one after; the held
 * amounts must be identical (memsnap_same), while the failure counters
 * show what was refused meanwhile (memsnap_fails). For in-kernel tests
 * (the *_ktest.c files); each counter is read through the allocators'
 * own snapshot calls, under their own locks.
 */
#ifndef RVOS_KERNEL_TEST_MEMSNAP_H
#define RVOS_KERNEL_TEST_MEMSNAP_H

#include <kernel/types.h>
#include <kernel/param.h>

struct mem_snap {
	size_t free_pages;
	uint64_t misuse;                /* bad frees and arguments, heap and pages */
	uint64_t bytes[TAG_MAX];        /* heap bytes held, per tag */
	uint64_t pages[TAG_MAX];        /* pages held, per tag */
	uint64_t fails[TAG_MAX];        /* kmallocs refused, ever */
	uint64_t page_fails[TAG_MAX];   /* page_allocs refused, ever */
};

/* Record the counters now. */
void memsnap_take(struct mem_snap *s);

/* Are free pages, every tag's bytes and pages, and the misuse counts
 * the same in both? If not, print (as a ktest line) the first counter
 * that differs. */
bool memsnap_same(const struct mem_snap *before, const struct mem_snap *after);

/* Failures counted under tag between two snapshots: heap plus page. */
uint64_t memsnap_fails(const struct mem_snap *before, const struct mem_snap *after,
		       int tag);

/* heap_check() and page_check() both hold; else print which broke. */
bool memsnap_consistent(void);

#endif
