/* chantest: the channel and sysinfo self-test.
 *
 *   chantest               run every check; each prints "chantest: NAME ok"
 *                          or "chantest: NAME FAIL <expected, seen>", then
 *                          "chantest: N passed, M failed" and "chantest: PASS"
 *                          (exit 0) or "chantest: FAIL" (exit 1)
 *   chantest child SVC     (spawned) the peer: connects to service SVC
 *   chantest client        (spawned) one of many concurrent sysinfo clients
 *
 * spawn passes no handles, so the parent registers a service of its own,
 * "ct.<pid>", and the child finds it with svc_lookup: the parent receives
 * the child's channel in the svc_connect message (a handle transfer in
 * itself). The child then obeys text commands on that channel.
 */
#include <rvos.h>
#include <rvos/sysinfo.h>

#define ROUNDS    100       /* ping-pong round trips */
#define CLIENTS   6         /* concurrent sysinfo client processes */
#define CHANNELS  SYSINFO_CLIENTS_PER_PROC  /* concurrent sysinfo channels in one process */
#define LATE_MS   100       /* how long the child waits before answering */

static char why[200];
static int passed, failed;

/* Fail the current check with a message saying what was expected. */
#define EXPECT(cond, ...) do {                                          \
	if (!(cond)) {                                                  \
		snprintf(why, sizeof(why), __VA_ARGS__);                \
		return why;                                             \
	} } while (0)
#define EXPECT_EQ(got, want, what) do {                                 \
	long got_ = (long)(got), want_ = (long)(want);                  \
	EXPECT(got_ == want_, "%s: expected %ld, got %ld", what, want_, got_); \
	} while (0)

static int child_h;         /* the parent's end of the channel to the child */
static int child_pid;

/* Send a text message (and handles) through h, waiting for room. */
static int say(int h, const char *text, const int *hs, size_t nh)
{
	return chan_send(h, text, strlen(text) + 1, hs, nh, 0);
}

/* Receive a text message at h into buf (size bytes): its length or -E*. */
static long hear(int h, char *buf, size_t size, struct chan_info *info)
{
	long n = chan_recv(h, buf, size - 1, info, 0);
	buf[n > 0 ? n : 0] = '\0';
	return n;
}

/* Run one check and print its line. */
static void run(const char *name, const char *(*fn)(void))
{
	const char *r = fn();
	if (r) {
		printf("chantest: %s FAIL %s\n", name, r);
		failed++;
	} else {
		printf("chantest: %s ok\n", name);
		passed++;
	}
}

/* ---- the child ---------------------------------------------------------- */

/* The child's command loop: obey the parent until "quit" or it closes. */
static int child_main(const char *svc)
{
	char cmd[CHAN_MSG_MAX + 1], reply[64];
	struct chan_info info;
	int h = svc_lookup(svc);
	if (h < 0)
		return 10;
	for (;;) {
		long n = hear(h, cmd, sizeof(cmd), &info);
		if (n < 0)
			return n == -EPIPE ? 0 : 11;
		long v;
		if (!strncmp(cmd, "ping ", 5)) {
			snprintf(reply, sizeof(reply), "pong %s", cmd + 5);
			say(h, reply, NULL, 0);
		} else if (!strcmp(cmd, "take") && info.nhandles == 1) {
			say(info.handles[0], "from child", NULL, 0);
			chan_close(info.handles[0]);
			say(h, "took", NULL, 0);
		} else if (!strncmp(cmd, "drain ", 6) && parse_long(cmd + 6, &v) == 0) {
			sleep(LATE_MS);
			long got = 0;
			while (got < v && chan_recv(h, cmd, sizeof(cmd), NULL, 0) >= 0)
				got++;
			snprintf(reply, sizeof(reply), "drained %ld", got);
			say(h, reply, NULL, 0);
		} else if (!strcmp(cmd, "late")) {
			sleep(LATE_MS);
			say(h, "late", NULL, 0);
		} else if (!strcmp(cmd, "block") && info.nhandles == 1) {
			say(h, "blocking", NULL, 0);
			long r = chan_recv(info.handles[0], cmd, sizeof(cmd), NULL, 0);
			snprintf(reply, sizeof(reply), "woke %ld", r);
			say(h, reply, NULL, 0);
		} else if (!strcmp(cmd, "close-later") && info.nhandles == 1) {
			sleep(LATE_MS / 2);
			chan_close(info.handles[0]);
		} else if (!strcmp(cmd, "quit")) {
			return 0;
		} else {
			say(h, "what?", NULL, 0);
		}
	}
}

