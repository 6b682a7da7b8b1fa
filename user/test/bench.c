/* bench MODE TIMEBASE: the user-space benchmarks of `make bench`.
 *
 * Started by the kernel's benchmark mode (kernel/test/kbench.c), which
 * passes MODE (icount, wall) and the time CSR's frequency in Hz. Prints
 * one "@BENCH name=value unit" line per figure, the mean over a loop:
 * under QEMU -icount shift=0 one nanosecond of virtual time is one
 * instruction, so MODE icount prints instructions, MODE wall
 * nanoseconds of real time. docs/perf.md has the method and the table.
 *
 * "bench pong" is the other end of the channel round trip: it looks up
 * the service BENCH_SVC and answers every message with one of the same
 * length until the channel closes.
 */
#include <rvos.h>
#include <rvos/sysinfo.h>

#define BENCH_SVC      "benchpong"
#define MSG_BYTES      64          /* request and reply of a round trip */

static bool wall;                  /* MODE wall: real nanoseconds */
static unsigned long ns_per_tick;  /* of the time CSR */

/* Nanoseconds of virtual time since reset (instructions under icount). */
static unsigned long now(void)
{
	unsigned long t;
	__asm__ volatile("rdtime %0" : "=r"(t));
	return t * ns_per_tick;
}

/* Print the mean of total nanoseconds over ops, named for the mode. */
static void figure(const char *name, unsigned long total, unsigned long ops)
{
	unsigned long x10 = (total * 10 + ops / 2) / ops;

	if (wall)
		printf("@BENCH %s_wall_ns=%lu.%lu ns\n", name, x10 / 10, x10 % 10);
	else
		printf("@BENCH %s=%lu.%lu instr\n", name, x10 / 10, x10 % 10);
	stdout_flush();
}

/* Stop with a message: a benchmark that cannot run has no figure. */
static void fail(const char *what, long err)
{
	printf("bench: %s failed: %s\n", what, errstr((int)err));
	exit(1);
}

/* The null system call: getpid, user stub to user stub. */
static void bench_getpid(void)
{
	const unsigned long n = 20000;
	unsigned long t0 = now();

	for (unsigned long i = 0; i < n; i++)
		getpid();
	figure("getpid", now() - t0, n);
}

/* Grow the heap by one page and shrink it back. */
static void bench_sbrk(void)
{
	const unsigned long n = 2000;
	unsigned long t0 = now();

	for (unsigned long i = 0; i < n; i++) {
		long r = sbrk(USER_PAGE_SIZE);
		if (r < 0)
			fail("sbrk(+1 page)", r);
		if ((r = sbrk(-(long)USER_PAGE_SIZE)) < 0)
			fail("sbrk(-1 page)", r);
	}
	figure("sbrk_grow_shrink", now() - t0, n);
}

/* spawn + exit + wait of the smallest program (status, exits 0). */
static void bench_spawn(void)
{
	const unsigned long n = 200;
	unsigned long t0 = now();

	for (unsigned long i = 0; i < n; i++) {
		int status, pid = spawn("status", NULL);
		if (pid < 0)
			fail("spawn status", pid);
		if (wait(pid, &status) != pid || status != W_EXITCODE(0))
			fail("wait status", -ECHILD);
	}
	figure("spawn_exit_wait", now() - t0, n);
}

/* The far end of the round trip: echo until the channel closes. */
static int pong(void)
{
	char buf[CHAN_MSG_MAX];
	int h = svc_lookup(BENCH_SVC);
	long n;

	if (h < 0)
		fail("svc_lookup " BENCH_SVC, h);
	while ((n = chan_recv(h, buf, sizeof(buf), NULL, 0)) >= 0)
		if (chan_send(h, buf, (size_t)n, NULL, 0, 0) < 0)
			break;
	return 0;
}

