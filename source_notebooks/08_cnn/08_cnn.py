# %% [markdown] id="header"
# # Lecture 08 · Convolutional networks
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({{COLAB_URL}})
#
# Every network so far has read an image as a list of 784 numbers. It never learned that pixel 300 sits next to pixel 301, and
# a digit moved three pixels to the right is, to a dense layer, a brand-new pattern. A **convolutional network** (CNN) reads the
# image as an image: small **filters** slide over it and respond wherever their pattern appears, the same few weights are used at
# every position (**weight sharing**), and **pooling** shrinks the result while keeping what was found. In this lecture you work
# the lecture notes' 6×6 example by hand, write the convolution and pooling layers with plain loops and check their gradients,
# count the parameters of the two Keras models from the notes, rewrite the convolution as one matrix product (**im2col**) that
# is fast enough to train with, and train the notes' CNN on MNIST.
#
# You will write nine pieces:
#
# | function | what it does |
# |---|---|
# | `conv_output_size(H, HH, stride, pad)` | the height (or width) of a convolution's output |
# | `conv_forward_naive(x, w, b, conv_param)` | the convolution layer by its definition, with loops; returns `(out, cache)` |
# | `conv_backward_naive(dout, cache)` | its gradients `(dx, dw, db)` |
# | `max_pool_forward_naive(x, pool_param)` | max pooling; returns `(out, cache)` |
# | `max_pool_backward_naive(dout, cache)` | its gradient `dx` |
# | `im2col(x, HH, WW, stride, pad)` | every receptive field of a batch as one column of a matrix |
# | `conv_forward_im2col(x, w, b, conv_param)` | the same convolution as one matrix product |
# | `dense_param_count(d_in, d_out)` | the number of parameters of a dense layer |
# | `conv_param_count(c_in, filters, HH, WW)` | the number of parameters of a convolution layer |
#
# **How to work through this notebook.** Read top to bottom and run each cell in order (Shift+Enter).
# Cells marked *Your turn* contain `# YOUR CODE HERE` and `raise NotImplementedError()`: replace both with your code.
# The cell after each exercise runs *checks*; if one fails, its message says what is wrong.
# When you hand the notebook in, hidden tests check the same functions more thoroughly, so make sure the visible checks pass first.
# In Colab: save with Ctrl+S (⌘+S) and download the notebook with *File → Download → Download .ipynb*.

# %% setup id="setup"

# %% [markdown] id="given-intro"
# ### Given: layers, loss and optimiser from earlier lectures
#
# The CNN at the end of this lecture ends in two dense layers and a softmax loss, and trains with SGD with momentum and a cosine
# learning-rate schedule. You wrote them in lectures 02, 03 and 05; here are correct versions, so that a slip there cannot hold
# you back here.

# %% given="03_backprop:affine_forward,affine_backward,relu_forward,relu_backward" id="given-layers"

# %% given="02_softmax:softmax_cross_entropy" id="given-loss"

# %% given="05_optimisation:sgd_momentum,cosine_decay" id="given-optim"

# %% [markdown] id="position-intro"
# ## 1. What a dense layer does not know
#
# The lecture notes put it this way: a dense network first turns the image into one long vector, one input per pixel, and with
# that the **position** of each pixel is gone. Nothing in `x @ W` says that input 300 and input 301 are neighbours; shuffle the
# 784 pixels of every image the same way and a dense net learns exactly as well. Everything it knows about where strokes are, it
# has to learn separately for every position.
#
# An experiment makes this concrete. We train a small dense net, 784–128–10, on the course's MNIST images (a few seconds), and
# then show it test digits **shifted** a few pixels to the right. To a person a shifted 7 is still a 7.

# %% id="load-mnist"
from course.data import load_mnist
from course.progress import progress

data = load_mnist()
X_train, y_train = data.X_train, data.y_train
X_test, y_test = data.X_test, data.y_test
if data.source == "full":   # this lecture trains on 4,000 images even when full MNIST is at hand, to stay quick
    keep = np.random.default_rng(0).permutation(len(y_train))[:4000]
    X_train, y_train = X_train[keep], y_train[keep]
print(f"training images {X_train.shape}, test images {X_test.shape}")


def shift_right(X, pixels):
    """Each 28x28 image (one per row of X) moved `pixels` to the right, filled with black on the left."""
    images = X.reshape(-1, 28, 28)
    moved = np.zeros_like(images)
    moved[:, :, pixels:] = images[:, :, :28 - pixels]
    return moved.reshape(X.shape)


# %% id="dense-net"
def train_dense(X, y, hidden=128, epochs=10, learning_rate=0.1, batch_size=64, seed=0):
    """A 784-hidden-10 ReLU net trained with plain mini-batch SGD; returns its parameters."""
    rng = np.random.default_rng(seed)
    p = {"W1": rng.standard_normal((784, hidden)) * np.sqrt(2 / 784), "b1": np.zeros(hidden),
         "W2": rng.standard_normal((hidden, 10)) * np.sqrt(2 / hidden), "b2": np.zeros(10)}
    for _ in range(epochs):
        order = rng.permutation(len(y))
        for start in range(0, len(y), batch_size):
            batch = order[start:start + batch_size]
            h, c1 = affine_forward(X[batch], p["W1"], p["b1"])
            a, c2 = relu_forward(h)
            scores, c3 = affine_forward(a, p["W2"], p["b2"])
            _, dscores = softmax_cross_entropy(scores, y[batch])
            da, dW2, db2 = affine_backward(dscores, c3)
            _, dW1, db1 = affine_backward(relu_backward(da, c2), c1)
            for name, grad in (("W1", dW1), ("b1", db1), ("W2", dW2), ("b2", db2)):
                p[name] -= learning_rate * grad
    return p