/* ---- checks with a second process ---------------------------------------- */

/* Start the child and take its channel from our own service. */
static const char *t_connect(void)
{
	char svc[SVC_NAME_MAX];
	struct svc_connect hello;
	struct chan_info info;

	snprintf(svc, sizeof(svc), "ct.%d", getpid());
	int listen = svc_register(svc);
	EXPECT(listen > 0, "svc_register(%s): expected a handle, got %d", svc, listen);
	EXPECT_EQ(svc_register(svc), -EEXIST, "svc_register of a taken name");
	char *argv[] = { "chantest", "child", svc, NULL };
	child_pid = spawn("chantest", argv);
	EXPECT(child_pid > 0, "spawn: expected a pid, got %d", child_pid);
	long n = chan_recv(listen, &hello, sizeof(hello), &info, 0);
	EXPECT_EQ(n, sizeof(hello), "svc_connect message length");
	EXPECT_EQ(hello.magic, SVC_CONNECT_MAGIC, "svc_connect magic");
	EXPECT_EQ(hello.client_pid, child_pid, "svc_connect client pid");
	EXPECT_EQ(info.nhandles, 1, "handles in svc_connect");
	child_h = info.handles[0];
	EXPECT_EQ(chan_close(listen), 0, "closing the service");
	EXPECT_EQ(svc_lookup(svc), -ENOENT, "svc_lookup of a closed service");
	return NULL;
}

/* ROUNDS blocking round trips. */
static const char *t_pingpong(void)
{
	char msg[32], want[32];
	for (int i = 0; i < ROUNDS; i++) {
		snprintf(msg, sizeof(msg), "ping %d", i);
		EXPECT_EQ(say(child_h, msg, NULL, 0), 0, "send ping");
		long n = hear(child_h, msg, sizeof(msg), NULL);
		snprintf(want, sizeof(want), "pong %d", i);
		EXPECT(n > 0 && !strcmp(msg, want), "round %d: expected '%s', got '%s' (%ld)",
		       i, want, msg, n);
	}
	return NULL;
}

/* Handles move: in one process, then to the child and back. */
static const char *t_transfer(void)
{
	int a, b, x, y;
	char buf[64];
	struct chan_info info;

	EXPECT_EQ(chan_create(&a, &b), 0, "chan_create");
	EXPECT_EQ(chan_create(&x, &y), 0, "chan_create");
	EXPECT_EQ(chan_send(a, "carry", 6, &x, 1, 0), 0, "send carrying a handle");
	EXPECT_EQ(chan_send(x, "gone", 5, NULL, 0, 0), -EBADF, "send on a handle that moved");
	EXPECT_EQ(hear(b, buf, sizeof(buf), &info), 6, "recv the carrier");
	EXPECT_EQ(info.nhandles, 1, "handles received");
	int x2 = info.handles[0];
	EXPECT_EQ(chan_send(x2, "via", 4, NULL, 0, 0), 0, "send on the received handle");
	EXPECT(hear(y, buf, sizeof(buf), NULL) == 4 && !strcmp(buf, "via"),
	       "expected 'via' at the far end, got '%s'", buf);
	chan_close(a);
	chan_close(b);

	EXPECT_EQ(say(child_h, "take", &y, 1), 0, "send a handle to the child");
	EXPECT(hear(child_h, buf, sizeof(buf), NULL) > 0 && !strcmp(buf, "took"),
	       "expected 'took', got '%s'", buf);
	EXPECT(hear(x2, buf, sizeof(buf), NULL) > 0 && !strcmp(buf, "from child"),
	       "expected 'from child' through the moved handle, got '%s'", buf);
	EXPECT_EQ(chan_recv(x2, buf, sizeof(buf), NULL, 0), -EPIPE, "recv after the child closed it");
	chan_close(x2);
	return NULL;
}

