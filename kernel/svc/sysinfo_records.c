/* sysinfo answers: read the kernel's counters into protocol records.
 *
 * Each reader takes the owning subsystem's lock through its public
 * snapshot call (heap_stats, page_stats, alloc_site_top,
 * proc_snapshot, page_owner_usage, ipc_handle_count,
 * page_owner_count_by_tag; tag_stat_get sums per-hart counters and
 * takes none, include/kernel/tag.h); none is held across
 * another, so the service thread adds no lock-order edges. A hart's
 * tick counters are read without a lock: each is one aligned word that
 * only its own hart writes.
 */
#include "sysinfo_internal.h"
#include <kernel/heap.h>
#include <kernel/page.h>
#include <kernel/tag.h>
#include <kernel/alloc_site.h>
#include <kernel/proc.h>
#include <kernel/ipc.h>
#include <kernel/cpu.h>
#include <kernel/timer.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include <kernel/test.h>
#include <kernel/leak.h>

/* Copy a C string (NULL: none) into a fixed, NUL-padded field, keeping
 * its tail when it is too long (file names differ at the end). */
void si_strfield(char *dst, size_t n, const char *src, bool keep_tail)
{
	size_t len = src ? strlen(src) : 0;
	memset(dst, 0, n);
	if (keep_tail && len > n)
		src += len - n;
	if (len)
		memcpy(dst, src, MIN(len, n));
}

/* The four characters of a tag's name; all NUL for none (tag < 0). */
void si_tagname(char out[4], int tag)
{
	char name[8];

	memset(out, 0, 4);
	if (tag < 0)
		return;
	tag_name(tag, name);
	memcpy(out, name, 4);
}

/* The heap's and the page allocator's counters, read once per reply so
 * that the totals and the per-hart cache figures of a MEMSTAT agree.
 * Zeroed first, so a field neither fills reads 0, not stack garbage. */
struct si_mm {
	struct heap_stats heap;
	struct page_stats pages;
};

/* Fill mm from heap_stats and page_stats. */
static void si_mm_read(struct si_mm *mm)
{
	memset(mm, 0, sizeof(*mm));
	heap_stats(&mm->heap);
	page_stats(&mm->pages);
}

/* Heap and physical page totals. */
static void si_totals(struct si_stream *st, const struct si_mm *mm)
{
	const struct heap_stats *hs = &mm->heap;
	const struct page_stats *ps = &mm->pages;
	struct si_heap h;
	struct si_pages pg;

	memset(&h, 0, sizeof(h));
	h.total = hs->total;
	h.used = hs->used;
	h.free = hs->free;
	h.live = hs->live;
	h.fails = hs->fails;
	h.misuse = hs->misuse;
	h.header_bytes = hs->header_bytes;
	h.map_bytes = hs->map_bytes;
	h.arenas = hs->arenas;
	h.min_block = HEAP_MIN_BLOCK;
	h.cached = hs->cached;
	h.cache_hits = hs->cache_hits;
	h.cache_misses = hs->cache_misses;
	h.ipc_orphaned = ipc_orphaned_get();
	si_put(st, SI_REC_HEAP, &h, sizeof(h));

	memset(&pg, 0, sizeof(pg));
	pg.total = ps->total;
	pg.free = ps->free;
	pg.kernel = ps->kernel;
	pg.owners = ps->owners;
	pg.fails = ps->fails;
	pg.misuse = ps->misuse;
	pg.page_size = PAGE_SIZE;
	pg.max_order = PAGE_MAX_ORDER;
	pg.cached = ps->cached;
	si_put(st, SI_REC_PAGES, &pg, sizeof(pg));
}

/* Every tag in use. */
static void si_tags(struct si_stream *st)
{
	int n = tag_count();
	for (int t = 0; t < n; t++) {
		struct tag_stat ts;
		struct si_tag r = { 0 };
		if (tag_stat_get(t, &ts) < 0)
			continue;
		si_tagname(r.name, t);
		r.slot = t;
		r.bytes = ts.bytes;
		r.peak = ts.peak;
		r.live = ts.live;
		r.allocs = ts.allocs;
		r.frees = ts.frees;
		r.fails = ts.fails;
		r.req = ts.req;
		r.pages = ts.pages;
		r.pages_peak = ts.pages_peak;
		r.page_allocs = ts.page_allocs;
		r.page_frees = ts.page_frees;
		r.page_fails = ts.page_fails;
		si_put(st, SI_REC_TAG, &r, sizeof(r));
	}
}

/* The protocol's name for a process state. */
static uint8_t si_state(enum proc_state s)
{
	switch (s) {
	case P_EMBRYO:   return SI_STATE_EMBRYO;
	case P_RUNNABLE: return SI_STATE_RUNNABLE;
	case P_RUNNING:  return SI_STATE_RUNNING;
	case P_SLEEPING: return SI_STATE_SLEEPING;
	case P_ZOMBIE:   return SI_STATE_ZOMBIE;
	default:         return 0;
	}
}

