/* In-kernel benchmarks, run by the init thread on bootarg bench=MODE
 * (kernel/test/kbench.h; `make bench`; method and results in
 * docs/perf.md).
 *
 * Time is the time CSR, turned into nanoseconds of QEMU's virtual clock.
 * Under -icount shift=0 QEMU advances that clock by exactly 1 ns per
 * instruction, so a difference is an instruction count (idle time would
 * count too, but nothing measured here waits). Each figure is the mean
 * over a loop long enough that the 100 ns tick of a 10 MHz timebase
 * does not matter; the loop's own few instructions are included.
 */
#include "kbench.h"
#include "kbench_internal.h"
#include <kernel/mm_debug.h>
#include <kernel/mm_audit.h>
#include "ktest.h"
#include <kernel/types.h>
#include <kernel/cpu.h>
#include <kernel/riscv.h>
#include <kernel/timer.h>
#include <kernel/printf.h>
#include <lib/string.h>
#include <lib/format.h>
#include <kernel/heap.h>
#include <kernel/page.h>
#include <kernel/tag.h>
#include <kernel/mm.h>
#include <kernel/proc.h>
#include "../proc/proc_internal.h"   /* proc_alloc, proc_free: timed here */
#include <kernel/dev.h>
#include <kernel/ipc.h>
#include <kernel/spinlock.h>
#include <kernel/leak.h>
#include <uapi/wait.h>

#define KB_RECLAIM_PAGES  1000      /* pages the reclaimed process holds */
#define KB_MIXED_LIVE     1000      /* blocks the mixed workload holds */
#define KB_MIXED_ROUNDS   20        /* times each is freed and replaced, on average */
#define KB_MIXED_MIN      16        /* its sizes, uniform in bytes */
#define KB_MIXED_MAX      2048
#define KB_MIXED_SEED     0x9e3779b97f4a7c15ull
#define KB_LEAK_BLOCKS    1000      /* live blocks the leak scan finds */

enum kb_mode { KB_ICOUNT, KB_WALL, KB_NOACCT };

static enum kb_mode kb_mode;
static uint64_t kb_ns_per_tick;     /* of the time CSR */

/* Nanoseconds of virtual time since reset (instructions under icount). */
uint64_t kb_ns(void)
{
	return rdtime() * kb_ns_per_tick;
}

/* Print one figure: total nanoseconds over ops operations, as the mean
 * with one decimal, named and labelled for the mode. */
void kb_figure(const char *name, uint64_t total, uint64_t ops)
{
	uint64_t x10 = (total * 10 + ops / 2) / ops;

	switch (kb_mode) {
	case KB_ICOUNT:
		kprintf("@BENCH %s=%lu.%lu instr\n", name, x10 / 10, x10 % 10);
		break;
	case KB_WALL:
		kprintf("@BENCH %s_wall_ns=%lu.%lu ns\n", name, x10 / 10, x10 % 10);
		break;
	case KB_NOACCT:
		kprintf("@BENCH %s_noacct=%lu.%lu instr\n", name, x10 / 10, x10 % 10);
		break;
	}
}

/* Read csr with a fault probe armed (see probe.S): true if it did not
 * trap. OpenSBI may emulate a counter S-mode may not read; the cost
 * printed by kb_counters() shows that. */
#define KB_CSR_READABLE(csr) ({                                             \
	struct cpu *c_ = this_cpu();                                         \
	uint64_t v_ = 0;                                                     \
	c_->fault_cause = 0;                                                 \
	__asm__ volatile("la t0, 1f\n\tsd t0, %1\n\tcsrr %0, " #csr "\n"     \
			 "1:\n\tsd zero, %1"                                 \
			 : "+r"(v_), "+m"(c_->fault_resume) :: "t0", "memory"); \
	c_->fault_cause == 0; })

/* Which counters S-mode can read, and what a read costs in time (so an
 * emulated read, thousands of instructions in OpenSBI, shows). */
