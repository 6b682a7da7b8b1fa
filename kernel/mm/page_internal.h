/* State shared by page.c (buddy allocator), page_owner.c (owner records)
 * and page_check.c (invariant walker), and the small operations on it
 * that the allocation, free and reclaim paths inline. Nothing outside
 * kernel/mm/page*.c includes this; everything here is protected by
 * pg.lock. */
#ifndef RVOS_MM_PAGE_INTERNAL_H
#define RVOS_MM_PAGE_INTERNAL_H

#include <kernel/page.h>
#include <kernel/spinlock.h>
#include "tag_internal.h"

#define PAGE_NIL        UINT32_MAX         /* end of a descriptor list */
#define OWNER_HASH_BITS 8
#define OWNER_HASH      (1u << OWNER_HASH_BITS)
#define OWNER_NONE      (-1)               /* pid of a closed record */

_Static_assert(OWNER_HASH >= 2 * PAGE_OWNERS, "owner hash over half full");
_Static_assert(PAGE_OWNERS < 255, "owner slots are stored in one byte");
_Static_assert(PAGE_MAX_ORDER < 31, "orders must fit a u32 shift");

/* Descriptor states. Invariant: within every block handed to the
 * allocator the first page is PD_FREE or PD_USED and all others PD_TAIL;
 * pages never handed over stay PD_RESERVED. */
enum { PD_RESERVED = 0, PD_FREE, PD_USED, PD_TAIL };

/* One per page of RAM: 12 bytes. next/prev link the head page of a
 * block into its free list (PD_FREE) or its owner's list (PD_USED);
 * order, tag and owner are meaningful only in a head. */
struct page_desc {
	uint32_t next, prev;
	uint8_t state;
	uint8_t order;
	uint8_t tag;
	uint8_t owner;                         /* slot in pg.owners */
};

/* An owner record: the blocks one PID holds. Aligned to 16 bytes so a
 * slot indexes the array with a shift. */
struct page_owner_rec {
	pid_t pid;                             /* OWNER_NONE when closed */
	uint32_t head;                         /* first block held */
	uint32_t pages;
	uint32_t limit;                        /* most pages it may hold, 0: no cap */
} __attribute__((aligned(16)));

_Static_assert(sizeof(struct page_owner_rec) == 16, "owner records are 16 bytes");

struct page_alloc_state {
	struct spinlock lock;
	struct page_desc *desc;
	paddr_t base;
	uint32_t npages;                       /* descriptors */
	uintptr_t meta_lo, meta_hi;            /* the descriptor array */
	uint32_t free_head[PAGE_MAX_ORDER + 1];
	uint32_t free_count[PAGE_MAX_ORDER + 1];
	uint32_t total, nfree;
	uint64_t fails, misuse, owner_refused;
	struct page_owner_rec owners[PAGE_OWNERS];
	uint8_t owner_hash[OWNER_HASH];        /* slot + 1, 0 = empty */
	uint8_t free_slots[PAGE_OWNERS];       /* stack of closed slots */
	uint32_t nfree_slots;
	pid_t last_pid;                        /* an open pid ... */
	uint32_t last_slot;                    /* ... and its slot */
};

extern struct page_alloc_state pg;

/* Push descriptor idx at the front of a list. */
static inline void page_list_push(uint32_t *head, uint32_t idx)
{
	struct page_desc *d = &pg.desc[idx];

	d->prev = PAGE_NIL;
	d->next = *head;
	if (*head != PAGE_NIL)
		pg.desc[*head].prev = idx;
	*head = idx;
}

/* Unlink descriptor idx from a list in O(1); its links are left stale
 * (every push rewrites both). */
static inline void page_list_del(uint32_t *head, uint32_t idx)
{
	struct page_desc *d = &pg.desc[idx];

	if (d->prev != PAGE_NIL)
		pg.desc[d->prev].next = d->next;
	else
		*head = d->next;
	if (d->next != PAGE_NIL)
		pg.desc[d->next].prev = d->prev;
}

/* Put the block idx of order on its free list after merging it with
 * every free buddy; tails of the block are PD_TAIL already, and its own
 * list links are overwritten. O(PAGE_MAX_ORDER). */
static inline void page_merge_insert(uint32_t idx, unsigned order)
{
	struct page_desc *d = &pg.desc[idx];

	while (order < PAGE_MAX_ORDER) {
		uint32_t b = idx ^ (1u << order);
		if (b >= pg.npages)
			break;
		struct page_desc *bd = &pg.desc[b];
		if (bd->state != PD_FREE || bd->order != order)
			break;
		page_list_del(&pg.free_head[order], b);
		pg.free_count[order]--;
		if (b > idx) {          /* the upper half becomes a tail */
			bd->state = PD_TAIL;
		} else {
			d->state = PD_TAIL;
			d = bd;
			idx = b;
		}
		order++;
	}
	d->state = PD_FREE;
	d->order = (uint8_t)order;
	page_list_push(&pg.free_head[order], idx);
	pg.free_count[order]++;
}

/* The tag table's page counters: each hart writes its own row (see
 * tag_internal.h), and pages_peak is raised under pg.lock. The page
 * allocator writes them inline, as the heap does its byte counters. */
#ifndef MM_NO_ACCOUNTING
/* Charge a block of n pages to tag. */
static inline void page_tag_charge(int tag, uint32_t n)
{
	int harts;
	struct tag_cpu *t = tag_cpu_row(tag, &harts);
	uint64_t mine = t->pages + n;

	pcpu_set(&t->pages, mine);
	pcpu_add(&t->page_allocs, 1);
	tag_peak_raise(&tag_table[tag].pages_peak,
		       tag_cpu_total(&tag_cpu[tag][0].pages, harts, mine));
}

/* Take blocks blocks holding n pages in all back from tag. */
static inline void page_tag_uncharge(int tag, uint32_t n, uint32_t blocks)
{
	int harts;
	struct tag_cpu *t = tag_cpu_row(tag, &harts);

	pcpu_add(&t->pages, -(uint64_t)n);
	pcpu_add(&t->page_frees, blocks);
}

/* Count a page_alloc under tag that returned NULL. */
static inline void page_tag_fail(int tag)
{
	__atomic_fetch_add(&tag_table[tag].page_fails, 1, __ATOMIC_RELAXED);
}
#else   /* make bench's baseline: nothing charged (docs/perf.md) */
static inline void page_tag_charge(int tag, uint32_t n) { (void)tag; (void)n; }
static inline void page_tag_uncharge(int tag, uint32_t n, uint32_t blocks)
{ (void)tag; (void)n; (void)blocks; }
static inline void page_tag_fail(int tag) { (void)tag; }
#endif

/* Owner records (page_owner.c). page_owner_probe() searches the hash;
 * page_owner_slot() also remembers what it found for page_owner_find(). */
void page_owners_reset(void);
int page_owner_probe(pid_t pid);
int page_owner_slot(pid_t pid);

/* Record slot of an open pid, or -1. Allocations come in runs for one
 * owner (a process being built or growing, the heap), so the last pid
 * found is compared first and the hash probed out of line. */
static inline int page_owner_find(pid_t pid)
{
	if (pid == pg.last_pid)
		return (int)pg.last_slot;
	return page_owner_slot(pid);
}

/* Index of the page at p, or -1 if p is not a page of managed RAM. */
long page_index(const void *p);

#endif
