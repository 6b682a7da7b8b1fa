#!/usr/bin/env python3
"""Serial-assertion test harness for rvos.

Boots QEMU on a pty once per scenario (tools/testing/scenarios/*.scn), types
input, waits for regexes in the console output, fails on forbidden patterns,
checks QEMU's exit status, drives gdb in batch mode (in the foreground, or in
the background while the scenario types), and runs host commands.
Scenarios run in parallel, each QEMU scenario once per hart count of
--cpus (`PASS boot [smp4]`); each run prints one PASS/FAIL line as it
finishes and the last line is always `N passed, N failed`. The format
and the workflow are described in docs/testing.md.

Python 3 standard library only.
"""

import argparse
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from console import Console, Failure, kill_all_groups, kill_group, spawn, status_text  # noqa: E402
from scenario import ScenarioError, compile_regex, parse_cpus, parse_file  # noqa: E402

DEFAULT_QEMU = ("qemu-system-riscv64 -machine virt"
                " -bios /usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin"
                " -m 128M -smp 1 -nographic")
# the scenarios are written for the test kernel (docs/testing.md)
DEFAULT_KERNEL = "build/kernel-test.elf"
DEFAULT_GDB = "gdb-multiarch"
DEFAULT_LOGDIR = "build/test"
SEND_DELAY = 0.02        # seconds between typed characters
TAIL_LINES = 30          # log lines shown under a failure

_ports_taken = set()
_ports_lock = threading.Lock()


@dataclass
class Result:
    """How one scenario ended."""
    name: str
    ok: bool
    reason: str
    seconds: float
    log: str


class Log:
    """A scenario's log file: console output plus `==== ` harness notes."""

    # Open the log for writing, replacing an old one.
    def __init__(self, path):
        self.path = path
        self.f = open(path, "w", encoding="utf-8", errors="replace")
        self.last = "\n"

    # Append text exactly as given.
    def write(self, text):
        if text:
            self.f.write(text)
            self.last = text[-1]

    # Append a harness note on a line of its own.
    def note(self, text):
        self.write(("" if self.last == "\n" else "\n") + f"==== {text}\n")

    # Push what was written to disk (so `tail -f` shows it).
    def flush(self):
        self.f.flush()

    # Close the file.
    def close(self):
        self.f.close()


# Pick a free local TCP port no other scenario of this run is using.
def free_port():
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        with _ports_lock:
            if port not in _ports_taken:
                _ports_taken.add(port)
                return port


