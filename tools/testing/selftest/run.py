#!/usr/bin/env python3
"""Self-tests of the test harness: prove it passes what it should and fails
what it should, against fake_qemu.py and fake_gdb.py instead of QEMU and gdb.

Each scenario in selftest/scenarios/ states the outcome it must get in a
`# selftest: PASS` or `# selftest: FAIL <regex on the reason>` comment.
Further checks cover the summary line, exit status, logs, the timeout's
process-group kill, parallel runs and SIGTERM cleanup.

Usage: python3 tools/testing/selftest/run.py   (exit status 0 = all good)
"""

import os
import re
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
HARNESS = os.path.join(os.path.dirname(HERE), "harness.py")
SCENARIOS = os.path.join(HERE, "scenarios")
FAKE_QEMU = f"{sys.executable} {os.path.join(HERE, 'fake_qemu.py')}"
FAKE_GDB = f"{sys.executable} {os.path.join(HERE, 'fake_gdb.py')}"

sys.path.insert(0, os.path.dirname(HERE))
from scenario import ScenarioError, decode_escapes, parse_file  # noqa: E402

checks = {"run": 0, "failed": 0}


# Record one check: print ok or FAIL with what was seen.
def check(ok, what, seen=""):
    checks["run"] += 1
    if ok:
        print(f"ok   {what}")
    else:
        checks["failed"] += 1
        print(f"FAIL {what}" + (f"\n     seen: {seen}" if seen else ""))


# Run the harness with the fakes in directory cwd; returns (rc, lines, seconds).
def harness(cwd, *args, jobs=4, kernel=None):
    argv = [sys.executable, HARNESS, "--jobs", str(jobs), "--qemu", FAKE_QEMU,
            "--gdb", FAKE_GDB, "--kernel", kernel or os.path.join(HERE, "fake_qemu.py"),
            "--logdir", "logs", *args]
    start = time.monotonic()
    p = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout.splitlines(), time.monotonic() - start


# The `# selftest:` expectation of each selftest scenario, by name.
def expectations():
    want = {}
    for f in sorted(os.listdir(SCENARIOS)):
        if f.endswith(".scn"):
            with open(os.path.join(SCENARIOS, f)) as fh:
                m = re.search(r"^# selftest: (PASS|FAIL)[ \t]*(.*)$", fh.read(), re.M)
            want[f[:-4]] = (m.group(1), m.group(2)) if m else ("?", "")
    return want


