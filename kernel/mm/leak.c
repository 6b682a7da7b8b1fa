/* The leak scan: a conservative mark over the kernel's roots, then a
 * sweep of the heap for live blocks nothing reached (docs/memory.md,
 * "Leak scan"; include/kernel/leak.h).
 *
 * With the other harts parked (smp_stop_others) and every heap cache
 * lock and heap.lock held, nothing allocates, frees or moves a pointer.
 * The roots are read a word at a time (8-byte aligned): .data and .bss
 * (but the heap's own state, heap and heap_cache, and the boot stack,
 * read as a stack), the live part of every kernel stack (from its saved
 * or current sp to its top: that holds the trap frames and the parked
 * harts' registers), every process's trap frame, and the registers the
 * parked harts and this one saved. A word marks the live block whose
 * payload it points into, interior pointers included (not the 8-byte
 * header: only the heap keeps those). Marked blocks are read in turn,
 * from a work list; when it overflows, the marked blocks
 * are read again until a pass marks nothing new. The mark bits and the
 * work list are in pages taken before the harts stop (never heap
 * blocks), one bit per heap granule as the heap's own bitmaps.
 * Blocks in the harts' caches are free, and free blocks are never read.
 * Guarded blocks (heap_guard.c: a page each, outside the arenas) are
 * marked, read and swept as well; bookkeeping declared LEAK_NOT_ROOT
 * (the guard slots, the ring of recent frees) is no root.
 */
#include "heap_internal.h"
#include <kernel/leak.h>
#include <kernel/mm_debug.h>
#include <kernel/smp.h>
#include <kernel/cpu.h>
#include <kernel/proc.h>
#include <kernel/trap.h>
#include <kernel/page.h>
#include <kernel/tag.h>
#include <kernel/timer.h>
#include <kernel/riscv.h>
#include <lib/string.h>
#include <uapi/errno.h>

#define KSTACK_SIZE (KSTACK_PAGES * PAGE_SIZE)

/* A scan's working memory, one page block of LEAK_ORDER (64 KiB): pages,
 * so nothing in it is a heap block. The work list takes what the mark
 * bits (32 KiB) leave: about 4,000 entries. */
struct leak_scratch {
	uint64_t mark[HEAP_MAX_ARENAS][HEAP_MAP_WORDS];  /* block starts reached */
	size_t nwork;
	bool overflow;                  /* a mark found the work list full */
	const struct smp_stopped *self; /* this hart's registers */
	uintptr_t lo, span;             /* the arenas lie in [lo, lo + span) */
	uintptr_t xlo, xspan;           /* ... and the guarded blocks here */
	struct leak_extra extra[MM_GUARD_SLOTS];   /* the guarded blocks */
	int nextra;
	struct leak_summary sum;
	uintptr_t work[];               /* headers to read */
};

#define LEAK_ORDER 4
#define LEAK_WORK  (((PAGE_SIZE << LEAK_ORDER) - sizeof(struct leak_scratch)) / \
		    sizeof(uintptr_t))
_Static_assert(LEAK_WORK >= 1024, "a work list of some length");

extern char __data_start[], __bss_end[], __leak_noscan_start[], __leak_noscan_end[];

/* Index of the lowest set bit of x (not 0): a de Bruijn multiply, as
 * the kernel is built without Zbb and without libgcc's __ctzdi2. */
static unsigned leak_ctz(uint64_t x)
{
	static const uint8_t pos[64] = {
		0, 1, 2, 53, 3, 7, 54, 27, 4, 38, 41, 8, 34, 55, 48, 28,
		62, 5, 39, 46, 44, 42, 22, 9, 24, 35, 59, 56, 49, 18, 29, 11,
		63, 52, 6, 26, 37, 40, 33, 47, 61, 45, 43, 21, 23, 58, 17, 10,
		51, 25, 36, 32, 60, 20, 57, 16, 50, 31, 19, 15, 30, 14, 13, 12,
	};

	return pos[((x & -x) * 0x022fdd63cc95386dULL) >> 58];
}

/* The header of the live block whose payload holds address w, or 0 (no
 * arena, a free or cached block, the header itself). The block holding
 * granule g starts at g rounded down to its order, and no granule
 * between that start and g starts a block: the first start bit found
 * rounding g down by 1, 2, 4, ... granules is the block's. Caller holds
 * heap.lock. */
