/* A client of the kernel's sysinfo service (user/lib/sysinfo.c).
 * Protocol and records: <uapi/sysinfo.h>, docs/sysinfo.md.
 *
 *	int h = svc_lookup(SYSINFO_SERVICE);
 *	struct si_reader rd;
 *	si_request(h, SI_REQ_PS, 0);
 *	si_reader_init(&rd, h);
 *	while ((type = si_read(&rd, &rec)) > 0)
 *		... one record of that type ...
 *	type == 0: rd.status is the reply's status; < 0: the stream broke.
 */
#ifndef RVOS_USER_SYSINFO_H
#define RVOS_USER_SYSINFO_H

#include <stdint.h>
#include <uapi/chan.h>
#include <uapi/sysinfo.h>

struct si_reader {
	int h;                     /* the channel to sysinfo */
	long len;                  /* bytes of the message in msg, 0: none */
	unsigned next;             /* its next record */
	uint32_t seq;              /* expected sequence number */
	uint32_t records;          /* records read so far */
	int status;                /* the end record's status */
	uint64_t msg[CHAN_MSG_MAX / 8];
};

/* Send one request on h. 0 or -E*. */
int si_request(int h, int kind, int arg);
/* The same with si_request.reserved set (SI_REQ_AUDIT, SI_REQ_WHATIS). */
int si_request_ex(int h, int kind, int arg, unsigned reserved);

/* Start reading a reply from h. */
void si_reader_init(struct si_reader *rd, int h);

/* The next record of the reply: its SI_REC_* type (> 0), with *rec
 * pointing at it (valid until the next call; at least as big as this
 * program's struct for that type). 0 at the end record (rd->status says
 * how the request went), or -E* if the channel or the stream broke. */
int si_read(struct si_reader *rd, const void **rec);

/* Read a whole reply from h, keeping nothing: the records read, or -E*
 * if the channel or the stream broke; *status is the end record's. */
int si_drain(int h, int *status);

/* Copy a NUL-padded name field of n bytes into out (n + 1 bytes). */
void si_name(char *out, const char *field, size_t n);

/* The HART records of a reply, kept as they are read. */
struct si_harts {
	struct si_hart hart[SI_HARTS_MAX];
	int n;
};

/* Keep one HART record (rec from si_read). */
void si_harts_add(struct si_harts *hs, const void *rec);

/* Print "harts: N running (ids 0 1 ...)"; with detail, then one line
 * per hart: its ticks and the share of them it was idle. */
void si_harts_print(const struct si_harts *hs, int detail);

#endif
