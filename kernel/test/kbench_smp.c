/* The SMP figures of `make bench` (bench=smp, a boot of its own at
 * -smp 4, under icount; docs/perf.md, "SMP figures").
 *
 * Under icount QEMU runs the harts in turn on one host thread, and
 * time, cycle and instret all read one clock that counts every hart's
 * instructions (kb_smp_instret_note checks instret against time on
 * every round and says which it found). So a span from the first hart's
 * start to the last one's end, which these figures used to be, is
 * whatever QEMU's turns make of it: 762 to 1,842 for one figure in four
 * runs. Instead each hart times each of its rounds on its own (instret
 * read before and after) and keeps them all; a round that ran within
 * the hart's turn counts exactly its own instructions, and a round that
 * spans a turn switch, a tick or another hart's turn spent spinning on a
 * lock its holder took into a switch counts theirs too and is many
 * times longer. The figure is the median round, per pair: the hart's own
 * work, the same in every run. The rounds over twice the median are
 * counted and printed as the stalled share.
 *
 * Every wait is bounded (KB_SMP_WAIT_NS of virtual time): a hart that
 * never reaches the start barrier or never finishes makes a line
 * "bench: NAME failed: ..." (bench.py then leaves the SMP figures out)
 * instead of a hang.
 */
#include "kbench_internal.h"
#include <kernel/types.h>
#include <kernel/cpu.h>
#include <kernel/riscv.h>
#include <kernel/printf.h>
#include <lib/format.h>
#include <kernel/proc.h>
#include <kernel/ipc.h>

#define KB_SMP_MAX      4          /* harts in the largest run */
#define KB_TRIPS        2000       /* channel round trips per figure */
#define KB_TRIPS_WARM   100
#define KB_MSG_BYTES    64         /* as user/test/bench.c's round trip */
#define KB_SMP_WAIT_NS  2000000000ull   /* a hart arrives or finishes within this */
#define KB_SMP_SPIN_NS  20000000ull     /* then a waiting hart yields between looks */
#define KB_SMP_POLL_MS  50         /* how often the runner looks */
#define KB_STALLED      2          /* a round over this many medians stalled */

struct kb_smp;

/* One thread of a run: fn on the hart cpus[cpu], and its rounds. */
struct kb_thread {
	struct kb_smp *run;
	void (*fn)(struct kb_thread *);
	int cpu;
	bool alone;                     /* the others never reached the barrier */
	uint64_t instr[KB_ROUNDS];      /* instret across each round */
	uint64_t ns[KB_ROUNDS];         /* the time CSR across it, to compare */
};

/* One run: n pinned kernel threads, started together by a barrier. */
struct kb_smp {
	int n;
	struct kb_thread t[KB_SMP_MAX];
	int arrived;                    /* at the start barrier (atomic) */
	int done;                       /* threads finished (atomic) */
	size_t size;                    /* kb_smp_mm: bytes, or 0: pages */
	struct chan_end *end[2];        /* kb_smp_ping's and kb_smp_pong's */
};

/* The run (static: a thread that never finishes can still write it). */
static struct kb_smp kb_run;
static uint64_t kb_trip[KB_TRIPS];              /* instret across each round trip */
static uint64_t kb_sorted[KB_ROUNDS > KB_TRIPS ? KB_ROUNDS : KB_TRIPS];
static uint64_t kb_rounds_seen, kb_rounds_apart;  /* instret vs time */

/* The median of n values (copied, then sorted: at most a few thousand). */
static uint64_t kb_median(const uint64_t *v, int n)
{
	for (int i = 0; i < n; i++) {
		int j = i;
		for (; j > 0 && kb_sorted[j - 1] > v[i]; j--)
			kb_sorted[j] = kb_sorted[j - 1];
		kb_sorted[j] = v[i];
	}
	return kb_sorted[n / 2];
}

/* Wait until every thread of the run is here, at most KB_SMP_WAIT_NS;
 * false (t->alone) if some never came. Spin first (the others are
 * normally microseconds away), then give the hart up between looks:
 * under icount, a hart spinning for good can keep QEMU from ever
 * running another hart that an IPI has just woken (docs/perf.md). */
static bool kb_smp_start(struct kb_thread *t)
{
	struct kb_smp *s = t->run;
	uint64_t start = kb_ns();

	__atomic_add_fetch(&s->arrived, 1, __ATOMIC_ACQ_REL);
	while (__atomic_load_n(&s->arrived, __ATOMIC_ACQUIRE) < s->n) {
		uint64_t waited = kb_ns() - start;
		if (waited > KB_SMP_WAIT_NS) {
			t->alone = true;
			return false;
		}
		if (waited > KB_SMP_SPIN_NS)
			yield();
	}
	return true;
}

