# %% [markdown] id="header"
# # Lecture 07 · Batch normalisation
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({{COLAB_URL}})
#
# Lecture 04 showed that the numbers flowing through a deep network must keep a sensible size: weights a little too small and
# the activations shrink towards zero layer after layer, a little too large and they blow up. Careful initialisation (Xavier, He)
# gets the sizes right **at the start**. But training changes every weight, and with them the distribution each layer receives:
# the statistics drift, and each layer has to keep adapting to a moving input. **Batch normalisation** (Ioffe & Szegedy, 2015)
# takes the decision out of the weights' hands: after each affine layer it rescales every unit, over the mini-batch, to mean 0 and
# standard deviation 1, and then lets the network choose the scale and shift it really wants with two learnable parameters.
# The lecture notes put it in two lines,
#
# $$\bar{x} = \frac{x - \mu_B}{\sqrt{\sigma_B^2 + \epsilon}}, \qquad \hat{x} = \gamma\,\bar{x} + \beta,$$
#
# and in their training recipe it is the "normalisation layer" that comes right after weight initialisation.
# With it, a network of eight hidden layers that does not learn at all (or diverges) trains without fuss.
#
# You will write four pieces:
#
# | function | what it does |
# |---|---|
# | `batchnorm_forward(x, gamma, beta, bn_param)` | normalise each unit over the batch (train mode) or with running averages (test mode) |
# | `batchnorm_backward(dout, cache)` | its gradients `(dx, dgamma, dbeta)`, step by step through the computational graph |
# | `batchnorm_backward_alt(dout, cache)` | the same gradients from one closed-form expression |
# | `FullyConnectedNet(...)` | a network of any depth: `{affine - [batch norm] - ReLU - [dropout]} × L - affine - softmax` |
#
# **How to work through this notebook.** Read top to bottom and run each cell in order (Shift+Enter).
# Cells marked *Your turn* contain `# YOUR CODE HERE` and `raise NotImplementedError()`: replace both with your code.
# The cell after each exercise runs *checks*; if one fails, its message says what is wrong.
# When you hand the notebook in, hidden tests check the same functions more thoroughly, so make sure the visible checks pass first.
# In Colab: save with Ctrl+S (⌘+S) and download the notebook with *File → Download → Download .ipynb*.

# %% setup id="setup"

# %% [markdown] id="given-intro"
# ## 0. What you already have
#
# The network at the end of this lecture is built from pieces you wrote earlier: lecture 03's affine and ReLU layers, lecture 02's
# softmax cross-entropy and lecture 06's dropout, and it is checked with lecture 03's `numerical_gradient` and `relative_error`.
# Here are correct versions of them, **the answers of those lectures**; they are not graded here and you do not need to change
# them. Every layer follows the contract of lecture 03: `layer_forward(...) -> (out, cache)` and `layer_backward(dout, cache)`
# returning the gradients of the forward inputs.

# %% given="03_backprop:affine_forward,affine_backward,relu_forward,relu_backward,numerical_gradient,relative_error" id="given-layers"

# %% given="02_softmax:softmax,softmax_cross_entropy" id="given-loss"

# %% given="06_dropout:dropout_forward,dropout_backward" id="given-dropout"

# %% [markdown] id="why"
# ## 1. Why normalise inside the network?
#
# Take a network of **eight hidden layers** of 100 ReLU units on MNIST, its weights drawn as `weight_scale * standard normal`
# as in lecture 03, and push one batch of 500 training images through it. The cell below prints the standard deviation of each
# hidden layer's output for two weight scales. Lecture 04 predicts what happens: a ReLU layer with $n$ inputs multiplies the
# spread by about $\text{weight\_scale}\cdot\sqrt{n/2}$. For `weight_scale = 0.01` and $n = 100$ that is $0.07$: after eight layers
# nothing is left of the input, and the gradients that flow back through the same weights vanish with it. For
# `weight_scale = 0.2` the first layer alone ($n = 784$) multiplies the spread by about 4, and the scores come out huge.

# %% id="load-data"
from course.progress import progress
from course.data import load_mnist
from course import batchnorm_plots

data = load_mnist()
X_train, y_train, X_val, y_val = data.validation_split(fraction=0.1, seed=0)   # 10 % of the training images, at random
X_test, y_test = data.X_test, data.y_test
print(f"train {X_train.shape}, validation {X_val.shape}, test {X_test.shape}")


# %% id="spread-at-init"
def hidden_spread(weight_scale, X, widths=(100,) * 8, seed=0):
    """Standard deviation of each hidden layer's ReLU output for random weights (forward pass only)."""
    rng = np.random.default_rng(seed)
    spread, h = [], X
    for width in widths:
        W = weight_scale * rng.standard_normal((h.shape[1], width))
        h, _ = affine_forward(h, W, np.zeros(width))
        h, _ = relu_forward(h)
        spread.append(h.std())
    return spread


probe = X_train[:500]
spreads = {f"weight_scale = {s}": hidden_spread(s, probe) for s in (0.01, 0.2)}
for label, spread in spreads.items():
    print(f"{label:20s} std of the hidden layers:", "  ".join(f"{v:.1e}" for v in spread))
batchnorm_plots.plot_layer_spread(spreads, title="8 hidden layers at initialisation");


# %% [markdown] id="why-drift"
# He initialisation ($\text{std} = \sqrt{2/n}$) would fix this picture, **at step 0**. Training then changes the weights of every
# layer at once, and layer 5 receives inputs whose mean and spread move with every update of layers 1 to 4. Section 6 measures
# that drift while a deep network trains. Batch normalisation stops worrying about it: whatever the weights do, the input of every
# ReLU is re-centred and re-scaled, on every mini-batch.
#
# (Ioffe and Szegedy called the drift *internal covariate shift*. Later work argues that the main benefit is a smoother loss
# surface that tolerates larger learning rates rather than the removal of the drift itself. Either way the practical effect,
# which you will see in section 8, is not in doubt.)

# %% [markdown] id="bn-formulas"
# ## 2. The batch normalisation layer
#
# The layer sits between an affine layer and its ReLU. It receives a mini-batch `x` of shape $(N, D)$: $N$ examples, $D$ units.
# Each unit (each **column**) is normalised on its own, with statistics taken over the $N$ examples of the batch:
#
# $$\mu_j = \frac1N \sum_{i=1}^N x_{ij}, \qquad \sigma_j^2 = \frac1N \sum_{i=1}^N (x_{ij} - \mu_j)^2, \qquad
#   \bar{x}_{ij} = \frac{x_{ij} - \mu_j}{\sqrt{\sigma_j^2 + \epsilon}}, \qquad \text{out}_{ij} = \gamma_j\, \bar{x}_{ij} + \beta_j.$$
#
# * The variance is the **biased** one, divided by $N$ (`np.var`'s default), not by $N-1$.
# * $\epsilon$ (default $10^{-5}$) sits **inside** the square root. It keeps the division finite for a unit that happens to be constant
#   over the batch (a dead ReLU below, or a batch of one).
# * $\gamma$ and $\beta$ (shape $(D,)$) are learned like weights. Forcing every unit to mean 0 and variance 1 could take something
#   useful away (a ReLU that only ever sees a standard normal input is active half of the time, no more, no less), so the layer may
#   undo it: with $\gamma_j = \sqrt{\sigma_j^2+\epsilon}$ and $\beta_j = \mu_j$ it is the identity. It starts at $\gamma = 1$, $\beta = 0$.
# * With batch norm after it, the affine layer's bias $b$ has no effect: the mean is subtracted right away, and $\beta$ takes its role.
#   We keep $b$ anyway so that every affine layer looks the same.
#
# **The column form of the lecture notes.** With one example per column, $Z$ of shape $(n, m)$, the same statistics are taken over
# each **row** of $Z$ (`axis=1`). In this course, batch first, they are taken over `axis=0`.
#
# ### Train mode and test mode
#
# In training, $\mu$ and $\sigma^2$ come from the current mini-batch. At test time that is not what we want: a prediction for one
# image must not depend on which other images happen to share its batch, and a batch of one has no spread at all. So during training
# the layer also keeps **running averages** of the batch statistics, and test mode normalises with those:
#
# $$\text{running\_mean} \leftarrow m \cdot \text{running\_mean} + (1 - m)\cdot \mu, \qquad
#   \text{running\_var} \leftarrow m \cdot \text{running\_var} + (1 - m)\cdot \sigma^2,$$
#
# with the **momentum** $m = 0.9$: each step keeps 90 % of the old estimate and mixes in 10 % of the new batch. The running
# variance takes the same biased $\sigma^2$ the batch was normalised with.
#
# **The same layer in PyTorch.** `torch.nn.BatchNorm1d(D, momentum=0.1)` is this layer with $m = 0.9$: PyTorch's `momentum` is
# the weight of the *new* batch, $1 - m$ in our notation. PyTorch also stores the **unbiased** variance (divided by $N - 1$) in its
# running average while normalising the batch with the biased one. Keras's `BatchNormalization(momentum=0.99)` uses our convention.
#
# All settings travel in a dict `bn_param`, one per layer, that lives as long as the network does:
#
# | key | meaning | when absent |
# |---|---|---|
# | `mode` | `"train"` or `"test"` | (always given) |
# | `eps` | $\epsilon$ | `1e-5` |
# | `momentum` | $m$ | `0.9` |
# | `running_mean`, `running_var` | the running averages, shape $(D,)$ | zeros and ones |

# %% [markdown] id="batchnorm-forward-task"
# ### Your turn: `batchnorm_forward`
#
# * Read the settings from `bn_param` with the defaults above (`bn_param.get("eps", 1e-5)`, ...).
# * **Train mode:** normalise with the batch mean and the biased batch variance, scale by `gamma`, shift by `beta`. Update the
#   running averages and **store them back into `bn_param`** (`bn_param["running_mean"] = ...`): that dict is how the statistics
#   survive until the next call, and until test time. Return a `cache` with everything your backward pass will need.
# * **Test mode:** normalise with `bn_param`'s running statistics instead; change nothing in `bn_param`. (The cache is not used
#   in test mode; return whatever you like, `None` is fine.)
# * Work on the whole batch with NumPy (`np.mean(x, axis=0)`, ...), no loop over examples. Do not change `x` in place.