def dense_scores(p, X):
    return np.maximum(0, X @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"]


dense = train_dense(X_train, y_train, epochs=course.runtime.scaled(10, when_grading=2))
print(f"dense net, test accuracy on the unshifted test images: {np.mean(dense_scores(dense, X_test).argmax(1) == y_test):.1%}")


# %% id="shift-demo"
def prob_of_label(scores, label):
    scores = scores - scores.max()
    return np.exp(scores[label]) / np.exp(scores).sum()


example = 0
shifts = [0, 2, 4, 6]
shifted = [shift_right(X_test[example:example + 1], s) for s in shifts]
titles = []
for s, image in zip(shifts, shifted):
    scores = dense_scores(dense, image)[0]
    titles.append(f"shift {s}: says {scores.argmax()}\np({y_test[example]}) = {prob_of_label(scores, y_test[example]):.2f}")
course.plots.show_images(np.concatenate(shifted), titles=titles, ncols=4, size=2.0);

dense_shift_acc = [np.mean(dense_scores(dense, shift_right(X_test, s)).argmax(1) == y_test) for s in shifts]
print("dense net, test accuracy with every test digit shifted right by 0, 2, 4, 6 pixels:")
print("  " + "  ".join(f"{s} px: {a:.1%}" for s, a in zip(shifts, dense_shift_acc)))

# %% [markdown] id="position-notes"
# Two pixels already cost the dense net many points, and at six pixels it gets most digits wrong, although every shifted digit
# is as clear as before. Its first-layer weights are templates pinned to positions: ink that moves off the pixels
# a template expects no longer counts for that template.
#
# The notes list three observations that lead to a better layer for images:
#
# 1. **A pattern is small.** To decide whether a short diagonal stroke is present, a neuron needs to look at a few neighbouring
#    pixels, not at the whole image.
# 2. **The same pattern appears in different places.** A stroke detector that works in the top-left corner should work in the
#    bottom-right corner too, with the *same* weights.
# 3. **Subsampling keeps the picture.** Dropping every second row and column of a digit still leaves a recognisable digit, with a
#    quarter of the numbers.
#
# Observations 1 and 2 give the **convolution layer**, observation 3 the **pooling layer**.

# %% [markdown] id="filter-intro"
# ## 2. A filter slides over an image: the notes' 6×6 example
#
# The notes use a 6×6 black-and-white image (1 = ink) and a 3×3 **filter** that looks for a diagonal stroke from top left to
# bottom right: $+1$ on its diagonal, $-1$ elsewhere.
#
# Put the filter on the top-left 3×3 window of the image, multiply each filter weight with the pixel under it, and add up the nine
# products. The window is
#
# $$\begin{pmatrix}1&0&0\\0&1&0\\0&0&1\end{pmatrix}, \qquad\text{so}\qquad
#   1\cdot1 + 1\cdot1 + 1\cdot1 + (-1)\cdot 0 \cdot 6 = 3,$$
#
# the largest value this filter can produce on a 0/1 image: the window *is* the pattern. Then move the window one pixel to the
# right and do it again, and so on, row by row. With a 3×3 filter there are $6 - 3 + 1 = 4$ positions across and 4 down, so the
# result is a 4×4 array, the **feature map**. Where it is large, the filter's pattern is present.
#
# In formulas, the feature map is
#
# $$\text{out}[i, j] = \sum_{a=0}^{2}\sum_{b=0}^{2} x[i + a,\ j + b]\; w[a, b] \;(+\, \text{bias}).$$
#
# (Mathematicians call this a *cross-correlation*; a convolution in the textbook sense would flip the filter first. Every
# deep-learning library computes the unflipped sum and still calls it convolution, and so does this course. Since the filter is
# learned, the flip makes no difference to what a network can do.)

# %% id="six-by-six"
from course.conv_plots import show_sliding_window, show_maps

image6 = np.array([[1, 0, 0, 0, 0, 1],
                   [0, 1, 0, 0, 1, 0],
                   [0, 0, 1, 1, 0, 0],
                   [1, 0, 0, 0, 1, 0],
                   [0, 1, 0, 0, 1, 0],
                   [0, 0, 1, 0, 1, 0]], dtype=float)
filter1 = np.array([[1, -1, -1],
                    [-1, 1, -1],
                    [-1, -1, 1]], dtype=float)     # a diagonal stroke
filter2 = np.array([[-1, 1, -1],
                    [-1, 1, -1],
                    [-1, 1, -1]], dtype=float)     # a vertical stroke


def slide(image, kernel):
    """The feature map of one filter on one image: stride 1, no padding, the definition written out."""
    k = kernel.shape[0]
    size = image.shape[0] - k + 1
    fmap = np.zeros((size, size))
    for i in range(size):
        for j in range(size):
            fmap[i, j] = np.sum(image[i:i + k, j:j + k] * kernel)
    return fmap


fmap1 = slide(image6, filter1)
print("top-left window times filter 1:", np.sum(image6[0:3, 0:3] * filter1))
print("feature map 1:\n", fmap1)
show_sliding_window(image6, filter1, fmap1, positions=[(0, 0), (0, 1), (3, 0)],
                    titles=["the 6×6 image", "filter 1 (diagonal)", "feature map 1"]);

# %% [markdown] id="filter-notes"
# The three framed windows and the entries they produce: red, the top-left window, is the pattern itself (3); blue, one step to
# the right, shares only one pixel with it (−1); green, in the bottom-left corner, is another copy of the diagonal, and the filter
# finds it there too (3). Filter 1 finds its stroke twice, at the top left and the bottom left, with the same nine weights.
#
# A second filter looks for a vertical stroke. **Each filter makes its own feature map**: a layer with 2 filters turns the 6×6
# image into 2 feature maps of 4×4, a stack of "images" with 2 channels.

# %% id="two-filters"
fmap2 = slide(image6, filter2)
print("feature map 2:\n", fmap2)
show_sliding_window(image6, filter2, fmap2, positions=[(3, 3)],
                    titles=["the 6×6 image", "filter 2 (vertical)", "feature map 2"]);

# %% [markdown] id="sharing-intro"
# ### Weight sharing: a convolution is a dense layer with most weights removed
#
# Each entry of a feature map is one neuron. Written as a dense layer from the 36 pixels to the 16 entries of feature map 1,
# its weight matrix would be $16 \times 36$. Draw it: every row holds the same nine weights, at different places, and zeros
# everywhere else. A neuron is connected to only nine pixels (observation 1), and all 16 neurons share one set of weights
# (observation 2).
#
# That is where a CNN's small parameter count comes from. The notes compare a layer of 100 filters of size 3×3 with a dense layer
# of 100 neurons on the same 6×6 image:
#
# $$\underbrace{3 \cdot 3 \cdot 100 + 100}_{\text{convolution: 9 weights and 1 bias per filter}} = 1{,}000
#   \qquad\text{against}\qquad
#   \underbrace{6 \cdot 6 \cdot 100 + 100}_{\text{dense: 36 weights and 1 bias per neuron}} = 3{,}700.$$
#
# And the convolution's count does not grow with the image: on a 28×28 digit the same 100 filters still have 1,000 parameters,
# the dense layer $784 \cdot 100 + 100 = 78{,}500$.

# %% id="sharing-picture"
dense_equivalent = np.zeros((16, 36))
for i in range(4):
    for j in range(4):
        placed = np.zeros((6, 6))
        placed[i:i + 3, j:j + 3] = filter1          # the filter at window (i, j), zeros elsewhere
        dense_equivalent[i * 4 + j] = placed.ravel()
print("same result as sliding the filter:", np.allclose(dense_equivalent @ image6.ravel(), fmap1.ravel()))
fig, ax = plt.subplots(figsize=(9, 4))
ax.imshow(dense_equivalent, cmap="RdBu_r", vmin=-1.5, vmax=1.5)
ax.set_xlabel("input pixel (the 6×6 image flattened, 36 inputs)")
ax.set_ylabel("output neuron\n(feature map entry)")
ax.set_title("filter 1 as a 16×36 dense weight matrix: red +1, blue −1, white 0")
fig.tight_layout()


# %% [markdown] id="padding-intro"
# ## 3. Padding, stride and the size of the output
#
# Two more settings change the size of a feature map.
#
# * **Padding.** A 3×3 filter cannot be centred on a border pixel, so the output is smaller than the input (6×6 became 4×4),
#   and pixels on the border are seen by fewer windows than pixels in the middle. Adding `pad` rows and columns of zeros on
#   every side fixes both: with a 3×3 filter, `pad = 1` keeps the size ("same" padding in Keras; no padding is "valid").
# * **Stride.** The step by which the window moves. With stride 2 the filter visits every second position, and the output is
#   about half as high and half as wide.
#
# For an input of height $H$, a filter of height $HH$, padding $P$ and stride $S$, the first window starts at row 0 of the padded
# input (height $H + 2P$), the last one must end inside it, and the windows start $S$ rows apart, so
#
# $$H_\text{out} = \left\lfloor \frac{H + 2P - HH}{S} \right\rfloor + 1.$$
#
# The same formula gives the width. If $(H + 2P - HH)$ is not a multiple of $S$, the last rows that do not fill a whole window
# are dropped (the floor); PyTorch and Keras do the same. The 6×6 image: $\lfloor (6 + 0 - 3)/1 \rfloor + 1 = 4$.
# An MNIST digit under a 3×3 filter without padding: $28 - 3 + 1 = 26$, as in the first line of the notes' Keras summary.

# %% [markdown] id="conv-output-size-task"
# ### Your turn: `conv_output_size`
#
# Return the output height as a Python `int`. Use integer division `//` (not `/` and `int(...)` of a float).

# %% solution id="conv_output_size"
def conv_output_size(H, HH, stride, pad):
    """Output height (or width) of a convolution: input size H, filter size HH, stride, zero padding pad on each side."""
    ### BEGIN SOLUTION
    return (H + 2 * pad - HH) // stride + 1
    ### END SOLUTION


# %% tests id="test_conv_output_size" points=1
from course.checks import call  # runs your function; a crash or a wrong number of results fails the check


def _size_of(*args):
    value = call(f"conv_output_size{args}", conv_output_size, *args)
    check(np.ndim(value) == 0 and float(value) == int(value),
          f"conv_output_size{args} should return a whole number, got {value!r}. Use integer division //.")
    return int(value)


# Checks for conv_output_size
check(_size_of(6, 3, 1, 0) == 4, "conv_output_size(6, 3, 1, 0) should be 4: the notes' 6x6 image and 3x3 filter give a 4x4 "
                                 "feature map.")
check(_size_of(28, 3, 1, 0) == 26, "conv_output_size(28, 3, 1, 0) should be 26 (an MNIST digit under a 3x3 filter).")
check(_size_of(28, 3, 1, 1) == 28, "With pad = 1 a 3x3 filter keeps the size: conv_output_size(28, 3, 1, 1) should be 28. "
                                   "Did you add the padding on both sides (2 * pad)?")
check(_size_of(7, 3, 2, 0) == 3, "conv_output_size(7, 3, 2, 0) should be 3: windows start at rows 0, 2 and 4. "
                                 "Did you divide by the stride?")
print("conv_output_size: visible checks passed")
### BEGIN HIDDEN TESTS
for _H, _HH, _S, _P in [(5, 3, 1, 0), (5, 3, 1, 1), (5, 3, 1, 2), (8, 3, 2, 1), (6, 3, 2, 0), (10, 4, 3, 0),
                        (9, 2, 2, 0), (32, 5, 1, 2), (4, 4, 1, 0), (11, 3, 3, 1), (13, 2, 2, 0), (3, 1, 1, 0)]:
    _expected = (_H + 2 * _P - _HH) // _S + 1
    _got = _size_of(_H, _HH, _S, _P)
    _hints = []
    if _got == (_H + _P - _HH) // _S + 1:
        _hints.append("the padding is added on both sides, so the padded height is H + 2 * pad")
    if _got == _H + 2 * _P - _HH + 1:
        _hints.append("the stride is ignored")
    if _got in (_expected - 1, _expected + 1):
        _hints.append("the result is off by one: count the window starting at row 0 too, and round down")
    check(_got == _expected, f"conv_output_size(H={_H}, HH={_HH}, stride={_S}, pad={_P}) is not right"
          + (f": it looks like {'; or '.join(_hints)}." if _hints else "."))
### END HIDDEN TESTS

# %% [markdown] id="conv-layer-intro"
# ## 4. The convolution layer
#
# A real layer works on a **batch** of images with several **channels** (3 for a colour image; after a first convolution layer,
# one channel per filter of that layer) and applies several filters. Following the course's convention (images `(N, C, H, W)`):
#
# | array | shape | meaning |
# |---|---|---|
# | `x` | `(N, C, H, W)` | $N$ images of $C$ channels, $H \times W$ pixels |
# | `w` | `(F, C, HH, WW)` | $F$ filters; each filter spans **all $C$ channels** of the input |
# | `b` | `(F,)` | one bias per filter |
# | `out` | `(N, F, H_out, W_out)` | one feature map per image and filter |
#
# A filter looks through all channels at once: its window is a little $C \times HH \times WW$ box, and the output adds up all
# $C \cdot HH \cdot WW$ products. With `x_pad` the input with `pad` zeros around each image,
#
# $$\text{out}[n, f, i, j] = \sum_{c=0}^{C-1} \sum_{a=0}^{HH-1} \sum_{b=0}^{WW-1}
#     x_\text{pad}[n,\ c,\ i \cdot S + a,\ j \cdot S + b]\; w[f, c, a, b] \;+\; b[f].$$
#
# The channels are summed over; the filters are not (each makes its own output channel). This is where the notes' Keras model gets
# from 1 channel to 32 and from 32 to 64.

# %% [markdown] id="conv-forward-task"
# ### Your turn: `conv_forward_naive`
#
# Write the formula as it stands: four loops, over the images `n`, the filters `f`, the output rows `i` and the output columns `j`.
# In the innermost step, cut the $C \times HH \times WW$ window out of `x_pad[n]`, multiply it by `w[f]` element-wise, sum and add
# `b[f]`. `conv_param` is a dict with the keys `"stride"` and `"pad"`.
#
# * Pad with zeros on the two spatial axes only: `np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))`.
# * The window of output `(i, j)` starts at row `i * stride` and column `j * stride` of `x_pad`.
# * Return `cache = (x, w, b, conv_param)`; `conv_backward_naive` receives exactly that.
#
# Slow, but short and obviously right. Section 8 makes it fast.

# %% solution id="conv_forward_naive"
def conv_forward_naive(x, w, b, conv_param):
    """Convolution layer, forward pass, by the definition.

    x: (N, C, H, W) inputs; w: (F, C, HH, WW) filters; b: (F,) biases;
    conv_param: {"stride": S, "pad": P}, zero padding P on each side of H and W.
    Returns (out, cache): out (N, F, H_out, W_out); cache = (x, w, b, conv_param).
    """
    ### BEGIN SOLUTION
    stride, pad = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    H_out = (H + 2 * pad - HH) // stride + 1
    W_out = (W + 2 * pad - WW) // stride + 1
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    out = np.zeros((N, F, H_out, W_out))
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    window = x_pad[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW]
                    out[n, f, i, j] = np.sum(window * w[f]) + b[f]
    cache = (x, w, b, conv_param)
    return out, cache
    ### END SOLUTION


# %% tests id="test_conv_forward_naive" points=3
from course.checks import call  # runs your function; a crash or a wrong number of results fails the check


def _conv_ref(x, w, b, stride, pad, flip=False):
    """The convolution by its definition (einsum over each kernel position); flip=True turns the kernel around."""
    if flip:
        w = w[:, :, ::-1, ::-1]
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    Ho, Wo = (H + 2 * pad - HH) // stride + 1, (W + 2 * pad - WW) // stride + 1
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    out = np.zeros((N, F, Ho, Wo)) + b[None, :, None, None]
    for a in range(HH):
        for c in range(WW):
            patch = xp[:, :, a:a + stride * (Ho - 1) + 1:stride, c:c + stride * (Wo - 1) + 1:stride]
            out += np.einsum("nchw,fc->nfhw", patch, w[:, :, a, c])
    return out


def _conv_diagnosis(got, x, w, b, stride, pad):
    """Plain-words guesses at what went wrong, from comparing with common mistakes."""
    got = np.asarray(got, dtype=float)
    guesses = [("the filter is flipped: the course computes w[f, c, a, b] * x_pad[n, c, i*stride + a, j*stride + b], "
                "without turning the kernel around", _conv_ref(x, w, b, stride, pad, flip=True)),
               ("the bias is missing: add b[f] to every output of filter f", _conv_ref(x, w, 0 * b, stride, pad)),
               ("the bias of the wrong filter is added: filter f's outputs get b[f]",
                _conv_ref(x, w, 0 * b, stride, pad) + b[::-1][None, :, None, None])]
    for words, candidate in guesses:
        if candidate.shape == got.shape and not np.allclose(candidate, _conv_ref(x, w, b, stride, pad)) \
                and np.allclose(got, candidate):
            return "It looks like " + words + "."
    return ("Each output is the sum over all channels and the window of x_pad times the filter, plus that filter's bias; "
            "check the window's start (i * stride, j * stride), the padding, and which axis you sum over.")


def _conv_check(x, w, b, stride, pad, what, show_expected=False):
    copies = [a.copy() for a in (x, w, b)]
    param = {"stride": stride, "pad": pad}
    out, cache = call(what, conv_forward_naive, x, w, b, param, n_out=2)
    for name, before, after in zip("xwb", copies, (x, w, b)):
        check_unchanged(before, after, f"The input `{name}` of conv_forward_naive")
    expected = _conv_ref(x, w, b, stride, pad)
    N, F = x.shape[0], w.shape[0]
    check(np.shape(out) == expected.shape,
          f"{what}: the output has shape {np.shape(out)}; it should be (N, F, H_out, W_out) = {expected.shape}. "
          "H_out = (H + 2 * pad - HH) // stride + 1, and the same for the width.")
    check_close(out, expected, what, show_expected=show_expected, hint=_conv_diagnosis(out, x, w, b, stride, pad))
    return out


# Checks for conv_forward_naive
_six = np.array([[1, 0, 0, 0, 0, 1], [0, 1, 0, 0, 1, 0], [0, 0, 1, 1, 0, 0],
                 [1, 0, 0, 0, 1, 0], [0, 1, 0, 0, 1, 0], [0, 0, 1, 0, 1, 0]], dtype=float)[None, None]
_filters = np.array([[[1, -1, -1], [-1, 1, -1], [-1, -1, 1]],
                     [[-1, 1, -1], [-1, 1, -1], [-1, 1, -1]]], dtype=float)[:, None]      # (2, 1, 3, 3)
_out = _conv_check(_six, _filters, np.zeros(2), 1, 0, "conv_forward_naive on the notes' 6x6 image with filters 1 and 2")
check_close(_out[0, 0], [[3, -1, -3, -1], [-3, 1, 0, -3], [-3, -3, 0, 1], [3, -2, -2, -1]],
            "feature map 1 of the notes' example")
_conv_check(_six, _filters, np.array([0.5, -1.0]), 1, 0, "conv_forward_naive on the 6x6 image with biases 0.5 and -1")
_conv_check(_six, _filters, np.zeros(2), 2, 0, "conv_forward_naive on the 6x6 image with stride 2")
_conv_check(_six, _filters, np.zeros(2), 1, 1, "conv_forward_naive on the 6x6 image with pad = 1")
_x = np.arange(2 * 3 * 4 * 4, dtype=float).reshape(2, 3, 4, 4) / 10
_w = np.linspace(-1, 1, 2 * 3 * 3 * 3).reshape(2, 3, 3, 3)
_conv_check(_x, _w, np.array([0.1, -0.2]), 1, 1, "conv_forward_naive with N=2 images of C=3 channels, F=2 filters, pad 1")
print("conv_forward_naive: visible checks passed")
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(8081)
for _N, _C, _H, _W, _F, _HH, _WW, _S, _P in [(2, 3, 5, 5, 4, 3, 3, 1, 0), (1, 2, 6, 6, 3, 3, 3, 1, 1),
                                             (3, 1, 7, 7, 2, 3, 3, 2, 0), (2, 2, 8, 6, 3, 3, 3, 2, 1),
                                             (1, 3, 5, 7, 2, 2, 3, 1, 2), (2, 4, 9, 9, 2, 3, 3, 3, 1),
                                             (4, 1, 4, 4, 1, 1, 1, 1, 0), (1, 2, 6, 5, 5, 4, 2, 2, 0)]:
    _x = _rng.normal(size=(_N, _C, _H, _W))
    _w = _rng.normal(size=(_F, _C, _HH, _WW))
    _b = _rng.normal(size=_F)
    _conv_check(_x, _w, _b, _S, _P, f"conv_forward_naive with x {_x.shape}, w {_w.shape}, stride {_S}, pad {_P}",
                show_expected=False)
### END HIDDEN TESTS

# %% [markdown] id="conv-backward-intro"
# ### The backward pass
#
# Every output is a sum of products $x_\text{pad}[\dots]\, w[\dots]$ plus a bias, so the rules of lecture 03 apply to each product:
# a multiply gate sends each factor the *other* factor times the upstream gradient, and a value used in many places collects the
# sum of its gradients. Write $d[n, f, i, j]$ for `dout`, and $W_{ij}$ for the window of output $(i, j)$:
#
# * **`db`**: $b[f]$ is added to every output of filter $f$, for every image and every position:
#   $\;db[f] = \sum_{n, i, j} d[n, f, i, j]$. (Not only over the batch, as in the affine layer: over the positions too.)
# * **`dw`**: $w[f]$ multiplies the window $W_{ij}$ of every image at every position:
#   $\;dw[f] = \sum_{n, i, j} d[n, f, i, j] \cdot x_\text{pad}[n, :, W_{ij}]$. Weight sharing in the forward pass means adding
#   up in the backward pass.
# * **`dx`**: a pixel of `x_pad` sits in several windows (up to $HH \cdot WW$ of them) and is multiplied by a different filter
#   weight in each: $\;dx_\text{pad}[n, :, W_{ij}] \mathrel{+}= d[n, f, i, j] \cdot w[f]$ for every $f, i, j$. Finally cut the
#   padding away: `dx = dx_pad[:, :, pad:pad + H, pad:pad + W]` (the padded zeros are no input, their gradient is dropped).
#
# In code: the same four loops as the forward pass, and in the innermost step two `+=` lines, one for `dw[f]` and one for the
# window of `dx_pad[n]`.

# %% [markdown] id="conv-backward-task"
# ### Your turn: `conv_backward_naive`
#
# `cache` is `(x, w, b, conv_param)` as returned by your forward pass. Return `(dx, dw, db)` with the shapes of `x`, `w` and `b`.
# Do not divide by $N$: `dout` already holds the $1/N$ of the mean loss.

# %% solution id="conv_backward_naive"
def conv_backward_naive(dout, cache):
    """Convolution layer, backward pass, by the definition.

    dout: (N, F, H_out, W_out) upstream gradient; cache: (x, w, b, conv_param) from conv_forward_naive.
    Returns (dx, dw, db) with the shapes of x, w and b.
    """
    ### BEGIN SOLUTION
    x, w, b, conv_param = cache
    stride, pad = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    _, _, H_out, W_out = dout.shape
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    dx_pad = np.zeros(x_pad.shape)
    dw = np.zeros(w.shape)
    db = np.sum(dout, axis=(0, 2, 3))
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    rows = slice(i * stride, i * stride + HH)
                    cols = slice(j * stride, j * stride + WW)
                    dw[f] += dout[n, f, i, j] * x_pad[n, :, rows, cols]
                    dx_pad[n, :, rows, cols] += dout[n, f, i, j] * w[f]
    dx = dx_pad[:, :, pad:pad + H, pad:pad + W]
    return dx, dw, db
    ### END SOLUTION


# %% tests id="test_conv_backward_naive" points=4
from course.checks import call  # runs your function; a crash or a wrong number of results fails the check


def _conv_out(x, w, b, stride, pad):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    Ho, Wo = (H + 2 * pad - HH) // stride + 1, (W + 2 * pad - WW) // stride + 1
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    out = np.zeros((N, F, Ho, Wo)) + b[None, :, None, None]
    for a in range(HH):
        for c in range(WW):
            out += np.einsum("nchw,fc->nfhw", xp[:, :, a:a + stride * (Ho - 1) + 1:stride,
                                              c:c + stride * (Wo - 1) + 1:stride], w[:, :, a, c])
    return out


def _conv_grads(x, w, b, stride, pad, dout):
    """dx, dw, db of sum(out * dout), by the adjoint of _conv_out."""
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    Ho, Wo = dout.shape[2:]
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    dxp = np.zeros(xp.shape)
    dw = np.zeros(w.shape)
    for a in range(HH):
        for c in range(WW):
            where = (slice(None), slice(None), slice(a, a + stride * (Ho - 1) + 1, stride), slice(c, c + stride * (Wo - 1) + 1, stride))
            dw[:, :, a, c] = np.einsum("nchw,nfhw->fc", xp[where], dout)
            dxp[where] += np.einsum("nfhw,fc->nchw", dout, w[:, :, a, c])
    return dxp[:, :, pad:pad + H, pad:pad + W], dw, dout.sum(axis=(0, 2, 3))


def _conv_backward_check(x, w, b, stride, pad, dout, what, show_expected=False):
    param = {"stride": stride, "pad": pad}
    copies = [a.copy() for a in (x, w, b, dout)]
    grads = call(what, conv_backward_naive, dout, (x, w, b, param), n_out=3,
                 hint="conv_backward_naive receives cache = (x, w, b, conv_param), as conv_forward_naive returns it.")
    for name, before, after in zip(["x", "w", "b", "dout"], copies, (x, w, b, dout)):
        check_unchanged(before, after, f"The array `{name}`")
    expected = _conv_grads(x, w, b, stride, pad, dout)
    hints = {"dx": "A pixel is in several windows: add dout[n, f, i, j] * w[f] onto the window of dx_pad for every (f, i, j), "
                   "then cut the padding away.",
             "dw": "dw[f] adds up dout[n, f, i, j] times the window of x_pad, over every image n and position (i, j).",
             "db": "db[f] is the sum of dout over the images AND the positions: axes 0, 2 and 3."}
    shape_hints = {"dx": "dx must have the shape of x: if it has the padded shape, cut the padding away at the end.",
                   "dw": "dw must have the shape of w, (F, C, HH, WW).",
                   "db": "db has one entry per filter, shape (F,): sum dout over the images and the positions (axes 0, 2 "
                         "and 3)."}
    for name, got, exp in zip(["dx", "dw", "db"], grads, expected):
        check(np.shape(got) == exp.shape, f"{name} in {what} has shape {np.shape(got)}, not {exp.shape}. {shape_hints[name]}")
        check_close(got, exp, f"{name} in {what}", show_expected=show_expected, hint=hints[name])


# Checks for conv_backward_naive
_six = np.array([[1, 0, 0, 0, 0, 1], [0, 1, 0, 0, 1, 0], [0, 0, 1, 1, 0, 0],
                 [1, 0, 0, 0, 1, 0], [0, 1, 0, 0, 1, 0], [0, 0, 1, 0, 1, 0]], dtype=float)[None, None]
_filter1 = np.array([[1, -1, -1], [-1, 1, -1], [-1, -1, 1]], dtype=float)[None, None]
_dout = np.zeros((1, 1, 4, 4))
_dout[0, 0, 0, 0] = 1.0      # only the top-left output matters
_conv_backward_check(_six, _filter1, np.zeros(1), 1, 0, _dout,
                     "conv_backward_naive on the 6x6 image when only the top-left output has gradient 1")
_conv_backward_check(_six, _filter1, np.zeros(1), 1, 0, np.ones((1, 1, 4, 4)),
                     "conv_backward_naive on the 6x6 image with dout all ones")
_check_rng = np.random.default_rng(0)
for _S, _P in [(1, 1), (2, 1)]:
    _x = _check_rng.normal(size=(2, 3, 5, 5))
    _w = _check_rng.normal(size=(3, 3, 3, 3))
    _b = _check_rng.normal(size=3)
    _param = {"stride": _S, "pad": _P}
    _Ho = (5 + 2 * _P - 3) // _S + 1
    _dout = _check_rng.normal(size=(2, 3, _Ho, _Ho))
    _dx, _dw, _db = call("conv_backward_naive", conv_backward_naive, _dout, (_x, _w, _b, _param), n_out=3)
    check_gradient(lambda v: np.sum(_conv_out(v, _w, _b, _S, _P) * _dout), _x, _dx, f"dx (stride {_S}, pad {_P})")
    check_gradient(lambda v: np.sum(_conv_out(_x, v, _b, _S, _P) * _dout), _w, _dw, f"dw (stride {_S}, pad {_P})")
    check_gradient(lambda v: np.sum(_conv_out(_x, _w, v, _S, _P) * _dout), _b, _db, f"db (stride {_S}, pad {_P})")
print("conv_backward_naive: visible checks passed")
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(8082)
for _N, _C, _H, _W, _F, _HH, _WW, _S, _P in [(2, 3, 5, 5, 4, 3, 3, 1, 0), (1, 2, 6, 6, 3, 3, 3, 1, 1),
                                             (3, 1, 7, 7, 2, 3, 3, 2, 0), (2, 2, 8, 6, 3, 3, 3, 2, 1),
                                             (1, 3, 5, 7, 2, 2, 3, 1, 2), (2, 2, 9, 9, 2, 3, 3, 3, 1),
                                             (1, 2, 6, 5, 5, 4, 2, 2, 0)]:
    _x = _rng.normal(size=(_N, _C, _H, _W))
    _w = _rng.normal(size=(_F, _C, _HH, _WW))
    _b = _rng.normal(size=_F)
    _Ho, _Wo = (_H + 2 * _P - _HH) // _S + 1, (_W + 2 * _P - _WW) // _S + 1
    _dout = _rng.normal(size=(_N, _F, _Ho, _Wo))
    _conv_backward_check(_x, _w, _b, _S, _P, _dout,
                         f"conv_backward_naive with x {_x.shape}, w {_w.shape}, stride {_S}, pad {_P}", show_expected=False)
### END HIDDEN TESTS

# %% [markdown] id="pool-intro"
# ## 5. Max pooling
#
# Observation 3: a smaller picture is still the same picture. **Max pooling** cuts each feature map into small windows, usually
# 2×2 with stride 2, and keeps only the largest value of each. The output is half as high and half as wide, has a quarter of the
# numbers, and still says *whether* the filter found its pattern in each region, only less precisely *where*. That loss of
# precision is welcome: a stroke one pixel further right usually lands in the same window and gives the same maximum, one reason
# a CNN cares less about small shifts than a dense net. Pooling has **no parameters**, and it works on each channel separately.
#
# The notes pool the two 4×4 feature maps of section 2 into two 2×2 maps:
#
# $$\begin{pmatrix} 3&-1&-3&-1\\ -3&1&0&-3\\ -3&-3&0&1\\ 3&-2&-2&-1 \end{pmatrix} \;\longrightarrow\;
#   \begin{pmatrix} 3 & 0 \\ 3 & 1 \end{pmatrix}$$
#
# `pool_param` has the keys `"pool_height"`, `"pool_width"` and `"stride"`; without padding, the output size is given by the same
# formula as before, $H_\text{out} = \lfloor (H - \text{pool\_height}) / S \rfloor + 1$.
#
# **Backward.** The maximum of a window is a max gate (lecture 03): it **routes** the upstream gradient to the input that won,
# and every other input of the window gets 0. So `max_pool_backward_naive` finds, for every window, where its maximum was, and
# adds `dout[n, c, i, j]` at that one place of `dx`. (Adds, `+=`: if windows overlap, one pixel can win several windows.)

# %% [markdown] id="pool-forward-task"
# ### Your turn: `max_pool_forward_naive`
#
# Loop over images, channels and output positions; the window of output `(i, j)` starts at row `i * stride` and column
# `j * stride`. Return `cache = (x, pool_param)`.

# %% solution id="max_pool_forward_naive"
def max_pool_forward_naive(x, pool_param):
    """Max pooling, forward pass.

    x: (N, C, H, W); pool_param: {"pool_height": PH, "pool_width": PW, "stride": S}.
    Returns (out, cache): out (N, C, H_out, W_out) with H_out = (H - PH) // S + 1; cache = (x, pool_param).
    """
    ### BEGIN SOLUTION
    ph, pw, stride = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    N, C, H, W = x.shape
    H_out = (H - ph) // stride + 1
    W_out = (W - pw) // stride + 1
    out = np.zeros((N, C, H_out, W_out))
    for n in range(N):
        for c in range(C):
            for i in range(H_out):
                for j in range(W_out):
                    window = x[n, c, i * stride:i * stride + ph, j * stride:j * stride + pw]
                    out[n, c, i, j] = np.max(window)
    cache = (x, pool_param)
    return out, cache
    ### END SOLUTION


# %% tests id="test_max_pool_forward_naive" points=2
from course.checks import call  # runs your function; a crash or a wrong number of results fails the check


def _pool_ref(x, ph, pw, s):
    N, C, H, W = x.shape
    Ho, Wo = (H - ph) // s + 1, (W - pw) // s + 1
    out = np.full((N, C, Ho, Wo), -np.inf)
    for a in range(ph):
        for c in range(pw):
            out = np.maximum(out, x[:, :, a:a + s * (Ho - 1) + 1:s, c:c + s * (Wo - 1) + 1:s])
    return out


def _pool_check(x, ph, pw, s, what, show_expected=True):
    x0 = x.copy()
    out, cache = call(what, max_pool_forward_naive, x, {"pool_height": ph, "pool_width": pw, "stride": s}, n_out=2)
    check_unchanged(x0, x, "The input `x` of max_pool_forward_naive")
    expected = _pool_ref(x0, ph, pw, s)
    check(np.shape(out) == expected.shape,
          f"{what}: the output has shape {np.shape(out)}; it should be {expected.shape}, "
          "with H_out = (H - pool_height) // stride + 1 and W_out = (W - pool_width) // stride + 1.")
    hint = "Each output is the largest value of its window; the window of (i, j) starts at row i * stride, column j * stride."
    swapped = _pool_ref(x0, pw, ph, s)
    if ph != pw and swapped.shape == expected.shape and np.allclose(out, swapped):
        hint = "pool_height and pool_width look swapped: the height counts rows (axis 2), the width columns (axis 3)."
    check_close(out, expected, what, show_expected=show_expected, hint=hint)


# Checks for max_pool_forward_naive
_fmaps = np.array([[[3, -1, -3, -1], [-3, 1, 0, -3], [-3, -3, 0, 1], [3, -2, -2, -1]],
                   [[-1, -1, -1, -1], [-1, -1, -2, 1], [-1, -1, -2, 1], [-1, 0, -4, 3]]], dtype=float)[None]
_out, _ = call("max_pool_forward_naive", max_pool_forward_naive, _fmaps, {"pool_height": 2, "pool_width": 2, "stride": 2}, n_out=2)
check_close(_out, [[[[3, 0], [3, 1]], [[-1, 1], [0, 3]]]], "2x2 max pooling of the notes' two feature maps",
            hint="Each output is the largest of its 2x2 window; the channels are pooled separately.")
_pool_check(_fmaps, 2, 2, 1, "max pooling of the notes' feature maps with 2x2 windows and stride 1")
_pool_check(np.arange(2 * 3 * 5 * 6, dtype=float).reshape(2, 3, 5, 6) % 7, 2, 3, 2,
            "max pooling with 2x3 windows, stride 2, on x of shape (2, 3, 5, 6)")
print("max_pool_forward_naive: visible checks passed")
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(8083)
for _shape, _ph, _pw, _s in [((2, 3, 4, 4), 2, 2, 2), ((1, 2, 5, 5), 2, 2, 2), ((2, 1, 6, 6), 3, 3, 3),
                             ((1, 2, 7, 6), 3, 2, 2), ((2, 2, 5, 5), 3, 3, 1), ((3, 1, 8, 8), 2, 4, 2),
                             ((1, 4, 6, 9), 2, 3, 3)]:
    _pool_check(_rng.normal(size=_shape), _ph, _pw, _s,
                f"max pooling of x {_shape} with {_ph}x{_pw} windows and stride {_s}", show_expected=False)
### END HIDDEN TESTS

# %% [markdown] id="pool-backward-task"
# ### Your turn: `max_pool_backward_naive`
#
# `cache` is `(x, pool_param)`. Start from `dx = np.zeros(x.shape)`; for every window find the position of its maximum
# (`np.argmax` of the window gives a flat index, `np.unravel_index(k, window.shape)` turns it into (row, column)) and add
# `dout[n, c, i, j]` there. Only the maximum gets the gradient, not the whole window.

# %% solution id="max_pool_backward_naive"
def max_pool_backward_naive(dout, cache):
    """Max pooling, backward pass: each window's gradient goes to the position of its maximum.

    dout: (N, C, H_out, W_out); cache: (x, pool_param) from max_pool_forward_naive. Returns dx with the shape of x.
    """
    ### BEGIN SOLUTION
    x, pool_param = cache
    ph, pw, stride = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    N, C, H_out, W_out = dout.shape
    dx = np.zeros(x.shape)
    for n in range(N):
        for c in range(C):
            for i in range(H_out):
                for j in range(W_out):
                    window = x[n, c, i * stride:i * stride + ph, j * stride:j * stride + pw]
                    a, b = np.unravel_index(np.argmax(window), window.shape)
                    dx[n, c, i * stride + a, j * stride + b] += dout[n, c, i, j]
    return dx
    ### END SOLUTION


# %% tests id="test_max_pool_backward_naive" points=3
from course.checks import call  # runs your function; a crash or a wrong number of results fails the check


def _pool_grad_ref(x, ph, pw, s, dout):
    N, C, H, W = x.shape
    Ho, Wo = dout.shape[2:]
    dx = np.zeros(x.shape)
    for n in range(N):
        for c in range(C):
            for i in range(Ho):
                for j in range(Wo):
                    window = x[n, c, i * s:i * s + ph, j * s:j * s + pw]
                    a, b = np.unravel_index(np.argmax(window), window.shape)
                    dx[n, c, i * s + a, j * s + b] += dout[n, c, i, j]
    return dx


def _pool_backward_check(x, ph, pw, s, dout, what, show_expected=False):
    param = {"pool_height": ph, "pool_width": pw, "stride": s}
    x0, dout0 = x.copy(), dout.copy()
    dx = call(what, max_pool_backward_naive, dout, (x, param),
              hint="max_pool_backward_naive receives cache = (x, pool_param), as max_pool_forward_naive returns it.")
    check_unchanged(x0, x, "The input `x` (in the cache)")
    check_unchanged(dout0, dout, "The upstream gradient `dout`")
    check_shape(dx, x.shape, f"dx in {what} (it must have the shape of x)")
    dx = np.asarray(dx, dtype=float)
    hint = ("Only the position of each window's maximum receives that window's gradient; every other pixel gets 0. "
            "Where windows overlap, a pixel can win several windows: add their gradients with +=.")
    spread = np.zeros(x.shape)
    Ho, Wo = dout.shape[2:]
    for i in range(Ho):
        for j in range(Wo):
            spread[:, :, i * s:i * s + ph, j * s:j * s + pw] += dout0[:, :, i:i + 1, j:j + 1]
    if np.allclose(dx, spread):
        hint = ("The gradient went to every pixel of the window. Max pooling passes it only to the maximum, "
                "as a max gate does.")
    elif np.allclose(dx, spread / (ph * pw)):
        hint = "The gradient was shared out equally, as for average pooling. Max pooling passes it only to the maximum."
    check_close(dx, _pool_grad_ref(x0, ph, pw, s, dout0), what, show_expected=show_expected, hint=hint)


# Checks for max_pool_backward_naive
_x = np.array([[[[1.0, 2.0, 0.5, 0.0],
                 [4.0, 3.0, 1.5, 2.5],
                 [0.0, 0.5, 6.0, 1.0],
                 [1.0, 0.2, 2.0, 5.0]]]])
_pool_backward_check(_x, 2, 2, 2, np.array([[[[10.0, 20.0], [30.0, 40.0]]]]),
                     "max_pool_backward_naive of a 4x4 map with 2x2 windows and dout [[10, 20], [30, 40]]")
_check_rng = np.random.default_rng(0)
_x = _check_rng.normal(size=(2, 3, 6, 6))
_dout = _check_rng.normal(size=(2, 3, 3, 3))
_pool_backward_check(_x, 2, 2, 2, _dout, "max_pool_backward_naive with x (2, 3, 6, 6), 2x2 windows, stride 2")
_pool_backward_check(_x, 3, 2, 1, _check_rng.normal(size=(2, 3, 4, 5)),
                     "max_pool_backward_naive with 3x2 windows and stride 1 (overlapping windows: a pixel can win several)")
_dx = call("max_pool_backward_naive", max_pool_backward_naive, _dout, (_x, {"pool_height": 2, "pool_width": 2, "stride": 2}))
check_gradient(lambda v: np.sum(np.max(v.reshape(2, 3, 3, 2, 3, 2), axis=(3, 5)) * _dout), _x, _dx,
               "dx of 2x2 max pooling")
print("max_pool_backward_naive: visible checks passed")
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(8084)
for _shape, _ph, _pw, _s in [((2, 3, 4, 4), 2, 2, 2), ((1, 2, 5, 5), 2, 2, 2), ((2, 1, 6, 6), 3, 3, 3),
                             ((1, 2, 7, 6), 3, 2, 2), ((2, 2, 5, 5), 3, 3, 1), ((1, 3, 6, 6), 2, 2, 1),
                             ((1, 4, 6, 9), 2, 3, 3)]:
    _x = _rng.permutation(np.prod(_shape)).reshape(_shape) / 7.0     # distinct values: no ties
    _Ho, _Wo = (_shape[2] - _ph) // _s + 1, (_shape[3] - _pw) // _s + 1
    _dout = _rng.normal(size=(_shape[0], _shape[1], _Ho, _Wo))
    _pool_backward_check(_x, _ph, _pw, _s, _dout,
                         f"max_pool_backward_naive for x {_shape} with {_ph}x{_pw} windows and stride {_s}",
                         show_expected=False)
### END HIDDEN TESTS

# %% [markdown] id="flatten-intro"
# ## 6. Flattening, and counting parameters
#
# After a few rounds of convolution, ReLU and pooling, an image has become a stack of small feature maps: in the notes' model,
# 64 maps of 3×3. To decide which digit it is, the network ends as before, with dense layers. **Flattening** puts the
# $64 \cdot 3 \cdot 3 = 576$ numbers of each image in one row, `x.reshape(N, -1)`, which is what `affine_forward` already does
# with image-shaped inputs. It has no parameters and changes no number.
#
# Now we can count the parameters of both Keras models of the notes. A **dense layer** from $d_\text{in}$ to $d_\text{out}$ has a
# weight per pair and a bias per output. A **convolution layer** with `filters` filters of size $HH \times WW$ on $c_\text{in}$
# input channels has, per filter, one weight per channel and kernel position and one bias, and its count does not depend on the
# image size at all. Pooling and flattening have none.

# %% [markdown] id="count-task"
# ### Your turn: `dense_param_count` and `conv_param_count`
#
# Return the number of trainable parameters, weights **and** biases, as an `int`.

# %% solution id="dense_param_count"
def dense_param_count(d_in, d_out):
    """Number of parameters (weights and biases) of a dense layer from d_in to d_out units."""
    ### BEGIN SOLUTION
    return d_in * d_out + d_out
    ### END SOLUTION


# %% tests id="test_dense_param_count" points=1
from course.checks import call  # runs your function; a crash or a wrong number of results fails the check

# Checks for dense_param_count
check(call("dense_param_count", dense_param_count, 36, 100) == 3700,
      "dense_param_count(36, 100) should be 3,700: the notes' 6x6 image into 100 neurons. Did you count the biases?")
check(call("dense_param_count", dense_param_count, 784, 512) == 401920,
      "dense_param_count(784, 512) should be 401,920: the first layer of the notes' dense network, (28*28 + 1) * 512.")
print("dense_param_count: visible checks passed")
### BEGIN HIDDEN TESTS
for _din, _dout in [(512, 10), (576, 64), (64, 10), (1, 1), (3, 7), (10, 3), (100, 1)]:
    _got = call(f"dense_param_count({_din}, {_dout})", dense_param_count, _din, _dout)
    check(np.ndim(_got) == 0, f"dense_param_count({_din}, {_dout}) should return one number, got {_got!r}.")
    _hint = ""
    if _got == _din * _dout:
        _hint = " It looks like the biases are missing: one per output unit."
    elif _got == _din * _dout + _din:
        _hint = " There is one bias per output unit, not per input."
    elif _got == (_din + 1) * (_dout + 1):
        _hint = " Only the outputs have biases."
    check(_got == _din * _dout + _dout, f"dense_param_count({_din}, {_dout}) is not right.{_hint}")
### END HIDDEN TESTS

# %% solution id="conv_param_count"
def conv_param_count(c_in, filters, HH, WW):
    """Number of parameters (weights and biases) of a convolution layer: `filters` filters of size HH x WW on c_in channels."""
    ### BEGIN SOLUTION
    return filters * c_in * HH * WW + filters
    ### END SOLUTION


# %% tests id="test_conv_param_count" points=1
from course.checks import call  # runs your function; a crash or a wrong number of results fails the check

# Checks for conv_param_count
check(call("conv_param_count", conv_param_count, 1, 100, 3, 3) == 1000,
      "conv_param_count(1, 100, 3, 3) should be 1,000: the notes' 100 filters of 3x3 on a one-channel image. "
      "Did you count the biases?")
check(call("conv_param_count", conv_param_count, 1, 32, 3, 3) == 320,
      "conv_param_count(1, 32, 3, 3) should be 320, the first layer of the notes' CNN.")
check(call("conv_param_count", conv_param_count, 32, 64, 3, 3) == 18496,
      "conv_param_count(32, 64, 3, 3) should be 18,496, the second layer of the notes' CNN: each of the 64 filters spans "
      "all 32 input channels.")
print("conv_param_count: visible checks passed")
### BEGIN HIDDEN TESTS
for _cin, _f, _hh, _ww in [(32, 64, 3, 3), (64, 64, 3, 3), (3, 16, 5, 5), (2, 3, 1, 1), (4, 5, 2, 3), (7, 1, 3, 2)]:
    _got = call(f"conv_param_count({_cin}, {_f}, {_hh}, {_ww})", conv_param_count, _cin, _f, _hh, _ww)
    check(np.ndim(_got) == 0, f"conv_param_count({_cin}, {_f}, {_hh}, {_ww}) should return one number, got {_got!r}.")
    _hint = ""
    if _got == _f * _cin * _hh * _ww:
        _hint = " It looks like the biases are missing: one per filter."
    elif _got == _f * _hh * _ww + _f:
        _hint = " Each filter spans all c_in input channels: it has c_in * HH * WW weights."
    elif _got == _f * _cin * _hh * _ww + _cin:
        _hint = " There is one bias per filter, not per input channel."
    check(_got == _f * _cin * _hh * _ww + _f, f"conv_param_count({_cin}, {_f}, {_hh}, {_ww}) is not right.{_hint}")
### END HIDDEN TESTS

# %% [markdown] id="keras-tables-intro"
# ### The notes' two Keras models, counted with your functions
#
# The dense model is `Dense(512, relu)` on the 784 pixels, then `Dense(10, softmax)`. The CNN is
# `Conv2D(32, 3×3, relu)` → `MaxPooling2D(2×2)` → `Conv2D(64, 3×3, relu)` → `MaxPooling2D(2×2)` → `Conv2D(64, 3×3, relu)` →
# `Flatten` → `Dense(64, relu)` → `Dense(10, softmax)`, no padding, stride 1, pooling with stride 2. The cell below walks through
# both, computes each layer's output shape with `conv_output_size` and its parameters with your counting functions, and prints
# a table like Keras' `model.summary()`. Compare with the notes: 407,050 and 93,322.

# %% id="keras-tables"
def summary(name, layers, input_shape):
    """layers: ("conv", filters, k) | ("pool", k) | ("flatten",) | ("dense", units); input_shape (C, H, W) or (D,)."""
    shape, total = input_shape, 0
    print(f"{name}\n{'layer':<24}{'output shape':<18}{'parameters':>12}")
    for layer in layers:
        kind = layer[0]
        if kind == "conv":
            _, filters, k = layer
            params = conv_param_count(shape[0], filters, k, k)
            shape = (filters, conv_output_size(shape[1], k, 1, 0), conv_output_size(shape[2], k, 1, 0))
            label = f"Conv2D {filters}, {k}×{k}"
        elif kind == "pool":
            k = layer[1]
            params = 0
            shape = (shape[0], conv_output_size(shape[1], k, k, 0), conv_output_size(shape[2], k, k, 0))
            label = f"MaxPool {k}×{k}"
        elif kind == "flatten":
            params, shape, label = 0, (int(np.prod(shape)),), "Flatten"
        else:
            params = dense_param_count(shape[0], layer[1])
            shape, label = (layer[1],), f"Dense {layer[1]}"
        total += params
        print(f"{label:<24}{str(shape):<18}{params:>12,}")
    print(f"{'total':<42}{total:>12,}\n")
    return total


dense_total = summary("The notes' dense network", [("dense", 512), ("dense", 10)], (784,))
cnn_layers = [("conv", 32, 3), ("pool", 2), ("conv", 64, 3), ("pool", 2), ("conv", 64, 3), ("flatten",),
              ("dense", 64), ("dense", 10)]
cnn_total = summary("The notes' CNN", cnn_layers, (1, 28, 28))
print(f"notes: 407,050 and 93,322; counted here: {dense_total:,} and {cnn_total:,}")
print(f"weight sharing on the 6x6 image: convolution {conv_param_count(1, 100, 3, 3):,}, dense {dense_param_count(36, 100):,}")

# %% [markdown] id="keras-notes"
# The CNN has **four times fewer** parameters than the dense net, and most of them are not in the convolutions at all: the two
# dense layers at the end hold $36{,}928 + 650$ of the $93{,}322$. The convolution layers, which do the looking, need only
# $320 + 18{,}496 + 36{,}928$. Note how pooling makes the count small: the flattened vector has 576 entries, not
# $64 \cdot 26 \cdot 26 = 43{,}264$.
#
# One detail of the table: the second pooling layer turns 11×11 into 5×5, not 5.5×5.5. The last row and column do not fill a 2×2
# window and are dropped, the floor in the output-size formula.

# %% [markdown] id="naive-check-intro"
# ## 7. Checking the loops, and timing them
#
# Your convolution and pooling pass their tests. Two more checks before we build on them: the gradients of a small layer with
# padding and stride against centred differences (`check_gradient` reports the worst entry's relative error), and the time the
# loops take on real data.

# %% id="naive-gradcheck"
gc_rng = np.random.default_rng(1)
x_small = gc_rng.normal(size=(2, 2, 5, 5))
w_small = gc_rng.normal(size=(3, 2, 3, 3))
b_small = gc_rng.normal(size=3)
for param in ({"stride": 1, "pad": 1}, {"stride": 2, "pad": 1}):
    out, cache = conv_forward_naive(x_small, w_small, b_small, param)
    dout = gc_rng.normal(size=out.shape)
    dx, dw, db = conv_backward_naive(dout, cache)
    check_gradient(lambda v: np.sum(conv_forward_naive(v, w_small, b_small, param)[0] * dout), x_small, dx, "dx")
    check_gradient(lambda v: np.sum(conv_forward_naive(x_small, v, b_small, param)[0] * dout), w_small, dw, "dw")
    check_gradient(lambda v: np.sum(conv_forward_naive(x_small, w_small, v, param)[0] * dout), b_small, db, "db")
    print(f"convolution with {param}: dx, dw and db agree with the numerical gradient")
pool_param = {"pool_height": 2, "pool_width": 2, "stride": 2}
x_pool = gc_rng.normal(size=(2, 3, 6, 6))
out, cache = max_pool_forward_naive(x_pool, pool_param)
dout = gc_rng.normal(size=out.shape)
check_gradient(lambda v: np.sum(max_pool_forward_naive(v, pool_param)[0] * dout), x_pool,
               max_pool_backward_naive(dout, cache), "dx of max pooling")
print("max pooling: dx agrees with the numerical gradient")

# %% id="naive-timing"
import time

n_timing = course.runtime.scaled(16, when_grading=4)
x_batch = X_train[:n_timing].reshape(n_timing, 1, 28, 28)
w_first = np.random.default_rng(2).normal(size=(8, 1, 3, 3))
start = time.perf_counter()
conv_forward_naive(x_batch, w_first, np.zeros(8), {"stride": 1, "pad": 0})
naive_seconds = time.perf_counter() - start
images_per_second = n_timing / naive_seconds
print(f"naive convolution, {n_timing} digits, 8 filters: {naive_seconds:.2f} s ({images_per_second:,.0f} images per second)")
first_layer = 26 * 26 * 32 * (1 * 3 * 3)        # outputs x multiplications per output
second_layer = 11 * 11 * 64 * (32 * 3 * 3)
print(f"at that speed, one pass over 4,000 digits through the notes' first layer (32 filters) alone would take "
      f"{4000 * 4 / images_per_second:.0f} s; the second layer needs {second_layer / first_layer:.0f} times as many "
      "multiplications per image, and training repeats both forward and backward for every epoch")

# %% [markdown] id="im2col-intro"
# ## 8. im2col: a convolution as one matrix product
#
# The loops are slow because Python does a little work $N \cdot F \cdot H_\text{out} \cdot W_\text{out}$ times. But look at what
# the innermost step does: it takes a window of $C \cdot HH \cdot WW$ numbers and a filter of the same size, and computes their dot
# product. If every window were a **column** of one big matrix `cols`, and every filter a **row** of `w.reshape(F, -1)`, then *all*
# the dot products at once would be one matrix product,
#
# $$\underbrace{\texttt{w.reshape(F, -1)}}_{(F,\ C\cdot HH\cdot WW)} \;\; @ \;\; \underbrace{\texttt{cols}}_{(C\cdot HH\cdot WW,\ N\cdot H_\text{out}\cdot W_\text{out})}
#   \;=\; (F,\ N\cdot H_\text{out}\cdot W_\text{out}),$$
#
# and a matrix product runs in optimised, compiled code (BLAS) at close to the machine's peak speed. Building `cols` is called
# **im2col** ("image to columns"). It copies each pixel once per window it belongs to (for a 3×3 filter, up to 9 times), memory
# traded for speed; every deep-learning library does some version of it.
#
# **The layout** (it must be exactly this, so that the reshape at the end puts every number where it belongs):
#
# * **column** $(n \cdot H_\text{out} + y) \cdot W_\text{out} + x$ holds the window of output position $(y, x)$ of image $n$:
#   image by image, and inside an image row by row, like reading;
# * **row** $(c \cdot HH + i) \cdot WW + j$ holds, in every column, the pixel at position $(i, j)$ of that window in channel $c$:
#   the window flattened in the same order as `w[f].ravel()`.
#
# The picture shows it for one image with 2 channels of 3×3 pixels and a 2×2 filter: 4 windows, so 4 columns; each of 8 rows is
# one (channel, kernel position) pair. Each window is framed in its colour on the image and around its column.

# %% id="im2col-picture"
from course.conv_plots import show_im2col

picture_x = np.arange(1, 19, dtype=float).reshape(1, 2, 3, 3)     # channel 0 holds 1..9, channel 1 holds 10..18
show_im2col(picture_x, 2, 2);


# %% [markdown] id="im2col-picture-notes"
# Read the first column (red): the top-left window of channel 0 is 1, 2, 4, 5 and of channel 1 is 10, 11, 13, 14, stacked channel
# after channel. The pixel 5, in the middle of channel 0, lies in all four windows and appears four times. With $N$ images, the
# columns of image 1 follow all those of image 0.
#
# **How to build it without looping over windows.** Loop over the $HH \cdot WW$ kernel positions $(i, j)$ instead, usually 9.
# For one $(i, j)$, the pixels that position touches in all windows at once are a strided slice of the padded input:
#
# ```python
# x_pad[:, :, i:i + stride * H_out:stride, j:j + stride * W_out:stride]     # shape (N, C, H_out, W_out)
# ```
#
# Entry `[n, c, y, x]` of that slice is pixel $(i, j)$ of the window of output $(y, x)$ in image $n$, channel $c$. So collect the
# slices in an array `cols6` of shape `(C, HH, WW, N, H_out, W_out)`, with `cols6[:, i, j] = slice.transpose(1, 0, 2, 3)`, and a
# final `cols6.reshape(C * HH * WW, N * H_out * W_out)` lays it out exactly as required (row-major order: $c$, then $i$, then
# $j$ for the rows; $n$, then $y$, then $x$ for the columns). Loops over windows, `np.lib.stride_tricks`, or whatever you like
# are fine too, as long as the layout is the same.

# %% [markdown] id="im2col-task"
# ### Your turn: `im2col`
#
# Return `cols` of shape `(C * HH * WW, N * H_out * W_out)` in the layout above, zero padding `pad` on each side, windows `stride`
# apart. Keep the dtype of `x` (create `cols` with `dtype=x.dtype`): the CNN below trains in float32.

# %% solution id="im2col"
def im2col(x, HH, WW, stride, pad):
    """Every receptive field of x as a column.

    x: (N, C, H, W); filter size HH x WW; stride; zero padding pad on each side.
    Returns cols (C*HH*WW, N*H_out*W_out): row (c*HH + i)*WW + j, column (n*H_out + y)*W_out + x.
    """
    ### BEGIN SOLUTION
    N, C, H, W = x.shape
    H_out = (H + 2 * pad - HH) // stride + 1
    W_out = (W + 2 * pad - WW) // stride + 1
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad))) if pad else x   # no padding: no copy
    cols = np.empty((C, HH, WW, N, H_out, W_out), dtype=x.dtype)
    for i in range(HH):
        for j in range(WW):
            # pixel (i, j) of every window at once: (N, C, H_out, W_out)
            pixels = x_pad[:, :, i:i + stride * H_out:stride, j:j + stride * W_out:stride]
            cols[:, i, j] = pixels.transpose(1, 0, 2, 3)
    return cols.reshape(C * HH * WW, N * H_out * W_out)
    ### END SOLUTION


