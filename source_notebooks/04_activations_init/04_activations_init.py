# %% [markdown] id="header"
# # Lecture 04 · Activations, initialisation and data preprocessing
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({{COLAB_URL}})
#
# Lecture 03 trained a network with one hidden layer. Stack ten and, written exactly the same way, it usually learns nothing at all.
# Three choices that look like details decide whether a deep network trains: the **activation function** between the layers, the
# **initial weights**, and the **scale of the input features**. In this lecture you write the classic activations as forward/backward
# layers, measure how the gradient fades through a deep sigmoid network, see why equal initial weights can never learn, derive the
# Xavier and He initialisations from one line of variance algebra, watch the activations of a deep network collapse or explode when
# the weights have the wrong size, and check it all on handwritten digits.
#
# You will write nine pieces:
#
# | function | what it does |
# |---|---|
# | `sigmoid_forward(x)` / `sigmoid_backward(dout, cache)` | the logistic layer $\sigma(x) = 1/(1+e^{-x})$ and its gradient |
# | `tanh_forward(x)` / `tanh_backward(dout, cache)` | the hyperbolic tangent layer and its gradient |
# | `leaky_relu_forward(x, alpha=0.01)` / `leaky_relu_backward(dout, cache)` | $x$ for $x > 0$, $\alpha x$ otherwise, and its gradient |
# | `prelu_forward(x, alpha)` / `prelu_backward(dout, cache)` | the same with a *learned* slope $\alpha$; the backward pass also returns $\partial L/\partial\alpha$ |
# | `init_weights(fan_in, fan_out, method, rng)` | a weight matrix drawn by one of six rules: zeros, small normal, Xavier, He |
#
# **How to work through this notebook.** Read top to bottom and run each cell in order (Shift+Enter).
# Cells marked *Your turn* contain `# YOUR CODE HERE` and `raise NotImplementedError()`: replace both with your code.
# The cell after each exercise runs *checks*; if one fails, its message says what is wrong.
# When you hand the notebook in, hidden tests check the same functions more thoroughly, so make sure the visible checks pass first.
# In Colab: *File → Save a copy in Drive* is not needed if you opened the notebook from your Drive folder; save with Ctrl+S (⌘+S) and download it with *File → Download → Download .ipynb*.

# %% setup id="setup"

# %% [markdown] id="given-intro"
# ### Given: the layers of lectures 02 and 03
#
# The deep networks of this lecture are built from lecture 03's affine and ReLU layers and trained with lecture 02's softmax
# cross-entropy loss; section 11 also uses lecture 00's `standardize`. They are not graded here, so the next three cells hold a correct
# version of each, **those lectures' answers**. Run them; you do not need to change them.

# %% given="03_backprop:affine_forward,affine_backward,relu_forward,relu_backward" id="given-layers"

# %% given="02_softmax:softmax,softmax_cross_entropy" id="given-loss"

# %% given="00_getting_started:standardize" id="given-standardize"

# %% [markdown] id="why-nonlinear"
# ## 1. Why an activation function, and why not the step function?
#
# A layer computes $z = xW + b$ and then applies an **activation function** $g$ to every entry: $a = g(z)$. The lecture notes
# describe $g$ as the network's basis expansion: a fixed non-linear bend applied to a *learned* combination of the inputs, which is
# what lets a network approximate curved decision boundaries. Two candidates show why $g$ has to be chosen with care.
#
# **The identity, $g(x) = x$.** Then two layers are one: $(xW_1 + b_1)W_2 + b_2 = x\,(W_1W_2) + (b_1W_2 + b_2)$, a single affine
# map with weights $W_1W_2$. However many layers you stack, the network stays a linear classifier and can only draw straight
# boundaries (lecture 01's XOR needed a non-linear hidden layer). The identity is fine at the *output* of a regression network,
# never between hidden layers. The cell checks the algebra with numbers.
#
# **The step (Heaviside) function**, $g(x) = 1$ for $x > 0$ and $0$ otherwise: the on/off neuron that first modelled the brain.
# Its derivative is $0$ everywhere except at $0$, where it does not exist. Backpropagation multiplies the upstream gradient by
# $g'(z)$, so every gradient below a step layer is exactly zero and gradient descent cannot move a single weight. The notes' rule
# follows: *in practice we use activations that have a useful derivative*.

# %% id="identity-collapses"
rng = np.random.default_rng(0)
x = rng.normal(size=(4, 3))
W1, b1 = rng.normal(size=(3, 5)), rng.normal(size=5)
W2, b2 = rng.normal(size=(5, 2)), rng.normal(size=2)
two_layers = (x @ W1 + b1) @ W2 + b2           # identity "activation" between the layers
one_layer = x @ (W1 @ W2) + (b1 @ W2 + b2)     # a single affine layer
print("two identity layers equal one affine layer:", np.allclose(two_layers, one_layer))

z = np.linspace(-4, 4, 801)
fig, axes = plt.subplots(2, 2, figsize=(8, 3.8))
axes[0, 0].plot(z, z)
axes[0, 1].plot(z, np.ones_like(z), color="tab:red")
axes[1, 0].plot(z[z <= 0], np.zeros(np.sum(z <= 0)), color="tab:blue")
axes[1, 0].plot(z[z > 0], np.ones(np.sum(z > 0)), color="tab:blue")
axes[1, 1].plot(z[z < 0], np.zeros(np.sum(z < 0)), color="tab:red")
axes[1, 1].plot(z[z > 0], np.zeros(np.sum(z > 0)), color="tab:red")
axes[1, 1].set_ylim(-0.2, 1.2)
for ax, title in zip(axes.ravel(), ["identity g(x) = x", "its derivative: 1", "step function", "its derivative: 0 (none at x = 0)"]):
    ax.set_title(title, fontsize=10)
    ax.axhline(0, color="black", lw=0.6)
    ax.axvline(0, color="black", lw=0.6)
fig.tight_layout()


# %% [markdown] id="sigmoid-intro"
# ## 2. Sigmoid
#
# You met the sigmoid in lecture 01 as the output of a binary classifier. As a hidden activation it is a smooth step:
#
# $$\sigma(x) = \frac{1}{1 + e^{-x}}, \qquad \sigma'(x) = \sigma(x)\,\big(1 - \sigma(x)\big).$$
#
# Its range is $(0, 1)$, which made it the first choice of early networks ("how strongly does this neuron fire?"). Its derivative
# is the source of its trouble: $\sigma'(x)$ is largest at $x = 0$, where it is $\tfrac12\cdot\tfrac12 = \tfrac14$, and it is nearly $0$
# as soon as $|x|$ is more than about 5 (the sigmoid **saturates**). Backpropagation through a sigmoid layer multiplies the gradient
# by $\sigma'(z) \le 0.25$; through ten such layers the factor is at most $0.25^{10} \approx 10^{-6}$. The notes name this the
# **vanishing gradient** problem; section 9 measures it. Two smaller drawbacks: $e^{-x}$ costs more than a comparison, and the outputs
# are all positive, so the next layer's inputs are never centred on zero.
#
# ### As a layer
# `sigmoid_forward(x)` returns `(out, cache)` like every layer of lecture 03; `sigmoid_backward(dout, cache)` returns
# `dx = dout * σ'(x)`. The formula above shows that the backward pass needs only the **output**: keep `out` in the cache and
# `σ'(x) = out * (1 - out)` costs one multiplication.

# %% [markdown] id="sigmoid-forward-task"
# ### Your turn: `sigmoid_forward`
#
# Element-wise sigmoid of an array of any shape, returning `(out, cache)`. It must not overflow: `np.exp(-x)` for `x = -1000` is
# `inf` and NumPy warns. Use lecture 01's trick: $1/(1+e^{-x})$ where $x \ge 0$ and the equal $e^{x}/(1+e^{x})$ where $x < 0$, each
# applied only to its own elements (boolean masks; `np.where` would compute both formulas everywhere).
# Do not change `x` in place.

# %% solution id="sigmoid_forward"
def sigmoid_forward(x):
    """Forward pass of a sigmoid layer.

    x: array of any shape.
    Returns (out, cache): out = 1 / (1 + exp(-x)) element-wise, the shape of x, no overflow warning
    even for |x| of 1e4; cache: what sigmoid_backward needs (for example out).
    """
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=np.float64)
    out = np.empty_like(x)
    pos = x >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-x[pos]))
    exp_x = np.exp(x[~pos])
    out[~pos] = exp_x / (1.0 + exp_x)
    cache = out
    return out, cache
    ### END SOLUTION


# %% tests id="test_sigmoid_forward" points=2
from course.checks import call, without_warnings  # call: runs your function; without_warnings: overflow warnings fail
_overflow_hint = ("Some branch of your sigmoid exponentiates a large positive number. Apply each formula only to the elements "
                  "where it is safe (np.where computes both of its branches for every element).")

def _pair(what, result):
    check(isinstance(result, (tuple, list)) and len(result) == 2,
          f"{what} should return two values, (out, cache); it returned {type(result).__name__}.")
    return result

# Checks for sigmoid_forward
out, _ = call("sigmoid_forward", sigmoid_forward, np.array([-2.0, 0.0, 2.0]), n_out=2)
check_close(out, [0.1192, 0.5, 0.8808], "sigmoid_forward([-2, 0, 2])", atol=1e-4)
x = np.array([[1.0, -1.0], [3.0, -0.5]])
x_before = x.copy()
out, _ = call("sigmoid_forward", sigmoid_forward, x, n_out=2)
check_shape(out, (2, 2), "sigmoid_forward of a (2, 2) array")
check_close(out, [[0.7311, 0.2689], [0.9526, 0.3775]], "sigmoid_forward of a (2, 2) array", atol=1e-4)
check_unchanged(x_before, x, "The input `x` of sigmoid_forward")
x = np.array([-1e4, -1000.0, 0.0, 1000.0, 1e4])
out, _ = _pair("sigmoid_forward", without_warnings("sigmoid_forward([-1e4, -1000, 0, 1000, 1e4])", _overflow_hint,
                                                   sigmoid_forward, x))
check_close(out, [0.0, 0.0, 0.5, 1.0, 1.0], "sigmoid_forward([-1e4, -1000, 0, 1000, 1e4])")
check_unchanged(np.array([-1e4, -1000.0, 0.0, 1000.0, 1e4]), x, "The input `x` of sigmoid_forward")
print("sigmoid_forward: visible checks passed")
### BEGIN HIDDEN TESTS
def _sigmoid_oracle(t):
    e = np.exp(-np.abs(t))
    return np.where(t >= 0, 1.0 / (1.0 + e), e / (1.0 + e))

