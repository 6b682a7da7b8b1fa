/* libFuzzer harness for the page allocator, page tracker and heap
 * (kernel/mm compiled unchanged for the host, as tools/testing/host/mm.mk
 * does, under AddressSanitizer and UndefinedBehaviorSanitizer).
 *
 * Each input is a program: the first byte picks the RAM size and its
 * holes, then every operation is an opcode byte and its operand bytes
 * (page_alloc, page_free, page_owner_set, page_reclaim, kmalloc, kfree,
 * kfree_tagged, tag_register, page_free_range, and misuse of each: double
 * frees, wrong owners, interior and foreign pointers, wrong tags, unknown
 * tags, orders too big; and the per-hart page lists: which of FUZZ_HARTS
 * harts runs the next operations, the lists' depth, a drain). A page_alloc
 * may return NULL only when, the lists drained, no block of its order is
 * free. A small model follows along and every few
 * operations the allocators must agree with it: per tag bytes, live
 * blocks, pages and failures; pages per owner; free pages; live heap
 * blocks and used bytes; misuse counts. page_check() and heap_check()
 * must hold, and blocks must keep what was written into them. At the
 * end everything is freed and every page must be back. Any disagreement
 * aborts, so libFuzzer keeps the input (docs/hardening.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kernel/types.h>
#include <kernel/page.h>
#include <kernel/heap.h>
#include <kernel/tag.h>
#include <kernel/alloc_site.h>
#include <uapi/errno.h>

#define RAM_MAX       (8UL << 20)
#define MAX_PB        256
#define MAX_HB        1024
#define NPIDS         4                             /* besides the kernel */
#define ARENA_PAGES   ((1u << HEAP_ARENA_ORDER) + 2)  /* arena and its maps */
#define CHECK_EVERY   32
#define FUZZ_HARTS    4

extern int host_quiet;          /* tools/testing/host/shim.c */
void host_set_cpu(int id);      /* ... and run as hart id */

struct pblk { uint8_t *p; unsigned order; int pidx; int tag; uint64_t stamp; };
struct hblk { uint8_t *p; size_t size; int tag; uint64_t stamp; };

static uint8_t *ram;
static void *meta;

/* The model: what the allocators' counters must say. */
static struct {
	const uint8_t *in;
	size_t len, pos;
	size_t ram_size, total;
	struct pblk pb[MAX_PB];
	struct hblk hb[MAX_HB];
	int npb, nhb;
	pid_t pid[NPIDS + 1];                       /* [0] is the kernel */
	long pid_pages[NPIDS + 1];
	pid_t next_pid;
	uint64_t bytes[TAG_MAX], live[TAG_MAX], pages[TAG_MAX];
	uint64_t fails[TAG_MAX], page_fails[TAG_MAX];
	uint64_t misuse, stamp;
	size_t heap_used;
	long op;
} m;

/* Stop at the first disagreement: libFuzzer saves the input. */
#define MUST(cond, ...) do { if (!(cond)) {                                    \
	fprintf(stderr, "mm_fuzz: op %ld: expected %s: ", m.op, #cond);        \
	fprintf(stderr, __VA_ARGS__); fprintf(stderr, "\n"); abort(); } } while (0)

/* Next operand byte (0 once the input is used up). */
static unsigned in8(void)
{
	return m.pos < m.len ? m.in[m.pos++] : 0;
}

/* Next two operand bytes, little-endian. */
static unsigned in16(void)
{
	unsigned lo = in8();
	return lo | in8() << 8;
}

/* A tag slot: mostly real ones, never HEAP (the heap's own pages are
 * modelled by arena count), sometimes one that does not exist. */
static int pick_tag(void)
{
	unsigned b = in8();
	if (b >= 250)
		return TAG_MAX + (int)(b - 250);            /* unknown */
	int t = (int)(b % (unsigned)tag_count());
	return t == TAG_HEAP ? TAG_TEST : t;
}

/* The slot an allocation with tag t is charged to. */
static int charged(int t)
{
	return tag_valid(t) ? t : TAG_NONE;
}

