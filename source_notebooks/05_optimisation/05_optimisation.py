# %% [markdown] id="header"
# # Lecture 05 · Optimisation: mini-batches, momentum, RMSProp, Adam and learning-rate schedules
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({{COLAB_URL}})
#
# Since lecture 01 every model in this course has learned the same way: compute the gradient of the loss, take a small step
# against it, repeat. That rule, **gradient descent**, has one knob, the **learning rate**, and it is easy to turn it the wrong
# way. In this lecture you look at the rule itself: what a learning rate that is too large or too small does, why we update on
# **mini-batches** (and what *batch*, *iteration* and *epoch* mean), why plain gradient descent crawls through long narrow valleys
# and how **momentum**, **RMSProp** and **Adam** get through them faster, how to lower the learning rate during training
# (**learning-rate decay**), and how to choose hyper-parameters with a small **random search** scored on a validation set.
# At the end, the best setting found trains a network that passes 94.5 % on the held-out test digits.
#
# You will write seven functions:
#
# | function | what it does |
# |---|---|
# | `iterate_minibatches(X, y, batch_size, rng=None)` | yields the mini-batches of one epoch, shuffled with `rng` if given |
# | `sgd(w, dw, config)` | one step of plain (stochastic) gradient descent |
# | `sgd_momentum(w, dw, config)` | one step with momentum |
# | `rmsprop(w, dw, config)` | one RMSProp step |
# | `adam(w, dw, config)` | one Adam step |
# | `step_decay(lr0, epoch, drop, every)` | the learning rate of a step schedule |
# | `cosine_decay(lr0, step, total_steps, lr_min=0.0)` | the learning rate of a cosine schedule |
#
# **How to work through this notebook.** Read top to bottom and run each cell in order (Shift+Enter).
# Cells marked *Your turn* contain `# YOUR CODE HERE` and `raise NotImplementedError()`: replace both with your code.
# The cell after each exercise runs *checks*; if one fails, its message says what is wrong.
# When you hand the notebook in, hidden tests check the same functions more thoroughly, so make sure the visible checks pass first.
# In Colab: *File → Save a copy in Drive* is not needed if you opened the notebook from your Drive folder; save with Ctrl+S (⌘+S) and download it with *File → Download → Download .ipynb*.

# %% setup id="setup"

# %% [markdown] id="gd-recap"
# ## 1. Gradient descent and the size of the learning rate
#
# Training a network means finding weights $w$ that make the average loss over the training set small,
#
# $$J(w) = \frac{1}{n}\sum_{i=1}^{n} L\big(y_i, f(x_i; w)\big).$$
#
# There is no formula for the best $w$ of a network, so we walk towards it. The lecture notes put the idea in one dimension:
# start somewhere, $w_0$, and look at the slope $\partial J / \partial w$ there. If the slope is **positive**, the loss grows with $w$:
# the weight is too large, so take some away. If it is **negative**, the weight is too small, so add some. Repeat until the
# slope is zero. Both cases are the same rule,
#
# $$w \leftarrow w - \alpha\, \frac{\partial J}{\partial w},$$
#
# and with many weights each one follows its own partial derivative. The step size $\alpha > 0$ is the **learning rate**, a number we
# choose, not learn. How much depends on it is easiest to see on a function we know completely, the parabola $J(w) = (w - 1)^2$ with its
# minimum at $w = 1$. Its slope is $2(w - 1)$, so one step maps the distance to the minimum $d = w - 1$ to $d\,(1 - 2\alpha)$.
# Three learning rates from the same start $w_0 = -2$:

# %% id="lr-1d"
def parabola(w):
    return (w - 1.0) ** 2


def parabola_slope(w):
    return 2.0 * (w - 1.0)


def descend_1d(alpha, w0=-2.0, steps=12):
    path = [w0]
    for _ in range(steps):
        path.append(path[-1] - alpha * parabola_slope(path[-1]))
    return np.array(path)


rates = {"too small: α = 0.05": 0.05, "about right: α = 0.3": 0.3, "too large: α = 1.05": 1.05}
w_grid = np.linspace(-4, 6, 400)
fig, axes = plt.subplots(1, 4, figsize=(15, 3.2))
for ax, (name, alpha) in zip(axes, rates.items()):
    path = descend_1d(alpha)
    shown = path[np.abs(path - 1) < 5.5]              # the diverging path leaves the picture
    ax.plot(w_grid, parabola(w_grid), color="lightgray")
    ax.plot(shown, parabola(shown), "o-", color="tab:red", ms=4, lw=1)
    ax.annotate("start", (shown[0], parabola(shown[0])), textcoords="offset points", xytext=(5, -12))
    ax.set_title(name)
    ax.set_xlabel("w")
    ax.set_ylim(-1, 27)
    axes[3].semilogy(np.abs(path - 1) ** 2 + 1e-20, "o-", ms=3, label=name)
axes[0].set_ylabel("J(w) = (w - 1)²")
axes[3].set_title("loss after each step")
axes[3].set_xlabel("step")
axes[3].set_ylabel("J(w) (log scale)")
axes[3].legend(fontsize=8)
fig.tight_layout()
for name, alpha in rates.items():
    print(f"{name:22s} w after 12 steps: {descend_1d(alpha)[-1]:10.4f}   (the minimum is at w = 1)")


# %% [markdown] id="lr-notes"
# This is the picture from the lecture notes, measured:
#
# * **Too small** ($\alpha = 0.05$): every step goes the right way, but each one removes only 10 % of the distance. Twelve steps later we are
#   still far from the minimum. On a real network this is a loss curve that falls, slowly, for ever.
# * **About right** ($\alpha = 0.3$): each step removes 60 % of the distance; a few steps are enough.
# * **Too large** ($\alpha = 1.05$): the step **overshoots** the minimum and lands further up the other side, where the slope is steeper,
#   so the next step is longer still. The loss grows instead of falling: gradient descent **diverges**. On a network you see a loss
#   that jumps around or becomes `nan`.
#
# For this parabola the factor $1 - 2\alpha$ tells the whole story: the distance shrinks when $|1 - 2\alpha| < 1$, that is $0 < \alpha < 1$,
# and the steps alternate sides when $\alpha > 0.5$. For a general function the safe range depends on its **curvature**: the more sharply
# the loss bends, the smaller the step must be. Keep that in mind for section 4, where a function bends sharply in one direction and
# gently in another. The notes' advice: the learning rate is usually between 0 and 1 and is best chosen on held-out data (section 9).

# %% [markdown] id="sgd-vocab"
# ## 2. Stochastic gradient descent: batch, iteration, epoch
#
# The gradient of $J$ is an average over the whole training set. Plain (**full-batch**) gradient descent computes it from all $N$
# training examples and then updates the weights **once**. For MNIST that is 60,000 forward and backward passes for a single step.
#
# **Stochastic gradient descent** (SGD) estimates the same average from a small random part of the data, a **mini-batch** of
# $n$ examples, and updates after every mini-batch. The estimate is noisy, but it is $N/n$ times cheaper, and many cheap noisy steps
# beat a few exact ones. The vocabulary:
#
# * **batch size** $n$: how many examples go into one gradient estimate (we choose it: 32, 100, 128, 200, ...);
# * **iteration**: one update of the weights, from one mini-batch;
# * **epoch**: one pass over the whole training set, every example used exactly once.
#
# The notes' example: with **1,000 training examples and a batch size of 200, one epoch takes 5 iterations**, so SGD updates the
# weights 5 times per epoch where full-batch gradient descent updates them once. When $N$ is not a multiple of the batch size, the last
# mini-batch of the epoch is smaller: 1,030 examples in batches of 200 make 6 iterations, the last one with 30 examples.
#
# The examples are **shuffled** at the start of every epoch, so that each mini-batch is a fair sample of the data and the batches differ
# from one epoch to the next. (MNIST's training file is not sorted by digit, but many data sets are: a batch of nothing but zeros would
# pull the weights towards "everything is a zero".)
#
# ### Your turn: `iterate_minibatches`
#
# Write a **generator** (a function with `yield`; a `for` loop over it gets one item per `yield`) that yields the pairs
# `(X_batch, y_batch)` of one epoch:
#
# * `ceil(N / batch_size)` mini-batches, all of `batch_size` examples except the last, which holds the remainder (never drop it);
# * every example exactly once, with `X_batch[i]` and `y_batch[i]` still belonging together;
# * with `rng=None`, in the original order; with a `numpy.random.Generator` `rng`, in an order shuffled by `rng` (for example
#   `rng.permutation(N)`). Never use `np.random.shuffle` / `np.random.permutation`: they use NumPy's global random state, which makes
#   results depend on whatever ran before.
#
# Do not shuffle `X` or `y` in place (`rng.shuffle(X)` reorders the caller's data, and shuffling `X` and `y` separately pulls the
# labels away from their images). `X` may have any shape `(N, ...)`.

# %% solution id="iterate_minibatches"
def iterate_minibatches(X, y, batch_size, rng=None):
    """Yield the mini-batches (X_batch, y_batch) of one epoch.

    X: (N, ...) inputs; y: (N,) labels; batch_size: examples per batch (the last batch holds the remainder);
    rng: None for the original order, or a numpy.random.Generator that shuffles the order.
    """
    ### BEGIN SOLUTION
    N = X.shape[0]
    order = np.arange(N) if rng is None else rng.permutation(N)
    for start in range(0, N, batch_size):
        batch = order[start:start + batch_size]
        yield X[batch], y[batch]
    ### END SOLUTION


