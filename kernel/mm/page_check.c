/* page_check(): walk every descriptor and list and compare with the
 * counters. O(pages); for tests, never on a hot path. */
#include "page_internal.h"
#include <kernel/tag.h>
#include <kernel/printf.h>
#include <lib/string.h>
#include <uapi/errno.h>

/* Print why the check failed and return -EIO. */
#define PG_BAD(...) do { kprintf("page_check: " __VA_ARGS__); kprintf("\n"); \
			 return -EIO; } while (0)

/* What the walk of the descriptors counts. */
struct page_census {
	uint32_t free_blocks[PAGE_MAX_ORDER + 1];
	uint32_t owner_pages[PAGE_OWNERS];
	uint32_t owner_blocks[PAGE_OWNERS][NCPU];   /* per hart's sublist */
	uint32_t cached[NCPU];
	uint64_t tag_pages[TAG_MAX];
	uint32_t nfree, total;
};

/* Walk the blocks in index order: heads, tails, free-buddy merging, and
 * the per-order, per-owner (pages and blocks), per-hart and per-tag
 * sums. Caller holds every page lock. */
static int page_check_blocks(struct page_census *k)
{
	for (uint32_t i = 0; i < pg.npages; ) {
		const struct page_desc *d = &pg.desc[i];
		if (d->state == PD_RESERVED) {
			i++;
			continue;
		}
		if (d->state == PD_TAIL)
			PG_BAD("page %u is a tail outside any block", i);
		uint32_t n = 1u << d->order;
		if (d->order > PAGE_MAX_ORDER || (i & (n - 1)) || i + n > pg.npages)
			PG_BAD("block %u of order %u is misplaced", i, d->order);
		for (uint32_t j = i + 1; j < i + n; j++)
			if (pg.desc[j].state != PD_TAIL)
				PG_BAD("page %u inside block %u is not a tail", j, i);
		if (PD_KIND(d->state) > PD_CACHED ||
		    (PD_KIND(d->state) != PD_USED && PD_KIND(d->state) != PD_CACHED &&
		     PD_HART(d->state)) || PD_HART(d->state) >= NCPU)
			PG_BAD("block %u has bad state %#x", i, d->state);
		if (d->state == PD_FREE) {
			uint32_t b = i ^ n;
			if (d->order < PAGE_MAX_ORDER && b < pg.npages &&
			    pg.desc[b].state == PD_FREE && pg.desc[b].order == d->order)
				PG_BAD("free buddies %u and %u of order %u not merged",
				       i, b, d->order);
			k->free_blocks[d->order]++;
			k->nfree += n;
		} else if (PD_KIND(d->state) == PD_CACHED) {
			if (d->order != 0)
				PG_BAD("cached block %u has order %u", i, d->order);
			k->cached[PD_HART(d->state)]++;
		} else {
			if (d->owner >= PAGE_OWNERS || pg.owners[d->owner].pid == OWNER_NONE)
				PG_BAD("block %u has closed owner slot %u", i, d->owner);
			if (!tag_in_use(d->tag))
				PG_BAD("block %u has unknown tag %u", i, d->tag);
			k->owner_pages[d->owner] += n;
			k->owner_blocks[d->owner][PD_HART(d->state)]++;
			k->tag_pages[d->tag] += n;
		}
		k->total += n;
		i += n;
	}
	return 0;
}

/* Walk one list checking links, membership and length; a list linked
 * by next alone (a hart's cached pages) has no prev links to check. */
static int page_check_list(uint32_t head, int state, int order, int owner,
			   uint32_t expect_len, const char *name)
{
	uint32_t len = 0, prev = PAGE_NIL;

	for (uint32_t i = head; i != PAGE_NIL; prev = i, i = pg.desc[i].next) {
		if (i >= pg.npages || ++len > expect_len)
			PG_BAD("%s list runs past its %u entries", name, expect_len);
		const struct page_desc *d = &pg.desc[i];
		if (PD_KIND(state) != PD_CACHED && d->prev != prev)
			PG_BAD("%s list: page %u has a bad prev link", name, i);
		if (d->state != state || (order >= 0 && d->order != order) ||
		    (owner >= 0 && d->owner != owner))
			PG_BAD("%s list holds page %u (state %u order %u owner %u)",
			       name, i, d->state, d->order, d->owner);
	}
	if (len != expect_len)
		PG_BAD("%s list has %u entries, counter says %u", name, len, expect_len);
	return 0;
}

