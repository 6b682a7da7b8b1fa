/* Allocation history: the event ring and the per-block side table
 * behind bootarg mm_audit (include/kernel/mm_audit.h has the design;
 * docs/memory.md, "Allocation history", the sizes and what is lost). */
#include <kernel/mm_audit.h>
#include <kernel/mm_debug.h>
#include <kernel/heap.h>
#include <kernel/page.h>
#include <kernel/tag.h>
#include <kernel/cpu.h>
#include <kernel/proc.h>
#include <kernel/spinlock.h>
#include <lib/string.h>
#include <uapi/errno.h>
#ifdef __riscv
#include <kernel/riscv.h>
#endif

bool mm_audit_on;

/* The ring and the table. ring, nevents and the table's fields are set
 * once, before mm_audit_on is first set (release), and never change. */
static struct {
	struct mm_audit_event *ring;
	uint32_t nevents;              /* a power of two */
	uint64_t next;                 /* next event number (atomic) */
	uint64_t lost;                 /* atomic */
	struct mm_audit_block *table;  /* under audit_lock */
	uint32_t table_cap;            /* what its pages hold: at least 2 per event */
	uint32_t table_used;
	uint64_t drops;
	unsigned ring_order, table_order;
	uint32_t page_depth;           /* the page caches' depth before enable */
} audit;

static struct spinlock audit_lock = SPINLOCK_INIT("audit", LOCK_RANK_AUDIT);

/* The time CSR (0 in host builds). */
static uint64_t audit_time(void)
{
#ifdef __riscv
	return rdtime();
#else
	return 0;
#endif
}

/* The pid of the process running on this hart, 0 for none. */
static int32_t audit_pid(void)
{
	struct proc *p = this_cpu()->proc;

	return p ? p->pid : 0;
}

/* Smallest page order holding bytes. */
static unsigned audit_order(size_t bytes)
{
	unsigned o = 0;

	while ((PAGE_SIZE << o) < bytes)
		o++;
	return o;
}

/* Take the ring's and the table's pages for n events (n a power of two),
 * charged to TAG_AUDT: the ring n slots, the table as many entries as
 * its page block holds, at least MM_AUDIT_TABLE_MUL * n; 0 or -ENOMEM. Called by one thread at a time
 * (boot, ktests), before recording is first on. */
static int audit_alloc(uint32_t n)
{
	unsigned ro = audit_order(n * sizeof(struct mm_audit_event));
	unsigned to = audit_order(n * MM_AUDIT_TABLE_MUL * sizeof(struct mm_audit_block));
	void *ring = page_alloc(ro, 0, TAG_AUDT), *table = page_alloc(to, 0, TAG_AUDT);

	if (!ring || !table) {
		if (ring)
			page_free(ring, 0);
		if (table)
			page_free(table, 0);
		return -ENOMEM;
	}
	memset(ring, 0, PAGE_SIZE << ro);
	memset(table, 0, PAGE_SIZE << to);
	audit.nevents = n;
	audit.ring_order = ro;
	audit.table = table;
	audit.table_cap = (uint32_t)((PAGE_SIZE << to) / sizeof(struct mm_audit_block));
	audit.table_order = to;
	__atomic_store_n(&audit.ring, ring, __ATOMIC_RELEASE);
	return 0;
}

/* Switch recording on (include/kernel/mm_audit.h). */
int mm_audit_enable(unsigned n)
{
	uint32_t p = MM_AUDIT_MIN;
	int rc;

	if (n < MM_AUDIT_MIN || n > MM_AUDIT_MAX)
		return -EINVAL;
	while (p < n)
		p <<= 1;
	if (!audit.ring && (rc = audit_alloc(p)) < 0)
		return rc;
	if (mm_audit_on)
		return 0;
	/* every kmalloc and kfree to the slow paths: the heap caches follow
	 * mm_debug_flags, which the other heap debugging modes share */
	__atomic_or_fetch(&mm_debug_flags, MM_DBG_AUDIT, __ATOMIC_RELAXED);
	mm_debug_caches_update();
	audit.page_depth = page_cache_set_depth(0);
	__atomic_store_n(&mm_audit_on, true, __ATOMIC_RELEASE);
	return 0;
}

/* Stop recording; the caches get their depths back. */
void mm_audit_disable(void)
{
	if (!mm_audit_on)
		return;
	__atomic_store_n(&mm_audit_on, false, __ATOMIC_RELEASE);
	__atomic_and_fetch(&mm_debug_flags, ~MM_DBG_AUDIT, __ATOMIC_RELAXED);
	mm_debug_caches_update();       /* on again unless another mode is on */
	page_cache_set_depth(audit.page_depth);
}