/* Heap block bytes for a request, as heap.c rounds it. */
static size_t block_bytes(size_t n)
{
	size_t b = HEAP_MIN_BLOCK;
	while (b < n + HEAP_HDR_SIZE)
		b <<= 1;
	return b;
}

/* Mark a page block's first and last words with its stamp. */
static void stamp_page(struct pblk *b)
{
	size_t len = PAGE_SIZE << b->order;
	memcpy(b->p, &b->stamp, 8);
	memcpy(b->p + len - 8, &b->stamp, 8);
}

/* Does a page block still carry its stamp? */
static bool page_stamped(const struct pblk *b)
{
	size_t len = PAGE_SIZE << b->order;
	return !memcmp(b->p, &b->stamp, 8) && !memcmp(b->p + len - 8, &b->stamp, 8);
}

/* Fill a heap block's first bytes and last byte with its stamp. */
static void stamp_heap(struct hblk *h)
{
	memset(h->p, (int)(h->stamp & 0xff), h->size < 64 ? h->size : 64);
	h->p[h->size - 1] = (uint8_t)h->stamp;
}

/* Does a heap block still carry its stamp? */
static bool heap_stamped(const struct hblk *h)
{
	for (size_t i = 0; i < (h->size < 64 ? h->size : 64); i++)
		if (h->p[i] != (uint8_t)h->stamp)
			return false;
	return h->p[h->size - 1] == (uint8_t)h->stamp;
}

/* After a page_alloc of order returned NULL: the harts' lists were
 * drained and no free block of that order or more is left. */
static void nothing_fits(unsigned order)
{
	struct page_stats ps;

	page_stats(&ps);
	MUST(ps.cached == 0, "page_alloc NULL with %zu pages cached", ps.cached);
	for (unsigned o = order; o <= PAGE_MAX_ORDER; o++)
		MUST(!ps.free_blocks[o], "page_alloc(order %u) NULL with a free block "
		     "of order %u", order, o);
}

/* ---- operations -------------------------------------------------------- */

/* The per-hart page lists: another hart runs the next operations, or
 * the lists change depth (spilling what is over it), or all drain. */
static void op_hart(void)
{
	static const uint32_t depths[] = { 0, 1, 2, 3, 5, 8, 64 };
	unsigned b = in8();

	if (b < 160)
		host_set_cpu((int)(b % FUZZ_HARTS));
	else if (b < 240)
		page_cache_set_depth(depths[b % (sizeof(depths) / sizeof(depths[0]))]);
	else
		page_cache_drain();
}

/* page_alloc of a random order (some too big) for a random owner and tag. */
static void op_page_alloc(void)
{
	unsigned b = in8();
	unsigned order = b < 240 ? b % 6 : b < 254 ? 6 + b % 5 : PAGE_MAX_ORDER + 1 + b % 3;
	int pidx = (int)(in8() % (NPIDS + 1)), tag = pick_tag();
	if (m.npb == MAX_PB)
		return;
	uint8_t *p = page_alloc(order, m.pid[pidx], tag);
	if (!tag_valid(tag))
		m.misuse++;
	if (order > PAGE_MAX_ORDER) {
		m.misuse++;
		MUST(!p, "page_alloc of order %u gave %p", order, (void *)p);
	}
	if (!p) {
		m.page_fails[charged(tag)]++;
		if (order <= PAGE_MAX_ORDER)
			nothing_fits(order);
		return;
	}
	MUST(p >= ram && p + (PAGE_SIZE << order) <= ram + m.ram_size &&
	     (size_t)(p - ram) % (PAGE_SIZE << order) == 0,
	     "page block %p of order %u inside RAM and aligned", (void *)p, order);
	struct page_info pi;
	MUST(page_info(p + PAGE_SIZE * ((1u << order) - 1), &pi) == 0 && pi.start == p &&
	     pi.order == order && pi.owner == m.pid[pidx] && pi.tag == charged(tag),
	     "page_info of a new block");
	struct pblk *pbk = &m.pb[m.npb++];
	*pbk = (struct pblk){ p, order, pidx, charged(tag), ++m.stamp };
	stamp_page(pbk);
	m.pid_pages[pidx] += 1L << order;
	m.pages[pbk->tag] += 1u << order;
}

