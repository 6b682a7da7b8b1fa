/* State shared by page.c (buddy allocator and slow paths), page_cache.c
 * (per-hart lists and fast paths), page_owner.c (owner records) and
 * page_check.c (invariant walker), and the small operations on it that
 * the allocation, free and reclaim paths inline. Nothing outside
 * kernel/mm/page*.c includes this.
 *
 * Locking. pg.lock protects the buddy lists, pg.nfree and the owner hash
 * and slot stack. page_cache[h].lock protects hart h's cached list and
 * its owner sublists, and every descriptor whose state names hart h
 * (PD_USED or PD_CACHED on h). An owner record's pages count is written
 * with atomic adds under any of those locks; its pid changes only under
 * every lock (page_lock_all: the caches' locks in hart order, then
 * pg.lock). Order: page_cache[0..NCPU).lock -> pg.lock -> tag_lock.
 */
#ifndef RVOS_MM_PAGE_INTERNAL_H
#define RVOS_MM_PAGE_INTERNAL_H

#include <kernel/page.h>
#include <kernel/spinlock.h>
#include <kernel/cpu.h>
#include "tag_internal.h"

#define PAGE_NIL        UINT32_MAX         /* end of a descriptor list */
#define OWNER_HASH_BITS 8
#define OWNER_HASH      (1u << OWNER_HASH_BITS)
#define OWNER_NONE      (-1)               /* pid of a closed record */

_Static_assert(OWNER_HASH >= 2 * PAGE_OWNERS, "owner hash over half full");
_Static_assert(PAGE_OWNERS < 255, "owner slots are stored in one byte");
_Static_assert(PAGE_MAX_ORDER < 31, "orders must fit a u32 shift");

/* Descriptor states, the low 3 bits of state. Invariant: within every
 * block handed to the allocator the first page is PD_FREE, PD_USED or
 * PD_CACHED (order 0 only) and all others PD_TAIL; pages never handed
 * over stay PD_RESERVED. A PD_USED or PD_CACHED state also names, in
 * its high bits, the hart whose lists hold the block (PD_ON), so the
 * free fast path checks "allocated, and on my lists" in one compare. */
enum { PD_RESERVED = 0, PD_FREE, PD_USED, PD_TAIL, PD_CACHED };
#define PD_KIND(s)        ((s) & 7u)
#define PD_HART(s)        ((unsigned)(s) >> 3)
#define PD_ON(kind, hart) ((uint8_t)((kind) | (unsigned)(hart) << 3))

_Static_assert(NCPU <= 32, "a hart number must fit state's 5 high bits");

/* One per page of RAM: 12 bytes. next/prev link the head page of a
 * block into its free list (PD_FREE) or its owner's sublist on its hart
 * (PD_USED); next alone links a cached page into its hart's list
 * (PD_CACHED). order, tag and owner are meaningful only in a head. */
struct page_desc {
	uint32_t next, prev;
	uint8_t state;
	uint8_t order;
	uint8_t tag;
	uint8_t owner;                         /* slot in pg.owners */
};

_Static_assert(sizeof(struct page_desc) == 12, "a descriptor is 12 bytes");

/* Two adjacent bytes of a descriptor as one 16-bit word (the fast paths
 * test and set state and order, or write tag and owner, at once): a
 * type that may alias them, at an even offset of a 4-aligned struct. */
typedef uint16_t __attribute__((may_alias)) page_word_t;

/* state | order << 8 */
static inline page_word_t *page_state_order(struct page_desc *d)
{
	return (page_word_t *)&d->state;
}

/* tag | owner << 8 */
static inline page_word_t *page_tag_owner(struct page_desc *d)
{
	return (page_word_t *)&d->tag;
}

/* An owner record: how many pages one PID holds (its blocks are on the
 * harts' sublists, page_cache[h].owner_head[slot]). Aligned to 16 bytes
 * so a slot indexes the array with a shift. */
struct page_owner_rec {
	pid_t pid;                             /* OWNER_NONE when closed */
	uint32_t pages;                        /* atomic adds (see above) */
	uint32_t limit;                        /* most pages it may hold, 0: no cap */
	uint32_t pad;
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
};

