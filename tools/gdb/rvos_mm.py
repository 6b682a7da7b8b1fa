"""The memory side of tools/gdb/rvos.py: the tag table, call sites, the
page tracker and the heap, read from kernel/mm's own structures
(include/kernel/tag.h, alloc_site.h, kernel/mm/page_internal.h,
heap_internal.h). Everything is computed as the kernel computes it for
sysinfo (tag_stat_get, heap_stats, page_stats, alloc_site_top: per-hart
counters summed over the harts), so the figures equal `mem`'s when taken
at the same instant.
"""

import gdb

from rvos_read import (HEAP_ARENA_ORDER, HEAP_MIN_SHIFT, PAGE_SHIFT, PAGE_SIZE,
                       Layout, RvosError, array_len, cstring, field, num, read,
                       symbol, tag_text)

# tag_internal.h: the shared row's counters, and the per-hart ones that
# tag_stat_get() sums over the harts below tag_harts.
TAG_SHARED = ("peak", "fails", "pages_peak", "page_fails")
TAG_PER_HART = ("bytes", "req", "allocs", "frees", "pages", "page_allocs", "page_frees")
PD_STATES = {0: "reserved", 1: "free", 2: "used", 3: "tail", 4: "cached"}   # page_internal.h
PAGE_NIL = 0xffffffff
HEAP_TAG_CACHED, HEAP_CACHED_REQ = 0xFF, 0xCAC4E000   # kernel/mm/heap_internal.h
HEAP_FREE_MAGIC = 0x45455246


# Every tag in use, in slot order: dicts of tag_stat_get()'s counters.
def tags():
    table = symbol("tag_table")
    per_hart = symbol("tag_cpu")
    ntags = num(symbol("tag_nr"))
    nharts = num(symbol("tag_harts"))
    if ntags == 0:
        raise RvosError("the tag table is empty: the kernel has not reached tag_init, "
                        "or gdb is not attached (target remote)")
    out = []
    for slot in range(ntags):
        row = table[slot]
        t = {k: num(row, k) for k in TAG_SHARED}
        for k in TAG_PER_HART:
            t[k] = sum(num(per_hart[slot][h], k) for h in range(nharts)) % (1 << 64)
        t["live"] = t["allocs"] - t["frees"]        # as tag_stat_get derives it
        t["slot"] = slot
        t["name"] = tag_text(num(row, "name"), slot)
        out.append(t)
    return out


# The name of tag slot slot, as tag_name() gives it.
def tag_name(slot):
    table = symbol("tag_table")
    if 0 <= slot < num(symbol("tag_nr")):
        return tag_text(num(table[slot], "name"), slot)
    return f"tag#{slot}"


class Heap:
    """The heap's arenas, free lists and counters (struct heap_state)."""

    # Read the arenas and per-order counters; check param.h's copies.
    def __init__(self):
        h = symbol("heap")
        self.orders = array_len(field(h, "free_count"))
        want = PAGE_SHIFT + HEAP_ARENA_ORDER - HEAP_MIN_SHIFT + 1
        if self.orders != want:
            raise RvosError(f"the heap has {self.orders} orders, tools/gdb/rvos_read.py "
                            f"expects {want}: update HEAP_* there from param.h")
        self.min_block = 1 << HEAP_MIN_SHIFT
        self.hdr = Layout("heap_hdr", ("site", "tag", "order", "req"))
        self.arena_size = PAGE_SIZE << HEAP_ARENA_ORDER
        self.arenas = []
        arenas = field(h, "arena")
        for i in range(array_len(arenas)):
            a = arenas[i]
            if num(a, "base"):
                self.arenas.append((num(a, "base"), num(a, "used"), num(a, "free")))
        self.narenas = num(h, "narenas")
        self.fails, self.misuse = num(h, "fails"), num(h, "misuse")
        counts = field(h, "free_count")
        self.free_count = [num(counts[k]) for k in range(self.orders)]
        heads = field(h, "free_list")
        self.free_heads = [num(heads[k]) for k in range(self.orders)]

    # heap_stats(): total, used, free, live from the tag table's sums.
    def totals(self, tag_rows):
        total = self.narenas * self.arena_size
        used = sum(t["bytes"] for t in tag_rows)
        live = sum(t["live"] for t in tag_rows)
        cached = sum(heap_cache_bytes(i) for i in range(array_len(symbol("heap_cache"))))
        return {"total": total, "used": used, "free": total - min(total, used + cached),
                "live": live,
                "arenas": self.narenas, "fails": self.fails, "misuse": self.misuse}

    # Blocks on each free list, counted by walking it (at most limit each).
    def walk_free_lists(self, limit=100000):
        lay = Layout("heap_free", ("next", "magic", "order"))
        out = []
        for k, p in enumerate(self.free_heads):
            n = 0
            while p and n < limit:
                rec = lay.at(p)
                if rec["magic"] != HEAP_FREE_MAGIC or rec["order"] != k:
                    raise RvosError(f"heap free list {k}: block {p:#x} has magic "
                                    f"{rec['magic']:#x} order {rec['order']}: heap damaged")
                n, p = n + 1, rec["next"]
            out.append(n)
        return out

    # The block holding addr: start, size, data (after the header), used or
    # free, and the header's fields; None if addr is in no arena. Blocks tile an arena and each block's
    # first granule has its bit in the used or the free map, so the block
    # is the nearest start at or below addr's granule.
    def block(self, addr):
        for base, used_map, free_map in self.arenas:
            if base <= addr < base + self.arena_size:
                break
        else:
            return None
        nbytes = (self.arena_size >> HEAP_MIN_SHIFT) // 8
        used, free = read(used_map, nbytes), read(free_map, nbytes)
        g = (addr - base) >> HEAP_MIN_SHIFT
        while g >= 0 and not ((used[g >> 3] | free[g >> 3]) >> (g & 7)) & 1:
            g -= 1
        if g < 0:
            raise RvosError(f"no block starts below {addr:#x} in arena {base:#x}: heap damaged")
        start = base + (g << HEAP_MIN_SHIFT)
        b = {"cached": None}
        if (used[g >> 3] >> (g & 7)) & 1:
            b.update(used=True, **self.hdr.at(start))
            if b["tag"] == HEAP_TAG_CACHED and b["req"] & ~0xfff == HEAP_CACHED_REQ:
                b.update(used=False, cached=b["req"] & 0xfff)   # in hart's cache
        else:
            b.update(used=False, **Layout("heap_free", ("order",)).at(start))
        b.update(start=start, size=self.min_block << b["order"], data=start + self.hdr.size)
        return b


