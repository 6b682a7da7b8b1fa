/* A client of the sysinfo service: requests out, records in, checked. */
#include <rvos.h>
#include <rvos/sysinfo.h>

/* Bytes this program knows of each record type (0: a type newer than
 * this program, whose records si_read() steps over). */
static size_t si_known_size(unsigned type)
{
	switch (type) {
	case SI_REC_END:   return sizeof(struct si_end);
	case SI_REC_HEAP:  return sizeof(struct si_heap);
	case SI_REC_PAGES: return sizeof(struct si_pages);
	case SI_REC_TAG:   return sizeof(struct si_tag);
	case SI_REC_PROC:  return sizeof(struct si_proc);
	case SI_REC_SITE:  return sizeof(struct si_site);
	case SI_REC_BUDDY: return sizeof(struct si_buddy);
	case SI_REC_PTAG:  return sizeof(struct si_ptag);
	case SI_REC_HART:  return sizeof(struct si_hart);
	case SI_REC_LEAK:  return sizeof(struct si_leak);
	case SI_REC_EVENT: return sizeof(struct si_event);
	case SI_REC_WHATIS: return sizeof(struct si_whatis);
	case SI_REC_SAMPLE: return sizeof(struct si_sample);
	case SI_REC_SERIES: return sizeof(struct si_series);
	default:           return 0;
	}
}

/* Send one request with its reserved word (SI_REQ_AUDIT, SI_REQ_WHATIS). */
int si_request_ex(int h, int kind, int arg, unsigned reserved)
{
	struct si_request rq = { SYSINFO_MAGIC, SYSINFO_VERSION, (uint16_t)kind, arg,
				 reserved };
	return chan_send(h, &rq, sizeof(rq), NULL, 0, 0);
}

/* Send one request. */
int si_request(int h, int kind, int arg)
{
	return si_request_ex(h, kind, arg, 0);
}

/* Start reading a reply. */
void si_reader_init(struct si_reader *rd, int h)
{
	memset(rd, 0, sizeof(*rd));
	rd->h = h;
}

/* Receive the next message of the reply and check its header: a record
 * may be larger than this program knows (a newer kernel's), never smaller. */
static int si_fetch(struct si_reader *rd)
{
	const struct si_msg_hdr *hd = (const void *)rd->msg;
	long n = chan_recv(rd->h, rd->msg, sizeof(rd->msg), NULL, 0);

	if (n < 0)
		return (int)n;
	if ((size_t)n < sizeof(*hd) || hd->magic != SYSINFO_MAGIC ||
	    hd->version != SYSINFO_VERSION || hd->seq != rd->seq ||
	    hd->rec_size < si_known_size(hd->type) ||
	    sizeof(*hd) + (size_t)hd->count * hd->rec_size != (size_t)n)
		return -EPROTO;
	rd->seq++;
	rd->len = n;
	rd->next = 0;
	return 0;
}

/* The next record of the reply, checked; records of types this program
 * does not know are counted and stepped over, as uapi/sysinfo.h promises. */
int si_read(struct si_reader *rd, const void **rec)
{
	const struct si_msg_hdr *hd = (const void *)rd->msg;

	while (!rd->len || rd->next >= hd->count || !si_known_size(hd->type)) {
		if (rd->len && rd->next < hd->count) {  /* an unknown type: skip it */
			rd->records += hd->count - rd->next;
			rd->next = hd->count;
		}
		int r = si_fetch(rd);
		if (r < 0)
			return r;
	}
	const char *p = (const char *)(hd + 1) + (size_t)rd->next * hd->rec_size;
	rd->next++;
	if (hd->type == SI_REC_END) {
		const struct si_end *e = (const void *)p;
		rd->status = e->status;
		rd->len = 0;
		return e->records == rd->records ? 0 : -EPROTO;
	}
	rd->records++;
	*rec = p;
	return hd->type;
}

/* A fixed-size name field as a C string. */
void si_name(char *out, const char *field, size_t n)
{
	size_t i = 0;
	while (i < n && field[i]) {
		out[i] = field[i];
		i++;
	}
	out[i] = '\0';
}

/* Keep one HART record, if there is room. */
void si_harts_add(struct si_harts *hs, const void *rec)
{
	if (hs->n < SI_HARTS_MAX)
		memcpy(&hs->hart[hs->n++], rec, sizeof(hs->hart[0]));
}

/* The harts line of mem and ps, and mem's per-hart lines. */
void si_harts_print(const struct si_harts *hs, int detail)
{
	printf("harts: %d running (id%s", hs->n, hs->n == 1 ? "" : "s");
	for (int i = 0; i < hs->n; i++)
		printf(" %lu", (unsigned long)hs->hart[i].hartid);
	printf(")\n");
	for (int i = 0; detail && i < hs->n; i++) {
		const struct si_hart *h = &hs->hart[i];
		unsigned long idle = h->ticks ? (unsigned long)(h->idle_ticks * 100 / h->ticks) : 0;
		printf("  hart %lu: %lu ticks, %lu idle (%lu%%)\n", (unsigned long)h->hartid,
		       (unsigned long)h->ticks, (unsigned long)h->idle_ticks, idle);
	}
}

/* Read a whole reply, keeping nothing: records read, or -E*. */
int si_drain(int h, int *status)
{
	struct si_reader rd;
	const void *rec;
	int type, n = 0;

	si_reader_init(&rd, h);
	while ((type = si_read(&rd, &rec)) > 0)
		n++;
	*status = rd.status;
	return type < 0 ? type : n;
}
