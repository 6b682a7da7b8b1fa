/* Kernel heap: a tagged binary buddy allocator for kernel objects.
 *
 * Blocks are 2^k bytes, from HEAP_MIN_BLOCK (1 << HEAP_MIN_SHIFT) up to a
 * whole arena (2^HEAP_ARENA_ORDER pages). The heap takes arenas from the
 * page allocator on demand (pid 0, tag HEAP), at most HEAP_MAX_ARENAS,
 * and gives an arena back when it becomes wholly free and another arena
 * remains. Free blocks sit on doubly linked per-order lists threaded
 * through the free memory, so split, merge and buddy removal are O(log n)
 * and O(1); nothing scans.
 *
 * Every block starts with an 8-byte header (tag, order, call site,
 * requested size); kmalloc returns the address after it, 8-byte aligned.
 * So a request of n bytes takes the smallest block >= n + 8: ask for
 * page-sized buffers from page_alloc, not kmalloc. Beside each arena two
 * bitmaps (one bit per HEAP_MIN_BLOCK: "a used block starts here", "a
 * free block starts here"; 8 KiB per 1 MiB arena) make double frees,
 * foreign and interior pointers detectable without trusting the header.
 *
 * Misuse (double free, a pointer kmalloc never returned, a tag mismatch
 * in kfree_tagged, a smashed header) is reported with the caller's
 * address, counted, returned as a -E code, and leaves the heap as it was.
 * Exhaustion returns NULL and is counted under the tag; never a panic.
 *
 * Locking: heap.lock (private to heap.c) protects the heap; every
 * function takes it. Lock order: heap.lock -> pg.lock -> tag_lock, and
 * heap.lock -> site_lock. Do not call the heap with pg.lock held.
 */
#ifndef RVOS_KERNEL_HEAP_H
#define RVOS_KERNEL_HEAP_H

#include <kernel/types.h>
#include <kernel/param.h>
#include <kernel/alloc_site.h>

#define HEAP_MIN_BLOCK   (1UL << HEAP_MIN_SHIFT)
#define HEAP_ARENA_SHIFT (PAGE_SHIFT + HEAP_ARENA_ORDER)
#define HEAP_ARENA_SIZE  (1UL << HEAP_ARENA_SHIFT)
#define HEAP_ORDERS      (HEAP_ARENA_SHIFT - HEAP_MIN_SHIFT + 1)
#define HEAP_HDR_SIZE    8UL
#define HEAP_MAX_ALLOC   (HEAP_ARENA_SIZE - HEAP_HDR_SIZE)

/* kmalloc(size, tag): allocate size bytes under tag (TAG_* from
 * kernel/tag.h, or a registered slot), charged to this call site. NULL
 * when size > HEAP_MAX_ALLOC or the heap cannot grow. */
#ifndef MM_NO_ACCOUNTING
#define kmalloc(size, tag) ({                                              \
	ALLOC_SITE_DEFINE(kmalloc_site_);                                   \
	heap_alloc((size), (tag), &kmalloc_site_); })
#else   /* make bench's baseline: no call-site records (alloc_site.h) */
#define kmalloc(size, tag) heap_alloc((size), (tag), NULL)
#endif

/* kzalloc(size, tag): kmalloc, zeroed. */
#ifndef MM_NO_ACCOUNTING
#define kzalloc(size, tag) ({                                              \
	ALLOC_SITE_DEFINE(kzalloc_site_);                                   \
	heap_zalloc((size), (tag), &kzalloc_site_); })
#else
#define kzalloc(size, tag) heap_zalloc((size), (tag), NULL)
#endif

/* The heap's counters, for `mem` (free_blocks per order: order k is a
 * block of HEAP_MIN_BLOCK << k bytes). */
struct heap_stats {
	size_t total;                   /* bytes in arenas */
	size_t used;                    /* bytes in used blocks (headers too) */
	size_t free;                    /* bytes in free blocks */
	size_t cached;                  /* bytes in the harts' caches */
	size_t cached_hart[NCPU];       /* ... each hart's share */
	size_t live;                    /* used blocks */
	unsigned arenas;
	uint64_t fails;                 /* kmallocs that returned NULL */
	uint64_t misuse;                /* bad frees and bad arguments */
	uint64_t cache_hits;            /* kmallocs and kfrees a cache served */
	uint64_t cache_misses;          /* ... that went to the buddy heap */
	size_t map_bytes;               /* bitmaps of the arenas in use, arena index */
	size_t index_pages;             /* pages of the arena index (TAG_HEAP) */
	size_t header_bytes;            /* live * HEAP_HDR_SIZE */
	size_t free_blocks[HEAP_ORDERS];
};

/* What the heap knows about a live block. */
struct heap_block_info {
	int tag;
	size_t size;                    /* usable bytes (block minus header) */
	size_t req;                     /* bytes asked for */
	struct alloc_site *site;        /* NULL if not from kmalloc/kzalloc */
};

/* Forget all arenas and start empty. Once at boot, after page_init (and
 * by host tests after each page_init). */
void heap_init(void);

/* Allocate size bytes under tag for call site site: NULL, or a record
 * from ALLOC_SITE_DEFINE (not checked). Use kmalloc(), which supplies
 * its own. An unknown tag is reported and charged to ????. */
void *heap_alloc(size_t size, int tag, struct alloc_site *site);

/* heap_alloc, zeroed. Use kzalloc(). */
void *heap_zalloc(size_t size, int tag, struct alloc_site *site);

/* Free a block from kmalloc. NULL is a no-op. 0, or -EINVAL (not a live
 * block: double free, foreign or interior pointer) / -EIO (header
 * smashed); the block is then left alone. */
int kfree(void *p);

/* kfree that also states the block's tag; on a mismatch reports both
 * tags, returns -EINVAL and does not free. */
int kfree_tagged(void *p, int tag);

/* Describe the live block at p (the pointer kmalloc returned). */
int heap_block_info(const void *p, struct heap_block_info *out);

/* Snapshot the counters. */
void heap_stats(struct heap_stats *out);

/* The per-hart caches (docs/memory.md, "Per-hart heap caches"). Give
 * every cached block back to the buddy heap (wholly free arenas then go
 * back to the page allocator); call with no heap lock held. */
void heap_cache_drain(void);

/* The same for this hart's cache only: the tick calls it on a hart that
 * spent the tick idle, so an idle machine holds nothing in its caches
 * and its arenas go back to the page allocator. */
void heap_cache_drain_local(void);

/* Cache at most depth blocks of each size per hart (0: none; at most
 * HEAP_CACHE_DEPTH_MAX), giving back what is over. Default HEAP_CACHE_DEPTH. */
#define HEAP_CACHE_DEPTH     64
#define HEAP_CACHE_DEPTH_MAX 256
void heap_cache_set_depth(unsigned depth);

/* Walk every arena, free list and counter and verify every invariant
 * (block tiling, bitmaps, free-list links and orders, no unmerged free
 * buddies, used/free/live and per-tag and per-site sums). 0, or -EIO
 * after printing the first problem found. O(heap size): for tests. */
int heap_check(void);

#endif