static uintptr_t leak_block_of(uintptr_t w, struct heap_arena **ap)
{
	struct heap_arena *a = heap_arena_of(w);

	if (!a || !a->base || w - a->base >= HEAP_ARENA_SIZE)
		return 0;
	size_t g = (w - a->base) >> HEAP_MIN_SHIFT;
	for (unsigned k = 0; k <= HEAP_TOP; k++) {
		size_t s = g & ~(((size_t)1 << k) - 1);
		if (heap_bit(a->free, s))
			return 0;
		if (!heap_bit(a->used, s))
			continue;
		uintptr_t blk = a->base + (s << HEAP_MIN_SHIFT);
		union heap_word hw = { .w = *(uint64_t *)blk };
		if (heap_word_cached(hw.w) || hw.h.order > HEAP_TOP ||
		    s + ((size_t)1 << hw.h.order) <= g || w < blk + HEAP_HDR_SIZE)
			return 0;
		*ap = a;
		return blk;
	}
	return 0;
}

/* Mark the block w points into, if any, and queue it to be read. */
static void leak_mark(struct leak_scratch *ls, uintptr_t w)
{
	struct heap_arena *a;
	uintptr_t blk = leak_block_of(w, &a);

	if (!blk)
		return;
	uint64_t *map = ls->mark[a - heap.arena];
	size_t g = (blk - a->base) >> HEAP_MIN_SHIFT;
	if (heap_bit(map, g))
		return;
	map[g >> 6] |= 1ULL << (g & 63);
	if (ls->nwork < LEAK_WORK)
		ls->work[ls->nwork++] = blk;
	else
		ls->overflow = true;
}

/* Mark the guarded block w points into, if any: read later, by
 * leak_scan_extra (a few blocks at most). */
static void leak_mark_extra(struct leak_scratch *ls, uintptr_t w)
{
	for (int i = 0; i < ls->nextra; i++) {
		struct leak_extra *x = &ls->extra[i];
		if (w >= x->p && w < x->p + MAX(x->req, 1u))
			x->marked = true;
	}
}

/* Read the words of [lo, hi) as possible pointers; most point nowhere
 * near the arenas and cost a compare. */
static void leak_scan_range(struct leak_scratch *ls, uintptr_t lo, uintptr_t hi)
{
	uintptr_t base = ls->lo, span = ls->span, xlo = ls->xlo, xspan = ls->xspan;

	lo = (lo + 7) & ~7UL;
	for (uintptr_t p = lo; p + 8 <= hi; p += 8) {
		uintptr_t w = *(const uintptr_t *)p;
		if (w - base < span)
			leak_mark(ls, w);
		else if (w - xlo < xspan)
			leak_mark_extra(ls, w);
	}
}

/* Read the guarded blocks marked since the last call; false if none. */
static bool leak_scan_extra(struct leak_scratch *ls)
{
	bool any = false;

	for (int i = 0; i < ls->nextra; i++) {
		struct leak_extra *x = &ls->extra[i];
		if (x->marked && !x->scanned) {
			x->scanned = any = true;
			leak_scan_range(ls, x->p, x->p + x->req);
		}
	}
	return any;
}

/* Where the arenas and the guarded blocks lie, for leak_scan_range's
 * first tests. */
static void leak_bounds(struct leak_scratch *ls)
{
	uintptr_t lo = UINTPTR_MAX, hi = 0;

	ls->nextra = mm_guard_live_blocks(ls->extra, MM_GUARD_SLOTS);
	for (int i = 0; i < ls->nextra; i++) {
		lo = MIN(lo, ls->extra[i].p);
		hi = MAX(hi, ls->extra[i].p + MAX(ls->extra[i].req, 1u));
	}
	ls->xlo = lo;
	ls->xspan = hi > lo ? hi - lo : 0;
	lo = UINTPTR_MAX;
	hi = 0;

	for (int i = 0; i < HEAP_MAX_ARENAS; i++)
		if (heap.arena[i].base) {
			lo = MIN(lo, heap.arena[i].base);
			hi = MAX(hi, heap.arena[i].base + HEAP_ARENA_SIZE);
		}
	ls->lo = lo;
	ls->span = hi > lo ? hi - lo : 0;
}

/* Read a marked block's payload: the bytes its caller asked for. */
static void leak_scan_block(struct leak_scratch *ls, uintptr_t blk)
{
	const struct heap_hdr *h = (const struct heap_hdr *)blk;
	size_t len = MIN((size_t)h->req, (HEAP_MIN_BLOCK << h->order) - HEAP_HDR_SIZE);

	leak_scan_range(ls, blk + HEAP_HDR_SIZE, blk + HEAP_HDR_SIZE + len);
}

