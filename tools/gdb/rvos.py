"""rvos commands for gdb: the kernel's memory and processes, read from its
own structures through the ELF's debug info, with no kernel code running.

    source tools/gdb/rvos.py        (tools/gdbinit does it for make gdb)

  rvos-mem [-r]       the tag table as `mem` prints it (-r: as `mem -r`)
  rvos-sites [TAG]    call sites as `mem -s` (only TAG's with an argument)
  rvos-ps             processes: state, hart, pages, what each waits on
  rvos-page ADDR      owner, tag, order and state of the page at ADDR
  rvos-whatis ADDR    heap block, page, kernel stack or symbol at ADDR
  rvos-heap           heap totals and free blocks per order (`mem -b`)
  rvos-buddy          free page blocks per order (`mem -b`)
  rvos-bt PID         a sleeping process's kernel backtrace
  rvos-hart [N|panic] the harts, or switch gdb to cpus[N]'s hart (panic:
                      to the hart whose panic report it is, if any)

ADDR is anything gdb evaluates: 0x80300010, proc_table, &tag_table[2],
$rvos_proc(3)->kstack ($rvos_proc(PID) is the struct proc of PID).
Each problem (bad input, a kernel without debug info, a structure that
changed) is one line naming the command; RVOS_GDB_TRACE=1 in gdb's
environment shows a Python traceback for the extension's own bugs.
docs/debugging.md describes the commands and the post-mortem way.
"""

import os
import sys

import gdb

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import rvos_mm as mm                                   # noqa: E402
import rvos_proc as procs                              # noqa: E402
from rvos_read import (PAGE_SIZE, TICK_HZ, RvosError, num, parse_address,  # noqa: E402
                       require_debug_info, symbol, symbolize)

TOP_SITES = 20              # user/mem.c shows this many call sites


class RvosCommand(gdb.Command):
    """Base of the rvos-* commands: every failure is one line."""

    # Register the command under its NAME.
    def __init__(self):
        super().__init__(self.NAME, gdb.COMMAND_USER)

    # Run the command, turning any failure into one line.
    def invoke(self, arg, from_tty):
        try:
            require_debug_info()
            self.run(arg.strip())
        except RvosError as e:
            print(f"{self.NAME}: {e}")
        except gdb.MemoryError as e:
            print(f"{self.NAME}: cannot read kernel memory ({e}): "
                  "is gdb attached to the kernel (target remote)?")
        except gdb.error as e:
            print(f"{self.NAME}: {e}")
        except Exception as e:
            if os.environ.get("RVOS_GDB_TRACE"):
                raise
            print(f"{self.NAME}: internal error: {type(e).__name__}: {e} "
                  "(RVOS_GDB_TRACE=1 shows the traceback)")


# "768 B", "12 KiB" or "3 MiB", as user/mem.c's size_text.
def size_text(n):
    if n < 10 * 1024:
        return f"{n} B"
    if n < 10 * 1024 * 1024:
        return f"{n >> 10} KiB"
    return f"{n >> 20} MiB"


# A free-blocks table as `mem -b` prints one pool.
def print_free_blocks(pool, counts, block0):
    print(f"{pool} free blocks\nORDER       BLOCK      FREE        BYTES")
    for k, n in enumerate(counts):
        bb = block0 << k
        size = (f"{bb >> 20} MiB" if bb >= 1 << 20 else
                f"{bb >> 10} KiB" if bb >= 1024 else f"{bb} B")
        print(f"{k:5}  {size:>10}  {n:8}  {n * bb:11}")


# Say so when a free list holds another number of blocks than its counter.
def check_counts(pool, counters, walked):
    for k, (c, w) in enumerate(zip(counters, walked)):
        if c != w:
            print(f"warning: {pool} order {k}: counter says {c}, free list holds {w}")


