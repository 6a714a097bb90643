# %% [markdown] id="header"
# # Lecture 06 · Dropout
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({{COLAB_URL}})
#
# Give a network enough weights and few enough examples and it will learn the examples by heart: every training image
# classified correctly, new images much less so. This lecture first makes that **over-fitting** visible on handwritten digits,
# then explains one of its causes, hidden units that only work as a team (**co-adaptation**), and the remedy Hinton and his students
# proposed in 2012: **dropout**, which switches off a random half of the units at every training step. You will derive why the
# kept units are scaled by $1/p$ during training, write the dropout layer as a forward/backward pair, see why a network needs a
# *training mode* and a *test mode*, and finally run the same experiment three times: with no regularisation, with dropout and
# with lecture 02's L2 penalty.
#
# You will write two functions:
#
# | function | what it does |
# |---|---|
# | `dropout_forward(x, dropout_param)` | in training mode keeps each entry of `x` with probability `keep_prob` and scales the kept ones by `1 / keep_prob`; in test mode returns `x` unchanged. Returns `(out, cache)` |
# | `dropout_backward(dout, cache)` | its gradient `dx` |
#
# **How to work through this notebook.** Read top to bottom and run each cell in order (Shift+Enter).
# Cells marked *Your turn* contain `# YOUR CODE HERE` and `raise NotImplementedError()`: replace both with your code.
# The cell after each exercise runs *checks*; if one fails, its message says what is wrong.
# When you hand the notebook in, hidden tests check the same functions more thoroughly, so make sure the visible checks pass first.
# In Colab: *File → Save a copy in Drive* is not needed if you opened the notebook from your Drive folder; save with Ctrl+S (⌘+S) and download it with *File → Download → Download .ipynb*.

# %% setup id="setup"

# %% [markdown] id="given-intro"
# ### Building blocks from earlier lectures
#
# The network of this lecture is made of the layers you wrote in lecture 03 and the loss of lecture 02. Here are working versions
# of them, so that a slip in an earlier exercise does not spoil this one. Read them if you like; they are not graded here.

# %% given="03_backprop:affine_forward,affine_backward,relu_forward,relu_backward" id="given-layers"

# %% given="02_softmax:softmax,softmax_cross_entropy" id="given-loss"

# %% [markdown] id="overfit-intro"
# ## 1. Over-fitting, seen
#
# Lecture 03's two-layer network learned from a few thousand digits and its training and validation accuracy ended a few points
# apart. Make the training set small and the gap opens wide. We take only **500 training images** (50 of each digit),
# keep 1,000 other training images aside for **validation** (images the network never learns from; we watch its accuracy on them
# after every epoch) and do not touch the **test** images until the very end.
#
# The network is lecture 03's, only wider: 784 inputs, 512 hidden ReLU units, 10 scores,
#
# $$784 \cdot 512 + 512 + 512 \cdot 10 + 10 = 407{,}050 \text{ weights and biases}$$
#
# (exactly the size of the Keras dense network in the lecture notes), to learn from 500 images: more than 800 numbers per image.
# Nothing stops it from storing every image.
#
# The class below already has room for dropout: with `keep_prob = 1` (the default) its dropout layers are skipped, so it is a plain
# network until you have written them in section 4.

# %% id="load-data"
from course.data import load_mnist

data = load_mnist()
split_rng = np.random.default_rng(6)
order = split_rng.permutation(len(data.y_train))
PER_DIGIT = 50
train_idx = np.concatenate([order[data.y_train[order] == digit][:PER_DIGIT] for digit in range(10)])
val_idx = order[~np.isin(order, train_idx)][:1000]          # 1,000 other training images, never learned from
X_train, y_train = data.X_train[train_idx], data.y_train[train_idx]
X_val, y_val = data.X_train[val_idx], data.y_train[val_idx]
X_test, y_test = data.X_test, data.y_test
N_TRAIN = len(y_train)
print(f"training images {X_train.shape}, validation {X_val.shape}, test {X_test.shape}")
print("training images per digit:", np.bincount(y_train, minlength=10))