class Pages:
    """The page allocator and tracker (struct page_alloc_state pg)."""

    # Read the allocator's header, counters and owner records.
    def __init__(self):
        pg = symbol("pg")
        self.base, self.npages = num(pg, "base"), num(pg, "npages")
        if self.npages == 0:
            raise RvosError("the page tracker is empty: the kernel has not reached "
                            "page_init, or gdb is not attached (target remote)")
        self.desc_addr = num(pg, "desc")
        self.meta = (num(pg, "meta_lo"), num(pg, "meta_hi"))
        self.total, self.nfree = num(pg, "total"), num(pg, "nfree")
        self.fails, self.misuse = num(pg, "fails"), num(pg, "misuse")
        self.free_count = [num(c) for c in _elems(field(pg, "free_count"))]
        self.free_heads = [num(c) for c in _elems(field(pg, "free_head"))]
        owners = field(pg, "owners")
        self.owners = [(num(o, "pid"), num(o, "pages")) for o in _elems(owners)]
        self.limits = [num(o, "limit") for o in _elems(owners)]
        self.nfree_slots = num(pg, "nfree_slots")
        # Free pages on the harts' lists (page_cache[h].count).
        self.cached = [num(c, "count") for c in _elems(symbol("page_cache"))]
        self.lay = Layout("page_desc", ("next", "state", "order", "tag", "owner"))

    # page_stats(): total, free, kernel pages, owners open, failures.
    def totals(self):
        return {"total": self.total, "free": self.nfree,      # as page_stats: the buddy's
                "kernel": self.owners[0][1],
                "owners": len(self.owners) - self.nfree_slots, "fails": self.fails,
                "page_size": PAGE_SIZE}

    # Pages pid holds (page_owner_pages), 0 if it has no record.
    def owner_pages(self, pid):
        for opid, pages in self.owners:
            if opid == pid:
                return pages
        return 0

    # The page cap of pid's owner record (0: none), as page_owner_usage.
    def owner_limit(self, pid):
        for (opid, _), limit in zip(self.owners, self.limits):
            if opid == pid:
                return limit
        return 0

    # The PID owning record slot.
    def owner_pid(self, slot):
        return self.owners[slot][0] if slot < len(self.owners) else None

    # Descriptor i, decoded: state is the kind (PD_STATES), hart the
    # hart whose lists hold a used or cached block (PD_ON).
    def desc(self, i):
        d = self.lay.at(self.desc_addr + i * self.lay.size)
        d["hart"], d["state"] = d["state"] >> 3, d["state"] & 7
        return d

    # RAM covered: [base, end).
    def end(self):
        return self.base + self.npages * PAGE_SIZE

    # The block holding addr, as page_info() finds it: (head index, its
    # descriptor), or (index, descriptor) of a reserved page. RvosError
    # outside RAM.
    def block(self, addr):
        if not self.base <= addr < self.end():
            raise RvosError(f"{addr:#x} is not in RAM ({self.base:#x}-{self.end():#x})")
        i = (addr - self.base) >> PAGE_SHIFT
        for order in range(len(self.free_count)):
            h = i & ~((1 << order) - 1)
            d = self.desc(h)
            if d["state"] == 3:                       # a tail: look one order up
                continue
            if d["state"] == 0 or h + (1 << d["order"]) > i:
                return h, d
            break
        raise RvosError(f"page {i} at {addr:#x} is a tail of no block: tracker damaged")

    # Blocks on each free list, counted by walking it.
    def walk_free_lists(self, limit=100000):
        out = []
        for head in self.free_heads:
            n, i = 0, head
            while i != PAGE_NIL and n < limit:
                n, i = n + 1, self.desc(i)["next"]
            out.append(n)
        return out


