#!/usr/bin/env python3
"""Fail if a system call in SYSCALL_LIST is missing from docs/syscalls.md.

Calls are declared once, in SYSCALL_LIST in include/uapi/syscall.h, as
X(nr, name, stub, ret, (params), "description"). docs/syscalls.md must name each
with its number, as a section heading "### `name(...)` — nr" or as a
table row "| nr | `name` ..." (the channel calls' table). A call the doc
gives another number, or a call the doc lists that the code lacks, fails
too.

Usage: check_syscalls.py [--root DIR] [--doc FILE] [--selftest]
--selftest: prove the check fails on a copy of the tree whose doc lacks
a call, and on one whose SYSCALL_LIST has a call the doc does not name.
"""
import argparse
import pathlib
import re
import subprocess
import sys
import tempfile

DECL = re.compile(r'\bX\(\s*(\d+)\s*,\s*(\w+)\s*,\s*(\w+)\s*,')
HEADING = re.compile(r'^###\s+`(\w+)\(.*?`\s+—\s+(\d+)\s*$', re.M)
ROW = re.compile(r'^\|\s*(\d+)\s*\|\s*`(\w+)[`(]', re.M)


def declared_calls(root):
    """Map each call name in SYSCALL_LIST to its number."""
    header = root / "include/uapi/syscall.h"
    text = header.read_text()
    start = text.find("#define SYSCALL_LIST(X)")
    if start < 0:
        sys.exit(f"check_syscalls: no SYSCALL_LIST in {header}")
    end = text.find("\n\n", start)
    calls = {}
    for nr, name, _stub in DECL.findall(text[start:end]):
        if name in calls:
            sys.exit(f"check_syscalls: `{name}` twice in SYSCALL_LIST")
        calls[name] = int(nr)
    return calls


def documented_calls(doc):
    """Every (name, number) the doc names in a heading or a table row."""
    text = doc.read_text()
    found = {(name, int(nr)) for name, nr in HEADING.findall(text)}
    found |= {(name, int(nr)) for nr, name in ROW.findall(text)}
    return found


def selftest(root):
    """Run the check on two broken copies of root; both must fail."""
    header = (root / "include/uapi/syscall.h").read_text()
    doc = (root / "docs/syscalls.md").read_text()
    last = max(declared_calls(root).items(), key=lambda c: c[1])
    end = header.find("\n\n", header.find("#define SYSCALL_LIST(X)"))
    added = (header[:end] + ' \\\n\tX(%d, selftest_call, selftest_call, int, (void), "x")'
             % (last[1] + 1) + header[end:])
    cases = [
        ("a doc without " + last[0], header,
         "\n".join(l for l in doc.splitlines() if "`" + last[0] not in l),
         last[0]),
        ("a call added to SYSCALL_LIST only", added, doc, "selftest_call"),
    ]
    bad = 0
    for what, h, d, name in cases:
        with tempfile.TemporaryDirectory(prefix="check_syscalls-") as tmp:
            t = pathlib.Path(tmp)
            (t / "include/uapi").mkdir(parents=True)
            (t / "docs").mkdir()
            (t / "include/uapi/syscall.h").write_text(h)
            (t / "docs/syscalls.md").write_text(d)
            r = subprocess.run([sys.executable, __file__, "--root", tmp],
                               capture_output=True, text=True)
        ok = r.returncode == 1 and ("`%s`" % name) in r.stdout
        print(f"check_syscalls: selftest, {what}: "
              f"{'fails naming it' if ok else 'NOT CAUGHT'}")
        bad += not ok
    return 1 if bad else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", type=pathlib.Path,
                    default=pathlib.Path(__file__).resolve().parents[2])
    ap.add_argument("--doc", type=pathlib.Path,
                    help="the document to check (default: ROOT/docs/syscalls.md)")
    ap.add_argument("--selftest", action="store_true",
                    help="check that the check catches what it should")
    args = ap.parse_args()
    if args.selftest:
        return selftest(args.root)
    calls = declared_calls(args.root)
    doc = args.doc or args.root / "docs/syscalls.md"
    documented = documented_calls(doc) if doc.exists() else set()
    bad = 0
    for name, nr in sorted(calls.items(), key=lambda c: c[1]):
        if (name, nr) not in documented:
            print(f"check_syscalls: call {nr} `{name}` (include/uapi/syscall.h) "
                  f"is not in {doc}")
            bad += 1
    for name, nr in sorted(documented, key=lambda c: c[1]):
        if calls.get(name) != nr:
            print(f"check_syscalls: {doc} lists {nr} `{name}`, "
                  f"SYSCALL_LIST has {calls.get(name, 'no such call')}")
            bad += 1
    if bad or not calls:
        return 1
    print(f"check_syscalls: {len(calls)} calls, all in {doc.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
