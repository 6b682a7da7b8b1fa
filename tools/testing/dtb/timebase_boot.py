#!/usr/bin/env python3
"""Boot rvos with QEMU's virt tree whose /cpus timebase-frequency is
below the tick rate (50 Hz): the tick would be 0 time units long, an
endless storm of timer interrupts that hung the boot right after
"interrupts on". The kernel must refuse the tree with a reason and
status 1 instead.

Usage: timebase_boot.py KERNEL_ELF WORKDIR   (exit 0 = all good)
"""

import os
import struct
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reserved_boot import QEMU, boot   # noqa: E402


# QEMU's tree with every 4-byte timebase-frequency set to hz.
def dtb_timebase(raw, hz, out):
    b = bytearray(open(raw, "rb").read())
    ods, ostr = struct.unpack(">II", b[8:16])
    p, patched = ods, 0
    while True:
        tok = struct.unpack(">I", b[p:p + 4])[0]
        p += 4
        if tok == 1:                                   # begin node: name
            p = (b.index(b"\0", p) + 4) & ~3
        elif tok == 3:                                 # property
            ln, no = struct.unpack(">II", b[p:p + 8])
            p += 8
            name = b[ostr + no:b.index(b"\0", ostr + no)]
            if name == b"timebase-frequency" and ln == 4:
                b[p:p + 4] = struct.pack(">I", hz)
                patched += 1
            p = (p + ln + 3) & ~3
        elif tok == 9:
            break
    assert patched, "no timebase-frequency in QEMU's tree"
    open(out, "wb").write(b)
    return out


def main():
    kernel, work = sys.argv[1:3]
    os.makedirs(work, exist_ok=True)
    raw = os.path.join(work, "virt.dtb")
    subprocess.run(QEMU[:2] + ["virt,dumpdtb=" + raw] + QEMU[4:], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    dtb = dtb_timebase(raw, 50, os.path.join(work, "slow.dtb"))
    out, status, problem = boot(kernel, ["-dtb", dtb], [
        r"^fdt: timebase-frequency 50 Hz is below the 100 Hz tick$",
        r"^rvos: cannot boot without a usable device tree"])
    print(out)
    if problem is None and status != 1:
        problem = f"QEMU exited with status {status}, expected 1"
    print(f"timebase_boot: {problem or 'all good'}")
    return 1 if problem else 0


if __name__ == "__main__":
    sys.exit(main())
