"""How tools/gdb/rvos.py reads the kernel: symbols, fields, memory.

Every structure the extension reads is reached through symbol(),
field(), num() and Layout here, never by a hard-coded offset: offsets and
array sizes come from the ELF's debug info, so a reordered struct or a
resized table is followed without an edit. A field that is renamed or
gone raises RvosError naming the struct and the field, which the command
prints as one line; the fix is then in one place (the NAMES of the module
that reads it).

The few numbers the debug info cannot give (macros: -g keeps none) are
copied from include/kernel/param.h below and checked against array sizes
the debug info does carry.
"""

import gdb

PAGE_SHIFT = 12             # Sv39: fixed by the architecture
PAGE_SIZE = 1 << PAGE_SHIFT
HEAP_MIN_SHIFT = 5          # param.h: smallest heap block, 32 bytes
HEAP_ARENA_ORDER = 8        # param.h: an arena is 2^8 pages
TICK_HZ = 100               # param.h: timer ticks per second


class RvosError(Exception):
    """A problem the user reads as one line: bad input, a missing field,
    a kernel without debug info, memory gdb cannot read."""


# Fail with one line unless gdb has a kernel with debug info loaded.
def require_debug_info():
    if gdb.current_progspace().filename is None:
        raise RvosError("no kernel loaded: use 'file build/kernel.elf' (make gdb does)")
    try:
        gdb.lookup_type("struct tag_stat")
    except gdb.error:
        raise RvosError(f"{gdb.current_progspace().filename} has no debug info "
                        "(struct tag_stat unknown): build the kernel with -g, as make does") \
            from None


# The value of a kernel global (or any gdb expression), or RvosError.
def symbol(name):
    try:
        return gdb.parse_and_eval(name)
    except gdb.error as e:
        raise RvosError(f"the kernel has no symbol '{name}' ({e}): "
                        "the kernel changed; update tools/gdb") from None


# Member name of a struct value (or of what a pointer points at).
def field(val, name):
    t = val.type.strip_typedefs()
    if t.code == gdb.TYPE_CODE_PTR:
        val, t = val.dereference(), t.target().strip_typedefs()
    if not any(f.name == name for f in _all_fields(t)):
        raise RvosError(f"struct {t.tag or t} has no field '{name}': the kernel "
                        "changed; update tools/gdb")
    return val[name]


# Fields of a struct type, looking inside anonymous unions and structs.
def _all_fields(t):
    for f in t.fields():
        if f.name:
            yield f
        else:
            yield from _all_fields(f.type.strip_typedefs())


# True if the struct value (or pointed-to struct) has a member name.
def has_field(val, name):
    t = val.type.strip_typedefs()
    if t.code == gdb.TYPE_CODE_PTR:
        t = t.target().strip_typedefs()
    return any(f.name == name for f in _all_fields(t))


# An integer: the member name of val (or val itself). A counter that is an
# array (one per hart) is summed, so totals read the same either way.
def num(val, name=None):
    v = field(val, name) if name else val
    t = v.type.strip_typedefs()
    if t.code == gdb.TYPE_CODE_ARRAY:
        return sum(num(v[i]) for i in range(array_len(v)))
    if t.code == gdb.TYPE_CODE_PTR:
        return int(v.cast(gdb.lookup_type("unsigned long")))
    return int(v)


# Number of elements of an array value.
def array_len(val):
    lo, hi = val.type.strip_typedefs().range()
    return hi - lo + 1


# A C string the kernel points at ("" for NULL, "?" if unreadable).
def cstring(ptr, limit=64):
    if int(ptr) == 0:
        return ""
    try:
        return ptr.string(length=-1, errors="replace")[:limit]
    except gdb.error:
        return "?"


# The text of a fixed char array, up to its first NUL.
def chararray(val):
    raw = bytes(int(val[i]) & 0xff for i in range(array_len(val)))
    return raw.split(b"\0", 1)[0].decode("latin-1")


