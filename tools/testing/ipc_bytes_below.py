#!/usr/bin/env python3
"""A `run:` step: `IPC_` heap bytes in the last `mem -r` `current` line on
the console ($RVOS_CONSOLE) are at most LIMIT (the first argument), so
an attack that parks memory was held to its bound."""
import os
import re
import sys

limit = int(sys.argv[1])
txt = open(os.environ["RVOS_CONSOLE"], errors="replace").read().replace("\r", "")
cur = re.findall(r"^current .*$", txt, re.M)
if not cur:
    sys.exit("ipc_bytes_below: no mem -r figures on the console")
m = re.search(r"\bIPC_=(\d+)", cur[-1])
if not m:
    sys.exit("ipc_bytes_below: no IPC_ in: " + cur[-1])
held = int(m.group(1))
print(f"ipc_bytes_below: IPC_ holds {held} B, bound {limit} B")
sys.exit(0 if held <= limit else 1)
