/* sysinfo answers from the allocation history (mm_audit): SI_REQ_AUDIT,
 * the newest events through a filter, and SI_REQ_WHATIS, what an
 * address is and that block's events (mem -a, mem -x).
 *
 * The events are copied out of the ring into a TAG_TRAC buffer first
 * (mm_audit_read takes no lock), and only those numbered before the
 * request was taken up: building the reply kmallocs too, and those
 * events would otherwise show in it (the state record's count says
 * where the reply's history ends).
 */
#include "sysinfo_internal.h"
#include <kernel/mm_audit.h>
#include <kernel/heap.h>
#include <kernel/tag.h>
#include <kernel/alloc_site.h>
#include <kernel/ksym.h>
#include <kernel/timer.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include <uapi/tags.h>

/* time CSR ticks to microseconds since boot. */
static uint64_t sa_us(uint64_t t)
{
	uint64_t hz = timer_timebase();

	return hz ? t / hz * 1000000 + t % hz * 1000000 / hz : 0;
}

/* One EVENT record from a ring event. */
static void sa_event(struct si_stream *st, const struct mm_audit_event *e)
{
	struct si_event r;
	uintptr_t off;

	memset(&r, 0, sizeof(r));
	r.seq = e->seq - 1;
	r.addr = e->addr;
	r.time_us = sa_us(e->time);
	r.ra = e->ra;
	r.size = e->size;
	r.pid = e->pid;
	r.owner = e->owner;
	r.op = e->op;
	r.hart = e->hart;
	r.order = e->order;
	si_tagname(r.tag, e->tag);
#ifndef MM_NO_ACCOUNTING
	if (e->site && e->site <= alloc_site_count()) {
		const struct alloc_site *s = alloc_site_at(e->site);
		r.line = s->line;
		si_strfield(r.file, sizeof(r.file), s->file, true);
	}
#endif
	si_strfield(r.sym, sizeof(r.sym), ksym_lookup(e->ra, &off), true);
	si_put(st, SI_REC_EVENT, &r, sizeof(r));
}

/* Up to max events passing f, newest first, as EVENT records. */
static int sa_events(struct si_stream *st, const struct mm_audit_filter *f, size_t max)
{
	/* a transient copy of the ring's events: TRAC */
	struct mm_audit_event *ev = kmalloc(max * sizeof(*ev), TAG_TRAC);
	size_t n;

	if (!ev)
		return -ENOMEM;
	n = mm_audit_read(f, ev, max);
	for (size_t i = 0; i < n; i++)
		sa_event(st, &ev[i]);
	kfree(ev);
	return 0;
}

/* SI_REQ_AUDIT: the filter in arg and reserved (uapi/sysinfo.h). */
int si_audit(struct si_stream *st, int32_t arg, uint32_t spec)
{
	struct mm_audit_filter f = { .tag = -1, .pid = -1, .before = mm_audit_mark() };
	struct mm_audit_stats as;
	size_t max = spec & 0xffff;

	mm_audit_stats(&as);
	if (!as.on)
		return -ENOENT;
	switch (spec >> 16) {
	case SI_AUDIT_ALL:
		break;
	case SI_AUDIT_PID:
		if (arg < 0)
			return -EINVAL;
		f.pid = arg;
		break;
	case SI_AUDIT_TAG: {
		char name[5];
		for (int i = 0; i < 4; i++)
			name[i] = TAG_CHAR((uint32_t)arg, i);
		name[4] = '\0';
		f.tag = tag_lookup(name);
		if (f.tag < 0)
			return -EINVAL;         /* no such tag */
		break;
	}
	default:
		return -EINVAL;
	}
	struct si_event r;
	memset(&r, 0, sizeof(r));
	r.op = SI_EV_STATE;
	r.seq = as.recorded;
	r.size = as.events;
	r.pid = (int32_t)as.table_used;
	r.owner = (int32_t)as.table_cap;
	r.addr = as.ring_bytes;
	r.ra = as.table_bytes;
	r.time_us = as.drops;
	r.line = (uint32_t)as.lost;
	si_put(st, SI_REC_EVENT, &r, sizeof(r));
	if (!max)
		max = SI_EVENTS_DEFAULT;
	return sa_events(st, &f, MIN(max, (size_t)SI_EVENTS_MAX));
}

/* Who-alloc and who-free from the side table, if it knows the block. */
static void sa_who(struct si_whatis *r, uintptr_t key)
{
	struct mm_audit_block b;

	if (mm_audit_block_get(key, &b) < 0)
		return;
	uintptr_t off;

	if (b.alloc.time) {
		r->alloc_us = sa_us(b.alloc.time);
		r->alloc_pid = b.alloc.pid;
		r->alloc_hart = b.alloc.hart;
		r->alloc_ra = b.alloc.ra;
		si_strfield(r->alloc_sym, sizeof(r->alloc_sym), ksym_lookup(b.alloc.ra, &off),
			    true);
	}
	if (b.free.time) {
		r->free_us = sa_us(b.free.time);
		r->free_pid = b.free.pid;
		r->free_hart = b.free.hart;
		r->free_ra = b.free.ra;
		si_strfield(r->free_sym, sizeof(r->free_sym), ksym_lookup(b.free.ra, &off),
			    true);
	}
}

/* SI_REQ_WHATIS: the address is arg (low half) and spec (high half). */
int si_whatis(struct si_stream *st, int32_t arg, uint32_t spec)
{
	uintptr_t addr = (uintptr_t)(uint32_t)arg | (uintptr_t)spec << 32;
	uint64_t mark = mm_audit_mark();        /* this reply's own kmallocs come after */
	struct mm_audit_stats as;
	struct mm_whatis w;
	struct si_whatis r;

	mm_whatis(addr, &w);
	mm_audit_stats(&as);
	memset(&r, 0, sizeof(r));
	r.addr = addr;
	r.base = w.base;
	r.size = w.size;
	r.offset = (int64_t)(addr - w.base);
	r.kind = (uint8_t)w.kind;
	r.state = (uint8_t)w.state;
	r.order = (uint8_t)w.order;
	r.audit = as.events != 0;
	si_tagname(r.tag, w.tag);
	r.pid = w.pid;
	r.line = w.line;
	r.req = w.req;
	si_strfield(r.file, sizeof(r.file), w.file, true);
	si_strfield(r.name, sizeof(r.name), w.name, true);
	r.alloc_pid = r.free_pid = -1;
	if (w.kind == MM_WHAT_HEAP || w.kind == MM_WHAT_PAGE || w.kind == MM_WHAT_STACK)
		sa_who(&r, w.base);
	si_put(st, SI_REC_WHATIS, &r, sizeof(r));
	if (!r.audit || !(w.kind == MM_WHAT_HEAP || w.kind == MM_WHAT_PAGE ||
			  w.kind == MM_WHAT_STACK))
		return 0;
	/* a heap block's events name its payload; a page block's, its start
	 * (and those of smaller blocks that started inside it) */
	struct mm_audit_filter f = { .tag = -1, .pid = -1, .lo = w.base,
				     .hi = w.kind == MM_WHAT_HEAP ? w.base + 1 : w.base + w.size,
				     .before = mark };
	return sa_events(st, &f, SI_WHATIS_EVENTS);
}