# %% solution id="batchnorm_forward"
def batchnorm_forward(x, gamma, beta, bn_param):
    """Forward pass of batch normalisation.

    x: (N, D) inputs; gamma, beta: (D,) scale and shift; bn_param: dict with "mode" ("train" or "test") and optionally
    "eps" (1e-5), "momentum" (0.9), "running_mean" (zeros (D,)), "running_var" (ones (D,)).
    Returns (out, cache): out (N, D). In train mode the updated running averages are stored in bn_param.
    """
    ### BEGIN SOLUTION
    mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)
    D = x.shape[1]
    running_mean = bn_param.get("running_mean", np.zeros(D))
    running_var = bn_param.get("running_var", np.ones(D))

    if mode == "train":
        mean = np.mean(x, axis=0)
        centred = x - mean
        var = np.mean(centred ** 2, axis=0)          # biased: divided by N
        std = np.sqrt(var + eps)
        x_hat = centred / std
        out = gamma * x_hat + beta
        cache = (x_hat, centred, std, var, gamma, eps)
        bn_param["running_mean"] = momentum * running_mean + (1 - momentum) * mean
        bn_param["running_var"] = momentum * running_var + (1 - momentum) * var
    elif mode == "test":
        x_hat = (x - running_mean) / np.sqrt(running_var + eps)
        out = gamma * x_hat + beta
        cache = None
    else:
        raise ValueError(f'bn_param["mode"] must be "train" or "test", not {mode!r}')
    return out, cache
    ### END SOLUTION


# %% tests id="test_batchnorm_forward" points=4
from course.checks import call  # runs your function; a crash or a wrong number of results fails the check

# Checks for batchnorm_forward
x = np.array([[1.0, 2.0],
              [3.0, 6.0]])          # unit 1: mean 2, variance 1; unit 2: mean 4, variance 4
bn_param = {"mode": "train"}
out, _ = call("batchnorm_forward in train mode", batchnorm_forward, x, np.ones(2), np.zeros(2), bn_param, n_out=2)
check_close(out, [[-1.0, -1.0], [1.0, 1.0]], "batchnorm_forward of [[1, 2], [3, 6]] with gamma = 1, beta = 0", rtol=1e-4,
            hint="Each column is normalised on its own: subtract the column's mean, divide by sqrt(its variance + eps), "
                 "with the variance divided by N (np.var's default), not by N - 1.")
check(isinstance(bn_param.get("running_mean"), np.ndarray) and isinstance(bn_param.get("running_var"), np.ndarray),
      "After a train-mode call, bn_param should hold the arrays 'running_mean' and 'running_var': store them back into the dict.")
check_close(bn_param["running_mean"], [0.2, 0.4], "running_mean after one step from zeros (momentum 0.9)",
            hint="running_mean = momentum * running_mean + (1 - momentum) * batch mean, starting from zeros.")
check_close(bn_param["running_var"], [1.0, 1.3], "running_var after one step from ones (momentum 0.9)",
            hint="running_var = momentum * running_var + (1 - momentum) * batch variance (the biased one, divided by N), "
                 "starting from ones.")
_check_rng = np.random.default_rng(0)
x = 5.0 + 3.0 * _check_rng.standard_normal((200, 3))
gamma, beta = np.array([1.0, 2.0, 0.5]), np.array([0.0, -1.0, 3.0])
out, _ = call("batchnorm_forward in train mode", batchnorm_forward, x, gamma, beta, {"mode": "train"}, n_out=2)
check_shape(out, (200, 3), "the output for x of shape (200, 3)")
check_close(np.mean(out, axis=0), beta, "the mean of each output column (it should be beta)", atol=1e-6,
            hint="Take the mean over the batch, axis=0, and add beta after scaling.")
check_close(np.std(out, axis=0), gamma, "the standard deviation of each output column (it should be gamma)", rtol=1e-3,
            hint="Divide by the square root of the variance plus eps, then multiply by gamma.")
bn_param = {"mode": "test", "running_mean": np.array([1.0, 2.0]), "running_var": np.array([4.0, 9.0])}
out, _ = call("batchnorm_forward in test mode", batchnorm_forward, np.array([[3.0, 2.0]]), np.ones(2), np.zeros(2), bn_param, n_out=2)
check_close(out, [[1.0, 0.0]], "test mode on one example with running_mean [1, 2] and running_var [4, 9]", rtol=1e-4,
            hint="In test mode, normalise with bn_param's running_mean and running_var, not with the batch's statistics.")
check_close(bn_param["running_mean"], [1.0, 2.0], "running_mean after a test-mode call (it must not change)")
print("batchnorm_forward: visible checks passed")
### BEGIN HIDDEN TESTS
def _bn_oracle(x, gamma, beta, mode, eps=1e-5, momentum=0.9, rm=None, rv=None, ddof=0, eps_outside=False, swap=False):
    D = x.shape[1]
    rm = np.zeros(D) if rm is None else rm
    rv = np.ones(D) if rv is None else rv
    if mode == "train":
        mu, var = x.mean(axis=0), x.var(axis=0, ddof=ddof)
        m = 1 - momentum if swap else momentum
        new_rm, new_rv = m * rm + (1 - m) * mu, m * rv + (1 - m) * var
    else:
        mu, var, new_rm, new_rv = rm, rv, rm, rv
    den = np.sqrt(var) + eps if eps_outside else np.sqrt(var + eps)
    return gamma * (x - mu) / den + beta, new_rm, new_rv

def _bn_diagnose(out, x, gamma, beta, mode, **kw):
    """Plain words for a wrong output, when it matches a known mistake."""
    for what, extra in [("the unbiased variance (divided by N - 1); use the biased one, divided by N", {"ddof": 1}),
                        ("eps added outside the square root; it belongs inside, sqrt(var + eps)", {"eps_outside": True})]:
        if mode == "train" and (x.shape[0] > 1 or "ddof" not in extra) and np.allclose(out, _bn_oracle(x, gamma, beta, mode, **{**kw, **extra})[0], rtol=1e-6, atol=1e-8):
            return f"Your output matches {what}."
    if mode == "test" and np.allclose(out, _bn_oracle(x, gamma, beta, "train", eps=kw.get("eps", 1e-5))[0], rtol=1e-6, atol=1e-8):
        return "In test mode your layer normalises with the batch's own statistics; it should use the running averages."
    return "Check the formula: out = gamma * (x - mean) / sqrt(var + eps) + beta, statistics per column."

_rng = np.random.default_rng(7071)
_cases = [((4, 3), {}), ((10, 5), {"eps": 0.5}), ((6, 2), {"momentum": 0.7}), ((1, 4), {}), ((8, 1), {"eps": 1e-3, "momentum": 0.5}),
          ((5, 6), {"running": True}), ((7, 3), {"running": True, "momentum": 0.2, "eps": 0.1})]
for _shape, _opt in _cases:
    _N, _D = _shape
    _x = _rng.normal(loc=_rng.normal(size=_D) * 3, scale=_rng.uniform(0.5, 3, size=_D), size=_shape)
    _gamma, _beta = _rng.normal(size=_D), _rng.normal(size=_D)
    _bp = {"mode": "train"}
    _kw = {}
    if "eps" in _opt:
        _bp["eps"] = _kw["eps"] = _opt["eps"]
    if "momentum" in _opt:
        _bp["momentum"] = _kw["momentum"] = _opt["momentum"]
    if _opt.get("running"):
        _kw["rm"], _kw["rv"] = _rng.normal(size=_D), _rng.uniform(0.5, 2, size=_D)
        _bp["running_mean"], _bp["running_var"] = _kw["rm"].copy(), _kw["rv"].copy()   # updating them in place is fine
    _copies = [a.copy() for a in (_x, _gamma, _beta)]
    _rm0 = _bp.get("running_mean", np.zeros(_D)).copy()
    _rv0 = _bp.get("running_var", np.ones(_D)).copy()
    _what = f"x of shape {_shape}, bn_param {({k: v for k, v in _bp.items() if not isinstance(v, np.ndarray)})}" + \
            (" with running averages given" if _opt.get("running") else "")
    _out, _ = call(f"batchnorm_forward with {_what}", batchnorm_forward, _x, _gamma, _beta, _bp, n_out=2)
    for _name, _before, _after in zip(["x", "gamma", "beta"], _copies, (_x, _gamma, _beta)):
        check_unchanged(_before, _after, f"The input `{_name}` of batchnorm_forward")
    _ref, _rm, _rv = _bn_oracle(*_copies, "train", **_kw)
    check_shape(_out, _shape, f"the output for {_what}")
    check_close(_out, _ref, f"the train-mode output for {_what}", show_expected=False, rtol=1e-6, atol=1e-8,
                hint=_bn_diagnose(np.asarray(_out, dtype=float), *_copies, "train", **_kw))
    check("running_mean" in _bp and "running_var" in _bp,
          f"After a train-mode call with {_what}, bn_param has no running_mean or running_var: store the updated "
          "running averages back into bn_param.")
    _swap_rm = _bn_oracle(*_copies, "train", **{**_kw, "swap": True})[1]
    _hint_m = ("Your running average weighs the old value and the new batch the other way round: the old estimate is "
               "multiplied by momentum, the batch statistic by (1 - momentum)."
               if not np.isclose(_kw.get("momentum", 0.9), 0.5) and np.allclose(_bp["running_mean"], _swap_rm) else
               "running_mean = momentum * running_mean + (1 - momentum) * batch mean, starting from bn_param's running_mean "
               "(zeros when absent) and with bn_param's momentum (0.9 when absent).")
    check_close(_bp["running_mean"], _rm, f"running_mean after a train-mode call with {_what}", show_expected=False, hint=_hint_m)
    _unbiased_rv = _bn_oracle(*_copies, "train", **{**_kw, "ddof": 1})[2] if _N > 1 else _rv
    check_close(_bp["running_var"], _rv, f"running_var after a train-mode call with {_what}", show_expected=False,
                hint=("Your running variance uses the unbiased variance (N - 1); this course stores the biased one, the same "
                      "variance the batch was normalised with." if _N > 1 and np.allclose(_bp["running_var"], _unbiased_rv) else
                      "running_var = momentum * running_var + (1 - momentum) * batch variance (biased), starting from "
                      "bn_param's running_var (ones when absent)."))

