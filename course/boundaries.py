"""Two-dimensional toy data and pictures of what a classifier decides on it.

With two input features every point of the plane is a possible input, so we
can colour the whole plane by the probability a classifier gives to class 1
and draw the line where that probability is one half: the decision boundary.
The classifier is passed in as a function, so these pictures work for a single
neuron and for a network alike.
"""
import numpy as np
import matplotlib.pyplot as plt

XOR_POINTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_LABELS = np.array([0, 1, 1, 0])


def two_blobs(n_per_class=100, seed=0, centers=((-1.0, -0.5), (1.5, 1.5)), std=1.0):
    """Two round Gaussian clouds of points in the plane, one per class.

    Returns ``X`` (2 * n_per_class, 2) float64 and ``y`` (2 * n_per_class,)
    int64 in {0, 1}; class 0 is drawn around ``centers[0]``, class 1 around
    ``centers[1]``, each coordinate with standard deviation ``std``. The rows
    are shuffled; the same ``seed`` gives the same points.
    """
    rng = np.random.default_rng(seed)
    centers = np.asarray(centers, dtype=np.float64)
    X = np.concatenate([c + std * rng.standard_normal((n_per_class, 2)) for c in centers])
    y = np.repeat(np.arange(len(centers)), n_per_class)
    order = rng.permutation(len(y))
    return X[order], y[order].astype(np.int64)


def _limits(X, lim, pad=0.5):
    if lim is not None:
        return lim
    if X is None or len(X) == 0:
        return ((-1.0, 1.0), (-1.0, 1.0))
    lo, hi = X.min(axis=0) - pad, X.max(axis=0) + pad
    return ((lo[0], hi[0]), (lo[1], hi[1]))


def scatter_classes(ax, X, y, size=30):
    """Class 0 as blue circles, class 1 as red triangles."""
    X = np.asarray(X, dtype=float)
    y = np.asarray(y).ravel()
    for label, color, marker in ((0, "tab:blue", "o"), (1, "tab:red", "^")):
        pts = X[y == label]
        ax.scatter(pts[:, 0], pts[:, 1], s=size, c=color, marker=marker,
                   edgecolors="black", linewidths=0.6, label=f"class {label}", zorder=3)


def plot_decision_regions(prob_fn, X=None, y=None, ax=None, title=None, lim=None,
                          resolution=200, colorbar=False, size=30):
    """Colour the plane by ``prob_fn`` and draw its 0.5 contour, the decision boundary.

    ``prob_fn`` maps grid points ``(M, 2)`` to probabilities of class 1, shape
    ``(M,)`` or ``(M, 1)``. ``X`` ``(N, 2)`` and ``y`` ``(N,)`` are drawn on top
    when given. ``lim`` is ``((x1_min, x1_max), (x2_min, x2_max))``; by default
    it is the data's range with a margin. Returns the Figure.
    """
    if ax is None:
        fig, ax = plt.subplots(figsize=(4, 4))
    (x0, x1), (y0, y1) = _limits(X, lim)
    g1, g2 = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    grid = np.column_stack([g1.ravel(), g2.ravel()])
    prob = np.asarray(prob_fn(grid), dtype=float).reshape(g1.shape)
    filled = ax.contourf(g1, g2, prob, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.55, vmin=0, vmax=1)
    if prob.min() < 0.5 < prob.max():
        ax.contour(g1, g2, prob, levels=[0.5], colors="black", linewidths=1.5)
    if X is not None and y is not None:
        scatter_classes(ax, X, y, size=size)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    if title:
        ax.set_title(title)
    if colorbar:
        ax.figure.colorbar(filled, ax=ax, label="P(class 1)", shrink=0.8)
    return ax.figure


def plot_region_grid(prob_fns, titles, X=None, y=None, lim=None, ncols=3, size=3.2, resolution=150):
    """Several ``plot_decision_regions`` side by side (e.g. snapshots during training). Returns the Figure."""
    n = len(prob_fns)
    ncols = min(ncols, n)
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows), squeeze=False)
    lim = _limits(X, lim)
    for ax, fn, title in zip(axes.flat, prob_fns, titles):
        plot_decision_regions(fn, X, y, ax=ax, title=title, lim=lim, resolution=resolution, size=18)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    fig.tight_layout()
    return fig
