/* The buddy page allocator: descriptors, free lists, and the slow paths
 * of alloc and free. The per-hart lists and the fast paths live in
 * page_cache.c, owner records in page_owner.c, the invariant walker in
 * page_check.c; see include/kernel/page.h for the contract. */
#include "page_internal.h"
#include <kernel/mm.h>
#include <kernel/mm_debug.h>
#include <kernel/mm_audit.h>
#include <lib/string.h>
#include <uapi/errno.h>

struct page_alloc_state pg = { .lock = SPINLOCK_INIT("page", LOCK_RANK_PAGE) };

/* Index of the page at p, -1 if p is unaligned or outside RAM. */
long page_index(const void *p)
{
	uintptr_t a = (uintptr_t)p;

	if (a < pg.base || (a & (PAGE_SIZE - 1)) ||
	    (a - pg.base) / PAGE_SIZE >= pg.npages)
		return -1;
	return (long)((a - pg.base) / PAGE_SIZE);
}

/* Address of the page with index idx. */
static inline void *page_addr(uint32_t idx)
{
	return (void *)(pg.base + (paddr_t)idx * PAGE_SIZE);
}

/* Bytes of descriptors for ram_size bytes of RAM. */
size_t page_meta_bytes(size_t ram_size)
{
	return ram_size / PAGE_SIZE * sizeof(struct page_desc);
}

/* Start over with every page of RAM reserved and only pid 0 open. */
int page_init(paddr_t ram_base, size_t ram_size, void *meta)
{
	size_t n = ram_size / PAGE_SIZE;

	if ((ram_base & (PAGE_SIZE - 1)) || (ram_size & (PAGE_SIZE - 1)) ||
	    n == 0 || n > INT32_MAX || !meta || ((uintptr_t)meta & 7))
		return -EINVAL;
	spin_lock(&pg.lock);
	pg.desc = meta;
	pg.base = ram_base;
	pg.npages = (uint32_t)n;
	pg.meta_lo = (uintptr_t)meta;
	pg.meta_hi = (uintptr_t)meta + page_meta_bytes(ram_size);
	memset(meta, 0, page_meta_bytes(ram_size));     /* all PD_RESERVED */
	for (int o = 0; o <= PAGE_MAX_ORDER; o++) {
		pg.free_head[o] = PAGE_NIL;
		pg.free_count[o] = 0;
	}
	pg.total = pg.nfree = 0;
	pg.fails = pg.misuse = pg.owner_refused = 0;
	page_owners_reset();
	page_cache_reset();
	mm_audit_reset();
	spin_unlock(&pg.lock);
	return 0;
}

/* Largest order whose block at idx is aligned and ends by end. */
static unsigned page_fit_order(uint32_t idx, uint32_t end)
{
	unsigned o = 0;

	while (o < PAGE_MAX_ORDER && !(idx & (1u << o)) &&
	       idx + (2u << o) <= end)
		o++;
	return o;
}

/* Hand the whole pages of [start, end) to the allocator. */
long page_free_range(paddr_t start, paddr_t end)
{
	paddr_t s = ALIGN_UP(start, PAGE_SIZE), e = ALIGN_DOWN(end, PAGE_SIZE);
	uint32_t si, ei;

	if (start > end)
		return -EINVAL;
	if (s >= e)
		return 0;
	if (s < pg.base || (e - pg.base) / PAGE_SIZE > pg.npages)
		return -ERANGE;
	if (s < pg.meta_hi && e > pg.meta_lo)
		return -EINVAL;
	si = (uint32_t)((s - pg.base) / PAGE_SIZE);
	ei = (uint32_t)((e - pg.base) / PAGE_SIZE);
	spin_lock(&pg.lock);
	for (uint32_t i = si; i < ei; i++) {
		if (pg.desc[i].state != PD_RESERVED) {
			spin_unlock(&pg.lock);
			return -EEXIST;
		}
	}
	for (uint32_t i = si; i < ei; ) {
		unsigned o = page_fit_order(i, ei);
		for (uint32_t j = i + 1; j < i + (1u << o); j++)
			pg.desc[j].state = PD_TAIL;
		page_merge_insert(i, o);
		i += 1u << o;
	}
	pg.total += ei - si;
	pg.nfree += ei - si;
	spin_unlock(&pg.lock);
	return (long)(ei - si);
}

/* Take a block of 2^order pages off the buddy lists, splitting a larger
 * one if need be; PAGE_NIL if none is free. Its head's state is left to
 * the caller. Caller holds pg.lock. */
