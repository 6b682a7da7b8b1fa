/* Poison and redzones: the heap's slow-path checks for a write after
 * free and an overflow (include/kernel/mm_debug.h; docs/memory.md,
 * "Poison, redzones and guard pages").
 *
 * Poison keeps one invariant while it is on: a free block is its
 * free-list record (struct heap_free) followed by MM_POISON_BYTE. kfree
 * fills the whole block, heap_free_unlink re-poisons a record it takes
 * off a list (merges leave old records inside larger blocks), heap_grow
 * poisons a new arena; heap_take's block is checked whole when the slow
 * path hands it out. Who freed what is kept in a ring of the last
 * MM_FREED_RING frees, searched only when a report is made.
 *
 * A redzone is the bytes between a block's request and its end, at least
 * MM_REDZONE_MIN of them; a block that has one is marked by
 * MM_REQ_REDZONE in heap_hdr.req (no legal request has that bit), so the
 * mode may be switched at any time and only marked blocks are checked,
 * at kfree and by heap_check.
 *
 * Everything here runs under heap.lock (the ring too); reports print
 * under it, as heap.c's do.
 */
#include "heap_internal.h"
#include <kernel/mm_debug.h>
#include <kernel/printf.h>
#include <kernel/ksym.h>
#include <kernel/tag.h>
#include <lib/string.h>

#define MM_FREED_RING 256       /* frees remembered for poison reports */

/* One free, for the report of a write after it. */
struct mm_freed {
	uintptr_t blk;                  /* block start (its header) */
	uintptr_t ra;                   /* the caller of kfree */
	uint32_t bsize;
	uint32_t req;
	uint16_t site;                  /* alloc_site index, 0: none */
	uint8_t tag;
};

static struct mm_freed mm_freed[MM_FREED_RING];
static unsigned mm_freed_next;

struct mm_debug_last mm_debug_last;

/* Fill n bytes at p with the poison byte. */
void mm_poison_fill(void *p, size_t n)
{
	memset(p, MM_POISON_BYTE, n);
}

/* Poison every free block past its free-list record, so that switching
 * poison on reports nothing that was written before. Caller holds
 * heap.lock. */
void mm_poison_free_blocks(void)
{
	for (unsigned o = 0; o < HEAP_ORDERS; o++)
		for (struct heap_free *f = heap.free_list[o]; f; f = f->next)
			mm_poison_fill(f + 1, (HEAP_MIN_BLOCK << o) - sizeof(*f));
}

/* Remember the free of blk (bsize bytes, its header as it was h),
 * made by ra, and poison it whole. Caller holds heap.lock. */
void mm_poison_freed(uintptr_t blk, size_t bsize, const struct heap_hdr *h, uintptr_t ra)
{
	struct mm_freed *f = &mm_freed[mm_freed_next++ % MM_FREED_RING];

	f->blk = blk;
	f->ra = ra;
	f->bsize = (uint32_t)bsize;
	f->req = h->req & ~MM_REQ_REDZONE;
	f->site = h->site;
	f->tag = h->tag;
	mm_poison_fill((void *)blk, bsize);
}

/* The newest remembered free whose block held addr, or NULL. */
static const struct mm_freed *mm_freed_find(uintptr_t addr)
{
	for (unsigned i = 1; i <= MM_FREED_RING && i <= mm_freed_next; i++) {
		const struct mm_freed *f = &mm_freed[(mm_freed_next - i) % MM_FREED_RING];
		if (f->bsize && addr >= f->blk && addr < f->blk + f->bsize)
			return f;
	}
	return NULL;
}

/* Print "  allocated at FILE:LINE (FUNC), freed by SYM+OFF" for a block
 * from site index site, freed by ra; for ra 0, ", " and none. */
static void mm_debug_whose(unsigned site, uintptr_t ra, const char *none)
{
	const struct alloc_site *s = site && site <= alloc_site_count() ?
				     alloc_site_at(site) : NULL;
	uintptr_t off;
	const char *fn = ra ? ksym_lookup(ra, &off) : NULL;

	if (s)
		kprintf("mm_debug:   allocated at %s:%u (%s)", s->file, s->line, s->func);
	else
		kprintf("mm_debug:   allocated at an unknown site");
	if (fn)
		kprintf(", freed by %s+0x%lx\n", fn, (unsigned long)off);
	else if (ra)
		kprintf(", freed by %p\n", (void *)ra);
	else
		kprintf(", %s\n", none);
}

