/* heap_check(): walk every arena and free list and compare with the
 * counters, the tag table and the call-site records. O(heap size); for
 * tests, never on a hot path. */
#include "heap_internal.h"
#include <kernel/mm_debug.h>
#include <kernel/page.h>
#include <kernel/tag.h>
#include <kernel/printf.h>
#include <lib/string.h>
#include <uapi/errno.h>

/* Print why the check failed and return -EIO. */
#define HP_BAD(...) do { kprintf("heap_check: " __VA_ARGS__); kprintf("\n"); \
			 return -EIO; } while (0)

/* Sums over the blocks, compared against the counters at the end. */
struct heap_sums {
	size_t used, live, site_bytes, site_live;
	size_t cached[NCPU][HEAP_CACHE_ORDERS];   /* blocks, by hart and order */
	size_t free_blocks[HEAP_ORDERS];
	uint64_t tag_bytes[TAG_MAX], tag_live[TAG_MAX], tag_req[TAG_MAX];
};

/* Walk one arena block by block: each block start has exactly one bit,
 * its interior none; headers and free records are sane; no two free
 * buddies of one order were left unmerged. Caller holds heap.lock. */
static int heap_check_arena(const struct heap_arena *a, struct heap_sums *s)
{
	struct page_info pi;

	if (page_info((void *)a->base, &pi) || pi.owner != 0 || pi.tag != TAG_HEAP ||
	    pi.order != HEAP_ARENA_ORDER || pi.start != (void *)a->base)
		HP_BAD("arena %p is not a kernel HEAP block of order %d",
		       (void *)a->base, HEAP_ARENA_ORDER);
	for (size_t g = 0; g < HEAP_GRANULES; ) {
		bool used = heap_bit(a->used, g), fr = heap_bit(a->free, g);
		uintptr_t blk = a->base + (g << HEAP_MIN_SHIFT);
		const struct heap_hdr *h = (const struct heap_hdr *)blk;
		const struct heap_free *f = (const struct heap_free *)blk;
		unsigned order = used ? h->order : f->order;
		size_t n = (size_t)1 << (order & 63), bytes = HEAP_MIN_BLOCK * n;

		if (used == fr)
			HP_BAD("granule %zu of arena %p: used %d free %d", g,
			       (void *)a->base, used, fr);
		if (order > HEAP_TOP || (g & (n - 1)))
			HP_BAD("block %p has bad order %u", (void *)blk, order);
		for (size_t j = g + 1; j < g + n; j++)
			if (heap_bit(a->used, j) || heap_bit(a->free, j))
				HP_BAD("granule %zu inside block %p starts a block", j,
				       (void *)blk);
		if (used && heap_word_cached(((const union heap_word *)blk)->w)) {
			unsigned hart = h->req & 0xfff;
			if (order >= HEAP_CACHE_ORDERS || hart >= NCPU)
				HP_BAD("cached block %p: order %u hart %u invalid",
				       (void *)blk, order, hart);
			s->cached[hart][order]++;
		} else if (used) {
			size_t req = h->req & ~MM_REQ_REDZONE;
			if (!tag_in_use(h->tag) || h->site > alloc_site_count() ||
			    req > bytes - HEAP_HDR_SIZE)
				HP_BAD("block %p: tag %u site %u req %u invalid",
				       (void *)blk, h->tag, h->site, h->req);
			if (h->req & MM_REQ_REDZONE)
				mm_redzone_check(blk, bytes, h, 0);
			s->used += bytes;
			s->live++;
			s->tag_bytes[h->tag] += bytes;
			s->tag_live[h->tag]++;
			s->tag_req[h->tag] += req;
			if (h->site) {
				s->site_bytes += bytes;
				s->site_live++;
			}
		} else {
			size_t b = g ^ n;
			const struct heap_free *bf = (const struct heap_free *)
				(a->base + (b << HEAP_MIN_SHIFT));
			if (f->magic != HEAP_FREE_MAGIC)
				HP_BAD("free block %p lost its magic", (void *)blk);
			if (order < HEAP_TOP && heap_bit(a->free, b) && bf->order == order)
				HP_BAD("free buddies %p and %p of order %u not merged",
				       (void *)blk, (const void *)bf, order);
			s->free_blocks[order]++;
		}
		g += n;
	}
	return 0;
}

/* The arena index names exactly the arenas, each at its base. */
static int heap_check_index(unsigned arenas)
{
	unsigned named = 0;

	for (size_t i = 0; i < heap.index_len; i++) {
		unsigned slot = heap.index[i];
		if (!slot)
			continue;
		named++;
		if (slot > HEAP_MAX_ARENAS || heap.arena[slot - 1].base !=
		    heap.index_base + (i << HEAP_ARENA_SHIFT))
			HP_BAD("arena index entry %zu names slot %u, not its arena", i, slot);
	}
	if (named != arenas)
		HP_BAD("arena index names %u arenas, the heap has %u", named, arenas);
	return 0;
}

