"""Drawing for tools/memplot.py: four panels over one time axis.

Heap bytes by tag and pages by tag as stacked areas, free pages, and
pages by process name (all processes of one name stacked together, so a
storm of sleepers is one band); a dotted line where each program the
shell ran exits (the sampler's exit labels). Colours follow the tag or name, so a tag
has the same colour in both of its panels. Needs matplotlib; memplot.py
imports this only to draw.
"""

import matplotlib

matplotlib.use("Agg")               # files only, no display
import matplotlib.pyplot as plt     # noqa: E402

KIB = 1024
MAX_BANDS = 9               # more series than this: the smallest become "others"
PNG_DPI = 80                # with shrink_png, a few tens of KB for the README


# The x values and their axis label: guest seconds, or snapshot numbers.
def time_axis(snaps):
    if all(s.seconds() is not None for s in snaps):
        t0 = snaps[0].seconds()
        return [s.seconds() - t0 for s in snaps], "guest time (s)"
    return list(range(len(snaps))), "snapshot"


# Series name -> values, keeping the MAX_BANDS with the highest peaks and
# summing the rest into "others"; in order of their peaks, largest first.
def bands(series):
    ranked = sorted((k for k in series if max(series[k]) > 0),
                    key=lambda k: -max(series[k]))
    keep, rest = ranked[:MAX_BANDS], ranked[MAX_BANDS:]
    out = {k: series[k] for k in keep}
    if rest:
        out[f"{len(rest)} others"] = [sum(v) for v in zip(*(series[k] for k in rest))]
    return out


# Per-tag series of one field over all snapshots (0 where a tag is absent).
def tag_series(snaps, field, scale=1):
    names = {t for s in snaps for t in s.tags}
    return {n: [s.tags[n][field] / scale if n in s.tags else 0 for s in snaps]
            for n in names}


# Pages per process name over all snapshots, with how many pids each had.
def proc_series(snaps):
    pids, series = {}, {}
    for s in snaps:
        for p in s.procs:
            pids.setdefault(p["name"], set()).add(p["pid"])
    for name in pids:
        series[name] = [sum(p["pages"] for p in s.procs if p["name"] == name) for s in snaps]
    return {(f"{n} (×{len(pids[n])})" if len(pids[n]) > 1 else n): v
            for n, v in series.items()}


# (x, name) of each exit of a child of the process named `parent`, as the
# sampler labels exits ("exit:NAME:PID"): the commands the shell ran.
def steps(snaps, x, parent):
    out = []
    for t, s in zip(x, snaps):
        parts = (s.event or "").split(":")
        if len(parts) != 3 or parts[0] != "exit" or not parts[2].isdigit():
            continue
        ppid = {str(p["pid"]): p.get("ppid") for p in s.procs}.get(parts[2])
        if ppid is not None and any(p["name"] == parent and str(p["pid"]) == ppid
                                    for p in s.procs):
            out.append((t, parts[1]))
    return out


# Mark each step with a dotted line on every panel, named on the last.
def mark_steps(axes, marks):
    for t, name in marks:
        for ax in axes:
            ax.axvline(t, color="#999999", linestyle=":", linewidth=0.7)
        axes[-1].annotate(name, (t, 1.0), xycoords=("data", "axes fraction"),
                          xytext=(-2, -3), textcoords="offset points", rotation=90,
                          ha="right", va="top", fontsize=7, color="#555555")


# A stacked-area panel with its legend outside on the right.
def stacked(ax, x, series, colours, title, ylabel):
    b = bands(series)
    if b:
        ax.stackplot(x, list(b.values()), labels=list(b),
                     colors=[colours.get(k, "#bbbbbb") for k in b])
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    ax.set_title(title, fontsize=10, loc="left")
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)


# Draw the four panels; returns the paths written (PREFIX.svg, PREFIX.png).
def draw(snaps, prefix, title, parent="shell"):
    x, xlabel = time_axis(snaps)
    names = sorted({t for s in snaps for t in s.tags})
    cmap = plt.get_cmap("tab20")
    colours = {n: cmap(i % 20) for i, n in enumerate(names)}
    fig, axes = plt.subplots(4, 1, sharex=True, figsize=(9, 10),
                             gridspec_kw={"height_ratios": [3, 3, 2, 3]})
    page_kib = snaps[0].pages["page_size"] // KIB
    stacked(axes[0], x, tag_series(snaps, "bytes", KIB), colours,
            "Kernel heap by tag (KiB in use)", "KiB")
    stacked(axes[1], x, tag_series(snaps, "pages"), colours,
            f"Physical pages by tag ({page_kib} KiB pages; HEAP = the heap's arenas)", "pages")
    free = [s.pages["free"] for s in snaps]
    total = snaps[-1].pages["total"]
    axes[2].plot(x, free, color="#2a7f62", label="free")
    axes[2].set_ylim(0, total * 1.05)
    axes[2].axhline(total, color="#888888", linestyle="--", linewidth=0.8, label="total")
    axes[2].legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    axes[2].set_title(f"Free pages (lowest {min(free)} of {total})", fontsize=10, loc="left")
    axes[2].set_ylabel("pages")
    axes[2].grid(alpha=0.3)
    pcmap = plt.get_cmap("tab10")
    procs = proc_series(snaps)
    pcolours = {k: pcmap(i % 10) for i, k in enumerate(sorted(procs))}
    stacked(axes[3], x, procs, pcolours, "Pages by process (stacked by name)", "pages")
    axes[3].set_xlabel(xlabel + f"; dotted lines: a program run by the {parent} exits")
    mark_steps(axes, steps(snaps, x, parent))
    fig.suptitle(title, fontsize=12)
    fig.tight_layout()
    paths = [prefix + ".svg", prefix + ".png"]
    fig.savefig(paths[0])
    fig.savefig(paths[1], dpi=PNG_DPI)
    plt.close(fig)
    shrink_png(paths[1])
    return paths


# Rewrite a PNG with a 128-colour palette: a chart has few colours, and the
# file drops to about a third (Pillow comes with Debian's matplotlib).
def shrink_png(path):
    from PIL import Image
    with Image.open(path) as im:
        small = im.convert("RGB").quantize(colors=128)
    small.save(path, optimize=True)
