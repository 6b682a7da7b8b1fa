/* The sysinfo service: a kernel thread answering sysinfo requests
 * (<uapi/sysinfo.h>) for many clients at once.
 *
 * The thread watches its listening endpoint and every client's endpoint
 * with one chan_waiter and sleeps until something happens at any of them,
 * or until the history's next sample is due (sysinfo_history.c).
 * It never blocks on a client: requests are received and replies sent
 * with CHAN_NONBLOCK. A reply whose client's queue is full waits in the
 * client's slot and goes on when the client reads (that is an event too);
 * a client that closed (or died) makes a send or receive fail with -EPIPE
 * and is dropped, reply and all. So one slow or dead client cannot wedge
 * the others.
 *
 * State (clients[], reqbuf) belongs to the service thread alone: no lock.
 */
#include "sysinfo_internal.h"
#include <kernel/sysinfo.h>
#include <kernel/ipc.h>
#include <kernel/proc.h>
#include <kernel/printf.h>
#include <lib/string.h>
#include <uapi/errno.h>

/* What <uapi/sysinfo.h> promises clients about reply sizes. */
_Static_assert(TAG_MAX <= SI_TAGS_MAX, "a MEMSTAT reply has one TAG record per tag slot");
_Static_assert(PROC_MAX <= SI_PROCS_MAX, "a reply has one PROC record per process slot");
_Static_assert(NCPU <= SI_HARTS_MAX, "a reply has at most one HART record per cpus[] slot");

#define SYSINFO_CLIENTS  16       /* clients served at once */
#define SYSINFO_BURST    4        /* requests answered per client per round */

struct si_client {
	struct chan_end *end;         /* NULL: slot free */
	pid_t pid;
	bool replying;                /* reply (st) not all sent yet */
	uint64_t last_used;           /* si_clock when it last sent a request */
	struct si_stream st;
};

static struct si_client clients[SYSINFO_CLIENTS];
static struct chan_end *listen_end;
static struct chan_waiter waiter;
static uint8_t reqbuf[CHAN_MSG_MAX];
static uint64_t si_clock;         /* counts requests and connections */

/* Forget a client: close its endpoint, free its reply. */
static void si_drop(struct si_client *c)
{
	chan_kclose_retract(c->end);   /* unread replies go with the client's slot */
	si_stream_free(&c->st);
	memset(c, 0, sizeof(*c));
}

/* Close endpoints that came with a message nobody asked for. */
static void si_close_all(struct chan_end *hs[], int nh)
{
	for (int i = 0; i < nh; i++)
		chan_kclose(hs[i]);
}

/* Answer a connection we will not serve with an -EBUSY end, and close it. */
static void si_refuse(struct chan_end *e)
{
	struct si_stream st;

	si_stream_init(&st, 0);
	si_finish(&st, -EBUSY);
	chan_ksend(e, &st.end, sizeof(st.end), NULL, 0, CHAN_NONBLOCK);
	chan_kclose(e);
}

/* Clients of pid served now. */
static int si_clients_of(pid_t pid)
{
	int n = 0;
	for (int i = 0; i < SYSINFO_CLIENTS; i++)
		if (clients[i].end && clients[i].pid == pid)
			n++;
	return n;
}

/* A slot for a new client: a free one, or, when all are taken, the one
 * used longest ago among those of the process holding the most (whose
 * client is dropped: its next receive says -EPIPE). So idle or hostile
 * connections cannot lock others out: a process with one connection
 * (mem) is only evicted when every process holds one. */
static struct si_client *si_slot(void)
{
	struct si_client *victim = NULL;
	int victim_n = 0;

	for (int i = 0; i < SYSINFO_CLIENTS; i++)
		if (!clients[i].end)
			return &clients[i];
	for (int i = 0; i < SYSINFO_CLIENTS; i++) {
		struct si_client *c = &clients[i];
		int n = si_clients_of(c->pid);
		if (!victim || n > victim_n ||
		    (n == victim_n && c->last_used < victim->last_used)) {
			victim = c;
			victim_n = n;
		}
	}
	si_drop(victim);
	return victim;
}

