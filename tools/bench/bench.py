#!/usr/bin/env python3
"""Run rvos's benchmarks (make bench; docs/perf.md describes the method).

Boots QEMU with the bootarg bench=MODE and collects the console lines
"@BENCH name=value unit" that kernel/test/kbench.c and user/test/bench.c print (on the test kernel,
built by bench.mk without the lock-order checker: the figures are the
shipping kernel's spinlock).

  icount  -icount shift=0,sleep=off: one instruction per nanosecond of
          virtual time, so the figures are instruction counts; sleep=off
          (idle time warps to the next timer event instead of following
          the host's clock) and the console going to a file (a pipe can
          make the polled UART wait on the host) make them repeat exactly
  wall    no icount, --wall-runs boots: per figure the median, in real
          nanoseconds (names end in _wall_ns); plus the host's own time
          from starting QEMU to the first "rvos> " (boot_to_prompt_host_ms)
  noacct  the same icount run of the kernel built with -DMM_NO_ACCOUNTING:
          the heap and page figures (names end in _noacct)
  smp     an icount run at -smp 4 (--smp-harts), shift=1 (2 ns per
          instruction, halved back into instructions): the heap and page
          pairs on 1, 2 and 4 harts at once, each hart's median round
          per pair (name_Nhart(s)), with the share of stalled rounds
          (_stalled_pct) and the ratio to one hart (_ratio), and the
          median kernel channel round trip on one hart and across two
          (_same_hart, _cross_hart); a figure whose harts are not online
          is a "bench: ... skipped" line, not a figure. The other runs
          are at -smp 1, whatever --qemu says: idle harts' ticks and
          their start-up would count in their figures

A failed smp run is reported and leaves its figures out; bench still
succeeds with the others (the one-hart figures do not depend on it).

then adds the tracking's cost (tagged minus noacct, in instructions:
name_acct_cost) and overhead (in percent: name_overhead), prints every
line and writes them to --out. Exits 1 if a run fails.
"""
import argparse
import os
import re
import select
import shlex
import statistics
import subprocess
import sys
import time

BENCH_RE = re.compile(r'^@BENCH (\S+)=(\S+) (.*?)\s*$')
TIMEOUT = 300      # seconds for one boot
SMP_TIMEOUT = 120  # the smp run takes about 10 s
SMP_SHIFT = 1      # at shift=0 QEMU 7.2 stops running a hart (docs/perf.md)


def icount_cmd(args, logpath, shift=0):
    """args (a -nographic QEMU command) under icount (2**shift ns per
    instruction) with the console written to logpath."""
    args = [a for a in args if a != '-nographic']
    return args + ['-icount', 'shift=%d,sleep=off' % shift, '-display', 'none',
                   '-monitor', 'none', '-serial', 'file:' + logpath]


def figures_of(text, logpath):
    """The @BENCH figures of a finished run's console text."""
    if 'bench: done' not in text:
        raise RuntimeError('no "bench: done" (see %s)' % logpath)
    if re.search(r'^bench: .*failed', text, re.M):
        raise RuntimeError('a benchmark failed (see %s)' % logpath)
    figures = {}
    for line in text.splitlines():
        m = BENCH_RE.match(line)
        if m:
            figures[m.group(1)] = (m.group(2), m.group(3))
    return figures


def run_icount(args, logpath, timeout=TIMEOUT, shift=0):
    """Boot args under icount; return its figures, the kernel's
    nanoseconds turned back into instructions."""
    if os.path.exists(logpath):
        os.remove(logpath)
    r = subprocess.run(icount_cmd(args, logpath, shift), stdin=subprocess.DEVNULL,
                       timeout=timeout)
    if r.returncode != 0:
        raise RuntimeError('QEMU exited %d (see %s)' % (r.returncode, logpath))
    with open(logpath, errors='replace') as f:
        fig = figures_of(f.read().replace('\r', ''), logpath)
    if shift:
        fig = {n: ('%.1f' % (float(v) / 2 ** shift) if u == 'instr' else v, u)
               for n, (v, u) in fig.items()}
    return fig


