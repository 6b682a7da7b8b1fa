/* Physical page allocator and page tracker.
 *
 * A binary buddy allocator over 4 KiB pages, orders 0..PAGE_MAX_ORDER
 * (param.h), with one 12-byte descriptor per page of RAM recording the
 * block's state, order, tag and owner. Addresses are kernel virtual =
 * physical (identity map). Blocks are aligned to their size counted from
 * ram_base (physically aligned when ram_base is 4 MiB-aligned, as on QEMU
 * virt). Pages are not zeroed.
 *
 * Owners. Every allocated block belongs to one owner, a PID (0 = the
 * kernel). An owner must be open: page_owner_open(pid) gives it one of
 * PAGE_OWNERS = PROC_MAX + 1 records (the kernel's is opened by
 * page_init), -ENFILE when all are taken (counted); page_reclaim(pid)
 * frees whatever the PID still holds and closes the record. pid -> record
 * is the last owner this hart found or else a 256-entry open-addressed
 * hash (at most half full, so O(1)); the descriptor stores the record's
 * slot, so page_free() and page_owner() never hash, and the blocks an
 * owner holds are on lists, one per hart that allocated them, so reclaim
 * is O(blocks held + harts), never a scan of memory or of a table.
 *
 * Misuse (freeing a free page, a page that is not the start of a block,
 * a page not owned by the PID given, an address outside managed RAM) is
 * reported with the caller's address, counted, returned as a negative
 * -E code, and changes nothing.
 *
 * Per-hart page lists. Each hart keeps up to a depth of free single
 * pages (page_cache_set_depth) in front of the buddy lists, and its own
 * share of every owner's list: a one-page page_alloc or page_free that
 * its hart's list serves takes no shared lock. Cached pages are free for
 * every reader (page_stats counts them as cached, page_info finds no
 * block); an allocation that finds no block drains every list and tries
 * again before it fails (docs/memory.md, "Per-hart page lists").
 *
 * Locking: each hart's page_cache lock and pg.lock (private to
 * kernel/mm/page*.c); readers of more than one hart's lists take them
 * all. Lock order: heap.lock -> page_cache[0..NCPU).lock -> pg.lock ->
 * tag_lock.
 */
#ifndef RVOS_KERNEL_PAGE_H
#define RVOS_KERNEL_PAGE_H

#include <kernel/types.h>
#include <kernel/param.h>

#define PAGE_OWNERS   (PROC_MAX + 1)     /* every process plus the kernel */

/* Counters of the whole allocator (free_blocks is /proc/buddyinfo). */
struct page_stats {
	size_t total;                          /* pages handed to the allocator */
	size_t free;                           /* pages in the buddy's free blocks */
	size_t cached;                         /* free pages on the harts' lists */
	size_t cached_hart[NCPU];              /* ... each hart's share */
	size_t kernel;                         /* pages owned by pid 0 */
	size_t owners;                         /* owner records open */
	uint64_t fails;                        /* page_alloc found no block */
	uint64_t misuse;                       /* bad frees and bad arguments */
	uint64_t owner_refused;                /* opens refused, table full */
	size_t free_blocks[PAGE_MAX_ORDER + 1];
};

/* What the tracker knows about the block containing an address. */
struct page_info {
	pid_t owner;
	int tag;
	unsigned order;
	void *start;                           /* first page of the block */
};

/* Bytes of descriptors page_init needs for ram_size bytes of RAM. */
size_t page_meta_bytes(size_t ram_size);

/* Start the tracker over [ram_base, ram_base + ram_size), both page
 * aligned, with the descriptors at meta (page_meta_bytes(ram_size)
 * bytes, 8-byte aligned, inside or outside that RAM). All pages start
 * reserved; nothing is free until page_free_range(). Opens pid 0.
 * Returns 0 or -EINVAL. */
int page_init(paddr_t ram_base, size_t ram_size, void *meta);

