"""Images are matrices of numbers, and small matrices can be drawn as pictures.

``draw_matrix`` draws a small array as a grid of cells with each number written
in; ``show_image_as_matrix`` shows a picture next to the numbers of a window of
it; ``show_axis_sums`` and ``show_broadcast`` draw the two NumPy ideas every
lecture uses (reducing along an axis, broadcasting). Each ``show_*`` function
returns the matplotlib ``Figure`` it made.
"""
import numpy as np
import matplotlib.pyplot as plt
from matplotlib.patches import Rectangle


def _as_grid(values):
    grid = np.asarray(values, dtype=float)
    if grid.ndim == 0:
        grid = grid.reshape(1, 1)
    elif grid.ndim == 1:
        grid = grid.reshape(1, -1)  # a 1-D array is drawn as one row
    if grid.ndim != 2:
        raise ValueError(f"can only draw 0-, 1- or 2-D arrays, got shape {np.shape(values)}")
    return grid


def _label(v, decimals):
    if decimals is None:
        return f"{v:g}"
    return f"{v:.{decimals}f}"


def _cells(ax, grid, x0, y0, lo, hi, cmap, fade, decimals, size, full_range):
    """Draw ``grid`` as coloured cells with numbers, its top-left corner at (x0, y0)."""
    span = (hi - lo) or 1.0
    colormap = plt.get_cmap(cmap)
    for i in range(grid.shape[0]):
        for j in range(grid.shape[1]):
            level = float(np.clip((grid[i, j] - lo) / span, 0, 1))
            color = colormap(level if full_range else 0.12 + 0.7 * level)
            alpha = 0.35 if fade[i, j] else 1.0
            ax.add_patch(Rectangle((x0 + j, y0 + i), 1, 1, facecolor=color, edgecolor="white", lw=1.5, alpha=alpha))
            luminance = 0.299 * color[0] + 0.587 * color[1] + 0.114 * color[2]
            text_color = "grey" if fade[i, j] else ("white" if luminance < 0.5 else "black")
            ax.text(x0 + j + 0.5, y0 + i + 0.5, _label(grid[i, j], decimals), ha="center", va="center",
                    fontsize=size, color=text_color)


def _bare(ax):
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ax.spines.values():
        side.set_visible(False)


