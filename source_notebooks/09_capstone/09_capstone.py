# %% [markdown] id="header"
# # Lecture 09 · Capstone: MNIST end to end
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({{COLAB_URL}})
#
# The lecture notes end with two Keras models for handwritten digits: a dense network, 784–512–10, that reached **91.5 %** on
# the MNIST test images, and a convolutional network that reached **97.7 %**. You now have every piece of both, written by
# yourself in NumPy. In this last lecture you train them side by side on the same data, watch their learning curves, and then
# look past the single accuracy number: a **confusion matrix** says which digits each model mixes up, and the misclassified
# images show what they find hard. The lecture ends with experiments on what to try next.
#
# You will write one piece:
#
# | function | what it does |
# |---|---|
# | `confusion_matrix(y_true, y_pred, num_classes)` | a `(C, C)` table of counts: row = true digit, column = predicted digit |
#
# **How to work through this notebook.** Read top to bottom and run each cell in order (Shift+Enter).
# The cell marked *Your turn* contains `# YOUR CODE HERE` and `raise NotImplementedError()`: replace both with your code.
# The cell after it runs *checks*; if one fails, its message says what is wrong. When you hand the notebook in, hidden tests
# check the same function more thoroughly. In Colab: save with Ctrl+S (⌘+S) and download the notebook with
# *File → Download → Download .ipynb*.

# %% setup id="setup"

# %% [markdown] id="given-intro"
# ### Given: the layers of the course
#
# The dense layers and ReLU of lecture 03, the softmax loss of lecture 02, the SGD steps and the cosine schedule of lecture 05,
# batch normalisation of lecture 07 (for an experiment at the end), and `im2col` with the fast convolution of lecture 08, as
# correct versions. The fast backward passes of convolution and pooling come from `course/conv_fast.py`, as in lecture 08.

# %% given="03_backprop:affine_forward,affine_backward,relu_forward,relu_backward" id="given-layers"

# %% given="02_softmax:softmax_cross_entropy" id="given-loss"

# %% given="05_optimisation:sgd,sgd_momentum,cosine_decay" id="given-optim"

# %% given="07_batchnorm:batchnorm_forward,batchnorm_backward_alt" id="given-bn"

# %% given="08_cnn:im2col,conv_forward_im2col" id="given-conv"

# %% [markdown] id="data-intro"
# ## 1. The data
#
# The loader gives full MNIST (60,000 training and 10,000 test images) when it can download it, in Colab for instance, and
# otherwise the course's subset (4,000 training and 1,000 test images), and prints which. We set 10 % of the training images
# aside as a **validation set** to draw the learning curves on; the test images are used once, at the end.

# %% id="load-mnist"
from course.data import load_mnist
from course.conv_fast import conv_backward_im2col, max_pool_forward_fast, max_pool_backward_fast
from course.memory import reuse_freed_memory
from course.progress import progress
import time

print("freed memory kept for reuse (lecture 08, section 9):", reuse_freed_memory())
data = load_mnist()
X_train, y_train, X_val, y_val = data.validation_split(fraction=0.1, seed=0)   # 10 % of the training images, at random
X_test, y_test = data.X_test, data.y_test
print(f"train {X_train.shape}, validation {X_val.shape}, test {X_test.shape}")


# %% [markdown] id="models-intro"
# ## 2. The two models of the notes
#
# **The dense network**: `Dense(512, relu)` on the 784 pixels, then `Dense(10, softmax)`: $401{,}920 + 5{,}130 = 407{,}050$
# parameters. The notes train it with Keras' plain SGD (learning rate 0.01) for 5 epochs in batches of 128, that is
# $5 \cdot 60{,}000 / 128 \approx 2{,}300$ steps. On the 3,600 training images of the subset, 5 epochs would be only 140 steps; we
# keep the batch size and plain SGD but take 20 epochs and a larger step, 0.5 at first, falling to 0 along a half cosine (of
# 0.1, 0.2, 0.3 and 0.5, the one with the best validation accuracy; on full MNIST, 5 epochs from 0.1).
#
# **The CNN**: three 3×3 convolutions with 32, 64 and 64 filters, two 2×2 max poolings, a dense layer of 64 and the output layer,
# 93,322 parameters, exactly lecture 08's `NotesCNN`. The notes train it with plain SGD for 5 epochs in batches of 64; lecture 08's
# recipe (momentum 0.9, learning rate 0.02 falling along a cosine, float32) reaches a good accuracy in the same 5 epochs on the
# much smaller subset.
#
# Both loops record the training loss of every step and, after every epoch, the accuracy on the training and validation images.
#
# **Time.** The cell prints the seconds per epoch it measured, and what full MNIST would take at that speed. On the course's
# 2-core test machine (one BLAS thread, nothing else running) the CNN took 1.4 s per epoch of the 3,600 subset images, so an
# epoch of full MNIST's 54,000 would take about 20 s there, under 2 minutes for the 5 epochs: an estimate scaled by the number
# of images, not a measurement on full MNIST. The dense net takes 0.2 s per epoch of the subset.

