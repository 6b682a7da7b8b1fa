/* The tag table's rows and their charging, private to kernel/mm.
 *
 * tag.c owns the table; the heap (heap.c) and the page allocator
 * (page_internal.h) write its counters inline, because charging is on
 * every kmalloc and page_alloc. Everything outside kernel/mm reads the
 * counters through tag_stat_get() (include/kernel/tag.h).
 *
 * Two tables. tag_table[tag] is shared: the name, the peaks and the
 * failure counts. tag_cpu[hart][tag] holds the counters every kmalloc,
 * kfree, page_alloc and page_free change, and only that hart writes its
 * rows, so no count is lost when harts charge at once; a reader sums the
 * rows of harts [0, tag_harts) (include/kernel/tag.h says what such a sum
 * guarantees). A block freed on another hart than the one that allocated
 * it leaves the allocating hart's row up and the freeing hart's row down
 * by the same amount: the counters are unsigned and wrap, so a hart's
 * row may read "negative" while the sum over harts stays exact.
 *
 * tag_nr: slots [0, tag_nr) are in use. tag_register() fills a row under
 * tag_lock and then stores tag_nr with release ordering; readers load it
 * with acquire ordering (tag_in_use), so a slot they see is whole.
 */
#ifndef RVOS_KERNEL_MM_TAG_INTERNAL_H
#define RVOS_KERNEL_MM_TAG_INTERNAL_H

#include <kernel/tag.h>
#include <kernel/cpu.h>

/* A tag's shared counters. The peaks are written by the charging hart
 * (under heap.lock or pg.lock), the failures by an atomic add: failing
 * is not the fast path, so one shared line is cheap enough there. */
struct tag_row {
	uint32_t name;              /* TAG_VALUE of the 4 characters */
	uint64_t peak;
	uint64_t pages_peak;
	uint64_t fails;
	uint64_t page_fails;
};

/* One hart's counters of one tag, as in struct tag_stat: a cache line,
 * so no two harts write one line and a row is a shift away. */
struct tag_cpu {
	uint64_t bytes, req, allocs, frees;
	uint64_t pages, page_allocs, page_frees;
	uint64_t pad;
} __attribute__((aligned(64)));

_Static_assert(sizeof(struct tag_cpu) == 64, "a hart's row is a cache line");

extern struct tag_row tag_table[TAG_MAX];
extern struct tag_cpu tag_cpu[NCPU][TAG_MAX];
extern int tag_nr;
extern int tag_harts;

/* True when tag is a slot in use: tag_valid() for the fast paths. */
static inline bool tag_in_use(int tag)
{
	return tag >= 0 && tag < __atomic_load_n(&tag_nr, __ATOMIC_ACQUIRE);
}

/* Sum over the harts of one counter, given its address in hart 0's row. */
static inline uint64_t tag_cpu_sum(const uint64_t *c0)
{
	int n = __atomic_load_n(&tag_harts, __ATOMIC_ACQUIRE);
	uint64_t sum = 0;

	for (int h = 0; h < n; h++) {
		const uint64_t *c = (const uint64_t *)((const char *)c0 + h * sizeof(tag_cpu[0]));
		sum += __atomic_load_n(c, __ATOMIC_RELAXED);
	}
	return sum;
}

/* Charging, for heap.c (caller holds heap.lock) and page.c (the page
 * functions; caller holds pg.lock) only. tag must be valid. */
#ifndef MM_NO_ACCOUNTING
void tag_harts_raise(int hart);

/* This hart's row of tag. The hart joins the summed ones first, so a sum
 * taken under the same lock sees every count. The caller holds a
 * spinlock, so the hart cannot change under it. */
static inline struct tag_cpu *tag_cpu_row(int tag)
{
	int c = cpu_id();

	if (__builtin_expect(c >= __atomic_load_n(&tag_harts, __ATOMIC_RELAXED), 0))
		tag_harts_raise(c);
	return &tag_cpu[c][tag];
}

/* Add v to a counter of this hart's row: only this hart writes it, so a
 * load and a store do (relaxed, so a reader on another hart reads a
 * whole value). */
static inline void tag_cpu_add(uint64_t *ctr, uint64_t v)
{
	__atomic_store_n(ctr, *ctr + v, __ATOMIC_RELAXED);
}

/* Raise a peak to now, the sum just after this hart's charge. Exact
 * while the lock the caller holds serialises every charge of the
 * counter (tag.h). */
static inline void tag_peak_raise(uint64_t *peak, uint64_t now)
{
	if (now > *peak)
		__atomic_store_n(peak, now, __ATOMIC_RELAXED);
}

/* Charge a heap block of block bytes (req asked for) to tag. Inline:
 * this is on every kmalloc. Caller holds heap.lock. */
static inline void tag_charge_alloc(int tag, size_t block, size_t req)
{
	struct tag_cpu *t = tag_cpu_row(tag);

	tag_cpu_add(&t->bytes, block);
	tag_cpu_add(&t->req, req);
	tag_cpu_add(&t->allocs, 1);
	tag_peak_raise(&tag_table[tag].peak, tag_cpu_sum(&tag_cpu[0][tag].bytes));
}

/* Return a heap block's bytes to tag. Caller holds heap.lock. */
static inline void tag_charge_free(int tag, size_t block, size_t req)
{
	struct tag_cpu *t = tag_cpu_row(tag);

	tag_cpu_add(&t->bytes, -(uint64_t)block);
	tag_cpu_add(&t->req, -(uint64_t)req);
	tag_cpu_add(&t->frees, 1);
}

/* Heap bytes and blocks held, summed over every tag and hart: the heap's
 * own totals (heap_stats). Caller holds heap.lock. */
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