# %% id="network"
class MLP:
    """affine - ReLU - [dropout] - affine - softmax, with an optional dropout layer on the input pixels as well.

    keep_prob: probability of keeping a hidden unit (1 = no dropout); keep_prob_input: the same for the pixels;
    reg: L2 strength, loss += reg * (sum W1**2 + sum W2**2), as in lecture 02.
    loss(X) is test mode and returns the scores; loss(X, y) is training mode and returns (loss, grads).
    """

    def __init__(self, hidden_dim=512, keep_prob=1.0, keep_prob_input=1.0, reg=0.0, seed=0):
        self.rng = np.random.default_rng(seed)   # the weights and, later, every dropout mask come from here
        self.keep_prob, self.keep_prob_input, self.reg = keep_prob, keep_prob_input, reg
        self.params = {"W1": self.rng.normal(scale=np.sqrt(2 / 784), size=(784, hidden_dim)),  # He scaling (lecture 04)
                       "b1": np.zeros(hidden_dim),
                       "W2": self.rng.normal(scale=np.sqrt(2 / hidden_dim), size=(hidden_dim, 10)),
                       "b2": np.zeros(10)}

    def _dropout(self, x, keep_prob, mode):
        if keep_prob == 1.0:
            return x, None          # no dropout layer at all
        seed = int(self.rng.integers(2**31))   # a fresh mask at every training step
        return dropout_forward(x, {"keep_prob": keep_prob, "mode": mode, "seed": seed})

    def loss(self, X, y=None):
        p = self.params
        mode = "test" if y is None else "train"
        x, c_in = self._dropout(X, self.keep_prob_input, mode)
        h, c1 = affine_forward(x, p["W1"], p["b1"])
        a, c_relu = relu_forward(h)
        a, c_drop = self._dropout(a, self.keep_prob, mode)
        scores, c2 = affine_forward(a, p["W2"], p["b2"])
        if y is None:
            return scores
        loss, dscores = softmax_cross_entropy(scores, y)
        loss += self.reg * (np.sum(p["W1"] ** 2) + np.sum(p["W2"] ** 2))
        da, dW2, db2 = affine_backward(dscores, c2)
        if c_drop is not None:
            da = dropout_backward(da, c_drop)
        dh = relu_backward(da, c_relu)
        _, dW1, db1 = affine_backward(dh, c1)   # the gradient for the (dropped-out) pixels is not needed
        return loss, {"W1": dW1 + 2 * self.reg * p["W1"], "b1": db1, "W2": dW2 + 2 * self.reg * p["W2"], "b2": db2}

# %% [markdown] id="train-intro"
# The training loop is lecture 03's: mini-batches of 50, plain gradient descent with learning rate 0.2, and after every epoch the
# accuracy on the training and the validation images and the validation loss. 60 epochs of 10 mini-batches each take a few
# seconds. (While the autograder runs the notebook, every experiment is cut to a few epochs.)

# %% id="train-fn"
from tqdm.auto import tqdm


def accuracy_of(net, X, y):
    return float(np.mean(np.argmax(net.loss(X), axis=1) == y))


def train(net, epochs, learning_rate=0.2, batch_size=50, seed=0, desc="epochs"):
    rng = np.random.default_rng(seed)
    history = {"train_acc": [], "val_acc": [], "val_loss": []}
    for epoch in tqdm(range(epochs), desc=desc):
        order = rng.permutation(len(y_train))
        for start in range(0, len(y_train), batch_size):
            batch = order[start:start + batch_size]
            loss, grads = net.loss(X_train[batch], y_train[batch])
            for name in net.params:
                net.params[name] -= learning_rate * grads[name]
        val_scores = net.loss(X_val)
        history["train_acc"].append(accuracy_of(net, X_train, y_train))
        history["val_acc"].append(float(np.mean(np.argmax(val_scores, axis=1) == y_val)))
        history["val_loss"].append(softmax_cross_entropy(val_scores, y_val)[0])
    return history


EPOCHS = course.runtime.scaled(60, when_grading=2)

# %% id="train-plain"
from course.dropout_plots import plot_overfitting

plain_net = MLP(seed=0)
plain_history = train(plain_net, EPOCHS, desc="no regularisation")
print(f"after {EPOCHS} epochs: training accuracy {plain_history['train_acc'][-1]:.1%}, "
      f"validation accuracy {plain_history['val_acc'][-1]:.1%} (best {max(plain_history['val_acc']):.1%})")
plot_overfitting({"no regularisation": plain_history}, title=f"{N_TRAIN} training images, 407,050 parameters");

# %% [markdown] id="overfit-notes"
# Read the left panel. The dashed curve, accuracy on the 500 images the network learns from, reaches **100 %** within about
# 15 epochs and stays there. The solid curve, accuracy on 1,000 images it has never seen, climbs with it for a while and then
# **stalls**, some 14 points lower. From then on the network gets nothing more out of the training images that carries over
# to new ones; whatever it still changes is fitting the 500 images, not digits in general.
#
# The right panel shows the same thing more sharply. The validation loss falls, reaches its lowest point and then **rises**, though
# the validation accuracy does not drop: the network keeps making its training predictions more confident (the training loss heads
# to 0), and on the validation images it is wrong about as often as before but ever more sure of itself when it is. That is
# **over-fitting**: a model that has started to describe its training set rather than the problem.
#
# The cure that always works is more data (think about question 4 at the end). When there is no more data, we **regularise**:
# we make it harder for the network to memorise. Lecture 02's L2 penalty is one way. Dropout is another, aimed at a particular way
# networks memorise.

# %% [markdown] id="coadapt"
# ## 2. Co-adaptation, and the idea of dropout
#
# Look at one hidden unit of the network above. Its gradient depends on what all the *other* units do: if unit 17 makes a mistake
# on image 312, the error signal tells other units to fix exactly that mistake on exactly that image. After many epochs the hidden
# units have **co-adapted**: they form teams in which each unit's weights only make sense given its partners, and the team together
# encodes the training images one by one. Such a team is fragile: on a new image the corrections do not apply and the
# mistakes they patched show through.
#
# **Dropout** (Hinton et al. 2012; Srivastava et al. 2014) breaks the teams up. At every training step each unit is kept with
# probability $p$ (`keep_prob`, often 0.5 for hidden units and 0.8 for input pixels) and otherwise set to 0 for that step: it sends
# nothing forward, and receives no gradient back. A unit can no longer count on any particular partner being there, so it has to
# learn something useful on its own, in the company of a random selection of the others.
#
# A second way to see it: each training step uses a different **thinned network**, the units that happened to be kept and the
# connections between them. A layer of $n$ units has $2^n$ thinned versions, all sharing the same weights; dropout trains a huge
# ensemble of them at once, each one on a mini-batch or two. At test time we want the *average* prediction of that ensemble,
# and section 3 shows the cheap way to get close to it.
#
# Below: the network of a lecture-sized example (6 inputs, two hidden layers of 8, 3 outputs) and two thinned networks
# drawn with input units kept with probability 0.8 and hidden units with probability 0.5. Each training step uses one of them.