/* One warm-up round, then KB_ROUNDS rounds of pairs (s->size bytes, or
 * single pages), each timed on its own by instret and by time. */
static void kb_smp_mm(struct kb_thread *t)
{
	struct kb_smp *s = t->run;

	s->size ? kb_heap_round(s->size) : kb_page_round();
	if (!kb_smp_start(t))
		return;
	for (int r = 0; r < KB_ROUNDS; r++) {
		uint64_t i0 = csr_read(instret), t0 = kb_ns();
		s->size ? kb_heap_round(s->size) : kb_page_round();
		t->ns[r] = kb_ns() - t0;
		t->instr[r] = csr_read(instret) - i0;
	}
}

/* KB_TRIPS round trips of KB_MSG_BYTES through end[0] after
 * KB_TRIPS_WARM, each timed, then close. */
static void kb_smp_ping(struct kb_thread *t)
{
	struct kb_smp *s = t->run;
	char msg[KB_MSG_BYTES] = { 0 }, reply[KB_MSG_BYTES];
	int nh;

	if (kb_smp_start(t))
		for (int i = -KB_TRIPS_WARM; i < KB_TRIPS; i++) {
			uint64_t i0 = csr_read(instret);
			if (chan_ksend(s->end[0], msg, sizeof(msg), NULL, 0, 0) < 0 ||
			    chan_krecv(s->end[0], reply, sizeof(reply), NULL, &nh, 0) != KB_MSG_BYTES)
				panic("kbench: channel round trip failed");
			if (i >= 0)
				kb_trip[i] = csr_read(instret) - i0;
		}
	chan_kclose(s->end[0]);
}

/* Echo at end[1] until the other end closes. */
static void kb_smp_pong(struct kb_thread *t)
{
	struct kb_smp *s = t->run;
	char buf[KB_MSG_BYTES];
	long n;
	int nh;

	kb_smp_start(t);
	while ((n = chan_krecv(s->end[1], buf, sizeof(buf), NULL, &nh, 0)) >= 0)
		if (chan_ksend(s->end[1], buf, (size_t)n, NULL, 0, 0) < 0)
			break;
	chan_kclose(s->end[1]);
}

/* A run's kernel thread: its part, then count it done. */
static void kb_smp_thread(void *arg)
{
	struct kb_thread *t = arg;

	t->fn(t);
	__atomic_add_fetch(&t->run->done, 1, __ATOMIC_ACQ_REL);
}

/* Start the run's threads on their harts and wait, at most twice
 * KB_SMP_WAIT_NS, until all have finished. false and a line saying why
 * (never a figure) if a hart is not online, and a "failed" line if one
 * never arrived or never finished. */
static bool kb_smp_run(struct kb_smp *s, const char *name)
{
	for (int i = 0; i < s->n; i++)
		if (!cpus[s->t[i].cpu].online) {
			kprintf("bench: %s skipped: hart %d of %d is not online "
				"(%d online)\n", name, s->t[i].cpu, s->n, ncpu_online);
			return false;
		}
	s->arrived = s->done = 0;
	for (int i = 0; i < s->n; i++) {
		s->t[i].run = s;
		s->t[i].alone = false;
		if (kthread_start_on("kbench", kb_smp_thread, &s->t[i], s->t[i].cpu) < 0)
			panic("kbench: cannot start a thread on hart %d", s->t[i].cpu);
	}
	uint64_t deadline = kb_ns() + 2 * KB_SMP_WAIT_NS;
	int done;
	while ((done = __atomic_load_n(&s->done, __ATOMIC_ACQUIRE)) < s->n) {
		if (kb_ns() > deadline) {
			kprintf("bench: %s failed: %d of %d harts finished in %lu ms\n",
				name, done, s->n, (unsigned long)(2 * KB_SMP_WAIT_NS / 1000000));
			return false;
		}
		proc_sleep_ms(KB_SMP_POLL_MS);
	}
	for (int i = 0; i < s->n; i++)
		if (s->t[i].alone) {
			kprintf("bench: %s failed: hart %d waited alone at the start\n",
				name, s->t[i].cpu);
			return false;
		}
	return true;
}

/* Per pair per hart of a finished kb_smp_mm run: the mean over its harts
 * of each hart's median round; print each hart's and its stalled rounds,
 * and count the rounds where instret and time disagree. */