/* Forget the ring and the table: page_init is starting the page
 * allocator over (once at boot, before audit; host tests each time), so
 * their pages are gone. Recording stops; the caches' depths are the
 * caller's to set. */
void mm_audit_reset(void)
{
	__atomic_store_n(&mm_audit_on, false, __ATOMIC_RELEASE);
	__atomic_and_fetch(&mm_debug_flags, ~MM_DBG_AUDIT, __ATOMIC_RELAXED);
	memset(&audit, 0, sizeof(audit));
}

/* Claim the slot of the next event number: its number in *np and the
 * slot marked busy, or NULL when a newer event already holds it (the
 * ring wrapped while this writer waited; counted as lost). */
static struct mm_audit_event *audit_claim(uint64_t *np)
{
	uint64_t n = __atomic_fetch_add(&audit.next, 1, __ATOMIC_RELAXED);
	struct mm_audit_event *e = &audit.ring[n & (audit.nevents - 1)];
	uint64_t old = __atomic_load_n(&e->seq, __ATOMIC_RELAXED);

	for (;;) {
		if (old == MM_AUDIT_BUSY) {
			old = __atomic_load_n(&e->seq, __ATOMIC_RELAXED);
			continue;       /* another hart is writing it: a few stores */
		}
		if (old > n + 1) {
			__atomic_add_fetch(&audit.lost, 1, __ATOMIC_RELAXED);
			return NULL;
		}
		if (__atomic_compare_exchange_n(&e->seq, &old, MM_AUDIT_BUSY, false,
						__ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			break;
	}
	*np = n;
	return e;
}

/* Write one event into the ring. */
static void audit_log(int op, uintptr_t addr, uint32_t size, unsigned order, int tag,
		      unsigned site, int32_t owner, uintptr_t ra, uint64_t now)
{
	uint64_t n;
	struct mm_audit_event *e = audit_claim(&n);

	if (!e)
		return;
	e->addr = addr;
	e->time = now;
	e->ra = ra;
	e->size = size;
	e->pid = audit_pid();
	e->owner = owner;
	e->site = (uint16_t)site;
	e->op = (uint8_t)op;
	e->tag = (uint8_t)tag;
	e->hart = (uint8_t)cpu_id();
	e->order = (uint8_t)order;
	__atomic_store_n(&e->seq, n + 1, __ATOMIC_RELEASE);
}

/* Home slot of addr: heap payloads are 8 bytes past a 32-byte granule,
 * pages 4 KiB apart, so drop the low bits and mix. */
static uint32_t audit_home(uintptr_t addr)
{
	uint64_t x = (addr >> 3) * 0x9e3779b97f4a7c15ull;

	return (uint32_t)((x >> 32) % audit.table_cap);
}

/* The entry of addr, or where to put it: its own, the first empty slot,
 * or else the entry freed longest ago in the probe window (entries are
 * never emptied, so a chain is never cut). NULL when the window holds
 * only live blocks. Caller holds audit_lock. */
static struct mm_audit_block *audit_slot(uintptr_t addr, bool insert)
{
	struct mm_audit_block *victim = NULL;
	uint32_t b = audit_home(addr);

	for (int i = 0; i < MM_AUDIT_PROBE; i++, b = b + 1 == audit.table_cap ? 0 : b + 1) {
		struct mm_audit_block *t = &audit.table[b];
		if (t->addr == addr)
			return t;
		if (!t->addr)
			return insert ? t : NULL;
		if (t->freed && (!victim || t->free.time < victim->free.time))
			victim = t;
	}
	return insert ? victim : NULL;
}

/* Note who allocated or freed the block at addr in the side table.
 * Caller holds the allocator's lock (interrupts off). */
static void audit_note(int op, uintptr_t addr, uint32_t size, unsigned order, int tag,
		       unsigned site, int32_t owner, uintptr_t ra, uint64_t now)
{
	bool alloc = op == MM_AUDIT_KMALLOC || op == MM_AUDIT_PAGE_ALLOC;
	struct mm_audit_who w = { .time = now ? now : 1, .ra = ra, .pid = audit_pid(),
				  .site = (uint16_t)site, .hart = (uint8_t)cpu_id(),
				  .op = (uint8_t)op };
	struct mm_audit_block *t;

	spin_lock(&audit_lock);
	t = audit_slot(addr, true);
	if (!t) {
		audit.drops++;
		spin_unlock(&audit_lock);
		return;
	}
	if (!t->addr)
		audit.table_used++;
	if (t->addr != addr) {          /* new, or a freed block's entry reused */
		memset(t, 0, sizeof(*t));
		t->addr = addr;
	}
	if (alloc || !t->alloc.time) {  /* the free of a block allocated before
					 * audit was on has no alloc */
		t->size = size;
		t->owner = owner;
		t->tag = (uint8_t)tag;
		t->order = (uint8_t)order;
		t->page = op == MM_AUDIT_PAGE_ALLOC || op == MM_AUDIT_PAGE_FREE;
	}
	if (alloc) {                    /* the last free (of its last life) stays */
		t->alloc = w;
		t->freed = false;
	} else {
		t->freed = true;
		t->free = w;
	}
	spin_unlock(&audit_lock);
}

/* A kmalloc or kfree done; caller holds heap.lock. */
void mm_audit_heap(int op, const void *p, uint32_t req, unsigned order, int tag,
		   unsigned site, uintptr_t ra)
{
	uint64_t now = audit_time();

	audit_log(op, (uintptr_t)p, req, order, tag, site, -1, ra, now);
	audit_note(op, (uintptr_t)p, req, order, tag, site, -1, ra, now);
}

/* A page block allocated or freed; caller holds pg.lock. */
void mm_audit_page(int op, const void *p, unsigned order, int tag, pid_t owner,
		   uintptr_t ra)
{
	uint64_t now = audit_time();
	uint32_t size = (uint32_t)(PAGE_SIZE << order);

	audit_log(op, (uintptr_t)p, size, order, tag, 0, owner, ra, now);
	audit_note(op, (uintptr_t)p, size, order, tag, 0, owner, ra, now);
}

/* A free the allocator refused (its report says why). */
void mm_audit_misuse(const void *p, uintptr_t ra)
{
	audit_log(MM_AUDIT_MISUSE, (uintptr_t)p, 0, 0, TAG_NONE, 0, -1, ra, audit_time());
}

/* Does e pass f? */
static bool audit_pass(const struct mm_audit_filter *f, const struct mm_audit_event *e)
{
	return (!f->before || e->seq <= f->before) &&
	       (f->tag < 0 || e->tag == f->tag) && (f->pid < 0 || e->pid == f->pid) &&
	       (!f->hi || (e->addr >= f->lo && e->addr < f->hi));
}

/* Newest events first (include/kernel/mm_audit.h). */
size_t mm_audit_read(const struct mm_audit_filter *f, struct mm_audit_event *out,
		     size_t max)
{
	struct mm_audit_event *ring = __atomic_load_n(&audit.ring, __ATOMIC_ACQUIRE);
	uint64_t head, n;
	size_t k = 0;

	if (!ring)
		return 0;
	head = n = __atomic_load_n(&audit.next, __ATOMIC_RELAXED);
	while (n > 0 && head - n < audit.nevents && k < max) {
		n--;
		struct mm_audit_event *e = &ring[n & (audit.nevents - 1)], copy;
		uint64_t s = __atomic_load_n(&e->seq, __ATOMIC_ACQUIRE);
		if (s != n + 1)
			continue;               /* being written, or newer already */
		memcpy(&copy, e, sizeof(copy));
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&e->seq, __ATOMIC_RELAXED) != s)
			continue;               /* torn: rewritten while copied */
		if (audit_pass(f, &copy))
			out[k++] = copy;
	}
	return k;
}