/* The record of the snapshot p of process-table slot slot. */
static void si_proc_record(struct si_proc *r, const struct proc *p, int slot)
{
	memset(r, 0, sizeof(*r));
	r->pid = p->pid;
	r->ppid = p->ppid;
	r->state = si_state(p->state);
	r->flags = (p->kthread ? SI_PROC_KTHREAD : 0) | (p->killed ? SI_PROC_KILLED : 0);
	size_t ipc_bytes;
	r->handles = (uint16_t)ipc_handle_count(&proc_table[slot], &ipc_bytes);
	r->tick_hz = TICK_HZ;
	r->cpu_ticks = p->cpu_ticks;
	r->start_tick = p->start_tick;
	r->now_tick = timer_ticks();
	r->last_hart = p->last_cpu >= 0 ? (int32_t)cpus[p->last_cpu].hartid : -1;
	size_t limit = 0;
	long pages = page_owner_usage(p->pid, &limit);
	r->pages = pages > 0 ? (uint64_t)pages : 0;
	r->page_limit = limit;
	if (!p->kthread) {
		r->ipc_bytes = ipc_bytes;
		r->ipc_limit = ipc_limit_get();
	}
	si_strfield(r->name, sizeof(r->name), p->name, false);
	if (p->state == P_SLEEPING)
		si_strfield(r->wait, sizeof(r->wait), p->wait_what, false);
}

/* Every live slot of the process table; a record for pid only, if
 * pid > 0. Returns how many were sent. */
static int si_procs(struct si_stream *st, pid_t pid)
{
	struct proc p;
	struct si_proc r;
	int n = 0;

	for (int slot = 0; slot < PROC_MAX; slot++) {
		if (!proc_snapshot(slot, &p) || (pid > 0 && p.pid != pid))
			continue;
		si_proc_record(&r, &p, slot);
		si_put(st, SI_REC_PROC, &r, sizeof(r));
		n++;
	}
	return n;
}

/* Every hart that runs: the boot hart, whether or not bring-up has
 * marked it online yet, and every hart that joined the scheduler; with
 * what its caches hold when mm is given (MEMSTAT), 0 otherwise (PS). */
static void si_harts(struct si_stream *st, const struct si_mm *mm)
{
	for (int i = 0; i < NCPU; i++) {
		struct cpu *c = &cpus[i];
		if (i != 0 && !c->online)
			continue;
		struct si_hart r;
		memset(&r, 0, sizeof(r));
		r.index = (uint32_t)i;
		r.hartid = c->hartid;
		r.ticks = c->ticks;
		r.idle_ticks = c->idle_ticks;
		if (mm) {
			r.heap_cached = mm->heap.cached_hart[i];
			r.pages_cached = mm->pages.cached_hart[i];
		}
		si_put(st, SI_REC_HART, &r, sizeof(r));
	}
}

/* Every call site that ever allocated, most live bytes first. */
static void si_sites(struct si_stream *st)
{
	size_t n = alloc_site_count();
	/* a transient snapshot of the call-site table: TRAC */
	struct alloc_site_stat *sites = kmalloc(n * sizeof(*sites), TAG_TRAC);
	if (!sites) {
		st->err = -ENOMEM;
		return;
	}
	n = alloc_site_top(sites, n);
	for (size_t i = 0; i < n; i++) {
		struct si_site r;
		memset(&r, 0, sizeof(r));
		si_tagname(r.tag, (int)sites[i].tag);
		r.line = sites[i].line;
		r.bytes = sites[i].bytes;
		r.live = alloc_site_live(&sites[i]);
		r.calls = sites[i].calls;
		si_strfield(r.file, sizeof(r.file), sites[i].file, true);
		si_strfield(r.func, sizeof(r.func), sites[i].func, false);
		si_put(st, SI_REC_SITE, &r, sizeof(r));
	}
	kfree(sites);
}

/* Free blocks per order, of the page allocator then of the heap. */
static void si_buddy(struct si_stream *st)
{
	struct si_mm mm;
	struct si_buddy r;

	si_mm_read(&mm);
	memset(&r, 0, sizeof(r));
	r.pool = SI_POOL_PAGES;
	for (int k = 0; k <= PAGE_MAX_ORDER; k++) {
		r.order = (uint8_t)k;
		r.block_bytes = PAGE_SIZE << k;
		r.free_blocks = mm.pages.free_blocks[k];
		si_put(st, SI_REC_BUDDY, &r, sizeof(r));
	}
	r.pool = SI_POOL_HEAP;
	for (unsigned k = 0; k < HEAP_ORDERS; k++) {
		r.order = (uint8_t)k;
		r.block_bytes = HEAP_MIN_BLOCK << k;
		r.free_blocks = mm.heap.free_blocks[k];
		si_put(st, SI_REC_BUDDY, &r, sizeof(r));
	}
}

