/* Channels and services: the limits, flags and records user space sees.
 *
 * A channel is a pair of connected endpoints; a message written to one is
 * read from the other, in order. A process names an endpoint by a handle,
 * a small per-process number (1..HANDLE_MAX; 0 is never a handle). A
 * message is up to CHAN_MSG_MAX bytes plus up to CHAN_MSG_HANDLES handles,
 * which move: the sender loses them, the receiver gets new numbers for
 * the same endpoints. docs/ipc.md describes the calls and their errors.
 */
#ifndef RVOS_UAPI_CHAN_H
#define RVOS_UAPI_CHAN_H

#include <stdint.h>

#define CHAN_MSG_MAX      1024  /* bytes in one message */
#define CHAN_MSG_HANDLES  4     /* handles carried by one message */
#define CHAN_QUEUE_MAX    16    /* messages waiting at one endpoint */
#define HANDLE_MAX        32    /* handles one process may hold */
#define SVC_NAME_MAX      16    /* service name with its NUL */

/* flags of chan_send and chan_recv */
#define CHAN_NONBLOCK     0x1   /* -EAGAIN instead of waiting */

/* What chan_recv stores about the message it took (or, on -EMSGSIZE,
 * about the message it left queued: len and nhandles only). */
struct chan_info {
	uint32_t len;                          /* bytes in the message */
	uint32_t nhandles;                     /* handles it carried */
	int32_t handles[CHAN_MSG_HANDLES];     /* their new numbers here */
};

/* The message a service receives on its listening handle for each
 * svc_lookup: these bytes and one handle, the service's end of a new
 * channel whose other end the client got. */
#define SVC_CONNECT_MAGIC 0x4e4e4f43u   /* "CONN" */
struct svc_connect {
	uint32_t magic;
	int32_t client_pid;                    /* 0 for the kernel */
};

#endif
