"""Pictures for lecture 07 (batch normalisation). Plotting only: no graded function lives here."""
import numpy as np
import matplotlib.pyplot as plt


def _smooth(values, width):
    values = np.asarray(values, dtype=float)
    if len(values) < width or width <= 1:
        return np.arange(len(values)), values
    kernel = np.ones(width) / width
    return np.arange(width - 1, len(values)), np.convolve(values, kernel, mode="valid")


def plot_layer_spread(spread_by_label, title="spread of the activations, layer by layer"):
    """``spread_by_label``: {label: [std of layer 1's output, std of layer 2's output, ...]}, on a log scale."""
    fig, ax = plt.subplots(figsize=(6, 3.4))
    for label, spread in spread_by_label.items():
        ax.plot(np.arange(1, len(spread) + 1), spread, marker="o", label=label)
    ax.set_yscale("log")
    ax.set_xlabel("hidden layer")
    ax.set_ylabel("standard deviation of its output")
    ax.set_title(title)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_normalised_batch(before, after, names=("unit 1", "unit 2")):
    """Two units of a batch before and after batch normalisation, as a scatter plot each."""
    fig, axes = plt.subplots(1, 2, figsize=(8, 3.4))
    for ax, data, title in zip(axes, (before, after), ("before: affine output", "after: (x - mean) / std")):
        ax.scatter(data[:, 0], data[:, 1], s=8, alpha=0.6)
        ax.axhline(0, color="black", lw=0.6)
        ax.axvline(0, color="black", lw=0.6)
        m, s = data.mean(axis=0), data.std(axis=0)
        ax.set_title(f"{title}\nmean ({m[0]:.2f}, {m[1]:.2f}), std ({s[0]:.2f}, {s[1]:.2f})", fontsize=9)
        ax.set_xlabel(names[0])
        ax.set_ylabel(names[1])
    lim = max(np.abs(after).max(), 1) * 1.1
    axes[1].set_xlim(-lim, lim)
    axes[1].set_ylim(-lim, lim)
    fig.tight_layout()
    return fig


def plot_running_averages(batch_means, running_by_label, true_value):
    """The batch means of one unit, the running averages that follow them, and the value they estimate."""
    fig, ax = plt.subplots(figsize=(7, 3.4))
    ax.plot(batch_means, ".", color="gray", alpha=0.5, ms=4, label="mean of each mini-batch")
    for label, running in running_by_label.items():
        ax.plot(running, lw=2, label=label)
    ax.axhline(true_value, color="black", ls="--", lw=1, label="mean over the whole training set")
    ax.set_xlabel("training step")
    ax.set_ylabel("mean of one unit")
    ax.set_title("running averages follow the batch statistics")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_deep_training(curves, smooth=10):
    """``curves``: {weight_scale: {label: list of training losses}}; one panel per weight scale.

    A run whose loss became NaN or infinite is cut where it happened and marked "diverged".
    """
    fig, axes = plt.subplots(1, len(curves), figsize=(5.2 * len(curves), 3.6), squeeze=False)
    for ax, (scale, runs) in zip(axes[0], curves.items()):
        for (label, losses), color in zip(runs.items(), ("tab:red", "tab:blue", "tab:green", "tab:orange")):
            losses = np.asarray(losses, dtype=float)
            bad = np.flatnonzero(~np.isfinite(losses) | (losses > 50))
            end = bad[0] if len(bad) else len(losses)
            ax.plot(losses[:end], color=color, alpha=0.2, lw=0.8)
            x, y = _smooth(losses[:end], smooth)
            ax.plot(x, y, color=color, lw=2, label=label + (f" (diverged at step {end})" if len(bad) else ""))
            if len(bad):   # where it left the chart
                ax.plot([max(end - 1, 0)], [3.85], "x", color=color, ms=10, mew=2, clip_on=False)
        ax.axhline(np.log(10), color="gray", ls=":", lw=1)
        ax.text(0, np.log(10) + 0.05, "log 10: guessing", color="gray", fontsize=8, va="bottom")
        ax.set_ylim(0, 4)
        ax.set_xlabel("training step (mini-batch of 100)")
        ax.set_ylabel("training loss")
        ax.set_title(f"weight_scale = {scale}")
        ax.legend(fontsize=8)
    fig.suptitle("8 hidden layers of 100 units, same learning rate, same data")
    fig.tight_layout()
    return fig


def plot_drift(steps, stats_by_label):
    """``stats_by_label``: {label: array (len(steps), layers, 2) of (mean, std) of each ReLU's input over training}."""
    fig, axes = plt.subplots(2, len(stats_by_label), figsize=(5.2 * len(stats_by_label), 5.4), squeeze=False,
                             sharex=True, sharey="row")
    for col, (label, stats) in enumerate(stats_by_label.items()):
        stats = np.asarray(stats)
        colors = plt.cm.viridis(np.linspace(0, 0.9, stats.shape[1]))
        for layer in range(stats.shape[1]):
            for row in range(2):
                axes[row, col].plot(steps, stats[:, layer, row], color=colors[layer], label=f"layer {layer + 1}")
        axes[0, col].set_title(label, fontsize=10)
        axes[0, col].set_ylabel("mean of the ReLU's input")
        axes[1, col].set_ylabel("std of the ReLU's input")
        axes[1, col].set_xlabel("training step")
    axes[0, -1].legend(fontsize=7, ncol=2)
    fig.tight_layout()
    return fig