# %% id="dense-model"
class DenseNet:
    """The notes' 784-512-10 network: affine - ReLU - affine - softmax."""

    def __init__(self, hidden=512, seed=0, dtype=np.float64):
        rng = np.random.default_rng(seed)
        self.params = {"W1": (rng.standard_normal((784, hidden)) * np.sqrt(2 / 784)).astype(dtype),
                       "b1": np.zeros(hidden, dtype=dtype),
                       "W2": (rng.standard_normal((hidden, 10)) * np.sqrt(2 / hidden)).astype(dtype),
                       "b2": np.zeros(10, dtype=dtype)}

    def forward(self, X):
        p = self.params
        h, c1 = affine_forward(X.reshape(len(X), -1), p["W1"], p["b1"])
        a, c2 = relu_forward(h)
        scores, c3 = affine_forward(a, p["W2"], p["b2"])
        return scores, (c1, c2, c3)

    def loss(self, X, y):
        scores, (c1, c2, c3) = self.forward(X)
        loss, dscores = softmax_cross_entropy(scores, y)
        da, dW2, db2 = affine_backward(dscores, c3)
        _, dW1, db1 = affine_backward(relu_backward(da, c2), c1)
        return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}

    def scores(self, X, batch_size=500):
        return np.concatenate([self.forward(X[i:i + batch_size])[0] for i in range(0, len(X), batch_size)])


# %% id="cnn-model"
def spatial_batchnorm_forward(x, gamma, beta, bn_param):
    """Lecture 07's batch norm per channel: every image and position of a channel is one sample of that channel."""
    N, C, H, W = x.shape
    out, cache = batchnorm_forward(x.transpose(0, 2, 3, 1).reshape(-1, C), gamma, beta, bn_param)
    return out.reshape(N, H, W, C).transpose(0, 3, 1, 2), cache


def spatial_batchnorm_backward(dout, cache):
    N, C, H, W = dout.shape
    dx, dgamma, dbeta = batchnorm_backward_alt(dout.transpose(0, 2, 3, 1).reshape(-1, C), cache)
    return dx.reshape(N, H, W, C).transpose(0, 3, 1, 2), dgamma, dbeta


