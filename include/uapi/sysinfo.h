/* The sysinfo protocol: what the kernel's sysinfo service answers.
 *
 * A client does svc_lookup(SYSINFO_SERVICE), sends one struct si_request
 * and receives the reply: one or more messages, each a struct si_msg_hdr
 * followed by count records of one type, rec_size bytes each, and last a
 * message holding one struct si_end. Then it may send the next request
 * on the same channel. The service answers many clients at once; a
 * malformed request gets an si_end with status -EPROTO.
 *
 * Versioning: every message carries SYSINFO_VERSION. Within a version,
 * records only ever grow at their end and rec_size says how big they are
 * in this kernel, so a client reads the fields it knows and steps by
 * rec_size; new record types may appear too, and a client steps over
 * the messages of types it does not know (their records still count in
 * si_end.records). A change that is not an append bumps the version; a request
 * with a different version is refused (-EPROTO).
 *
 * All fields are little-endian, naturally aligned. Names are NUL-padded
 * and not always NUL-terminated when full (print them with "%.*s").
 * docs/sysinfo.md has the layouts as tables and a sample `mem` screen.
 */
#ifndef RVOS_UAPI_SYSINFO_H
#define RVOS_UAPI_SYSINFO_H

#include <stdint.h>

#define SYSINFO_SERVICE  "sysinfo"
#define SYSINFO_VERSION  1
#define SYSINFO_MAGIC    0x49535953u    /* "SYSI" */
#define SYSINFO_CLIENTS_PER_PROC 4      /* connections one process may hold;
					 * more are answered -EBUSY */
#define SI_TAGS_MAX      64    /* TAG records in a MEMSTAT reply, at most */
#define SI_PROCS_MAX     64    /* PROC records in a MEMSTAT or PS reply, at most */
#define SI_HARTS_MAX     32    /* HART records in a MEMSTAT or PS reply, at most */

/* Requests (si_request.kind) and the records each reply holds. */
#define SI_REQ_MEMSTAT     1   /* HEAP, PAGES, TAG per tag, PROC per process, HART per hart */
#define SI_REQ_PS          2   /* PROC per process and kernel thread, HART per hart */
#define SI_REQ_SITES       3   /* SITE per call site that ever allocated, most bytes first */
#define SI_REQ_BUDDY       4   /* BUDDY per order: pages, then heap */
#define SI_REQ_PROC_PAGES  5   /* PROC of pid arg, then PTAG per tag it holds pages of */
#define SI_REQ_LEAKS       6   /* run a leak scan: LEAK summary, then LEAK per call site */
#define SI_REQ_AUDIT       7   /* EVENT per allocation event, newest first (mm_audit):
				* arg and reserved hold a filter, SI_AUDIT_* below;
				* -ENOENT when audit is off */
#define SI_REQ_WHATIS      8   /* WHATIS of the address (arg: its low 32 bits,
				* reserved: its high 32 bits), then EVENT per
				* event of that block, newest first */
#define SI_REQ_HISTORY     9   /* per tag: SERIES, then its SAMPLEs oldest first;
				* arg: a tag slot, or -1 for every tag that
				* held anything in the ring's span */

struct si_request {
	uint32_t magic;                /* SYSINFO_MAGIC */
	uint16_t version;              /* SYSINFO_VERSION */
	uint16_t kind;                 /* SI_REQ_* */
	int32_t arg;                   /* SI_REQ_PROC_PAGES: the pid;
					* SI_REQ_HISTORY: a tag slot or -1 */
	uint32_t reserved;             /* 0, but SI_REQ_AUDIT and SI_REQ_WHATIS */
};

/* Record types (si_msg_hdr.type). */
#define SI_REC_END     1
#define SI_REC_HEAP    2
#define SI_REC_PAGES   3
#define SI_REC_TAG     4
#define SI_REC_PROC    5
#define SI_REC_SITE    6
#define SI_REC_BUDDY   7
#define SI_REC_PTAG    8
#define SI_REC_HART    9
#define SI_REC_LEAK    10
#define SI_REC_EVENT   11
#define SI_REC_WHATIS  12
#define SI_REC_SAMPLE  13
#define SI_REC_SERIES  14

struct si_msg_hdr {
	uint32_t magic;                /* SYSINFO_MAGIC */
	uint16_t version;              /* SYSINFO_VERSION */
	uint16_t type;                 /* SI_REC_* of every record here */
	uint16_t count;                /* records after this header */
	uint16_t rec_size;             /* bytes of each */
	uint32_t seq;                  /* 0, 1, ... within one reply */
};