class RvosMem(RvosCommand):
    """The tag table as `mem` prints it (-r: as `mem -r`).
Usage: rvos-mem [-r]. Sums per-hart counters, if the kernel has them."""
    NAME = "rvos-mem"

    # Gather what a MEMSTAT reply holds, then print it one way or the other.
    def run(self, arg):
        if arg not in ("", "-r"):
            raise RvosError("usage: rvos-mem [-r]")
        tags = mm.tags()
        pages = mm.Pages()
        heap = mm.Heap().totals(tags)
        plist = procs.procs(pages)
        harts = procs.harts()
        cache = mm.caches(harts)
        (self.raw if arg else self.summary)(heap, pages.totals(), tags, plist, harts, cache)

    # `mem -r`: key=value lines, the format version first.
    def raw(self, h, pg, tags, plist, harts, cache):
        print("mem-raw 1")
        print(f"heap total={h['total']} used={h['used']} free={h['free']} live={h['live']} "
              f"arenas={h['arenas']} fails={h['fails']} misuse={h['misuse']}")
        print(f"pages total={pg['total']} free={pg['free']} kernel={pg['kernel']} "
              f"owners={pg['owners']} fails={pg['fails']} page_size={pg['page_size']}")
        print(f"cache heap={cache['heap']} hits={cache['hits']} misses={cache['misses']} "
              f"pages={cache['pages']}")
        for hart, hb, hp in zip(harts, cache["heap_hart"], cache["pages_hart"]):
            print(f"cache_hart index={hart['index']} hartid={hart['hartid']} heap={hb} pages={hp}")
        for t in tags:
            print(f"tag name={t['name']} bytes={t['bytes']} peak={t['peak']} live={t['live']} "
                  f"allocs={t['allocs']} frees={t['frees']} "
                  f"fails={t['fails'] + t['page_fails']} pages={t['pages']} "
                  f"pages_peak={t['pages_peak']} page_allocs={t['page_allocs']} "
                  f"page_frees={t['page_frees']}")
        ipc_limit = num(symbol("ipc_limit"))
        for p in plist:
            print(f"proc pid={p['pid']} ppid={p['ppid']} name={p['name']} "
                  f"pages={p['pages']} kthread={int(p['kthread'])} "
                  f"page_limit={p['page_limit']} "
                  f"ipc_bytes={0 if p['kthread'] else p['ipc_bytes']} "
                  f"ipc_limit={0 if p['kthread'] else ipc_limit}")
        print(f"current free={pg['free'] + cache['pages']}" + "".join(f" {t['name']}={t['bytes']}" for t in tags))
        print(f"end tags={len(tags)} procs={len(plist)}")

    # `mem`: heap line, tags in use largest first, physical, processes.
    def summary(self, h, pg, tags, plist, harts, cache):
        pct = h["used"] * 100 // h["total"] if h["total"] else 0
        print(f"heap: {size_text(h['total'])} total, {size_text(h['used'])} used, "
              f"{size_text(h['free'])} free ({pct}% used), {h['live']} blocks, "
              f"{h['arenas']} arena{'' if h['arenas'] == 1 else 's'}")
        print("\nTag      Current       Peak    Live   Allocs    Frees  Fails   Pages")
        shown = [t for t in tags if t["slot"] == 0 or t["allocs"] or t["fails"] or t["bytes"]
                 or t["page_allocs"] or t["page_fails"] or t["pages"]]
        for t in sorted(shown, key=lambda t: (-t["bytes"], -t["pages"], -t["peak"])):
            print(f"{t['name']:<4}  {t['bytes']:10} {t['peak']:10} {t['live']:7} "
                  f"{t['allocs']:8} {t['frees']:8} {t['fails'] + t['page_fails']:6} "
                  f"{t['pages']:7}")
        kib = pg["page_size"] // 1024
        print(f"\nphysical: {pg['total']} pages ({pg['total'] * kib} KiB), {pg['free']} free "
              f"({pg['free'] * kib} KiB), {pg['kernel']} kernel ({pg['kernel'] * kib} KiB)")
        print_harts(harts, detail=True)
        print_caches(harts, cache)
        print("\n  PID  NAME               PAGES      KiB    LIMIT   IPC_BYTES   IPC_LIMIT")
        ipc_limit = num(symbol("ipc_limit"))
        for p in plist:
            limit = str(p["page_limit"]) if p["page_limit"] else "-"
            ipc = "-" if p["kthread"] else str(p["ipc_bytes"])
            ipc_lim = str(ipc_limit) if ipc_limit and not p["kthread"] else "-"
            print(f"{p['pid']:5}  {p['name']:<16} {p['pages']:7} {p['pages'] * kib:8} "
                  f"{limit:>8} {ipc:>11} {ipc_lim:>11}")


