/* Allocation history (bootarg mm_audit[=N]; docs/memory.md, "Allocation
 * history"): a ring of the last N kmalloc, kfree, page_alloc, page_free
 * and misuse events, and a side table saying, per block address, who
 * allocated it and who freed it last (illumos kmem audit, Linux
 * page_owner).
 *
 * Both live in pages of their own, charged to TAG_AUDT, taken when audit
 * is first switched on and kept from then on (a switch off only stops
 * the recording: a hart may still be writing). While audit is on the
 * per-hart heap and page caches are at depth 0, so every allocation and
 * free goes through the slow paths (heap_alloc_slow, heap_free_slow,
 * page_alloc_slow, page_free_slow, page_reclaim), which call the hooks
 * below with their allocator's lock held: the ring and the table then
 * see one block's events in the order the allocator made them.
 *
 * The ring takes no lock: a writer claims event number n with an atomic
 * fetch-add and writes slot n mod N, marked busy while it writes and
 * then n + 1; a reader copies a slot and keeps it only if its mark was
 * n + 1 before and after (a torn or overwritten slot is skipped). The
 * side table is an open-addressed hash under audit_lock (LOCK_RANK_AUDIT,
 * a leaf: taken under heap.lock and pg.lock, nothing taken under it).
 */
#ifndef RVOS_KERNEL_MM_AUDIT_H
#define RVOS_KERNEL_MM_AUDIT_H

#include <kernel/types.h>

#define MM_AUDIT_DEFAULT   4096    /* events kept by a bare mm_audit */
#define MM_AUDIT_MIN       64      /* mm_audit=N: N in MIN..MAX, rounded up */
#define MM_AUDIT_MAX       16384   /*   to a power of two */
#define MM_AUDIT_TABLE_MUL 2       /* side-table entries per event kept, at least */
#define MM_AUDIT_PROBE     32      /* slots a table lookup tries at most */

/* What an event records (mm_audit_event.op). */
enum mm_audit_op {
	MM_AUDIT_KMALLOC = 1,
	MM_AUDIT_KFREE = 2,
	MM_AUDIT_PAGE_ALLOC = 3,
	MM_AUDIT_PAGE_FREE = 4,
	MM_AUDIT_MISUSE = 5,           /* a bad kfree or page_free, refused */
};

/* One event of the ring. seq is the slot's mark: event number + 1,
 * MM_AUDIT_BUSY while a writer fills it, 0 never written. */
struct mm_audit_event {
	uint64_t seq;
	uintptr_t addr;                /* what kmalloc returned; a page block's start */
	uint64_t time;                 /* the time CSR */
	uintptr_t ra;                  /* the allocator's caller */
	uint32_t size;                 /* bytes asked for; a page block's bytes */
	int32_t pid;                   /* process running then, 0: none */
	int32_t owner;                 /* a page block's owner pid; -1 for the heap */
	uint16_t site;                 /* alloc_site index (heap), 0: none */
	uint8_t op, tag, hart, order;
	uint16_t pad;
};

#define MM_AUDIT_BUSY UINT64_MAX

/* Who did one thing to a block, in the side table. time 0: nobody yet. */
struct mm_audit_who {
	uint64_t time;
	uintptr_t ra;
	int32_t pid;
	uint16_t site;
	uint8_t hart;
	uint8_t op;
};

/* A block address's entry in the side table. */
struct mm_audit_block {
	uintptr_t addr;                /* key; 0: empty entry */
	uint32_t size;
	int32_t owner;                 /* pages: the owner pid; heap: -1 */
	uint8_t tag, order;
	bool freed;                    /* its last event was the free */
	bool page;
	uint32_t pad;
	struct mm_audit_who alloc, free;
};

/* Which events mm_audit_read keeps: tag -1 any, pid -1 any, addresses
 * lo <= addr < hi (hi 0: any), numbered below before (0: any; a reader
 * that allocates takes mm_audit_mark() first, to leave its own out). */