extern struct page_alloc_state pg;

/* One hart's order-0 page list and its share of the owner lists
 * (docs/memory.md, "Per-hart page lists"). A cache line apart, so harts
 * never write each other's lines on the fast path. */
struct page_cache {
	struct spinlock lock;                  /* LOCK_RANK_PAGE_CACHE, raw */
	uint32_t head;                         /* cached pages, linked by next */
	uint32_t depth;                        /* most pages cached; 0: off */
	uint32_t count;                        /* (not next to head: GCC would
						  merge their stores into one,
						  with shifts) */
	pid_t last_pid;                        /* an open pid, ... */
	struct page_owner_rec *last_rec;       /* ... its record ... */
	uint32_t last_slot;                    /* ... and its slot, */
	uint16_t last_owner_word;              /* ... as owner << 8 (page_tag_owner) */
	/* A one-page block's state and order as one word
	 * (page_state_order): used, or cached, on this hart. */
	uint16_t used_word, cached_word;
	struct tag_cpu *tag_col;               /* &tag_cpu[0][hart]: a tag's row
						  is tag * NCPU rows further */
	uint32_t owner_head[PAGE_OWNERS];      /* blocks this hart gave each owner */
} __attribute__((aligned(512)));           /* a shift from page_cache[0] */

extern struct page_cache page_cache[NCPU];

/* Every page lock in order (the caches' in hart order, then pg.lock),
 * for whatever reads or changes more than one hart's lists; returns the
 * interrupt state for page_unlock_all. */
unsigned long page_lock_all(void);
void page_unlock_all(unsigned long s);

/* Slow paths of page_alloc and page_free (page.c), tail-called by the
 * fast paths (page_cache.c) with the caller's address for reports. */
void *page_alloc_slow(unsigned order, pid_t owner, int tag, uintptr_t ra);
int page_free_slow(void *p, pid_t owner, uintptr_t ra);

/* Move cached pages of hart c to the buddy lists: n of them, or all.
 * Caller holds c's lock and pg.lock. Returns the pages moved. */
uint32_t page_cache_spill(struct page_cache *c, uint32_t n);

/* Reset every hart's list and owner sublists (page_init). */
void page_cache_reset(void);

/* Pages to refill or spill at once: half the depth, at least one. */
static inline uint32_t page_cache_batch(const struct page_cache *c)
{
	return c->depth > 1 ? c->depth / 2 : 1;
}

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

/* The tag table's page counters: hart h writes its own row (see
 * tag_internal.h) under a page lock it holds with interrupts off, so it
 * cannot move. pages_peak is no longer under one lock (the fast paths
 * hold only their hart's): it is raised with a compare-and-swap, so it
 * never goes down, and is exact while one hart charges the tag at a time.
 * The page allocator writes them inline, as the heap does its bytes. */
