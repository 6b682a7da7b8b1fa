#!/usr/bin/env python3
"""Chart rvos's memory over time from `mem -r` snapshots.

    tools/memplot.py [--check] [--out PREFIX] [--title TEXT] LOG

LOG is any text holding `mem -r` snapshots (docs/sysinfo.md gives the
grammar), or with --input history the last `mem -H -r` dump of sysinfo's
history ring (one snapshot per second sampled, no processes): a serial console log, or what `make memplot`'s sampler writes
(tools/memplot_sampler.py). A line `@memplot tick=T hz=H event=WHAT`
just before a snapshot gives its time and a label; when every snapshot
has one the time axis is seconds of guest time, otherwise the snapshots'
order. Everything between snapshots (prompts, program output) is ignored.

Draws heap bytes by tag and pages by tag (stacked areas), free pages,
and pages by process name (stacked), one panel each, to PREFIX.svg and
PREFIX.png. Needs matplotlib (tools/deps.sh --charts installs Debian's);
--check only reads the log and prints what it holds, without it.

A malformed, truncated or unknown-version log is one line on stderr,
`memplot: LOG:LINE: what is wrong`, and exit status 1.
"""

import argparse
import os
import re
import sys

KNOWN_VERSIONS = (1,)        # the `mem-raw N` versions this reader knows

# What each line keyword must carry (more keys may follow; they are skipped).
NEEDED = {
    "heap": ("total", "used"),
    "pages": ("total", "free", "page_size"),
    "tag": ("name", "bytes", "pages"),
    "proc": ("pid", "name", "pages"),
    "end": ("tags", "procs"),
}
TEXT_KEYS = {"name"}         # values that are names, not decimal numbers
WORD = re.compile(r"^[a-z][a-z0-9_]*$")


class LogError(Exception):
    """What is wrong with the log, and on which line (1-based)."""

    # Remember the line number and the message.
    def __init__(self, line, message):
        super().__init__(message)
        self.line = line


class Snapshot:
    """One `mem -r` reply: its time, label and figures."""

    # An empty snapshot begun on line `line`.
    def __init__(self, line, version, kind="mem-raw"):
        self.line, self.version, self.kind = line, version, kind
        self.tick = self.hz = None
        self.event = None
        self.heap = self.pages = None
        self.tags = {}               # name -> {key: value}
        self.procs = []              # [{key: value}] in the reply's order

    # Seconds of guest time, or None when the log did not say.
    def seconds(self):
        return self.tick / self.hz if self.tick is not None else None


# The key=value pairs of one line after its keyword, checked for the keys
# the keyword needs (in needed: NEEDED, or HIST_NEEDED for a history
# dump); numbers become ints. Unknown keys are kept unchecked.
def parse_pairs(words, keyword, lineno, needed=None):
    pairs = {}
    for w in words:
        key, eq, value = w.partition("=")
        if not eq or not key:
            raise LogError(lineno, f"'{keyword}' line: '{w}' is not key=value (line cut short?)")
        pairs[key] = value
    for key in (NEEDED if needed is None else needed).get(keyword, ()):
        if key not in pairs:
            raise LogError(lineno, f"'{keyword}' line has no {key}= (line cut short?)")
        if key not in TEXT_KEYS and not pairs[key].isdigit():
            raise LogError(lineno, f"'{keyword}' line: {key}={pairs[key]} is not a decimal number")
        if key not in TEXT_KEYS:
            pairs[key] = int(pairs[key])
    return pairs


# The @memplot line's time and label, for the next snapshot.
def parse_stamp(words, lineno):
    pairs = {}
    for w in words:
        key, eq, value = w.partition("=")
        if not eq:
            raise LogError(lineno, f"'@memplot' line: '{w}' is not key=value")
        pairs[key] = value
    for key in ("tick", "hz"):
        if not pairs.get(key, "").isdigit():
            raise LogError(lineno, f"'@memplot' line: {key}= must be a decimal number")
    if int(pairs["hz"]) == 0:
        raise LogError(lineno, "'@memplot' line: hz=0")
    return int(pairs["tick"]), int(pairs["hz"]), pairs.get("event")


