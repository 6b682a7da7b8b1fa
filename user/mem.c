/* mem: where the kernel's memory is, by tag, call site, order and
 * process, as told by the sysinfo service. `mem -h` lists the views.
 * The views beyond these are in user/mem/, one file each (mem.h). */
#include "mem/mem.h"

#define TOP_SITES 20

/* Print the options. */
static void usage(void)
{
	printf("usage: mem [-s | -b | -p PID | -r | -l | -D [SPEC] | -a [TAG|PID] [-n N] |\n"
	       "           -x ADDR | -H [-A | -r] [TAG] | -w [SECONDS] [-p] | -h]\n"
	       "  (none)  heap summary, tags, physical pages, pages per process\n"
	       "  -s      top %d kmalloc call sites by live bytes\n"
	       "  -b      free blocks per order, pages and heap\n"
	       "  -p PID  one process's pages by tag\n"
	       "  -a [TAG|PID] [-n COUNT]  newest allocation events (mm_audit, mem -D audit)\n"
	       "  -x ADDR what a kernel address is: heap block, page, symbol, stack\n"
	       "  -r      raw key=value lines (first line: format version)\n"
	       "  -D [SPEC] heap debugging modes: show, or switch (audit[=N], poison,\n"
	       "          redzone, guard=TAG, guard=1/N; -WORD off), as the bootargs\n"
	       "          mm_debug and mm_audit\n"
	       "  -l      leak scan: live heap blocks nothing points to, by call site\n"
	       "  -H [-A] [TAG]  the last minutes of every tag (or TAG) as\n"
	       "          sparklines; -A: ASCII levels, not UTF-8; -r: every\n"
	       "          sample as key=value lines (first line: format version)\n"
	       "  -w [SECONDS] [-p]  the tag table redrawn every SECONDS (2) with\n"
	       "          the change since the last; keys b a d sort, q quits;\n"
	       "          -p: plain lines, not redrawn in place\n"
	       "  -h      this help\n", TOP_SITES);
}

/* Hits per thousand cache operations as "97.5%", or "-" before any. */
static const char *hit_text(char buf[SIZE_TEXT_LEN], uint64_t hits, uint64_t misses)
{
	uint64_t ops = hits + misses;
	if (!ops) {
		snprintf(buf, SIZE_TEXT_LEN, "-");
		return buf;
	}
	unsigned long pm = (unsigned long)((hits * 1000 + ops / 2) / ops);
	snprintf(buf, SIZE_TEXT_LEN, "%lu.%lu%%", pm / 10, pm % 10);
	return buf;
}

/* The caches block: what the harts' allocator caches hold (free memory
 * that is neither in the buddy allocators nor used), and how often the
 * heap's caches served a kmalloc or kfree. */
static void show_caches(void)
{
	struct si_heap *hp = &ms.heap;
	char b[SIZE_TEXT_LEN], r[SIZE_TEXT_LEN];

	printf("caches: %s heap, %lu pages; heap hit rate %s (%lu hits, %lu misses)\n",
	       size_text(b, hp->cached, 10), (unsigned long)ms.pages.cached,
	       hit_text(r, hp->cache_hits, hp->cache_misses),
	       (unsigned long)hp->cache_hits, (unsigned long)hp->cache_misses);
	for (int i = 0; i < ms.harts.n; i++) {
		const struct si_hart *h = &ms.harts.hart[i];
		printf("  cache hart %lu: %s heap, %lu pages\n", (unsigned long)h->hartid,
		       size_text(b, h->heap_cached, 10), (unsigned long)h->pages_cached);
	}
}

