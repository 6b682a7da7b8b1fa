/* sfuzz: a stateful fuzzer of channels, handles, services and
 * processes, in the manner of syzkaller: it remembers what it made
 * (handles, service names, children) and builds each next call from
 * that, so endpoints travel through each other, through the registry
 * and to sysinfo, and processes die in the middle of it all.
 *
 *   sfuzz SEED [RUNS [STEPS]]     the driver (default 8 runs of 600 steps)
 *
 * Run r is one worker process with seed SEED + r that makes STEPS
 * calls and may spawn up to 3 workers of its own, kill them, or leave them running when it ends; the driver itself
 * may kill the worker at a random moment. After each run the driver
 * waits for every process the run made to be gone and compares memory
 * (free pages, every tag's heap bytes and pages, from sysinfo) with the
 * state before the first run: any difference is a leak, reported as
 *
 *   sfuzz: run N seed S: leak: free 31744 -> 31700, IPC_ 256 -> 1280 ...: FAIL
 *
 * and replayable with `sfuzz S 1 STEPS` (the calls depend only on the
 * seed; the driver's kill lands after a seeded number of yields).
 * It ends with `sfuzz: N runs, C calls: PASS` or `...: FAIL`.
 *
 * What a worker does, chosen at random at each step from what it holds:
 * create a channel; send bytes with 0..4 of its handles through one of
 * its handles (any kind: plain ends, listening ends, sysinfo and service
 * connections); receive (taking the handles that come); close; register
 * one of its names; look up one of its parent's names, or
 * sysinfo; send sysinfo a request or garbage; spawn, kill or reap a
 * child. Every channel call is CHAN_NONBLOCK. A lookup waits when the
 * listening queue is full, so a worker never looks up its own names
 * (it would wait for itself); its parent's, which its parent may never
 * receive, it may wait for, until the parent exits (-ENOENT) or kills
 * it (-EINTR); a worker waits for a child only after killing it.
 */
#include <rvos.h>
#include <rvos/sysinfo.h>

#define NAMES             3       /* service names per worker: s<pid>.<k> */
#define CHILDREN          3       /* workers one worker may run at once */
#define MAX_DEPTH         2       /* workers of workers of workers */
#define SETTLE_TRIES      100     /* 20 ms apart: orphans may still be running */
#define TAG_MAX_SNAP      32

static uint64_t rng;

/* xorshift64*: the whole sequence follows from the seed. */
static uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717ULL;
}

static unsigned pick(unsigned n)
{
	return (unsigned)(rnd() % n);
}

/* ---- the worker --------------------------------------------------------- */

static int held[HANDLE_MAX];      /* handles this worker believes it holds */
static int nheld;
static int kids[CHILDREN], nkids;
static uint8_t buf[CHAN_MSG_MAX];
static long calls;

static void hold(int h)
{
	if (h > 0 && nheld < HANDLE_MAX)
		held[nheld++] = h;
}

static void drop(int h)
{
	for (int i = 0; i < nheld; i++)
		if (held[i] == h) {
			held[i] = held[--nheld];
			return;
		}
}

/* A handle it holds, or now and then a number it does not. */
static int any_handle(void)
{
	if (!nheld || pick(16) == 0)
		return 1 + (int)pick(HANDLE_MAX);
	return held[pick((unsigned)nheld)];
}

static void svc_name(char *out, int pid, unsigned k)
{
	snprintf(out, SVC_NAME_MAX, "s%d.%u", pid, k);
}

/* Send bytes and up to 4 held handles through a held handle. */
static void op_send(void)
{
	int h = any_handle(), hs[CHAN_MSG_HANDLES];
	size_t nh = nheld ? pick(CHAN_MSG_HANDLES + 1) : 0;
	for (size_t i = 0; i < nh; i++)
		hs[i] = any_handle();
	size_t len = pick(4) == 0 ? pick(CHAN_MSG_MAX + 1) : pick(32);
	if (len == sizeof(struct si_request) && pick(2)) {
		struct si_request rq = { SYSINFO_MAGIC, SYSINFO_VERSION,
					 (uint16_t)(1 + pick(5)), (int32_t)pick(8), 0 };
		memcpy(buf, &rq, sizeof(rq));
	}
	calls++;
	if (chan_send(h, buf, len, hs, nh, CHAN_NONBLOCK) == 0)
		for (size_t i = 0; i < nh; i++)
			drop(hs[i]);
}