# %% tests id="test_im2col" points=3
from course.checks import call  # runs your function; a crash or a wrong number of results fails the check


def _im2col_ref(x, HH, WW, stride, pad):
    N, C, H, W = x.shape
    Ho, Wo = (H + 2 * pad - HH) // stride + 1, (W + 2 * pad - WW) // stride + 1
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    cols = np.zeros((C * HH * WW, N * Ho * Wo))
    for n in range(N):
        for y in range(Ho):
            for xx in range(Wo):
                cols[:, (n * Ho + y) * Wo + xx] = xp[n, :, y * stride:y * stride + HH, xx * stride:xx * stride + WW].ravel()
    return cols


def _im2col_check(x, HH, WW, stride, pad, what, show_expected=True):
    x0 = x.copy()
    cols = call(what, im2col, x, HH, WW, stride, pad)
    check_unchanged(x0, x, "The input `x` of im2col")
    expected = _im2col_ref(x0, HH, WW, stride, pad)
    rows_n, cols_n = expected.shape
    got_shape = np.shape(cols)
    if got_shape == (cols_n, rows_n) and rows_n != cols_n:
        check(False, f"{what}: cols has shape {got_shape}, rows and columns swapped. One window per COLUMN: the shape "
                     "is (C * HH * WW, N * H_out * W_out).")
    check(got_shape == expected.shape,
          f"{what}: cols has shape {got_shape}; it should be (C * HH * WW, N * H_out * W_out) = {expected.shape}.")
    got = np.asarray(cols, dtype=float)
    if not np.allclose(got, expected):
        same_columns = np.allclose(np.sort(got, axis=0), np.sort(expected, axis=0))
        col_key = lambda a: np.lexsort(a[::-1])
        columns_reordered = np.allclose(got[:, col_key(got)], expected[:, col_key(expected)])
        rows_reordered = np.allclose(np.sort(got, axis=1), np.sort(expected, axis=1)) and not columns_reordered
        if columns_reordered:
            hint = ("The right windows are there, but the columns are in another order. Column (n * H_out + y) * W_out + x "
                    "holds output position (y, x) of image n: image by image, then row by row.")
        elif rows_reordered or same_columns:
            hint = ("Each column holds the right pixels, but in another order. Row (c * HH + i) * WW + j holds channel c, "
                    "kernel position (i, j): channel first, then kernel row, then kernel column.")
        else:
            hint = ("Some columns hold the wrong pixels: check the padding (zeros on both sides of H and W) and that "
                    "windows start stride pixels apart.")
        check_close(got, expected, what, show_expected=show_expected, hint=hint)


