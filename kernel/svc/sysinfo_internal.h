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

/* sysinfo_history.c: the history ring (docs/sysinfo.md, "History").
 * Columns in one TAG_HIST block: time_ms[cap], free[cap], then
 * bytes[ntags][cap] and pages[ntags][cap] (32 bits, held at the top). */
#define SI_HIST_INTERVAL_MS   1000              /* between two samples */
#define SI_HIST_BYTES         (64 * 1024 - 8)   /* the default ring: one 64 KiB heap block */
#define SI_HIST_CAP_MAX       8192              /* si_history=N: N at most */
#define SI_HIST_SAMPLE_BYTES(ntags) (sizeof(uint64_t) + sizeof(uint32_t) + \
				     2 * sizeof(uint32_t) * (size_t)(ntags))

struct si_hist {
	uint64_t *time_ms;              /* the block; NULL: no ring */
	uint32_t *free, *bytes, *pages;
	uint32_t cap;                   /* samples it holds */
	uint32_t ntags;                 /* tag slots it has columns for */
	uint64_t taken;                 /* samples ever taken; the next goes
					 * to taken % cap */
	uint64_t next_tick;             /* the service's next sample is due */
};

extern struct si_hist si_history_ring;   /* the service's */

int si_hist_make(struct si_hist *h, uint32_t cap);
void si_hist_free(struct si_hist *h);
void si_hist_take(struct si_hist *h, uint64_t now_ms);
int si_hist_reply(struct si_stream *st, const struct si_hist *h, int32_t arg);
void si_history_start(void);         /* the service's ring, at its start */
uint64_t si_history_due(void);       /* tick of its next sample */
void si_history_poll(void);          /* take it if due */

/* sysinfo_records.c: a C string (NULL: none) into a fixed NUL-padded
 * field, its tail kept when too long if keep_tail; a tag's four
 * characters (all NUL for tag < 0). */
void si_strfield(char *dst, size_t n, const char *src, bool keep_tail);
void si_tagname(char out[4], int tag);

#endif