static void kb_counters(void)
{
	bool cy = KB_CSR_READABLE(cycle), tm = KB_CSR_READABLE(time),
	     ir = KB_CSR_READABLE(instret);
	uint64_t t0 = kb_ns(), c0 = 0, c1 = 0, i0 = 0, i1 = 0;

	for (int i = 0; i < 1000 && cy; i++)
		c1 = csr_read(cycle);
	uint64_t t1 = kb_ns();
	if (cy && ir) {
		c0 = csr_read(cycle);
		i0 = csr_read(instret);
		c1 = csr_read(cycle);
		i1 = csr_read(instret);
	}
	kprintf("bench: S-mode reads cycle %s, time %s, instret %s; "
		"1000 cycle reads took %lu ns; cycle step %lu, instret step %lu; "
		"scounteren 0x%lx\n",
		cy ? "ok" : "traps", tm ? "ok" : "traps", ir ? "ok" : "traps",
		t1 - t0, c1 - c0, i1 - i0, csr_read(scounteren));
}

/* One round of kmalloc+kfree pairs: KB_BATCH blocks of size bytes held
 * at once (so a pair splits and merges about one level, as in steady
 * use). */
void kb_heap_round(size_t size)
{
	void *p[KB_BATCH];

	for (int i = 0; i < KB_BATCH; i++)
		if (!(p[i] = kmalloc(size, TAG_TEST)))
			panic("kbench: kmalloc(%lu) failed", size);
	for (int i = 0; i < KB_BATCH; i++)
		kfree(p[i]);
}

/* One round of page_alloc+page_free pairs of single pages, KB_BATCH
 * held at once, owner the kernel. */
void kb_page_round(void)
{
	void *p[KB_BATCH];

	for (int i = 0; i < KB_BATCH; i++)
		if (!(p[i] = page_alloc(0, 0, TAG_TEST)))
			panic("kbench: page_alloc failed");
	for (int i = 0; i < KB_BATCH; i++)
		page_free(p[i], 0);
}

/* kmalloc+kfree pairs of 32 B .. 2 KiB. */
static void kb_heap(void)
{
	static const size_t sizes[] = { 32, 64, 128, 256, 512, 1024, 2048 };
	char name[32];

	for (size_t s = 0; s < ARRAY_SIZE(sizes); s++) {
		uint64_t t0 = 0;
		for (int r = -1; r < KB_ROUNDS; r++) {    /* round -1 warms up */
			if (r == 0)
				t0 = kb_ns();
			kb_heap_round(sizes[s]);
		}
		uint64_t t = kb_ns() - t0;
		snprintf(name, sizeof(name), "kmalloc_kfree_%lu", sizes[s]);
		kb_figure(name, t, (uint64_t)KB_ROUNDS * KB_BATCH);
	}
}

/* page_alloc+page_free pairs. */
static void kb_pages(void)
{
	uint64_t t0 = 0;

	for (int r = -1; r < KB_ROUNDS; r++) {
		if (r == 0)
			t0 = kb_ns();
		kb_page_round();
	}
	kb_figure("page_alloc_free", kb_ns() - t0, (uint64_t)KB_ROUNDS * KB_BATCH);
}

/* kmalloc+kfree pairs of 128 B and page pairs with each heap debugging
 * mode on alone (docs/memory.md, "Poison, redzones and guard pages"):
 * heap_pair_MODE and page_pair_MODE, and both with every mode off as
 * measured here (the caches on), for comparison. guard=TEST guards
 * every block of the loop. */
