# %% [markdown] id="header"
# # Lecture 01 · Binary classification: one neuron, sigmoid and cross-entropy
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({{COLAB_URL}})
#
# Is this e-mail spam? Is this tumour malignant? Many questions have two answers, *yes* (class 1) or *no* (class 0).
# In this lecture you build the smallest learning machine that answers them: **one neuron**. It weighs its inputs, adds a bias and squashes
# the result into a probability with the **sigmoid** function. You will write the sigmoid so that it never overflows, measure mistakes
# with the **binary cross-entropy** loss, train the neuron by **gradient descent** on points in the plane and watch its decision boundary move.
# Then you will see why cross-entropy, not the squared error, is the loss to use, and meet the problem a single neuron cannot solve,
# **XOR**, which a small hidden layer of neurons solves easily.
#
# You will write four functions:
#
# | function | what it does |
# |---|---|
# | `sigmoid(z)` | logits of any shape → probabilities in (0, 1), same shape, without overflow |
# | `binary_cross_entropy(logits, y)` | mean loss over the batch, computed stably from the logits, and its gradient `dlogits` `(N,)` |
# | `logistic_regression_loss(w, b, X, y)` | loss of the neuron `sigmoid(X @ w + b)` and its gradients `dw` `(D,)` and `db` (a number) |
# | `xor_network()` | hand-set weights of a small two-layer network that computes XOR |
#
# **How to work through this notebook.** Read top to bottom and run each cell in order (Shift+Enter).
# Cells marked *Your turn* contain `# YOUR CODE HERE` and `raise NotImplementedError()`: replace both with your code.
# The cell after each exercise runs *checks*; if one fails, its message says what is wrong.
# When you hand the notebook in, hidden tests check the same functions more thoroughly, so make sure the visible checks pass first.
# In Colab: *File → Save a copy in Drive* is not needed if you opened the notebook from your Drive folder; save with Ctrl+S (⌘+S) and download it with *File → Download → Download .ipynb*.
#
# *Sources.* Where the text says **the lecture notes**, it means the material this course was built from: a lecture handout on
# classification, a student's homework report on backpropagation, a study group's slides (**the study-group slides**: XOR,
# initialisation, dropout, batch normalisation) and a slide deck introducing feed-forward and convolutional networks. You do not
# need them: every figure and worked example taken from them is reproduced here.

# %% setup id="setup"

# %% [markdown] id="neuron-intro"
# ## 1. One neuron
#
# A neuron receives an input vector $x = (x_1, \dots, x_D)$ of $D$ **features**. It multiplies every feature by a **weight**, adds the
# products up and adds a **bias**:
#
# $$z = w_1 x_1 + w_2 x_2 + \dots + w_D x_D + b = w \cdot x + b.$$
#
# The number $z$ is called the **logit**. It can be any real number: large and positive means "surely class 1", large and negative
# "surely class 0". To turn it into a probability of class 1 the neuron applies an **activation function**, here the **sigmoid**
# (also called the logistic function):
#
# $$\sigma(z) = \frac{1}{1 + e^{-z}}.$$
#
# Because $e^{-z} > 0$, the sigmoid is always between 0 and 1. At $z = 0$ it is exactly $\tfrac12$; for large positive $z$, $e^{-z}$ is
# tiny and $\sigma(z) \approx 1$; for large negative $z$, $e^{-z}$ is huge and $\sigma(z) \approx 0$. The neuron predicts class 1 when
# $\sigma(z) > \tfrac12$, which is the same as $z > 0$.
#
# **Worked example.** Two features $x = (2, -1)$, weights $w = (0.5, 1.5)$, bias $b = 0.25$:
#
# $$z = 0.5 \cdot 2 + 1.5 \cdot (-1) + 0.25 = -0.25, \qquad \sigma(-0.25) = \frac{1}{1 + e^{0.25}} \approx 0.438.$$
#
# The neuron leans slightly towards class 0.
#
# **A whole batch at once.** With $N$ examples stacked as the rows of a matrix `X` of shape `(N, D)` and the weights in a vector `w` of
# shape `(D,)`, all $N$ logits come out of one product: `z = X @ w + b`, shape `(N,)`. Row $i$ of `X` is example $i$, and `z[i]` is its logit.
# (The lecture notes and many textbooks store one example per *column* instead and write $Z = W \cdot A + b$ with $A$ of shape
# $(n, m)$. It is the same computation transposed; this course keeps one example per row, as NumPy and most libraries do.)

# %% id="one-neuron"
x = np.array([2.0, -1.0])
w = np.array([0.5, 1.5])
b = 0.25
z = w @ x + b
print("logit z =", z)
print("sigma(z) =", 1 / (1 + np.exp(-z)))

zs = np.linspace(-8, 8, 200)
fig, ax = plt.subplots(figsize=(5, 3))
ax.plot(zs, 1 / (1 + np.exp(-zs)), label=r"$\sigma(z)$")
ax.axhline(0.5, color="gray", lw=0.8, ls="--")
ax.axvline(0, color="gray", lw=0.8, ls="--")
ax.scatter([z], [1 / (1 + np.exp(-z))], color="tab:red", zorder=3, label="the worked example")
ax.set_xlabel("logit z")
ax.set_ylabel("probability of class 1")
ax.set_title("the sigmoid squashes any logit into (0, 1)")
ax.legend()
fig.tight_layout()

# %% [markdown] id="overflow-intro"
# ## 2. A sigmoid that never overflows
#
# A float64 holds numbers up to about $1.8 \times 10^{308}$, so $e^{t}$ **overflows** to `inf` as soon as $t > 709.8$.
# The formula $1/(1 + e^{-z})$ computes $e^{-z}$, which is astronomically large when $z$ is very negative: at $z = -1000$ NumPy computes
# $e^{1000}$ = `inf`, prints `RuntimeWarning: overflow encountered in exp`, and returns $1 / (1 + \infty) = 0$. The number happens to be
# right, but a warning on every training step buries the messages that matter, and with NumPy's warnings turned into errors
# (`np.errstate(over="raise")`, as the checks below do) the program stops.
#
# Multiplying top and bottom by $e^{z}$ gives another, equally correct formula, $\sigma(z) = e^{z} / (1 + e^{z})$. It has the opposite
# problem: at $z = +1000$ it computes $\infty / \infty$ = `nan`.
#
# The way out is to use **each formula only where it is safe**:
#
# * for $z \ge 0$ use $\sigma(z) = \dfrac{1}{1 + e^{-z}}$: here $e^{-z} \le 1$;
# * for $z < 0$ use $\sigma(z) = \dfrac{e^{z}}{1 + e^{z}}$: here $e^{z} < 1$.
#
# Both branches are needed: each one is safe on exactly one half of the number line, and together they never exponentiate a
# positive number. Run the cell below to see the two plain formulas fail, each on its own side.

# %% id="overflow-demo"
import warnings

z = np.array([-1000.0, -2.0, 0.0, 2.0, 1000.0])
for name, formula in [("1 / (1 + exp(-z))    ", lambda t: 1 / (1 + np.exp(-t))),
                      ("exp(z) / (1 + exp(z))", lambda t: np.exp(t) / (1 + np.exp(t)))]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        values = formula(z)
    print(name, values, "  warnings:", sorted({str(w.message) for w in caught}) or "none")

