/* mem -l: ask sysinfo for a leak scan (SI_REQ_LEAKS) and print the live
 * heap blocks nothing points to, by call site, most bytes first, as
 * illumos' ::findleaks does; then a line of what the scan read. */
#include "mem.h"

/* Print one call site's leaked blocks (a SITE record). */
static void leak_site_print(const struct si_leak *r)
{
	char tag[TAG_BUF], file[NAME_BUF(r->file)], func[NAME_BUF(r->func)];
	char b[SIZE_TEXT_LEN];

	si_name(tag, r->tag, TAG_NAME_LEN);
	si_name(file, r->file, sizeof(r->file));
	si_name(func, r->func, sizeof(r->func));
	printf("%6lu %10s  %-4s  0x%lx  %s:%lu %s\n", (unsigned long)r->count,
	       size_text(b, r->bytes, 10), tag, (unsigned long)r->sample,
	       file[0] ? file : "?", (unsigned long)r->line, func);
}

/* Print the scan's figures (the SUMMARY record) and its verdict. */
static void leak_summary_print(const struct si_leak *s)
{
	char lb[SIZE_TEXT_LEN], bb[SIZE_TEXT_LEN], rb[SIZE_TEXT_LEN];

	if (s->count)
		printf("leaks: %lu block%s, %s, from %lu call site%s\n",
		       (unsigned long)s->count, s->count == 1 ? "" : "s",
		       size_text(lb, s->bytes, 10), (unsigned long)s->sites,
		       s->sites == 1 ? "" : "s");
	else
		printf("no leaks\n");
	printf("scanned %lu live blocks (%s) and %s of roots; %u hart%s stopped "
	       "for %lu us\n", (unsigned long)s->blocks, size_text(bb, s->block_bytes, 10),
	       size_text(rb, s->root_bytes, 10), s->harts, s->harts == 1 ? "" : "s",
	       (unsigned long)s->usecs);
}

int show_leaks(void)
{
	struct si_reader rd;
	struct si_leak sum;
	const void *rec;
	int type, sites = 0;

	memset(&sum, 0, sizeof(sum));
	int h = si_open(SI_REQ_LEAKS, 0);
	if (h < 0)
		return 1;
	si_reader_init(&rd, h);
	while ((type = si_read(&rd, &rec)) > 0) {
		const struct si_leak *r = rec;
		if (type != SI_REC_LEAK)
			continue;
		if (r->kind == SI_LEAK_SUMMARY) {
			memcpy(&sum, r, sizeof(sum));
		} else if (r->kind == SI_LEAK_SITE) {
			if (!sites++)
				printf(" COUNT      BYTES  TAG   SAMPLE      SITE\n");
			leak_site_print(r);
		}
	}
	chan_close(h);
	if (si_failed(type, &rd))
		return 1;
	if (sites < (int)sum.sites)
		printf("(%lu more call sites not listed)\n", (unsigned long)sum.sites - sites);
	leak_summary_print(&sum);
	return 0;
}
