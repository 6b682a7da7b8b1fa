#!/usr/bin/env python3
"""Boot rvos with device trees whose /memreserve/ map holds hostile
reserved regions (QEMU's own virt tree, rebuilt with extra entries and
given with -dtb), and check the kernel honours every one or refuses.

  many      12 regions (13 with OpenSBI's own): all kept, all reported
  toomany   20 regions: more than the kernel can keep out of use, so the
            boot is refused with a reason and status 1 (it used to keep 8
            and hand the rest out as free pages, the firmware's too)
  meta      a region just after the kernel, where the page descriptors
            would go, holding a canary (-device loader): the descriptors
            go past it and, at the prompt, the canary is intact (QEMU's
            monitor reads it)
  kernel    a region over the kernel image: refused, status 1

Usage: reserved_boot.py KERNEL_ELF KERNEL_SYM WORKDIR  (exit 0 = all good)
"""

import os
import re
import socket
import struct
import subprocess
import sys
import time

QEMU = ["qemu-system-riscv64", "-machine", "virt", "-bios",
        "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin",
        "-m", "128M", "-smp", "1", "-nographic"]
CANARY = b"rvos-canary-0123456789abcdef!"


# QEMU's virt tree rebuilt with these (base, size) pairs in /memreserve/.
def dtb_with(raw, entries, out):
    b = open(raw, "rb").read()
    magic, _, ods, ostr, _, ver, lcv, bcpu, sstr, sds = struct.unpack(">10I", b[:40])
    st, strs = b[ods:ods + sds], b[ostr:ostr + sstr]
    rsv = b"".join(struct.pack(">QQ", a, s) for a, s in entries) + bytes(16)
    ods2 = 40 + len(rsv)
    ostr2 = ods2 + len(st)
    hdr = struct.pack(">10I", magic, ostr2 + len(strs), ods2, ostr2, 40, ver, lcv,
                      bcpu, len(strs), len(st))
    open(out, "wb").write(hdr + rsv + st + strs)
    return out


def kernel_symbol(sym_file, name):
    for line in open(sym_file):
        f = line.split()
        if len(f) == 3 and f[2] == name:
            return int(f[0], 16)
    raise SystemExit(f"reserved_boot: no {name} in {sym_file}")


# Boot; wait for the regexes in order (or QEMU's exit), typing the text
# of any ("send", TEXT) entry when its turn comes; run at_end once the
# last is seen. Returns (output, status or None, problem or None).
def boot(kernel, extra, want, at_end=None, timeout=20):
    p = subprocess.Popen(QEMU + ["-kernel", kernel] + extra, stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    os.set_blocking(p.stdout.fileno(), False)
    out, pos, end, bad = "", 0, time.monotonic() + timeout, None
    while time.monotonic() < end:
        chunk = p.stdout.read() or b""
        out += chunk.decode("utf-8", "replace").replace("\r", "")
        while want:
            if isinstance(want[0], tuple):
                p.stdin.write(want[0][1].encode())
                p.stdin.flush()
            elif m := re.compile(want[0], re.M).search(out, pos):
                pos = m.end()
            else:
                break
            want = want[1:]
        if not want:
            if at_end:
                bad = at_end()
                p.kill()
            break
        if p.poll() is not None and not chunk:
            break
        time.sleep(0.05)
    if want:
        bad = f"/{want[0]}/ not seen"
    try:
        status = p.wait(timeout=max(1, end - time.monotonic()))
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
        status = None
    out += (p.stdout.read() or b"").decode("utf-8", "replace").replace("\r", "")
    return out, status, bad


# Read guest physical memory through QEMU's monitor (HMP) socket.
def monitor_read(sock_path, addr, n):
    s = socket.socket(socket.AF_UNIX)
    s.connect(sock_path)
    s.settimeout(5)
    s.sendall(f"xp /{n}xb {addr:#x}\n".encode())
    data, end = b"", time.monotonic() + 5
    while time.monotonic() < end and data.count(b"\n") < 3 + n // 8:
        try:
            data += s.recv(4096)
        except socket.timeout:
            break
    s.close()
    vals = []
    for line in re.findall(rb"^[0-9a-f]{16}:((?: 0x[0-9a-f]{2})+)", data, re.M):
        vals += re.findall(rb"0x([0-9a-f]{2})", line)
    return bytes(int(v, 16) for v in vals[:n])


def main():
    kernel, sym, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    raw = os.path.join(work, "virt.dtb")
    subprocess.run(QEMU[:2] + ["virt,dumpdtb=" + raw] + QEMU[4:], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    kstart = kernel_symbol(sym, "__kernel_start")
    kend = (kernel_symbol(sym, "__kernel_end") + 0xfff) & ~0xfff
    bad = 0

    def verdict(name, out, status, problem, want_status):
        nonlocal bad
        print(out)
        if problem is None and status != want_status:
            problem = f"QEMU exited with status {status}, expected {want_status}"
        print(f"reserved_boot: {name}: {problem or 'good'}")
        bad += problem is not None

    many = [(0x84000000 + i * 0x100000, 0x1000) for i in range(12)]
    dtb = dtb_with(raw, many, os.path.join(work, "many.dtb"))
    out, status, problem = boot(kernel, ["-dtb", dtb, "-append", "halt"],
                                [r"^rvos: halt requested"])
    for a, s in many:
        if not problem and f"rvos: reserved {a:#x}-{a + s:#x}" not in out:
            problem = f"reserved region {a:#x} not in the boot report"
    verdict("many", out, status, problem, 0)

    toomany = [(0x84000000 + i * 0x100000, 0x1000) for i in range(20)]
    dtb = dtb_with(raw, toomany, os.path.join(work, "toomany.dtb"))
    out, status, problem = boot(kernel, ["-dtb", dtb, "-append", "halt"], [
        r"^fdt: 2[01] reserved memory regions, more than the 16 the kernel can keep out of use$",
        r"^rvos: cannot boot without a usable device tree"])
    verdict("toomany", out, status, problem, 1)

    at = kend + 0x10000                     # where the descriptors would go
    canary = os.path.join(work, "canary.bin")
    open(canary, "wb").write(CANARY)
    mon = os.path.join(work, "monitor.sock")
    if os.path.exists(mon):
        os.unlink(mon)
    dtb = dtb_with(raw, [(at, 0x1000)], os.path.join(work, "meta.dtb"))
    seen = {}

    def read_canary():
        seen["bytes"] = monitor_read(mon, at, len(CANARY))
        if seen["bytes"] != CANARY:
            return f"the reserved region at {at:#x} was overwritten: {seen['bytes']!r}"
        return None
    out, status, problem = boot(kernel, [
        "-dtb", dtb, "-device", f"loader,file={canary},addr={at:#x}",
        "-monitor", f"unix:{mon},server=on,wait=off"],
        [rf"^rvos: reserved {at:#x}-", r"^rvos> "], read_canary)
    print(f"reserved_boot: meta: canary at {at:#x} reads {seen.get('bytes')!r}")
    verdict("meta", out, 0 if problem is None else status, problem, 0)

    dtb = dtb_with(raw, [(kstart + 0x3000, 0x1000)], os.path.join(work, "kernel.dtb"))
    out, status, problem = boot(kernel, ["-dtb", dtb, "-append", "halt"], [
        rf"^rvos: reserved region {kstart + 0x3000:#x}-{kstart + 0x4000:#x} overlaps the kernel: cannot boot$"])
    verdict("kernel", out, status, problem, 1)

    print(f"reserved_boot: {'all good' if not bad else f'{bad} problems'}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