def run(cmd, logpath):
    """Boot cmd on a pipe; return (figures {name: (value, unit)}, host
    seconds from start to the first prompt or None). Raises RuntimeError
    on failure."""
    start = time.monotonic()
    prompt_at = None
    out = b''
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        while True:
            left = TIMEOUT - (time.monotonic() - start)
            if left <= 0:
                raise RuntimeError('timed out after %d s' % TIMEOUT)
            ready, _, _ = select.select([proc.stdout], [], [], left)
            if not ready:
                continue
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                break
            out += chunk
            if prompt_at is None and b'rvos> ' in out:
                prompt_at = time.monotonic() - start
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
    text = out.decode('utf-8', 'replace').replace('\r', '')
    with open(logpath, 'w') as f:
        f.write(text)
    if proc.returncode != 0:
        raise RuntimeError('QEMU exited %d (see %s)' % (proc.returncode, logpath))
    return figures_of(text, logpath), prompt_at


def with_smp(args, harts):
    """args with -smp set to harts."""
    args = list(args)
    if '-smp' in args:
        args[args.index('-smp') + 1] = str(harts)
    else:
        args += ['-smp', str(harts)]
    return args


def with_kernel(qemu, kernel):
    """The QEMU command with its -kernel argument replaced."""
    args = shlex.split(qemu)
    i = args.index('-kernel')
    args[i + 1] = kernel
    return args


def tracked(name):
    """Is name a figure that the noacct kernel measures too?"""
    return (name.startswith('kmalloc_kfree_') or name in ('page_alloc_free', 'mixed_pair'))


def overheads(icount, noacct):
    """Tracked vs compiled-out figures: per figure the accounting's own
    cost in instructions (the difference: what the issue's targets are
    about) and the overhead in percent."""
    lines = []
    for name, (value, _) in icount.items():
        base = noacct.get(name + '_noacct')
        if not base or not tracked(name):
            continue
        cost = float(value) - float(base[0])
        lines.append('@BENCH %s_acct_cost=%.1f instr' % (name, cost))
        lines.append('@BENCH %s_overhead=%.1f %%' % (name, cost / float(base[0]) * 100))
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--qemu', required=True, help='QEMU command with -kernel')
    ap.add_argument('--noacct-kernel', required=True)
    ap.add_argument('--wall-runs', type=int, default=3)
    ap.add_argument('--smp-harts', type=int, default=4)
    ap.add_argument('--logdir', required=True)
    ap.add_argument('--out', required=True)
    a = ap.parse_args()
    os.makedirs(a.logdir, exist_ok=True)
    base = with_smp(shlex.split(a.qemu), 1)
    try:
        fig = run_icount(base + ['-append', 'bench=icount'],
                         os.path.join(a.logdir, 'icount.log'))
        noacct = run_icount(with_smp(with_kernel(a.qemu, a.noacct_kernel), 1) +
                            ['-append', 'bench=noacct'],
                            os.path.join(a.logdir, 'noacct.log'))
        walls, hosts = [], []
        for i in range(a.wall_runs):
            w, host = run(base + ['-append', 'bench=wall'],
                          os.path.join(a.logdir, 'wall%d.log' % i))
            walls.append(w)
            hosts.append(host)
    except (RuntimeError, subprocess.TimeoutExpired) as e:
        print('bench: %s' % e, file=sys.stderr)
        return 1
    try:
        fig.update(run_icount(with_smp(base, a.smp_harts) + ['-append', 'bench=smp'],
                              os.path.join(a.logdir, 'smp.log'), SMP_TIMEOUT,
                              SMP_SHIFT))
    except (RuntimeError, subprocess.TimeoutExpired) as e:
        print('bench: smp run failed, its figures are left out: %s' % e,
              file=sys.stderr)
    lines = ['@BENCH %s=%s %s' % (n, v, u) for n, (v, u) in fig.items()]
    lines += ['@BENCH %s=%s %s' % (n, v, u) for n, (v, u) in noacct.items()]
    lines += overheads(fig, noacct)
    for name, (_, unit) in walls[0].items():
        vals = [float(w[name][0]) for w in walls if name in w]
        lines.append('@BENCH %s=%.1f %s' % (name, statistics.median(vals), unit))
    if all(h is not None for h in hosts):
        lines.append('@BENCH boot_to_prompt_host_ms=%.1f ms'
                     % (statistics.median(hosts) * 1000))
    with open(a.out, 'w') as f:
        f.write('\n'.join(lines) + '\n')
    print('\n'.join(lines))
    print('bench: %d figures written to %s' % (len(lines), a.out))
    return 0


if __name__ == '__main__':
    sys.exit(main())
