#!/usr/bin/env python3
"""For a scenario's run: step: fail if a line matching NONE comes after
the first line matching FIRST in the console output ($RVOS_CONSOLE).

    run: python3 tools/testing/none_after.py '^panic:' '^printer'
"""
import os
import re
import sys


def main():
    first, none = re.compile(sys.argv[1]), re.compile(sys.argv[2])
    with open(os.environ["RVOS_CONSOLE"], encoding="utf-8", errors="replace") as f:
        lines = f.read().splitlines()
    start = next((i for i, ln in enumerate(lines) if first.search(ln)), None)
    if start is None:
        print(f"none_after: no line matches {sys.argv[1]!r}")
        return 1
    bad = [ln for ln in lines[start + 1:] if none.search(ln)]
    for ln in bad[:5]:
        print(f"none_after: after {sys.argv[1]!r}: {ln!r}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
