/* Page tracker owner records: which PID holds which page blocks.
 *
 * PAGE_OWNERS records, one per process that may hold pages plus the
 * kernel (slot 0, pid 0, always open). A PID finds its record through
 * owner_hash, open addressing with linear probing over OWNER_HASH slots,
 * at most half full, keyed by pid mod OWNER_HASH: PIDs increase, so
 * live PIDs rarely share a bucket and a lookup is one or two probes.
 * Deletion shifts later entries back, so no tombstones build up.
 * Everything here is protected by pg.lock.
 */
#include "page_internal.h"
#include <kernel/tag.h>
#include <kernel/mm.h>
#include <lib/string.h>
#include <uapi/errno.h>

/* Home bucket of pid. */
static uint32_t owner_home(pid_t pid)
{
	return (uint32_t)pid & (OWNER_HASH - 1);
}

/* Bucket holding pid, or -1. Caller holds pg.lock. */
static int owner_bucket(pid_t pid)
{
	uint32_t b = owner_home(pid);

	for (uint32_t n = 0; n < OWNER_HASH; n++, b = (b + 1) & (OWNER_HASH - 1)) {
		uint8_t s = pg.owner_hash[b];
		if (s == 0)
			return -1;
		if (pg.owners[s - 1].pid == pid)
			return (int)b;
	}
	return -1;
}

/* Record slot of an open pid, or -1, from the hash alone. Caller holds
 * pg.lock. */
int page_owner_probe(pid_t pid)
{
	int b = pid < 0 ? -1 : owner_bucket(pid);

	return b < 0 ? -1 : pg.owner_hash[b] - 1;
}

/* page_owner_probe, remembering what it found as the last owner
 * (pg.last_pid, for page_owner_find). Caller holds pg.lock. */
int page_owner_slot(pid_t pid)
{
	int slot = page_owner_probe(pid);

	if (slot >= 0) {
		pg.last_pid = pid;
		pg.last_slot = (uint32_t)slot;
	}
	return slot;
}

/* Enter slot (whose pid is set) into the hash. Caller holds pg.lock. */
static void owner_hash_add(int slot)
{
	uint32_t b = owner_home(pg.owners[slot].pid);

	while (pg.owner_hash[b])
		b = (b + 1) & (OWNER_HASH - 1);
	pg.owner_hash[b] = (uint8_t)(slot + 1);
}

/* Remove the entry in bucket b, shifting back the entries after it that
 * would otherwise become unreachable. Caller holds pg.lock. */
static void owner_hash_del(uint32_t b)
{
	uint32_t hole = b, j = b;

	for (;;) {
		j = (j + 1) & (OWNER_HASH - 1);
		if (!pg.owner_hash[j])
			break;
		uint32_t home = owner_home(pg.owners[pg.owner_hash[j] - 1].pid);
		/* j's entry may fill the hole unless its home lies
		 * cyclically in (hole, j]. */
		bool home_after_hole = hole <= j ? (home > hole && home <= j)
						 : (home > hole || home <= j);
		if (home_after_hole)
			continue;
		pg.owner_hash[hole] = pg.owner_hash[j];
		hole = j;
	}
	pg.owner_hash[hole] = 0;
}

/* Close every record, then open slot 0 for the kernel. Caller holds
 * pg.lock. */
void page_owners_reset(void)
{
	memset(pg.owner_hash, 0, sizeof(pg.owner_hash));
	for (int i = 0; i < PAGE_OWNERS; i++) {
		pg.owners[i].pid = OWNER_NONE;
		pg.owners[i].head = PAGE_NIL;
		pg.owners[i].pages = 0;
	}
	pg.nfree_slots = 0;
	for (int i = PAGE_OWNERS - 1; i >= 1; i--)
		pg.free_slots[pg.nfree_slots++] = (uint8_t)i;
	pg.owners[0].pid = 0;
	owner_hash_add(0);
	pg.last_pid = 0;
	pg.last_slot = 0;
}

/* Give pid an owner record. */
int page_owner_open(pid_t pid)
{
	uintptr_t ra = (uintptr_t)__builtin_return_address(0);
	int rc = 0;

	if (pid < 0)
		return -EINVAL;
	spin_lock(&pg.lock);
	if (page_owner_probe(pid) >= 0) {
		rc = -EEXIST;
	} else if (pg.nfree_slots == 0) {
		pg.owner_refused++;
		mm_report(ra, "page_owner_open: all %d owner records taken, pid %d refused",
			  PAGE_OWNERS, (int)pid);
		rc = -ENFILE;
	} else {
		int slot = pg.free_slots[--pg.nfree_slots];
		pg.owners[slot].pid = pid;
		pg.owners[slot].limit = 0;
		owner_hash_add(slot);
	}
	spin_unlock(&pg.lock);
	return rc;
}

/* Free all of pid's blocks and close its record. The record's list is
 * walked once and dropped whole: each block goes straight back to the
 * buddy lists (no unlink, no per-block owner or tag update), and each
 * tag is uncharged once at the end with what was counted on the way.
 * O(blocks held) + O(TAG_MAX). */