# %% id="thinned-picture"
from course.dropout_plots import draw_thinned_networks

picture_rng = np.random.default_rng(2)
layer_sizes = [6, 8, 8, 3]
keep_probs = [0.8, 0.5, 0.5]          # input, hidden 1, hidden 2 (the output layer is never dropped)
masks = [[picture_rng.random(n) < p for n, p in zip(layer_sizes, keep_probs)] for _ in range(2)]
for k, mask in enumerate(masks, start=1):
    print(f"step {k}: units kept per layer", [int(m.sum()) for m in mask])
draw_thinned_networks(layer_sizes, masks);

# %% [markdown] id="inverted-intro"
# ## 3. Inverted dropout: scale at training time, not at test time
#
# Write the dropout layer for one activation $a$ and a random **mask** value $m$ that is 1 with probability $p$ and 0 otherwise.
# The plain version outputs $m \cdot a$. On average over the masks,
#
# $$\mathbb{E}[m \cdot a] = p \cdot a + (1 - p) \cdot 0 = p\,a .$$
#
# With $p = 0.5$ the next layer is used to receiving **half** the signal it would get from the full network. At test time we
# switch dropout off, all units are present, and the next layer suddenly receives twice its usual input: the scores
# change and the predictions suffer. The original paper repaired this at test time, by multiplying the weights by $p$.
#
# **Inverted dropout**, what every library does today, repairs it at training time instead: divide the kept units by $p$,
#
# $$\text{out} = \frac{m \cdot a}{p}, \qquad \mathbb{E}[\text{out}] = \frac{p\,a}{p} = a .$$
#
# On average the next layer receives exactly what it will receive at test time, and test time is then the **identity**: nothing to
# remember, nothing to rescale, and a network trained with dropout can be used as if it had none.
#
# A few remarks before we check this numerically:
#
# * $p$ is the probability of **keeping** a unit. PyTorch's `nn.Dropout(p=0.5)` and Keras' `Dropout(rate=0.5)` give the probability of
#   **dropping** one. Same layer, opposite number: `keep_prob = 1 - p_torch`.
# * Each entry of the batch gets its own mask value: different examples in a mini-batch lose different units.
# * The expected value is unchanged, but not the spread: $\operatorname{Var}[\text{out}] = a^2 (1-p)/p$, which is exactly the noise
#   that makes co-adaptation pointless.
#
# The check: the activations of 5 units, a million masks with $p = 0.5$, and the average output with and without the $1/p$.

# %% id="expectation-check"
check_rng = np.random.default_rng(0)
a = np.array([0.3, 1.0, 2.5, 0.0, 4.2])                 # 5 activations after a ReLU
keep_prob = 0.5
m = check_rng.random((1_000_000, 5)) < keep_prob        # a million masks, one row each
plain = m * a                                           # dropout without rescaling
inverted = m * a / keep_prob                            # inverted dropout
print("activations a          :", a)
print("mean of m * a          :", plain.mean(axis=0).round(3), "  <- about p * a")
print("mean of m * a / p      :", inverted.mean(axis=0).round(3), "  <- about a: unchanged")
print("variance of m * a / p  :", inverted.var(axis=0).round(3))
print("a**2 * (1 - p) / p     :", (a ** 2 * (1 - keep_prob) / keep_prob).round(3))

# %% [markdown] id="forward-task"
# ## 4. Your turn: `dropout_forward`
#
# Write `dropout_forward(x, dropout_param)` for an array `x` of **any shape**. `dropout_param` is a dict with three keys:
#
# * `"keep_prob"`: the probability $p$ of keeping each entry, $0 < p \le 1$;
# * `"mode"`: `"train"` or `"test"`;
# * `"seed"`: where the mask comes from. Draw it from `rng = np.random.default_rng(dropout_param["seed"])`, for example
#   `rng.random(x.shape) < keep_prob`, which is `True` with probability `keep_prob`. The same seed then gives the same mask, which
#   makes runs reproducible and lets us check gradients. Never use `np.random.rand` or `np.random.seed`: they use and change
#   NumPy's **global** random state, which other code relies on.
#
# In **training mode** return `out = x * mask / keep_prob` (inverted dropout); in **test mode** return `x` itself, with no mask and no
# scaling. The `cache` is whatever `dropout_backward` will need: the mask, and `dropout_param` (or the parts of it you need).
# Build a new array for `out`; `x *= mask` would change the caller's array.

