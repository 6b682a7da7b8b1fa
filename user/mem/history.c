/* mem -H [-A | -r] [TAG]: what memory did in the last minutes, from
 * sysinfo's history ring (SI_REQ_HISTORY, docs/sysinfo.md "History"):
 * each tag's samples as a text sparkline with min, max and now, one
 * line per tag that held anything, and the free pages; with TAG, that
 * tag in detail; with -r, every sample as key=value lines for tools
 * (tools/memplot.py --input history). The sparkline is ▁▂▃▄▅▆▇█ (the console and QEMU's
 * serial line pass UTF-8 through unchanged), or ASCII levels with -A
 * for a terminal that does not show it. Not asked of the terminal, as
 * mem -w does: a question and its wait would eat lines typed ahead of
 * a command that reads no keys. */
#include "mem.h"

#define SPARK_W     60             /* columns of a sparkline at most */
#define RECENT      10             /* samples -H TAG lists */

static const char *const spark_utf8[8] = {
	"\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
	"\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88",
};
static const char spark_ascii[8] = { '_', '.', ',', '-', '=', '+', '*', '#' };

/* One value's samples squeezed into at most SPARK_W columns (each the
 * largest of its samples, so a short peak still shows), with the
 * smallest, the largest (and when it last was: ms) and the newest. */
struct spark {
	uint64_t col[SPARK_W];
	int ncols;
	uint64_t min, max, now;
	uint64_t min_ms, max_ms;
};

/* One tag's series as read. */
struct hseries {
	struct si_series s;
	struct spark bytes, pages;
	uint32_t k;                    /* samples read */
};

/* What one reply holds, on the heap (calloc in mem_history): 70 KB
 * that every other view of mem would otherwise carry as bss. */
static struct hview {
	struct hseries ser[SI_TAGS_MAX];
	int n;
	struct spark free;             /* from the first series' samples */
	struct si_sample recent[RECENT];   /* the newest, for -H TAG */
	uint32_t nrecent;
	uint64_t newest_ms;            /* time of the newest sample */
} *hv;

static int utf8;                   /* the console shows UTF-8 */
static int raw;                    /* -r: print records as they come */
static uint32_t raw_series, raw_samples;

/* Add sample k of n (value v at t ms) to sp. */
static void spark_add(struct spark *sp, uint32_t k, uint32_t n, uint64_t v, uint64_t t)
{
	int w = n < SPARK_W ? (int)n : SPARK_W;
	int c = (int)((uint64_t)k * (uint64_t)w / n);

	if (k == 0) {
		memset(sp, 0, sizeof(*sp));
		sp->min = sp->max = v;
		sp->min_ms = sp->max_ms = t;
	}
	if (c >= sp->ncols) {
		sp->ncols = c + 1;
		sp->col[c] = v;
	} else if (v > sp->col[c]) {
		sp->col[c] = v;
	}
	if (v <= sp->min) {
		sp->min = v;
		sp->min_ms = t;
	}
	if (v >= sp->max) {
		sp->max = v;
		sp->max_ms = t;
	}
	sp->now = v;
}

/* Print sp's columns as levels from its min to its max. */
static void spark_print(const struct spark *sp)
{
	uint64_t span = sp->max - sp->min;

	for (int c = 0; c < sp->ncols; c++) {
		int lv = span ? (int)((sp->col[c] - sp->min) * 7 / span) : 0;
		if (utf8)
			printf("%s", spark_utf8[lv]);
		else
			putchar(spark_ascii[lv]);
	}
}

/* A duration as "9 min 24 s", "4.2 s" or "1 h 3 min". */
static const char *dur_text(char buf[SIZE_TEXT_LEN], uint64_t ms)
{
	unsigned long s = (unsigned long)(ms / 1000);
	if (s < 60)
		snprintf(buf, SIZE_TEXT_LEN, "%lu.%lu s", s, (unsigned long)(ms / 100 % 10));
	else if (s < 3600)
		snprintf(buf, SIZE_TEXT_LEN, "%lu min %lu s", s / 60, s % 60);
	else
		snprintf(buf, SIZE_TEXT_LEN, "%lu h %lu min", s / 3600, s / 60 % 60);
	return buf;
}

/* A value as text: bytes sized, pages as a count. */
static const char *val_text(char buf[SIZE_TEXT_LEN], uint64_t v, int bytes)
{
	if (bytes)
		return size_text(buf, v, 10);
	snprintf(buf, SIZE_TEXT_LEN, "%lu", (unsigned long)v);
	return buf;
}

