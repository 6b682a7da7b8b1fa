/* Channels: pairs of endpoints with bounded message queues.
 *
 * A message sent from endpoint e waits in e->peer's queue until whoever
 * holds e->peer receives it. The queue holds at most CHAN_QUEUE_MAX
 * messages. Endpoints carried by a queued message are "in flight": their
 * carrier is the endpoint whose queue holds them; nothing else may use
 * them until they are received.
 *
 * Locking: ipc_lock guards every endpoint and queue (and, in handle.c and
 * svc_registry.c, the handle tables and the registry). Sleepers release
 * it through sleep_on; a receiver is woken alone (wakeup_proc), not by a
 * scan of the process table. Lock order: ipc_lock -> heap.lock, ipc_lock
 * -> proc_lock.
 */
#include "ipc_internal.h"
#include <kernel/heap.h>
#include <kernel/proc.h>
#include <lib/string.h>
#include <uapi/errno.h>

struct spinlock ipc_lock = SPINLOCK_INIT("ipc", LOCK_RANK_IPC);

/* The channel object holding e (end[0] comes first). */
static struct chan *chan_of(struct chan_end *e)
{
	return (struct chan *)(e < e->peer ? e : e->peer);
}

_Static_assert(CHAN_MSG_MAX <= 0xffff && CHAN_MSG_HANDLES <= 0xffff, "chan_msg fields");
_Static_assert(sizeof(struct chan) + HEAP_HDR_SIZE <= 128, "a channel takes a 128-byte block");

/* Charge the channel holding e to process p (ipc_lock held): 0, or
 * -ENOMEM over p's cap. Released when the channel is freed. */
int chan_charge_locked(struct chan_end *e, struct proc *p)
{
	int r = ipc_charge_locked(p, CHAN_CHARGE);
	if (r == 0) {
		struct chan *ch = chan_of(e);
		ch->charge_slot = (uint8_t)(proc_slot(p) + 1);
		ch->charge_pid = p->pid;
	}
	return r;
}

/* A message block for len bytes, under TAG_IPC; NULL when the heap says no. */
struct chan_msg *chan_msg_alloc(size_t len)
{
	struct chan_msg *m = kmalloc(sizeof(*m) + len, TAG_IPC);
	if (m) {
		m->next = NULL;
		m->len = (uint16_t)len;
		m->nhandles = 0;
		m->cap = (uint32_t)len;
		m->charge_proc = NULL;
	}
	return m;
}

/* Free a message block; it must carry no endpoints any more. */
void chan_msg_free(struct chan_msg *m)
{
	kfree(m);
}

/* A process's spare (p->ipc->spare) is the block of the last message
 * it received, kept for its next send: a request and reply then cost no
 * heap call at all. It stays TAG_IPC heap (mem shows it) and belongs to
 * the process, which alone touches it. A process without a struct
 * ipc_proc (no handle yet) keeps none. */

/* A message block for len bytes for process p: its spare if big enough. */
struct chan_msg *chan_msg_get(struct proc *p, size_t len)
{
	struct chan_msg *m = p->ipc ? p->ipc->spare : NULL;

	if (!m || m->cap < len)
		return chan_msg_alloc(len);
	p->ipc->spare = NULL;
	m->next = NULL;
	m->len = (uint16_t)len;
	m->nhandles = 0;
	m->charge_proc = NULL;
	return m;
}

/* Done with m (received or unsent) in process p: keep the larger of it
 * and p's spare, free the other. */
void chan_msg_put(struct proc *p, struct chan_msg *m)
{
	if (!p->ipc) {
		chan_msg_free(m);
		return;
	}
	struct chan_msg **spare = &p->ipc->spare;
	if (*spare && (*spare)->cap >= m->cap) {
		chan_msg_free(m);
		return;
	}
	if (*spare)
		chan_msg_free(*spare);
	*spare = m;
}