struct mm_audit_filter {
	int tag;
	int32_t pid;
	uintptr_t lo, hi;
	uint64_t before;
};

/* The state, for mem -a's header and the docs' sizes. */
struct mm_audit_stats {
	bool on;
	uint32_t events;               /* ring slots (N) */
	uint32_t table_cap;            /* side-table entries */
	uint32_t table_used;
	size_t ring_bytes, table_bytes;
	uint64_t recorded;             /* events ever numbered */
	uint64_t lost;                 /* writes given up: a newer event held the slot */
	uint64_t drops;                /* blocks the full table could not enter */
};

/* Read by the slow paths' hooks: true while recording. */
extern bool mm_audit_on;

/* Switch recording on with a ring of n events (rounded up to a power of
 * two; a ring taken before is kept, whatever n). Sets the heap and page
 * caches' depth to 0. 0 or -EINVAL (n outside MIN..MAX), -ENOMEM. */
int mm_audit_enable(unsigned n);

/* Stop recording and give the caches their depth back. The ring and the
 * table keep their pages and contents. */
void mm_audit_disable(void);

/* Forget the ring and the table without freeing them (page_init calls
 * it: the page allocator starts over under them). */
void mm_audit_reset(void);

/* The hooks (callers hold the allocator's lock: see above). */
void mm_audit_heap(int op, const void *p, uint32_t req, unsigned order, int tag,
		   unsigned site, uintptr_t ra);
void mm_audit_page(int op, const void *p, unsigned order, int tag, pid_t owner,
		   uintptr_t ra);
void mm_audit_misuse(const void *p, uintptr_t ra);

/* Copy up to max events that pass f into out, newest first; returns how
 * many. Takes no lock. */
size_t mm_audit_read(const struct mm_audit_filter *f, struct mm_audit_event *out,
		     size_t max);

/* The side-table entry of block address addr: 0, or -ENOENT (never
 * seen, pushed out, or audit never switched on). */
int mm_audit_block_get(uintptr_t addr, struct mm_audit_block *out);

/* Sizes and counters. */
void mm_audit_stats(struct mm_audit_stats *out);

/* Event number the next event will get (ktests take it as a mark). */
uint64_t mm_audit_mark(void);

/* What a kernel address is (kernel/mm/whatis.c, for mem -x): kind. */
enum mm_what {
	MM_WHAT_UNKNOWN = 0,
	MM_WHAT_HEAP = 1,              /* in a heap block (base: its payload) */
	MM_WHAT_PAGE = 2,              /* in a page block of the allocator */
	MM_WHAT_SYMBOL = 3,            /* kernel text: name+offset */
	MM_WHAT_IMAGE = 4,             /* kernel rodata, data or bss (name: section) */
	MM_WHAT_STACK = 5,             /* a kernel stack of process pid */
};

/* ... and the state of a heap or page block. */
enum mm_what_state {
	MM_WS_NONE = 0,
	MM_WS_USED = 1,
	MM_WS_FREE = 2,
	MM_WS_CACHED = 3,              /* in a hart's heap cache or page list */
	MM_WS_RESERVED = 4,            /* a page never given to the allocator */
};

struct mm_whatis {
	int kind, state;
	uintptr_t base;                /* start of the thing (heap: the payload) */
	size_t size;                   /* its bytes, 0 unknown (a symbol) */
	int tag;                       /* -1: none */
	unsigned order;
	uint32_t req;                  /* heap: bytes asked for */
	const char *file, *func;       /* heap: the call site, NULL none */
	uint32_t line;
	int32_t pid;                   /* page owner, stack's process; -1 none */
	const char *name;              /* symbol, section or process name */
	char namebuf[16];
};

/* Say what addr is; always fills out (MM_WHAT_UNKNOWN at worst). Takes
 * heap.lock, then every page lock, one after the other. */
void mm_whatis(uintptr_t addr, struct mm_whatis *out);

#endif