_rng = np.random.default_rng(4041)
for _shape in [(1,), (7,), (3, 4), (4, 1), (2, 3, 5)]:
    _x = _rng.normal(scale=5.0, size=_shape)
    _copy = _x.copy()
    _out, _ = _pair("sigmoid_forward", without_warnings(f"sigmoid_forward of a {_shape} array", _overflow_hint,
                                                        sigmoid_forward, _x))
    check_unchanged(_copy, _x, "The input `x` of sigmoid_forward")
    check_shape(_out, _shape, f"sigmoid_forward's output for x of shape {_shape}")
    check_close(_out, _sigmoid_oracle(_copy), f"sigmoid_forward of random values in a {_shape} array", show_expected=False,
                hint="out = 1 / (1 + exp(-x)) element by element; check the sign inside each exponential.")
_x = np.concatenate([-np.logspace(-3, 4, 30), [0.0], np.logspace(-3, 4, 30)]).reshape(61, 1)
_copy = _x.copy()
_out, _ = _pair("sigmoid_forward", without_warnings("sigmoid_forward of values from -1e4 to 1e4", _overflow_hint,
                                                    sigmoid_forward, _x))
check_unchanged(_copy, _x, "The input `x` of sigmoid_forward (with values up to 1e4)")
check_finite(_out, "sigmoid_forward of values from -1e4 to 1e4")
check_close(_out, _sigmoid_oracle(_x), "sigmoid_forward of values from -1e4 to 1e4", show_expected=False)
_out, _ = _pair("sigmoid_forward", without_warnings("sigmoid_forward of a matrix of very large inputs", _overflow_hint,
                                                    sigmoid_forward, np.array([[1e4, -1e4], [-800.0, 800.0]])))
check_close(_out, [[1.0, 0.0], [0.0, 1.0]], "sigmoid_forward of a matrix of very large inputs", show_expected=False)
### END HIDDEN TESTS

# %% [markdown] id="sigmoid-backward-task"
# ### Your turn: `sigmoid_backward`
#
# Given the upstream gradient `dout` (the shape of the layer's output) and the `cache` of *your* `sigmoid_forward`, return
# `dx = dout * σ(x) * (1 - σ(x))`, the shape of `dout`. Use what the cache holds; if you kept `out`, do **not** apply the sigmoid to it
# again. Do not modify `dout` in place.

# %% solution id="sigmoid_backward"
def sigmoid_backward(dout, cache):
    """Backward pass of a sigmoid layer.

    dout: upstream gradient, the shape of the forward output; cache: from sigmoid_forward.
    Returns dx with the shape of dout: dout * sigmoid(x) * (1 - sigmoid(x)).
    """
    ### BEGIN SOLUTION
    out = cache
    dx = dout * out * (1.0 - out)
    return dx
    ### END SOLUTION


# %% tests id="test_sigmoid_backward" points=2
from course.checks import call, without_warnings
_overflow_hint = ("Your backward pass overflows for large |x|: if it recomputes the sigmoid, use the same safe formula as "
                  "sigmoid_forward, or keep the forward output in the cache and use it.")

# Checks for sigmoid_backward
x = np.array([[-2.0, 0.0, 2.0]])
dout = np.array([[1.0, 1.0, 1.0]])
_, cache = call("sigmoid_forward", sigmoid_forward, x, n_out=2)
dx = call("sigmoid_backward", sigmoid_backward, dout, cache)
check_close(dx, [[0.105, 0.25, 0.105]], "sigmoid_backward with dout = 1 at x = [-2, 0, 2] (the derivative itself)", atol=1e-3,
            hint="The derivative is sigmoid(x) * (1 - sigmoid(x)): 0.25 at x = 0. If your cache holds the output, do not "
                 "apply the sigmoid to it again.")
dout = np.array([[2.0, -3.0, 0.5]])
dout_before = dout.copy()
dx = call("sigmoid_backward", sigmoid_backward, dout, cache)
check_close(dx, [[0.21, -0.75, 0.0525]], "sigmoid_backward with dout = [2, -3, 0.5]", atol=1e-3,
            hint="Multiply the upstream gradient dout by the local derivative, element by element.")