/* Drop model block i, whose pages the allocator took back. */
static void page_gone(int i)
{
	struct pblk *b = &m.pb[i];
	m.pid_pages[b->pidx] -= 1L << b->order;
	m.pages[b->tag] -= 1u << b->order;
	m.pb[i] = m.pb[--m.npb];
}

/* Free a random page block, checking its contents first. */
static void op_page_free(void)
{
	if (!m.npb)
		return;
	int i = (int)(in8() % (unsigned)m.npb);
	struct pblk b = m.pb[i];
	MUST(page_stamped(&b), "page block %p kept its contents", (void *)b.p);
	MUST(page_free(b.p, m.pid[b.pidx]) == 0, "page_free of a live block");
	page_gone(i);
}

/* Frees the allocator must refuse, changing nothing. */
static void op_page_misuse(void)
{
	unsigned kind = in8() % 5;
	int r = 0;
	if (kind == 0 && m.npb) {                   /* wrong owner */
		struct pblk *b = &m.pb[in8() % (unsigned)m.npb];
		r = page_free(b->p, m.pid[(b->pidx + 1) % (NPIDS + 1)]);
		MUST(r == -EPERM, "page_free by the wrong owner: %d", r);
	} else if (kind == 1 && m.npb) {            /* inside a block */
		struct pblk *b = &m.pb[in8() % (unsigned)m.npb];
		if (!b->order)
			return;
		r = page_free(b->p + PAGE_SIZE * (1 + in8() % ((1u << b->order) - 1)),
			      m.pid[b->pidx]);
		MUST(r == -EINVAL, "page_free inside a block: %d", r);
	} else if (kind == 2) {                     /* outside RAM */
		r = page_free(ram + m.ram_size + PAGE_SIZE * in8(), 0);
		MUST(r == -EINVAL, "page_free outside RAM: %d", r);
	} else if (kind == 3 && m.npb) {            /* double free */
		int i = (int)(in8() % (unsigned)m.npb);
		struct pblk b = m.pb[i];
		MUST(page_free(b.p, m.pid[b.pidx]) == 0, "page_free");
		page_gone(i);
		r = page_free(b.p, m.pid[b.pidx]);
		/* the pages may have merged into a bigger free block or been
		 * split again, but they are not an allocated block start */
		MUST(r == -EINVAL, "double page_free: %d", r);
	} else if (kind == 4) {                     /* hand over again */
		long n = page_free_range((paddr_t)ram, (paddr_t)ram + m.ram_size);
		MUST(n == -EEXIST, "page_free_range twice: %ld", n);
		return;
	} else {
		return;
	}
	m.misuse++;
}

/* Hand a random block to another owner. */
static void op_page_give(void)
{
	if (!m.npb)
		return;
	struct pblk *b = &m.pb[in8() % (unsigned)m.npb];
	int to = (int)(in8() % (NPIDS + 1));
	MUST(page_owner_set(b->p, m.pid[b->pidx], m.pid[to]) == 0, "page_owner_set");
	m.pid_pages[b->pidx] -= 1L << b->order;
	m.pid_pages[to] += 1L << b->order;
	b->pidx = to;
	MUST(page_owner(b->p + PAGE_SIZE * ((1u << b->order) - 1)) == m.pid[to], "new owner");
}

/* End a process: every block it holds comes back, by tag; a new PID
 * (sometimes in the same hash bucket) takes its place. */
static void op_reclaim(void)
{
	int pidx = 1 + (int)(in8() % NPIDS);
	size_t by_tag[TAG_MAX], want[TAG_MAX] = { 0 };
	for (int i = 0; i < m.npb; i++)
		if (m.pb[i].pidx == pidx) {
			MUST(page_stamped(&m.pb[i]), "block kept its contents");
			want[m.pb[i].tag] += 1u << m.pb[i].order;
		}
	long got = page_reclaim(m.pid[pidx], by_tag);
	MUST(got == m.pid_pages[pidx], "reclaim freed %ld pages, model %ld", got,
	     m.pid_pages[pidx]);
	MUST(!memcmp(by_tag, want, sizeof(want)), "reclaimed pages by tag");
	for (int i = m.npb - 1; i >= 0; i--)
		if (m.pb[i].pidx == pidx)
			page_gone(i);
	MUST(page_owner_pages(m.pid[pidx]) == -ESRCH, "record closed");
	m.next_pid += in8() & 1 ? 256 : 1;
	m.pid[pidx] = m.next_pid;
	MUST(page_owner_open(m.pid[pidx]) == 0, "open pid %d", (int)m.pid[pidx]);
}

