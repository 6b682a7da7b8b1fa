/* Inside kernel/ipc: endpoints, messages and the functions that need
 * ipc_lock held. Nothing outside kernel/ipc includes this but a ktest
 * that needs ipc_lock (kernel/test/lockcheck_ktest.c). */
#ifndef RVOS_KERNEL_IPC_INTERNAL_H
#define RVOS_KERNEL_IPC_INTERNAL_H

#include <kernel/ipc.h>
#include <kernel/proc.h>
#include <kernel/spinlock.h>
#include <kernel/heap.h>
#include <kernel/tag.h>
#include <uapi/errno.h>

extern struct spinlock ipc_lock;

/* A queued message: a heap block of this header and len bytes (data
 * stays 8-byte aligned, so copies to and from user buffers go by words). */
struct chan_msg {
	struct chan_msg *next;
	uint16_t len;
	uint16_t nhandles;
	uint32_t cap;                          /* bytes the block has room for */
	pid_t charge_pid;                      /* charged to this process ... */
	struct proc *charge_proc;              /* ... in this slot, or NULL */
	struct chan_end *h[CHAN_MSG_HANDLES];  /* endpoints in flight */
	uint8_t data[];
};

/* One end of a channel. Messages sent from the peer queue here; senders
 * waiting for room sleep on &count, receivers waiting for a message on
 * &head. An endpoint has one holder, a single process or kernel thread,
 * so at most one receiver sleeps at it: it names itself in receiver and
 * is woken alone; whoever wakes it clears the field. Senders waiting for
 * room (several: svc_lookup callers at a busy service) set room_wanted
 * and are woken together. */
struct chan_end {
	struct chan_end *peer;
	struct chan_msg *head, *tail;          /* messages to receive here */
	uint16_t count;                        /* messages queued */
	bool closed;                           /* its holder let go */
	bool registry;                         /* held by the service registry */
	bool for_peer;                         /* held by the kernel (the registry,
						* a kernel service) for whoever
						* holds the peer: let go only when
						* the peer closes */
	bool room_wanted;                      /* a sender sleeps on &count */
	uint8_t receiver;                      /* sleeping on &head: its process
						* slot + 1, or 0 (a byte keeps a
						* channel in 128 heap bytes) */
	struct chan_end *carrier;              /* in flight: in whose queue */
	struct chan_waiter *waiter;            /* counts events here, or NULL */
	struct chan_end *close_next;           /* chan_close_locked's work list */
};

/* Both ends, one heap block; freed when both are closed. */
struct chan {
	struct chan_end end[2];
	uint8_t charge_slot;                   /* charged to (slot + 1, pid), or 0 */
	pid_t charge_pid;
};

_Static_assert(PROC_MAX < 256, "chan_end.receiver is a byte");
_Static_assert(CHAN_QUEUE_MAX <= 0xffff, "chan_end.count is 16 bits");
_Static_assert(sizeof(struct chan_msg) == 64, "a message header is 64 bytes");

/* Per-process charges (charge.c): p->ipc->bytes, the cap ipc_limit
 * (0: none), both guarded by ipc_lock. The calls are inline: a send and
 * its receive cost a few instructions for them. */
extern size_t ipc_limit;
extern size_t ipc_orphaned;   /* charges of senders that have exited (charge.c) */

/* Charge bytes to user process p, which has its struct ipc_proc
 * (ipc_lock held): 0, or -ENOMEM, counted under IPC_, over its cap.
 * Record (p, p->pid) to uncharge later. */
static inline int ipc_charge_locked(struct proc *p, size_t bytes)
{
	if (ipc_limit && p->ipc->bytes + bytes > ipc_limit) {
		tag_charge_fail(TAG_IPC);
		return -ENOMEM;
	}
	p->ipc->bytes += bytes;
	return 0;
}

/* Give back bytes charged to pid in slot cp (ipc_lock held). If pid
 * has exited since (ipc_proc_exit freed its struct ipc_proc; pids are
 * not reused), its charge went to ipc_orphaned then: take it from there. */
static inline void ipc_uncharge_locked(struct proc *cp, pid_t pid, size_t bytes)
{
	if (cp->pid == pid && cp->ipc)
		cp->ipc->bytes -= bytes;
	else
		ipc_orphaned -= bytes;
}

/* Charge the channel holding e to p (ipc_lock held): 0 or -ENOMEM. */
int chan_charge_locked(struct chan_end *e, struct proc *p);

/* Heap charged for a message block (the bytes it asked the heap for),
 * and for a channel. */
static inline size_t chan_msg_charge(const struct chan_msg *m)
{
	return sizeof(*m) + m->cap;
}
#define CHAN_CHARGE  sizeof(struct chan)

/* With ipc_lock held: give back what m was charged, if anything. */
static inline void chan_msg_uncharge_locked(struct chan_msg *m)
{
	if (m->charge_proc) {
		ipc_uncharge_locked(m->charge_proc, m->charge_pid, chan_msg_charge(m));
		m->charge_proc = NULL;
	}
}

/* Message blocks (no lock needed: a message being built or just taken
 * belongs to one caller). */
