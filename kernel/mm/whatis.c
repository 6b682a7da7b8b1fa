/* What is this kernel address? A heap block (used, free or cached; a
 * guarded one of mm_debug=guard), a page block (its owner, tag and order; a kernel stack), kernel text (a
 * symbol) or the rest of the kernel image: mem -x's answer, like
 * illumos ::whatis. The history of the block (mm_audit) is the caller's
 * to add (kernel/svc/sysinfo_audit.c). */
#include "heap_internal.h"
#include "page_internal.h"
#include <kernel/mm_audit.h>
#include <kernel/mm_debug.h>
#include <kernel/alloc_site.h>
#include <kernel/ksym.h>
#include <kernel/proc.h>
#include <kernel/vm.h>
#include <lib/string.h>

/* The kernel image: text by symbol, the other sections by name. */
static bool whatis_image(uintptr_t x, struct mm_whatis *out)
{
	static const struct { const char *name; char *lo, *hi; } sec[] = {
		{ "kernel text", __text_start, __text_end },
		{ "kernel rodata", __rodata_start, __rodata_end },
		{ "kernel data/bss", __data_start, __kernel_end },
	};
	uintptr_t off;

	if (x < (uintptr_t)__kernel_start || x >= (uintptr_t)__kernel_end)
		return false;
	out->kind = MM_WHAT_IMAGE;
	out->name = "kernel image";
	out->base = (uintptr_t)__kernel_start;
	out->size = (uintptr_t)__kernel_end - (uintptr_t)__kernel_start;
	for (size_t i = 0; i < ARRAY_SIZE(sec); i++)
		if (x >= (uintptr_t)sec[i].lo && x < (uintptr_t)sec[i].hi) {
			out->name = sec[i].name;
			out->base = (uintptr_t)sec[i].lo;
			out->size = (uintptr_t)sec[i].hi - (uintptr_t)sec[i].lo;
		}
	const char *sym = ksym_lookup(x, &off);      /* text only */
	if (sym) {
		out->kind = MM_WHAT_SYMBOL;
		out->name = sym;
		out->base = x - off;
		out->size = 0;
	}
	return true;
}

/* The heap block holding x, found from the bitmaps alone: the nearest
 * granule at or below x where a used or free block starts. Takes
 * heap.lock. */
static bool whatis_heap(uintptr_t x, struct mm_whatis *out)
{
	struct heap_arena *a;
	bool found = false;

	spin_lock(&heap.lock);
	a = heap_arena_of(x);
	if (a && a->base && x >= a->base && x < a->base + HEAP_ARENA_SIZE) {
		size_t g = (x - a->base) >> HEAP_MIN_SHIFT;
		while (g && !heap_bit(a->used, g) && !heap_bit(a->free, g))
			g--;
		uintptr_t blk = a->base + (g << HEAP_MIN_SHIFT);
		union heap_word w = *(const union heap_word *)blk;
		unsigned order = 0;
		found = true;
		out->kind = MM_WHAT_HEAP;
		if (heap_bit(a->free, g)) {
			out->state = MM_WS_FREE;
			order = ((const struct heap_free *)blk)->order;
		} else if (heap_word_cached(w.w)) {
			out->state = MM_WS_CACHED;
			order = w.h.order;
		} else if (heap_bit(a->used, g)) {
			out->state = MM_WS_USED;
			order = w.h.order;
			out->tag = w.h.tag;
			out->req = w.h.req;
#ifndef MM_NO_ACCOUNTING
			if (w.h.site && w.h.site <= alloc_site_count()) {
				const struct alloc_site *s = alloc_site_at(w.h.site);
				out->file = s->file;
				out->func = s->func;
				out->line = s->line;
			}
#endif
		}
		if (order > HEAP_TOP || x >= blk + (HEAP_MIN_BLOCK << order))
			out->state = MM_WS_NONE;        /* a smashed header */
		out->order = order;
		out->base = blk + HEAP_HDR_SIZE;
		out->size = (HEAP_MIN_BLOCK << order) - HEAP_HDR_SIZE;
		out->name = "heap";
	}
	spin_unlock(&heap.lock);
	return found;
}

