/* The tag table's rows and their charging, private to kernel/mm.
 *
 * tag.c owns the table; the heap (heap.c) and the page allocator
 * (page_internal.h) write its counters inline, because charging is on
 * every kmalloc and page_alloc. Everything outside kernel/mm reads the
 * counters through tag_stat_get() (include/kernel/tag.h).
 *
 * tag_nr: slots [0, tag_nr) are in use. tag_register() fills a row under
 * tag_lock and then stores tag_nr with release ordering; readers load it
 * with acquire ordering (tag_in_use), so a slot they see is whole.
 */
#ifndef RVOS_KERNEL_MM_TAG_INTERNAL_H
#define RVOS_KERNEL_MM_TAG_INTERNAL_H

#include <kernel/tag.h>

extern struct tag_stat tag_table[TAG_MAX];
extern int tag_nr;

/* True when tag is a slot in use: tag_valid() for the fast paths. */
static inline bool tag_in_use(int tag)
{
	return tag >= 0 && tag < __atomic_load_n(&tag_nr, __ATOMIC_ACQUIRE);
}

/* Charging, for heap.c (caller holds heap.lock) and page.c (the page
 * functions; caller holds pg.lock) only. tag must be valid. */
#ifndef MM_NO_ACCOUNTING
/* Charge a heap block of block bytes (req asked for) to tag. Inline:
 * this is on every kmalloc. Caller holds heap.lock. */
static inline void tag_charge_alloc(int tag, size_t block, size_t req)
{
	struct tag_stat *t = &tag_table[tag];
	t->bytes += block;
	t->req += req;
	t->allocs++;
	if (t->bytes > t->peak)
		t->peak = t->bytes;
}

/* Return a heap block's bytes to tag. Caller holds heap.lock. */
static inline void tag_charge_free(int tag, size_t block, size_t req)
{
	struct tag_stat *t = &tag_table[tag];
	t->bytes -= block;
	t->req -= req;
	t->frees++;
}

/* Heap bytes and blocks held, summed over every tag: the heap's own
 * totals (heap_stats). Caller holds heap.lock. */
void tag_heap_totals(uint64_t *bytes, uint64_t *live);
#else
/* Built with -DMM_NO_ACCOUNTING (make bench's baseline, docs/perf.md):
 * nothing is charged, so every counter stays zero. */
static inline void tag_charge_alloc(int tag, size_t block, size_t req)
{ (void)tag; (void)block; (void)req; }
static inline void tag_charge_free(int tag, size_t block, size_t req)
{ (void)tag; (void)block; (void)req; }
#endif

#endif
