/* Walking the alloc_sites section; the charging is inline in
 * include/kernel/alloc_site.h. */
#include <kernel/alloc_site.h>
#include <kernel/spinlock.h>

/* Serialises the readers; the writers hold heap.lock (alloc_site.h). */
static struct spinlock site_lock = SPINLOCK_INIT("alloc_site", LOCK_RANK_ALLOC_SITE);

/* Top n sites by live bytes, by selection: O(sites * n), n is small. */
size_t alloc_site_top(struct alloc_site *out, size_t n)
{
	size_t total = alloc_site_count(), got = 0;
	uint64_t below = UINT64_MAX;     /* strictly smaller than last pick */
	const struct alloc_site *last = NULL;

	spin_lock(&site_lock);
	while (got < n) {
		const struct alloc_site *best = NULL;
		for (size_t i = 0; i < total; i++) {
			const struct alloc_site *s = &__start_alloc_sites[i];
			if (s->calls == 0)
				continue;
			/* order: bytes descending, then section order */
			if (s->bytes > below ||
			    (s->bytes == below && (!last || s <= last)))
				continue;
			if (!best || s->bytes > best->bytes)
				best = s;
		}
		if (!best)
			break;
		out[got++] = *best;
		below = best->bytes;
		last = best;
	}
	spin_unlock(&site_lock);
	return got;
}

/* Totals over every record. */
void alloc_site_totals(uint64_t *bytes, uint64_t *live)
{
	size_t total = alloc_site_count();

	*bytes = *live = 0;
	spin_lock(&site_lock);
	for (size_t i = 0; i < total; i++) {
		*bytes += __start_alloc_sites[i].bytes;
		*live += alloc_site_live(&__start_alloc_sites[i]);
	}
	spin_unlock(&site_lock);
}

/* Zero all counters; only sound when no block from any site is live. */
void alloc_site_reset(void)
{
	size_t total = alloc_site_count();

	spin_lock(&site_lock);
	for (size_t i = 0; i < total; i++) {
		struct alloc_site *s = &__start_alloc_sites[i];
		s->tag = 0;
		s->bytes = s->calls = s->frees = 0;
	}
	spin_unlock(&site_lock);
}

/* Size of the section. */
size_t alloc_site_meta_bytes(void)
{
	return alloc_site_count() * sizeof(struct alloc_site);
}