/* -r: one record of a HISTORY reply as a line. */
static void history_raw(int type, const void *rec)
{
	if (type == SI_REC_SERIES) {
		const struct si_series *s = rec;
		char name[TAG_BUF];
		si_name(name, s->name, TAG_NAME_LEN);
		if (!raw_series++)
			printf("ring capacity=%u interval_ms=%u taken=%lu page_size=%u total_pages=%lu\n",
			       s->capacity, s->interval_ms, (unsigned long)s->taken,
			       ms.pages.page_size, (unsigned long)ms.pages.total);
		printf("series name=%s slot=%u samples=%u oldest_ms=%lu\n", name, s->slot,
		       s->samples, (unsigned long)s->oldest_ms);
	} else if (type == SI_REC_SAMPLE) {
		const struct si_sample *r = rec;
		raw_samples++;
		printf("sample ms=%lu bytes=%lu pages=%u free=%u\n", (unsigned long)r->time_ms,
		       (unsigned long)r->bytes, r->pages, r->free_pages);
	}
}

/* Keep one record of a HISTORY reply (-r: print it). */
static void history_take(int type, const void *rec)
{
	if (raw) {
		history_raw(type, rec);
		return;
	}
	if (type == SI_REC_SERIES && hv->n < SI_TAGS_MAX) {
		memset(&hv->ser[hv->n], 0, sizeof(hv->ser[0]));
		memcpy(&hv->ser[hv->n++].s, rec, sizeof(struct si_series));
		return;
	}
	if (type != SI_REC_SAMPLE || !hv->n)
		return;
	struct hseries *h = &hv->ser[hv->n - 1];
	const struct si_sample *r = rec;
	uint32_t n = h->s.samples;
	if (h->k >= n)
		return;                     /* more than the series said: ignored */
	spark_add(&h->bytes, h->k, n, r->bytes, r->time_ms);
	spark_add(&h->pages, h->k, n, r->pages, r->time_ms);
	if (hv->n == 1) {
		spark_add(&hv->free, h->k, n, r->free_pages, r->time_ms);
		hv->recent[hv->nrecent++ % RECENT] = *r;
		hv->newest_ms = r->time_ms;
	}
	h->k++;
}

/* Ask for slot's history (-1: every tag's) and read it into hv-> 0 or 1
 * (reported); -ENOENT from the service comes back as 2. */
static int history_read(int slot)
{
	struct si_reader rd;
	const void *rec;
	int type;

	memset(hv, 0, sizeof(*hv));
	int h = si_open(SI_REQ_HISTORY, slot);
	if (h < 0)
		return 1;
	si_reader_init(&rd, h);
	while ((type = si_read(&rd, &rec)) > 0)
		history_take(type, rec);
	chan_close(h);
	if (type == 0 && rd.status == -ENOENT)
		return 2;
	return si_failed(type, &rd);
}

/* The first line: how much time the samples cover. */
static void history_head(const struct hseries *h, const char *what)
{
	char span[SIZE_TEXT_LEN];
	uint64_t ms = hv->newest_ms - h->s.oldest_ms;

	printf("%s: the last %s, a sample every %lu ms (%u samples; the ring holds %u, %lu taken since boot)\n",
	       what, dur_text(span, ms), (unsigned long)h->s.interval_ms,
	       h->k, h->s.capacity, (unsigned long)h->s.taken);
}

/* One overview row: name, what, min, max, now, the sparkline. */
static void history_row(const char *name, const char *what, const struct spark *sp, int bytes)
{
	char a[SIZE_TEXT_LEN], b[SIZE_TEXT_LEN], c[SIZE_TEXT_LEN];

	printf("%-4s  %-5s %9s %9s %9s  ", name, what, val_text(a, sp->min, bytes),
	       val_text(b, sp->max, bytes), val_text(c, sp->now, bytes));
	spark_print(sp);
	putchar('\n');
}

/* -H: every tag that held anything, bytes if it had heap, else pages. */
static int history_all(void)
{
	if (raw && memstat_read())     /* -r's page size and total */
		return 1;
	if (raw)
		printf("hist-raw 1\n");
	int r = history_read(-1);
	if (r)
		return 1;
	if (raw) {
		printf("end series=%u samples=%u\n", raw_series, raw_samples);
		return 0;
	}
	if (!hv->n || !hv->ser[0].k) {
		printf("mem: -H: no samples yet\n");
		return 1;
	}
	history_head(&hv->ser[0], "history");
	printf("Tag   what        min       max       now  oldest .. now\n");
	for (int i = 0; i < hv->n; i++) {
		struct hseries *h = &hv->ser[i];
		char name[TAG_BUF];
		si_name(name, h->s.name, TAG_NAME_LEN);
		if (h->bytes.max)
			history_row(name, "bytes", &h->bytes, 1);
		else if (h->pages.max)
			history_row(name, "pages", &h->pages, 0);
	}
	history_row("free", "pages", &hv->free, 0);
	return 0;
}

