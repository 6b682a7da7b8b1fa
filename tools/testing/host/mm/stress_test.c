/* Seeded random stress of the page allocator, page tracker and heap,
 * checked against a simple model: every counter must equal the model's,
 * every NULL must be one the model predicts, and page_check() and
 * heap_check() must hold throughout. Every operation runs on a random
 * one of STRESS_HARTS harts, and the harts' page lists change depth
 * every phase (0, 1, 2, ... 9, 64, and again), so pages are cached,
 * spilled, drained and freed across harts all along. MM_STRESS_SEED and
 * MM_STRESS_OPS in the environment override the defaults. */
#include "mm_test.h"

#define STRESS_OPS     1000000
#define MAX_PB         1024                 /* live page blocks in the model */
#define MAX_HB         4096                 /* live heap blocks in the model */
#define NPIDS          6                    /* processes besides the kernel */
#define NSITES         5
#define ARENA_PAGES    ((1u << HEAP_ARENA_ORDER) + 2)   /* arena + its maps */
#define COMPARE_EVERY  64
#define CHECK_EVERY    2000
#define PHASE_OPS      25000                /* ops per fill or drain phase */
#define STRESS_HARTS   4

struct pblk { uint8_t *p; unsigned order; int pidx; int tag; uint64_t stamp; };
struct hblk { uint8_t *p; size_t size; int tag; int site; uint64_t stamp; };

/* The model: what every counter must read. */
static struct {
	struct pblk pb[MAX_PB];
	struct hblk hb[MAX_HB];
	int npb, nhb;
	pid_t pid[NPIDS + 1];                  /* [0] is the kernel */
	long pid_pages[NPIDS + 1];
	pid_t next_pid;
	struct tag_stat tag[TAG_MAX];
	struct { struct alloc_site *rec; uint64_t bytes, live, calls; } site[NSITES];
	unsigned arenas;
	size_t index_pages;                    /* the heap's arena index, once */
	size_t heap_used;
	uint64_t page_fails, page_misuse, heap_fails, heap_misuse;
	size_t total_pages;
	int ntags;
	uint64_t rng;
} m;

/* xorshift64*: reproducible from the seed. */
static uint64_t rnd(void)
{
	m.rng ^= m.rng >> 12;
	m.rng ^= m.rng << 25;
	m.rng ^= m.rng >> 27;
	return m.rng * 2685821657736338717ULL;
}

static unsigned rnd_below(unsigned n) { return (unsigned)(rnd() % n); }

/* Stop at the first disagreement: later ones would only echo it. */
#define MUST(cond, ...) do { t_checks++; if (!(cond)) { t_fails++;             \
	printf("  FAIL stress op %ld: expected %s: ", op, #cond);              \
	printf(__VA_ARGS__); printf("\n"); return -1; } } while (0)

static long op;

/* Allocate from one of NSITES call sites (the last one zeroes). */
static void *stress_kmalloc(int site, size_t n, int tag)
{
	switch (site) {
	case 0: return kmalloc(n, tag);
	case 1: return kmalloc(n, tag);
	case 2: return kmalloc(n, tag);
	case 3: return kmalloc(n, tag);
	default: return kzalloc(n, tag);
	}
}

/* Charge the model for heap arenas the heap took or gave back. */
static void model_arenas(void)
{
	struct heap_stats hs;
	struct tag_stat *t = &m.tag[TAG_HEAP];

	heap_stats(&hs);
	if (m.index_pages != hs.index_pages) {  /* taken with the first arena */
		t->pages += hs.index_pages - m.index_pages;
		t->page_allocs++;
		m.pid_pages[0] += (long)(hs.index_pages - m.index_pages);
		m.index_pages = hs.index_pages;
		if (t->pages > t->pages_peak)
			t->pages_peak = t->pages;
	}
	while (m.arenas < hs.arenas) {
		m.arenas++;
		t->pages += ARENA_PAGES;
		t->page_allocs += 2;
		m.pid_pages[0] += ARENA_PAGES;
		if (t->pages > t->pages_peak)
			t->pages_peak = t->pages;
	}
	while (m.arenas > hs.arenas) {
		m.arenas--;
		t->pages -= ARENA_PAGES;
		t->page_frees += 2;
		m.pid_pages[0] -= ARENA_PAGES;
	}
}

/* Heap block order the model expects for a request. */
static unsigned model_order(size_t n)
{
	unsigned o = 0;
	while ((HEAP_MIN_BLOCK << o) < n + HEAP_HDR_SIZE)
		o++;
	return o;
}

/* One kmalloc, its success or failure predicted from the free lists. */
static int op_kmalloc(void)
{
	struct page_stats ps;
	struct heap_stats hs;
	unsigned r = rnd_below(100);
	size_t n = r < 70 ? 1 + rnd_below(256) : r < 99 ? 257 + rnd_below(8000)
		   : 8193 + rnd_below(HEAP_MAX_ALLOC - 8192);
	int tag = (int)rnd_below((unsigned)m.ntags), site = (int)rnd_below(NSITES);
	unsigned order = model_order(n), o;
	bool heap_has = false, arena_ok = false, maps_ok = false;
	struct heap_block_info bi;

	if (m.nhb == MAX_HB)
		return 0;
predict:
	page_stats(&ps);
	heap_stats(&hs);
	for (o = order; o < HEAP_ORDERS; o++)
		heap_has |= hs.free_blocks[o] > 0;
	for (o = HEAP_ARENA_ORDER; o <= PAGE_MAX_ORDER && !ps.free_blocks[o]; o++)
		;
	arena_ok = o <= PAGE_MAX_ORDER;
	maps_ok = arena_ok && (o > HEAP_ARENA_ORDER || ps.free_blocks[o] > 1);
	for (unsigned k = 1; k <= PAGE_MAX_ORDER && arena_ok && !maps_ok; k++)
		maps_ok = k != HEAP_ARENA_ORDER && ps.free_blocks[k] > 0;
	bool expect_ok = heap_has || (hs.arenas < HEAP_MAX_ARENAS && maps_ok);
	if (!expect_ok && ps.cached) {
		/* a new arena would drain the harts' lists before failing:
		 * drain them first and predict from what is then free */
		page_cache_drain();
		goto predict;
	}

	/* The caches: this hart's bin may serve it; when nothing else can,
	 * every cache is drained into the buddy heap and it tries again, so
	 * it may succeed then, and if it fails the drained heap must have
	 * had nothing for it. */
	struct tag_stat hb;
	tag_stat_get(TAG_HEAP, &hb);
	uint8_t *p = stress_kmalloc(site, n, tag);
	if (p && !expect_ok) {
		/* served by a cache: either this hart's bin (no growth tried)
		 * or a drain after one failed growth (a drain grows no more) */
		struct tag_stat ha;
		tag_stat_get(TAG_HEAP, &ha);
		MUST(ha.page_fails - hb.page_fails <= 1, "one kmalloc, %lu page fails",
		     (unsigned long)(ha.page_fails - hb.page_fails));
		if (ha.page_fails != hb.page_fails) {
			MUST(!heap_has && hs.arenas < HEAP_MAX_ARENAS, "growth tried");
			m.tag[TAG_HEAP].page_fails++;
			m.page_fails++;
			if (arena_ok) {
				m.tag[TAG_HEAP].page_allocs++;
				m.tag[TAG_HEAP].page_frees++;
			}
		}
	}
	if (!p && !expect_ok && hs.cached) {
		struct heap_stats after;
		heap_stats(&after);
		MUST(after.cached == 0, "a failed kmalloc left %zu B cached", after.cached);
		for (o = order; o < HEAP_ORDERS; o++)
			MUST(!after.free_blocks[o], "kmalloc(%zu) failed with a free "
			     "block of order %u after the drain", n, o);
	} else {
		MUST((p != NULL) == expect_ok || (p && hs.cached), "kmalloc(%zu) gave %p "
		     "(heap_has %d arenas %u arena_ok %d maps_ok %d cached %zu)", n,
		     (void *)p, heap_has, hs.arenas, arena_ok, maps_ok, hs.cached);
	}
	if (!p) {
		m.heap_fails++;
		m.tag[tag].fails++;
		if (!heap_has && hs.arenas < HEAP_MAX_ARENAS) {
			m.tag[TAG_HEAP].page_fails++;
			m.page_fails++;
			if (arena_ok) {             /* arena taken, maps failed */
				m.tag[TAG_HEAP].page_allocs++;
				m.tag[TAG_HEAP].page_frees++;
			}
		}
		return 0;
	}
	MUST(heap_block_info(p, &bi) == 0 && bi.tag == tag && bi.req == n,
	     "block info of a fresh block");
	if (!m.site[site].rec)
		m.site[site].rec = bi.site;
	MUST(bi.site == m.site[site].rec && bi.site, "block remembers its call site");
	if (site == NSITES - 1)
		MUST(p[0] == 0 && p[n - 1] == 0 && p[n / 2] == 0, "kzalloc zeroed");
	size_t bytes = HEAP_MIN_BLOCK << order;
	struct hblk *h = &m.hb[m.nhb++];
	*h = (struct hblk){ p, n, tag, site, rnd() };
	memset(p, (int)(h->stamp & 0xff), n);
	struct tag_stat *t = &m.tag[tag];
	t->bytes += bytes;
	t->live++;
	t->allocs++;
	t->req += n;
	if (t->bytes > t->peak)
		t->peak = t->bytes;
	m.site[site].bytes += bytes;
	m.site[site].live++;
	m.site[site].calls++;
	m.heap_used += bytes;
	model_arenas();
	return 0;
}

/* Free a random live heap block, sometimes by tag, sometimes twice. */
static int op_kfree(void)
{
	if (!m.nhb)
		return 0;
	int i = (int)rnd_below((unsigned)m.nhb);
	struct hblk h = m.hb[i];
	uint8_t s = (uint8_t)(h.stamp & 0xff);
	size_t bytes = HEAP_MIN_BLOCK << model_order(h.size);

	MUST(h.p[0] == s && h.p[h.size - 1] == s && h.p[h.size / 2] == s,
	     "block %p of %zu bytes kept its contents", (void *)h.p, h.size);
	int rc;
	if (rnd_below(50) == 0) {
		rc = QUIET(kfree_tagged(h.p, (h.tag + 1) % m.ntags));
		MUST(rc == -EINVAL, "kfree_tagged with the wrong tag returned %d", rc);
		m.heap_misuse++;
	}
	rc = rnd_below(2) ? kfree(h.p) : kfree_tagged(h.p, h.tag);
	MUST(rc == 0, "kfree of a live block returned %d", rc);
	m.hb[i] = m.hb[--m.nhb];
	m.tag[h.tag].bytes -= bytes;
	m.tag[h.tag].live--;
	m.tag[h.tag].frees++;
	m.tag[h.tag].req -= h.size;
	m.site[h.site].bytes -= bytes;
	m.site[h.site].live--;
	m.heap_used -= bytes;
	if (rnd_below(50) == 0) {
		rc = QUIET(kfree(h.p));
		MUST(rc == -EINVAL, "double kfree returned %d", rc);
		m.heap_misuse++;
	}
	model_arenas();
	return 0;
}

/* One page_alloc for a random owner; NULL exactly when no block fits. */
static int op_page_alloc(void)
{
	struct page_stats ps;
	unsigned r = rnd_below(100), order = r < 60 ? 0 : r < 80 ? 1 + rnd_below(2)
		     : r < 95 ? 3 + rnd_below(3) : 6 + rnd_below(PAGE_MAX_ORDER - 5);
	int pidx = (int)rnd_below(NPIDS + 1), tag = (int)rnd_below((unsigned)m.ntags);
	bool fits = false;

	if (m.npb == MAX_PB)
		return 0;
	page_stats(&ps);
	for (unsigned o = order; o <= PAGE_MAX_ORDER; o++)
		fits |= ps.free_blocks[o] > 0;
	fits |= order == 0 && ps.cached > 0;
	uint8_t *p = page_alloc(order, m.pid[pidx], tag);
	if (fits || !ps.cached) {
		MUST((p != NULL) == fits, "page_alloc(order %u) gave %p", order, (void *)p);
	} else if (!p) {
		/* the cached pages might have merged into a block: a NULL
		 * is right only if, drained, they did not */
		struct page_stats after;
		page_stats(&after);
		for (unsigned o = order; o <= PAGE_MAX_ORDER; o++)
			MUST(!after.free_blocks[o], "page_alloc(order %u) NULL with a "
			     "block of order %u free after the drain", order, o);
		MUST(after.cached == 0, "page_alloc NULL with %zu pages still cached",
		     after.cached);
	}
	if (!p) {
		m.page_fails++;
		m.tag[tag].page_fails++;
		return 0;
	}
	struct pblk *b = &m.pb[m.npb++];
	*b = (struct pblk){ p, order, pidx, tag, rnd() };
	size_t len = PAGE_SIZE << order;
	memcpy(p, &b->stamp, 8);
	memcpy(p + len - 8, &b->stamp, 8);
	m.pid_pages[pidx] += 1L << order;
	m.tag[tag].pages += 1u << order;
	m.tag[tag].page_allocs++;
	if (m.tag[tag].pages > m.tag[tag].pages_peak)
		m.tag[tag].pages_peak = m.tag[tag].pages;
	return 0;
}

/* Drop model block i whose pages the allocator has taken back. */
static void model_page_gone(int i)
{
	struct pblk *b = &m.pb[i];

	m.pid_pages[b->pidx] -= 1L << b->order;
	m.tag[b->tag].pages -= 1u << b->order;
	m.tag[b->tag].page_frees++;
	m.pb[i] = m.pb[--m.npb];
}

/* Free a random page block; now and then misuse it first. */
static int op_page_free(void)
{
	if (!m.npb)
		return 0;
	int i = (int)rnd_below((unsigned)m.npb), rc;
	struct pblk b = m.pb[i];
	pid_t other = m.pid[(b.pidx + 1) % (NPIDS + 1)];

	MUST(!memcmp(b.p, &b.stamp, 8) &&
	     !memcmp(b.p + (PAGE_SIZE << b.order) - 8, &b.stamp, 8),
	     "page block %p kept its contents", (void *)b.p);
	if (rnd_below(20) == 0) {
		rc = QUIET(page_free(b.p, other));
		MUST(rc == -EPERM, "free by the wrong owner returned %d", rc);
		m.page_misuse++;
		if (b.order) {
			rc = QUIET(page_free(b.p + PAGE_SIZE, m.pid[b.pidx]));
			MUST(rc == -EINVAL, "free inside a block returned %d", rc);
			m.page_misuse++;
		}
	}
	rc = page_free(b.p, m.pid[b.pidx]);
	MUST(rc == 0, "page_free of a live block returned %d", rc);
	model_page_gone(i);
	if (rnd_below(20) == 0) {
		rc = QUIET(page_free(b.p, m.pid[b.pidx]));
		MUST(rc == -EINVAL, "double page_free returned %d", rc);
		m.page_misuse++;
	}
	return 0;
}

/* Hand a random block to another owner, checking page_owner both ways. */
static int op_page_give(void)
{
	if (!m.npb)
		return 0;
	struct pblk *b = &m.pb[rnd_below((unsigned)m.npb)];
	int to = (int)rnd_below(NPIDS + 1);
	uint8_t *inside = b->p + rnd_below(PAGE_SIZE << b->order);

	MUST(page_owner(inside) == m.pid[b->pidx], "owner of %p", (void *)inside);
	MUST(page_owner_set(b->p, m.pid[b->pidx], m.pid[to]) == 0, "page_owner_set");
	m.pid_pages[b->pidx] -= 1L << b->order;
	m.pid_pages[to] += 1L << b->order;
	b->pidx = to;
	MUST(page_owner(inside) == m.pid[to], "new owner of %p", (void *)inside);
	return 0;
}

/* Reclaim a random process and open a new PID (sometimes one sharing a
 * hash bucket) in its place. */
static int op_reclaim(void)
{
	int pidx = 1 + (int)rnd_below(NPIDS);
	size_t by_tag[TAG_MAX], want[TAG_MAX] = { 0 };
	long want_total = m.pid_pages[pidx];

	for (int i = 0; i < m.npb; i++)
		if (m.pb[i].pidx == pidx)
			want[m.pb[i].tag] += 1u << m.pb[i].order;
	long got = page_reclaim(m.pid[pidx], by_tag);
	MUST(got == want_total, "reclaim(%d) freed %ld pages, model %ld",
	     (int)m.pid[pidx], got, want_total);
	MUST(!memcmp(by_tag, want, sizeof(want)), "reclaim pages by tag");
	for (int i = m.npb - 1; i >= 0; i--)
		if (m.pb[i].pidx == pidx)
			model_page_gone(i);
	m.next_pid += rnd_below(3) ? 1 : 256;
	m.pid[pidx] = m.next_pid;
	MUST(page_owner_open(m.pid[pidx]) == 0, "open pid %d", (int)m.pid[pidx]);
	return 0;
}