# %% [markdown] id="where-trap"
# ### A trap: `np.where` computes both branches
#
# `np.where(condition, a, b)` picks, element by element, from `a` where the condition holds and from `b` elsewhere. But Python evaluates
# the arguments `a` and `b` **in full, for every element**, before `np.where` even starts. So the tempting one-liner below still computes
# `np.exp(1000)` and still warns, although it then throws that element away:

# %% id="where-demo"
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    values = np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))
print("values  :", values)
print("warnings:", sorted({str(w.message) for w in caught}))


# %% [markdown] id="sigmoid-task"
# ### Your turn: `sigmoid`
#
# Write `sigmoid(z)` for a NumPy float array `z` of **any shape** (a vector, a matrix, ...). Return a new array of the same shape holding
# $\sigma$ of every element.
#
# * No warnings for any $|z|$ up to $10^4$: apply each branch only to the elements where it is safe. One way is a boolean mask:
#   `pos = z >= 0` selects the non-negative elements, `z[pos]` is just those, and `out[pos] = ...` writes only those
#   (start from `out = np.empty_like(z)`). Masks work for arrays of any shape.
# * Do not modify `z` in place; the caller may still need it.

# %% solution id="sigmoid"
def sigmoid(z):
    """Elementwise logistic function 1 / (1 + exp(-z)), without overflow.

    z: float array of any shape.
    Returns an array of the same shape as z, every entry in [0, 1].
    """
    ### BEGIN SOLUTION
    z = np.asarray(z, dtype=np.float64)
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    exp_z = np.exp(z[~pos])
    out[~pos] = exp_z / (1.0 + exp_z)
    return out
    ### END SOLUTION


# %% tests id="test_sigmoid" points=3
# Checks for sigmoid
from course.checks import call, without_warnings  # a crash, a changed input or a NumPy warning fails the check

_hint = ("Some branch of your sigmoid exponentiates a large positive number. Apply each formula only to the elements "
         "where it is safe (remember that np.where computes both of its branches for every element).")
check_close(call("sigmoid([-2, 0, 2])", sigmoid, np.array([-2.0, 0.0, 2.0])), [0.1192, 0.5, 0.8808],
            "sigmoid([-2, 0, 2])", atol=1e-4)
check_close(sigmoid(np.array([-0.25])), [0.4378], "sigmoid of the worked example's logit -0.25", atol=1e-4)
try:
    out_2x3 = sigmoid(np.zeros((2, 3)))
except Exception as exc:
    raise AssertionError(f"sigmoid failed on a (2, 3) array ({type(exc).__name__}: {exc}). "
                         "It should work elementwise on arrays of any shape; boolean masks do.") from None
check_shape(out_2x3, (2, 3), "sigmoid of a (2, 3) array")
extreme = without_warnings("sigmoid([-1e4, -1000, 0, 1000, 1e4])", _hint, sigmoid,
                            np.array([-1e4, -1000.0, 0.0, 1000.0, 1e4]))
check_close(extreme, [0.0, 0.0, 0.5, 1.0, 1.0], "sigmoid([-1e4, -1000, 0, 1000, 1e4])")
print("sigmoid: visible checks passed")
### BEGIN HIDDEN TESTS
def _sigmoid_oracle(t):
    t = np.asarray(t, dtype=np.float64)
    e = np.exp(-np.abs(t))
    return np.where(t >= 0, 1.0 / (1.0 + e), e / (1.0 + e))

_rng = np.random.default_rng(101)
for _shape in [(1,), (7,), (3, 4), (4, 1), (2, 3, 5)]:
    _z = _rng.normal(scale=5.0, size=_shape)
    _copy = _z.copy()
    try:
        _out = without_warnings(f"sigmoid of a {_shape} array", _hint, sigmoid, _z)
    except AssertionError:
        raise
    except Exception as _exc:
        raise AssertionError(f"sigmoid failed on an input of shape {_shape} ({type(_exc).__name__}: {_exc}). "
                             "It should work elementwise on arrays of any shape.") from None
    check_unchanged(_copy, _z, "The input array `z`")
    check_shape(_out, _shape, f"sigmoid of a {_shape} array")
    check_close(_out, _sigmoid_oracle(_z), f"sigmoid of random values in a {_shape} array", show_expected=False)
_z = np.concatenate([-np.logspace(-3, 4, 30), [0.0], np.logspace(-3, 4, 30)]).reshape(61, 1)
_out = without_warnings("sigmoid of values from -1e4 to 1e4", _hint, sigmoid, _z)
check_finite(_out, "sigmoid of values from -1e4 to 1e4")
check_close(_out, _sigmoid_oracle(_z), "sigmoid of values from -1e4 to 1e4", show_expected=False)
_out = without_warnings("sigmoid of a matrix of very large logits", _hint, sigmoid, np.array([[1e4, -1e4], [-800.0, 800.0]]))
check_close(_out, [[1.0, 0.0], [0.0, 1.0]], "sigmoid of a matrix of very large logits", show_expected=False)
_z = _rng.normal(scale=3.0, size=20)
check_close(np.asarray(sigmoid(-_z)), 1.0 - np.asarray(sigmoid(_z)), "sigmoid(-z) compared with 1 - sigmoid(z)",
            hint="The sigmoid satisfies sigmoid(-z) = 1 - sigmoid(z); check the sign inside each exponential.", show_expected=False)
### END HIDDEN TESTS

# %% [markdown] id="bce-intro"
# ## 3. How wrong is a probability? Binary cross-entropy
#
# The neuron says $p = \sigma(z)$, the probability of class 1, and the true label is $y \in \{0, 1\}$. The probability the neuron gives
# to the **correct** label is $p$ when $y = 1$ and $1 - p$ when $y = 0$. A good neuron gives the correct label a high probability, so we
# measure its mistake by the negative logarithm of that probability, the **binary cross-entropy**:
#
# $$L = -\big[\, y \log p + (1 - y) \log (1 - p) \,\big].$$
#
# Only one of the two terms is ever active. If the correct label gets probability 1 the loss is 0; as that probability falls towards 0 the
# loss grows without bound. **Worked example:** with logit $z = 2$, $p = \sigma(2) \approx 0.881$. If the label is $y = 1$ the loss is
# $-\log 0.881 \approx 0.127$; if it is $y = 0$, the neuron was fairly sure of the wrong answer and pays $-\log 0.119 \approx 2.127$.
#
# ### Computing it from the logit
#
# Computing $p$ first and taking its log breaks at the extremes. At $z = -10^4$ the sigmoid underflows to exactly $0$ and `np.log(0)` is
# `-inf`; at $z = 10^4$, $1 - p$ is exactly 0. Yet the true loss is a perfectly ordinary number. So we write $L$ in terms of $z$ directly.
# Using $\log \sigma(z) = -\log(1 + e^{-z})$ and $1 - \sigma(z) = \sigma(-z)$,
#
# $$L = y \log(1 + e^{-z}) + (1 - y) \log(1 + e^{z}).$$
#
# Since $1 + e^{-z} = e^{-z}(e^{z} + 1)$, the first log equals $\log(1 + e^{z}) - z$, and the two terms combine into
#
# $$L = \log(1 + e^{z}) - y\, z.$$
#
# The function $\log(1 + e^{z})$ is called **softplus**. It still contains $e^{z}$, which overflows for large $z$, and the two-branch idea
# fixes it once more: for $z > 0$ pull $e^{z}$ out of the bracket, $\log\big(e^{z}(e^{-z} + 1)\big) = z + \log(1 + e^{-z})$. Both cases
# fit in one line:
#
# $$\log(1 + e^{z}) = \max(z, 0) + \log\big(1 + e^{-|z|}\big).$$
#
# Now the exponent $-|z|$ is never positive, so $e^{-|z|}$ lies in $(0, 1]$ and nothing can overflow. (`np.log1p(u)` computes
# $\log(1 + u)$ accurately even when $u$ is tiny; `np.maximum(z, 0)` is the elementwise maximum.)
#
# Check it on the extreme case: $z = -10^4$, $y = 1$ gives $L = 0 + \log(1 + e^{-10^4}) + 10^4 \approx 10^4$. The neuron was
# absurdly confident and wrong, and the loss says so with the right size. A common shortcut, clipping $p$ into
# $[10^{-15}, 1 - 10^{-15}]$ before the log, would report $34.5$ instead, and its gradient there is zero: the mistake becomes invisible
# to training.
#
# ### The gradient: $\sigma(z) - y$
#
# Differentiate $L = \log(1 + e^{z}) - y z$ with respect to $z$:
#
# $$\frac{\partial L}{\partial z} = \frac{e^{z}}{1 + e^{z}} - y = \sigma(z) - y.$$
#
# The gradient is **the prediction minus the target**. It lies between $-1$ and $1$ and is largest exactly when the prediction is far from
# the label. For a batch of $N$ examples the loss is the **mean** $\frac1N \sum_i L_i$, so that it does not grow with the batch size;
# each example's gradient then carries a factor $\frac1N$: `dlogits[i] = (sigmoid(z[i]) - y[i]) / N`.