/* The default screen. */
static int show_summary(void)
{
	if (memstat_read())
		return 1;
	struct si_heap *hp = &ms.heap;
	unsigned pct = hp->total ? (unsigned)(hp->used * 100 / hp->total) : 0;
	char t[SIZE_TEXT_LEN], u[SIZE_TEXT_LEN], f[SIZE_TEXT_LEN];
	printf("heap: %s total, %s used, %s free (%u%% used), %lu blocks, %u arena%s\n",
	       size_text(t, hp->total, 10), size_text(u, hp->used, 10),
	       size_text(f, hp->free, 10), pct, (unsigned long)hp->live,
	       hp->arenas, hp->arenas == 1 ? "" : "s");

	tags_sort();
	printf("\nTag      Current       Peak    Live   Allocs    Frees  Fails   Pages\n");
	for (int i = 0; i < ms.ntags; i++) {
		struct si_tag *t = &ms.tags[i];
		if (!tag_shown(t))
			continue;
		char name[TAG_BUF];
		si_name(name, t->name, TAG_NAME_LEN);
		printf("%-4s  %10lu %10lu %7lu %8lu %8lu %6lu %7lu\n", name,
		       (unsigned long)t->bytes, (unsigned long)t->peak,
		       (unsigned long)t->live, (unsigned long)t->allocs,
		       (unsigned long)t->frees, (unsigned long)(t->fails + t->page_fails),
		       (unsigned long)t->pages);
	}

	struct si_pages *pg = &ms.pages;
	unsigned long kib = pg->page_size / 1024;
	printf("\nphysical: %lu pages (%lu KiB), %lu free (%lu KiB), %lu kernel (%lu KiB)\n",
	       (unsigned long)pg->total, (unsigned long)pg->total * kib,
	       (unsigned long)pg->free, (unsigned long)pg->free * kib,
	       (unsigned long)pg->kernel, (unsigned long)pg->kernel * kib);
	si_harts_print(&ms.harts, 1);
	show_caches();
	printf("\n  PID  NAME               PAGES      KiB    LIMIT   IPC_BYTES   IPC_LIMIT\n");
	for (int i = 0; i < ms.nprocs; i++) {
		struct si_proc *p = &ms.procs[i];
		char name[NAME_BUF(p->name)], limit[SIZE_TEXT_LEN], ipc[SIZE_TEXT_LEN],
		     ipc_limit[SIZE_TEXT_LEN];
		si_name(name, p->name, sizeof(p->name));
		snprintf(limit, sizeof(limit), p->page_limit ? "%lu" : "-", (unsigned long)p->page_limit);
		snprintf(ipc, sizeof(ipc), (p->flags & SI_PROC_KTHREAD) ? "-" : "%lu",
			 (unsigned long)p->ipc_bytes);
		snprintf(ipc_limit, sizeof(ipc_limit), p->ipc_limit ? "%lu" : "-",
			 (unsigned long)p->ipc_limit);
		printf("%5d  %-16s %7lu %8lu %8s %11s %11s\n", p->pid, name,
		       (unsigned long)p->pages, (unsigned long)p->pages * kib, limit, ipc, ipc_limit);
	}
	if (hp->ipc_orphaned)   /* docs/ipc.md, "When the sender exits" */
		printf("%5s  %-16s %7s %8s %8s %11lu %11s\n", "-", "(exited senders)", "-", "-",
		       "-", (unsigned long)hp->ipc_orphaned, "-");
	return 0;
}

