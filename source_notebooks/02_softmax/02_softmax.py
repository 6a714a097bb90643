# %% [markdown] id="header"
# # Lecture 02 · Multiclass classification: softmax and cross-entropy
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({{COLAB_URL}})
#
# A binary classifier answers *yes or no*. Most real questions have more answers: is this picture a cat, a cow or a frog?
# Which of the ten digits is this? In this lecture you turn a vector of raw **scores**, one per class, into **probabilities**,
# measure how wrong they are with the **cross-entropy loss**, derive its gradient (it turns out to be beautifully simple: `p − y`),
# and train a linear classifier on handwritten digits.
#
# You will write three functions:
#
# | function | what it does |
# |---|---|
# | `softmax(scores)` | scores `(N, C)` → probabilities `(N, C)`, each row sums to 1 |
# | `softmax_cross_entropy(scores, y)` | mean loss over the batch and its gradient `dscores` `(N, C)` |
# | `linear_softmax_loss(W, b, X, y, reg)` | the loss of the classifier `X @ W + b` with L2 regularisation, and `dW`, `db` |
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

# %% [markdown] id="scores-intro"
# ## 1. From scores to probabilities
#
# A classifier with $C$ classes produces, for one example, a **score** $f_j$ for every class $j$. Scores are any real numbers;
# a larger score means "more like this class". Take the picture of a cat from the lecture, whose three scores are
#
# | class | cat | cow | frog |
# |---|---|---|---|
# | score $f_j$ | 5.1 | −1.7 | 3.2 |
#
# We want numbers that are positive and sum to one, so we can read them as probabilities. The **softmax** function does both in two moves:
# exponentiate (every $e^{f}$ is positive, and larger scores stay larger), then divide by the total:
#
# $$\sigma(f)_j = \frac{e^{f_j}}{\sum_{k=1}^{C} e^{f_k}}$$
#
# For the cat: $e^{5.1} \approx 164.0$, $e^{-1.7} \approx 0.18$, $e^{3.2} \approx 24.5$, together about $188.7$, so the probabilities are
# roughly $0.869$, $0.001$ and $0.130$. The classifier is fairly sure it is a cat. Let NumPy confirm the arithmetic:

# %% id="cat-cow-frog"
classes = ["cat", "cow", "frog"]
f = np.array([5.1, -1.7, 3.2])
exp_f = np.exp(f)
print("e^f        =", exp_f)
print("sum        =", exp_f.sum())
print("softmax(f) =", exp_f / exp_f.sum())
course.plots.plot_scores_and_probabilities(classes, f, exp_f / exp_f.sum(), title="one cat picture");

# %% [markdown] id="max-trick"
# ### The max trick: same answer, no overflow
#
# `np.exp` overflows a float64 above about 709: `np.exp(710)` is `inf`, and `inf / inf` is `nan`. Scores of a few hundred or thousand are
# not unusual in a badly scaled network, so a naive softmax breaks exactly when you need it to tell you something.
#
# The fix costs one line. Multiply the numerator and the denominator by the same positive number $e^{-m}$:
#
# $$\frac{e^{f_j}}{\sum_k e^{f_k}} = \frac{e^{-m}\, e^{f_j}}{e^{-m}\sum_k e^{f_k}} = \frac{e^{f_j - m}}{\sum_k e^{f_k - m}}$$
#
# Nothing changed mathematically. Choose $m = \max_k f_k$: now the largest exponent is $e^0 = 1$, so nothing overflows, and the
# denominator is at least 1, so we never divide by zero. In the lecture's example, dividing by $e^{f_\text{cat}}$ gives
# $e^{0} = 1$, $e^{-6.8} \approx 0.001$ and $e^{-1.9} \approx 0.15$, which sum to about $1.15$; the probabilities are the same $0.869$, $0.001$, $0.130$.
#
# The cell below shows the naive formula failing on large scores and the shifted one succeeding.

# %% id="overflow-demo"
big = np.array([1000.0, 999.0, 997.0])
with np.errstate(over="ignore", invalid="ignore"):
    naive = np.exp(big) / np.exp(big).sum()