/* A full queue: -EAGAIN without waiting, a blocked sender when waiting. */
static const char *t_fullqueue(void)
{
	int a, b;
	char buf[64];

	EXPECT_EQ(chan_create(&a, &b), 0, "chan_create");
	for (int i = 0; i < CHAN_QUEUE_MAX; i++)
		EXPECT_EQ(chan_send(a, "x", 1, NULL, 0, CHAN_NONBLOCK), 0, "filling the queue");
	EXPECT_EQ(chan_send(a, "x", 1, NULL, 0, CHAN_NONBLOCK), -EAGAIN, "send to a full queue");
	EXPECT_EQ(chan_recv(b, buf, sizeof(buf), NULL, 0), 1, "recv one");
	EXPECT_EQ(chan_send(a, "x", 1, NULL, 0, CHAN_NONBLOCK), 0, "send after room appeared");
	chan_close(a);
	chan_close(b);

	int n = CHAN_QUEUE_MAX + 4;
	snprintf(buf, sizeof(buf), "drain %d", n);
	long t0 = clock(CLOCK_MS);
	EXPECT_EQ(say(child_h, buf, NULL, 0), 0, "send drain");
	for (int i = 0; i < n; i++)
		EXPECT_EQ(chan_send(child_h, "y", 1, NULL, 0, 0), 0, "blocking send");
	long waited = clock(CLOCK_MS) - t0;
	EXPECT(waited >= LATE_MS / 2, "sender never blocked on a full queue (%ld ms)", waited);
	snprintf(buf, sizeof(buf), "drained %d", n);
	char got[64];
	EXPECT(hear(child_h, got, sizeof(got), NULL) > 0 && !strcmp(got, buf),
	       "expected '%s', got '%s'", buf, got);
	return NULL;
}

/* An empty queue: -EAGAIN without waiting, a blocked receiver woken. */
static const char *t_emptyqueue(void)
{
	char buf[64];
	EXPECT_EQ(chan_recv(child_h, buf, sizeof(buf), NULL, CHAN_NONBLOCK), -EAGAIN,
		  "recv from an empty queue");
	long t0 = clock(CLOCK_MS);
	EXPECT_EQ(say(child_h, "late", NULL, 0), 0, "send late");
	EXPECT(hear(child_h, buf, sizeof(buf), NULL) > 0 && !strcmp(buf, "late"),
	       "expected 'late', got '%s'", buf);
	long waited = clock(CLOCK_MS) - t0;
	EXPECT(waited >= LATE_MS / 2, "receiver did not wait (%ld ms)", waited);
	return NULL;
}

/* A closed peer: queued messages still arrive, then -EPIPE; a blocked
 * receiver is woken by the close. */
static const char *t_closedpeer(void)
{
	int a, b, v, w;
	char buf[64];

	EXPECT_EQ(chan_create(&a, &b), 0, "chan_create");
	EXPECT_EQ(say(a, "one", NULL, 0), 0, "send");
	EXPECT_EQ(say(a, "two", NULL, 0), 0, "send");
	EXPECT_EQ(chan_close(a), 0, "close");
	EXPECT_EQ(say(b, "back", NULL, 0), -EPIPE, "send to a closed peer");
	EXPECT(hear(b, buf, sizeof(buf), NULL) == 4 && !strcmp(buf, "one"),
	       "expected queued 'one', got '%s'", buf);
	EXPECT(hear(b, buf, sizeof(buf), NULL) == 4 && !strcmp(buf, "two"),
	       "expected queued 'two', got '%s'", buf);
	EXPECT_EQ(chan_recv(b, buf, sizeof(buf), NULL, 0), -EPIPE, "recv once drained");
	EXPECT_EQ(chan_close(b), 0, "close");

	EXPECT_EQ(chan_create(&v, &w), 0, "chan_create");
	EXPECT_EQ(say(child_h, "block", &w, 1), 0, "send block");
	EXPECT(hear(child_h, buf, sizeof(buf), NULL) > 0 && !strcmp(buf, "blocking"),
	       "expected 'blocking', got '%s'", buf);
	sleep(LATE_MS / 2);
	EXPECT_EQ(chan_close(v), 0, "close under a blocked receiver");
	snprintf(buf, sizeof(buf), "woke %d", -EPIPE);
	char got[64];
	EXPECT(hear(child_h, got, sizeof(got), NULL) > 0 && !strcmp(got, buf),
	       "expected '%s', got '%s'", buf, got);

	EXPECT_EQ(chan_create(&v, &w), 0, "chan_create");
	for (int i = 0; i < CHAN_QUEUE_MAX; i++)
		EXPECT_EQ(chan_send(v, "x", 1, NULL, 0, CHAN_NONBLOCK), 0, "filling the queue");
	EXPECT_EQ(say(child_h, "close-later", &w, 1), 0, "send close-later");
	EXPECT_EQ(chan_send(v, "x", 1, NULL, 0, 0), -EPIPE, "blocked send when the peer closes");
	EXPECT_EQ(chan_close(v), 0, "close");
	return NULL;
}