# Checks for im2col
_picture = np.arange(1, 19, dtype=float).reshape(1, 2, 3, 3)
_im2col_check(_picture, 2, 2, 1, 0, "im2col of the picture's image (1, 2, 3, 3) with a 2x2 filter", show_expected=True)
_im2col_check(np.arange(2 * 2 * 3 * 3, dtype=float).reshape(2, 2, 3, 3), 2, 2, 1, 0, "im2col of two images (2, 2, 3, 3)",
              show_expected=False)
_im2col_check(np.arange(1 * 1 * 5 * 5, dtype=float).reshape(1, 1, 5, 5), 3, 3, 2, 0, "im2col with stride 2 on a 5x5 image",
              show_expected=False)
_im2col_check(np.arange(1, 1 + 2 * 3 * 3, dtype=float).reshape(2, 1, 3, 3), 3, 3, 1, 1, "im2col with pad = 1",
              show_expected=False)
_x32 = np.ones((1, 1, 4, 4), dtype=np.float32)
check(np.asarray(call("im2col", im2col, _x32, 3, 3, 1, 0)).dtype == np.float32,
      "im2col of a float32 image should return float32 columns: create cols with dtype=x.dtype.")
print("im2col: visible checks passed")
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(8085)
for _shape, _HH, _WW, _S, _P in [((2, 3, 5, 5), 3, 3, 1, 0), ((3, 2, 6, 6), 3, 3, 1, 1), ((2, 1, 7, 7), 3, 3, 2, 0),
                                 ((1, 2, 8, 6), 3, 3, 2, 1), ((2, 3, 5, 7), 2, 3, 1, 2), ((2, 2, 9, 9), 3, 3, 3, 1),
                                 ((4, 1, 4, 4), 1, 1, 1, 0), ((1, 2, 6, 5), 4, 2, 2, 0)]:
    _im2col_check(_rng.normal(size=_shape), _HH, _WW, _S, _P,
                  f"im2col of x {_shape} with a {_HH}x{_WW} filter, stride {_S}, pad {_P}", show_expected=False)
