/* Process tests, run in the init kernel thread: it spawns real user
 * programs as its children, waits for them, and checks that every page
 * and every tag's counters come back exactly. */
#include "ktest.h"
#include "memsnap.h"
#include <kernel/proc.h>
#include <kernel/syscall.h>
#include <kernel/page.h>
#include <kernel/heap.h>
#include <kernel/tag.h>
#include <kernel/progs.h>
#include <lib/string.h>
#include <kernel/printf.h>
#include <kernel/timer.h>
#include <uapi/wait.h>
#include <uapi/errno.h>

KTEST(proc_exit_status)
{
	KT_EQ(ktest_run("status", "7", NULL), W_EXITCODE(7));
	KT_EQ(ktest_run("status", "0", NULL), W_EXITCODE(0));
	KT_EQ(ktest_run("hello", NULL), W_EXITCODE(0));
}

KTEST(proc_spawn_errors)
{
	KT_EQ(ktest_spawn("no-such-program", NULL), -ENOENT);
	int status;
	KT_EQ(proc_wait(WAIT_ANY, &status), -ECHILD);
	KT_EQ(proc_wait(99999, &status), -ECHILD);
	KT_EQ(proc_kill(99999), -ESRCH);
	KT_EQ(proc_kill(0), -EPERM);
	KT_EQ(proc_kill(proc_current()->pid), -EPERM);   /* a kernel thread */
}

KTEST(proc_kill_sleeper)
{
	int status;
	pid_t pid = ktest_spawn("sleep", "100000", NULL);
	KT_ASSERT(pid > 0);
	proc_sleep_ms(30);
	KT_EQ(proc_kill(pid), 0);
	KT_EQ(proc_wait(pid, &status), pid);
	KT_ASSERT(WIFKILLED(status));
	KT_EQ(WKILLCAUSE(status), KILL_REQUESTED);
}

/* kill's pid is the whole 64-bit register: 2^32 + pid names no process
 * (it used to be truncated to pid), so the sleeper survives it. */
KTEST(proc_kill_whole_register)
{
	int status;
	struct trapframe tf = { 0 };
	pid_t pid = ktest_spawn("sleep", "100000", NULL);
	KT_ASSERT(pid > 0);
	tf.a0 = (1UL << 32) + (uint64_t)pid;
	KT_EQ(sys_kill(&tf), -ESRCH);
	tf.a0 = (uint64_t)-1 << 32 | (uint64_t)pid;
	KT_EQ(sys_kill(&tf), -ESRCH);
	tf.a0 = (uint64_t)pid;
	KT_EQ(sys_kill(&tf), 0);
	KT_EQ(proc_wait(pid, &status), pid);
	KT_EQ(status, W_KILLED(KILL_REQUESTED));
}

KTEST(proc_sleep_sleeps)
{
	uint64_t t0 = timer_ticks();
	KT_EQ(ktest_run("sleep", "100", NULL), W_EXITCODE(0));
	KT_ASSERT(timer_ticks() - t0 >= 100 * TICK_HZ / 1000);
}

/* Two programs that never yield both get the CPU: the timer preempts. */
KTEST(proc_preemption)
{
	pid_t a = ktest_spawn("spin", NULL), b = ktest_spawn("spin", NULL);
	KT_ASSERT(a > 0 && b > 0);
	proc_sleep_ms(200);
	uint64_t ta = 0, tb = 0;
	for (int i = 0; i < PROC_MAX; i++) {
		struct proc p;
		if (proc_snapshot(i, &p) && p.pid == a)
			ta = p.cpu_ticks;
		if (proc_snapshot(i, &p) && p.pid == b)
			tb = p.cpu_ticks;
	}
	int status;
	proc_kill(a);
	proc_kill(b);
	KT_EQ(proc_wait(a, &status), a);
	KT_EQ(proc_wait(b, &status), b);
	kprintf("ktest:   spin %d ran %lu ticks, spin %d ran %lu ticks\n", a, ta, b, tb);
	KT_ASSERT(ta >= 3 && tb >= 3);
}

KTEST(proc_500_spawn_exit_cycles)
{
	struct mem_snap before, after;
	KT_EQ(ktest_run("status", NULL), W_EXITCODE(0));    /* warm up */
	memsnap_take(&before);
	for (int i = 0; i < 500; i++) {
		int st = ktest_run("status", NULL);
		if (st != W_EXITCODE(0)) {
			kprintf("ktest:   cycle %d: status %d\n", i, st);
			KT_ASSERT(false);
		}
	}
	memsnap_take(&after);
	KT_ASSERT(memsnap_same(&before, &after));
}