# Bytes of kernel memory.
def read(addr, size):
    try:
        return bytes(gdb.selected_inferior().read_memory(addr, size))
    except gdb.error as e:
        raise RvosError(f"cannot read {size} bytes at {addr:#x} ({e}): "
                        "is gdb attached to the running kernel?") from None


# A 64-bit word of kernel memory.
def read_u64(addr):
    return int.from_bytes(read(addr, 8), "little")


class Layout:
    """Where named fields of a struct lie, from the debug info, to decode
    many records read in one block (page descriptors, call sites)."""

    # Look the fields up in struct tag; RvosError names a missing one.
    def __init__(self, tag, names):
        try:
            t = gdb.lookup_type("struct " + tag)
        except gdb.error:
            raise RvosError(f"no struct {tag} in the debug info: the kernel "
                            "changed; update tools/gdb") from None
        self.size = t.sizeof
        have = {f.name: f for f in _all_fields(t)}
        self.fields = {}
        for name in names:
            if name not in have:
                raise RvosError(f"struct {tag} has no field '{name}': the kernel "
                                "changed; update tools/gdb")
            f = have[name]
            t = f.type.strip_typedefs()
            count = t.range()[1] + 1 if t.code == gdb.TYPE_CODE_ARRAY else 1
            self.fields[name] = (f.bitpos // 8, t.sizeof // count, count)

    # Decode one record from raw bytes at offset off into {name: int}; an
    # array field (a counter's per-hart slots) gives the sum of its
    # elements, wrapping at 64 bits as the kernel's sums do.
    def decode(self, raw, off=0):
        out = {}
        for n, (o, s, count) in self.fields.items():
            elems = (int.from_bytes(raw[off + o + i * s:off + o + (i + 1) * s], "little")
                     for i in range(count))
            out[n] = sum(elems) % (1 << 64) if count > 1 else next(elems)
        return out

    # Read and decode the record at addr.
    def at(self, addr):
        return self.decode(read(addr, self.size))


# "IPC_" from a tag's 32-bit value (first character in the low byte).
def tag_text(value, slot=None):
    chars = bytes((value >> (8 * i)) & 0xff for i in range(4))
    if all(0x20 <= c <= 0x7e for c in chars):
        return chars.decode("ascii")
    return f"tag#{slot}" if slot is not None else "????"


# "name+0xoff" for a code or data address, or None.
def symbolize(addr):
    try:
        text = gdb.execute(f"info symbol {addr:#x}", to_string=True).strip()
    except gdb.error:
        return None
    if text.startswith("No symbol"):
        return None
    name, _, off = text.split(" in section ")[0].partition(" + ")
    return f"{name}+{int(off):#x}" if off else name


# "function at file:line" for a code address; code inlined into another
# function says so: "switch_to at kernel/proc/sched.c:78, inlined in sched".
def where(pc):
    names, block = [], gdb.block_for_pc(pc)
    while block is not None:
        if block.function is not None:
            names.append(block.function.name)
        block = block.superblock
    name = names[0] if names else (symbolize(pc) or "??")
    sal = gdb.find_pc_line(pc)
    text = f"{name} at {sal.symtab.filename}:{sal.line}" if sal.symtab else name
    if len(names) > 1:
        text += f", inlined in {names[-1]}"
    return text


# An address argument: a number or any gdb expression (proc_table, &x).
def parse_address(cmd, arg):
    arg = arg.strip()
    if not arg:
        raise RvosError(f"usage: {cmd} ADDRESS")
    try:
        v = gdb.parse_and_eval(arg)
    except gdb.error:
        raise RvosError(f"'{arg}' is not an address or expression gdb can evaluate") from None
    t = v.type.strip_typedefs()
    if t.code == gdb.TYPE_CODE_ARRAY:
        v = v.address
    try:
        return int(v.cast(gdb.lookup_type("unsigned long")))
    except gdb.error:
        raise RvosError(f"'{arg}' is not an address") from None