# %% solution id="dropout_forward"
def dropout_forward(x, dropout_param):
    """Forward pass of (inverted) dropout.

    x: array of any shape. dropout_param: dict with "keep_prob" (probability of keeping an entry, 0 < p <= 1),
    "mode" ("train" or "test") and "seed" (for np.random.default_rng).
    Returns (out, cache): out with the shape of x; in train mode x * mask / keep_prob with mask[i] = 1 with
    probability keep_prob, else 0; in test mode x unchanged. cache holds what dropout_backward needs.
    """
    ### BEGIN SOLUTION
    keep_prob, mode = dropout_param["keep_prob"], dropout_param["mode"]
    if mode == "train":
        rng = np.random.default_rng(dropout_param.get("seed"))
        mask = rng.random(x.shape) < keep_prob
        out = x * mask / keep_prob
    elif mode == "test":
        mask = None
        out = x
    else:
        raise ValueError(f'dropout_param["mode"] must be "train" or "test", not {mode!r}')
    cache = (dict(dropout_param), mask)
    return out, cache
    ### END SOLUTION

# %% tests id="test_dropout_forward" points=4
from course.checks import call  # runs your function; a crash or a wrong number of results fails the check

# Checks for dropout_forward
x = np.array([[1.0, -2.0, 3.0], [0.5, 4.0, -1.0]])
x_before = x.copy()
out, _ = call("dropout_forward in test mode", dropout_forward, x, {"keep_prob": 0.5, "mode": "test", "seed": 0}, n_out=2)
check_close(out, x_before, "the output in test mode",
            hint="Test mode is the identity: no mask and no scaling. The scaling by 1/keep_prob happens in training mode only.")
out, _ = call("dropout_forward", dropout_forward, x, {"keep_prob": 1.0, "mode": "train", "seed": 0}, n_out=2)
check_close(out, x_before, "the output in training mode with keep_prob = 1",
            hint="keep_prob is the probability of KEEPING an entry: with keep_prob = 1 nothing is dropped. "
                 "Did you use it as the probability of dropping?")
check_unchanged(x_before, x, "The input `x` of dropout_forward")
global_state = np.random.get_state()          # NumPy's global random state: dropout_forward must leave it alone
call("dropout_forward", dropout_forward, x, {"keep_prob": 0.5, "mode": "train", "seed": 4}, n_out=2)
global_after = np.random.get_state()
check(np.array_equal(global_state[1], global_after[1]) and global_state[2] == global_after[2],
      "dropout_forward used NumPy's global random state (np.random.rand, np.random.seed, ...): draw the mask from "
      "np.random.default_rng(dropout_param['seed']) instead.")

ones = np.ones((200, 500))                      # 100,000 entries, so the fractions below are accurate to about 0.1 %
out, _ = call("dropout_forward", dropout_forward, ones, {"keep_prob": 0.8, "mode": "train", "seed": 1}, n_out=2)
check_shape(out, ones.shape, "the output for x of shape (200, 500)")
out = np.asarray(out, dtype=float)
kept = out != 0
check(np.allclose(out[kept], 1 / 0.8),
      f"With x all ones and keep_prob = 0.8 the kept entries should be 1 / 0.8 = 1.25 (inverted dropout scales them at training "
      f"time); yours are {np.unique(out[kept].round(4))[:5]}.")
check(abs(kept.mean() - 0.8) < 0.01,
      f"With keep_prob = 0.8 about 80 % of the entries should be kept; yours keeps {kept.mean():.1%}."
      + (" That is about 20 %: you dropped with probability keep_prob instead of keeping." if abs(kept.mean() - 0.2) < 0.01 else ""))
check(abs(out.mean() - 1.0) < 0.01, f"The mean output for x all ones should stay about 1 (the expected value is unchanged); yours is {out.mean():.3f}.")
check(not np.all(kept == kept[0]) and not np.all(kept == kept[:, :1]),
      "Every row (or every column) has the same mask: draw one mask value per entry of x, with shape x.shape.")

out_a, _ = call("dropout_forward", dropout_forward, ones, {"keep_prob": 0.5, "mode": "train", "seed": 7}, n_out=2)
out_b, _ = call("dropout_forward", dropout_forward, ones, {"keep_prob": 0.5, "mode": "train", "seed": 7}, n_out=2)
out_c, _ = call("dropout_forward", dropout_forward, ones, {"keep_prob": 0.5, "mode": "train", "seed": 8}, n_out=2)
check(np.array_equal(out_a, out_b), "Two calls with the same seed gave different masks: draw the mask from "
      "np.random.default_rng(dropout_param['seed']).")
check(not np.array_equal(out_a, out_c), "Two calls with different seeds gave the same mask: use dropout_param['seed'].")
print("dropout_forward: visible checks passed")
### BEGIN HIDDEN TESTS
def _forward(x, param, what):
    _x0 = x.copy()
    _state = np.random.get_state()
    _out, _cache = call(what, dropout_forward, x, param, n_out=2)
    _after = np.random.get_state()
    check(np.array_equal(_state[1], _after[1]) and _state[2] == _after[2],
          f"{what} used or changed NumPy's global random state (np.random.rand, np.random.seed, ...). "
          "Draw the mask from np.random.default_rng(dropout_param['seed']) instead.")
    check_unchanged(_x0, x, f"The input `x` of {what}")
    check_shape(_out, x.shape, f"the output of {what} for x of shape {x.shape}")
    return np.asarray(_out, dtype=float)

