/* Inside kernel/svc/sysinfo*: a reply being built and then streamed.
 * A stream belongs to one client of the service thread; no lock. */
#ifndef RVOS_KERNEL_SYSINFO_INTERNAL_H
#define RVOS_KERNEL_SYSINFO_INTERNAL_H

#include <kernel/types.h>
#include <uapi/sysinfo.h>

/* The final message of a reply, kept apart from the data so that it can
 * always be sent, even when building the data ran out of memory. */
struct si_end_msg {
	struct si_msg_hdr hdr;
	struct si_end end;
};

/* A reply: data messages back to back in buf (each a uint64_t length
 * and the message, padded to 8 bytes), then end. */
struct si_stream {
	uint8_t *buf;                   /* heap, TAG_SVC */
	size_t len, cap;
	size_t open;                    /* offset of the message being filled, or SI_NONE */
	size_t pos;                     /* offset of the next message to send */
	bool end_sent;
	int err;                        /* building failed: -ENOMEM */
	struct si_end_msg end;
};

#define SI_NONE ((size_t)-1)

/* sysinfo_stream.c: start a reply to request kind; add one record of a
 * type; close it with a status; the next message to send (false when
 * all went); mark it sent; free it. */
void si_stream_init(struct si_stream *st, uint16_t kind);
void si_put(struct si_stream *st, uint16_t type, const void *rec, size_t size);
void si_finish(struct si_stream *st, int status);
bool si_next(struct si_stream *st, const void **msg, size_t *len);
void si_advance(struct si_stream *st);
void si_stream_free(struct si_stream *st);

/* sysinfo_records.c: build the whole reply to the request in buf (len
 * bytes as received), finished with its status. */
void si_answer(struct si_stream *st, const void *buf, size_t len);

/* sysinfo_audit.c: SI_REQ_AUDIT and SI_REQ_WHATIS (uapi/sysinfo.h says
 * what arg and reserved hold); the reply's status. */
int si_audit(struct si_stream *st, int32_t arg, uint32_t spec);
int si_whatis(struct si_stream *st, int32_t arg, uint32_t spec);

#endif
