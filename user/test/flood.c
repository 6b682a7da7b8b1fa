/* flood MODE: channels pushed to their limits, for the hardening tests
 * (docs/hardening.md). Each mode prints what it saw and exits 0 when
 * every limit answered as docs/ipc.md says; the kernel test that runs it
 * then checks that every byte came back.
 *
 *   flood queue         fill a queue nobody reads: -EAGAIN at exactly
 *                       CHAN_QUEUE_MAX; exits with messages still queued
 *   flood handles       open channels until -EMFILE (HANDLE_MAX handles);
 *                       exits with them all open
 *   flood heap          grow the kernel heap through channels until
 *                       -ENOMEM, free it all with one close, grow it
 *                       again and exit holding it
 *   flood heap-nopages  the same after taking every free page with sbrk,
 *                       so the heap cannot even grow
 *   flood peers         kill the peer of a blocked receiver and of a
 *                       blocked sender (both must wake with -EPIPE), and
 *                       kill blocked processes themselves
 *   flood sink          a slow receiver: serves "flood.sink", reads one
 *                       message every 5 s and never what the channels it
 *                       is sent hold; runs until killed
 *   flood sender        floods the sink: channels filled with 1 KiB
 *                       messages, their far ends sent to the sink four to
 *                       a message, until the IPC cap refuses with -ENOMEM
 *                       (every byte queued is charged to the sender, not
 *                       the sink: docs/ipc.md); then holds it until killed
 * Spawned by "flood peers": peer-recv SVC, peer-send SVC, holder SVC.
 */
#include <rvos.h>

static char msg[CHAN_MSG_MAX];
static int fails;

/* Check one result; print it either way. */
static void expect(const char *what, long got, long want)
{
	if (got == want) {
		printf("flood: %s -> %ld\n", what, got);
	} else {
		printf("flood: %s -> %ld, want %ld: FAIL\n", what, got, want);
		fails++;
	}
}

/* ---- one process ------------------------------------------------------ */

/* A queue nobody reads: -EAGAIN, -EMSGSIZE, -EPIPE after a close. */
static int queue(void)
{
	int a, b, n = 0;
	long r;

	expect("chan_create", chan_create(&a, &b), 0);
	while ((r = chan_send(a, msg, sizeof(msg), NULL, 0, CHAN_NONBLOCK)) == 0 && n <= CHAN_QUEUE_MAX)
		n++;
	expect("messages queued before -EAGAIN", n, CHAN_QUEUE_MAX);
	expect("send to the full queue", r, -EAGAIN);
	expect("send too big", chan_send(a, msg, sizeof(msg) + 1, NULL, 0, CHAN_NONBLOCK), -EMSGSIZE);
	expect("recv one", chan_recv(b, msg, sizeof(msg), NULL, CHAN_NONBLOCK), sizeof(msg));
	expect("send into the room made", chan_send(a, msg, 1, NULL, 0, CHAN_NONBLOCK), 0);
	expect("full again", chan_send(a, msg, 1, NULL, 0, CHAN_NONBLOCK), -EAGAIN);
	expect("close the sender", chan_close(a), 0);
	for (n = 0; chan_recv(b, msg, sizeof(msg), NULL, CHAN_NONBLOCK) >= 0; n++)
		;
	expect("queued messages still readable after the close", n, CHAN_QUEUE_MAX);
	expect("then", chan_recv(b, msg, sizeof(msg), NULL, CHAN_NONBLOCK), -EPIPE);
	expect("send to a closed peer", chan_send(b, msg, 1, NULL, 0, CHAN_NONBLOCK), -EPIPE);
	chan_close(b);
	/* leave two full queues behind: exit must free them */
	expect("chan_create", chan_create(&a, &b), 0);
	for (n = 0; n < CHAN_QUEUE_MAX; n++) {
		chan_send(a, msg, sizeof(msg), NULL, 0, CHAN_NONBLOCK);
		chan_send(b, msg, sizeof(msg), NULL, 0, CHAN_NONBLOCK);
	}
	return fails ? 1 : 0;
}

/* Open channels until the handle table is full. */
static int handles(void)
{
	int a, b, n = 0, r, last = 0;

	while ((r = chan_create(&a, &b)) == 0 && n < HANDLE_MAX) {
		n += 2;
		last = b;
	}
	expect("handles held when chan_create refused", n, HANDLE_MAX);
	expect("chan_create into a full table", r, -EMFILE);
	expect("svc_lookup into a full table", svc_lookup("sysinfo"), -EMFILE);
	expect("svc_register into a full table", svc_register("flood.full"), -EMFILE);
	expect("close one", chan_close(last), 0);
	expect("chan_create needs two slots", chan_create(&a, &b), -EMFILE);
	expect("close another", chan_close(last - 1), 0);
	expect("chan_create fits again", chan_create(&a, &b), 0);
	expect("handle out of range", chan_close(HANDLE_MAX + 1), -EBADF);
	expect("handle 0", chan_close(0), -EBADF);
	return fails ? 1 : 0;   /* exits holding HANDLE_MAX handles */
}