# %% tests id="test_iterate_minibatches" points=3
from course.checks import call  # runs your function; a crash or a wrong number of results fails the check


def _epoch(X, y, batch_size, rng=None, what="iterate_minibatches"):
    """All mini-batches of one epoch as a list of (X_batch, y_batch) arrays."""
    produced = call(what, iterate_minibatches, X, y, batch_size, rng)
    if isinstance(produced, (list, tuple)):
        batches = list(produced)
    else:
        check(hasattr(produced, "send"),
              f"{what} returned a {type(produced).__name__}; make it a generator: `yield` each (X_batch, y_batch) in a loop.")
        batches = []
        while len(batches) <= 10 * len(y) + 10:
            try:
                batches.append(produced.send(None))     # what a for loop does with each item
            except StopIteration:
                break
            except Exception as err:
                raise AssertionError(f"{what} stopped with {type(err).__name__}: {err}") from None
        check(len(batches) <= 10 * len(y) + 10, f"{what} does not stop: one epoch should end after the last example.")
    out = []
    for item in batches:
        check(isinstance(item, (tuple, list)) and len(item) == 2,
              f"{what} should yield pairs (X_batch, y_batch); one item was a {type(item).__name__}.")
        out.append((np.asarray(item[0]), np.asarray(item[1])))
    return out


def _sizes(batches):
    return [len(b[1]) for b in batches]


# Checks for iterate_minibatches: row i of X is [i, -i] and y[i] = i, so every batch shows which examples it holds
X = np.stack([np.arange(1000.0), -np.arange(1000.0)], axis=1)
y = np.arange(1000)
batches = _epoch(X, y, 200)
check(len(batches) == 5, f"1,000 examples in batches of 200 should give 5 iterations (the lecture notes' example); yours gave {len(batches)}.")
check(_sizes(batches) == [200] * 5, f"Every batch should hold 200 examples; yours hold {_sizes(batches)}.")
check(np.array_equal(np.concatenate([b[1] for b in batches]), y),
      "With rng=None the batches should cover the examples in their original order 0, 1, 2, ...")
X_small, y_small = X[:10], y[:10]
batches = _epoch(X_small, y_small, 4)
check(_sizes(batches) == [4, 4, 2],
      f"10 examples in batches of 4 should give batches of 4, 4 and 2; yours have sizes {_sizes(batches)}. "
      "Keep the last, smaller batch: every example must be used once per epoch.")
X_before, y_before = X[:50].copy(), y[:50].copy()
X_50, y_50 = X[:50].copy(), y[:50].copy()
batches = _epoch(X_50, y_50, 8, np.random.default_rng(0))
check_unchanged(X_before, X_50, "The input `X` of iterate_minibatches")
check_unchanged(y_before, y_50, "The input `y` of iterate_minibatches")
check(_sizes(batches) == [8] * 6 + [2], f"50 examples in batches of 8 should give six batches of 8 and one of 2; yours: {_sizes(batches)}.")
seen = np.concatenate([b[1] for b in batches])
check(np.array_equal(np.sort(seen), y_before), "With an rng, every example should still appear exactly once per epoch.")
check(not np.array_equal(seen, y_before), "With an rng the order should be shuffled (use rng.permutation); yours is the original order.")
check(all(np.array_equal(bx[:, 0], by) for bx, by in batches),
      "X_batch and y_batch no longer belong together: pick the same rows of X and of y (one permutation for both).")
print("iterate_minibatches: visible checks passed")
### BEGIN HIDDEN TESTS
def _data(n, extra=()):
    idx = np.arange(n)
    Xh = np.broadcast_to(idx.reshape((n,) + (1,) * len(extra)) * 1.0, (n,) + tuple(extra)).copy()
    if Xh.ndim > 1:
        Xh.reshape(n, -1)[:, -1] *= -1
    return Xh, idx.copy()


def _first_feature(Xb):
    return np.asarray(Xb).reshape(len(Xb), -1)[:, 0]