/* Record a report for the tests and count it as misuse. */
static void mm_debug_note(int kind, uintptr_t block, long offset, unsigned site,
			  uintptr_t free_ra)
{
	mm_debug_last.kind = kind;
	mm_debug_last.block = block;
	mm_debug_last.offset = offset;
	mm_debug_last.alloc_site = site && site <= alloc_site_count() ?
				   alloc_site_at(site) : NULL;
	mm_debug_last.free_ra = free_ra;
	mm_debug_last.count++;
	__atomic_add_fetch(&heap.misuse, 1, __ATOMIC_RELAXED);
}

/* The block blk of bsize bytes is being handed out: report any byte not
 * poison (a write after free), naming the free that left it there. The
 * block is handed out anyway. Caller holds heap.lock. */
void mm_poison_check(uintptr_t blk, size_t bsize)
{
	const uint8_t *b = (const uint8_t *)blk;
	size_t first = bsize, last = 0, changed = 0;
	const struct mm_freed *f;
	uintptr_t at, p;

	for (size_t i = 0; i < bsize; i++)
		if (b[i] != MM_POISON_BYTE) {
			if (first == bsize)
				first = i;
			last = i;
			changed++;
		}
	if (!changed)
		return;
	at = blk + first;
	f = mm_freed_find(at);
	p = f ? f->blk + HEAP_HDR_SIZE : blk + HEAP_HDR_SIZE;
	kprintf("mm_debug: write after free at %p: block %p+%ld (%u B asked) was "
		"written after kfree (0x%02x, %zu bytes changed to +%ld)\n", (void *)at,
		(void *)p, (long)(at - p), f ? f->req : 0, b[first], changed,
		(long)(blk + last - p));
	mm_debug_whose(f ? f->site : 0, f ? f->ra : 0,
		       "freed by an unknown caller (not among the last frees)");
	mm_debug_note(MM_DBG_POISON, p, (long)(at - p), f ? f->site : 0, f ? f->ra : 0);
}

/* Fill the redzone of the new block blk (bsize bytes, req asked). */
void mm_redzone_fill(uintptr_t blk, size_t bsize, size_t req)
{
	uintptr_t end = blk + HEAP_HDR_SIZE + req;

	memset((void *)end, MM_REDZONE_BYTE, blk + bsize - end);
}

/* kfree (by ra) or heap_check (ra 0) of the redzoned block blk, whose
 * header is (or was, before kfree claimed it) h: report how far a write
 * ran past its request (the last byte changed). Caller holds heap.lock. */
void mm_redzone_check(uintptr_t blk, size_t bsize, const struct heap_hdr *h,
		      uintptr_t ra)
{
	size_t req = h->req & ~MM_REQ_REDZONE;
	const uint8_t *end = (const uint8_t *)(blk + HEAP_HDR_SIZE + req);
	size_t zone = bsize - HEAP_HDR_SIZE - req, ran = 0;
	unsigned site = h->site;
	char tag[8];

	for (size_t i = zone; i > 0; i--)
		if (end[i - 1] != MM_REDZONE_BYTE) {
			ran = i;
			break;
		}
	if (!ran)
		return;
	tag_name(h->tag, tag);
	kprintf("mm_debug: overflow: block %p (%zu B asked, tag %s) was written "
		"%zu byte%s past its end (redzone %zu B)\n", (void *)(blk + HEAP_HDR_SIZE),
		req, tag, ran, ran == 1 ? "" : "s", zone);
	mm_debug_whose(site, ra, "found by heap_check");
	mm_debug_note(MM_DBG_REDZONE, blk + HEAP_HDR_SIZE, (long)ran, site, ra);
	memset((void *)end, MM_REDZONE_BYTE, zone);     /* report it once */
}
