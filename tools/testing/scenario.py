"""Scenario files (*.scn): the declarative format the harness runs.

One directive per line, `name: value`; blank lines and lines starting with
`#` are ignored. Settings apply to the whole scenario wherever they appear;
steps run in file order. See docs/testing.md for the full description.

Settings: timeout, bootargs, qemu-args, cpus, forbid, allow.
Steps:    expect, expect-file, send, paste, paste-file, exit, run, gdb,
          gdb-cmd, gdb-start, gdb-wait, gdb-expect.
"""

import os
import re
import shlex
from dataclasses import dataclass, field

DEFAULT_TIMEOUT = 30.0

# The kernel prints these on its own bugs; every scenario fails on them
# unless it says `allow:` with the same pattern text.
DEFAULT_FORBID = [r"^panic:", r"unexpected trap"]

# Directives that only make sense with QEMU running.
QEMU_DIRECTIVES = {"expect", "send", "exit", "gdb", "gdb-cmd", "gdb-start",
                   "gdb-wait", "gdb-expect", "bootargs", "qemu-args", "cpus",
                   "paste", "paste-file", "expect-file"}

# Steps that are gdb sessions, and steps that talk to the running QEMU.
GDB_SESSIONS = {"gdb", "gdb-start"}
CONSOLE_STEPS = {"expect", "expect-file", "send", "paste", "exit"}

SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "e": "\x1b", "\\": "\\",
                  "0": "\0"}


class ScenarioError(Exception):
    """A scenario file that cannot be run; the message names file:line."""


@dataclass
class Step:
    """One step, run in order: kind is a directive name, arg its parsed value."""
    kind: str
    arg: object
    line: int
    text: str                   # the value as written, for messages

    # How a failure message names this step: `expect /boot/ (boot.scn:4)`.
    def describe(self, scn):
        if self.kind in ("expect", "gdb-expect", "gdb-wait"):
            shown = f"/{self.text}/"
        else:
            shown = self.text if self.kind == "exit" else repr(self.text)
        return f"{self.kind} {shown} ({os.path.basename(scn.path)}:{self.line})"


@dataclass
class Scenario:
    """A parsed scenario: its settings and its ordered steps."""
    path: str
    name: str
    timeout: float = DEFAULT_TIMEOUT
    bootargs: list = field(default_factory=list)
    qemu_args: list = field(default_factory=list)
    cpus: list = field(default_factory=list)   # hart counts it runs at (cpus:)
    forbid: list = field(default_factory=lambda: list(DEFAULT_FORBID))
    steps: list = field(default_factory=list)
    needs_qemu: bool = False

    # True when QEMU needs a gdb stub.
    @property
    def uses_gdb(self):
        return any(s.kind in GDB_SESSIONS for s in self.steps)

    # True when QEMU must start halted: a gdb session comes before any
    # step that needs the kernel running. Otherwise the stub waits while
    # the kernel runs, and a session attaches to it (stopping it) later.
    @property
    def gdb_halted(self):
        for s in self.steps:
            if s.kind in GDB_SESSIONS:
                return True
            if s.kind in CONSOLE_STEPS:
                return False
        return False


# Turn the escapes of a `send:` value (\n \r \t \e \0 \\ \xNN) into bytes.
def decode_escapes(text):
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        nxt = text[i + 1:i + 2]
        if nxt in SIMPLE_ESCAPES:
            out.append(SIMPLE_ESCAPES[nxt])
            i += 2
        elif nxt == "x" and re.fullmatch(r"[0-9a-fA-F]{2}", text[i + 2:i + 4]):
            out.append(chr(int(text[i + 2:i + 4], 16)))
            i += 4
        else:
            raise ValueError(f"bad escape '\\{nxt}' (use \\n \\r \\t \\e \\0 \\\\ \\xNN)")
    return "".join(out).encode("latin-1")


# Compile a pattern as the harness matches it: ^ and $ work per line.
def compile_regex(text):
    try:
        return re.compile(text, re.MULTILINE)
    except re.error as e:
        raise ValueError(f"bad regex /{text}/: {e}") from None


# Parse an `exit:` value into "nonzero" or an integer status.
def parse_exit(text):
    if text == "nonzero":
        return "nonzero"
    try:
        return int(text, 0)
    except ValueError:
        raise ValueError("exit wants 0, nonzero or a number") from None