static void kb_modes(void)
{
	static const char *const modes[] = { "off", "poison", "redzone", "guard=TEST" };
	static const char *const names[] = { "off", "poison", "redzone", "guard" };
	char name[32];

	for (size_t m = 0; m < ARRAY_SIZE(modes); m++) {
		uint64_t t0 = 0;
		if (m)
			mm_debug_set(modes[m], NULL, NULL, 0);
		for (int r = -1; r < KB_ROUNDS; r++) {
			if (r == 0)
				t0 = kb_ns();
			kb_heap_round(128);
		}
		snprintf(name, sizeof(name), "heap_pair_%s", names[m]);
		kb_figure(name, kb_ns() - t0, (uint64_t)KB_ROUNDS * KB_BATCH);
		for (int r = -1; r < KB_ROUNDS; r++) {
			if (r == 0)
				t0 = kb_ns();
			kb_page_round();
		}
		snprintf(name, sizeof(name), "page_pair_%s", names[m]);
		kb_figure(name, kb_ns() - t0, (uint64_t)KB_ROUNDS * KB_BATCH);
		mm_debug_set("-poison,-redzone,-guard", NULL, NULL, 0);
	}
}

/* The heap pair (64 B) and the page pair with the caches off, then with
 * the allocation history on (which switches them off too): the second
 * less the first is the history's own cost (docs/memory.md). */
static void kb_audit(void)
{
	static const char *const names[2][2] = {
		{ "heap_pair_nocache", "page_pair_nocache" },
		{ "heap_pair_audit", "page_pair_audit" },
	};
	uint32_t depth = page_cache_set_depth(0);

	heap_cache_set_depth(0);
	for (int on = 0; on < 2; on++) {
		if (on && mm_audit_enable(MM_AUDIT_DEFAULT) < 0) {
			kprintf("bench: mm_audit cannot be switched on\n");
			break;
		}
		uint64_t t0 = 0;
		for (int r = -1; r < KB_ROUNDS; r++) {
			if (r == 0)
				t0 = kb_ns();
			kb_heap_round(64);
		}
		kb_figure(names[on][0], kb_ns() - t0, (uint64_t)KB_ROUNDS * KB_BATCH);
		for (int r = -1; r < KB_ROUNDS; r++) {
			if (r == 0)
				t0 = kb_ns();
			kb_page_round();
		}
		kb_figure(names[on][1], kb_ns() - t0, (uint64_t)KB_ROUNDS * KB_BATCH);
	}
	mm_audit_disable();
	heap_cache_set_depth(HEAP_CACHE_DEPTH);
	page_cache_set_depth(depth);
}

/* The mixed workload's generator (xorshift64*): the same sequence every
 * run, so every kernel is measured on the same blocks. */
static uint64_t kb_rand(uint64_t *x)
{
	*x ^= *x >> 12;
	*x ^= *x << 25;
	*x ^= *x >> 27;
	return *x * 0x2545f4914f6cdd1dull;
}

/* A size of the mixed workload. */
static size_t kb_mixed_size(uint64_t *x)
{
	return KB_MIXED_MIN + kb_rand(x) % (KB_MIXED_MAX - KB_MIXED_MIN + 1);
}

/* The heap's cache hits and misses so far (0 and 0 before caches). */
static void kb_cache_ops(uint64_t *hits, uint64_t *misses)
{
	static struct heap_stats hs;     /* too big for a thread's stack frame */

	memset(&hs, 0, sizeof(hs));
	heap_stats(&hs);
	*hits = hs.cache_hits;
	*misses = hs.cache_misses;
}

/* Mixed use: KB_MIXED_LIVE blocks of random sizes held, then, in a
 * random order, one freed and a block of another random size taken in
 * its place, KB_MIXED_LIVE * KB_MIXED_ROUNDS times: per kmalloc+kfree
 * pair, and the share of those calls a heap cache served. */