check_unchanged(dout_before, dout, "The upstream gradient `dout`")
_check_rng = np.random.default_rng(0)
x = _check_rng.normal(size=(4, 5))
dout = _check_rng.normal(size=(4, 5))
_, cache = call("sigmoid_forward", sigmoid_forward, x, n_out=2)
dx = call("sigmoid_backward", sigmoid_backward, dout, cache)
check_gradient(lambda x_: np.sum(1.0 / (1.0 + np.exp(-x_)) * dout), x, dx, "dx of sigmoid_backward")
print("sigmoid_backward: visible checks passed")
### BEGIN HIDDEN TESTS
def _dsigmoid(t):
    e = np.exp(-np.abs(t))
    s = np.where(t >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return s * (1.0 - s)

_rng = np.random.default_rng(4042)
for _shape in [(6,), (3, 4), (2, 3, 4), (5, 1)]:
    _x = _rng.normal(scale=3.0, size=_shape)
    _dout = _rng.normal(size=_shape)
    _x0, _dout0 = _x.copy(), _dout.copy()
    _, _cache = call(f"sigmoid_forward with x of shape {_shape}", sigmoid_forward, _x, n_out=2)
    _dx = call(f"sigmoid_backward with dout of shape {_shape}", sigmoid_backward, _dout, _cache)
    check_unchanged(_dout0, _dout, "The upstream gradient `dout`")
    check_shape(_dx, _shape, f"dx for dout of shape {_shape}")
    check_close(_dx, _dout0 * _dsigmoid(_x0), f"dx for x of shape {_shape}", show_expected=False,
                hint="dx = dout * s * (1 - s) with s = sigmoid(x); if the cache holds the output s, use it as it is.")
_x = np.array([[-1e4, -800.0, -30.0, 0.0, 30.0, 800.0, 1e4]])
_dout = np.ones_like(_x)
_, _cache = call("sigmoid_forward of inputs up to 1e4", sigmoid_forward, _x, n_out=2)
_dx = without_warnings("sigmoid_backward for inputs up to |x| = 1e4", _overflow_hint, sigmoid_backward, _dout, _cache)
check_finite(_dx, "sigmoid_backward for inputs up to |x| = 1e4", hint=_overflow_hint)
check_close(_dx, _dsigmoid(_x), "sigmoid_backward for inputs up to |x| = 1e4", show_expected=False, atol=1e-12)
_x = _rng.normal(size=(3, 6))
_dout = _rng.normal(size=(3, 6))
_, _cache = call("sigmoid_forward", sigmoid_forward, _x, n_out=2)
_dx = call("sigmoid_backward", sigmoid_backward, _dout, _cache)
check_gradient(lambda x_: np.sum(1.0 / (1.0 + np.exp(-x_)) * _dout), _x, _dx, "dx of sigmoid_backward for a (3, 6) input")
### END HIDDEN TESTS

# %% [markdown] id="tanh-intro"
# ## 3. Hyperbolic tangent
#
# $$\tanh(x) = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}} = 2\,\sigma(2x) - 1, \qquad \tanh'(x) = 1 - \tanh^2(x).$$
#
# The tanh is a sigmoid stretched to the range $(-1, 1)$: it is **zero-centred**, so a tanh layer hands the next layer inputs of both
# signs, and its derivative reaches $1$ at $x = 0$ instead of $0.25$. In the notes' words it converges faster than the sigmoid, but it
# saturates the same way for large $|x|$ and so it still suffers from vanishing gradients.
#
# Like the sigmoid's, its derivative is a function of the output: keep `out` in the cache.

# %% [markdown] id="tanh-task"
# ### Your turn: `tanh_forward` and `tanh_backward`
#
# `tanh_forward(x)` returns `(out, cache)`; `tanh_backward(dout, cache)` returns `dx = dout * (1 - tanh(x)**2)`.
# The textbook formula with $e^{x}$ and $e^{-x}$ overflows for $|x|$ above about 710 (`inf / inf` is `nan`): `np.tanh` is
# exact and safe, use it.

# %% solution id="tanh_forward"
def tanh_forward(x):
    """Forward pass of a tanh layer.

    x: array of any shape.
    Returns (out, cache): out = tanh(x) element-wise, the shape of x, no overflow warning for |x| up to 1e4;
    cache: what tanh_backward needs (for example out).
    """
    ### BEGIN SOLUTION
    out = np.tanh(x)
    cache = out
    return out, cache
    ### END SOLUTION


# %% tests id="test_tanh_forward" points=1
from course.checks import call, without_warnings
_overflow_hint = ("The formula (e^x - e^-x) / (e^x + e^-x) overflows for large |x| and gives inf / inf = nan. "
                  "np.tanh computes the same function safely.")

def _pair(what, result):
    check(isinstance(result, (tuple, list)) and len(result) == 2,
          f"{what} should return two values, (out, cache); it returned {type(result).__name__}.")
    return result

# Checks for tanh_forward
out, _ = call("tanh_forward", tanh_forward, np.array([-1.0, 0.0, 0.5]), n_out=2)
check_close(out, [-0.7616, 0.0, 0.4621], "tanh_forward([-1, 0, 0.5])", atol=1e-4)
x = np.array([[2.0, -3.0], [0.1, 1.0]])
x_before = x.copy()
out, _ = call("tanh_forward", tanh_forward, x, n_out=2)
check_shape(out, (2, 2), "tanh_forward of a (2, 2) array")
check_unchanged(x_before, x, "The input `x` of tanh_forward")
out, _ = _pair("tanh_forward", without_warnings("tanh_forward([-1e4, -1000, 0, 1000, 1e4])", _overflow_hint,
                                                tanh_forward, np.array([-1e4, -1000.0, 0.0, 1000.0, 1e4])))
check_close(out, [-1.0, -1.0, 0.0, 1.0, 1.0], "tanh_forward([-1e4, -1000, 0, 1000, 1e4])", hint=_overflow_hint)
print("tanh_forward: visible checks passed")
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(4043)
for _shape in [(1,), (8,), (3, 4), (2, 3, 5)]:
    _x = _rng.normal(scale=3.0, size=_shape)
    _copy = _x.copy()
    _out, _ = call(f"tanh_forward of a {_shape} array", tanh_forward, _x, n_out=2)
    check_unchanged(_copy, _x, "The input `x` of tanh_forward")
    check_shape(_out, _shape, f"tanh_forward's output for x of shape {_shape}")
    check_close(_out, np.tanh(_copy), f"tanh_forward of random values in a {_shape} array", show_expected=False,
                hint="tanh(x) = (e^x - e^-x) / (e^x + e^-x), element by element; its values lie in (-1, 1).")
_x = np.concatenate([-np.logspace(-3, 4, 30), [0.0], np.logspace(-3, 4, 30)]).reshape(1, 61)
_copy = _x.copy()
_out, _ = _pair("tanh_forward", without_warnings("tanh_forward of values from -1e4 to 1e4", _overflow_hint, tanh_forward, _x))
check_unchanged(_copy, _x, "The input `x` of tanh_forward (with values up to 1e4)")
check_finite(_out, "tanh_forward of values from -1e4 to 1e4", hint=_overflow_hint)
check_close(_out, np.tanh(_x), "tanh_forward of values from -1e4 to 1e4", show_expected=False)
### END HIDDEN TESTS

# %% solution id="tanh_backward"
def tanh_backward(dout, cache):
    """Backward pass of a tanh layer.

    dout: upstream gradient, the shape of the forward output; cache: from tanh_forward.
    Returns dx with the shape of dout: dout * (1 - tanh(x)**2).
    """
    ### BEGIN SOLUTION
    out = cache
    dx = dout * (1.0 - out ** 2)
    return dx
    ### END SOLUTION


# %% tests id="test_tanh_backward" points=2
from course.checks import call, without_warnings
_overflow_hint = ("Your backward pass overflows for large |x|: keep tanh's output in the cache and use 1 - out**2, "
                  "or recompute it with np.tanh.")

# Checks for tanh_backward
x = np.array([[-1.0, 0.0, 0.5]])
_, cache = call("tanh_forward", tanh_forward, x, n_out=2)
dx = call("tanh_backward", tanh_backward, np.ones((1, 3)), cache)
check_close(dx, [[0.42, 1.0, 0.7864]], "tanh_backward with dout = 1 at x = [-1, 0, 0.5] (the derivative itself)", atol=1e-3,
            hint="The derivative is 1 - tanh(x)**2: 1 at x = 0. If your cache holds the output, do not apply tanh to it again.")
dout = np.array([[2.0, -3.0, 0.5]])
dout_before = dout.copy()
dx = call("tanh_backward", tanh_backward, dout, cache)
check_close(dx, [[0.84, -3.0, 0.3932]], "tanh_backward with dout = [2, -3, 0.5]", atol=1e-3,
            hint="Multiply the upstream gradient dout by the local derivative, element by element.")
check_unchanged(dout_before, dout, "The upstream gradient `dout`")
_check_rng = np.random.default_rng(0)
x = _check_rng.normal(size=(4, 5))
dout = _check_rng.normal(size=(4, 5))
_, cache = call("tanh_forward", tanh_forward, x, n_out=2)
dx = call("tanh_backward", tanh_backward, dout, cache)
check_gradient(lambda x_: np.sum(np.tanh(x_) * dout), x, dx, "dx of tanh_backward")
print("tanh_backward: visible checks passed")
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(4044)
for _shape in [(6,), (3, 4), (2, 3, 4), (5, 1)]:
    _x = _rng.normal(scale=2.0, size=_shape)
    _dout = _rng.normal(size=_shape)
    _x0, _dout0 = _x.copy(), _dout.copy()
    _, _cache = call(f"tanh_forward with x of shape {_shape}", tanh_forward, _x, n_out=2)
    _dx = call(f"tanh_backward with dout of shape {_shape}", tanh_backward, _dout, _cache)
    check_unchanged(_dout0, _dout, "The upstream gradient `dout`")
    check_shape(_dx, _shape, f"dx for dout of shape {_shape}")
    check_close(_dx, _dout0 * (1.0 - np.tanh(_x0) ** 2), f"dx for x of shape {_shape}", show_expected=False,
                hint="dx = dout * (1 - t**2) with t = tanh(x); if the cache holds t, use it as it is.")
_x = np.array([[-1e4, -800.0, -20.0, 0.0, 20.0, 800.0, 1e4]])
_, _cache = call("tanh_forward of inputs up to 1e4", tanh_forward, _x, n_out=2)
_dx = without_warnings("tanh_backward for inputs up to |x| = 1e4", _overflow_hint, tanh_backward, np.ones_like(_x), _cache)
check_finite(_dx, "tanh_backward for inputs up to |x| = 1e4", hint=_overflow_hint)
check_close(_dx, 1.0 - np.tanh(_x) ** 2, "tanh_backward for inputs up to |x| = 1e4", show_expected=False, atol=1e-12)
_x = _rng.normal(size=(3, 6))
_dout = _rng.normal(size=(3, 6))
_, _cache = call("tanh_forward", tanh_forward, _x, n_out=2)
_dx = call("tanh_backward", tanh_backward, _dout, _cache)
check_gradient(lambda x_: np.sum(np.tanh(x_) * _dout), _x, _dx, "dx of tanh_backward for a (3, 6) input")
### END HIDDEN TESTS

# %% [markdown] id="relu-family"
# ## 4. ReLU, leaky ReLU and PReLU
#
# **ReLU**, $\max(0, x)$, which you wrote in lecture 03, is the default hidden activation of modern networks. For $x > 0$ its
# derivative is exactly $1$, so the gradient passes through any number of active ReLU layers without shrinking: the notes call it
# the fix for vanishing gradients *on the positive side*. It costs one comparison, and networks with it converge much faster than
# with sigmoid or tanh. Its weakness is the other side: for $x < 0$ the derivative is $0$. A unit whose input is negative for every
# training example never receives a gradient again (lecture 03's **dead ReLU**, the notes' *dying ReLU problem*).
#
# **Leaky ReLU** keeps a small slope $\alpha$ on the negative side, so no unit is ever completely flat:
#
# $$f(x) = \begin{cases} x & x > 0 \\ \alpha x & x \le 0 \end{cases} \;=\; \max(\alpha x,\ x) \text{ for } 0 \le \alpha < 1,
# \qquad f'(x) = \begin{cases} 1 & x > 0 \\ \alpha & x < 0 \end{cases}$$
#
# with $\alpha = 0.01$ the usual choice (at exactly $x = 0$ either value will do; the tests avoid it).
# The slope belongs to the **negative** side: the positive side stays the identity.
#
# **Parametric ReLU (PReLU)** is the same function with $\alpha$ *learned* by gradient descent like a weight (He et al., 2015; the
# notes: "when $\alpha = 0.01$ it is called leaky ReLU"). Its backward pass therefore returns two gradients: `dx` as for the leaky ReLU,
# and $\partial L / \partial \alpha$. Here one scalar $\alpha$ is shared by every element of `x`, so, like a bias shared by a batch in
# lecture 03, its gradient **adds up** the contributions of every element:
#
# $$\frac{\partial f(x_i)}{\partial \alpha} = \begin{cases} 0 & x_i > 0 \\ x_i & x_i \le 0 \end{cases}
# \qquad\Longrightarrow\qquad \frac{\partial L}{\partial \alpha} = \sum_{i:\ x_i \le 0} \text{dout}_i \, x_i .$$
#
# Both layers need `x` (or the mask `x > 0`) **and** `alpha` in the backward pass: put both in the cache. The backward pass
# has no `alpha` argument, so a leaky ReLU built with `alpha=0.2` must take its 0.2 from the cache, not from the default.

# %% [markdown] id="leaky-task"
# ### Your turn: `leaky_relu_forward` and `leaky_relu_backward`

# %% solution id="leaky_relu_forward"
def leaky_relu_forward(x, alpha=0.01):
    """Forward pass of a leaky ReLU layer.

    x: array of any shape; alpha: slope for x <= 0, in [0, 1).
    Returns (out, cache): out = x where x > 0, alpha * x elsewhere (the shape of x); cache: what the backward pass needs.
    """
    ### BEGIN SOLUTION
    out = np.where(x > 0, x, alpha * x)
    cache = (x, alpha)
    return out, cache
    ### END SOLUTION


# %% tests id="test_leaky_relu_forward" points=1
from course.checks import call

# Checks for leaky_relu_forward
out, _ = call("leaky_relu_forward", leaky_relu_forward, np.array([-2.0, -0.5, 1.0, 3.0]), n_out=2)
check_close(out, [-0.02, -0.005, 1.0, 3.0], "leaky_relu_forward([-2, -0.5, 1, 3]) with the default alpha = 0.01",
            hint="Keep positive entries as they are; multiply only the negative ones by alpha.")
x = np.array([[-4.0, 2.0], [0.5, -1.0]])
x_before = x.copy()
out, _ = call("leaky_relu_forward", leaky_relu_forward, x, 0.25, n_out=2)
check_close(out, [[-1.0, 2.0], [0.5, -0.25]], "leaky_relu_forward of a (2, 2) array with alpha = 0.25",
            hint="Use the alpha argument, not a fixed 0.01.")
check_unchanged(x_before, x, "The input `x` of leaky_relu_forward")
print("leaky_relu_forward: visible checks passed")
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(4045)
for _shape, _alpha in [((5,), 0.01), ((3, 4), 0.2), ((2, 3, 4), 0.0), ((4, 1), 0.7), ((6, 6), 0.05)]:
    _x = _rng.normal(size=_shape)
    _x[np.abs(_x) < 0.05] = 0.3
    _copy = _x.copy()
    _out, _ = call(f"leaky_relu_forward with x of shape {_shape}, alpha = {_alpha}", leaky_relu_forward, _x, _alpha, n_out=2)
    check_unchanged(_copy, _x, "The input `x` of leaky_relu_forward")
    check_shape(_out, _shape, f"leaky_relu_forward's output for x of shape {_shape}")
    check_close(np.asarray(_out)[_copy > 0], _copy[_copy > 0], f"leaky_relu_forward on the positive entries (alpha = {_alpha})",
                show_expected=False, hint="For x > 0 the leaky ReLU is the identity: the slope alpha belongs to the negative side.")
    check_close(_out, np.where(_copy > 0, _copy, _alpha * _copy), f"leaky_relu_forward with alpha = {_alpha}",
                show_expected=False, hint="Negative entries become alpha * x; use the alpha argument.")
_x = _rng.normal(size=(3, 5))
_out, _ = call("leaky_relu_forward(x) without alpha", leaky_relu_forward, _x, n_out=2)
check_close(_out, np.where(_x > 0, _x, 0.01 * _x), "leaky_relu_forward with the default alpha", show_expected=False,
            hint="The default slope is alpha = 0.01.")
### END HIDDEN TESTS

# %% solution id="leaky_relu_backward"
def leaky_relu_backward(dout, cache):
    """Backward pass of a leaky ReLU layer.

    dout: upstream gradient, the shape of x; cache: from leaky_relu_forward.
    Returns dx with the shape of dout: dout where x > 0, alpha * dout elsewhere.
    """
    ### BEGIN SOLUTION
    x, alpha = cache
    dx = dout * np.where(x > 0, 1.0, alpha)
    return dx
    ### END SOLUTION


# %% tests id="test_leaky_relu_backward" points=2
from course.checks import call

# Checks for leaky_relu_backward
x = np.array([[-2.0, -0.5, 1.0, 3.0]])
dout = np.array([[10.0, 20.0, 30.0, 40.0]])
dout_before = dout.copy()
_, cache = call("leaky_relu_forward", leaky_relu_forward, x, 0.1, n_out=2)
dx = call("leaky_relu_backward", leaky_relu_backward, dout, cache)
check_close(dx, [[1.0, 2.0, 30.0, 40.0]], "leaky_relu_backward for x = [-2, -0.5, 1, 3], alpha = 0.1, dout = [10, 20, 30, 40]",
            hint="Where x > 0 the gradient passes unchanged; where x < 0 it is multiplied by alpha (taken from the cache).")
check_unchanged(dout_before, dout, "The upstream gradient `dout`")
_check_rng = np.random.default_rng(0)
x = _check_rng.normal(size=(4, 5))
x[np.abs(x) < 0.1] = 0.5      # keep away from the kink at 0, where centred differences are unreliable
dout = _check_rng.normal(size=(4, 5))
_, cache = call("leaky_relu_forward", leaky_relu_forward, x, 0.2, n_out=2)
dx = call("leaky_relu_backward", leaky_relu_backward, dout, cache)
check_gradient(lambda x_: np.sum(np.where(x_ > 0, x_, 0.2 * x_) * dout), x, dx, "dx of leaky_relu_backward with alpha = 0.2",
               tol=1e-7)
print("leaky_relu_backward: visible checks passed")
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(4046)
for _shape, _alpha in [((6,), 0.01), ((3, 4), 0.3), ((2, 3, 4), 0.0), ((5, 1), 0.6)]:
    _x = _rng.normal(size=_shape)
    _x[np.abs(_x) < 0.05] = -0.4
    _dout = _rng.normal(size=_shape)
    _x0, _dout0 = _x.copy(), _dout.copy()
    _, _cache = call(f"leaky_relu_forward with x of shape {_shape}, alpha = {_alpha}", leaky_relu_forward, _x, _alpha, n_out=2)
    _dx = call(f"leaky_relu_backward with dout of shape {_shape}", leaky_relu_backward, _dout, _cache)
    check_unchanged(_dout0, _dout, "The upstream gradient `dout`")
    check_unchanged(_x0, _x, "The input `x`")
    check_shape(_dx, _shape, f"dx for dout of shape {_shape}")
    check_close(np.asarray(_dx)[_x0 > 0], _dout0[_x0 > 0], f"dx where x > 0 (alpha = {_alpha})", show_expected=False,
                hint="Where x > 0 the leaky ReLU is the identity, so dx = dout there.")
    check_close(_dx, _dout0 * np.where(_x0 > 0, 1.0, _alpha), f"dx for x of shape {_shape} and alpha = {_alpha}",
                show_expected=False,
                hint="Where x < 0, dx = alpha * dout, with the alpha the forward pass used (keep it in the cache).")
_x = _rng.normal(size=(3, 7))
_x[np.abs(_x) < 0.1] = 0.5
_dout = _rng.normal(size=(3, 7))
_, _cache = call("leaky_relu_forward", leaky_relu_forward, _x, 0.1, n_out=2)
_dx = call("leaky_relu_backward", leaky_relu_backward, _dout, _cache)
check_gradient(lambda x_: np.sum(np.where(x_ > 0, x_, 0.1 * x_) * _dout), _x, _dx, "dx of a (3, 7) input with alpha = 0.1",
               tol=1e-7)
### END HIDDEN TESTS

# %% [markdown] id="prelu-task"
# ### Your turn: `prelu_forward` and `prelu_backward`
#
# `prelu_forward(x, alpha)` computes the same function as the leaky ReLU (with `alpha` a scalar, no default).
# `prelu_backward(dout, cache)` returns `(dx, dalpha)`: `dx` the shape of `dout`, and `dalpha` **one number** (a Python float or
# a 0-d array), the sum over every element of `dout * x` where `x <= 0`.

# %% solution id="prelu_forward"
def prelu_forward(x, alpha):
    """Forward pass of a PReLU layer with one learned slope.

    x: array of any shape; alpha: the slope for x <= 0, a scalar.
    Returns (out, cache): out = x where x > 0, alpha * x elsewhere; cache: what prelu_backward needs.
    """
    ### BEGIN SOLUTION
    out = np.where(x > 0, x, alpha * x)
    cache = (x, alpha)
    return out, cache
    ### END SOLUTION


# %% tests id="test_prelu_forward" points=1
from course.checks import call

# Checks for prelu_forward
out, _ = call("prelu_forward", prelu_forward, np.array([-2.0, -0.5, 1.0, 3.0]), 0.3, n_out=2)
check_close(out, [-0.6, -0.15, 1.0, 3.0], "prelu_forward([-2, -0.5, 1, 3], alpha = 0.3)",
            hint="Keep positive entries as they are; multiply only the negative ones by alpha.")
x = np.array([[-4.0, 2.0], [0.5, -1.0]])
x_before = x.copy()
out, _ = call("prelu_forward", prelu_forward, x, 0.0, n_out=2)
check_close(out, [[0.0, 2.0], [0.5, 0.0]], "prelu_forward with alpha = 0 (it is then a ReLU)")
check_unchanged(x_before, x, "The input `x` of prelu_forward")
print("prelu_forward: visible checks passed")
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(4047)
for _shape, _alpha in [((5,), 0.25), ((3, 4), 0.01), ((2, 3, 4), 0.5), ((4, 1), 0.9)]:
    _x = _rng.normal(size=_shape)
    _x[np.abs(_x) < 0.05] = 0.3
    _copy = _x.copy()
    _out, _ = call(f"prelu_forward with x of shape {_shape}, alpha = {_alpha}", prelu_forward, _x, _alpha, n_out=2)
    check_unchanged(_copy, _x, "The input `x` of prelu_forward")
    check_shape(_out, _shape, f"prelu_forward's output for x of shape {_shape}")
    check_close(np.asarray(_out)[_copy > 0], _copy[_copy > 0], f"prelu_forward on the positive entries (alpha = {_alpha})",
                show_expected=False, hint="For x > 0 the PReLU is the identity: the slope alpha belongs to the negative side.")
    check_close(_out, np.where(_copy > 0, _copy, _alpha * _copy), f"prelu_forward with alpha = {_alpha}",
                show_expected=False, hint="Negative entries become alpha * x; use the alpha argument.")
### END HIDDEN TESTS

# %% solution id="prelu_backward"
def prelu_backward(dout, cache):
    """Backward pass of a PReLU layer.

    dout: upstream gradient, the shape of x; cache: from prelu_forward.
    Returns (dx, dalpha): dx with the shape of dout; dalpha a single number, the sum over all elements
    of dout * x where x <= 0.
    """
    ### BEGIN SOLUTION
    x, alpha = cache
    negative = x <= 0
    dx = dout * np.where(negative, alpha, 1.0)
    dalpha = float(np.sum(dout * x * negative))
    return dx, dalpha
    ### END SOLUTION


# %% tests id="test_prelu_backward" points=3
from course.checks import call, check_scalar

# Checks for prelu_backward
x = np.array([[-2.0, -0.5, 1.0, 3.0]])
dout = np.array([[10.0, 20.0, 30.0, 40.0]])
dout_before = dout.copy()
_, cache = call("prelu_forward", prelu_forward, x, 0.1, n_out=2)
dx, dalpha = call("prelu_backward", prelu_backward, dout, cache, n_out=2)
check_close(dx, [[1.0, 2.0, 30.0, 40.0]], "dx for x = [-2, -0.5, 1, 3], alpha = 0.1, dout = [10, 20, 30, 40]",
            hint="Where x > 0 the gradient passes unchanged; where x < 0 it is multiplied by alpha.")
check_scalar(dalpha, "dalpha")
check_close(dalpha, -30.0, "dalpha for x = [-2, -0.5, 1, 3], dout = [10, 20, 30, 40]",
            hint="dalpha = sum of dout * x over the entries with x <= 0: 10 * (-2) + 20 * (-0.5). Positive entries do not "
                 "depend on alpha.")
check_unchanged(dout_before, dout, "The upstream gradient `dout`")
_check_rng = np.random.default_rng(0)
x = _check_rng.normal(size=(4, 5))
x[np.abs(x) < 0.1] = 0.5
dout = _check_rng.normal(size=(4, 5))
_, cache = call("prelu_forward", prelu_forward, x, 0.2, n_out=2)
dx, dalpha = call("prelu_backward", prelu_backward, dout, cache, n_out=2)
check_gradient(lambda x_: np.sum(np.where(x_ > 0, x_, 0.2 * x_) * dout), x, dx, "dx of prelu_backward with alpha = 0.2", tol=1e-7)
check_gradient(lambda a: np.sum(np.where(x > 0, x, a * x) * dout), np.array(0.2), np.reshape(dalpha, ()),
               "dalpha of prelu_backward", tol=1e-7)
print("prelu_backward: visible checks passed")
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(4048)
for _shape, _alpha in [((6,), 0.25), ((3, 4), 0.01), ((2, 3, 4), 0.5), ((5, 1), 0.0), ((8, 3), 0.9)]:
    _x = _rng.normal(size=_shape)
    _x[np.abs(_x) < 0.05] = -0.4
    _dout = _rng.normal(size=_shape)
    _x0, _dout0 = _x.copy(), _dout.copy()
    _what = f"x of shape {_shape}, alpha = {_alpha}"
    _, _cache = call(f"prelu_forward with {_what}", prelu_forward, _x, _alpha, n_out=2)
    _dx, _dalpha = call(f"prelu_backward with {_what}", prelu_backward, _dout, _cache, n_out=2)
    check_unchanged(_dout0, _dout, "The upstream gradient `dout`")
    check_unchanged(_x0, _x, "The input `x`")
    check_shape(_dx, _shape, f"dx for {_what}")
    check_close(_dx, _dout0 * np.where(_x0 > 0, 1.0, _alpha), f"dx for {_what}", show_expected=False,
                hint="dx = dout where x > 0 and alpha * dout where x < 0.")
    check(np.size(_dalpha) == 1,
          f"dalpha for {_what} has {np.size(_dalpha)} entries; alpha is one number shared by every element, so its "
          "gradient is one number: add up the contributions of all elements.")
    check_close(np.reshape(_dalpha, ()), np.sum(_dout0 * np.where(_x0 > 0, 0.0, _x0)), f"dalpha for {_what}",
                show_expected=False,
                hint="Each element with x <= 0 contributes dout * x; elements with x > 0 contribute nothing. Use the sum, "
                     "not the mean.")
_x = _rng.normal(size=(3, 7))
_x[np.abs(_x) < 0.1] = 0.5
_dout = _rng.normal(size=(3, 7))
_, _cache = call("prelu_forward", prelu_forward, _x, 0.3, n_out=2)
_dx, _dalpha = call("prelu_backward", prelu_backward, _dout, _cache, n_out=2)
check_gradient(lambda a: np.sum(np.where(_x > 0, _x, a * _x) * _dout), np.array(0.3), np.reshape(_dalpha, ()),
               "dalpha of a (3, 7) input with alpha = 0.3", tol=1e-7)
### END HIDDEN TESTS

# %% [markdown] id="gallery-intro"
# ## 5. The activations side by side
#
# The notes list seven activations. Here they are, each next to its derivative, drawn with **your** layers: the derivative is the
# backward pass with `dout = 1` (for ReLU, lecture 03's answer; the step and identity with NumPy). Compare the derivative columns:
# the sigmoid's never exceeds 0.25; the tanh reaches 1 only at 0; the ReLU family passes a gradient of exactly 1 for every positive
# input, and the leaky and parametric ones keep a small slope on the negative side instead of a dead zero.

# %% id="gallery"
import course.activation_plots as aplots

z = np.linspace(-4, 4, 800)          # an even number of points: none of them is exactly 0
ones = np.ones_like(z)
out_sig, cache_sig = sigmoid_forward(z)
out_tanh, cache_tanh = tanh_forward(z)
out_relu, cache_relu = relu_forward(z)
out_leaky, cache_leaky = leaky_relu_forward(z, 0.1)   # a larger slope than 0.01, so that you can see it
out_prelu, cache_prelu = prelu_forward(z, 0.25)
aplots.plot_activation_gallery([
    ("step", (z > 0).astype(float), np.zeros_like(z)),
    ("identity", z, ones),
    ("sigmoid", out_sig, sigmoid_backward(ones, cache_sig)),
    ("tanh", out_tanh, tanh_backward(ones, cache_tanh)),
    ("ReLU", out_relu, relu_backward(ones, cache_relu)),
    ("leaky ReLU\nα = 0.1", out_leaky, leaky_relu_backward(ones, cache_leaky)),
    ("PReLU\nα = 0.25", out_prelu, prelu_backward(ones, cache_prelu)[0]),
], z);
print(f"largest derivative: sigmoid {sigmoid_backward(ones, cache_sig).max():.3f}, tanh {tanh_backward(ones, cache_tanh).max():.3f}")

# %% [markdown] id="init-intro"
# ## 6. Where does gradient descent start? Zero and equal weights
#
# Gradient descent needs a starting point $W_0$. The tempting choice is all zeros, or one value everywhere. The notes explain why both fail.
#
# **All weights equal to $w$.** Every hidden unit of the first layer computes the same sum,
# $z_1 = w + w\,x_1 + w\,x_2 + w\,x_3 = z_2$, so every unit outputs the same activation. In the backward pass each unit receives
# $\delta_j = \big(\sum_k w\,\delta_k\big)\, g'(z_j)$, the same for every $j$, so every unit's weights receive the **same gradient**
# and after the update they are still equal. This holds after every step: the units stay clones of each other forever, and a layer of
# 100 units learns exactly what a layer of one unit would. This is the **symmetry** problem.
#
# **All weights zero** is the special case $w = 0$, and worse: with tanh or ReLU the hidden activations are $g(0) = 0$, so the
# gradients of the weights, $\delta \cdot a$, are zero too, and nothing but the output bias ever moves.
#
# The cure is to draw the initial weights **at random** (from a Gaussian or a uniform distribution): different units then start in
# different places, compute different features and receive different gradients.
#
# ### A small deep-network toolkit
# The rest of the lecture trains networks of several sizes. The class below stacks lecture 03's layers into any number of
# `affine → activation` blocks followed by an affine output layer and the softmax loss. It takes the activation as a
# `(forward, backward)` pair of functions, so the same code runs with your sigmoid, tanh or the ReLU, and the initialisation as a
# function `init(fan_in, fan_out, rng)`. The backward pass is lecture 03's: the same calls in reverse order.

# %% id="deepnet"
from course.progress import progress


class DeepNet:
    """affine - activation - ... - affine - activation - affine - softmax cross-entropy.

    dims: [input_dim, hidden_1, ..., hidden_k, num_classes]; one weight matrix per consecutive pair.
    init: function (fan_in, fan_out, rng) -> W of shape (fan_in, fan_out); biases start at zero.
    activation: a (forward, backward) pair of layer functions, for example (relu_forward, relu_backward).
    """

    def __init__(self, dims, init, activation, seed=0):
        rng = np.random.default_rng(seed)
        self.W = [init(d_in, d_out, rng) for d_in, d_out in zip(dims[:-1], dims[1:])]
        self.b = [np.zeros(d_out) for d_out in dims[1:]]
        self.act_forward, self.act_backward = activation

    def loss(self, X, y=None):
        """Scores (N, C) if y is None, else (loss, dW, db) with dW, db lists like self.W, self.b."""
        caches, h = [], X
        for i in range(len(self.W)):
            h, affine_cache = affine_forward(h, self.W[i], self.b[i])
            act_cache = None
            if i < len(self.W) - 1:                 # every layer but the output layer has an activation
                h, act_cache = self.act_forward(h)
            caches.append((affine_cache, act_cache))
        if y is None:
            return h
        loss, dh = softmax_cross_entropy(h, y)
        dW, db = [None] * len(self.W), [None] * len(self.W)
        for i in reversed(range(len(self.W))):
            affine_cache, act_cache = caches[i]
            if i < len(self.W) - 1:
                dh = self.act_backward(dh, act_cache)
            dh, dW[i], db[i] = affine_backward(dh, affine_cache)
        return loss, dW, db

    def accuracy(self, X, y):
        return float(np.mean(np.argmax(self.loss(X), axis=1) == y))


def train(net, X, y, learning_rate, epochs, batch_size=100, seed=0, desc="training"):
    """Mini-batch gradient descent as in lecture 03; returns the loss of every step."""
    rng = np.random.default_rng(seed)
    losses = []
    for _ in progress(range(epochs), desc=desc):
        order = rng.permutation(len(y))
        for start in range(0, len(y), batch_size):
            batch = order[start:start + batch_size]
            loss, dW, db = net.loss(X[batch], y[batch])
            for i in range(len(net.W)):
                net.W[i] -= learning_rate * dW[i]
                net.b[i] -= learning_rate * db[i]
            losses.append(loss)
    return losses


# %% [markdown] id="symmetry-intro"
# ### The symmetry, with numbers
#
# A toy problem with three classes of points that wind around each other in a spiral. Two inputs, six tanh hidden units, three
# outputs: $2 \cdot 6 + 6 + 6 \cdot 3 + 3 = 39$ parameters, trained with full-batch gradient descent for 2,000 steps, three times:
# from all zeros, from every weight equal to $0.5$, and from random weights.

# %% id="spiral-data"
def spiral(n_per_class, seed=0, classes=3):
    """Points on `classes` interleaved spiral arms in the plane; X (N, 2), y (N,)."""
    rng = np.random.default_rng(seed)
    X, y = [], []
    for c in range(classes):
        radius = np.linspace(0.05, 1.0, n_per_class)
        angle = np.linspace(4.2 * c, 4.2 * (c + 1), n_per_class) + rng.normal(0.0, 0.25, n_per_class)
        X.append(np.column_stack([radius * np.sin(angle), radius * np.cos(angle)]))
        y.append(np.full(n_per_class, c))
    return np.concatenate(X), np.concatenate(y)


X_spiral, y_spiral = spiral(100)
starts = {
    "zeros": lambda fan_in, fan_out, rng: np.zeros((fan_in, fan_out)),
    "all 0.5": lambda fan_in, fan_out, rng: np.full((fan_in, fan_out), 0.5),
    "random": lambda fan_in, fan_out, rng: rng.normal(0.0, 1.0, size=(fan_in, fan_out)),
}
symmetry_nets = {}
for name, init in starts.items():
    net = DeepNet([2, 6, 3], init, (tanh_forward, tanh_backward), seed=1)
    losses = train(net, X_spiral, y_spiral, learning_rate=1.0, epochs=course.runtime.scaled(2000, when_grading=200),
                   batch_size=len(y_spiral), desc=f"start: {name}")
    symmetry_nets[name] = net
    print(f"\n=== start: {name}.  final loss {losses[-1]:.4f}, training accuracy {net.accuracy(X_spiral, y_spiral):.1%}")
    print("W1 (one column per hidden unit):\n", net.W[0])
    print("b1:", net.b[0])

# %% [markdown] id="symmetry-notes"
# Read the numbers. From **zeros**, `W1` and `b1` are still exactly zero after 2,000 steps: the loss is stuck at
# $\log 3 \approx 1.0986$ and the network guesses (33 %). From **all 0.5** the weights did move, but the six columns of `W1` are
# still identical to the last digit: six copies of one unit. A network with a *single* hidden unit, started the same way, reaches
# practically the same loss, as the next cell shows. From **random** weights every unit has its own weights and the network fits the
# spiral.
#
# The pictures colour the plane by the class each network predicts. The "all 0.5" network can only cut the plane into parallel
# bands: all its units look along the same direction $(w_1, w_2)$, so it sees one number per point instead of six.

# %% id="symmetry-check"
one_unit = DeepNet([2, 1, 3], lambda fan_in, fan_out, rng: np.full((fan_in, fan_out), 0.5), (tanh_forward, tanh_backward))
one_unit_losses = train(one_unit, X_spiral, y_spiral, learning_rate=1.0, epochs=course.runtime.scaled(2000, when_grading=200),
                        batch_size=len(y_spiral), desc="one hidden unit")
W1_const = symmetry_nets["all 0.5"].W[0]
print("the six hidden units of the 'all 0.5' net are identical:", bool(np.allclose(W1_const, W1_const[:, :1])))
print(f"final loss with six hidden units started at 0.5: {symmetry_nets['all 0.5'].loss(X_spiral, y_spiral)[0]:.6f}")
print(f"final loss with ONE hidden unit started at 0.5:  {one_unit_losses[-1]:.6f}")
aplots.plot_class_regions([lambda P, n=n: np.argmax(n.loss(P), axis=1) for n in symmetry_nets.values()],
                          [f"start: {name}" for name in symmetry_nets], X_spiral, y_spiral);


# %% [markdown] id="scale-intro"
# ## 7. How large should the random weights be?
#
# Random, yes, but with which spread? Follow one unit of a layer with $n_\text{in}$ inputs: $z = \sum_{i=1}^{n_\text{in}} w_i x_i$.
# If the weights and inputs are independent with mean zero,
#
# $$\operatorname{Var}(z) = n_\text{in}\, \operatorname{Var}(w)\, \operatorname{Var}(x).$$
#
# Each layer multiplies the variance of the signal by $n_\text{in}\operatorname{Var}(w)$. Through $L$ layers that factor is raised to
# the power $L$: if it is $0.5$, ten layers shrink the signal a thousandfold; if it is $2$, they blow it up a thousandfold. The
# backward pass has the same structure with $n_\text{out}$ in place of $n_\text{in}$ (the gradient of a layer's input is
# `dout @ W.T`, a sum over the outputs). The goal of a good initialisation is a factor of **1**, so that every layer sees a signal of the
# same size going forward and a gradient of the same size coming back.
#
# * **Small random** (`normal`): $w \sim \mathcal N(0, 0.01^2)$, the classic "small numbers" recipe (lecture 03 used it). With
#   $n_\text{in} = 100$ the factor is $100 \cdot 10^{-4} = 0.01$ per layer: fine for two layers, fatal for ten.
# * **Xavier / Glorot** (Glorot & Bengio, 2010), for tanh and sigmoid, which behave like the identity near 0: keep the factor 1 forward
#   ($n_\text{in}\operatorname{Var}(w) = 1$) and backward ($n_\text{out}\operatorname{Var}(w) = 1$) as well as both allow, with the
#   compromise $\operatorname{Var}(w) = \dfrac{2}{n_\text{in} + n_\text{out}}$.
# * **He / Kaiming** (He et al., 2015), for ReLU: a ReLU sets half of its inputs to zero, which halves the second moment of the signal,
#   so the weights must make up a factor of 2: $\operatorname{Var}(w) = \dfrac{2}{n_\text{in}}$. This is the "Kaiming initialisation" of
#   the lecture handout's training recipe and the default of the `torch.nn.init.kaiming_*` functions.
#
# Each comes as a **normal** and a **uniform** distribution with the same variance. A uniform distribution on $[-\ell, \ell]$ has variance
# $\ell^2/3$, so the limit for variance $v$ is $\ell = \sqrt{3v}$:
#
# | `method` | distribution | spread |
# |---|---|---|
# | `"zeros"` | all zero | (only to see that it fails) |
# | `"normal"` | $\mathcal N(0, \sigma^2)$ | $\sigma = 0.01$ |
# | `"xavier_normal"` | $\mathcal N(0, \sigma^2)$ | $\sigma = \sqrt{2/(n_\text{in} + n_\text{out})}$ |
# | `"xavier_uniform"` | $U(-\ell, \ell)$ | $\ell = \sqrt{6/(n_\text{in} + n_\text{out})}$ |
# | `"he_normal"` | $\mathcal N(0, \sigma^2)$ | $\sigma = \sqrt{2/n_\text{in}}$ |
# | `"he_uniform"` | $U(-\ell, \ell)$ | $\ell = \sqrt{6/n_\text{in}}$ |
#
# The Keras names in the study-group slides are `RandomNormal()` (which has $\sigma = 0.05$ by default), `glorot_uniform()` and
# `he_uniform()`.

# %% [markdown] id="init-task"
# ### Your turn: `init_weights`
#
# Return a float64 matrix of shape `(fan_in, fan_out)` drawn by `method` from the table. Draw every random number from the generator
# `rng` (`rng.normal(loc, scale, size)`, `rng.standard_normal(size)`, `rng.uniform(low, high, size)`), never from `np.random.randn` or
# `np.random.seed`, which use NumPy's shared global state. Watch three traps: `rng.normal` takes the **standard deviation**, not the
# variance; the uniform rules give a **limit**, not a standard deviation; and Xavier uses $n_\text{in} + n_\text{out}$ while He uses
# $n_\text{in}$ only. For any other `method`, raise `ValueError` with a message that names the allowed methods.

# %% solution id="init_weights"
def init_weights(fan_in, fan_out, method, rng):
    """A weight matrix (fan_in, fan_out) for a dense layer.

    method: "zeros", "normal" (std 0.01), "xavier_normal" (std sqrt(2 / (fan_in + fan_out))),
    "xavier_uniform" (limit sqrt(6 / (fan_in + fan_out))), "he_normal" (std sqrt(2 / fan_in)) or
    "he_uniform" (limit sqrt(6 / fan_in)); anything else raises ValueError.
    rng: a numpy.random.Generator, the only source of random numbers.
    """
    ### BEGIN SOLUTION
    shape = (fan_in, fan_out)
    if method == "zeros":
        return np.zeros(shape)
    if method == "normal":
        return rng.normal(0.0, 0.01, size=shape)
    if method == "xavier_normal":
        return rng.normal(0.0, np.sqrt(2.0 / (fan_in + fan_out)), size=shape)
    if method == "xavier_uniform":
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-limit, limit, size=shape)
    if method == "he_normal":
        return rng.normal(0.0, np.sqrt(2.0 / fan_in), size=shape)
    if method == "he_uniform":
        limit = np.sqrt(6.0 / fan_in)
        return rng.uniform(-limit, limit, size=shape)
    raise ValueError(f"unknown method {method!r}; use zeros, normal, xavier_normal, xavier_uniform, he_normal or he_uniform")
    ### END SOLUTION