/* Take every pending connection: at most SYSINFO_CLIENTS_PER_PROC per process
 * (more get -EBUSY), evicting an old one when all slots are taken.
 * Returns how many were taken. */
static int si_accept(void)
{
	int taken = 0;

	struct chan_end *hs[CHAN_MSG_HANDLES];
	int nh;
	struct svc_connect hello;

	for (;;) {
		long n = chan_krecv(listen_end, &hello, sizeof(hello), hs, &nh, CHAN_NONBLOCK);
		if (n < 0)
			return taken;
		if (n != sizeof(hello) || hello.magic != SVC_CONNECT_MAGIC || nh != 1) {
			si_close_all(hs, nh);
			continue;
		}
		for (int i = 0; i < SYSINFO_CLIENTS; i++)   /* clients that left count for no one */
			if (clients[i].end && chan_peer_gone(clients[i].end))
				si_drop(&clients[i]);
		if (si_clients_of(hello.client_pid) >= SYSINFO_CLIENTS_PER_PROC) {
			si_refuse(hs[0]);
			continue;
		}
		struct si_client *c = si_slot();
		c->end = hs[0];
		c->pid = hello.client_pid;
		c->last_used = ++si_clock;
		chan_watch(c->end, &waiter);
		taken++;
	}
}

/* Send what the client's queue takes of its reply. false: the client
 * is gone (dropped); true otherwise. */
static bool si_push(struct si_client *c)
{
	const void *msg;
	size_t len;

	while (si_next(&c->st, &msg, &len)) {
		int r = chan_ksend(c->end, msg, len, NULL, 0, CHAN_NONBLOCK);
		if (r == -EAGAIN)
			return true;
		if (r < 0) {
			si_drop(c);         /* -EPIPE: it closed or died */
			return false;
		}
		si_advance(&c->st);
	}
	si_stream_free(&c->st);
	c->replying = false;
	return true;
}

/* Serve one client for a round; true if it may have more to do now. */
static bool si_serve(struct si_client *c)
{
	struct chan_end *hs[CHAN_MSG_HANDLES];
	int nh = 0;

	for (int burst = 0; burst < SYSINFO_BURST; burst++) {
		if (c->replying) {
			if (!si_push(c) || c->replying)
				return false;   /* gone, or waiting for room */
			continue;
		}
		long n = chan_krecv(c->end, reqbuf, sizeof(reqbuf), hs, &nh, CHAN_NONBLOCK);
		if (n == -EAGAIN)
			return false;
		if (n < 0) {
			si_drop(c);         /* -EPIPE: it closed */
			return false;
		}
		if (nh) {               /* requests carry no handles */
			si_close_all(hs, nh);
			si_stream_init(&c->st, 0);
			si_finish(&c->st, -EPROTO);
		} else {
			si_answer(&c->st, reqbuf, (size_t)n);
		}
		c->replying = true;
		c->last_used = ++si_clock;
	}
	return true;
}

/* The service thread: sample the history when it is due, serve
 * everyone (which drops clients that left, making room), accept, and
 * sleep until an event or the next sample. A client accepted in this
 * round may have a request queued from before the mark: go round again
 * rather than sleep. */
static void sysinfo_main(void *arg)
{
	(void)arg;
	si_history_start();
	for (;;) {
		uint64_t mark = chan_waiter_mark(&waiter);
		bool more = false;
		si_history_poll();
		for (int i = 0; i < SYSINFO_CLIENTS; i++)
			if (clients[i].end && si_serve(&clients[i]))
				more = true;
		if (si_accept() > 0)
			more = true;
		if (more)
			yield();
		else
			chan_waiter_sleep_until(&waiter, mark, "sysinfo", si_history_due());
	}
}

/* Register "sysinfo" and start the thread that serves it. */
void sysinfo_start(void)
{
	int r = svc_name_add(SYSINFO_SERVICE, &listen_end);
	if (r < 0) {
		kprintf("sysinfo: cannot register: error %d\n", r);
		return;
	}
	chan_watch(listen_end, &waiter);
	pid_t pid = kthread_start("sysinfo", sysinfo_main, NULL);
	if (pid < 0) {
		kprintf("sysinfo: cannot start: error %d\n", pid);
		chan_kclose(listen_end);
		return;
	}
}
