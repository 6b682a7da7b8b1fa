/* page_check(): walk every descriptor and list and compare with the
 * counters. O(pages); for tests, never on a hot path. */
#include "page_internal.h"
#include <kernel/tag.h>
#include <kernel/printf.h>
#include <uapi/errno.h>

/* Print why the check failed and return -EIO. */
#define PG_BAD(...) do { kprintf("page_check: " __VA_ARGS__); kprintf("\n"); \
			 return -EIO; } while (0)

/* Walk the blocks in index order: heads, tails, free-buddy merging, and
 * the per-order, per-owner (pages and blocks) and per-tag sums. Caller
 * holds pg.lock. */
static int page_check_blocks(uint32_t free_blocks[], uint32_t owner_pages[],
			     uint32_t owner_blocks[], uint64_t tag_pages[],
			     uint32_t *nfree, uint32_t *total)
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
		if (d->state == PD_FREE) {
			uint32_t b = i ^ n;
			if (d->order < PAGE_MAX_ORDER && b < pg.npages &&
			    pg.desc[b].state == PD_FREE && pg.desc[b].order == d->order)
				PG_BAD("free buddies %u and %u of order %u not merged",
				       i, b, d->order);
			free_blocks[d->order]++;
			*nfree += n;
		} else {
			if (d->owner >= PAGE_OWNERS || pg.owners[d->owner].pid == OWNER_NONE)
				PG_BAD("block %u has closed owner slot %u", i, d->owner);
			if (!tag_in_use(d->tag))
				PG_BAD("block %u has unknown tag %u", i, d->tag);
			owner_pages[d->owner] += n;
			owner_blocks[d->owner]++;
			tag_pages[d->tag] += n;
		}
		*total += n;
		i += n;
	}
	return 0;
}

/* Walk one list checking links, membership and length. */
static int page_check_list(uint32_t head, int state, int order, int owner,
			   uint32_t expect_len, const char *name)
{
	uint32_t len = 0, prev = PAGE_NIL;

	for (uint32_t i = head; i != PAGE_NIL; prev = i, i = pg.desc[i].next) {
		if (i >= pg.npages || ++len > expect_len)
			PG_BAD("%s list runs past its %u entries", name, expect_len);
		const struct page_desc *d = &pg.desc[i];
		if (d->prev != prev)
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
	if (pg.last_pid < 0 || page_owner_probe(pg.last_pid) != (int)pg.last_slot)
		PG_BAD("last owner found, pid %d slot %u, is stale", (int)pg.last_pid,
		       pg.last_slot);
	return 0;
}

/* Verify all page allocator invariants. */
int page_check(void)
{
	uint32_t free_blocks[PAGE_MAX_ORDER + 1] = { 0 };
	uint32_t owner_pages[PAGE_OWNERS] = { 0 };
	uint32_t owner_blocks[PAGE_OWNERS] = { 0 };
	uint64_t tag_pages[TAG_MAX] = { 0 };
	uint32_t nfree = 0, total = 0;
	struct tag_stat ts;
	int rc;

	spin_lock(&pg.lock);
	rc = page_check_blocks(free_blocks, owner_pages, owner_blocks, tag_pages,
			       &nfree, &total);
	if (!rc && (nfree != pg.nfree || total != pg.total)) {
		kprintf("page_check: counted %u free of %u, counters say %u of %u\n",
			nfree, total, pg.nfree, pg.total);
		rc = -EIO;
	}
	for (int o = 0; !rc && o <= PAGE_MAX_ORDER; o++) {
		if (free_blocks[o] != pg.free_count[o]) {
			kprintf("page_check: order %d: %u free blocks, counter %u\n",
				o, free_blocks[o], pg.free_count[o]);
			rc = -EIO;
		} else {
			rc = page_check_list(pg.free_head[o], PD_FREE, o, -1,
					     free_blocks[o], "free");
		}
	}
	for (int s = 0; !rc && s < PAGE_OWNERS; s++) {
		const struct page_owner_rec *r = &pg.owners[s];
		if (r->pid == OWNER_NONE && (r->head != PAGE_NIL || r->pages)) {
			kprintf("page_check: closed slot %d holds pages\n", s);
			rc = -EIO;
		} else if (owner_pages[s] != r->pages) {
			kprintf("page_check: pid %d holds %u pages, record says %u\n",
				(int)r->pid, owner_pages[s], r->pages);
			rc = -EIO;
		} else {
			rc = page_check_list(r->head, PD_USED, -1, s, owner_blocks[s],
					     "owner");
		}
	}
	for (int t = 0; !rc && t < tag_count(); t++) {
		tag_stat_get(t, &ts);
		if (ts.pages != tag_pages[t]) {
			kprintf("page_check: tag %d holds %lu pages, table says %lu\n",
				t, (unsigned long)tag_pages[t], (unsigned long)ts.pages);
			rc = -EIO;
		}
	}
	if (!rc)
		rc = page_check_owners();
	spin_unlock(&pg.lock);
	return rc;
}
