"""Pictures for lecture 06 (dropout). Each function returns the matplotlib ``Figure`` it made.

Nothing here is graded: the dropout layer itself is the student's exercise and lives only in the notebook.
"""
import numpy as np
import matplotlib.pyplot as plt


def _draw_network(ax, layer_sizes, kept, title):
    """One network on ``ax``: units as circles, a line for every connection between two kept units."""
    n_layers = len(layer_sizes)
    xs = np.linspace(0.0, 1.0, n_layers)
    tallest = max(layer_sizes)
    ys = [(np.arange(n) - (n - 1) / 2) / max(tallest - 1, 1) for n in layer_sizes]
    for i in range(n_layers - 1):
        for a in range(layer_sizes[i]):
            for b in range(layer_sizes[i + 1]):
                if kept[i][a] and kept[i + 1][b]:
                    ax.plot([xs[i], xs[i + 1]], [ys[i][a], ys[i + 1][b]], color="tab:gray", lw=0.7, alpha=0.6, zorder=1)
    colours = ["tab:blue"] + ["tab:orange"] * (n_layers - 2) + ["tab:green"]
    for i in range(n_layers):
        for a in range(layer_sizes[i]):
            if kept[i][a]:
                ax.scatter(xs[i], ys[i][a], s=220, color=colours[i], edgecolor="black", zorder=3)
            else:
                ax.scatter(xs[i], ys[i][a], s=220, facecolor="white", edgecolor="lightgray", zorder=3)
                ax.scatter(xs[i], ys[i][a], s=120, marker="x", color="tab:red", zorder=4)
    names = ["input"] + [f"hidden {k}" for k in range(1, n_layers - 1)] + ["output"]
    for x, name in zip(xs, names):
        ax.text(x, -0.62, name, ha="center", va="top", fontsize=9)
    ax.set_title(title, fontsize=10)
    ax.set_xlim(-0.1, 1.1)
    ax.set_ylim(-0.72, 0.6)
    ax.axis("off")


def draw_thinned_networks(layer_sizes, masks, titles=None):
    """The full network, then one thinned network per entry of ``masks``.

    layer_sizes: units per layer, input first, output last, e.g. ``[6, 8, 8, 3]``.
    masks: a list; each entry is one boolean array per layer except the output (True = kept).
    The output units are never dropped. Dropped units are drawn hollow with a red cross, and every
    connection that touches one is gone: that is the network this training step actually uses.
    """
    full = [np.ones(n, dtype=bool) for n in layer_sizes]
    nets = [full] + [[np.asarray(m, dtype=bool) for m in mask] + [full[-1]] for mask in masks]
    if titles is None:
        titles = ["the full network (test time)"] + [f"thinned network, step {k}" for k in range(1, len(masks) + 1)]
    fig, axes = plt.subplots(1, len(nets), figsize=(3.6 * len(nets), 3.4))
    for ax, kept, title in zip(np.atleast_1d(axes), nets, titles):
        _draw_network(ax, layer_sizes, kept, title)
    fig.tight_layout()
    return fig


def plot_overfitting(histories, title=None):
    """Learning curves of one or more training runs on one figure.

    histories: ``{name: history}``, each history a dict with lists ``train_acc``, ``val_acc`` and
    ``val_loss`` (one entry per epoch). Left: training accuracy (dashed) and validation accuracy (solid),
    one colour per run, with the final gap written at the end of the curves. Right: the validation loss.
    """
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 3.8))
    for k, (name, h) in enumerate(histories.items()):
        colour = f"C{k}"
        epochs = np.arange(1, len(h["val_acc"]) + 1)
        gap = h["train_acc"][-1] - h["val_acc"][-1]
        ax1.plot(epochs, h["train_acc"], "--", color=colour, lw=1.2)
        ax1.plot(epochs, h["val_acc"], "-", color=colour, lw=1.8, label=f"{name} (final gap {gap:.1%})")
        ax2.plot(epochs, h["val_loss"], "-", color=colour, lw=1.8, label=name)
    ax1.plot([], [], "--", color="black", lw=1.2, label="dashed: training images")
    ax1.plot([], [], "-", color="black", lw=1.8, label="solid: validation images")
    ax1.set_xlabel("epoch")
    ax1.set_ylabel("accuracy")
    ax1.set_title("accuracy")
    lowest = min(min(h["val_acc"][len(h["val_acc"]) // 5:]) for h in histories.values()) if histories else 0.5
    ax1.set_ylim(max(0.0, lowest - 0.08), 1.005)
    ax1.grid(alpha=0.3)
    ax1.legend(fontsize=8, loc="lower right")
    ax2.set_xlabel("epoch")
    ax2.set_ylabel("cross-entropy")
    ax2.set_title("validation loss")
    ax2.grid(alpha=0.3)
    ax2.legend(fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig
