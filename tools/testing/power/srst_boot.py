#!/usr/bin/env python3
"""Boot rvos on a virt machine whose device tree hides the sifive,test0
device from the kernel, so power-off must go through SBI SRST.

OpenSBI still finds the device (its node is also "sifive,test1") and
does the shutdown for us. Each case must see its lines and QEMU must
exit on its own: the kernel never spins. OpenSBI 1.1 ignores SRST's
reason, so a failure exits with status 0 here; the kernel's part is to
ask with the reason "failure", which it says it does.

Usage: srst_boot.py KERNEL_ELF WORKDIR   (exit status 0 = all good)
"""

import os
import re
import subprocess
import sys

QEMU = ["qemu-system-riscv64", "-machine", "virt", "-bios",
        "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin",
        "-m", "128M", "-smp", "1", "-nographic"]
CASES = [   # bootargs, lines that must appear in order
    ("halt", [r"^fdt: no sifive,test0 device", r"^rvos: halt requested"]),
    ("ktest=nosuch", [r"^ktest: no test named 'nosuch'",
                      r"^power: asking the firmware to power off \(reason: failure, status 1\)"]),
]


# Dump QEMU's own tree and rename the compatible the kernel looks for.
def hidden_test_dtb(workdir):
    raw, out = os.path.join(workdir, "virt.dtb"), os.path.join(workdir, "virt-notest.dtb")
    subprocess.run(QEMU[:2] + ["virt,dumpdtb=" + raw] + QEMU[4:], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    blob = open(raw, "rb").read()
    assert blob.count(b"sifive,test0\0") == 1, "no sifive,test0 in QEMU's tree"
    open(out, "wb").write(blob.replace(b"sifive,test0\0", b"sifive,tesX0\0"))
    return out


def main():
    kernel, workdir = sys.argv[1], sys.argv[2]
    os.makedirs(workdir, exist_ok=True)
    dtb = hidden_test_dtb(workdir)
    bad = 0
    for bootargs, want in CASES:
        try:
            p = subprocess.run(QEMU + ["-kernel", kernel, "-dtb", dtb, "-append", bootargs],
                               stdin=subprocess.DEVNULL, capture_output=True, timeout=20)
            out, status = p.stdout.decode("utf-8", "replace").replace("\r", ""), p.returncode
        except subprocess.TimeoutExpired as e:
            out, status = (e.stdout or b"").decode("utf-8", "replace").replace("\r", ""), None
        print(out)
        pos = 0
        for w in want:
            m = re.compile(w, re.M).search(out, pos)
            if not m:
                print(f"srst_boot: {bootargs}: /{w}/ not seen")
                bad += 1
                break
            pos = m.end()
        if status is None:
            print(f"srst_boot: {bootargs}: QEMU still running after 20 s")
            bad += 1
        else:
            print(f"srst_boot: {bootargs}: QEMU exited with status {status}")
    print(f"srst_boot: {'all good' if not bad else f'{bad} problems'}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
