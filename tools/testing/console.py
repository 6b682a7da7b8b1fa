"""A guest console: QEMU (or a stand-in) running on a pty.

QEMU with -nographic uses its stdio as the serial console, so the pty's
master side is the other end of the guest UART: what we write there the
guest reads, what the guest prints we read. Output is kept as text with
line ends (CR LF, also CR CR LF) turned into LF, streamed to the
scenario's log, and checked against the forbidden patterns as it arrives.
"""

import codecs
import os
import pty
import re
import select
import signal
import subprocess
import threading
import time
import tty


# After a forbidden match, keep reading up to this long, stopping once the
# output has been quiet for FORBID_QUIET seconds (or QEMU exited).
FORBID_GRACE = 2.0
FORBID_QUIET = 0.5
# An expect: whose named group ends where the output so far ends waits
# this long for more output before it takes the value (Console.expect).
CAPTURE_QUIET = 0.5


class Failure(Exception):
    """Why a scenario failed; the message is what the user reads."""


# Process groups still running, so an interrupted harness can kill them all.
_live_groups = set()
_live_lock = threading.Lock()
_stopping = False


# Start argv in its own session and process group and remember the group.
def spawn(argv, **kw):
    with _live_lock:
        if _stopping:
            raise Failure("harness interrupted")
        try:
            proc = subprocess.Popen(argv, start_new_session=True, **kw)
        except OSError as e:
            name = argv if isinstance(argv, str) else argv[0]
            raise Failure(f"cannot start {name}: {e.strerror}") from None
        _live_groups.add(proc.pid)
    return proc


