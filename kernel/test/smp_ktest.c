/* SMP stress (issue 11, tools/testing/scenarios/smp_stress.scn): the
 * system call fuzzer, a spawn storm, channel floods and `mem` clients of
 * the sysinfo service all run at once, each restarted as soon as it ends,
 * for a bounded time; so with several harts online, system calls,
 * spawns, exits, channel traffic and allocations meet on every hart.
 * It starts the sysinfo service (ktests run before it). Then, once all
 * have ended, free pages, every tag's heap bytes and
 * pages and the misuse counts are exactly as before, and heap_check()
 * and page_check() hold. Explicit: the scenario runs it at 4 harts.
 */
#include "ktest.h"
#include "memsnap.h"
#include <kernel/proc.h>
#include <kernel/timer.h>
#include <kernel/cpu.h>
#include <kernel/sysinfo.h>
#include <kernel/printf.h>
#include <kernel/spinlock.h>
#include <lib/format.h>
#include <uapi/wait.h>
#include <uapi/errno.h>

#define STRESS_MS       6000        /* how long workloads are restarted */
#define FUZZ_SEED       20261201    /* the first run's seed; each run adds one */
#define ARGS_MAX        4

/* One workload slot: the program it runs over and over, and its run now. */
struct load {
	const char *argv[ARGS_MAX + 1];
	pid_t pid;                  /* 0: not running */
	int runs;
};

static struct load loads[] = {
	{ .argv = { "fuzz", NULL, "5000" } },     /* argv[1]: the seed, per run */
	{ .argv = { "storm", "cycles", "100" } },
	{ .argv = { "flood", "queue" } },
	{ .argv = { "flood", "handles" } },
	{ .argv = { "flood", "peers" } },
	{ .argv = { "mem" } },
	{ .argv = { "mem", "-s" } },
	{ .argv = { "mem", "-r" } },
	{ .argv = { "mem", "-b" } },
};

static char fuzz_seed[24];

/* Start slot l's program again; its pid, or a negative error. */
static pid_t load_start(struct load *l)
{
	char *argv[ARGS_MAX + 1];
	int argc = 0;

	if (l == &loads[0]) {
		snprintf(fuzz_seed, sizeof(fuzz_seed), "%d", FUZZ_SEED + l->runs);
		l->argv[1] = fuzz_seed;
	}
	while (argc < ARGS_MAX && l->argv[argc]) {
		argv[argc] = (char *)l->argv[argc];
		argc++;
	}
	argv[argc] = NULL;
	l->pid = proc_spawn(argv[0], argc, argv, proc_current()->pid);
	l->runs++;
	return l->pid;
}

/* Reap one child; the slot it ran in is free again. False if it did not
 * exit 0 (said on the console) or there was nothing to reap. */
static bool load_reap(void)
{
	int status;
	pid_t pid = proc_wait(WAIT_ANY, &status);
	for (size_t i = 0; pid > 0 && i < ARRAY_SIZE(loads); i++) {
		if (loads[i].pid != pid)
			continue;
		loads[i].pid = 0;
		if (status == W_EXITCODE(0))
			return true;
		kprintf("smp_stress: %s %s (run %d) ended with status 0x%x\n",
			loads[i].argv[0], loads[i].argv[1] ? loads[i].argv[1] : "",
			loads[i].runs, status);
		return false;
	}
	kprintf("smp_stress: wait returned %d\n", pid);
	return false;
}

/* Keep every slot busy until ms have passed, then let all finish. */
static bool stress(uint64_t ms)
{
	uint64_t end = timer_ms() + ms;
	int running = 0;
	bool ok = true;

	while (ok && timer_ms() < end) {
		for (size_t i = 0; ok && i < ARRAY_SIZE(loads); i++) {
			if (loads[i].pid)
				continue;
			ok = load_start(&loads[i]) > 0;
			running += ok;
		}
		if (running) {
			ok = load_reap() && ok;
			running--;
		}
	}
	for (; running > 0; running--)
		ok = load_reap() && ok;
	return ok;
}

/* Everything at once for STRESS_MS. */
KTEST_EXPLICIT(smp_stress)
{
	struct mem_snap before, after;

	sysinfo_start();            /* ktests run before it: mem needs it */
	KT_EQ(ktest_run("mem", NULL), W_EXITCODE(0));
	memsnap_take(&before);
	lock_stat_reset();
	KT_ASSERT(stress(STRESS_MS));
	lock_stat_print();          /* docs/smp.md: why one run queue */
	int total = 0;
	for (size_t i = 0; i < ARRAY_SIZE(loads); i++)
		total += loads[i].runs;
	kprintf("smp_stress: %d runs in %lu ms on %d harts\n", total,
		(unsigned long)STRESS_MS, ncpu_online);
	memsnap_take(&after);
	KT_ASSERT(memsnap_same(&before, &after));
	KT_ASSERT(memsnap_consistent());
}
