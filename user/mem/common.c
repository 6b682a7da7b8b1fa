/* The parts of `mem` every view uses (user/mem/mem.h). */
#include "mem.h"

struct memstat ms;

/* Send a request (with its reserved word) on a new channel to sysinfo. */
int si_open_ex(int kind, int arg, unsigned reserved)
{
	int h = svc_lookup(SYSINFO_SERVICE);
	if (h < 0) {
		printf("mem: cannot reach sysinfo: %s\n", errstr(h));
		return h;
	}
	int r = si_request_ex(h, kind, arg, reserved);
	if (r < 0) {
		printf("mem: sysinfo request: %s\n", errstr(r));
		chan_close(h);
		return r;
	}
	return h;
}

/* Send a request on a new channel to sysinfo. */
int si_open(int kind, int arg)
{
	return si_open_ex(kind, arg, 0);
}

/* Say how a reply ended badly. */
int si_failed(int type, struct si_reader *rd)
{
	if (type < 0) {
		printf("mem: reply broken: %s\n", errstr(type));
		return 1;
	}
	if (rd->status < 0) {
		printf("mem: sysinfo: %s\n", errstr(rd->status));
		return 1;
	}
	return 0;
}

/* Order the processes by pid (insertion sort: a few dozen rows). */
static void procs_sort(void)
{
	for (int i = 1; i < ms.nprocs; i++)
		for (int j = i; j > 0 && ms.procs[j - 1].pid > ms.procs[j].pid; j--) {
			struct si_proc t = ms.procs[j - 1];
			ms.procs[j - 1] = ms.procs[j];
			ms.procs[j] = t;
		}
}

/* Read a MEMSTAT reply into ms. */
int memstat_read(void)
{
	struct si_reader rd;
	const void *rec;
	int type;

	memset(&ms, 0, sizeof(ms));
	int h = si_open(SI_REQ_MEMSTAT, 0);
	if (h < 0)
		return 1;
	si_reader_init(&rd, h);
	while ((type = si_read(&rd, &rec)) > 0) {
		if (type == SI_REC_HEAP)
			memcpy(&ms.heap, rec, sizeof(ms.heap));
		else if (type == SI_REC_PAGES)
			memcpy(&ms.pages, rec, sizeof(ms.pages));
		else if (type == SI_REC_TAG && ms.ntags < (int)ARRAY_SIZE(ms.tags))
			memcpy(&ms.tags[ms.ntags++], rec, sizeof(struct si_tag));
		else if (type == SI_REC_PROC && ms.nprocs < (int)ARRAY_SIZE(ms.procs))
			memcpy(&ms.procs[ms.nprocs++], rec, sizeof(struct si_proc));
		else if (type == SI_REC_HART)
			si_harts_add(&ms.harts, rec);
	}
	chan_close(h);
	procs_sort();
	return si_failed(type, &rd);
}

/* Has this tag ever been used (or is it ????, always shown)? */
int tag_shown(const struct si_tag *t)
{
	return t->slot == 0 || t->allocs || t->fails || t->bytes ||
	       t->page_allocs || t->page_fails || t->pages;
}

/* Does tag a come before tag b: more heap bytes, then pages, then peak? */
static int tag_before(const struct si_tag *a, const struct si_tag *b)
{
	if (a->bytes != b->bytes)
		return a->bytes > b->bytes;
	if (a->pages != b->pages)
		return a->pages > b->pages;
	return a->peak >= b->peak;
}

/* Sort ms.tags largest first (insertion sort: a few dozen rows). */
void tags_sort(void)
{
	for (int i = 1; i < ms.ntags; i++)
		for (int j = i; j > 0; j--) {
			struct si_tag *a = &ms.tags[j - 1], *b = &ms.tags[j];
			if (tag_before(a, b))
				break;
			struct si_tag t = *a;
			*a = *b;
			*b = t;
		}
}

/* Bytes as "768 B", "12 KiB" or "3 MiB": the larger unit once bytes
 * reach min of it (10 keeps two digits: "1536 B"; 1 for block sizes,
 * which are powers of two: "4 KiB"). The one size formatter of mem. */
const char *size_text(char buf[SIZE_TEXT_LEN], uint64_t bytes, uint64_t min)
{
	if (bytes < min * 1024)
		snprintf(buf, SIZE_TEXT_LEN, "%lu B", (unsigned long)bytes);
	else if (bytes < min * 1024 * 1024)
		snprintf(buf, SIZE_TEXT_LEN, "%lu KiB", (unsigned long)(bytes >> 10));
	else
		snprintf(buf, SIZE_TEXT_LEN, "%lu MiB", (unsigned long)(bytes >> 20));
	return buf;
}