def draw_matrix(values, ax=None, title=None, decimals=None, cmap="Blues", faded=None,
                vmin=None, vmax=None, fontsize=None, full_range=False):
    """Draw a small 1-D or 2-D array as a grid of cells, each showing its number.

    Cells are coloured by value (``cmap``, from ``vmin`` to ``vmax``; with
    ``full_range=False`` the palest and darkest ends of the colour map are left
    out so every number stays readable). A 1-D array is drawn as one row.
    ``faded`` is a boolean mask of the same shape: those cells are drawn pale with
    grey text (the copies that broadcasting makes up). Returns the axes drawn on.
    """
    grid = _as_grid(values)
    rows, cols = grid.shape
    if ax is None:
        _, ax = plt.subplots(figsize=(0.55 * cols + 0.4, 0.55 * rows + 0.4))
    lo = np.min(grid) if vmin is None else vmin
    hi = np.max(grid) if vmax is None else vmax
    fade = np.zeros(grid.shape, bool) if faded is None else _as_grid(faded).astype(bool)
    size = fontsize or (9 if cols <= 12 else 7)
    _cells(ax, grid, 0, 0, lo, hi, cmap, fade, decimals, size, full_range)
    ax.set_xlim(0, cols)
    ax.set_ylim(rows, 0)  # row 0 at the top, as NumPy prints it
    _bare(ax)
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def show_image_as_matrix(image, rows=None, cols=None, size=10, decimals=1, title=None):
    """A grey-scale image on the left, the numbers of a ``size`` x ``size`` window of it on the right.

    ``image`` is a 2-D array, or a flattened square image such as one row of MNIST's
    ``X`` (784 values). ``rows`` and ``cols`` are the first row and column of the
    window; by default it is centred on the image's brightest region.
    """
    img = np.asarray(image, dtype=float)
    if img.ndim == 1:
        side = int(round(np.sqrt(img.size)))
        img = img.reshape(side, side)
    h, w = img.shape
    size = min(size, h, w)
    if rows is None or cols is None:
        total = img.sum()
        if total > 0:
            r_c = (np.arange(h) @ img.sum(axis=1)) / total  # centre of the ink
            c_c = (np.arange(w) @ img.sum(axis=0)) / total
        else:
            r_c, c_c = h / 2, w / 2
        rows = int(np.clip(round(r_c - size / 2), 0, h - size)) if rows is None else rows
        cols = int(np.clip(round(c_c - size / 2), 0, w - size)) if cols is None else cols
    window = img[rows:rows + size, cols:cols + size]

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 5), gridspec_kw={"width_ratios": [1, 1.25]})
    left.imshow(img, cmap="gray", vmin=0, vmax=max(1.0, img.max()))
    left.add_patch(Rectangle((cols - 0.5, rows - 0.5), size, size, fill=False, edgecolor="red", lw=2))
    left.set_title(f"the image, {h}×{w} pixels")
    left.set_xticks([0, w - 1])
    left.set_yticks([0, h - 1])
    draw_matrix(window, ax=right, decimals=decimals, cmap="gray", vmin=0, vmax=max(1.0, img.max()), fontsize=8,
                full_range=True)
    right.set_title(f"the numbers inside the red box: rows {rows}–{rows + size - 1}, "
                    f"columns {cols}–{cols + size - 1}", fontsize=10)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def show_axis_sums(A):
    """A small 2-D array with its sums along axis 0 (drawn under it) and axis 1 (drawn beside it)."""
    A = np.asarray(A, dtype=float)
    rows, cols = A.shape
    s0, s1 = A.sum(axis=0), A.sum(axis=1)
    gap = 1.6
    fig, ax = plt.subplots(figsize=(1.0 * (cols + gap + 1) + 2.5, 1.0 * (rows + gap + 1) + 0.6))
    fade = np.zeros((rows, cols), bool)
    _cells(ax, A, 0, 0, A.min(), A.max(), "Blues", fade, None, 11, False)
    _cells(ax, s0[None, :], 0, rows + gap, s0.min(), s0.max(), "Reds", fade[:1], None, 11, False)
    _cells(ax, s1[:, None], cols + gap, 0, s1.min(), s1.max(), "Greens", fade[:, :1], None, 11, False)
    ax.annotate("", xy=(cols / 2, rows + gap - 0.1), xytext=(cols / 2, rows + 0.1),
                arrowprops={"arrowstyle": "-|>", "color": "tab:red", "lw": 2})
    ax.text(cols / 2 + 0.15, rows + gap / 2, "sum down the rows: axis=0", color="tab:red", va="center", fontsize=10)
    ax.annotate("", xy=(cols + gap - 0.1, rows / 2), xytext=(cols + 0.1, rows / 2),
                arrowprops={"arrowstyle": "-|>", "color": "tab:green", "lw": 2})
    ax.text(cols + gap / 2, -0.25, "axis=1:\nsum along\neach row", color="tab:green", ha="center", va="bottom",
            fontsize=10)
    ax.text(cols / 2, -0.25, f"A, shape {A.shape}", ha="center", va="bottom", fontsize=10)
    ax.text(cols / 2, rows + gap + 1.15, f"A.sum(axis=0), shape {s0.shape}: one number per column",
            ha="center", va="top", fontsize=10, color="tab:red")
    ax.text(cols + gap + 1.15, rows / 2, f"A.sum(axis=1)\nshape {s1.shape}\none number\nper row",
            ha="left", va="center", fontsize=10, color="tab:green")
    ax.set_xlim(-0.2, cols + gap + 3.2)
    ax.set_ylim(rows + gap + 1.9, -1.4)
    _bare(ax)
    fig.tight_layout()
    return fig


def show_broadcast(a, b, op="+"):
    """How NumPy combines two arrays of different shapes: both are stretched to the result's shape.

    The cells NumPy makes up by repeating a size-1 (or missing) dimension are drawn pale.
    ``op`` is one of ``+ - * /``.
    """
    ops = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide}
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    result = ops[op](a, b)
    shape = result.shape
    width = shape[-1] if shape else 1
    height = shape[-2] if len(shape) >= 2 else 1
    fig, axes = plt.subplots(1, 5, figsize=(1.2 + 1.6 * width, 1.2 + 0.5 * height),
                             gridspec_kw={"width_ratios": [width, 0.5, width, 0.5, width]})
    lo = float(min(a.min(), b.min(), result.min()))
    hi = float(max(a.max(), b.max(), result.max()))
    for ax, name, arr in ((axes[0], "a", a), (axes[2], "b", b)):
        padded = (1,) * (len(shape) - arr.ndim) + arr.shape  # missing leading dimensions count as size 1
        made_up = np.zeros(shape, bool)
        for k, (have, want) in enumerate(zip(padded, shape)):
            if have == 1 and want > 1:  # this dimension is stretched: every copy after the first is made up
                index = [slice(None)] * len(shape)
                index[k] = slice(1, None)
                made_up[tuple(index)] = True
        stretched = "" if arr.shape == shape else f"\nstretched to {shape}"
        draw_matrix(np.broadcast_to(arr, shape), ax=ax, title=f"{name}, shape {arr.shape}{stretched}",
                    faded=made_up, vmin=lo, vmax=hi)
    draw_matrix(result, ax=axes[4], title=f"a {op} b, shape {shape}", vmin=lo, vmax=hi)
    for ax, symbol in ((axes[1], op), (axes[3], "=")):
        ax.axis("off")
        ax.text(0.5, 0.5, symbol, ha="center", va="center", fontsize=20, transform=ax.transAxes)
    fig.tight_layout()
    return fig
