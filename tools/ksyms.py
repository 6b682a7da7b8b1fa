#!/usr/bin/env python3
"""Turn `nm -n` output of the kernel into an assembly symbol table.

Usage: nm -n kernel.elf | ksyms.py > ksyms.S   (empty input: empty table)
Only text symbols (T, t, W) are kept, sorted by address, deduplicated.
"""
import sys


def main():
    syms = {}
    for line in sys.stdin:
        parts = line.split()
        if len(parts) != 3 or parts[1] not in "TtWw":
            continue
        addr, name = int(parts[0], 16), parts[2]
        if name.startswith(".L") or name.startswith("$"):
            continue
        # several names at one address: prefer one the code chose
        # (_start) over a linker-script marker (__kernel_start)
        if addr not in syms or (syms[addr].startswith("__") and not name.startswith("__")):
            syms[addr] = name
    out = ['\t.section .rodata.ksyms, "a"', "\t.balign 8",
           "\t.globl ksym_count", "ksym_count:", f"\t.quad {len(syms)}",
           "\t.globl ksym_table", "ksym_table:"]
    strings, off = [], 0
    for addr in sorted(syms):
        out.append(f"\t.quad 0x{addr:x}\n\t.word {off}, 0")
        strings.append(syms[addr])
        off += len(syms[addr]) + 1
    out += ["\t.globl ksym_strings", "ksym_strings:"]
    out += [f'\t.asciz "{s}"' for s in strings]
    out.append("\t.byte 0")
    print("\n".join(out))


if __name__ == "__main__":
    main()
