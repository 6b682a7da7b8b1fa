/* Allocation tags: one table of counters shared by the heap and the pages.
 *
 * Every kernel tag in include/uapi/tags.h has a compile-time slot
 * (TAG_IPC, TAG_PGTB, ...), so charging a tag is an array index. Slots
 * after TAG_NR_STATIC are handed out by tag_register() at run time, up to
 * TAG_MAX (include/kernel/param.h); a full table is refused with -ENOSPC
 * and counted, never merged into another tag.
 *
 * The heap (kernel/mm/heap.c) charges the byte counters, the page
 * allocator (kernel/mm/page.c) the page counters: one namespace, one
 * screen. The counters every allocation and free changes are per hart
 * (kernel/mm/tag_internal.h): a hart writes only its own, so charging
 * takes no lock of its own (a nested lock would double the cost of
 * kmalloc; docs/perf.md) and loses no count when harts allocate at once,
 * and tag_stat_get() sums them over the harts. Peaks are raised by the
 * allocating hart from that sum, under heap.lock (bytes) or pg.lock
 * (pages). tag_lock (private to tag.c) guards the names and
 * registration; callers may hold heap.lock or pg.lock (lock order:
 * heap.lock -> pg.lock -> tag_lock).
 *
 * What a tag_stat_get() snapshot guarantees (docs/memory.md, "Counters
 * on many harts"):
 * - exact when no allocation or free of the tag is in flight during the
 *   call, and exact for the heap (page) figures when the caller holds
 *   heap.lock (pg.lock), as heap_check and page_check do;
 * - in flight, each figure is the sum of each hart's counter read at
 *   some moment of the call: off from the true value by at most what the
 *   tag's operations overlapping the call charged (their block bytes,
 *   their count, their pages); one operation may be seen half-applied,
 *   and a free seen without its allocation may wrap a gauge below zero
 *   for that read;
 * - peak and pages_peak are exact while charges are serialised by
 *   heap.lock and pg.lock; without that they could be low by the
 *   in-flight bound;
 * - no count is ever torn or lost.
 */
#ifndef RVOS_KERNEL_TAG_H
#define RVOS_KERNEL_TAG_H

#include <kernel/types.h>
#include <kernel/param.h>
#include <uapi/tags.h>

enum {
#define TAG_ENUM(id, name) TAG_##id,
	TAG_LIST(TAG_ENUM)
#undef TAG_ENUM
	TAG_NR_STATIC               /* first slot for tag_register() */
};

_Static_assert(TAG_NR_STATIC <= TAG_MAX, "TAG_LIST longer than TAG_MAX");
_Static_assert(TAG_MAX <= 256, "tags are stored in one byte");

/* Counters of one tag, as readers get them: the per-hart counters
 * summed. Heap bytes are real buddy block sizes. live is derived,
 * allocs - frees, when tag_stat_get() sums the counters: the table does
 * not keep it, so kmalloc and kfree write one counter less. */
struct tag_stat {
	uint32_t name;              /* TAG_VALUE of the 4 characters */
	uint64_t bytes;             /* heap bytes held now */
	uint64_t peak;              /* most heap bytes ever held at once */
	uint64_t live;              /* heap blocks held now (snapshots only) */
	uint64_t allocs;            /* successful kmallocs, ever */
	uint64_t frees;             /* kfrees, ever */
	uint64_t fails;             /* kmallocs that returned NULL */
	uint64_t req;               /* bytes asked for by the live blocks */
	uint64_t pages;             /* physical pages held now */
	uint64_t pages_peak;        /* most pages ever held at once */
	uint64_t page_allocs;       /* page blocks allocated, ever */
	uint64_t page_frees;        /* page blocks freed, ever */
	uint64_t page_fails;        /* page_alloc calls that returned NULL */
};


/* Reset the table: static tags named, counters zero, no run-time tags. */
void tag_init(void);

/* Add a tag named by exactly 4 printable characters; returns its slot,
 * -EINVAL (bad name), -EEXIST (name taken) or -ENOSPC (table full). */
int tag_register(const char *name);

/* Slot of the tag with this 4-character name, or -ENOENT. */
int tag_lookup(const char *name);

/* Slots in use (TAG_NR_STATIC + registered ones); a slot below it is
 * fully set up (tag_register publishes it with release ordering). */
int tag_count(void);

/* True when tag is a slot in use. */
bool tag_valid(int tag);

/* Copy one tag's counters, summed over the harts, live included (what
 * that guarantees: above); -EINVAL for a slot not in use. Takes no lock. */
int tag_stat_get(int tag, struct tag_stat *out);

/* Write a slot's name as a NUL-terminated string ("tag#N" if unknown). */
void tag_name(int tag, char out[8]);

/* Run-time registrations refused because the table was full. */
uint64_t tag_refused(void);

/* Bytes of the tag table itself, for the metadata budget. */
size_t tag_meta_bytes(void);

/* Charging the counters is private to kernel/mm (kernel/mm/tag_internal.h),
 * but for this one, which ipc uses for a cap it refuses: count a kmalloc
 * under tag that returned NULL (an atomic add: any context). */
#ifndef MM_NO_ACCOUNTING
void tag_charge_fail(int tag);
#else
static inline void tag_charge_fail(int tag) { (void)tag; }
#endif

#endif