### END HIDDEN TESTS

# %% [markdown] id="conv-im2col-task"
# ### Your turn: `conv_forward_im2col`
#
# The fast convolution in three steps:
#
# 1. `cols = im2col(x, HH, WW, stride, pad)` (yours, from above);
# 2. `out = w.reshape(F, -1) @ cols + b[:, None]`, shape `(F, N * H_out * W_out)`: row $f$ is filter $f$'s output for every
#    image and position, in the column order;
# 3. back to `(N, F, H_out, W_out)`: `reshape(F, N, H_out, W_out)` undoes the column layout, and a `transpose` puts the images
#    first.
#
# Return `cache = (x, w, b, conv_param, cols)`: the fast backward pass (given below) reuses `cols` instead of building it again.

# %% solution id="conv_forward_im2col"
def conv_forward_im2col(x, w, b, conv_param):
    """Convolution layer, forward pass, as one matrix product over the columns of im2col.

    Same inputs and output as conv_forward_naive; cache = (x, w, b, conv_param, cols).
    """
    ### BEGIN SOLUTION
    stride, pad = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    H_out = (H + 2 * pad - HH) // stride + 1
    W_out = (W + 2 * pad - WW) // stride + 1
    cols = im2col(x, HH, WW, stride, pad)
    out = w.reshape(F, -1) @ cols
    out += b[:, None]                       # in place: no second array of the output's size
    out = out.reshape(F, N, H_out, W_out).transpose(1, 0, 2, 3)
    cache = (x, w, b, conv_param, cols)
    return out, cache
    ### END SOLUTION