static void kb_mixed(void)
{
	static void *live[KB_MIXED_LIVE];
	uint64_t x = KB_MIXED_SEED, ops = (uint64_t)KB_MIXED_LIVE * KB_MIXED_ROUNDS;
	uint64_t h0, m0, h1, m1;

	for (int i = 0; i < KB_MIXED_LIVE; i++)
		if (!(live[i] = kmalloc(kb_mixed_size(&x), TAG_TEST)))
			panic("kbench: mixed: kmalloc failed filling");
	kb_cache_ops(&h0, &m0);
	uint64_t t0 = kb_ns();
	for (uint64_t n = 0; n < ops; n++) {
		size_t i = kb_rand(&x) % KB_MIXED_LIVE;
		kfree(live[i]);
		if (!(live[i] = kmalloc(kb_mixed_size(&x), TAG_TEST)))
			panic("kbench: mixed: kmalloc failed");
	}
	uint64_t t = kb_ns() - t0;
	kb_cache_ops(&h1, &m1);
	for (int i = 0; i < KB_MIXED_LIVE; i++)
		kfree(live[i]);
	kb_figure("mixed_pair", t, ops);
	uint64_t hits = h1 - h0, calls = hits + (m1 - m0);
	const char *sfx = kb_mode == KB_NOACCT ? "_noacct" : "";
	if (kb_mode == KB_WALL)
		return;                     /* the same blocks as icount's: the same rate */
	if (!calls) {
		kprintf("bench: mixed_hit_pct%s: no cache hits or misses counted "
			"(the heap has no caches)\n", sfx);
		return;
	}
	uint64_t pm = (hits * 1000 + calls / 2) / calls;
	kprintf("@BENCH mixed_hit_pct%s=%lu.%lu %%\n", sfx, pm / 10, pm % 10);
}

/* spin_lock+spin_unlock pairs of proc_lock, uncontended: the floor under
 * every locked operation. make bench boots with lockcheck=off; booted
 * without it, the difference is the lock-order checker's cost. */
static void kb_spin(void)
{
	uint64_t t0 = kb_ns();

	for (int i = 0; i < KB_ROUNDS * KB_BATCH; i++) {
		spin_lock(&proc_lock);
		spin_unlock(&proc_lock);
	}
	kb_figure("spin_lock_unlock", kb_ns() - t0, (uint64_t)KB_ROUNDS * KB_BATCH);
}

/* A process slot that never runs, holding n more single pages (USER),
 * as a process that grew n pages would; NULL if memory ran out. */
static struct proc *kb_fake_proc(const char *name, long n)
{
	int err;
	struct proc *p = proc_alloc(name, 0, &err);

	if (!p)
		return NULL;
	for (long i = 0; i < n; i++)
		if (!page_alloc(0, p->pid, TAG_USER))
			panic("kbench: no page for %s", name);
	return p;
}

/* Free a kb_fake_proc; returns the nanoseconds proc_free took. */
static uint64_t kb_free_proc(struct proc *p)
{
	spin_lock(&proc_lock);
	uint64_t t0 = kb_ns();
	proc_free(p);
	uint64_t t = kb_ns() - t0;
	spin_unlock(&proc_lock);
	return t;
}

/* proc_free of a process holding KB_RECLAIM_PAGES pages, per page,
 * while another process holds `others` pages: the cost must not depend
 * on the others (reclaim walks only the owner's own list). */
static void kb_reclaim(long others)
{
	struct reclaim_record rec;
	char name[40];
	uint64_t t = 0, pages = 0;

	struct proc *o = kb_fake_proc("kbench-other", others);
	for (int r = 0; r < 5; r++) {
		struct proc *v = kb_fake_proc("kbench-victim", KB_RECLAIM_PAGES);
		t += kb_free_proc(v);
		proc_last_reclaim(&rec);
		pages += rec.pages;
	}
	kb_free_proc(o);
	snprintf(name, sizeof(name), "reclaim_per_page_others%ld", others);
	kb_figure(name, t, pages);
}

/* One leak scan (mem -l, docs/memory.md "Leak scan") of the booted
 * system with KB_LEAK_BLOCKS more live blocks of mixed sizes, held by a
 * static array: the scan reads them all and reports none. */
