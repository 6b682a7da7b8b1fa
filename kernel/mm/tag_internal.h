/* The tag table's rows and their charging, private to kernel/mm.
 *
 * tag.c owns the table; the heap (heap.c) and the page allocator
 * (page_internal.h) write its counters inline, because charging is on
 * every kmalloc and page_alloc. Everything outside kernel/mm reads the
 * counters through tag_stat_get() (include/kernel/tag.h).
 *
 * Two tables. tag_table[tag] is shared: the name, the peaks and the
 * failure counts. tag_cpu[tag][hart] holds the counters every kmalloc,
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
#include <kernel/pcpu.h>

/* A tag's shared counters. The peaks are written by the charging hart
 * (peak under heap.lock; pages_peak by compare-and-swap, with no shared
 * lock: page_internal.h), the failures by an atomic add: failing
 * is not the fast path, so one shared line is cheap enough there. A
 * cache line of its own, so a row is a shift away and raising one tag's
 * peak does not take another tag's line from the harts. */
struct tag_row {
	uint32_t name;              /* TAG_VALUE of the 4 characters */
	uint64_t peak;
	uint64_t pages_peak;
	uint64_t fails;
	uint64_t page_fails;
} __attribute__((aligned(64)));

_Static_assert(sizeof(struct tag_row) == 64, "a tag's shared row is a cache line");

/* One hart's counters of one tag, as in struct tag_stat: a cache line,
 * so no two harts write one line and a row is a shift away. */
struct tag_cpu {
	uint64_t bytes, req, allocs, frees;
	uint64_t pages, page_allocs, page_frees;
	uint64_t pad;
} __attribute__((aligned(64)));

_Static_assert(sizeof(struct tag_cpu) == 64, "a hart's row is a cache line");

extern struct tag_row tag_table[TAG_MAX];
extern struct tag_cpu tag_cpu[TAG_MAX][NCPU];
extern int tag_nr;
extern int tag_harts;

/* True when tag is a slot in use: tag_valid() for the fast paths. */
static inline bool tag_in_use(int tag)
{
	return tag >= 0 && tag < __atomic_load_n(&tag_nr, __ATOMIC_ACQUIRE);
}

/* Sum over harts [0, n) of one counter, given its address in hart 0's
 * row of the tag: the next hart's row is a struct tag_cpu further. */
static inline uint64_t tag_cpu_sum_n(const uint64_t *c0, int n)
{
	const char *c = (const char *)c0;
	const char *end = c + (size_t)n * sizeof(struct tag_cpu);
	uint64_t sum = 0;

	for (; c < end; c += sizeof(struct tag_cpu))
		sum += pcpu_read((const uint64_t *)c);
	return sum;
}

/* The same over every hart that ever charged: what readers see. */
static inline uint64_t tag_cpu_sum(const uint64_t *c0)
{
	return tag_cpu_sum_n(c0, pcpu_read_int(&tag_harts));
}

/* Charging, for heap.c (caller holds heap.lock) and page.c (the page
 * functions; caller holds pg.lock) only. tag must be valid. */
#ifndef MM_NO_ACCOUNTING
int tag_harts_raise(int hart);

/* This hart's row of tag, and in *n the harts a sum must cover. The hart
 * joins the summed ones before its first charge, so a sum taken under
 * the same lock sees every count. The caller holds a spinlock, so the
 * hart cannot change under it. */
static inline struct tag_cpu *tag_cpu_row(int tag, int *n)
{
	int c = cpu_id();

	*n = pcpu_read_int(&tag_harts);
	if (__builtin_expect(c >= *n, 0))
		*n = tag_harts_raise(c);
	return &tag_cpu[tag][c];
}

/* A counter's sum over the n harts just after this hart set its own to
 * mine: with one hart summed, mine is the sum (a peak test at one hart
 * costs no loop). */
static inline uint64_t tag_cpu_total(const uint64_t *c0, int n, uint64_t mine)
{
	return n == 1 ? mine : tag_cpu_sum_n(c0, n);
}

/* Raise a peak to now, the sum just after this hart's charge. Exact
 * while the lock the caller holds serialises every charge of the
 * counter (tag.h). */
static inline void tag_peak_raise(uint64_t *peak, uint64_t now)
{
	if (now > *peak)
		pcpu_set(peak, now);
}

/* Charge a heap block of block bytes (req asked for) to tag. Inline:
 * this is on every kmalloc. Caller holds heap.lock. */
static inline void tag_charge_alloc(int tag, size_t block, size_t req)
{
	int n;
	struct tag_cpu *t = tag_cpu_row(tag, &n);
	uint64_t mine = t->bytes + block;

	pcpu_set(&t->bytes, mine);
	pcpu_add(&t->req, req);
	pcpu_add(&t->allocs, 1);
	tag_peak_raise(&tag_table[tag].peak, tag_cpu_total(&tag_cpu[tag][0].bytes, n, mine));
}

/* Return a heap block's bytes to tag. Caller holds heap.lock. */
static inline void tag_charge_free(int tag, size_t block, size_t req)
{
	int n;
	struct tag_cpu *t = tag_cpu_row(tag, &n);

	pcpu_add(&t->bytes, -(uint64_t)block);
	pcpu_add(&t->req, -(uint64_t)req);
	pcpu_add(&t->frees, 1);
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
