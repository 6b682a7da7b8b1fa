/* Channels and services (stubs in user/lib/syscall.S; docs/ipc.md).
 *
 * Handles are small numbers (1..HANDLE_MAX) private to the process. Each
 * call returns >= 0 on success or -E* (<uapi/errno.h>); on failure
 * nothing has moved: handles given to chan_send stay yours, a message
 * chan_recv could not deliver stays queued.
 */
#ifndef RVOS_USER_CHAN_H
#define RVOS_USER_CHAN_H

#include <stddef.h>
#include <uapi/chan.h>

/* A new channel: *h0 and *h1 name its two ends. */
int chan_create(int *h0, int *h1);

/* Send len bytes (<= CHAN_MSG_MAX) and nhandles handles (<=
 * CHAN_MSG_HANDLES; they leave this process) through h. flags:
 * CHAN_NONBLOCK, else wait while the peer's queue is full. -EPIPE once
 * the peer has closed. */
int chan_send(int h, const void *buf, size_t len, const int *handles,
	      size_t nhandles, int flags);

/* Receive the next message at h into buf (cap bytes); info (may be NULL
 * if no handles are expected) gets its length and the numbers of the
 * handles it carried. Returns the length; -EAGAIN (CHAN_NONBLOCK, none
 * queued), -EPIPE (none queued and the peer closed), -EMSGSIZE (cap too
 * small: info->len says how much is needed; the message stays). */
long chan_recv(int h, void *buf, size_t cap, struct chan_info *info, int flags);

/* Close h; the peer sees -EPIPE once it has read what was queued. */
int chan_close(int h);

/* A new channel to the service called name; returns its handle. */
int svc_lookup(const char *name);

/* Offer a service called name; returns a handle at which one
 * struct svc_connect message, carrying one handle, arrives per client. */
int svc_register(const char *name);

#endif
