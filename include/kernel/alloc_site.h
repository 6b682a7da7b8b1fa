/* Per-callsite heap accounting (the idea of Linux's /proc/allocinfo).
 *
 * Every kmalloc()/kzalloc() call site owns a static struct alloc_site in
 * the linker section "alloc_sites" (no leading dot, so GNU ld defines
 * __start_alloc_sites/__stop_alloc_sites; the kernel's linker.ld keeps the
 * section). Walking the section lists every call site in the kernel, so
 * the heap can be broken down by line of code as well as by tag.
 *
 * A record is 256 bytes of writable data per call site, whether or not
 * it ever allocates: a power of two, so a block header's site index and
 * the record's address are a shift apart. The counters are per hart, as
 * the tag table's are (kernel/mm/tag_internal.h): each hart adds to its
 * own slot of bytes, calls and frees, so no count is lost when harts
 * allocate at once, and readers sum the slots (unsigned, wrapping: a
 * block freed on another hart than the one that allocated it takes the
 * freeing hart's slot below zero while the sum stays exact). The charge
 * functions run with interrupts off (heap.lock, or a hart's cache lock),
 * which keeps the hart from changing under them; site_lock (private to alloc_site.c) serialises the readers
 * (lock order: heap.lock -> site_lock). A reader's sums have the
 * guarantee of the tag table's (include/kernel/tag.h): exact when no
 * allocation is in flight, and exact under heap.lock (heap_check).
 */
#ifndef RVOS_KERNEL_ALLOC_SITE_H
#define RVOS_KERNEL_ALLOC_SITE_H

#include <kernel/types.h>

#include <kernel/param.h>
#include <kernel/cpu.h>
#include <kernel/pcpu.h>

#define ALLOC_SITE_SHIFT 5          /* log2 of the record size */

/* A call site's record: what it is, and the tag of its latest
 * allocation (written only when it changes). Its counters are per hart,
 * in each hart's own array (struct alloc_site_ctr below). */
struct alloc_site {
	const char *file;
	const char *func;
	uint32_t line;
	uint32_t tag;               /* tag of the latest allocation here */
	uint64_t pad;               /* to 1 << ALLOC_SITE_SHIFT bytes */
};

/* One hart's counters of one call site. Blocks live from a site are
 * calls - frees (alloc_site_live): one counter less to write on every
 * kmalloc. Hart h's counters of every site lie together in its own
 * array, alloc_site_hart[h][index] (index 1-based, as in a block
 * header), cache-line aligned and a whole number of lines: a hart
 * writes no line another hart writes. The arrays are the linker's
 * (linker.ld, in .bss; a static array in host builds), sized by the
 * number of records; alloc_site_init() points alloc_site_hart at them. */
struct alloc_site_ctr {
	uint64_t bytes;             /* heap bytes (block sizes) live from here */
	uint64_t calls;             /* successful allocations here, ever */
	uint64_t frees;             /* blocks from here freed, ever */
	uint64_t pad;               /* to 1 << ALLOC_SITE_SHIFT bytes */
};

extern struct alloc_site_ctr *alloc_site_hart[NCPU];

/* A record as the readers see it: its counters summed over the harts. */
struct alloc_site_stat {
	const char *file;
	const char *func;
	uint32_t line;
	uint32_t tag;
	uint64_t bytes, calls, frees;
};

_Static_assert(sizeof(struct alloc_site) == 1UL << ALLOC_SITE_SHIFT,
	       "records must tile the section with a power-of-two stride");
_Static_assert(sizeof(struct alloc_site_ctr) == 1UL << ALLOC_SITE_SHIFT,
	       "a record's counters are its index shifted");

/* Define this call site's record. aligned(8) fixes the stride: GCC does
 * not raise a user-given alignment, so records sit back to back (and
 * linker.ld's ALIGN(8) before __start_alloc_sites is enough). */
#define ALLOC_SITE_DEFINE(var)                                            \
	static struct alloc_site var                                      \
		__attribute__((section("alloc_sites"), used, aligned(8))) = \
		{ .file = __FILE__, .func = __func__, .line = __LINE__ }

/* The section's bounds (linker.ld; GNU ld on the host). Weak: an image
 * with no kmalloc call at all still links. */
extern struct alloc_site __start_alloc_sites[] __attribute__((weak));
extern struct alloc_site __stop_alloc_sites[] __attribute__((weak));

/* Blocks live from site s. */
static inline uint64_t alloc_site_live(const struct alloc_site_stat *s)
{
	return s->calls - s->frees;
}

