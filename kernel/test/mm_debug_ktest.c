/* The heap's debugging modes make their reports (include/kernel/mm_debug.h):
 * each test makes the bug on purpose and checks what was reported (the
 * report's text is checked by mm_debug_reports.scn). The guard tests
 * that fault, and the out-of-memory one, run only when named. */
#include "ktest.h"
#include <kernel/heap.h>
#include <kernel/page.h>
#include <kernel/tag.h>
#include <kernel/ksym.h>
#include <kernel/timer.h>
#include <kernel/mm_debug.h>
#include <kernel/printf.h>
#include <lib/string.h>
#include <uapi/errno.h>

#define MM_DEBUG_OFF "-poison,-redzone,-guard"

/* The modes the boot asked for (mm_debug=...), put back after each test
 * that switches them. */
static char mm_debug_boot_modes[64];

/* Remember the modes on now, and switch them all off: each test sets
 * the ones it tests. */
static void modes_save(void)
{
	mm_debug_describe(mm_debug_boot_modes, sizeof(mm_debug_boot_modes));
	mm_debug_set(MM_DEBUG_OFF, NULL, NULL, 0);
}

/* Switch everything off, then back on what modes_save saw. */
static void modes_restore(void)
{
	mm_debug_set(MM_DEBUG_OFF, NULL, NULL, 0);
	if (strcmp(mm_debug_boot_modes, "off"))
		mm_debug_set(mm_debug_boot_modes, NULL, NULL, 0);
}

/* Misuse counted by the heap so far. */
static uint64_t misuse(void)
{
	struct heap_stats hs;

	heap_stats(&hs);
	return hs.misuse;
}

/* Is ra inside the function named name? */
static bool ra_in(uintptr_t ra, const char *name)
{
	uintptr_t off;
	const char *fn = ksym_lookup(ra, &off);

	return fn && !strcmp(fn, name);
}

/* A write after free, found when the block is handed out again: the
 * report names the free (this test), the allocation (its line) and the
 * offset written. */
KTEST(mm_debug_poison)
{
	uint64_t count = mm_debug_last.count, bad = misuse();
	void *more[64];
	uint8_t *p;
	int line, n = 0;

	modes_save();
	KT_ASSERT(mm_debug_set("poison", NULL, NULL, 0) & MM_DBG_POISON);
	line = __LINE__ + 1;
	p = kmalloc(48, TAG_TEST);
	KT_ASSERT(p != NULL);
	KT_EQ(kfree(p), 0);
	p[20] = 0x42;                           /* the bug */
	p[21] = 0x43;
	/* the block comes back to some kmalloc of its size: ours, soon */
	while (mm_debug_last.count == count && n < (int)ARRAY_SIZE(more))
		more[n++] = kmalloc(48, TAG_TEST);
	for (int i = 0; i < n; i++)
		KT_EQ(kfree(more[i]), 0);
	mm_debug_set(MM_DEBUG_OFF, NULL, NULL, 0);
	KT_EQ(mm_debug_last.count, count + 1);
	KT_EQ(mm_debug_last.kind, MM_DBG_POISON);
	KT_EQ(mm_debug_last.block, (uintptr_t)p);
	KT_EQ(mm_debug_last.offset, 20);
	KT_ASSERT(mm_debug_last.alloc_site != NULL);
	KT_EQ(mm_debug_last.alloc_site->line, line);
	KT_ASSERT(ra_in(mm_debug_last.free_ra, "ktest_fn_mm_debug_poison"));
	KT_EQ(misuse(), bad + 1);
	KT_EQ(heap_check(), 0);
	modes_restore();
}

/* Poison switched on with free blocks about (never poisoned) reports
 * nothing: they are poisoned first. */
KTEST(mm_debug_poison_switch_clean)
{
	uint64_t count = mm_debug_last.count;
	void *p[32];

	modes_save();
	for (int round = 0; round < 3; round++) {
		mm_debug_set("poison", NULL, NULL, 0);
		for (int i = 0; i < 32; i++)
			p[i] = kmalloc(24 << (i % 6), TAG_TEST);
		for (int i = 0; i < 32; i++)
			KT_EQ(kfree(p[i]), 0);
		KT_EQ(heap_check(), 0);
		mm_debug_set(MM_DEBUG_OFF, NULL, NULL, 0);
		for (int i = 0; i < 32; i++)
			p[i] = kmalloc(40 << (i % 5), TAG_TEST);
		for (int i = 0; i < 32; i++)
			KT_EQ(kfree(p[i]), 0);
	}
	KT_EQ(mm_debug_last.count, count);
	modes_restore();
}