for _n, _bs, _extra in [(7, 7, (2,)), (7, 10, (3,)), (13, 1, (2,)), (9, 4, (1, 2, 2)), (12, 5, ()), (30, 7, (4,))]:
    _X, _y = _data(_n, _extra)
    _X0, _y0 = _X.copy(), _y.copy()
    _what = f"iterate_minibatches with N={_n}, batch_size={_bs}"
    for _rng in (None, np.random.default_rng(_n)):
        _b = _epoch(_X, _y, _bs, _rng, what=_what)
        check_unchanged(_X0, _X, "The input `X`")
        check_unchanged(_y0, _y, "The input `y`")
        _want = [_bs] * (_n // _bs) + ([_n % _bs] if _n % _bs else [])
        check(_sizes(_b) == _want,
              f"{_what} gave batches of sizes {_sizes(_b)}: there should be ceil(N / batch_size) of them, all of batch_size "
              "examples except the last, which holds what remains (not dropped, not padded).")
        for _bx, _by in _b:
            check(np.shape(_bx)[1:] == _X.shape[1:],
                  f"{_what}: X_batch has shape {np.shape(_bx)}; each example should keep its shape {_X.shape[1:]}.")
            check(np.array_equal(_first_feature(_bx), _by),
                  f"{_what}: X_batch and y_batch do not belong together; take the same rows of X and y.")
        _seen = np.concatenate([_by for _, _by in _b])
        check(np.array_equal(np.sort(_seen), _y0), f"{_what}: every example should appear exactly once per epoch.")
        if _rng is None:
            check(np.array_equal(_seen, _y0), f"{_what} and rng=None: the examples should come in their original order.")

# the order comes from rng, and from rng only
_X, _y = _data(40, (3,))
_state = np.random.get_state()
_a = np.concatenate([b[1] for b in _epoch(_X, _y, 6, np.random.default_rng(123))])
_after = np.random.get_state()
check(np.array_equal(_state[1], _after[1]) and _state[2] == _after[2],
      "iterate_minibatches changed NumPy's global random state: shuffle with the rng you are given "
      "(rng.permutation), not with np.random.shuffle or np.random.permutation.")
_b = np.concatenate([b[1] for b in _epoch(_X, _y, 6, np.random.default_rng(123))])
_c = np.concatenate([b[1] for b in _epoch(_X, _y, 6, np.random.default_rng(321))])
check(np.array_equal(_a, _b),
      "Two generators with the same seed gave different orders: the shuffle should depend only on the rng you are given.")
check(not np.array_equal(_a, _c), "Two generators with different seeds gave the same order: shuffle with the rng argument.")

# shuffling mixes the examples, not only the order of fixed blocks
_X, _y = _data(20, (2,))
_blocks = {tuple(range(s, s + 5)) for s in range(0, 20, 5)}
_mixed = False
for _seed in range(10):
    for _, _by in _epoch(_X, _y, 5, np.random.default_rng(_seed)):
        _mixed |= tuple(np.sort(_by)) not in _blocks
check(_mixed, "With an rng the batches always contain the same consecutive examples (only the batch order changes): "
              "shuffle the examples, then cut the shuffled order into batches.")
### END HIDDEN TESTS

# %% [markdown] id="notes-example"
# The notes' example with your function: 1,000 examples, batch size 200. Count the iterations of one epoch, and compare the number
# of weight updates per epoch with full-batch gradient descent.

# %% id="notes-example-code"
X_demo = np.arange(1000.0).reshape(1000, 1)
y_demo = np.arange(1000)
sizes = [len(yb) for _, yb in iterate_minibatches(X_demo, y_demo, 200, rng=np.random.default_rng(0))]
print(f"1,000 examples, batch size 200: {len(sizes)} iterations per epoch, batch sizes {sizes}")
print(f"weight updates in one epoch: SGD {len(sizes)}, full-batch gradient descent 1")
sizes = [len(yb) for _, yb in iterate_minibatches(np.arange(1030.0).reshape(1030, 1), np.arange(1030), 200)]
print(f"1,030 examples, batch size 200: {len(sizes)} iterations, batch sizes {sizes}")

# %% [markdown] id="noise-intro"
# ### The price of a cheap step: noise
#
# How noisy are the cheap steps? Take a problem where the whole-training-set loss is easy to compute after every update: fitting a line
# through 1,000 noisy points with the mean squared error. We run three epochs with the same learning rate and batch sizes 1,000
# (full batch: 1 update per epoch), 200 (the notes' example: 5 updates per epoch), 20 (50) and 1 (1,000 updates per epoch: "pure" SGD),
# and after every update record the loss **on the whole training set**. The horizontal axis counts epochs, so every curve has seen the
# same amount of data.

# %% id="noise-demo"
noise_rng = np.random.default_rng(1)
X_line = noise_rng.uniform(-1, 1, size=(1000, 1))
y_line = 3.0 * X_line[:, 0] - 1.0 + 0.5 * noise_rng.normal(size=1000)
A_line = np.hstack([X_line, np.ones((1000, 1))])        # a column of ones for the intercept


def line_loss(theta):
    return np.mean((A_line @ theta - y_line) ** 2)


def line_grad(theta, A, t):
    return 2.0 * A.T @ (A @ theta - t) / len(t)


fig, ax = plt.subplots(figsize=(7, 3.5))
for batch_size, color in [(1000, "black"), (200, "tab:blue"), (20, "tab:green"), (1, "tab:orange")]:
    theta = np.zeros(2)
    losses, rng_line = [line_loss(theta)], np.random.default_rng(0)
    for epoch in range(3):
        for A_b, t_b in iterate_minibatches(A_line, y_line, batch_size, rng=rng_line):
            theta = theta - 0.05 * line_grad(theta, A_b, t_b)
            losses.append(line_loss(theta))
    per_epoch = int(np.ceil(1000 / batch_size))
    ax.plot(np.arange(len(losses)) / per_epoch, losses, color=color, lw=1 if batch_size > 1 else 0.6,
            marker="o" if batch_size == 1000 else None, label=f"batch size {batch_size} ({per_epoch} updates per epoch)")
    print(f"batch size {batch_size:4d}: loss on all 1,000 points after 3 epochs {losses[-1]:.3f}")
ax.axhline(0.25, color="gray", ls=":", label="noise level (0.5² = 0.25)")
ax.set_xlabel("epoch")
ax.set_ylabel("training loss (all 1,000 points)")
ax.set_yscale("log")
ax.set_title("same data, same learning rate 0.05, different batch sizes")
ax.legend(fontsize=8)
fig.tight_layout()


# %% [markdown] id="noise-notes"
# Full-batch gradient descent takes three careful steps and is nowhere near done. Batch size 200 takes fifteen, 20 takes 150; the
# smaller the batch, the further the same three epochs get. With a single example per step the curve is fast but jittery: each step
# follows the gradient of one point, which can point quite elsewhere, and near the minimum the loss keeps bouncing instead of settling.
# In practice batches of a few dozen to a few hundred examples are the compromise: cheap steps, moderate noise, and arrays big enough
# for the computer to process efficiently. The noise that remains is one reason to **lower the learning rate** late in training
# (section 7).

# %% [markdown] id="update-rules"
# ## 3. An optimiser is an update rule
#
# From here on we write each way of taking a step as a function with the same contract (the one CS231n uses):
#
# ```python
# next_w, config = update(w, dw, config)
# ```
#
# * `w` is one parameter array (a weight matrix or a bias vector), `dw` the gradient of the loss with respect to it, same shape;
# * `config` is a dict with the rule's **hyper-parameters** (`learning_rate`, ...) and its **state**, the things it remembers from one
#   step to the next (a velocity, running averages, a step count). `config` may be `None` or miss keys: a missing key gets its default.
#   The rule stores its new state back into `config` and returns it, and the caller passes it in again at the next step;
# * the rule returns a **new** array `next_w` and leaves `w` unchanged: `w - ...` builds a new array, `w -= ...` would change the
#   caller's array behind its back.
#
# A network has one `config` per parameter array, since each has its own state. The simplest rule keeps no state at all:
#
# $$w_{\text{next}} = w - \alpha\, dw.$$
#
# ### Your turn: `sgd`
#
# Default learning rate `1e-2`.

# %% solution id="sgd"
def sgd(w, dw, config=None):
    """One step of (stochastic) gradient descent.

    w, dw: arrays of the same shape; config: dict with "learning_rate" (default 1e-2), or None.
    Returns (next_w, config).
    """
    ### BEGIN SOLUTION
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    next_w = w - config["learning_rate"] * dw
    return next_w, config
    ### END SOLUTION


# %% tests id="test_sgd" points=1
from course.checks import call  # runs your function; a crash or a wrong number of results fails the check

# Checks for sgd
w = np.array([1.0, 2.0, 3.0])
dw = np.array([0.5, -1.0, 2.0])
w_before = w.copy()
next_w, config = call("sgd", sgd, w, dw, {"learning_rate": 0.1}, n_out=2)
check_close(next_w, [0.95, 2.1, 2.8], "sgd's next_w for learning_rate 0.1",
            hint="Step against the gradient: w - learning_rate * dw.")
check_unchanged(w_before, w, "The input `w` of sgd")
check(isinstance(config, dict), "sgd should return (next_w, config), with config a dict.")
next_w, config = call("sgd with config=None", sgd, w, dw, None, n_out=2)
check_close(next_w, [0.995, 2.01, 2.98], "sgd's next_w with config=None (default learning rate 1e-2)")
check(isinstance(config, dict), "With config=None, sgd should make a new dict and return it.")
print("sgd: visible checks passed")
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(501)
for _shape, _config, _lr in [((4, 3), {"learning_rate": 0.3}, 0.3), ((5,), {}, 1e-2), ((2, 6), None, 1e-2),
                             ((3, 3), {"learning_rate": 1e-4}, 1e-4)]:
    _w = _rng.normal(size=_shape)
    _dw = _rng.normal(size=_shape)
    _w0, _dw0 = _w.copy(), _dw.copy()
    _what = f"sgd with w of shape {_shape} and config {_config}"
    _next, _cfg = call(_what, sgd, _w, _dw, _config, n_out=2)
    check_unchanged(_w0, _w, "The input `w` of sgd")
    check_unchanged(_dw0, _dw, "The gradient `dw`")
    check_shape(_next, _shape, f"next_w of {_what}")
    check_close(_next, _w0 - _lr * _dw0, f"next_w of {_what}", show_expected=False,
                hint="One step against the gradient, scaled by the learning rate from config (1e-2 when it is missing).")
    check(isinstance(_cfg, dict), f"{_what} should return the config as a dict (a new one when config is None).")
### END HIDDEN TESTS

# %% [markdown] id="valley-intro"
# ## 4. A long, narrow valley
#
# The loss of a real network is not a round bowl. Some directions in weight space are steep, others almost flat, a shape called
# **ill-conditioned**. The smallest example is an elongated quadratic in two weights,
#
# $$J(w_1, w_2) = \tfrac12\,\big(w_1^2 + 50\, w_2^2\big),$$
#
# a valley 50 times steeper across ($w_2$) than along ($w_1$). Section 1 told us what limits the learning rate: the curvature, and
# here it is 50 in the $w_2$ direction and 1 along $w_1$. A step of $\alpha$ multiplies $w_2$ by $1 - 50\alpha$ and $w_1$ by $1 - \alpha$, so
# $\alpha$ must stay below $2/50 = 0.04$ or the steep direction diverges, and with $\alpha < 0.04$ the flat direction shrinks by less than
# 4 % per step. Gradient descent either **zig-zags** across the valley or **crawls** along it, usually both. Your `sgd` on it, from
# $(-9, 2)$, with two learning rates:

# %% id="valley-sgd"
def valley(w):
    return 0.5 * (w[0] ** 2 + 50.0 * w[1] ** 2)


def valley_grad(w):
    return np.array([w[0], 50.0 * w[1]])


def run_optimizer(update, config, grad, start, steps):
    """The path of `update` on a 2-D function with gradient `grad`: an array (steps + 1, 2)."""
    w, path = np.array(start, dtype=float), [np.array(start, dtype=float)]
    for _ in range(steps):
        w, config = update(w, grad(w), config)
        path.append(w)
    return np.array(path)


def contour_axes(ax, f, xlim, ylim, levels, title):
    g1, g2 = np.meshgrid(np.linspace(*xlim, 300), np.linspace(*ylim, 300))
    ax.contour(g1, g2, f(np.array([g1, g2])), levels=levels, colors="lightgray", linewidths=0.8)
    ax.set_xlabel("$w_1$")
    ax.set_ylabel("$w_2$")
    ax.set_title(title)


start = (-9.0, 2.0)
levels = np.geomspace(0.02, 100, 14)
fig, axes = plt.subplots(1, 2, figsize=(12, 3.4))
for ax, lr in zip(axes, [0.01, 0.038]):
    path = run_optimizer(sgd, {"learning_rate": lr}, valley_grad, start, 50)
    contour_axes(ax, valley, (-10, 3), (-2.5, 2.5), levels, f"SGD, learning rate {lr}, 50 steps")
    ax.plot(path[:, 0], path[:, 1], "o-", ms=2.5, lw=1, color="tab:blue")
    ax.plot(0, 0, "k*", ms=10)
    print(f"learning rate {lr}: after 50 steps w = {np.round(path[-1], 4)}, J = {valley(path[-1]):.4f}")
fig.tight_layout()


# %% [markdown] id="momentum-intro"
# With $\alpha = 0.01$ the path goes straight down the steep wall and then creeps along the valley floor; with $\alpha = 0.038$, just
# below the limit, it bounces from wall to wall. Neither gets to the minimum (the star) in 50 steps.
#
# ## 5. Momentum
#
# Picture a ball rolling down the valley instead of a walker who looks only at the ground under her feet. The ball has a **velocity**:
# each gradient pushes it a little, friction slows it a little, and it keeps moving in the direction it has been going.
#
# $$v \leftarrow \mu\, v - \alpha\, dw, \qquad w_{\text{next}} = w + v.$$
#
# $\mu$ (`momentum`, typically 0.9) is how much of the old velocity survives a step. Along the valley floor the gradients keep pointing
# the same way, so the velocity adds them up: with $\mu = 0.9$ the steps grow up to $1/(1 - \mu) = 10$ times longer. Across the valley
# the gradient flips sign at every step, and the flips cancel in the velocity, so the zig-zag is damped. The velocity starts at zero.
#
# ### Your turn: `sgd_momentum`
#
# Defaults: `learning_rate` `1e-2`, `momentum` `0.9`, `config["velocity"]` zeros of the shape of `w`. Store the new velocity in
# `config["velocity"]`. (Some libraries write the same rule with $v \leftarrow \mu v + dw$, $w \leftarrow w - \alpha v$; here use the form
# above, whose velocity is exactly the step taken: `next_w - w`.)

# %% solution id="sgd_momentum"
def sgd_momentum(w, dw, config=None):
    """One step of gradient descent with momentum.

    w, dw: arrays of the same shape; config: dict with "learning_rate" (1e-2), "momentum" (0.9) and the state
    "velocity" (zeros like w), or None. Returns (next_w, config) with the new velocity in config["velocity"].
    """
    ### BEGIN SOLUTION
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    v = config.get("velocity", np.zeros_like(w))
    v = config["momentum"] * v - config["learning_rate"] * dw
    next_w = w + v
    config["velocity"] = v
    return next_w, config
    ### END SOLUTION


# %% tests id="test_sgd_momentum" points=2
from course.checks import call  # runs your function; a crash or a wrong number of results fails the check


def _momentum_path(w, grads, lr, mu, v=None):
    v = np.zeros_like(w) if v is None else v
    out = []
    for g in grads:
        v = mu * v - lr * g
        w = w + v
        out.append(w)
    return out


# Checks for sgd_momentum
w = np.array([1.0, -2.0])
w_before = w.copy()
config = {"learning_rate": 0.1, "momentum": 0.5}
next_w, config = call("sgd_momentum", sgd_momentum, w, np.array([1.0, 1.0]), config, n_out=2)
check_close(next_w, [0.9, -2.1], "the first step of sgd_momentum from zero velocity (learning_rate 0.1, momentum 0.5)",
            hint="The velocity starts at zero: v = momentum * 0 - learning_rate * dw, and next_w = w + v.")
check_unchanged(w_before, w, "The input `w` of sgd_momentum")
check(isinstance(config, dict) and "velocity" in config, "sgd_momentum should store the velocity in config['velocity'].")
next_w, config = call("sgd_momentum", sgd_momentum, next_w, np.array([1.0, 1.0]), config, n_out=2)
check_close(next_w, [0.75, -2.25], "the second step of sgd_momentum with the same gradient",
            hint="The second step adds momentum * (previous velocity) to the new -learning_rate * dw.")
check_close(config["velocity"], [-0.15, -0.15], "config['velocity'] after the second step (it should equal next_w - w)")
next_w, config = call("sgd_momentum with config=None", sgd_momentum, w, np.array([1.0, 1.0]), None, n_out=2)
check_close(next_w, [0.99, -2.01], "sgd_momentum's first step with config=None (learning rate 1e-2, zero velocity)")
print("sgd_momentum: visible checks passed")
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(502)
for _shape, _config, _lr, _mu in [((3, 4), {"learning_rate": 0.05, "momentum": 0.8}, 0.05, 0.8),
                                  ((5,), None, 1e-2, 0.9), ((2, 3), {"learning_rate": 0.2}, 0.2, 0.9),
                                  ((4,), {"momentum": 0.5}, 1e-2, 0.5)]:
    _w = _rng.normal(size=_shape)
    _grads = [_rng.normal(size=_shape) for _ in range(5)]
    _want = _momentum_path(_w.copy(), _grads, _lr, _mu)
    _cfg = _config
    for _k, (_g, _target) in enumerate(zip(_grads, _want)):
        _w0, _g0 = _w.copy(), _g.copy()
        _what = f"step {_k + 1} of sgd_momentum with w of shape {_shape}, starting from config {_config}"
        _next, _cfg = call(_what, sgd_momentum, _w, _g, _cfg, n_out=2)
        check_unchanged(_w0, _w, "The input `w` of sgd_momentum")
        check_unchanged(_g0, _g, "The gradient `dw`")
        check(isinstance(_cfg, dict) and "velocity" in _cfg, f"{_what}: the velocity should be stored in config['velocity'].")
        check_close(_next, _target, f"next_w of {_what}", show_expected=False,
                    hint="v = momentum * v - learning_rate * dw (v from config, zeros at first; defaults 1e-2 and 0.9), "
                         "then next_w = w + v; store v in config for the next step.")
        check_close(_cfg["velocity"], np.asarray(_next) - _w0, f"config['velocity'] after {_what}", show_expected=False,
                    hint="The stored velocity should be the step just taken, next_w - w.")
        _w = np.asarray(_next, dtype=float)
# a velocity already in config is used
_w = _rng.normal(size=(3,)); _g = _rng.normal(size=(3,)); _v = _rng.normal(size=(3,))
_next, _ = call("sgd_momentum with a velocity in config", sgd_momentum, _w, _g,
                {"learning_rate": 0.1, "momentum": 0.7, "velocity": _v.copy()}, n_out=2)
check_close(_next, _momentum_path(_w, [_g], 0.1, 0.7, _v)[0], "next_w when config already holds a velocity", show_expected=False,
            hint="Continue from config['velocity'] when it is there; start from zeros only when it is missing.")
### END HIDDEN TESTS

# %% [markdown] id="rmsprop-intro"
# ## 6. RMSProp: a learning rate per weight
#
# Momentum fixes the direction; **RMSProp** (Hinton, 2012) fixes the scale. The trouble in the valley is that one learning rate must serve
# a steep direction (large gradients) and a flat one (small gradients). RMSProp keeps, for every weight separately, a running average of
# its **squared** gradient, and divides each step by its square root, the "root mean square" of recent gradients:
#
# $$c \leftarrow \rho\, c + (1 - \rho)\, dw^2, \qquad w_{\text{next}} = w - \alpha\, \frac{dw}{\sqrt{c} + \epsilon}.$$
#
# Everything is element-wise. A weight whose gradients are large gets its steps shrunk, a weight with small gradients gets them
# enlarged; roughly, every weight moves by about $\alpha$ per step, whatever the scale of its gradient. $\rho$ (`decay_rate`, 0.99)
# sets how long the average remembers, and $\epsilon$ (`epsilon`, $10^{-8}$) avoids a division by zero where a gradient has always been 0.
#
# ### Your turn: `rmsprop`
#
# Defaults: `learning_rate` `1e-2`, `decay_rate` `0.99`, `epsilon` `1e-8`, `config["cache"]` (the running average $c$) zeros of the
# shape of `w`. Store the new average in `config["cache"]`.

# %% solution id="rmsprop"
def rmsprop(w, dw, config=None):
    """One RMSProp step.

    w, dw: arrays of the same shape; config: dict with "learning_rate" (1e-2), "decay_rate" (0.99), "epsilon" (1e-8)
    and the state "cache" (zeros like w), or None. Returns (next_w, config) with the new average in config["cache"].
    """
    ### BEGIN SOLUTION
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("decay_rate", 0.99)
    config.setdefault("epsilon", 1e-8)
    cache = config.get("cache", np.zeros_like(w))
    cache = config["decay_rate"] * cache + (1 - config["decay_rate"]) * dw ** 2
    next_w = w - config["learning_rate"] * dw / (np.sqrt(cache) + config["epsilon"])
    config["cache"] = cache
    return next_w, config
    ### END SOLUTION


# %% tests id="test_rmsprop" points=2
from course.checks import call  # runs your function; a crash or a wrong number of results fails the check


def _rmsprop_path(w, grads, lr, rho, eps, c=None):
    c = np.zeros_like(w) if c is None else c
    out = []
    for g in grads:
        c = rho * c + (1 - rho) * g ** 2
        w = w - lr * g / (np.sqrt(c) + eps)
        out.append(w)
    return out


# Checks for rmsprop
w = np.array([1.0, 1.0, 1.0])
w_before = w.copy()
dw = np.array([100.0, 1.0, 0.01])
next_w, config = call("rmsprop", rmsprop, w, dw, {"learning_rate": 0.01, "decay_rate": 0.75}, n_out=2)
check_finite(next_w, "rmsprop's next_w")
check_close(next_w, [0.98, 0.98, 0.98], "the first rmsprop step (learning_rate 0.01, decay_rate 0.75) for gradients 100, 1 and 0.01",
            hint="cache = 0.75 * 0 + 0.25 * dw**2, so sqrt(cache) = 0.5 * |dw|: every weight moves by the same 0.02. "
                 "Check the square root and which of decay_rate and 1 - decay_rate multiplies dw**2.")
check_unchanged(w_before, w, "The input `w` of rmsprop")
check(isinstance(config, dict) and "cache" in config, "rmsprop should store the running average in config['cache'].")
check_close(config["cache"], [2500.0, 0.25, 0.000025], "config['cache'] after the first step")
next_w, config = call("rmsprop with config=None and a zero gradient", rmsprop, w, np.array([0.0, 3.0, 0.0]), None, n_out=2)
check_finite(next_w, "rmsprop's next_w where the gradient is 0", hint="Add epsilon to the square root before dividing.")
check_close(next_w, [1.0, 0.9, 1.0], "rmsprop's first step with config=None (learning_rate 1e-2, decay_rate 0.99)", rtol=1e-5)
print("rmsprop: visible checks passed")
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(503)
for _shape, _config, _lr, _rho, _eps in [((3, 4), {"learning_rate": 0.05, "decay_rate": 0.9}, 0.05, 0.9, 1e-8),
                                        ((5,), None, 1e-2, 0.99, 1e-8),
                                        ((2, 3), {"learning_rate": 0.1, "epsilon": 0.5}, 0.1, 0.99, 0.5),
                                        ((4,), {"decay_rate": 0.5}, 1e-2, 0.5, 1e-8)]:
    _w = _rng.normal(size=_shape)
    _grads = [_rng.normal(scale=3.0, size=_shape) for _ in range(5)]
    _grads[0].flat[0] = 0.0                       # a weight whose gradient is 0 at the first step
    _want = _rmsprop_path(_w.copy(), _grads, _lr, _rho, _eps)
    _cfg = _config
    for _k, (_g, _target) in enumerate(zip(_grads, _want)):
        _w0, _g0 = _w.copy(), _g.copy()
        _what = f"step {_k + 1} of rmsprop with w of shape {_shape}, starting from config {_config}"
        _next, _cfg = call(_what, rmsprop, _w, _g, _cfg, n_out=2)
        check_unchanged(_w0, _w, "The input `w` of rmsprop")
        check_unchanged(_g0, _g, "The gradient `dw`")
        check_finite(_next, f"next_w of {_what}", hint="Where the gradient is 0 the average is 0 too: add epsilon after the square root.")
        check(isinstance(_cfg, dict) and "cache" in _cfg, f"{_what}: the running average should be stored in config['cache'].")
        check_close(_next, _target, f"next_w of {_what}", show_expected=False,
                    hint="cache = decay_rate * cache + (1 - decay_rate) * dw**2 (kept in config between steps), then "
                         "divide the step by sqrt(cache) + epsilon; defaults 1e-2, 0.99, 1e-8.")
        _w = np.asarray(_next, dtype=float)
_w = _rng.normal(size=(3,)); _g = _rng.normal(size=(3,)); _c = _rng.uniform(0.5, 2.0, size=3)
_next, _ = call("rmsprop with a cache in config", rmsprop, _w, _g,
                {"learning_rate": 0.1, "decay_rate": 0.9, "cache": _c.copy()}, n_out=2)
check_close(_next, _rmsprop_path(_w, [_g], 0.1, 0.9, 1e-8, _c)[0], "next_w when config already holds a cache",
            show_expected=False, hint="Continue from config['cache'] when it is there; start from zeros only when it is missing.")
### END HIDDEN TESTS

# %% [markdown] id="adam-intro"
# ## 7. Adam: momentum and RMSProp together
#
# **Adam** (Kingma and Ba, 2015) keeps both running averages: $m$, an average of the gradients (the momentum idea), and $v$, an average
# of the squared gradients (the RMSProp idea), and steps along $m / \sqrt{v}$:
#
# $$t \leftarrow t + 1, \qquad m \leftarrow \beta_1 m + (1 - \beta_1)\, dw, \qquad v \leftarrow \beta_2 v + (1 - \beta_2)\, dw^2,$$
# $$\hat m = \frac{m}{1 - \beta_1^{\,t}}, \qquad \hat v = \frac{v}{1 - \beta_2^{\,t}}, \qquad
#   w_{\text{next}} = w - \alpha\, \frac{\hat m}{\sqrt{\hat v} + \epsilon}.$$
#
# The middle line is the **bias correction**. Both averages start at zero, so in the first steps they are much too small: after one step
# $m = 0.1\, dw$ and $v = 0.001\, dw^2$. Dividing by $1 - \beta^t$ undoes exactly that ($1 - 0.9^1 = 0.1$, $1 - 0.999^1 = 0.001$), and as $t$
# grows the correction fades to 1. The step counter $t$ is 0 before the first step and is **incremented first**, so the first step uses
# $t = 1$ (with $t = 0$ the correction would divide by zero). Then the first step moves every weight by almost exactly $\alpha$ against
# the sign of its gradient.
#
# ### Your turn: `adam`
#
# Defaults: `learning_rate` `1e-3` (Adam's usual value), `beta1` `0.9`, `beta2` `0.999`, `epsilon` `1e-8`; state `config["m"]` and
# `config["v"]` zeros of the shape of `w`, `config["t"]` 0. Store all three back in `config`.

# %% solution id="adam"
def adam(w, dw, config=None):
    """One Adam step.

    w, dw: arrays of the same shape; config: dict with "learning_rate" (1e-3), "beta1" (0.9), "beta2" (0.999),
    "epsilon" (1e-8) and the state "m", "v" (zeros like w) and "t" (0), or None.
    Returns (next_w, config) with the new m, v and t in config.
    """
    ### BEGIN SOLUTION
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-3)
    config.setdefault("beta1", 0.9)
    config.setdefault("beta2", 0.999)
    config.setdefault("epsilon", 1e-8)
    m = config.get("m", np.zeros_like(w))
    v = config.get("v", np.zeros_like(w))
    t = config.get("t", 0) + 1
    b1, b2 = config["beta1"], config["beta2"]
    m = b1 * m + (1 - b1) * dw
    v = b2 * v + (1 - b2) * dw ** 2
    m_hat = m / (1 - b1 ** t)
    v_hat = v / (1 - b2 ** t)
    next_w = w - config["learning_rate"] * m_hat / (np.sqrt(v_hat) + config["epsilon"])
    config["m"], config["v"], config["t"] = m, v, t
    return next_w, config
    ### END SOLUTION