/* Compare one tag's counters field by field, printing each mismatch. */
static bool tag_stat_same(int t, const struct tag_stat *seen, const struct tag_stat *want)
{
	static const struct { const char *name; size_t off; } f[] = {
#define F(x) { #x, offsetof(struct tag_stat, x) }
		F(bytes), F(peak), F(live), F(allocs), F(frees), F(fails), F(req),
		F(pages), F(pages_peak), F(page_allocs), F(page_frees), F(page_fails),
#undef F
	};
	bool same = true;

	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		uint64_t a = *(const uint64_t *)((const char *)seen + f[i].off);
		uint64_t b = *(const uint64_t *)((const char *)want + f[i].off);
		if (a != b) {
			printf("  tag %d %s: expected %lu, saw %lu\n", t, f[i].name,
			       (unsigned long)b, (unsigned long)a);
			same = false;
		}
	}
	return same;
}

/* Every counter the allocators keep against the model's. */
static int compare_counters(void)
{
	struct page_stats ps;
	struct heap_stats hs;
	struct tag_stat ts;
	size_t held = 0, free_from_blocks = 0;

	page_stats(&ps);
	heap_stats(&hs);
	for (int i = 0; i <= NPIDS; i++) {
		MUST(page_owner_pages(m.pid[i]) == m.pid_pages[i], "pid %d holds %ld "
		     "pages, model %ld", (int)m.pid[i], page_owner_pages(m.pid[i]),
		     m.pid_pages[i]);
		held += (size_t)m.pid_pages[i];
	}
	for (int o = 0; o <= PAGE_MAX_ORDER; o++)
		free_from_blocks += ps.free_blocks[o] << o;
	size_t cached = 0;
	for (int h = 0; h < NCPU; h++)
		cached += ps.cached_hart[h];
	MUST(ps.total == m.total_pages && ps.free + ps.cached == ps.total - held &&
	     ps.free == free_from_blocks && ps.cached == cached &&
	     ps.kernel == (size_t)m.pid_pages[0],
	     "page totals: total %zu free %zu cached %zu kernel %zu", ps.total, ps.free,
	     ps.cached, ps.kernel);
	MUST(ps.fails == m.page_fails && ps.misuse == m.page_misuse &&
	     ps.owners == NPIDS + 1, "page fails %lu (model %lu) misuse %lu (model %lu) "
	     "owners %zu", (unsigned long)ps.fails, (unsigned long)m.page_fails,
	     (unsigned long)ps.misuse, (unsigned long)m.page_misuse, ps.owners);
	MUST(hs.used == m.heap_used && hs.live == (size_t)m.nhb &&
	     hs.fails == m.heap_fails && hs.misuse == m.heap_misuse &&
	     hs.arenas == m.arenas, "heap used %zu live %zu fails %lu",
	     hs.used, hs.live, (unsigned long)hs.fails);
	for (int t = 0; t < m.ntags; t++) {
		tag_stat_get(t, &ts);
		m.tag[t].name = ts.name;
		MUST(tag_stat_same(t, &ts, &m.tag[t]), "tag %d counters as the model's", t);
	}
	for (int s = 0; s < NSITES; s++) {
		struct alloc_site_stat r;
		if (!m.site[s].rec)
			continue;
		alloc_site_get(m.site[s].rec, &r);
		MUST(r.bytes == m.site[s].bytes && alloc_site_live(&r) == m.site[s].live &&
		     r.calls == m.site[s].calls, "site %d counters", s);
	}
	return 0;
}

/* A million random operations, then everything freed: the buddy layout
 * must be the one we started from. */
