#!/usr/bin/env python3
"""Boot rvos, run the memplot workload, and collect `mem -r` snapshots.

    tools/memplot_run.py [--qemu "QEMU COMMAND"] [--gdb GDB] [--kernel ELF]
                         --out DIR [--steps COMMAND...]

Boots QEMU on a pseudo-terminal (as the test harness does), attaches gdb
with tools/memplot_sampler.py once the prompt shows, then types WORKLOAD
(or the --steps) into the shell, one command at a time, each after the
last one's prompt, and shuts down.
Writes DIR/samples.log (the snapshots, for tools/memplot.py),
DIR/console.log (what the console showed) and DIR/gdb.log. Exits 1,
naming the step, if the boot or a command does not finish in time.
"""

import argparse
import os
import re
import shlex
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "testing"))
from console import Console, Failure, kill_group, spawn  # noqa: E402
from harness import DEFAULT_QEMU, Log, free_port  # noqa: E402

# What the chart shows, step by step: a quiet start, a leak of heap,
# pages and channels (reclaimed at its exit), a program taking 16 MiB of
# pages, the channel self-test (spawns, a flood of sysinfo clients), the
# kernel heap grown through channels until the kernel refuses, and given
# back, a storm of sleepers spawned, killed and reaped, and a quiet end.
WORKLOAD = [
    "sleep 300",
    "mem -r",
    "leak 8",
    "sleep 200",
    "hog 4000",
    "sleep 200",
    "chantest",
    "sleep 200",
    "flood heap",
    "sleep 200",
    "storm fill",
    "sleep 300",
]

PROMPT = re.compile(r"^rvos> ", re.M)
BOOT_SECONDS = 30
STEP_SECONDS = 60
SEND_DELAY = 0.005        # seconds between typed characters


# Start gdb on QEMU's stub with the sampler, its output going to gdb_log;
# wait until it is attached and the kernel runs on.
def start_sampler(gdb, port, kernel, samples, gdb_log, deadline):
    argv = shlex.split(gdb) + [
        "-batch", "-nx", "-ex", "set pagination off", "-ex", "set confirm off",
        "-ex", f"target remote 127.0.0.1:{port}",
        "-ex", f"source {os.path.join(HERE, 'gdb', 'rvos.py')}",
        "-ex", f"python MEMPLOT_OUT = {samples!r}",
        "-ex", f"source {os.path.join(HERE, 'memplot_sampler.py')}",
        "-ex", "continue", kernel]
    with open(gdb_log, "w") as out:
        proc = spawn(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
    why = "gdb did not attach to QEMU with the sampler"
    while time.monotonic() < deadline and proc.poll() is None:
        with open(gdb_log) as f:
            said = re.search(r"^@memplot (sampling|failed: .*)$", f.read(), re.M)
        if said and said.group(1) == "sampling":
            return proc
        if said:
            why = "gdb's sampler " + said.group(1)
            break
        time.sleep(0.1)
    kill_group(proc)
    raise Failure(f"{why} (see {gdb_log})")


# Type one command and wait for the prompt after it; returns the new position.
def step(con, command, pos):
    con.send((command + "\r").encode(), SEND_DELAY, time.monotonic() + STEP_SECONDS, command)
    m = con.expect(PROMPT, pos, time.monotonic() + STEP_SECONDS,
                   f"prompt after '{command}'")
    return m.end()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--qemu", default=DEFAULT_QEMU,
                    help="QEMU command (-kernel is added unless it has one)")
    ap.add_argument("--gdb", default="gdb-multiarch")
    ap.add_argument("--kernel", default="build/kernel-test.elf",
                    help="kernel ELF (the test kernel: the workload runs test programs)")
    ap.add_argument("--out", required=True, help="directory for the logs")
    ap.add_argument("--steps", nargs="+", default=WORKLOAD, metavar="COMMAND",
                    help="shell commands to run instead of the workload")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    samples = os.path.join(a.out, "samples.log")
    port = free_port()
    console_log = os.path.join(a.out, "console.log")
    log = Log(console_log)
    argv = shlex.split(a.qemu)
    if "-kernel" not in argv:
        argv += ["-kernel", a.kernel]
    con = Console(argv + ["-gdb", f"tcp:127.0.0.1:{port}"], log, [])
    gdb = None
    start = time.monotonic()
    try:
        m = con.expect(PROMPT, 0, start + BOOT_SECONDS, "the first prompt")
        gdb = start_sampler(a.gdb, port, a.kernel, samples,
                            os.path.join(a.out, "gdb.log"), start + BOOT_SECONDS)
        pos = m.end()
        for command in a.steps:
            print(f"memplot: {command}", flush=True)
            pos = step(con, command, pos)
        if gdb.poll() is not None:
            raise Failure(f"gdb's sampler stopped during the workload (see {a.out}/gdb.log)")
        con.send(b"shutdown\r", SEND_DELAY, time.monotonic() + STEP_SECONDS, "shutdown")
        con.wait_exit(time.monotonic() + STEP_SECONDS, "shutdown")
        gdb.wait(timeout=STEP_SECONDS)
    except (Failure, TimeoutError, subprocess.TimeoutExpired) as e:
        print(f"memplot: {e} (console: {console_log})", file=sys.stderr)
        return 1
    finally:
        if gdb:
            kill_group(gdb)
        con.close()
        log.close()
    print(f"memplot: workload ran in {time.monotonic() - start:.1f} s; snapshots in {samples}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
