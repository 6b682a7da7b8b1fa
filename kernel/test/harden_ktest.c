/* Hardening tests: storms, exhaustion, floods, hostile system calls and
 * isolation (docs/hardening.md). Each runs in the init kernel thread,
 * spawns a user program that attacks one limit and checks the answers it
 * gets (user/test/storm.c, flood.c, fuzz.c, isolate.c; user/hog.c), then checks
 * the kernel's side: the program ended as expected, heap_check() and
 * page_check() hold, and free pages and every tag's bytes and pages are
 * exactly what they were. Explicit tests: each scenario in
 * tools/testing/scenarios/harden_*.scn names its own, so they run side
 * by side and each has its own time limit.
 */
#include "ktest.h"
#include "memsnap.h"
#include <kernel/proc.h>
#include <kernel/tag.h>
#include <kernel/page.h>
#include <kernel/ipc.h>
#include <kernel/bootargs.h>
#include <kernel/riscv.h>
#include <lib/string.h>
#include <lib/format.h>
#include <kernel/printf.h>
#include <uapi/wait.h>
#include <uapi/errno.h>

#define SETTLE_MS   2000    /* how long orphans may take to end and be freed */

/* Slots of the process table in use now. */
static int procs_alive(void)
{
	struct proc p;
	int n = 0;
	for (int i = 0; i < PROC_MAX; i++)
		n += proc_snapshot(i, &p);
	return n;
}

/* Wait up to SETTLE_MS for the table to hold n processes again (orphans
 * adopted by the kernel are freed by the scheduler when they end). */
static bool procs_settle(int n)
{
	for (int ms = 0; ms < SETTLE_MS && procs_alive() != n; ms += 10)
		proc_sleep_ms(10);
	return procs_alive() == n;
}

/* Run one program and demand its status, memory back and the
 * allocators consistent. The snapshot comes after a warm-up run. */
#define RUN_CLEAN(want, ...) do {                                            \
	struct mem_snap before_, after_;                                     \
	KT_EQ(ktest_run("status", NULL), W_EXITCODE(0));                     \
	memsnap_take(&before_);                                              \
	KT_EQ(ktest_run(__VA_ARGS__, NULL), (want));                         \
	memsnap_take(&after_);                                               \
	KT_ASSERT(memsnap_same(&before_, &after_));                          \
	KT_ASSERT(memsnap_consistent());                                     \
	} while (0)

/* ---- spawn storm ----------------------------------------------------- */

/* 1,000 spawn/exit/wait cycles from user space. */
KTEST_EXPLICIT(storm_1000_cycles)
{
	RUN_CLEAN(W_EXITCODE(0), "storm", "cycles", "1000");
}

/* Fill every free slot of the process table from user space; the next
 * spawn is refused with -ENFILE; all are killed and reaped. */
KTEST_EXPLICIT(storm_table_full)
{
	struct mem_snap before, after;
	KT_EQ(ktest_run("status", NULL), W_EXITCODE(0));
	memsnap_take(&before);
	int free = PROC_MAX - procs_alive();
	kprintf("ktest:   %d of %d slots free\n", free, PROC_MAX);
	/* storm takes one slot; its sleepers the rest */
	KT_EQ(ktest_run("storm", "fill", NULL), W_EXITCODE(free - 1));
	memsnap_take(&after);
	KT_ASSERT(memsnap_same(&before, &after));
	KT_ASSERT(memsnap_consistent());
}

/* Children that leave running children behind: the kernel adopts the
 * orphans and frees them when they end. */
KTEST_EXPLICIT(storm_orphans)
{
	struct mem_snap before, after;
	KT_EQ(ktest_run("status", NULL), W_EXITCODE(0));
	int alive = procs_alive();
	memsnap_take(&before);
	KT_EQ(ktest_run("storm", "orphans", "30", NULL), W_EXITCODE(0));
	KT_ASSERT(procs_settle(alive));
	memsnap_take(&after);
	KT_ASSERT(memsnap_same(&before, &after));
	KT_ASSERT(memsnap_consistent());
}

/* ---- out of memory --------------------------------------------------- */

/* Take user pages until refused: refused, counted under USER, all back. */
KTEST_EXPLICIT(oom_pages)
{
	struct mem_snap before, after;
	KT_EQ(ktest_run("status", NULL), W_EXITCODE(0));
	memsnap_take(&before);
	KT_EQ(ktest_run("hog", "max", NULL), W_EXITCODE(0));
	memsnap_take(&after);
	KT_ASSERT(memsnap_same(&before, &after));
	KT_ASSERT(after.page_fails[TAG_USER] > before.page_fails[TAG_USER]);
	KT_ASSERT(memsnap_consistent());
}