# %% id="bce-plot"
zs = np.linspace(-6, 6, 200)
softplus = np.maximum(zs, 0) + np.log1p(np.exp(-np.abs(zs)))
fig, ax = plt.subplots(figsize=(5.5, 3.2))
ax.plot(zs, softplus - 1 * zs, label="label y = 1:  log(1 + e^z) - z")
ax.plot(zs, softplus - 0 * zs, label="label y = 0:  log(1 + e^z)")
ax.scatter([2, 2], [softplus[np.argmin(abs(zs - 2))] - 2, softplus[np.argmin(abs(zs - 2))]], color="black", zorder=3)
ax.annotate("z = 2, y = 1: 0.127", (2, 0.127), xytext=(2.3, 1.6), arrowprops={"arrowstyle": "->"})
ax.annotate("z = 2, y = 0: 2.127", (2, 2.127), xytext=(-1.3, 3.3), arrowprops={"arrowstyle": "->"})
ax.set_xlabel("logit z")
ax.set_ylabel("binary cross-entropy")
ax.set_title("the loss grows linearly when the neuron is confidently wrong")
ax.legend(loc="upper center")
fig.tight_layout()


# %% [markdown] id="bce-task"
# ### Your turn: `binary_cross_entropy`
#
# Write `binary_cross_entropy(logits, y)` returning `(loss, dlogits)`:
#
# * `logits` has shape `(N,)`, one logit per example; `y` has shape `(N,)` and holds labels 0 and 1 (integers or floats);
# * `loss` is a single number, the **mean** binary cross-entropy over the $N$ examples, computed from the logits with the stable
#   softplus form, so that it has no warnings and the right value for logits as large as $\pm 10^4$;
# * `dlogits` has shape `(N,)`: the gradient of `loss` with respect to `logits`, including the $\frac1N$.
#
# You may call your `sigmoid` for the gradient. Do not compute the loss as `np.log(sigmoid(...))`, and do not modify the inputs.

# %% solution id="binary_cross_entropy"
def binary_cross_entropy(logits, y):
    """Mean binary cross-entropy computed from logits, and its gradient.

    logits: (N,) float array; y: (N,) labels in {0, 1}.
    Returns (loss, dlogits): loss a float, dlogits (N,) = d loss / d logits.
    """
    ### BEGIN SOLUTION
    N = logits.shape[0]
    softplus = np.maximum(logits, 0) + np.log1p(np.exp(-np.abs(logits)))
    loss = np.mean(softplus - y * logits)
    dlogits = (sigmoid(logits) - y) / N
    return float(loss), dlogits
    ### END SOLUTION


# %% tests id="test_binary_cross_entropy" points=4
# Checks for binary_cross_entropy
from course.checks import call, without_warnings  # a crash, a changed input or a NumPy warning fails the check

_hint = ("Compute the loss from the logits with the stable softplus form max(z, 0) + log(1 + exp(-|z|)), "
         "not as log(sigmoid(z)) and not with exp(z) of a large z.")
loss, dlogits = call("binary_cross_entropy(logits, y)", binary_cross_entropy, np.array([2.0]), np.array([1]), n_out=2)
check_close(loss, 0.1269, "the loss for logit 2 and label 1", atol=1e-4)
check_close(dlogits, [-0.1192], "dlogits for logit 2 and label 1", atol=1e-4)
loss, dlogits = binary_cross_entropy(np.array([2.0, 2.0]), np.array([1, 0]))
check_close(loss, 1.1269, "the mean loss for logits [2, 2] and labels [1, 0]", atol=1e-4,
            hint="The loss is the mean over the examples: (0.1269 + 2.1269) / 2.")
check_close(dlogits, [-0.0596, 0.4404], "dlogits for logits [2, 2] and labels [1, 0]", atol=1e-4,
            hint="Each entry is (sigmoid(z) - y) / N.")
loss, dlogits = without_warnings("binary_cross_entropy for logit -1e4 and label 1", _hint,
                                  binary_cross_entropy, np.array([-1e4]), np.array([1]))
check_close(loss, 1e4, "the loss for logit -1e4 and label 1 (confident and wrong)", hint=_hint)
check_close(dlogits, [-1.0], "dlogits for logit -1e4 and label 1")
loss, dlogits = without_warnings("binary_cross_entropy for logit +1e4 and label 0", _hint,
                                  binary_cross_entropy, np.array([1e4]), np.array([0]))
check_close(loss, 1e4, "the loss for logit +1e4 and label 0 (confident and wrong the other way)", hint=_hint)
loss, _ = without_warnings("binary_cross_entropy for logit +1e4 and label 1", _hint,
                           binary_cross_entropy, np.array([1e4]), np.array([1]))
check_close(loss, 0.0, "the loss for logit +1e4 and label 1 (confident and right)", hint=_hint)
_check_rng = np.random.default_rng(0)
z_check = _check_rng.normal(size=6)
y_check = np.array([0, 1, 1, 0, 1, 0])
_, dlogits = call("binary_cross_entropy(logits, y)", binary_cross_entropy, z_check, y_check, n_out=2)
check_gradient(lambda t: binary_cross_entropy(t, y_check)[0], z_check, dlogits, "dlogits")
print("binary_cross_entropy: visible checks passed")
### BEGIN HIDDEN TESTS
def _bce_oracle(t, labels):
    t = np.asarray(t, dtype=np.float64)
    labels = np.asarray(labels, dtype=np.float64)
    soft = np.maximum(t, 0) + np.log1p(np.exp(-np.abs(t)))
    e = np.exp(-np.abs(t))
    sig = np.where(t >= 0, 1 / (1 + e), e / (1 + e))
    return np.mean(soft - labels * t), (sig - labels) / len(t)

