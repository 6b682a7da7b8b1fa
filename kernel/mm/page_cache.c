/* Per-hart page lists: the order-0 page_alloc and page_free fast paths,
 * in front of the buddy allocator (page.c), as Linux's per-CPU page
 * lists are (docs/memory.md, "Per-hart page lists").
 *
 * Each hart keeps up to depth free pages of its own and its share of
 * every owner's list of blocks. A one-page page_alloc or page_free that
 * its hart's list can serve takes only that hart's lock, with interrupts
 * off on the hart: no shared lock and no shared line written but the
 * owner record's count. Anything else (a misuse to report, an empty or
 * full list, a block of another order or another hart's) leaves the
 * fast path and tail-calls the slow path in page.c, which checks again
 * under the locks and does the work there.
 */
#include "page_internal.h"
#include "fast_path.h"
#include <kernel/page.h>
#include <uapi/errno.h>

/* Depth a hart's list starts with (page_cache_set_depth changes it). */
#define PAGE_CACHE_DEPTH 64

struct page_cache page_cache[NCPU] = {
	[0 ... NCPU - 1] = {
		.lock = SPINLOCK_INIT("page_cache", LOCK_RANK_PAGE_CACHE),
		.depth = PAGE_CACHE_DEPTH,
	},
};

/* The fast paths read list links as signed 32-bit numbers: PAGE_NIL is
 * then -1 (page_init keeps indices below 2^31), one test of the sign,
 * and an index needs no zero extension before it addresses pd[]. */
static inline long page_link(uint32_t v)
{
	return (int32_t)v;
}

/* v, with what GCC knows of its range forgotten: once it knows a link
 * is not negative it zero-extends it again (two shifts) before every
 * use as an index, though a non-negative sign-extended value is the
 * same number. */
static inline long page_opaque(long v)
{
	__asm__("" : "+r"(v));
	return v;
}

/* This hart's list, as a pointer GCC will not take apart again: it
 * would recompute every field's address from the hart number. */
static inline struct page_cache *page_cache_mine(int h)
{
	struct page_cache *c = &page_cache[h];

	__asm__("" : "+r"(c));
	return c;
}

/* Allocate 2^order pages for owner under tag. The fast path: one page
 * from this hart's list for an owner this hart found last, under its
 * cap, with a known tag. A leaf: whatever needs a call (a lock another
 * hart holds, a report, a refill) is the slow path's, tail-called. */
MM_FAST_PATH void *page_alloc(unsigned order, pid_t owner, int tag)
{
	unsigned long s = intr_save();
	int h = cpu_id(), harts;
	struct page_cache *c = page_cache_mine(h);
	long idx;

	if (!spin_trylock_raw(&c->lock))
		goto busy;
	idx = page_link(c->head);
	if (order || idx < 0 || !page_tag_fast(tag) || !page_tag_joined(h, &harts))
		goto slow;
#ifndef MM_NO_ACCOUNTING
	if (owner != c->last_pid)
		goto slow;
	struct page_owner_rec *r = c->last_rec;
	uint32_t held = page_owner_add(r, 1);
	if (r->limit - 1u < held) {             /* a cap (limit != 0) reached */
		page_owner_add(r, -1);
		goto slow;
	}
#else
	(void)owner;
#endif
	page_tag_charge_row(&c->tag_col[tag * NCPU], tag, 1, harts);
	/* The owner-list push by hand, with the head and the descriptor
	 * array in locals: page_list_push's stores through pg.desc make
	 * the compiler reload and keep more registers than a leaf has. */
	idx = page_opaque(idx);
	struct page_desc *pd = pg.desc, *d = &pd[idx];
	c->head = d->next;
	c->count--;
	*page_state_order(d) = c->used_word;
#ifndef MM_NO_ACCOUNTING
	uintptr_t slot = (uintptr_t)page_opaque(page_link(c->last_slot));
	*page_tag_owner(d) = (uint16_t)(tag | c->last_owner_word);
	long next = page_link(c->owner_head[slot]);
	d->prev = PAGE_NIL;
	d->next = (uint32_t)next;
	c->owner_head[slot] = (uint32_t)idx;
	if (next >= 0)
		pd[page_opaque(next)].prev = (uint32_t)idx;
#endif
	spin_unlock_raw(&c->lock);
	intr_restore(s);
	return (void *)(pg.base + (uintptr_t)idx * PAGE_SIZE);
slow:
	spin_unlock_raw(&c->lock);
busy:
	intr_restore(s);
	return page_alloc_slow(order, owner, tag, mm_caller());
}

/* Free the block at p, held by owner. The fast path: a page this hart
 * allocated, held by owner, onto this hart's list if it has room. A
 * leaf, as page_alloc. */