static uint32_t page_buddy_take(unsigned order)
{
	unsigned o;
	uint32_t idx;

	for (o = order; o <= PAGE_MAX_ORDER && pg.free_head[o] == PAGE_NIL; o++)
		;
	if (o > PAGE_MAX_ORDER)
		return PAGE_NIL;
	idx = pg.free_head[o];
	page_list_del(&pg.free_head[o], idx);
	pg.free_count[o]--;
	while (o > order) {                     /* split, keep the low half */
		uint32_t b;
		o--;
		b = idx + (1u << o);
		pg.desc[b].state = PD_FREE;
		pg.desc[b].order = (uint8_t)o;
		page_list_push(&pg.free_head[o], b);
		pg.free_count[o]++;
	}
	pg.nfree -= 1u << order;
	return idx;
}

/* A block of 2^order pages for hart h: an order-0 page from its list,
 * refilled with a batch from the buddy lists when empty (unless the
 * lists are off), else straight from the buddy lists. PAGE_NIL if there
 * is none. Caller holds c's lock and pg.lock. */
static uint32_t page_take(struct page_cache *c, int h, unsigned order)
{
	uint32_t idx;

	if (order || !c->depth)
		return page_buddy_take(order);
	for (uint32_t n = c->head == PAGE_NIL ? page_cache_batch(c) : 0; n; n--) {
		idx = page_buddy_take(0);
		if (idx == PAGE_NIL)
			break;
		pg.desc[idx].state = PD_ON(PD_CACHED, h);
		pg.desc[idx].order = 0;
		pg.desc[idx].next = c->head;
		c->head = idx;
		c->count++;
	}
	idx = c->head;
	if (idx != PAGE_NIL) {
		c->head = pg.desc[idx].next;
		c->count--;
	}
	return idx;
}

/* page_alloc's work under hart h's lock and pg.lock: check the
 * arguments (an unknown *tag is reported and becomes TAG_NONE), the
 * owner and its cap, take a block and enter it on h's sublist of the
 * owner. 0 with the block's index in *out; -ENOMEM when no block is
 * free, -EPERM over the owner's cap, -EINVAL or -ESRCH on misuse. */
static int page_alloc_locked(struct page_cache *c, int h, unsigned order,
			     pid_t owner, int *tag, uintptr_t ra, uint32_t *out)
{
	int slot = 0;
	uint32_t idx, n = 1u << (order & 31);

	if (!tag_in_use(*tag)) {
		pg.misuse++;
		mm_report(ra, "page_alloc: unknown tag %d, charged to ????", *tag);
		*tag = TAG_NONE;
	}
	if (order > PAGE_MAX_ORDER) {
		pg.misuse++;
		mm_report(ra, "page_alloc: order %u > %d", order, PAGE_MAX_ORDER);
		return -EINVAL;
	}
#ifndef MM_NO_ACCOUNTING
	slot = page_owner_find(c, owner);
	if (slot < 0) {
		pg.misuse++;
		mm_report(ra, "page_alloc: pid %d has no owner record", (int)owner);
		return -ESRCH;
	}
	struct page_owner_rec *r = &pg.owners[slot];
	if (r->limit - 1u < page_owner_add(r, (int32_t)n) + n - 1u) {
		page_owner_add(r, -(int32_t)n);   /* over the owner's cap */
		return -EPERM;
	}
#else   /* make bench's baseline: no owner tracking (docs/perf.md) */
	(void)owner;
	(void)slot;
#endif
	idx = page_take(c, h, order);
	if (idx == PAGE_NIL) {
#ifndef MM_NO_ACCOUNTING
		page_owner_add(r, -(int32_t)n);
#endif
		return -ENOMEM;
	}
	struct page_desc *d = &pg.desc[idx];
	d->state = PD_ON(PD_USED, h);
	d->order = (uint8_t)order;
#ifndef MM_NO_ACCOUNTING
	d->tag = (uint8_t)*tag;
	d->owner = (uint8_t)slot;
	page_list_push(&c->owner_head[slot], idx);
#endif
	page_tag_charge(*tag, n, h);
	if (__builtin_expect(mm_audit_on, 0))
		mm_audit_page(MM_AUDIT_PAGE_ALLOC, page_addr(idx), order, *tag, owner, ra);
	*out = idx;
	return 0;
}