/* p is exiting: free its spare block. */
void chan_msg_spare_free(struct proc *p)
{
	if (p->ipc && p->ipc->spare) {
		chan_msg_free(p->ipc->spare);
		p->ipc->spare = NULL;
	}
}

/* A new channel: both ends open, queues empty. */
int chan_pair(struct chan_end **a, struct chan_end **b)
{
	struct chan *ch = kzalloc(sizeof(*ch), TAG_IPC);
	if (!ch)
		return -ENOMEM;
	ch->end[0].peer = &ch->end[1];
	ch->end[1].peer = &ch->end[0];
	*a = &ch->end[0];
	*b = &ch->end[1];
	return 0;
}

/* Count an event at e for its waiter, if it has one, and wake the
 * thread sleeping on the waiter. */
static void end_notify(struct chan_end *e)
{
	struct chan_waiter *w = e->waiter;

	if (w) {
		w->events++;
		if (w->sleeper) {
			wakeup_proc(w->sleeper, w);
			w->sleeper = NULL;
		}
	}
}

/* Wake the receiver sleeping at e, if any (a message or a close came). */
static void wake_receiver(struct chan_end *e)
{
	if (e->receiver) {
		wakeup_proc(proc_at_slot(e->receiver - 1), &e->head);
		e->receiver = 0;
	}
}

/* Wake the senders waiting for room in e's queue, if any. */
static void wake_senders(struct chan_end *e)
{
	if (e->room_wanted) {
		wakeup(&e->count);
		e->room_wanted = false;
	}
}

/* The endpoint whose holder holds e, or NULL if e's holder is a root
 * (a process's handle table or a kernel thread). An endpoint in flight
 * is held by its carrier's queue; one the kernel keeps for the holder
 * of its peer (a registry end, a kernel service's client end: for_peer)
 * is held, in effect, by the peer. docs/ipc.md, "Holders". */
static struct chan_end *chan_holder_end(struct chan_end *e)
{
	if (e->carrier)
		return e->carrier;
	if (e->for_peer && !e->peer->closed)
		return e->peer;
	return NULL;
}

/* Would carrying x into q's queue make x its own holder? It would when
 * q is x or is held, through carriers and for_peer links, by x. Every
 * enqueue is checked, so the holder links always form a forest rooted
 * at processes and kernel threads, and this walk ends. */
static bool makes_cycle(struct chan_end *x, struct chan_end *q)
{
	for (struct chan_end *c = q; c; c = chan_holder_end(c))
		if (c == x)
			return true;
	return false;
}

/* Queue m at the peer of e, or say why not; caller holds ipc_lock. */
int chan_enqueue_locked(struct chan_end *e, struct chan_msg *m)
{
	struct chan_end *q = e->peer;

	for (uint32_t i = 0; i < m->nhandles; i++) {
		struct chan_end *x = m->h[i];
		if (!x || x == e || x->closed || x->carrier || makes_cycle(x, q))
			return -EINVAL;
		for (uint32_t j = 0; j < i; j++)
			if (m->h[j] == x)
				return -EINVAL;
	}
	if (q->closed)
		return -EPIPE;
	if (q->count >= CHAN_QUEUE_MAX)
		return -EAGAIN;
	for (uint32_t i = 0; i < m->nhandles; i++)
		m->h[i]->carrier = q;
	m->next = NULL;
	if (q->tail)
		q->tail->next = m;
	else
		q->head = m;
	q->tail = m;
	q->count++;
	wake_receiver(q);
	end_notify(q);
	return 0;
}

/* Take the next message off e's queue and tell its sender there is room. */
struct chan_msg *chan_dequeue_locked(struct chan_end *e)
{
	struct chan_msg *m = e->head;
	if (!m)
		return NULL;
	e->head = m->next;
	if (!e->head)
		e->tail = NULL;
	e->count--;
	chan_msg_uncharge_locked(m);
	for (uint32_t i = 0; i < m->nhandles; i++)
		m->h[i]->carrier = NULL;
	wake_senders(e);
	end_notify(e->peer);
	return m;
}