/* Receive at a held handle; keep what comes. */
static void op_recv(void)
{
	struct chan_info info;
	calls++;
	if (chan_recv(any_handle(), buf, sizeof(buf), &info, CHAN_NONBLOCK) >= 0)
		for (uint32_t i = 0; i < info.nhandles && i < CHAN_MSG_HANDLES; i++)
			hold(info.handles[i]);
}

/* Register one of its names, or look up one of its parent's, or sysinfo. */
static void op_service(int ppid, bool lookup)
{
	char name[SVC_NAME_MAX];
	unsigned k = pick(NAMES);
	calls++;
	if (!lookup) {
		svc_name(name, getpid(), k);
		hold(svc_register(name));
	} else if (ppid > 0 && pick(2)) {
		svc_name(name, ppid, k);
		hold(svc_lookup(name));
	} else {
		hold(svc_lookup(SYSINFO_SERVICE));
	}
}

/* Spawn a worker, or kill or reap one. */
static void op_child(uint64_t seed, int steps, int depth)
{
	int st;
	calls++;
	if (nkids < CHILDREN && depth < MAX_DEPTH && pick(2)) {
		char s[24], n[12], d[12], pp[12];
		snprintf(s, sizeof(s), "%lu", (unsigned long)((seed ^ rnd()) & 0xffffffffffffUL));
		snprintf(n, sizeof(n), "%d", steps / 2);
		snprintf(d, sizeof(d), "%d", depth + 1);
		snprintf(pp, sizeof(pp), "%d", getpid());
		char *argv[] = { "sfuzz", "worker", s, n, d, pp, NULL };
		int pid = spawn("sfuzz", argv);
		if (pid > 0)
			kids[nkids++] = pid;
	} else if (nkids) {
		unsigned i = pick((unsigned)nkids);
		kill(kids[i]);
		wait(kids[i], &st);
		kids[i] = kids[--nkids];
	}
}

/* One worker: steps calls built from what it holds, then exit holding
 * all of it (children killed, reaped or left running). */
static int worker(uint64_t seed, int steps, int depth, int ppid)
{
	rng = seed | 1;
	for (int i = 0; i < steps; i++) {
		unsigned op = pick(100);
		if (op < 12) {
			int a, b;
			calls++;
			if (chan_create(&a, &b) == 0) {
				hold(a);
				hold(b);
			}
		} else if (op < 50) {
			op_send();
		} else if (op < 72) {
			op_recv();
		} else if (op < 80) {
			int h = any_handle();
			calls++;
			if (chan_close(h) == 0)
				drop(h);
		} else if (op < 86) {
			op_service(ppid, false);
		} else if (op < 96) {
			op_service(ppid, true);
		} else {
			op_child(seed, steps, depth);
		}
	}
	if (pick(2))
		while (nkids) {
			int st;
			kill(kids[--nkids]);
			wait(kids[nkids], &st);
		}
	return 0;
}

/* ---- the driver --------------------------------------------------------- */

/* What must come back: free pages, processes, and per tag heap bytes and pages. */
struct snap {
	uint64_t free;
	int procs;
	int ntags;
	char name[TAG_MAX_SNAP][4];
	uint64_t bytes[TAG_MAX_SNAP], pages[TAG_MAX_SNAP];
};

/* Read the memory state from sysinfo; 0 or -1. */
static int snap_take(struct snap *sn)
{
	struct si_reader rd;
	const void *rec;
	int type;

	memset(sn, 0, sizeof(*sn));
	int h = svc_lookup(SYSINFO_SERVICE);
	if (h < 0 || si_request(h, SI_REQ_MEMSTAT, 0) < 0)
		return -1;
	si_reader_init(&rd, h);
	while ((type = si_read(&rd, &rec)) > 0) {
		if (type == SI_REC_PAGES) {
			sn->free = ((const struct si_pages *)rec)->free +    /* + the harts' lists */
				   ((const struct si_pages *)rec)->cached;
		} else if (type == SI_REC_PROC) {
			sn->procs++;
		} else if (type == SI_REC_TAG && sn->ntags < TAG_MAX_SNAP) {
			const struct si_tag *t = rec;
			memcpy(sn->name[sn->ntags], t->name, 4);
			sn->bytes[sn->ntags] = t->bytes;
			sn->pages[sn->ntags] = t->pages;
			sn->ntags++;
		}
	}
	chan_close(h);
	return type == 0 && rd.status == 0 ? 0 : -1;
}

