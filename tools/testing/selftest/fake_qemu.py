#!/usr/bin/env python3
"""A stand-in for QEMU running rvos, so the harness can be tested without it.

Takes QEMU-like arguments and ignores all but these:
  -append "WORDS"            what to do, like the kernel's bootargs (below)
  -S -gdb tcp:HOST:PORT      listen there and stay halted until the fake gdb
                             connects and then disconnects
  -gdb tcp:HOST:PORT         (without -S) run, and take fake gdb connections
                             meanwhile; each is told "halted" or "running"
  -smp N                     the hart count the boot report gives (the last
                             -smp wins, as in QEMU; 1 without one)
Bootargs:
  (none)       print the boot report, then idle forever
  halt         boot report, exit 0
  exit=N       boot report, exit N
  sleep=S      sleep S seconds before the boot report
  panic        boot report, a panic report with backtrace, exit 3
  trap         boot report, then an "unexpected trap" line, then idle
  burst        "burst: N bytes" for the first read of the console, which
               holds all of a paste: but one byte of a send:, then idle
  split        print "addr: 0x3fc" and, 0.3 s later, "0004fb0 (split)",
               then behave as echo (a value printed in two chunks)
  echo         the kernel's console echo test: "echo: ready", then
               "echo: got 'X'" per character, "echo: line 'TEXT'" per line,
               exit 0 on the line "quit"; the line "stop" stops the fake
               kernel at the breakpoint of every gdb attached (it says "stop")
  hang         print nothing, ignore SIGTERM and SIGHUP, start a child that
               sleeps, write both pids to the file named by pidfile=PATH
"""

import os
import signal
import socket
import subprocess
import sys
import threading
import time

gdb_conns = []              # fake gdb connections while running (no -S)


# Print one console line; rvos ends lines with \r\r\n, so may we.
def say(text, end="\r\n"):
    sys.stdout.write(text + end)
    sys.stdout.flush()


# Print a boot report like rvos's, for a machine of harts harts.
def boot_report(harts):
    say("OpenSBI v1.2 (fake)")
    say("rvos 0.1 (fake) booting")
    say("memory: 0x80000000-0x88000000 (128 MiB)")
    say(f"hart 0 of {harts}, timebase 10000000 Hz")


# Stay halted until a gdb client has connected and gone away.
def wait_for_gdb(spec):
    host, port = spec.split(":")[1:3]
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((host or "0.0.0.0", int(port)))
    srv.listen(1)
    conn, _ = srv.accept()
    conn.sendall(b"halted\n")
    while conn.recv(100):
        pass
    conn.close()
    srv.close()


# Take fake gdb connections in the background while the fake kernel runs.
def serve_gdb(spec):
    host, port = spec.split(":")[1:3]
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((host or "0.0.0.0", int(port)))
    srv.listen(4)

    def accept():
        while True:
            conn, _ = srv.accept()
            conn.sendall(b"running\n")
            gdb_conns.append(conn)
    threading.Thread(target=accept, daemon=True).start()


# Tell every attached fake gdb that the kernel hit its breakpoint.
def stop_for_gdb():
    for conn in gdb_conns:
        try:
            conn.sendall(b"stop\n")
        except OSError:
            pass


# Echo characters and lines back until the line "quit".
def echo():
    say("echo: ready")
    line = b""
    while True:
        c = os.read(0, 1)
        if not c:
            sys.exit(5)
        if c in b"\r\n":
            say(f"echo: line '{line.decode()}'", end="\r\r\n")
            if line == b"quit":
                sys.exit(0)
            if line == b"stop":
                stop_for_gdb()
            line = b""
        else:
            say(f"echo: got '{c.decode()}'", end="\r\r\n")
            line += c


# Say how many bytes the first read of the console got.
def burst():
    data = os.read(0, 4096)
    say(f"burst: {len(data)} bytes")


# Ignore polite signals and sleep forever, leaving a trail of pids.
def hang(args):
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    child = subprocess.Popen(["sleep", "1000"])
    if "pidfile" in args:
        with open(args["pidfile"], "w") as f:
            f.write(f"{os.getpid()} {child.pid}\n")
    while True:
        time.sleep(1)


# Parse the arguments and behave as the bootargs say.
def main(argv):
    append, gdb, harts = "", None, "1"
    for i, a in enumerate(argv):
        if a == "-append":
            append = argv[i + 1]
        elif a == "-gdb":
            gdb = argv[i + 1]
        elif a == "-smp":
            harts = argv[i + 1]
    args = dict(w.partition("=")[::2] for w in append.split())
    if "hang" in args:
        hang(args)
    if gdb and "-S" in argv:
        wait_for_gdb(gdb)
    elif gdb:
        serve_gdb(gdb)
    if "sleep" in args:
        time.sleep(float(args["sleep"]))
    boot_report(harts)
    if "split" in args:
        sys.stdout.write("addr: 0x3fc")
        sys.stdout.flush()
        time.sleep(0.3)
        say("0004fb0 (split)")
    if "echo" in args or "split" in args:
        echo()
    if "burst" in args:
        burst()
    if "panic" in args:
        say("panic: deliberate (fake)")
        say("backtrace:")
        say("  0x80201234 ktest_fn_panic+0x1c")
        say("  0x80201000 ktest_run+0x40")
        sys.exit(3)
    if "trap" in args:
        say("unexpected trap in kernel: load page fault")
    if "halt" in args:
        say("halting")
        sys.exit(0)
    if "exit" in args:
        sys.exit(int(args["exit"]))
    while True:
        time.sleep(1)


if __name__ == "__main__":
    main(sys.argv[1:])