_rng = np.random.default_rng(102)
for _n in [1, 4, 9, 32]:
    _z = _rng.normal(scale=3.0, size=_n)
    _y = _rng.integers(0, 2, size=_n)
    _z0, _y0 = _z.copy(), _y.copy()
    _loss, _dz = without_warnings(f"binary_cross_entropy on {_n} random logits", _hint, binary_cross_entropy, _z, _y)
    check_unchanged(_z0, _z, "The `logits` array")
    check_unchanged(_y0, _y, "The label array `y`")
    check(np.ndim(_loss) == 0, f"The loss should be a single number; yours has shape {np.shape(_loss)}.")
    _rl, _rdz = _bce_oracle(_z0, _y0)
    check_close(_loss, _rl, f"the loss for {_n} random logits", show_expected=False)
    check_shape(_dz, (_n,), f"dlogits for {_n} logits")
    check_close(_dz, _rdz, f"dlogits for {_n} random logits", show_expected=False,
                hint="Each entry is (sigmoid(z) - y) / N.")
_z = _rng.normal(size=8)
_y = np.array([1, 0, 0, 1, 1, 1, 0, 0])
_l_int, _d_int = binary_cross_entropy(_z, _y)
_l_flt, _d_flt = binary_cross_entropy(_z, _y.astype(np.float64))
check(np.isclose(_l_int, _l_flt) and np.allclose(_d_int, _d_flt),
      "Your results differ for integer labels and float labels of the same values.")
_l1, _d1 = binary_cross_entropy(_z, _y)
_l2, _d2 = binary_cross_entropy(np.concatenate([_z, _z]), np.concatenate([_y, _y]))
check(np.isclose(_l1, _l2), "The loss changed when the same batch was repeated twice: "
      "the loss should be the mean over the N examples, not the sum.")
check(np.allclose(np.asarray(_d2)[:8], np.asarray(_d1) / 2),
      "dlogits did not halve when the batch doubled: each entry carries the factor 1/N of the mean.")
_z = np.array([1e4, -1e4, 1e4, -1e4, 800.0, -800.0, 0.0])
_y = np.array([1, 0, 0, 1, 0, 1, 1])
_loss, _dz = without_warnings("binary_cross_entropy for logits of size 1e4", _hint, binary_cross_entropy, _z, _y)
check_finite(_loss, "the loss for logits of size 1e4", hint=_hint)
check_finite(_dz, "dlogits for logits of size 1e4")
_rl, _rdz = _bce_oracle(_z, _y)
check_close(_loss, _rl, "the loss when some logits of size 1e4 are confidently wrong", show_expected=False,
            hint="A logit of -1e4 with label 1 costs about 1e4: compute the exact softplus, do not clip probabilities.")
check_close(_dz, _rdz, "dlogits for logits of size 1e4", show_expected=False)
_z = _rng.normal(scale=2.0, size=7)
_y = _rng.integers(0, 2, size=7)
_, _dz = binary_cross_entropy(_z, _y)
check_gradient(lambda t: binary_cross_entropy(t, _y)[0], _z, _dz, "dlogits of 7 random logits")
### END HIDDEN TESTS

# %% [markdown] id="lr-intro"
# ## 4. Training one neuron: logistic regression
#
# A single sigmoid neuron trained with binary cross-entropy is called **logistic regression** (a classifier, despite its name).
# Its loss over a batch is
#
# $$J(w, b) = \frac1N \sum_{i=1}^{N} L(z_i, y_i), \qquad z = X w + b.$$
#
# To improve $w$ and $b$ we need the gradient of $J$, and the chain rule gets it in two steps.
#
# 1. **Loss to logits.** Your `binary_cross_entropy` already returns $\partial J / \partial z_i$ = `dlogits[i]` $= (\sigma(z_i) - y_i)/N$.
# 2. **Logits to parameters.** $z_i = \sum_d X_{id} w_d + b$, so $\partial z_i / \partial w_d = X_{id}$ and $\partial z_i / \partial b = 1$.
#    Every example contributes, so we sum over $i$:
#
# $$\frac{\partial J}{\partial w_d} = \sum_i \texttt{dlogits}_i \, X_{id} \quad\Longrightarrow\quad \texttt{dw = X.T @ dlogits} \;\; (D,),
# \qquad \frac{\partial J}{\partial b} = \sum_i \texttt{dlogits}_i \quad\Longrightarrow\quad \texttt{db = dlogits.sum()}.$$
#
# The $\frac1N$ of the mean is already inside `dlogits`, so do not divide again. `b` is a single number, so `db` is a single number too.
#
# **Gradient descent** then repeats one step many times: compute the gradients and move against them by a small **learning rate** $\alpha$:
#
# $$w \leftarrow w - \alpha\, \frac{\partial J}{\partial w}, \qquad b \leftarrow b - \alpha\, \frac{\partial J}{\partial b}.$$
#
# ### Data: two clouds of points
#
# To watch the neuron learn we use inputs with only $D = 2$ features, so every example is a point in the plane. The helper `two_blobs`
# (in `course/boundaries.py`) draws two round clouds of random points, class 0 around $(-1, -0.5)$ and class 1 around $(1.5, 1.5)$;
# a seed makes the draw the same every time. A second, larger draw with another seed is the **test set** we use only at the end.

# %% id="blobs"
from course.boundaries import two_blobs, plot_decision_regions, plot_region_grid, scatter_classes

X_train, y_train = two_blobs(n_per_class=100, seed=0)
X_test, y_test = two_blobs(n_per_class=200, seed=1)
blobs_description = f"two Gaussian blobs, {len(y_train)} training / {len(y_test)} test points"
print("X_train", X_train.shape, " y_train", y_train.shape, " first labels:", y_train[:8])

fig, ax = plt.subplots(figsize=(4, 4))
scatter_classes(ax, X_train, y_train)
ax.set_aspect("equal")
ax.set_xlabel("$x_1$")
ax.set_ylabel("$x_2$")
ax.set_title("training data")
ax.legend();


# %% [markdown] id="lr-task"
# ### Your turn: `logistic_regression_loss`
#
# Write `logistic_regression_loss(w, b, X, y)` returning `(loss, dw, db)` for the neuron `sigmoid(X @ w + b)`:
#
# * `w` `(D,)`, `b` a float, `X` `(N, D)`, `y` `(N,)` labels in {0, 1};
# * `loss` the mean binary cross-entropy (use your `binary_cross_entropy`), `dw` of shape `(D,)`, `db` a single number
#   (`float(...)` turns a NumPy number into a Python float).

# %% solution id="logistic_regression_loss"
def logistic_regression_loss(w, b, X, y):
    """Loss and gradients of one sigmoid neuron, logits = X @ w + b.

    w: (D,) weights; b: float bias; X: (N, D) inputs; y: (N,) labels in {0, 1}.
    Returns (loss, dw, db): loss a float, dw (D,), db a float.
    """
    ### BEGIN SOLUTION
    logits = X @ w + b
    loss, dlogits = binary_cross_entropy(logits, y)
    dw = X.T @ dlogits
    db = float(np.sum(dlogits))
    return loss, dw, db
    ### END SOLUTION


# %% tests id="test_logistic_regression_loss" points=3
# Checks for logistic_regression_loss
from course.checks import call  # runs your function; a crash, a wrong number of results or a changed input fails the check

_shapes_hint = "X is (N, D) and w is (D,): the logits are X @ w + b, shape (N,), and dw = X.T @ dlogits has shape (D,)."
X_small = np.array([[1.0, 2.0], [-1.0, 0.0], [0.0, 1.0]])
y_small = np.array([1, 0, 1])
loss, dw, db = call("logistic_regression_loss(w, b, X, y)", logistic_regression_loss, np.zeros(2), 0.0, X_small, y_small,
                    n_out=3, hint=_shapes_hint)
check_close(loss, np.log(2), "the loss with zero weights and zero bias",
            hint="With z = 0 every probability is 1/2, so every example costs log 2.")
check_shape(dw, (2,), "dw (one entry per feature)")
check(np.ndim(db) == 0, f"db should be a single number, like b; yours has shape {np.shape(db)}.")
loss, dw, db = call("logistic_regression_loss(w, b, X, y)", logistic_regression_loss, np.array([0.5, -0.25]), 0.1,
                    X_small, y_small, n_out=3, hint=_shapes_hint)
check_close(loss, 0.6428, "the loss for w = [0.5, -0.25], b = 0.1", atol=1e-4)
check_close(dw, [-0.2921, -0.4958], "dw for w = [0.5, -0.25], b = 0.1", atol=1e-4,
            hint="By the chain rule dw = X.T @ dlogits, where dlogits = (sigmoid(z) - y) / N comes from "
                 "binary_cross_entropy: each feature's column of X weighs every example's error.")
check_close(db, -0.2037, "db for w = [0.5, -0.25], b = 0.1", atol=1e-4)
_check_rng = np.random.default_rng(3)
X_check = _check_rng.normal(size=(8, 3))
y_check = _check_rng.integers(0, 2, size=8)
w_check = _check_rng.normal(size=3)
loss, dw, db = call("logistic_regression_loss(w, b, X, y)", logistic_regression_loss, w_check, 0.3, X_check, y_check,
                    n_out=3, hint=_shapes_hint)
check_gradient(lambda v: logistic_regression_loss(v, 0.3, X_check, y_check)[0], w_check, dw, "dw")
check_gradient(lambda v: logistic_regression_loss(w_check, v, X_check, y_check)[0], np.array(0.3), db, "db")
print("logistic_regression_loss: visible checks passed")
### BEGIN HIDDEN TESTS
def _lr_oracle(w, b, X, y):
    t = X @ w + b
    yy = np.asarray(y, dtype=np.float64)
    soft = np.maximum(t, 0) + np.log1p(np.exp(-np.abs(t)))
    e = np.exp(-np.abs(t))
    g = (np.where(t >= 0, 1 / (1 + e), e / (1 + e)) - yy) / len(yy)
    return np.mean(soft - yy * t), X.T @ g, np.sum(g)

_rng = np.random.default_rng(103)
for _n, _d in [(1, 1), (5, 3), (20, 2), (7, 10)]:
    _w = _rng.normal(size=_d)
    _b = float(_rng.normal())
    _X = _rng.normal(size=(_n, _d))
    _y = _rng.integers(0, 2, size=_n)
    _copies = [a.copy() for a in (_w, _X, _y)]
    _loss, _dw, _db = logistic_regression_loss(_w, _b, _X, _y)
    for _name, _before, _after in zip(["w", "X", "y"], _copies, (_w, _X, _y)):
        check_unchanged(_before, _after, f"The input `{_name}`")
    check(np.ndim(_loss) == 0, f"The loss should be a single number; yours has shape {np.shape(_loss)}.")
    check(np.ndim(_db) == 0, f"db should be a single number, like b; yours has shape {np.shape(_db)} "
          f"(for N={_n}, D={_d}).")
    check_shape(_dw, (_d,), f"dw for w of shape ({_d},)")
    _rl, _rdw, _rdb = _lr_oracle(_w, _b, _X, _y)
    check_close(_loss, _rl, f"the loss for N={_n}, D={_d}", show_expected=False)
    check_close(_dw, _rdw, f"dw for N={_n}, D={_d}", show_expected=False)
    check_close(_db, _rdb, f"db for N={_n}, D={_d}", show_expected=False)
_w = _rng.normal(size=4); _b = 0.7; _X = _rng.normal(size=(9, 4)); _y = _rng.integers(0, 2, size=9)
_l1, _dw1, _db1 = logistic_regression_loss(_w, _b, _X, _y)
_l2, _dw2, _db2 = logistic_regression_loss(_w, _b, np.vstack([_X, _X]), np.concatenate([_y, _y]))
check(np.isclose(_l1, _l2) and np.allclose(_dw1, _dw2) and np.isclose(_db1, _db2),
      "The loss or the gradients changed when the same batch was repeated twice: "
      "use the mean over the N examples, and divide by N exactly once.")
_, _dw, _db = logistic_regression_loss(_w, _b, _X, _y)
check_gradient(lambda v: logistic_regression_loss(v, _b, _X, _y)[0], _w, _dw, "dw of a (4,) weight vector")
check_gradient(lambda v: logistic_regression_loss(_w, v, _X, _y)[0], np.array(_b), _db, "db")
_X = np.array([[3e3, -2e3], [-4e3, 1e3]]); _y = np.array([0, 1])
_loss, _dw, _db = logistic_regression_loss(np.array([1.0, 1.0]), 0.0, _X, _y)
_rl, _rdw, _rdb = _lr_oracle(np.array([1.0, 1.0]), 0.0, _X, _y)
check_close(_loss, _rl, "the loss when the logits are about ±1e3", show_expected=False,
            hint="Use your stable binary_cross_entropy for the loss.")
check_close(_dw, _rdw, "dw when the logits are about ±1e3", show_expected=False)
### END HIDDEN TESTS

# %% [markdown] id="train-intro"
# ### Watching gradient descent
#
# The cell below starts from a deliberately bad neuron, $w = (1, -2)$, $b = 0$, whose boundary cuts the clouds the wrong way, and takes
# 300 gradient-descent steps with learning rate $\alpha = 0.5$. Every picture colours the plane by the neuron's probability of class 1
# (red = class 1, blue = class 0, white = unsure); the black line is the **decision boundary**, where $\sigma(w \cdot x + b) = \tfrac12$,
# i.e. the straight line $w \cdot x + b = 0$. Watch it turn and slide into the gap between the clouds. The boundary is a straight line
# because $w \cdot x + b = 0$ is the equation of a line: a single neuron can only ever separate classes by a straight cut.
# (`course.runtime.scaled(300, when_grading=30)` is 300 on your machine; the autograder, which only checks your functions, takes 30 steps.)

# %% id="train"
def gradient_descent(loss_fn, w, b, X, y, learning_rate, iterations, snapshot_at=()):
    # Plain gradient descent on a neuron; returns the final (w, b), the losses and the (w, b) at chosen iterations.
    w = np.array(w, dtype=np.float64)
    losses, snapshots = [], {}
    for it in range(iterations + 1):
        if it in snapshot_at:
            snapshots[it] = (w.copy(), b)
        loss, dw, db = loss_fn(w, b, X, y)
        losses.append(loss)
        if it < iterations:
            w = w - learning_rate * dw
            b = b - learning_rate * db
    return w, b, losses, snapshots


