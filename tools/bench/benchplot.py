#!/usr/bin/env python3
"""Chart rvos's benchmark figures against the peers' (make bench).

    tools/bench/benchplot.py [--check] [--peers FILE] [--out PREFIX] BENCH_TXT

BENCH_TXT is what `make bench` writes (build/bench.txt): one line
`@BENCH name=value unit` per figure. The peers' figures, with where they
come from, are in tools/bench/peers.tsv. For every figure a peer has,
draws rvos's and the peers' side by side: instructions and wall time on
log scales, tracking costs in percent, to PREFIX.svg and PREFIX.png.
--check prints the comparison as text instead, without matplotlib.

Without matplotlib it says the chart was skipped and exits 0: `make
bench` never fails for want of a chart. A malformed input is one line
naming the file and line, and exit status 1.
"""

import argparse
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH_LINE = re.compile(r"^@BENCH (\S+)=(\S+) (\S+)\s*$")

# What each charted figure is, in words.
LABELS = {
    "getpid": "null syscall (getpid)",
    "chan_round_trip": "IPC round trip, 64 B",
    "spawn_exit_wait": "spawn + exit + wait",
    "sbrk_grow_shrink": "sbrk one page up and down",
    "boot_to_prompt": "boot to the first prompt",
    "kmalloc_kfree_32_overhead": "heap tracking (kmalloc 32 B)",
    "page_alloc_free_overhead": "page tracking (page alloc)",
    "mm_metadata_pct": "tracking metadata",
}
# Panels: name -> (title, scale to the panel's unit, axis label, log scale?)
PANELS = {
    "instr": ("Instructions per operation (rvos: QEMU -icount; fewer is better)",
              1, "instructions", True),
    "time": ("Wall time per operation (rvos: QEMU on this host; peers: as they "
             "reported; less is better)", 1e-3, "µs", True),
    "%": ("Time cost of memory tracking (lower is better)", 1, "% slower", False),
    "ram": ("Memory cost of memory tracking (lower is better)", 1, "% of RAM", False),
}
PANEL_OF = {"mm_metadata_pct": "ram"}      # by figure; otherwise by unit
TO_NS = {"ns": 1, "us": 1e3, "ms": 1e6}


class InputError(Exception):
    """A malformed line: the file, the line number and what is wrong."""


# {name: (value, unit)} of a bench.txt.
def read_bench(path):
    figures = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            m = BENCH_LINE.match(line)
            if not m:
                raise InputError(f"{path}:{n}: not an '@BENCH name=value unit' line")
            try:
                figures[m.group(1)] = (float(m.group(2)), m.group(3))
            except ValueError:
                raise InputError(f"{path}:{n}: {m.group(2)} is not a number") from None
    if not figures:
        raise InputError(f"{path}: no @BENCH figures (has make bench run?)")
    return figures


# [(figure, unit, peer, value, what, line)] of peers.tsv.
def read_peers(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.rstrip("\n").split("\t")
            if len(cols) != 5:
                raise InputError(f"{path}:{n}: needs 5 tab-separated columns, has {len(cols)}")
            try:
                rows.append((cols[0], cols[1], cols[2], float(cols[3]), cols[4], n))
            except ValueError:
                raise InputError(f"{path}:{n}: {cols[3]} is not a number") from None
    return rows


# The comparisons: [(panel, label, [(who, value in the panel's unit)])],
# rvos first in each, in peers.tsv's order.
def comparisons(figures, peers, peers_path):
    rows, index = [], {}
    for figure, unit, peer, value, _, n in peers:
        if figure not in figures:
            raise InputError(f"{peers_path}:{n}: bench.txt has no figure {figure}")
        mine, my_unit = figures[figure]
        if my_unit != unit:
            raise InputError(f"{peers_path}:{n}: {figure} is in {my_unit} in bench.txt, not {unit}")
        panel = PANEL_OF.get(figure, "time" if unit in TO_NS else unit)
        scale = TO_NS.get(unit, 1) * PANELS[panel][1]
        base = re.sub(r"_wall_(ns|us)$", "", figure)
        if (panel, base) not in index:
            index[(panel, base)] = len(rows)
            rows.append((panel, LABELS.get(base, base), [("rvos", mine * scale)]))
        rows[index[(panel, base)]][2].append((peer, value * scale))
    return rows


# "123", "1,131", "95.8 k", "1.21 M": a value in three or four digits.
def short(v):
    for limit, div, suffix in ((1e9, 1e9, " G"), (1e6, 1e6, " M"), (1e4, 1e3, " k")):
        if v >= limit:
            return f"{v / div:.3g}{suffix}"
    return f"{v:.3g}" if v < 100 else f"{v:,.0f}"


# The comparisons as text lines (--check).
def text(rows):
    out = []
    for panel, label, bars in rows:
        unit = PANELS[panel][2]
        out.append(f"{label:34} " + ", ".join(f"{who} {short(v)} {unit}" for who, v in bars))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("bench", help="build/bench.txt")
    ap.add_argument("--peers", default=os.path.join(HERE, "peers.tsv"))
    ap.add_argument("--out", default="build/bench")
    ap.add_argument("--check", action="store_true", help="print the comparison; draw nothing")
    a = ap.parse_args()
    try:
        rows = comparisons(read_bench(a.bench), read_peers(a.peers), a.peers)
    except OSError as e:
        print(f"benchplot: {e.filename}: {e.strerror}", file=sys.stderr)
        return 1
    except InputError as e:
        print(f"benchplot: {e}", file=sys.stderr)
        return 1
    if a.check:
        print("\n".join(text(rows)))
        return 0
    try:
        import benchplot_draw
    except ImportError as e:
        print(f"bench: chart skipped: {e} (tools/deps.sh --charts installs "
              "python3-matplotlib, for /usr/bin/python3)")
        return 0
    for path in benchplot_draw.draw(rows, PANELS, short, a.out):
        print(f"bench: chart {path}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, HERE)
    sys.exit(main())
