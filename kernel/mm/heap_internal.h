/* State shared by heap.c (the buddy heap) and heap_check.c (invariant
 * walker). Nothing else includes this; all of it is protected by
 * heap.lock. */
#ifndef RVOS_MM_HEAP_INTERNAL_H
#define RVOS_MM_HEAP_INTERNAL_H

#include <kernel/heap.h>
#include "tag_internal.h"
#include <kernel/spinlock.h>

#define HEAP_TOP         (HEAP_ORDERS - 1)          /* order of a whole arena */
#define HEAP_GRANULES    (HEAP_ARENA_SIZE >> HEAP_MIN_SHIFT)
#define HEAP_MAP_WORDS   (HEAP_GRANULES / 64)
#define HEAP_MAP_BYTES   (2 * HEAP_MAP_WORDS * sizeof(uint64_t))
#define HEAP_FREE_MAGIC  0x45455246u                /* "FREE" in memory */

/* The header at the start of every used block: 8 bytes. */
struct heap_hdr {
	uint16_t site;                  /* alloc_site index, 0 = none */
	uint8_t tag;
	uint8_t order;
	uint32_t req;                   /* bytes asked for */
};

/* What a free block holds at its start: its free-list links. */
struct heap_free {
	struct heap_free *next, *prev;
	uint32_t magic;
	uint32_t order;
};

_Static_assert(sizeof(struct heap_hdr) == HEAP_HDR_SIZE, "header size");
_Static_assert(sizeof(struct heap_free) <= HEAP_MIN_BLOCK, "free record fits");
_Static_assert(HEAP_GRANULES % 64 == 0, "bitmaps are whole words");
_Static_assert(HEAP_ORDERS <= 256, "order fits a byte");
_Static_assert(HEAP_ARENA_ORDER <= PAGE_MAX_ORDER, "arena is one page block");

/* An arena: base == 0 marks an empty slot. used/free are bitmaps with a
 * bit per granule of HEAP_MIN_BLOCK bytes, set where a used/free block
 * starts. Invariant: each granule of an arena has at most one bit set,
 * and exactly the granules that start a block have one. */
struct heap_arena {
	uintptr_t base;
	uint64_t *used;
	uint64_t *free;
};

struct heap_state {
	struct spinlock lock;
	struct heap_arena arena[HEAP_MAX_ARENAS];
	unsigned narenas;
	struct heap_free *free_list[HEAP_ORDERS];
	size_t free_count[HEAP_ORDERS];
#ifdef MM_NO_ACCOUNTING
	size_t used;                    /* bytes in used blocks */
	size_t live;                    /* used blocks */
#endif
	uint64_t fails, misuse;
};

extern struct heap_state heap;

/* The heap's totals: bytes in used blocks (headers too) and used blocks.
 * With tracking they are sums over the tag table, whose heap counters
 * kmalloc and kfree charge anyway, so each block is counted once, not
 * twice; the -DMM_NO_ACCOUNTING baseline has no tag table and keeps its
 * own. Caller holds heap.lock. */
#ifndef MM_NO_ACCOUNTING
static inline void heap_count_alloc(size_t bytes) { (void)bytes; }
static inline void heap_count_free(size_t bytes) { (void)bytes; }
static inline void heap_count_reset(void) { }
static inline void heap_totals(size_t *used, size_t *live)
{
	uint64_t b, n;

	tag_heap_totals(&b, &n);
	*used = b;
	*live = n;
}
#else
static inline void heap_count_alloc(size_t bytes) { heap.used += bytes; heap.live++; }
static inline void heap_count_free(size_t bytes) { heap.used -= bytes; heap.live--; }
static inline void heap_count_reset(void) { heap.used = heap.live = 0; }
static inline void heap_totals(size_t *used, size_t *live)
{
	*used = heap.used;
	*live = heap.live;
}
#endif

/* Is bit g of map set? */
static inline bool heap_bit(const uint64_t *map, size_t g)
{
	return (map[g >> 6] >> (g & 63)) & 1;
}

#endif