# %% tests id="test_adam" points=3
from course.checks import call  # runs your function; a crash or a wrong number of results fails the check


def _adam_path(w, grads, lr, b1, b2, eps, m=None, v=None, t=0):
    m = np.zeros_like(w) if m is None else m
    v = np.zeros_like(w) if v is None else v
    out = []
    for g in grads:
        t += 1
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g ** 2
        w = w - lr * (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + eps)
        out.append(w)
    return out


# Checks for adam
w = np.array([1.0, 1.0, 1.0])
w_before = w.copy()
next_w, config = call("adam with config=None", adam, w, np.array([100.0, -1.0, 0.01]), None, n_out=2)
check_finite(next_w, "adam's first step", hint="At the first step t must be 1, not 0: 1 - beta**0 = 0 would divide by zero.")
check_close(next_w, [0.999, 1.001, 0.999], "adam's first step with config=None (learning_rate 1e-3)", rtol=1e-5,
            hint="With bias correction the first step moves every weight by the learning rate, against the sign of its gradient.")
check_unchanged(w_before, w, "The input `w` of adam")
check(isinstance(config, dict) and all(k in config for k in ("m", "v", "t")), "adam should store m, v and t in config.")
check(config["t"] == 1, f"After the first step config['t'] should be 1 (the number of steps taken); yours is {config['t']}.")
config = {"learning_rate": 0.1, "beta1": 0.5, "beta2": 0.75}
w1, config = call("adam", adam, w, np.array([2.0, 2.0, 2.0]), config, n_out=2)
w2, config = call("adam", adam, w1, np.array([-2.0, -2.0, -2.0]), config, n_out=2)
check_close(w1, [0.9, 0.9, 0.9], "adam's first step with learning_rate 0.1, beta1 0.5, beta2 0.75", rtol=1e-5)
check_close(w2, [0.9 + 0.1 / 3] * 3, "adam's second step, after a gradient of 2 and then -2", rtol=1e-5,
            hint="Carry m, v and t from one call to the next in config; at the second step t = 2 in the bias correction.")
