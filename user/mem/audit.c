/* mem -a and mem -x: the allocation history (bootarg mm_audit) and what
 * a kernel address is, as the sysinfo service tells them
 * (SI_REQ_AUDIT, SI_REQ_WHATIS; docs/sysinfo.md). */
#include "mem.h"

/* An event's operation as a word. */
static const char *op_name(unsigned op)
{
	static const char *const names[] = {
		[SI_EV_KMALLOC] = "kmalloc", [SI_EV_KFREE] = "kfree",
		[SI_EV_PAGE_ALLOC] = "page_alloc", [SI_EV_PAGE_FREE] = "page_free",
		[SI_EV_MISUSE] = "misuse",
	};
	return op < sizeof(names) / sizeof(names[0]) && names[op] ? names[op] : "?";
}

/* Microseconds as seconds with 6 decimals. */
static void print_time(uint64_t us)
{
	printf("%lu.%06lu", (unsigned long)(us / 1000000), (unsigned long)(us % 1000000));
}

/* Where an event happened: the call site (heap), else the caller's
 * function, else its address; pages add their owner. */
static void print_where(const struct si_event *e)
{
	char file[NAME_BUF(e->file)], sym[NAME_BUF(e->sym)];

	si_name(file, e->file, sizeof(e->file));
	si_name(sym, e->sym, sizeof(e->sym));
	if (e->line)
		printf("%s:%u", file, e->line);
	else if (sym[0])
		printf("%s", sym);
	else
		printf("ra 0x%lx", (unsigned long)e->ra);
	if (e->op == SI_EV_PAGE_ALLOC || e->op == SI_EV_PAGE_FREE)
		printf(" (owner %d)", e->owner);
}

/* One event line, under the header below. */
static void print_event(const struct si_event *e)
{
	char tag[TAG_BUF];

	si_name(tag, e->tag, TAG_NAME_LEN);
	printf("%7lu %10lu.%06lu %4u %5d  %-10s %-4s  0x%lx %7u  ", (unsigned long)e->seq,
	       (unsigned long)(e->time_us / 1000000), (unsigned long)(e->time_us % 1000000),
	       e->hart, e->pid, op_name(e->op), tag, (unsigned long)e->addr, e->size);
	print_where(e);
	printf("\n");
}

#define EVENT_HEADER "    SEQ          TIME(s) HART   PID  OP         TAG   ADDRESS       SIZE  WHERE\n"

/* The history's own state, from the reply's first record. */
static void print_state(const struct si_event *e)
{
	char ring[SIZE_TEXT_LEN], table[SIZE_TEXT_LEN];

	printf("audit: last %u events kept (ring %s), side table %d of %d blocks (%s), "
	       "tag AUDT; %lu events so far, %u lost, %lu blocks dropped (table full)\n",
	       e->size, size_text(ring, e->addr, 10), e->pid, e->owner,
	       size_text(table, e->ra, 10), (unsigned long)e->seq, e->line,
	       (unsigned long)e->time_us);
}

/* Print the EVENT records of an AUDIT or WHATIS reply from rd (a
 * WHATIS record ends the call, in *first), and "(no events NOTE in the
 * ring)" if none came and quiet is 0; si_read's last result. */
static int print_events(struct si_reader *rd, const void **first, int quiet,
			const char *note)
{
	const void *rec;
	int type, n = 0;

	while ((type = si_read(rd, &rec)) > 0) {
		if (type == SI_REC_WHATIS && first) {
			*first = rec;
			return type;
		}
		if (type != SI_REC_EVENT)
			continue;
		const struct si_event *e = rec;
		if (e->op == SI_EV_STATE) {
			print_state(e);
			continue;
		}
		if (!n++)
			printf(EVENT_HEADER);
		print_event(e);
	}
	if (type == 0 && rd->status == 0 && !n && !quiet)
		printf("(no events%s%s in the ring)\n", note ? " " : "", note ? note : "");
	return type;
}

/* -a usage, exit status 2. */
static int audit_usage(const char *why, const char *arg)
{
	printf("mem: %s '%s'\nusage: mem -a [TAG|PID] [-n COUNT]   (COUNT 1..%d)\n", why, arg,
	       SI_EVENTS_MAX);
	return 2;
}

