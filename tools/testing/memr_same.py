#!/usr/bin/env python3
"""A `run:` step: the first and the last `current ...` lines of `mem -r`
on the console ($RVOS_CONSOLE) must be identical: every page and every
heap byte came back."""
import os, re, sys
txt = open(os.environ["RVOS_CONSOLE"], errors="replace").read().replace("\r", "")
cur = re.findall(r"^current .*$", txt, re.M)
if len(cur) < 2:
    print("memr_same: fewer than two mem -r figures"); sys.exit(1)
if cur[0] != cur[-1]:
    print("memr_same: before:", cur[0]); print("memr_same: after: ", cur[-1]); sys.exit(1)
print("memr_same: identical:", cur[-1])