# Parse a list of hart counts such as "1,4" (cpus: and --cpus).
def parse_cpus(text):
    try:
        counts = [int(c) for c in text.split(",")]
    except ValueError:
        counts = []
    if not counts or min(counts) < 1:
        raise ValueError(f"want hart counts such as 1,4, got {text!r}")
    return counts


# Read a scenario file into a Scenario, raising ScenarioError on mistakes.
def parse_file(path, name=None):
    name = name or os.path.splitext(os.path.basename(path))[0]
    scn = Scenario(path=path, name=name)
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError as e:
        raise ScenarioError(f"{path}: {e.strerror}") from None
    allows = []
    for num, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition(":")
        key, value = key.strip(), value.strip()
        if not sep or not re.fullmatch(r"[a-z-]+", key):
            raise ScenarioError(f"{path}:{num}: expected 'directive: value', got {line!r}")
        try:
            if key == "allow":
                allows.append((num, value))
            else:
                _apply(scn, key, value, num)
        except ValueError as e:
            raise ScenarioError(f"{path}:{num}: {key}: {e}") from None
    for num, value in allows:
        if value not in scn.forbid:
            raise ScenarioError(f"{path}:{num}: allow: {value!r} is not a forbidden "
                                f"pattern (they are: {', '.join(scn.forbid)})")
        scn.forbid = [p for p in scn.forbid if p != value]
    if not scn.steps and not scn.needs_qemu:
        raise ScenarioError(f"{path}: no steps (expect, send, exit, run, gdb-cmd ...)")
    return scn


# Record one directive (other than allow) in the scenario.
def _apply(scn, key, value, num):
    if key in QEMU_DIRECTIVES:
        scn.needs_qemu = True
    if key != "send" and not value:
        raise ValueError("missing value")
    if key == "timeout":
        scn.timeout = float(value)
    elif key == "bootargs":
        scn.bootargs.append(value)
    elif key == "qemu-args":
        scn.qemu_args += shlex.split(value)
    elif key == "cpus":
        scn.cpus = parse_cpus(value)
    elif key == "forbid":
        compile_regex(value)
        scn.forbid.append(value)
    elif key in ("expect", "gdb-expect", "gdb-wait"):
        if key != "expect" and not scn.uses_gdb:
            raise ValueError("comes before any gdb: or gdb-cmd: line")
        scn.steps.append(Step(key, compile_regex(value), num, value))
    elif key in ("send", "paste"):
        scn.steps.append(Step(key, decode_escapes(value), num, value))
    elif key == "paste-file":
        # a terminal paste sends CR at each line end, as Enter does
        data = _read_beside(scn, value).replace("\n", "\r").encode("latin-1")
        scn.steps.append(Step("paste", data, num, value))
    elif key == "expect-file":
        lines = [ln for ln in _read_beside(scn, value).splitlines()
                 if ln.strip() and not ln.startswith("#")]
        if not lines:
            raise ValueError(f"{value} holds no pattern")
        scn.steps.append(Step(key, [(ln, compile_regex(ln)) for ln in lines], num, value))
    elif key == "exit":
        scn.steps.append(Step(key, parse_exit(value), num, value))
    elif key == "run":
        scn.steps.append(Step(key, value, num, value))
    elif key in ("gdb", "gdb-cmd", "gdb-start"):
        _add_gdb(scn, key, value, num)
    else:
        raise ValueError("unknown directive (see docs/testing.md)")


# The text of a file named relative to the scenario (paste-file, expect-file).
def _read_beside(scn, name):
    path = os.path.join(os.path.dirname(scn.path), name)
    try:
        with open(path, encoding="latin-1") as f:
            return f.read()
    except OSError as e:
        raise ValueError(f"{path}: {e.strerror}") from None


# gdb:/gdb-cmd: lines with no other step between them form one gdb session;
# gdb-start: begins a session of its own, which runs in the background.
def _add_gdb(scn, key, value, num):
    if key == "gdb":
        path = os.path.join(os.path.dirname(scn.path), value)
        if not os.path.isfile(path):
            raise ValueError(f"no gdb script {path}")
        args = ["-x", path]
    else:
        args = ["-ex", value]
    last = scn.steps[-1] if scn.steps else None
    if key == "gdb-start":
        scn.steps.append(Step("gdb-start", args, num, value))
    elif last and last.kind in GDB_SESSIONS:
        last.arg += args
        last.text += "; " + value
    else:
        scn.steps.append(Step("gdb", args, num, value))
