/* mem -w [SECONDS] [-p]: the tag table redrawn every SECONDS, each row
 * with what changed since the last refresh, as top and Windows' PoolMon
 * do. Keys while it runs: b (sort by bytes), a (by allocations since
 * the last refresh), d (by the change in bytes), q (quit). ^C ends it
 * as it ends any program: mem changes no terminal mode (no alternate
 * screen, no hidden cursor), so a kill leaves the terminal as it was.
 *
 * In place (cursor home, clear, the table) when a terminal answers
 * term_probe(); otherwise, or with -p, each refresh is printed below the
 * last as plain lines, for a log or a script. */
#include "mem.h"

#define WATCH_DEFAULT_S  2
#define WATCH_MAX_S      3600

/* A tag's figures at this refresh and what changed since the last. */
struct wrow {
	char name[TAG_BUF];
	uint64_t bytes, allocs, frees, pages;
	int64_t dbytes, dallocs, dfrees, dpages;
};

/* The view's state, on the heap (calloc in mem_watch), not in bss that
 * every other view of mem would carry. */
static struct wview {
	struct wrow rows[SI_TAGS_MAX];
	int nrows;
	struct si_tag prev[SI_TAGS_MAX];     /* the last refresh's, by slot */
	bool have_prev;
	uint64_t free, prev_free;            /* pages that can be allocated */
	unsigned long refresh;
	long at_ms;
	int sort;                            /* 'b', 'a' or 'd' */
	bool plain;
	long interval;
} *wv;

/* A change as "+12", "-3", "0", or "-" before there is a last refresh. */
static const char *delta_text(char buf[SIZE_TEXT_LEN], int64_t d)
{
	if (!wv->have_prev)
		snprintf(buf, SIZE_TEXT_LEN, "-");
	else if (d > 0)
		snprintf(buf, SIZE_TEXT_LEN, "+%lu", (unsigned long)d);
	else if (d < 0)
		snprintf(buf, SIZE_TEXT_LEN, "-%lu", (unsigned long)-d);
	else
		snprintf(buf, SIZE_TEXT_LEN, "0");
	return buf;
}

/* The size of a change, whichever way it went. */
static uint64_t mag(int64_t d)
{
	return d < 0 ? (uint64_t)-d : (uint64_t)d;
}

/* Does row a come before row b in the order the key asks for? */
static int row_before(const struct wrow *a, const struct wrow *b)
{
	if (wv->sort == 'a' && a->dallocs != b->dallocs)
		return a->dallocs > b->dallocs;
	if (wv->sort == 'd' && mag(a->dbytes) != mag(b->dbytes))
		return mag(a->dbytes) > mag(b->dbytes);
	if (wv->sort == 'd' && mag(a->dpages) != mag(b->dpages))
		return mag(a->dpages) > mag(b->dpages);
	if (a->bytes != b->bytes)
		return a->bytes > b->bytes;
	return a->pages >= b->pages;
}

/* Sort the rows (insertion sort: a few dozen). */
static void rows_sort(void)
{
	for (int i = 1; i < wv->nrows; i++)
		for (int j = i; j > 0 && !row_before(&wv->rows[j - 1], &wv->rows[j]); j--) {
			struct wrow t = wv->rows[j - 1];
			wv->rows[j - 1] = wv->rows[j];
			wv->rows[j] = t;
		}
}

/* Take a MEMSTAT snapshot into rows, with the changes since the last. */
static int watch_snapshot(void)
{
	if (memstat_read())
		return 1;
	wv->at_ms = clock(CLOCK_MS);
	wv->prev_free = wv->free;
	wv->free = ms.pages.free + ms.pages.cached;
	wv->nrows = 0;
	for (int i = 0; i < ms.ntags; i++) {
		const struct si_tag *t = &ms.tags[i];
		if (t->slot >= SI_TAGS_MAX)
			continue;
		const struct si_tag *p = &wv->prev[t->slot];
		if (tag_shown(t)) {
			struct wrow *r = &wv->rows[wv->nrows++];
			si_name(r->name, t->name, TAG_NAME_LEN);
			r->bytes = t->bytes;
			r->allocs = t->allocs;
			r->frees = t->frees;
			r->pages = t->pages;
			r->dbytes = (int64_t)(t->bytes - p->bytes);
			r->dallocs = (int64_t)(t->allocs - p->allocs);
			r->dfrees = (int64_t)(t->frees - p->frees);
			r->dpages = (int64_t)(t->pages - p->pages);
		}
	}
	return 0;
}

