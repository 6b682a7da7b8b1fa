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
#include <uapi/wait.h>

#define KB_BATCH          32        /* blocks held at once in the mm loops */
#define KB_ROUNDS         200       /* batches per figure */
#define KB_RECLAIM_PAGES  1000      /* pages the reclaimed process holds */

enum kb_mode { KB_ICOUNT, KB_WALL, KB_NOACCT };

static enum kb_mode kb_mode;
static uint64_t kb_ns_per_tick;     /* of the time CSR */

/* Nanoseconds of virtual time since reset (instructions under icount). */
static uint64_t kb_ns(void)
{
	return rdtime() * kb_ns_per_tick;
}

/* Print one figure: total nanoseconds over ops operations, as the mean
 * with one decimal, named and labelled for the mode. */
static void kb_figure(const char *name, uint64_t total, uint64_t ops)
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
static void kb_heap_round(size_t size)
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
static void kb_page_round(void)
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

/* The SMP figures (bench=smp, a boot of its own at -smp 4). Under
 * icount QEMU runs the harts in turn on one host thread, and time, cycle
 * and instret all read one clock: the instructions that every hart has
 * executed. A hart cannot count only its own, so a figure is all the
 * instructions executed from the release of the start barrier to the
 * last hart's end, over all harts' operations: per operation per hart,
 * with any spinning on a lock another hart holds included. Harts left
 * out of a run idle in wfi and add only their ticks. */

#define KB_SMP_MAX     4          /* harts in the largest run */
#define KB_TRIPS       2000       /* channel round trips per figure */
#define KB_TRIPS_WARM  100
#define KB_MSG_BYTES   64         /* as user/test/bench.c's round trip */

struct kb_smp;

/* One thread of a run: fn(run) on the hart cpus[cpu]. */
struct kb_thread {
	struct kb_smp *run;
	void (*fn)(struct kb_smp *);
	int cpu;
};

/* One run: n pinned kernel threads, started together by a barrier. */
struct kb_smp {
	struct spinlock lock;           /* done, t0, t1 */
	int n;
	struct kb_thread t[KB_SMP_MAX];
	int arrived;                    /* at the start barrier (atomic) */
	int done;                       /* threads finished */
	uint64_t t0, t1;                /* first timed start, last end */
	size_t size;                    /* kb_smp_mm: bytes, or 0: pages */
	struct chan_end *end[2];        /* kb_smp_ping's and kb_smp_pong's */
};

/* Wait for every thread of the run; the time once all are here. */
static uint64_t kb_smp_start(struct kb_smp *s)
{
	__atomic_add_fetch(&s->arrived, 1, __ATOMIC_ACQ_REL);
	while (__atomic_load_n(&s->arrived, __ATOMIC_ACQUIRE) < s->n)
		;
	return kb_ns();
}

/* A thread timed [t0, now): widen the run's interval to cover it. */
static void kb_smp_timed(struct kb_smp *s, uint64_t t0)
{
	uint64_t t1 = kb_ns();

	spin_lock(&s->lock);
	if (t0 < s->t0)
		s->t0 = t0;
	if (t1 > s->t1)
		s->t1 = t1;
	spin_unlock(&s->lock);
}

/* KB_ROUNDS rounds of pairs (s->size bytes, or single pages) after one
 * to warm up, timed from the barrier. */
static void kb_smp_mm(struct kb_smp *s)
{
	s->size ? kb_heap_round(s->size) : kb_page_round();
	uint64_t t0 = kb_smp_start(s);
	for (int r = 0; r < KB_ROUNDS; r++)
		s->size ? kb_heap_round(s->size) : kb_page_round();
	kb_smp_timed(s, t0);
}

/* KB_TRIPS timed round trips of KB_MSG_BYTES through end[0], then close. */
static void kb_smp_ping(struct kb_smp *s)
{
	char msg[KB_MSG_BYTES] = { 0 }, reply[KB_MSG_BYTES];
	uint64_t t0 = 0;
	int nh;

	kb_smp_start(s);
	for (int i = -KB_TRIPS_WARM; i < KB_TRIPS; i++) {
		if (i == 0)
			t0 = kb_ns();
		if (chan_ksend(s->end[0], msg, sizeof(msg), NULL, 0, 0) < 0 ||
		    chan_krecv(s->end[0], reply, sizeof(reply), NULL, &nh, 0) != KB_MSG_BYTES)
			panic("kbench: channel round trip failed");
	}
	kb_smp_timed(s, t0);
	chan_kclose(s->end[0]);
}