# The `mem-raw N` line's version, refused unless this reader knows it.
def parse_version(words, lineno):
    if len(words) != 1 or not words[0].isdigit():
        raise LogError(lineno, "'mem-raw' must be followed by one version number")
    version = int(words[0])
    if version not in KNOWN_VERSIONS:
        known = ", ".join(str(v) for v in KNOWN_VERSIONS)
        raise LogError(lineno, f"mem-raw version {version} is not one this memplot reads ({known})")
    return version


# Fill snapshot s from one record line; True when it was the end line.
def add_record(s, keyword, words, lineno):
    if keyword not in NEEDED:
        return False                 # a keyword from a later version 1: skipped
    pairs = parse_pairs(words, keyword, lineno)
    if keyword == "heap":
        s.heap = pairs
    elif keyword == "pages":
        s.pages = pairs
    elif keyword == "tag":
        s.tags[pairs["name"]] = pairs
    elif keyword == "proc":
        s.procs.append(pairs)
    else:
        if pairs["tags"] != len(s.tags) or pairs["procs"] != len(s.procs):
            raise LogError(lineno, f"end line says tags={pairs['tags']} procs={pairs['procs']}, "
                           f"the snapshot has {len(s.tags)} tag and {len(s.procs)} proc lines")
        if s.heap is None or s.pages is None:
            raise LogError(lineno, "snapshot ends without its "
                           + ("heap" if s.heap is None else "pages") + " line")
        return True
    return False


# Every snapshot in a serial log (lines of text), in order. Raises LogError.
def read_serial_log(lines):
    snaps, cur, stamp = [], None, None
    for lineno, raw in enumerate(lines, 1):
        words = raw.replace("\r", "").split()
        if not words:
            continue
        keyword, rest = words[0], words[1:]
        if keyword == "mem-raw":
            if cur:
                raise LogError(cur.line, "snapshot has no end line: "
                               f"another begins on line {lineno} (log cut short?)")
            cur = Snapshot(lineno, parse_version(rest, lineno))
            if stamp:
                cur.tick, cur.hz, cur.event = stamp
            stamp = None
        elif keyword == "@memplot":
            if cur:
                raise LogError(lineno, "'@memplot' line inside a snapshot")
            stamp = parse_stamp(rest, lineno)
        elif cur and WORD.match(keyword):
            if add_record(cur, keyword, rest, lineno):
                snaps.append(cur)
                cur = None
    if cur:
        raise LogError(cur.line, "snapshot has no end line: the log ends first (cut short?)")
    if not snaps:
        raise LogError(0, "no `mem -r` snapshot (a 'mem-raw 1' line) in the log")
    check_times(snaps)
    return snaps


# Time must not run backwards between stamped snapshots.
def check_times(snaps):
    last = None
    for s in snaps:
        t = s.seconds()
        if t is not None and last is not None and t < last:
            raise LogError(s.line, f"snapshot at {t:.2f} s comes after one at {last:.2f} s")
        last = t if t is not None else last


HIST_VERSIONS = (1,)         # the `hist-raw N` versions this reader knows
HIST_NEEDED = {
    "ring": ("capacity", "interval_ms", "page_size", "total_pages"),
    "series": ("name", "samples"),
    "sample": ("ms", "bytes", "pages", "free"),
    "end": ("series", "samples"),
}