def neuron_probability(w, b):
    # The neuron as a function of grid points, for the pictures.
    return lambda points: sigmoid(points @ w + b)


iterations = course.runtime.scaled(300, when_grading=30)
wanted = [0, 2, 5, 10, 30, 300]
w, b, losses, snaps = gradient_descent(logistic_regression_loss, [1.0, -2.0], 0.0, X_train, y_train,
                                       learning_rate=0.5, iterations=iterations, snapshot_at=wanted)
plot_region_grid([neuron_probability(*snaps[it]) for it in snaps],
                 [f"iteration {it}, loss {losses[it]:.3f}" for it in snaps], X_train, y_train)
print(f"final w = {w}, b = {b:.3f}")

# %% id="train-curve"
fig, ax = plt.subplots(figsize=(5, 3))
ax.plot(losses)
ax.set_xlabel("iteration")
ax.set_ylabel("training loss")
ax.set_yscale("log")
ax.set_title("binary cross-entropy during gradient descent")
fig.tight_layout()

test_accuracy = np.mean((sigmoid(X_test @ w + b) > 0.5) == y_test)
course.runtime.expect_accuracy(test_accuracy, at_least=0.9, description=blobs_description)

# %% [markdown] id="train-note"
# The clouds overlap a little, so a few points lie on the wrong side of any straight line, in the training set and in the test set
# (the accuracy above is a few percent short of 100 %). No amount of training removes those errors: they are the price of a straight
# boundary on overlapping data.
#
# *Try it:* change the learning rate and run the two cells again, watching the first iterations of the loss curve.
# With 0.05 the loss needs about 100 iterations to get where 0.5 gets in 10; 5 is faster still. With 100 the very first step
# overshoots (the loss jumps from about 1.5 to above 6) and the loss never settles: it falls, then rises again. Somewhere between
# 5 and 100 a step becomes too large for this problem; can you find where?

# %% [markdown] id="mse-intro"
# ## 5. Why not the squared error?
#
# From linear regression you may know the squared error $\tfrac12 (p - y)^2$. It is also zero when $p = y$ and grows as $p$ moves away,
# so why not use it here? Look at its gradient with respect to the logit. By the chain rule, with $\frac{dp}{dz} = \sigma(z)\,(1 - \sigma(z))$
# (the slope of the sigmoid):
#
# $$\frac{\partial}{\partial z}\, \tfrac12 \big(\sigma(z) - y\big)^2 = \big(\sigma(z) - y\big)\; \sigma(z)\,\big(1 - \sigma(z)\big).$$
#
# Compared with cross-entropy's $\sigma(z) - y$ there is an extra factor, the slope of the sigmoid. It is at most $\tfrac14$ (at $z = 0$)
# and almost zero wherever the sigmoid is flat, which is wherever the neuron is **confident**. When it is confidently right, fine.
# But take a positive example ($y = 1$) that the neuron confidently gets wrong, $z = -10$, $p \approx 0.000045$: the squared error's
# gradient is about $-0.000045$, so gradient descent hardly moves, while cross-entropy's gradient is about $-1$, full strength, exactly
# where the neuron is most wrong. The logarithm in the cross-entropy undoes the flat tail of the sigmoid.

# %% id="mse-plot"
zs = np.linspace(-10, 10, 400)
p = sigmoid(zs)
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.4))
ax1.plot(zs, np.maximum(-zs, 0) + np.log1p(np.exp(-np.abs(zs))), label="cross-entropy  log(1 + e^-z)")
ax1.plot(zs, 0.5 * (p - 1) ** 2, label="squared error  (p - 1)^2 / 2")
ax1.set_title("loss for a positive example (y = 1)")
ax2.plot(zs, p - 1, label="cross-entropy:  p - 1")
ax2.plot(zs, (p - 1) * p * (1 - p), label="squared error:  (p - 1) p (1 - p)")
ax2.axvspan(-10, -4, color="tab:red", alpha=0.1)
ax2.text(-9.6, -0.55, "confidently\nwrong", color="tab:red")
ax2.set_title("gradient with respect to the logit z")
for ax in (ax1, ax2):
    ax.set_xlabel("logit z")
    ax.axhline(0, color="gray", lw=0.8)
    ax.legend(loc="best")
fig.tight_layout()
print("at z = -10:  cross-entropy gradient", p[0] - 1, "  squared-error gradient", (p[0] - 1) * p[0] * (1 - p[0]))


# %% [markdown] id="mse-experiment-intro"
# ### The same experiment with both losses
#
# Below, the neuron starts **confidently wrong**: $w = (-4, -4)$ gives the class-1 cloud logits around $-12$ and the class-0 cloud logits
# around $+6$. We train it twice with the same learning rate and the same number of steps, once with your cross-entropy and once with
# the squared error (whose loss and gradients are written out in the cell), and compare the accuracy on the training points.

# %% id="mse-experiment"
def squared_error_loss(w, b, X, y):
    # The mean of (p - y)^2 / 2 for the neuron p = sigmoid(X @ w + b), with its gradients.
    p = sigmoid(X @ w + b)
    loss = 0.5 * np.mean((p - y) ** 2)
    dlogits = (p - y) * p * (1 - p) / len(y)
    return loss, X.T @ dlogits, float(np.sum(dlogits))


steps = course.runtime.scaled(200, when_grading=20)
fig, ax = plt.subplots(figsize=(5.5, 3.2))
for name, loss_fn in [("cross-entropy", logistic_regression_loss), ("squared error", squared_error_loss)]:
    w_run, b_run = np.array([-4.0, -4.0]), 0.0
    accuracies = []
    for step in range(steps + 1):
        accuracies.append(np.mean((sigmoid(X_train @ w_run + b_run) > 0.5) == y_train))
        _, dw_run, db_run = loss_fn(w_run, b_run, X_train, y_train)
        w_run, b_run = w_run - 0.5 * dw_run, b_run - 0.5 * db_run
    ax.plot(accuracies, label=name)
    print(f"{name:14s}: training accuracy {accuracies[0]:.0%} at the start, {accuracies[-1]:.0%} after {steps} steps")
ax.set_xlabel("gradient-descent step")
ax.set_ylabel("training accuracy")
ax.set_title("starting confidently wrong")
ax.legend()
fig.tight_layout()

# %% [markdown] id="xor-intro"
# ## 6. What one neuron cannot do: XOR
#
# The **exclusive or** of two bits is 1 when exactly one of them is 1:
#
# | $x_1$ | $x_2$ | XOR |
# |---|---|---|
# | 0 | 0 | 0 |
# | 0 | 1 | 1 |
# | 1 | 0 | 1 |
# | 1 | 1 | 0 |
#
# These are four points in the plane: class 1 sits on one diagonal of the unit square, class 0 on the other. A single neuron predicts
# class 1 on one side of the straight line $w \cdot x + b = 0$. Can any line put $(0, 1)$ and $(1, 0)$ on one side and $(0, 0)$ and
# $(1, 1)$ on the other? The pictures try three lines; each gets at least one corner wrong (circled).