/* The last message of every reply. */
struct si_end {
	int32_t status;                /* 0, or -EPROTO, -ESRCH, -ENOMEM, -EBUSY */
	uint16_t request;              /* kind answered (0 if unreadable) */
	uint16_t reserved;
	uint32_t records;              /* records sent before this one */
	uint32_t messages;             /* messages sent before this one */
};

/* Kernel heap totals (struct heap_stats). Bytes are buddy block sizes. */
struct si_heap {
	uint64_t total;                /* bytes in arenas */
	uint64_t used;                 /* bytes in used blocks, headers too */
	uint64_t free;
	uint64_t live;                 /* used blocks */
	uint64_t fails;                /* kmallocs that returned NULL */
	uint64_t misuse;               /* bad frees and arguments */
	uint64_t header_bytes;
	uint64_t map_bytes;            /* the arenas' bitmaps */
	uint32_t arenas;
	uint32_t min_block;            /* bytes of a heap order-0 block */
	/* appended (rec_size 96 from here on): the harts' caches in front
	 * of the buddy heap; total = used + free + cached */
	uint64_t cached;               /* bytes in all harts' caches */
	uint64_t cache_hits;           /* kmallocs and kfrees a cache served */
	uint64_t cache_misses;         /* ... that went to the buddy heap */
	/* appended (rec_size 104 from here on): */
	uint64_t ipc_orphaned;         /* IPC heap charged to senders that have
					* exited (queued messages nobody read yet) */
};

/* Physical pages (struct page_stats). */
struct si_pages {
	uint64_t total;
	uint64_t free;
	uint64_t kernel;               /* owned by pid 0 */
	uint64_t owners;               /* owner records open */
	uint64_t fails;
	uint64_t misuse;
	uint32_t page_size;
	uint32_t max_order;
	/* appended (rec_size 64 from here on): */
	uint64_t cached;               /* free pages on the harts' lists, not in free */
};

/* One allocation tag's counters (struct tag_stat). */
struct si_tag {
	char name[4];                  /* "IPC_" */
	uint32_t slot;
	uint64_t bytes;                /* heap bytes held now */
	uint64_t peak;
	uint64_t live;                 /* heap blocks held now */
	uint64_t allocs;
	uint64_t frees;
	uint64_t fails;
	uint64_t req;                  /* bytes asked for by the live blocks */
	uint64_t pages;                /* physical pages held now */
	uint64_t pages_peak;
	uint64_t page_allocs;
	uint64_t page_frees;
	uint64_t page_fails;
};

/* Process states (si_proc.state). */
#define SI_STATE_EMBRYO    1
#define SI_STATE_RUNNABLE  2
#define SI_STATE_RUNNING   3
#define SI_STATE_SLEEPING  4
#define SI_STATE_ZOMBIE    5

#define SI_PROC_KTHREAD    0x1   /* si_proc.flags: a kernel thread */
#define SI_PROC_KILLED     0x2   /* will die at its next return to user */

/* One process or kernel thread. */
struct si_proc {
	int32_t pid;
	int32_t ppid;                  /* 0: the kernel */
	uint8_t state;                 /* SI_STATE_* */
	uint8_t flags;                 /* SI_PROC_* */
	uint16_t handles;              /* channel handles it holds */
	uint32_t tick_hz;              /* to turn ticks into seconds */
	uint64_t cpu_ticks;            /* timer ticks it ran for */
	uint64_t start_tick;
	uint64_t pages;                /* physical pages it owns */
	char name[16];
	char wait[16];                 /* what it is blocked on, "" if not */
	/* appended (rec_size 96 from here on; si_read checks it): */
	uint64_t page_limit;           /* most pages it may own, 0: no cap */
	uint64_t ipc_bytes;            /* kernel heap charged to it by IPC */
	uint64_t ipc_limit;            /* most it may be charged, 0: no cap */
	/* appended (rec_size 112 from here on): */
	int32_t last_hart;             /* hart id (the device tree's) it last ran on, -1: never */
	uint32_t reserved;
	uint64_t now_tick;             /* the system clock when this record was taken:
					* %CPU = cpu_ticks / (now_tick - start_tick) */
};

/* One kmalloc call site (struct alloc_site). */
struct si_site {
	char tag[4];                   /* tag of its latest allocation */
	uint32_t line;
	uint64_t bytes;                /* heap bytes live from here */
	uint64_t live;                 /* blocks live from here */
	uint64_t calls;                /* allocations ever */
	char file[40];                 /* the tail if longer */
	char func[32];
};

