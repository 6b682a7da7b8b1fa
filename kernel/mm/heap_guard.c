/* Guard pages for chosen heap blocks (include/kernel/mm_debug.h;
 * docs/memory.md, "Poison, redzones and guard pages"), as KFENCE and
 * FreeBSD's memguard do.
 *
 * A window of kernel virtual addresses, GUARD_SLOTS slots of two pages
 * each at GUARD_BASE, mapped with 4 KiB leaves in tables of its own: the
 * level-1 table at boot (a page: every address space copies the root
 * entry to it), the leaf table the first time guard is switched on. A guarded kmalloc takes a
 * page from the page allocator (charged to the block's tag, owner 0),
 * maps it as the slot's first page and puts the block at its end, the
 * request's last byte at most 7 bytes (alignment) before the slot's
 * second page, which is never mapped: an overflow faults at once, and
 * the bytes of alignment are checked at kfree as a redzone. kfree
 * unmaps the page (a use after free faults too) and gives it back; the
 * slot then stays unmapped until the cursor, which takes slots in turn,
 * comes round to it again: a quarantine of up to GUARD_SLOTS - 1 guarded
 * allocations. A kernel fault in the window makes the panic name the
 * block (mm_guard_fault, from trap.c).
 *
 * The kernel's map otherwise never changes once the harts run
 * (docs/smp.md, "TLB"): each change here is followed by an SBI remote
 * fence of every hart. Locking: guard_lock (LOCK_RANK_MM_GUARD) over the
 * slots and the window's tables; page_alloc and page_free are called
 * without it.
 */
#include "heap_internal.h"
#include <kernel/mm_debug.h>
#include <kernel/vm.h>
#include <kernel/page.h>
#include <kernel/tag.h>
#include <kernel/sbi.h>
#include <kernel/riscv.h>
#include <kernel/ksym.h>
#include <kernel/printf.h>
#include <kernel/panic.h>
#include <kernel/mm.h>
#include <kernel/leak.h>
#include <lib/format.h>
#include <lib/string.h>
#include <uapi/errno.h>

#define GUARD_SLOTS MM_GUARD_SLOTS
#define GUARD_ROOT  255                          /* root slot of the window */
#define GUARD_BASE  ((uintptr_t)GUARD_ROOT << 30)
#define GUARD_END   (GUARD_BASE + GUARD_SLOTS * 2 * PAGE_SIZE)

_Static_assert(GUARD_BASE + (1UL << 30) <= SV39_TOP, "the window is in the lower half");
_Static_assert(2 * GUARD_SLOTS <= PT_ENTRIES, "one leaf table maps the window");

enum { GS_FREE, GS_LIVE, GS_QUARANTINE };

/* One slot: the block in it, or the last one, for the fault's report. */
struct guard_slot {
	uintptr_t pa;                   /* its page while live */
	uintptr_t p;                    /* the pointer kmalloc returned */
	struct alloc_site *site;
	uintptr_t free_ra;              /* who freed it (quarantine) */
	uint32_t req;
	uint8_t tag;
	uint8_t state;
};

static struct spinlock guard_lock = SPINLOCK_INIT("mm_guard", LOCK_RANK_MM_GUARD);
static struct guard_slot guard_slot[GUARD_SLOTS] LEAK_NOT_ROOT;  /* blocks' addresses */
static pte_t *guard_pte;                /* the window's leaf table */
static unsigned guard_next;             /* the cursor */
static int guard_tag = -1;              /* the tag guarded, or -1 */
static unsigned guard_every;            /* or every Nth eligible block */
static unsigned guard_seen;             /* eligible blocks, for guard_every */

/* Make every hart forget its translations of the window. */
static void guard_fence(void)
{
	sfence_vma();
	sbi_remote_sfence_vma_all();
}

/* The window's level-1 table, made at boot (mm_guard_boot) so that every
 * address space copies its root entry (uvm.c copies the kernel's root
 * entries when it makes one); and its leaf table, made the first time
 * guard is switched on. */
static pagetable_t guard_l1;

/* Make the window's level-1 table and root entry: one page, before any
 * process exists (boot hart). */
void mm_guard_boot(void)
{
	if (kernel_pagetable[GUARD_ROOT] & PTE_V)
		panic("mm_guard_boot: root slot %d is taken", GUARD_ROOT);
	guard_l1 = page_alloc(0, 0, TAG_PGTB);
	if (!guard_l1) {
		kprintf("mm_debug: no page for the guard window: guard is off\n");
		return;
	}
	memset(guard_l1, 0, PAGE_SIZE);
	kernel_pagetable[GUARD_ROOT] = PA_PTE(guard_l1) | PTE_V;
}