print("adam: visible checks passed")
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(504)
for _shape, _config, _hp in [((3, 4), {"learning_rate": 0.05, "beta1": 0.8, "beta2": 0.95}, (0.05, 0.8, 0.95, 1e-8)),
                             ((5,), None, (1e-3, 0.9, 0.999, 1e-8)),
                             ((2, 3), {"learning_rate": 0.1, "epsilon": 0.3}, (0.1, 0.9, 0.999, 0.3)),
                             ((4,), {"beta2": 0.5}, (1e-3, 0.9, 0.5, 1e-8))]:
    _w = _rng.normal(size=_shape)
    _grads = [_rng.normal(scale=2.0, size=_shape) for _ in range(6)]
    _grads[0].flat[0] = 0.0
    _want = _adam_path(_w.copy(), _grads, *_hp)
    _cfg = _config
    for _k, (_g, _target) in enumerate(zip(_grads, _want)):
        _w0, _g0 = _w.copy(), _g.copy()
        _what = f"step {_k + 1} of adam with w of shape {_shape}, starting from config {_config}"
        _next, _cfg = call(_what, adam, _w, _g, _cfg, n_out=2)
        check_unchanged(_w0, _w, "The input `w` of adam")
        check_unchanged(_g0, _g, "The gradient `dw`")
        check_finite(_next, f"next_w of {_what}",
                     hint="At the first step t is 1 (increment t before using it), and epsilon is added after the square root.")
        check(isinstance(_cfg, dict) and all(k in _cfg for k in ("m", "v", "t")), f"{_what}: store m, v and t in config.")
        check(_cfg["t"] == _k + 1, f"After {_k + 1} steps config['t'] should count them; yours is {_cfg['t']}.")
        check_close(_next, _target, f"next_w of {_what}", show_expected=False,
                    hint="Check the bias correction m / (1 - beta1**t), v / (1 - beta2**t) with t counting from 1, the square "
                         "root of v_hat, where epsilon goes, and the defaults (learning rate 1e-3 for Adam).")
        _w = np.asarray(_next, dtype=float)