/* The child's exit closes its handles: our end sees -EPIPE. */
static const char *t_exitcloses(void)
{
	char buf[16];
	int status;
	EXPECT_EQ(say(child_h, "quit", NULL, 0), 0, "send quit");
	EXPECT_EQ(wait(child_pid, &status), child_pid, "wait for the child");
	EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %#x", status);
	EXPECT_EQ(chan_recv(child_h, buf, sizeof(buf), NULL, 0), -EPIPE, "recv after the child died");
	EXPECT_EQ(say(child_h, "x", NULL, 0), -EPIPE, "send after the child died");
	EXPECT_EQ(chan_close(child_h), 0, "close");
	return NULL;
}

/* ---- checks in one process ------------------------------------------------ */

/* Bad handles, and handles that may not be carried. */
static const char *t_badhandle(void)
{
	int a, b, bad[] = { 0, -1, HANDLE_MAX + 1, 999 };
	char buf[8];

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(chan_send(bad[i], "x", 1, NULL, 0, 0), -EBADF, "send on a bad handle");
		EXPECT_EQ(chan_recv(bad[i], buf, sizeof(buf), NULL, 0), -EBADF, "recv on a bad handle");
		EXPECT_EQ(chan_close(bad[i]), -EBADF, "close of a bad handle");
	}
	EXPECT_EQ(chan_create(&a, &b), 0, "chan_create");
	int nope = 999;
	EXPECT_EQ(chan_send(a, "x", 1, &nope, 1, 0), -EBADF, "carrying a bad handle");
	EXPECT_EQ(chan_send(a, "x", 1, &a, 1, 0), -EINVAL, "a handle carrying itself");
	EXPECT_EQ(chan_send(a, "x", 1, &b, 1, 0), -EINVAL, "an end sent into its own queue");
	int x, y;
	EXPECT_EQ(chan_create(&x, &y), 0, "chan_create");
	EXPECT_EQ(chan_send(x, "x", 1, &b, 1, 0), 0, "b into y's queue");
	EXPECT_EQ(chan_send(a, "x", 1, &y, 1, 0), -EINVAL, "y into b's queue: a cycle");
	EXPECT_EQ(chan_close(y), 0, "close y (and b, carried in its queue)");
	EXPECT_EQ(chan_send(a, "x", 1, NULL, 0, 0), -EPIPE, "send to the closed carried end");
	chan_close(x);
	chan_close(a);
	EXPECT_EQ(chan_create(&a, &b), 0, "chan_create");
	int twice[] = { b, b };
	EXPECT_EQ(chan_send(a, "x", 1, twice, 2, 0), -EINVAL, "one handle twice");
	EXPECT_EQ(chan_recv(b, buf, sizeof(buf), NULL, CHAN_NONBLOCK), -EAGAIN,
		  "nothing was sent by the refused calls");
	EXPECT_EQ(chan_send(a, "x", 1, NULL, 0, 0x80), -EINVAL, "unknown flag");
	EXPECT_EQ(chan_close(a), 0, "close");
	EXPECT_EQ(chan_close(a), -EBADF, "second close");
	EXPECT_EQ(chan_send(a, "x", 1, NULL, 0, 0), -EBADF, "send on a closed handle");
	chan_close(b);
	return NULL;
}