_rng = np.random.default_rng(6061)
call("dropout_forward", dropout_forward, np.ones((2, 3)), {"keep_prob": 0.5, "mode": "train", "seed": 1}, n_out=2)

# test mode: the identity, whatever keep_prob and the seed
for _shape, _p in [((4, 5), 0.5), ((3, 2, 4), 0.2), ((2, 3, 4, 5), 0.9), ((7,), 0.75)]:
    _x = _rng.normal(size=_shape)
    _what = f"dropout_forward in test mode (keep_prob = {_p}, x of shape {_shape})"
    _out = _forward(_x, {"keep_prob": _p, "mode": "test", "seed": 3}, _what)
    check(not np.allclose(_out, _x * _p), f"{_what} scales x by keep_prob. With inverted dropout the scaling (by 1/keep_prob) "
          "happens in training mode, and test mode returns x unchanged.")
    check(np.count_nonzero(_out) == np.count_nonzero(_x), f"{_what} sets some entries to 0: test mode must not drop anything.")
    check_close(_out, _x, _what, show_expected=False, hint="Test mode returns x unchanged: no mask, no scaling.")

# training mode: each entry kept with probability keep_prob and scaled by 1 / keep_prob
for _shape, _p in [((400, 250), 0.3), ((200, 300), 0.65), ((50, 4, 10, 10), 0.9), ((100000,), 0.5), ((20, 50, 30), 0.15)]:
    _x = _rng.normal(size=_shape)
    _x[np.abs(_x) < 0.05] = 0.5                   # no zeros in x, so out / x shows the mask
    _what = f"dropout_forward in training mode (keep_prob = {_p}, x of shape {_shape})"
    _out = _forward(_x, {"keep_prob": _p, "mode": "train", "seed": int(_rng.integers(1000))}, _what)
    _ratio = _out / _x
    _kept = ~np.isclose(_ratio, 0.0)
    _frac = _kept.mean()
    _tol = 5 * np.sqrt(_p * (1 - _p) / _x.size) + 1e-3
    check(abs(_frac - (1 - _p)) > _tol or abs(_frac - _p) < _tol,
          f"{_what} keeps {_frac:.1%} of the entries, about 1 - keep_prob: keep_prob is the probability of KEEPING an entry, "
          "not of dropping it.")
    check(abs(_frac - _p) < _tol,
          f"{_what} keeps {_frac:.1%} of the entries; about {_p:.0%} should be kept. Keep each entry independently with "
          "probability keep_prob (for example rng.random(x.shape) < keep_prob).")
    check(not np.allclose(_ratio[_kept], 1.0),
          f"{_what} does not rescale the kept entries. Inverted dropout divides them by keep_prob at training time, so that "
          "test time needs no scaling.")
    check(np.allclose(_ratio[_kept], 1 / _p),
          f"{_what}: the kept entries should be x / keep_prob and the others 0; some of yours are x times "
          f"{np.unique(_ratio[_kept].round(4))[:3]}.")

# one mask value per entry: rows and columns are not all alike
_x = _rng.normal(size=(300, 200)) + 5.0
_out = _forward(_x, {"keep_prob": 0.5, "mode": "train", "seed": 11}, "dropout_forward with x of shape (300, 200)")
_kept = _out != 0
check(not np.all(_kept == _kept[0]),
      "dropout_forward drops the same units for every example of the batch: draw one mask value per entry of x (shape x.shape).")
check(not np.all(_kept == _kept[:, :1]),
      "dropout_forward keeps or drops whole examples: draw one mask value per entry of x (shape x.shape).")
_agree = np.mean(_kept[:-1] == _kept[1:])
check(abs(_agree - 0.5) < 0.02,
      f"The masks of neighbouring examples agree on {_agree:.1%} of the entries; independent masks with keep_prob = 0.5 agree "
      "on about 50 %. Draw every entry of the mask independently.")

# keep_prob = 1: nothing dropped, nothing scaled
_x = _rng.normal(size=(6, 9))
_out = _forward(_x, {"keep_prob": 1.0, "mode": "train", "seed": 5}, "dropout_forward in training mode with keep_prob = 1")
check_close(_out, _x, "dropout_forward in training mode with keep_prob = 1", show_expected=False,
            hint="keep_prob is the probability of keeping an entry: with keep_prob = 1 the output is x itself.")

# the seed decides the mask: reproducible, and different seeds give different masks
_x = np.ones((40, 60))
_param = {"keep_prob": 0.6, "mode": "train", "seed": 2024}
_first = _forward(_x, dict(_param), "dropout_forward with seed 2024")
_again = _forward(_x, dict(_param), "dropout_forward with seed 2024, a second time")
check(np.array_equal(_first, _again),
      "Two calls with the same seed gave different masks: draw the mask from np.random.default_rng(dropout_param['seed']).")
_masks = [_forward(_x, {"keep_prob": 0.6, "mode": "train", "seed": _s}, f"dropout_forward with seed {_s}") != 0
          for _s in (0, 1, 2, 3)]