class Runner:
    """Runs the steps of one scenario against one QEMU."""

    # Remember the scenario, the options, the log and the hart count
    # (None: QEMU's -smp as --qemu gives it).
    def __init__(self, scn, opts, log, cpus):
        self.scn, self.opts, self.log, self.cpus = scn, opts, log, cpus
        self.console = None
        self.kernel = opts.kernel
        self.port = None
        self.pos = 0               # console text already consumed by expect:
        self.gdb_out, self.gdb_pos = "", 0
        self.gdb_bg = None         # a gdb-start session: (proc, output file, cmd, what)
        self.vars = {}             # expect:'s named groups, for send:'s ${NAME}

    # Run every step; raises Failure on the first thing that goes wrong.
    def run(self):
        deadline = time.monotonic() + self.scn.timeout
        try:
            if self.scn.needs_qemu:
                self.start_qemu()
            for step in self.scn.steps:
                what = step.describe(self.scn)
                getattr(self, "do_" + step.kind.replace("-", "_"))(step, deadline, what)
            self.gdb_finish(deadline)
            if self.console:
                self.console.drain(0.2)     # late output still meets the forbids
        except TimeoutError as e:
            raise Failure(f"timeout after {self.scn.timeout:g}s: {e}") from None
        finally:
            if self.gdb_bg:
                kill_group(self.gdb_bg[0])
                self.gdb_bg[1].close()
            if self.console:
                self.console.close()

    # Build QEMU's command line and start it on a pty.
    def start_qemu(self):
        argv = with_smp(shlex.split(self.opts.qemu), self.cpus)
        if "-kernel" not in argv:
            argv += ["-kernel", self.opts.kernel]
        self.kernel = argv[argv.index("-kernel") + 1]
        if not os.path.exists(self.kernel):
            raise Failure(f"no kernel at {self.kernel} (build it first: make test-kernel)")
        if self.scn.bootargs:
            argv += ["-append", " ".join(self.scn.bootargs)]
        argv += self.scn.qemu_args
        if self.scn.uses_gdb:
            self.port = free_port()
            argv += ["-S"] if self.scn.gdb_halted else []
            argv += ["-gdb", f"tcp:127.0.0.1:{self.port}"]
        self.log.note("qemu: " + shlex.join(argv))
        forbid = [(p, compile_regex(p)) for p in self.scn.forbid]
        self.console = Console(argv, self.log, forbid)

    # expect: wait for the regex after the previous match.
    # A named group, (?P<NAME>...), keeps what it matched for send:.
    def do_expect(self, step, deadline, what):
        m = self.console.expect(step.arg, self.pos, deadline, what)
        self.vars.update({k: v for k, v in m.groupdict().items() if v is not None})
        self.pos = m.end()

    # expect-file: every line of the file is an expect:, in order.
    def do_expect_file(self, step, deadline, what):
        for n, (text, regex) in enumerate(step.arg, 1):
            line_what = f"expect-file {step.text}:{n} /{text}/ ({what.rsplit('(', 1)[-1]}"
            self.pos = self.console.expect(regex, self.pos, deadline, line_what).end()

    # paste: write the whole block to the guest's console at once.
    def do_paste(self, step, deadline, what):
        self.console.paste(step.arg, deadline, what)

    # send: type the text into the guest's console.
    # ${NAME} is replaced by what expect:'s group NAME matched last.
    def do_send(self, step, deadline, what):
        def value(m):
            name = m.group(1).decode()
            if name not in self.vars:
                raise Failure(f"{what}: no expect: has matched a group named {name}")
            return self.vars[name].encode("latin-1")
        data = re.sub(rb"\$\{(\w+)\}", value, step.arg)
        self.console.send(data, self.opts.send_delay, deadline, what)

    # exit: wait for QEMU to exit and compare its status.
    def do_exit(self, step, deadline, what):
        code = self.console.wait_exit(deadline, what)
        want = step.arg
        good = code > 0 if want == "nonzero" else code == want
        if not good:
            raise Failure(f"{what}: QEMU exited with {status_text(code)}, "
                          f"expected {'non-zero status' if want == 'nonzero' else f'status {want}'}")

    # run: run a host shell command; it must exit 0. It finds the console
    # output so far in the file $RVOS_CONSOLE, the last gdb session's
    # output in $RVOS_GDB_OUT, and the kernel ELF QEMU boots (--kernel) in
    # $RVOS_KERNEL.
    def do_run(self, step, deadline, what):
        with tempfile.TemporaryDirectory(prefix="harness-run-") as tmp:
            env = dict(os.environ, RVOS_CONSOLE=os.path.join(tmp, "console.txt"),
                       RVOS_GDB_OUT=os.path.join(tmp, "gdb.txt"),
                       RVOS_KERNEL=self.kernel)
            for key, text in (("RVOS_CONSOLE", self.console.text if self.console else ""),
                              ("RVOS_GDB_OUT", self.gdb_out)):
                with open(env[key], "w", encoding="utf-8") as f:
                    f.write(text)
            code, _ = self.run_child(step.arg, deadline, what, env=env)
        if code != 0:
            raise Failure(f"{what} exited with {status_text(code)}")

    # The gdb command line for a session of commands args.
    def gdb_argv(self, args):
        return shlex.split(self.opts.gdb) + [
            "-batch", "-nx",
            "-ex", "set pagination off", "-ex", "set confirm off",
            "-ex", f"target remote 127.0.0.1:{self.port}",
        ] + args + [self.kernel]

    # gdb: run one gdb batch session to its end (QEMU halted, or stopped
    # while gdb is attached).
    def do_gdb(self, step, deadline, what):
        self.gdb_finish(deadline)
        _, self.gdb_out = self.run_child(self.gdb_argv(step.arg), deadline, what)
        self.gdb_pos = 0

    # gdb-start: start a gdb session and go on with the next steps while it
    # runs (it may wait at a breakpoint that a typed command reaches).
    def do_gdb_start(self, step, deadline, what):
        self.gdb_finish(deadline)
        argv = self.gdb_argv(step.arg)
        proc, out = self.start_child(argv)
        self.gdb_bg = (proc, out, argv, what)

    # Wait for a gdb-start session to end, if one runs; its output becomes
    # the last session's.
    def gdb_finish(self, deadline):
        if not self.gdb_bg:
            return
        proc, out, argv, what = self.gdb_bg
        self.gdb_bg = None
        _, self.gdb_out = self.wait_child(proc, out, argv, deadline, what)
        self.gdb_pos = 0

    # gdb-wait: wait until the gdb-start session's output so far matches,
    # e.g. ^Continuing\. once its breakpoints are in and the kernel runs.
    def do_gdb_wait(self, step, deadline, what):
        if not self.gdb_bg:
            raise Failure(f"{what}: no gdb-start session is running")
        proc, out = self.gdb_bg[:2]
        while True:
            ended = proc.poll() is not None
            text = os.pread(out.fileno(), 1 << 24, 0).decode("utf-8", "replace")
            if step.arg.search(text):
                return
            if ended:
                raise Failure(f"{what}: the gdb session ended without it")
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{what} not seen in gdb's output")
            if self.console:
                self.console.pump(min(left, 0.1))

    # gdb-expect: look for the regex in the last gdb session's output
    # (waiting for a gdb-start session to end first).
    def do_gdb_expect(self, step, deadline, what):
        self.gdb_finish(deadline)
        m = step.arg.search(self.gdb_out, self.gdb_pos)
        if not m:
            raise Failure(f"{what} not in gdb's output")
        self.gdb_pos = m.end()

    # Run a host command (a string goes to the shell) to completion, reading
    # the console meanwhile; its output goes to the log. Returns (status, output).
    def run_child(self, cmd, deadline, what, env=None):
        proc, out = self.start_child(cmd, env)
        return self.wait_child(proc, out, cmd, deadline, what)

    # Start a host command with its output going to a temporary file.
    def start_child(self, cmd, env=None):
        out = tempfile.TemporaryFile()
        try:
            proc = spawn(cmd, shell=isinstance(cmd, str), stdin=subprocess.DEVNULL,
                         stdout=out, stderr=subprocess.STDOUT, env=env)
        except BaseException:
            out.close()
            raise
        return proc, out

    # Wait for a command from start_child to end, reading the console
    # meanwhile; log its output. Returns (status, output).
    def wait_child(self, proc, out, cmd, deadline, what):
        shown = cmd if isinstance(cmd, str) else shlex.join(cmd)
        try:
            while proc.poll() is None:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{what} still running")
                if self.console:
                    self.console.pump(min(left, 0.1))
                else:
                    time.sleep(min(left, 0.05))
        finally:
            kill_group(proc)
            out.seek(0)
            text = out.read().decode("utf-8", "replace")
            out.close()
            self.log.note(f"{what}: {shown}")
            self.log.write(text)
            self.log.note(f"{what.split()[0]} ended with {status_text(proc.returncode)}")
        return proc.returncode, text


