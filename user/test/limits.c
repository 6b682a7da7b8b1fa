/* limits: per-process caps on pages and on IPC heap (docs/memory.md,
 * docs/ipc.md "Limits per process").
 *
 *   limits pages   a child takes pages with sbrk until refused and holds
 *                  them; the refusal is -ENOMEM below all of RAM, USER's
 *                  page failures grew, and `mem` still runs (exit 0)
 *                  while the child holds its maximum
 *   limits ipc     queue messages in nested channels until refused: the
 *                  refusal is -ENOMEM with the charge at most the cap
 *                  (mem's IPC_BYTES column), IPC_'s failures grew, and
 *                  `mem` still runs while all of it is held
 * Prints "limits: MODE: PASS" or lines ending in FAIL.
 */
#include <rvos.h>
#include <rvos/sysinfo.h>

struct state {
	uint64_t free_pages, user_page_fails, ipc_fails;
	struct si_proc me;
};

static int bad;

static void check(bool ok, const char *what, long got)
{
	printf("limits: %s (%ld)%s\n", what, got, ok ? "" : ": FAIL");
	bad += !ok;
}

/* Read the counters we judge by; -1 if sysinfo did not answer. */
static int state_read(struct state *s)
{
	struct si_reader rd;
	const void *rec;
	int type;

	memset(s, 0, sizeof(*s));
	int h = svc_lookup(SYSINFO_SERVICE);
	if (h < 0 || si_request(h, SI_REQ_MEMSTAT, 0) < 0)
		return -1;
	si_reader_init(&rd, h);
	while ((type = si_read(&rd, &rec)) > 0) {
		if (type == SI_REC_PAGES) {
			s->free_pages = ((const struct si_pages *)rec)->free + /* + the harts' lists */
					((const struct si_pages *)rec)->cached;
		} else if (type == SI_REC_TAG) {
			const struct si_tag *t = rec;
			if (!memcmp(t->name, "USER", 4))
				s->user_page_fails = t->page_fails;
			if (!memcmp(t->name, "IPC_", 4))
				s->ipc_fails = t->fails;
		} else if (type == SI_REC_PROC && ((const struct si_proc *)rec)->pid == getpid()) {
			memcpy(&s->me, rec, sizeof(s->me));
		}
	}
	chan_close(h);
	return type == 0 && rd.status == 0 ? 0 : -1;
}

/* Run mem to its end: its exit status, or -1. */
static int run_mem(void)
{
	char *argv[] = { "mem", NULL };
	int st, pid = spawn("mem", argv);
	if (pid < 0) {
		printf("limits: spawn mem: %s\n", errstr(pid));
		return -1;
	}
	return wait(pid, &st) == pid && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The child of "pages": take pages until refused, report through the
 * parent's service, hold them until killed. */
static int __attribute__((noreturn)) hold_pages(const char *name)
{
	long got = 0, r;
	while ((r = sbrk(USER_PAGE_SIZE)) >= 0) {
		*(volatile long *)r = got;
		got++;
	}
	long report[2] = { got, r };
	int h = svc_lookup(name);
	if (h > 0)
		chan_send(h, report, sizeof(report), NULL, 0, 0);
	for (;;)
		sleep(1000);
}

static void pages(void)
{
	struct state before, after;
	char name[SVC_NAME_MAX];
	snprintf(name, sizeof(name), "lim.%d", getpid());
	int lis = svc_register(name);
	if (state_read(&before) < 0 || lis < 0) {
		check(false, "sysinfo and a service of our own", lis);
		return;
	}
	char *argv[] = { "limits", "hold-pages", name, NULL };
	int pid = spawn("limits", argv), st;
	struct chan_info info;
	long report[2] = { 0, 0 };
	struct svc_connect hello;
	if (pid < 0 || chan_recv(lis, &hello, sizeof(hello), &info, 0) != sizeof(hello) ||
	    chan_recv(info.handles[0], report, sizeof(report), NULL, 0) != sizeof(report)) {
		check(false, "the hog's report", pid);
		return;
	}
	check(report[1] == -ENOMEM, "the hog's sbrk refused with -ENOMEM", report[1]);
	check(report[0] > 0 && (uint64_t)report[0] < before.free_pages,
	      "it got fewer pages than were free", report[0]);
	check(run_mem() == 0, "mem runs while the hog holds its maximum", 0);
	state_read(&after);
	check(after.user_page_fails > before.user_page_fails, "USER page failures grew",
	      (long)(after.user_page_fails - before.user_page_fails));
	kill(pid);
	wait(pid, &st);
	chan_close(lis);
}

static char big[CHAN_MSG_MAX];

static void ipc(void)
{
	struct state before, after;
	if (state_read(&before) < 0) {
		check(false, "sysinfo", 0);
		return;
	}
	int outer = 0, r = 0, a, b = 0;
	long queued = 0;
	while (r != -ENOMEM && r != -EMFILE) {
		if ((r = chan_create(&a, &b)) < 0) {
			b = outer;
			break;
		}
		for (int i = 0; i < CHAN_QUEUE_MAX - 1 && r == 0; i++)
			if ((r = chan_send(a, big, sizeof(big), NULL, 0, CHAN_NONBLOCK)) == 0)
				queued++;
		if (r == 0 && outer)
			r = chan_send(a, "n", 1, &outer, 1, CHAN_NONBLOCK);
		if (r < 0)
			break;          /* hold everything: a, b and the nest */
		chan_close(a);
		outer = b;
	}
	check(r == -ENOMEM, "queueing refused with -ENOMEM", r);
	/* at the cap even a sysinfo request is refused: take one message back */
	chan_recv(b, big, sizeof(big), NULL, 0);
	state_read(&after);
	check(after.me.ipc_limit > 0 && after.me.ipc_bytes <= after.me.ipc_limit &&
	      after.me.ipc_bytes + 2 * CHAN_MSG_MAX * 2 > after.me.ipc_limit,
	      "charged up to the cap (bytes)", (long)after.me.ipc_bytes);
	check(after.ipc_fails > before.ipc_fails, "IPC_ failures grew",
	      (long)(after.ipc_fails - before.ipc_fails));
	check(run_mem() == 0, "mem runs while all of it is held", queued);
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "hold-pages"))
		hold_pages(argv[2]);
	if (argc == 2 && !strcmp(argv[1], "pages"))
		pages();
	else if (argc == 2 && !strcmp(argv[1], "ipc"))
		ipc();
	else {
		printf("usage: limits pages|ipc\n");
		return 2;
	}
	printf("limits: %s: %s\n", argv[1], bad ? "FAIL" : "PASS");
	return bad ? 1 : 0;
}