# %% tests id="test_init_weights" points=4
from course.checks import call

# Checks for init_weights
W = call("init_weights(3, 2, 'zeros', rng)", init_weights, 3, 2, "zeros", np.random.default_rng(0))
check_shape(W, (3, 2), "init_weights(3, 2, 'zeros', rng)")
check(np.all(np.asarray(W) == 0), "init_weights with method 'zeros' should return all zeros.")
for method, expected_std in [("normal", 0.01), ("xavier_normal", np.sqrt(2 / 1000)), ("he_normal", np.sqrt(2 / 600)),
                             ("xavier_uniform", np.sqrt(2 / 1000)), ("he_uniform", np.sqrt(2 / 600))]:
    W = np.asarray(call(f"init_weights(600, 400, '{method}', rng)", init_weights, 600, 400, method, np.random.default_rng(1)))
    check_shape(W, (600, 400), f"init_weights(600, 400, '{method}', rng) (rows = fan_in, columns = fan_out)")
    check(abs(W.std() / expected_std - 1) < 0.02,
          f"init_weights(600, 400, '{method}') has standard deviation {W.std():.4f}; it should be close to {expected_std:.4f}. "
          "Check the formula in the table, that rng.normal gets a standard deviation (not a variance), and that a uniform "
          "rule's limit is used as the limit of rng.uniform.")
