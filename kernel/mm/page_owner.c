/* Page tracker owner records: which PID holds which page blocks.
 *
 * PAGE_OWNERS records, one per process that may hold pages plus the
 * kernel (slot 0, pid 0, always open). A PID finds its record through
 * owner_hash, open addressing with linear probing over OWNER_HASH slots,
 * at most half full, keyed by pid mod OWNER_HASH: PIDs increase, so
 * live PIDs rarely share a bucket and a lookup is one or two probes.
 * Deletion shifts later entries back, so no tombstones build up.
 * The hash and slot stack are protected by pg.lock; what walks or
 * changes the harts' owner sublists, or closes a record, takes every
 * page lock (page_lock_all).
 */
#include "page_internal.h"
#include <kernel/tag.h>
#include <kernel/mm.h>
#include <kernel/mm_audit.h>
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
		pg.owners[i].pages = 0;
	}
	pg.nfree_slots = 0;
	for (int i = PAGE_OWNERS - 1; i >= 1; i--)
		pg.free_slots[pg.nfree_slots++] = (uint8_t)i;
	pg.owners[0].pid = 0;
	owner_hash_add(0);
}

/* Give pid an owner record. pg.lock is enough: the fast paths read only
 * open records, and this writes only a closed one and the hash. */
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

/* Return the blocks on list head (one hart's sublist of an owner) to the
 * buddy lists, counting them per tag into freed. The list is dropped
 * whole: each block goes straight back (no unlink, no per-block owner or
 * tag update). pid, their owner, is for the allocation history, which
 * sees each block freed. Caller holds every page lock. */
static void owner_list_free(uint32_t head, uint32_t pages[], uint32_t blocks[],
			    pid_t pid)
{
	for (uint32_t idx = head, next; idx != PAGE_NIL; idx = next) {
		const struct page_desc *d = &pg.desc[idx];
		unsigned order = d->order;
		next = d->next;             /* page_merge_insert relinks d */
		pages[d->tag] += 1u << order;
		blocks[d->tag]++;
		if (__builtin_expect(mm_audit_on, 0))
			mm_audit_page(MM_AUDIT_PAGE_FREE,
				      (void *)(pg.base + (uintptr_t)idx * PAGE_SIZE), order,
				      d->tag, pid, (uintptr_t)__builtin_return_address(0));
		page_merge_insert(idx, order);
	}
}

/* Free all of pid's blocks and close its record: each hart's sublist of
 * it is walked once, and each tag uncharged once at the end (on this
 * hart's row) with what was counted on the way. Takes every page lock.
 * O(blocks held) + O(harts) + O(TAG_MAX). */
long page_reclaim(pid_t pid, size_t by_tag[])
{
	uint32_t pages[TAG_MAX] = { 0 }, blocks[TAG_MAX] = { 0 };
	long total = 0;
	unsigned long s;
	int b, slot;

	if (pid == 0)
		return -EPERM;
	s = page_lock_all();
	b = pid < 0 ? -1 : owner_bucket(pid);
	if (b < 0) {
		page_unlock_all(s);
		if (by_tag)
			memset(by_tag, 0, TAG_MAX * sizeof(by_tag[0]));
		return -ESRCH;
	}
	slot = pg.owner_hash[b] - 1;
	for (int h = 0; h < NCPU; h++) {
		struct page_cache *c = &page_cache[h];
		owner_list_free(c->owner_head[slot], pages, blocks, pid);
		c->owner_head[slot] = PAGE_NIL;
		if (c->last_pid == pid)            /* the kernel is always open */
			page_cache_remember(c, 0, 0);
	}
	for (int t = 0; t < TAG_MAX; t++) {
		if (blocks[t])
			page_tag_uncharge(t, pages[t], blocks[t], cpu_id());
		total += pages[t];
	}
	pg.nfree += (uint32_t)total;
	owner_hash_del((uint32_t)b);
	struct page_owner_rec *r = &pg.owners[slot];
	r->pages = 0;
	r->pid = OWNER_NONE;
	pg.free_slots[pg.nfree_slots++] = (uint8_t)slot;
	page_unlock_all(s);
	for (int t = 0; by_tag && t < TAG_MAX; t++)
		by_tag[t] = pages[t];
	return total;
}

/* Pages pid holds now. */
long page_owner_pages(pid_t pid)
{
	size_t limit;

	return page_owner_usage(pid, &limit);
}

/* Pages pid holds now, by tag: walks pid's own sublists under every
 * page lock, O(blocks it holds + harts). */
long page_owner_count_by_tag(pid_t pid, size_t by_tag[])
{
	long total = 0;
	unsigned long s;
	int slot;

	memset(by_tag, 0, TAG_MAX * sizeof(by_tag[0]));
	s = page_lock_all();
	slot = page_owner_probe(pid);
	if (slot < 0) {
		page_unlock_all(s);
		return -ESRCH;
	}
	for (int h = 0; h < NCPU; h++) {
		uint32_t idx = page_cache[h].owner_head[slot];
		for (; idx != PAGE_NIL; idx = pg.desc[idx].next) {
			const struct page_desc *d = &pg.desc[idx];
			by_tag[d->tag] += 1u << d->order;
			total += 1u << d->order;
		}
	}
	page_unlock_all(s);
	return total;
}

/* Owner records, hash and slot stack, and the harts' lists (their owner
 * sublists' heads), for the budget. */
size_t page_owner_meta_bytes(void)
{
	return sizeof(pg.owners) + sizeof(pg.owner_hash) + sizeof(pg.free_slots) +
	       sizeof(page_cache);
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
	n = slot < 0 ? -ESRCH : (long)__atomic_load_n(&pg.owners[slot].pages,
						      __ATOMIC_RELAXED);
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