# What the harts' allocator caches hold, as heap_stats() and page_stats()
# report it: heap bytes and pages in all caches, the heap caches' hits and
# misses, and per hart (in harts' order) its heap bytes and pages. The
# heap's are heap_cache[h] (kernel/mm/heap_internal.h): bin k of a hart
# holds count blocks of HEAP_MIN_BLOCK << k bytes.
def heap_cache_bytes(index):
    c = symbol("heap_cache")[index]
    bins = field(c, "bin")
    return sum(num(bins[k], "count") << (k + HEAP_MIN_SHIFT) for k in range(array_len(bins)))


def caches(harts):
    hc = symbol("heap_cache")
    n = array_len(hc)
    heap_all = [heap_cache_bytes(i) for i in range(n)]
    pages_all = page_cache_pages(n)
    return {"heap": sum(heap_all),
            "hits": sum(num(hc[i], "hits") for i in range(n)) & (2**64 - 1),
            "misses": sum(num(hc[i], "misses") for i in range(n)),
            "pages": sum(pages_all),
            "heap_hart": [heap_all[h["index"]] for h in harts],
            "pages_hart": [pages_all[h["index"]] for h in harts]}


# Pages in each hart's page list (page_cache[h].count).
def page_cache_pages(n):
    pc = symbol("page_cache")
    return [num(pc[i], "count") if i < array_len(pc) else 0 for i in range(n)]


# The elements of an array value.
def _elems(arr):
    return [arr[i] for i in range(array_len(arr))]


class Sites:
    """The call-site records in the alloc_sites section, with their
    counters summed over the harts' arrays (alloc_site_hart[h][index])."""

    NAMES = ("file", "func", "line", "tag")
    CTRS = ("bytes", "calls", "frees")

    # Read the whole section and every hart's counters at once.
    def __init__(self):
        self.lay = Layout("alloc_site", self.NAMES)
        self.ctr = Layout("alloc_site_ctr", self.CTRS)
        self.start = num(symbol("(unsigned long)__start_alloc_sites"))
        stop = num(symbol("(unsigned long)__stop_alloc_sites"))
        self.count = (stop - self.start) // self.lay.size
        self.raw = read(self.start, self.count * self.lay.size) if self.count else b""
        harts = symbol("alloc_site_hart")
        n = (self.count + 1) * self.ctr.size
        self.ctr_raw = [read(num(harts[h]), n) for h in range(array_len(harts))
                        if num(harts[h])]

    # Record i's (0-based) counters, summed over the harts.
    def _counters(self, i):
        out = dict.fromkeys(self.CTRS, 0)
        for raw in self.ctr_raw:
            c = self.ctr.decode(raw, (i + 1) * self.ctr.size)
            for k in self.CTRS:
                out[k] = (out[k] + c[k]) % (1 << 64)
        return out

    # Record at 1-based index (a heap header's site), or None.
    def at(self, index):
        if not 1 <= index <= self.count:
            return None
        return self._record(index - 1)

    # Record i (0-based), with its strings read.
    def _record(self, i):
        r = self.lay.decode(self.raw, i * self.lay.size)
        r.update(self._counters(i))
        r["file"] = _string_at(r["file"])
        r["func"] = _string_at(r["func"])
        r["live"] = r["calls"] - r["frees"]
        r["index"] = i + 1
        return r

    # alloc_site_top(): sites that ever allocated, most live bytes first,
    # ties in section order.
    def top(self):
        picked = []
        for i in range(self.count):
            c = self._counters(i)
            if c["calls"]:
                picked.append((-c["bytes"], i))
        return [self._record(i) for _, i in sorted(picked)]


# The C string at a kernel address.
def _string_at(addr):
    return cstring(gdb.Value(addr).cast(gdb.lookup_type("char").pointer()))

