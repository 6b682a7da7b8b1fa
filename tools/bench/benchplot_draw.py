"""Drawing for tools/bench/benchplot.py: one panel per unit, a group of
horizontal bars per figure (rvos first, then each peer), each bar
labelled with its value (shortened by benchplot.short). Needs matplotlib; benchplot.py imports this
only to draw.
"""

import matplotlib

matplotlib.use("Agg")               # files only, no display
import matplotlib.pyplot as plt     # noqa: E402

COLOURS = {"rvos": "#2a7f62", "xv6-riscv": "#4c72b0", "rvOS": "#dd8452", "Linux": "#8172b3"}
BAR = 0.8                   # height of one figure's group of bars


# One panel: the groups of bars of every figure in it, top to bottom.
def panel(ax, rows, title, unit, log, short):
    ticks, labels = [], []
    for i, (label, bars) in enumerate(rows):
        y0 = -i
        h = BAR / len(bars)
        for k, (who, v) in enumerate(bars):
            y = y0 + BAR / 2 - h * (k + 0.5)
            ax.barh(y, v, height=h * 0.9, color=COLOURS.get(who, "#999999"))
            ax.annotate(f"{who} {short(v)}", (v, y), xytext=(3, 0),
                        textcoords="offset points", va="center", fontsize=7)
        ticks.append(y0)
        labels.append(label)
    ax.set_yticks(ticks, labels, fontsize=8)
    if log:
        ax.set_xscale("log")
    lo, hi = ax.get_xlim()
    ax.set_xlim(lo, hi * (8 if log else 1.3))        # room for the value labels
    ax.set_xlabel(unit + (" (log scale)" if log else ""))
    ax.set_title(title, fontsize=10, loc="left")
    ax.grid(axis="x", alpha=0.3)


# Draw every panel that has figures; returns the paths written.
def draw(rows, panels, short, prefix):
    used = [p for p in panels if any(r[0] == p for r in rows)]
    sizes = [sum(1 for r in rows if r[0] == p) for p in used]
    fig, axes = plt.subplots(len(used), 1, figsize=(9, 1.5 + 1.1 * sum(sizes)),
                             gridspec_kw={"height_ratios": sizes}, squeeze=False,
                             layout="constrained")
    for ax, p in zip(axes[:, 0], used):
        title, _, unit, log = panels[p]
        panel(ax, [(label, bars) for q, label, bars in rows if q == p], title, unit, log, short)
    fig.suptitle("rvos against its peers (make bench; peers' figures: docs/perf.md)", fontsize=11)
    paths = [prefix + ".svg", prefix + ".png"]
    fig.savefig(paths[0])
    fig.savefig(paths[1], dpi=80)
    plt.close(fig)
    return paths
