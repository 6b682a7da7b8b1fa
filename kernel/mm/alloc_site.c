/* Walking the alloc_sites section; the charging is inline in
 * include/kernel/alloc_site.h. */
#include <kernel/alloc_site.h>
#include <kernel/spinlock.h>
#include <kernel/printf.h>
#include <lib/string.h>
#include <stddef.h>

/* Serialises the readers; the writers hold heap.lock (alloc_site.h). */
static struct spinlock site_lock = SPINLOCK_INIT("alloc_site", LOCK_RANK_ALLOC_SITE);

struct alloc_site_ctr *alloc_site_hart[NCPU];

/* The harts' counter arrays: NCPU of them, each (records + 1) entries
 * rounded up to whole cache lines. The kernel's linker.ld reserves them
 * in .bss after counting the records; host builds of this file have a
 * static array of room for ALLOC_SITE_HOST_MAX records. */
#ifdef __riscv
extern char __start_alloc_site_ctrs[], __stop_alloc_site_ctrs[];
#define ctrs_start __start_alloc_site_ctrs
#define ctrs_end   __stop_alloc_site_ctrs
#else
#define ALLOC_SITE_HOST_MAX 4095
static char host_ctrs[NCPU][(ALLOC_SITE_HOST_MAX + 1) * sizeof(struct alloc_site_ctr)]
	__attribute__((aligned(64)));
#define ctrs_start ((char *)host_ctrs)
#define ctrs_end   ((char *)host_ctrs + sizeof(host_ctrs))
#endif

/* One hart's array, in bytes. */
static size_t site_stride(void)
{
	size_t bytes = (alloc_site_count() + 1) * sizeof(struct alloc_site_ctr);

	return (bytes + 63) & ~(size_t)63;
}

/* Point each hart at its array (linker.ld's layout: hart h's at h
 * strides from the start), and check the linker reserved enough. */
void alloc_site_init(void)
{
	size_t stride = site_stride();

	KASSERT((size_t)(ctrs_end - ctrs_start) >= NCPU * stride);
	KASSERT(!((uintptr_t)ctrs_start & 63));
	for (int h = 0; h < NCPU; h++)
		alloc_site_hart[h] = (struct alloc_site_ctr *)(ctrs_start + h * stride);
}

/* Sum of one counter of record index over the harts. */
static uint64_t site_sum(size_t index, size_t field)
{
	uint64_t sum = 0;

	for (int h = 0; h < NCPU; h++)
		sum += pcpu_read((const uint64_t *)&alloc_site_hart[h][index] + field);
	return sum;
}

/* Record s as readers see it. */
void alloc_site_get(const struct alloc_site *s, struct alloc_site_stat *out)
{
	size_t index = (size_t)(s - __start_alloc_sites) + 1;

	out->file = s->file;
	out->func = s->func;
	out->line = s->line;
	out->tag = __atomic_load_n(&s->tag, __ATOMIC_RELAXED);
	out->bytes = out->calls = out->frees = 0;
	if (!alloc_site_hart[0])
		return;                 /* before alloc_site_init: nothing charged */
	out->bytes = site_sum(index, offsetof(struct alloc_site_ctr, bytes) / 8);
	out->calls = site_sum(index, offsetof(struct alloc_site_ctr, calls) / 8);
	out->frees = site_sum(index, offsetof(struct alloc_site_ctr, frees) / 8);
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
	for (size_t i = 0; i < total; i++)
		__start_alloc_sites[i].tag = 0;
	if (alloc_site_hart[0])
		for (int h = 0; h < NCPU; h++)
			memset(alloc_site_hart[h], 0, site_stride());
	spin_unlock(&site_lock);
}

/* Size of the section and of the harts' counters. */
size_t alloc_site_meta_bytes(void)
{
	return alloc_site_count() * sizeof(struct alloc_site) + NCPU * site_stride();
}