/* Nest channels until the kernel heap refuses: each level is a channel
 * whose queue holds CHAN_QUEUE_MAX - 1 full messages and one message
 * carrying the level before it, so one handle holds everything. Returns
 * that handle (0 if none) and stores the error that stopped it. */
static int nest(long *levels, long *err)
{
	int top = 0, a, b;
	long r;

	for (*levels = 0;; ++*levels) {
		if ((r = chan_create(&a, &b)) < 0)
			break;
		for (int i = 0; i < CHAN_QUEUE_MAX - 1 && r == 0; i++)
			r = chan_send(a, msg, sizeof(msg), NULL, 0, CHAN_NONBLOCK);
		if (r == 0 && top)
			r = chan_send(a, msg, 8, &top, 1, CHAN_NONBLOCK);
		chan_close(a);
		if (r < 0) {
			chan_close(b);
			break;
		}
		top = b;
	}
	*err = r;
	return top;
}

/* Grow the kernel heap through nested channels until refused, twice. */
static int heap(bool nopages)
{
	long levels, err, pages = 0;

	if (nopages) {
		while (sbrk(USER_PAGE_SIZE) >= 0)
			pages++;
		printf("flood: took %ld pages with sbrk first\n", pages);
	}
	int top = nest(&levels, &err);
	printf("flood: %ld levels (%ld KiB queued) before the kernel refused\n", levels,
	       levels * CHAN_QUEUE_MAX * CHAN_MSG_MAX / 1024);
	expect("error when the heap is full", err, -ENOMEM);
	if (top)
		expect("close the whole nest", chan_close(top), 0);
	long again;
	top = nest(&again, &err);
	printf("flood: %ld levels the second time\n", again);
	expect("memory came back: as many levels", again >= levels - 1, 1);
	expect("error", err, -ENOMEM);
	return fails ? 1 : 0;   /* exits holding the second nest */
}

/* ---- several processes ------------------------------------------------ */

/* Spawn "flood mode svc". */
static int start(const char *mode, const char *svc)
{
	char *argv[] = { "flood", (char *)mode, (char *)svc, NULL };
	return spawn("flood", argv);
}

/* Take the next client from listening handle l: our end of its channel. */
static int accept(int l)
{
	struct svc_connect hello;
	struct chan_info info;
	long n = chan_recv(l, &hello, sizeof(hello), &info, 0);
	return n == sizeof(hello) && info.nhandles == 1 ? info.handles[0] : -EPROTO;
}

/* Wait for pid and compare its status. */
static void reap(const char *what, int pid, int want)
{
	int status = -1;
	printf("flood: waiting for %s\n", what);
	int r = wait(pid, &status);
	expect(what, r == pid ? status : r, want);
}

/* A client spawned with mode blocks on its channel; kill whoever holds
 * the other end (holder) or the client itself (victim). */
static void peer_case(int l, const char *svc, const char *mode, bool kill_client)
{
	char what[64];
	int c = start(mode, svc);
	int pc = accept(l);
	if (!strcmp(mode, "peer-recv"))
		expect("client ready", chan_recv(pc, msg, sizeof(msg), NULL, 0), 6);
	if (kill_client) {
		sleep(30);                      /* let it block */
		expect("kill the blocked client", kill(c), 0);
		snprintf(what, sizeof(what), "%s killed while blocked", mode);
		reap(what, c, W_KILLED(KILL_REQUESTED));
		long r;
		while ((r = chan_recv(pc, msg, sizeof(msg), NULL, CHAN_NONBLOCK)) >= 0)
			;
		expect("its channel after it died", r, -EPIPE);
		chan_close(pc);
		return;
	}
	int h = start("holder", svc);
	int ph = accept(l);
	expect("hand our end to the holder", chan_send(ph, "take", 5, &pc, 1, 0), 0);
	expect("holder has it", chan_recv(ph, msg, sizeof(msg), NULL, 0), 4);
	sleep(30);                              /* let the client block */
	expect("kill the holder", kill(h), 0);
	reap("holder", h, W_KILLED(KILL_REQUESTED));
	snprintf(what, sizeof(what), "%s woken with -EPIPE", mode);
	reap(what, c, W_EXITCODE(0));
	chan_close(ph);
}

/* Every peer_case, through a service of our own. */
static int peers(void)
{
	char svc[SVC_NAME_MAX];
	snprintf(svc, sizeof(svc), "flood.%d", getpid());
	int l = svc_register(svc);
	if (l < 0) {
		printf("flood: svc_register: %s\n", errstr(l));
		return 1;
	}
	peer_case(l, svc, "peer-recv", false);
	peer_case(l, svc, "peer-send", false);
	peer_case(l, svc, "peer-recv", true);
	peer_case(l, svc, "peer-send", true);
	chan_close(l);
	return fails ? 1 : 0;
}