/* kmalloc or kzalloc of 0 bytes to over the largest block. */
static void op_kmalloc(void)
{
	unsigned b = in8();
	size_t n = b < 200 ? in8() : b < 250 ? in16() : b < 254 ? (size_t)in16() << 4
		   : HEAP_MAX_ALLOC - 1 + in8() % 3;
	int tag = pick_tag();
	if (m.nhb == MAX_HB)
		return;
	uint8_t *p = (b & 1) ? kmalloc(n, tag) : kzalloc(n, tag);
	if (!tag_valid(tag))
		m.misuse++;
	if (n > HEAP_MAX_ALLOC)
		MUST(!p, "kmalloc(%zu) over the largest block gave %p", n, (void *)p);
	if (!p) {
		m.fails[charged(tag)]++;
		return;
	}
	if (!(b & 1) && n)
		MUST(!p[0] && !p[n - 1], "kzalloc zeroed");
	struct heap_block_info bi;
	MUST(heap_block_info(p, &bi) == 0 && bi.tag == charged(tag) && bi.req == n &&
	     bi.size == block_bytes(n) - HEAP_HDR_SIZE, "heap_block_info of a new block");
	struct hblk *h = &m.hb[m.nhb++];
	*h = (struct hblk){ p, n, charged(tag), ++m.stamp };
	if (n)
		stamp_heap(h);
	m.bytes[h->tag] += block_bytes(n);
	m.live[h->tag]++;
	m.heap_used += block_bytes(n);
}

/* Drop model heap block i, freed. */
static void heap_gone(int i)
{
	struct hblk *h = &m.hb[i];
	m.bytes[h->tag] -= block_bytes(h->size);
	m.live[h->tag]--;
	m.heap_used -= block_bytes(h->size);
	m.hb[i] = m.hb[--m.nhb];
}

/* Free a random heap block, by kfree or kfree_tagged. */
static void op_kfree(void)
{
	if (!m.nhb)
		return;
	int i = (int)(in8() % (unsigned)m.nhb);
	struct hblk *h = &m.hb[i];
	MUST(!h->size || heap_stamped(h), "heap block %p kept its contents", (void *)h->p);
	int r = in8() & 1 ? kfree(h->p) : kfree_tagged(h->p, h->tag);
	MUST(r == 0, "kfree of a live block: %d", r);
	heap_gone(i);
}

/* Heap frees that must be refused, changing nothing. */
static void op_heap_misuse(void)
{
	unsigned kind = in8() % 4;
	int r;
	if (kind == 0 && m.nhb) {                   /* wrong tag */
		struct hblk *h = &m.hb[in8() % (unsigned)m.nhb];
		r = kfree_tagged(h->p, h->tag == TAG_TEST ? TAG_IPC : TAG_TEST);
		MUST(r == -EINVAL, "kfree_tagged with the wrong tag: %d", r);
	} else if (kind == 1 && m.nhb) {            /* interior pointer */
		struct hblk *h = &m.hb[in8() % (unsigned)m.nhb];
		size_t words = (block_bytes(h->size) - HEAP_HDR_SIZE) / 8;
		r = kfree(h->p + 8 * (1 + in8() % (words - 1)));   /* stays inside */
		MUST(r == -EINVAL, "kfree of an interior pointer: %d", r);
	} else if (kind == 2 && m.nhb) {            /* double free */
		int i = (int)(in8() % (unsigned)m.nhb);
		uint8_t *p = m.hb[i].p;
		MUST(kfree(p) == 0, "kfree");
		heap_gone(i);
		r = kfree(p);
		MUST(r == -EINVAL, "double kfree: %d", r);
	} else if (kind == 3) {                     /* never from kmalloc */
		uint8_t *p = m.npb ? m.pb[0].p + 64 : ram + m.ram_size + 64;
		r = kfree(p);
		MUST(r == -EINVAL, "kfree of a foreign pointer: %d", r);
	} else {
		return;
	}
	m.misuse++;
}