/* Read the queued blocks, and what they mark, until none is left. */
static void leak_drain(struct leak_scratch *ls)
{
	while (ls->nwork)
		leak_scan_block(ls, ls->work[--ls->nwork]);
}

/* After an overflow: read every marked block again, until a pass ends
 * with no overflow (each pass with one marked a block more). */
static void leak_rescan(struct leak_scratch *ls)
{
	while (ls->overflow) {
		ls->overflow = false;
		for (int i = 0; i < HEAP_MAX_ARENAS; i++) {
			struct heap_arena *a = &heap.arena[i];
			for (size_t wi = 0; a->base && wi < HEAP_MAP_WORDS; wi++)
				for (uint64_t m = ls->mark[i][wi]; m; m &= m - 1) {
					size_t g = wi * 64 + leak_ctz(m);
					leak_scan_block(ls, a->base + (g << HEAP_MIN_SHIFT));
					leak_drain(ls);
				}
		}
	}
}

/* Where the live part of the stack [lo, lo + KSTACK_SIZE) starts: the sp
 * of a hart running on it now (this one, or a parked one), else its
 * saved sp, else its bottom (a stack being set up: all of it). */
static uintptr_t leak_stack_live(struct leak_scratch *ls, uintptr_t lo, uintptr_t saved)
{
	uintptr_t hi = lo + KSTACK_SIZE;

	if (ls->self->sp >= lo && ls->self->sp < hi)
		return ls->self->sp;
	for (int i = 0; i < NCPU; i++)
		if (smp_is_stopped(i) && smp_stopped[i].sp >= lo && smp_stopped[i].sp < hi)
			return smp_stopped[i].sp;
	return saved >= lo && saved < hi ? saved : lo;
}

/* Read the live part of one kernel stack. */
static void leak_scan_stack(struct leak_scratch *ls, uintptr_t lo, uintptr_t saved)
{
	uintptr_t from = leak_stack_live(ls, lo, saved);

	leak_scan_range(ls, from, lo + KSTACK_SIZE);
	ls->sum.root_bytes += lo + KSTACK_SIZE - from;
}

/* Read [lo, hi) but the ranges in skip (sorted, disjoint, n of them). */
static void leak_scan_except(struct leak_scratch *ls, uintptr_t lo, uintptr_t hi,
			     const uintptr_t (*skip)[2], int n)
{
	for (int i = 0; i < n && lo < hi; i++) {
		if (skip[i][1] <= lo || skip[i][0] >= hi)
			continue;
		leak_scan_range(ls, lo, skip[i][0]);
		ls->sum.root_bytes += skip[i][0] > lo ? skip[i][0] - lo : 0;
		lo = skip[i][1];
	}
	if (lo < hi) {
		leak_scan_range(ls, lo, hi);
		ls->sum.root_bytes += hi - lo;
	}
}

/* Mark from every root. Caller has the harts parked and the heap locked. */
static void leak_mark_roots(struct leak_scratch *ls)
{
	uintptr_t boot = smp_stack_top[0] - KSTACK_SIZE;
	uintptr_t skip[4][2] = {        /* in address order below */
		{ (uintptr_t)&heap, (uintptr_t)(&heap + 1) },
		{ (uintptr_t)heap_cache, (uintptr_t)(heap_cache + NCPU) },
		{ boot, smp_stack_top[0] },
		{ (uintptr_t)__leak_noscan_start, (uintptr_t)__leak_noscan_end },
	};

	for (int i = 1; i < 4; i++)     /* insertion sort of four */
		for (int j = i; j > 0 && skip[j][0] < skip[j - 1][0]; j--) {
			uintptr_t t0 = skip[j][0], t1 = skip[j][1];
			skip[j][0] = skip[j - 1][0];
			skip[j][1] = skip[j - 1][1];
			skip[j - 1][0] = t0;
			skip[j - 1][1] = t1;
		}
	leak_scan_except(ls, (uintptr_t)__data_start, (uintptr_t)__bss_end,
			 (const uintptr_t (*)[2])skip, 4);
	leak_scan_range(ls, (uintptr_t)ls->self, (uintptr_t)(ls->self + 1));
	for (int i = 0; i < NCPU; i++)
		if (smp_stack_top[i])
			leak_scan_stack(ls, smp_stack_top[i] - KSTACK_SIZE, cpus[i].sched_ctx.sp);
	for (int i = 0; proc_table && i < PROC_MAX; i++) {
		struct proc *p = &proc_table[i];
		if (p->state == P_UNUSED || !p->kstack)
			continue;
		leak_scan_stack(ls, (uintptr_t)p->kstack, p->ctx.sp);
		if (p->tf)
			leak_scan_range(ls, (uintptr_t)p->tf, (uintptr_t)(p->tf + 1));
	}
	do {
		leak_drain(ls);
		leak_rescan(ls);
	} while (leak_scan_extra(ls));
}