shifted = np.exp(big - big.max()) / np.exp(big - big.max()).sum()
print("naive   :", naive)
print("shifted :", shifted)
print("same as for scores 3, 2, 0   :", np.exp([3, 2, 0]) / np.exp([3, 2, 0]).sum())


# %% [markdown] id="softmax-task"
# ### Your turn: `softmax`
#
# Write `softmax(scores)` for a whole batch: `scores` has shape `(N, C)`, one row per example, and the result has the same shape with
# every row summing to 1.
#
# * Subtract **each row's own** maximum (`axis=1, keepdims=True`), not the maximum of the whole array: rows can live on very different scales.
# * Normalise over the classes, i.e. along `axis=1`.
# * Do not modify `scores` in place (`scores -= ...` would change the caller's array); build a new array.

# %% solution id="softmax"
def softmax(scores):
    """Row-wise softmax.

    scores: (N, C) array of class scores.
    Returns probs: (N, C), every row non-negative and summing to 1.
    """
    ### BEGIN SOLUTION
    shifted = scores - np.max(scores, axis=1, keepdims=True)
    exp_scores = np.exp(shifted)
    return exp_scores / np.sum(exp_scores, axis=1, keepdims=True)
    ### END SOLUTION


# %% tests id="test_softmax" points=3
# Checks for softmax
from course.checks import call  # runs your function; a crash, a wrong number of results or a changed input fails the check

_axis_hint = ("Each row is one example: take the maximum and the sum over its classes, axis=1 with keepdims=True, "
              "so that every row sums to 1.")
p = call("softmax of a (2, 3) array", softmax, np.array([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]]), hint=_axis_hint)
check_shape(p, (2, 3), "softmax of a (2, 3) array")
check_close(p.sum(axis=1), [1.0, 1.0], "the row sums of your probabilities", hint=_axis_hint)
p = call("softmax of the cat / cow / frog scores", softmax, np.array([[5.1, -1.7, 3.2]]), hint=_axis_hint)
check_close(p, [[0.869, 0.001, 0.130]], "softmax of the cat / cow / frog scores", atol=1e-3)
check_finite(call("softmax of scores as large as 1e4", softmax, np.array([[1e4, 0.0, -1e4]])),
             "softmax of scores as large as 1e4", hint="Subtract each row's maximum before calling np.exp.")
p = call("softmax of rows on very different scales", softmax, np.array([[1000.0, 1001.0], [0.0, 1.0]]))
check_close(p, [[0.2689, 0.7311], [0.2689, 0.7311]], "softmax of the rows [1000, 1001] and [0, 1]", atol=1e-4,
            hint="Both rows differ by 1, so they get the same probabilities. Subtract each row's OWN maximum "
                 "(axis=1, keepdims=True): the maximum of the whole array (1001) pushes the second row to exp(-1000) = 0.")
print("softmax: visible checks passed")
### BEGIN HIDDEN TESTS
def _softmax_oracle(s):
    z = s - s.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)

_rng = np.random.default_rng(2021)
for _shape in [(1, 10), (4, 4), (7, 3), (64, 10)]:
    _s = _rng.normal(scale=3.0, size=_shape)
    _copy = _s.copy()
    _p = softmax(_s)
    check_unchanged(_copy, _s, "The `scores` array")
    check_shape(_p, _shape, f"softmax of a {_shape} array")
    check_close(np.sum(_p, axis=1), np.ones(_shape[0]), f"the row sums of softmax for a {_shape} input",
                hint="Each row should sum to 1: normalise along axis=1.", show_expected=False)
    check_close(_p, _softmax_oracle(_s), f"softmax of random {_shape} scores", show_expected=False)
_s = np.array([[1e4, 0.0, -5.0], [0.0, 1.0, 2.0], [-1e4, -1e4 + 1.0, -1e4 + 2.0]])
_p = softmax(_s)
check_finite(_p, "softmax of rows whose scores are near +1e4, near 0 and near -1e4",
             hint="Subtract the maximum of each row, not of the whole array.")
check_close(_p, _softmax_oracle(_s), "softmax of rows on very different scales", show_expected=False,
            hint="Subtract the maximum of each row, not of the whole array.")