/* -a [TAG|PID] [-n COUNT]: the newest events, filtered. */
int show_audit(int argc, char **argv)
{
	unsigned kind = SI_AUDIT_ALL, count = SI_EVENTS_DEFAULT;
	int arg = 0, have = 0;
	const char *filter = "";
	struct si_reader rd;
	long v;

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-n")) {
			if (i + 1 >= argc || parse_num(argv[i + 1], 1, SI_EVENTS_MAX, &v) < 0)
				return audit_usage("bad count", i + 1 < argc ? argv[i + 1] : "");
			count = (unsigned)v;
			i++;
			continue;
		}
		if (have++)
			return audit_usage("one filter only, not", a);
		filter = a;
		if (parse_num(a, 0, PID_MAX, &v) == 0) {
			kind = SI_AUDIT_PID;
			arg = (int)v;
		} else if (strlen(a) == TAG_NAME_LEN && a[0] != '-') {
			kind = SI_AUDIT_TAG;
			arg = (int)TAG_VALUE(a[0], a[1], a[2], a[3]);
		} else {
			return audit_usage("not a tag (4 characters) or a pid:", a);
		}
	}
	int h = si_open_ex(SI_REQ_AUDIT, arg, count | kind << 16);
	if (h < 0)
		return 1;
	si_reader_init(&rd, h);
	char note[32];
	snprintf(note, sizeof(note), kind == SI_AUDIT_PID ? "of pid %s" :
		 kind == SI_AUDIT_TAG ? "of tag %s" : "%s", filter);
	int type = print_events(&rd, NULL, 0, kind == SI_AUDIT_ALL ? NULL : note);
	chan_close(h);
	if (type == 0 && rd.status == -ENOENT) {
		printf("mem: audit is off: boot with mm_audit, or switch it on with "
		       "mem -D audit\n");
		return 1;
	}
	if (type == 0 && rd.status == -EINVAL && kind == SI_AUDIT_TAG) {
		printf("mem: no tag '%s'\n", filter);
		return 1;
	}
	return si_failed(type, &rd);
}

