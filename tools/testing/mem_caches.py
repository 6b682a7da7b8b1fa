#!/usr/bin/env python3
"""A `run:` step of mem_caches.scn: the allocator caches' figures in every
`mem -r` snapshot on the console ($RVOS_CONSOLE) add up, as seen from
outside the kernel (docs/sysinfo.md). Per snapshot:

  heap:  used + free + cached == total
  cache: the cache_hart lines' heap bytes sum to cache heap=, their pages
         to cache pages=; one line per hart, indices 0, 1, ...
  pages: free + cached + the tags' pages == total (every page allocated
         is charged to one tag)

and across snapshots the hit and miss counts never go down, and the
hart count is the `harts:` line's of the mem screen. The heap sum is
heap_stats' own arithmetic (free is what used and cached leave), so it
checks the records, not the allocator; what checks that the caches are
live and reported is that chantest's kmallocs and kfrees raise the hit
count and that some snapshot finds the caches holding heap bytes and
pages (the harts that ran mem's spawn and sysinfo's reply have just used
their own)."""
import os
import re
import sys


# key=value pairs of a line's words after the keyword (values as ints
# where they are decimal).
def pairs(words):
    out = {}
    for w in words:
        k, _, v = w.partition("=")
        out[k] = int(v) if v.isdigit() else v
    return out


# The mem -r snapshots of text: dicts of the lines each holds.
def snapshots(text):
    snaps, cur = [], None
    for line in text.splitlines():
        words = line.split()
        if not words:
            continue
        if words[0] == "mem-raw":
            cur = {"heap": None, "pages": None, "cache": None, "harts": [], "tags": []}
        elif cur is None:
            continue
        elif words[0] in ("heap", "pages", "cache"):
            cur[words[0]] = pairs(words[1:])
        elif words[0] == "cache_hart":
            cur["harts"].append(pairs(words[1:]))
        elif words[0] == "tag":
            cur["tags"].append(pairs(words[1:]))
        elif words[0] == "end":
            snaps.append(cur)
            cur = None
    return snaps


# Every invariant of one snapshot: a list of what does not hold.
def check(n, s):
    bad = []
    h, p, c = s["heap"], s["pages"], s["cache"]
    if h is None or p is None or c is None:
        return [f"snapshot {n}: no heap, pages or cache line"]
    if h["used"] + h["free"] + c["heap"] != h["total"]:
        bad.append(f"snapshot {n}: heap used {h['used']} + free {h['free']} + cached "
                   f"{c['heap']} != total {h['total']}")
    for key in ("heap", "pages"):
        total = sum(x[key] for x in s["harts"])
        if total != c[key]:
            bad.append(f"snapshot {n}: cache_hart {key}= sum to {total}, cache {key}={c[key]}")
    if [x["index"] for x in s["harts"]] != list(range(len(s["harts"]))):
        bad.append(f"snapshot {n}: cache_hart indices {[x['index'] for x in s['harts']]}")
    tagged = sum(t["pages"] for t in s["tags"])
    if p["free"] + c["pages"] + tagged != p["total"]:
        bad.append(f"snapshot {n}: pages free {p['free']} + cached {c['pages']} + tagged "
                   f"{tagged} != total {p['total']}")
    return bad


def main():
    text = open(os.environ["RVOS_CONSOLE"], errors="replace").read().replace("\r", "")
    snaps = snapshots(text)
    if len(snaps) < 2:
        sys.exit(f"mem_caches: want at least 2 mem -r snapshots, saw {len(snaps)}")
    bad = []
    for n, s in enumerate(snaps):
        bad += check(n, s)
    for n in range(1, len(snaps)):
        for key in ("hits", "misses"):
            a, b = snaps[n - 1]["cache"][key], snaps[n]["cache"][key]
            if b < a:
                bad.append(f"snapshot {n}: cache {key}= went down, {a} to {b}")
    if snaps[-1]["cache"]["hits"] <= snaps[0]["cache"]["hits"]:
        bad.append(f"cache hits= did not rise from the first snapshot to the last "
                   f"({snaps[0]['cache']['hits']}): kmalloc and kfree never hit a cache")
    for key in ("heap", "pages"):
        if not any(s["cache"][key] for s in snaps):
            bad.append(f"cache {key}= is 0 in every snapshot: nothing cached, or not reported")
    harts = re.findall(r"^harts: (\d+) running", text, re.M)
    nharts = {len(s["harts"]) for s in snaps}
    if not harts or nharts != {int(harts[-1])}:
        bad.append(f"cache_hart lines per snapshot {sorted(nharts)}, mem's harts line "
                   f"says {harts[-1] if harts else 'nothing'}")
    for line in bad:
        print("mem_caches:", line)
    last = snaps[-1]
    print(f"mem_caches: {len(snaps)} snapshots, {len(last['harts'])} harts; last: heap "
          f"cached {last['cache']['heap']} B, pages cached {last['cache']['pages']}, hits "
          f"{last['cache']['hits']}, misses {last['cache']['misses']}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