/* 64-byte request and reply between two processes, blocking receive. */
static void bench_chan(void)
{
	const unsigned long n = 2000;
	char msg[MSG_BYTES], reply[CHAN_MSG_MAX];
	struct svc_connect conn;
	struct chan_info info;
	char *argv[] = { "bench", "pong", NULL };
	int status;

	int lis = svc_register(BENCH_SVC);
	if (lis < 0)
		fail("svc_register", lis);
	int pid = spawn("bench", argv);
	if (pid < 0)
		fail("spawn bench pong", pid);
	long r = chan_recv(lis, &conn, sizeof(conn), &info, 0);
	if (r != sizeof(conn) || info.nhandles != 1)
		fail("accept", r < 0 ? r : -EPROTO);
	chan_close(lis);
	int h = info.handles[0];
	memset(msg, 'x', sizeof(msg));
	unsigned long t0 = 0;
	for (long i = -100; i < (long)n; i++) {       /* 100 to warm up */
		if (i == 0)
			t0 = now();
		if ((r = chan_send(h, msg, sizeof(msg), NULL, 0, 0)) < 0)
			fail("chan_send", r);
		if ((r = chan_recv(h, reply, sizeof(reply), NULL, 0)) != MSG_BYTES)
			fail("chan_recv", r < 0 ? r : -EPROTO);
	}
	figure("chan_round_trip", now() - t0, n);
	chan_close(h);
	wait(pid, &status);
}

/* Read one whole sysinfo reply on h; returns the records, or fails. */
static unsigned long mem_reply(int h, int kind)
{
	static struct si_reader rd;
	const void *rec;
	unsigned long records = 0;
	int type, r;

	if ((r = si_request(h, kind, 0)) < 0)
		fail("si_request", r);
	si_reader_init(&rd, h);
	while ((type = si_read(&rd, &rec)) > 0)
		records++;
	if (type < 0 || rd.status != 0)
		fail("sysinfo reply", type < 0 ? type : rd.status);
	return records;
}

/* What `mem` does: the MEMSTAT request to the last byte of its reply,
 * on an open channel; and with svc_lookup and close around it. */
static void bench_mem(void)
{
	const unsigned long n = 50;
	unsigned long records = 0, t0;

	int h = svc_lookup(SYSINFO_SERVICE);
	if (h == -ENOENT) {
		printf("bench: mem pending: no %s service in this kernel\n",
		       SYSINFO_SERVICE);
		return;
	}
	if (h < 0)
		fail("svc_lookup " SYSINFO_SERVICE, h);
	mem_reply(h, SI_REQ_MEMSTAT);
	t0 = now();
	for (unsigned long i = 0; i < n; i++)
		records = mem_reply(h, SI_REQ_MEMSTAT);
	figure("mem_request_reply", now() - t0, n);
	chan_close(h);
	t0 = now();
	for (unsigned long i = 0; i < n; i++) {
		if ((h = svc_lookup(SYSINFO_SERVICE)) < 0)
			fail("svc_lookup " SYSINFO_SERVICE, h);
		mem_reply(h, SI_REQ_MEMSTAT);
		chan_close(h);
	}
	figure("mem_end_to_end", now() - t0, n);
	if (!wall)
		printf("@BENCH mem_reply_records=%lu records\n", records);
}

/* Which counters U-mode reads (the kernel's scounteren, set by OpenSBI). */
static void counters(void)
{
	unsigned long c0, c1, i0, i1, t0;
	__asm__ volatile("rdcycle %0" : "=r"(c0));
	__asm__ volatile("rdinstret %0" : "=r"(i0));
	__asm__ volatile("rdtime %0" : "=r"(t0));
	__asm__ volatile("rdcycle %0" : "=r"(c1));
	__asm__ volatile("rdinstret %0" : "=r"(i1));
	printf("bench: U-mode reads cycle, instret and time; cycle step %lu, "
	       "instret step %lu, time %lu\n", c1 - c0, i1 - i0, t0);
}

int main(int argc, char **argv)
{
	long hz;

	if (argc == 2 && !strcmp(argv[1], "pong"))
		return pong();
	if (argc != 3 || parse_long(argv[2], &hz) < 0 || hz <= 0 ||
	    1000000000 % hz) {
		printf("usage: bench icount|wall TIMEBASE_HZ (started by the kernel's bench mode)\n");
		return 2;
	}
	wall = !strcmp(argv[1], "wall");
	ns_per_tick = 1000000000 / (unsigned long)hz;
	counters();
	bench_getpid();
	bench_sbrk();
	bench_spawn();
	bench_chan();
	bench_mem();
	return 0;
}