/* The words for a block's state. */
static const char *state_name(unsigned s)
{
	static const char *const names[] = {
		[SI_WS_NONE] = "unknown state", [SI_WS_USED] = "used", [SI_WS_FREE] = "free",
		[SI_WS_CACHED] = "free, cached", [SI_WS_RESERVED] = "reserved",
	};
	return s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

/* One "allocated by" or "last freed by" line. */
static void print_one_who(const char *what, int pid, unsigned hart, uint64_t us,
			  uint64_t ra, const char *symf, const char *note)
{
	char sym[33];

	si_name(sym, symf, 32);
	printf("  %s by pid %d on hart %u at ", what, pid, hart);
	print_time(us);
	printf(" s in %s (ra 0x%lx)%s\n", sym[0] ? sym : "?", (unsigned long)ra, note);
}

/* Who allocated and who last freed the block, when audit knows. */
static void print_who(const struct si_whatis *w)
{
	if (!w->audit) {
		printf("  no history: mm_audit (bootarg) or mem -D audit for who "
		       "allocated and freed it\n");
		return;
	}
	if (w->alloc_us)
		print_one_who("allocated", w->alloc_pid, w->alloc_hart, w->alloc_us,
			      w->alloc_ra, w->alloc_sym, "");
	if (w->free_us)
		print_one_who("last freed", w->free_pid, w->free_hart, w->free_us,
			      w->free_ra, w->free_sym,
			      w->free_us < w->alloc_us ? " (its previous life)" : "");
	if (!w->alloc_us && !w->free_us)
		printf("  no history: not seen since audit was on (or pushed out)\n");
}

/* The WHATIS record as sentences. 0 if the address is known, 1 if not. */
static int print_whatis(const struct si_whatis *w)
{
	char tag[TAG_BUF], file[NAME_BUF(w->file)], name[NAME_BUF(w->name)];
	unsigned long addr = (unsigned long)w->addr, base = (unsigned long)w->base;

	si_name(tag, w->tag, TAG_NAME_LEN);
	si_name(file, w->file, sizeof(w->file));
	si_name(name, w->name, sizeof(w->name));
	switch (w->kind) {
	case SI_WHAT_HEAP:
		if (w->offset < 0)
			printf("0x%lx is in the header of the %s block at 0x%lx", addr, name,
			       base);
		else
			printf("0x%lx is %ld bytes into the %s block at 0x%lx", addr,
			       (long)w->offset, name, base);
		printf(" (%lu bytes, order %u): %s", (unsigned long)w->size, w->order,
		       state_name(w->state));
		if (w->state == SI_WS_USED)
			printf(", tag %s, %u bytes asked", tag, w->req);
		printf("\n");
		if (w->line)
			printf("  allocated at %s:%u\n", file, w->line);
		print_who(w);
		return 0;
	case SI_WHAT_PAGE:
	case SI_WHAT_STACK:
		printf("0x%lx is %ld bytes into the page block at 0x%lx (%lu KiB, order %u): %s",
		       addr, (long)w->offset, base, (unsigned long)w->size / 1024, w->order,
		       state_name(w->state));
		if (w->state == SI_WS_USED)
			printf(", tag %s, owner pid %d", tag, w->pid);
		printf("\n");
		if (w->kind == SI_WHAT_STACK)
			printf("  the kernel stack of pid %d (%s)\n", w->pid, name);
		if (w->state != SI_WS_RESERVED)
			print_who(w);
		return 0;
	case SI_WHAT_SYMBOL:
		printf("0x%lx is kernel text: %s+0x%lx\n", addr, name, (unsigned long)w->offset);
		return 0;
	case SI_WHAT_IMAGE:
		printf("0x%lx is %s, 0x%lx bytes into it (0x%lx..0x%lx)\n", addr, name,
		       (unsigned long)w->offset, base, base + (unsigned long)w->size);
		return 0;
	default:
		if (!strcmp(name, "heap guard window")) {
			printf("0x%lx is in the heap's guard window, in no live guarded block "
			       "(a freed one, or a guard page)\n", addr);
			return 0;
		}
		printf("0x%lx is no address the kernel knows: not in its image, its heap "
		       "or its pages\n", addr);
		return 1;
	}
}

/* An address typed as 0x hex or decimal, all 64 bits; -1 if it is not
 * one (junk, a sign, too many digits). */
static int parse_addr(const char *s, unsigned long *out)
{
	unsigned long v = 0, base = 10;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return -1;
	for (; *s; s++) {
		unsigned long d;
		if (*s >= '0' && *s <= '9')
			d = (unsigned long)(*s - '0');
		else if (base == 16 && ((*s | 0x20) >= 'a' && (*s | 0x20) <= 'f'))
			d = (unsigned long)((*s | 0x20) - 'a' + 10);
		else
			return -1;
		if (v > (~0UL - d) / base)
			return -1;
		v = v * base + d;
	}
	*out = v;
	return 0;
}

/* -x ADDR: what the kernel address ADDR is, like illumos ::whatis. */
int show_whatis(const char *text)
{
	struct si_reader rd;
	const void *rec = NULL;
	unsigned long addr;

	if (parse_addr(text, &addr) < 0) {
		printf("mem: bad address '%s'\nusage: mem -x ADDR   (ADDR: 0x hex or decimal)\n",
		       text);
		return 2;
	}
	int h = si_open_ex(SI_REQ_WHATIS, (int)(uint32_t)addr, (unsigned)(addr >> 32));
	if (h < 0)
		return 1;
	si_reader_init(&rd, h);
	int type = print_events(&rd, &rec, 1, NULL), rc = 0;
	if (type == SI_REC_WHATIS) {
		struct si_whatis w;
		memcpy(&w, rec, sizeof(w));
		rc = print_whatis(&w);
		int block = w.audit && (w.kind == SI_WHAT_HEAP || w.kind == SI_WHAT_PAGE ||
					w.kind == SI_WHAT_STACK);
		if (block)
			printf("  its last events:\n");
		type = print_events(&rd, NULL, !block, NULL);
	}
	chan_close(h);
	return si_failed(type, &rd) ? 1 : rc;
}
