#!/usr/bin/env python3
"""Write compile_commands.json (for clangd and other tools) to stdout.

    compile_commands.py DIR CC KERNEL_FLAGS USER_FLAGS -- FILE...

Kernel sources (kernel/...) get KERNEL_FLAGS; user programs and the user
library (user/..., and kernel/lib/{format,string}.c again as the user
build compiles them) get USER_FLAGS. The flags are the Makefile's own,
passed in by `make compile_commands.json`, so the database never drifts
from the build.
"""
import json
import shlex
import sys


def entry(directory, cc, flags, src, out):
    args = [cc] + shlex.split(flags) + ["-c", src, "-o", out]
    return {"directory": directory, "file": src, "arguments": args}


def main(argv):
    if len(argv) < 6 or argv[5] != "--":
        sys.exit("usage: compile_commands.py DIR CC KERNEL_FLAGS USER_FLAGS -- FILE...")
    directory, cc, kflags, uflags = argv[1:5]
    db = []
    for src in argv[6:]:
        if src.startswith("user/"):
            db.append(entry(directory, cc, uflags, src, "build/" + src + ".o"))
        else:
            db.append(entry(directory, cc, kflags, src, "build/" + src + ".o"))
    for shared in ("lib/format.c", "lib/string.c"):
        if shared in argv[6:]:
            db.append(entry(directory, cc, uflags, shared, "build/user/shared/" +
                            shared.split("/")[-1] + ".o"))
    json.dump(db, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv)
