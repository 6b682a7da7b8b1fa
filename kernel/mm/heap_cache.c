/* Per-hart heap caches and kmalloc/kfree's fast paths (docs/memory.md,
 * "Per-hart heap caches").
 *
 * Each hart keeps, for each block order it caches (32 B .. 4 KiB blocks),
 * a bin: a list of free blocks of that order, at most max long. kmalloc
 * of a cached size pops a block from its hart's bin and kfree pushes one,
 * with interrupts off and the hart's own lock, which only a drain or
 * heap_check from another hart ever contends: no shared lock and no
 * shared cache line is written, accounting included (the tag and call
 * site counters are per hart). An empty bin takes a batch of max/2 blocks
 * (at most 16 KiB of them) from the buddy heap under heap.lock; a bin past max gives all but max/2
 * back. When the buddy heap cannot serve an allocation, every cache is
 * drained into it and the allocation retried (heap_alloc_slow), so
 * cached blocks never make an allocation fail.
 *
 * To the buddy heap a cached block is still handed out (its used bit is
 * set), and its header says whose cache holds it (heap_cached_word): a
 * kfree of it is a double free, heap_check counts it as cached. The fast
 * paths check what is cheap and certain and send anything else to the
 * slow paths in heap.c, which check everything under heap.lock and make
 * every report (docs/memory.md, "What is caught where").
 */
#include "heap_internal.h"
#include "fast_path.h"
#include <kernel/heap.h>
#include <kernel/tag.h>
#include <kernel/mm.h>
#include <kernel/mm_debug.h>
#include <kernel/printf.h>
#include <lib/string.h>
#include <uapi/errno.h>

struct heap_cache heap_cache[NCPU] = {
	[0 ... NCPU - 1] = { .lock = SPINLOCK_INIT("heap_cache", LOCK_RANK_HEAP_CACHE) },
};

/* Most bytes one refill takes from the buddy heap. */
#define HEAP_CACHE_BATCH_BYTES (16UL << 10)

/* Largest request a cache serves: a 4 KiB block less its header. */
#define HEAP_CACHE_MAX_REQ ((HEAP_MIN_BLOCK << (HEAP_CACHE_ORDERS - 1)) - HEAP_HDR_SIZE)

/* The order of a request of size <= HEAP_CACHE_MAX_REQ bytes is
 * heap_class[(size + HEAP_HDR_SIZE + HEAP_MIN_BLOCK - 1) >> HEAP_MIN_SHIFT]:
 * the index is the block size in granules, rounded up, and the entry its
 * log2 rounded up (a load, where a loop or clz would cost more). */
static const uint8_t heap_class[129] = {
	[0 ... 1] = 0, [2] = 1, [3 ... 4] = 2, [5 ... 8] = 3, [9 ... 16] = 4,
	[17 ... 32] = 5, [33 ... 64] = 6, [65 ... 128] = 7,
};

/* heap_inside[n], n < 64 a power of two: the bits of a block's granules
 * after its first, from its first (bit 0). */
static const uint64_t heap_inside[64] = {
	[1] = 0, [2] = 0x2, [4] = 0xe, [8] = 0xfe, [16] = 0xfffe, [32] = 0xfffffffeULL,
};

_Static_assert(HEAP_CACHE_ORDERS == 8 && HEAP_MIN_SHIFT == 5,
	       "heap_class is written for 8 orders of 32 B granules");

/* The header word of the block at blk. */
static inline union heap_word *heap_word_at(uintptr_t blk)
{
	return (union heap_word *)blk;
}

/* The header a block cached in c's bin of order has. */
static inline uint64_t heap_cache_pattern(const struct heap_cache *c, unsigned order)
{
	return c->cached0 + ((uint64_t)order << 24);
}

/* The link to the next block of a bin, in a cached block's second word. */
static inline uintptr_t *heap_link(uintptr_t blk)
{
	return (uintptr_t *)(blk + HEAP_HDR_SIZE);
}

