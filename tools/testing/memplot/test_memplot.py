#!/usr/bin/env python3
"""Tests of tools/memplot.py's reader, without matplotlib (memplot.scn).

console.log is a real console excerpt around one `mem -r`; samples.log
three snapshots from `make memplot`'s sampler (before, at and after
hog's exit). Checks: both read; unknown keys and keywords are skipped;
every truncation of samples.log either reads the snapshots it still
holds whole or fails naming a line; each malformed log fails with one
line on stderr, `memplot: FILE:LINE: ...`, exit status 1, no traceback;
--check never imports matplotlib. history.log is a real `mem -H -r`
dump (sysinfo's history ring of 6), read with --input history: it
reads, every truncation reads or fails naming a line, and a bad
version or count fails in one line. One line per check; exits 1 if any
fails.
"""

import io
import os
import re
import subprocess
import sys
import tempfile
from contextlib import redirect_stdout

HERE = os.path.dirname(os.path.abspath(__file__))
TOOLS = os.path.dirname(os.path.dirname(HERE))
MEMPLOT = os.path.join(TOOLS, "memplot.py")
sys.path.insert(0, TOOLS)
import memplot  # noqa: E402

SAMPLES = open(os.path.join(HERE, "samples.log")).read()
HISTORY = open(os.path.join(HERE, "history.log")).read()
CONSOLE = open(os.path.join(HERE, "console.log")).read()
failures = []


# Record and print one check's outcome.
def check(name, ok, detail=""):
    print(("ok    " if ok else "FAIL  ") + name + ("" if ok else f": {detail}"))
    if not ok:
        failures.append(name)


# Run memplot.py --check on text; returns (status, stdout, stderr, path).
def run_check(text, binary=False, args=()):
    with tempfile.NamedTemporaryFile("wb" if binary else "w", suffix=".log",
                                     delete=False) as f:
        f.write(text)
    r = subprocess.run([sys.executable, MEMPLOT, "--check", *args, f.name],
                       capture_output=True, text=True)
    os.unlink(f.name)
    return r.returncode, r.stdout, r.stderr, f.name


# A log that must read: status 0, one summary line matching want.
def good(name, text, want, args=()):
    rc, out, err, _ = run_check(text, args=args)
    check(name, rc == 0 and not err and re.search(want, out),
          f"status {rc}, stdout {out!r}, stderr {err!r}")


# A log that must fail: status 1, nothing on stdout, one stderr line
# naming the file and line (line None: the file alone) and matching want.
def bad(name, text, line, want, binary=False, args=()):
    rc, out, err, path = run_check(text, binary, args)
    where = re.escape(path) + (f":{line}" if line else "")
    ok = (rc == 1 and not out and err.count("\n") == 1 and "Traceback" not in err
          and re.match(f"memplot: {where}: {want}", err))
    check(name, ok, f"status {rc}, stdout {out!r}, stderr {err!r}")


# Every prefix of SAMPLES (each character) reads or fails with LogError
# naming a line within it; what reads has as many snapshots as whole end lines.
def truncations():
    ends = [ln for ln in SAMPLES.split("\n") if ln.startswith("end ")]
    wrong = []
    for cut in range(len(SAMPLES)):
        prefix = SAMPLES[:cut]
        lines = prefix.split("\n")
        try:
            snaps = memplot.read_serial_log(lines)
        except memplot.LogError as e:
            if not 0 <= e.line <= len(lines):
                wrong.append(f"cut {cut}: line {e.line}")
            continue
        except Exception as e:         # a traceback in real use
            wrong.append(f"cut {cut}: {type(e).__name__}: {e}")
            continue
        whole = sum(1 for ln in lines if ln in ends)
        if len(snaps) != whole:
            wrong.append(f"cut {cut}: {len(snaps)} snapshots read, {whole} whole")
    check(f"all {len(SAMPLES)} truncations of samples.log read or fail cleanly",
          not wrong, "; ".join(wrong[:3]))


# The history reader (`mem -H -r`, --input history): the real dump reads
# as one snapshot per moment sampled; every prefix reads or fails naming
# a line; a bad version, miscounted end or sample without series fails.
def history():
    h = ("--input", "history")
    good("history.log (mem -H -r) reads", HISTORY,
         r"^memplot: .*: 6 snapshots over 4\.99 s of guest time, hist-raw 1, 7 tags, "
         r"0 processes, free pages 31653 at the lowest", h)
    good("unknown keys skipped in a history dump",
         re.sub(r"(?m)^(sample|series) (.*)$", r"\1 \2 newkey=1", HISTORY), r" 6 snapshots ", h)
    wrong = []
    for cut in range(len(HISTORY)):
        lines = HISTORY[:cut].split("\n")
        try:
            memplot.read_history_log(lines)
        except memplot.LogError as e:
            if not 0 <= e.line <= len(lines):
                wrong.append(f"cut {cut}: line {e.line}")
        except Exception as e:         # a traceback in real use
            wrong.append(f"cut {cut}: {type(e).__name__}: {e}")
    check(f"all {len(HISTORY)} truncations of history.log read or fail cleanly",
          not wrong, "; ".join(wrong[:3]))
    bad("history: unknown version", edit(HISTORY, "hist-raw 1", "hist-raw 2"), 2,
        r"hist-raw 2 is not a version this memplot reads$", args=h)
    bad("history: end counts disagree", edit(HISTORY, "end series=7", "end series=6"), 53,
        r"end line says series=6 samples=42, the dump has 7 and 42$", args=h)
    bad("history: cut short", "\n".join(HISTORY.split("\n")[:20]), 2,
        r"history dump has no end line: the log ends first", args=h)
    bad("history: none in a log", SAMPLES, None, r"no `mem -H -r` dump", args=h)