static uint64_t kb_smp_mm_report(struct kb_smp *s, const char *name)
{
	char line[200];
	size_t len = 0;
	uint64_t sum = 0;
	int stalled_all = 0;

	len += snprintf(line + len, sizeof(line) - len,
			"bench: %s: median round per pair, per hart:", name);
	for (int i = 0; i < s->n; i++) {
		struct kb_thread *t = &s->t[i];
		uint64_t med = kb_median(t->instr, KB_ROUNDS);
		int stalled = 0;
		for (int r = 0; r < KB_ROUNDS; r++) {
			stalled += t->instr[r] > KB_STALLED * med;
			kb_rounds_seen++;
			kb_rounds_apart += t->instr[r] + 200 < t->ns[r] ||
					   t->ns[r] + 200 < t->instr[r];
		}
		sum += med;
		stalled_all += stalled;
		if (len < sizeof(line))
			len += snprintf(line + len, sizeof(line) - len, " %lu.%lu (%d stalled)",
					(unsigned long)(med * 10 / KB_BATCH / 10),
					(unsigned long)(med * 10 / KB_BATCH % 10), stalled);
	}
	kprintf("%s of %d rounds, in ns of virtual time (2 per instruction at shift=1)\n",
		line, KB_ROUNDS);
	kb_figure(name, sum, (uint64_t)s->n * KB_BATCH);
	unsigned pm = (unsigned)(stalled_all * 1000 / (s->n * KB_ROUNDS));
	kprintf("@BENCH %s_stalled_pct=%u.%u %%\n", name, pm / 10, pm % 10);
	return sum / (uint64_t)s->n;
}

/* name_ratio: per hart per pair at n harts over the one-hart figure. */
static void kb_smp_ratio(const char *name, uint64_t fig, uint64_t one)
{
	uint64_t r100 = one ? (fig * 100 + one / 2) / one : 0;
	kprintf("@BENCH %s_ratio=%lu.%02lu x\n", name, (unsigned long)(r100 / 100),
		(unsigned long)(r100 % 100));
}

/* kmalloc+kfree of 32 B and page pairs on 1, 2 and 4 harts at once. */
static bool kb_smp_mm_figures(void)
{
	static const int harts[] = { 1, 2, KB_SMP_MAX };
	struct kb_smp *s = &kb_run;
	char name[40];

	for (int k = 0; k < 2; k++) {
		uint64_t one = 0;
		for (size_t h = 0; h < ARRAY_SIZE(harts); h++) {
			s->n = harts[h];
			s->size = k == 0 ? 32 : 0;
			for (int i = 0; i < s->n; i++) {
				s->t[i].fn = kb_smp_mm;
				s->t[i].cpu = i;
			}
			snprintf(name, sizeof(name), "%s_%dhart%s",
				 k == 0 ? "kmalloc_kfree_32" : "page_alloc_free",
				 s->n, s->n == 1 ? "" : "s");
			if (!kb_smp_run(s, name))
				return false;
			uint64_t fig = kb_smp_mm_report(s, name);
			if (s->n == 1)
				one = fig;
			else
				kb_smp_ratio(name, fig, one);
		}
	}
	return true;
}

/* Kernel-thread channel round trips, both ends on hart 0 and on harts 0
 * and 1: the median trip. */
static bool kb_smp_chan_figures(void)
{
	static const char *const names[] = { "kchan_round_trip_same_hart",
					     "kchan_round_trip_cross_hart" };
	struct kb_smp *s = &kb_run;

	s->n = 2;
	for (int cross = 0; cross < 2; cross++) {
		if (chan_pair(&s->end[0], &s->end[1]) < 0)
			panic("kbench: no memory for a channel");
		s->t[0].fn = kb_smp_ping;
		s->t[0].cpu = 0;
		s->t[1].fn = kb_smp_pong;
		s->t[1].cpu = cross;
		if (!kb_smp_run(s, names[cross])) {
			if (cpus[cross].online)
				return false;   /* failed: its threads may still hold the ends */
			chan_kclose(s->end[0]);
			chan_kclose(s->end[1]);
			continue;               /* skipped, said so */
		}
		kb_figure(names[cross], kb_median(kb_trip, KB_TRIPS), 1);
	}
	return true;
}

/* Say what instret counted: under icount one clock for all harts (then
 * it equals time across every round), on hardware each hart's own. */
static void kb_smp_instret_note(void)
{
	kprintf("bench: instret and time differ by over 200 ns in %lu of %lu rounds: "
		"instret counts %s\n", (unsigned long)kb_rounds_apart,
		(unsigned long)kb_rounds_seen,
		kb_rounds_apart ? "each hart's own instructions" :
		"every hart's (icount's one clock): the median round is the hart's own");
}

void kb_smp_main(void)
{
	if (kb_smp_mm_figures() && kb_smp_chan_figures())
		kb_smp_instret_note();
}