/* Owner hash and free-slot stack agree with the records. */
static int page_check_owners(void)
{
	uint32_t in_hash = 0;

	for (uint32_t b = 0; b < OWNER_HASH; b++) {
		uint8_t s = pg.owner_hash[b];
		if (!s)
			continue;
		in_hash++;
		if (s > PAGE_OWNERS || pg.owners[s - 1].pid == OWNER_NONE ||
		    page_owner_probe(pg.owners[s - 1].pid) != s - 1)
			PG_BAD("owner hash bucket %u is stale or unreachable", b);
	}
	if (in_hash + pg.nfree_slots != PAGE_OWNERS)
		PG_BAD("%u owners hashed + %u free slots != %d", in_hash,
		       pg.nfree_slots, PAGE_OWNERS);
	if (pg.owners[0].pid != 0)
		PG_BAD("slot 0 is not the kernel's");
	for (int h = 0; h < NCPU; h++) {
		const struct page_cache *c = &page_cache[h];
		if (c->last_pid < 0 || page_owner_probe(c->last_pid) != (int)c->last_slot ||
		    c->last_rec != &pg.owners[c->last_slot])
			PG_BAD("hart %d's last owner found, pid %d slot %u, is stale",
			       h, (int)c->last_pid, c->last_slot);
	}
	return 0;
}

/* Each hart's cached list and owner sublists against the census. */
static int page_check_harts(const struct page_census *k)
{
	int rc;

	for (int h = 0; h < NCPU; h++) {
		const struct page_cache *c = &page_cache[h];
		if (k->cached[h] != c->count)
			PG_BAD("hart %d caches %u pages, its counter says %u", h,
			       k->cached[h], c->count);
		rc = page_check_list(c->head, PD_ON(PD_CACHED, h), 0, -1, c->count,
				     "cached");
		for (int s = 0; !rc && s < PAGE_OWNERS; s++) {
			if (pg.owners[s].pid == OWNER_NONE && c->owner_head[s] != PAGE_NIL)
				PG_BAD("closed slot %d holds blocks on hart %d", s, h);
			rc = page_check_list(c->owner_head[s], PD_ON(PD_USED, h), -1, s,
					     k->owner_blocks[s][h], "owner");
		}
		if (rc)
			return rc;
	}
	return 0;
}

/* Verify all page allocator invariants. */
int page_check(void)
{
	static struct page_census k;   /* too big for a kernel stack; under the locks */
	struct tag_stat ts;
	unsigned long s;
	int rc;

	s = page_lock_all();
	memset(&k, 0, sizeof(k));
	rc = page_check_blocks(&k);
	if (!rc && (k.nfree != pg.nfree || k.total != pg.total)) {
		kprintf("page_check: counted %u free of %u, counters say %u of %u\n",
			k.nfree, k.total, pg.nfree, pg.total);
		rc = -EIO;
	}
	for (int o = 0; !rc && o <= PAGE_MAX_ORDER; o++) {
		if (k.free_blocks[o] != pg.free_count[o]) {
			kprintf("page_check: order %d: %u free blocks, counter %u\n",
				o, k.free_blocks[o], pg.free_count[o]);
			rc = -EIO;
		} else {
			rc = page_check_list(pg.free_head[o], PD_FREE, o, -1,
					     k.free_blocks[o], "free");
		}
	}
	for (int s = 0; !rc && s < PAGE_OWNERS; s++) {
		const struct page_owner_rec *r = &pg.owners[s];
		if (r->pid == OWNER_NONE && r->pages) {
			kprintf("page_check: closed slot %d holds pages\n", s);
			rc = -EIO;
		} else if (k.owner_pages[s] != r->pages) {
			kprintf("page_check: pid %d holds %u pages, record says %u\n",
				(int)r->pid, k.owner_pages[s], r->pages);
			rc = -EIO;
		}
	}
	if (!rc)
		rc = page_check_harts(&k);
	for (int t = 0; !rc && t < tag_count(); t++) {
		tag_stat_get(t, &ts);
		if (ts.pages != k.tag_pages[t]) {
			kprintf("page_check: tag %d holds %lu pages, table says %lu\n",
				t, (unsigned long)k.tag_pages[t], (unsigned long)ts.pages);
			rc = -EIO;
		}
	}
	if (!rc)
		rc = page_check_owners();
	page_unlock_all(s);
	return rc;
}