static void kb_leak(void)
{
	static void *held[KB_LEAK_BLOCKS];
	static struct leak_site sites[8];
	struct leak_summary sum;

	for (int i = 0; i < KB_LEAK_BLOCKS; i++)
		held[i] = kmalloc(KB_MIXED_MIN + (i * 37) % (KB_MIXED_MAX - KB_MIXED_MIN), TAG_TEST);
	uint64_t t0 = kb_ns();
	int rc = leak_scan(sites, ARRAY_SIZE(sites), &sum);
	uint64_t t = kb_ns() - t0;
	if (rc)
		kprintf("bench: leak scan failed: %d\n", rc);
	else
		kb_figure("leak_scan_1000", t, 1);
	if (!rc && kb_mode == KB_ICOUNT) {
		kprintf("@BENCH leak_scan_1000_blocks=%zu blocks\n", sum.blocks);
		kprintf("@BENCH leak_scan_1000_leaks=%zu blocks\n", sum.leaks);
	}
	for (int i = 0; i < KB_LEAK_BLOCKS; i++) {
		kfree(held[i]);
		held[i] = NULL;
	}
}

/* Tracking metadata: bytes and share of RAM (not a time). */
static void kb_metadata(void)
{
	struct mm_budget b;

	mm_budget_get(&b);
	uint64_t pm = b.total * 100000 / b.ram;   /* thousandths of a percent */
	kprintf("@BENCH mm_metadata=%lu B\n", b.total);
	kprintf("@BENCH mm_metadata_pct=%lu.%03lu %%\n", pm / 1000, pm % 1000);
	kprintf("@BENCH mm_metadata_page_desc=%lu B\n", b.page_desc);
}

/* Is pid asleep waiting for console input? */
static bool kb_waits_for_input(pid_t pid)
{
	struct proc s;

	for (int i = 0; i < PROC_MAX; i++)
		if (proc_snapshot(i, &s) && s.pid == pid)
			return s.state == P_SLEEPING && s.wait_what &&
			       !strcmp(s.wait_what, "console");
	return false;
}

/* Boot to the first prompt: start the shell as a normal boot does, and
 * read the clock once it has printed "rvos> " and sleeps waiting for
 * input (this thread yields meanwhile; it runs again as soon as the
 * shell blocks). Then end the shell. The clock started at reset, so
 * OpenSBI's part is included. */
static void kb_boot_to_prompt(void)
{
	pid_t pid = ktest_spawn("shell", NULL);
	int status;

	if (pid < 0)
		panic("kbench: cannot start the shell: %d", pid);
	while (!kb_waits_for_input(pid))
		yield();
	uint64_t t = kb_ns();
	kprintf("\n");
	if (kb_mode == KB_ICOUNT)
		kprintf("@BENCH boot_to_prompt=%lu instr\n", t);
	else
		kprintf("@BENCH boot_to_prompt_wall_us=%lu us\n", t / 1000);
	proc_kill(pid);
	proc_wait(pid, &status);
}

/* Run user/bench.c with the mode and the timebase, and wait for it. */
static void kb_user(const char *mode)
{
	char tb[24];

	snprintf(tb, sizeof(tb), "%lu", timer_timebase());
	int status = ktest_run("bench", mode, tb, NULL);
	if (status != W_EXITCODE(0))
		kprintf("bench: user benchmark failed (status %d)\n", status);
}

/* The one-hart figures of mode (bench=icount, wall or noacct). */
static void kb_single(const char *mode)
{
	if (kb_mode != KB_NOACCT)
		kb_boot_to_prompt();
	kb_counters();
	kb_spin();
	kb_heap();
	kb_pages();
	kb_mixed();
	kb_modes();
	if (kb_mode != KB_NOACCT) {
		kb_audit();
		kb_reclaim(10);
		kb_reclaim(10000);
		kb_leak();
		if (kb_mode == KB_ICOUNT)
			kb_metadata();
		kb_user(mode);
	}
}

void kbench_main(const char *mode)
{
	kb_mode = !strcmp(mode, "wall") ? KB_WALL :
		  !strcmp(mode, "noacct") ? KB_NOACCT : KB_ICOUNT;
	kb_ns_per_tick = 1000000000 / timer_timebase();
	if (!strcmp(mode, "smp"))
		kb_smp_main();
	else
		kb_single(mode);
	kprintf("bench: done\n");
	power_off();
}