long page_reclaim(pid_t pid, size_t by_tag[])
{
	struct { uint32_t pages, blocks; } freed[TAG_MAX];
	long total = 0;
	int b, slot;

	if (pid == 0)
		return -EPERM;
	spin_lock(&pg.lock);
	b = pid < 0 ? -1 : owner_bucket(pid);
	if (b < 0) {
		spin_unlock(&pg.lock);
		if (by_tag)
			memset(by_tag, 0, TAG_MAX * sizeof(by_tag[0]));
		return -ESRCH;
	}
	slot = pg.owner_hash[b] - 1;
	for (int t = 0; t < TAG_MAX; t++)
		freed[t].pages = freed[t].blocks = 0;
	struct page_owner_rec *r = &pg.owners[slot];
	for (uint32_t idx = r->head, next; idx != PAGE_NIL; idx = next) {
		const struct page_desc *d = &pg.desc[idx];
		unsigned order = d->order;
		next = d->next;             /* page_merge_insert relinks d */
		freed[d->tag].pages += 1u << order;
		freed[d->tag].blocks++;
		page_merge_insert(idx, order);
	}
	for (int t = 0; t < TAG_MAX; t++) {
		if (freed[t].blocks)
			page_tag_uncharge(t, freed[t].pages, freed[t].blocks);
		total += freed[t].pages;
	}
	pg.nfree += (uint32_t)total;
	owner_hash_del((uint32_t)b);
	r->head = PAGE_NIL;
	r->pages = 0;
	r->pid = OWNER_NONE;
	if (pg.last_pid == pid) {              /* the kernel is always open */
		pg.last_pid = 0;
		pg.last_slot = 0;
	}
	pg.free_slots[pg.nfree_slots++] = (uint8_t)slot;
	spin_unlock(&pg.lock);
	for (int t = 0; by_tag && t < TAG_MAX; t++)
		by_tag[t] = freed[t].pages;
	return total;
}

/* Pages pid holds now. */
long page_owner_pages(pid_t pid)
{
	size_t limit;

	return page_owner_usage(pid, &limit);
}

/* Pages pid holds now, by tag: walks pid's own list of blocks under
 * pg.lock, O(blocks it holds). */
long page_owner_count_by_tag(pid_t pid, size_t by_tag[])
{
	long total = 0;
	int slot;

	memset(by_tag, 0, TAG_MAX * sizeof(by_tag[0]));
	spin_lock(&pg.lock);
	slot = page_owner_probe(pid);
	if (slot < 0) {
		spin_unlock(&pg.lock);
		return -ESRCH;
	}
	for (uint32_t idx = pg.owners[slot].head; idx != PAGE_NIL; idx = pg.desc[idx].next) {
		const struct page_desc *d = &pg.desc[idx];
		by_tag[d->tag] += 1u << d->order;
		total += 1u << d->order;
	}
	spin_unlock(&pg.lock);
	return total;
}

/* Owner records, hash and slot stack, for the budget. */
size_t page_owner_meta_bytes(void)
{
	return sizeof(pg.owners) + sizeof(pg.owner_hash) + sizeof(pg.free_slots);
}

/* Cap the pages pid may hold (0: no cap); allocations beyond it fail
 * and are counted as the tag's page failures. 0 or -ESRCH. */
int page_owner_limit_set(pid_t pid, size_t pages)
{
	int slot, rc = 0;

	spin_lock(&pg.lock);
	slot = page_owner_probe(pid);
	if (slot < 0)
		rc = -ESRCH;
	else
		pg.owners[slot].limit = (uint32_t)MIN(pages, (size_t)UINT32_MAX);
	spin_unlock(&pg.lock);
	return rc;
}

/* Pages pid holds now, its cap in *limit (0: none); or -ESRCH. */
long page_owner_usage(pid_t pid, size_t *limit)
{
	long n;
	int slot;

	spin_lock(&pg.lock);
	slot = page_owner_probe(pid);
	n = slot < 0 ? -ESRCH : (long)pg.owners[slot].pages;
	*limit = slot < 0 ? 0 : pg.owners[slot].limit;
	spin_unlock(&pg.lock);
	return n;
}

/* Percent of RAM a new process may own (PAGE_LIMIT_PCT; 0: no cap). */
static unsigned page_limit_pct = PAGE_LIMIT_PCT;

/* The cap for a new process: page_limit_pct of the pages handed over.
 * No lock: pg.total is fixed once boot has handed RAM over, and the
 * percentage is one word. */
size_t page_limit_default(void)
{
	return (size_t)pg.total * page_limit_pct / 100;
}

/* Change the percentage (tests); returns the old one. */
unsigned page_limit_pct_set(unsigned pct)
{
	spin_lock(&pg.lock);
	unsigned old = page_limit_pct;
	page_limit_pct = pct;
	spin_unlock(&pg.lock);
	return old;
}

/* Count a refusal of pages under tag made outside the allocator (a cap
 * another layer keeps, such as a job's heap budget), so the tag's page
 * failures say every time a page was refused. */
void page_refused(int tag)
{
	spin_lock(&pg.lock);
	page_tag_fail(tag);
	spin_unlock(&pg.lock);
}