MM_FAST_PATH int page_free(void *p, pid_t owner)
{
	uintptr_t off = (uintptr_t)p - pg.base;   /* below base wraps high */
	unsigned long s = intr_save();
	int h = cpu_id(), harts;
	struct page_cache *c = page_cache_mine(h);
	struct page_desc *pd, *d;
	uintptr_t idx = off / PAGE_SIZE;

	if (!spin_trylock_raw(&c->lock))
		goto busy;
	if ((off & (PAGE_SIZE - 1)) || idx >= pg.npages || c->count >= c->depth ||
	    !page_tag_joined(h, &harts))
		goto slow;
	pd = pg.desc;
	d = &pd[idx];
	if (*page_state_order(d) != c->used_word)   /* one page, used, on this hart */
		goto slow;
#ifndef MM_NO_ACCOUNTING
	uintptr_t slot = d->owner;
	struct page_owner_rec *r = &pg.owners[slot];
	if (r->pid != owner)
		goto slow;
	long prev = page_link(d->prev), next = page_link(d->next);
	if (prev >= 0)
		pd[page_opaque(prev)].next = (uint32_t)next;
	else
		c->owner_head[slot] = (uint32_t)next;
	if (next >= 0)
		pd[page_opaque(next)].prev = (uint32_t)prev;
	page_owner_add(r, -1);
#else
	(void)owner;
#endif
	page_tag_uncharge_row(&c->tag_col[d->tag * NCPU], 1, 1);
	*page_state_order(d) = c->cached_word;
	d->next = c->head;
	c->head = (uint32_t)idx;
	c->count++;
	spin_unlock_raw(&c->lock);
	intr_restore(s);
	return 0;
slow:
	spin_unlock_raw(&c->lock);
busy:
	intr_restore(s);
	return page_free_slow(p, owner, mm_caller());
}

/* Move n of c's cached pages (fewer if it holds fewer) to the buddy
 * lists. Caller holds c's lock and pg.lock. */
uint32_t page_cache_spill(struct page_cache *c, uint32_t n)
{
	uint32_t moved = 0;

	while (moved < n && c->head != PAGE_NIL) {
		uint32_t idx = c->head;
		c->head = pg.desc[idx].next;
		page_merge_insert(idx, 0);
		moved++;
	}
	c->count -= moved;
	pg.nfree += moved;
	return moved;
}

/* Empty every hart's list into the buddy lists, one hart's lock at a
 * time; returns the pages moved. */
uint32_t page_cache_drain(void)
{
	uint32_t moved = 0;

	for (int h = 0; h < NCPU; h++) {
		struct page_cache *c = &page_cache[h];
		unsigned long s = intr_save();
		spin_lock_raw(&c->lock);
		spin_lock(&pg.lock);
		moved += page_cache_spill(c, c->count);
		spin_unlock(&pg.lock);
		spin_unlock_raw(&c->lock);
		intr_restore(s);
	}
	return moved;
}

/* Set every hart's depth to n (0: lists off), spilling what is over it;
 * returns the old depth. */
uint32_t page_cache_set_depth(uint32_t n)
{
	uint32_t old = page_cache[0].depth;

	for (int h = 0; h < NCPU; h++) {
		struct page_cache *c = &page_cache[h];
		unsigned long s = intr_save();
		spin_lock_raw(&c->lock);
		spin_lock(&pg.lock);
		c->depth = n;
		if (c->count > n)
			page_cache_spill(c, c->count - n);
		spin_unlock(&pg.lock);
		spin_unlock_raw(&c->lock);
		intr_restore(s);
	}
	return old;
}

/* Empty lists and sublists, the kernel found last, for page_init. The
 * depth is a setting and survives. */
void page_cache_reset(void)
{
	for (int h = 0; h < NCPU; h++) {
		struct page_cache *c = &page_cache[h];
		c->head = PAGE_NIL;
		c->count = 0;
		page_cache_remember(c, 0, 0);
		c->used_word = PD_ON(PD_USED, h);  /* order 0 in the high byte */
		c->cached_word = PD_ON(PD_CACHED, h);
		c->tag_col = &tag_cpu[0][h];
		for (int s = 0; s < PAGE_OWNERS; s++)
			c->owner_head[s] = PAGE_NIL;
	}
}

/* Take every page lock, the harts' in order and then pg.lock. */
unsigned long page_lock_all(void)
{
	unsigned long s = intr_save();

	for (int h = 0; h < NCPU; h++)
		spin_lock_raw(&page_cache[h].lock);
	spin_lock(&pg.lock);
	return s;
}

/* Release what page_lock_all took. */
void page_unlock_all(unsigned long s)
{
	spin_unlock(&pg.lock);
	for (int h = NCPU - 1; h >= 0; h--)
		spin_unlock_raw(&page_cache[h].lock);
	intr_restore(s);
}