/* Each crash kind: killed with the right cause, or its bad system calls
 * refused; the kernel stays up and nothing leaks. */
KTEST(proc_crashes)
{
	static const struct { const char *kind; int status; } cases[] = {
		{ "null",       W_KILLED(KILL_PAGE_FAULT) },
		{ "text",       W_KILLED(KILL_PAGE_FAULT) },
		{ "exec",       W_KILLED(KILL_PAGE_FAULT) },
		{ "kernel",     W_KILLED(KILL_PAGE_FAULT) },
		{ "stack",      W_KILLED(KILL_PAGE_FAULT) },
		{ "illegal",    W_KILLED(KILL_ILLEGAL) },
		{ "breakpoint", W_KILLED(KILL_BREAKPOINT) },
		{ "misaligned", W_KILLED(KILL_MISALIGNED) },
		{ "kaddr",      W_EXITCODE(0) },
		{ "unmapped",   W_EXITCODE(0) },
	};
	struct mem_snap before, after;
	KT_EQ(ktest_run("status", NULL), W_EXITCODE(0));
	memsnap_take(&before);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int st = ktest_run("crash", cases[i].kind, NULL);
		if (st != cases[i].status)
			kprintf("ktest:   crash %s: status %x, want %x\n", cases[i].kind,
				st, cases[i].status);
		KT_EQ(st, cases[i].status);
	}
	memsnap_take(&after);
	KT_ASSERT(memsnap_same(&before, &after));
}

KTEST(proc_hog_reclaimed)
{
	struct mem_snap before, after;
	struct reclaim_record rec;
	memsnap_take(&before);
	KT_EQ(ktest_run("hog", "2000", NULL), W_EXITCODE(0));
	proc_last_reclaim(&rec);
	KT_ASSERT(rec.by_tag[TAG_USER] >= 2000);
	memsnap_take(&after);
	KT_ASSERT(memsnap_same(&before, &after));
}

KTEST(proc_hog_until_refused)
{
	struct mem_snap before, after;
	struct page_stats ps;
	memsnap_take(&before);
	KT_EQ(ktest_run("hog", "max", NULL), W_EXITCODE(0));
	page_stats(&ps);
	memsnap_take(&after);
	KT_ASSERT(memsnap_same(&before, &after));
}

/* The table holds PROC_MAX processes; one more is refused, not queued. */
KTEST(proc_table_full)
{
	pid_t pids[PROC_MAX];
	int n = 0, status;
	struct mem_snap before, after;
	memsnap_take(&before);
	pid_t r;
	while ((r = ktest_spawn("sleep", "100000", NULL)) > 0)
		pids[n++] = r;
	KT_EQ(r, -ENFILE);
	KT_ASSERT(n >= PROC_MAX - 4);   /* init and a few kernel threads */
	for (int i = 0; i < n; i++)
		proc_kill(pids[i]);
	for (int i = 0; i < n; i++)
		KT_EQ(proc_wait(pids[i], &status), pids[i]);
	memsnap_take(&after);
	KT_ASSERT(memsnap_same(&before, &after));
}

/* Corrupt copies of a real program are refused, and nothing leaks. */
KTEST(proc_loader_rejects_corrupt)
{
	const void *img;
	size_t len;
	struct mem_snap before, after;
	KT_EQ(progs_find("status", &img, &len), 0);
	uint8_t *bad = kmalloc(len, TAG_TEST);
	KT_ASSERT(bad != NULL);
	char *argv[] = { "bad", NULL };
	memsnap_take(&before);
	static const struct { size_t off; uint8_t val; } edits[] = {
		{ 0, 0x7e },        /* magic */
		{ 4, 1 },           /* ELFCLASS32 */
		{ 18, 0x3e },       /* e_machine: x86-64 */
		{ 16, 3 },          /* e_type: ET_DYN */
		{ 24 + 3, 0x10 },   /* e_entry moved far away */
		{ 32, 0xff },       /* e_phoff beyond the file */
		{ 56, 0xff },       /* e_phnum huge */
	};
	for (size_t i = 0; i < ARRAY_SIZE(edits); i++) {
		memcpy(bad, img, len);
		bad[edits[i].off] = edits[i].val;
		KT_EQ(proc_spawn_image("bad", bad, len, 1, argv, proc_current()->pid), -ENOEXEC);
	}
	KT_EQ(proc_spawn_image("bad", img, 40, 1, argv, proc_current()->pid), -ENOEXEC);
	memsnap_take(&after);
	kfree(bad);
	KT_ASSERT(memsnap_same(&before, &after));
}
