"""gdb side of `make memplot`: `mem -r` snapshots of a running rvos.

    gdb-multiarch -batch -ex 'target remote ...' -ex 'source tools/gdb/rvos.py' \
        -ex 'python MEMPLOT_OUT = "build/memplot/samples.log"' \
        -ex 'source tools/memplot_sampler.py' -ex continue build/kernel-test.elf

The shell runs one program at a time and every page comes back when it
ends, so `mem -r` typed between commands sees the same figures each
time. This samples while programs run instead: every SAMPLE_TICKS timer
ticks, and as each process starts to exit (at the entry of proc_exit,
when it still holds everything it took), it prints `rvos-mem -r` (the
figures `mem -r` prints; gdb_figures.scn checks that they agree) to
MEMPLOT_OUT, each snapshot after one line

    @memplot tick=T hz=100 event=WHAT

that tools/memplot.py reads as its time and label. Breakpoints whose
stop() returns False never stop the kernel for the user; gdb reads the
tables while QEMU holds the hart (and guest time stands still). Neither
place holds heap.lock or pg.lock, under which the counters change, so
with one hart (make memplot's default CPUS=1) the figures read are whole:
timer_tick runs from a trap, and a hart holding a spinlock has its
interrupts off. With more harts another one may be mid-update.
"""

import gdb
from rvos_read import TICK_HZ       # tools/gdb/rvos.py, sourced first, puts it on sys.path

SAMPLE_TICKS = 5            # a snapshot every 5 ticks: 50 ms of guest time


# Write one snapshot of the kernel's memory, headed by its time and label.
def sample(event):
    tick = int(gdb.parse_and_eval("'kernel/arch/timer.c'::ticks"))
    raw = gdb.execute("rvos-mem -r", to_string=True)
    out.write(f"@memplot tick={tick} hz={TICK_HZ} event={event}\n{raw}")
    out.flush()


class TickSampler(gdb.Breakpoint):
    """Every SAMPLE_TICKS ticks of the boot hart, a snapshot."""

    # A silent breakpoint on timer_tick.
    def __init__(self):
        super().__init__("timer_tick", internal=True)
        self.hits = 0

    # Count the tick; sample every SAMPLE_TICKS; never stop.
    def stop(self):
        self.hits += 1
        if self.hits % SAMPLE_TICKS == 0:
            sample("tick")
        return False


class ExitSampler(gdb.Breakpoint):
    """As a process starts to exit, a snapshot with everything it holds."""

    # A silent breakpoint on proc_exit.
    def __init__(self):
        super().__init__("proc_exit", internal=True)

    # Sample, labelled with the exiting process (the hart's current one); never stop.
    def stop(self):
        p = gdb.parse_and_eval("((struct cpu *)$tp)->proc").dereference()
        name = p["name"].string(length=16).split("\0")[0] or "?"
        sample(f"exit:{name}:{int(p['pid'])}")
        return False


# Set both breakpoints, then say so; tools/memplot_run.py waits for one
# line or the other. A kernel without one of the functions would leave a
# pending breakpoint that never fires.
out = open(MEMPLOT_OUT, "w")          # noqa: F821 (set by the caller)
missing = [bp.location for bp in (TickSampler(), ExitSampler()) if bp.pending]
if missing:
    print(f"@memplot failed: no {', '.join(missing)} in this kernel")
else:
    print("@memplot sampling")