# Kill a process started by spawn() together with everything it started.
def kill_group(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()
    with _live_lock:
        _live_groups.discard(proc.pid)


# Kill every group still running (on Ctrl-C or SIGTERM of the harness).
def kill_all_groups():
    global _stopping
    with _live_lock:
        _stopping = True
        groups = list(_live_groups)
    for pgid in groups:
        try:
            os.killpg(pgid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


class Console:
    """QEMU on a pty: output so far, the forbid checks, typing and waiting."""

    # Start argv with a raw pty as stdin/stdout/stderr.
    def __init__(self, argv, log, forbid):
        master, slave = pty.openpty()
        tty.setraw(slave)         # no echo, no line discipline, no \n -> \r\n
        try:
            self.proc = spawn(argv, stdin=slave, stdout=slave, stderr=slave)
        finally:
            os.close(slave)
        self.fd = master
        self.log = log
        self.forbid = forbid       # list of (pattern text, compiled regex)
        self.text = ""
        self.eof = False
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._pending_cr = ""        # trailing \r not yet known to end a line
        self._forbid_pos = 0       # start of the first line not fully checked
        self._tripped = False      # a forbidden pattern matched

    # Read whatever arrives within timeout seconds; True if anything did.
    def pump(self, timeout):
        if self.eof:
            time.sleep(timeout)
            return False
        ready, _, _ = select.select([self.fd], [], [], max(timeout, 0))
        if not ready:
            return False
        try:
            data = os.read(self.fd, 65536)
        except OSError:            # EIO: every holder of the slave side is gone
            data = b""
        if not data:
            self.eof = True
            return False
        self._append(data)
        return True

    # Add raw output to the text and the log, then run the forbid checks.
    def _append(self, data):
        chunk = self._pending_cr + self._decoder.decode(data)
        body = chunk.rstrip("\r")         # a \r at the end may precede a \n
        self._pending_cr = chunk[len(body):]
        chunk = re.sub(r"\r+\n", "\n", body)
        self.text += chunk
        self.log.write(chunk)
        self.log.flush()
        self._check_forbid()

    # Fail if a forbidden pattern matches a line not yet fully checked.
    def _check_forbid(self):
        if self._tripped:
            return
        for text, regex in self.forbid:
            m = regex.search(self.text, self._forbid_pos)
            if m:
                self._tripped = True
                # Let the rest of a panic report (registers, backtrace) reach the log.
                self.drain(FORBID_GRACE, quiet=FORBID_QUIET)
                start = self.text.rfind("\n", 0, m.start()) + 1
                end = self.text.find("\n", m.end())
                line = self.text[start:end if end >= 0 else len(self.text)]
                raise Failure(f"forbidden /{text}/ matched: {line.strip()!r}")
        self._forbid_pos = self.text.rfind("\n") + 1

    # Keep reading output for the given number of seconds.
    def idle(self, seconds):
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            self.pump(left)

    # Read until QEMU has exited and its output is drained, for at most
    # `grace` seconds, or until nothing arrived for `quiet` seconds.
    def drain(self, grace=0.5, quiet=None):
        now = time.monotonic()
        end, last = now + grace, now
        while not self.eof and (now := time.monotonic()) < end:
            if self.pump(0.05):
                last = now
            elif self.proc.poll() is not None or (quiet and now - last > quiet):
                break

    # Type data one byte at a time, reading output in between.
    def send(self, data, delay, deadline, what):
        for i in range(len(data)):
            if time.monotonic() >= deadline:
                raise TimeoutError(f"{what} still typing")
            try:
                os.write(self.fd, data[i:i + 1])
            except OSError:
                raise Failure("QEMU is gone; cannot type into its console") from None
            self.idle(delay)

    # Write data in one go, as a terminal paste does: no delay between
    # bytes; whatever the guest is not ready for waits in the pty. Output
    # is read meanwhile, so a guest echoing the paste cannot stall us.
    def paste(self, data, deadline, what):
        while data:
            if time.monotonic() >= deadline:
                raise TimeoutError(f"{what} still pasting")
            _, writable, _ = select.select([], [self.fd], [], 0.05)
            if writable:
                os.set_blocking(self.fd, False)     # never wait with output unread
                try:
                    data = data[os.write(self.fd, data):]
                except BlockingIOError:
                    pass
                except OSError:
                    raise Failure("QEMU is gone; cannot paste into its console") from None
                finally:
                    os.set_blocking(self.fd, True)
            self.pump(0)

    # Wait for regex to match at or after pos; returns the match. A
    # match whose named group reaches the end of the output so far is
    # not trusted yet: the guest may be half way through printing it
    # (an address read in two chunks, "0x3fc" then "0004fb0"), so output
    # is read until more comes (or QEMU exits, or CAPTURE_QUIET seconds
    # pass without any) and the regex is tried again.
    def expect(self, regex, pos, deadline, what):
        while True:
            m = regex.search(self.text, pos)
            if m and self._cut_short(m):
                if self.pump(min(max(deadline - time.monotonic(), 0), CAPTURE_QUIET)):
                    continue
            if m:
                return m
            if self.proc.poll() is not None:
                self.drain()
                m = regex.search(self.text, pos)
                if m:
                    return m
                raise Failure(f"QEMU exited ({status_text(self.proc.returncode)}) "
                              f"before {what} was seen")
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{what} not seen")
            self.pump(min(left, 0.2))

    # Could a named group of m grow with output not read yet?
    def _cut_short(self, m):
        return (not self.eof and self.proc.poll() is None and
                any(m.end(g) == len(self.text) for g in m.re.groupindex))

    # Wait for QEMU to exit; returns its exit status.
    def wait_exit(self, deadline, what):
        while self.proc.poll() is None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"QEMU still running at {what}")
            self.pump(min(left, 0.2))
        self.drain()
        return self.proc.returncode

    # Kill QEMU (if still running) and release the pty; never raises.
    def close(self):
        kill_group(self.proc)
        os.close(self.fd)


# Describe a returncode the way a person would: "status 3" / "signal 9".
def status_text(code):
    return f"killed by signal {-code}" if code < 0 else f"status {code}"