/* Messages too big to send or to receive into a small buffer. */
static const char *t_oversize(void)
{
	static char big[CHAN_MSG_MAX + 1];
	char small[16];
	int a, b, hs[CHAN_MSG_HANDLES + 1];
	struct chan_info info;

	EXPECT_EQ(chan_create(&a, &b), 0, "chan_create");
	EXPECT_EQ(chan_send(a, big, CHAN_MSG_MAX + 1, NULL, 0, 0), -EMSGSIZE, "send of MAX+1 bytes");
	for (int i = 0; i <= CHAN_MSG_HANDLES; i++)
		hs[i] = b;
	EXPECT_EQ(chan_send(a, "x", 1, hs, CHAN_MSG_HANDLES + 1, 0), -EMSGSIZE, "too many handles");
	memset(big, 'z', CHAN_MSG_MAX);
	EXPECT_EQ(chan_send(a, big, CHAN_MSG_MAX, NULL, 0, 0), 0, "send of MAX bytes");
	EXPECT_EQ(chan_recv(b, small, sizeof(small), &info, 0), -EMSGSIZE, "recv into a small buffer");
	EXPECT_EQ(info.len, CHAN_MSG_MAX, "length reported for the refused recv");
	memset(big, 0, sizeof(big));
	EXPECT_EQ(chan_recv(b, big, sizeof(big), &info, 0), CHAN_MSG_MAX, "recv with room (kept)");
	EXPECT(big[0] == 'z' && big[CHAN_MSG_MAX - 1] == 'z', "message contents lost");
	chan_close(a);
	chan_close(b);
	return NULL;
}

/* Bad user buffers: -EFAULT, and nothing lost. */
static const char *t_badbuffer(void)
{
	int a, b, h;
	char buf[8];
	void *wild = (void *)16;

	EXPECT_EQ(chan_create(&h, wild), -EFAULT, "chan_create with a bad pointer");
	EXPECT_EQ(chan_create(&a, &b), 0, "chan_create");
	EXPECT_EQ(chan_send(a, wild, 4, NULL, 0, 0), -EFAULT, "send from a bad buffer");
	EXPECT_EQ(chan_send(a, "x", 1, wild, 1, 0), -EFAULT, "send with a bad handle array");
	EXPECT_EQ(chan_send(a, "kept", 5, NULL, 0, 0), 0, "send");
	EXPECT_EQ(chan_recv(b, wild, sizeof(buf), NULL, 0), -EFAULT, "recv into a bad buffer");
	EXPECT_EQ(chan_recv(b, buf, sizeof(buf), wild, 0), -EFAULT, "recv with a bad info pointer");
	EXPECT(chan_recv(b, buf, sizeof(buf), NULL, 0) == 5 && !strcmp(buf, "kept"),
	       "the message was lost by a refused recv");
	chan_close(a);
	chan_close(b);
	return NULL;
}

/* A full handle table: -EMFILE. */
static const char *t_handletable(void)
{
	int hs[HANDLE_MAX + 2], n = 0, a, b, r;
	while ((r = chan_create(&a, &b)) == 0) {
		hs[n++] = a;
		hs[n++] = b;
		EXPECT(n <= HANDLE_MAX, "more than HANDLE_MAX handles");
	}
	EXPECT_EQ(r, -EMFILE, "chan_create with a full table");
	EXPECT(n >= HANDLE_MAX - 2, "only %d handles before -EMFILE", n);
	/* a failed chan_create leaves the caller's memory alone */
	a = b = 77;
	EXPECT_EQ(chan_create(&a, &b), -EMFILE, "chan_create with a full table, again");
	EXPECT(a == 77 && b == 77, "failed chan_create wrote %d, %d", a, b);
	if (n == HANDLE_MAX)
		EXPECT_EQ(svc_lookup(SYSINFO_SERVICE), -EMFILE, "svc_lookup with a full table");
	/* hs[0..1] carries hs[2] to hs[1]: a message with a handle and no
	 * room for it until two more slots are free */
	struct chan_info info;
	char buf[8];
	EXPECT_EQ(chan_send(hs[0], "h", 1, &hs[2], 1, 0), 0, "send a handle");
	if (n == HANDLE_MAX) {      /* one slot free: fill it */
		int h = svc_lookup(SYSINFO_SERVICE);
		EXPECT(h > 0, "svc_lookup into the last slot: %s", errstr(h));
		EXPECT_EQ(chan_recv(hs[1], buf, sizeof(buf), &info, 0), -EMFILE,
			  "recv of a handle into a full table");
		chan_close(h);
	}
	EXPECT_EQ(chan_recv(hs[1], buf, sizeof(buf), &info, 0), 1, "recv once there is room");
	hs[2] = info.handles[0];
	for (int i = 0; i < n; i++)
		EXPECT_EQ(chan_close(hs[i]), 0, "close");
	return NULL;
}

