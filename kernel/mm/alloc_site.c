/* Walking the alloc_sites section; the charging is inline in
 * include/kernel/alloc_site.h. */
#include <kernel/alloc_site.h>
#include <kernel/spinlock.h>
#include <lib/string.h>

/* Serialises the readers; the writers hold heap.lock (alloc_site.h). */
static struct spinlock site_lock = SPINLOCK_INIT("alloc_site");

/* Sum of one counter's per-hart slots. */
static uint64_t site_sum(const uint64_t ctr[NCPU])
{
	uint64_t sum = 0;

	for (int h = 0; h < NCPU; h++)
		sum += pcpu_read(&ctr[h]);
	return sum;
}

/* Record s as readers see it. */
void alloc_site_get(const struct alloc_site *s, struct alloc_site_stat *out)
{
	out->file = s->file;
	out->func = s->func;
	out->line = s->line;
	out->tag = __atomic_load_n(&s->tag, __ATOMIC_RELAXED);
	out->bytes = site_sum(s->bytes);
	out->calls = site_sum(s->calls);
	out->frees = site_sum(s->frees);
}

/* Top n sites by live bytes, by insertion into out: O(sites * n), n is
 * small, and each record is read (summed) once. */
size_t alloc_site_top(struct alloc_site_stat *out, size_t n)
{
	size_t total = alloc_site_count(), got = 0;
	struct alloc_site_stat s;

	spin_lock(&site_lock);
	for (size_t i = 0; i < total; i++) {
		size_t j;
		alloc_site_get(&__start_alloc_sites[i], &s);
		if (s.calls == 0)
			continue;
		/* after every pick with as many bytes: ties stay in section order */
		for (j = got; j > 0 && out[j - 1].bytes < s.bytes; j--)
			if (j < n)
				out[j] = out[j - 1];
		if (j < n) {
			out[j] = s;
			got += got < n;
		}
	}
	spin_unlock(&site_lock);
	return got;
}

/* Totals over every record. */
void alloc_site_totals(uint64_t *bytes, uint64_t *live)
{
	size_t total = alloc_site_count();
	struct alloc_site_stat s;

	*bytes = *live = 0;
	spin_lock(&site_lock);
	for (size_t i = 0; i < total; i++) {
		alloc_site_get(&__start_alloc_sites[i], &s);
		*bytes += s.bytes;
		*live += alloc_site_live(&s);
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
		memset(s->bytes, 0, sizeof(s->bytes));
		memset(s->calls, 0, sizeof(s->calls));
		memset(s->frees, 0, sizeof(s->frees));
	}
	spin_unlock(&site_lock);
}

/* Size of the section. */
size_t alloc_site_meta_bytes(void)
{
	return alloc_site_count() * sizeof(struct alloc_site);
}
