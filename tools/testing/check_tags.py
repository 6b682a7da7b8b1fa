#!/usr/bin/env python3
"""Fail if a tag declared in the code is missing from docs/tags.md.

Tags are declared in TAG_LIST in include/uapi/tags.h as X(ID, "NAME"), and
registered at run time by tag_register("NAME") calls in kernel/ and user/.
docs/tags.md must have a table row whose first cell is `NAME`.

Usage: check_tags.py [--root DIR]   (default: the repository root)
"""
import argparse
import pathlib
import re
import sys

DECL = re.compile(r'X\(\s*\w+\s*,\s*"(.{4})"\s*\)')
REGISTER = re.compile(r'\btag_register\(\s*"(.{4})"\s*\)')
DOC_ROW = re.compile(r'^\|\s*`(.{4})`\s*\|', re.M)


def declared_tags(root):
    """Map each tag name in the code to where it is declared."""
    tags = {}
    header = root / "include/uapi/tags.h"
    text = header.read_text()
    start = text.find("#define TAG_LIST")
    if start < 0:
        sys.exit(f"check_tags: no TAG_LIST in {header}")
    for name in DECL.findall(text[start:]):
        tags.setdefault(name, str(header.relative_to(root)))
    for top in ("kernel", "user"):
        for src in sorted((root / top).rglob("*.[ch]")):
            for name in REGISTER.findall(src.read_text(errors="replace")):
                tags.setdefault(name, str(src.relative_to(root)))
    return tags


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", type=pathlib.Path,
                    default=pathlib.Path(__file__).resolve().parents[2])
    root = ap.parse_args().root
    tags = declared_tags(root)
    doc = root / "docs/tags.md"
    documented = set(DOC_ROW.findall(doc.read_text())) if doc.exists() else set()
    missing = sorted(set(tags) - documented)
    for name in missing:
        print(f"check_tags: tag `{name}` ({tags[name]}) is not in docs/tags.md")
    for name in sorted(documented - set(tags)):
        print(f"check_tags: note: docs/tags.md lists `{name}`, no code declares it")
    if missing or not tags:
        print(f"check_tags: FAIL: {len(missing)} of {len(tags)} tags undocumented")
        return 1
    print(f"check_tags: all {len(tags)} tags are documented in docs/tags.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