/* An overflow into the redzone, found at kfree and by heap_check: the
 * report names the allocation and how far the write ran. A block
 * redzoned before the mode went off is still checked; the tag's bytes
 * asked balance throughout. */
KTEST(mm_debug_redzone)
{
	uint64_t count = mm_debug_last.count, bad = misuse();
	struct tag_stat before, now;
	struct heap_block_info bi;
	uint8_t *p, *q;
	int line;

	modes_save();
	KT_EQ(tag_stat_get(TAG_TEST, &before), 0);
	KT_ASSERT(mm_debug_set("redzone", NULL, NULL, 0) & MM_DBG_REDZONE);
	line = __LINE__ + 1;
	p = kmalloc(40, TAG_TEST);
	q = kmalloc(100, TAG_TEST);
	KT_ASSERT(p && q);
	KT_EQ(heap_block_info(p, &bi), 0);
	KT_EQ(bi.req, 40);
	KT_ASSERT(bi.size >= 40 + MM_REDZONE_MIN);
	KT_EQ(tag_stat_get(TAG_TEST, &now), 0);
	KT_EQ(now.req, before.req + 140);
	KT_EQ(heap_check(), 0);

	memset(p, 1, 43);                       /* the bug: 3 bytes too many */
	KT_EQ(heap_check(), 0);                 /* reports, mends the zone */
	KT_EQ(mm_debug_last.count, count + 1);
	KT_EQ(mm_debug_last.offset, 3);
	KT_EQ(kfree(p), 0);                     /* reported once only */
	KT_EQ(mm_debug_last.count, count + 1);

	mm_debug_set("-redzone", NULL, NULL, 0);
	q[100] = 7;                             /* one byte over */
	KT_EQ(kfree(q), 0);                     /* still a marked block */
	KT_EQ(mm_debug_last.count, count + 2);
	KT_EQ(mm_debug_last.kind, MM_DBG_REDZONE);
	KT_EQ(mm_debug_last.block, (uintptr_t)q);
	KT_EQ(mm_debug_last.offset, 1);
	KT_EQ(mm_debug_last.alloc_site->line, line + 1);
	KT_ASSERT(ra_in(mm_debug_last.free_ra, "ktest_fn_mm_debug_redzone"));
	KT_EQ(misuse(), bad + 2);
	KT_EQ(tag_stat_get(TAG_TEST, &now), 0);
	KT_EQ(now.req, before.req);
	KT_EQ(now.bytes, before.bytes);
	KT_EQ(heap_check(), 0);
	modes_restore();
}

/* A guarded block: a page of its own charged to its tag, at the page's
 * end, known to kfree and heap_block_info; its bytes of alignment
 * checked at kfree; a second kfree refused; the page back after. */
KTEST(mm_debug_guard)
{
	struct tag_stat before, now;
	struct heap_block_info bi;
	uint64_t bad = misuse();
	uint8_t *p;

	modes_save();
	KT_EQ(tag_stat_get(TAG_TEST, &before), 0);
	KT_EQ(mm_debug_set("guard=ZZZZ", NULL, NULL, 0), -EINVAL);
	KT_ASSERT(mm_debug_set("guard=TEST", NULL, NULL, 0) & MM_DBG_GUARD);
	p = kmalloc(100, TAG_TEST);
	KT_ASSERT(p && mm_guard_owns(p));
	KT_EQ(((uintptr_t)p + 104) % PAGE_SIZE, 0);
	KT_EQ(tag_stat_get(TAG_TEST, &now), 0);
	KT_EQ(now.pages, before.pages + 1);
	KT_EQ(heap_block_info(p, &bi), 0);
	KT_EQ(bi.tag, TAG_TEST);
	KT_EQ(bi.req, 100);
	memset(p, 0x11, 100);
	p[102] = 1;                             /* into the alignment bytes */
	KT_EQ(kfree(p), 0);
	KT_EQ(misuse(), bad + 1);
	KT_EQ(kfree(p), -EINVAL);               /* double free */
	KT_EQ(misuse(), bad + 2);
	KT_EQ(heap_block_info(p, &bi), -EINVAL);
	mm_debug_set(MM_DEBUG_OFF, NULL, NULL, 0);
	KT_EQ(tag_stat_get(TAG_TEST, &now), 0);
	KT_EQ(now.pages, before.pages);
	KT_EQ(heap_check(), 0);
	modes_restore();
}