# %% tests id="test_conv_forward_im2col" points=2
from course.checks import call  # runs your function; a crash or a wrong number of results fails the check


def _conv_ref2(x, w, b, stride, pad):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    Ho, Wo = (H + 2 * pad - HH) // stride + 1, (W + 2 * pad - WW) // stride + 1
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    out = np.zeros((N, F, Ho, Wo)) + b[None, :, None, None]
    for a in range(HH):
        for c in range(WW):
            out += np.einsum("nchw,fc->nfhw", xp[:, :, a:a + stride * (Ho - 1) + 1:stride,
                                              c:c + stride * (Wo - 1) + 1:stride], w[:, :, a, c])
    return out


def _im2col_check_fast(x, w, b, stride, pad, what, show_expected=False):
    copies = [a.copy() for a in (x, w, b)]
    param = {"stride": stride, "pad": pad}
    out, cache = call(what, conv_forward_im2col, x, w, b, param, n_out=2)
    for name, before, after in zip("xwb", copies, (x, w, b)):
        check_unchanged(before, after, f"The input `{name}` of conv_forward_im2col")
    expected = _conv_ref2(*copies, stride, pad)
    check(np.shape(out) == expected.shape,
          f"{what}: the output has shape {np.shape(out)}; it should be (N, F, H_out, W_out) = {expected.shape}.")
    got = np.asarray(out, dtype=float)
    hint = ("Compute w.reshape(F, -1) @ cols + b[:, None], reshape to (F, N, H_out, W_out), then move the images to the front "
            "with transpose(1, 0, 2, 3). Passing im2col's checks first helps.")
    if np.allclose(got, expected.transpose(1, 0, 2, 3).reshape(expected.shape)) and not np.allclose(got, expected):
        hint = ("The numbers are right but in the wrong places: reshape to (F, N, H_out, W_out) first, then transpose to "
                "(N, F, H_out, W_out). A reshape alone scrambles filters and images.")
    check_close(got, expected, what, show_expected=show_expected, hint=hint)
    check(isinstance(cache, (tuple, list)) and len(cache) == 5,
          "The cache should be the tuple (x, w, b, conv_param, cols): the fast backward pass reads it.")
    N, F = x.shape[0], w.shape[0]
    Ho, Wo = expected.shape[2:]
    check(np.shape(cache[4]) == (x.shape[1] * w.shape[2] * w.shape[3], N * Ho * Wo),
          f"The last entry of the cache should be cols, of shape (C * HH * WW, N * H_out * W_out) = "
          f"{(x.shape[1] * w.shape[2] * w.shape[3], N * Ho * Wo)}; it has shape {np.shape(cache[4])}.")
    check(np.shape(cache[0]) == x.shape and np.shape(cache[1]) == w.shape and np.shape(cache[2]) == b.shape,
          "The cache should start with x, w and b, in that order.")


