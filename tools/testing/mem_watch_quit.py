#!/usr/bin/env python3
"""A `run:` step of mem_watch.scn: every `mem -w` that q ended exited 0
(the shell says nothing between it and the next prompt but for a
status), and the in-place run redrew at least twice, from home."""
import os, re, sys
txt = open(os.environ["RVOS_CONSOLE"], errors="replace").read().replace("\r", "")
runs = re.findall(r"^rvos> mem -w 1\n([\s\S]*?)^rvos> ", txt, re.M)
quit = [r for r in runs if "interrupted" not in r]
if len(quit) < 2:
    print(f"mem_watch_quit: {len(quit)} runs of mem -w 1 ended by q, want 2"); sys.exit(1)
for r in quit:
    if "exited with status" in r:
        print("mem_watch_quit: mem -w ended by q exited non-zero"); sys.exit(1)
redraws = quit[1].count("\x1b[H\x1b[2Jmem -w 1: refresh")
if redraws < 2:
    print(f"mem_watch_quit: {redraws} redraws in place, want 2 or more"); sys.exit(1)
print(f"mem_watch_quit: {len(quit)} runs quit with status 0, {redraws} redraws in place")