check(all(not np.array_equal(_masks[i], _masks[j]) for i in range(4) for j in range(i + 1, 4)),
      "Calls with different seeds gave the same mask: the mask must come from dropout_param['seed'], a fresh one for every seed.")
_masks = [_forward(_x, {"keep_prob": 0.6, "mode": "train", "seed": _s}, f"dropout_forward with seed {_s}") != 0
          for _s in (10, 10, 10)]
check(np.array_equal(_masks[0], _masks[1]) and np.array_equal(_masks[1], _masks[2]),
      "Three calls with the same seed gave different masks: draw the mask from np.random.default_rng(dropout_param['seed']).")
### END HIDDEN TESTS

# %% [markdown] id="backward-intro"
# ## 5. The backward pass
#
# In training mode the layer multiplies every entry by a constant that the forward pass chose: $\text{out}_i = x_i\, m_i / p$.
# The local derivative of entry $i$ is therefore $m_i / p$, and
#
# $$\frac{\partial L}{\partial x_i} = \frac{\partial L}{\partial\, \text{out}_i} \cdot \frac{m_i}{p}:$$
#
# the gradient flows back only through the kept units, scaled by the same $1/p$, exactly like lecture 03's ReLU mask but with the
# mask drawn at random. Two things follow. The backward pass must use **the very mask the forward pass drew** (a new random mask would
# send gradient to units that contributed nothing), which is why it is in the cache. And a dropped unit gets no gradient in that
# step, so the weights that feed it do not change: that is the "it cannot count on its partners" of section 2, in code.
# In test mode the layer is the identity and so is its gradient: `dx = dout`.
#
# ### Your turn: `dropout_backward`
#
# Given `dout` (the shape of `x`) and the `cache` of `dropout_forward`, return `dx`. Do not draw a new mask, and do not change `dout`
# in place.

# %% solution id="dropout_backward"
def dropout_backward(dout, cache):
    """Backward pass of (inverted) dropout.

    dout: upstream gradient, the shape of x; cache: from dropout_forward.
    Returns dx with the shape of dout: dout * mask / keep_prob in train mode, dout in test mode.
    """
    ### BEGIN SOLUTION
    dropout_param, mask = cache
    if dropout_param["mode"] == "train":
        return dout * mask / dropout_param["keep_prob"]
    return dout
    ### END SOLUTION

# %% tests id="test_dropout_backward" points=2
from course.checks import call  # runs your function; a crash or a wrong number of results fails the check

# Checks for dropout_backward
_check_rng = np.random.default_rng(0)
x = _check_rng.normal(size=(4, 6))
dout = _check_rng.normal(size=(4, 6))
dout_before = dout.copy()
param = {"keep_prob": 0.6, "mode": "train", "seed": 3}
out, cache = call("dropout_forward", dropout_forward, x, param, n_out=2)
again, _ = call("dropout_forward", dropout_forward, x, param, n_out=2)
check(np.array_equal(out, again), "dropout_forward gives different outputs for the same seed, so its gradient cannot be "
      "checked: make dropout_forward pass its own checks first.")
dx = call("dropout_backward", dropout_backward, dout, cache)
check_shape(dx, x.shape, "dx")
check_unchanged(dout_before, dout, "The upstream gradient `dout`")
dropped = np.asarray(out) == 0
check(np.all(np.asarray(dx)[dropped] == 0), "dx is not 0 where the forward pass dropped a unit: use the mask from the cache, "
      "not a new one.")
# the numerical gradient of sum(out * dout): the seed fixes the mask, so every evaluation uses the same thinned network
check_gradient(lambda x_: np.sum(dropout_forward(x_, param)[0] * dout), x, dx, "dx in training mode",
               hint="dx = dout * mask / keep_prob: the same mask and the same 1/keep_prob scaling as the forward pass.")
out, cache = call("dropout_forward in test mode", dropout_forward, x, {"keep_prob": 0.6, "mode": "test", "seed": 3}, n_out=2)
dx = call("dropout_backward after test mode", dropout_backward, dout, cache)
check_close(dx, dout_before, "dx in test mode", show_expected=False,
            hint="In test mode the layer is the identity, so dx is dout: no mask and no scaling.")
