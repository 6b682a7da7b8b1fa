/* The out-of-memory report (include/kernel/mm_debug.h; docs/memory.md,
 * "When memory runs out"), as Linux prints on OOM: the top call sites
 * by live heap bytes, the tag table and what each process holds, so
 * the log says who filled memory.
 *
 * Printed by the first failed kmalloc or page_alloc, and then at most
 * once a second (OOM_AGAIN_TICKS): a failure within a second of the
 * last report is only counted, and the next report says how many went
 * unreported. So a system that stays out of memory logs one report a
 * second, not one per failure (the failures of one episode, a
 * page_alloc inside the heap's growth then the kmalloc that asked, come
 * within microseconds); mm_oom_reset forgets the last report (tests).
 *
 * It allocates nothing (a static array, one reporter at a time: another
 * hart failing meanwhile skips it) and takes no lock ranked below the
 * heap's: it may run under heap.lock (a page_alloc failing as the heap
 * grows) and its callers may hold ipc_lock or proc_lock (kmalloc under
 * them). So it reads the tag table (per-hart sums, no lock), the call
 * sites (site_lock, rank 50), and the page owners, the process table
 * and each process's IPC charge without their locks: a snapshot of a
 * system in trouble, which may be a little stale, never wrong in kind.
 */
#include "heap_internal.h"
#include "page_internal.h"
#include <kernel/mm_debug.h>
#include <kernel/mm.h>
#include <kernel/printf.h>
#include <kernel/ksym.h>
#include <kernel/proc.h>
#include <kernel/ipc.h>
#include <kernel/timer.h>
#include <kernel/tag.h>

#define OOM_TOP_SITES   10
#define OOM_AGAIN_TICKS TICK_HZ         /* one second */

static unsigned oom_reports;
static uint64_t oom_tick;
static uint64_t oom_quiet;         /* failures not reported since the last report */
static int oom_busy;
static struct alloc_site_stat oom_sites[OOM_TOP_SITES];

/* The top call sites by live bytes. */
static void oom_print_sites(void)
{
	size_t n = alloc_site_top(oom_sites, OOM_TOP_SITES);

	while (n && !oom_sites[n - 1].bytes)    /* sites holding nothing now */
		n--;
	kprintf("oom: top %zu call sites by live bytes:\n", n);
	kprintf("oom:      BYTES    LIVE  TAG   FILE:LINE FUNCTION\n");
	for (size_t i = 0; i < n; i++) {
		char tag[8];
		tag_name((int)oom_sites[i].tag, tag);
		kprintf("oom: %10lu %7lu  %-4s  %s:%u %s\n",
			(unsigned long)oom_sites[i].bytes,
			(unsigned long)alloc_site_live(&oom_sites[i]), tag,
			oom_sites[i].file, oom_sites[i].line, oom_sites[i].func);
	}
}

/* The tag table: every tag holding heap bytes or pages, or with fails. */
static void oom_print_tags(void)
{
	kprintf("oom: tags:\n");
	kprintf("oom: Tag      Current     Peak    Live   Fails   Pages PgFails\n");
	for (int t = 0; t < tag_count(); t++) {
		struct tag_stat ts;
		char tag[8];
		if (tag_stat_get(t, &ts) < 0 ||
		    !(ts.bytes || ts.pages || ts.fails || ts.page_fails))
			continue;
		tag_name(t, tag);
		kprintf("oom: %-4s %10lu %8lu %7lu %7lu %7lu %7lu\n", tag,
			(unsigned long)ts.bytes, (unsigned long)ts.peak,
			(unsigned long)ts.live, (unsigned long)ts.fails,
			(unsigned long)ts.pages, (unsigned long)ts.page_fails);
	}
}

/* The live process whose pid is pid, read without proc_lock, or NULL. */
static const struct proc *oom_proc(pid_t pid)
{
	for (int i = 0; i < PROC_MAX && proc_table; i++)
		if (proc_table[i].state != P_UNUSED && proc_table[i].pid == pid)
			return &proc_table[i];
	return NULL;
}

/* Each page owner's pages, with its name and IPC charge. */
static void oom_print_procs(void)
{
	kprintf("oom: processes:\n");
	kprintf("oom:   PID NAME              PAGES   IPC_BYTES\n");
	for (int i = 0; i < PAGE_OWNERS; i++) {
		const struct page_owner_rec *r = &pg.owners[i];
		pid_t pid = __atomic_load_n(&r->pid, __ATOMIC_RELAXED);
		const struct proc *p;
		if (pid == OWNER_NONE)
			continue;
		p = pid ? oom_proc(pid) : NULL;
		kprintf("oom: %5d %-16s %6u %11zu\n", (int)pid,
			pid == 0 ? "(kernel)" : p ? p->name : "?",
			__atomic_load_n(&r->pages, __ATOMIC_RELAXED),
			p ? ipc_bytes_unlocked(p) : 0);
	}
}

/* An allocation failed for want of memory: report it, if it is the
 * first or a second has passed since the last report (above). */
void mm_oom(const char *what, size_t bytes, int tag, uintptr_t ra)
{
	unsigned n = __atomic_load_n(&oom_reports, __ATOMIC_RELAXED);
	uint64_t now = timer_ticks();
	const char *fn;
	uintptr_t off;
	char name[8];

	uint64_t quiet;

	if ((n && now - __atomic_load_n(&oom_tick, __ATOMIC_RELAXED) < OOM_AGAIN_TICKS) ||
	    __atomic_exchange_n(&oom_busy, 1, __ATOMIC_ACQUIRE)) {
		__atomic_add_fetch(&oom_quiet, 1, __ATOMIC_RELAXED);
		return;
	}
	n = __atomic_add_fetch(&oom_reports, 1, __ATOMIC_RELAXED) - 1;
	__atomic_store_n(&oom_tick, now, __ATOMIC_RELAXED);
	quiet = __atomic_exchange_n(&oom_quiet, 0, __ATOMIC_RELAXED);
	tag_name(tag, name);
	fn = ksym_lookup(ra, &off);
	kprintf("oom: %s of %zu B (tag %s) failed, caller %s+0x%lx: report %u\n", what,
		bytes, name, fn ? fn : "?", (unsigned long)off, n + 1);
	if (n)
		kprintf("oom: failed since report %u, not reported: %lu (one report a "
			"second at most)\n", n, (unsigned long)quiet);
	oom_print_sites();
	oom_print_tags();
	oom_print_procs();
	kprintf("oom: free pages %u of %u; heap %u arenas of %lu KiB, %lu fails; "
		"pages %lu fails\n", __atomic_load_n(&pg.nfree, __ATOMIC_RELAXED), pg.total,
		heap.narenas, HEAP_ARENA_SIZE >> 10, (unsigned long)heap.fails,
		(unsigned long)pg.fails);
	kprintf("oom: end of report %u\n", n + 1);
	__atomic_store_n(&oom_busy, 0, __ATOMIC_RELEASE);
}

/* Reports printed so far. */
unsigned mm_oom_reports(void)
{
	return __atomic_load_n(&oom_reports, __ATOMIC_RELAXED);
}

/* Forget the reports made, so the next failure reports at once (tests). */
void mm_oom_reset(void)
{
	__atomic_store_n(&oom_reports, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&oom_quiet, 0, __ATOMIC_RELAXED);
}
