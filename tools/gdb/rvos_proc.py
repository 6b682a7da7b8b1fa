"""The process side of tools/gdb/rvos.py: the process table
(include/kernel/proc.h), which hart runs what and the harts (cpu.h), and a sleeping
process's kernel backtrace from the context swtch() saved.
"""

from rvos_read import (RvosError, array_len, chararray, cstring, field, has_field,
                       num, read_u64, symbol, where)

# ps's words for the states of enum proc_state (user/ps.c).
STATE_WORDS = {"P_EMBRYO": "new", "P_RUNNABLE": "ready", "P_RUNNING": "run",
               "P_SLEEPING": "sleep", "P_ZOMBIE": "zombie"}
BT_MAX = 32                 # frames, as the kernel's own backtrace


# The enum name of a state value ("P_SLEEPING").
def _state_name(val):
    t = val.type.strip_typedefs()
    for f in t.fields():
        if f.enumval == int(val):
            return f.name
    return str(int(val))


# The hart running the process at address addr, or None: struct proc's own
# hart field if it has one, else the cpu whose proc points at it.
def _hart_of(p, addr):
    for name in ("hart", "cpu"):
        if has_field(p, name):
            return num(p, name)
    cpus = symbol("'cpu.c'::cpus")
    for i in range(array_len(cpus)):
        if num(cpus[i], "proc") == addr:
            return num(cpus[i], "hartid")
    return None


# The hart id (the device tree's) a process last ran on, or None: never.
def _last_hart(p):
    i = num(p, "last_cpu")
    return None if i < 0 else num(symbol("'cpu.c'::cpus")[i], "hartid")


# The harts that run, as sysinfo's HART records list them: the boot hart
# (cpus[0]) and every other that joined the scheduler.
def harts():
    cpus = symbol("'cpu.c'::cpus")
    return [{"index": i, "hartid": num(cpus[i], "hartid"), "ticks": num(cpus[i], "ticks"),
             "idle_ticks": num(cpus[i], "idle_ticks")}
            for i in range(array_len(cpus)) if i == 0 or num(cpus[i], "online")]


# The system clock as of the boot hart's last tick (kernel/arch/timer.c).
def now_tick():
    return num(symbol("'timer.c'::ticks"))


# The IPC heap charged to a process: p->ipc->bytes, 0 before its first
# handle (kernel/ipc/handle.c).
def _ipc_bytes(p):
    ipc = field(p, "ipc")
    return num(ipc.dereference(), "bytes") if num(ipc) else 0


# Every slot in use: dicts of what ps shows and what rvos-bt needs.
def procs(pages):
    table = symbol("proc_table")
    if num(table) == 0:
        raise RvosError("proc_table is NULL: the kernel has not reached proc_init")
    nslots = len(pages.owners) - 1              # PAGE_OWNERS = PROC_MAX + 1
    size = table.type.strip_typedefs().target().sizeof
    out = []
    for slot in range(nslots):
        p = table[slot]
        state = _state_name(field(p, "state"))
        if state == "P_UNUSED":
            continue
        addr = num(table) + slot * size
        pid = num(p, "pid")
        ctx = field(p, "ctx")
        out.append({
            "slot": slot, "pid": pid, "ppid": num(p, "ppid"),
            "state": state, "word": STATE_WORDS.get(state, state.lower()),
            "name": chararray(field(p, "name")), "kthread": bool(num(p, "kthread")),
            "wait": cstring(field(p, "wait_what")) if state == "P_SLEEPING" else "",
            "wchan": num(p, "wchan"), "kstack": num(p, "kstack"),
            "cpu_ticks": num(p, "cpu_ticks"), "start_tick": num(p, "start_tick"),
            "last_hart": _last_hart(p), "pages": pages.owner_pages(pid),
            "page_limit": pages.owner_limit(pid), "ipc_bytes": _ipc_bytes(p),
            "hart": _hart_of(p, addr), "addr": addr,
            "ra": num(ctx, "ra"), "sp": num(ctx, "sp"), "fp": num(field(ctx, "s")[0]),
        })
    return sorted(out, key=lambda r: r["pid"])


# ps's STATE column: "sleep:chan_recv", "run", ...
def state_text(p):
    if p["state"] == "P_SLEEPING" and p["wait"]:
        return f"{p['word']}:{p['wait']}"
    return p["word"]


# Frames of a process that is not running, from its saved context: swtch
# returns to ctx.ra in sched() with s0 = sched's frame pointer; each frame
# keeps its return address at fp-8 and its caller's fp at fp-16
# (-fno-omit-frame-pointer), as kernel/arch/panic.c walks them.
def backtrace(p, ram, text):
    frames = [p["ra"]]
    fp = p["fp"]
    while len(frames) < BT_MAX and fp % 8 == 0 and ram[0] + 16 <= fp <= ram[1]:
        ra, prev = read_u64(fp - 8), read_u64(fp - 16)
        if not text[0] <= ra < text[1]:
            break
        frames.append(ra)
        if prev <= fp:
            break
        fp = prev
    # each is a return address, which names the line after the call
    return [(pc, where(pc - 2)) for pc in frames]


# The process with pid, or RvosError.
def find(pid, plist):
    for p in plist:
        if p["pid"] == pid:
            return p
    raise RvosError(f"no process {pid}")