# resuming from a saved state
_w = _rng.normal(size=(4,)); _g = _rng.normal(size=(4,))
_m = _rng.normal(size=(4,)); _v = _rng.uniform(0.5, 2.0, size=4)
_next, _cfg = call("adam with m, v and t = 10 in config", adam, _w, _g,
                   {"learning_rate": 0.01, "m": _m.copy(), "v": _v.copy(), "t": 10}, n_out=2)
check_close(_next, _adam_path(_w, [_g], 0.01, 0.9, 0.999, 1e-8, _m, _v, 10)[0],
            "next_w when config already holds m, v and t = 10", show_expected=False,
            hint="Continue from config's m, v and t when they are there (this is step 11).")
check(_cfg["t"] == 11, f"After a step from t = 10, config['t'] should be 11; yours is {_cfg['t']}.")
# tiny gradients: epsilon outside the square root
_w = np.ones(3); _g = np.array([1e-9, -1e-9, 1e-9])
_next, _ = call("adam with tiny gradients", adam, _w, _g, {"learning_rate": 0.01}, n_out=2)
check_close(_next, _adam_path(_w, [_g], 0.01, 0.9, 0.999, 1e-8)[0], "next_w for gradients of size 1e-9", show_expected=False,
            hint="The denominator is sqrt(v_hat) + epsilon, with epsilon outside the square root.")
### END HIDDEN TESTS

# %% [markdown] id="valley-race"
# ## 8. The four rules in the valley
#
# The same valley, the same start, 60 steps each. Every rule gets a learning rate that suits it (section 9 is about finding those):
# SGD the largest that does not diverge, momentum a smaller one because the velocity lengthens its steps, RMSProp and Adam a step size
# in the units of $w$ itself, since they divide the gradient's scale away.

# %% id="valley-race-plot"
race = {"SGD (lr 0.038)": (sgd, {"learning_rate": 0.038}),
        "momentum (lr 0.01, μ 0.9)": (sgd_momentum, {"learning_rate": 0.01, "momentum": 0.9}),
        "RMSProp (lr 0.3)": (rmsprop, {"learning_rate": 0.3}),
        "Adam (lr 0.5)": (adam, {"learning_rate": 0.5})}
colors = ["tab:blue", "tab:orange", "tab:green", "tab:red"]
fig, (ax, ax_loss) = plt.subplots(1, 2, figsize=(13, 3.8), gridspec_kw={"width_ratios": [2, 1]})
contour_axes(ax, valley, (-10, 3), (-2.5, 2.5), levels, "J = (w₁² + 50 w₂²) / 2: 60 steps from (-9, 2)")
for (name, (update, config)), color in zip(race.items(), colors):
    path = run_optimizer(update, dict(config), valley_grad, start, 60)
    ax.plot(path[:, 0], path[:, 1], "o-", ms=2, lw=1, color=color, label=name)
    ax_loss.semilogy([valley(w) for w in path], color=color, label=name)
    print(f"{name:26s} J after 60 steps: {valley(path[-1]):.2e}")
ax.plot(0, 0, "k*", ms=10)
ax.legend(fontsize=8, loc="lower right")
ax_loss.set_xlabel("step")
ax_loss.set_ylabel("J (log scale)")
ax_loss.set_title("loss along the way")
ax_loss.legend(fontsize=7)
fig.tight_layout()

# %% [markdown] id="valley-notes"
# Read the picture:
#
# * **SGD** bounces across the valley and creeps along it: the flat direction shrinks by only 3.8 % per step.
# * **Momentum** overshoots in the flat direction (the ball rolls past the minimum and comes back) but travels the length of the valley
#   faster, and its zig-zag across dies out: after 60 steps its loss is about four times lower than SGD's.
# * **RMSProp** heads diagonally at first: dividing by the root mean square makes the first steps the same size in both directions,
#   whatever the gradients. Then it runs straight along the valley floor and wins by far. This valley is the best case for it: its
#   steep and flat directions are the axes $w_1$ and $w_2$, so dividing each weight's step by its own gradient scale undoes the
#   elongation completely. Turn the valley by 45° and each weight sees a mix of both directions; the advantage shrinks.
# * **Adam** combines both: equal-sized steps at first, then momentum carries it past the minimum and back, in a wide loop.
#
# No rule wins everywhere. Adam with its default $10^{-3}$ is the usual first try for a new network, SGD with momentum and a
# well-tuned, decaying learning rate often ends slightly better. A real loss surface has millions of dimensions, but it has valleys like
# this one in many of them, which is why these rules matter. Next: what they do on a network.

# %% [markdown] id="mnist-intro"
# ## 9. The optimisers on a network
#
# The network is lecture 03's: affine – ReLU – affine – softmax with cross-entropy. Its layers and the loss are given below, taken from
# lectures 03 and 02 (correct versions, read-only here; your own answers from those lectures would do the same).

# %% given="03_backprop:affine_forward,affine_backward,relu_forward,relu_backward" id="given-layers"

# %% given="02_softmax:softmax,softmax_cross_entropy" id="given-loss"

# %% [markdown] id="mnist-data"
# The data: MNIST as in lectures 02 and 03, the same split into training and validation images (10 % of the training images, never
# trained on, to compare settings) and the test images, which we touch once, at the very end. One change: we **centre** the pixels
# (subtract the mean training image) and divide by their overall standard deviation, the feature scaling of lectures 00 and 04, so that
# the inputs are around zero with spread 1. Both numbers come from the training images only.

# %% id="mnist-load"
from course.progress import progress
from course.data import load_mnist

data = load_mnist()
X_train, y_train, X_val, y_val = data.validation_split(fraction=0.1, seed=0)   # 10 % of the training images, at random
pixel_mean, pixel_std = X_train.mean(axis=0), X_train.std()
X_train, X_val = (X_train - pixel_mean) / pixel_std, (X_val - pixel_mean) / pixel_std
print(f"train {X_train.shape}, validation {X_val.shape}, test {data.X_test.shape}")


# %% [markdown] id="train-loop-intro"
# The training loop uses your `iterate_minibatches` for the epochs and any of your update rules for the steps, with one `config` per
# parameter array. An optional `schedule(iteration)` sets the learning rate before each step (section 10). The weights start as
# Kaiming/He initialisation draws them (lecture 04: standard deviation $\sqrt{2 / \text{fan-in}}$).

# %% id="train-loop"
def init_params(hidden_dim, seed, input_dim=784, num_classes=10):
    rng = np.random.default_rng(seed)
    return {"W1": rng.normal(scale=np.sqrt(2.0 / input_dim), size=(input_dim, hidden_dim)), "b1": np.zeros(hidden_dim),
            "W2": rng.normal(scale=np.sqrt(2.0 / hidden_dim), size=(hidden_dim, num_classes)), "b2": np.zeros(num_classes)}


def network_loss(params, X, y=None, reg=0.0):
    """Scores (y None), or (loss, grads) of affine - ReLU - affine - softmax cross-entropy with L2 on the weights."""
    hidden, cache1 = affine_forward(X, params["W1"], params["b1"])
    active, cache_relu = relu_forward(hidden)
    scores, cache2 = affine_forward(active, params["W2"], params["b2"])
    if y is None:
        return scores
    loss, dscores = softmax_cross_entropy(scores, y)
    loss += reg * (np.sum(params["W1"] ** 2) + np.sum(params["W2"] ** 2))
    dactive, dW2, db2 = affine_backward(dscores, cache2)
    _, dW1, db1 = affine_backward(relu_backward(dactive, cache_relu), cache1)
    return loss, {"W1": dW1 + 2 * reg * params["W1"], "b1": db1, "W2": dW2 + 2 * reg * params["W2"], "b2": db2}


def accuracy_of(params, X, y):
    return float(np.mean(np.argmax(network_loss(params, X), axis=1) == y))


def train(params, update, config, X, y, epochs, batch_size=100, reg=0.0, schedule=None, seed=0, X_val=None, y_val=None,
          desc="training"):
    """Train `params` in place of a copy; returns (params, history with 'loss' per iteration, 'val_acc' per epoch, 'lr')."""
    params = {k: v.copy() for k, v in params.items()}
    configs = {k: dict(config) for k in params}            # one config (hyper-parameters and state) per parameter array
    rng = np.random.default_rng(seed)
    history = {"loss": [], "val_acc": [], "lr": []}
    iteration = 0
    for epoch in progress(range(epochs), desc=desc, leave=False):
        for X_batch, y_batch in iterate_minibatches(X, y, batch_size, rng=rng):
            loss, grads = network_loss(params, X_batch, y_batch, reg)
            for name in params:
                if schedule is not None:
                    configs[name]["learning_rate"] = schedule(iteration)
                params[name], configs[name] = update(params[name], grads[name], configs[name])
            history["loss"].append(loss)
            history["lr"].append(configs["W1"].get("learning_rate"))
            iteration += 1
        if X_val is not None:
            history["val_acc"].append(accuracy_of(params, X_val, y_val))
    return params, history


