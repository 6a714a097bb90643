"""Figures of lecture 04 (activations, initialisation, feature scaling).

Each function draws numbers the notebook computed and returns the matplotlib
``Figure``; none of them computes an activation, a gradient or an
initialisation itself.
"""
import numpy as np
import matplotlib.pyplot as plt


def _with_gaps(x, values, jump=0.2):
    """x and values with a NaN inserted wherever values jump, so that a discontinuity is drawn as a gap."""
    x, values = np.asarray(x, dtype=float), np.asarray(values, dtype=float)
    cut = np.flatnonzero(np.abs(np.diff(values)) > jump) + 1
    return np.insert(x, cut, np.nan), np.insert(values, cut, np.nan)


def plot_activation_gallery(rows, x):
    """One row per activation: the function on the left, its derivative on the right.

    rows: list of ``(name, f_values, derivative_values)``, each array of the shape of ``x`` (a fine grid);
    jumps are drawn as gaps. Every derivative panel has the same y range, so that they can be compared.
    """
    fig, axes = plt.subplots(len(rows), 2, figsize=(8, 1.75 * len(rows)), squeeze=False)
    for (name, f, df), (ax_f, ax_d) in zip(rows, axes):
        ax_f.plot(*_with_gaps(x, f), color="tab:blue")
        ax_d.plot(*_with_gaps(x, df), color="tab:red")
        ax_f.set_ylabel(name, fontsize=11)
        for ax in (ax_f, ax_d):
            ax.axhline(0, color="black", lw=0.6)
            ax.axvline(0, color="black", lw=0.6)
            ax.grid(alpha=0.3)
        ax_d.set_ylim(-0.15, 1.15)
    axes[0, 0].set_title("activation g(x)")
    axes[0, 1].set_title("derivative g'(x)")
    for ax in axes[-1]:
        ax.set_xlabel("x")
    fig.tight_layout()
    return fig


def plot_gradient_norms(norms, title="gradient reaching each layer"):
    """``norms``: {label: sequence of ||dW|| per layer, first layer first}, on a log scale."""
    fig, ax = plt.subplots(figsize=(6.5, 3.4))
    for label, values in norms.items():
        values = np.asarray(values, dtype=float)
        ax.semilogy(np.arange(1, len(values) + 1), values, marker="o", label=label)
    n = max(len(v) for v in norms.values())
    ax.set_xticks(np.arange(1, n + 1))
    ax.set_xlabel("layer (1 = next to the input, %d = output layer)" % n)
    ax.set_ylabel("norm of the weight gradient ||dW||")
    ax.set_title(title)
    ax.grid(alpha=0.3, which="both")
    ax.legend()
    fig.tight_layout()
    return fig


def plot_layer_histograms(activations, title, xlim, positive_only=False, bins=40):
    """A grid of histograms: one row per initialisation, one column per layer, all on the range ``xlim``.

    activations: {row label: list of arrays, one per layer}. Each panel is titled with the standard
    deviation of all of that layer's values. Values outside ``xlim`` are piled up in the edge bins, so
    that a layer whose values are all huge shows as a bar at the right edge. ``positive_only`` leaves
    out values <= 0 (the zeros of a ReLU) from the histogram, not from the standard deviation.
    """
    labels = list(activations)
    n_layers = max(len(v) for v in activations.values())
    fig, axes = plt.subplots(len(labels), n_layers, figsize=(1.35 * n_layers, 1.45 * len(labels) + 0.6),
                             squeeze=False)
    for r, label in enumerate(labels):
        for c in range(n_layers):
            ax = axes[r, c]
            ax.set_yticks([])
            if c >= len(activations[label]):
                ax.axis("off")
                continue
            values = np.asarray(activations[label][c], dtype=float).ravel()
            std = values.std()
            if positive_only:
                values = values[values > 0]
            counts, edges = np.histogram(np.clip(values, *xlim), bins=bins, range=xlim)
            ax.stairs(counts, edges, fill=True, color=plt.cm.tab10(r))   # one artist, not one bar per bin: fast to draw
            ax.set_title(f"σ = {std:.2g}", fontsize=8)
            ax.tick_params(axis="x", labelsize=7)
            ax.set_xlim(*xlim)
            ax.set_xticks([xlim[0], 0, xlim[1]] if xlim[0] < 0 < xlim[1] else list(xlim))
            if c == 0:
                ax.set_ylabel(label, fontsize=9)
            if r == 0:
                ax.text(0.5, 1.38, f"layer {c + 1}", transform=ax.transAxes, ha="center", fontsize=9)
    fig.suptitle(title, fontsize=11)
    fig.subplots_adjust(left=0.05, right=0.99, bottom=0.06, top=0.84, wspace=0.15, hspace=0.55)
    return fig