check(np.abs(np.asarray(init_weights(600, 400, "he_uniform", np.random.default_rng(2)))).max() <= np.sqrt(6 / 600),
      "init_weights with 'he_uniform' produced values beyond the limit sqrt(6 / fan_in): draw them with rng.uniform(-limit, limit).")
state_before = np.random.get_state()[1].copy()
W_a = np.asarray(init_weights(50, 40, "he_normal", np.random.default_rng(3)))
check(np.array_equal(state_before, np.random.get_state()[1]),
      "init_weights changed NumPy's global random state: draw from the generator rng (rng.normal, rng.uniform), "
      "not from np.random.randn / np.random.normal.")
check(np.array_equal(W_a, init_weights(50, 40, "he_normal", np.random.default_rng(3)))
      and not np.array_equal(W_a, init_weights(50, 40, "he_normal", np.random.default_rng(4))),
      "init_weights should give the same weights for two generators with the same seed and different weights for "
      "different seeds: draw every random number from rng.")
try:
    init_weights(3, 2, "kaiming", np.random.default_rng(0))
except ValueError:
    pass
except Exception as err:
    raise AssertionError(f"init_weights with an unknown method should raise ValueError, not {type(err).__name__}.") from None
else:
    raise AssertionError("init_weights(3, 2, 'kaiming', rng) returned something; an unknown method should raise ValueError.")