/* Fill c's empty bin of order from the buddy heap: a batch of max/2
 * blocks, or HEAP_CACHE_BATCH_BYTES of them if that is fewer (at least
 * one: the first 4 KiB kmalloc takes 4 blocks, not 32), fewer if the
 * heap runs dry. Returns the first block, 0 if none could be had or the
 * bin is off. It does not grow the heap: heap_alloc_slow does, once, and
 * counts a failure once. This allocation then counts as a miss, not a
 * hit. Caller holds c's lock (interrupts off). */
static __attribute__((noinline)) uintptr_t
heap_cache_refill(struct heap_cache *c, unsigned order)
{
	struct heap_bin *b = &c->bin[order];
	unsigned most = (unsigned)(HEAP_CACHE_BATCH_BYTES >> (order + HEAP_MIN_SHIFT));
	unsigned n = MIN(b->max / 2 ? b->max / 2 : b->max, MAX(1u, most));
	struct heap_arena *a;
	uintptr_t blk;

	if (!n)
		return 0;
	spin_lock(&heap.lock);
	while (n-- && (blk = heap_take(order, false, &a))) {
		heap_word_at(blk)->w = heap_cache_pattern(c, order);
		*heap_link(blk) = b->head;
		b->head = blk;
		b->count++;
	}
	spin_unlock(&heap.lock);
	if (b->head) {                  /* else heap_alloc_slow counts the miss */
		pcpu_add(&c->misses, 1);
		pcpu_add(&c->hits, -1ULL);      /* the fast path counts it again */
	}
	return b->head;
}

/* A bin's head whose header is not the cached pattern: the block was
 * written after it was freed (or the list is corrupt). Report it, and
 * drop the bin: its blocks stay handed out to the buddy heap, lost but
 * harmless, and heap_check will name them. Caller holds c's lock. */
static __attribute__((noinline)) void
heap_cache_smashed(struct heap_cache *c, unsigned order, uintptr_t blk)
{
	struct heap_bin *b = &c->bin[order];

	if (heap_arena_of(blk))
		kprintf("heap: cached block %p (order %u) was written after kfree: "
			"header %lx; its bin of %u blocks is dropped\n", (void *)blk, order,
			(unsigned long)heap_word_at(blk)->w, b->count);
	else
		kprintf("heap: a link in a bin (order %u) was written after kfree: "
			"%p is no heap block; the bin's %u blocks are dropped\n", order,
			(void *)blk, b->count);
	__atomic_add_fetch(&heap.misuse, 1, __ATOMIC_RELAXED);
	b->head = 0;
	b->count = 0;
	b->max = 0;                     /* this size goes to the buddy heap */
}

/* The arena of blk, if blk is a block c's bin of order may hold: in an
 * arena, aligned to its size, its used bit set, its header the cached
 * pattern of this hart and order. NULL when a write after free reached
 * its header or the link to it. Caller holds heap.lock. */
static struct heap_arena *heap_cache_sound(const struct heap_cache *c, unsigned order,
					   uintptr_t blk)
{
	struct heap_arena *a = heap_arena_of(blk);

	if (!a || ((blk - a->base) & ((HEAP_MIN_BLOCK << order) - 1)) ||
	    !heap_bit(a->used, (blk - a->base) >> HEAP_MIN_SHIFT) ||
	    heap_word_at(blk)->w != heap_cache_pattern(c, order))
		return NULL;
	return a;
}

/* Give c's bin of order back to the buddy heap down to keep blocks,
 * each checked first as a kmalloc checks the head it pops: a block
 * written after it was freed is reported and the rest of the bin
 * dropped, a link is never followed blind. Caller holds c's lock
 * (interrupts off). */
static void heap_cache_spill(struct heap_cache *c, unsigned order, unsigned keep)
{
	struct heap_bin *b = &c->bin[order];

	spin_lock(&heap.lock);
	while (b->count > keep) {
		uintptr_t blk = b->head;
		struct heap_arena *a = heap_cache_sound(c, order, blk);

		if (!a) {
			heap_cache_smashed(c, order, blk);
			break;
		}
		b->head = *heap_link(blk);
		b->count--;
		heap_release(a, blk, order);
	}
	spin_unlock(&heap.lock);
}