/* Make the window's leaf table; 0, or -ENOMEM. Caller holds guard_lock. */
static int guard_window(void)
{
	pagetable_t l0;

	if (guard_pte)
		return 0;
	if (!guard_l1 || !(l0 = page_alloc(0, 0, TAG_PGTB)))
		return -ENOMEM;
	memset(l0, 0, PAGE_SIZE);
	guard_l1[VPN(GUARD_BASE, 1)] = PA_PTE(l0) | PTE_V;
	guard_pte = l0;
	guard_fence();
	return 0;
}

/* Guard blocks of tag (>= 0), or every Nth eligible block. */
int mm_guard_select(int tag, unsigned every)
{
	int rc;

	spin_lock(&guard_lock);
	rc = guard_window();
	if (!rc) {
		guard_tag = tag;
		guard_every = every;
	}
	spin_unlock(&guard_lock);
	return rc;
}

/* "guard=TAG" or "guard=1/N". */
void mm_guard_describe(char *out, size_t n)
{
	char name[8];

	if (guard_tag >= 0) {
		tag_name(guard_tag, name);
		snprintf(out, n, "guard=%s", name);
	} else {
		snprintf(out, n, "guard=1/%u", guard_every);
	}
}

/* Is this allocation to be guarded? */
static bool guard_chosen(size_t size, int tag)
{
	if (size > PAGE_SIZE - HEAP_HDR_SIZE || !tag_in_use(tag))
		return false;
	if (guard_tag >= 0)
		return tag == guard_tag;
	return guard_every &&
	       __atomic_add_fetch(&guard_seen, 1, __ATOMIC_RELAXED) % guard_every == 0;
}

/* The slot's first page's address. */
static uintptr_t guard_va(unsigned i)
{
	return GUARD_BASE + (uintptr_t)i * 2 * PAGE_SIZE;
}

/* A guarded block for size bytes of tag, or NULL (mm_debug.h). */
void *mm_guard_alloc(size_t size, int tag, struct alloc_site *site)
{
	struct guard_slot *s = NULL;
	void *page;
	uintptr_t va, p;
	unsigned i;

	if (!guard_chosen(size, tag) || !(page = page_alloc(0, 0, tag)))
		return NULL;
	memset(page, MM_REDZONE_BYTE, PAGE_SIZE);
	spin_lock(&guard_lock);
	for (unsigned k = 0; k < GUARD_SLOTS && guard_pte && !s; k++) {
		i = (guard_next + k) % GUARD_SLOTS;
		if (guard_slot[i].state != GS_LIVE)
			s = &guard_slot[i];
	}
	if (!s) {                       /* the window is full: the heap serves */
		spin_unlock(&guard_lock);
		page_free(page, 0);
		return NULL;
	}
	guard_next = i + 1;
	va = guard_va(i);
	p = va + PAGE_SIZE - ALIGN_UP(MAX(size, 1UL), 8);
	*s = (struct guard_slot){ .pa = (uintptr_t)page, .p = p, .site = site,
				  .req = (uint32_t)size, .tag = (uint8_t)tag,
				  .state = GS_LIVE };
	guard_pte[2 * i] = PA_PTE(page) | PTE_V | PTE_R | PTE_W | PTE_A | PTE_D | PTE_G;
	guard_fence();
	spin_unlock(&guard_lock);
	return (void *)p;
}

/* Is p in the guard window? */
bool mm_guard_owns(const void *p)
{
	return (uintptr_t)p >= GUARD_BASE && (uintptr_t)p < GUARD_END;
}

/* The live slot whose block is p, or NULL (p anywhere: outside the
 * window too). Caller holds guard_lock. */
static struct guard_slot *guard_live(const void *p)
{
	struct guard_slot *s;

	if (!mm_guard_owns(p))
		return NULL;
	s = &guard_slot[((uintptr_t)p - GUARD_BASE) / (2 * PAGE_SIZE)];
	return s->state == GS_LIVE && s->p == (uintptr_t)p ? s : NULL;
}

/* kfree of a pointer in the window: check it, its tag and its bytes of
 * alignment, unmap and free its page, quarantine the slot. */