/* Sleep until a message or a close reaches e (releases ipc_lock meanwhile). */
void chan_wait_msg_locked(struct chan_end *e)
{
	e->receiver = (uint8_t)(proc_slot(proc_current()) + 1);
	sleep_on(&e->head, &ipc_lock, "chan_recv");
}

/* Sleep until the peer of e has room or closes (releases ipc_lock
 * meanwhile). The peer may be freed by then (a service's listening end
 * closing), so nothing here touches it after the sleep. */
void chan_wait_room_locked(struct chan_end *e)
{
	e->peer->room_wanted = true;
	sleep_on(&e->peer->count, &ipc_lock, "chan_send");
}

/* Close e and, through a work list instead of recursion (carried
 * endpoints can nest deeply), every endpoint its queue carries. */
void chan_close_locked(struct chan_end *e)
{
	struct chan_end *work = e;

	e->close_next = NULL;
	while (work) {
		struct chan_end *x = work;
		work = x->close_next;

		x->closed = true;
		x->carrier = NULL;
		x->waiter = NULL;
		for (struct chan_msg *m = x->head, *next; m; m = next) {
			next = m->next;
			for (uint32_t i = 0; i < m->nhandles; i++) {
				m->h[i]->carrier = NULL;
				m->h[i]->close_next = work;
				work = m->h[i];
			}
			chan_msg_uncharge_locked(m);
			chan_msg_free(m);
		}
		x->head = x->tail = NULL;
		x->count = 0;

		struct chan_end *p = x->peer;
		wake_senders(x);        /* senders into x: now -EPIPE */
		wake_receiver(p);       /* the receiver at the peer: now -EPIPE */
		end_notify(p);
		if (p->closed) {
			struct chan *ch = chan_of(x);
			if (ch->charge_slot)
				ipc_uncharge_locked(proc_at_slot(ch->charge_slot - 1),
						    ch->charge_pid, CHAN_CHARGE);
			kfree(ch);
		} else if (p->registry) {
			svc_forget_locked(p);   /* the service is gone */
			p->close_next = work;
			work = p;
		}
	}
}

/* A kernel thread has just received m: the for_peer endpoints in it (a
 * client's end of a connection to a kernel service) are now held for
 * their peers. One whose peer sits, through carriers, in its own queue
 * (the client sent its end in there while the connection was still in
 * flight to the service) would close a loop: close it instead, which
 * frees that queue and so the client's end, and leave it out of m. */
static void chan_adopt_locked(struct chan_msg *m)
{
	uint32_t k = 0;

	for (uint32_t i = 0; i < m->nhandles; i++) {
		struct chan_end *x = m->h[i];
		if (x->for_peer && makes_cycle(x, x->peer))
			chan_close_locked(x);
		else
			m->h[k++] = x;
	}
	m->nhandles = (uint16_t)k;
}

/* Send from kernel memory through an endpoint the kernel holds. */
int chan_ksend(struct chan_end *e, const void *buf, size_t len,
	       struct chan_end *const hs[], int nh, int flags)
{
	if (len > CHAN_MSG_MAX || nh < 0 || nh > CHAN_MSG_HANDLES)
		return -EMSGSIZE;
	struct chan_msg *m = chan_msg_alloc(len);
	if (!m)
		return -ENOMEM;
	memcpy(m->data, buf, len);
	m->nhandles = (uint16_t)nh;
	for (int i = 0; i < nh; i++)
		m->h[i] = hs[i];

	spin_lock(&ipc_lock);
	int r = chan_send_locked(chan_end_self, e, m, NULL, flags);
	spin_unlock(&ipc_lock);
	if (r < 0)
		chan_msg_free(m);
	return r;
}