/* Service names: unknown names and bad names. */
static const char *t_svcname(void)
{
	EXPECT_EQ(svc_lookup("no-such-service"), -ENOENT, "lookup of an unknown name");
	EXPECT_EQ(svc_lookup("a-name-far-too-long-for-it"), -ENOENT, "lookup of a long name");
	EXPECT_EQ(svc_register(""), -EINVAL, "register of an empty name");
	EXPECT_EQ(svc_register(SYSINFO_SERVICE), -EEXIST, "register of sysinfo");
	EXPECT_EQ(svc_lookup((const char *)16), -EFAULT, "lookup with a bad pointer");
	return NULL;
}

/* ---- sysinfo ---------------------------------------------------------------- */

/* Every request kind answers; malformed ones get -EPROTO and the
 * channel keeps working. */
static const char *t_sysinfo(void)
{
	static const int kinds[] = { SI_REQ_MEMSTAT, SI_REQ_PS, SI_REQ_SITES, SI_REQ_BUDDY };
	int st, n;
	int h = svc_lookup(SYSINFO_SERVICE);
	EXPECT(h > 0, "svc_lookup(sysinfo): %s", errstr(h));
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
		EXPECT_EQ(si_request(h, kinds[i], 0), 0, "request");
		n = si_drain(h, &st);
		EXPECT(n > 0 && st == 0, "request %d: %d records, status %d", kinds[i], n, st);
	}
	EXPECT_EQ(si_request(h, SI_REQ_PROC_PAGES, getpid()), 0, "request");
	n = si_drain(h, &st);
	EXPECT(n >= 2 && st == 0, "PROC_PAGES of itself: %d records, status %d", n, st);
	EXPECT_EQ(si_request(h, SI_REQ_PROC_PAGES, 99999), 0, "request");
	EXPECT(si_drain(h, &st) == 0 && st == -ESRCH, "PROC_PAGES of no one: status %d", st);
	EXPECT_EQ(si_request(h, 999, 0), 0, "request");
	EXPECT(si_drain(h, &st) == 0 && st == -EPROTO, "unknown kind: status %d", st);
	EXPECT_EQ(chan_send(h, "junk", 4, NULL, 0, 0), 0, "send junk");
	EXPECT(si_drain(h, &st) == 0 && st == -EPROTO, "junk request: status %d", st);
	EXPECT_EQ(si_request(h, SI_REQ_PS, 0), 0, "request after junk");
	n = si_drain(h, &st);
	EXPECT(n > 0 && st == 0, "PS after junk: %d records, status %d", n, st);
	chan_close(h);
	return NULL;
}

/* Clients that leave mid-reply do not wedge the service. */
static const char *t_sysinfo_dead(void)
{
	for (int i = 0; i < 20; i++) {
		int h = svc_lookup(SYSINFO_SERVICE);
		EXPECT(h > 0, "svc_lookup: %s", errstr(h));
		si_request(h, i % 2 ? SI_REQ_SITES : SI_REQ_MEMSTAT, 0);
		if (i % 3 == 0)
			sleep(10);          /* let the reply start */
		chan_close(h);
	}
	int st, h = svc_lookup(SYSINFO_SERVICE);
	EXPECT(h > 0, "svc_lookup after the dead clients: %s", errstr(h));
	si_request(h, SI_REQ_PS, 0);
	int n = si_drain(h, &st);
	EXPECT(n > 0 && st == 0, "PS after dead clients: %d records, status %d", n, st);
	chan_close(h);
	return NULL;
}

/* Many clients at once: CHANNELS channels here, read interleaved, and
 * CLIENTS processes all asking at the same time. */