# The last `mem -H -r` dump in a log (sysinfo's history ring: one
# `series` line per tag, then its `sample` lines), as one snapshot per
# moment sampled: time in ms of guest time, each tag's bytes and pages,
# the free pages. No processes: the ring does not keep them.
def read_history_log(lines):
    dumps, cur = [], None
    for lineno, raw in enumerate(lines, 1):
        words = raw.replace("\r", "").split()
        if not words:
            continue
        keyword, rest = words[0], words[1:]
        if keyword == "hist-raw":
            if cur:
                raise LogError(cur["line"], "history dump has no end line: "
                               f"another begins on line {lineno} (log cut short?)")
            if len(rest) != 1 or not rest[0].isdigit() or int(rest[0]) not in HIST_VERSIONS:
                raise LogError(lineno, f"hist-raw {' '.join(rest)} is not a version this memplot reads")
            cur = {"line": lineno, "ring": None, "series": [], "samples": 0}
        elif cur and WORD.match(keyword) and keyword in HIST_NEEDED:
            pairs = parse_pairs(rest, keyword, lineno, HIST_NEEDED)
            if keyword == "ring":
                cur["ring"] = pairs
            elif keyword == "series":
                cur["series"].append((pairs["name"], []))
            elif keyword == "sample":
                if not cur["series"]:
                    raise LogError(lineno, "sample line before any series line")
                cur["series"][-1][1].append(pairs)
                cur["samples"] += 1
            else:
                if pairs["series"] != len(cur["series"]) or pairs["samples"] != cur["samples"]:
                    raise LogError(lineno, f"end line says series={pairs['series']} samples="
                                   f"{pairs['samples']}, the dump has {len(cur['series'])} "
                                   f"and {cur['samples']}")
                if cur["series"] and cur["ring"] is None:
                    raise LogError(lineno, "history dump without its ring line")
                dumps.append(cur)
                cur = None
    if cur:
        raise LogError(cur["line"], "history dump has no end line: the log ends first (cut short?)")
    if not dumps or not dumps[-1]["series"]:
        raise LogError(0, "no `mem -H -r` dump with samples (a 'hist-raw 1' line) in the log")
    d = dumps[-1]
    ring, by_ms = d["ring"], {}
    for name, samples in d["series"]:
        for p in samples:
            s = by_ms.get(p["ms"])
            if s is None:
                s = by_ms[p["ms"]] = Snapshot(d["line"], 1, "hist-raw")
                s.tick, s.hz, s.event = p["ms"], 1000, "history"
                s.pages = {"total": ring["total_pages"], "free": p["free"],
                           "page_size": ring["page_size"]}
            s.tags[name] = {"name": name, "bytes": p["bytes"], "pages": p["pages"]}
    return [by_ms[t] for t in sorted(by_ms)]


# The readers of the inputs memplot knows, by name: `mem -r` snapshots
# (serial), and the kernel's own history ring as `mem -H -r` prints it.
READERS = {"serial": read_serial_log, "history": read_history_log}


# One line saying what the log holds (--check).
def summary(path, snaps):
    tags = sorted({t for s in snaps for t in s.tags})
    pids = {p["pid"] for s in snaps for p in s.procs}
    timed = all(s.seconds() is not None for s in snaps)
    span = (f"over {snaps[-1].seconds() - snaps[0].seconds():.2f} s of guest time"
            if timed else "(no times: by order)")
    low = min(s.pages["free"] for s in snaps)
    n = len(snaps)
    return (f"memplot: {path}: {n} snapshot{'' if n == 1 else 's'} {span}, {snaps[0].kind} "
            f"{snaps[0].version}, {len(tags)} tags, {len(pids)} processes, "
            f"free pages {low} at the lowest")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("log", help="serial log or sampler output with `mem -r` snapshots")
    ap.add_argument("--check", action="store_true",
                    help="read and check the log only; print what it holds")
    ap.add_argument("--out", default="build/memplot",
                    help="write PREFIX.svg and PREFIX.png (default build/memplot)")
    ap.add_argument("--title", default="rvos memory")
    ap.add_argument("--input", choices=sorted(READERS), default="serial",
                    help="serial: `mem -r` snapshots; history: the last `mem -H -r` dump")
    a = ap.parse_args()
    try:
        with open(a.log, encoding="utf-8", errors="replace") as f:
            snaps = READERS[a.input](f.read().split("\n"))
    except OSError as e:
        print(f"memplot: {a.log}: {e.strerror}", file=sys.stderr)
        return 1
    except LogError as e:
        where = f"{a.log}:{e.line}" if e.line else a.log
        print(f"memplot: {where}: {e}", file=sys.stderr)
        return 1
    print(summary(a.log, snaps))
    if a.check:
        return 0
    try:
        import memplot_draw
    except ImportError as e:
        print(f"memplot: cannot draw: {e} (tools/deps.sh --charts installs "
              "python3-matplotlib, for /usr/bin/python3)", file=sys.stderr)
        return 1
    for path in memplot_draw.draw(snaps, a.out, a.title):
        print(f"memplot: wrote {path}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    sys.exit(main())