print("init_weights: visible checks passed")
### BEGIN HIDDEN TESTS
_methods = ["zeros", "normal", "xavier_normal", "xavier_uniform", "he_normal", "he_uniform"]
_stds = {"normal": lambda i, o: 0.01, "xavier_normal": lambda i, o: np.sqrt(2 / (i + o)),
         "xavier_uniform": lambda i, o: np.sqrt(2 / (i + o)), "he_normal": lambda i, o: np.sqrt(2 / i),
         "he_uniform": lambda i, o: np.sqrt(2 / i)}
_hints = {
    "normal": "'normal' means standard deviation 0.01.",
    "xavier_normal": "Xavier uses both fans: std = sqrt(2 / (fan_in + fan_out)).",
    "xavier_uniform": "Xavier uniform draws from U(-limit, limit) with limit = sqrt(6 / (fan_in + fan_out)).",
    "he_normal": "He uses the fan-in only: std = sqrt(2 / fan_in).",
    "he_uniform": "He uniform draws from U(-limit, limit) with limit = sqrt(6 / fan_in) (the fan-in only).",
}
# shapes, dtype, zeros
for _i, _o in [(1, 1), (5, 3), (3, 5), (784, 10)]:
    for _m in _methods:
        _W = call(f"init_weights({_i}, {_o}, '{_m}', rng)", init_weights, _i, _o, _m, np.random.default_rng(7))
        check_shape(_W, (_i, _o), f"init_weights({_i}, {_o}, '{_m}', rng) (rows = fan_in, columns = fan_out)")
        check(np.asarray(_W).dtype == np.float64, f"init_weights(..., '{_m}', ...) should return float64 numbers.")
        check_finite(_W, f"init_weights({_i}, {_o}, '{_m}', rng)")
    check(np.all(np.asarray(init_weights(_i, _o, "zeros", np.random.default_rng(0))) == 0),
          "init_weights with method 'zeros' should return all zeros.")
