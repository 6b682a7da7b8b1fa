/* The kernel heap: tagged buddy blocks carved from page-allocator arenas.
 * See include/kernel/heap.h for the contract; heap_check.c verifies it. */
#include "heap_internal.h"
#include <kernel/page.h>
#include <kernel/tag.h>
#include <kernel/mm.h>
#include <kernel/mm_debug.h>
#include <kernel/mm_audit.h>
#include <kernel/printf.h>
#include <lib/string.h>
#include <uapi/errno.h>

struct heap_state heap = { .lock = SPINLOCK_INIT("heap", LOCK_RANK_HEAP) };

static void heap_trim(void);

/* One more misuse: an atomic add, as heap_cache.c counts it without
 * heap.lock. */
static void heap_misuse_count(void)
{
	__atomic_add_fetch(&heap.misuse, 1, __ATOMIC_RELAXED);
}

/* Set bit g of map. */
static void heap_bit_set(uint64_t *map, size_t g)
{
	map[g >> 6] |= 1ULL << (g & 63);
}

/* Clear bit g of map. */
static void heap_bit_clr(uint64_t *map, size_t g)
{
	map[g >> 6] &= ~(1ULL << (g & 63));
}

/* Granule index of address x inside arena a. */
static size_t heap_gran(const struct heap_arena *a, uintptr_t x)
{
	return (x - a->base) >> HEAP_MIN_SHIFT;
}

/* Smallest page order holding bytes. */
static unsigned heap_page_order(size_t bytes)
{
	unsigned o = 0;

	while ((PAGE_SIZE << o) < bytes)
		o++;
	return o;
}

/* Page order holding both bitmaps of an arena. */
static unsigned heap_map_order(void)
{
	return heap_page_order(HEAP_MAP_BYTES);
}

/* heap.index's entry for the arena at base. */
static uint8_t *heap_index_at(uintptr_t base)
{
	return &heap.index[(base - heap.index_base) >> HEAP_ARENA_SHIFT];
}

/* Make blk (in a) a free block of order and put it on its list.
 * Caller holds heap.lock. */
static void heap_free_push(struct heap_arena *a, uintptr_t blk, unsigned order)
{
	struct heap_free *f = (struct heap_free *)blk;

	f->magic = HEAP_FREE_MAGIC;
	f->order = order;
	f->prev = NULL;
	f->next = heap.free_list[order];
	if (f->next)
		f->next->prev = f;
	heap.free_list[order] = f;
	heap.free_count[order]++;
	heap_bit_set(a->free, heap_gran(a, blk));
}

/* Take the free block f (in a) off its list in O(1). Caller holds
 * heap.lock. */
static void heap_free_unlink(struct heap_arena *a, struct heap_free *f)
{
	if (f->prev)
		f->prev->next = f->next;
	else
		heap.free_list[f->order] = f->next;
	if (f->next)
		f->next->prev = f->prev;
	heap.free_count[f->order]--;
	f->magic = 0;
	heap_bit_clr(a->free, heap_gran(a, (uintptr_t)f));
	if (mm_debug_on(MM_DBG_POISON))         /* a free block: record + poison */
		mm_poison_fill(f, sizeof(*f));
}

/* Take the arena index's pages at the first growth (kept for good: a
 * byte per MiB of RAM); false when there are none. Caller holds
 * heap.lock. */
static bool heap_index_alloc(void)
{
	size_t len = (page_ram_bytes() >> HEAP_ARENA_SHIFT) + 1;
	unsigned order = heap_page_order(len);
	uint8_t *index;

	if (heap.index)
		return true;
	index = page_alloc(order, 0, TAG_HEAP);
	if (!index)
		return false;
	memset(index, 0, len);
	heap.index_base = page_ram_base();
	heap.index_order = order;
	heap.index_len = len;
	__atomic_store_n(&heap.index, index, __ATOMIC_RELEASE);
	return true;
}

/* Add an arena from the page allocator as one free block; false when at
 * the cap or out of pages. Caller holds heap.lock. */