# Replace the first occurrence of old (which must be there) by new.
def edit(text, old, new):
    assert old in text, old
    return text.replace(old, new, 1)


def main():
    good("samples.log reads", SAMPLES,
         r"^memplot: .*: 3 snapshots over 0\.05 s of guest time, mem-raw 1, 13 tags")
    good("console.log (real console output) reads", CONSOLE,
         r"^memplot: .*: 1 snapshot \(no times: by order\)")
    future = re.sub(r"(?m)^(tag|proc|heap) (.*)$", r"\1 \2 newkey=7", SAMPLES)
    future = re.sub(r"(?m)^end ", "limit pid=3 pages=100 kind=soft\nend ", future)
    good("unknown keys and keywords are skipped", future, r" 3 snapshots over ")
    truncations()
    history()

    bad("unknown version refused", edit(SAMPLES, "mem-raw 1", "mem-raw 2"), 2,
        r"mem-raw version 2 is not one this memplot reads \(1\)$")
    bad("version missing", edit(SAMPLES, "mem-raw 1", "mem-raw"), 2,
        r"'mem-raw' must be followed by one version number$")
    cut = "\n".join(SAMPLES.split("\n")[:30])
    bad("log cut short inside a snapshot", cut, 24,
        r"snapshot has no end line: the log ends first")
    lines = SAMPLES.split("\n")
    spliced = "\n".join(lines[:10] + ["tag name=IPC_ bytes=25"] + lines[22:])
    bad("line cut short, the next snapshot follows", spliced, 11,
        r"'tag' line has no pages= \(line cut short\?\)$")
    spliced = "\n".join(lines[:10] + lines[22:])
    bad("snapshot cut short, the next one follows", spliced, 11,
        r"'@memplot' line inside a snapshot$")
    bad("a number that is not one", edit(SAMPLES, "bytes=32768", "bytes=32x68"), 8,
        r"'tag' line: bytes=32x68 is not a decimal number$")
    bad("a needed key missing", re.sub(r" pages=258 .*", "", SAMPLES, count=1), 14,
        r"'tag' line has no pages= ")
    bad("a word that is not key=value", edit(SAMPLES, " peak=0", " pe"), 5,
        r"'tag' line: 'pe' is not key=value")
    bad("end counts disagree", edit(SAMPLES, "end tags=13", "end tags=12"), 22,
        r"end line says tags=12 procs=3, the snapshot has 13 tag and 3 proc lines$")
    bad("snapshot without its heap line", re.sub(r"(?m)^heap .*\n", "", SAMPLES, count=1), 21,
        r"snapshot ends without its heap line$")
    bad("time running backwards", edit(SAMPLES, "tick=92", "tick=80"), 46,
        r"snapshot at 0\.80 s comes after one at 0\.88 s$")
    bad("bad time stamp", edit(SAMPLES, "tick=87", "tick=8a7"), 1,
        r"'@memplot' line: tick= must be a decimal number$")
    bad("no snapshot at all", "rvos> mem -r\nmem: cannot reach sysinfo\n", None,
        r"no `mem -r` snapshot")
    bad("empty log", "", None, r"no `mem -r` snapshot")
    noise = bytes(range(256)) * 4
    bad("binary noise around a snapshot start", noise + b"\nmem-raw 1\n" + noise,
        binary=True, line=r"\d+", want=r"snapshot has no end line: the log ends first")
    path = "/nonexistent/memplot.log"
    r = subprocess.run([sys.executable, MEMPLOT, "--check", path], capture_output=True, text=True)
    check("missing file is one line", r.returncode == 1 and
          r.stderr == f"memplot: {path}: No such file or directory\n", repr(r.stderr))

    with tempfile.NamedTemporaryFile("w", suffix=".log", delete=False) as f:
        f.write(SAMPLES)
    sys.argv = ["memplot.py", "--check", f.name]
    with redirect_stdout(io.StringIO()):
        rc = memplot.main()
    os.unlink(f.name)
    check("--check does not import matplotlib", rc == 0 and "matplotlib" not in sys.modules,
          f"status {rc}, matplotlib imported: {'matplotlib' in sys.modules}")

    print(f"memplot tests: {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
