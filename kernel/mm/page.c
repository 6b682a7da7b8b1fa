/* The buddy page allocator: descriptors, free lists, alloc and free.
 * Owner records live in page_owner.c, the invariant walker in
 * page_check.c; see include/kernel/page.h for the contract. */
#include "page_internal.h"
#include <kernel/mm.h>
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
static void *page_addr(uint32_t idx)
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
	    n == 0 || n >= PAGE_NIL || !meta || ((uintptr_t)meta & 7))
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

/* Allocate a block of 2^order pages for owner under tag. */
void *page_alloc(unsigned order, pid_t owner, int tag)
{
	uintptr_t ra = (uintptr_t)__builtin_return_address(0);
	int slot;
	unsigned o;
	uint32_t idx;

	spin_lock(&pg.lock);
	if (!tag_in_use(tag)) {
		pg.misuse++;
		mm_report(ra, "page_alloc: unknown tag %d, charged to ????", tag);
		tag = TAG_NONE;
	}
	if (order > PAGE_MAX_ORDER) {
		pg.misuse++;
		mm_report(ra, "page_alloc: order %u > %d", order, PAGE_MAX_ORDER);
		goto fail;
	}
#ifndef MM_NO_ACCOUNTING
	slot = page_owner_find(owner);
	if (slot < 0) {
		pg.misuse++;
		mm_report(ra, "page_alloc: pid %d has no owner record", (int)owner);
		goto fail;
	}
	if (pg.owners[slot].limit &&
	    pg.owners[slot].pages + (1u << order) > pg.owners[slot].limit)
		goto fail;                      /* over the owner's cap: counted under tag */
#else   /* make bench's baseline: no owner tracking (docs/perf.md) */
	(void)owner;
	(void)slot;
#endif
	for (o = order; o <= PAGE_MAX_ORDER && pg.free_head[o] == PAGE_NIL; o++)
		;
	if (o > PAGE_MAX_ORDER) {
		pg.fails++;
		goto fail;
	}
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
	pg.desc[idx].state = PD_USED;
	pg.desc[idx].order = (uint8_t)order;
#ifndef MM_NO_ACCOUNTING
	pg.desc[idx].tag = (uint8_t)tag;
	pg.desc[idx].owner = (uint8_t)slot;
	page_list_push(&pg.owners[slot].head, idx);
	pg.owners[slot].pages += 1u << order;
#endif
	pg.nfree -= 1u << order;
	page_tag_charge(tag, 1u << order);
	spin_unlock(&pg.lock);
	return page_addr(idx);
fail:
	page_tag_fail(tag);
	spin_unlock(&pg.lock);
	return NULL;
}

/* Check that p starts a block allocated to owner; report misuse with
 * what. Returns the index or a -E code. Caller holds pg.lock. */
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
	if (d->state == PD_FREE) {
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

/* Free the block starting at p, held by owner: the descriptor names the
 * owner's record, so this needs no lookup by pid. */
int page_free(void *p, pid_t owner)
{
	uintptr_t ra = (uintptr_t)__builtin_return_address(0);
	long idx;

	spin_lock(&pg.lock);
	idx = page_check_held(p, owner, "page_free", ra);
	if (idx >= 0) {
		struct page_desc *d = &pg.desc[idx];
		uint32_t n = 1u << d->order;
#ifndef MM_NO_ACCOUNTING
		struct page_owner_rec *r = &pg.owners[d->owner];
		page_list_del(&r->head, (uint32_t)idx);
		r->pages -= n;
#endif
		page_tag_uncharge(d->tag, n, 1);
		pg.nfree += n;
		page_merge_insert((uint32_t)idx, d->order);
	}
	spin_unlock(&pg.lock);
	return idx < 0 ? (int)idx : 0;
}

/* Move the block at p from owner from to owner to. */
int page_owner_set(void *p, pid_t from, pid_t to)
{
	uintptr_t ra = (uintptr_t)__builtin_return_address(0);
	long idx;
	int slot;

	spin_lock(&pg.lock);
	idx = page_check_held(p, from, "page_owner_set", ra);
	if (idx < 0)
		goto out;
	slot = page_owner_find(to);
	if (slot < 0) {
		pg.misuse++;
		mm_report(ra, "page_owner_set: pid %d has no owner record", (int)to);
		idx = -ESRCH;
		goto out;
	}
	struct page_desc *d = &pg.desc[idx];
	struct page_owner_rec *old = &pg.owners[d->owner], *new = &pg.owners[slot];
	page_list_del(&old->head, (uint32_t)idx);
	old->pages -= 1u << d->order;
	d->owner = (uint8_t)slot;
	page_list_push(&new->head, (uint32_t)idx);
	new->pages += 1u << d->order;
out:
	spin_unlock(&pg.lock);
	return idx < 0 ? (int)idx : 0;
}

/* Describe the allocated block containing p. The head of the block
 * holding page i is i rounded down to the block's order, so trying each
 * order from 0 up finds it: O(PAGE_MAX_ORDER). */
int page_info(const void *p, struct page_info *out)
{
	long idx = page_index((const void *)ALIGN_DOWN((uintptr_t)p, PAGE_SIZE));
	int rc = -ENOENT;

	if (idx < 0)
		return -ENOENT;
	spin_lock(&pg.lock);
	for (unsigned o = 0; o <= PAGE_MAX_ORDER; o++) {
		uint32_t h = (uint32_t)idx & ~((1u << o) - 1);
		const struct page_desc *d = &pg.desc[h];
		if (d->state == PD_TAIL)
			continue;
		if (d->state == PD_USED && h + (1u << d->order) > (uint32_t)idx) {
			out->owner = pg.owners[d->owner].pid;
			out->tag = d->tag;
			out->order = d->order;
			out->start = page_addr(h);
			rc = 0;
		}
		break;
	}
	spin_unlock(&pg.lock);
	return rc;
}

/* Owner of the block containing p. */
pid_t page_owner(const void *p)
{
	struct page_info info;
	int rc = page_info(p, &info);

	return rc < 0 ? rc : info.owner;
}

/* Snapshot the allocator's counters. */
void page_stats(struct page_stats *out)
{
	spin_lock(&pg.lock);
	out->total = pg.total;
	out->free = pg.nfree;
	out->kernel = pg.owners[0].pages;
	out->owners = PAGE_OWNERS - pg.nfree_slots;
	out->fails = pg.fails;
	out->misuse = pg.misuse;
	out->owner_refused = pg.owner_refused;
	for (int o = 0; o <= PAGE_MAX_ORDER; o++)
		out->free_blocks[o] = pg.free_count[o];
	spin_unlock(&pg.lock);
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