/* Walk each free list: links, arena membership, order, length. */
static int heap_check_lists(void)
{
	for (unsigned o = 0; o < HEAP_ORDERS; o++) {
		size_t len = 0;
		const struct heap_free *prev = NULL;
		for (const struct heap_free *f = heap.free_list[o]; f;
		     prev = f, f = f->next) {
			const struct heap_arena *a = heap_arena_of((uintptr_t)f);
			if (++len > heap.free_count[o])
				HP_BAD("order %u list longer than its count %zu", o,
				       heap.free_count[o]);
			if (!a || ((uintptr_t)f - a->base) % HEAP_MIN_BLOCK)
				HP_BAD("order %u list holds %p, outside the arenas", o,
				       (const void *)f);
			if (!heap_bit(a->free, ((uintptr_t)f - a->base) >> HEAP_MIN_SHIFT) ||
			    f->order != o || f->prev != prev)
				HP_BAD("order %u list entry %p is not a linked free block",
				       o, (const void *)f);
		}
		if (len != heap.free_count[o])
			HP_BAD("order %u list has %zu blocks, count %zu", o, len,
			       heap.free_count[o]);
	}
	return 0;
}

/* Walk each hart's cache: every entry a block of the arenas that the
 * walk counted as cached by this hart at this order, each bin as long as
 * its count and no longer than its max, the counts the walk's. Caller
 * holds every cache lock and heap.lock. */
static int heap_check_caches(const struct heap_sums *s)
{
	for (int c = 0; c < NCPU; c++) {
		for (unsigned o = 0; o < HEAP_CACHE_ORDERS; o++) {
			const struct heap_bin *b = &heap_cache[c].bin[o];
			size_t len = 0;
			for (uintptr_t blk = b->head; blk; blk = *(const uintptr_t *)
			     (blk + HEAP_HDR_SIZE)) {
				const struct heap_arena *a = heap_arena_of(blk);
				if (++len > b->count)
					HP_BAD("hart %d order %u bin longer than its count %u",
					       c, o, b->count);
				if (!a || (blk - a->base) % (HEAP_MIN_BLOCK << o) ||
				    !heap_bit(a->used, (blk - a->base) >> HEAP_MIN_SHIFT) ||
				    ((const union heap_word *)blk)->w != heap_cached_word(o, c))
					HP_BAD("hart %d order %u bin holds %p, not a block "
					       "cached there", c, o, (void *)blk);
			}
			if (len != b->count || len != s->cached[c][o] || len > b->max)
				HP_BAD("hart %d order %u: bin has %zu blocks, count %u, "
				       "max %u, the arenas %zu", c, o, len, b->count,
				       b->max, s->cached[c][o]);
		}
	}
	return 0;
}

/* Verify every heap invariant. */
int heap_check(void)
{
	static struct heap_sums s;      /* big; guarded by heap.lock */
	unsigned arenas = 0;
	size_t used, live;
	uint64_t site_bytes, site_live;
	struct tag_stat ts;
	int rc = 0;

	unsigned long irq = intr_save();

	for (int c = 0; c < NCPU; c++)          /* in hart order: lockrank.h */
		spin_lock_raw(&heap_cache[c].lock);
	spin_lock(&heap.lock);
	memset(&s, 0, sizeof(s));
	for (int i = 0; !rc && i < HEAP_MAX_ARENAS; i++) {
		if (!heap.arena[i].base)
			continue;
		arenas++;
		rc = heap_check_arena(&heap.arena[i], &s);
	}
	if (!rc)
		rc = heap_check_lists();
	if (!rc)
		rc = heap_check_caches(&s);
	if (!rc)
		rc = heap_check_index(arenas);
	heap_totals(&used, &live);
	if (!rc && (arenas != heap.narenas || s.used != used || s.live != live)) {
		kprintf("heap_check: counted %u arenas, %zu bytes in %zu blocks; "
			"counters say %u, %zu, %zu\n", arenas, s.used, s.live,
			heap.narenas, used, live);
		rc = -EIO;
	}
	for (unsigned o = 0; !rc && o < HEAP_ORDERS; o++)
		if (s.free_blocks[o] != heap.free_count[o]) {
			kprintf("heap_check: order %u: %zu free blocks, count %zu\n",
				o, s.free_blocks[o], heap.free_count[o]);
			rc = -EIO;
		}
	for (int t = 0; !rc && t < tag_count(); t++) {
		tag_stat_get(t, &ts);
		if (ts.bytes != s.tag_bytes[t] || ts.live != s.tag_live[t] ||
		    ts.req != s.tag_req[t]) {
			kprintf("heap_check: tag %d: counted %lu B %lu blocks %lu req; "
				"table says %lu, %lu, %lu\n", t,
				(unsigned long)s.tag_bytes[t], (unsigned long)s.tag_live[t],
				(unsigned long)s.tag_req[t], (unsigned long)ts.bytes,
				(unsigned long)ts.live, (unsigned long)ts.req);
			rc = -EIO;
		}
	}
	if (!rc) {
		alloc_site_totals(&site_bytes, &site_live);
		if (site_bytes != s.site_bytes || site_live != s.site_live) {
			kprintf("heap_check: sites hold %lu B in %lu blocks, blocks say "
				"%zu B in %zu\n", (unsigned long)site_bytes,
				(unsigned long)site_live, s.site_bytes, s.site_live);
			rc = -EIO;
		}
	}
	spin_unlock(&heap.lock);
	for (int c = NCPU - 1; c >= 0; c--)
		spin_unlock_raw(&heap_cache[c].lock);
	intr_restore(irq);
	return rc;
}