static bool heap_grow(void)
{
	struct heap_arena *a = NULL;
	void *base, *maps;

	for (int i = 0; i < HEAP_MAX_ARENAS && !a; i++)
		if (!heap.arena[i].base)
			a = &heap.arena[i];
	if (!a || !heap_index_alloc())
		return false;
	base = page_alloc(HEAP_ARENA_ORDER, 0, TAG_HEAP);
	if (!base)
		return false;
	maps = page_alloc(heap_map_order(), 0, TAG_HEAP);
	if (!maps) {
		page_free(base, 0);
		return false;
	}
	memset(maps, 0, HEAP_MAP_BYTES);
	if (mm_debug_on(MM_DBG_POISON))
		mm_poison_fill(base, HEAP_ARENA_SIZE);
	a->base = (uintptr_t)base;
	a->used = maps;
	a->free = a->used + HEAP_MAP_WORDS;
	KASSERT((uintptr_t)base - heap.index_base < heap.index_len << HEAP_ARENA_SHIFT &&
		!(((uintptr_t)base - heap.index_base) & (HEAP_ARENA_SIZE - 1)));
	__atomic_store_n(heap_index_at(a->base), (uint8_t)(a - heap.arena + 1),
			 __ATOMIC_RELEASE);
	heap.narenas++;
	heap_free_push(a, a->base, HEAP_TOP);
	return true;
}

/* Give the wholly free arena a (its one free block already unlinked)
 * back to the page allocator. Caller holds heap.lock. */
static void heap_shrink(struct heap_arena *a)
{
	__atomic_store_n(heap_index_at(a->base), 0, __ATOMIC_RELAXED);
	KASSERT(page_free(a->used, 0) == 0);
	KASSERT(page_free((void *)a->base, 0) == 0);
	a->base = 0;
	a->used = a->free = NULL;
	heap.narenas--;
}

/* The bytes a header says were asked for, without the redzone mark. */
static inline size_t heap_req(const struct heap_hdr *h)
{
	return h->req & ~MM_REQ_REDZONE;
}

/* Block order for a request of size bytes plus header, -1 if too big. */
static int heap_order_for(size_t size)
{
	int order = 0;

	if (size > HEAP_MAX_ALLOC)
		return -1;
	while ((HEAP_MIN_BLOCK << order) < size + HEAP_HDR_SIZE)
		order++;
	return order;
}

/* Take a free block of exactly order, splitting a larger one, and
 * growing the heap if none is free and grow allows; 0 when none can be
 * had. Its used bit is set; its header is the caller's to write. Caller
 * holds heap.lock. */
uintptr_t heap_take(unsigned order, bool grow, struct heap_arena **ap)
{
	unsigned o = order;
	struct heap_free *f;
	struct heap_arena *a;
	uintptr_t blk;

	while (o < HEAP_ORDERS && !heap.free_list[o])
		o++;
	if (o == HEAP_ORDERS) {
		if (!grow || !heap_grow())
			return 0;
		o = HEAP_TOP;
	}
	f = heap.free_list[o];
	blk = (uintptr_t)f;
	a = heap_arena_of(blk);
	heap_free_unlink(a, f);
	while (o > order) {                     /* keep the low half */
		o--;
		heap_free_push(a, blk + (HEAP_MIN_BLOCK << o), o);
	}
	heap_bit_set(a->used, heap_gran(a, blk));
	*ap = a;
	return blk;
}

/* Allocate under heap.lock: sizes the caches do not hold, a tag the
 * fast path doubted, a hart whose cache could not be refilled. When the
 * buddy heap cannot serve it and the caches hold blocks, every hart's
 * cache goes back to it and it tries once more, so an allocation never
 * fails while cached blocks could serve it. ra is the caller to name
 * in reports. */