_s = _rng.normal(size=(5, 6))
check_close(softmax(_s + 1000.0), softmax(_s), "softmax(scores + 1000) compared with softmax(scores)",
            hint="Adding the same number to every score of a row must not change its probabilities.", show_expected=False)
### END HIDDEN TESTS

# %% [markdown] id="onehot-xent"
# ## 2. How wrong is a prediction? One-hot targets and cross-entropy
#
# The right answer for the cat picture, written as a probability vector, puts all its mass on one class: $y = (1, 0, 0)$.
# This is a **one-hot** vector. We compare the predicted distribution $p$ with it using the **cross-entropy**
#
# $$L = -\sum_{j} y_j \log p_j = -\log p_{y},$$
#
# where in the second form $y$ is the index of the correct class: only the probability of the right class matters.
# If the model gives the right class probability 1 the loss is 0; as that probability falls towards 0 the loss grows without bound.
# For the cat picture $L = -\log 0.869 \approx 0.14$. A second picture from the lecture scores
# $p = (0.43, 0.48, 0.08)$; if it is a cat, $L = -\log 0.43 \approx 0.84$: a hesitant prediction costs more.
#
# For a batch of $N$ examples the loss is the **mean** $\frac1N \sum_i L_i$, so that its size, and the size of its gradient, do not
# depend on the batch size.
#
# **Computing it stably.** Taking `np.log` of a softmax that underflowed to 0 gives `-inf`. Instead, write the log-probability directly
# (this is the *log-sum-exp* form), with $m$ the row maximum as before:
#
# $$\log p_y = (f_y - m) - \log \sum_k e^{f_k - m}.$$
#
# Every term is finite: $f_y - m \le 0$ and the sum is at least 1.

# %% id="xent-plot"
p_correct = np.linspace(0.01, 1.0, 200)
fig, ax = plt.subplots(figsize=(4.5, 3))
ax.plot(p_correct, -np.log(p_correct))
ax.scatter([0.869, 0.43], [-np.log(0.869), -np.log(0.43)], color="tab:red", zorder=3)
ax.annotate("cat picture, p=0.869", (0.869, -np.log(0.869)), xytext=(0.45, 1.6), arrowprops={"arrowstyle": "->"})
ax.annotate("hesitant, p=0.43", (0.43, -np.log(0.43)), xytext=(0.2, 2.8), arrowprops={"arrowstyle": "->"})
ax.set_xlabel("probability given to the correct class")
ax.set_ylabel("cross-entropy loss  -log p")
ax.set_title("confident and right costs little")
fig.tight_layout()


# %% [markdown] id="gradient-derivation"
# ## 3. The gradient of cross-entropy: `p − y`
#
# To learn we need $\partial L / \partial f_k$ for every class $k$. Write one example's loss with the log-sum-exp form:
#
# $$L = -f_y + \log \sum_{j} e^{f_j}.$$
#
# **Step 1, the first term.** $-f_y$ depends on $f_k$ only when $k = y$: its derivative is $-1$ if $k = y$ and $0$ otherwise,
# i.e. $-y_k$ with $y$ one-hot.
#
# **Step 2, the second term.** By the chain rule, $\frac{\partial}{\partial f_k} \log S = \frac{1}{S}\frac{\partial S}{\partial f_k}$ with
# $S = \sum_j e^{f_j}$, and $\partial S / \partial f_k = e^{f_k}$. So the derivative is $e^{f_k} / S = p_k$.
#
# **Step 3, add them.**
#
# $$\frac{\partial L}{\partial f_k} = p_k - y_k \qquad\text{or, for the whole vector,}\qquad \frac{\partial L}{\partial f} = p - y.$$
#
# The gradient is the prediction minus the target. For the cat picture it is $(0.869 - 1,\ 0.001 - 0,\ 0.130 - 0) = (-0.131, 0.001, 0.130)$:
# gradient descent moves *against* the gradient, so it raises the cat score and lowers the other two, most of all the frog's, which took the most probability.
#
# **Step 4, the batch.** The batch loss is a mean, so each example's row of the gradient is divided by $N$:
# `dscores = (p - Y) / N` where row $i$ of `Y` is the one-hot vector of `y[i]`.
#
# *Check yourself:* every row of $p - y$ sums to $0$. Why?

