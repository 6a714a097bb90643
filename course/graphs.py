"""Drawing small computational graphs, with values forward and gradients backward.

A graph is a list of gates in the order the forward pass computes them::

    gates = [("g", "×", ["w", "x"]),      # g = w * x
             ("f", "+", ["g", "b"])]      # f = g + b
    draw_graph(gates, values={"w": 3, "x": -2, "b": 1, "g": -6, "f": -5},
               grads={"w": -2, "x": 3, "b": 1, "g": 1, "f": 1})

Every name is a wire. Its forward value is written above the wire (green) and
its gradient, the derivative of the final output with respect to it, below the
wire (red). Names that no gate produces are the inputs; the output of the last
gate is the result. Values and gradients may be numbers or short strings such
as shapes. Each wire is used by one gate (the graph is a tree), which is enough
for the pictures in the lectures.
"""
import numpy as np
import matplotlib.pyplot as plt
from matplotlib.patches import Circle, FancyBboxPatch

FORWARD_COLOR = "tab:green"
BACKWARD_COLOR = "tab:red"


def _fmt(v):
    if isinstance(v, str):
        return v
    v = float(v)
    return f"{v:.4g}"


def _layout(gates, spacing):
    """Gate centres and the starting points of the input wires.

    A gate sits at x = spacing * depth (its distance from the inputs). Input
    wires take one row each, top to bottom, in the order a depth-first walk
    back from the output meets them, and start one column left of the gate
    they feed. A gate sits at the mean height of its incoming wires.
    """
    produced = {out: i for i, (out, _, _) in enumerate(gates)}
    depth = {}
    for out, _, args in gates:
        depth[out] = 1 + max([depth[a] for a in args if a in produced] + [0])
    pos, starts = {}, {}
    row = [0.0]

    def place(name):
        _, _, args = gates[produced[name]]
        ys = []
        for a in args:
            if a in produced:
                ys.append(place(a))
            else:
                starts[a] = (spacing * (depth[name] - 1), row[0])
                ys.append(row[0])
                row[0] += 1.0
        pos[name] = (spacing * depth[name], float(np.mean(ys)))
        return pos[name][1]

    place(gates[-1][0])
    return produced, pos, starts


def draw_graph(gates, values=None, grads=None, title=None, ax=None, spacing=2.0, figsize=None):
    """Draw the computational graph ``gates`` with forward ``values`` and backward ``grads``.

    gates: list of ``(output name, gate label, [input names])`` in forward order.
    values, grads: dicts from wire name to a number or a short string; missing names are left blank.
    Returns the matplotlib ``Figure``.
    """
    values = values or {}
    grads = grads or {}
    produced, pos, starts = _layout(gates, spacing)
    final = gates[-1][0]
    fx, fy = pos[final]
    end_x = fx + spacing
    xs = [x for x, _ in pos.values()] + [x for x, _ in starts.values()] + [end_x]
    ys = [y for _, y in pos.values()] + [y for _, y in starts.values()]
    if ax is None:
        if figsize is None:
            scale = 0.8  # inches per unit of the layout
            figsize = (max(6.0, scale * (max(xs) - min(xs) + 0.6)),
                       scale * (max(ys) - min(ys) + 1.4) + 0.3 * (bool(values) + bool(grads)) + 0.4 * bool(title))
        fig, ax = plt.subplots(figsize=figsize)
    else:
        fig = ax.figure

    half_w = {}
    for out, label, _ in gates:
        x, y = pos[out]
        if len(label) <= 2:
            r = 0.25
            ax.add_patch(Circle((x, y), r, facecolor="white", edgecolor="black", lw=1.5, zorder=3))
            half_w[out] = r
        else:
            lines = label.split("\n")
            w = 0.07 * max(len(t) for t in lines) + 0.12
            h = 0.16 * len(lines) + 0.08
            ax.add_patch(FancyBboxPatch((x - w, y - h), 2 * w, 2 * h, boxstyle="round,pad=0.03",
                                        facecolor="white", edgecolor="black", lw=1.5, zorder=3))
            half_w[out] = w + 0.03
        ax.text(x, y, label, ha="center", va="center", fontsize=15 if len(label) <= 2 else 10, zorder=4)

    def wire(name, start, end, bend):
        """A horizontal run from ``start`` to ``bend`` (x), then straight into ``end``; labels on the run."""
        (x0, y0), (x1, y1) = start, end
        ax.plot([x0, bend], [y0, y0], color="black", lw=1.2, zorder=2)
        ax.annotate("", xy=(x1, y1), xytext=(bend, y0),
                    arrowprops={"arrowstyle": "-|>", "color": "black", "lw": 1.2, "shrinkA": 0, "shrinkB": 0},
                    zorder=2)
        left = x0 + 0.12
        name_text = ax.text(left, y0 - 0.07, name, ha="left", va="bottom", fontsize=12, fontweight="bold")
        if name in values:
            ax.annotate(" " + _fmt(values[name]), xycoords=name_text, xy=(1, 0), va="bottom", ha="left",
                        fontsize=12, color=FORWARD_COLOR)
        if name in grads:
            ax.text(left, y0 + 0.08, _fmt(grads[name]), ha="left", va="top", fontsize=12, color=BACKWARD_COLOR)

    for out, _, args in gates:
        gx, gy = pos[out]
        for a in args:
            if a in produced:
                sx, sy = pos[a]
                start = (sx + half_w[a], sy)
            else:
                start = starts[a]
                ax.plot([start[0]], [start[1]], "o", color="black", ms=4, zorder=3)
            # run horizontally, then turn into the gate over the last 30 % of the column
            bend = gx - half_w[out] - 0.3 * (gx - half_w[out] - start[0])
            # aim at the left edge of the gate, at the wire's own height when it fits
            ty = gy + np.clip(start[1] - gy, -0.15, 0.15)
            wire(a, start, (gx - half_w[out], ty), bend)
    wire(final, (fx + half_w[final], fy), (end_x, fy), end_x - 0.05)

    ax.set_xlim(min(xs) - 0.3, max(xs) + 0.3)
    ax.set_ylim(max(ys) + 0.7, min(ys) - 0.7)  # first input on top
    ax.set_aspect("equal")
    ax.axis("off")
    notes = []
    if values:
        notes.append(("above a wire: its value (forward pass)", FORWARD_COLOR))
    if grads:
        notes.append((f"below a wire: the gradient of {final} with respect to it (backward pass)", BACKWARD_COLOR))
    if title:
        fig.suptitle(title)
    fig.tight_layout(rect=(0, 0.3 * len(notes) / fig.get_figheight(), 1, 1))
    for k, (text, color) in enumerate(notes):
        fig.text(0.02, (0.05 + 0.25 * (len(notes) - 1 - k)) / fig.get_figheight(), text, color=color, fontsize=9, va="bottom")
    return fig