# The harts line of mem and ps (user/lib/sysinfo.c si_harts_print); with
# detail, mem's line per hart.
def print_harts(harts, detail):
    ids = " ".join(str(h["hartid"]) for h in harts)
    print(f"harts: {len(harts)} running (id{'' if len(harts) == 1 else 's'} {ids})")
    for h in harts if detail else []:
        idle = h["idle_ticks"] * 100 // h["ticks"] if h["ticks"] else 0
        print(f"  hart {h['hartid']}: {h['ticks']} ticks, {h['idle_ticks']} idle ({idle}%)")


# mem's caches block (user/mem.c show_caches).
def print_caches(harts, c):
    ops = c["hits"] + c["misses"]
    pm = (c["hits"] * 1000 + ops // 2) // ops if ops else 0
    rate = f"{pm // 10}.{pm % 10}%" if ops else "-"
    print(f"caches: {size_text(c['heap'])} heap, {c['pages']} pages; heap hit rate {rate} "
          f"({c['hits']} hits, {c['misses']} misses)")
    for hart, hb, hp in zip(harts, c["heap_hart"], c["pages_hart"]):
        print(f"  cache hart {hart['hartid']}: {size_text(hb)} heap, {hp} pages")


# ps's %CPU: ticks run per tick lived, to a tenth of a percent (user/ps.c).
def cpu_share(p, now):
    lived = now - p["start_tick"] if now > p["start_tick"] else 0
    permille = p["cpu_ticks"] * 1000 // lived if lived else 0
    return f"{permille // 10}.{permille % 10}"


class RvosSites(RvosCommand):
    """kmalloc call sites by live bytes, as `mem -s`.
Usage: rvos-sites [TAG]. With TAG, every site whose latest allocation was
under TAG."""
    NAME = "rvos-sites"

    # Print the top call sites (all of TAG's when a tag is given).
    def run(self, arg):
        rows = mm.Sites().top()
        if arg:
            rows = [r for r in rows if mm.tag_name(r["tag"]) == arg]
            if not rows:
                print(f"rvos-sites: no call site allocated under tag '{arg}'")
                return
        print("     BYTES   LIVE    CALLS  TAG   FILE:LINE                          FUNCTION")
        limit = len(rows) if arg else TOP_SITES
        for r in rows[:limit]:
            where = f"{r['file'][-40:]}:{r['line']}"
            print(f"{r['bytes']:10} {r['live']:6} {r['calls']:8}  {mm.tag_name(r['tag']):<4}  "
                  f"{where:<34} {r['func'][:32]}")
        if len(rows) > limit:
            print(f"({len(rows) - limit} more call sites)")


class RvosBuddy(RvosCommand):
    """Free page blocks per order, as the first half of `mem -b`.
Usage: rvos-buddy. The free lists are walked and checked against the counters."""
    NAME = "rvos-buddy"

    # Print the page allocator's free lists; check them against the counters.
    def run(self, arg):
        pages = mm.Pages()
        print_free_blocks("page", pages.free_count, PAGE_SIZE)
        check_counts("page", pages.free_count, pages.walk_free_lists())


class RvosHeap(RvosCommand):
    """Heap totals and free blocks per order (the second half of `mem -b`).
Usage: rvos-heap. The free lists are walked and checked against the counters."""
    NAME = "rvos-heap"

    # Print the heap line, then its free lists, checked against the counters.
    def run(self, arg):
        heap = mm.Heap()
        h = heap.totals(mm.tags())
        print(f"heap: {h['total']} bytes in {h['arenas']} arena(s), {h['used']} used, "
              f"{h['free']} free, {h['live']} blocks, {h['fails']} fails, "
              f"{h['misuse']} misuse")
        print_free_blocks("heap", heap.free_count, heap.min_block)
        check_counts("heap", heap.free_count, heap.walk_free_lists())


# What a wait channel is, in a few words: a process, a heap block, a symbol.
def describe_briefly(addr, heap, plist):
    for p in plist:
        if p["addr"] == addr:
            return f"struct proc of pid {p['pid']}"
    b = heap.block(addr)
    if b and b["used"]:
        site = mm.Sites().at(b["site"])
        what = f"{site['func']}'s" if site else "a"
        return f"{what} {mm.tag_name(b['tag'])} block +{addr - b['data']}"
    return symbolize(addr) or ""


class RvosPs(RvosCommand):
    """Processes as `ps` shows them, and what each waits on.
Usage: rvos-ps. HART is the hart each last ran on ('-': never), %CPU its
share of one hart over its lifetime, as in ps."""
    NAME = "rvos-ps"

    # The harts line, then one line per process, by pid.
    def run(self, arg):
        pages, heap = mm.Pages(), mm.Heap()
        plist = procs.procs(pages)
        now = procs.now_tick()
        print_harts(procs.harts(), detail=False)
        print("  PID  PPID  STATE            HART  %CPU     CPU      MEM  NAME              WAITS ON")
        for p in plist:
            name = f"[{p['name']}]" if p["kthread"] else p["name"]
            cs = p["cpu_ticks"] * 100 // TICK_HZ
            hart = "-" if p["last_hart"] is None else str(p["last_hart"])
            waits = ""
            if p["state"] == "P_SLEEPING":
                waits = f"{p['wchan']:#x} {describe_briefly(p['wchan'], heap, plist)}"
            kib = p["pages"] * PAGE_SIZE // 1024
            print(f"{p['pid']:5} {p['ppid']:5}  {procs.state_text(p):<16} {hart:>4} "
                  f"{cpu_share(p, now):>5} {cs // 100:3}.{cs % 100:02} {kib:7}K  "
                  f"{name:<17} {waits}".rstrip())


class RvosPage(RvosCommand):
    """Owner, tag, order and state of the page holding an address.
Usage: rvos-page ADDR (a number or any expression: proc_table, $rvos_proc(3)->kstack)."""
    NAME = "rvos-page"

    # Describe the block holding the address.
    def run(self, arg):
        print(page_text(parse_address(self.NAME, arg), mm.Pages()))


# One line about the page at addr (RvosError outside RAM).
def page_text(addr, pages):
    h, d = pages.block(addr)
    i = (addr - pages.base) // PAGE_SIZE
    head = pages.base + h * PAGE_SIZE
    state = mm.PD_STATES.get(d["state"], f"state {d['state']}")
    if state == "reserved":
        return f"{addr:#x}: page {i}, reserved (never given to the allocator)"
    text = (f"{addr:#x}: page {i}, in a {state} block at {head:#x}, order {d['order']} "
            f"({1 << d['order']} pages)")
    if state == "used":
        pid = pages.owner_pid(d["owner"])
        who = "the kernel" if pid == 0 else f"pid {pid}"
        text += f", owner {who}, tag {mm.tag_name(d['tag'])}"
    return text


class RvosWhatis(RvosCommand):
    """What the kernel keeps at an address: heap block, kernel stack, symbol, page.
Usage: rvos-whatis ADDR. A heap block shows its tag, call site, size and state."""
    NAME = "rvos-whatis"

    # Print every view that applies, most specific first.
    def run(self, arg):
        addr = parse_address(self.NAME, arg)
        pages = mm.Pages()
        if not pages.base <= addr < pages.end():
            sym = symbolize(addr)
            if not sym:
                raise RvosError(f"{addr:#x} is not in RAM ({pages.base:#x}-{pages.end():#x}) "
                                "and no kernel symbol")
            print(f"{addr:#x}: kernel symbol {sym}")
            return
        for line in self.views(addr, pages):
            print(line)

    # The lines describing addr, which is in RAM.
    def views(self, addr, pages):
        out = []
        b = mm.Heap().block(addr)
        if b and b["used"]:
            site = mm.Sites().at(b["site"])
            where = f"{site['file']}:{site['line']} {site['func']}" if site else "no call site"
            inside = (f"offset {addr - b['data']} into its data" if addr >= b["data"]
                      else "in its header")
            out.append(f"{addr:#x}: heap block {b['start']:#x}, {b['size']} bytes, used, "
                       f"tag {mm.tag_name(b['tag'])}, asked {b['req']} bytes, "
                       f"site {where}, {inside}")
        elif b:
            where = f", in hart index {b['cached']}'s heap cache" if b["cached"] is not None else ""
            out.append(f"{addr:#x}: heap block {b['start']:#x}, {b['size']} bytes, free{where}")
        for p in procs.procs(pages):
            top = p["kstack"] + (PAGE_SIZE << pages.block(p["kstack"])[1]["order"]) \
                if p["kstack"] else 0
            if p["kstack"] <= addr < top:
                out.append(f"{addr:#x}: kernel stack of pid {p['pid']} ({p['name']}), "
                           f"{top - addr} bytes below its top")
        lo, hi = pages.meta
        if lo <= addr < hi:
            out.append(f"{addr:#x}: page descriptor of page {(addr - lo) // pages.lay.size}")
        kstart, kend = (num(symbol(f"(unsigned long)&{s}")) for s in
                        ("__kernel_start", "__kernel_end"))
        if kstart <= addr < kend:
            out.append(f"{addr:#x}: kernel image, symbol {symbolize(addr) or '?'}")
        else:
            out.append(page_text(addr, pages))
        return out


class RvosBt(RvosCommand):
    """Kernel backtrace of a process that is not running.
Usage: rvos-bt PID. Walks frame pointers from the context swtch() saved."""
    NAME = "rvos-bt"

    # Walk the saved frame pointers of pid.
    def run(self, arg):
        try:
            pid = int(arg, 0)
        except ValueError:
            raise RvosError("usage: rvos-bt PID") from None
        pages = mm.Pages()
        p = procs.find(pid, procs.procs(pages))
        if p["state"] == "P_RUNNING":
            raise RvosError(f"pid {pid} ({p['name']}) is running on hart {p['hart']}: "
                            "its stack is the live one, use bt")
        text = tuple(num(symbol(f"(unsigned long)&{s}")) for s in ("__text_start", "__text_end"))
        print(f"pid {pid} ({p['name']}), {procs.state_text(p)}:")
        for i, (pc, where) in enumerate(procs.backtrace(p, (pages.base, pages.end()), text)):
            print(f"#{i:<2} {pc:#x} in {where}")


class RvosHart(RvosCommand):
    """The harts, or switch gdb to one.
Usage: rvos-hart lists them (cpus[] index, hart id, gdb thread, what runs);
rvos-hart N switches to the thread of cpus[N]; rvos-hart panic switches
to the hart that is reporting a panic (nothing if none is: make gdb runs
it on attach, so a post-mortem bt starts where the panic was)."""
    NAME = "rvos-hart"

    # gdb's thread for hart id: QEMU numbers its threads by CPU index,
    # which on virt is the hart id (thread id = index + 1).
    @staticmethod
    def thread_of(hartid):
        for t in gdb.selected_inferior().threads():
            if t.ptid[1] == hartid + 1 or (t.ptid[1] == 0 and t.num == hartid + 1):
                return t
        raise RvosError(f"gdb has no thread for hart {hartid}")

    # Switch to cpus[index]'s hart and say so.
    def switch(self, index, why):
        hartid = num(symbol("'cpu.c'::cpus")[index], "hartid")
        self.thread_of(hartid).switch()
        print(f"rvos-hart: now on hart {hartid} (cpu {index}){why}")

    # List, or switch.
    def run(self, arg):
        harts = procs.harts()
        if arg == "panic":
            who = num(symbol("panicking"))
            if who:
                self.switch(who - 1, ", which is reporting a panic")
            return
        if arg:
            try:
                index = int(arg, 0)
            except ValueError:
                raise RvosError("usage: rvos-hart [N|panic]") from None
            if index not in [h["index"] for h in harts]:
                raise RvosError(f"no hart runs as cpu {index}")
            self.switch(index, "")
            return
        cpus = symbol("'cpu.c'::cpus")
        panic = num(symbol("panicking"))
        for h in harts:
            proc = num(cpus[h["index"]], "proc")
            what = f"pid {num(cpus[h['index']]['proc'].dereference(), 'pid')}" if proc else "idle"
            try:
                thread = self.thread_of(h["hartid"]).num
            except RvosError:
                thread = "-"
            mark = "  (panicking)" if panic == h["index"] + 1 else ""
            print(f"cpu {h['index']}: hart {h['hartid']}, gdb thread {thread}, {what}{mark}")


class RvosProcFunction(gdb.Function):
    """$rvos_proc(PID): the struct proc * of process PID, for expressions
    such as rvos-page $rvos_proc(3)->kstack."""

    # Register the convenience function.
    def __init__(self):
        super().__init__("rvos_proc")

    # The slot's address, typed; a gdb error (one line) if there is none.
    def invoke(self, pid):
        try:
            p = procs.find(int(pid), procs.procs(mm.Pages()))
        except RvosError as e:
            raise gdb.GdbError(f"$rvos_proc: {e}") from None
        return gdb.Value(p["addr"]).cast(gdb.lookup_type("struct proc").pointer())


RvosProcFunction()
for _cmd in (RvosMem, RvosSites, RvosPs, RvosPage, RvosWhatis, RvosHeap, RvosBuddy, RvosBt,
             RvosHart):
    _cmd()