void *heap_alloc_slow(size_t size, int tag, struct alloc_site *site, uintptr_t ra)
{
	int order = heap_order_for(size);
	struct heap_arena *a;
	struct heap_hdr *h;
	size_t bsize;
	uintptr_t blk;
	bool drained = false, redzone = false;
	unsigned dbg = mm_debug_on(MM_DBG_REDZONE | MM_DBG_GUARD);

	if (dbg & MM_DBG_GUARD) {
		void *g = mm_guard_alloc(size, tag, site);
		if (g && __builtin_expect(mm_audit_on, 0))
			mm_audit_heap(MM_AUDIT_KMALLOC, g, (uint32_t)size, 0, tag, 0, ra);
		if (g)
			return g;
	}
	if ((dbg & MM_DBG_REDZONE) && order >= 0 && heap_order_for(size + MM_REDZONE_MIN) >= 0) {
		order = heap_order_for(size + MM_REDZONE_MIN);
		redzone = true;
	}
	spin_lock(&heap.lock);
	pcpu_add(&heap_cache[cpu_id()].misses, 1);
	if (!tag_in_use(tag)) {
		heap_misuse_count();
		mm_report(ra, "kmalloc: unknown tag %d, charged to ????", tag);
		tag = TAG_NONE;
	}
	/* The drain keeps wholly free arenas (heap.keep) so that the retry
	 * need not grow: a failed growth is counted once. */
	while (!(blk = order < 0 ? 0 : heap_take((unsigned)order, !drained, &a))) {
		if (order < 0 || drained || !heap_cache_bytes_all())
			break;
		heap.keep++;
		spin_unlock(&heap.lock);
		heap_cache_drain();
		spin_lock(&heap.lock);
		heap.keep--;
		drained = true;
	}
	if (drained)
		heap_trim();
	if (!blk) {
		heap.fails++;
		tag_charge_fail(tag);
		spin_unlock(&heap.lock);
		if (order >= 0)
			mm_oom("kmalloc", size, tag, ra);
		return NULL;
	}
	bsize = HEAP_MIN_BLOCK << order;
	if (mm_debug_on(MM_DBG_POISON))         /* read under heap.lock, as */
		mm_poison_check(blk, bsize);    /* mm_debug_set writes it */
	h = (struct heap_hdr *)blk;
	h->tag = (uint8_t)tag;
	h->order = (uint8_t)order;
	h->req = (uint32_t)size | (redzone ? MM_REQ_REDZONE : 0);
	if (redzone)
		mm_redzone_fill(blk, bsize, size);
	heap_count_alloc(bsize);
	tag_charge_alloc(tag, bsize, size);
	h->site = 0;
	if (site)       /* the index fits: heap_init checked the record count */
		h->site = alloc_site_charge(site, tag, bsize);
	if (__builtin_expect(mm_audit_on, 0))
		mm_audit_heap(MM_AUDIT_KMALLOC, h + 1, (uint32_t)size, (unsigned)order,
			      tag, h->site, ra);
	spin_unlock(&heap.lock);
	return h + 1;
}

/* Find the live block whose payload starts at p, trusting only the
 * bitmaps; then prove the header's order right: the granule half-way
 * through the block must start nothing (else the real block is
 * smaller) and the one just past it must start a block or end the arena
 * (else it is larger). The site index is checked here, once, so the
 * callers may pass it to alloc_site_at(). Reports with what unless what
 * is NULL. Caller holds heap.lock. */
static int heap_lookup(const void *p, const char *what, uintptr_t ra,
		       struct heap_arena **ap, struct heap_hdr **hp)
{
	uintptr_t blk = (uintptr_t)p - HEAP_HDR_SIZE;
	struct heap_arena *a = (uintptr_t)p >= HEAP_HDR_SIZE ? heap_arena_of(blk) : NULL;
	const char *why = NULL;
	size_t g = 0, n;
	struct heap_hdr *h;

	if (!a || ((blk - a->base) & (HEAP_MIN_BLOCK - 1)))
		why = "was never returned by kmalloc";
	else if (heap_bit(a->free, (g = heap_gran(a, blk))))
		why = "is already free (double free?)";
	else if (!heap_bit(a->used, g))
		why = "points inside a block, not at one kmalloc returned";
	else if (heap_word_cached(((const union heap_word *)blk)->w))
		why = "is already free (double free?)";    /* in a hart's cache */
	if (why) {
		if (what) {
			heap_misuse_count();
			mm_report(ra, "%s: %p %s", what, p, why);
		}
		return -EINVAL;
	}
	h = (struct heap_hdr *)blk;
	n = (size_t)1 << (h->order < HEAP_ORDERS ? h->order : 0);
	if (h->order > HEAP_TOP || (g & (n - 1)) ||
	    (n > 1 && (heap_bit(a->used, g + n / 2) || heap_bit(a->free, g + n / 2))) ||
	    (g + n < HEAP_GRANULES && !heap_bit(a->used, g + n) &&
	     !heap_bit(a->free, g + n)) ||
	    !tag_in_use(h->tag) || heap_req(h) > (HEAP_MIN_BLOCK << h->order) - HEAP_HDR_SIZE ||
	    h->site > alloc_site_count()) {
		if (what) {
			heap_misuse_count();
			mm_report(ra, "%s: %p has a smashed header (order %u tag %u)",
				  what, p, h->order, h->tag);
		}
		return -EIO;
	}
	*ap = a;
	*hp = h;
	return 0;
}