/* Grow the kernel heap through channels until kmalloc refuses: the
 * program sees -ENOMEM, the refusals are counted under IPC_. */
KTEST_EXPLICIT(oom_heap)
{
	struct mem_snap before, after;
	KT_EQ(ktest_run("status", NULL), W_EXITCODE(0));
	memsnap_take(&before);
	KT_EQ(ktest_run("flood", "heap", NULL), W_EXITCODE(0));
	memsnap_take(&after);
	KT_ASSERT(memsnap_same(&before, &after));
	KT_ASSERT(memsnap_fails(&before, &after, TAG_IPC) > 0);
	KT_ASSERT(memsnap_consistent());
}

/* The same with every page taken first (per-process caps lifted): the
 * heap cannot even grow, and its arena refusals are counted under HEAP. */
KTEST_EXPLICIT(oom_heap_no_pages)
{
	struct mem_snap before, after;
	KT_EQ(ktest_run("status", NULL), W_EXITCODE(0));
	memsnap_take(&before);
	/* no per-process caps, so one process can take every page */
	unsigned pct = page_limit_pct_set(0);
	size_t ipc = ipc_limit_set(0);
	KT_EQ(ktest_run("flood", "heap-nopages", NULL), W_EXITCODE(0));
	page_limit_pct_set(pct);
	ipc_limit_set(ipc);
	memsnap_take(&after);
	KT_ASSERT(memsnap_same(&before, &after));
	KT_ASSERT(memsnap_fails(&before, &after, TAG_IPC) > 0);
	KT_ASSERT(after.page_fails[TAG_HEAP] > before.page_fails[TAG_HEAP]);
	KT_ASSERT(after.page_fails[TAG_USER] > before.page_fails[TAG_USER]);
	KT_ASSERT(memsnap_consistent());
}

/* ---- channel flood --------------------------------------------------- */

/* A queue nobody reads, closed and left full at exit. */
KTEST_EXPLICIT(flood_queue)
{
	RUN_CLEAN(W_EXITCODE(0), "flood", "queue");
}

/* Channels opened until the handle table is full, held at exit. */
KTEST_EXPLICIT(flood_handles)
{
	RUN_CLEAN(W_EXITCODE(0), "flood", "handles");
}

/* Peers killed while the other side is blocked, and blocked processes
 * killed; every process ends (or the scenario times out). */
KTEST_EXPLICIT(flood_peers_killed)
{
	RUN_CLEAN(W_EXITCODE(0), "flood", "peers");
}

/* ---- isolation ------------------------------------------------------- */

/* Other processes' memory and handles, kernel memory, devices, W^X,
 * privileged registers: each attempt refused or fatal to its maker. */
KTEST_EXPLICIT(isolation)
{
	static const struct { const char *mode; int status; } cases[] = {
		{ "secret",     W_EXITCODE(0) },
		{ "handles",    W_EXITCODE(0) },
		{ "kread",      W_KILLED(KILL_PAGE_FAULT) },
		{ "kwrite",     W_KILLED(KILL_PAGE_FAULT) },
		{ "mmio",       W_KILLED(KILL_PAGE_FAULT) },
		{ "exec-heap",  W_KILLED(KILL_PAGE_FAULT) },
		{ "exec-stack", W_KILLED(KILL_PAGE_FAULT) },
		{ "priv",       W_KILLED(KILL_ILLEGAL) },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		kprintf("ktest:   isolate %s\n", cases[i].mode);
		RUN_CLEAN(cases[i].status, "isolate", cases[i].mode);
	}
}

/* ---- system call fuzzer ---------------------------------------------- */

/* user/test/fuzz.c with the seed from bootarg fuzz_seed=N, else from the
 * clock (printed, so a failure can be replayed with that bootarg). */
KTEST_EXPLICIT(fuzz_syscalls)
{
	char seed[24], calls[24];
	if (!bootarg("fuzz_seed", seed, sizeof(seed)) || !seed[0])
		snprintf(seed, sizeof(seed), "%lu", (unsigned long)(rdtime() % 1000000007));
	if (!bootarg("fuzz_calls", calls, sizeof(calls)) || !calls[0])
		strlcpy(calls, "100000", sizeof(calls));
	kprintf("ktest:   fuzz seed %s, %s calls (replay: bootargs ktest=fuzz_syscalls "
		"fuzz_seed=%s, or 'fuzz %s' at the shell)\n", seed, calls, seed, seed);
	RUN_CLEAN(W_EXITCODE(0), "fuzz", seed, calls);
}