/* -r: one key=value line per record; the first names the format. */
static int show_raw(void)
{
	if (memstat_read())
		return 1;
	struct si_heap *hp = &ms.heap;
	struct si_pages *pg = &ms.pages;
	printf("mem-raw 1\n");
	printf("heap total=%lu used=%lu free=%lu live=%lu arenas=%u fails=%lu misuse=%lu\n",
	       (unsigned long)hp->total, (unsigned long)hp->used, (unsigned long)hp->free,
	       (unsigned long)hp->live, hp->arenas, (unsigned long)hp->fails,
	       (unsigned long)hp->misuse);
	printf("pages total=%lu free=%lu kernel=%lu owners=%lu fails=%lu page_size=%u\n",
	       (unsigned long)pg->total, (unsigned long)pg->free, (unsigned long)pg->kernel,
	       (unsigned long)pg->owners, (unsigned long)pg->fails, pg->page_size);
	printf("cache heap=%lu hits=%lu misses=%lu pages=%lu\n", (unsigned long)hp->cached,
	       (unsigned long)hp->cache_hits, (unsigned long)hp->cache_misses,
	       (unsigned long)pg->cached);
	for (int i = 0; i < ms.harts.n; i++) {
		const struct si_hart *h = &ms.harts.hart[i];
		printf("cache_hart index=%u hartid=%lu heap=%lu pages=%lu\n", h->index,
		       (unsigned long)h->hartid, (unsigned long)h->heap_cached,
		       (unsigned long)h->pages_cached);
	}
	for (int i = 0; i < ms.ntags; i++) {
		struct si_tag *t = &ms.tags[i];
		char name[TAG_BUF];
		si_name(name, t->name, TAG_NAME_LEN);
		printf("tag name=%s bytes=%lu peak=%lu live=%lu allocs=%lu frees=%lu fails=%lu"
		       " pages=%lu pages_peak=%lu page_allocs=%lu page_frees=%lu\n", name,
		       (unsigned long)t->bytes, (unsigned long)t->peak, (unsigned long)t->live,
		       (unsigned long)t->allocs, (unsigned long)t->frees,
		       (unsigned long)(t->fails + t->page_fails), (unsigned long)t->pages,
		       (unsigned long)t->pages_peak, (unsigned long)t->page_allocs,
		       (unsigned long)t->page_frees);
	}
	for (int i = 0; i < ms.nprocs; i++) {
		struct si_proc *p = &ms.procs[i];
		char name[NAME_BUF(p->name)];
		si_name(name, p->name, sizeof(p->name));
		printf("proc pid=%d ppid=%d name=%s pages=%lu kthread=%d page_limit=%lu"
		       " ipc_bytes=%lu ipc_limit=%lu\n", p->pid, p->ppid, name,
		       (unsigned long)p->pages, (p->flags & SI_PROC_KTHREAD) ? 1 : 0,
		       (unsigned long)p->page_limit, (unsigned long)p->ipc_bytes,
		       (unsigned long)p->ipc_limit);
	}
	/* what reclaim must restore, on one line, for before/after checks:
	 * the pages free to allocate, in the buddy or on a hart's list
	 * (which pages the lists hold moves with the harts' traffic) */
	printf("current free=%lu", (unsigned long)(pg->free + pg->cached));
	for (int i = 0; i < ms.ntags; i++) {
		char name[TAG_BUF];
		si_name(name, ms.tags[i].name, TAG_NAME_LEN);
		printf(" %s=%lu", name, (unsigned long)ms.tags[i].bytes);
	}
	printf("\nend tags=%d procs=%d\n", ms.ntags, ms.nprocs);
	return 0;
}

/* -s: the call sites holding the most heap. */
static int show_sites(void)
{
	struct si_reader rd;
	const void *rec;
	int type, n = 0, more = 0;

	int h = si_open(SI_REQ_SITES, 0);
	if (h < 0)
		return 1;
	si_reader_init(&rd, h);
	printf("     BYTES   LIVE    CALLS  TAG   FILE:LINE                          FUNCTION\n");
	while ((type = si_read(&rd, &rec)) > 0) {
		const struct si_site *s = rec;
		if (type != SI_REC_SITE)
			continue;
		if (n++ >= TOP_SITES) {
			more++;
			continue;
		}
		char tag[TAG_BUF], file[NAME_BUF(s->file)], func[NAME_BUF(s->func)];
		char where[NAME_BUF(s->file) + 12];     /* file, ':' and a line number */
		si_name(tag, s->tag, TAG_NAME_LEN);
		si_name(file, s->file, sizeof(s->file));
		si_name(func, s->func, sizeof(s->func));
		snprintf(where, sizeof(where), "%s:%u", file, s->line);
		printf("%10lu %6lu %8lu  %-4s  %-34s %s\n", (unsigned long)s->bytes,
		       (unsigned long)s->live, (unsigned long)s->calls, tag, where, func);
	}
	chan_close(h);
	if (si_failed(type, &rd))
		return 1;
	if (more)
		printf("(%d more call sites)\n", more);
	return 0;
}