int mm_guard_free(void *p, int want_tag, const char *what, uintptr_t ra)
{
	struct guard_slot *s;
	const uint8_t *end;
	uintptr_t pa, stop;
	char have[8], want[8];

	spin_lock(&guard_lock);
	s = guard_live(p);
	if (!s || (want_tag >= 0 && s->tag != want_tag)) {
		spin_unlock(&guard_lock);
		__atomic_add_fetch(&heap.misuse, 1, __ATOMIC_RELAXED);
		if (s) {
			tag_name(s->tag, have);
			tag_name(want_tag, want);
			mm_report(ra, "%s: %p has tag %s, caller says %s; not freed", what,
				  p, have, want);
		} else {
			mm_report(ra, "%s: %p is no live guarded block (double free?)", what, p);
		}
		return -EINVAL;
	}
	end = (const uint8_t *)s->p + s->req;
	stop = guard_va((unsigned)(s - guard_slot)) + PAGE_SIZE;
	for (const uint8_t *b = (const uint8_t *)stop; b > end; b--)
		if (b[-1] != MM_REDZONE_BYTE) {
			__atomic_add_fetch(&heap.misuse, 1, __ATOMIC_RELAXED);
			tag_name(s->tag, have);
			mm_report(ra, "mm_debug: overflow: guarded block %p (%u B asked, "
				  "tag %s, allocated at %s:%u) was written %ld byte%s past "
				  "its end", p, s->req, have, s->site ? s->site->file : "?",
				  s->site ? s->site->line : 0, (long)(b - end),
				  b - end == 1 ? "" : "s");
			break;
		}
	pa = s->pa;
	guard_pte[2 * (s - guard_slot)] = 0;
	guard_fence();
	s->state = GS_QUARANTINE;
	s->pa = 0;
	s->free_ra = ra;
	spin_unlock(&guard_lock);
	page_free((void *)pa, 0);
	return 0;
}

/* heap_block_info of a guarded block. */
int mm_guard_info(const void *p, struct heap_block_info *out)
{
	struct guard_slot *s;
	int rc = -EINVAL;

	spin_lock(&guard_lock);
	s = guard_live(p);
	if (s) {
		out->tag = s->tag;
		out->size = ALIGN_UP(MAX(s->req, 1u), 8);
		out->req = s->req;
		out->site = s->site;
		rc = 0;
	}
	spin_unlock(&guard_lock);
	return rc;
}

/* A kernel fault at addr: name the block whose guard page or freed page
 * it hit (no lock: the system is going down). */
bool mm_guard_fault(uintptr_t addr, char *why, size_t n)
{
	const struct guard_slot *s;
	char tag[8];
	size_t page;

	if (!mm_guard_owns((void *)addr))
		return false;
	page = (addr - GUARD_BASE) / PAGE_SIZE;
	s = &guard_slot[page / 2];
	if (!s->p) {
		snprintf(why, n, "guard page: %p is in a slot never used", (void *)addr);
		return true;
	}
	tag_name(s->tag, tag);
	if (page % 2 && s->state == GS_LIVE) {
		snprintf(why, n, "guard page: overflow of block %p (%u B asked, tag %s, "
			 "allocated at %s:%u) at offset %ld", (void *)s->p, s->req, tag,
			 s->site ? s->site->file : "?", s->site ? s->site->line : 0,
			 (long)(addr - s->p));
	} else {
		uintptr_t off = 0;
		const char *fn = ksym_lookup(s->free_ra, &off);
		snprintf(why, n, "guard page: use after free of block %p (%u B asked, tag %s, "
			 "allocated at %s:%u, freed by %s+0x%lx) at offset %ld", (void *)s->p,
			 s->req, tag, s->site ? s->site->file : "?",
			 s->site ? s->site->line : 0, fn ? fn : "?", (unsigned long)off,
			 (long)(addr - s->p));
	}
	return true;
}

/* The live guarded blocks, for the leak scan: at most max into out;
 * returns how many. No lock: the caller (leak.c) has every other hart
 * parked, holding none, so no slot changes meanwhile. */
int mm_guard_live_blocks(struct leak_extra *out, int max)
{
	int n = 0;

	for (unsigned i = 0; i < GUARD_SLOTS && n < max; i++) {
		const struct guard_slot *s = &guard_slot[i];
		if (s->state != GS_LIVE)
			continue;
		out[n++] = (struct leak_extra){
			.p = s->p, .req = s->req, .bytes = PAGE_SIZE, .tag = s->tag,
		};
#ifndef MM_NO_ACCOUNTING
		if (s->site)
			out[n - 1].site = (uint16_t)(((uintptr_t)s->site - alloc_site_base()) >>
						     ALLOC_SITE_SHIFT);
#endif
	}
	return n;
}