def smooth(values, width=20):
    values = np.asarray(values, dtype=float)
    if len(values) < width:
        return np.arange(len(values)), values
    return np.arange(width - 1, len(values)), np.convolve(values, np.ones(width) / width, mode="valid")


# %% [markdown] id="compare-intro"
# Now the four rules on the same network (128 hidden units), from the same initial weights, on the same mini-batches, for the same
# number of epochs. The learning rates are typical good values for each rule; section 11 shows how to find such values.

# %% id="compare-optimisers"
compare_epochs = course.runtime.scaled(6, when_grading=1)
contenders = {"SGD, lr 0.05": (sgd, {"learning_rate": 0.05}),
              "momentum, lr 0.01": (sgd_momentum, {"learning_rate": 0.01, "momentum": 0.9}),
              "RMSProp, lr 1e-3": (rmsprop, {"learning_rate": 1e-3}),
              "Adam, lr 1e-3": (adam, {"learning_rate": 1e-3})}
start_params = init_params(128, seed=1)
results = {}
for name, (update, config) in contenders.items():
    results[name] = train(start_params, update, config, X_train, y_train, compare_epochs, X_val=X_val, y_val=y_val, desc=name)[1]

fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(12, 3.6))
iters_per_epoch = int(np.ceil(len(y_train) / 100))
for (name, history), color in zip(results.items(), colors):
    steps, values = smooth(history["loss"])
    ax_loss.plot(steps / iters_per_epoch, values, color=color, label=name)
    ax_acc.plot(np.arange(1, len(history["val_acc"]) + 1), history["val_acc"], "o-", color=color, label=name)
    print(f"{name:18s} training loss (last 20 batches) {np.mean(history['loss'][-20:]):.3f}   "
          f"validation accuracy after {compare_epochs} epochs {history['val_acc'][-1]:.1%}")
ax_loss.set_yscale("log")
ax_loss.set_xlabel("epoch")
ax_loss.set_ylabel("training loss (average of 20 batches)")
ax_loss.set_title("training loss")
ax_acc.set_xlabel("epoch")
ax_acc.set_ylabel("validation accuracy")
ax_acc.set_title(f"validation accuracy ({len(y_val)} images)")
for ax in (ax_loss, ax_acc):
    ax.legend(fontsize=8)
fig.tight_layout()


# %% [markdown] id="compare-notes"
# All four learn, at different speeds. Plain SGD is the slowest to bring the loss down; momentum and the adaptive rules get to a
# low training loss in fewer epochs. The validation accuracies end closer together than the losses: on a few thousand images the
# network soon fits the training set better than it generalises (lecture 06 is about that gap). Change a learning rate above by a
# factor of 10 either way and the ranking changes, which is the subject of section 11.

# %% [markdown] id="decay-intro"
# ## 10. Learning-rate decay
#
# Section 2 showed the cost of mini-batches: near a minimum the noisy steps keep bouncing around it, and the size of the bounce is set by
# the learning rate. Early in training a large learning rate covers ground quickly; late in training a small one settles into the minimum.
# So we **lower the learning rate as training goes on** (the last step of the lecture notes' training recipe). Two common schedules:
#
# * **step decay**: multiply the learning rate by a factor `drop` (say 0.5) every `every` epochs,
#   $\ \alpha(\text{epoch}) = \alpha_0 \cdot \text{drop}^{\lfloor \text{epoch} / \text{every} \rfloor}$, with epochs counted from 0. With
#   $\alpha_0 = 0.1$, drop 0.5, every 10: epochs 0 to 9 use 0.1, epochs 10 to 19 use 0.05, 20 to 29 use 0.025;
# * **cosine decay** (Loshchilov and Hutter, 2017): glide from $\alpha_0$ down to $\alpha_{\min}$ along half a cosine wave over `total_steps`
#   steps, and stay at $\alpha_{\min}$ afterwards:
#
# $$\alpha(\text{step}) = \alpha_{\min} + (\alpha_0 - \alpha_{\min})\,\frac{1 + \cos(\pi s / T)}{2}, \qquad s = \min(\text{step}, T).$$
#
#   At $s = 0$ the cosine is 1 and $\alpha = \alpha_0$; at $s = T/2$ it is 0 and $\alpha$ is halfway; at $s = T$ it is $-1$ and $\alpha = \alpha_{\min}$.
#   The decay is gentle at the start and at the end, and steepest in the middle.
#
# ### Your turn: `step_decay` and `cosine_decay`
#
# Both return a single number. Count epochs and steps from 0.