/* Give the used block blk of order (in a) back to the buddy heap,
 * merging it with free buddies, and the arena to the page allocator if
 * that leaves it wholly free and another remains. Caller holds
 * heap.lock; the block is no longer charged to anyone. */
void heap_release(struct heap_arena *a, uintptr_t blk, unsigned order)
{
	heap_bit_clr(a->used, heap_gran(a, blk));
	while (order < HEAP_TOP) {
		uintptr_t b = a->base + ((blk - a->base) ^ (HEAP_MIN_BLOCK << order));
		struct heap_free *f = (struct heap_free *)b;
		if (!heap_bit(a->free, heap_gran(a, b)) || f->order != order)
			break;
		heap_free_unlink(a, f);
		blk = MIN(blk, b);
		order++;
	}
	if (order == HEAP_TOP && heap.narenas > 1 && !heap.keep)
		heap_shrink(a);
	else
		heap_free_push(a, blk, order);
}

/* Give back the wholly free arenas a drain kept (heap.keep), all but
 * one arena. Caller holds heap.lock. */
static void heap_trim(void)
{
	struct heap_free *f;

	while (!heap.keep && heap.narenas > 1 && (f = heap.free_list[HEAP_TOP])) {
		struct heap_arena *a = heap_arena_of((uintptr_t)f);
		heap_free_unlink(a, f);
		heap_shrink(a);
	}
}

/* Claim the live block h for the slow path's free: swap its header
 * for one no fast path takes for a sound block, and return the header
 * swapped out in *was. A kfree of the same block on another hart's fast
 * path takes no heap.lock: it may have found the block sound before we
 * took heap.lock and swap its header for the cached pattern at any time
 * until we release it. Of the two swaps one wins; false when the fast
 * path's did (the block now sits in its hart's cache: this free is the
 * double one). Caller holds heap.lock and checked h (heap_lookup). */
static bool heap_claim(struct heap_hdr *h, struct heap_hdr *was)
{
	union heap_word *w = (union heap_word *)h, seen;

	seen.w = __atomic_load_n(&w->w, __ATOMIC_RELAXED);
	*was = seen.h;
	return !heap_word_cached(seen.w) &&
	       __atomic_compare_exchange_n(&w->w, &seen.w,
					   heap_hdr_word(0, HEAP_TAG_CACHED, 0, 0), false,
					   __ATOMIC_RELAXED, __ATOMIC_RELAXED);
}

/* Free the block at p under heap.lock, checking everything (the fast
 * path sends here whatever it doubts, so the reports are made here);
 * if want_tag >= 0 the block's tag must match. */