# %% id="xor-lines"
from course.boundaries import XOR_POINTS, XOR_LABELS

attempts = [((1.0, 1.0), -0.5, "x1 + x2 > 0.5"), ((1.0, 1.0), -1.5, "x1 + x2 > 1.5"), ((1.0, -1.0), -0.5, "x1 - x2 > 0.5")]
fig, axes = plt.subplots(1, 3, figsize=(10, 3.4))
for ax, (w_try, b_try, rule) in zip(axes, attempts):
    w_try = np.array(w_try)
    plot_decision_regions(lambda pts: (pts @ w_try + b_try > 0).astype(float), XOR_POINTS, XOR_LABELS,
                          ax=ax, lim=((-0.5, 1.5), (-0.5, 1.5)), size=80, title=f"class 1 where {rule}")
    wrong = XOR_POINTS[(XOR_POINTS @ w_try + b_try > 0) != (XOR_LABELS == 1)]
    ax.scatter(wrong[:, 0], wrong[:, 1], s=400, facecolors="none", edgecolors="black", linewidths=2, zorder=4)
fig.tight_layout()

# %% [markdown] id="xor-proof"
# It is not bad luck: **no** line works. Write down what a neuron $w \cdot x + b$ would need on the four corners:
#
# $$(0,0):\; b < 0, \qquad (1,0):\; w_1 + b > 0, \qquad (0,1):\; w_2 + b > 0, \qquad (1,1):\; w_1 + w_2 + b < 0.$$
#
# Add the two middle conditions: $w_1 + w_2 + 2b > 0$, so $w_1 + w_2 + b > -b$, and $-b > 0$ by the first condition. So
# $w_1 + w_2 + b > 0$, which contradicts the last condition. The two classes are **not linearly separable**.
#
# Gradient descent agrees. Train your logistic regression on the four corners, starting from random weights:

# %% id="xor-logistic"
rng = np.random.default_rng(0)
w_xor, b_xor, xor_losses, _ = gradient_descent(logistic_regression_loss, rng.normal(size=2), float(rng.normal()),
                                              XOR_POINTS, XOR_LABELS, learning_rate=1.0,
                                              iterations=course.runtime.scaled(2000, when_grading=200))
print(f"after training: w = {w_xor.round(4) + 0.0}, b = {b_xor:.4f}, loss = {xor_losses[-1]:.4f} (log 2 = {np.log(2):.4f})")
print("probabilities on the four corners:", sigmoid(XOR_POINTS @ w_xor + b_xor))

# %% [markdown] id="xor-logistic-note"
# The best a single neuron can do is to give up: the weights shrink towards zero and every corner gets probability $\tfrac12$,
# loss $\log 2$. We need more than one straight cut.
#
# ### Neurons as logic gates
#
# With large weights a sigmoid neuron behaves almost like a switch: its output is close to 1 when $z \gg 0$ and close to 0 when $z \ll 0$.
# The study-group slides of this course use the neuron $w = (5, 5)$, $b = -8$. On the four corners its logits are
# $-8, -3, -3, 2$: only $(1, 1)$ has $z > 0$, so it computes **AND**, with outputs $\sigma(-8) \approx 0.0003$, $\sigma(-3) \approx 0.047$
# and $\sigma(2) \approx 0.881$. Changing only the bias changes the gate: with $b = -2$ the logits are $-2, 3, 3, 8$, which is **OR**.
# Flipping every sign, $w = (-5, -5)$, $b = 8$, turns AND into **NAND** ("not and"): 1 everywhere except at $(1, 1)$.
# Each gate alone is linearly separable, as the pictures show.

# %% id="gates"
gates = {"AND": (np.array([5.0, 5.0]), -8.0), "OR": (np.array([5.0, 5.0]), -2.0), "NAND": (np.array([-5.0, -5.0]), 8.0)}
fig, axes = plt.subplots(1, 3, figsize=(10, 3.4))
print("corner     " + "".join(f"{name:>8s}" for name in gates))
for corner in XOR_POINTS:
    print(f"{str(corner.astype(int)):10s} " + "".join(f"{sigmoid(np.array([corner @ gw + gb]))[0]:8.3f}" for gw, gb in gates.values()))
for ax, (name, (gw, gb)) in zip(axes, gates.items()):
    truth = (sigmoid(XOR_POINTS @ gw + gb) > 0.5).astype(int)
    plot_decision_regions(neuron_probability(gw, gb), XOR_POINTS, truth, ax=ax, lim=((-0.5, 1.5), (-0.5, 1.5)),
                          size=80, title=f"{name}: w = {gw}, b = {gb}")
fig.tight_layout()


# %% [markdown] id="xor-network"
# ### A hidden layer: XOR = AND(OR, NAND)
#
# XOR is 1 when **at least one** input is on (OR) **but not both** (NAND). So
#
# $$\text{XOR}(x_1, x_2) = \text{AND}\big(\,\text{OR}(x_1, x_2),\; \text{NAND}(x_1, x_2)\,\big).$$
#
# | $x_1$ | $x_2$ | $h_1$ = OR | $h_2$ = NAND | AND($h_1$, $h_2$) = XOR |
# |---|---|---|---|---|
# | 0 | 0 | 0 | 1 | 0 |
# | 0 | 1 | 1 | 1 | 1 |
# | 1 | 0 | 1 | 1 | 1 |
# | 1 | 1 | 1 | 0 | 0 |
#
# That is a network with two layers. The **hidden layer** has two neurons that both look at the input: $h_1$ computes OR and $h_2$ NAND.
# The **output neuron** looks only at $h_1$ and $h_2$ and computes their AND. Written for a batch `X` of shape `(N, 2)`, in the same
# row-per-example layout as before:
#
# $$H = \sigma(X W_1 + b_1), \qquad \text{out} = \sigma(H W_2 + b_2),$$
#
# with `W1` of shape `(2, 2)`, `b1` `(2,)`, `W2` `(2, 1)` and `b2` `(1,)`. **Column $j$ of `W1` holds the two input weights of hidden
# neuron $j$** (row 0 the weight of $x_1$, row 1 the weight of $x_2$), and `b1[j]` is its bias; likewise the one column of `W2` holds the
# output neuron's weights for $h_1$ and $h_2$.
#
# What the hidden layer does is to **move the points**. In the plane of $(h_1, h_2)$ the four corners land on $(0, 1)$, $(1, 1)$, $(1, 1)$
# and $(1, 0)$: the two class-1 corners fall on the same spot $(1, 1)$, alone in its corner, and now a single straight line, the
# output neuron's, separates the classes.

# %% [markdown] id="xor-task"
# ### Your turn: `xor_network`
#
# Write `xor_network()` returning a dict with keys `"W1"`, `"b1"`, `"W2"`, `"b2"`, NumPy float arrays of shapes `(2, 2)`, `(2,)`,
# `(2, 1)` and `(1,)`, such that `sigmoid(sigmoid(X @ W1 + b1) @ W2 + b2)` computes XOR on the four corners.
#
# **The margin we ask for.** Your output must be **at least 0.6** on the two corners where XOR is 1 and **at most 0.4** on the two where it
# is 0: on every corner at least 0.1 away from $\tfrac12$, on the correct side. An output of 0.51 would be right only by a hair, and
# any small change of the inputs or weights could flip it; a network that has the rule should say so clearly.
#
# *Hints.* Put OR in one column of `W1` and NAND in the other, and AND in `W2`, `b2`. The gates above with weights of size 5 are
# enough, because their outputs, though not exactly 0 and 1 (e.g. 0.047), are close enough; weights of 10 or 20 make every sigmoid
# almost exactly 0 or 1 and give a wide margin. Mind the orientation: a hidden neuron's weights go in a **column** of `W1`.

