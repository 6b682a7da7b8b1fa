/* Channels, handles and services: the kernel's side of IPC.
 *
 * A channel is a pair of endpoints (struct chan_end, opaque outside
 * kernel/ipc). Each endpoint has exactly one holder at a time: a slot of
 * one process's handle table, a kernel service, the service registry, or
 * a queued message carrying it (a handle "in flight"). So endpoints need
 * no reference counts: closing is done by the one holder, and closing an
 * endpoint frees the messages queued at it and closes the endpoints they
 * carry. Sending an endpoint into a queue it can reach itself (which
 * would make an unreachable cycle) is refused with -EINVAL.
 *
 * Limits and the user-visible records are in <uapi/chan.h>; every byte
 * (channel objects, queued messages) is heap under TAG_IPC, handle
 * tables are heap under TAG_HNDL.
 *
 * Locking: one lock, ipc_lock (kernel/ipc/chan.c), guards every endpoint,
 * queue, handle table and the registry. Lock order: ipc_lock -> proc_lock
 * (sleep_on, wakeup) and ipc_lock -> heap.lock. Nothing here may be
 * called with proc_lock held. docs/ipc.md has the whole design.
 */
#ifndef RVOS_KERNEL_IPC_H
#define RVOS_KERNEL_IPC_H

#include <kernel/types.h>
#include <uapi/chan.h>

struct chan_end;
struct chan_msg;
struct proc;

/* What IPC keeps for a process, in one heap block under TAG_HNDL made
 * at its first handle and freed when it exits; its struct proc points
 * to it (p->ipc), so kernel/ipc never indexes by process-table slot.
 * ipc_lock guards it, except spare, which only the process touches. */
struct ipc_proc {
	struct chan_end *handles[HANDLE_MAX];  /* handle h is handles[h - 1] */
	struct chan_msg *spare;     /* block of the last message received,
				     * kept for the next send (TAG_IPC) */
	size_t bytes;               /* kernel heap charged to it (charge.c) */
};

#define SVC_MAX 16      /* services the registry can name at once */
#define SVC_NAMES_PER_PROC 4   /* names one user process may hold at once */

/* Kernel heap IPC may hold for one process (docs/ipc.md, "Limits per
 * process"): its channels, its queued messages, its handle table. */
#define IPC_PROC_LIMIT_DEFAULT  (1024 * 1024)

/* Something a kernel thread can sleep on for events at many endpoints:
 * a message arriving, room appearing in the peer's queue, the peer
 * closing. events counts them; sleeper is the one thread sleeping on it,
 * woken alone at the next event (both guarded by ipc_lock). Start it
 * zeroed. */
struct chan_waiter {
	uint64_t events;
	struct proc *sleeper;
};

/* A new connected pair of endpoints held by the caller. 0 or -ENOMEM. */
int chan_pair(struct chan_end **a, struct chan_end **b);

/* Send len bytes and nh endpoints (which move into the message on
 * success and stay the caller's on failure) from endpoint e. flags:
 * CHAN_NONBLOCK, else waits for room. 0, -EMSGSIZE, -EINVAL (a bad
 * endpoint to carry), -EPIPE (peer closed), -EAGAIN, -EINTR (killed),
 * -ENOMEM. */
int chan_ksend(struct chan_end *e, const void *buf, size_t len,
	       struct chan_end *const hs[], int nh, int flags);

/* Receive the next message at e into buf (cap bytes). Carried endpoints
 * go to hs[] (CHAN_MSG_HANDLES entries) and become the caller's, *nh says
 * how many. Returns its length, -EMSGSIZE (left queued), -EPIPE (empty
 * and the peer closed), -EAGAIN, -EINTR. */
long chan_krecv(struct chan_end *e, void *buf, size_t cap,
		struct chan_end *hs[], int *nh, int flags);

/* Close an endpoint the caller holds: wakes the peer, frees what is
 * queued at it and closes the endpoints those messages carried. */
void chan_kclose(struct chan_end *e);
void chan_kclose_retract(struct chan_end *e);   /* and take back its unread messages */

/* Has the peer of e (an endpoint the caller holds) closed? Messages it
 * sent may still be queued at e. */
bool chan_peer_gone(struct chan_end *e);

/* Count events at e in w (NULL: stop). */
void chan_watch(struct chan_end *e, struct chan_waiter *w);

/* Waiting for events: take a mark, look at the endpoints, then sleep
 * until an event came after the mark (none is lost in between). */
uint64_t chan_waiter_mark(struct chan_waiter *w);
void chan_waiter_sleep(struct chan_waiter *w, uint64_t mark, const char *what);
/* ... or until timer_ticks() reaches wake_tick: true for an event, false
 * for the time (a service that also has work on a clock: sysinfo's history) */
bool chan_waiter_sleep_until(struct chan_waiter *w, uint64_t mark, const char *what,
			     uint64_t wake_tick);

/* Register a service by name (1..SVC_NAME_MAX-1 printable characters);
 * *listen receives one svc_connect message per svc_lookup, carrying the
 * service's end of the client's new channel. Closing *listen removes
 * the name. 0, -EINVAL, -EEXIST, -EMFILE (the calling user process
 * holds SVC_NAMES_PER_PROC names), -ENOSPC (SVC_MAX taken), -ENOMEM. */
int svc_name_add(const char *name, struct chan_end **listen);

/* Connect to the service called name for client pid: *client gets the
 * client's end of a new channel. 0, -ENOENT, -EINTR, -ENOMEM. */
int svc_connect(const char *name, pid_t pid, struct chan_end **client);

/* Close every handle process p holds and free its handle table. Called
 * by proc_exit before the process becomes a zombie. */
void ipc_proc_exit(struct proc *p);

/* Handles p holds now (for ps and tests) and, if bytes is not NULL,
 * the IPC heap charged to it (docs/ipc.md, "Limits per process"). */
int ipc_handle_count(struct proc *p, size_t *bytes);

/* The same bytes without ipc_lock (the out-of-memory report): a snapshot. */
size_t ipc_bytes_unlocked(const struct proc *p);

/* The IPC heap cap every process has (0: none); ipc_limit_set changes
 * it (for tests) and returns the old one. */
size_t ipc_limit_get(void);
size_t ipc_limit_set(size_t bytes);

/* IPC heap charged to processes that have exited: messages they sent
 * still queued, channels they made still open at the other end. */
size_t ipc_orphaned_get(void);

#endif
