/* sysinfo's history ring (kernel/svc/sysinfo_history.c): a ring of the
 * test's own, filled by hand, answered as a HISTORY reply; the cost of
 * one sample; and the service's own ring sampling on its clock. */
#include "ktest.h"
#include <kernel/heap.h>
#include <kernel/tag.h>
#include <kernel/timer.h>
#include <kernel/riscv.h>
#include <kernel/printf.h>
#include <kernel/proc.h>
#include <kernel/sysinfo.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include "../svc/sysinfo_internal.h"

/* What a HISTORY reply in st holds: series and samples counted, and the
 * first series and the times of its first and last samples. */
struct hist_seen {
	int series, samples;
	struct si_series first;
	uint64_t t_first, t_last;
	uint64_t bytes_last;
};

/* Walk the messages of a built reply. */
static void hist_walk(struct si_stream *st, struct hist_seen *s)
{
	const void *msg;
	size_t len;

	memset(s, 0, sizeof(*s));
	while (si_next(st, &msg, &len)) {
		const struct si_msg_hdr *h = msg;
		const uint8_t *rec = (const uint8_t *)(h + 1);
		for (unsigned i = 0; h->type != SI_REC_END && i < h->count; i++, rec += h->rec_size) {
			if (h->type == SI_REC_SERIES) {
				if (!s->series++)
					memcpy(&s->first, rec, sizeof(s->first));
			} else if (h->type == SI_REC_SAMPLE && s->series == 1) {
				const struct si_sample *r = (const void *)rec;
				if (!s->samples)
					s->t_first = r->time_ms;
				s->t_last = r->time_ms;
				s->bytes_last = r->bytes;
				s->samples++;
			}
		}
		si_advance(st);
	}
}

/* A ring of 4 sampled 6 times keeps the newest 4, oldest first; its
 * memory is one HIST block that taking samples never changes. */
KTEST(sysinfo_history_ring)
{
	struct si_hist h;
	struct si_stream st;
	struct hist_seen s;
	struct tag_stat before, after;

	tag_stat_get(TAG_HIST, &before);
	KT_EQ(si_hist_make(&h, 4), 0);
	tag_stat_get(TAG_HIST, &after);
	KT_EQ(after.live, before.live + 1);
	for (int i = 1; i <= 6; i++)
		si_hist_take(&h, 1000 * (uint64_t)i);
	struct tag_stat full;
	tag_stat_get(TAG_HIST, &full);
	KT_EQ(full.bytes, after.bytes);

	si_stream_init(&st, SI_REQ_HISTORY);
	KT_EQ(si_hist_reply(&st, &h, TAG_HEAP), 0);
	si_finish(&st, 0);
	hist_walk(&st, &s);
	si_stream_free(&st);
	KT_EQ(s.series, 1);
	KT_EQ(s.samples, 4);
	KT_EQ(s.first.slot, TAG_HEAP);
	KT_ASSERT(!memcmp(s.first.name, "HEAP", 4));
	KT_EQ(s.first.capacity, 4);
	KT_EQ(s.first.taken, 6);
	KT_EQ(s.first.interval_ms, SI_HIST_INTERVAL_MS);
	KT_EQ(s.first.oldest_ms, 3000);
	KT_EQ(s.t_first, 3000);
	KT_EQ(s.t_last, 6000);

	/* every tag that held anything: HEAP at least, never an unused one */
	si_stream_init(&st, SI_REQ_HISTORY);
	KT_EQ(si_hist_reply(&st, &h, -1), 0);
	si_finish(&st, 0);
	hist_walk(&st, &s);
	si_stream_free(&st);
	KT_ASSERT(s.series >= 2 && s.series <= tag_count());

	si_stream_init(&st, SI_REQ_HISTORY);
	KT_EQ(si_hist_reply(&st, &h, TAG_MAX), -ENOENT);
	KT_EQ(si_hist_reply(&st, &h, -2), -ENOENT);
	si_stream_free(&st);
	si_hist_free(&h);
	tag_stat_get(TAG_HIST, &after);
	KT_EQ(after.bytes, before.bytes);
	KT_EQ(si_hist_make(&h, 1), -EINVAL);
	KT_EQ(si_hist_make(&h, SI_HIST_CAP_MAX + 1), -EINVAL);
}

/* What one sample costs, on a default-sized ring. */
KTEST(sysinfo_history_cost)
{
	struct si_hist h;
	enum { N = 1000 };

	KT_EQ(si_hist_make(&h, 0), 0);
	KT_ASSERT(h.cap >= 2);
	uint64_t t0 = rdtime();
	for (int i = 0; i < N; i++)
		si_hist_take(&h, (uint64_t)i);
	uint64_t dt = rdtime() - t0;
	uint64_t ns = dt * 1000000000ull / timer_timebase() / N;
	kprintf("ktest: sysinfo_history_cost: %u samples of %u tags in %lu bytes; "
		"one sample %lu ns\n", h.cap, h.ntags,
		(unsigned long)(h.cap * SI_HIST_SAMPLE_BYTES(h.ntags)), (unsigned long)ns);
	si_hist_free(&h);
}

/* The service's ring samples about once per interval whether or not
 * anyone asks, and with a small ring (bootarg si_history=4, which the
 * scenario sets) wraps with its HIST bytes unchanged. Explicit: it
 * starts the service (a ktest boot has none) and sleeps 4.5 s. */
KTEST_EXPLICIT(sysinfo_history_clock)
{
	struct si_hist *h = &si_history_ring;
	struct tag_stat a, b;

	sysinfo_start();                     /* a ktest boot starts no service */
	proc_sleep_ms(100);
	KT_ASSERT(h->cap >= 2);
	uint64_t n0 = __atomic_load_n(&h->taken, __ATOMIC_RELAXED);
	tag_stat_get(TAG_HIST, &a);
	uint64_t t0 = timer_ms();
	proc_sleep_ms(4500);
	uint64_t n1 = __atomic_load_n(&h->taken, __ATOMIC_RELAXED);
	uint64_t dt = timer_ms() - t0;
	tag_stat_get(TAG_HIST, &b);
	kprintf("ktest: sysinfo_history_clock: %lu samples in %lu ms, ring of %u\n",
		(unsigned long)(n1 - n0), (unsigned long)dt, h->cap);
	KT_ASSERT(n1 - n0 >= 4 && n1 - n0 <= 5);
	KT_EQ(b.bytes, a.bytes);
	KT_EQ(b.live, a.live);
	if (h->cap == 4)
		KT_ASSERT(n1 > h->cap);      /* it wrapped */
}