# test mode: running statistics, nothing stored, one example at a time gives the same answer
for _shape in [(6, 3), (1, 5), (9, 2)]:
    _N, _D = _shape
    _x = _rng.normal(loc=4, scale=2, size=_shape)
    _gamma, _beta = _rng.normal(size=_D), _rng.normal(size=_D)
    _rm, _rv = _rng.normal(size=_D), _rng.uniform(0.3, 3, size=_D)
    _bp = {"mode": "test", "running_mean": _rm.copy(), "running_var": _rv.copy(), "eps": 0.01}
    _copies = [a.copy() for a in (_x, _gamma, _beta)]
    _out, _ = call(f"batchnorm_forward in test mode with x of shape {_shape}", batchnorm_forward, _x, _gamma, _beta, _bp, n_out=2)
    check_unchanged(_copies[0], _x, "The input `x` of batchnorm_forward in test mode")
    _ref = _bn_oracle(*_copies, "test", eps=0.01, rm=_rm, rv=_rv)[0]
    check_shape(_out, _shape, f"the test-mode output for x of shape {_shape}")
    check_close(_out, _ref, f"the test-mode output for x of shape {_shape}", show_expected=False,
                hint=_bn_diagnose(np.asarray(_out, dtype=float), *_copies, "test", eps=0.01, rm=_rm, rv=_rv))
    check(np.array_equal(_bp["running_mean"], _rm) and np.array_equal(_bp["running_var"], _rv),
          "A test-mode call changed bn_param's running averages: test mode only reads them.")
_bp = {"mode": "test"}
_x = _rng.normal(size=(4, 3))
_out, _ = call("batchnorm_forward in test mode without running averages in bn_param", batchnorm_forward,
               _x, np.ones(3), np.zeros(3), _bp, n_out=2)
check_close(_out, _x / np.sqrt(1 + 1e-5), "the test-mode output when bn_param has no running averages yet", show_expected=False,
            hint="Without running averages in bn_param, use zeros for the mean and ones for the variance.")

# two train steps in a row: the second starts from what the first stored
_bp = {"mode": "train", "momentum": 0.6}
_x1, _x2 = _rng.normal(loc=2, size=(5, 2)), _rng.normal(loc=-1, scale=3, size=(5, 2))
call("batchnorm_forward", batchnorm_forward, _x1, np.ones(2), np.zeros(2), _bp, n_out=2)
call("batchnorm_forward", batchnorm_forward, _x2, np.ones(2), np.zeros(2), _bp, n_out=2)
_rm = 0.6 * (0.4 * _x1.mean(axis=0)) + 0.4 * _x2.mean(axis=0)
check_close(_bp["running_mean"], _rm, "running_mean after two train-mode steps with the same bn_param", show_expected=False,
            hint="The second call must start from the running_mean the first call stored in bn_param.")
### END HIDDEN TESTS

# %% [markdown] id="look-forward"
# ### What the layer does to a batch
#
# Take the first affine layer of a small random network, feed it a batch of 200 training images and look at two of its units before
# and after your layer (with $\gamma = 1$, $\beta = 0$): each cloud is moved to the origin and stretched or squeezed to spread 1
# along both axes. Its shape is kept; only position and scale change.

# %% id="show-forward"
look_rng = np.random.default_rng(1)
W_look = 0.05 * look_rng.standard_normal((784, 2))
pre, _ = affine_forward(X_train[:200], W_look, np.full(2, 0.5))
post, _ = batchnorm_forward(pre, np.ones(2), np.zeros(2), {"mode": "train"})
batchnorm_plots.plot_normalised_batch(pre, post);

# %% [markdown] id="running-intro"
# ### Running averages
#
# How well do the running averages track the statistics of the whole training set? Feed the same affine layer 150 mini-batches of
# 50 images and follow one unit: the grey dots are the means of the single batches, which scatter; the running mean with $m = 0.9$
# remembers about the last $1/(1-m) = 10$ batches and settles after a few dozen steps, the one with $m = 0.99$ is smoother but
# needs hundreds of steps to forget its start at 0. A network trained for too few steps with a large momentum is evaluated with
# statistics that are still wrong.

# %% id="running-demo"
batch_means, running = [], {0.9: [], 0.99: []}
params_by_m = {m: {"mode": "train", "momentum": m} for m in running}
stream = np.random.default_rng(2)
for step in range(150):
    batch = X_train[stream.choice(len(X_train), size=50, replace=False)]
    h, _ = affine_forward(batch, W_look, np.full(2, 0.5))
    batch_means.append(h[:, 0].mean())
    for m, bp in params_by_m.items():
        batchnorm_forward(h, np.ones(2), np.zeros(2), bp)
        running[m].append(bp["running_mean"][0])
whole = affine_forward(X_train, W_look, np.full(2, 0.5))[0][:, 0].mean()
print(f"mean of unit 1 over the training set {whole:.3f}; running means after 150 steps: "
      f"m = 0.9: {running[0.9][-1]:.3f}, m = 0.99: {running[0.99][-1]:.3f}")
batchnorm_plots.plot_running_averages(batch_means, {f"running mean, momentum {m}": r for m, r in running.items()}, whole);

# %% [markdown] id="batch-of-one"
# ### Train mode on a batch of one
#
# A classic bug: the network is trained, then used on **single** images (a web demo, a phone app) but still in train mode.
# With $N = 1$ the batch mean is the example itself and the variance is 0, so $x - \mu = 0$ and every unit outputs exactly $\beta$,
# **whatever the input was**. Every image gets the same prediction. In test mode the running averages are used and each
# image keeps its own answer. (Section 8 shows the same bug on the trained network.)

# %% id="batch-of-one-demo"
bp_demo = {"mode": "train"}
for step in range(50):                      # "training": the running averages learn the statistics
    batchnorm_forward(affine_forward(X_train[step * 50:(step + 1) * 50], W_look, np.full(2, 0.5))[0],
                      np.ones(2), np.zeros(2), bp_demo)
beta_demo = np.array([0.1, -0.2])
for i in range(3):
    one = affine_forward(X_test[i:i + 1], W_look, np.full(2, 0.5))[0]
    as_train, _ = batchnorm_forward(one, np.ones(2), beta_demo, dict(bp_demo, mode="train"))
    as_test, _ = batchnorm_forward(one, np.ones(2), beta_demo, dict(bp_demo, mode="test"))
    print(f"test image {i} (a {y_test[i]}): train mode -> {as_train[0]},  test mode -> {as_test[0]}")

# %% [markdown] id="backward-graph-intro"
# ## 3. The backward pass through the computational graph
#
# Lecture 03's recipe works for any layer: write the forward pass as a chain of small steps, then go through the steps backwards,
# one line per input, *upstream gradient × local gradient*. For one column of `x` (everything is per column) the forward pass is:
#
# | step | forward | backward (`d·` is $\partial L / \partial\,\cdot$) |
# |---|---|---|
# | 1 | $\mu = \frac1N\sum_i x_i$ | $dx_i \mathrel{+}= \frac1N\, d\mu$ |
# | 2 | $c_i = x_i - \mu$ | $dx_i \mathrel{+}= dc_i$, $\;d\mu = -\sum_i dc_i$ |
# | 3 | $q_i = c_i^2$ | $dc_i \mathrel{+}= 2 c_i\, dq_i$ |
# | 4 | $\sigma^2 = \frac1N\sum_i q_i$ | $dq_i = \frac1N\, d\sigma^2$ |
# | 5 | $s = \sqrt{\sigma^2 + \epsilon}$ | $d\sigma^2 = \frac{1}{2s}\, ds$ |
# | 6 | $r = 1/s$ | $ds = -\frac{1}{s^2}\, dr$ |
# | 7 | $\bar{x}_i = c_i\, r$ | $dc_i \mathrel{+}= r\, d\bar{x}_i$, $\;dr = \sum_i c_i\, d\bar{x}_i$ |
# | 8 | $\text{out}_i = \gamma\, \bar{x}_i + \beta$ | $d\bar{x}_i = \gamma\, d\text{out}_i$, $\;d\gamma = \sum_i \bar{x}_i\, d\text{out}_i$, $\;d\beta = \sum_i d\text{out}_i$ |
#
# Two things are new compared with lecture 03.
#
# * **Sums over the batch.** $\mu$, $\sigma^2$, $\gamma$ and $\beta$ are shared by all $N$ examples, so their gradients are sums
#   over the batch (as the affine layer's bias was): `np.sum(..., axis=0)`, one number per unit.
# * **Values used twice.** $x$ feeds step 1 *and* step 2, and $c$ feeds step 3 *and* step 7. Their gradients add up over both uses,
#   which is the `+=` in the table. The picture below draws each second use as its own wire ($x'$, $c'$) so that the graph stays a
#   tree; their gradients are added at the end.
#
# Go through the table from the bottom up (step 8 first): every quantity's gradient is complete before it is used.

# %% id="bn-graph"
from course.graphs import draw_graph

bn_graph = [("μ", "mean", ["x"]), ("c", "−", ["x'", "μ"]), ("q", "²", ["c'"]), ("σ²", "mean", ["q"]),
            ("s", "√(·+ε)", ["σ²"]), ("r", "1/·", ["s"]), ("x̄", "×", ["c", "r"]), ("g", "×", ["γ", "x̄"]),
            ("out", "+", ["g", "β"])]
draw_graph(bn_graph, spacing=2.2,
           values={"x": "(N, D)", "x'": "(N, D)", "c'": "(N, D)", "μ": "(D,)", "c": "(N, D)", "q": "(N, D)", "σ²": "(D,)", "s": "(D,)", "r": "(D,)",
                   "x̄": "(N, D)", "γ": "(D,)", "β": "(D,)", "out": "(N, D)"},
           grads={"out": "dout", "g": "dout", "β": "Σ dout", "c": "r·dx̄", "c'": "2c·dq", "x'": "dc", "x": "dμ/N", "γ": "Σ x̄·dout", "x̄": "γ·dout", "r": "Σ c·dx̄", "s": "−dr/s²",
                  "σ²": "ds/(2s)", "q": "dσ²/N", "μ": "−Σ dc"},
           title="batch norm, one forward step per gate; the sums run over the batch");


# %% [markdown] id="batchnorm-backward-task"
# ### Your turn: `batchnorm_backward`
#
# Unpack your own `cache` and walk the table from step 8 to step 1, one line of code per gradient, with `axis=0` for the sums
# over the batch. Return `(dx, dgamma, dbeta)` with the shapes of `x`, `gamma` and `beta`. The checks use your `batchnorm_forward`
# in train mode to make the cache, so make its checks pass first.