/* Register a tag named by input bytes (often invalid or taken). */
static void op_tag_register(void)
{
	char name[5];
	for (int i = 0; i < 4; i++)
		name[i] = (char)(in8() % 2 ? 'A' + in8() % 8 : in8());
	name[4] = '\0';
	int before = tag_count(), r = tag_register(name);
	MUST(r < 0 ? tag_count() == before : r == before && tag_count() == before + 1,
	     "tag_register(\"%s\") returned %d with %d tags", name, r, before);
}

/* ---- checks ------------------------------------------------------------ */

/* Every counter against the model, then both allocators' checks. */
static void compare(void)
{
	struct page_stats ps;
	struct heap_stats hs;
	long held = 0;

	page_stats(&ps);
	heap_stats(&hs);
	for (int i = 0; i <= NPIDS; i++) {
		long want = m.pid_pages[i] + (i == 0 ? (long)(hs.arenas * ARENA_PAGES + hs.index_pages) : 0);
		MUST(page_owner_pages(m.pid[i]) == want, "pid %d holds %ld pages, model %ld",
		     (int)m.pid[i], page_owner_pages(m.pid[i]), want);
		held += want;
	}
	size_t buddy = 0, cached = 0;
	for (int o = 0; o <= PAGE_MAX_ORDER; o++)
		buddy += ps.free_blocks[o] << o;
	for (int h = 0; h < NCPU; h++)
		cached += ps.cached_hart[h];
	MUST(ps.total == m.total && ps.free + ps.cached == m.total - (size_t)held &&
	     ps.free == buddy && ps.cached == cached,
	     "total %zu free %zu cached %zu, model %zu and %zu", ps.total, ps.free,
	     ps.cached, m.total, m.total - (size_t)held);
	MUST(ps.misuse + hs.misuse == m.misuse, "misuse %lu + %lu, model %lu",
	     (unsigned long)ps.misuse, (unsigned long)hs.misuse, (unsigned long)m.misuse);
	MUST(hs.live == (size_t)m.nhb && hs.used == m.heap_used,
	     "heap live %zu used %zu, model %d and %zu", hs.live, hs.used, m.nhb, m.heap_used);
	for (int t = 0; t < tag_count(); t++) {
		struct tag_stat ts;
		uint64_t pages = m.pages[t] + (t == TAG_HEAP ? hs.arenas * ARENA_PAGES + hs.index_pages : 0);
		MUST(tag_stat_get(t, &ts) == 0, "tag %d", t);
		MUST(ts.bytes == m.bytes[t] && ts.live == m.live[t] && ts.pages == pages &&
		     ts.fails == m.fails[t], "tag %d: bytes %lu live %lu pages %lu fails %lu",
		     t, (unsigned long)ts.bytes, (unsigned long)ts.live,
		     (unsigned long)ts.pages, (unsigned long)ts.fails);
		if (t != TAG_HEAP)
			MUST(ts.page_fails == m.page_fails[t], "tag %d page_fails %lu, model %lu",
			     t, (unsigned long)ts.page_fails, (unsigned long)m.page_fails[t]);
	}
	MUST(page_check() == 0, "page_check");
	MUST(heap_check() == 0, "heap_check");
}