class NotesCNN:
    """Lecture 08's CNN: conv32 - pool - conv64 - pool - conv64 - dense64 - dense10, 93,322 parameters.

    For the experiments of section 5: `hidden` sets the size of the dense layer (64 in the notes), `batchnorm=True` puts a
    batch normalisation right after each convolution. As in lecture 08 the ReLU comes after the pooling (the same function).
    """

    conv_shapes = [(32, 1), (64, 32), (64, 64)]

    def __init__(self, seed=0, dtype=np.float32, hidden=64, batchnorm=False):
        rng = np.random.default_rng(seed)
        self.params = {}
        for k, (filters, channels) in enumerate(self.conv_shapes, start=1):
            self.params[f"W{k}"] = (rng.standard_normal((filters, channels, 3, 3)) * np.sqrt(2 / (channels * 9))).astype(dtype)
            self.params[f"b{k}"] = np.zeros(filters, dtype=dtype)
        for k, (d_in, d_out) in ((4, (576, hidden)), (5, (hidden, 10))):
            self.params[f"W{k}"] = (rng.standard_normal((d_in, d_out)) * np.sqrt(2 / d_in)).astype(dtype)
            self.params[f"b{k}"] = np.zeros(d_out, dtype=dtype)
        self.bn_params = {}
        if batchnorm:
            for k, (filters, _) in enumerate(self.conv_shapes, start=1):
                self.params[f"gamma{k}"] = np.ones(filters, dtype=dtype)
                self.params[f"beta{k}"] = np.zeros(filters, dtype=dtype)
                self.bn_params[k] = {"running_mean": np.zeros(filters, dtype=dtype),
                                     "running_var": np.ones(filters, dtype=dtype)}
        self.conv_param = {"stride": 1, "pad": 0}
        self.pool_param = {"pool_height": 2, "pool_width": 2, "stride": 2}

    def forward(self, X, mode="test"):
        p, caches, h = self.params, [], X.reshape(len(X), 1, 28, 28)
        for k in (1, 2, 3):
            h, conv_cache = conv_forward_im2col(h, p[f"W{k}"], p[f"b{k}"], self.conv_param)
            bn_cache = None
            if k in self.bn_params:
                self.bn_params[k]["mode"] = mode
                h, bn_cache = spatial_batchnorm_forward(h, p[f"gamma{k}"], p[f"beta{k}"], self.bn_params[k])
            pool_cache = None
            if k < 3:       # pooling, then the ReLU: the same function on a quarter of the numbers (lecture 08)
                h, pool_cache = max_pool_forward_fast(h, self.pool_param)
            h, relu_cache = relu_forward(h)
            caches.append((conv_cache, bn_cache, relu_cache, pool_cache))
        h, dense_cache = affine_forward(h, p["W4"], p["b4"])
        h, relu_cache = relu_forward(h)
        scores, out_cache = affine_forward(h, p["W5"], p["b5"])
        return scores, (caches, dense_cache, relu_cache, out_cache)

    def loss(self, X, y):
        scores, (caches, dense_cache, relu_cache, out_cache) = self.forward(X, mode="train")
        loss, dscores = softmax_cross_entropy(scores, y)
        grads = {}
        dh, grads["W5"], grads["b5"] = affine_backward(dscores, out_cache)
        dh, grads["W4"], grads["b4"] = affine_backward(relu_backward(dh, relu_cache), dense_cache)
        for k in (3, 2, 1):
            conv_cache, bn_cache, relu_cache_k, pool_cache = caches[k - 1]
            dh = relu_backward(dh, relu_cache_k)
            if pool_cache is not None:
                dh = max_pool_backward_fast(dh, pool_cache)
            if bn_cache is not None:
                dh, grads[f"gamma{k}"], grads[f"beta{k}"] = spatial_batchnorm_backward(dh, bn_cache)
            dh, grads[f"W{k}"], grads[f"b{k}"] = conv_backward_im2col(dh, conv_cache, input_grad=k > 1)   # no dx for the images
        return loss, grads

    def scores(self, X, batch_size=500):
        return np.concatenate([self.forward(X[i:i + batch_size])[0] for i in range(0, len(X), batch_size)])


for name, model in (("dense", DenseNet()), ("CNN", NotesCNN())):
    print(f"{name}: {sum(v.size for v in model.params.values()):,} parameters")


# %% id="train-loop"
def accuracy_of(model, X, y):
    return float(np.mean(model.scores(X).argmax(axis=1) == y))


def train(model, X, y, X_val, y_val, epochs, batch_size, learning_rate, momentum=0.0, cosine=False, seed=0, name=""):
    """Mini-batch SGD (lecture 05's sgd_momentum if momentum > 0, else its sgd), with lecture 05's cosine_decay of the learning
    rate if cosine; returns a history dict."""
    rng = np.random.default_rng(seed)
    configs = {k: {"momentum": momentum} for k in model.params}      # one config per parameter: its own velocity
    total = epochs * int(np.ceil(len(y) / batch_size))
    step = 0
    history = {"loss": [], "train_acc": [], "val_acc": [], "epoch_seconds": []}
    for epoch in progress(range(epochs), desc=name):
        start = time.perf_counter()
        order = rng.permutation(len(y))
        for first in range(0, len(y), batch_size):
            batch = order[first:first + batch_size]
            loss, grads = model.loss(X[batch], y[batch])
            # float(): a plain Python number, so that float32 weights stay float32 (a NumPy float64 would promote them)
            rate = float(cosine_decay(learning_rate, step, total)) if cosine else learning_rate
            for k in model.params:
                configs[k]["learning_rate"] = rate
                update = sgd_momentum if momentum > 0 else sgd
                model.params[k], configs[k] = update(model.params[k], grads[k], configs[k])
            history["loss"].append(float(loss))
            step += 1
        history["epoch_seconds"].append(time.perf_counter() - start)
        history["train_acc"].append(accuracy_of(model, X[:2000], y[:2000]))     # a sample of the training images
        history["val_acc"].append(accuracy_of(model, X_val, y_val))
    return history