# the law of each random method, with fan_in != fan_out so that the fans cannot be mixed up
for _i, _o in [(900, 300), (250, 750)]:
    for _m, _std in _stds.items():
        _W = np.asarray(call(f"init_weights({_i}, {_o}, '{_m}', rng)", init_weights, _i, _o, _m, np.random.default_rng(11)))
        _s = _W.std()
        _want = _std(_i, _o)
        check(abs(_W.mean()) < 0.02 * _want,
              f"init_weights({_i}, {_o}, '{_m}') has mean {_W.mean():.3g}; the weights should be centred on 0.")
        check(abs(_s / _want - 1) < 0.02,
              f"init_weights({_i}, {_o}, '{_m}') has standard deviation {_s:.4g}, about {_s / _want:.2f} times what "
              f"the method asks for. {_hints[_m]} rng.normal takes a standard deviation, not a variance.")
        _top = np.abs(_W).max()
        if _m.endswith("uniform"):
            _limit = np.sqrt(3) * _want
            check(_top <= _limit * (1 + 1e-12),
                  f"init_weights(..., '{_m}') produced {_top:.4g}, beyond the limit; draw from rng.uniform(-limit, limit).")
            check(_top > 0.99 * _limit and np.mean(np.abs(_W) > 0.5 * _limit) > 0.45,
                  f"init_weights(..., '{_m}') does not look uniform on [-limit, limit]: draw it with rng.uniform.")
        else:
            check(_top > 3.5 * _want,
                  f"init_weights(..., '{_m}') does not look normally distributed (no values beyond 3.5 standard "
                  "deviations among 270,000 draws): draw it with rng.normal, not rng.uniform.")
            check(abs(np.mean(np.abs(_W) < _want) - 0.6827) < 0.01,
                  f"init_weights(..., '{_m}') does not look normally distributed: about 68 % of the values should lie "
                  "within one standard deviation of 0. Draw it with rng.normal.")
        check(len(np.unique(_W)) > 0.99 * _W.size,
              f"The entries of init_weights(..., '{_m}') repeat: draw every entry of the matrix independently.")
# the generator: same seed, same draw; different seed, different draw; never the global state
for _m in _stds:
    _state = np.random.get_state()
    _W1 = np.asarray(call(f"init_weights(20, 30, '{_m}', rng)", init_weights, 20, 30, _m, np.random.default_rng(5)))
    _after = np.random.get_state()
    check(np.array_equal(_state[1], _after[1]) and _state[2] == _after[2],
          f"init_weights(..., '{_m}') changed NumPy's global random state: draw from the generator rng, not from "
          "np.random.randn / np.random.normal / np.random.seed.")
    _W2 = np.asarray(init_weights(20, 30, _m, np.random.default_rng(5)))
    _W3 = np.asarray(init_weights(20, 30, _m, np.random.default_rng(6)))
    check(np.array_equal(_W1, _W2), f"init_weights(..., '{_m}') gave different weights for two generators with the same "
                                    "seed: use rng for every random draw.")
    check(not np.array_equal(_W1, _W3), f"init_weights(..., '{_m}') gave the same weights for generators with different "
                                        "seeds: draw the weights from rng.")
    _rng_used = np.random.default_rng(9)
    _a = np.asarray(init_weights(20, 30, _m, _rng_used))
    _b = np.asarray(init_weights(20, 30, _m, _rng_used))
    check(not np.array_equal(_a, _b), f"Two calls of init_weights(..., '{_m}') with the same generator gave the same "
                                      "weights: draw from rng itself, do not make a new generator inside the function.")
# unknown methods
for _bad in ["kaiming", "Xavier_normal", "uniform", ""]:
    try:
        init_weights(4, 3, _bad, np.random.default_rng(0))
    except ValueError:
        continue
    except Exception as _err:
        raise AssertionError(f"init_weights with the unknown method {_bad!r} raised {type(_err).__name__}; it should raise "
                             "ValueError.") from None
    raise AssertionError(f"init_weights with the unknown method {_bad!r} returned a matrix; it should raise ValueError.")
### END HIDDEN TESTS

# %% [markdown] id="histograms-intro"
# ## 8. Activations through a deep network
#
# Now watch the variance argument happen. Feed 1,000 random inputs through a network of **ten** hidden layers of 500 units each
# (no training, no biases) and draw, for every layer, the histogram of the values its units output. Four initialisations, drawn with
# your `init_weights` where it has them: **too small** (`"normal"`, σ = 0.01), **too large** (σ = 1, standard normal), **Xavier**
# (`"xavier_normal"`) and **He** (`"he_normal"`). First with tanh, then with ReLU.

# %% id="layer-stats"
def hidden_activations(init, act_forward, n_layers=10, width=500, n=course.runtime.scaled(1000, when_grading=200), seed=0):
    """The outputs of every hidden layer for a batch of standard-normal inputs: a list of (n, width) arrays."""
    rng = np.random.default_rng(seed)
    h = rng.standard_normal((n, width))
    outputs = []
    for _ in range(n_layers):
        h, _ = act_forward(h @ init(width, width, rng))
        outputs.append(h)
    return outputs


inits = {
    "too small\nσ = 0.01": lambda fan_in, fan_out, rng: init_weights(fan_in, fan_out, "normal", rng),
    "too large\nσ = 1": lambda fan_in, fan_out, rng: rng.standard_normal((fan_in, fan_out)),
    "Xavier": lambda fan_in, fan_out, rng: init_weights(fan_in, fan_out, "xavier_normal", rng),
    "He": lambda fan_in, fan_out, rng: init_weights(fan_in, fan_out, "he_normal", rng),
}
tanh_stats = {name: hidden_activations(init, tanh_forward) for name, init in inits.items()}
relu_stats = {name: hidden_activations(init, relu_forward) for name, init in inits.items()}
aplots.plot_layer_histograms(tanh_stats, "tanh: the outputs of each hidden layer (x axis from -1 to 1)", xlim=(-1, 1));

# %% [markdown] id="histograms-tanh-notes"
# **tanh.** Too small: each layer multiplies the spread by $500 \cdot 0.01^2 = 0.05$ in variance, so by layer 3 every output is
# practically 0. Every unit computes nearly the same thing, and since the gradient of a weight is its input times the upstream
# gradient, the weights of the deep layers get almost no gradient. Too large: the inputs of every tanh are huge, nearly every output
# is $-1$ or $+1$, the units are **saturated** and $\tanh' = 1 - \tanh^2 \approx 0$: again no gradient. Xavier keeps a broad, stable
# distribution through all ten layers (it shrinks slowly, because tanh is a little flatter than the identity). He, designed for ReLU,
# is too large for tanh by a factor $\sqrt2$ and pushes many units towards saturation.

# %% id="relu-histograms"
aplots.plot_layer_histograms(relu_stats, "ReLU: the positive outputs of each hidden layer (the zeros, about half, left out; "
                             "values above 3 piled up at the right edge)", xlim=(0, 3), positive_only=True);
aplots.plot_std_per_layer({name.replace("\n", " "): [np.std(h) for h in outputs] for name, outputs in relu_stats.items()},
                          "ReLU: spread of the activations per layer");

# %% [markdown] id="histograms-relu-notes"
# **ReLU.** About half of every layer's outputs are exactly 0; the histograms show the other half. Too small and too large do not
# saturate a ReLU, they **scale** it: each layer multiplies the spread by the same factor, so from layer 2 on the too-small network's
# outputs all crowd into the first bin, and the too-large network's are all far beyond the right edge. After ten layers they are
# about $10^{-8}$ times smaller or $10^{12}$ times larger than the input (the line plot). The gradient is scaled the same way, and no single
# learning rate suits both the first and the last layer. Xavier loses a factor $\sqrt2$ per layer, because it ignores the half that
# ReLU switches off: its histograms slide towards 0, about $1/30$ of the spread after ten layers. **He** keeps the spread constant:
# its ten histograms look alike and its line is flat.
#
# Rule of thumb, and the defaults of today's libraries: **Xavier for tanh and sigmoid, He for ReLU and its relatives.**

# %% [markdown] id="vanishing-intro"
# ## 9. The vanishing gradient, measured
#
# The histograms looked at the forward pass. Now the backward pass: take a network with **ten layers** (nine hidden layers of 100
# units and the output layer) on 500 MNIST digits, run one forward and one backward pass, and print the size of the gradient
# $\|dW\|$ that reaches each layer's weights. Each activation gets the initialisation that suits it (Xavier for sigmoid and tanh, He for
# ReLU), so whatever fades, fades because of the activation.

# %% id="load-mnist"
from course.data import load_mnist

data = load_mnist()
X_train, y_train, X_test, y_test = data.X_train, data.y_train, data.X_test, data.y_test

# %% id="gradient-norms"
dims10 = [784] + [100] * 9 + [10]
xavier = lambda fan_in, fan_out, rng: init_weights(fan_in, fan_out, "xavier_normal", rng)
he = lambda fan_in, fan_out, rng: init_weights(fan_in, fan_out, "he_normal", rng)
grad_norms = {}
for label, activation, init in [("sigmoid (Xavier)", (sigmoid_forward, sigmoid_backward), xavier),
                                ("tanh (Xavier)", (tanh_forward, tanh_backward), xavier),
                                ("ReLU (He)", (relu_forward, relu_backward), he)]:
    net = DeepNet(dims10, init, activation, seed=0)
    _, dW, _ = net.loss(X_train[:500], y_train[:500])
    grad_norms[label] = [np.linalg.norm(g) for g in dW]
    print(f"{label:17s} ||dW|| from layer 1 to 10: " + "  ".join(f"{v:.1e}" for v in grad_norms[label]))
ratio = grad_norms["sigmoid (Xavier)"][-1] / grad_norms["sigmoid (Xavier)"][0]
print(f"sigmoid: the output layer's gradient is {ratio:,.0f} times larger than the first layer's")
aplots.plot_gradient_norms(grad_norms, "gradient reaching each layer of a 10-layer net (500 MNIST digits, before training)");

# %% [markdown] id="vanishing-notes"
# With sigmoid, the gradient loses a factor of about four at every layer on its way down, the $\sigma' \le 0.25$ of section 2 at work:
# the first layer's gradient is five orders of magnitude smaller than the last one's (the cell prints the exact factor). With one learning rate for all layers, the layers
# near the input of a deep sigmoid network barely learn. tanh, with its derivative of 1 at 0, keeps the gradient within a small
# factor, and ReLU with He initialisation keeps it essentially constant from the output down to the first layer. This, and not
# fashion, is why ReLU replaced the sigmoid in hidden layers.