int heap_free_slow(void *p, int want_tag, const char *what, uintptr_t ra)
{
	struct heap_arena *a;
	struct heap_hdr *h, hdr;
	size_t bsize;
	int rc;

	if (!p)
		return 0;
	if (mm_guard_owns(p)) {
		struct heap_block_info bi;
		bool audit = __builtin_expect(mm_audit_on, 0) && mm_guard_info(p, &bi) == 0;
		rc = mm_guard_free(p, want_tag, what, ra);
		if (audit && !rc)
			mm_audit_heap(MM_AUDIT_KFREE, p, (uint32_t)bi.req, 0, bi.tag, 0, ra);
		return rc;
	}
	spin_lock(&heap.lock);
	pcpu_add(&heap_cache[cpu_id()].misses, 1);
	rc = heap_lookup(p, what, ra, &a, &h);
	if (rc)
		goto out;
	if (want_tag >= 0 && h->tag != want_tag) {
		char have[8], want[8];
		tag_name(h->tag, have);
		tag_name(want_tag, want);
		heap_misuse_count();
		mm_report(ra, "%s: %p has tag %s, caller says %s; not freed",
			  what, p, have, want);
		rc = -EINVAL;
		goto out;
	}
	if (!heap_claim(h, &hdr)) {
		heap_misuse_count();
		mm_report(ra, "%s: %p is already free (double free?)", what, p);
		rc = -EINVAL;
		goto out;
	}
	bsize = HEAP_MIN_BLOCK << hdr.order;
	heap_count_free(bsize);
	tag_charge_free(hdr.tag, bsize, heap_req(&hdr));
	if (hdr.site)
		alloc_site_uncharge(hdr.site, bsize);
	if (hdr.req & MM_REQ_REDZONE)
		mm_redzone_check((uintptr_t)h, bsize, &hdr, ra);
	if (mm_debug_on(MM_DBG_POISON))
		mm_poison_freed((uintptr_t)h, bsize, &hdr, ra);
	heap_release(a, (uintptr_t)h, hdr.order);
	if (__builtin_expect(mm_audit_on, 0))
		mm_audit_heap(MM_AUDIT_KFREE, p, (uint32_t)heap_req(&hdr), hdr.order, hdr.tag,
			      hdr.site, ra);
out:
	if (__builtin_expect(mm_audit_on, 0) && rc && what)
		mm_audit_misuse(p, ra);
	spin_unlock(&heap.lock);
	return rc;
}

/* Tag, size, request and call site of the live block at p. */
int heap_block_info(const void *p, struct heap_block_info *out)
{
	struct heap_arena *a;
	struct heap_hdr *h;
	int rc;

	if (mm_guard_owns(p))
		return mm_guard_info(p, out);
	spin_lock(&heap.lock);
	rc = heap_lookup(p, NULL, 0, &a, &h);
	if (!rc) {
		out->tag = h->tag;
		out->size = (HEAP_MIN_BLOCK << h->order) - HEAP_HDR_SIZE;
		out->req = heap_req(h);
		out->site = h->site ? alloc_site_at(h->site) : NULL;
	}
	spin_unlock(&heap.lock);
	return rc;
}

/* Forget every arena and cached block: the page allocator has been
 * reset under us. */
void heap_init(void)
{
	KASSERT(alloc_site_count() <= UINT16_MAX);      /* heap_hdr.site */
	alloc_site_init();
	heap_cache_reset();
	spin_lock(&heap.lock);
	memset(heap.arena, 0, sizeof(heap.arena));
	memset(heap.free_list, 0, sizeof(heap.free_list));
	memset(heap.free_count, 0, sizeof(heap.free_count));
	heap.narenas = 0;
	heap.keep = 0;
	heap.nsites = (unsigned)alloc_site_count();
	heap.index = NULL;
	heap.index_len = 0;
	heap_count_reset();
	heap.fails = heap.misuse = 0;
	spin_unlock(&heap.lock);
}

/* Snapshot the heap's counters. */
void heap_stats(struct heap_stats *out)
{
	out->cached = 0;
	out->cache_hits = out->cache_misses = 0;
	for (int c = 0; c < NCPU; c++) {
		out->cached_hart[c] = heap_cache_bytes(c);
		out->cached += out->cached_hart[c];
		out->cache_hits += pcpu_read(&heap_cache[c].hits);
		out->cache_misses += pcpu_read(&heap_cache[c].misses);
	}
	spin_lock(&heap.lock);
	out->total = heap.narenas * HEAP_ARENA_SIZE;
	heap_totals(&out->used, &out->live);
	/* cached bytes are neither used nor free; a snapshot taken while
	 * other harts allocate may see a block in neither or both */
	out->free = out->total - MIN(out->total, out->used + out->cached);
	out->arenas = heap.narenas;
	out->fails = heap.fails;
	out->misuse = heap.misuse;
	out->map_bytes = heap.narenas * (PAGE_SIZE << heap_map_order()) +
			 (heap.index ? PAGE_SIZE << heap.index_order : 0);
	out->index_pages = heap.index ? 1UL << heap.index_order : 0;
	out->header_bytes = out->live * HEAP_HDR_SIZE;
	for (int o = 0; o < HEAP_ORDERS; o++)
		out->free_blocks[o] = heap.free_count[o];
	spin_unlock(&heap.lock);
}