# %% solution id="batchnorm_backward"
def batchnorm_backward(dout, cache):
    """Backward pass of batch normalisation (train mode), step by step through the computational graph.

    dout: (N, D) upstream gradient; cache: what batchnorm_forward returned in train mode.
    Returns (dx, dgamma, dbeta): dx (N, D), dgamma (D,), dbeta (D,).
    """
    ### BEGIN SOLUTION
    x_hat, centred, std, var, gamma, eps = cache
    N = dout.shape[0]
    # step 8: out = gamma * x_hat + beta
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(x_hat * dout, axis=0)
    dx_hat = gamma * dout
    # step 7: x_hat = centred * r, with r = 1 / std
    r = 1.0 / std
    dr = np.sum(centred * dx_hat, axis=0)
    dcentred = r * dx_hat
    # step 6: r = 1 / s
    dstd = -dr / std ** 2
    # step 5: s = sqrt(var + eps)
    dvar = dstd / (2.0 * np.sqrt(var + eps))
    # step 4: var = mean(q)
    dq = np.ones_like(centred) * dvar / N
    # step 3: q = centred ** 2 (the second use of centred)
    dcentred = dcentred + 2.0 * centred * dq
    # step 2: centred = x - mean
    dx = dcentred.copy()
    dmean = -np.sum(dcentred, axis=0)
    # step 1: mean = sum(x) / N (the second use of x)
    dx = dx + dmean / N
    return dx, dgamma, dbeta
    ### END SOLUTION


# %% tests id="test_batchnorm_backward" points=4
from course.checks import call  # runs your function; a crash or a wrong number of results fails the check
_shapes_hint = "dx has the shape of x (N, D); dgamma and dbeta have one number per unit, shape (D,)."

def _forward_ok(x, gamma, beta, eps=1e-5):
    out, cache = call("batchnorm_forward in train mode", batchnorm_forward, x, gamma, beta, {"mode": "train", "eps": eps}, n_out=2)
    ref = gamma * (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + eps) + beta
    check(np.allclose(np.asarray(out, dtype=float), ref, rtol=1e-6, atol=1e-8),
          "These checks make the cache with your batchnorm_forward in train mode, and its output is not right yet: "
          "make batchnorm_forward pass its checks first.")
    return cache

# Checks for batchnorm_backward
_check_rng = np.random.default_rng(1)
x = 2.0 + 1.5 * _check_rng.standard_normal((5, 4))
gamma, beta = _check_rng.normal(size=4), _check_rng.normal(size=4)
dout = _check_rng.normal(size=(5, 4))
cache = _forward_ok(x, gamma, beta)
dx, dgamma, dbeta = call("batchnorm_backward", batchnorm_backward, dout, cache, n_out=3, hint=_shapes_hint)
check_shape(dx, (5, 4), "dx for x of shape (5, 4)")
check_shape(dgamma, (4,), "dgamma for 4 units")
check_shape(dbeta, (4,), "dbeta for 4 units")
check_close(dbeta, dout.sum(axis=0), "dbeta", hint="beta is added to every example: sum dout over the batch (axis=0).")
check_gradient(lambda g: np.sum(batchnorm_forward(x, g, beta, {"mode": "train"})[0] * dout), gamma, dgamma, "dgamma")
check_gradient(lambda v: np.sum(batchnorm_forward(v, gamma, beta, {"mode": "train"})[0] * dout), x, dx, "dx")
print("batchnorm_backward: visible checks passed")
### BEGIN HIDDEN TESTS
def _bn_grads(x, gamma, dout, eps):
    N = x.shape[0]
    mu, var = x.mean(axis=0), x.var(axis=0)
    xhat = (x - mu) / np.sqrt(var + eps)
    dxhat = dout * gamma
    dx = (N * dxhat - dxhat.sum(axis=0) - xhat * np.sum(dxhat * xhat, axis=0)) / (N * np.sqrt(var + eps))
    return dx, np.sum(dout * xhat, axis=0), dout.sum(axis=0)

_rng = np.random.default_rng(7072)
for _shape, _eps in [((5, 3), 1e-5), ((2, 4), 1e-5), ((12, 1), 1e-3), ((8, 6), 0.5), ((30, 2), 1e-5)]:
    _N, _D = _shape
    _x = _rng.normal(loc=_rng.normal(size=_D) * 2, scale=_rng.uniform(0.5, 3, size=_D), size=_shape)
    _gamma, _beta = _rng.normal(size=_D), _rng.normal(size=_D)
    _dout = _rng.normal(loc=0.5, size=_shape)
    _copies = [a.copy() for a in (_x, _gamma, _dout)]
    _what = f"x of shape {_shape}, eps = {_eps}"
    _cache = _forward_ok(_x, _gamma, _beta, _eps)
    _dx, _dgamma, _dbeta = call(f"batchnorm_backward with {_what}", batchnorm_backward, _dout, _cache, n_out=3, hint=_shapes_hint)
    check_unchanged(_copies[2], _dout, "The upstream gradient `dout`")
    _rdx, _rdg, _rdb = _bn_grads(_copies[0], _copies[1], _copies[2], _eps)
    check_shape(_dx, _shape, f"dx for {_what}")
    check_shape(_dgamma, (_D,), f"dgamma for {_what}")
    check_shape(_dbeta, (_D,), f"dbeta for {_what}")
    check_close(_dbeta, _rdb, f"dbeta for {_what}", show_expected=False,
                hint="beta is shared by all examples: sum dout over the batch, axis=0.")
    check_close(_dgamma, _rdg, f"dgamma for {_what}", show_expected=False,
                hint="gamma multiplies x_hat for every example: sum x_hat * dout over the batch, axis=0.")
    check_close(_dx, _rdx, f"dx for {_what}", show_expected=False, rtol=1e-5, atol=1e-7,
                hint="Check every step of the table, and that x and the centred values collect the gradients of both "
                     "of their uses (through the mean and through the variance).")
_x = _rng.normal(size=(4, 3)); _gamma = _rng.normal(size=3); _beta = _rng.normal(size=3); _dout = _rng.normal(size=(4, 3))
_cache = _forward_ok(_x, _gamma, _beta)
_dx, _dgamma, _dbeta = call("batchnorm_backward", batchnorm_backward, _dout, _cache, n_out=3, hint=_shapes_hint)
check_gradient(lambda v: np.sum(batchnorm_forward(v, _gamma, _beta, {"mode": "train"})[0] * _dout), _x, _dx,
               "dx against the numerical gradient of your batchnorm_forward")
check_gradient(lambda b: np.sum(batchnorm_forward(_x, _gamma, b, {"mode": "train"})[0] * _dout), _beta, _dbeta, "dbeta")
### END HIDDEN TESTS

# %% [markdown] id="closed-form-intro"
# ## 4. The backward pass in closed form
#
# The table is easy to get right and easy to check, but it makes many passes over $(N, D)$ arrays. Collecting the eight steps on
# paper gives one expression. Write $\hat{g}_i = \gamma\, d\text{out}_i$ for the gradient arriving at $\bar{x}_i$ (per column, as
# before). $\bar{x}_i$ depends on $x_k$ in three ways: directly, through $\mu$ and through $\sigma^2$. With
# $\partial \mu / \partial x_k = 1/N$ and $\partial \sigma^2 / \partial x_k = 2(x_k - \mu)/N$:
#
# $$\frac{\partial \bar{x}_i}{\partial x_k} = \frac{1}{\sqrt{\sigma^2+\epsilon}}\left(\delta_{ik} - \frac1N - \frac{\bar{x}_i\,\bar{x}_k}{N}\right),$$
#
# and summing $\hat{g}_i\, \partial \bar{x}_i / \partial x_k$ over $i$:
#
# $$dx_k = \frac{1}{N\sqrt{\sigma^2+\epsilon}}\left(N\,\hat{g}_k \;-\; \sum_i \hat{g}_i \;-\; \bar{x}_k \sum_i \hat{g}_i\,\bar{x}_i\right).$$
#
# Read it term by term: the gradient that would reach $x$ if $\mu$ and $\sigma$ were constants, minus its mean over the batch
# (what the mean subtraction removes) and minus its component along $\bar{x}$ (what the division by the spread removes).
# $d\gamma$ and $d\beta$ are the same as before.

# %% [markdown] id="batchnorm-backward-alt-task"
# ### Your turn: `batchnorm_backward_alt`
#
# Same inputs, same outputs as `batchnorm_backward`, with `dx` computed from the formula above in one or two lines.

# %% solution id="batchnorm_backward_alt"
def batchnorm_backward_alt(dout, cache):
    """Backward pass of batch normalisation (train mode) in closed form; same result as batchnorm_backward.

    dout: (N, D) upstream gradient; cache: what batchnorm_forward returned in train mode.
    Returns (dx, dgamma, dbeta): dx (N, D), dgamma (D,), dbeta (D,).
    """
    ### BEGIN SOLUTION
    x_hat, centred, std, var, gamma, eps = cache
    N = dout.shape[0]
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(x_hat * dout, axis=0)
    g = gamma * dout
    dx = (N * g - np.sum(g, axis=0) - x_hat * np.sum(g * x_hat, axis=0)) / (N * std)
    return dx, dgamma, dbeta
    ### END SOLUTION


# %% tests id="test_batchnorm_backward_alt" points=3
from course.checks import call  # runs your function; a crash or a wrong number of results fails the check
_shapes_hint = "dx has the shape of x (N, D); dgamma and dbeta have one number per unit, shape (D,)."

def _forward_ok(x, gamma, beta, eps=1e-5):
    out, cache = call("batchnorm_forward in train mode", batchnorm_forward, x, gamma, beta, {"mode": "train", "eps": eps}, n_out=2)
    ref = gamma * (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + eps) + beta
    check(np.allclose(np.asarray(out, dtype=float), ref, rtol=1e-6, atol=1e-8),
          "These checks make the cache with your batchnorm_forward in train mode, and its output is not right yet: "
          "make batchnorm_forward pass its checks first.")
    return cache

