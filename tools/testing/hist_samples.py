#!/usr/bin/env python3
"""A `run:` step of mem_history.scn: in the last `mem -H HIST` on the
console ($RVOS_CONSOLE) the newest samples are about a second apart
(0.8 to 1.3 s: the service samples on the 10 ms tick), the ring has
wrapped (more taken than it holds), and HIST's heap bytes, read by
`mem -r` before and after the wrap, never changed."""
import os, re, sys
txt = open(os.environ["RVOS_CONSOLE"], errors="replace").read().replace("\r", "")
heads = re.findall(r"^HIST: the last [\d.]+ s, a sample every 1000 ms "
                   r"\((\d+) samples; the ring holds (\d+), (\d+) taken since boot\)$", txt, re.M)
if not heads:
    print("hist_samples: no mem -H HIST header"); sys.exit(1)
n, cap, taken = map(int, heads[-1])
if n != cap or taken <= cap:
    print(f"hist_samples: {n} samples, ring {cap}, {taken} taken: not wrapped"); sys.exit(1)
tail = txt[txt.rindex("the newest samples:"):]
times = [float(t) for t in re.findall(r"^ +(\d+\.\d) +\d+ +\d+ +\d+$", tail, re.M)]
if len(times) != n:
    print(f"hist_samples: {len(times)} sample rows, want {n}"); sys.exit(1)
gaps = [round(b - a, 1) for a, b in zip(times, times[1:])]
if any(g < 0.8 or g > 1.3 for g in gaps):
    print(f"hist_samples: gaps between samples {gaps}, want about 1.0 s"); sys.exit(1)
hist = re.findall(r"^current .* HIST=(\d+)", txt, re.M)
if len(hist) < 2 or len(set(hist)) != 1:
    print(f"hist_samples: HIST bytes over the run {hist}, want one value twice or more"); sys.exit(1)
print(f"hist_samples: ring of {cap}, {taken} taken, gaps {gaps} s, HIST {hist[0]} bytes throughout")
