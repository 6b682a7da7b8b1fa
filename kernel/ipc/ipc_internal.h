/* Inside kernel/ipc: endpoints, messages and the functions that need
 * ipc_lock held. Nothing outside kernel/ipc includes this. */
#ifndef RVOS_KERNEL_IPC_INTERNAL_H
#define RVOS_KERNEL_IPC_INTERNAL_H

#include <kernel/ipc.h>
#include <kernel/spinlock.h>

extern struct spinlock ipc_lock;

/* A queued message: a heap block of this header and len bytes. */
struct chan_msg {
	struct chan_msg *next;
	uint32_t len;
	uint32_t nhandles;
	struct chan_end *h[CHAN_MSG_HANDLES];  /* endpoints in flight */
	uint8_t data[];
};

/* One end of a channel. Messages sent from the peer queue here; senders
 * waiting for room sleep on &count, receivers waiting for a message on
 * &head. */
struct chan_end {
	struct chan_end *peer;
	struct chan_msg *head, *tail;          /* messages to receive here */
	uint32_t count;                        /* messages queued */
	bool closed;                           /* its holder let go */
	bool registry;                         /* held by the service registry */
	struct chan_end *carrier;              /* in flight: in whose queue */
	struct chan_waiter *waiter;            /* counts events here, or NULL */
	struct chan_end *close_next;           /* chan_close_locked's work list */
};

/* Both ends, one heap block; freed when both are closed. */
struct chan {
	struct chan_end end[2];
};

/* Message blocks (no lock needed: a message being built or just taken
 * belongs to one caller). */
struct chan_msg *chan_msg_alloc(size_t len);
void chan_msg_free(struct chan_msg *m);

/* With ipc_lock held: queue m (its h[] filled) at the peer of e without
 * waiting (0, -EPIPE, -EAGAIN, -EINVAL); the message at the head of e's
 * queue or NULL; take it off (its endpoints become the caller's); close. */
int chan_enqueue_locked(struct chan_end *e, struct chan_msg *m);
struct chan_msg *chan_peek_locked(struct chan_end *e);
struct chan_msg *chan_dequeue_locked(struct chan_end *e);
void chan_close_locked(struct chan_end *e);

/* With ipc_lock held: has the peer of e closed? */
bool chan_peer_closed_locked(struct chan_end *e);

/* With ipc_lock held: sleep until a message or a close reaches e, or
 * until there is room at e's peer. */
void chan_wait_msg_locked(struct chan_end *e);
void chan_wait_room_locked(struct chan_end *e);

/* With ipc_lock held: the registry's end e has lost its service. */
void svc_forget_locked(struct chan_end *e);

/* Handle tables (handle.c), all with ipc_lock held. */
struct chan_end *handle_get_locked(struct proc *p, int h);
int handle_free_count_locked(struct proc *p);          /* -ENOMEM if no table */
int handle_install_locked(struct proc *p, struct chan_end *e);  /* h or -EMFILE */
void handle_clear_locked(struct proc *p, int h);

#endif