/* Remember this refresh's counters for the next one's changes. */
static void watch_keep(void)
{
	for (int i = 0; i < ms.ntags; i++)
		if (ms.tags[i].slot < SI_TAGS_MAX)
			wv->prev[ms.tags[i].slot] = ms.tags[i];
	wv->have_prev = true;
}

/* Draw the table: in place (home, clear) or as plain lines. */
static void watch_draw(void)
{
	static const char *const by[] = { ['a'] = "allocations since the last refresh",
					   ['b'] = "bytes", ['d'] = "change in bytes" };
	char a[SIZE_TEXT_LEN], b[SIZE_TEXT_LEN], c[SIZE_TEXT_LEN], d[SIZE_TEXT_LEN];

	rows_sort();
	if (wv->plain)
		printf("--- mem -w %ld: refresh %lu at %ld.%01ld s, by %s\n", wv->interval,
		       wv->refresh, wv->at_ms / 1000, wv->at_ms / 100 % 10, by[wv->sort]);
	else
		printf("\x1b[H\x1b[2Jmem -w %ld: refresh %lu at %ld.%01ld s, by %s\n"
		       "keys: b bytes, a allocs, d change, q quit\n", wv->interval, wv->refresh,
		       wv->at_ms / 1000, wv->at_ms / 100 % 10, by[wv->sort]);
	printf("Tag        Bytes   +/-Bytes    Allocs  +Allocs     Frees   +Frees   Pages  +/-Pages\n");
	for (int i = 0; i < wv->nrows; i++) {
		const struct wrow *r = &wv->rows[i];
		printf("%-4s  %11lu %10s %9lu %8s %9lu %8s %7lu %9s\n", r->name,
		       (unsigned long)r->bytes, delta_text(a, r->dbytes),
		       (unsigned long)r->allocs, delta_text(b, r->dallocs),
		       (unsigned long)r->frees, delta_text(c, r->dfrees),
		       (unsigned long)r->pages, delta_text(d, r->dpages));
	}
	printf("free pages %lu (%s)\n", (unsigned long)wv->free,
	       delta_text(a, (int64_t)(wv->free - wv->prev_free)));
	stdout_flush();
}

/* Wait out the interval reading keys: 1 to quit, 0 to refresh. A sort
 * key redraws at once from the same snapshot. */
static int watch_wait(void)
{
	long deadline = wv->at_ms + wv->interval * 1000;

	for (;;) {
		long left = deadline - clock(CLOCK_MS);
		if (left <= 0)
			return 0;
		int k = term_key(left);
		if (k < 0 || k == 'q' || k == 'Q')
			return 1;               /* -EINTR: a ^C, which kills us anyway */
		if (k == 'b' || k == 'a' || k == 'd') {
			wv->sort = k;
			watch_draw();
		}
	}
}

/* Read -w's arguments: [SECONDS] and -p, in any order. 0, or 2 after
 * saying what is wrong; -1 for usage. */
static int watch_args(int argc, char **argv)
{
	bool have_interval = false;

	wv->interval = WATCH_DEFAULT_S;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-p") && !wv->plain) {
			wv->plain = true;
		} else if (!have_interval && argv[i][0] != '-') {
			if (parse_num(argv[i], 1, WATCH_MAX_S, &wv->interval) < 0) {
				printf("mem: -w: '%s' is not an interval: a whole number of seconds "
				       "from 1 to %d\n", argv[i], WATCH_MAX_S);
				return 2;
			}
			have_interval = true;
		} else if (argv[i][0] == '-' && argv[i][1] >= '0' && argv[i][1] <= '9') {
			printf("mem: -w: '%s' is not an interval: a whole number of seconds "
			       "from 1 to %d\n", argv[i], WATCH_MAX_S);
			return 2;
		} else {
			return -1;
		}
	}
	return 0;
}

/* mem -w [SECONDS] [-p]. */
int mem_watch(int argc, char **argv)
{
	wv = calloc(1, sizeof(*wv));
	if (!wv) {
		printf("mem: -w: out of memory\n");
		return 1;
	}
	int r = watch_args(argc, argv);
	if (r) {
		free(wv);
		return r;
	}
	wv->sort = 'b';
	if (!wv->plain)
		wv->plain = term_probe() == TERM_NONE;
	for (wv->refresh = 1;; wv->refresh++) {
		if (watch_snapshot()) {
			free(wv);
			return 1;
		}
		watch_draw();
		watch_keep();
		if (watch_wait())
			break;
	}
	if (!wv->plain)
		printf("\n");
	free(wv);
	return 0;
}