print("dropout_backward: visible checks passed")
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(6062)
for _shape, _p in [((8, 10), 0.5), ((300, 40), 0.25), ((5, 3, 4, 4), 0.8), ((12,), 0.6), ((50, 60), 0.95)]:
    _x = _rng.normal(size=_shape)
    _x[np.abs(_x) < 0.05] = -0.5
    _dout = _rng.normal(size=_shape)
    _x0, _dout0 = _x.copy(), _dout.copy()
    _what = f"dropout_backward in training mode (keep_prob = {_p}, shape {_shape})"
    _out, _cache = call("dropout_forward", dropout_forward, _x, {"keep_prob": _p, "mode": "train", "seed": int(_rng.integers(1000))},
                        n_out=2)
    _scale = np.asarray(_out, dtype=float) / _x0          # what the forward pass multiplied each entry by
    _state = np.random.get_state()
    _dx = call(_what, dropout_backward, _dout, _cache)
    _after = np.random.get_state()
    check(np.array_equal(_state[1], _after[1]) and _state[2] == _after[2],
          f"{_what} used NumPy's global random state. The backward pass needs no random numbers: reuse the mask in the cache.")
    check_unchanged(_dout0, _dout, "The upstream gradient `dout`")
    check_shape(_dx, _shape, f"dx of {_what}")
    _dx = np.asarray(_dx, dtype=float)
    _dropped = np.isclose(_scale, 0.0)
    check(np.allclose(_dx[_dropped], 0.0),
          f"{_what}: dx is not 0 everywhere the forward pass dropped an entry. Multiply dout by the mask the forward pass "
          "used (keep it in the cache); do not draw a new one.")
    check(not np.allclose(_dx[~_dropped], _dout0[~_dropped]) or np.allclose(_scale[~_dropped], 1.0),
          f"{_what}: dx equals dout where the units were kept, but the forward pass scaled them by 1/keep_prob; "
          "the gradient must be scaled the same way.")
    check_close(_dx, _dout0 * _scale, _what, show_expected=False,
                hint="dx = dout * mask / keep_prob with the same mask and scaling as the forward pass.")
for _shape in [(4, 7), (2, 3, 5)]:
    _x = _rng.normal(size=_shape)
    _dout = _rng.normal(size=_shape)
    _dout0 = _dout.copy()
    _, _cache = call("dropout_forward in test mode", dropout_forward, _x, {"keep_prob": 0.4, "mode": "test", "seed": 1}, n_out=2)
    _dx = call("dropout_backward after test mode", dropout_backward, _dout, _cache)
    check_unchanged(_dout0, _dout, "The upstream gradient `dout`")
    check_close(_dx, _dout0, f"dropout_backward in test mode (shape {_shape})", show_expected=False,
                hint="In test mode the layer is the identity, so dx is dout: no mask and no scaling.")
_x = _rng.normal(size=(5, 6))
_dout = _rng.normal(size=(5, 6))
_param = {"keep_prob": 0.7, "mode": "train", "seed": 99}
_, _cache = call("dropout_forward", dropout_forward, _x, _param, n_out=2)
_dx1 = call("dropout_backward", dropout_backward, _dout, _cache)
_dx2 = call("dropout_backward", dropout_backward, _dout, _cache)
check(np.array_equal(_dx1, _dx2), "dropout_backward gave two different results for the same cache and dout: "
      "it must reuse the mask stored in the cache, not draw a new one.")
### END HIDDEN TESTS

# %% [markdown] id="modes-intro"
# ## 6. Training mode and test mode
#
# A layer that behaves differently during training and at test time needs to be told which one it is in, and forgetting to switch is
# one of the most common bugs in deep learning (in PyTorch it is `model.train()` / `model.eval()`). Lecture 07's batch normalisation is
# the second layer of this kind.
#
# The experiment below trains the network with dropout on the same 500 images. With so few images we drop generously: half of the
# hidden units **and half of the input pixels** at every step (0.8 is the usual choice for pixels; question 5 asks you to try
# others). Dropping pixels works like an endless supply of damaged copies of the training images: the network never sees exactly the
# same image twice. Here is what it sees, produced by your `dropout_forward` (the kept pixels are doubled in brightness by the
# $1/p$; the colour scale is clipped at 1):

# %% id="dropped-pixels"
digits = X_train[::50][:8]                                      # one image of each of the first 8 digits
dropped, _ = dropout_forward(digits, {"keep_prob": 0.5, "mode": "train", "seed": 0})
course.plots.show_images(np.clip(np.concatenate([digits, dropped]), 0, 1),
                         titles=["original"] * 8 + ["keep_prob 0.5"] * 8, ncols=8);

# %% [markdown] id="modes-questions"
# After training, three questions about the trained network:
#
# 1. **Test mode** (`mode="test"`, what `net.loss(X)` does): all units, no scaling. Every call gives the same answer.
# 2. **Training mode by mistake**: one random thinned network per call. The predictions change from call to call and the accuracy drops.
# 3. **The ensemble** that dropout trained: the average of the softmax probabilities of many thinned networks. Test mode is meant to be
#    a cheap approximation of it; they should agree closely.

# %% id="train-dropout"
KEEP_INPUT, KEEP_HIDDEN = 0.5, 0.5
dropout_net = MLP(keep_prob=KEEP_HIDDEN, keep_prob_input=KEEP_INPUT, seed=0)
dropout_history = train(dropout_net, EPOCHS, desc="dropout")
print(f"after {EPOCHS} epochs: training accuracy {dropout_history['train_acc'][-1]:.1%}, "
      f"validation accuracy {dropout_history['val_acc'][-1]:.1%}")

# %% id="modes-demo"
def thinned_scores(net, X, seed):
    """The scores of one thinned network: the forward pass of net.loss in training mode, without the loss."""
    p = net.params
    seeds = np.random.default_rng(seed).integers(2**31, size=2)
    x, _ = dropout_forward(X, {"keep_prob": net.keep_prob_input, "mode": "train", "seed": int(seeds[0])})
    a, _ = relu_forward(affine_forward(x, p["W1"], p["b1"])[0])
    a, _ = dropout_forward(a, {"keep_prob": net.keep_prob, "mode": "train", "seed": int(seeds[1])})
    return affine_forward(a, p["W2"], p["b2"])[0]


