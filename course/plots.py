"""Plots the lectures draw. Each returns the matplotlib ``Figure`` it made."""
import numpy as np
import matplotlib.pyplot as plt


def plot_scores_and_probabilities(labels, scores, probs, title=None):
    """Two bar charts side by side: raw class scores and the probabilities softmax makes of them."""
    scores = np.asarray(scores, dtype=float).ravel()
    probs = np.asarray(probs, dtype=float).ravel()
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(8, 2.8))
    colors = plt.cm.tab10(np.arange(len(labels)))
    ax1.bar(labels, scores, color=colors)
    ax1.axhline(0, color="black", lw=0.8)
    ax1.set_title("scores (any real number)")
    ax2.bar(labels, probs, color=colors)
    ax2.set_ylim(0, 1)
    ax2.set_title("softmax probabilities (sum to 1)")
    for i, p in enumerate(probs):
        ax2.text(i, p + 0.02, f"{p:.3f}", ha="center")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_training_curves(losses, train_acc=None, val_acc=None, smooth=20):
    """Loss per iteration (raw and a moving average) and, if given, accuracy per epoch."""
    losses = np.asarray(losses, dtype=float)
    ncols = 2 if train_acc is not None or val_acc is not None else 1
    fig, axes = plt.subplots(1, ncols, figsize=(5 * ncols, 3.2), squeeze=False)
    ax = axes[0, 0]
    ax.plot(losses, color="tab:blue", alpha=0.3, lw=0.8, label="mini-batch loss")
    if len(losses) >= smooth > 1:
        avg = np.convolve(losses, np.ones(smooth) / smooth, mode="valid")
        ax.plot(np.arange(smooth - 1, len(losses)), avg, color="tab:blue", label=f"average of {smooth}")
    ax.set_xlabel("iteration")
    ax.set_ylabel("loss")
    ax.set_title("training loss")
    ax.legend()
    if ncols == 2:
        ax = axes[0, 1]
        for acc, name in ((train_acc, "training"), (val_acc, "validation")):
            if acc is not None:
                ax.plot(np.arange(1, len(acc) + 1), acc, marker="o", label=name)
        ax.set_xlabel("epoch")
        ax.set_ylabel("accuracy")
        ax.set_title("accuracy")
        ax.legend()
    fig.tight_layout()
    return fig


def show_images(images, titles=None, ncols=10, size=1.2, cmap="gray", symmetric=False):
    """A grid of 28x28 (or any square) images given as rows of pixels or as 2-D arrays."""
    images = np.asarray(images, dtype=float)
    n = len(images)
    side = int(round(np.sqrt(images[0].size)))
    ncols = min(ncols, n)
    nrows = int(np.ceil(n / ncols))
    title_lines = max((str(t).count("\n") + 1 for t in titles), default=0) if titles is not None else 0
    # each row is an image plus its title: room for every line of the title, so no title covers the row above
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, nrows * (size + 0.2 * title_lines)), squeeze=False)
    for k, ax in enumerate(axes.ravel()):
        ax.axis("off")
        if k >= n:
            continue
        img = images[k].reshape(side, side)
        if symmetric:
            lim = np.abs(img).max() or 1.0
            ax.imshow(img, cmap=cmap, vmin=-lim, vmax=lim)
        else:
            ax.imshow(img, cmap=cmap)
        if titles is not None:
            ax.set_title(str(titles[k]), fontsize=9)
    fig.tight_layout()
    return fig


def show_class_weights(W, class_names=None):
    """Each column of a (784, C) weight matrix as a 28x28 picture on one shared colour scale, with its colour bar:
    red pixels push a class's score up where the input has ink, blue push it down."""
    W = np.asarray(W, dtype=float)
    names = class_names if class_names is not None else [str(c) for c in range(W.shape[1])]
    side = int(round(np.sqrt(W.shape[0])))
    lim = np.abs(W).max() or 1.0
    fig, axes = plt.subplots(1, W.shape[1], figsize=(1.4 * W.shape[1] + 0.8, 1.9), squeeze=False)
    for ax, column, name in zip(axes[0], W.T, names):
        shown = ax.imshow(column.reshape(side, side), cmap="bwr", vmin=-lim, vmax=lim)
        ax.set_title(name, fontsize=9)
        ax.axis("off")
    fig.colorbar(shown, ax=list(axes[0]), fraction=0.02, pad=0.02, label="weight")
    return fig