/* Order of a request of size <= HEAP_CACHE_MAX_REQ bytes. */
static inline unsigned heap_cache_order(size_t size)
{
	return heap_class[(size + HEAP_HDR_SIZE + HEAP_MIN_BLOCK - 1) >> HEAP_MIN_SHIFT];
}

/* Hand out blk, the head of bin b of hart's cache c: unlink it, write
 * its header, charge it. Caller holds c's lock; hart is below n, the
 * harts the tag table sums. */
static __attribute__((always_inline)) inline void *
heap_cache_pop(struct heap_cache *c, struct heap_bin *b, uintptr_t blk, int hart, int n,
	       size_t size, int tag, struct alloc_site *site, unsigned order)
{
	size_t bsize = HEAP_MIN_BLOCK << order;

	(void)n;
	b->head = *heap_link(blk);
	b->count--;
	heap_word_at(blk)->w = heap_hdr_word(alloc_site_charge_on(hart, site, tag, bsize),
					     (unsigned)tag, order, (uint32_t)size);
	tag_charge_alloc_n(hart, n, tag, bsize, size);
#ifdef MM_NO_ACCOUNTING
	pcpu_add(&c->used, bsize);
	pcpu_add(&c->live, 1);
#endif
	pcpu_add(&c->hits, 1);
	return (void *)(blk + HEAP_HDR_SIZE);
}

/* kmalloc of a cached size, all of it: waits for the hart's lock if a
 * drain holds it, joins the tag table's summed harts, refills an empty
 * bin, drops a smashed one. The leaf fast path sends here whatever it
 * does not finish itself; what this cannot serve goes to
 * heap_alloc_slow, which reports for the caller ra. */
static __attribute__((noinline)) void *
heap_alloc_cached(size_t size, int tag, struct alloc_site *site, uintptr_t ra)
{
	unsigned order = heap_cache_order(size);
	unsigned long s = intr_save();
	int hart = cpu_id(), n = hart + 1;
	struct heap_cache *c = &heap_cache[hart];
	struct heap_bin *b = &c->bin[order];
	uintptr_t blk;
	void *p;

#ifndef MM_NO_ACCOUNTING
	tag_cpu_row_on(hart, tag, &n);
#endif
	spin_lock_raw(&c->lock);
	blk = b->head;
	if (!blk && !(blk = heap_cache_refill(c, order)))
		goto slow;
	if (heap_word_at(blk)->w != heap_cache_pattern(c, order)) {
		heap_cache_smashed(c, order, blk);
		goto slow;
	}
	p = heap_cache_pop(c, b, blk, hart, n, size, tag, site, order);
	spin_unlock_raw(&c->lock);
	intr_restore(s);
	return p;
slow:
	spin_unlock_raw(&c->lock);
	intr_restore(s);
	return heap_alloc_slow(size, tag, site, ra);
}

/* kmalloc's fast path, a leaf: a block of a cached size from this
 * hart's bin, when its lock is free, the bin not empty and its head
 * sound. Anything else goes on (as a tail call) to heap_alloc_cached or,
 * for sizes the caches do not hold and unknown tags, heap_alloc_slow. */
static __attribute__((always_inline)) inline void *
heap_alloc_quick(size_t size, int tag, struct alloc_site *site, uintptr_t ra)
{
	struct heap_cache *c;
	struct heap_bin *b;
	unsigned long s;
	unsigned order;
	uintptr_t blk;
	int hart, n;
	void *p;

	if (size > HEAP_CACHE_MAX_REQ || !tag_in_use(tag))
		return heap_alloc_slow(size, tag, site, ra);
	order = heap_cache_order(size);
	s = intr_save();
	hart = cpu_id();
	c = &heap_cache[hart];
	b = &c->bin[order];
	n = pcpu_read_int(&tag_harts);
#ifndef MM_NO_ACCOUNTING
	if (__builtin_expect(hart >= n, 0))
		goto cached;
#endif
	if (__atomic_exchange_n(&c->lock.locked, 1, __ATOMIC_ACQUIRE))
		goto cached;
	blk = b->head;
	if (__builtin_expect(!blk || heap_word_at(blk)->w != heap_cache_pattern(c, order), 0)) {
		spin_unlock_raw(&c->lock);
		goto cached;
	}
	p = heap_cache_pop(c, b, blk, hart, n, size, tag, site, order);
	spin_unlock_raw(&c->lock);
	intr_restore(s);
	return p;
cached:
	intr_restore(s);
	return heap_alloc_cached(size, tag, site, ra);
}