def plot_std_per_layer(stds, title):
    """``stds``: {label: standard deviation of the activations per layer}; a log-scale line per label."""
    fig, ax = plt.subplots(figsize=(6.5, 3.2))
    for label, values in stds.items():
        values = np.asarray(values, dtype=float)
        ax.semilogy(np.arange(1, len(values) + 1), values, marker="o", label=label)
    ax.set_xlabel("layer")
    ax.set_ylabel("std of the activations")
    ax.set_title(title)
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_descent_paths(panels, curves=None, best=None):
    """Loss contours with the path gradient descent took, one panel per entry, and optionally the loss curves.

    panels: list of dicts with ``w1``, ``w2`` (1-D grids), ``loss`` (2-D, rows along w2),
    ``path`` ((steps, 2) array of (w1, w2)), ``title``, ``xlabel``, ``ylabel``, optionally ``best``
    (the (w1, w2) of the lowest loss, marked with a cross).
    curves: {label: loss per step}, drawn on log scales in a last panel, with a dashed line at the
    loss ``best`` if given.
    """
    n = len(panels) + (curves is not None)
    fig, axes = plt.subplots(1, n, figsize=(4.3 * n, 4.0), squeeze=False)
    for ax, p in zip(axes[0], panels):
        lo, hi = p["loss"].min(), p["loss"].max()
        levels = lo + (hi - lo) * np.geomspace(1e-3, 1.0, 15)
        ax.contour(p["w1"], p["w2"], p["loss"], levels=levels, cmap="viridis", linewidths=0.8)
        path = np.asarray(p["path"])
        ax.plot(path[:, 0], path[:, 1], "-", color="tab:red", lw=1.2, marker=".", ms=3, label="gradient descent")
        ax.plot(*path[0], "o", color="black", label="start")
        ax.plot(*path[-1], "*", color="tab:red", ms=12, label=f"after {len(path) - 1} steps")
        ax.set_title(p["title"], fontsize=10)
        ax.set_xlabel(p["xlabel"])
        ax.set_ylabel(p["ylabel"])
        ax.set_aspect("equal")
        ax.legend(fontsize=8, loc="best")
    for ax, p in zip(axes[0], panels):
        if "best" in p:
            ax.plot(*p["best"], "x", color="black", ms=9, mew=2, label="lowest loss")
            ax.legend(fontsize=8, loc="best")
    if curves is not None:
        ax = axes[0, -1]
        for label, losses in curves.items():
            losses = np.asarray(losses, dtype=float)
            ax.loglog(np.arange(1, len(losses) + 1), losses, label=label)
        if best is not None:
            ax.axhline(best, color="gray", ls="--", lw=0.8, label="lowest loss")
        ax.set_xlabel("step of gradient descent + 1 (log scale)")
        ax.set_ylabel("loss (log scale)")
        ax.set_title("training speed", fontsize=10)
        ax.grid(alpha=0.3, which="both")
        ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_class_regions(predict_fns, titles, X, y, resolution=200, pad=0.15):
    """Colour the plane by the class each classifier predicts, one panel per classifier, data on top.

    predict_fns: functions mapping points (M, 2) to integer classes (M,); X (N, 2), y (N,) integer labels.
    """
    X = np.asarray(X, dtype=float)
    lo, hi = X.min(axis=0) - pad, X.max(axis=0) + pad
    g1, g2 = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    grid = np.column_stack([g1.ravel(), g2.ravel()])
    n_classes = int(np.max(y)) + 1
    cmap = plt.matplotlib.colors.ListedColormap(plt.cm.tab10(np.arange(n_classes)))
    fig, axes = plt.subplots(1, len(predict_fns), figsize=(3.6 * len(predict_fns), 3.5), squeeze=False)
    for ax, fn, title in zip(axes[0], predict_fns, titles):
        regions = np.asarray(fn(grid)).reshape(g1.shape)
        ax.contourf(g1, g2, regions, levels=np.arange(n_classes + 1) - 0.5, cmap=cmap, alpha=0.25)
        ax.scatter(X[:, 0], X[:, 1], c=np.asarray(y), cmap=cmap, vmin=-0.5, vmax=n_classes - 0.5,
                   s=12, edgecolors="black", linewidths=0.4)
        ax.set_title(title, fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_aspect("equal")
    fig.tight_layout()
    return fig
