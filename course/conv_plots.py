"""Pictures for lecture 08 (convolutional networks). Each ``show_*`` returns its matplotlib Figure."""
import numpy as np
import matplotlib.pyplot as plt
from matplotlib.patches import Rectangle

from .images import draw_matrix

WINDOW_COLORS = ["tab:red", "tab:blue", "tab:green", "tab:orange", "tab:purple", "tab:brown", "tab:pink", "tab:olive",
                 "tab:cyan"]


def _frame(ax, row, col, height, width, color, lw=3, inset=0.06):
    ax.add_patch(Rectangle((col + inset, row + inset), width - 2 * inset, height - 2 * inset,
                           fill=False, edgecolor=color, lw=lw))


def show_sliding_window(image, kernel, feature_map, positions=((0, 0),), titles=None):
    """The image with the windows at ``positions`` framed, the filter, and the feature map with those entries framed."""
    image, kernel, feature_map = (np.asarray(a, dtype=float) for a in (image, kernel, feature_map))
    k = kernel.shape[0]
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.6), gridspec_kw={"width_ratios": [image.shape[1], k + 1, feature_map.shape[1]]})
    titles = titles or ("image", "filter", "feature map")
    draw_matrix(image, ax=axes[0], title=titles[0], cmap="Greys", vmin=-0.6, vmax=1.6)
    draw_matrix(kernel, ax=axes[1], title=titles[1], cmap="RdBu_r", vmin=-2, vmax=2)
    axes[1].set_xlim(-0.5, k + 0.5)
    draw_matrix(feature_map, ax=axes[2], title=titles[2], cmap="RdBu_r", vmin=-4, vmax=4)
    for n, (r, c) in enumerate(positions):
        color = WINDOW_COLORS[n % len(WINDOW_COLORS)]
        _frame(axes[0], r, c, k, k, color)
        _frame(axes[2], r, c, 1, 1, color)
    fig.tight_layout()
    return fig


def show_im2col(x, HH, WW):
    """How im2col lays out one image (1, C, H, W), stride 1, no padding: every window becomes one column.

    Left: the image, one grid per channel, each pixel labelled with its value and the windows framed in
    colours. Right: the (C*HH*WW, H_out*W_out) column matrix, each column framed in its window's colour,
    rows grouped by channel.
    """
    x = np.asarray(x, dtype=float)
    _, C, H, W = x.shape
    Ho, Wo = H - HH + 1, W - WW + 1
    columns = np.empty((C * HH * WW, Ho * Wo))
    for y in range(Ho):
        for xx in range(Wo):
            columns[:, y * Wo + xx] = x[0, :, y:y + HH, xx:xx + WW].ravel()
    fig = plt.figure(figsize=(3.0 * C + 0.9 * Ho * Wo + 2, max(3.2, 0.42 * C * HH * WW + 1.2)))
    grid = fig.add_gridspec(C, 2, width_ratios=[W, 0.9 * Ho * Wo + 1.5])
    lo, hi = x.min(), x.max()
    for c in range(C):
        ax = fig.add_subplot(grid[c, 0])
        draw_matrix(x[0, c], ax=ax, title=f"channel c = {c}", cmap="Greys", vmin=lo - (hi - lo), vmax=hi + 0.3 * (hi - lo))
        for n in range(Ho * Wo):
            y, xx = divmod(n, Wo)
            inset = 0.06 + 0.05 * n
            _frame(ax, y, xx, HH, WW, WINDOW_COLORS[n % len(WINDOW_COLORS)], lw=2.2, inset=inset)
    ax = fig.add_subplot(grid[:, 1])
    draw_matrix(columns, ax=ax, cmap="Greys", vmin=lo - (hi - lo), vmax=hi + 0.3 * (hi - lo), fontsize=9)
    for n in range(Ho * Wo):
        _frame(ax, 0, n, C * HH * WW, 1, WINDOW_COLORS[n % len(WINDOW_COLORS)], lw=2.5)
        y, xx = divmod(n, Wo)
        ax.text(n + 0.5, -0.3, f"y={y}\nx={xx}", ha="center", va="bottom", fontsize=8,
                color=WINDOW_COLORS[n % len(WINDOW_COLORS)])
    for c in range(1, C):
        ax.axhline(c * HH * WW, color="black", lw=2)
    for c in range(C):
        ax.text(-0.2, c * HH * WW + HH * WW / 2, f"c = {c}\nrows\n{c * HH * WW}–{(c + 1) * HH * WW - 1}",
                ha="right", va="center", fontsize=8)
    ax.set_xlim(-1.6, Ho * Wo)
    ax.set_ylim(C * HH * WW, -1.3)
    ax.set_title(f"cols, shape ({C}·{HH}·{WW}, {Ho}·{Wo}) = {columns.shape}: one window per column", fontsize=10)
    fig.tight_layout()
    return fig


def show_maps(maps, titles=None, ncols=8, size=1.3, cmap="viridis", symmetric=False, suptitle=None):
    """A grid of 2-D arrays of one shape (feature maps or filters), each scaled to its own range, drawn as one image.

    symmetric=True scales each map to [-m, m] with m its largest |value|, so that 0 is the colour map's middle
    (use a diverging map such as "RdBu_r" for weights); otherwise each map spans its own [min, max].
    """
    maps = np.asarray(maps, dtype=float)
    n, h, w = maps.shape
    ncols = min(ncols, n)
    nrows = int(np.ceil(n / ncols))
    gap = max(1, h // 8)
    mosaic = np.full((nrows * (h + gap) - gap, ncols * (w + gap) - gap), np.nan)
    for k in range(n):
        m = maps[k]
        if symmetric:
            lim = np.abs(m).max() or 1.0
            scaled = (m / lim + 1) / 2
        else:
            span = m.max() - m.min()
            scaled = (m - m.min()) / span if span else np.zeros_like(m)
        r, c = divmod(k, ncols)
        mosaic[r * (h + gap):r * (h + gap) + h, c * (w + gap):c * (w + gap) + w] = scaled
    title_room = 0.25 if titles is not None else 0.0
    fig, ax = plt.subplots(figsize=(size * ncols, (size + title_room) * nrows + (0.4 if suptitle else 0.1)))
    colormap = plt.get_cmap(cmap).copy()
    colormap.set_bad("white")
    ax.imshow(np.ma.masked_invalid(mosaic), cmap=colormap, vmin=0, vmax=1, interpolation="nearest")
    if titles is not None:
        for k in range(n):
            r, c = divmod(k, ncols)
            ax.text(c * (w + gap) + w / 2, r * (h + gap) - 0.5, str(titles[k]), ha="center", va="bottom", fontsize=8)
    ax.axis("off")
    if suptitle:
        ax.set_title(suptitle, pad=14 if titles is not None else 6)
    fig.tight_layout()
    return fig