# %% solution id="xor_network"
def xor_network():
    """Hand-set weights of a 2-2-1 sigmoid network computing XOR on {0, 1}^2.

    Returns a dict with W1 (2, 2), b1 (2,), W2 (2, 1), b2 (1,), such that
    sigmoid(sigmoid(X @ W1 + b1) @ W2 + b2) > 0.5 exactly where XOR(X) is 1.
    """
    ### BEGIN SOLUTION
    W1 = np.array([[10.0, -10.0],     # column 0: OR,  column 1: NAND
                   [10.0, -10.0]])
    b1 = np.array([-5.0, 15.0])
    W2 = np.array([[10.0],            # output: AND of the two hidden units
                   [10.0]])
    b2 = np.array([-15.0])
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
    ### END SOLUTION


# %% tests id="test_xor_network" points=3
# Checks for xor_network
def _sig(t):  # the sigmoid, written with tanh so that it never overflows
    return 0.5 * (1 + np.tanh(t / 2))


corners = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
xor_truth = np.array([0, 1, 1, 0])
net = xor_network()
check(isinstance(net, dict), f"xor_network() should return a dict; it returned a {type(net).__name__}.")
for key, shape in [("W1", (2, 2)), ("b1", (2,)), ("W2", (2, 1)), ("b2", (1,))]:
    check(key in net, f"The dict returned by xor_network() has no key '{key}'; it has {sorted(net)}.")
    check_shape(net[key], shape, f"net['{key}']")
    check_finite(net[key], f"net['{key}']")
W1, b1, W2, b2 = (np.asarray(net[k], dtype=np.float64) for k in ("W1", "b1", "W2", "b2"))
out = _sig(_sig(corners @ W1 + b1) @ W2 + b2).ravel()
for corner, value, target in zip(corners, out, xor_truth):
    print(f"corner {corner.astype(int)}: output {value:.3f}, XOR = {target}")
for corner, value, target in zip(corners, out, xor_truth):
    side = "at least 0.6" if target == 1 else "at most 0.4"
    check((value >= 0.6) if target == 1 else (value <= 0.4),
          f"On corner {corner.astype(int)} (XOR = {target}) your network outputs {value:.3f}; it should be {side}. "
          "Check which gate each column of W1 computes (a hidden neuron's weights form a column), and make the weights large enough.")
print("xor_network: visible checks passed")
### BEGIN HIDDEN TESTS
def _sig_oracle(t):
    e = np.exp(-np.abs(t))
    return np.where(t >= 0, 1 / (1 + e), e / (1 + e))

_net = xor_network()
_W1, _b1, _W2, _b2 = (np.array(_net[k], dtype=np.float64) for k in ("W1", "b1", "W2", "b2"))
for _name, _arr, _shape in [("W1", _W1, (2, 2)), ("b1", _b1, (2,)), ("W2", _W2, (2, 1)), ("b2", _b2, (1,))]:
    check_shape(_arr, _shape, f"net['{_name}']")
    check_finite(_arr, f"net['{_name}']")
_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [1.0, 1.0], [0.0, 1.0]])
_t = np.array([0, 1, 1, 0, 0, 1])
_out = _sig_oracle(_sig_oracle(_X @ _W1 + _b1) @ _W2 + _b2)
check_shape(_out, (6, 1), "the network's output for a batch of 6 inputs")
_out = _out.ravel()
check(np.all(_out[_t == 1] >= 0.6) and np.all(_out[_t == 0] <= 0.4),
      "On some corner your network's output is not at least 0.1 away from 1/2 on the correct side.")
_net2 = xor_network()
check(all(np.array_equal(np.asarray(_net[k], dtype=np.float64), np.asarray(_net2[k], dtype=np.float64)) for k in _net2),
      "xor_network() returned different weights when called twice; hand-set weights should not depend on chance.")
### END HIDDEN TESTS

# %% [markdown] id="xor-pictures"
# ### What your network computes
#
# From left to right: the region where each hidden neuron is on, the four corners as the hidden layer sees them, and the output of the
# whole network. In the third picture the class-1 corners have merged into one point and a single line, the output neuron's, separates
# them; mapped back to the input plane (right) that line becomes two, enclosing a band that holds exactly the XOR-true corners.

# %% id="xor-regions"
net = xor_network()
W1, b1, W2, b2 = (np.asarray(net[k], dtype=np.float64) for k in ("W1", "b1", "W2", "b2"))
square = ((-0.5, 1.5), (-0.5, 1.5))
H = sigmoid(XOR_POINTS @ W1 + b1)
print("hidden values (h1, h2) of the four corners:")
print(np.column_stack([XOR_POINTS, H]).round(3))

fig, axes = plt.subplots(1, 4, figsize=(14, 3.6))
for j in range(2):
    plot_decision_regions(lambda pts, j=j: sigmoid(pts @ W1[:, j] + b1[j]), XOR_POINTS, XOR_LABELS, ax=axes[j],
                          lim=square, size=80, title=f"hidden neuron h{j + 1}")
plot_decision_regions(lambda pts: sigmoid(pts @ W2 + b2), H, XOR_LABELS, ax=axes[2], lim=square, size=80,
                      title="hidden space: output neuron")
axes[2].set_xlabel("$h_1$")
axes[2].set_ylabel("$h_2$")
plot_decision_regions(lambda pts: sigmoid(sigmoid(pts @ W1 + b1) @ W2 + b2), XOR_POINTS, XOR_LABELS, ax=axes[3],
                      lim=square, size=80, title="the whole network")
fig.tight_layout()

# %% [markdown] id="think"
# ## Things to think about
#
# 1. The study-group slides solve XOR with different weights: $h_1 = \sigma(5x_1 + 5x_2 - 8)$, $h_2 = \sigma(-7x_1 - 7x_2 + 3)$ and
#    output $\sigma(-11 h_1 - 11 h_2 + 6)$. Which gate is each hidden neuron, and which gate is the output neuron? Put these weights
#    into `W1`, `b1`, `W2`, `b2` and run the picture cell above with them.
# 2. Another way to make the sigmoid safe without masks: `e = np.exp(-np.abs(z))` is never larger than 1. Write $\sigma(z)$ for $z \ge 0$
#    and for $z < 0$ in terms of `e` only. Why is it now fine to use `np.where`?
# 3. The squared error gave gradients that vanish when the neuron is confidently wrong. The same factor $\sigma(z)(1 - \sigma(z))$ appears
#    whenever a gradient passes *through* a sigmoid inside a network. What might that mean for deep networks made of sigmoid layers?
#    (Lecture 04 returns to this.)
# 4. You set the XOR weights by hand. Could gradient descent find them by itself, starting from random weights? That needs the gradients
#    of a loss with respect to `W1` and `b1`, through the hidden layer: **backpropagation**, the subject of lecture 03.