# Checks for batchnorm_backward_alt
_check_rng = np.random.default_rng(2)
x = -1.0 + 2.0 * _check_rng.standard_normal((5, 3))
gamma, beta = _check_rng.normal(size=3), _check_rng.normal(size=3)
dout = _check_rng.normal(size=(5, 3))
cache = _forward_ok(x, gamma, beta)
dx, dgamma, dbeta = call("batchnorm_backward_alt", batchnorm_backward_alt, dout, cache, n_out=3, hint=_shapes_hint)
check_shape(dx, (5, 3), "dx for x of shape (5, 3)")
check_shape(dgamma, (3,), "dgamma for 3 units")
check_shape(dbeta, (3,), "dbeta for 3 units")
check_gradient(lambda g: np.sum(batchnorm_forward(x, g, beta, {"mode": "train"})[0] * dout), gamma, dgamma, "dgamma")
check_gradient(lambda b: np.sum(batchnorm_forward(x, gamma, b, {"mode": "train"})[0] * dout), beta, dbeta, "dbeta")
check_gradient(lambda v: np.sum(batchnorm_forward(v, gamma, beta, {"mode": "train"})[0] * dout), x, dx, "dx")
print("batchnorm_backward_alt: visible checks passed")
### BEGIN HIDDEN TESTS
def _bn_alt_oracle(x, gamma, dout, eps):
    N = x.shape[0]
    mu, var = x.mean(axis=0), x.var(axis=0)
    xhat = (x - mu) / np.sqrt(var + eps)
    g = dout * gamma
    terms = {"direct": N * g, "mean": -g.sum(axis=0), "spread": -xhat * np.sum(g * xhat, axis=0)}
    scale = 1 / (N * np.sqrt(var + eps))
    dx = scale * (terms["direct"] + terms["mean"] + terms["spread"])
    missing = {name: scale * sum(t for k, t in terms.items() if k != name) for name in terms}
    return dx, np.sum(dout * xhat, axis=0), dout.sum(axis=0), missing

_rng = np.random.default_rng(7073)
for _shape, _eps in [((5, 3), 1e-5), ((2, 4), 1e-5), ((12, 1), 1e-3), ((8, 6), 0.5), ((40, 3), 1e-5)]:
    _N, _D = _shape
    _x = _rng.normal(loc=_rng.normal(size=_D) * 2, scale=_rng.uniform(0.5, 3, size=_D), size=_shape)
    _gamma, _beta = _rng.normal(size=_D), _rng.normal(size=_D)
    _dout = _rng.normal(loc=0.5, size=_shape)
    _copies = [a.copy() for a in (_x, _gamma, _dout)]
    _what = f"x of shape {_shape}, eps = {_eps}"
    _cache = _forward_ok(_x, _gamma, _beta, _eps)
    _dx, _dgamma, _dbeta = call(f"batchnorm_backward_alt with {_what}", batchnorm_backward_alt, _dout, _cache, n_out=3,
                                hint=_shapes_hint)
    check_unchanged(_copies[2], _dout, "The upstream gradient `dout`")
    _rdx, _rdg, _rdb, _missing = _bn_alt_oracle(_copies[0], _copies[1], _copies[2], _eps)
    check_shape(_dx, _shape, f"dx for {_what}")
    check_shape(_dgamma, (_D,), f"dgamma for {_what}")
    check_shape(_dbeta, (_D,), f"dbeta for {_what}")
    check_close(_dbeta, _rdb, f"dbeta for {_what}", show_expected=False,
                hint="beta is shared by all examples: sum dout over the batch, axis=0.")
    check_close(_dgamma, _rdg, f"dgamma for {_what}", show_expected=False,
                hint="gamma multiplies x_hat for every example: sum x_hat * dout over the batch, axis=0.")
    _dx_arr = np.asarray(_dx, dtype=float)
    _hint = "Compare your expression with the formula term by term, including the factor 1 / (N * sqrt(var + eps))."
    for _name, _words in [("mean", "the term that subtracts the sum of the incoming gradient over the batch"),
                          ("spread", "the term along x_hat (x_hat times the sum of the incoming gradient times x_hat)")]:
        if _N > 1 and np.allclose(_dx_arr, _missing[_name], rtol=1e-6, atol=1e-8):
            _hint = f"Your dx matches the formula without {_words}."
    check_close(_dx, _rdx, f"dx for {_what}", show_expected=False, rtol=1e-5, atol=1e-7, hint=_hint)
### END HIDDEN TESTS

# %% [markdown] id="compare-intro"
# ### Do the two agree, and which is faster?
#
# Both functions compute the same gradients, so on the same cache they should agree to rounding error (lecture 03's relative error,
# far below $10^{-8}$). The closed form touches the $(N, D)$ arrays fewer times; the cell times both on a batch of 256 examples with
# 512 units, the size of a hidden layer in a real network.

# %% id="compare-backward"
import timeit

time_rng = np.random.default_rng(3)
x_big = time_rng.normal(size=(256, 512))
dout_big = time_rng.normal(size=(256, 512))
_, cache_big = batchnorm_forward(x_big, np.ones(512), np.zeros(512), {"mode": "train"})
graph_grads = batchnorm_backward(dout_big, cache_big)
closed_grads = batchnorm_backward_alt(dout_big, cache_big)
for name, a, b in zip(("dx", "dgamma", "dbeta"), graph_grads, closed_grads):
    err = np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b)))
    print(f"{name:6s}: relative error between the two versions {err:.1e}")
repeats = course.runtime.scaled(50, when_grading=5)
t_graph = min(timeit.repeat(lambda: batchnorm_backward(dout_big, cache_big), number=repeats, repeat=3)) / repeats
t_closed = min(timeit.repeat(lambda: batchnorm_backward_alt(dout_big, cache_big), number=repeats, repeat=3)) / repeats
print(f"through the graph {1e3 * t_graph:.2f} ms, closed form {1e3 * t_closed:.2f} ms per call "
      f"(x of shape (256, 512)): the closed form is {t_graph / t_closed:.1f} times as fast")


# %% [markdown] id="net-intro"
# ## 5. A fully connected network of any depth
#
# Now stack everything. For hidden sizes `hidden_dims = [H1, H2, ..., H_{L-1}]` the network is
#
# $$\{\text{affine} \to [\text{batch norm}] \to \text{ReLU} \to [\text{dropout}]\} \times (L-1) \;\to\; \text{affine} \to \text{softmax},$$
#
# with batch norm only when `normalization="batchnorm"` and dropout only when `keep_prob < 1`. It generalises lecture 03's
# `TwoLayerNet` (which is `FullyConnectedNet([H])`) and is the "deep net with ReLU hidden layers" of the HW3 report in the notes,
# with softmax at the end.
#
# ### Your turn: `FullyConnectedNet`
#
# **`__init__(hidden_dims, input_dim=784, num_classes=10, normalization=None, keep_prob=1.0, reg=0.0, weight_scale=1e-2, seed=0)`**
# * `normalization` must be `None` or `"batchnorm"`; raise `ValueError` for anything else.
# * Keep a generator `self.rng = np.random.default_rng(seed)` and draw every weight matrix from it, layer by layer:
#   `W_l = weight_scale * rng.standard_normal((d_in, d_out))`. Biases `b_l` zero. Keys `W1, b1, ..., WL, bL` in `self.params`
#   (layer $L$ is the output layer).
# * With batch norm, also `gamma_l` (ones) and `beta_l` (zeros) of shape `(H_l,)` for every **hidden** layer $l = 1 \dots L-1$,
#   and one `bn_param` dict per hidden layer, `{"mode": "train"}` to start with, kept in **`self.bn_params`** (a list): batchnorm_forward
#   stores the running averages there, and section 8 reads them.
#
# **`loss(X, y=None)`**
# * `y is None` is **test mode**: set every `bn_param["mode"] = "test"`, no dropout, return the scores `(N, num_classes)`.
# * Otherwise **train mode**: `bn_param["mode"] = "train"`; dropout with
#   `{"keep_prob": self.keep_prob, "mode": "train", "seed": ...}` where the seed is a fresh number drawn from `self.rng` on every call
#   (for example `int(self.rng.integers(2**31))`), so each call gets new masks, reproducibly from `seed`, and never from NumPy's
#   global random state.
# * Keep every layer's cache in a list as you go forward; go backward in reverse order with the matching backward functions
#   (`dropout_backward`, `relu_backward`, `batchnorm_backward_alt`, `affine_backward`).
# * Loss: data loss from `softmax_cross_entropy` plus `reg * sum(W**2)` over **all weight matrices** (no biases, gammas or betas);
#   add `2 * reg * W` to each weight gradient. Return `(loss, grads)` with a gradient for **every** key of `self.params`.

# %% solution id="FullyConnectedNet"
class FullyConnectedNet:
    """{affine - [batch norm] - ReLU - [dropout]} x len(hidden_dims) - affine - softmax cross-entropy.

    params: W1, b1, ..., WL, bL, and with batch norm gamma1, beta1, ..., gamma(L-1), beta(L-1).
    """

    def __init__(self, hidden_dims, input_dim=784, num_classes=10, normalization=None,
                 keep_prob=1.0, reg=0.0, weight_scale=1e-2, seed=0):
        ### BEGIN SOLUTION
        if normalization not in (None, "batchnorm"):
            raise ValueError(f'normalization must be None or "batchnorm", not {normalization!r}')
        self.normalization = normalization
        self.keep_prob = keep_prob
        self.reg = reg
        self.num_layers = len(hidden_dims) + 1
        self.rng = np.random.default_rng(seed)
        dims = [input_dim, *hidden_dims, num_classes]
        self.params = {}
        for l in range(1, self.num_layers + 1):
            self.params[f"W{l}"] = weight_scale * self.rng.standard_normal((dims[l - 1], dims[l]))
            self.params[f"b{l}"] = np.zeros(dims[l])
        self.bn_params = []
        if normalization == "batchnorm":
            for l in range(1, self.num_layers):
                self.params[f"gamma{l}"] = np.ones(dims[l])
                self.params[f"beta{l}"] = np.zeros(dims[l])
                self.bn_params.append({"mode": "train"})
        ### END SOLUTION

    def loss(self, X, y=None):
        """X: (N, input_dim); y: (N,) labels or None.

        Returns scores (N, num_classes) in test mode (y is None), else (loss, grads) in train mode.
        """
        ### BEGIN SOLUTION
        mode = "test" if y is None else "train"
        use_bn = self.normalization == "batchnorm"
        use_dropout = self.keep_prob < 1
        L = self.num_layers
        caches = []
        h = X
        for l in range(1, L):
            h, affine_cache = affine_forward(h, self.params[f"W{l}"], self.params[f"b{l}"])
            bn_cache = dropout_cache = None
            if use_bn:
                bn_param = self.bn_params[l - 1]
                bn_param["mode"] = mode
                h, bn_cache = batchnorm_forward(h, self.params[f"gamma{l}"], self.params[f"beta{l}"], bn_param)
            h, relu_cache = relu_forward(h)
            if use_dropout and mode == "train":
                dropout_param = {"keep_prob": self.keep_prob, "mode": "train", "seed": int(self.rng.integers(2**31))}
                h, dropout_cache = dropout_forward(h, dropout_param)
            caches.append((affine_cache, bn_cache, relu_cache, dropout_cache))
        scores, last_cache = affine_forward(h, self.params[f"W{L}"], self.params[f"b{L}"])
        if y is None:
            return scores

        loss, dscores = softmax_cross_entropy(scores, y)
        grads = {}
        dh, grads[f"W{L}"], grads[f"b{L}"] = affine_backward(dscores, last_cache)
        for l in range(L - 1, 0, -1):
            affine_cache, bn_cache, relu_cache, dropout_cache = caches[l - 1]
            if dropout_cache is not None:
                dh = dropout_backward(dh, dropout_cache)
            dh = relu_backward(dh, relu_cache)
            if bn_cache is not None:
                dh, grads[f"gamma{l}"], grads[f"beta{l}"] = batchnorm_backward_alt(dh, bn_cache)
            dh, grads[f"W{l}"], grads[f"b{l}"] = affine_backward(dh, affine_cache)
        for l in range(1, L + 1):
            W = self.params[f"W{l}"]
            loss += self.reg * np.sum(W * W)
            grads[f"W{l}"] = grads[f"W{l}"] + 2 * self.reg * W
        return loss, grads
        ### END SOLUTION