static const char *t_sysinfo_many(void)
{
	int hs[CHANNELS], st;
	for (int i = 0; i < CHANNELS; i++) {
		hs[i] = svc_lookup(SYSINFO_SERVICE);
		EXPECT(hs[i] > 0, "svc_lookup %d: %s", i, errstr(hs[i]));
		EXPECT_EQ(si_request(hs[i], i % 2 ? SI_REQ_SITES : SI_REQ_MEMSTAT, 0), 0, "request");
	}
	for (int i = CHANNELS - 1; i >= 0; i--) {
		int n = si_drain(hs[i], &st);
		EXPECT(n > 0 && st == 0, "channel %d: %d records, status %d", i, n, st);
		chan_close(hs[i]);
	}
	int pids[CLIENTS];
	char *argv[] = { "chantest", "client", NULL };
	for (int i = 0; i < CLIENTS; i++) {
		pids[i] = spawn("chantest", argv);
		EXPECT(pids[i] > 0, "spawn client %d: %s", i, errstr(pids[i]));
	}
	int bad = 0;
	for (int i = 0; i < CLIENTS; i++) {
		int status;
		if (wait(pids[i], &status) != pids[i] || !WIFEXITED(status) || WEXITSTATUS(status))
			bad++;
	}
	EXPECT_EQ(bad, 0, "client processes that failed");
	return NULL;
}

/* More clients than the service has slots: each gets a reply or -EBUSY,
 * and the service goes on. */
static const char *t_sysinfo_busy(void)
{
	int hs[20], st, ok = 0, busy = 0;
	for (size_t i = 0; i < ARRAY_SIZE(hs); i++) {
		hs[i] = svc_lookup(SYSINFO_SERVICE);
		EXPECT(hs[i] > 0, "svc_lookup %d: %s", (int)i, errstr(hs[i]));
		si_request(hs[i], SI_REQ_PS, 0);
	}
	for (size_t i = 0; i < ARRAY_SIZE(hs); i++) {
		int n = si_drain(hs[i], &st);
		if (n > 0 && st == 0)
			ok++;
		else if ((n == 0 && st == -EBUSY) || n == -EPIPE)
			busy++;
		chan_close(hs[i]);
	}
	EXPECT(ok + busy == (int)ARRAY_SIZE(hs) && ok > 0,
	       "%d answered, %d refused busy, of %d", ok, busy, (int)ARRAY_SIZE(hs));
	int h = svc_lookup(SYSINFO_SERVICE);
	EXPECT(h > 0, "svc_lookup afterwards: %s", errstr(h));
	si_request(h, SI_REQ_PS, 0);
	int n = si_drain(h, &st);
	EXPECT(n > 0 && st == 0, "PS afterwards: %d records, status %d", n, st);
	chan_close(h);
	return NULL;
}

/* One concurrent client process: a few requests, exit 0 if all went. */
static int client_main(void)
{
	int st, h = svc_lookup(SYSINFO_SERVICE);
	if (h < 0)
		return 1;
	for (int i = 0; i < 5; i++) {
		si_request(h, (int[]){ SI_REQ_PS, SI_REQ_MEMSTAT, SI_REQ_SITES }[i % 3], 0);
		if (si_drain(h, &st) <= 0 || st != 0)
			return 2;
	}
	return 0;
}

/* Run every check, or play the child or a client when spawned as one. */
int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "child"))
		return child_main(argv[2]);
	if (argc == 2 && !strcmp(argv[1], "client"))
		return client_main();
	if (argc != 1) {
		printf("usage: chantest\n");
		return 2;
	}
	run("connect", t_connect);
	if (child_h > 0) {
		run("pingpong", t_pingpong);
		run("transfer", t_transfer);
		run("fullqueue", t_fullqueue);
		run("emptyqueue", t_emptyqueue);
		run("closedpeer", t_closedpeer);
		run("exitcloses", t_exitcloses);
	}
	run("badhandle", t_badhandle);
	run("oversize", t_oversize);
	run("badbuffer", t_badbuffer);
	run("handletable", t_handletable);
	run("svcname", t_svcname);
	run("sysinfo", t_sysinfo);
	run("sysinfo-dead", t_sysinfo_dead);
	run("sysinfo-many", t_sysinfo_many);
	run("sysinfo-busy", t_sysinfo_busy);
	printf("chantest: %d passed, %d failed\n", passed, failed);
	printf("chantest: %s\n", failed ? "FAIL" : "PASS");
	return failed ? 1 : 0;
}