#ifndef MM_NO_ACCOUNTING
/* Number of records in the section, 0 when there is none (both bounds
 * are then NULL). Inline, like alloc_site_at: kfree checks a block's
 * site index against it. */
static inline size_t alloc_site_count(void)
{
	return ((uintptr_t)__stop_alloc_sites - (uintptr_t)__start_alloc_sites) >>
	       ALLOC_SITE_SHIFT;
}

/* Where record 0 would be: indices are 1-based, so 0 can mean "none";
 * one constant, so neither direction spends an add on the 1. */
static inline uintptr_t alloc_site_base(void)
{
	return (uintptr_t)__start_alloc_sites - sizeof(struct alloc_site);
}

/* Record at 1-based index, which the caller has checked is in
 * 1 .. alloc_site_count() (heap_lookup does, for a block header). */
static inline struct alloc_site *alloc_site_at(size_t index)
{
	return (struct alloc_site *)(alloc_site_base() + (index << ALLOC_SITE_SHIFT));
}
#endif

/* Sum record s's per-hart counters into out. */
void alloc_site_get(const struct alloc_site *s, struct alloc_site_stat *out);

/* Copy the n records with the most live bytes into out, largest first;
 * returns how many were copied (sites that never allocated are skipped). */
size_t alloc_site_top(struct alloc_site_stat *out, size_t n);

/* Sum of live bytes and blocks over all records (for heap_check). */
void alloc_site_totals(uint64_t *bytes, uint64_t *live);

/* Zero every record's counters (boot, tests). */
void alloc_site_reset(void);

/* Bytes of all records and the harts' counters, for the metadata budget. */
size_t alloc_site_meta_bytes(void);

/* Point alloc_site_hart at each hart's counters (once, before the first
 * kmalloc: heap_init calls it). */
void alloc_site_init(void);

#ifndef MM_NO_ACCOUNTING
/* Charging, for the heap only (heap.c under heap.lock, heap_cache.c with
 * the hart pinned); inline, as it is on every kmalloc and kfree. Each adds to this hart's slots only
 * (include/kernel/pcpu.h). */

/* Charge a block of bytes under tag to s, NULL or a record (kmalloc's
 * own: not checked). Returns s's 1-based index for the block header, 0
 * for NULL: a shift, as records are 1 << ALLOC_SITE_SHIFT bytes. */
static inline unsigned alloc_site_charge_on(int c, struct alloc_site *s, int tag,
					    size_t bytes)
{
	unsigned index;
	struct alloc_site_ctr *k;

	if (!s)
		return 0;
	if (__builtin_expect(s->tag != (uint32_t)tag, 0))
		s->tag = (uint32_t)tag;     /* a shared line: only on a change */
	index = (unsigned)(((uintptr_t)s - alloc_site_base()) >> ALLOC_SITE_SHIFT);
	k = &alloc_site_hart[c][index];
	pcpu_add(&k->bytes, bytes);
	pcpu_add(&k->calls, 1);
	return index;
}

static inline uint16_t alloc_site_charge(struct alloc_site *s, int tag, size_t bytes)
{
	return (uint16_t)alloc_site_charge_on(cpu_id(), s, tag, bytes);
}

/* Return a block's bytes to the record at 1-based index, on hart c. */
static inline void alloc_site_uncharge_on(int c, size_t index, size_t bytes)
{
	struct alloc_site_ctr *k = &alloc_site_hart[c][index];

	pcpu_add(&k->bytes, -(uint64_t)bytes);
	pcpu_add(&k->frees, 1);
}

static inline void alloc_site_uncharge(size_t index, size_t bytes)
{
	alloc_site_uncharge_on(cpu_id(), index, bytes);
}
#else
/* Built with -DMM_NO_ACCOUNTING (make bench's baseline, docs/perf.md):
 * kmalloc defines no records, so there are none to find or charge. */
static inline size_t alloc_site_count(void) { return 0; }
static inline struct alloc_site *alloc_site_at(size_t index) { (void)index; return NULL; }
static inline uint16_t alloc_site_charge(struct alloc_site *s, int tag, size_t bytes)
{ (void)s; (void)tag; (void)bytes; return 0; }
static inline void alloc_site_uncharge(size_t index, size_t bytes)
{ (void)index; (void)bytes; }
static inline unsigned alloc_site_charge_on(int c, struct alloc_site *s, int tag,
					    size_t bytes)
{ (void)c; (void)s; (void)tag; (void)bytes; return 0; }
static inline void alloc_site_uncharge_on(int c, size_t index, size_t bytes)
{ (void)c; (void)index; (void)bytes; }
#endif

#endif