# QEMU's command line asking for cpus harts (unchanged for None).
def with_smp(argv, cpus):
    if cpus is None:
        return argv
    if "-smp" not in argv:
        return argv + ["-smp", str(cpus)]
    argv = list(argv)
    argv[argv.index("-smp") + 1] = str(cpus)
    return argv


# The hart count a scenario's own `qemu-args: -smp N` asks for, or None.
def own_smp(qemu_args):
    values = [v for k, v in zip(qemu_args, qemu_args[1:]) if k == "-smp"]
    m = re.match(r"(?:cpus=)?(\d+)", values[-1]) if values else None
    return int(m.group(1)) if m else None


# The hart counts one scenario runs at ([None]: once, as --qemu says).
# `cpus:` pins them; a scenario that picks its own -smp runs once at it;
# gdb sessions and other machines run once, at the first count of --cpus.
def hart_counts(path, opts):
    try:
        scn = parse_file(path)
    except ScenarioError:
        return [None]               # run_scenario reports the mistake
    if not scn.needs_qemu:
        return [None]
    if scn.cpus:
        return scn.cpus
    if not opts.cpus:
        return [None]
    own = own_smp(scn.qemu_args)
    if own:
        return [own]
    if scn.uses_gdb or "-machine" in scn.qemu_args:
        return opts.cpus[:1]
    return opts.cpus


# Parse, run and log one scenario file at cpus harts; never raises.
# Its result line and log name the count: `boot [smp4]`, boot.smp4.log.
def run_scenario(path, name, opts, cpus=None):
    start = time.monotonic()
    tag = "" if cpus is None else f".smp{cpus}"
    log_path = os.path.join(opts.logdir, name + tag + ".log")
    log = Log(log_path)
    log.note(f"scenario {path}" + ("" if cpus is None else f" with -smp {cpus}"))
    ok, reason = False, ""
    try:
        scn = parse_file(path, name)
        Runner(scn, opts, log, cpus).run()
        ok = True
    except (Failure, ScenarioError) as e:
        reason = str(e)
    except Exception as e:            # a harness bug: keep the traceback
        reason = f"harness error: {e!r}"
        log.note(traceback.format_exc())
    seconds = time.monotonic() - start
    log.note(f"PASS ({seconds:.1f}s)" if ok else f"FAIL: {reason}")
    log.close()
    shown = name if cpus is None else f"{name} [smp{cpus}]"
    return Result(shown, ok, reason, seconds, log_path)