/* Allocate size bytes under tag for call site site. */
MM_FAST_PATH void *heap_alloc(size_t size, int tag, struct alloc_site *site)
{
	return heap_alloc_quick(size, tag, site, mm_caller());
}

/* Allocate size zeroed bytes under tag for call site site. Not a leaf
 * (memset), so it keeps its frame and asks GCC for the caller. */
void *heap_zalloc(size_t size, int tag, struct alloc_site *site)
{
	void *p = heap_alloc_quick(size, tag, site,
				   (uintptr_t)__builtin_return_address(0));

	if (p)
		memset(p, 0, size);
	return p;
}

/* Is the block at granule g, n granules long (n a power of two, g a
 * multiple of it), one the bitmaps say is handed out whole: its first
 * granule starts a used block, no granule inside it starts anything,
 * and the granule after it starts a block or ends the arena? Whole
 * words at a time: for n < 64 the block lies in one word of each map,
 * for n >= 64 it is whole words. The bitmaps are read without
 * heap.lock: other blocks' bits may change under us, so a "no" is only
 * a doubt (the slow path decides), while a "yes" for a live block is
 * certain, as nothing changes a live block's own bits but its free. */
static inline bool heap_bits_whole(const uint64_t *used, const uint64_t *fr,
				   size_t g, size_t n)
{
	size_t w = g >> 6, sh = g & 63;
	uint64_t u, any;

	if (n < 64) {
		/* the block's bits, from its first: 1 then n - 1 zeros */
		u = used[w] >> sh;
		any = u | (fr[w] >> sh);
		if (!(u & 1) || (any & heap_inside[n]))
			return false;
		if (sh + n < 64)
			return (any >> n) & 1;
	} else {
		if (used[w] != 1 || fr[w])
			return false;
		for (size_t i = 1; i < n / 64; i++)
			if (used[w + i] | fr[w + i])
				return false;
	}
	g += n;
	return g >= HEAP_GRANULES || ((used[g >> 6] | fr[g >> 6]) & 1);
}

/* What kfree's fast paths learn of a block they may cache. */
struct heap_freeing {
	uint64_t w;                     /* its header word */
	unsigned order, tag, site;
	uint32_t req;
	size_t bsize;
};

/* Is p a live block of a cached order whose header and bitmaps agree,
 * and of want_tag if that is >= 0? Reads without any lock; false is only
 * a doubt (heap_free_slow decides and reports). */
static __attribute__((always_inline)) inline bool
heap_free_sound(void *p, int want_tag, struct heap_freeing *f)
{
	uintptr_t blk = (uintptr_t)p - HEAP_HDR_SIZE, base;
	struct heap_arena *a = heap_arena_of(blk);
	const uint64_t *used;

	if (!a || (blk & (HEAP_MIN_BLOCK - 1)))
		return false;
	base = a->base;
	used = a->used;
	if (!used || blk - base >= HEAP_ARENA_SIZE)
		return false;                   /* the arena is going away */
	f->w = __atomic_load_n(&heap_word_at(blk)->w, __ATOMIC_RELAXED);
	f->site = f->w & 0xffff;
	f->tag = (f->w >> 16) & 0xff;
	f->order = (f->w >> 24) & 0xff;
	f->req = (uint32_t)(f->w >> 32);
	f->bsize = HEAP_MIN_BLOCK << (f->order & 63);
	return f->order < HEAP_CACHE_ORDERS && tag_in_use((int)f->tag) &&
	       (want_tag < 0 || f->tag == (unsigned)want_tag) &&
	       f->site <= heap.nsites && f->req <= f->bsize - HEAP_HDR_SIZE &&
	       heap_bits_whole(used, used + HEAP_MAP_WORDS, (blk - base) >> HEAP_MIN_SHIFT,
			       (size_t)1 << f->order);
}