/* A guarded heap block (mm_debug=guard): the live one at or below x
 * within two pages, its own and the guard page after it (a block ends
 * against its guard page). 8-byte steps, at most 1024 guard_lock round
 * trips: a rare question. True if x is in the guard window at all. */
static bool whatis_guard(uintptr_t x, struct mm_whatis *out)
{
	struct heap_block_info bi;

	if (!mm_guard_owns((void *)x))
		return false;
	out->name = "heap guard window";
	out->base = x;
	for (uintptr_t p = ALIGN_DOWN(x, 8), stop = ALIGN_DOWN(x, PAGE_SIZE) - PAGE_SIZE;
	     p >= stop && mm_guard_owns((void *)p); p -= 8) {
		if (mm_guard_info((void *)p, &bi) < 0)  /* it trusts p is inside */
			continue;
		out->kind = MM_WHAT_HEAP;
		out->state = MM_WS_USED;
		out->name = "guarded heap";
		out->base = p;
		out->size = bi.size;
		out->tag = bi.tag;
		out->req = (uint32_t)bi.req;
		if (bi.site) {
			out->file = bi.site->file;
			out->func = bi.site->func;
			out->line = bi.site->line;
		}
		break;
	}
	return true;
}

/* The page block holding x: the head at or below it whose order reaches
 * it (as page_info finds it), or a reserved page. Takes every page lock. */
static bool whatis_page(uintptr_t x, struct mm_whatis *out)
{
	long idx = page_index((const void *)ALIGN_DOWN(x, PAGE_SIZE));
	unsigned long s;

	if (idx < 0)
		return false;
	s = page_lock_all();
	out->kind = MM_WHAT_PAGE;
	out->name = "page";
	out->base = pg.base + (uintptr_t)idx * PAGE_SIZE;
	out->size = PAGE_SIZE;
	out->state = MM_WS_RESERVED;
	for (unsigned o = 0; o <= PAGE_MAX_ORDER; o++) {
		uint32_t h = (uint32_t)idx & ~((1u << o) - 1);
		const struct page_desc *d = &pg.desc[h];
		if (d->state == PD_TAIL)
			continue;
		if (PD_KIND(d->state) == PD_RESERVED || h + (1u << d->order) <= (uint32_t)idx)
			break;
		out->base = pg.base + (uintptr_t)h * PAGE_SIZE;
		out->order = d->order;
		out->size = PAGE_SIZE << d->order;
		out->state = PD_KIND(d->state) == PD_USED ? MM_WS_USED :
			     PD_KIND(d->state) == PD_CACHED ? MM_WS_CACHED : MM_WS_FREE;
#ifndef MM_NO_ACCOUNTING
		if (out->state == MM_WS_USED) {
			out->tag = d->tag;
			out->pid = pg.owners[d->owner].pid;
		}
#endif
		break;
	}
	page_unlock_all(s);
	return true;
}

/* A kernel stack: name the process whose kstack it is. */
static void whatis_stack(struct mm_whatis *out)
{
	struct proc p;

	for (int slot = 0; slot < PROC_MAX; slot++)
		if (proc_snapshot(slot, &p) && (uintptr_t)p.kstack == out->base) {
			out->kind = MM_WHAT_STACK;
			out->pid = p.pid;
			strlcpy(out->namebuf, p.name, sizeof(out->namebuf));
			out->name = out->namebuf;
			return;
		}
}

/* Say what addr is (include/kernel/mm_audit.h). */
void mm_whatis(uintptr_t addr, struct mm_whatis *out)
{
	memset(out, 0, sizeof(*out));
	out->tag = -1;
	out->pid = -1;
	out->name = "unknown";
	if (whatis_image(addr, out) || whatis_heap(addr, out) || whatis_guard(addr, out))
		return;
	if (whatis_page(addr, out)) {
		if (out->state == MM_WS_USED && out->tag == TAG_KSTK)
			whatis_stack(out);
		return;
	}
	out->base = addr;
}
