#!/usr/bin/env python3
"""Boot rvos on a 128 MiB virt machine with the device tree of a 256 MiB
one (-dtb): the tree claims RAM the machine does not have. The kernel
must find where RAM really ends, say so, use only that, and stay up when
a program takes every page (the first store beyond used to be a store
access fault and a panic).

Usage: ram_boot.py KERNEL_ELF WORKDIR   (exit 0 = all good)
"""

import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reserved_boot import QEMU, boot   # noqa: E402


def main():
    kernel, work = sys.argv[1:3]
    os.makedirs(work, exist_ok=True)
    big = os.path.join(work, "virt-256m.dtb")
    argv = QEMU[:2] + ["virt,dumpdtb=" + big] + QEMU[4:]
    argv[argv.index("-m") + 1] = "256M"
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    out, status, problem = boot(kernel, ["-dtb", big], [
        r"^rvos: the device tree says RAM ends at 0x90000000, but reads fail "
        r"from 0x88000000: using the RAM below$",
        r"^rvos: memory 0x80000000-0x88000000 \(128 MiB\)$",
        r"^rvos> ", ("send", "hog max\r"), r"^hog: refused after \d+ pages",
        r"^rvos> ", ("send", "echo still-up\r"), r"^still-up\s*$"], lambda: None)
    print(out)
    if problem is None and ("panic:" in out or "unexpected trap" in out):
        problem = "the kernel panicked"
    print(f"ram_boot: {problem or 'all good'}")
    return 1 if problem else 0


if __name__ == "__main__":
    sys.exit(main())
