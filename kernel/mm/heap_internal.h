/* State shared by heap.c (the buddy heap), heap_cache.c (the per-hart
 * caches and kmalloc/kfree's fast paths) and heap_check.c (invariant
 * walker). Nothing else includes this. heap_state is protected by
 * heap.lock, heap_cache[h] by its own lock (docs/memory.md, "Per-hart
 * heap caches"). */
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

/* The header as one word, for the fast paths' single load, compare and
 * compare-and-swap (little-endian: site, tag, order, req from bit 0). */
union heap_word {
	struct heap_hdr h;
	uint64_t w;
};

static inline uint64_t heap_hdr_word(unsigned site, unsigned tag, unsigned order,
				     uint32_t req)
{
	return site | (uint64_t)tag << 16 | (uint64_t)order << 24 | (uint64_t)req << 32;
}

/* A block in a hart's cache keeps its used bit (to the buddy heap it is
 * still handed out) and has this header: tag HEAP_TAG_CACHED, no tag
 * can be (TAG_MAX <= 255), and req HEAP_CACHED_REQ | hart, more than any
 * block can hold. Its second word links it into its bin. */
#define HEAP_TAG_CACHED   0xFFu
#define HEAP_CACHED_REQ   0xCAC4E000u
#define HEAP_CACHE_ORDERS 8         /* blocks of 32 B .. 4 KiB are cached */

static inline uint64_t heap_cached_word(unsigned order, int hart)
{
	return heap_hdr_word(0, HEAP_TAG_CACHED, order, HEAP_CACHED_REQ | (uint32_t)hart);
}

/* Is w the header of a cached block? (any order, any hart) */
static inline bool heap_word_cached(uint64_t w)
{
	return ((w >> 16) & 0xff) == HEAP_TAG_CACHED &&
	       ((w >> 32) & ~0xfffULL) == HEAP_CACHED_REQ;
}

/* What a free block holds at its start: its free-list links. */
struct heap_free {
	struct heap_free *next, *prev;
	uint32_t magic;
	uint32_t order;
};

_Static_assert(sizeof(struct heap_hdr) == HEAP_HDR_SIZE, "header size");
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "heap_hdr_word's layout");
_Static_assert(TAG_MAX <= HEAP_TAG_CACHED, "no tag is HEAP_TAG_CACHED");
_Static_assert(NCPU <= 0x1000, "the hart fits HEAP_CACHED_REQ's low bits");
_Static_assert(HEAP_CACHE_ORDERS <= HEAP_ORDERS, "cached orders are heap orders");
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
	uint64_t pad;                   /* a power of two: a shift from a slot */
};

_Static_assert(sizeof(struct heap_arena) == 32, "arena slots are a shift apart");

/* heap.index maps an address to its arena in O(1): entry
 * (x - heap.index_base) >> HEAP_ARENA_SHIFT is 1 + the arena's slot, 0
 * for none. Arenas are page blocks of order HEAP_ARENA_ORDER, aligned to
 * their size from the page allocator's base, so each fills one entry.
 * One byte per MiB of RAM, in pages taken at heap_init. */
struct heap_state {
	struct spinlock lock;
	struct heap_arena arena[HEAP_MAX_ARENAS];
	unsigned narenas;
	uint8_t *index;
	uintptr_t index_base;
	size_t index_len;               /* entries */
	unsigned index_order;           /* page order of index's block */
	unsigned keep;                  /* drains in flight: keep free arenas */
	unsigned nsites;                /* alloc_site_count(), for kfree's check */
	struct heap_free *free_list[HEAP_ORDERS];
	size_t free_count[HEAP_ORDERS];
#ifdef MM_NO_ACCOUNTING
	size_t used;                    /* bytes in used blocks */
	size_t live;                    /* used blocks */
#endif
	uint64_t fails, misuse;
};

extern struct heap_state heap;

/* One size's bin of a hart's cache: a list through the blocks' second
 * words, at most max long. */
struct heap_bin {
	uintptr_t head;
	uint32_t count, max;
};

/* Hart h's cache, written by h with interrupts off under its lock, which
 * other harts take only to drain it or read it whole (heap_check). The
 * counters are h's alone. A cache line or more of its own. */
struct heap_cache {
	struct spinlock lock;
	struct heap_bin bin[HEAP_CACHE_ORDERS];
	uint64_t hits;                  /* kmallocs and kfrees served here */
	uint64_t misses;                /* ... that went to the buddy heap */
	uint64_t cached0;               /* heap_cached_word(0, h): + order << 24 */
#ifdef MM_NO_ACCOUNTING
	uint64_t used, live;            /* this hart's part of heap_totals */
#endif
} __attribute__((aligned(64)));

extern struct heap_cache heap_cache[NCPU];

/* The arena holding x, or NULL: O(1) through heap.index. Readers without
 * heap.lock get a slot that was an arena's (entries are bytes), and must
 * check it under heap.lock before trusting it. */
static inline struct heap_arena *heap_arena_of(uintptr_t x)
{
	size_t i = (x - heap.index_base) >> HEAP_ARENA_SHIFT;
	unsigned slot;

	if (i >= heap.index_len)
		return NULL;
	slot = __atomic_load_n(&heap.index[i], __ATOMIC_RELAXED);
	return slot ? &heap.arena[slot - 1] : NULL;
}

/* The heap's totals: bytes in used blocks (headers too) and used blocks.
 * With tracking they are sums over the tag table, whose heap counters
 * kmalloc and kfree charge anyway, so each block is counted once, not
 * twice; the -DMM_NO_ACCOUNTING baseline has no tag table and keeps its
 * own, in heap.used under heap.lock and in each hart's cache. Exact
 * under heap.lock at quiescence. */
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
	for (int h = 0; h < NCPU; h++) {
		*used += pcpu_read(&heap_cache[h].used);
		*live += pcpu_read(&heap_cache[h].live);
	}
}
#endif

/* heap.c, for heap_cache.c; caller holds heap.lock. */
uintptr_t heap_take(unsigned order, bool grow, struct heap_arena **ap);
void heap_release(struct heap_arena *a, uintptr_t blk, unsigned order);
/* The slow paths, reporting misuse as kmalloc/kfree always did. */
void *heap_alloc_slow(size_t size, int tag, struct alloc_site *site, uintptr_t ra);
int heap_free_slow(void *p, int want_tag, const char *what, uintptr_t ra);
/* heap_cache.c: bytes in hart h's cache and in all (no lock: a
 * snapshot). heap_cache_drain() (heap.h) takes each cache's lock and
 * heap.lock: call it with neither held. */
size_t heap_cache_bytes(int h);
size_t heap_cache_bytes_all(void);
/* Empty every cache without giving blocks back (heap_init: the arenas
 * are being forgotten) and set the default depth. */
void heap_cache_reset(void);

/* Is bit g of map set? */
static inline bool heap_bit(const uint64_t *map, size_t g)
{
	return (map[g >> 6] >> (g & 63)) & 1;
}

#endif