# Checks for conv_forward_im2col
_six = np.array([[1, 0, 0, 0, 0, 1], [0, 1, 0, 0, 1, 0], [0, 0, 1, 1, 0, 0],
                 [1, 0, 0, 0, 1, 0], [0, 1, 0, 0, 1, 0], [0, 0, 1, 0, 1, 0]], dtype=float)[None, None]
_filters = np.array([[[1, -1, -1], [-1, 1, -1], [-1, -1, 1]],
                     [[-1, 1, -1], [-1, 1, -1], [-1, 1, -1]]], dtype=float)[:, None]
_im2col_check_fast(_six, _filters, np.array([0.5, -1.0]), 1, 0, "conv_forward_im2col on the notes' 6x6 image")
_check_rng = np.random.default_rng(0)
_im2col_check_fast(_check_rng.normal(size=(3, 2, 6, 6)), _check_rng.normal(size=(4, 2, 3, 3)), _check_rng.normal(size=4),
                   2, 1, "conv_forward_im2col with x (3, 2, 6, 6), w (4, 2, 3, 3), stride 2, pad 1")
print("conv_forward_im2col: visible checks passed")
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(8086)
for _N, _C, _H, _W, _F, _HH, _WW, _S, _P in [(2, 3, 5, 5, 4, 3, 3, 1, 0), (1, 2, 6, 6, 3, 3, 3, 1, 1),
                                             (3, 1, 7, 7, 2, 3, 3, 2, 0), (2, 2, 8, 6, 3, 3, 3, 2, 1),
                                             (1, 3, 5, 7, 2, 2, 3, 1, 2), (4, 1, 4, 4, 1, 1, 1, 1, 0),
                                             (2, 2, 6, 5, 5, 4, 2, 2, 0)]:
    _im2col_check_fast(_rng.normal(size=(_N, _C, _H, _W)), _rng.normal(size=(_F, _C, _HH, _WW)), _rng.normal(size=_F),
                       _S, _P, f"conv_forward_im2col with x {(_N, _C, _H, _W)}, w {(_F, _C, _HH, _WW)}, stride {_S}, "
                               f"pad {_P}", show_expected=False)
_x32 = _rng.normal(size=(2, 1, 5, 5)).astype(np.float32)
_w32 = _rng.normal(size=(3, 1, 3, 3)).astype(np.float32)
_out32, _ = call("conv_forward_im2col in float32", conv_forward_im2col, _x32, _w32, np.zeros(3, np.float32),
                 {"stride": 1, "pad": 0}, n_out=2)
check_close(_out32, _conv_ref2(_x32.astype(float), _w32.astype(float), np.zeros(3), 1, 0),
            "conv_forward_im2col of float32 inputs", rtol=1e-4, atol=1e-5, show_expected=False)
### END HIDDEN TESTS

# %% [markdown] id="fast-vs-naive-intro"
# ### Same numbers, how much faster?
#
# The two implementations must agree to rounding error on a real batch, with padding and stride. Then we time both on the same
# 16 digits as before.

# %% id="fast-vs-naive"
agree_rng = np.random.default_rng(3)
x_check = agree_rng.normal(size=(4, 3, 9, 9))
w_check = agree_rng.normal(size=(5, 3, 3, 3))
b_check = agree_rng.normal(size=5)
for param in ({"stride": 1, "pad": 0}, {"stride": 1, "pad": 1}, {"stride": 2, "pad": 1}):
    naive_out, _ = conv_forward_naive(x_check, w_check, b_check, param)
    fast_out, _ = conv_forward_im2col(x_check, w_check, b_check, param)
    print(f"{param}: largest difference naive vs im2col {np.max(np.abs(naive_out - fast_out)):.1e}")

repeats = 20
start = time.perf_counter()
for _ in range(repeats):
    conv_forward_im2col(x_batch, w_first, np.zeros(8), {"stride": 1, "pad": 0})
fast_seconds = (time.perf_counter() - start) / repeats
print(f"{n_timing} digits, 8 filters: naive {naive_seconds * 1000:.0f} ms, im2col {fast_seconds * 1000:.2f} ms: "
      f"{naive_seconds / fast_seconds:,.0f} times faster (measured on this machine just now)")

# %% [markdown] id="fast-backward-intro"
# ### The fast backward pass (given)
#
# The backward pass of `conv_forward_im2col` is matrix calculus you already know from the affine layer, because step 2 *is* an
# affine layer on the columns. With `dout` rearranged in the column order, `d = dout.transpose(1, 0, 2, 3).reshape(F, -1)`:
#
# * `dw = (d @ cols.T).reshape(w.shape)` and `db = d.sum(axis=1)`, as `dw = x.T @ dout` and `db = dout.sum(0)` in lecture 03;
# * `dcols = w.reshape(F, -1).T @ d` is the gradient of every entry of `cols`. But a pixel was copied into several columns, so
#   its gradient is the **sum** over all its copies: **col2im** adds each entry of `dcols` back onto the pixel it came from (a loop
#   over the $HH \cdot WW$ kernel positions, the same strided slices as im2col, with `+=`).
#
# Fast pooling uses strided slices too: for 2×2 windows with stride 2 the four pixels of every window are
# `x[:, :, 0::2, 0::2]`, `x[:, :, 0::2, 1::2]`, `x[:, :, 1::2, 0::2]` and `x[:, :, 1::2, 1::2]`, and the maximum of the four arrays
# is the pooled output. These are in `course/conv_fast.py` (read it). Your naive layers check them here.

# %% id="fast-backward-check"
from course.conv_fast import conv_backward_im2col, max_pool_forward_fast, max_pool_backward_fast

for param in ({"stride": 1, "pad": 0}, {"stride": 2, "pad": 1}):
    out, cache_fast = conv_forward_im2col(x_check, w_check, b_check, param)
    _, cache_naive = conv_forward_naive(x_check, w_check, b_check, param)
    dout = agree_rng.normal(size=out.shape)
    fast_grads = conv_backward_im2col(dout, cache_fast)
    naive_grads = conv_backward_naive(dout, cache_naive)
    print(f"{param}: largest difference of dx, dw, db, naive vs fast:",
          ", ".join(f"{np.max(np.abs(f - n)):.1e}" for f, n in zip(fast_grads, naive_grads)))
x_pool = agree_rng.normal(size=(4, 3, 11, 11))                 # 11x11: the last row and column are dropped
pool_param = {"pool_height": 2, "pool_width": 2, "stride": 2}
out_fast, cache_fast = max_pool_forward_fast(x_pool, pool_param)
out_naive, cache_naive = max_pool_forward_naive(x_pool, pool_param)
dout = agree_rng.normal(size=out_fast.shape)
print("pooling 11x11 -> 5x5: largest difference naive vs fast, forward "
      f"{np.max(np.abs(out_fast - out_naive)):.1e}, backward "
      f"{np.max(np.abs(max_pool_backward_fast(dout, cache_fast) - max_pool_backward_naive(dout, cache_naive))):.1e}")

# %% [markdown] id="cnn-intro"
# ## 9. Training the notes' CNN on MNIST
#
# Now the whole model of the notes, built from your `conv_forward_im2col`, the given fast backward passes, and the dense layers
# and loss of lectures 02–03:
#
# ```
# input (N, 1, 28, 28)
# → conv 32 filters 3×3 → ReLU → max pool 2×2      (N, 32, 13, 13)
# → conv 64 filters 3×3 → ReLU → max pool 2×2      (N, 64, 5, 5)
# → conv 64 filters 3×3 → ReLU                     (N, 64, 3, 3)
# → flatten → dense 64 → ReLU → dense 10 → softmax cross-entropy
# ```
#
# (The code below pools first and applies the ReLU after: the same network, as the next paragraph shows.)
#
# **ReLU after the pooling.** `NotesCNN` below pools first and applies the ReLU afterwards, to a quarter of the numbers. For
# finite inputs that is the same network. The values: the ReLU never makes a smaller number larger than a bigger one, so the
# largest of four ReLU'd numbers is the ReLU of the largest, $\max(\mathrm{relu}(a), \dots, \mathrm{relu}(d)) =
# \mathrm{relu}(\max(a, \dots, d))$. The gradients, window by window, with $m$ its largest pixel:
#
# * $m > 0$: the ReLU leaves the positive pixels as they are and sends the others to 0, below $m$, so both orders pick the same
#   pixel and pass it the gradient with a ReLU slope of 1;
# * $m \le 0$: both outputs are 0 and both gradients are 0 (ReLU first makes every pixel 0, a tie whose winner then gets a
#   gradient multiplied by 0). This needs the ReLU's slope at 0 to be 0, as lecture 03's `relu_backward` has it (`x > 0`);
#   with `x >= 0` the two orders would differ on a window whose largest pixel is exactly 0.
#
# The next cell checks it on a batch, values and gradients, and times the two orders.
#
# **Memory.** Every step makes the same large temporary arrays again: the columns of im2col, the products, the gradients, a few
# MB each. By default the C library hands the memory of a freed large array back to the operating system at once, and the
# next array gets fresh memory: the first time the program touches each new 4 KB page of it, the program stops while the
# operating system finds and zeroes a page (a "page fault"). That is thousands of page faults per step of this network, about
# a quarter of its time. `course.memory.reuse_freed_memory()` asks the C library to keep freed memory for the next array
# instead (on Linux and in Colab; elsewhere it does nothing and says so). It is optional: it changes the speed, never the
# results; the process keeps the memory of its busiest moment; the setting lasts until the kernel restarts.
#
# **Initialisation.** Each layer's weights are drawn from a normal distribution with standard deviation $\sqrt{2 / \text{fan-in}}$,
# where the fan-in is the number of inputs of one neuron: $C \cdot HH \cdot WW$ for a convolution (He initialisation, lecture 04),
# biases zero.
#
# **Precision.** The network trains in **float32**, as PyTorch and Keras do by default: half the memory traffic, and matrix
# products about twice as fast as in float64. The gradient checks above were in float64, where they are precise; float32 is
# plenty for the updates of training.
#
# **The update.** Mini-batches of 64 as in the notes, lecture 05's `sgd_momentum` with momentum 0.9 (each step continues part
# of the previous one) and its `cosine_decay`: a learning rate that falls from 0.02 to 0 along a half cosine over the whole run.
# Five epochs as in the notes, but on the 4,000 training images of the subset, not 60,000.
#
# **Time.** The training cell prints the seconds each epoch took on your machine. On the course's 2-core test machine (one BLAS
# thread, nothing else running) an epoch of the 4,000 images took 1.8 to 2.0 s; full MNIST, 15 times as many images, would take
# about half a minute per epoch there (an estimate scaled by the number of images, not a measurement). PyTorch, on the same
# machine, takes about four fifths of NumPy's time for the same network (measured with the course's benchmark script).

# %% id="reuse-memory"
from course.memory import reuse_freed_memory

print("freed memory kept for reuse:", reuse_freed_memory())


# %% id="relu-after-pool"
def relu_then_pool(x, d_pooled):
    """The notes' order: (pooled output, gradient of x) for the upstream gradient d_pooled."""
    out, pool_cache = max_pool_forward_fast(relu_forward(x)[0], pool_param)
    return out, relu_backward(max_pool_backward_fast(d_pooled, pool_cache), x)


def pool_then_relu(x, d_pooled):
    """NotesCNN's order: the same, with the ReLU on the pooled numbers."""
    pooled, pool_cache = max_pool_forward_fast(x, pool_param)
    out, relu_cache = relu_forward(pooled)
    return out, max_pool_backward_fast(relu_backward(d_pooled, relu_cache), pool_cache)


conv_out = agree_rng.normal(size=(64, 32, 26, 26)).astype(np.float32)      # what the first convolution hands on
d_pooled = agree_rng.normal(size=(64, 32, 13, 13)).astype(np.float32)
(out_a, grad_a), (out_b, grad_b) = relu_then_pool(conv_out, d_pooled), pool_then_relu(conv_out, d_pooled)
print("same values:", np.array_equal(out_a, out_b), "  same gradients:", np.array_equal(grad_a, grad_b))
seconds = {}
for order in (relu_then_pool, pool_then_relu):
    start = time.perf_counter()
    for _ in range(10):
        order(conv_out, d_pooled)
    seconds[order.__name__] = (time.perf_counter() - start) / 10
print(", ".join(f"{name}: {s * 1000:.1f} ms" for name, s in seconds.items()),
      "(forward and backward of one batch of 64, measured just now)")