/* Receive into kernel memory at an endpoint the kernel holds. */
long chan_krecv(struct chan_end *e, void *buf, size_t cap,
		struct chan_end *hs[], int *nh, int flags)
{
	struct chan_msg *m;

	spin_lock(&ipc_lock);
	long r = chan_recv_wait_locked(e, flags, &m);
	if (r < 0) {
		spin_unlock(&ipc_lock);
		return r;
	}
	if (m->len > cap) {
		spin_unlock(&ipc_lock);
		return -EMSGSIZE;
	}
	chan_dequeue_locked(e);
	chan_adopt_locked(m);
	spin_unlock(&ipc_lock);

	memcpy(buf, m->data, m->len);
	*nh = (int)m->nhandles;
	for (uint32_t i = 0; i < m->nhandles; i++)
		hs[i] = m->h[i];
	r = m->len;
	chan_msg_free(m);
	return r;
}

/* Close an endpoint the kernel holds and take back what it sent that
 * its peer has not received: a kernel service dropping a client (an
 * evicted sysinfo connection) must not leave replies it allocated, and
 * nobody is charged for, queued for as long as the client cares to hold
 * the other end. Messages carrying endpoints stay (a service sends none). */
void chan_kclose_retract(struct chan_end *e)
{
	struct chan_msg *taken = NULL;

	spin_lock(&ipc_lock);
	struct chan_end *q = e->peer;        /* its queue holds what e sent */
	struct chan_msg **pp = &q->head;
	q->tail = NULL;
	while (*pp) {
		struct chan_msg *m = *pp;
		if (m->nhandles) {
			q->tail = m;
			pp = &m->next;
			continue;
		}
		*pp = m->next;
		q->count--;
		chan_msg_uncharge_locked(m);
		m->next = taken;
		taken = m;
	}
	chan_close_locked(e);
	spin_unlock(&ipc_lock);
	while (taken) {
		struct chan_msg *m = taken;
		taken = m->next;
		chan_msg_free(m);
	}
}

/* Close an endpoint the kernel holds. */
void chan_kclose(struct chan_end *e)
{
	spin_lock(&ipc_lock);
	chan_close_locked(e);
	spin_unlock(&ipc_lock);
}

/* Has the peer of e, an endpoint the caller holds, closed? */
bool chan_peer_gone(struct chan_end *e)
{
	spin_lock(&ipc_lock);
	bool gone = chan_peer_closed_locked(e);
	spin_unlock(&ipc_lock);
	return gone;
}

/* Make events at e count in w. */
void chan_watch(struct chan_end *e, struct chan_waiter *w)
{
	spin_lock(&ipc_lock);
	e->waiter = w;
	spin_unlock(&ipc_lock);
}

/* The event count of w, to sleep on later. */
uint64_t chan_waiter_mark(struct chan_waiter *w)
{
	spin_lock(&ipc_lock);
	uint64_t mark = w->events;
	spin_unlock(&ipc_lock);
	return mark;
}

/* Sleep until w has counted an event after mark. */
void chan_waiter_sleep(struct chan_waiter *w, uint64_t mark, const char *what)
{
	spin_lock(&ipc_lock);
	while (w->events == mark) {
		w->sleeper = proc_current();
		sleep_on(w, &ipc_lock, what);
	}
	spin_unlock(&ipc_lock);
}

/* Sleep until w has counted an event after mark, or until timer_ticks()
 * reaches wake_tick: true for an event, false for the time. */
bool chan_waiter_sleep_until(struct chan_waiter *w, uint64_t mark, const char *what,
			     uint64_t wake_tick)
{
	spin_lock(&ipc_lock);
	while (w->events == mark) {
		w->sleeper = proc_current();
		if (sleep_on_until(w, &ipc_lock, what, wake_tick))
			break;
	}
	bool event = w->events != mark;
	w->sleeper = NULL;           /* woken by the time: nobody sleeps on w */
	spin_unlock(&ipc_lock);
	return event;
}
