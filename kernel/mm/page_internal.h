/* State shared by page.c (buddy allocator), page_owner.c (owner records)
 * and page_check.c (invariant walker). Nothing outside kernel/mm/page*.c
 * includes this; everything here is protected by pg.lock (page_lock). */
#ifndef RVOS_MM_PAGE_INTERNAL_H
#define RVOS_MM_PAGE_INTERNAL_H

#include <kernel/page.h>
#include <kernel/spinlock.h>

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

/* An owner record: the blocks one PID holds. */
struct page_owner_rec {
	pid_t pid;                             /* OWNER_NONE when closed */
	uint32_t head;                         /* first block held */
	uint32_t pages;
	uint32_t blocks;
};

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

/* Descriptor lists (page.c). */
void page_list_push(uint32_t *head, uint32_t idx);
void page_list_del(uint32_t *head, uint32_t idx);

/* Free an allocated block, merging buddies (page.c). */
void page_block_release(uint32_t idx);

/* Owner records (page_owner.c). */
void page_owners_reset(void);
int page_owner_slot(pid_t pid);

/* Index of the page at p, or -1 if p is not a page of managed RAM. */
long page_index(const void *p);

#endif