test_mode = [accuracy_of(dropout_net, X_val, y_val) for _ in range(3)]
print("test mode, three calls      :", " ".join(f"{acc:.1%}" for acc in test_mode))
train_mode = [float(np.mean(np.argmax(thinned_scores(dropout_net, X_val, s), axis=1) == y_val)) for s in range(3)]
print("training mode, three calls  :", " ".join(f"{acc:.1%}" for acc in train_mode))
n_members = course.runtime.scaled(20, when_grading=2)
mean_probs = np.mean([softmax(thinned_scores(dropout_net, X_val, s)) for s in range(n_members)], axis=0)
ensemble_acc = float(np.mean(np.argmax(mean_probs, axis=1) == y_val))
agree = float(np.mean(np.argmax(mean_probs, axis=1) == np.argmax(dropout_net.loss(X_val), axis=1)))
print(f"average of {n_members} thinned networks: {ensemble_acc:.1%}  "
      f"(it predicts the same digit as test mode for {agree:.1%} of the validation images)")

# %% [markdown] id="modes-notes"
# Test mode is deterministic and close to the ensemble of thinned networks, at the cost of one forward pass instead of twenty. A
# single thinned network, which is what you get by evaluating in training mode, is clearly worse: it is one random member of
# the ensemble, missing half its hidden units.

# %% [markdown] id="compare-intro"
# ## 7. Dropout against L2, on one figure
#
# The same network, the same 500 images, the same 60 epochs, three ways:
#
# * **no regularisation** (the run of section 1);
# * **dropout** (the run of section 6);
# * **L2**: no dropout, but lecture 02's penalty $\text{reg} \cdot \sum W^2$ on both weight matrices, with `reg = 0.001`. It pulls every
#   weight towards 0, so that no single pixel or unit gets a large say. (We tried a few values of `reg`; larger ones start to cost
#   training accuracy without helping validation.)
#
# Then, once, the 1,000 held-out **test** images.

# %% id="train-l2"
REG = 1e-3
l2_net = MLP(reg=REG, seed=0)
l2_history = train(l2_net, EPOCHS, desc="L2")

# %% id="compare"
histories = {"no regularisation": plain_history, f"dropout (keep {KEEP_INPUT} / {KEEP_HIDDEN})": dropout_history,
             f"L2 (reg = {REG:g})": l2_history}
nets = [plain_net, dropout_net, l2_net]
plot_overfitting(histories, title=f"the same network on {N_TRAIN} training images, three ways");
print(f"{'':28s} {'train':>7s} {'validation':>11s} {'gap':>6s} {'best val loss':>14s} {'test':>7s}")
test_accs = {}
for (name, h), net in zip(histories.items(), nets):
    test_accs[name] = accuracy_of(net, X_test, y_test)
    print(f"{name:28s} {h['train_acc'][-1]:7.1%} {h['val_acc'][-1]:11.1%} {h['train_acc'][-1] - h['val_acc'][-1]:6.1%} "
          f"{min(h['val_loss']):14.3f} {test_accs[name]:7.1%}")
course.runtime.expect_accuracy(test_accs[f"dropout (keep {KEEP_INPUT} / {KEEP_HIDDEN})"], at_least=0.84,
                               description=f"the dropout network trained on {N_TRAIN} images of {data.description}")

# %% [markdown] id="compare-notes"
# What the figure and the table show (your numbers may differ a little; on the course's offline subset they are close to these):
#
# * Without regularisation the network memorises the 500 images and the gap between training and validation accuracy is the largest.
# * With dropout the training curve climbs more slowly (every step trains a different thinned network), the validation accuracy ends
#   higher, the gap is smaller and the validation loss stays lower: the network's confidence is better deserved.
# * L2 at this strength barely changes the accuracy; its main effect is on the validation loss, which no longer creeps up.
#
# The gains are a couple of points, not a miracle: **500 images hold only so much information about handwritten digits**, and no
# regulariser can add what is not there. Dropout's real strength shows with much bigger networks (the 2014 paper used layers of
# thousands of units) trained for a long time, where it became a standard part of the recipe; in convolutional networks batch
# normalisation (lecture 07) has taken over much of its role.

# %% [markdown] id="think"
# ## Things to think about
#
# 1. Why is the output layer never dropped? What would dropping one of the 10 score units mean for the loss?
# 2. Evaluate `dropout_net` in training mode (section 6) with more and more thinned networks averaged. Does the accuracy keep rising,
#    and where does it level off?
# 3. The classic (non-inverted) dropout of the original paper multiplies the outgoing weights by $p$ at test time. Show that this gives
#    the same test-time scores as inverted dropout with unscaled weights.
# 4. Set `PER_DIGIT = 200` (2,000 training images) and run the notebook again (it takes about four times as long). How large is the gap now without any
#    regularisation, and how much do dropout and L2 still add?
# 5. Try `KEEP_HIDDEN = 0.2` and `KEEP_HIDDEN = 0.9`, and `KEEP_INPUT = 0.8` or `1.0`. What happens to the training curve, and to the
#    validation accuracy? Which of the two dropout layers does more for this small training set?