#ifndef MM_NO_ACCOUNTING
/* Raise *peak to now unless another hart raised it higher. */
static inline void page_peak_raise(uint64_t *peak, uint64_t now)
{
	uint64_t old = pcpu_read(peak);

	while (now > old &&
	       !__atomic_compare_exchange_n(peak, &old, now, true,
					    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
}

/* The harts a sum of tag counters must cover, once hart h has joined
 * them (it joins before its first charge, so a sum under every page lock
 * sees every count). */
static inline int page_tag_harts(int h)
{
	int n = pcpu_read_int(&tag_harts);

	if (__builtin_expect(h >= n, 0))
		n = tag_harts_raise(h);
	return n;
}

/* Charge a block of n pages to tag in its row t (hart h's), one of
 * harts harts. */
static inline void page_tag_charge_row(struct tag_cpu *t, int tag, uint32_t n,
				       int harts)
{
	uint64_t mine = t->pages + n;

	pcpu_set(&t->pages, mine);
	pcpu_add(&t->page_allocs, 1);
	page_peak_raise(&tag_table[tag].pages_peak,
			tag_cpu_total(&tag_cpu[tag][0].pages, harts, mine));
}

/* Take blocks blocks holding n pages in all back from a tag's row t
 * (of a hart that has joined the summed harts). */
static inline void page_tag_uncharge_row(struct tag_cpu *t, uint32_t n, uint32_t blocks)
{
	pcpu_add(&t->pages, -(uint64_t)n);
	pcpu_add(&t->page_frees, blocks);
}

/* Whether tag is in use, for the fast paths: only its bounds matter
 * there (the rows are static), so no acquire fence. */
static inline bool page_tag_fast(int tag)
{
	return (unsigned)tag < (unsigned)__atomic_load_n(&tag_nr, __ATOMIC_RELAXED);
}

/* Whether hart h has joined the summed harts (the fast paths leave
 * for the slow ones, which join it, when not); the count in *harts. */
static inline bool page_tag_joined(int h, int *harts)
{
	*harts = pcpu_read_int(&tag_harts);
	return h < *harts;
}

/* The same for the slow paths, which may be a hart's first charge. */
static inline void page_tag_charge(int tag, uint32_t n, int h)
{
	int harts = page_tag_harts(h);

	page_tag_charge_row(&tag_cpu[tag][h], tag, n, harts);
}

static inline void page_tag_uncharge(int tag, uint32_t n, uint32_t blocks, int h)
{
	page_tag_harts(h);
	page_tag_uncharge_row(&tag_cpu[tag][h], n, blocks);
}

/* Count a page_alloc under tag that returned NULL. */
static inline void page_tag_fail(int tag)
{
	__atomic_fetch_add(&tag_table[tag].page_fails, 1, __ATOMIC_RELAXED);
}
#else   /* make bench's baseline: nothing charged (docs/perf.md) */
static inline int page_tag_harts(int h) { return h + 1; }
static inline bool page_tag_joined(int h, int *harts) { *harts = h + 1; return true; }
static inline bool page_tag_fast(int tag) { return tag_in_use(tag); }
static inline void page_tag_charge_row(struct tag_cpu *t, int tag, uint32_t n,
				       int harts)
{ (void)t; (void)tag; (void)n; (void)harts; }
static inline void page_tag_uncharge_row(struct tag_cpu *t, uint32_t n, uint32_t blocks)
{ (void)t; (void)n; (void)blocks; }
static inline void page_tag_charge(int tag, uint32_t n, int h)
{ (void)tag; (void)n; (void)h; }
static inline void page_tag_uncharge(int tag, uint32_t n, uint32_t blocks, int h)
{ (void)tag; (void)n; (void)blocks; (void)h; }
static inline void page_tag_fail(int tag) { (void)tag; }
#endif

/* Owner records (page_owner.c). page_owner_probe() searches the hash
 * (caller holds pg.lock). */
void page_owners_reset(void);
int page_owner_probe(pid_t pid);

/* Remember pid, open in slot, as hart c's last owner found. */
static inline void page_cache_remember(struct page_cache *c, pid_t pid, int slot)
{
	c->last_pid = pid;
	c->last_slot = (uint32_t)slot;
	c->last_owner_word = (uint16_t)(slot << 8);
	c->last_rec = &pg.owners[slot];
}

/* Record slot of an open pid, or -1, for an allocation on hart c.
 * Allocations come in runs for one owner (a process being built or
 * growing, the heap), so each hart remembers the last pid it found; the
 * fast path compares it inline, this probes the hash on a miss. Caller
 * holds c's lock and pg.lock. */
static inline int page_owner_find(struct page_cache *c, pid_t pid)
{
	int slot;

	if (pid == c->last_pid)
		return (int)c->last_slot;
	slot = page_owner_probe(pid);
	if (slot >= 0)
		page_cache_remember(c, pid, slot);
	return slot;
}

/* Add n pages to (or, n negative, take them from) an owner's count. */
static inline uint32_t page_owner_add(struct page_owner_rec *r, int32_t n)
{
	return __atomic_fetch_add(&r->pages, (uint32_t)n, __ATOMIC_RELAXED);
}

/* Index of the page at p, or -1 if p is not a page of managed RAM. */
long page_index(const void *p);

#endif