/* Claim the sound block at p for hart's cache c (swap its header for
 * the cached pattern: of two harts freeing one block at once one wins,
 * the other finds it cached, a double free the slow path reports),
 * uncharge it and push it. False if the swap lost. Caller holds c's
 * lock, the bin has room, hart is below the tag table's summed harts. */
static __attribute__((always_inline)) inline bool
heap_cache_push(struct heap_cache *c, struct heap_bin *b, void *p, int hart,
		struct heap_freeing *f)
{
	uintptr_t blk = (uintptr_t)p - HEAP_HDR_SIZE;
	uint64_t w = f->w;      /* a local: f stays in registers */

	if (!__atomic_compare_exchange_n(&heap_word_at(blk)->w, &w,
					 heap_cache_pattern(c, f->order), false,
					 __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		return false;
	tag_charge_free_n(hart, (int)f->tag, f->bsize, f->req);
	if (f->site)
		alloc_site_uncharge_on(hart, f->site, f->bsize);
#ifdef MM_NO_ACCOUNTING
	pcpu_add(&c->used, -(uint64_t)f->bsize);
	pcpu_add(&c->live, -1ULL);
#endif
	*heap_link(blk) = b->head;
	b->head = blk;
	b->count++;
	pcpu_add(&c->hits, 1);
	return true;
}

/* kfree of a block a cache may take, all of it: waits for the hart's
 * lock, joins the summed harts, spills a full bin first. */
static __attribute__((noinline)) int
heap_free_cached(void *p, int want_tag, const char *what, uintptr_t ra)
{
	struct heap_freeing f;
	struct heap_cache *c;
	struct heap_bin *b;
	unsigned long s;
	int hart, n;
	bool spilled;

	(void)n;
	if (!heap_free_sound(p, want_tag, &f))
		return heap_free_slow(p, want_tag, what, ra);
	s = intr_save();
	hart = cpu_id();
	c = &heap_cache[hart];
	b = &c->bin[f.order];
#ifndef MM_NO_ACCOUNTING
	tag_cpu_row_on(hart, (int)f.tag, &n);
#endif
	spin_lock_raw(&c->lock);
	spilled = b->max && b->count >= b->max;
	if (spilled)
		heap_cache_spill(c, f.order, b->max / 2);
	if (!b->max)                    /* off, or dropped by the spill */
		goto slow;
	if (!heap_cache_push(c, b, p, hart, &f))
		goto slow;                      /* heap_free_slow counts the miss */
	if (spilled) {
		pcpu_add(&c->misses, 1);
		pcpu_add(&c->hits, -1ULL);      /* heap_cache_push counted one */
	}
	spin_unlock_raw(&c->lock);
	intr_restore(s);
	return 0;
slow:
	spin_unlock_raw(&c->lock);
	intr_restore(s);
	return heap_free_slow(p, want_tag, what, ra);
}

/* kfree's fast path, a leaf: a sound block of a cached order onto this
 * hart's bin, when its lock is free and the bin has room. Anything else
 * goes on (a tail call) to heap_free_cached, or heap_free_slow. */
static __attribute__((always_inline)) inline int
heap_free_quick(void *p, int want_tag, const char *what, uintptr_t ra)
{
	struct heap_freeing f;
	struct heap_cache *c;
	struct heap_bin *b;
	unsigned long s;
	int hart;

	if (!heap_free_sound(p, want_tag, &f))
		return heap_free_slow(p, want_tag, what, ra);
	s = intr_save();
	hart = cpu_id();
	c = &heap_cache[hart];
	b = &c->bin[f.order];
#ifndef MM_NO_ACCOUNTING
	if (__builtin_expect(hart >= pcpu_read_int(&tag_harts), 0))
		goto cached;
#endif
	if (__atomic_exchange_n(&c->lock.locked, 1, __ATOMIC_ACQUIRE))
		goto cached;
	if (__builtin_expect(b->count >= b->max, 0)) {
		spin_unlock_raw(&c->lock);
		goto cached;
	}
	if (!heap_cache_push(c, b, p, hart, &f)) {
		spin_unlock_raw(&c->lock);
		intr_restore(s);
		return heap_free_slow(p, want_tag, what, ra);
	}
	spin_unlock_raw(&c->lock);
	intr_restore(s);
	return 0;
cached:
	intr_restore(s);
	return heap_free_cached(p, want_tag, what, ra);
}

/* Free a block from kmalloc. */
MM_FAST_PATH int kfree(void *p)
{
	return heap_free_quick(p, -1, "kfree", mm_caller());
}

/* Free a block from kmalloc whose tag the caller states. */
MM_FAST_PATH int kfree_tagged(void *p, int tag)
{
	return heap_free_quick(p, tag < 0 ? TAG_MAX : tag, "kfree_tagged",
			       mm_caller());
}

/* Bytes in hart h's cache: read without its lock, a snapshot. */
size_t heap_cache_bytes(int h)
{
	size_t bytes = 0;

	for (unsigned o = 0; o < HEAP_CACHE_ORDERS; o++)
		bytes += (size_t)__atomic_load_n(&heap_cache[h].bin[o].count,
						 __ATOMIC_RELAXED) << (o + HEAP_MIN_SHIFT);
	return bytes;
}

/* Give back all of hart h's cached blocks, if it holds any. */
static void heap_cache_empty(int h)
{
	struct heap_cache *c = &heap_cache[h];
	unsigned long s = intr_save();

	if (heap_cache_bytes(h)) {
		spin_lock_raw(&c->lock);
		for (unsigned o = 0; o < HEAP_CACHE_ORDERS; o++)
			if (c->bin[o].count)
				heap_cache_spill(c, o, 0);
		spin_unlock_raw(&c->lock);
	}
	intr_restore(s);
}

/* Give back every cached block, one hart's cache at a time (heap.h). */
void heap_cache_drain(void)
{
	for (int h = 0; h < NCPU; h++)
		heap_cache_empty(h);
}

/* Give back this hart's cached blocks (heap.h): an idle hart's. The
 * hart is read with interrupts off, so it is this one's throughout. */
void heap_cache_drain_local(void)
{
	unsigned long s = intr_save();

	heap_cache_empty(cpu_id());
	intr_restore(s);
}

/* Bytes in every hart's cache. */
size_t heap_cache_bytes_all(void)
{
	size_t bytes = 0;

	for (int h = 0; h < NCPU; h++)
		bytes += heap_cache_bytes(h);
	return bytes;
}

/* Set every hart's bins to depth blocks (0: no caching); 0 whatever is
 * asked while a heap debugging mode is on (mm_debug.h): its hooks are
 * on the slow paths, and poison's invariant holds only for blocks that
 * never sat in a cache. */
void heap_cache_set_depth(unsigned depth)
{
	if (depth > HEAP_CACHE_DEPTH_MAX)
		depth = HEAP_CACHE_DEPTH_MAX;
	if (mm_debug_on(~0u))
		depth = 0;
	for (int h = 0; h < NCPU; h++) {
		struct heap_cache *c = &heap_cache[h];
		unsigned long s = intr_save();

		spin_lock_raw(&c->lock);
		for (unsigned o = 0; o < HEAP_CACHE_ORDERS; o++) {
			c->bin[o].max = depth;      /* a bin dropped as smashed too */
			if (c->bin[o].count > depth)
				heap_cache_spill(c, o, depth);
		}
		spin_unlock_raw(&c->lock);
		intr_restore(s);
	}
}

/* Empty every cache without a word to the buddy heap (its arenas are
 * being forgotten) and start each at the default depth. */
void heap_cache_reset(void)
{
	for (int h = 0; h < NCPU; h++) {
		struct heap_cache *c = &heap_cache[h];
		for (unsigned o = 0; o < HEAP_CACHE_ORDERS; o++)
			c->bin[o] = (struct heap_bin){ .max = HEAP_CACHE_DEPTH };
		c->hits = c->misses = 0;
		c->cached0 = heap_cached_word(0, h);
#ifdef MM_NO_ACCOUNTING
		c->used = c->live = 0;
#endif
	}
}