# %% id="cnn-model"
class NotesCNN:
    """The lecture notes' Keras CNN in NumPy: 3 convolutions, 2 poolings, 2 dense layers, 93,322 parameters."""

    conv_shapes = [(32, 1), (64, 32), (64, 64)]      # (filters, input channels), all 3x3

    def __init__(self, seed=0, dtype=np.float32):
        rng = np.random.default_rng(seed)
        self.params = {}
        for k, (filters, channels) in enumerate(self.conv_shapes, start=1):
            fan_in = channels * 3 * 3
            self.params[f"W{k}"] = (rng.standard_normal((filters, channels, 3, 3)) * np.sqrt(2 / fan_in)).astype(dtype)
            self.params[f"b{k}"] = np.zeros(filters, dtype=dtype)
        for k, (d_in, d_out) in ((4, (576, 64)), (5, (64, 10))):
            self.params[f"W{k}"] = (rng.standard_normal((d_in, d_out)) * np.sqrt(2 / d_in)).astype(dtype)
            self.params[f"b{k}"] = np.zeros(d_out, dtype=dtype)
        self.conv_param = {"stride": 1, "pad": 0}
        self.pool_param = {"pool_height": 2, "pool_width": 2, "stride": 2}

    def forward(self, X):
        """Scores (N, 10) and everything the backward pass needs; also keeps the feature maps for pictures."""
        p, caches, h = self.params, [], X
        self.feature_maps = []
        for k in (1, 2, 3):
            h, conv_cache = conv_forward_im2col(h, p[f"W{k}"], p[f"b{k}"], self.conv_param)
            self.feature_maps.append(h)                               # before the ReLU (the pictures apply it)
            pool_cache = None
            if k < 3:
                h, pool_cache = max_pool_forward_fast(h, self.pool_param)   # pooling first, then the ReLU: see above
            h, relu_cache = relu_forward(h)
            caches.append((conv_cache, relu_cache, pool_cache))
        h, dense_cache = affine_forward(h, p["W4"], p["b4"])          # flattens (N, 64, 3, 3) to (N, 576)
        h, relu_cache = relu_forward(h)
        scores, out_cache = affine_forward(h, p["W5"], p["b5"])
        return scores, (caches, dense_cache, relu_cache, out_cache)

    def loss(self, X, y):
        scores, (caches, dense_cache, relu_cache, out_cache) = self.forward(X)
        loss, dscores = softmax_cross_entropy(scores, y)
        grads = {}
        dh, grads["W5"], grads["b5"] = affine_backward(dscores, out_cache)
        dh, grads["W4"], grads["b4"] = affine_backward(relu_backward(dh, relu_cache), dense_cache)
        for k in (3, 2, 1):
            conv_cache, relu_cache_k, pool_cache = caches[k - 1]
            dh = relu_backward(dh, relu_cache_k)
            if pool_cache is not None:
                dh = max_pool_backward_fast(dh, pool_cache)
            # k == 1: the images need no gradient, so conv_backward_im2col skips dx there (input_grad=False)
            dh, grads[f"W{k}"], grads[f"b{k}"] = conv_backward_im2col(dh, conv_cache, input_grad=k > 1)
        return loss, grads

    def predict(self, X, batch_size=500):
        return np.concatenate([self.forward(X[i:i + batch_size])[0].argmax(axis=1) for i in range(0, len(X), batch_size)])


cnn = NotesCNN(seed=0)
print(f"parameters: {sum(v.size for v in cnn.params.values()):,} (the notes: 93,322)")

# %% id="cnn-gradcheck"
# A last check of the assembled network: its gradient against centred differences, in float64 on 2 images.
check_net = NotesCNN(seed=1, dtype=np.float64)
probe_rng = np.random.default_rng(4)
for name in ("b1", "b2", "b3"):
    # With zero biases, every window of the blank background gives exactly 0 before the ReLU: its kink, where centred
    # differences see a slope of 1/2 and backprop uses 0. Small random biases keep the check away from it.
    check_net.params[name] = probe_rng.normal(scale=0.1, size=check_net.params[name].shape)
gc_images = X_train[:2].reshape(2, 1, 28, 28)
_, net_grads = check_net.loss(gc_images, y_train[:2])
for name in ("W1", "b2", "W3", "W5"):
    param = check_net.params[name]
    worst = 0.0
    for flat in probe_rng.choice(param.size, size=4, replace=False):   # four entries of each: the whole net is too slow
        index = np.unravel_index(flat, param.shape)
        saved = param[index]
        param[index] = saved + 1e-6     # a smaller step than usual: among ~25,000 ReLUs, some sit within 1e-5 of their kink
        plus = check_net.loss(gc_images, y_train[:2])[0]
        param[index] = saved - 1e-6
        minus = check_net.loss(gc_images, y_train[:2])[0]
        param[index] = saved
        numeric = (plus - minus) / 2e-6
        worst = max(worst, abs(numeric - net_grads[name][index]) / max(1e-8, abs(numeric) + abs(net_grads[name][index])))
    print(f"{name}: largest relative error over 4 entries {worst:.1e}")


# %% id="cnn-train"
def train_cnn(net, X, y, epochs=5, batch_size=64, learning_rate=0.02, momentum=0.9, seed=0):
    """Mini-batch SGD with momentum and a cosine learning-rate decay; returns losses and seconds per epoch."""
    rng = np.random.default_rng(seed)
    configs = {name: {"momentum": momentum} for name in net.params}     # one per parameter: each keeps its own velocity
    steps_per_epoch = int(np.ceil(len(y) / batch_size))
    total, step = epochs * steps_per_epoch, 0
    history = {"loss": [], "epoch_seconds": []}
    for _ in range(epochs):
        start = time.perf_counter()
        order = rng.permutation(len(y))
        for first in progress(range(0, len(y), batch_size), desc=f"epoch {len(history['epoch_seconds']) + 1}/{epochs}",
                              leave=False):
            batch = order[first:first + batch_size]
            loss, grads = net.loss(X[batch], y[batch])
            # float(): a plain Python number keeps the float32 weights float32 (a NumPy float64 would promote them)
            rate = float(cosine_decay(learning_rate, step, total))
            for name in net.params:
                configs[name]["learning_rate"] = rate
                net.params[name], configs[name] = sgd_momentum(net.params[name], grads[name], configs[name])
            history["loss"].append(loss)
            step += 1
        history["epoch_seconds"].append(time.perf_counter() - start)
    return history


X_train_img = X_train.reshape(-1, 1, 28, 28).astype(np.float32)
X_test_img = X_test.reshape(-1, 1, 28, 28).astype(np.float32)
n_images = course.runtime.scaled(len(y_train), when_grading=256)
history = train_cnn(cnn, X_train_img[:n_images], y_train[:n_images], epochs=course.runtime.scaled(5, when_grading=1))
print("seconds per epoch of", n_images, "images:", ", ".join(f"{s:.1f}" for s in history["epoch_seconds"]))
print(f"at this speed an epoch of full MNIST (60,000 images) would take about "
      f"{np.median(history['epoch_seconds']) * 60000 / n_images / 60:.1f} min (an estimate, scaled by the number of images)")
print("the weights are", cnn.params["W1"].dtype)
course.plots.plot_training_curves(history["loss"]);

# %% [markdown] id="cnn-test-intro"
# ### The held-out test set
#
# On the course's offline subset (trained on 4,000 images, tested on 1,000) this CNN reaches at least 96 %; the notes' Keras model,
# trained on all 60,000 images, reached 97.7 % on the 10,000 MNIST test images. The dense net of section 1, on the same subset,
# is printed next to it.

# %% id="cnn-evaluate"
cnn_pred = cnn.predict(X_test_img)
cnn_acc = np.mean(cnn_pred == y_test)
dense_acc = dense_shift_acc[0]
print(f"dense 784-128-10 on the same data: {dense_acc:.1%}   (the notes' Keras dense net, full MNIST: 91.5 %)")
print(f"the notes' CNN in NumPy: {cnn_acc:.1%}   (the notes' Keras CNN, full MNIST: 97.7 %)")
course.runtime.expect_accuracy(cnn_acc, at_least=0.96, description=f"the notes' CNN, {data.description}")

# %% [markdown] id="filters-intro"
# ## 10. What did it learn?
#
# **The first-layer filters.** Each of the 32 filters of the first layer is a 3×3 array of weights, drawn below as a tiny picture
# (red positive, blue negative). Many are small edge and stroke detectors like the notes' hand-made filters: a bright line next to
# a dark one, in some direction.

# %% id="show-filters"
show_maps(cnn.params["W1"][:, 0], cmap="RdBu_r", symmetric=True, size=1.0,
          suptitle="the 32 learned 3×3 filters of the first layer (red positive, blue negative)");

# %% [markdown] id="maps-intro"
# **The feature maps of one digit.** Put one test digit through the network and draw what each filter of the first layer
# makes of it (26×26 each, after the ReLU): each map lights up where its filter's stroke appears, edges at one angle in one map,
# another angle in the next. The second layer's maps (11×11, first 16 of 64) combine those into larger, coarser parts.

# %% id="show-maps"
digit = X_test_img[:1]
cnn.forward(digit)
course.plots.show_images(digit.reshape(1, 784), titles=[f"test digit, label {y_test[0]}"], ncols=1, size=2.0);
show_maps(np.maximum(cnn.feature_maps[0][0], 0), cmap="magma", size=1.1,       # after the ReLU, as the next layer sees them
          suptitle="first layer: the 32 feature maps of the digit, 26×26 (bright = strong response)");
show_maps(np.maximum(cnn.feature_maps[1][0, :16], 0), cmap="magma", size=1.1,
          suptitle="second layer: the first 16 of its 64 feature maps, 11×11");

# %% [markdown] id="shift-again-intro"
# ### Shifted digits, once more
#
# Section 1's experiment with both networks: every test digit moved 0, 2, 4 and 6 pixels to the right.

# %% id="shift-again"
n_shift = course.runtime.scaled(len(y_test), when_grading=100)    # while grading, a few test digits suffice
cnn_shift_acc = [cnn_acc] + [np.mean(cnn.predict(shift_right(X_test[:n_shift], s).reshape(-1, 1, 28, 28).astype(np.float32))
                                     == y_test[:n_shift]) for s in shifts[1:]]
fig, ax = plt.subplots(figsize=(5.5, 3.2))
ax.plot(shifts, dense_shift_acc, marker="o", label="dense 784-128-10")
ax.plot(shifts, cnn_shift_acc, marker="o", label="the notes' CNN")
ax.set_xlabel("shift to the right (pixels)")
ax.set_ylabel("test accuracy")
ax.set_title("test digits moved sideways")
ax.legend()
fig.tight_layout()
print("shift:   " + "  ".join(f"{s:>5}" for s in shifts))
print("dense:   " + "  ".join(f"{a:5.1%}" for a in dense_shift_acc))
print("CNN:     " + "  ".join(f"{a:5.1%}" for a in cnn_shift_acc))

# %% [markdown] id="shift-again-notes"
# The CNN loses less at every shift. Its filters respond to a stroke wherever it is, and pooling forgives a pixel or two. It is not
# immune: the dense layers at its end still read the 3×3 maps position by position, and MNIST digits are always centred, so the
# network never saw a digit at the edge of the frame. Showing it shifted digits during training (**data augmentation**) is one of
# the things lecture 09 tries.

# %% [markdown] id="think"
# ## Things to think about
#
# 1. In section 2, what feature map does filter 1 give on the image flipped left to right (`image6[:, ::-1]`)? Which hand-made
#    filter would find the other diagonal?
# 2. A convolution layer with 64 filters of 3×3 on 32 channels has 18,496 parameters. How many would a dense layer need to map the
#    13×13×32 input to the 11×11×64 output? (Use your counting functions.)
# 3. Why is `db` of a convolution summed over the positions $(i, j)$, and not only over the batch?
# 4. Keras' `padding="same"` keeps the size of a 3×3 convolution. Which `pad` does that, and how would the notes' CNN's table change
#    with it?
# 5. im2col copies each pixel up to $HH \cdot WW$ times. For the notes' second layer and a batch of 64, how many numbers does `cols`
#    hold? How much memory is that in float32 and in float64?
# 6. Train the CNN for 1 and for 10 epochs. Where does the test accuracy stop improving on 4,000 images?