/* page_alloc when its fast path cannot serve: under this hart's lock and
 * pg.lock. When no block is free, every hart's list is drained into the
 * buddy lists and the allocation tried once more, so it never fails
 * while cached pages could serve it. */
void *page_alloc_slow(unsigned order, pid_t owner, int tag, uintptr_t ra)
{
	uint32_t idx = PAGE_NIL;
	int rc;

	for (int tries = 0; ; tries++) {
		unsigned long s = intr_save();
		int h = cpu_id();
		struct page_cache *c = &page_cache[h];
		spin_lock_raw(&c->lock);
		spin_lock(&pg.lock);
		rc = page_alloc_locked(c, h, order, owner, &tag, ra, &idx);
		spin_unlock(&pg.lock);
		spin_unlock_raw(&c->lock);
		intr_restore(s);
		if (rc != -ENOMEM || tries || page_cache_drain() == 0)
			break;
	}
	if (rc == 0)
		return page_addr(idx);
	if (rc == -ENOMEM) {
		spin_lock(&pg.lock);
		pg.fails++;
		spin_unlock(&pg.lock);
	}
	page_tag_fail(tag);
	if (rc == -ENOMEM)      /* after the counting: the report shows it */
		mm_oom("page_alloc", PAGE_SIZE << (order & 31), tag, ra);
	return NULL;
}

/* Check that p starts a block allocated to owner; report misuse with
 * what. Returns the index or a -E code. Caller holds pg.lock and the
 * lock of the hart the block is on. */
static long page_check_held(const void *p, pid_t owner, const char *what,
			    uintptr_t ra)
{
	long idx = page_index(p);
	const struct page_desc *d;

	if (idx < 0 || pg.desc[idx].state == PD_RESERVED) {
		pg.misuse++;
		mm_report(ra, "%s: %p is not a page of the allocator", what, p);
		return -EINVAL;
	}
	d = &pg.desc[idx];
	if (PD_KIND(d->state) == PD_FREE || PD_KIND(d->state) == PD_CACHED) {
		pg.misuse++;
		mm_report(ra, "%s: %p is free (double free?)", what, p);
		return -EINVAL;
	}
	if (d->state == PD_TAIL) {
		pg.misuse++;
		mm_report(ra, "%s: %p is inside a block, not its start", what, p);
		return -EINVAL;
	}
#ifndef MM_NO_ACCOUNTING
	if (pg.owners[d->owner].pid != owner) {
		pg.misuse++;
		mm_report(ra, "%s: %p is held by pid %d, not pid %d", what, p,
			  (int)pg.owners[d->owner].pid, (int)owner);
		return -EPERM;
	}
#else
	(void)owner;
#endif
	return idx;
}

/* Lock the hart whose lists hold the block at idx (this hart's if idx is
 * no allocated block) and pg.lock; returns that hart. The descriptor is
 * read before its hart's lock is held, so it is read again after. */
static int page_lock_block(long idx)
{
	for (;;) {
		int h = cpu_id();
		uint8_t st = idx < 0 ? PD_RESERVED
				     : __atomic_load_n(&pg.desc[idx].state, __ATOMIC_RELAXED);
		if (PD_KIND(st) == PD_USED)
			h = (int)PD_HART(st);
		spin_lock_raw(&page_cache[h].lock);
		spin_lock(&pg.lock);
		if (idx < 0 || PD_KIND(pg.desc[idx].state) != PD_USED ||
		    (int)PD_HART(pg.desc[idx].state) == h)
			return h;
		spin_unlock(&pg.lock);            /* moved meanwhile: again */
		spin_unlock_raw(&page_cache[h].lock);
	}
}

/* page_free when its fast path cannot serve: a misuse to report, a
 * block of another order or on another hart's lists, or this hart's
 * list full (half of it is spilled to the buddy lists first). Under the
 * block's hart's lock and pg.lock. */