#define SI_POOL_PAGES  0
#define SI_POOL_HEAP   1

/* Free blocks of one order of one allocator. */
struct si_buddy {
	uint8_t pool;                  /* SI_POOL_* */
	uint8_t order;
	uint16_t reserved;
	uint32_t reserved2;
	uint64_t block_bytes;          /* size of a block of this order */
	uint64_t free_blocks;
};

/* Pages of one process under one tag. */
struct si_ptag {
	char name[4];
	uint32_t slot;
	uint64_t pages;
};

/* One hart that runs, in cpus[] order (the boot hart first). */
struct si_hart {
	uint32_t index;                /* its slot in the kernel's cpus[], 0: the boot hart */
	uint32_t reserved;
	uint64_t hartid;               /* as the device tree numbers it */
	uint64_t ticks;                /* timer ticks it took */
	uint64_t idle_ticks;           /* of those, ticks with nothing to run */
	/* appended (rec_size 48 from here on): what its caches hold */
	uint64_t heap_cached;          /* bytes in its heap cache */
	uint64_t pages_cached;         /* pages on its page list */
};

#define SI_LEAK_SUMMARY 0      /* si_leak.kind: the scan's figures, first */
#define SI_LEAK_SITE    1      /* leaked blocks from one call site */
#define SI_LEAK_SITES_MAX 64   /* SITE records in a LEAKS reply, at most */

/* One leak scan (SI_REQ_LEAKS): a SUMMARY record, then a SITE record per
 * call site with leaked blocks, most bytes first. */
struct si_leak {
	uint32_t kind;                 /* SI_LEAK_* */
	char tag[4];                   /* SITE: tag of its leaked blocks */
	uint32_t line;                 /* SITE: its line, 0 if none */
	uint32_t harts;                /* SUMMARY: harts stopped for the scan */
	uint64_t count;                /* leaked blocks (SUMMARY: all) */
	uint64_t bytes;                /* their block sizes, headers too */
	uint64_t sample;               /* SITE: one of them, as kmalloc returned it */
	uint64_t blocks;               /* SUMMARY: live heap blocks found */
	uint64_t block_bytes;          /* SUMMARY: ... their bytes */
	uint64_t root_bytes;           /* SUMMARY: bytes of roots read */
	uint64_t usecs;                /* SUMMARY: harts stopped for this long */
	uint64_t sites;                /* SUMMARY: call sites leaking (some may
					* have no SITE record past the max) */
	char file[40];                 /* SITE: the tail if longer */
	char func[32];
};

/* SI_REQ_AUDIT's filter: reserved = count | kind << 16, count the most
 * EVENT records wanted (0: SI_EVENTS_DEFAULT; more than SI_EVENTS_MAX
 * gives SI_EVENTS_MAX), kind what arg is. */
#define SI_AUDIT_ALL       0   /* arg 0: every event */
#define SI_AUDIT_PID       1   /* arg: a pid (0: the kernel, no process) */
#define SI_AUDIT_TAG       2   /* arg: a tag's 4 characters, TAG_VALUE order */
#define SI_EVENTS_DEFAULT  32
#define SI_EVENTS_MAX      256
#define SI_WHATIS_EVENTS   16  /* EVENT records after a WHATIS, at most */

/* si_event.op */
#define SI_EV_KMALLOC     1
#define SI_EV_KFREE       2
#define SI_EV_PAGE_ALLOC  3
#define SI_EV_PAGE_FREE   4
#define SI_EV_MISUSE      5    /* a kfree or page_free refused (see the log) */
#define SI_EV_STATE       6    /* first of every AUDIT reply: the history itself,
				* seq the events numbered so far, size the ring's
				* slots, pid and owner the side table's entries in
				* use and in all, addr and ra the ring's and the
				* table's bytes (tag AUDT), time_us the blocks the
				* full table dropped, line the writes lost */

/* One allocation event (struct mm_audit_event). */
struct si_event {
	uint64_t seq;                  /* its number, counted from audit's start */
	uint64_t addr;                 /* what kmalloc returned; a page block's start */
	uint64_t time_us;              /* since boot */
	uint64_t ra;                   /* the allocator's caller */
	uint32_t size;                 /* bytes asked for; a page block's bytes */
	int32_t pid;                   /* process running then, 0: none */
	int32_t owner;                 /* pages: the owner pid; heap: -1 */
	uint8_t op;                    /* SI_EV_* */
	uint8_t hart;                  /* cpus[] index */
	uint8_t order;                 /* block order (heap or page) */
	uint8_t reserved;
	char tag[4];
	uint32_t line;                 /* heap: the call site's line, 0 none */
	char file[32];                 /* ... its file (the tail if longer) */
	char sym[32];                  /* the kernel function ra is in, "" unknown */
};