/* Hand the pages inside [start, end) to the allocator (start rounded up,
 * end down, to pages). Returns the number of pages added, or -ERANGE
 * (outside RAM), -EINVAL (overlaps the descriptors), -EEXIST (a page is
 * already handed over); on error nothing changes. */
long page_free_range(paddr_t start, paddr_t end);

/* Allocate 2^order contiguous pages for owner, charged to tag (an
 * unknown tag is reported and charged to ????). NULL when no block is
 * free (counted under the tag) or owner is not open (reported). */
void *page_alloc(unsigned order, pid_t owner, int tag);

/* Free the block starting at p, which owner must hold. 0, or -EINVAL
 * (not an allocated block start) / -EPERM (held by another owner). */
int page_free(void *p, pid_t owner);

/* Give the block at p from one owner to another (e.g. pages a parent
 * built for a child). 0, -EINVAL, -EPERM, or -ESRCH (to not open). */
int page_owner_set(void *p, pid_t from, pid_t to);

/* Owner of the allocated block containing p, or -ENOENT. */
pid_t page_owner(const void *p);

/* Owner, tag, order and start of the allocated block containing p;
 * 0 or -ENOENT (free, reserved or outside RAM). */
int page_info(const void *p, struct page_info *out);

/* Open an owner record for pid. 0, -EINVAL (pid < 0), -EEXIST (open
 * already), -ENFILE (all PAGE_OWNERS records taken; counted). */
int page_owner_open(pid_t pid);

/* Free every block pid holds and close its record; by_tag (TAG_MAX
 * entries, may be NULL) receives the pages freed per tag. Returns the
 * pages freed, -ESRCH (not open) or -EPERM (pid 0). O(blocks held). */
long page_reclaim(pid_t pid, size_t by_tag[]);

/* Pages held by pid, or -ESRCH. */
long page_owner_pages(pid_t pid);

/* Pages pid holds now, counted into by_tag[TAG_MAX] by tag from its own
 * list (O(blocks it holds)); returns the total, or -ESRCH (by_tag all 0)
 * when pid holds no owner record. Takes pg.lock. */
long page_owner_count_by_tag(pid_t pid, size_t by_tag[]);

/* Per-owner caps (docs/memory.md, "Page caps"): page_alloc for an owner
 * past its cap fails like an empty allocator (NULL, the tag's page
 * failure counted). Set a cap (0: none; 0 or -ESRCH); read pages and
 * cap at once; the cap spawn gives a new process (PAGE_LIMIT_PCT of
 * RAM); change that percentage, for tests (returns the old one; 0: no
 * cap). */
int page_owner_limit_set(pid_t pid, size_t pages);
long page_owner_usage(pid_t pid, size_t *limit);     /* pages; *limit its cap */
size_t page_limit_default(void);

/* Count pages refused under tag by a cap outside the allocator. */
void page_refused(int tag);
unsigned page_limit_pct_set(unsigned pct);

/* Snapshot the counters (takes every page lock: one instant). Pages
 * available are free + cached. */
void page_stats(struct page_stats *out);

/* Empty every hart's list into the buddy lists, one hart at a time;
 * returns the pages moved. */
uint32_t page_cache_drain(void);

/* Set every hart's list depth (0: lists off, every page from the buddy
 * lists), spilling what is over it; returns the old depth. For tests. */
uint32_t page_cache_set_depth(uint32_t n);

/* Verify every invariant by walking all descriptors, free lists and
 * owner lists against the counters and the tag table's page counts.
 * 0, or -EIO after printing what is wrong. O(pages): for tests. */
int page_check(void);

/* RAM covered by the descriptors (ram_size given to page_init). */
size_t page_ram_bytes(void);

/* Where that RAM starts (ram_base given to page_init): buddy blocks of
 * order k are 2^k pages aligned from here. */
paddr_t page_ram_base(void);

/* Bytes of the owner records and their hash, for the budget. */
size_t page_owner_meta_bytes(void);

#endif