# %% id="train-both"
subset = data.source == "subset"
dense_epochs = course.runtime.scaled(20 if subset else 5, when_grading=1)
cnn_epochs = course.runtime.scaled(5, when_grading=1)
n_grading = course.runtime.scaled(len(y_train), when_grading=256)       # while grading: a few images, one epoch

dense = DenseNet(seed=0)
dense_history = train(dense, X_train[:n_grading], y_train[:n_grading], X_val, y_val, epochs=dense_epochs,
                      batch_size=128, learning_rate=0.5 if subset else 0.1, cosine=True, name="dense 784-512-10")

X_train32, X_val32, X_test32 = (a.astype(np.float32) for a in (X_train, X_val, X_test))
cnn = NotesCNN(seed=0)
cnn_history = train(cnn, X_train32[:n_grading], y_train[:n_grading], X_val32, y_val, epochs=cnn_epochs, batch_size=64,
                    learning_rate=0.02, momentum=0.9, cosine=True, name="CNN")
n_seen = min(n_grading, len(y_train))
for name, h in (("dense", dense_history), ("CNN", cnn_history)):
    per_epoch = np.mean(h["epoch_seconds"])
    full = per_epoch * 54000 / n_seen          # seconds per epoch of full MNIST at this speed
    print(f"{name}: {len(h['epoch_seconds'])} epochs of {n_seen:,} images, {per_epoch:.1f} s per epoch on this machine"
          + (f"; full MNIST (54,000 training images) would take about "
             + (f"{full / 60:.1f} min" if full >= 60 else f"{full:.0f} s")
             + " per epoch here (an estimate, scaled by the number of images)" if n_seen < 54000 else ""))

# %% [markdown] id="curves-intro"
# ### Learning curves
#
# Left, the training loss of every step (a moving average; the x axis counts epochs, so both models fit on one axis). Right, the
# accuracy after each epoch, on the training images (dashed) and the validation images (solid).