# %% solution id="step_decay"
def step_decay(lr0, epoch, drop, every):
    """The learning rate lr0 * drop ** (epoch // every) of epoch `epoch` (counted from 0)."""
    ### BEGIN SOLUTION
    return lr0 * drop ** (epoch // every)
    ### END SOLUTION


# %% tests id="test_step_decay" points=1
from course.checks import call  # runs your function; a crash or a wrong number of results fails the check

# Checks for step_decay
for epoch, expected in [(0, 0.1), (9, 0.1), (10, 0.05), (19, 0.05), (20, 0.025), (35, 0.0125)]:
    lr = call("step_decay", step_decay, 0.1, epoch, 0.5, 10)
    check_close(lr, expected, f"step_decay(0.1, epoch={epoch}, drop=0.5, every=10)",
                hint="Epochs 0 to 9 use lr0, epochs 10 to 19 lr0 * drop, and so on: use the whole number of completed "
                     "periods, epoch // every.")
print("step_decay: visible checks passed")
### BEGIN HIDDEN TESTS
for _lr0, _drop, _every in [(1.0, 0.1, 3), (0.05, 0.8, 1), (2.0, 0.5, 7), (0.3, 0.25, 4)]:
    for _epoch in [0, 1, 2, 3, 5, 6, 7, 13, 14, 20, 41]:
        _lr = call("step_decay", step_decay, _lr0, _epoch, _drop, _every)
        check_close(_lr, _lr0 * _drop ** (_epoch // _every), f"step_decay(lr0={_lr0}, epoch={_epoch}, drop={_drop}, every={_every})",
                    show_expected=False, hint="The rate changes only at multiples of `every` epochs (epochs counted from 0), "
                                              "and by a factor `drop` each time.")
### END HIDDEN TESTS

# %% solution id="cosine_decay"
def cosine_decay(lr0, step, total_steps, lr_min=0.0):
    """Cosine schedule: lr_min + (lr0 - lr_min) * (1 + cos(pi * s / total_steps)) / 2 with s = min(step, total_steps)."""
    ### BEGIN SOLUTION
    s = min(step, total_steps)
    return lr_min + (lr0 - lr_min) * (1 + np.cos(np.pi * s / total_steps)) / 2
    ### END SOLUTION


# %% tests id="test_cosine_decay" points=2
from course.checks import call  # runs your function; a crash or a wrong number of results fails the check

# Checks for cosine_decay
for step, expected in [(0, 0.1), (50, 0.05), (100, 0.0), (150, 0.0)]:
    lr = call("cosine_decay", cosine_decay, 0.1, step, 100)
    check_close(lr, expected, f"cosine_decay(0.1, step={step}, total_steps=100)",
                hint="At step 0 the schedule gives lr0, halfway half of it, at total_steps lr_min, and after the end it "
                     "stays at lr_min (s = min(step, total_steps)).")
lr = call("cosine_decay", cosine_decay, 0.1, 50, 100, 0.01)
check_close(lr, 0.055, "cosine_decay(0.1, step=50, total_steps=100, lr_min=0.01)",
            hint="Halfway the rate is midway between lr0 and lr_min.")
print("cosine_decay: visible checks passed")
### BEGIN HIDDEN TESTS
def _cosine(lr0, step, total, lr_min=0.0):
    return lr_min + (lr0 - lr_min) * (1 + np.cos(np.pi * min(step, total) / total)) / 2


for _args in [(1.0, 0, 7), (1.0, 3, 7), (0.5, 1, 40), (0.5, 10, 40, 0.1), (0.2, 33, 40, 0.05), (2.0, 39, 40),
              (0.3, 1000, 20, 0.01), (0.3, 21, 20), (0.01, 250, 1000, 1e-4), (1.0, 9, 12, 0.5)]:
    _lr = call("cosine_decay", cosine_decay, *_args)
    check_close(_lr, _cosine(*_args), f"cosine_decay{_args}", show_expected=False,
                hint="lr_min + (lr0 - lr_min) * (1 + cos(pi * s / total_steps)) / 2 with s = min(step, total_steps); check "
                     "the factor pi, the / 2, that lr_min is the end point, and that the rate stays at lr_min after total_steps.")
_values = [float(call("cosine_decay", cosine_decay, 1.0, _s, 30)) for _s in range(45)]
check(all(a >= b - 1e-12 for a, b in zip(_values, _values[1:])),
      "cosine_decay should never increase: after total_steps it stays at lr_min.")
### END HIDDEN TESTS

# %% [markdown] id="decay-plot-intro"
# The two schedules side by side, for a run of 30 epochs:

# %% id="decay-plot"
epochs_axis = np.arange(30)
fig, ax = plt.subplots(figsize=(7, 3))
ax.step(epochs_axis, [step_decay(0.1, e, 0.5, 10) for e in epochs_axis], where="post", label="step decay: ×0.5 every 10 epochs")
ax.plot(epochs_axis, [cosine_decay(0.1, e, 30) for e in epochs_axis], label="cosine decay over 30 epochs")
ax.plot(epochs_axis, [cosine_decay(0.1, e, 20, lr_min=0.01) for e in epochs_axis], ls="--",
        label="cosine over 20 epochs, lr_min 0.01, then flat")
ax.set_xlabel("epoch")
ax.set_ylabel("learning rate")
ax.set_title("learning-rate schedules, lr0 = 0.1")
ax.legend(fontsize=8)
fig.tight_layout()

# %% [markdown] id="decay-use-intro"
# And used: SGD with momentum on the network, once with a constant learning rate, once with step decay (halved every 2 epochs) and
# once with cosine decay over the whole run (per iteration). The schedules start at the same learning rate as the constant run.

# %% id="decay-use"
decay_epochs = course.runtime.scaled(6, when_grading=1)
total_iterations = decay_epochs * iters_per_epoch
schedules = {"constant 0.1": None,
             "step decay: ×0.5 every 2 epochs": lambda it: step_decay(0.1, it // iters_per_epoch, 0.5, 2),
             "cosine decay": lambda it: cosine_decay(0.1, it, total_iterations)}
decay_results = {}
for name, schedule in schedules.items():
    decay_results[name] = train(start_params, sgd_momentum, {"learning_rate": 0.1, "momentum": 0.9}, X_train, y_train,
                                decay_epochs, schedule=schedule, X_val=X_val, y_val=y_val, desc=name)[1]
fig, axes = plt.subplots(1, 3, figsize=(15, 3.4))
for (name, history), color in zip(decay_results.items(), colors):
    axes[0].plot(np.arange(len(history["lr"])) / iters_per_epoch, history["lr"], color=color, label=name)
    steps, values = smooth(history["loss"], 30)
    axes[1].plot(steps / iters_per_epoch, values, color=color, label=name)
    axes[2].plot(np.arange(1, len(history["val_acc"]) + 1), history["val_acc"], "o-", color=color, label=name)
    print(f"{name:32s} training loss (last 30 batches) {np.mean(history['loss'][-30:]):.4f}   "
          f"validation accuracy {history['val_acc'][-1]:.1%}")
for ax, title, ylabel in zip(axes, ["learning rate", "training loss", "validation accuracy"],
                             ["learning rate", "loss (average of 30 batches)", "accuracy"]):
    ax.set_title(title)
    ax.set_xlabel("epoch")
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=8)
axes[1].set_yscale("log")
fig.tight_layout()

# %% [markdown] id="decay-notes"
# With a constant rate the training loss flattens out at the level of the mini-batch noise. Each time step decay halves the rate, the loss
# drops a notch; cosine decay lowers it smoothly. Both schedules end about ten times below the constant rate, because their last epochs
# take small steps that settle into the minimum instead of bouncing around it. On the validation images the differences are smaller
# (400 images: one image is 0.25 %), but a schedule rarely does worse, and it costs nothing. The final model uses cosine decay.

# %% [markdown] id="search-intro"
# ## 11. A small hyper-parameter search
#
# The learning rate, the L2 strength `reg`, the momentum, the batch size, the number of hidden units: these **hyper-parameters** are not
# learned by gradient descent, we choose them. The lecture notes' advice is to choose them on held-out data. Three rules make a search
# honest and efficient:
#
# 1. **Score on the validation split, never on the test split.** Every setting we try and keep because the test accuracy was good leaks a
#    little of the test set into our choices, until the test accuracy no longer measures anything. The test images are used once, at the end.
# 2. **Search on a log scale.** A learning rate of 0.001 and one of 0.01 differ as much as 0.01 and 0.1; drawing uniformly between 0.001 and 0.1
#    would spend 90 % of the trials above 0.01. So draw the *exponent* uniformly: `lr = 10 ** rng.uniform(-3, -0.5)`.
# 3. **Random search beats a grid** (Bergstra and Bengio, 2012). With 9 trials a 3 × 3 grid tries only 3 different learning rates; 9 random
#    trials try 9, and usually only one or two hyper-parameters really matter.
#
# Short runs (3 epochs) are enough to tell good settings from bad ones. We search the learning rate (from $10^{-3}$ to $10^{-0.5}$) and
# `reg` (from $10^{-4}$ to $10^{-2.5}$) of SGD with momentum and cosine decay, for the network of the lecture notes' Keras example:
# 784 inputs, 512 hidden units, 10 outputs.

# %% id="search"
search_rng = np.random.default_rng(7)
n_trials = course.runtime.scaled(10, when_grading=2)
search_epochs = course.runtime.scaled(3, when_grading=1)
trials = []
for trial in progress(range(n_trials), desc="random search"):
    lr = 10 ** search_rng.uniform(-3, -0.5)
    reg = 10 ** search_rng.uniform(-4, -2.5)
    total = search_epochs * iters_per_epoch
    params, history = train(init_params(512, seed=trial), sgd_momentum, {"learning_rate": lr, "momentum": 0.9}, X_train, y_train,
                            search_epochs, reg=reg, schedule=lambda it, lr=lr, total=total: cosine_decay(lr, it, total),
                            X_val=X_val, y_val=y_val, seed=trial, desc=f"trial {trial}")
    trials.append({"learning_rate": lr, "reg": reg, "val_acc": history["val_acc"][-1]})
trials.sort(key=lambda t: -t["val_acc"])
print(f"{'learning rate':>14s} {'reg':>10s} {'validation accuracy':>20s}")
for t in trials:
    print(f"{t['learning_rate']:14.4f} {t['reg']:10.2e} {t['val_acc']:20.1%}")
best = trials[0]

fig, ax = plt.subplots(figsize=(6, 4))
points = ax.scatter([t["learning_rate"] for t in trials], [t["reg"] for t in trials], c=[t["val_acc"] for t in trials],
                    cmap="viridis", s=80, edgecolor="black")
ax.scatter([best["learning_rate"]], [best["reg"]], s=300, facecolor="none", edgecolor="red", lw=2, label="best")
for t in trials:
    ax.annotate(f"{t['val_acc']:.1%}", (t["learning_rate"], t["reg"]), textcoords="offset points", xytext=(6, 6), fontsize=8)
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel("learning rate")
ax.set_ylabel("reg (L2 strength)")
ax.set_title(f"random search: {len(trials)} trials of {search_epochs} epochs")
fig.colorbar(points, label="validation accuracy")
ax.legend()
fig.tight_layout()

# %% [markdown] id="final-intro"
# ### Retrain the best setting, then test once
#
# The search was short; the final model gets the best setting found, a longer run (20 epochs) with cosine decay, and all the labelled
# training images: the validation split has done its job of choosing, so it joins the training data (scaled with the same numbers).
# Then, once, the test images. The lecture notes' Keras network, the same 784-512-10 shape trained with plain SGD for 5 epochs on the
# full 60,000 images, reached 91.5 % on the full test set; on the course's small subset our network should pass 94.5 %, and more on full MNIST (a network of this size
# typically reaches about 98 % there).

# %% id="final"
final_epochs = course.runtime.scaled(20 if data.source == "subset" else 8, when_grading=1)
X_all = np.concatenate([X_train, X_val])
y_all = np.concatenate([y_train, y_val])
final_total = final_epochs * int(np.ceil(len(y_all) / 100))
final_params, final_history = train(init_params(512, seed=0), sgd_momentum, {"learning_rate": best["learning_rate"], "momentum": 0.9},
                                    X_all, y_all, final_epochs, reg=best["reg"],
                                    schedule=lambda it: cosine_decay(best["learning_rate"], it, final_total), desc="final model")
X_test = (data.X_test - pixel_mean) / pixel_std
test_acc = accuracy_of(final_params, X_test, data.y_test)
print(f"best setting: learning rate {best['learning_rate']:.4f}, reg {best['reg']:.1e}; "
      f"{final_epochs} epochs on {len(y_all):,} training images, cosine decay")
print(f"training accuracy {accuracy_of(final_params, X_all, y_all):.1%}")
course.runtime.expect_accuracy(test_acc, at_least=0.945, description=data.description)

# %% [markdown] id="think"
# ## Things to think about
#
# 1. In section 1, find the learning rate at which gradient descent on $(w - 1)^2$ lands exactly on the minimum in one step. What is it
#    for $J = \tfrac12 (w_1^2 + 50 w_2^2)$ in each direction, and why can one learning rate not do both?
# 2. In section 2, run the batch-size-1 curve for 20 epochs. Does its loss ever settle? Add `cosine_decay` to its learning rate and compare.
# 3. Why does RMSProp's first step have the same size in every coordinate? What does that mean for a weight whose gradient is tiny but
#    always has the same sign?
# 4. Remove the bias correction from your Adam (temporarily) and run section 8 again. What happens in the first steps, and why?
# 5. In section 11, the search used 3 epochs and the final run 20. Could a learning rate that wins a 3-epoch race lose a 20-epoch one?
#    What does that suggest about short searches?
# 6. Why must the test images never be used to choose the learning rate, even once?
