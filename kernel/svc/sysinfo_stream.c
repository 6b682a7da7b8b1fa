/* sysinfo replies as streams of messages: records packed into messages
 * of at most CHAN_MSG_MAX bytes, then an end message.
 *
 * The whole reply is built at once (a consistent snapshot) into one heap
 * buffer under TAG_SVC, and sent a message at a time as the client's
 * queue has room. No lock: a stream belongs to the service thread.
 */
#include "sysinfo_internal.h"
#include <kernel/heap.h>
#include <kernel/tag.h>
#include <lib/string.h>
#include <uapi/chan.h>
#include <uapi/errno.h>

#define SI_LEN_WORD  sizeof(uint64_t)   /* length stored before each message */

/* A reply's first buffer, in bytes (two messages' worth of records);
 * it doubles while it is too small. */
#define SI_STREAM_FIRST_CAP  (2 * CHAN_MSG_MAX)

/* Fill in a message header. */
static void si_hdr(struct si_msg_hdr *h, uint16_t type, uint16_t rec_size, uint32_t seq)
{
	h->magic = SYSINFO_MAGIC;
	h->version = SYSINFO_VERSION;
	h->type = type;
	h->count = 0;
	h->rec_size = rec_size;
	h->seq = seq;
}

/* Start an empty reply to a request of this kind. */
void si_stream_init(struct si_stream *st, uint16_t kind)
{
	memset(st, 0, sizeof(*st));
	st->open = SI_NONE;
	st->end.end.request = kind;
}

/* Make room for n more bytes; false (and st->err) when the heap says no. */
static bool si_reserve(struct si_stream *st, size_t n)
{
	if (st->err)
		return false;
	if (st->len + n <= st->cap)
		return true;
	size_t cap = st->cap ? st->cap : SI_STREAM_FIRST_CAP;
	while (cap < st->len + n)
		cap *= 2;
	uint8_t *nb = kmalloc(cap, TAG_SVC);
	if (!nb) {
		st->err = -ENOMEM;
		return false;
	}
	if (st->buf) {
		memcpy(nb, st->buf, st->len);
		kfree(st->buf);
	}
	st->buf = nb;
	st->cap = cap;
	return true;
}

/* Append one record, opening a new message when the type changes or it is full. */
void si_put(struct si_stream *st, uint16_t type, const void *rec, size_t size)
{
	struct si_msg_hdr *h = NULL;
	uint64_t *mlen = NULL;

	if (st->open != SI_NONE) {
		mlen = (uint64_t *)(st->buf + st->open);
		h = (struct si_msg_hdr *)(mlen + 1);
		if (h->type != type || *mlen + size > CHAN_MSG_MAX)
			h = NULL;
	}
	if (!h) {
		size_t off = ALIGN_UP(st->len, 8);
		if (!si_reserve(st, off - st->len + SI_LEN_WORD + sizeof(*h) + size))
			return;
		st->len = off;
		st->open = off;
		mlen = (uint64_t *)(st->buf + off);
		h = (struct si_msg_hdr *)(mlen + 1);
		*mlen = sizeof(*h);
		si_hdr(h, type, (uint16_t)size, st->end.end.messages++);
		st->len += SI_LEN_WORD + sizeof(*h);
	} else if (!si_reserve(st, size)) {
		return;
	}
	/* the buffer may have moved */
	mlen = (uint64_t *)(st->buf + st->open);
	h = (struct si_msg_hdr *)(mlen + 1);
	memcpy(st->buf + st->len, rec, size);
	st->len += size;
	*mlen += size;
	h->count++;
	st->end.end.records++;
}

/* Close the reply with its end record (only the end if building failed). */
void si_finish(struct si_stream *st, int status)
{
	if (st->err) {              /* send the end alone, saying why */
		kfree(st->buf);
		st->buf = NULL;
		st->len = st->cap = 0;
		st->end.end.records = st->end.end.messages = 0;
		status = st->err;
	}
	st->open = SI_NONE;
	st->pos = 0;
	si_hdr(&st->end.hdr, SI_REC_END, sizeof(struct si_end), st->end.end.messages);
	st->end.hdr.count = 1;
	st->end.end.status = status;
}

/* The next message to send; false when the end has gone. */
bool si_next(struct si_stream *st, const void **msg, size_t *len)
{
	if (st->pos < st->len) {
		uint64_t *mlen = (uint64_t *)(st->buf + st->pos);
		*msg = mlen + 1;
		*len = (size_t)*mlen;
		return true;
	}
	if (st->end_sent)
		return false;
	*msg = &st->end;
	*len = sizeof(st->end);
	return true;
}

/* Mark the message si_next gave as sent. */
void si_advance(struct si_stream *st)
{
	if (st->pos < st->len) {
		uint64_t *mlen = (uint64_t *)(st->buf + st->pos);
		st->pos = ALIGN_UP(st->pos + SI_LEN_WORD + *mlen, 8);
	} else {
		st->end_sent = true;
	}
}

/* Give back the reply's buffer. */
void si_stream_free(struct si_stream *st)
{
	kfree(st->buf);
	st->buf = NULL;
	st->len = st->cap = st->pos = 0;
}