# %% tests id="test_FullyConnectedNet" points=5
from course.checks import call  # runs your function; a crash or a wrong number of results fails the check

def _make(hidden_dims, **kw):
    args = ", ".join([repr(hidden_dims)] + [f"{k}={v!r}" for k, v in kw.items()])
    return call(f"FullyConnectedNet({args})", FullyConnectedNet, hidden_dims, **kw)

def _keys(L, bn):
    keys = [f"{p}{l}" for l in range(1, L + 1) for p in ("W", "b")]
    return sorted(keys + ([f"{p}{l}" for l in range(1, L) for p in ("gamma", "beta")] if bn else []))

def _grad_check(net, X, y, what):
    _set_rng = np.random.default_rng(11)       # fixed parameters, so the check does not depend on how yours were drawn
    values = {}
    for k in sorted(net.params):
        shape = np.shape(net.params[k])
        values[k] = _set_rng.uniform(0.5, 1.5, size=shape) if k.startswith("gamma") else _set_rng.normal(scale=0.5, size=shape)
        net.params[k] = values[k]
    loss_fn = net.loss
    loss, grads = call("net.loss(X, y)", loss_fn, X, y, n_out=2)
    check(isinstance(grads, dict) and sorted(grads) == sorted(values),
          f"grads should have one entry for every key of params ({sorted(values)}); yours has {sorted(grads)}.")
    for k in sorted(values):
        if k[0] == "b" and f"gamma{k[1:]}" in values:   # a bias right before batch norm: its gradient is 0
            check(np.max(np.abs(np.asarray(grads[k], dtype=float))) < 1e-8,
                  f"grads['{k}'] of {what} should be zero: batch norm subtracts the mean right after this bias, so it has "
                  "no effect on the loss. (Biases are not regularised.)")
            continue
        def loss_with(value, k=k):
            net.params[k] = value
            return loss_fn(X, y)[0]
        try:
            check_gradient(loss_with, values[k], grads[k], f"grads['{k}'] of {what}", tol=1e-5)
        finally:
            net.params[k] = values[k]

# Checks for FullyConnectedNet
_state = np.random.get_state()
net = _make([4, 3], input_dim=5, num_classes=2, weight_scale=0.1, seed=0)
_after = np.random.get_state()
check(np.array_equal(_state[1], _after[1]) and _state[2] == _after[2],
      "Building a FullyConnectedNet changed NumPy's global random state: draw the weights from the net's own generator, "
      "np.random.default_rng(seed), not from np.random.randn / np.random.seed.")
check(isinstance(getattr(net, "params", None), dict), "FullyConnectedNet should keep its parameters in the dict self.params.")
check(sorted(net.params) == _keys(3, False), f"Without batch norm params should have the keys {_keys(3, False)}; yours has {sorted(net.params)}.")
for name, shape in [("W1", (5, 4)), ("b1", (4,)), ("W2", (4, 3)), ("b2", (3,)), ("W3", (3, 2)), ("b3", (2,))]:
    check_shape(net.params[name], shape, f"params['{name}'] for hidden_dims=[4, 3], input_dim=5, num_classes=2")
net = _make([4, 3], input_dim=5, num_classes=2, normalization="batchnorm", weight_scale=0.1, seed=0)
check(sorted(net.params) == _keys(3, True), f"With batch norm params should have the keys {_keys(3, True)}; yours has {sorted(net.params)}.")
check_close(net.params["gamma2"], np.ones(3), "params['gamma2'] at the start")
check_close(net.params["beta1"], np.zeros(4), "params['beta1'] at the start")
try:
    FullyConnectedNet([4], normalization="layernorm")
    raise AssertionError('FullyConnectedNet(..., normalization="layernorm") should raise ValueError.')
except ValueError:
    pass
_check_rng = np.random.default_rng(0)
X = _check_rng.normal(size=(6, 5))
y = np.array([0, 1, 1, 0, 1, 0])
scores = call("net.loss(X)", net.loss, X)
check_shape(scores, (6, 2), "the scores for 6 examples and 2 classes")
drop_net = _make([30], input_dim=5, num_classes=3, keep_prob=0.5, seed=0)
check(np.allclose(call("net.loss(X)", drop_net.loss, X), call("net.loss(X)", drop_net.loss, X)),
      "Two test-mode calls (loss(X) without y) of a net with keep_prob = 0.5 gave different scores: "
      "there is no dropout in test mode.")
call("net.loss(X, y)", net.loss, X, y, n_out=2)          # one training step: the running averages move
check_close(call("net.loss(X[:2])", net.loss, X[:2]), np.asarray(call("net.loss(X)", net.loss, X))[:2],
            "the test-mode scores of the first two examples, alone and inside the batch of 6",
            hint="In test mode batch norm normalises with the running averages, so an example's scores do not depend on "
                 "the rest of the batch: set every bn_param's mode to 'test' when y is None.")
small = _make([20, 20], input_dim=5, num_classes=10, weight_scale=1e-3, seed=0)
first_loss = call("net.loss(X, y)", small.loss, X, y, n_out=2)[0]
check_close(first_loss, np.log(10), "the first loss with tiny weights and 10 classes (about log 10)", rtol=1e-2,
            hint="With tiny weights all scores are almost equal: softmax cross-entropy should give about log(10).")
_grad_check(_make([3, 2], input_dim=5, num_classes=3, reg=0.1, weight_scale=0.5, seed=1), X, y % 3,
            "a net without batch norm and reg = 0.1")
_grad_check(_make([3, 2], input_dim=5, num_classes=3, normalization="batchnorm", reg=0.1, weight_scale=0.5, seed=1), X, y % 3,
            "a net with batch norm and reg = 0.1")
print("FullyConnectedNet: visible checks passed")
### BEGIN HIDDEN TESTS
def _fc_oracle(p, X, y, L, bn, reg, eps=1e-5, running=None):
    """Scores (y None; running: list of (mean, var) per hidden layer) or (loss, grads, batch stats) in train mode."""
    h, caches, stats = X, [], []
    for l in range(1, L):
        a = h @ p[f"W{l}"] + p[f"b{l}"]
        if bn:
            if y is None:
                mu, var = running[l - 1]
            else:
                mu, var = a.mean(axis=0), a.var(axis=0)
                stats.append((mu, var))
            xhat = (a - mu) / np.sqrt(var + eps)
            z = p[f"gamma{l}"] * xhat + p[f"beta{l}"]
        else:
            xhat, var, z = None, None, a
        caches.append((h, xhat, var, z))
        h = np.maximum(0, z)
    s = h @ p[f"W{L}"] + p[f"b{L}"]
    if y is None:
        return s
    n = len(y)
    sh = s - s.max(axis=1, keepdims=True)
    logp = sh - np.log(np.exp(sh).sum(axis=1, keepdims=True))
    loss = -logp[np.arange(n), y].mean() + reg * sum(np.sum(p[f"W{l}"] ** 2) for l in range(1, L + 1))
    ds = np.exp(logp); ds[np.arange(n), y] -= 1; ds /= n
    g = {f"W{L}": h.T @ ds + 2 * reg * p[f"W{L}"], f"b{L}": ds.sum(axis=0)}
    dh = ds @ p[f"W{L}"].T
    for l in range(L - 1, 0, -1):
        hin, xhat, var, z = caches[l - 1]
        dz = dh * (z > 0)
        if bn:
            g[f"beta{l}"], g[f"gamma{l}"] = dz.sum(axis=0), np.sum(dz * xhat, axis=0)
            gh = dz * p[f"gamma{l}"]
            da = (n * gh - gh.sum(axis=0) - xhat * np.sum(gh * xhat, axis=0)) / (n * np.sqrt(var + eps))
        else:
            da = dz
        g[f"W{l}"], g[f"b{l}"] = hin.T @ da + 2 * reg * p[f"W{l}"], da.sum(axis=0)
        dh = da @ p[f"W{l}"].T
    return loss, g, stats

def _random_params(rng, dims, bn):
    p = {}
    for l in range(1, len(dims)):
        p[f"W{l}"] = rng.normal(size=(dims[l - 1], dims[l])) / np.sqrt(dims[l - 1])
        p[f"b{l}"] = rng.normal(scale=0.3, size=dims[l])
        if bn and l < len(dims) - 1:
            p[f"gamma{l}"] = rng.uniform(0.5, 1.5, size=dims[l])
            p[f"beta{l}"] = rng.normal(scale=0.3, size=dims[l])
    return p

def _global_state_unchanged(before, what):
    after = np.random.get_state()
    check(np.array_equal(before[1], after[1]) and before[2] == after[2],
          f"{what} changed NumPy's global random state: draw from the net's own generator, "
          "np.random.default_rng(seed), never from np.random.randn / np.random.rand / np.random.seed.")

_rng = np.random.default_rng(7074)

# construction: the seed, the law of the weights, zeros and ones, no global random state
_state = np.random.get_state()
_net = _make([50, 40], input_dim=60, num_classes=30, normalization="batchnorm", weight_scale=0.3, seed=7)
_global_state_unchanged(_state, "Building a FullyConnectedNet")
check(sorted(_net.params) == _keys(3, True), f"With batch norm and two hidden layers params should have the keys {_keys(3, True)}.")
for _name, _shape in [("W1", (60, 50)), ("W2", (50, 40)), ("W3", (40, 30)), ("b3", (30,)), ("gamma2", (40,)), ("beta1", (50,))]:
    check_shape(_net.params[_name], _shape, f"params['{_name}'] for hidden_dims=[50, 40], input_dim=60, num_classes=30")