# %% [markdown] id="xent-task"
# ### Your turn: `softmax_cross_entropy`
#
# Write `softmax_cross_entropy(scores, y)` returning `(loss, dscores)`:
#
# * `scores` `(N, C)`, `y` `(N,)` integer labels in `[0, C)`;
# * `loss`: a float, the **mean** cross-entropy over the batch, computed stably (no `log(0)`, no overflow for scores of 1e4);
# * `dscores`: `(N, C)`, the gradient of `loss` with respect to `scores`.
#
# Hint: `probs[np.arange(N), y]` picks the probability of the correct class in every row, and `dscores[np.arange(N), y] -= 1`
# subtracts the one-hot target without building it. (`dscores[:, y]` is a different thing: it selects whole columns.)
# You may use your `softmax` for the gradient, but compute the loss from the log-sum-exp form, not from `np.log(softmax(...))`.

# %% solution id="softmax_cross_entropy"
def softmax_cross_entropy(scores, y):
    """Mean softmax cross-entropy loss and its gradient.

    scores: (N, C) class scores; y: (N,) integer labels in [0, C).
    Returns (loss, dscores): loss a float, dscores (N, C) = d loss / d scores.
    """
    ### BEGIN SOLUTION
    N = scores.shape[0]
    shifted = scores - np.max(scores, axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    loss = -np.mean(log_probs[np.arange(N), y])
    dscores = np.exp(log_probs)
    dscores[np.arange(N), y] -= 1
    dscores /= N
    return float(loss), dscores
    ### END SOLUTION


# %% tests id="test_softmax_cross_entropy" points=4
# Checks for softmax_cross_entropy
from course.checks import call, without_warnings  # a crash, a changed input or a NumPy warning fails the check

loss, dscores = call("softmax_cross_entropy(scores, y)", softmax_cross_entropy, np.array([[5.1, -1.7, 3.2]]), np.array([0]),
                     n_out=2)
check_close(loss, 0.1403, "the loss of the cat picture (label 0 = cat)", atol=1e-3)
check_close(dscores, [[-0.131, 0.001, 0.130]], "dscores for the cat picture", atol=1e-3)
loss, _ = call("softmax_cross_entropy(scores, y)", softmax_cross_entropy, np.zeros((4, 10)), np.array([0, 3, 5, 9]), n_out=2)
check_close(loss, np.log(10), "the loss when all 10 scores are equal (every class gets p = 0.1)",
            hint="With equal scores, -log(0.1) = log(10) for every example, and the mean of equal numbers is that number.")
_lse_hint = ("Compute log p_y directly with log-sum-exp, log p_y = (f_y - m) - log(sum_j exp(f_j - m)) with m the row "
             "maximum; np.log(softmax(...)) takes the log of a probability that has already underflowed to 0.")
loss, _ = without_warnings("softmax_cross_entropy for scores of 1e4", _lse_hint,
                           softmax_cross_entropy, np.array([[0.0, 1e4, 0.0]]), np.array([1]))
check_finite(loss, "the loss for scores of 1e4", hint=_lse_hint)
loss, _ = without_warnings("softmax_cross_entropy when the correct class has probability e^-800", _lse_hint,
                           softmax_cross_entropy, np.array([[0.0, 800.0]]), np.array([0]))
check_close(loss, 800.0, "the loss when the correct class scores 0 and the other 800 (p_y = e^-800)", hint=_lse_hint)
_check_rng = np.random.default_rng(0)
scores = _check_rng.normal(size=(5, 4))
labels = _check_rng.integers(0, 4, size=5)
_, dscores = call("softmax_cross_entropy(scores, y)", softmax_cross_entropy, scores, labels, n_out=2)
check_close(dscores.sum(axis=1), np.zeros(5), "the row sums of dscores (each row of p - y sums to 0)",
            hint="Subtract 1 only at [i, y[i]] for each example i, with dscores[np.arange(N), y]; "
                 "dscores[:, y] subtracts 1 from whole columns.")
check_gradient(lambda s: softmax_cross_entropy(s, labels)[0], scores, dscores, "dscores")
print("softmax_cross_entropy: visible checks passed")
### BEGIN HIDDEN TESTS
def _xent_oracle(s, y):
    z = s - s.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    n = len(y)
    g = np.exp(logp)
    g[np.arange(n), y] -= 1
    return -logp[np.arange(n), y].mean(), g / n

_rng = np.random.default_rng(2022)
for _n, _c in [(1, 3), (5, 5), (16, 10), (3, 7)]:
    _s = _rng.normal(scale=2.0, size=(_n, _c))
    _y = _rng.integers(0, _c, size=_n)
    _s0, _y0 = _s.copy(), _y.copy()
    _loss, _ds = softmax_cross_entropy(_s, _y)
    check_unchanged(_s0, _s, "The `scores` array")
    check_unchanged(_y0, _y, "The label array `y`")
    _ref_loss, _ref_ds = _xent_oracle(_s0, _y0)
    check_close(_loss, _ref_loss, f"the loss for random ({_n}, {_c}) scores", show_expected=False)
    check_shape(_ds, (_n, _c), f"dscores for ({_n}, {_c}) scores")
    check_close(_ds, _ref_ds, f"dscores for random ({_n}, {_c}) scores", show_expected=False,
                hint="Subtract 1 only at [i, y[i]] for each row i, and divide by N.")
_s = _rng.normal(size=(6, 4))
_y = _rng.integers(0, 4, size=6)
_l1, _d1 = softmax_cross_entropy(_s, _y)
_l2, _d2 = softmax_cross_entropy(np.vstack([_s, _s]), np.concatenate([_y, _y]))
check(np.isclose(_l1, _l2), "The loss changed when the same batch was repeated twice: "
      "the loss should be the mean over the N examples, not the sum.")
check(np.allclose(np.asarray(_d2)[:6], np.asarray(_d1) / 2),
      "dscores did not halve when the batch doubled: each row of the gradient carries the factor 1/N of the mean.")
_s = np.array([[1e4, 0.0, -1e4], [0.0, 0.0, 0.0], [-1e4, 1e4, 0.0]])
_y = np.array([0, 1, 0])
_loss, _ds = softmax_cross_entropy(_s, _y)
check_finite(_loss, "the loss for scores of ±1e4", hint="Compute log-probabilities with the log-sum-exp form, not log(softmax).")
check_finite(_ds, "dscores for scores of ±1e4", hint="Subtract each row's maximum before np.exp.")
_ref_loss, _ref_ds = _xent_oracle(_s, _y)
check_close(_loss, _ref_loss, "the loss when the correct class scores 2e4 below the best one", show_expected=False,
            hint="A wrong answer this confident should cost about 2e4, not a clipped value: avoid log(p + eps), use log-sum-exp.")
check_close(_ds, _ref_ds, "dscores for scores of ±1e4", show_expected=False)
_s = _rng.normal(size=(4, 6))
_y = np.array([5, 0, 2, 2])
_, _ds = softmax_cross_entropy(_s, _y)
check_gradient(lambda s: softmax_cross_entropy(s, _y)[0], _s, _ds, "dscores of a (4, 6) batch")
check_close(np.sum(_ds, axis=1), np.zeros(4), "the row sums of dscores", show_expected=False,
            hint="Each row of p - y sums to 1 - 1 = 0.")
### END HIDDEN TESTS

# %% [markdown] id="linear-classifier"
# ## 4. A linear softmax classifier
#
# The simplest classifier with learnable parameters computes scores as a linear function of the input:
#
# $$\text{scores} = X W + b, \qquad X: (N, D),\; W: (D, C),\; b: (C,).$$
#
# Row $i$ of `scores` holds the $C$ class scores of example $i$; column $j$ of $W$ is a *template* for class $j$, and the score is the
# dot product of the image with that template. (The lecture notes and many textbooks store one example per **column** instead:
# $Z = W_{\text{notes}} A + b$ with $A$ of shape $(D, m)$ and $W_{\text{notes}}$ of shape $(C, D)$, which is our $W^\top$. It is the
# same computation transposed; this course keeps one example per row, matching NumPy's and most libraries' convention. Lecture 03
# writes the column form the same way.)
#
# **Regularisation.** To discourage large weights that fit noise, add an L2 penalty to the data loss:
#
# $$L = \frac1N\sum_i L_i + \lambda \sum_{d,c} W_{dc}^2, \qquad \frac{\partial}{\partial W}\Big(\lambda\sum W^2\Big) = 2\lambda W.$$
#
# The bias is not regularised: it only shifts scores and cannot make the model wiggly.
#
# **Gradients through the linear map.** With `dscores` = $\partial L/\partial\,\text{scores}$ from your cross-entropy:
#
# * `dW = X.T @ dscores` (shape `(D, N) @ (N, C) = (D, C)`, the same as `W`) plus the regularisation term;
# * `db = dscores.sum(axis=0)`: the bias is added to every row, so its gradient collects every row.
#
# `dscores` already contains the $1/N$ of the mean, so do not divide again.

# %% [markdown] id="linear-task"
# ### Your turn: `linear_softmax_loss`
#
# Write `linear_softmax_loss(W, b, X, y, reg)` returning `(loss, dW, db)`, using your `softmax_cross_entropy`. `dW` has the shape of `W`
# and `db` the shape of `b`.

# %% solution id="linear_softmax_loss"
def linear_softmax_loss(W, b, X, y, reg):
    """Loss and gradients of the linear classifier scores = X @ W + b.

    W: (D, C) weights; b: (C,) biases; X: (N, D) inputs; y: (N,) labels in [0, C);
    reg: L2 strength, the loss includes reg * sum(W**2).
    Returns (loss, dW, db) with dW (D, C) and db (C,).
    """
    ### BEGIN SOLUTION
    scores = X @ W + b
    data_loss, dscores = softmax_cross_entropy(scores, y)
    loss = data_loss + reg * np.sum(W * W)
    dW = X.T @ dscores + 2 * reg * W
    db = np.sum(dscores, axis=0)
    return loss, dW, db
    ### END SOLUTION


# %% tests id="test_linear_softmax_loss" points=3
# Checks for linear_softmax_loss
from course.checks import call  # runs your function; a crash, a wrong number of results or a changed input fails the check

_shapes_hint = "X is (N, D), W is (D, C), b is (C,): scores = X @ W + b is (N, C), dW = X.T @ dscores, db sums over axis 0."
_check_rng = np.random.default_rng(1)
X_small = _check_rng.normal(size=(6, 5))
y_small = np.array([0, 1, 2, 0, 1, 2])
loss, dW, db = call("linear_softmax_loss(W, b, X, y, reg=0)", linear_softmax_loss, np.zeros((5, 3)), np.zeros(3),
                    X_small, y_small, reg=0.0, n_out=3, hint=_shapes_hint)
check_close(loss, np.log(3), "the loss with all-zero weights and 3 classes",
            hint="Zero weights give equal scores, so each class gets p = 1/3 and the loss is log(3).")
check_shape(dW, (5, 3), "dW")
check_shape(db, (3,), "db")
W_small = 0.1 * _check_rng.normal(size=(5, 3))
b_small = 0.1 * _check_rng.normal(size=3)
loss0, dW0, db0 = call("linear_softmax_loss(W, b, X, y, reg=0)", linear_softmax_loss, W_small, b_small, X_small, y_small,
                       reg=0.0, n_out=3, hint=_shapes_hint)
loss, dW, db = call("linear_softmax_loss(W, b, X, y, reg=0.1)", linear_softmax_loss, W_small, b_small, X_small, y_small,
                    reg=0.1, n_out=3, hint=_shapes_hint)
check_close(loss - loss0, 0.1 * np.sum(W_small ** 2), "how much reg = 0.1 adds to the loss",
            hint="The loss with reg > 0 includes reg * np.sum(W ** 2) (of W only, not of b).")
check_close(db, db0, "db with reg = 0.1 compared with reg = 0", hint="Only W is regularised: db does not depend on reg.")
check_gradient(lambda w: linear_softmax_loss(w, b_small, X_small, y_small, 0.1)[0], W_small, dW, "dW (with reg = 0.1)")
check_gradient(lambda bb: linear_softmax_loss(W_small, bb, X_small, y_small, 0.1)[0], b_small, db, "db")
print("linear_softmax_loss: visible checks passed")
### BEGIN HIDDEN TESTS
def _linear_oracle(W, b, X, y, reg):
    s = X @ W + b
    z = s - s.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    n = len(y)
    g = np.exp(logp)
    g[np.arange(n), y] -= 1
    g /= n
    return -logp[np.arange(n), y].mean() + reg * np.sum(W ** 2), X.T @ g + 2 * reg * W, g.sum(axis=0)

_rng = np.random.default_rng(2023)
for _n, _d, _c, _reg in [(8, 5, 4, 0.0), (8, 5, 4, 0.05), (3, 7, 2, 1.0), (20, 4, 10, 1e-3)]:
    _W = _rng.normal(scale=0.5, size=(_d, _c))
    _b = _rng.normal(scale=0.5, size=_c)
    _X = _rng.normal(size=(_n, _d))
    _y = _rng.integers(0, _c, size=_n)
    _copies = [a.copy() for a in (_W, _b, _X, _y)]
    _loss, _dW, _db = linear_softmax_loss(_W, _b, _X, _y, _reg)
    for _name, _before, _after in zip(["W", "b", "X", "y"], _copies, (_W, _b, _X, _y)):
        check_unchanged(_before, _after, f"The input `{_name}`")
    _rl, _rdW, _rdb = _linear_oracle(_W, _b, _X, _y, _reg)
    check_close(_loss, _rl, f"the loss for N={_n}, D={_d}, C={_c}, reg={_reg}", show_expected=False)
    check_shape(_dW, (_d, _c), f"dW for W of shape {(_d, _c)}")
    check_shape(_db, (_c,), f"db for b of shape {(_c,)}")
    check_close(_dW, _rdW, f"dW for N={_n}, D={_d}, C={_c}, reg={_reg}", show_expected=False)
    check_close(_db, _rdb, f"db for N={_n}, D={_d}, C={_c}, reg={_reg}", show_expected=False)
_W = _rng.normal(size=(5, 4)); _b = _rng.normal(size=4); _X = _rng.normal(size=(9, 5)); _y = _rng.integers(0, 4, size=9)
_l0, _dW0, _db0 = linear_softmax_loss(_W, _b, _X, _y, 0.0)
_l1, _dW1, _db1 = linear_softmax_loss(_W, _b, _X, _y, 0.3)
check(np.isclose(_l1 - _l0, 0.3 * np.sum(_W ** 2)), "The regularisation term in the loss should be reg * sum(W**2).")
check(np.allclose(np.asarray(_dW1) - np.asarray(_dW0), 2 * 0.3 * _W),
      "The regularisation part of dW is off: differentiate reg * sum(W**2) with respect to W.")
check(np.allclose(_db1, _db0), "db changed with reg: the bias is not regularised.")
check_gradient(lambda w: linear_softmax_loss(w, _b, _X, _y, 0.3)[0], _W, _dW1, "dW of a (5, 4) weight matrix")
check_gradient(lambda bb: linear_softmax_loss(_W, bb, _X, _y, 0.3)[0], _b, _db1, "db of a (4,) bias")
### END HIDDEN TESTS

# %% [markdown] id="mnist-intro"
# ## 5. Training on MNIST
#
# MNIST holds 70,000 handwritten digits, each a 28×28 grey-scale image flattened into 784 pixel values between 0 and 1.
# The loader below downloads the full set when it can (in Colab) and otherwise uses a 5,000-image subset that ships with the course;
# it prints which one you got. We keep the **test** images aside until the very end and carve a **validation** set out of the
# training images to watch progress.

# %% id="load-mnist"
from course.data import load_mnist

data = load_mnist()
X_train, y_train, X_val, y_val = data.validation_split(fraction=0.1, seed=0)   # 10 % of the training images, at random
X_test, y_test = data.X_test, data.y_test
print(f"train {X_train.shape}, validation {X_val.shape}, test {X_test.shape}")
course.plots.show_images(X_train[:20], titles=y_train[:20]);

# %% [markdown] id="training-loop"
# ### Mini-batch stochastic gradient descent
#
# Computing the gradient on all training images for every step is slow and unnecessary. Instead, each **iteration** takes a small
# random **mini-batch** (here 100 images), computes the loss and gradients on it with your `linear_softmax_loss`, and takes a small
# step against the gradient. One pass over all training images is an **epoch**; we shuffle before each one.
#
# The cell below trains for 15 epochs. It takes a few seconds on the subset and under a minute on full MNIST.
# (`course.runtime.scaled(15, when_grading=2)` is just 15 on your machine; the autograder, which only checks your functions, trains for 2.)

# %% id="train"
from course.progress import progress  # tqdm's bar: a widget in JupyterLab and Colab, else plain text


def predict(W, b, X):
    return np.argmax(X @ W + b, axis=1)


def train_linear_softmax(X, y, X_val, y_val, num_classes=10, learning_rate=0.5, reg=1e-4,
                         batch_size=100, epochs=15, seed=0):
    rng = np.random.default_rng(seed)
    W = 0.001 * rng.standard_normal((X.shape[1], num_classes))
    b = np.zeros(num_classes)
    history = {"loss": [], "train_acc": [], "val_acc": []}
    for epoch in progress(range(epochs), desc="epochs"):
        order = rng.permutation(len(y))
        for start in range(0, len(y), batch_size):
            batch = order[start:start + batch_size]
            loss, dW, db = linear_softmax_loss(W, b, X[batch], y[batch], reg)
            W -= learning_rate * dW
            b -= learning_rate * db
            history["loss"].append(loss)
        history["train_acc"].append(np.mean(predict(W, b, X) == y))
        history["val_acc"].append(np.mean(predict(W, b, X_val) == y_val))
    return W, b, history


W, b, history = train_linear_softmax(X_train, y_train, X_val, y_val, epochs=course.runtime.scaled(15, when_grading=2))
print(f"after {len(history['val_acc'])} epochs: training accuracy {history['train_acc'][-1]:.1%}, "
      f"validation accuracy {history['val_acc'][-1]:.1%}")
course.plots.plot_training_curves(history["loss"], history["train_acc"], history["val_acc"]);

# %% [markdown] id="test-accuracy"
# ### The held-out test set
#
# Now, once, the test images: the classifier has never seen them, so this is our honest estimate of how it does on new digits.
# On the course's offline subset a linear softmax classifier should reach at least 88 %; on full MNIST about 92 %.

# %% id="evaluate"
test_acc = np.mean(predict(W, b, X_test) == y_test)
course.runtime.expect_accuracy(test_acc, at_least=0.88, description=data.description)

# %% [markdown] id="weights-intro"
# ### What did it learn?
#
# Each column of `W` holds 784 weights, one per pixel, so it can be drawn as a 28×28 image (all ten on one colour scale, shown by the
# bar). Ink is bright, close to 1, and the background is 0, so a red pixel raises the score of that digit where the input has ink,
# and a blue pixel lowers it. You should recognise blurry templates of the digits: the classifier has learned one "average" shape
# per class, which is also its limit. Below, some test digits it gets wrong; each title reads *true label → predicted label*.

# %% id="show-weights"
course.plots.show_class_weights(W)
wrong = np.flatnonzero(predict(W, b, X_test) != y_test)[:10]
course.plots.show_images(X_test[wrong], titles=[f"{t} → {p}" for t, p in zip(y_test[wrong], predict(W, b, X_test[wrong]))]);

# %% [markdown] id="think"
# ## Things to think about
#
# 1. Why does every row of `dscores` sum to zero? What does that say about how the gradient moves the scores of one example?
# 2. Train with `reg=0.1`. What happens to the weight images and to the accuracy? And with `learning_rate=5.0`?
# 3. The template picture explains the mistakes above: a linear classifier has one template per class. Which pairs of digits would you
#    expect it to confuse, and why? Lecture 03 adds a hidden layer so the network can learn several templates per class.
