#!/usr/bin/env python3
"""Check that tools/gdb/rvos.py printed what the kernel printed.

Run by gdb_figures.scn as a `run:` step: $RVOS_CONSOLE holds the console
output of the boot, $RVOS_GDB_OUT the gdb session of gdb_figures.gdb,
whose "@@ NAME" lines mark what each rvos-* command printed while the
kernel was stopped where sysinfo snapshots for the matching console
command. Prints one line per comparison; exits 1 if any differs.
"""

import os
import re
import sys

failures = []


# Record one comparison of lists of lines.
def same(what, console, gdb):
    if console == gdb and console:
        print(f"ok   {what} ({len(console)} lines)")
        return
    failures.append(what)
    print(f"DIFF {what}")
    for tag, lines in (("console", console), ("gdb", gdb)):
        print(f"  {tag}:")
        print("".join(f"    {line}\n" for line in lines) or "    (nothing)\n", end="")


# Console output per command: {"mem -r": [lines]}, the last run of each.
def console_blocks(text):
    out = {}
    parts = re.split(r"^rvos> ", text, flags=re.M)
    for part in parts[1:]:
        cmd, _, body = part.partition("\n")
        out[cmd.strip()] = [line.rstrip() for line in body.splitlines() if line.strip()]
    return out


# gdb output per "@@ NAME" section, without gdb's own notes on the next
# breakpoint ("Breakpoint 3 at ...", "Breakpoint 3, f (...)", its line;
# with several harts "Thread 2 hit Breakpoint 3, ..." and "[Switching to
# Thread 1.2]").
def gdb_sections(text):
    out, name = {}, None
    for line in text.splitlines():
        if line.startswith("@@ "):
            name = line[3:].strip()
            out[name] = []
        elif re.match(r"(Thread \d+ hit )?Breakpoint \d+[ ,]|\d+\t|\[Switching to Thread", line):
            continue
        elif name and line.strip():
            out[name].append(line.rstrip())
    return out


# One ps row as (pid, ppid, state, hart, mem, name), CPU and %CPU left
# out: a tick can land while the service copies the table. Columns are
# found by the header (rvos-ps adds WAITS ON after NAME).
def ps_rows(lines):
    head = [i for i, line in enumerate(lines) if line.split()[:1] == ["PID"]]
    if not head:
        return []
    cols = lines[head[0]].split()
    keep = [cols.index(c) for c in ("PID", "PPID", "STATE", "HART", "MEM", "NAME")]
    rows = []
    for line in lines[head[0] + 1:]:
        f = line.split()
        if len(f) > keep[-1] and f[0].isdigit():
            rows.append(tuple(f[k] for k in keep))
    return rows


# Lines but mem's per-hart tick lines: a tick can land between gdb's stop
# and the service reading the harts.
def no_hart_ticks(lines):
    return [line for line in lines if not re.match(r"\s+hart \d+: ", line)]


# mem -r lines taken at the heap_stats stop: the format line and the
# heap, pages, cache and cache_hart lines.
def first_stop_raw(line):
    return line.split()[:1] in (["mem-raw"], ["heap"], ["pages"], ["cache"], ["cache_hart"])


# mem screen lines taken at the heap_stats stop: the heap line (the
# first) and the caches block.
def first_stop_screen(line, lines):
    return line is lines[0] or line.startswith("caches: ") or line.startswith("  cache hart ")


# Compare every section; return the exit status.
def main():
    with open(os.environ["RVOS_CONSOLE"], encoding="utf-8") as f:
        con = console_blocks(f.read())
    with open(os.environ["RVOS_GDB_OUT"], encoding="utf-8") as f:
        raw = f.read()
    gdb = gdb_sections(raw)

    # mem -r: the heap, pages and cache figures are read in one snapshot
    # before the reply buffer exists (a cache hit or miss of its kmalloc
    # moves them), the rest after it; gdb stopped at both points.
    memr = con.get("mem -r", [])
    heap_stop, tags_stop = gdb.get("mem -r heap", []), gdb.get("mem -r tags", [])
    same("mem -r: format, heap, pages and cache lines",
         [l for l in memr if first_stop_raw(l)], [l for l in heap_stop if first_stop_raw(l)])
    same("mem -r: tags, processes, current, end",
         [l for l in memr if not first_stop_raw(l)], [l for l in tags_stop if not first_stop_raw(l)])
    if not any(l.startswith("cache heap=") for l in memr):
        same("mem -r: has a cache line", ["cache heap=..."], ["none"])

    # mem: the heap line and the caches block from the first stop, the
    # tables from the second
    mem = con.get("mem", [])
    same("mem: heap line and caches", [l for l in mem if first_stop_screen(l, mem)],
         [l for l in gdb.get("mem heap", []) if first_stop_screen(l, gdb.get("mem heap", []))])
    same("mem: tags, physical, harts, processes",
         no_hart_ticks([l for l in mem[1:] if not first_stop_screen(l, mem)]),
         no_hart_ticks([l for l in gdb.get("mem tags", [])[1:]
                        if not first_stop_screen(l, gdb.get("mem tags", []))]))

    same("mem -s: call sites", con.get("mem -s", []), gdb.get("mem -s", []))
    schd = [line for line in con.get("mem -s", []) if "  SCHD  " in line]
    same("rvos-sites SCHD: the SCHD rows of mem -s", schd, gdb.get("sites SCHD", [])[1:])

    same("mem -b: free blocks per order",
         con.get("mem -b", []), [l for l in gdb.get("mem -b", []) if not l.startswith("heap:")])

    same("ps: the harts line", con.get("ps", [])[:1], gdb.get("ps", [])[:1])
    same("ps: pid, ppid, state, hart, pages, name",
         ps_rows(con.get("ps", [])), ps_rows(gdb.get("ps", [])))

    # rvos-whatis proc_table names the call site mem -s shows for SCHD,
    # and its block size is that site's bytes (one live block).
    m = re.search(r", (\d+) bytes, used, tag (\S+), .* site (\S+) (\w+),",
                  " ".join(gdb.get("whatis proc_table", [])))
    row = [r.split() for r in schd]
    want = [(r[0], r[3], r[4], r[5]) for r in row if r[1] == "1"]
    same("rvos-whatis proc_table: its mem -s row (bytes, tag, file:line, function)",
         want[:1], [m.groups()] if m else [])

    # the shell's kernel stack is one KSTK block of mem -p 3's pages
    m = re.search(r"order (\d+) \((\d+) pages\), owner pid 3, tag KSTK",
                  " ".join(gdb.get("page kstack 3", [])))
    kstk = [line.split()[1] for line in con.get("mem -p 3", []) if line.startswith("KSTK")]
    same("rvos-page of pid 3's kernel stack: mem -p 3's KSTK pages", kstk, [m.group(2)] if m else [])

    bad = [line for line in raw.splitlines() if "Traceback" in line or "Python Exception" in line]
    same("no Python traceback in gdb's output", ["none"], bad or ["none"])
    print(f"gdb_compare: {len(failures)} differ" if failures else "gdb_compare: all equal")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