static void stress_million(void)
{
	static const unsigned heap_depths[] = { 0, 1, 2, 3, 4, 8, 16, 32, 64,
						HEAP_CACHE_DEPTH_MAX };
	const char *seed_env = getenv("MM_STRESS_SEED"), *ops_env = getenv("MM_STRESS_OPS");
	uint64_t seed = seed_env ? strtoull(seed_env, NULL, 0) : 0x5eed2024;
	long ops = ops_env ? strtol(ops_env, NULL, 0) : STRESS_OPS;
	static const uint32_t depths[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 64 };
	struct page_stats start, end;
	uint32_t old_depth = page_cache_set_depth(0);
	int rc = 0;

	env_setup(32 << 20, true);
	memset(&m, 0, sizeof(m));
	m.rng = seed ^ 0x9e3779b97f4a7c15ULL;     /* never 0 for small seeds */
	m.total_pages = (32 << 20) / PAGE_SIZE;
	EXPECT(tag_register("STR1") >= 0);
	EXPECT(tag_register("STR2") >= 0);
	m.ntags = tag_count();
	for (int i = 1; i <= NPIDS; i++) {
		m.pid[i] = ++m.next_pid;
		page_owner_open(m.pid[i]);
	}
	page_stats(&start);
	printf("  stress: seed 0x%llx, %ld operations, heap cache depths 0 to %u, page "
	       "list depths 0 to %u\n", (unsigned long long)seed, ops,
	       heap_depths[ARRAY_SIZE(heap_depths) - 1], depths[ARRAY_SIZE(depths) - 1]);
	for (op = 0; op < ops && !rc; op++) {
		/* alternate phases that fill memory to exhaustion and drain
		 * it, so both full-heap and merge-back paths run often */
		bool fill = (op / PHASE_OPS) % 2 == 0;
		unsigned r = rnd_below(100);

		/* each phase at other cache and list depths, 0 (off) up; each
		 * op on one of the harts, so blocks and pages are freed into
		 * other harts' caches than the ones they came from */
		if (op % PHASE_OPS == 0) {
			heap_cache_set_depth(heap_depths[(op / PHASE_OPS) % ARRAY_SIZE(heap_depths)]);
			page_cache_set_depth(depths[(op / PHASE_OPS) % ARRAY_SIZE(depths)]);
		}
		host_set_cpu((int)rnd_below(STRESS_HARTS));
		rc = r < (fill ? 40 : 20) ? op_kmalloc() : r < 60 ? op_kfree()
		     : r < (fill ? 80 : 70) ? op_page_alloc() : r < 94 ? op_page_free()
		     : r < 99 || rnd_below(10) ? op_page_give() : op_reclaim();
		if (!rc && op % COMPARE_EVERY == 0)
			rc = compare_counters();
		if (!rc && op % CHECK_EVERY == 0 && (page_check() || heap_check())) {
			printf("  FAIL stress op %ld: allocator check failed\n", op);
			t_fails++;
			rc = -1;
		}
	}
	host_set_cpu(0);
	page_cache_set_depth(old_depth);
	if (rc)
		return;
	struct heap_stats hs;
	struct page_stats ps;
	heap_stats(&hs);
	page_stats(&ps);
	printf("  stress: done %ld ops; kmalloc NULL %lu, page_alloc NULL %lu, "
	       "misuse caught %lu heap + %lu page, live %d heap + %d page blocks, "
	       "%u arenas, %ld checks of both allocators\n", op,
	       (unsigned long)hs.fails, (unsigned long)ps.fails,
	       (unsigned long)hs.misuse, (unsigned long)ps.misuse, m.nhb, m.npb,
	       hs.arenas, ops / CHECK_EVERY + 1);
	EXPECT_EQ(compare_counters(), 0);
	while (m.nhb && !rc)
		rc = op_kfree();
	while (m.npb && !rc)
		rc = op_page_free();
	EXPECT_EQ(heap_check(), 0);
	heap_cache_drain();                     /* the cached blocks, then arenas */
	model_arenas();
	host_set_cpu(0);
	heap_cache_set_depth(HEAP_CACHE_DEPTH);
	EXPECT_EQ(page_check(), 0);
	EXPECT_EQ(heap_check(), 0);
	page_cache_drain();
	page_stats(&end);
	/* The heap keeps its last arena. With every other page back and
	 * page_check() proving no free buddies are left unmerged, the free
	 * layout is the canonical one for that set of pages. */
	EXPECT_EQ(m.arenas, 1);
	EXPECT_EQ(end.free + ARENA_PAGES + m.index_pages, start.free);
	EXPECT_EQ(end.kernel, ARENA_PAGES + m.index_pages);
}

const struct mm_test stress_tests[] = {
	{ "stress: 1M ops against a model", stress_million },
	{ NULL, NULL },
};