for _name in ("W1", "W2", "W3"):
    _W = np.asarray(_net.params[_name])
    check(abs(_W.std() - 0.3) < 0.03 and abs(_W.mean()) < 0.03,
          f"params['{_name}'] should be weight_scale times standard normal numbers (mean 0, standard deviation "
          f"weight_scale = 0.3); yours have mean {_W.mean():.3f} and standard deviation {_W.std():.3f}.")
for _name in ("b1", "b2", "b3", "beta1", "beta2"):
    check(np.all(np.asarray(_net.params[_name]) == 0), f"params['{_name}'] should start at zero.")
for _name in ("gamma1", "gamma2"):
    check(np.all(np.asarray(_net.params[_name]) == 1), f"params['{_name}'] should start at one.")
_same = _make([50, 40], input_dim=60, num_classes=30, normalization="batchnorm", weight_scale=0.3, seed=7)
_other = _make([50, 40], input_dim=60, num_classes=30, normalization="batchnorm", weight_scale=0.3, seed=8)
check(all(np.array_equal(_net.params[k], _same.params[k]) for k in ("W1", "W2", "W3")),
      "Two nets built with the same seed have different weights: draw them from np.random.default_rng(seed).")
check(all(not np.array_equal(_net.params[k], _other.params[k]) for k in ("W1", "W2", "W3")),
      "Two nets built with different seeds share weights: draw every weight matrix from np.random.default_rng(seed).")
for _bad in ("layernorm", "BatchNorm", "none"):
    try:
        FullyConnectedNet([3], input_dim=4, num_classes=2, normalization=_bad)
    except ValueError:
        continue
    except Exception as _exc:
        raise AssertionError(f'normalization="{_bad}" should raise ValueError, not {type(_exc).__name__}.') from None
    raise AssertionError(f'normalization="{_bad}" should raise ValueError: only None and "batchnorm" are allowed.')
_deep = _make([3] * 5, input_dim=4, num_classes=2)
check(sorted(_deep.params) == _keys(6, False), f"hidden_dims=[3, 3, 3, 3, 3] should give the keys {_keys(6, False)}.")

# train mode against an oracle with known parameters: loss, every gradient, regularisation of the weights only
for _dims, _bn, _reg in [((5, 4, 3), False, 0.0), ((5, 4, 3), True, 0.0), ((6, 5, 4, 3), True, 0.2), ((3, 7, 2), False, 0.1),
                         ((4, 3, 3, 3, 3, 5), True, 0.05)]:
    _L = len(_dims) - 1
    _net = _make(list(_dims[1:-1]), input_dim=_dims[0], num_classes=_dims[-1],
                 normalization="batchnorm" if _bn else None, reg=_reg, weight_scale=0.1, seed=3)
    _p = _random_params(_rng, _dims, _bn)
    for _k in _p:
        _net.params[_k] = _p[_k].copy()
    _X = _rng.normal(size=(8, _dims[0]))
    _y = _rng.integers(0, _dims[-1], size=8)
    _X0 = _X.copy()
    _what = f"hidden_dims={list(_dims[1:-1])}, normalization={'batchnorm' if _bn else None!r}, reg={_reg}"
    _loss, _grads = call(f"net.loss(X, y) for {_what}", _net.loss, _X, _y, n_out=2)
    check_unchanged(_X0, _X, "The input `X`")
    for _k in _p:
        check_unchanged(_p[_k], _net.params[_k], f"params['{_k}'] (inside loss)")
    _rl, _rg, _ = _fc_oracle(_p, _X0, _y, _L, _bn, _reg)
    check_close(_loss, _rl, f"the train-mode loss for {_what}", show_expected=False,
                hint="Data loss from softmax_cross_entropy plus reg * the sum of W**2 over every weight matrix "
                     "(no biases, gammas or betas), with batch norm on the batch's statistics.")
    check(isinstance(_grads, dict) and sorted(_grads) == sorted(_p),
          f"grads for {_what} should have exactly the keys of params, {sorted(_p)}; yours has "
          f"{sorted(_grads) if isinstance(_grads, dict) else type(_grads).__name__}.")
    for _k in sorted(_p, key=lambda k: (-int("".join(ch for ch in k if ch.isdigit())), k)):  # output layer first
        check_close(_grads[_k], _rg[_k], f"grads['{_k}'] for {_what}", show_expected=False, rtol=1e-5, atol=1e-7,
                    hint=("Only the weight matrices are regularised: add 2 * reg * W to the W gradients and nothing to the "
                          "others." if _reg and (_k[0] != "W") else
                          "Backprop in reverse order through every layer: (dropout), ReLU, (batch norm), affine; add 2 * reg * W "
                          "to the weight gradients."))

# test mode: scores with the running statistics, independent of the batch, and no dropout
for _bn, _kp in [(True, 1.0), (True, 0.5), (False, 0.5)]:
    _dims = (5, 6, 4, 3)
    _net = _make([6, 4], input_dim=5, num_classes=3, normalization="batchnorm" if _bn else None, keep_prob=_kp,
                 weight_scale=0.5, seed=4)
    _p = {k: np.asarray(_net.params[k]).copy() for k in _net.params}
    _X = _rng.normal(loc=1.0, size=(7, 5))
    _what = f"net with normalization={'batchnorm' if _bn else None!r}, keep_prob={_kp}"
    _s0 = call("net.loss(X)", _net.loss, _X)
    _r0 = [(np.zeros(d), np.ones(d)) for d in _dims[1:-1]]
    check_close(_s0, _fc_oracle(_p, _X, None, 3, _bn, 0.0, running=_r0), f"the test-mode scores of a new {_what}",
                show_expected=False,
                hint="loss(X) without y is test mode: batch norm with the running averages (zeros and ones before any "
                     "training), and no dropout.")
    check_close(call("net.loss(X)", _net.loss, _X), _s0, f"a second test-mode call of a {_what}", show_expected=False,
                hint="Two test-mode calls on the same data should give the same scores: no dropout and no batch statistics "
                     "at test time.")
    _Xt = _rng.normal(loc=2.0, scale=1.5, size=(9, 5))
    _yt = _rng.integers(0, 3, size=9)
    call("net.loss(X, y)", _net.loss, _Xt, _yt, n_out=2)
    _s1 = np.asarray(call("net.loss(X)", _net.loss, _X), dtype=float)
    _one = np.asarray(call("net.loss(X[:1])", _net.loss, _X[:1]), dtype=float)
    check_close(_one[0], _s1[0], f"the test-mode scores of one example alone and inside a batch (a {_what})", show_expected=False,
                hint="In test mode an example's scores must not depend on the other examples of the batch: batch norm uses "
                     "its running averages, not the batch's statistics.")
    if _bn and _kp == 1.0:
        _, _, _stats = _fc_oracle(_p, _Xt, _yt, 3, True, 0.0)
        _r1 = [(0.1 * mu, 0.9 + 0.1 * var) for mu, var in _stats]
        check_close(_s1, _fc_oracle(_p, _X, None, 3, True, 0.0, running=_r1),
                    f"the test-mode scores after one training step of a {_what}", show_expected=False,
                    hint="After a train-mode call the test-mode scores should use the running averages that call updated. "
                         "Give each hidden layer its own bn_param dict, kept for the life of the net, and pass it to "
                         "batchnorm_forward every time.")

# dropout in train mode: keep_prob is the probability of keeping a unit, 1 / keep_prob at train time, fresh masks, from the seed
def _dropout_probe(keep_prob, seed, calls=3, H=400):
    net = _make([H], input_dim=2, num_classes=3, keep_prob=keep_prob, seed=seed)
    net.params["W1"] = np.zeros((2, H))
    net.params["b1"] = np.full(H, 2.0)               # every hidden unit outputs 2 before dropout
    net.params["W2"] = _rng.normal(size=(H, 3)) * 0.01
    X, y = np.ones((1, 2)), np.array([1])
    ratios = []
    for _ in range(calls):
        loss, grads = call("net.loss(X, y) with dropout", net.loss, X, y, n_out=2)
        dW2, db2 = np.asarray(grads["W2"], dtype=float), np.asarray(grads["b2"], dtype=float)
        ratios.append(dW2[:, 0] / db2[0])            # the hidden activation of each unit after dropout
    return ratios

_state = np.random.get_state()
_ratios = _dropout_probe(0.8, seed=5)
_global_state_unchanged(_state, "A train-mode call with dropout")
_a = _ratios[0]
_kept = np.abs(_a) > 1e-9
check(0.7 < _kept.mean() < 0.9,
      f"With keep_prob = 0.8 about 80 % of the hidden units should be kept in train mode; your net kept {_kept.mean():.0%}. "
      "keep_prob is the probability of keeping a unit, not of dropping it.")
check(np.allclose(_a[_kept], 2.0 / 0.8),
      "The kept hidden units should be scaled by 1 / keep_prob at train time (inverted dropout); yours are not. "
      "Pass the net's keep_prob and mode 'train' to dropout_forward.")
check(not np.array_equal(_kept, np.abs(_ratios[1]) > 1e-9),
      "Two train-mode calls dropped exactly the same units: draw a fresh seed for dropout_forward from the net's "
      "generator on every call.")
_again = _dropout_probe(0.8, seed=5)
check(all(np.allclose(a, b) for a, b in zip(_ratios, _again)),
      "Two nets built with the same seed dropped different units on the same calls: the dropout seeds should come from "
      "the net's own generator, np.random.default_rng(seed).")
_net = _make([30], input_dim=4, num_classes=3, keep_prob=0.5, seed=6)
_X = _rng.normal(size=(5, 4))
_state = np.random.get_state()
_a1 = np.asarray(call("net.loss(X)", _net.loss, _X), dtype=float)
_a2 = np.asarray(call("net.loss(X)", _net.loss, _X), dtype=float)
_global_state_unchanged(_state, "A test-mode call")
_p = {k: np.asarray(_net.params[k]) for k in _net.params}
check_close(_a1, _fc_oracle(_p, _X, None, 2, False, 0.0), "the test-mode scores of a net with keep_prob = 0.5", show_expected=False,
            hint="Test mode (loss without y) applies no dropout and no scaling: inverted dropout does its scaling at train time.")
### END HIDDEN TESTS