/* si_whatis.kind and .state */
#define SI_WHAT_UNKNOWN   0
#define SI_WHAT_HEAP      1
#define SI_WHAT_PAGE      2
#define SI_WHAT_SYMBOL    3    /* kernel text */
#define SI_WHAT_IMAGE     4    /* kernel rodata, data or bss */
#define SI_WHAT_STACK     5    /* a kernel stack of process pid */
#define SI_WS_NONE        0
#define SI_WS_USED        1
#define SI_WS_FREE        2
#define SI_WS_CACHED      3    /* in a hart's heap cache or page list */
#define SI_WS_RESERVED    4    /* a page never given to the allocator */

/* What an address is (struct mm_whatis), and, with audit on, who
 * allocated and who last freed that block (time 0: not known; a free
 * before the allocation freed its previous life). */
struct si_whatis {
	uint64_t addr;                 /* asked about */
	uint64_t base;                 /* start of the thing (heap: the payload) */
	uint64_t size;                 /* its bytes, 0 unknown */
	int64_t offset;                /* addr - base; < 0: in a heap block's header */
	uint8_t kind;                  /* SI_WHAT_* */
	uint8_t state;                 /* SI_WS_* */
	uint8_t order;
	uint8_t audit;                 /* 1: audit was on (the who fields are known) */
	char tag[4];                   /* "" none */
	int32_t pid;                   /* page owner, stack's process; -1 none */
	uint32_t line;                 /* heap: the call site's line */
	uint32_t req;                  /* heap: bytes asked for */
	uint32_t reserved;
	char file[32];                 /* heap: the call site's file */
	char name[32];                 /* symbol, section or process name */
	uint64_t alloc_us, free_us;    /* when allocated, last freed */
	int32_t alloc_pid, free_pid;
	uint32_t alloc_hart, free_hart;
	uint64_t alloc_ra, free_ra;
	char alloc_sym[32], free_sym[32];      /* the functions those ra are in */
};

/* HISTORY: sysinfo samples every tag once per interval_ms into a ring
 * of capacity samples (docs/sysinfo.md, "History"). One SERIES heads
 * each tag's samples. */
struct si_series {
	char name[4];                  /* the tag's name */
	uint32_t slot;                 /* its slot */
	uint32_t interval_ms;          /* between two samples, as planned */
	uint32_t samples;              /* SAMPLE records that follow, oldest first */
	uint32_t capacity;             /* samples the ring holds */
	uint32_t reserved;
	uint64_t oldest_ms;            /* time of the first of them, 0 if none */
	uint64_t taken;                /* samples taken since boot: > samples
					* once the ring has wrapped */
};

/* One sample of one tag, with the free pages at that moment. */
struct si_sample {
	uint64_t time_ms;              /* since boot */
	uint64_t bytes;                /* the tag's heap bytes */
	uint32_t pages;                /* its physical pages */
	uint32_t free_pages;           /* pages that could be allocated (free + cached) */
};

/* The layouts are ABI: a change here must be an append (or a new version). */
_Static_assert(sizeof(struct si_request) == 16, "si_request layout");
_Static_assert(sizeof(struct si_msg_hdr) == 16, "si_msg_hdr layout");
_Static_assert(sizeof(struct si_end) == 16, "si_end layout");
_Static_assert(sizeof(struct si_heap) == 104, "si_heap layout");
_Static_assert(sizeof(struct si_pages) == 64, "si_pages layout");
_Static_assert(sizeof(struct si_tag) == 104, "si_tag layout");
_Static_assert(sizeof(struct si_proc) == 112, "si_proc layout");
_Static_assert(sizeof(struct si_site) == 104, "si_site layout");
_Static_assert(sizeof(struct si_buddy) == 24, "si_buddy layout");
_Static_assert(sizeof(struct si_ptag) == 16, "si_ptag layout");
_Static_assert(sizeof(struct si_hart) == 48, "si_hart layout");
_Static_assert(sizeof(struct si_leak) == 152, "si_leak layout");
_Static_assert(sizeof(struct si_event) == 120, "si_event layout");
_Static_assert(sizeof(struct si_whatis) == 232, "si_whatis layout");
_Static_assert(sizeof(struct si_series) == 40, "si_series layout");
_Static_assert(sizeof(struct si_sample) == 24, "si_sample layout");

#endif
