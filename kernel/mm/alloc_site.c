/* Walking and charging the alloc_sites section (see include/kernel/alloc_site.h). */
#include <kernel/alloc_site.h>
#include <kernel/spinlock.h>

/* Provided by the linker when any record exists; weak so an image with
 * no kmalloc call sites links with both NULL (an empty section). */
extern struct alloc_site __start_alloc_sites[] __attribute__((weak));
extern struct alloc_site __stop_alloc_sites[] __attribute__((weak));

/* Serialises the readers; the writers hold heap_lock (alloc_site.h). */
static struct spinlock site_lock = SPINLOCK_INIT("alloc_site");

#ifndef MM_NO_ACCOUNTING    /* else inline in alloc_site.h: no records */
/* Number of records in the section. */
size_t alloc_site_count(void)
{
	if (!__start_alloc_sites)
		return 0;
	return (size_t)(__stop_alloc_sites - __start_alloc_sites);
}

/* 1-based index of s, 0 when s is not a record of the section. */
size_t alloc_site_index(const struct alloc_site *s)
{
	uintptr_t a = (uintptr_t)s, lo = (uintptr_t)__start_alloc_sites;
	size_t n = alloc_site_count();

	if (!s || !lo || a < lo || a >= lo + n * sizeof(*s) ||
	    (a - lo) % sizeof(*s))
		return 0;
	return (a - lo) / sizeof(*s) + 1;
}

/* Record at 1-based index. */
struct alloc_site *alloc_site_at(size_t index)
{
	if (index == 0 || index > alloc_site_count())
		return NULL;
	return &__start_alloc_sites[index - 1];
}
#endif

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
		*live += __start_alloc_sites[i].live;
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
		s->bytes = s->live = s->calls = 0;
	}
	spin_unlock(&site_lock);
}

/* Size of the section. */
size_t alloc_site_meta_bytes(void)
{
	return alloc_site_count() * sizeof(struct alloc_site);
}

#ifndef MM_NO_ACCOUNTING
/* Count one allocation of bytes (block size) at s under tag. Caller
 * holds heap_lock, which alone guards the counters' updates. */
void alloc_site_charge(struct alloc_site *s, int tag, size_t bytes)
{
	s->tag = (uint32_t)tag;
	s->bytes += bytes;
	s->live++;
	s->calls++;
}

/* Count the free of a block of bytes that was allocated at s. Caller
 * holds heap_lock. */
void alloc_site_uncharge(struct alloc_site *s, size_t bytes)
{
	s->bytes -= bytes;
	s->live--;
}
#endif