/* A detail block: one value's min and max and when it last was at
 * each, then its line. */
static void history_detail(const char *what, const struct spark *sp, uint64_t newest, int bytes)
{
	char a[SIZE_TEXT_LEN], b[SIZE_TEXT_LEN], c[SIZE_TEXT_LEN], d[SIZE_TEXT_LEN],
	     e[SIZE_TEXT_LEN];

	printf("%-5s  min %s (%s ago), max %s (%s ago), now %s\n  ", what,
	       val_text(a, sp->min, bytes), dur_text(b, newest - sp->min_ms),
	       val_text(c, sp->max, bytes), dur_text(d, newest - sp->max_ms),
	       val_text(e, sp->now, bytes));
	spark_print(sp);
	putchar('\n');
}

/* Does the argument name this tag (its 4 characters, any case)? */
static int tag_is(const char *arg, const char *name)
{
	if (strlen(arg) != strlen(name))
		return 0;
	for (; *arg; arg++, name++) {
		char a = *arg >= 'a' && *arg <= 'z' ? (char)(*arg - 32) : *arg;
		char b = *name >= 'a' && *name <= 'z' ? (char)(*name - 32) : *name;
		if (a != b)
			return 0;
	}
	return 1;
}

/* -H TAG: its bytes, its pages and the free pages, each with when its
 * min and max were, then the newest samples. */
static int history_tag(const char *arg)
{
	if (memstat_read())
		return 1;
	int slot = -1;
	char name[TAG_BUF];
	for (int i = 0; i < ms.ntags && slot < 0; i++) {
		si_name(name, ms.tags[i].name, TAG_NAME_LEN);
		if (tag_is(arg, name))
			slot = (int)ms.tags[i].slot;
	}
	if (slot < 0) {
		printf("mem: -H: no tag '%s'; the tags are", arg);
		for (int i = 0; i < ms.ntags; i++) {
			si_name(name, ms.tags[i].name, TAG_NAME_LEN);
			printf(" %s", name);
		}
		printf("\n");
		return 1;
	}
	int r = history_read(slot);
	if (r == 2) {
		printf("mem: -H: tag %s came after the history began: not in it\n", name);
		return 1;
	}
	if (r)
		return 1;
	struct hseries *h = &hv->ser[0];
	if (hv->n != 1 || !h->k) {
		printf("mem: -H: no samples yet\n");
		return 1;
	}
	uint64_t newest = hv->newest_ms;
	si_name(name, h->s.name, TAG_NAME_LEN);
	history_head(h, name);
	history_detail("bytes", &h->bytes, newest, 1);
	history_detail("pages", &h->pages, newest, 0);
	history_detail("free", &hv->free, newest, 0);
	printf("the newest samples:\n     TIME      BYTES   PAGES  FREE_PAGES\n");
	uint32_t n = MIN(hv->nrecent, (uint32_t)RECENT);
	for (uint32_t i = 0; i < n; i++) {
		const struct si_sample *s = &hv->recent[(hv->nrecent - n + i) % RECENT];
		printf("%7lu.%lu %10lu %7u %11u\n", (unsigned long)(s->time_ms / 1000),
		       (unsigned long)(s->time_ms / 100 % 10), (unsigned long)s->bytes,
		       s->pages, s->free_pages);
	}
	return 0;
}

/* mem -H [-A | -r] [TAG]. */
int mem_history(int argc, char **argv)
{
	int i = 1;

	utf8 = 1;
	if (i < argc && !strcmp(argv[i], "-A")) {
		utf8 = 0;
		i++;
	} else if (i < argc && !strcmp(argv[i], "-r")) {
		raw = 1;
		i++;
	}
	if (argc - i > 1 || (i < argc && argv[i][0] == '-') || (raw && i < argc))
		return -1;
	hv = calloc(1, sizeof(*hv));
	if (!hv) {
		printf("mem: -H: out of memory\n");
		return 1;
	}
	int r = i < argc ? history_tag(argv[i]) : history_all();
	free(hv);
	return r;
}