struct chan_msg *chan_msg_alloc(size_t len);
void chan_msg_free(struct chan_msg *m);

/* The same for a user process p, through its one spare block
 * (p->ipc->spare): a received message's block is kept for p's next send
 * (freed by ipc_proc_exit). Only p itself calls these, so no lock. */
struct chan_msg *chan_msg_get(struct proc *p, size_t len);
void chan_msg_put(struct proc *p, struct chan_msg *m);
void chan_msg_spare_free(struct proc *p);

/* With ipc_lock held: queue m (its h[] filled) at the peer of e without
 * waiting (0, -EPIPE, -EAGAIN, -EINVAL); take the message at the head of
 * e's queue off (its endpoints become the caller's); close. */
int chan_enqueue_locked(struct chan_end *e, struct chan_msg *m);
struct chan_msg *chan_dequeue_locked(struct chan_end *e);
void chan_close_locked(struct chan_end *e);

/* With ipc_lock held: the next message to receive at e, left queued, or
 * NULL. */
static inline struct chan_msg *chan_peek_locked(struct chan_end *e)
{
	return e->head;
}

/* With ipc_lock held: has the peer of e closed? */
static inline bool chan_peer_closed_locked(struct chan_end *e)
{
	return e->peer->closed;
}

/* The one blocking send and the one blocking receive (ipc_lock held,
 * released while asleep).
 *
 * chan_send_locked queues m from the endpoint find(key) names, looked
 * up again after every sleep (the one before may be gone by then; NULL:
 * -ENOENT; chan_end_self names key itself, for an endpoint the caller
 * holds). If charge is not NULL, m is charged to it while queued. Waits
 * for room unless flags has CHAN_NONBLOCK. 0, or -EAGAIN, -EPIPE,
 * -EINVAL (chan_enqueue_locked), -ENOMEM (over charge's cap), -EINTR
 * (the caller was killed), -ENOENT. On failure m is still the caller's.
 *
 * chan_recv_wait_locked waits until a message is queued at e (which the
 * caller holds) and sets *mp to it, left queued: 0, or -EPIPE (empty and
 * the peer closed), -EAGAIN (empty, CHAN_NONBLOCK), -EINTR (killed).
 * Both are inline (below), so that their loops cost no call per message
 * (make bench's chan_round_trip, docs/perf.md); they sleep through: */
void chan_wait_msg_locked(struct chan_end *e);      /* a message or close at e */
void chan_wait_room_locked(struct chan_end *e);     /* room or close at e's peer */

/* For chan_send_locked: the endpoint key itself. */
static inline struct chan_end *chan_end_self(void *key)
{
	return key;
}

/* The one blocking send: queue m from find(key), charged to charge,
 * waiting for room unless CHAN_NONBLOCK. Inline, so that a caller's
 * constant find (chan_end_self) costs no call on every message. */
static inline int chan_send_locked(struct chan_end *(*find)(void *key), void *key,
				   struct chan_msg *m, struct proc *charge, int flags)
{
	struct proc *self = proc_current();

	for (;;) {
		struct chan_end *e = find(key);
		if (!e)
			return -ENOENT;
		int r = charge ? ipc_charge_locked(charge, chan_msg_charge(m)) : 0;
		if (r == 0) {
			if (charge) {
				m->charge_proc = charge;
				m->charge_pid = charge->pid;
			}
			r = chan_enqueue_locked(e, m);
			if (r < 0)
				chan_msg_uncharge_locked(m);
		}
		if (r != -EAGAIN || (flags & CHAN_NONBLOCK))
			return r;
		if (self && self->killed)
			return -EINTR;
		chan_wait_room_locked(e);
	}
}

/* The one blocking receive: wait for a message at e. */
static inline int chan_recv_wait_locked(struct chan_end *e, int flags,
					 struct chan_msg **mp)
{
	struct proc *self = proc_current();

	while (!(*mp = chan_peek_locked(e))) {
		if (chan_peer_closed_locked(e))
			return -EPIPE;
		if (flags & CHAN_NONBLOCK)
			return -EAGAIN;
		if (self && self->killed)
			return -EINTR;
		chan_wait_msg_locked(e);
	}
	return 0;
}


/* With ipc_lock held: the registry's end e has lost its service. */
void svc_forget_locked(struct chan_end *e);

/* Handle tables (handle.c), all with ipc_lock held: p->ipc->handles,
 * HANDLE_MAX endpoints (handle h is entry h-1); p->ipc is NULL before
 * the process's first handle. */

/* The endpoint p calls h, or NULL. */
static inline struct chan_end *handle_get_locked(struct proc *p, int h)
{
	if (!p->ipc || h < 1 || h > HANDLE_MAX)
		return NULL;
	return p->ipc->handles[h - 1];
}

int ipc_proc_get_locked(struct proc *p);       /* make p->ipc: 0, or -ENOMEM */
int handle_free_count_locked(struct proc *p);  /* free entries (0 if no table) */
int handle_room_locked(struct proc *p, int n); /* 0, -EMFILE or -ENOMEM */
int handle_install_locked(struct proc *p, struct chan_end *e);  /* h or -EMFILE */
void handle_clear_locked(struct proc *p, int h);

#endif