/* Print how b differs from a; true if it does. */
static bool snap_diff(const struct snap *a, const struct snap *b)
{
	bool differ = a->free != b->free || a->procs != b->procs || a->ntags != b->ntags;
	if (a->free != b->free)
		printf(" free %lu -> %lu", (unsigned long)a->free, (unsigned long)b->free);
	if (a->procs != b->procs)
		printf(" processes %d -> %d", a->procs, b->procs);
	for (int i = 0; i < a->ntags && i < b->ntags; i++)
		if (a->bytes[i] != b->bytes[i] || a->pages[i] != b->pages[i]) {
			printf(" %.4s %lu B %lu pages -> %lu B %lu pages", a->name[i],
			       (unsigned long)a->bytes[i], (unsigned long)a->pages[i],
			       (unsigned long)b->bytes[i], (unsigned long)b->pages[i]);
			differ = true;
		}
	return differ;
}

/* Wait for memory to come back to base (orphans may still run, sysinfo
 * may not have dropped a dead client yet); false if it never does. */
static bool settle(const struct snap *base, struct snap *now)
{
	for (int t = 0; t < SETTLE_TRIES; t++) {
		if (snap_take(now) == 0 && now->procs == base->procs &&
		    now->free == base->free && now->ntags == base->ntags &&
		    !memcmp(now->bytes, base->bytes, sizeof(now->bytes)) &&
		    !memcmp(now->pages, base->pages, sizeof(now->pages)))
			return true;
		sleep(20);
	}
	return false;
}

/* Run one worker to its end (or kill it at a seeded step count). */
static void run_one(uint64_t seed, int steps)
{
	char s[24], n[12];
	int st;
	snprintf(s, sizeof(s), "%lu", (unsigned long)seed);
	snprintf(n, sizeof(n), "%d", steps);
	char *argv[] = { "sfuzz", "worker", s, n, "0", "0", NULL };
	int pid = spawn("sfuzz", argv);
	if (pid < 0) {
		printf("sfuzz: spawn: %s\n", errstr(pid));
		return;
	}
	rng = seed | 1;
	rnd();
	if (pick(3) == 0) {              /* killed mid-conversation */
		for (unsigned y = pick((unsigned)steps); y; y--)
			yield();
		kill(pid);
	}
	wait(pid, &st);
}

static int driver(uint64_t seed, int runs, int steps)
{
	struct snap base, now;
	int bad = 0;

	printf("sfuzz: seed %lu, %d runs of %d steps\n", (unsigned long)seed, runs, steps);
	if (snap_take(&now) < 0 || snap_take(&base) < 0) {   /* the first warms up */
		printf("sfuzz: cannot read memory from sysinfo: FAIL\n");
		return 1;
	}
	for (int r = 0; r < runs; r++) {
		uint64_t s = seed + (uint64_t)r;
		printf("sfuzz: run %d seed %lu\n", r, (unsigned long)s);
		run_one(s, steps);
		if (!settle(&base, &now)) {
			printf("sfuzz: run %d seed %lu: leak:", r, (unsigned long)s);
			snap_diff(&base, &now);
			printf(" (replay: sfuzz %lu 1 %d): FAIL\n", (unsigned long)s, steps);
			bad++;
			base = now;             /* report each leak once */
		}
	}
	printf("sfuzz: %d runs: %s\n", runs, bad ? "FAIL" : "PASS");
	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	long seed, runs = 8, steps = 600, depth = 0, ppid = 0;
	if (argc == 6 && !strcmp(argv[1], "worker") && parse_long(argv[2], &seed) == 0 &&
	    parse_long(argv[3], &steps) == 0 && parse_long(argv[4], &depth) == 0 &&
	    parse_long(argv[5], &ppid) == 0)
		return worker((uint64_t)seed, (int)steps, (int)depth, (int)ppid);
	if (argc < 2 || argc > 4 || parse_long(argv[1], &seed) < 0 ||
	    (argc > 2 && (parse_long(argv[2], &runs) < 0 || runs < 1)) ||
	    (argc > 3 && (parse_long(argv[3], &steps) < 0 || steps < 1))) {
		printf("usage: sfuzz SEED [RUNS [STEPS]]\n");
		return 2;
	}
	return driver((uint64_t)seed, (int)runs, (int)steps);
}