/* -b: free blocks per order of both buddy allocators. */
static int show_buddy(void)
{
	struct si_reader rd;
	const void *rec;
	int type, pool = -1;

	int h = si_open(SI_REQ_BUDDY, 0);
	if (h < 0)
		return 1;
	si_reader_init(&rd, h);
	while ((type = si_read(&rd, &rec)) > 0) {
		const struct si_buddy *b = rec;
		if (type != SI_REC_BUDDY)
			continue;
		if (b->pool != pool) {
			pool = b->pool;
			printf("%s%s free blocks\nORDER       BLOCK      FREE        BYTES\n",
			       pool == SI_POOL_PAGES ? "" : "\n",
			       pool == SI_POOL_PAGES ? "page" : "heap");
		}
		unsigned long bb = (unsigned long)b->block_bytes;
		char size[SIZE_TEXT_LEN];
		printf("%5u  %10s  %8lu  %11lu\n", b->order, size_text(size, bb, 1),
		       (unsigned long)b->free_blocks, (unsigned long)b->free_blocks * bb);
	}
	chan_close(h);
	return si_failed(type, &rd);
}

/* -p PID: one process's pages by tag. */
static int show_proc(long pid)
{
	struct si_reader rd;
	const void *rec;
	int type;
	unsigned long total = 0;

	int h = si_open(SI_REQ_PROC_PAGES, (int)pid);
	if (h < 0)
		return 1;
	si_reader_init(&rd, h);
	while ((type = si_read(&rd, &rec)) > 0) {
		if (type == SI_REC_PROC) {
			const struct si_proc *p = rec;
			char name[NAME_BUF(p->name)];
			si_name(name, p->name, sizeof(p->name));
			total = (unsigned long)p->pages;
			printf("pid %d (%s): %lu pages (%lu KiB)\nTag     PAGES      KiB\n",
			       p->pid, name, total, total * (USER_PAGE_SIZE / 1024));
		} else if (type == SI_REC_PTAG) {
			const struct si_ptag *t = rec;
			char name[TAG_BUF];
			si_name(name, t->name, TAG_NAME_LEN);
			printf("%-4s  %7lu %8lu\n", name, (unsigned long)t->pages,
			       (unsigned long)t->pages * (USER_PAGE_SIZE / 1024));
		}
	}
	chan_close(h);
	if (type == 0 && rd.status == -ESRCH) {
		printf("mem: no process %ld\n", pid);
		return 1;
	}
	return si_failed(type, &rd);
}

/* Pick the view from the options; usage and exit 2 for anything else. */
int main(int argc, char **argv)
{
	if (argc == 1)
		return show_summary();
	const char *opt = argv[1];
	if (argc == 2 && !strcmp(opt, "-h")) {
		usage();
		return 0;
	}
	if (argc == 2 && !strcmp(opt, "-s"))
		return show_sites();
	if (argc == 2 && !strcmp(opt, "-b"))
		return show_buddy();
	if (argc == 2 && !strcmp(opt, "-r"))
		return show_raw();
	if (!strcmp(opt, "-D"))
		return mem_debug(argc, argv);
	if (argc == 2 && !strcmp(opt, "-l"))
		return show_leaks();
	if (!strcmp(opt, "-a"))
		return show_audit(argc - 2, argv + 2);
	if (!strcmp(opt, "-x")) {
		if (argc == 3)
			return show_whatis(argv[2]);
		printf("usage: mem -x ADDR\n");
		return 2;
	}
	int r = -1;
	if (!strcmp(opt, "-H"))
		r = mem_history(argc - 1, argv + 1);
	else if (!strcmp(opt, "-w"))
		r = mem_watch(argc - 1, argv + 1);
	if (r >= 0)
		return r;
	long pid;
	if (argc == 3 && !strcmp(opt, "-p") && parse_num(argv[2], 1, PID_MAX, &pid) == 0)
		return show_proc(pid);
	usage();
	return 2;
}