/* Guarded blocks one after another: each against an unmapped page, the
 * slots taken in turn, every page given back. */
KTEST(mm_debug_guard_many)
{
	struct tag_stat before, now;
	void *p[40];

	modes_save();
	KT_EQ(tag_stat_get(TAG_TEST, &before), 0);
	mm_debug_set("guard=1/1", NULL, NULL, 0);
	for (int i = 0; i < 40; i++) {
		p[i] = kmalloc(8 + 97 * i, TAG_TEST);
		KT_ASSERT(p[i] && mm_guard_owns(p[i]));
		memset(p[i], i, 8 + 97 * i);
	}
	for (int i = 0; i < 40; i++)
		KT_EQ(kfree_tagged(p[i], TAG_TEST), 0);
	mm_debug_set(MM_DEBUG_OFF, NULL, NULL, 0);
	KT_EQ(tag_stat_get(TAG_TEST, &now), 0);
	KT_EQ(now.pages, before.pages);
	modes_restore();
}

/* A guarded block overflowed: the kernel faults and the panic names the
 * block, its tag, its site and the offset (mm_debug_guard_panic.scn). */
KTEST_EXPLICIT(mm_debug_guard_overflow)
{
	volatile uint8_t *p;

	mm_debug_set("guard=TEST", NULL, NULL, 0);
	p = kmalloc(100, TAG_TEST);
	KT_ASSERT(p && mm_guard_owns((void *)p));
	p[99] = 1;
	p[104] = 2;                             /* the first byte past the page */
	KT_ASSERT(!"the write past a guarded block did not fault");
}

/* A guarded block used after kfree: the same (mm_debug_guard_uaf.scn). */
KTEST_EXPLICIT(mm_debug_guard_uaf)
{
	volatile uint8_t *p;

	mm_debug_set("guard=TEST", NULL, NULL, 0);
	p = kmalloc(64, TAG_TEST);
	KT_ASSERT(p && mm_guard_owns((void *)p));
	KT_EQ(kfree((void *)p), 0);
	p[8] = 3;
	KT_ASSERT(!"the write to a freed guarded block did not fault");
}

/* Wait until more than a second has passed since t. */
static void mm_debug_wait_past(uint64_t t)
{
	while (timer_ticks() - t <= TICK_HZ)
		;
}

/* Out of pages: the first failure reports, the next at once does not, a
 * failure a second later makes the second report (counting the one not
 * reported), the next at once again none, and one more second later the
 * third (mm_oom.scn checks the text). The pages are chained through
 * themselves. */
KTEST_EXPLICIT(mm_oom_report)
{
	void *head = NULL, *pg;
	uint64_t t;

	mm_oom_reset();
	while ((pg = page_alloc(0, 0, TAG_TEST))) {
		*(void **)pg = head;
		head = pg;
	}
	KT_EQ(mm_oom_reports(), 1);
	t = timer_ticks();
	KT_ASSERT(page_alloc(0, 0, TAG_TEST) == NULL);
	kfree(kmalloc(2000, TAG_TEST));         /* fails, unless the heap has room */
	KT_EQ(mm_oom_reports(), 1);
	mm_debug_wait_past(t);
	KT_ASSERT(page_alloc(0, 0, TAG_TEST) == NULL);
	KT_EQ(mm_oom_reports(), 2);
	t = timer_ticks();
	KT_ASSERT(page_alloc(1, 0, TAG_TEST) == NULL);
	KT_EQ(mm_oom_reports(), 2);
	mm_debug_wait_past(t);
	KT_ASSERT(page_alloc(1, 0, TAG_TEST) == NULL);
	KT_EQ(mm_oom_reports(), 3);
	while (head) {
		pg = head;
		head = *(void **)pg;
		KT_EQ(page_free(pg, 0), 0);
	}
	KT_EQ(heap_check(), 0);
}