int page_free_slow(void *p, pid_t owner, uintptr_t ra)
{
	long idx = page_index(p);
	unsigned long s = intr_save();
	int me = cpu_id(), h = page_lock_block(idx);
	struct page_cache *c = &page_cache[h];

	idx = page_check_held(p, owner, "page_free", ra);
	if (idx < 0 && __builtin_expect(mm_audit_on, 0))
		mm_audit_misuse(p, ra);
	if (idx >= 0) {
		struct page_desc *d = &pg.desc[idx];
		uint32_t n = 1u << d->order;
#ifndef MM_NO_ACCOUNTING
		page_list_del(&c->owner_head[d->owner], (uint32_t)idx);
		page_owner_add(&pg.owners[d->owner], -(int32_t)n);
#endif
		page_tag_uncharge(d->tag, n, 1, me);
		if (__builtin_expect(mm_audit_on, 0))
			mm_audit_page(MM_AUDIT_PAGE_FREE, p, d->order, d->tag, owner, ra);
		if (h == me && d->order == 0 && c->depth) {
			if (c->count >= c->depth)
				page_cache_spill(c, page_cache_batch(c));
			d->state = PD_ON(PD_CACHED, h);
			d->next = c->head;
			c->head = (uint32_t)idx;
			c->count++;
		} else {
			pg.nfree += n;
			page_merge_insert((uint32_t)idx, d->order);
		}
	}
	spin_unlock(&pg.lock);
	spin_unlock_raw(&c->lock);
	intr_restore(s);
	return idx < 0 ? (int)idx : 0;
}

/* Move the block at p from owner from to owner to; it stays on the same
 * hart's lists. */
int page_owner_set(void *p, pid_t from, pid_t to)
{
	uintptr_t ra = (uintptr_t)__builtin_return_address(0);
	unsigned long s = page_lock_all();
	long idx;
	int slot;

	idx = page_check_held(p, from, "page_owner_set", ra);
	if (idx < 0)
		goto out;
	slot = page_owner_probe(to);
	if (slot < 0) {
		pg.misuse++;
		mm_report(ra, "page_owner_set: pid %d has no owner record", (int)to);
		idx = -ESRCH;
		goto out;
	}
	struct page_desc *d = &pg.desc[idx];
	struct page_cache *c = &page_cache[PD_HART(d->state)];
	int32_t n = 1 << d->order;
	page_list_del(&c->owner_head[d->owner], (uint32_t)idx);
	page_owner_add(&pg.owners[d->owner], -n);
	d->owner = (uint8_t)slot;
	page_list_push(&c->owner_head[slot], (uint32_t)idx);
	page_owner_add(&pg.owners[slot], n);
out:
	page_unlock_all(s);
	return idx < 0 ? (int)idx : 0;
}

/* Describe the allocated block containing p. The head of the block
 * holding page i is i rounded down to the block's order, so trying each
 * order from 0 up finds it: O(PAGE_MAX_ORDER). */
int page_info(const void *p, struct page_info *out)
{
	long idx = page_index((const void *)ALIGN_DOWN((uintptr_t)p, PAGE_SIZE));
	int rc = -ENOENT;

	unsigned long s;

	if (idx < 0)
		return -ENOENT;
	s = page_lock_all();
	for (unsigned o = 0; o <= PAGE_MAX_ORDER; o++) {
		uint32_t h = (uint32_t)idx & ~((1u << o) - 1);
		const struct page_desc *d = &pg.desc[h];
		if (d->state == PD_TAIL)
			continue;
		if (PD_KIND(d->state) == PD_USED && h + (1u << d->order) > (uint32_t)idx) {
			out->owner = pg.owners[d->owner].pid;
			out->tag = d->tag;
			out->order = d->order;
			out->start = page_addr(h);
			rc = 0;
		}
		break;
	}
	page_unlock_all(s);
	return rc;
}

/* Owner of the block containing p. */
pid_t page_owner(const void *p)
{
	struct page_info info;
	int rc = page_info(p, &info);

	return rc < 0 ? rc : info.owner;
}

/* Snapshot the allocator's counters, all at one instant. */
void page_stats(struct page_stats *out)
{
	unsigned long s = page_lock_all();

	out->total = pg.total;
	out->free = pg.nfree;
	out->cached = 0;
	for (int h = 0; h < NCPU; h++) {
		out->cached_hart[h] = page_cache[h].count;
		out->cached += page_cache[h].count;
	}
	out->kernel = pg.owners[0].pages;
	out->owners = PAGE_OWNERS - pg.nfree_slots;
	out->fails = pg.fails;
	out->misuse = pg.misuse;
	out->owner_refused = pg.owner_refused;
	for (int o = 0; o <= PAGE_MAX_ORDER; o++)
		out->free_blocks[o] = pg.free_count[o];
	page_unlock_all(s);
}

/* RAM the descriptors cover. */
size_t page_ram_bytes(void)
{
	return (size_t)pg.npages * PAGE_SIZE;
}

/* The descriptors' first page. */
paddr_t page_ram_base(void)
{
	return pg.base;
}
