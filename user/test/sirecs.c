/* sirecs: the sysinfo client library (user/lib/sysinfo.c) against
 * replies a newer kernel might send, written by hand into a channel:
 * records of types it does not know (stepped over, counted towards the
 * end record), a known record larger than its struct (its prefix read),
 * an empty message; and what it must still refuse: a record smaller
 * than its struct, an end record that miscounts. docs/sysinfo.md.
 * Prints "sirecs: PASS" or lines ending in FAIL.
 */
#include <rvos.h>
#include <rvos/sysinfo.h>

#define REC_FUTURE   0x7e57      /* a type no client knows */
#define PAD          16          /* bytes a newer kernel appended */

static int bad;
static uint32_t seq;

static void check(bool ok, const char *what, long got)
{
	printf("sirecs: %s (%ld)%s\n", what, got, ok ? "" : ": FAIL");
	bad += !ok;
}

/* Queue one message of count records of rec_size bytes, each filled
 * from rec (rec_size may exceed len: the rest is 0xa5). */
static void put(int h, uint16_t type, uint16_t rec_size, uint16_t count,
		const void *rec, size_t len)
{
	static uint8_t buf[CHAN_MSG_MAX];
	struct si_msg_hdr hd = { SYSINFO_MAGIC, SYSINFO_VERSION, type, count,
				 rec_size, seq++ };
	size_t n = sizeof(hd);

	memcpy(buf, &hd, sizeof(hd));
	for (uint16_t i = 0; i < count; i++, n += rec_size) {
		memset(buf + n, 0xa5, rec_size);
		memcpy(buf + n, rec, len < rec_size ? len : rec_size);
	}
	if (chan_send(h, buf, n, NULL, 0, 0) < 0)
		check(false, "queue a message", (long)n);
}

/* Queue the end of a reply that claims records records. */
static void put_end(int h, uint32_t records)
{
	struct si_end e = { 0, SI_REQ_MEMSTAT, 0, records, seq };
	put(h, SI_REC_END, sizeof(e), 1, &e, sizeof(e));
}

/* Read a whole reply: the PAGES records' total, summed; or -E*. */
static long read_reply(int h, int *npages)
{
	struct si_reader rd;
	const void *rec;
	long total = 0;
	int type;

	si_reader_init(&rd, h);
	*npages = 0;
	while ((type = si_read(&rd, &rec)) > 0) {
		if (type != SI_REC_PAGES)
			return -EINVAL;
		total += (long)((const struct si_pages *)rec)->total;
		++*npages;
	}
	return type < 0 ? type : total;
}

int main(void)
{
	struct si_pages pg = { .total = 1234, .free = 567 };
	uint8_t future[40];
	int a, b, n;
	long r;

	memset(future, 0x5a, sizeof(future));
	if (chan_create(&a, &b) < 0) {
		printf("sirecs: chan_create: FAIL\n");
		return 1;
	}

	/* unknown, larger known, empty unknown, unknown, known, end */
	seq = 0;
	put(a, REC_FUTURE, sizeof(future), 2, future, sizeof(future));
	put(a, SI_REC_PAGES, sizeof(pg) + PAD, 1, &pg, sizeof(pg));
	put(a, REC_FUTURE + 1, 8, 0, NULL, 0);
	put(a, REC_FUTURE, sizeof(future), 3, future, sizeof(future));
	put(a, SI_REC_PAGES, sizeof(pg), 1, &pg, sizeof(pg));
	put_end(a, 2 + 1 + 3 + 1);
	r = read_reply(b, &n);
	check(r == 2 * 1234 && n == 2, "unknown records skipped, larger one read", r);

	/* a reply of nothing but records it does not know */
	seq = 0;
	put(a, REC_FUTURE, sizeof(future), 4, future, sizeof(future));
	put_end(a, 4);
	r = read_reply(b, &n);
	check(r == 0 && n == 0, "only unknown records", r);

	/* still refused: an end record that does not count the skipped ones */
	seq = 0;
	put(a, REC_FUTURE, sizeof(future), 2, future, sizeof(future));
	put(a, SI_REC_PAGES, sizeof(pg), 1, &pg, sizeof(pg));
	put_end(a, 1);
	r = read_reply(b, &n);
	check(r == -EPROTO, "end record miscounting refused", r);

	/* still refused: a known record smaller than its struct */
	seq = 0;
	put(a, SI_REC_PAGES, sizeof(pg) - 8, 1, &pg, sizeof(pg) - 8);
	r = read_reply(b, &n);
	check(r == -EPROTO, "short known record refused", r);

	chan_close(a);
	chan_close(b);
	printf("sirecs: %s\n", bad ? "FAIL" : "PASS");
	return bad ? 1 : 0;
}