/* Connect to svc, then block: receiving (after saying "ready"), or
 * sending (after filling the queue, which nobody reads). Exit 0 if that
 * ended with -EPIPE. */
static int peer(const char *svc, bool send)
{
	int h = svc_lookup(svc);
	if (h < 0)
		return 10;
	long r;
	if (send) {
		while ((r = chan_send(h, msg, sizeof(msg), NULL, 0, CHAN_NONBLOCK)) == 0)
			;
		if (r != -EAGAIN)
			return 11;
		r = chan_send(h, msg, sizeof(msg), NULL, 0, 0);
	} else {
		if (chan_send(h, "ready", 6, NULL, 0, 0) < 0)
			return 10;
		r = chan_recv(h, msg, sizeof(msg), NULL, 0);
	}
	if (r != -EPIPE)
		printf("flood: %s: blocked %s ended with %ld, want -EPIPE\n", svc,
		       send ? "send" : "recv", r);
	return r == -EPIPE ? 0 : 12;
}

/* Take one handle from svc's owner, say "got", sleep until killed. */
static int holder(const char *svc)
{
	struct chan_info info;
	int h = svc_lookup(svc);
	if (h < 0 || chan_recv(h, msg, sizeof(msg), &info, 0) < 0 || info.nhandles != 1)
		return 10;
	chan_send(h, "got", 4, NULL, 0, 0);
	sleep(100000);
	return 11;
}

/* ---- a sender flooding a slow receiver ------------------------------- */

#define SINK_SVC      "flood.sink"
#define SINK_PAUSE_MS 5000

/* Serve SINK_SVC: take one client, then read one message of it every
 * SINK_PAUSE_MS (keeping the endpoints it carries, unread) until killed. */
static int sink(void)
{
	struct svc_connect hello;
	struct chan_info info;
	int l = svc_register(SINK_SVC);
	if (l < 0) {
		printf("flood: svc_register: %s\n", errstr(l));
		return 1;
	}
	printf("flood: sink ready\n");
	long n = chan_recv(l, &hello, sizeof(hello), &info, 0);
	if (n != sizeof(hello) || info.nhandles != 1)
		return 1;
	int c = info.handles[0];
	for (;;) {
		sleep(SINK_PAUSE_MS);
		chan_recv(c, msg, sizeof(msg), &info, CHAN_NONBLOCK);
	}
}

/* Fill a new channel's queue with 1 KiB messages and give back its far
 * end (the near one closed: the queue stays, charged to us): the far
 * end's handle, or the error that stopped it, *what saying where. */
static int sender_channel(const char **what)
{
	int a, b;
	long r;

	*what = "chan_create";
	if ((r = chan_create(&a, &b)) < 0)
		return (int)r;
	*what = "chan_send";
	while ((r = chan_send(a, msg, sizeof(msg), NULL, 0, CHAN_NONBLOCK)) == 0)
		;
	chan_close(a);
	if (r != -EAGAIN) {
		chan_close(b);
		return (int)r;
	}
	return b;
}

/* Flood the sink until the cap says no, say where and with what, and
 * hold it all until killed. */
static int sender(void)
{
	int h = svc_lookup(SINK_SVC);
	if (h < 0) {
		printf("flood: svc_lookup %s: %s\n", SINK_SVC, errstr(h));
		return 1;
	}
	const char *what = "";
	long r = 0;
	int channels = 0;
	while (r >= 0) {
		int ends[CHAN_MSG_HANDLES], k;
		for (k = 0; k < CHAN_MSG_HANDLES; k++, channels++)
			if ((r = ends[k] = sender_channel(&what)) < 0)
				break;
		long s = k ? chan_send(h, "ends", 5, ends, (size_t)k, CHAN_NONBLOCK) : 0;
		if (s < 0 && r >= 0) {
			r = s;
			what = "chan_send of the ends";
		}
	}
	printf("flood: sender: %d channels full, then %s: %s; holding\n", channels, what,
	       errstr((int)r));
	for (;;)
		sleep(100000);
}

/* Pick the mode from argv[1]. */
int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	memset(msg, 'f', sizeof(msg));
	if (!strcmp(mode, "queue"))
		return queue();
	if (!strcmp(mode, "handles"))
		return handles();
	if (!strcmp(mode, "heap"))
		return heap(false);
	if (!strcmp(mode, "heap-nopages"))
		return heap(true);
	if (!strcmp(mode, "peers"))
		return peers();
	if (!strcmp(mode, "sink"))
		return sink();
	if (!strcmp(mode, "sender"))
		return sender();
	if (argc == 3 && !strcmp(mode, "peer-recv"))
		return peer(argv[2], false);
	if (argc == 3 && !strcmp(mode, "peer-send"))
		return peer(argv[2], true);
	if (argc == 3 && !strcmp(mode, "holder"))
		return holder(argv[2]);
	printf("usage: flood queue|handles|heap|heap-nopages|peers|sink|sender\n");
	return 2;
}
