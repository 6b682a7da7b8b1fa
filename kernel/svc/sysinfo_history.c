/* sysinfo's history: every tag's heap bytes and pages and the free
 * pages, sampled once per SI_HIST_INTERVAL_MS into a bounded ring, and
 * the HISTORY reply that exports it (docs/sysinfo.md, "History").
 *
 * The ring is one heap block under TAG_HIST, made when the service
 * starts and never grown: columns of SI_HIST_BYTES for the default
 * capacity (528 samples, 8 min 48 s, with 14 tags), or the bootarg
 * si_history=N samples. A sample costs one tag_stat_get per tag and
 * one page_stats; nothing is allocated. Tags registered after the ring
 * was made are not in it.
 *
 * No lock: the service thread alone samples and answers (a ktest may
 * run its own ring, never the service's).
 */
#include "sysinfo_internal.h"
#include <kernel/heap.h>
#include <kernel/page.h>
#include <kernel/tag.h>
#include <kernel/timer.h>
#include <kernel/bootargs.h>
#include <kernel/printf.h>
#include <lib/string.h>
#include <uapi/errno.h>

struct si_hist si_history_ring;

/* Bytes a ring of cap samples of ntags tags needs. */
static size_t si_hist_size(uint32_t cap, uint32_t ntags)
{
	return (size_t)cap * SI_HIST_SAMPLE_BYTES(ntags);
}

/* Make h a ring of cap samples (0: as many as SI_HIST_BYTES hold) of
 * every tag in use now: 0, -EINVAL (cap 1, or too big), -ENOMEM. */
int si_hist_make(struct si_hist *h, uint32_t cap)
{
	uint32_t ntags = (uint32_t)tag_count();

	memset(h, 0, sizeof(*h));
	if (!cap)
		cap = (uint32_t)(SI_HIST_BYTES / SI_HIST_SAMPLE_BYTES(ntags));
	if (cap < 2 || cap > SI_HIST_CAP_MAX || si_hist_size(cap, ntags) > HEAP_MAX_ALLOC)
		return -EINVAL;
	uint8_t *mem = kmalloc(si_hist_size(cap, ntags), TAG_HIST);
	if (!mem)
		return -ENOMEM;
	h->time_ms = (uint64_t *)mem;
	h->free = (uint32_t *)(h->time_ms + cap);
	h->bytes = h->free + cap;
	h->pages = h->bytes + (size_t)cap * ntags;
	h->cap = cap;
	h->ntags = ntags;
	return 0;
}

/* Give back h's ring. */
void si_hist_free(struct si_hist *h)
{
	kfree(h->time_ms);
	memset(h, 0, sizeof(*h));
}