/* Fresh allocators over the RAM the first byte describes. */
static void setup(void)
{
	unsigned b = in8();
	host_set_cpu(0);
	m.ram_size = (1UL << 20) << (b % 4);               /* 1..8 MiB */
	host_set_cpu(0);
	page_cache_set_depth(64);
	tag_init();
	MUST(page_init((paddr_t)ram, m.ram_size, meta) == 0, "page_init");
	if (b & 4) {                                       /* a hole in the middle */
		size_t hole = PAGE_SIZE * (1 + (b >> 3));
		size_t half = m.ram_size / 2;
		m.total = (size_t)page_free_range((paddr_t)ram, (paddr_t)ram + half);
		m.total += (size_t)page_free_range((paddr_t)ram + half + hole,
						   (paddr_t)ram + m.ram_size);
	} else {
		m.total = (size_t)page_free_range((paddr_t)ram, (paddr_t)ram + m.ram_size);
	}
	heap_init();
	alloc_site_reset();
	m.pid[0] = 0;
	m.next_pid = 1;
	for (int i = 1; i <= NPIDS; i++) {
		m.pid[i] = m.next_pid++;
		MUST(page_owner_open(m.pid[i]) == 0, "open pid %d", (int)m.pid[i]);
	}
}

/* The per-hart heap caches: run as another hart (so blocks are freed
 * into other caches than they came from), change the depth (0 is off;
 * trimming spills), or drain them all. Nothing a model counts moves. */
static void op_heap_cache(void)
{
	static const unsigned depths[] = { 0, 1, 2, 32, HEAP_CACHE_DEPTH_MAX };
	unsigned b = in8();

	if (b < 200)
		host_set_cpu((int)(b % 4));
	else if (b < 250)
		heap_cache_set_depth(depths[b % 5]);
	else
		heap_cache_drain();
}

/* Free everything; every page must come back but the heap's last arena. */
static void teardown(void)
{
	while (m.nhb)
		MUST(kfree(m.hb[--m.nhb].p) == 0, "kfree at the end");
	while (m.npb) {
		struct pblk *b = &m.pb[--m.npb];
		MUST(page_stamped(b), "block kept its contents");
		MUST(page_free(b->p, m.pid[b->pidx]) == 0, "page_free at the end");
	}
	for (int i = 1; i <= NPIDS; i++)
		MUST(page_reclaim(m.pid[i], NULL) == 0, "nothing left to reclaim");
	MUST(heap_check() == 0, "heap_check with the caches full");
	heap_cache_drain();
	host_set_cpu(0);
	heap_cache_set_depth(HEAP_CACHE_DEPTH);
	struct page_stats ps;
	struct heap_stats hs;
	page_cache_drain();
	page_stats(&ps);
	heap_stats(&hs);
	MUST(hs.arenas <= 1 && hs.live == 0 && hs.used == 0, "heap empty: %u arenas", hs.arenas);
	MUST(ps.free == m.total - hs.arenas * ARENA_PAGES - hs.index_pages, "every page back: %zu of %zu",
	     ps.free, m.total);
	MUST(page_check() == 0 && heap_check() == 0, "checks at the end");
}

/* Once: the simulated RAM and its descriptors; reports silenced. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	host_quiet = 1;                 /* misuse reports are expected */
	meta = malloc(page_meta_bytes(RAM_MAX));
	if (posix_memalign((void **)&ram, PAGE_SIZE << PAGE_MAX_ORDER, RAM_MAX) || !meta) {
		fprintf(stderr, "mm_fuzz: no memory for the simulated RAM\n");
		exit(2);
	}
	return 0;
}

/* One input: fresh allocators, its operations, the final accounting. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	memset(&m, 0, sizeof(m));
	m.in = data;
	m.len = size;
	setup();
	for (m.op = 0; m.pos < m.len; m.op++) {
		switch (in8() % 14) {
		case 0: case 1: op_page_alloc(); break;
		case 2:         op_page_free(); break;
		case 3:         op_page_misuse(); break;
		case 4:         op_page_give(); break;
		case 5:         op_reclaim(); break;
		case 6: case 7: op_kmalloc(); break;
		case 8:         op_kfree(); break;
		case 9:         op_heap_misuse(); break;
		case 10:        op_tag_register(); break;
		case 11:        op_hart(); break;
		case 12:        op_heap_cache(); break;
		default:        compare(); break;
		}
		if (m.op % CHECK_EVERY == CHECK_EVERY - 1)
			compare();
	}
	compare();
	teardown();
	return 0;
}
