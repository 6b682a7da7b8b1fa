/* Per-callsite heap accounting (the idea of Linux's /proc/allocinfo).
 *
 * Every kmalloc()/kzalloc() call site owns a static struct alloc_site in
 * the linker section "alloc_sites" (no leading dot, so GNU ld defines
 * __start_alloc_sites/__stop_alloc_sites; the kernel's linker.ld keeps the
 * section). Walking the section lists every call site in the kernel, so
 * the heap can be broken down by line of code as well as by tag.
 *
 * A record is 48 bytes of writable data per call site, whether or not it
 * ever allocates. Locking: the counters are written only by the charge
 * functions, which heap.c calls with heap_lock held, so they take no
 * lock of their own. site_lock (private to alloc_site.c) serialises the
 * readers (lock order: heap_lock -> site_lock); a reader without
 * heap_lock may see a record between two updates of one allocation on
 * another hart (heap_check reads the totals holding heap_lock).
 */
#ifndef RVOS_KERNEL_ALLOC_SITE_H
#define RVOS_KERNEL_ALLOC_SITE_H

#include <kernel/types.h>

struct alloc_site {
	const char *file;
	const char *func;
	uint32_t line;
	uint32_t tag;               /* tag of the latest allocation here */
	uint64_t bytes;             /* heap bytes (block sizes) live from here */
	uint64_t live;              /* blocks live from here */
	uint64_t calls;             /* successful allocations here, ever */
};

_Static_assert(sizeof(struct alloc_site) % 8 == 0,
	       "records must tile the section with no padding");

/* Define this call site's record. aligned(8) fixes the stride: GCC does
 * not raise a user-given alignment, so records sit back to back. */
#define ALLOC_SITE_DEFINE(var)                                            \
	static struct alloc_site var                                      \
		__attribute__((section("alloc_sites"), used, aligned(8))) = \
		{ __FILE__, __func__, __LINE__, 0, 0, 0, 0 }

/* The section's bounds (linker.ld; GNU ld on the host). Weak: an image
 * with no kmalloc call at all still links. */
extern struct alloc_site __start_alloc_sites[] __attribute__((weak));
extern struct alloc_site __stop_alloc_sites[] __attribute__((weak));

#ifndef MM_NO_ACCOUNTING
/* Number of records in the section. Inline, like index and at: they are
 * on every kmalloc and kfree. */
static inline size_t alloc_site_count(void)
{
	if (!__start_alloc_sites)
		return 0;
	return (size_t)(__stop_alloc_sites - __start_alloc_sites);
}

/* 1-based index of a record in the section, 0 if it is not in it. */
static inline size_t alloc_site_index(const struct alloc_site *s)
{
	uintptr_t a = (uintptr_t)s, lo = (uintptr_t)__start_alloc_sites;
	uintptr_t hi = (uintptr_t)__stop_alloc_sites;

	if (!s || a < lo || a >= hi || (a - lo) % sizeof(*s))
		return 0;
	return (a - lo) / sizeof(*s) + 1;
}

/* Record at 1-based index, NULL if there is none. */
static inline struct alloc_site *alloc_site_at(size_t index)
{
	if (index == 0 || index > alloc_site_count())
		return NULL;
	return &__start_alloc_sites[index - 1];
}
#endif

/* Copy the n records with the most live bytes into out, largest first;
 * returns how many were copied (sites that never allocated are skipped). */
size_t alloc_site_top(struct alloc_site *out, size_t n);

/* Sum of live bytes and blocks over all records (for heap_check). */
void alloc_site_totals(uint64_t *bytes, uint64_t *live);

/* Zero every record's counters (boot, tests). */
void alloc_site_reset(void);

/* Bytes of all records, for the metadata budget. */
size_t alloc_site_meta_bytes(void);

#ifndef MM_NO_ACCOUNTING
/* Charging, for heap.c only (caller holds heap_lock); inline, as it is
 * on every kmalloc and kfree. */
static inline void alloc_site_charge(struct alloc_site *s, int tag, size_t bytes)
{
	s->tag = (uint32_t)tag;
	s->bytes += bytes;
	s->live++;
	s->calls++;
}

static inline void alloc_site_uncharge(struct alloc_site *s, size_t bytes)
{
	s->bytes -= bytes;
	s->live--;
}
#else
/* Built with -DMM_NO_ACCOUNTING (make bench's baseline, docs/perf.md):
 * kmalloc defines no records, so there are none to find or charge. */
static inline size_t alloc_site_count(void) { return 0; }
static inline size_t alloc_site_index(const struct alloc_site *s) { (void)s; return 0; }
static inline struct alloc_site *alloc_site_at(size_t index) { (void)index; return NULL; }
static inline void alloc_site_charge(struct alloc_site *s, int tag, size_t bytes)
{ (void)s; (void)tag; (void)bytes; }
static inline void alloc_site_uncharge(struct alloc_site *s, size_t bytes)
{ (void)s; (void)bytes; }
#endif

#endif