/* A counter in 32 bits, held at the top rather than wrapped. */
static uint32_t si_hist_u32(uint64_t v)
{
	return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

/* Take one sample at now_ms into the next slot of h, overwriting the
 * oldest once the ring is full. */
void si_hist_take(struct si_hist *h, uint64_t now_ms)
{
	struct page_stats ps;
	uint32_t i = (uint32_t)(h->taken % h->cap);

	page_stats(&ps);
	h->time_ms[i] = now_ms;
	h->free[i] = si_hist_u32(ps.free + ps.cached);
	for (uint32_t t = 0; t < h->ntags; t++) {
		struct tag_stat ts;
		if (tag_stat_get((int)t, &ts) < 0)
			memset(&ts, 0, sizeof(ts));
		h->bytes[(size_t)t * h->cap + i] = si_hist_u32(ts.bytes);
		h->pages[(size_t)t * h->cap + i] = si_hist_u32(ts.pages);
	}
	h->taken++;
}

/* Samples in h, and the ring index of the oldest. */
static uint32_t si_hist_span(const struct si_hist *h, uint32_t *first)
{
	uint32_t n = h->taken < h->cap ? (uint32_t)h->taken : h->cap;
	*first = h->taken < h->cap ? 0 : (uint32_t)(h->taken % h->cap);
	return n;
}

/* Did tag t hold anything at any sample of h? */
static bool si_hist_used(const struct si_hist *h, uint32_t t)
{
	const uint32_t *b = &h->bytes[(size_t)t * h->cap];
	const uint32_t *p = &h->pages[(size_t)t * h->cap];
	uint32_t first, n = si_hist_span(h, &first);

	for (uint32_t k = 0; k < n; k++) {
		uint32_t i = (first + k) % h->cap;
		if (b[i] || p[i])
			return true;
	}
	return false;
}

/* One tag's SERIES and its SAMPLEs, oldest first. */
static void si_hist_series(struct si_stream *st, const struct si_hist *h, uint32_t t)
{
	struct si_series s;
	uint32_t first, n = si_hist_span(h, &first);

	memset(&s, 0, sizeof(s));
	si_tagname(s.name, (int)t);
	s.slot = t;
	s.interval_ms = SI_HIST_INTERVAL_MS;
	s.samples = n;
	s.capacity = h->cap;
	s.oldest_ms = n ? h->time_ms[first] : 0;
	s.taken = h->taken;
	si_put(st, SI_REC_SERIES, &s, sizeof(s));
	for (uint32_t k = 0; k < n; k++) {
		uint32_t i = (first + k) % h->cap;
		struct si_sample r = {
			.time_ms = h->time_ms[i],
			.bytes = h->bytes[(size_t)t * h->cap + i],
			.pages = h->pages[(size_t)t * h->cap + i],
			.free_pages = h->free[i],
		};
		si_put(st, SI_REC_SAMPLE, &r, sizeof(r));
	}
}

/* The HISTORY reply: tag slot arg's series, or (arg -1) that of every
 * tag that held anything in the ring's span. 0, -ENOENT (a slot the
 * ring has no column for), -ENOMEM (no ring: it could not be made). */
int si_hist_reply(struct si_stream *st, const struct si_hist *h, int32_t arg)
{
	if (!h->cap)
		return -ENOMEM;
	if (arg >= 0) {
		if ((uint32_t)arg >= h->ntags)
			return -ENOENT;
		si_hist_series(st, h, (uint32_t)arg);
		return 0;
	}
	if (arg != -1)
		return -ENOENT;
	for (uint32_t t = 0; t < h->ntags; t++)
		if (si_hist_used(h, t))
			si_hist_series(st, h, t);
	return 0;
}

/* Make the service's ring (bootarg si_history=N: N samples) and take
 * its first sample; said on the console if it cannot be made. */
void si_history_start(void)
{
	unsigned long cap = 0;

	if (bootarg_num("si_history", 2, SI_HIST_CAP_MAX, &cap) < 0)
		kprintf("sysinfo: si_history: not a sample count from 2 to %u; the default ring\n",
			SI_HIST_CAP_MAX);
	int r = si_hist_make(&si_history_ring, (uint32_t)cap);
	if (r < 0) {
		kprintf("sysinfo: no history ring (%d)\n", r);
		return;
	}
	si_history_ring.next_tick = timer_ticks();
}

/* The tick of the service's next sample (UINT64_MAX: no ring). */
uint64_t si_history_due(void)
{
	return si_history_ring.cap ? si_history_ring.next_tick : UINT64_MAX;
}

/* Take the service's sample if it is due; the next is planned an
 * interval after the last plan, or after now when the thread was kept
 * from sampling for longer than an interval (none is made up). */
void si_history_poll(void)
{
	struct si_hist *h = &si_history_ring;
	uint64_t now = timer_ticks();
	uint64_t step = (uint64_t)SI_HIST_INTERVAL_MS * TICK_HZ / 1000;

	if (!h->cap || now < h->next_tick)
		return;
	si_hist_take(h, timer_ms());
	h->next_tick += step;
	if (h->next_tick <= now)
		h->next_tick = now + step;
}
