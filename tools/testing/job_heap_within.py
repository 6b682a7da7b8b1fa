#!/usr/bin/env python3
"""A `run:` step for job_page_budget.scn: the pages the pgkids children
say they hold add up to at most one job's heap budget, the page cap
that `mem -r` gives each process (page_limit=), however the children's
growth interleaved."""
import os
import re
import sys

txt = open(os.environ["RVOS_CONSOLE"], errors="replace").read().replace("\r", "")
# a background child's line may follow the shell's prompt on its line
held = [int(n) for n in re.findall(r"^(?:rvos> )?pgkids: child \d+ holds (\d+) pages",
                                   txt, re.M)]
limits = re.findall(r"^proc pid=\d+ ppid=\d+ name=pgkids .*?\bpage_limit=(\d+)", txt, re.M)
if len(held) != 3 or not limits:
    sys.exit(f"job_heap_within: want 3 children's figures and a mem -r, saw {held}, {limits}")
budget = int(limits[-1])
print(f"job_heap_within: children hold {held} = {sum(held)} pages, job budget {budget}")
sys.exit(0 if sum(held) <= budget else 1)