# %% id="curves"
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 3.6))
for name, h, color in (("dense 784-512-10", dense_history, "tab:blue"), ("CNN", cnn_history, "tab:orange")):
    losses = np.asarray(h["loss"])
    steps_per_epoch = len(losses) / len(h["val_acc"])
    window = max(1, int(steps_per_epoch // 4))
    smooth = np.convolve(losses, np.ones(window) / window, mode="valid")
    ax1.plot((np.arange(len(smooth)) + window) / steps_per_epoch, smooth, color=color, label=name)
    epochs_axis = np.arange(1, len(h["val_acc"]) + 1)
    ax2.plot(epochs_axis, h["train_acc"], color=color, ls="--", marker=".", label=f"{name}, training")
    ax2.plot(epochs_axis, h["val_acc"], color=color, marker="o", label=f"{name}, validation")
ax1.set_yscale("log")
ax1.set_xlabel("epoch")
ax1.set_ylabel("training loss (log scale)")
ax1.set_title("training loss")
ax1.legend()
ax2.set_xlabel("epoch")
ax2.set_ylabel("accuracy")
lowest = min(min(h["train_acc"] + h["val_acc"]) for h in (dense_history, cnn_history))
ax2.set_ylim(max(0.0, min(0.85, np.floor(lowest * 50) / 50)), 1.0)     # every point on the axes, at most from 85 % when it can
ax2.set_title("accuracy after each epoch")
ax2.legend(fontsize=8)
fig.tight_layout()

# %% [markdown] id="test-intro"
# ### The test set, next to the notes
#
# Once, at the end: the held-out test images. On the course's subset (3,600 training images once the validation images are set
# aside) the dense net reaches at least 93 % and the CNN at least 96 %; on full MNIST expect the notes' figures or better.

# %% id="test-accuracy"
dense_scores = dense.scores(X_test)
cnn_scores = cnn.scores(X_test32)
dense_pred, cnn_pred = dense_scores.argmax(axis=1), cnn_scores.argmax(axis=1)
dense_acc, cnn_acc = np.mean(dense_pred == y_test), np.mean(cnn_pred == y_test)
print(f"{'':<22}{'parameters':>12}{'test accuracy here':>20}{'the notes (Keras)':>20}")
print(f"{'dense 784-512-10':<22}{407050:>12,}{dense_acc:>20.1%}{'91.5 %':>20}")
print(f"{'CNN':<22}{93322:>12,}{cnn_acc:>20.1%}{'97.7 %':>20}")
print(f"(here: {data.description}; the notes: full MNIST, 60,000 training / 10,000 test images)")
course.runtime.expect_accuracy(dense_acc, at_least=0.93 if subset else 0.95, description="dense 784-512-10, " + data.description)
course.runtime.expect_accuracy(cnn_acc, at_least=0.96 if subset else 0.98, description="the notes' CNN, " + data.description)


# %% [markdown] id="confusion-intro"
# ## 3. The confusion matrix
#
# An accuracy of 96 % says that 4 digits in 100 are wrong, but not which. The **confusion matrix** counts, for every pair
# (true digit $t$, predicted digit $p$), how many test images of digit $t$ the model called $p$:
#
# $$M[t, p] = \#\{\, k : y_\text{true}[k] = t \text{ and } y_\text{pred}[k] = p \,\}.$$
#
# **Rows are the truth, columns the prediction** (scikit-learn's convention too). So:
#
# * the diagonal $M[t, t]$ counts the correct answers, and the trace divided by the total is the accuracy;
# * row $t$ sums to the number of test images of digit $t$; $M[t, t]$ divided by that is the **recall** of digit $t$, the share
#   of the real $t$s the model finds;
# * column $p$ sums to how often the model said $p$; $M[p, p]$ divided by that is the **precision** of $p$, how often "it is a
#   $p$" is right;
# * a large off-diagonal entry $M[t, p]$ names a confusion: "$t$ is often taken for $p$". The matrix need not be symmetric: 4s
#   taken for 9s is not the same mistake as 9s taken for 4s.
#
# A tiny example with 3 classes: `y_true = [0, 0, 1, 2, 2, 2]` and `y_pred = [0, 1, 1, 2, 0, 2]` give
#
# $$M = \begin{pmatrix} 1 & 1 & 0 \\ 0 & 1 & 0 \\ 1 & 0 & 2 \end{pmatrix}:$$
#
# one 0 right and one 0 taken for a 1 (row 0), the 1 right (row 1), and of the three 2s one taken for a 0 (row 2).

# %% [markdown] id="confusion-task"
# ### Your turn: `confusion_matrix`
#
# Return an integer array of shape `(num_classes, num_classes)` with `M[t, p]` as above, also when some class never occurs
# (its row and column are then 0). Leave `y_true` and `y_pred` unchanged.
#
# Beware a NumPy trap: `M[y_true, y_pred] += 1` adds **at most 1** per cell, however often a pair occurs, because fancy-index
# assignment writes each cell once. A plain loop over the pairs, `np.add.at(M, (y_true, y_pred), 1)`, or `np.bincount` of the
# combined index `y_true * num_classes + y_pred` all count correctly.

# %% solution id="confusion_matrix"
def confusion_matrix(y_true, y_pred, num_classes):
    """Counts of (true class, predicted class) pairs.

    y_true, y_pred: (N,) integer labels in [0, num_classes).
    Returns M, an integer array (num_classes, num_classes): M[t, p] = number of k with y_true[k] == t and y_pred[k] == p.
    """
    ### BEGIN SOLUTION
    M = np.zeros((num_classes, num_classes), dtype=np.int64)
    for t, p in zip(y_true, y_pred):
        M[t, p] += 1
    return M
    ### END SOLUTION


# %% tests id="test_confusion_matrix" points=4
from course.checks import call  # runs your function; a crash or a wrong number of results fails the check


def _cm_ref(y_true, y_pred, C):
    M = np.zeros((C, C), dtype=np.int64)
    np.add.at(M, (np.asarray(y_true), np.asarray(y_pred)), 1)
    return M


def _cm_check(y_true, y_pred, C, what, show_expected=True):
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    copies = (y_true.copy(), y_pred.copy())
    M = call(what, confusion_matrix, y_true, y_pred, C)
    check_unchanged(copies[0], y_true, "y_true")
    check_unchanged(copies[1], y_pred, "y_pred")
    expected = _cm_ref(*copies, C)
    check(np.shape(M) == (C, C), f"{what}: the matrix has shape {np.shape(M)}; it should be (num_classes, num_classes) = "
                                 f"{(C, C)}, also when a class does not occur in the labels.")
    M_arr = np.asarray(M)
    check(np.issubdtype(M_arr.dtype, np.integer), f"{what}: the matrix holds {M_arr.dtype} numbers; counts should be "
                                                  "integers (create it with dtype=int).")
    generic = "M[t, p] counts the examples whose true class is t and predicted class is p."
    hint = generic
    if np.array_equal(M_arr, expected.T):
        hint = "The matrix is transposed: rows are the TRUE classes, columns the PREDICTED ones."
    elif np.array_equal(M_arr, np.minimum(expected, 1)):
        hint = ("Every cell is at most 1: M[y_true, y_pred] += 1 adds once per cell, not once per example. "
                "Use a loop, np.add.at or np.bincount.")
    elif M_arr.sum() != len(copies[0]):
        hint = f"The counts add up to {M_arr.sum()}, but there are {len(copies[0])} examples: each must be counted once."
    check_close(M_arr, expected, what, show_expected=show_expected and hint == generic, hint=hint)


# Checks for confusion_matrix
_cm_check([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2], 3, "confusion_matrix of the 3-class example")
_cm_check([0, 1, 1, 1, 2], [0, 1, 1, 1, 2], 3, "confusion_matrix when every prediction is right (three 1s)")
_cm_check([0, 1, 2], [1, 2, 2], 4, "confusion_matrix with num_classes = 4 when class 3 never occurs")
print("confusion_matrix: visible checks passed")
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(9091)
for _N, _C in [(50, 10), (200, 10), (7, 3), (30, 2), (100, 5), (1, 4), (40, 12)]:
    _t = _rng.integers(0, _C, size=_N)
    _p = np.where(_rng.random(_N) < 0.6, _t, _rng.integers(0, _C, size=_N))
    _cm_check(_t, _p, _C, f"confusion_matrix of {_N} labels with num_classes = {_C}", show_expected=False)
_t = np.array([0, 0, 0, 1, 1, 3]); _p = np.array([1, 1, 1, 0, 3, 3])
_cm_check(_t, _p, 5, "confusion_matrix with repeated (true, predicted) pairs and classes 2 and 4 absent", show_expected=False)
_cm_check(_rng.integers(0, 10, size=300).astype(np.int32), _rng.integers(0, 10, size=300).astype(np.int32), 10,
          "confusion_matrix of int32 labels", show_expected=False)
### END HIDDEN TESTS

# %% [markdown] id="heatmaps-intro"
# ### Both models' confusions as heat maps
#
# The diagonal dominates both matrices, so the colour scale leaves it out: each off-diagonal cell is coloured by how many test
# images of the row's digit were taken for the column's digit, and every cell shows its count.

# %% id="heatmaps"
dense_cm = confusion_matrix(y_test, dense_pred, 10)
cnn_cm = confusion_matrix(y_test, cnn_pred, 10)
off_diagonal = ~np.eye(10, dtype=bool)
top = max(1, dense_cm[off_diagonal].max(), cnn_cm[off_diagonal].max())     # one colour scale for both
fig, axes = plt.subplots(1, 2, figsize=(12, 5.2))
for ax, M, name in ((axes[0], dense_cm, f"dense 784-512-10 ({dense_acc:.1%})"), (axes[1], cnn_cm, f"CNN ({cnn_acc:.1%})")):
    off = M.astype(float).copy()
    np.fill_diagonal(off, np.nan)
    ax.imshow(off, cmap="Reds", vmin=0, vmax=top)
    for t in range(10):
        for p in range(10):
            color = "tab:green" if t == p else ("white" if M[t, p] > 0.6 * top else "black")
            ax.text(p, t, str(M[t, p]), ha="center", va="center", fontsize=8, color=color,
                    fontweight="bold" if t == p else "normal")
    ax.set_xticks(range(10))
    ax.set_yticks(range(10))
    ax.set_xlabel("predicted digit")
    ax.set_ylabel("true digit")
    ax.set_title(name)
fig.tight_layout()


def most_confused(M, k=3):
    off = M.copy()
    np.fill_diagonal(off, 0)
    pairs = np.dstack(np.unravel_index(np.argsort(off, axis=None)[::-1][:k], off.shape))[0]
    return [(int(t), int(p), int(M[t, p])) for t, p in pairs if M[t, p] > 0]


for name, M in (("dense", dense_cm), ("CNN", cnn_cm)):
    recall = np.diag(M) / np.maximum(1, M.sum(axis=1))
    print(f"{name}: most confused (true → predicted, count): "
          + ", ".join(f"{t} → {p} ({n})" for t, p, n in most_confused(M))
          + f";  hardest digit to find: {int(np.argmin(recall))} (recall {recall.min():.0%})")

# %% [markdown] id="mistakes-intro"
# ## 4. The digits the CNN gets wrong
#
# Every test digit the CNN misclassifies (up to 30), titled *true → predicted* with the probability the model gave its answer
# and, in brackets, the probability it gave the truth. The notes show two such images: a 5 their dense net read as 6, and a 4
# their CNN read as 2. Some of these a person would hesitate over as well; where the model was very sure of a wrong answer, the
# digit is usually written in an unusual way that the 4,000 training images never showed.

# %% id="mistakes"
shifted = cnn_scores - cnn_scores.max(axis=1, keepdims=True)
cnn_probs = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
wrong = np.flatnonzero(cnn_pred != y_test)
wrong = wrong[np.argsort(-cnn_probs[wrong, cnn_pred[wrong]])][:30]      # the most confident mistakes first
print(f"the CNN misclassifies {np.sum(cnn_pred != y_test)} of {len(y_test)} test digits; the dense net "
      f"{np.sum(dense_pred != y_test)}; both get {np.sum((cnn_pred != y_test) & (dense_pred != y_test))} of them wrong")
course.plots.show_images(X_test[wrong], ncols=10, size=1.5,
                         titles=[f"{y_test[k]} → {cnn_pred[k]} {cnn_probs[k, cnn_pred[k]]:.2f}\n({cnn_probs[k, y_test[k]]:.2f})"
                                 for k in wrong]);


# %% [markdown] id="next-intro"
# ## 5. What to try next
#
# Lecture 08 showed that both networks lose much of their accuracy on digits moved a few pixels sideways, because MNIST digits
# are always centred and the networks never saw anything else. The cheapest fix is **data augmentation**: show the network
# shifted copies of the training images, so that it learns that a shifted 7 is still a 7. The experiment below starts from a copy
# of the trained CNN and trains it for 2 more epochs (learning rate 0.005, again falling along a cosine) on mini-batches that are
# each shifted by a random amount between −2 and +2 pixels in each direction. We measure its accuracy on the normal test images
# and on test images shifted by 3 pixels, next to the CNN above.

# %% id="augment"
def shift_images(X, dy, dx):
    """Images (rows of 784) moved dy pixels down and dx pixels right (negative: up / left), black where nothing is."""
    images = X.reshape(-1, 28, 28)
    moved = np.zeros_like(images)
    src_r, dst_r = slice(max(0, -dy), 28 - max(0, dy)), slice(max(0, dy), 28 - max(0, -dy))
    src_c, dst_c = slice(max(0, -dx), 28 - max(0, dx)), slice(max(0, dx), 28 - max(0, -dx))
    moved[:, dst_r, dst_c] = images[:, src_r, src_c]
    return moved.reshape(X.shape)


class Shifted:
    """Wraps a model so that every training batch is shifted at random by up to `most` pixels; scoring is unchanged."""

    def __init__(self, model, most=2, seed=0):
        self.model, self.most, self.rng = model, most, np.random.default_rng(seed)
        self.params = model.params

    def loss(self, X, y):
        dy, dx = self.rng.integers(-self.most, self.most + 1, size=2)
        return self.model.loss(shift_images(X, int(dy), int(dx)), y)

    def scores(self, X):
        return self.model.scores(X)


cnn_aug = NotesCNN()
cnn_aug.params = {name: value.copy() for name, value in cnn.params.items()}     # start from the trained CNN
aug_history = train(Shifted(cnn_aug), X_train32[:n_grading], y_train[:n_grading], X_val32, y_val,
                    epochs=course.runtime.scaled(2, when_grading=1), batch_size=64, learning_rate=0.005, momentum=0.9,
                    cosine=True, name="CNN, 2 more epochs on shifted batches")
n_check = course.runtime.scaled(len(y_test), when_grading=100)
X_test_moved = shift_images(X_test32[:n_check], 0, 3)
print(f"{'':<28}{'test images':>14}{'shifted 3 px right':>22}")
for name, model in (("CNN", cnn), ("CNN + 2 epochs of shifts", cnn_aug)):
    print(f"{name:<28}{accuracy_of(model, X_test32[:n_check], y_test[:n_check]):>14.1%}"
          f"{accuracy_of(model, X_test_moved, y_test[:n_check]):>22.1%}")

# %% [markdown] id="next-notes"
# Shifted training batches cost nothing but a copy, and make the network far more tolerant of shifted digits; on the normal test
# images the effect is small either way (a few tenths of a percent up or down from one run to the next on 1,000 images).
#
# ### Batch normalisation and a bigger dense layer
#
# Two changes of the model itself, each trained from scratch beside the unchanged CNN, all three with the same short recipe:
# one epoch, momentum 0.9, the learning rate falling along a cosine from the value at the top of each column.
#
# * **Batch normalisation** (lecture 07) between each convolution and its ReLU. A convolution's channel is one feature seen at
#   every position, so each channel is normalised over the batch *and* the positions: `spatial_batchnorm_forward` (in the model's
#   cell above) moves the channels last, hands lecture 07's `batchnorm_forward` a table of $N \cdot H \cdot W$ rows and $C$ columns,
#   and moves them back. It adds 2 parameters per channel ($\gamma$, $\beta$).
# * **A bigger dense layer**: 256 units after the flattening instead of 64, four times the parameters of that layer.
#
# We compare on the validation images, as the learning curves did; the test images stay for the end.

# %% id="variants"
variant_epochs = 1
variant_rates = course.runtime.scaled((0.02, 0.1), when_grading=(0.1,))    # while grading: one rate, few images
n_variant_val = course.runtime.scaled(len(y_val), when_grading=100)
results = {}
for label, options in (("CNN of the notes", {}), ("+ batch norm", {"batchnorm": True}), ("dense 256 instead of 64", {"hidden": 256})):
    for rate in variant_rates:
        model = NotesCNN(seed=1, **options)
        h = train(model, X_train32[:n_grading], y_train[:n_grading], X_val32[:n_variant_val], y_val[:n_variant_val],
                  epochs=variant_epochs, batch_size=64, learning_rate=rate, momentum=0.9, cosine=True,
                  name=f"{label}, learning rate {rate}")
        results[label, rate] = (sum(v.size for v in model.params.values()), h["val_acc"][-1], np.mean(h["epoch_seconds"]))
print(f"validation accuracy after {variant_epochs} epoch of {min(n_grading, len(y_train)):,} images, from scratch:")
print(f"{'':<26}{'parameters':>12}" + "".join(f"{f'rate {rate}':>12}" for rate in variant_rates) + f"{'s / epoch':>12}")
for label in dict.fromkeys(label for label, _ in results):
    params, _, seconds = results[label, variant_rates[0]]
    print(f"{label:<26}{params:>12,}" + "".join(f"{results[label, rate][1]:>12.1%}" for rate in variant_rates)
          + f"{seconds:>12.1f}")

# %% [markdown] id="variants-notes"
# Read the table with its noise in mind: 400 validation images, so one image is 0.25 %, and each entry is one run with one
# seed. On the course's test machine (offline subset) one epoch reached about 88 % and 90 % without batch
# normalisation at the two rates, about 93 % at both with it, and about 90 % and 94 % with the bigger dense layer. Batch
# normalisation mostly buys speed of training: one epoch gets further, and the result depends less on the learning rate. The
# bigger dense layer (112,704 more parameters, 206,026 in all) also learns faster at the larger rate; whether it is still
# ahead after 5 epochs, and not just over-fitting sooner on 3,600 images, is the next experiment to run.
#
# Other things worth trying, each a few lines with the pieces of this course:
#
# * **More data.** The biggest lever of all: with full MNIST (run this notebook in Colab) the same CNN gets well above 98 %.
# * **Dropout** (lecture 06) before the last dense layer fights the over-fitting that the gap between the training and validation
#   curves shows.
# * **More filters**, or **padding** (`pad = 1`) so that the feature maps keep their size and the border pixels count as much as
#   the middle ones.
# * **Adam** (lecture 05) instead of SGD with momentum, and a learning-rate search on the validation set.
#
# Change one thing at a time, compare on the validation images, and keep the test images for the very end.

# %% [markdown] id="think"
# ## Things to think about
#
# 1. Which pairs of digits does each model confuse most? Are they the pairs you would expect from how the digits are written?
# 2. The trace of the confusion matrix divided by its sum is the accuracy. What do the row sums and column sums tell you?
# 3. The dense net has more than four times as many parameters as the CNN and is still less accurate. Where do the CNN's
#    parameters go, and why does it need fewer? (Lecture 08's parameter table.)
# 4. Why do we draw the learning curves on validation images and not on the test images?
# 5. Train the CNN with shifts of up to 4 pixels. What happens to the accuracy on the normal test images, and why?
