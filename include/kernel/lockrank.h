/* Every spinlock of the kernel, in the order they may be taken.
 *
 * A hart may take a lock only if its rank is above the rank of every
 * lock the hart already holds: with one global order no two harts can
 * each hold a lock the other waits for. The test kernel checks this at
 * run time (kernel/test/lockcheck.c); docs/smp.md, "Locks and their
 * order", says which code nests which. Ranks leave gaps for new locks.
 */
#ifndef RVOS_KERNEL_LOCKRANK_H
#define RVOS_KERNEL_LOCKRANK_H

enum lock_rank {
	LOCK_RANK_NONE = 0,          /* not a valid rank: every lock has one */
	/* the in-kernel tests' locks that they sleep on or wake under
	 * (sleep_on and wakeup take proc_lock inside them) */
	LOCK_RANK_TEST_SLEEP = 5,
	/* ipc_lock: channel endpoints and queues, handle tables, the
	 * per-process IPC charges and cap (kernel/ipc) */
	LOCK_RANK_IPC = 10,
	/* proc_lock: the process table, the run queue, process states,
	 * sleep and wakeup, jobs and the console's foreground job */
	LOCK_RANK_PROC = 20,
	/* rx_lock: the console input ring and its interrupt mask */
	LOCK_RANK_CONSOLE_RX = 30,
	/* heap_cache[h].lock: hart h's cache of free heap blocks (a
	 * per-hart lock, spinlock.h; only heap_check holds several, in hart
	 * order, and nothing else holds two) */
	LOCK_RANK_HEAP_CACHE = 35,
	/* heap.lock: the kernel heap's arenas and free lists, and the
	 * counters of the call-site records (alloc_site.h) */
	LOCK_RANK_HEAP = 40,
	/* guard_lock: the heap's guard-page slots and their window's
	 * page table (kernel/mm/heap_guard.c; page_alloc is called
	 * without it) */
	LOCK_RANK_MM_GUARD = 45,
	/* site_lock: serialises readers of the call-site records */
	LOCK_RANK_ALLOC_SITE = 50,
	/* page_cache[h].lock: hart h's list of free pages and its part of
	 * every owner's page list (a per-hart lock, spinlock.h; only
	 * page_check holds several, in hart order) */
	LOCK_RANK_PAGE_CACHE = 55,
	/* pg.lock: the page allocator, page descriptors and page owners */
	LOCK_RANK_PAGE = 60,
	/* tag_lock: registering tags (tag.c) */
	LOCK_RANK_TAG = 70,
	/* audit_lock: the allocation history's side table (kernel/mm/audit.c),
	 * a leaf taken under heap.lock or pg.lock */
	LOCK_RANK_AUDIT = 75,
	/* print_lock: console output, whole kprintf calls and lines */
	LOCK_RANK_PRINT = 80,
	/* the in-kernel tests' own locks (kernel/test), taken around
	 * their data only, nothing else taken under them */
	LOCK_RANK_TEST = 90,
};

/* Locks one hart may hold at once (the checker's per-hart stack). */
#define LOCK_HELD_MAX 8

#endif
