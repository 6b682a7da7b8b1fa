#!/usr/bin/env python3
"""Boot rvos with QEMU's virt tree with one property changed, and check
the kernel copes as it promises.

  timebase   /cpus timebase-frequency 50 Hz, below the 100 Hz tick: the
             tick would last 0 time units, an endless storm of timer
             interrupts (the boot hung after "interrupts on"). The tree is
             refused with a reason and status 1.
  hart       /cpus/cpu@2's reg 9 on a 3-hart machine: the tree lists a hart
             QEMU does not have. OpenSBI takes its tree's word and accepts
             the HSM start, but the hart never comes: after 2 s the boot says
             so and carries on with the other two, and a typed command runs.
  ndev       the PLIC's riscv,ndev 5, below the UART's irq 10: the PLIC
             cannot deliver it (input used to be lost for good while the
             boot said "PLIC context 1, irq 10"). Input is polled, the boot
             says why, and a typed command runs.

Usage: prop_boot.py CASE KERNEL_ELF WORKDIR   (exit 0 = all good)
"""

import os
import struct
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reserved_boot import QEMU, boot   # noqa: E402

CASES = {   # [node@]property, new value, extra QEMU arguments, what must happen, status
    "timebase": ("timebase-frequency", 50, [], [
        r"^fdt: timebase-frequency 50 Hz is below the 100 Hz tick$",
        r"^rvos: cannot boot without a usable device tree"], 1),
    "hart": ("cpu@2@reg", 9, ["-smp", "3", "-accel", "tcg,thread=single"], [
        r"^rvos: hart 9 (not started: SBI error -\d+|started but not up after "
        r"\d+ ms: going on without it)$",
        r"^rvos: 2 harts running: 0 1 \(boot hart 0\)$",
        r"^rvos> ", ("send", "echo hart-typed\r"), r"^hart-typed\s*$"], None),
    "ndev": ("riscv,ndev", 5, [], [
        r"^rvos: console input: polled every tick \(100 Hz\): "
        r"the UART's irq is not one of the PLIC's sources$",
        r"^rvos> ", ("send", "echo ndev-typed\r"), r"^ndev-typed\s*$"], None),
}


# QEMU's tree with every 4-byte property called name set to value;
# "node@prop" (e.g. "cpu@2@reg"): only in nodes called node.
def dtb_patch(raw, name, value, out):
    b = bytearray(open(raw, "rb").read())
    ods, ostr = struct.unpack(">II", b[8:16])
    node, _, name = name.rpartition("@")
    p, patched, here = ods, 0, ""
    while True:
        tok = struct.unpack(">I", b[p:p + 4])[0]
        p += 4
        if tok == 1:                                   # begin node: name
            here = b[p:b.index(b"\0", p)].decode()
            p = (b.index(b"\0", p) + 4) & ~3
        elif tok == 3:                                 # property
            ln, no = struct.unpack(">II", b[p:p + 8])
            p += 8
            if (b[ostr + no:b.index(b"\0", ostr + no)] == name.encode() and ln == 4
                    and (not node or here == node)):
                b[p:p + 4] = struct.pack(">I", value)
                patched += 1
            p = (p + ln + 3) & ~3
        elif tok == 9:
            break
    assert patched, f"no {name} in QEMU's tree"
    open(out, "wb").write(b)
    return out


def main():
    case, kernel, work = sys.argv[1:4]
    prop, value, extra, want, want_status = CASES[case]
    os.makedirs(work, exist_ok=True)
    raw = os.path.join(work, "virt.dtb")
    subprocess.run(QEMU[:2] + ["virt,dumpdtb=" + raw] + QEMU[4:] + extra, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    dtb = dtb_patch(raw, prop, value, os.path.join(work, case + ".dtb"))
    out, status, problem = boot(kernel, ["-dtb", dtb] + extra, want,
                                (lambda: None) if want_status is None else None)
    print(out)
    if problem is None and want_status is not None and status != want_status:
        problem = f"QEMU exited with status {status}, expected {want_status}"
    print(f"prop_boot: {case}: {problem or 'all good'}")
    return 1 if problem else 0


if __name__ == "__main__":
    sys.exit(main())