# %% [markdown] id="net-gradcheck-intro"
# ### A gradient check of the whole network with batch norm
#
# Before training, the usual check: numerical against analytic gradients for every parameter of a small three-hidden-layer net with
# batch norm and L2 (dropout off, `keep_prob = 1`: a numerical gradient needs the same mask on every evaluation). Every relative
# error should be around $10^{-7}$ or below. Batch norm is one of the places where backprop bugs like to hide, because a wrong
# gradient often still trains, only worse.

# %% id="net-gradcheck"
gc_rng = np.random.default_rng(5)
gc_net = FullyConnectedNet([6, 5, 4], input_dim=8, num_classes=4, normalization="batchnorm", reg=0.05,
                           weight_scale=0.5, seed=2)
X_gc, y_gc = gc_rng.normal(size=(10, 8)), gc_rng.integers(0, 4, size=10)
_, gc_grads = gc_net.loss(X_gc, y_gc)
worst = 0.0
for name in sorted(gc_net.params):
    if name[0] == "b" and f"gamma{name[1:]}" in gc_net.params:
        print(f"{name:7s} gradient {np.max(np.abs(gc_grads[name])):.0e}: a bias right before batch norm has no effect")
        continue
    def loss_of(value, name=name):
        saved = gc_net.params[name]
        gc_net.params[name] = value
        loss = gc_net.loss(X_gc, y_gc)[0]
        gc_net.params[name] = saved
        return loss
    err = relative_error(gc_grads[name], numerical_gradient(loss_of, gc_net.params[name].copy()))   # lecture 03's
    worst = max(worst, err)
    print(f"{name:7s} relative error {err:.1e}")
print(f"largest relative error {worst:.1e}")


# %% [markdown] id="deep-intro"
# ## 6. Deep networks that train only with batch norm
#
# Now the experiment of the introduction, with training. Eight hidden layers of 100 units, the same learning rate (0.1), the
# same 300 mini-batches of 100 images, with and without batch norm, for the two weight scales of section 1. The training loss is
# plotted per step (thin) and as a moving average (thick); the dotted line is $\log 10 \approx 2.30$, the loss of a network that
# gives every digit the same probability.

# %% id="deep-train"
def train(net, X, y, steps, learning_rate, batch_size=100, seed=0, record=None, every=10):
    """Plain SGD on random mini-batches; returns the losses. ``record(step)`` is called every ``every`` steps."""
    rng = np.random.default_rng(seed)
    losses = []
    for step in range(steps):
        if record is not None and step % every == 0:
            record(step)
        batch = rng.choice(len(y), size=batch_size, replace=False)
        with np.errstate(all="ignore"):          # a diverging net overflows; we plot that instead of warning
            loss, grads = net.loss(X[batch], y[batch])
            for name in net.params:
                net.params[name] -= learning_rate * grads[name]
        losses.append(loss)
    return losses


def accuracy(net, X, y):
    with np.errstate(all="ignore"):
        return np.mean(np.argmax(net.loss(X), axis=1) == y)


deep_steps = course.runtime.scaled(300, when_grading=20)
curves, deep_nets = {}, {}
for scale in progress((0.01, 0.2), desc="weight scales"):
    curves[scale] = {}
    for norm, label in ((None, "without batch norm"), ("batchnorm", "with batch norm")):
        net = FullyConnectedNet([100] * 8, normalization=norm, weight_scale=scale, seed=0)
        curves[scale][label] = train(net, X_train, y_train, deep_steps, learning_rate=0.1)
        deep_nets[scale, norm] = net
        print(f"weight_scale {scale:4}, {label:18s}: final loss {np.mean(curves[scale][label][-20:]):7.3f}, "
              f"validation accuracy {accuracy(net, X_val, y_val):.1%}")
batchnorm_plots.plot_deep_training(curves);


# %% [markdown] id="deep-notes"
# Without batch norm, `weight_scale = 0.01` leaves the loss at $\log 10$: the signal (and the gradient) dies on its way through
# eight layers, so the network guesses. `weight_scale = 0.2` starts with enormous scores and the updates blow up within a few steps.
# With batch norm both nets train at the same learning rate, well past 80 % validation accuracy after only 300 steps:
# whatever the scale of the weights, every ReLU receives inputs of mean $\beta$ and spread $\gamma$. (Batch norm makes each layer
# insensitive to the scale of its weights: multiply $W$ by 20 and $\bar{x}$ does not change.)
#
# ### The drift, measured
#
# Does the input of each layer really move during training? Train the two nets again at a scale where even the plain net learns
# (`weight_scale = 0.1`), and every 10 steps measure the mean and the spread of the input of each ReLU on a fixed batch of 500
# images. Without batch norm each layer's input wanders as the layers below it change; with batch norm it stays pinned at the
# mean and spread that $\beta$ and $\gamma$ (which move slowly) ask for.

# %% id="drift"
def relu_input_stats(net, X):
    """(mean, std) of the input of every ReLU, as in train mode on the batch X, without changing the net."""
    stats, h = [], X
    for l in range(1, net.num_layers):
        h, _ = affine_forward(h, net.params[f"W{l}"], net.params[f"b{l}"])
        if net.normalization == "batchnorm":
            h, _ = batchnorm_forward(h, net.params[f"gamma{l}"], net.params[f"beta{l}"], {"mode": "train"})
        stats.append((h.mean(), h.std()))
        h, _ = relu_forward(h)
    return stats


drift_steps = course.runtime.scaled(200, when_grading=20)
drift = {}
for norm, label in ((None, "without batch norm"), ("batchnorm", "with batch norm")):
    net = FullyConnectedNet([100] * 8, normalization=norm, weight_scale=0.1, seed=0)
    records = []
    train(net, X_train, y_train, drift_steps, learning_rate=0.1, record=lambda step: records.append(relu_input_stats(net, probe)))
    drift[f"{label} (validation accuracy {accuracy(net, X_val, y_val):.1%})"] = records
    print(f"{label:18s}: spread of the ReLU inputs, layer 8, from {records[0][-1][1]:.3f} to {records[-1][-1][1]:.3f}")
batchnorm_plots.plot_drift(np.arange(0, drift_steps, 10), drift);

# %% [markdown] id="mnist-intro"
# ## 7. Training on MNIST
#
# Finally a network to keep: three hidden layers of 128 units with batch norm and a little dropout (`keep_prob = 0.8`),
# `weight_scale = 0.05`, `reg = 1e-4`, learning rate 0.5 (batch norm tolerates a large one) decayed by 10 % per epoch, 15 epochs of
# mini-batches of 100. It trains on all the training images: the validation split has done its job of choosing these settings.
# On the course's offline subset (4,000 training images) this reaches at least 95 % on the 1,000 held-out test images,
# against 92 % for lecture 03's two-layer net; with full MNIST expect 97 to 98 %.

# %% id="mnist-train"
X_all, y_all = data.X_train, data.y_train
final_net = FullyConnectedNet([128, 128, 128], normalization="batchnorm", keep_prob=0.8, reg=1e-4, weight_scale=0.05, seed=0)
epochs = course.runtime.scaled(15 if data.source == "subset" else 5, when_grading=1)
history = {"loss": [], "train_acc": []}
shuffle_rng = np.random.default_rng(0)
learning_rate = 0.5
for epoch in progress(range(epochs), desc="epochs"):
    order = shuffle_rng.permutation(len(y_all))
    for start in range(0, len(y_all), 100):
        batch = order[start:start + 100]
        loss, grads = final_net.loss(X_all[batch], y_all[batch])
        for name in final_net.params:
            final_net.params[name] -= learning_rate * grads[name]
        history["loss"].append(loss)
    learning_rate *= 0.9
    history["train_acc"].append(accuracy(final_net, X_all, y_all))
print(f"after {epochs} epochs: training accuracy {history['train_acc'][-1]:.1%}")
course.plots.plot_training_curves(history["loss"], history["train_acc"]);

# %% id="evaluate"
test_acc = accuracy(final_net, X_test, y_test)
course.runtime.expect_accuracy(test_acc, at_least=0.95, description=data.description)


# %% [markdown] id="train-mode-bug"
# ## 8. The batch-of-one bug, on the trained network
#
# Section 2 warned about evaluating in train mode on a batch of one. Here it is on the network you just trained: the first 200 test
# images, one at a time, once in test mode (`loss(X)`) and once with every batch norm layer forced into train mode. The forward pass
# below is the network's own forward pass with the modes overridden; it reads the running averages from `final_net.bn_params`.

# %% id="train-mode-bug-demo"
def scores_in_mode(net, X, mode):
    """Forward pass of a batch-norm FullyConnectedNet (no dropout) with every batch norm layer in ``mode``."""
    h = X
    for l in range(1, net.num_layers):
        h, _ = affine_forward(h, net.params[f"W{l}"], net.params[f"b{l}"])
        h, _ = batchnorm_forward(h, net.params[f"gamma{l}"], net.params[f"beta{l}"], dict(net.bn_params[l - 1], mode=mode))
        h, _ = relu_forward(h)
    L = net.num_layers
    return affine_forward(h, net.params[f"W{L}"], net.params[f"b{L}"])[0]


one_by_one = {mode: np.array([np.argmax(scores_in_mode(final_net, X_test[i:i + 1], mode)) for i in range(200)])
              for mode in ("test", "train")}
for mode, pred in one_by_one.items():
    print(f"{mode:5s} mode, one image at a time: accuracy {np.mean(pred == y_test[:200]):.1%}, "
          f"predicted digits used: {sorted(set(pred.tolist()))}")

# %% [markdown] id="think"
# ## Things to think about
#
# 1. In section 6, why does batch norm make the network indifferent to `weight_scale`? Show that batch norm's output does not change
#    when $W$ (the affine layer before it) is multiplied by a positive number. Does the same hold for the gradient with respect to $W$?
# 2. With batch norm, the affine layer's bias $b$ gets a gradient of exactly zero (print `grads["b1"]` of a batch-norm net). Why?
# 3. The test-mode output in section 2 used running averages with $m = 0.9$. What happens to a network trained for only 20 steps with
#    $m = 0.99$? Try it with the running-average cell.
# 4. Batch norm's statistics come from the mini-batch, so each example's output depends on the others in its batch. Train the
#    MNIST net with mini-batches of 4. What happens, and why is this a problem for small batches?
# 5. PyTorch: what `momentum` do you pass to `torch.nn.BatchNorm1d` to get this course's $m = 0.9$? Its running variance after one
#    step on a batch of 2 examples differs from ours by which factor?
# 6. Time `FullyConnectedNet([100] * 8, normalization="batchnorm")` with `batchnorm_backward` in place of
#    `batchnorm_backward_alt`. How much of one training step does batch norm's backward pass take?
