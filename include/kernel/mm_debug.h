/* Heap debugging modes (docs/memory.md, "Poison, redzones and guard
 * pages") and the out-of-memory report ("When memory runs out").
 *
 * mm_debug_flags says which modes are on. Any mode on sets the per-hart
 * heap caches' depth to 0 (mm_debug_caches_update), so every kmalloc and
 * kfree takes the slow paths in heap.c, where the hooks are; with every
 * mode off the fast paths are as they were. Switched by the bootarg
 * mm_debug=WORD,... (after heap_init) and by syscall 38, mmdebug(), with
 * the same words and "-WORD" to switch one off:
 *   poison      freed blocks are filled with MM_POISON_BYTE, checked when
 *               handed out again: a write after free is reported
 *   redzone     at least MM_REDZONE_MIN bytes after each block, filled
 *               with MM_REDZONE_BYTE, checked at kfree: an overflow is
 *               reported
 *   guard=TAG   blocks of tag TAG get a page of their own, ending against
 *               an unmapped page; guard=1/N every Nth eligible block
 *               instead (any tag). An overflow or use after free faults
 *               and the panic names the block.
 * Reports are counted as misuse (heap_stats) and never panic, except a
 * guard page's fault, which is a kernel fault.
 */
#ifndef RVOS_KERNEL_MM_DEBUG_H
#define RVOS_KERNEL_MM_DEBUG_H

#include <kernel/types.h>
#include <kernel/alloc_site.h>

#define MM_DBG_AUDIT   1u       /* the audit helper's (joined at merge) */
#define MM_DBG_POISON  2u
#define MM_DBG_REDZONE 4u
#define MM_DBG_GUARD   8u

#define MM_POISON_BYTE   0x6b   /* a freed block's bytes */
#define MM_REDZONE_BYTE  0xcc   /* the bytes after a block's request */
#define MM_REDZONE_MIN   16     /* at least this many after each block */
#define MM_REQ_REDZONE   (1u << 31)   /* heap_hdr.req: block has a redzone */

extern unsigned mm_debug_flags;

/* The flags now (a relaxed load: a hook may see a switch late, which
 * each mode tolerates). */
static inline unsigned mm_debug_on(unsigned bits)
{
	return __atomic_load_n(&mm_debug_flags, __ATOMIC_RELAXED) & bits;
}

/* Heap caches at depth 0 when any mode is on, HEAP_CACHE_DEPTH when
 * none. Call with no heap lock held. */
void mm_debug_caches_update(void);

/* Read the bootarg mm_debug=... (boot hart, after vm_init: a guard
 * window is built then). Unknown words are reported and skipped. */
void mm_debug_boot(void);

/* Switch modes by spec (words as the bootarg's, comma or space
 * separated, "-word" off). Returns the new flags, or -EINVAL (unknown
 * word, bad tag: nothing changed; *bad points at the word if not NULL).
 * Describes the modes now in out[0..n) if out is not NULL. */
long mm_debug_set(const char *spec, const char **bad, char *out, size_t n);

/* Write "poison,redzone,guard=TAG" (or "off") into out[0..n). */
void mm_debug_describe(char *out, size_t n);

/* What the latest report found, for tests (kernel/test/mm_debug_ktest.c). */
struct mm_debug_last {
	int kind;                       /* MM_DBG_POISON or MM_DBG_REDZONE */
	uintptr_t block;                /* the pointer kmalloc returned */
	long offset;                    /* poison: first byte written, from block;
					 * redzone: bytes past the request run */
	struct alloc_site *alloc_site;  /* who allocated it */
	uintptr_t free_ra;              /* poison: who freed it (0: unknown) */
	uint64_t count;                 /* reports so far */
};
extern struct mm_debug_last mm_debug_last;

/* Hooks for heap.c, called with heap.lock held (kernel/mm/heap_debug.c). */
void mm_poison_fill(void *p, size_t n);
void mm_poison_free_blocks(void);
void mm_poison_check(uintptr_t blk, size_t bsize);
struct heap_hdr;
void mm_poison_freed(uintptr_t blk, size_t bsize, const struct heap_hdr *h, uintptr_t ra);
void mm_redzone_fill(uintptr_t blk, size_t bsize, size_t req);
void mm_redzone_check(uintptr_t blk, size_t bsize, const struct heap_hdr *h,
		      uintptr_t ra);

/* Guard pages (kernel/mm/heap_guard.c). mm_guard_alloc: a guarded block
 * for this request, or NULL (not chosen, too big, no slot or no page:
 * the heap serves it). The others take any pointer; false / -EINVAL when
 * it is not in the guard window. Lock: guard_lock, with no heap lock. */
void *mm_guard_alloc(size_t size, int tag, struct alloc_site *site);
bool mm_guard_owns(const void *p);
int mm_guard_free(void *p, int want_tag, const char *what, uintptr_t ra);
struct heap_block_info;
int mm_guard_info(const void *p, struct heap_block_info *out);
/* A kernel fault at addr: if it is in the guard window, a line naming
 * the block for the panic (into why[0..n)), true. */
bool mm_guard_fault(uintptr_t addr, char *why, size_t n);
/* Make the guard window's level-1 table (boot hart, before processes). */
void mm_guard_boot(void);
/* Choose what guard guards: tag >= 0, or every Nth (every > 0). */
int mm_guard_select(int tag, unsigned every);
void mm_guard_describe(char *out, size_t n);

/* The out-of-memory report (kernel/mm/oom.c): call when an allocation
 * fails for want of memory, with no lock held above heap.lock's rank
 * (heap.lock itself may be held). Prints at most twice (docs). */
void mm_oom(const char *what, size_t bytes, int tag, uintptr_t ra);
/* Reports printed so far; and forget them (tests). */
unsigned mm_oom_reports(void);
void mm_oom_reset(void);

#endif