# %% [markdown] id="seed-intro"
# ## 10. The experiment of the study-group slides: small random vs Xavier vs He on MNIST
#
# The slides trained the same Keras network on MNIST twice, changing only the initialiser, and reported
# **Random: 85.35 %** and **Xavier: 96.50 %** test accuracy. We repeat the experiment from scratch: a deep ReLU network
# 784 → 128 → 128 → 128 → 128 → 128 → 128 → 10 (six hidden layers), plain mini-batch gradient descent (learning rate 0.05, batches
# of 100, 10 epochs), the same data order and the same seed for every run, only the initialisation changes: **small random**
# (`"normal"`, σ = 0.01), **Xavier** (`"xavier_normal"`) and **He** (`"he_normal"`). Training uses the training split and the accuracy
# is measured once, on the held-out test split. On two CPU cores it takes some seconds per network on the course's subset (more on full
# MNIST, where an epoch has 15 times as many images); while the autograder runs the notebook each network trains for one epoch.

# %% id="seed-experiment"
seed_dims = [784] + [128] * 6 + [10]
seed_epochs = course.runtime.scaled(10 if data.source == "subset" else 3, when_grading=1)
seed_runs = {"small random (σ = 0.01)": "normal", "Xavier": "xavier_normal", "He": "he_normal"}
seed_losses, seed_acc = {}, {}
for label, method in seed_runs.items():
    net = DeepNet(seed_dims, lambda fan_in, fan_out, rng, m=method: init_weights(fan_in, fan_out, m, rng),
                  (relu_forward, relu_backward), seed=0)
    seed_losses[label] = train(net, X_train, y_train, learning_rate=0.05, epochs=seed_epochs, seed=0, desc=label)
    seed_acc[label] = net.accuracy(X_test, y_test)

print(f"Data: {data.description}; trained on {len(y_train):,} images for {seed_epochs} epochs, tested on {len(y_test):,}.")
print(f"{'initialisation':26s} {'test accuracy':>14s}")
for label, acc in seed_acc.items():
    print(f"{label:26s} {acc:>14.2%}")
print("study-group slides (Keras, full MNIST): Random 85.35 %, Xavier 96.50 %")

fig, ax = plt.subplots(figsize=(6.5, 3.2))
for label, losses in seed_losses.items():
    ax.plot(losses, lw=0.8, label=label)
ax.axhline(np.log(10), color="gray", ls="--", lw=0.8)
ax.text(0, np.log(10) + 0.05, "log 10: guessing", color="gray", fontsize=8)
ax.set_xlabel("iteration")
ax.set_ylabel("training loss")
ax.set_title("the same deep ReLU network, three initialisations")
ax.legend()
fig.tight_layout()

# %% [markdown] id="seed-check-intro"
# The claim we check on your run: the better of Xavier and He beats the small random start by at least 5 points on the test images.

# %% id="seed-check"
best = max(seed_acc["Xavier"], seed_acc["He"])
course.runtime.expect_accuracy(best, at_least=seed_acc["small random (σ = 0.01)"] + 0.05,
                               description=f"best of Xavier and He, {data.description}")
print(f"advantage over the small random start: {100 * (best - seed_acc['small random (σ = 0.01)']):.1f} points")

# %% [markdown] id="seed-notes"
# Our numbers are not the slides' and should not be: the slides used full MNIST (60,000 training images), Keras' `RandomNormal`
# (σ = 0.05 by default, not 0.01), a network and an optimiser they do not describe. Keras examples usually train with Adam
# (lecture 05), which rescales small gradients and so partly rescues a bad start. The lesson is the same, and starker here.
# With σ = 0.01 the signal shrinks by a factor of about $0.01 \cdot \sqrt{128/2} \approx 0.08$ per layer (the ReLU switches off half),
# so the scores are all nearly equal, the loss sits at $\log 10 \approx 2.30$, and the gradient that reaches the first layers is too
# small for plain gradient descent to escape: the network guesses. He starts learning at once, Xavier after a short plateau (it
# shrinks the signal by $\sqrt2$ per layer, section 8), and He ends a little ahead, as section 8 predicts for ReLU.

# %% [markdown] id="scaling-intro"
# ## 11. Feature scaling
#
# The last ingredient concerns the data, not the network. The notes' example: predict something from two features, annual income
# $x_1$ (from 0 to 5,000,000 dollars) and hours worked per day $x_2$ (from 0 to 24). A unit of the first layer computes
# $z = w_0 + w_1 x_1 + w_2 x_2$. With initial weights $(0, 0.5, -0.5)$ and a person earning 1,000,000 who works 8 hours,
# $z = 0.5 \cdot 1{,}000{,}000 - 0.5 \cdot 8 = 499{,}996$; with $(0, -0.5, 0.5)$ it is $-499{,}996$. The income decides everything, the
# hours nothing, and a sigmoid or tanh unit fed with $\pm 499{,}996$ is saturated: its gradient is 0.
#
# Even for a linear model the mismatch hurts. The gradient of a weight is proportional to its feature
# ($\partial L/\partial w_j = \delta \cdot x_j$), so a feature a hundred times larger gets a gradient a hundred times larger, and the
# loss surface is a long, narrow valley. The learning rate must be small enough for the steep direction, and then the flat direction
# takes forever. **Standardising** each feature (lecture 00's `standardize`: subtract the training mean, divide by the training
# standard deviation) makes all directions alike. Preprocessing is step 1 of the lecture handout's training recipe.
#
# A small version of the example: 200 people with an income of 20 to 150 thousand dollars a year and 4 to 12 working hours a day, and a
# linear regression of a target that depends on both. Gradient descent from the notes' start $(w_1, w_2) = (0.5, -0.5)$, on the raw
# features and on the standardised ones, each with a learning rate suited to its steepest direction ($1/\lambda_\max$, where
# $\lambda_\max$ is the largest curvature of the loss; twice that would make gradient descent diverge).

# %% id="scaling-experiment"
scaling_rng = np.random.default_rng(0)
income = scaling_rng.uniform(20, 150, 200)          # thousand dollars per year
hours = scaling_rng.uniform(4, 12, 200)             # hours per day
target = 0.04 * income + 0.5 * hours + scaling_rng.normal(0.0, 0.5, 200)
X_raw = np.column_stack([income, hours])
X_std, feature_mean, feature_std = standardize(X_raw)
target_centred = target - target.mean()             # with centred features the best bias is the mean of the target


def mse(X, t, w):
    return 0.5 * np.mean((X @ w - t) ** 2)


def gradient_descent(X, t, w0, steps):
    """Plain gradient descent on the mean squared error with learning rate 1 / lambda_max (the steepest curvature)."""
    lr = 1.0 / np.linalg.eigvalsh(X.T @ X / len(t)).max()
    w, path = np.array(w0, dtype=float), [np.array(w0, dtype=float)]
    for _ in range(steps):
        w = w - lr * X.T @ (X @ w - t) / len(t)
        path.append(w)
    return np.array(path), lr


panels, curves, steps_needed = [], {}, {}
for name, X_feat, t in [("raw features", X_raw, target), ("standardised features", X_std, target_centred)]:
    best_w = np.linalg.lstsq(X_feat, t, rcond=None)[0]
    best_loss = mse(X_feat, t, best_w)
    long_path, lr = gradient_descent(X_feat, t, [0.5, -0.5], steps=5000)
    losses = np.array([mse(X_feat, t, w) for w in long_path])
    steps_needed[name] = int(np.argmax(losses <= 1.01 * best_loss))
    curves[name] = losses
    curvature = np.linalg.eigvalsh(X_feat.T @ X_feat / len(t))
    print(f"{name:22s} learning rate {lr:.2e}, curvature ratio {curvature.max() / curvature.min():6.1f}, "
          f"steps to come within 1 % of the lowest loss: {steps_needed[name]:,}")
    path = long_path[:101]
    centre = (path[0] + best_w) / 2                                # a square around the start and the minimum
    half = np.max(np.abs(path[0] - best_w)) / 2 + 0.4
    w1 = np.linspace(centre[0] - half, centre[0] + half, 150)
    w2 = np.linspace(centre[1] - half, centre[1] + half, 150)
    grid = np.stack(np.meshgrid(w1, w2), axis=-1)                  # (150, 150, 2): rows along w2
    residual = grid @ X_feat.T - t                                  # (150, 150, 200)
    panels.append({"w1": w1, "w2": w2, "loss": 0.5 * np.mean(residual ** 2, axis=-1), "path": path,
                   "title": f"{name}: the first 100 steps", "xlabel": "w1 (weight of income)",
                   "ylabel": "w2 (weight of hours)", "best": best_w})
aplots.plot_descent_paths(panels, curves=curves, best=best_loss);

# %% [markdown] id="scaling-notes"
# On the raw features the contours are long, thin ellipses: the income weight $w_1$ sits in a steep valley, the hours weight $w_2$ on
# an almost flat floor. The learning rate that keeps $w_1$ stable is tiny for $w_2$, so after 100 steps gradient descent has found the
# valley but crawls along it, and it needs thousands of steps to converge (right: the loss step by step; note the logarithmic axes). On standardised features the contours are nearly circles,
# the gradient points at the minimum, and a handful of steps suffice. For a deep network the effect compounds with section 8: inputs on
# wildly different scales push the first layer's units into saturation or make their gradients useless.
#
# Two rules go with it. Compute the mean and standard deviation on the **training** set only and reuse them for validation and test
# data (that is what `standardize`'s `mean` and `std` arguments are for). And scale images simply: dividing pixels by 255, as
# `course.data` does, already puts every input feature into $[0, 1]$.

# %% [markdown] id="think"
# ## Things to think about
#
# 1. In section 6, start from zeros with the **sigmoid** instead of tanh (`(sigmoid_forward, sigmoid_backward)`). Do the weights still
#    stay at zero? Are the hidden units still identical? Why is $\sigma(0) = 0.5$ the difference?
# 2. The gradient of PReLU's $\alpha$ is a sum over the whole batch and every unit. What would change if every unit had its own
#    $\alpha_j$ (as in PyTorch's `PReLU(num_parameters=...)`)? What shape would `dalpha` have?
# 3. Re-run the histograms of section 8 with the sigmoid. Which initialisation works best, and why do the outputs of the deep layers
#    not centre on 0?
# 4. In section 10, use two hidden layers instead of six (`[784, 128, 128, 10]`). Does the small random start still fail? Try σ = 0.05,
#    the Keras default, with six layers.
# 5. In section 9, train the 10-layer sigmoid network and the 10-layer ReLU network for two epochs with `train`. Which learns, and
#    which layers of the sigmoid network actually changed (compare `net.W` before and after)?
# 6. Why would standardising the features with the mean and standard deviation of the **test** set be a mistake, even though it only
#    uses the inputs and not the labels?