# Expand the command-line arguments into (path, name) pairs and missing paths.
def collect(args):
    paths, missing = [], []
    for arg in args:
        if os.path.isdir(arg):
            paths += sorted(os.path.join(arg, f) for f in os.listdir(arg) if f.endswith(".scn"))
        elif os.path.isfile(arg):
            paths.append(arg)
        else:
            missing.append(arg)
    names, seen = [], set()
    for p in paths:
        name = os.path.splitext(os.path.basename(p))[0]
        if name in seen:            # same file name in two directories
            name = os.path.basename(os.path.dirname(os.path.abspath(p))) + "_" + name
        seen.add(name)
        names.append(name)
    return list(zip(paths, names)), missing


# Print one scenario's result: a PASS line, or a FAIL line with the log tail.
def report(r, tail):
    if r.ok:
        print(f"PASS {r.name} ({r.seconds:.1f}s)", flush=True)
        return
    lines = []
    try:
        with open(r.log, encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()[-tail:]
    except OSError:
        pass
    out = [f"FAIL {r.name}: {r.reason} ({r.seconds:.1f}s)",
           f"     log: {r.log} (last {len(lines)} lines)"]
    out += [f"     | {line}" for line in lines]
    print("\n".join(out), flush=True)


# Read the command line.
def parse_args(argv):
    ap = argparse.ArgumentParser(description="Run rvos test scenarios (see docs/testing.md).")
    ap.add_argument("scenarios", nargs="*", metavar="SCENARIO",
                    help=".scn file, or a directory meaning every *.scn in it")
    ap.add_argument("--jobs", "-j", type=int, default=2, help="scenarios run at once (2)")
    ap.add_argument("--qemu", default=DEFAULT_QEMU,
                    help="QEMU command; -kernel KERNEL is added if missing")
    ap.add_argument("--cpus", type=_cpus_arg, metavar="N,N...",
                    help="run each QEMU scenario once per hart count, e.g. 1,4 "
                         "(rewrites -smp; default: once, as --qemu says)")
    ap.add_argument("--kernel", default=DEFAULT_KERNEL, help=f"kernel ELF ({DEFAULT_KERNEL})")
    ap.add_argument("--gdb", default=DEFAULT_GDB, help=f"gdb command ({DEFAULT_GDB})")
    ap.add_argument("--logdir", default=DEFAULT_LOGDIR, help=f"where logs go ({DEFAULT_LOGDIR})")
    ap.add_argument("--send-delay", type=float, default=SEND_DELAY,
                    help=f"seconds between typed characters ({SEND_DELAY})")
    ap.add_argument("--tail", type=int, default=TAIL_LINES,
                    help=f"log lines shown for a failure ({TAIL_LINES})")
    opts = ap.parse_args(argv)
    opts.jobs = max(1, opts.jobs)
    return opts


# argparse's reading of --cpus.
def _cpus_arg(text):
    try:
        return parse_cpus(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


# Turn SIGTERM (e.g. make being stopped) into the Ctrl-C path.
def _on_sigterm(signum, frame):
    raise KeyboardInterrupt


# Run the scenarios; the exit status is 0 only if some ran and all passed.
def main(argv=None):
    opts = parse_args(argv)
    jobs, missing = collect(opts.scenarios)
    os.makedirs(opts.logdir, exist_ok=True)
    signal.signal(signal.SIGTERM, _on_sigterm)
    passed = failed = 0
    if not jobs and not missing:
        print("harness: no scenarios to run (give .scn files or directories)",
              file=sys.stderr, flush=True)
    for arg in missing:
        print(f"FAIL {arg}: no such scenario file or directory", flush=True)
        failed += 1
    pool = ThreadPoolExecutor(max_workers=opts.jobs)
    try:
        futures = [pool.submit(run_scenario, path, name, opts, cpus)
                   for path, name in jobs for cpus in hart_counts(path, opts)]
        for fut in as_completed(futures):
            r = fut.result()
            report(r, opts.tail)
            passed, failed = passed + r.ok, failed + (not r.ok)
    except KeyboardInterrupt:
        kill_all_groups()
        print("interrupted; QEMU and gdb processes killed", flush=True)
        os._exit(130)
    pool.shutdown()
    print(f"{passed} passed, {failed} failed", flush=True)
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