/* addr's side-table entry. */
int mm_audit_block_get(uintptr_t addr, struct mm_audit_block *out)
{
	struct mm_audit_block *t;
	int rc = -ENOENT;

	if (!__atomic_load_n(&audit.ring, __ATOMIC_ACQUIRE))
		return -ENOENT;
	spin_lock(&audit_lock);
	t = addr ? audit_slot(addr, false) : NULL;
	if (t && t->addr == addr) {
		*out = *t;
		rc = 0;
	}
	spin_unlock(&audit_lock);
	return rc;
}

/* Sizes and counters. */
void mm_audit_stats(struct mm_audit_stats *out)
{
	memset(out, 0, sizeof(*out));
	out->on = __atomic_load_n(&mm_audit_on, __ATOMIC_ACQUIRE);
	if (!__atomic_load_n(&audit.ring, __ATOMIC_ACQUIRE))
		return;
	out->events = audit.nevents;
	out->table_cap = audit.table_cap;
	out->ring_bytes = PAGE_SIZE << audit.ring_order;
	out->table_bytes = PAGE_SIZE << audit.table_order;
	out->recorded = __atomic_load_n(&audit.next, __ATOMIC_RELAXED);
	out->lost = __atomic_load_n(&audit.lost, __ATOMIC_RELAXED);
	spin_lock(&audit_lock);
	out->table_used = audit.table_used;
	out->drops = audit.drops;
	spin_unlock(&audit_lock);
}

/* The number the next event will get. */
uint64_t mm_audit_mark(void)
{
	return __atomic_load_n(&audit.next, __ATOMIC_RELAXED);
}