/* pid's pages by tag, as the page tracker counts them from its list. */
static int si_proc_pages(struct si_stream *st, pid_t pid)
{
	size_t by_tag[TAG_MAX];

	if (pid <= 0 || si_procs(st, pid) == 0)   /* pid 0 is the kernel, no process */
		return -ESRCH;
	page_owner_count_by_tag(pid, by_tag);     /* -ESRCH: no pages, all 0 */
	for (int t = 0; t < TAG_MAX; t++) {
		if (!by_tag[t])
			continue;
		struct si_ptag r = { .slot = (uint32_t)t, .pages = by_tag[t] };
		si_tagname(r.name, t);
		si_put(st, SI_REC_PTAG, &r, sizeof(r));
	}
	return 0;
}

/* Run a leak scan: its summary, then one record per leaking call site.
 * The sites go in a heap block of this thread's (reachable: a local). */
static int si_leaks(struct si_stream *st)
{
	struct leak_site *ls = kmalloc(SI_LEAK_SITES_MAX * sizeof(*ls), TAG_SVC);
	struct leak_summary sum;
	struct si_leak r;
	int rc;

	if (!ls)
		return -ENOMEM;
	rc = leak_scan(ls, SI_LEAK_SITES_MAX, &sum);
	if (rc == 0) {
		memset(&r, 0, sizeof(r));
		r.kind = SI_LEAK_SUMMARY;
		r.harts = sum.harts;
		r.count = sum.leaks;
		r.bytes = sum.leak_bytes;
		r.blocks = sum.blocks;
		r.block_bytes = sum.block_bytes;
		r.root_bytes = sum.root_bytes;
		r.usecs = sum.usecs;
		r.sites = sum.sites;
		si_put(st, SI_REC_LEAK, &r, sizeof(r));
	}
	for (size_t i = 0; rc == 0 && i < sum.sites - sum.sites_dropped; i++) {
		struct alloc_site *s = ls[i].site ? alloc_site_at(ls[i].site) : NULL;
		memset(&r, 0, sizeof(r));
		r.kind = SI_LEAK_SITE;
		si_tagname(r.tag, ls[i].tag);
		r.count = ls[i].count;
		r.bytes = ls[i].bytes;
		r.sample = ls[i].sample;
		if (s) {
			r.line = s->line;
			si_strfield(r.file, sizeof(r.file), s->file, true);
			si_strfield(r.func, sizeof(r.func), s->func, false);
		}
		si_put(st, SI_REC_LEAK, &r, sizeof(r));
	}
	kfree(ls);
	return rc;
}

/* Build the reply to one request, or an -EPROTO end if it is malformed. */
void si_answer(struct si_stream *st, const void *buf, size_t len)
{
	struct si_request rq;
	struct si_mm mm;                   /* MEMSTAT's one snapshot */
	int status = 0;

	if (len != sizeof(rq)) {
		si_stream_init(st, 0);
		si_finish(st, -EPROTO);
		return;
	}
	memcpy(&rq, buf, sizeof(rq));
	si_stream_init(st, rq.kind);
	if (rq.magic != SYSINFO_MAGIC || rq.version != SYSINFO_VERSION) {
		si_finish(st, -EPROTO);
		return;
	}
	if (sysinfo_test_records)          /* the test kernel's hook */
		sysinfo_test_records(st);
	switch (rq.kind) {
	case SI_REQ_MEMSTAT:
		si_mm_read(&mm);
		si_totals(st, &mm);
		si_tags(st);
		si_procs(st, 0);
		si_harts(st, &mm);
		break;
	case SI_REQ_PS:
		si_procs(st, 0);
		si_harts(st, NULL);
		break;
	case SI_REQ_SITES:
		si_sites(st);
		break;
	case SI_REQ_BUDDY:
		si_buddy(st);
		break;
	case SI_REQ_PROC_PAGES:
		status = si_proc_pages(st, rq.arg);
		break;
	case SI_REQ_LEAKS:
		status = si_leaks(st);
		break;
	case SI_REQ_AUDIT:
		status = si_audit(st, rq.arg, rq.reserved);
		break;
	case SI_REQ_WHATIS:
		status = si_whatis(st, rq.arg, rq.reserved);
		break;
	case SI_REQ_HISTORY:
		status = si_hist_reply(st, &si_history_ring, rq.arg);
		break;
	default:
		status = -EPROTO;
		break;
	}
	si_finish(st, status);
}