/* Count one unmarked block (its site, tag, bytes, the pointer kmalloc
 * returned) under its site in out[0..max). */
static void leak_report(struct leak_scratch *ls, unsigned site, int tag, size_t bytes,
			uintptr_t p, struct leak_site *out, size_t max)
{
	size_t i;

	ls->sum.leaks++;
	ls->sum.leak_bytes += bytes;
	for (i = 0; i < ls->sum.sites && i < max; i++)
		if (out[i].site == site)
			break;
	if (i == ls->sum.sites) {
		ls->sum.sites++;
		if (i >= max) {
			ls->sum.sites_dropped++;
			return;
		}
		out[i] = (struct leak_site){ .site = site, .tag = tag, .sample = p };
	} else if (i >= max) {
		return;                 /* a site already dropped */
	}
	out[i].count++;
	out[i].bytes += bytes;
}

/* Walk every used block: unmarked ones are leaks. */
static void leak_sweep(struct leak_scratch *ls, struct leak_site *out, size_t max)
{
	for (int i = 0; i < HEAP_MAX_ARENAS; i++) {
		struct heap_arena *a = &heap.arena[i];
		for (size_t wi = 0; a->base && wi < HEAP_MAP_WORDS; wi++)
			for (uint64_t u = a->used[wi]; u; u &= u - 1) {
				size_t g = wi * 64 + leak_ctz(u);
				uintptr_t blk = a->base + (g << HEAP_MIN_SHIFT);
				union heap_word hw = { .w = *(uint64_t *)blk };
				if (heap_word_cached(hw.w))
					continue;
				ls->sum.blocks++;
				ls->sum.block_bytes += HEAP_MIN_BLOCK << hw.h.order;
				if (!heap_bit(ls->mark[i], g))
					leak_report(ls, hw.h.site, hw.h.tag,
						    HEAP_MIN_BLOCK << hw.h.order,
						    blk + HEAP_HDR_SIZE, out, max);
			}
	}
	for (int i = 0; i < ls->nextra; i++) {
		const struct leak_extra *x = &ls->extra[i];
		ls->sum.blocks++;
		ls->sum.block_bytes += x->bytes;
		if (!x->marked)
			leak_report(ls, x->site, x->tag, x->bytes, x->p, out, max);
	}
}

/* Most bytes first (insertion sort: a few sites). */
static void leak_sort(struct leak_site *out, size_t n)
{
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && out[j].bytes > out[j - 1].bytes; j--) {
			struct leak_site t = out[j];
			out[j] = out[j - 1];
			out[j - 1] = t;
		}
}

/* The scan proper, harts parked: lock the heap, mark, sweep, unlock. */
static void leak_locked(struct leak_scratch *ls, struct leak_site *out, size_t max)
{
	for (int c = 0; c < NCPU; c++)          /* in hart order, as heap_check */
		spin_lock_raw(&heap_cache[c].lock);
	spin_lock(&heap.lock);
	leak_bounds(ls);
	leak_mark_roots(ls);
	leak_sweep(ls, out, max);
	spin_unlock(&heap.lock);
	for (int c = NCPU - 1; c >= 0; c--)
		spin_unlock_raw(&heap_cache[c].lock);
}

/* Not inlined: its frame holds only self and what its callers left in
 * the callee-saved registers, read as part of this stack. */
__attribute__((noinline)) int leak_scan(struct leak_site *out, size_t max,
					struct leak_summary *sum)
{
	struct smp_stopped self;
	struct leak_scratch *ls;
	int rc;

	smp_save_regs(&self);
	ls = page_alloc(LEAK_ORDER, 0, TAG_SVC);
	if (!ls)
		return -ENOMEM;
	memset(ls, 0, sizeof(*ls));
	ls->self = &self;
	push_off();
	uint64_t t0 = rdtime();
	rc = smp_stop_others(LEAK_STOP_MS);
	if (rc == 0) {
		for (int i = 0; i < NCPU; i++)
			ls->sum.harts += smp_is_stopped(i);
		leak_locked(ls, out, max);
		smp_release_others();
		ls->sum.usecs = (rdtime() - t0) * 1000000 / timer_timebase();
		leak_sort(out, MIN(ls->sum.sites, max));
		*sum = ls->sum;
	}
	pop_off();
	page_free(ls, 0);
	return rc;
}
