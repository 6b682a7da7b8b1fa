/* cycle: park endpoints where only they themselves could free them,
 * through the service registry and a kernel service, then exit; the
 * parent checks that the name is free again (docs/ipc.md, "Holders").
 *
 *   cycle registry      L (a listening end) and a channel end a, each in
 *                       the other's reach: a sent through L (into the
 *                       registry's queue), L sent into a's queue; and
 *                       the same one level deeper
 *   cycle nested        the same with a nest of full queues parked first
 *                       (16 levels of 15 KiB-size messages)
 *   cycle sysinfo       4 sysinfo connections parked in the cycle
 *   cycle stall         a sysinfo connection made to stall (its replies
 *                       unread) with an end g in its request queue, and
 *                       the connection sent into g's queue
 *   cycle MODE N        N such programs in a row
 *   cycle all           each mode, then sysinfo and registry 16 times
 *
 * Each run is a child that does the parking, prints what the kernel
 * said to each send and exits holding everything; the parent then
 * demands: svc_lookup of the name is -ENOENT and registering it again
 * works. Memory is compared by the scenario (mem -r before and after).
 */
#include <rvos.h>
#include <rvos/sysinfo.h>

#define NAME_FMT "cyc.%d"

static char big[CHAN_MSG_MAX];

/* Send one byte and maybe a handle; report a refusal. */
static int put(const char *what, int h, int carry)
{
	int r = chan_send(h, "c", 1, carry ? &carry : NULL, carry ? 1 : 0, CHAN_NONBLOCK);
	if (r < 0)
		printf("cycle: %s -> %s\n", what, errstr(r));
	return r;
}

/* A nest: level k is a channel whose queue holds 15 full messages and
 * one carrying level k-1's end. Returns the outermost end, or 0. */
static int nest(int levels)
{
	int outer = 0;
	for (int k = 0; k < levels; k++) {
		int a, b;
		if (chan_create(&a, &b) < 0)
			return outer;
		for (int i = 0; i < CHAN_QUEUE_MAX - 1; i++)
			chan_send(a, big, sizeof(big), NULL, 0, CHAN_NONBLOCK);
		if (outer)
			chan_send(a, "n", 1, &outer, 1, CHAN_NONBLOCK);
		chan_close(a);
		outer = b;
	}
	return outer;
}

/* The child: park what mode says, then exit holding it. */
static int park(const char *mode, const char *name)
{
	int lis = svc_register(name);
	if (lis < 0) {
		printf("cycle: register %s -> %s\n", name, errstr(lis));
		return 1;
	}
	int a, b, c, d;
	if (chan_create(&a, &b) < 0 || chan_create(&c, &d) < 0)
		return 1;
	if (!strcmp(mode, "nested")) {
		int n = nest(16);
		if (n)
			put("nest through the listening end", lis, n);
	}
	if (!strcmp(mode, "sysinfo")) {
		for (int i = 0; i < 4; i++) {
			int s = svc_lookup(SYSINFO_SERVICE);
			if (s > 0)
				put("sysinfo connection through the listening end", lis, s);
		}
	}
	if (!strcmp(mode, "stall")) {
		int s = svc_lookup(SYSINFO_SERVICE);
		if (s < 0)
			return 1;
		/* more replies than its queue holds: the service stalls */
		for (int i = 0; i < CHAN_QUEUE_MAX - 1; i++)
			si_request(s, SI_REQ_MEMSTAT, 0);
		int g, h;
		if (chan_create(&g, &h) < 0)
			return 1;
		put("g through the sysinfo connection", s, g);
		put("the sysinfo connection into g's queue", h, s);
	}
	/* deep: c into e's queue, e into the registry's, L into c's */
	int e, f;
	if (chan_create(&e, &f) == 0 && put("c into e's queue", f, c) == 0 &&
	    put("e through the listening end", lis, e) == 0)
		put("the listening end into c's queue", d, lis);
	/* direct: a into the registry's queue, L into a's */
	if (put("a through the listening end", lis, a) == 0)
		put("the listening end into a's queue", b, lis);
	printf("cycle: %s parked, exiting\n", mode);
	return 0;
}

/* Run one parking child and check the name is free after it. */
static int one(const char *mode, int round)
{
	char name[SVC_NAME_MAX];
	snprintf(name, sizeof(name), NAME_FMT, round);
	char *argv[] = { "cycle", "park", (char *)mode, name, NULL };
	int pid = spawn("cycle", argv), status;
	if (pid < 0 || wait(pid, &status) != pid) {
		printf("cycle: spawn -> %s: FAIL\n", errstr(pid));
		return 1;
	}
	int h = svc_lookup(name);
	if (h != -ENOENT) {
		printf("cycle: %s: lookup of %s after exit -> %d, want -ENOENT: FAIL\n",
		       mode, name, h);
		return 1;
	}
	h = svc_register(name);
	if (h < 0) {
		printf("cycle: %s: register %s again -> %s: FAIL\n", mode, name, errstr(h));
		return 1;
	}
	chan_close(h);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "park"))
		return park(argv[2], argv[3]);
	if (argc == 2 && !strcmp(argv[1], "all")) {
		static const struct { const char *mode; int n; } runs[] = {
			{ "registry", 1 }, { "nested", 1 }, { "sysinfo", 1 },
			{ "stall", 1 }, { "sysinfo", 16 }, { "registry", 16 },
		};
		int bad = 0;
		for (size_t r = 0; r < sizeof(runs) / sizeof(runs[0]); r++) {
			int b = 0;
			for (int i = 0; i < runs[r].n; i++)
				b += one(runs[r].mode, i);
			printf("cycle: %s x%d: %s\n", runs[r].mode, runs[r].n, b ? "FAIL" : "PASS");
			bad += b;
		}
		return bad ? 1 : 0;
	}
	long n = 1;
	if (argc < 2 || argc > 3 || (argc == 3 && (parse_long(argv[2], &n) < 0 || n < 1 || n > 64)) ||
	    (strcmp(argv[1], "registry") && strcmp(argv[1], "nested") &&
	     strcmp(argv[1], "sysinfo") && strcmp(argv[1], "stall"))) {
		printf("usage: cycle registry|nested|sysinfo|stall [N] | cycle all\n");
		return 2;
	}
	int bad = 0;
	for (int i = 0; i < n; i++)
		bad += one(argv[1], i);
	printf("cycle: %s x%ld: %s\n", argv[1], n, bad ? "FAIL" : "PASS");
	return bad ? 1 : 0;
}
