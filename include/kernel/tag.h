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
 * screen. Locking: a tag's heap counters are written only under
 * heap.lock and its page counters only under pg.lock, so the charging
 * functions take no lock of their own (a nested lock would double the
 * cost of kmalloc; docs/perf.md). tag_lock (private to tag.c) guards the
 * names and registration, and the other functions here take it, so
 * callers may hold heap.lock or pg.lock (lock order: heap.lock ->
 * pg.lock -> tag_lock). Each counter in a tag_stat_get() snapshot is
 * exact; while another hart allocates, the heap or page counters of one
 * tag may be caught between two updates of one allocation (heap_check
 * and page_check compare them holding heap.lock or pg.lock, so they
 * see them whole).
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

/* Counters of one tag. Heap bytes are real buddy block sizes. live is
 * derived, allocs - frees, when tag_stat_get() copies the counters out:
 * the table does not keep it, so kmalloc and kfree write one counter
 * less. 128 bytes, so finding a tag's row is a shift, not a multiply. */
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
	uint64_t pad[3];            /* to 128 bytes */
};

_Static_assert(sizeof(struct tag_stat) == 128, "a tag's row is a shift away");

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

/* Copy one tag's counters, live included; -EINVAL for a slot not in use. */
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
