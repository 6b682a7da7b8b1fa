#!/usr/bin/env python3
"""A stand-in for gdb-multiarch talking to fake_qemu.py.

Understands the batch command line the harness builds (-batch -nx, -ex CMD,
-x FILE, then the ELF) and a few commands:
  target remote HOST:PORT   connect to fake_qemu's gdb port
  break F / b F             set a breakpoint on function F
  continue / c              "hit" the first breakpoint, if any: at once when
                            fake_qemu is halted (-S), else when it says "stop"
  bt                        show a one-frame backtrace at the breakpoint
Anything else is echoed as ignored. Disconnecting lets fake_qemu boot.
"""

import socket
import sys
import time


# Connect to HOST:PORT, retrying for a while as gdb does while QEMU starts.
def connect(addr):
    host, port = addr.rsplit(":", 1)
    for _ in range(100):
        try:
            return socket.create_connection((host or "127.0.0.1", int(port)), 10)
        except ConnectionRefusedError:
            time.sleep(0.05)
    sys.exit(f"{addr}: Connection refused.")


# Execute one command, updating state (socket, breakpoints, stop location).
def execute(cmd, st):
    word, _, arg = cmd.partition(" ")
    if word == "target":
        st["sock"] = connect(arg.split()[1])
        st["running"] = st["sock"].makefile().readline().strip() == "running"
        print(f"Remote debugging using {arg.split()[1]}")
        print("0x0000000000001000 in ?? ()")
    elif word in ("break", "b"):
        st["bps"].append(arg)
        print(f"Breakpoint {len(st['bps'])} at 0x80200100: file kernel/{arg}.c, line 12.")
    elif word in ("continue", "c"):
        print("Continuing.", flush=True)
        if st["bps"] and st["running"]:
            st["sock"].settimeout(None)
            st["sock"].makefile().readline()        # until the kernel "stops"
        if st["bps"]:
            st["stop"] = st["bps"][0]
            print(f"\nBreakpoint 1, {st['stop']} (hartid=0, dtb=0x87e00000) at kernel/{st['stop']}.c:12")
    elif word == "bt":
        if st["stop"]:
            print(f"#0  {st['stop']} (hartid=0, dtb=0x87e00000) at kernel/{st['stop']}.c:12")
        else:
            print("#0  0x0000000000001000 in ?? ()")
    else:
        print(f"fake gdb: ignoring {cmd!r}")


# Walk the command line in order, as gdb does, then disconnect.
def main(argv):
    st = {"sock": None, "bps": [], "stop": None, "running": False}
    cmds, i = [], 0
    while i < len(argv):
        if argv[i] == "-ex":
            cmds.append(argv[i + 1])
            i += 2
        elif argv[i] == "-x":
            with open(argv[i + 1]) as f:
                cmds += [l.strip() for l in f if l.strip() and not l.startswith("#")]
            i += 2
        else:
            i += 1
    for cmd in cmds:
        execute(cmd, st)
    if st["sock"]:
        st["sock"].close()


if __name__ == "__main__":
    main(sys.argv[1:])