# True if process pid no longer exists (or is a zombie).
def gone(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[1][0] == "Z"
    except OSError:
        return True


# Unit checks of the scenario parser.
def test_parser(tmp):
    check(decode_escapes(r"a\tb\x41\e\\n\r\n") == b"a\tbA\x1b\\n\r\n", "send escapes decode")
    path = os.path.join(tmp, "unit.scn")
    with open(path, "w") as f:
        f.write("# c\ntimeout: 5\nbootargs: a\nbootargs: b=1\nallow: ^panic:\n"
                "gdb-cmd: break kmain\n\ngdb-cmd: continue\ngdb-expect: x\nexpect: y\n")
    scn = parse_file(path)
    check(scn.timeout == 5 and scn.bootargs == ["a", "b=1"], "settings parsed")
    check(scn.forbid == ["unexpected trap"], "allow removes a default forbid", scn.forbid)
    kinds = [s.kind for s in scn.steps]
    check(kinds == ["gdb", "gdb-expect", "expect"], "adjacent gdb-cmd lines form one session", kinds)
    check(scn.gdb_halted, "a gdb session before any console step starts QEMU halted")
    with open(path, "w") as f:
        f.write("expect: x\ngdb-cmd: a\ngdb-start: b\ngdb-cmd: c\ngdb-expect: y\n")
    scn = parse_file(path)
    kinds = [(s.kind, s.arg) for s in scn.steps]
    check(kinds == [("expect", kinds[0][1]), ("gdb", ["-ex", "a"]),
                    ("gdb-start", ["-ex", "b", "-ex", "c"]), ("gdb-expect", kinds[3][1])],
          "gdb-start begins its own session, later gdb-cmd lines join it", kinds)
    check(not scn.gdb_halted, "a console step first: QEMU runs, the gdb stub waits", scn.gdb_halted)
    with open(path, "w") as f:
        f.write("expect: (unclosed\n")
    try:
        parse_file(path)
        check(False, "bad regex rejected")
    except ScenarioError as e:
        check("unit.scn:1" in str(e), "bad regex rejected with file:line", str(e))


# Run every selftest scenario at once and compare with the expectations.
def test_all(tmp):
    want = expectations()
    rc, lines, secs = harness(tmp, SCENARIOS)
    seen = {}
    for line in lines:
        m = re.match(r"(PASS|FAIL) (\S+?):? (.*)$", line)
        if m:
            seen.setdefault(m.group(2), []).append((m.group(1), m.group(3)))
    for name, (outcome, regex) in want.items():
        got = seen.get(name, [])
        ok = len(got) == 1 and got[0][0] == outcome and re.search(regex, got[0][1])
        check(ok, f"{name}: {outcome} {regex}".rstrip(), got)
    npass = sum(o == "PASS" for o, _ in want.values())
    summary = f"{npass} passed, {len(want) - npass} failed"
    check(lines[-1:] == [summary], f"last line is '{summary}'", lines[-1:])
    check(rc == 1, "exit status 1 when something failed", rc)
    logs = os.path.join(tmp, "logs")
    check(all(os.path.exists(os.path.join(logs, n + ".log")) for n in want), "a log per scenario")
    with open(os.path.join(logs, "pass_boot.log")) as f:
        check("rvos 0.1 (fake) booting" in f.read(), "console output is in the log")
    with open(os.path.join(logs, "pass_run.log")) as f:
        check("host says hello" in f.read(), "run: output is in the log")
    text = "\n".join(lines)
    block = text.split("FAIL fail_panic:")[1].split("\nPASS")[0].split("\nFAIL")[0]
    check("log: logs/fail_panic.log" in block and "ktest_fn_panic+0x1c" in block,
          "a failure shows its log path and the log's tail (the backtrace)", block)
    timing = {m.group(1): float(m.group(2)) for m in
              re.finditer(r"^FAIL (\S+):.*\((\d+\.\d)s\)$", text, re.M)}
    check(timing.get("fail_panic", 99) < 2 and timing.get("fail_exited_early", 99) < 2,
          "a panic or an early exit fails at once, not at the timeout", timing)
    check(1.5 < timing.get("fail_timeout", 0) < 4, "the timeout fires on time", timing)
    pids = open(os.path.join(tmp, "hang.pid")).read().split()
    check(len(pids) == 2 and all(gone(int(p)) for p in pids),
          "timeout killed the hung QEMU (ignoring SIGTERM) and its child", pids)


# Passing scenarios alone exit 0; no scenarios or a missing one exit non-zero.
def test_summary(tmp):
    passes = [os.path.join(SCENARIOS, f) for f in sorted(os.listdir(SCENARIOS))
              if f.startswith("pass_")]
    rc, lines, _ = harness(tmp, *passes)
    check(rc == 0 and lines[-1] == f"{len(passes)} passed, 0 failed",
          "all passing: exit 0", (rc, lines[-1:]))
    empty = os.path.join(tmp, "empty")
    os.makedirs(empty, exist_ok=True)
    rc, lines, _ = harness(tmp, empty)
    check(rc != 0 and lines == ["0 passed, 0 failed"], "no scenarios: non-zero exit", (rc, lines))
    rc, lines, _ = harness(tmp, passes[0], "nonexistent.scn")
    check(rc != 0 and lines[-1] == "1 passed, 1 failed", "missing scenario counts as failed",
          (rc, lines))
    rc, lines, _ = harness(tmp, passes[0], kernel=os.path.join(tmp, "no-kernel.elf"))
    check(rc != 0 and "no kernel at" in lines[0], "missing kernel fails clearly", lines[:1])


# Two 2 s scenarios take ~2 s with --jobs 2 and ~4 s with --jobs 1.
def test_parallel(tmp):
    d = os.path.join(tmp, "par")
    os.makedirs(d, exist_ok=True)
    for n in ("a", "b"):
        with open(os.path.join(d, n + ".scn"), "w") as f:
            f.write("bootargs: sleep=2 halt\nexit: 0\n")
    _, _, two = harness(tmp, d, jobs=2)
    _, _, one = harness(tmp, d, jobs=1)
    check(two + 1.2 < one, "--jobs 2 runs scenarios side by side",
          f"{two:.1f}s with 2 jobs, {one:.1f}s with 1")


# --cpus 1,4 runs a QEMU scenario twice, each run's -smp rewritten and its
# result line and log naming the count; `cpus:` pins a scenario, one that
# sets its own -smp, uses gdb or another machine runs once, a host-only one
# once without a count; the summary counts runs.
def test_cpus(tmp):
    d = os.path.join(tmp, "cpus")
    os.makedirs(d, exist_ok=True)
    scns = {"both": "bootargs: halt\nexpect: ^hart 0 of (\\d+),\nexit: 0\n",
            "pinned": "cpus: 4\nbootargs: halt\nexpect: ^hart 0 of 4,\nexit: 0\n",
            "own": "qemu-args: -m 1G -smp 2\nbootargs: halt\nexpect: ^hart 0 of 2,\nexit: 0\n",
            "other": "qemu-args: -machine spike\nbootargs: halt\nexit: 0\n",
            "gdb": "gdb-cmd: break kmain\ngdb-expect: Breakpoint 1\nbootargs: halt\nexit: 0\n",
            "host": "run: true\n",
            "bad": "cpus: 0\nbootargs: halt\n"}
    for name, text in scns.items():
        with open(os.path.join(d, name + ".scn"), "w") as f:
            f.write(text)
    rc, lines, _ = harness(tmp, "--cpus", "1,4", "--logdir", "cpulogs", d)
    got = sorted(line.split(" (")[0].split(":")[0] for line in lines
                 if re.match(r"(PASS|FAIL) ", line))
    want = ["FAIL bad", "PASS both [smp1]", "PASS both [smp4]", "PASS gdb [smp1]",
            "PASS host", "PASS other [smp1]", "PASS own [smp2]", "PASS pinned [smp4]"]
    check(got == want, "--cpus 1,4: result lines name each run's count", got)
    check(rc == 1 and lines[-1] == "7 passed, 1 failed", "--cpus: the summary counts runs",
          (rc, lines[-1:]))
    logs = os.path.join(tmp, "cpulogs")
    for name, harts in (("both.smp1", 1), ("both.smp4", 4), ("pinned.smp4", 4)):
        with open(os.path.join(logs, name + ".log")) as f:
            text = f.read()
        check(f"-smp {harts} " in text and f"hart 0 of {harts}," in text,
              f"{name}.log: QEMU got -smp {harts}", text[:300])
    bad = [line for line in lines if line.startswith("FAIL bad")]
    check(bad and "want hart counts" in bad[0], "cpus: 0 is refused naming the line", bad)
    rc, lines, _ = harness(tmp, "--cpus", "1,x", d)
    check(rc == 2 and not lines, "--cpus 1,x is refused", (rc, lines))


# SIGTERM to the harness kills the QEMU it started and exits 130.
def test_sigterm(tmp):
    d = os.path.join(tmp, "term")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "hang.scn"), "w") as f:
        f.write("bootargs: hang pidfile=term.pid\nexpect: never\n")
    argv = [sys.executable, HARNESS, "--qemu", FAKE_QEMU, "--kernel", HARNESS,
            "--logdir", "logs", d]
    p = subprocess.Popen(argv, cwd=tmp, stdout=subprocess.PIPE, text=True)
    pidfile = os.path.join(tmp, "term.pid")
    for _ in range(100):
        if os.path.exists(pidfile) and open(pidfile).read().endswith("\n"):
            break
        time.sleep(0.05)
    p.send_signal(signal.SIGTERM)
    p.communicate(timeout=10)
    time.sleep(0.2)
    pids = open(pidfile).read().split()
    check(p.returncode == 130 and all(gone(int(x)) for x in pids),
          "SIGTERM to the harness kills QEMU's group", (p.returncode, pids))


# Run every check; exit 1 if any failed.
def main():
    with tempfile.TemporaryDirectory(prefix="harness-selftest-") as tmp:
        for test in (test_parser, test_all, test_summary, test_parallel, test_cpus,
                     test_sigterm):
            try:
                test(tmp)
            except Exception as e:
                check(False, f"{test.__name__} crashed", repr(e))
    print(f"selftest: {checks['run']} checks, {checks['failed']} failed")
    return 1 if checks["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