/* Echo at end[1] until the other end closes. */
static void kb_smp_pong(struct kb_smp *s)
{
	char buf[KB_MSG_BYTES];
	long n;
	int nh;

	kb_smp_start(s);
	while ((n = chan_krecv(s->end[1], buf, sizeof(buf), NULL, &nh, 0)) >= 0)
		if (chan_ksend(s->end[1], buf, (size_t)n, NULL, 0, 0) < 0)
			break;
	chan_kclose(s->end[1]);
}

/* A run's kernel thread: its part, then count it done. */
static void kb_smp_thread(void *arg)
{
	struct kb_thread *t = arg;
	struct kb_smp *s = t->run;

	t->fn(s);
	spin_lock(&s->lock);
	if (++s->done == s->n)
		wakeup(s);
	spin_unlock(&s->lock);
}

/* Start s's threads on their harts and wait until all have finished;
 * false (and a line saying why, not a figure) if a hart is not online. */
static bool kb_smp_run(struct kb_smp *s, const char *name)
{
	for (int i = 0; i < s->n; i++)
		if (!cpus[s->t[i].cpu].online) {
			kprintf("bench: %s skipped: hart %d of %d is not online "
				"(%d online)\n", name, s->t[i].cpu, s->n, ncpu_online);
			return false;
		}
	s->lock = (struct spinlock)SPINLOCK_INIT("kbench", LOCK_RANK_TEST_SLEEP);
	s->arrived = s->done = 0;
	s->t0 = UINT64_MAX;
	s->t1 = 0;
	for (int i = 0; i < s->n; i++) {
		s->t[i].run = s;
		if (kthread_start_on("kbench", kb_smp_thread, &s->t[i], s->t[i].cpu) < 0)
			panic("kbench: cannot start a thread on hart %d", s->t[i].cpu);
	}
	spin_lock(&s->lock);
	while (s->done < s->n)
		sleep_on(s, &s->lock, "kbench");
	spin_unlock(&s->lock);
	return true;
}

/* kmalloc+kfree of 32 B and page pairs on 1, 2 and 4 harts at once. */
static void kb_smp_mm_figures(void)
{
	static const int harts[] = { 1, 2, KB_SMP_MAX };
	struct kb_smp s;
	char name[40];

	for (int k = 0; k < 2; k++)
		for (size_t h = 0; h < ARRAY_SIZE(harts); h++) {
			s.n = harts[h];
			s.size = k == 0 ? 32 : 0;
			for (int i = 0; i < s.n; i++)
				s.t[i] = (struct kb_thread){ .fn = kb_smp_mm, .cpu = i };
			snprintf(name, sizeof(name), "%s_%dhart%s",
				 k == 0 ? "kmalloc_kfree_32" : "page_alloc_free",
				 s.n, s.n == 1 ? "" : "s");
			if (kb_smp_run(&s, name))
				kb_figure(name, s.t1 - s.t0,
					  (uint64_t)s.n * KB_ROUNDS * KB_BATCH);
		}
}

/* Kernel-thread channel round trips, both ends on hart 0 and on harts 0
 * and 1. */
static void kb_smp_chan_figures(void)
{
	static const char *const names[] = { "kchan_round_trip_same_hart",
					     "kchan_round_trip_cross_hart" };
	struct kb_smp s = { .n = 2 };

	for (int cross = 0; cross < 2; cross++) {
		if (chan_pair(&s.end[0], &s.end[1]) < 0)
			panic("kbench: no memory for a channel");
		s.t[0] = (struct kb_thread){ .fn = kb_smp_ping, .cpu = 0 };
		s.t[1] = (struct kb_thread){ .fn = kb_smp_pong, .cpu = cross };
		if (kb_smp_run(&s, names[cross]))
			kb_figure(names[cross], s.t1 - s.t0, KB_TRIPS);
		else {
			chan_kclose(s.end[0]);
			chan_kclose(s.end[1]);
		}
	}
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
	if (kb_mode != KB_NOACCT) {
		kb_reclaim(10);
		kb_reclaim(10000);
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
	if (!strcmp(mode, "smp")) {
		kb_smp_mm_figures();
		kb_smp_chan_figures();
	} else
		kb_single(mode);
	kprintf("bench: done\n");
	power_off();
}
