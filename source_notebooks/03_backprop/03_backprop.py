# %% [markdown] id="header"
# # Lecture 03 · Backpropagation
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({{COLAB_URL}})
#
# In lecture 02 you derived the gradient of a linear classifier by hand. That works for one layer, but a network with a hidden
# layer, or ten, would need a new page of calculus for every design. **Backpropagation** removes that work: break the computation into
# small steps, let each step know only its own derivative, and let the **chain rule** pass gradients backwards through them.
# In this lecture you draw a computation as a **graph**, push numbers forward and gradients backward by hand, write the two building
# blocks of every dense network as forward/backward pairs, learn to **check** a gradient numerically, and train a two-layer network
# that beats lecture 02's linear classifier on handwritten digits.
#
# You will write seven pieces:
#
# | function | what it does |
# |---|---|
# | `affine_forward(x, w, b)` | the dense layer `x @ w + b` for a batch, returns `(out, cache)` |
# | `affine_backward(dout, cache)` | its gradients `(dx, dw, db)` |
# | `relu_forward(x)` | `max(0, x)` element-wise, returns `(out, cache)` |
# | `relu_backward(dout, cache)` | its gradient `dx` |
# | `numerical_gradient(f, x, h=1e-5)` | the gradient of a scalar function by centred differences |
# | `relative_error(a, b)` | how far apart two gradients are, as a single number |
# | `TwoLayerNet(...)` | affine – ReLU – affine – softmax, with `loss(X, y)` returning the loss and all gradients |
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

# %% [markdown] id="why-backprop"
# ## 1. Why backpropagation?
#
# In lecture 02 the scores were `X @ W + b`, and one page of algebra gave `dW = X.T @ dscores`. Add a hidden layer with a ReLU,
#
# $$\text{scores} = \max(0,\ X W_1 + b_1)\, W_2 + b_2,$$
#
# and the same derivation for $W_1$ already needs care; add a third layer, batch normalisation or a convolution and doing it by hand for
# every model stops being practical. **Backpropagation** (Werbos 1974; made popular by Rumelhart, Hinton and Williams in 1986) is the
# bookkeeping that makes it routine:
#
# 1. write the computation as a chain of small, simple steps (a **computational graph**);
# 2. run it forward, remembering the intermediate values;
# 3. walk it backwards, and at every step multiply the gradient arriving from above by that step's own, *local* derivative.
#
# Each step only ever needs to know its own derivative. That is why a deep-learning library can offer hundreds of layers and still
# differentiate any network you build from them, and why in this lecture every layer comes as a *forward/backward pair*.

# %% [markdown] id="graph-intro"
# ## 2. A computational graph: $f = wx + b$
#
# Start with the smallest neuron there is: one input $x$, one weight $w$, one bias $b$, no activation.
# Split $f = wx + b$ into its two operations and give the intermediate result a name:
#
# $$g = w \cdot x, \qquad f = g + b.$$
#
# Draw every operation as a node (a **gate**) and every quantity as a wire. Take $w = 3$, $x = -2$ and $b = 1$.
# The **forward pass** computes from left to right: $g = 3 \cdot (-2) = -6$, then $f = -6 + 1 = -5$.

# %% id="graph-forward"
from course.graphs import draw_graph

w, x, b = 3.0, -2.0, 1.0
g = w * x          # the multiply gate
f = g + b          # the add gate
print(f"g = w * x = {g},  f = g + b = {f}")

wxb_graph = [("g", "×", ["w", "x"]),     # g = w * x
             ("f", "+", ["g", "b"])]     # f = g + b
draw_graph(wxb_graph, values={"w": w, "x": x, "b": b, "g": g, "f": f}, title="forward pass of f = wx + b");

# %% [markdown] id="graph-backward"
# ### The backward pass
#
# Now ask the question learning needs: *if I nudge $w$ (or $x$, or $b$) a little, how much does $f$ change?* That is the gradient
# $\partial f / \partial w$. We compute it from right to left, one gate at a time.
#
# * **Start:** $\dfrac{\partial f}{\partial f} = 1$. A nudge of $f$ changes $f$ by exactly that nudge.
# * **The add gate** $f = g + b$: its local derivatives are $\dfrac{\partial f}{\partial g} = 1$ and $\dfrac{\partial f}{\partial b} = 1$.
#   Multiply each by the gradient arriving from above (here 1): $\dfrac{\partial f}{\partial g} = 1$ and $\dfrac{\partial f}{\partial b} = 1$.
#   *An add gate passes the gradient unchanged to all its inputs.*
# * **The multiply gate** $g = w \cdot x$: its local derivatives are $\dfrac{\partial g}{\partial w} = x = -2$ and
#   $\dfrac{\partial g}{\partial x} = w = 3$. Multiply each by the gradient arriving from above, $\dfrac{\partial f}{\partial g} = 1$:
#
# $$\frac{\partial f}{\partial w} = \frac{\partial f}{\partial g}\cdot\frac{\partial g}{\partial w} = 1 \cdot x = -2, \qquad
#   \frac{\partial f}{\partial x} = \frac{\partial f}{\partial g}\cdot\frac{\partial g}{\partial x} = 1 \cdot w = 3.$$
#
#   *A multiply gate sends each input the other input's value, times the gradient from above.*
#
# The picture now carries both passes: values above the wires, gradients below.

# %% id="graph-both"
df = 1.0                 # df/df
dg = 1.0 * df            # add gate: local derivative 1
db = 1.0 * df
dw = x * dg              # multiply gate: local derivative of w*x with respect to w is x
dx = w * dg              # ... and with respect to x it is w
print(f"df/dw = {dw},  df/dx = {dx},  df/db = {db}")
draw_graph(wxb_graph, values={"w": w, "x": x, "b": b, "g": g, "f": f},
           grads={"w": dw, "x": dx, "b": db, "g": dg, "f": df}, title="forward and backward pass of f = wx + b");


# %% [markdown] id="nudge"
# **Does it mean anything?** The gradient predicts the effect of a small nudge: raising $w$ by $0.001$ should change $f$ by about
# $-2 \times 0.001 = -0.002$, raising $x$ by $0.001$ should change it by $+0.003$. Let us try it.

# %% id="nudge-demo"
def f_of(w, x, b):
    return w * x + b

step = 0.001
print("nudge w:", f_of(w + step, x, b) - f_of(w, x, b), " predicted", dw * step)
print("nudge x:", f_of(w, x + step, b) - f_of(w, x, b), " predicted", dx * step)
print("nudge b:", f_of(w, x, b + step) - f_of(w, x, b), " predicted", db * step)

# %% [markdown] id="chain-rule"
# ## 3. The chain rule: upstream gradient × local gradient
#
# What we did is the **chain rule**. If $f$ depends on $g$ and $g$ depends on $w$, then
#
# $$\frac{\partial f}{\partial w} = \underbrace{\frac{\partial f}{\partial g}}_{\text{upstream}} \cdot
#   \underbrace{\frac{\partial g}{\partial w}}_{\text{local}}.$$
#
# Every gate does the same thing in the backward pass, however big the graph is: it receives the **upstream gradient**
# (the derivative of the final output with respect to the gate's own output), multiplies it by its **local gradient** (the derivative
# of its output with respect to each input, which only needs the gate's own inputs), and passes the products on to its inputs.
# A gate never needs to know what happens after it.
#
# | gate | forward | local gradients | what it does to the upstream gradient $d$ |
# |---|---|---|---|
# | add | $z = x + y$ | $1,\ 1$ | **distributes** it: both inputs get $d$ |
# | multiply | $z = x\,y$ | $y,\ x$ | **swaps**: $x$ gets $y\,d$, $y$ gets $x\,d$ |
# | max | $z = \max(x, y)$ | $1$ for the larger input, $0$ for the other | **routes** $d$ to the winner |
# | ReLU | $z = \max(0, x)$ | $1$ if $x > 0$, else $0$ | lets $d$ through where $x > 0$, blocks it elsewhere |
# | square | $z = x^2$ | $2x$ | scales by $2x$ |
# | exp | $z = e^x$ | $e^x$ | scales by the output |
#
# **When a value is used twice, its gradients add up.** If $x$ feeds two gates, nudging $x$ changes the output through both paths, so
# $\partial f/\partial x$ is the *sum* of the gradients coming back along each path. For example $f = xy + x$:
# the multiply gate sends $x$ the gradient $y$, the add gate sends it $1$, so $\partial f / \partial x = y + 1$. In code this
# means `dx += ...`, never `dx = ...`, when a variable has several consumers. We meet it again in the affine layer, where the bias
# is added to every example of the batch.

# %% id="fork-demo"
x_in, y_in = 2.0, -4.0
# forward: q = x * y, f = q + x  (x is used twice)
q = x_in * y_in
f_val = q + x_in
# backward
df = 1.0
dq = 1.0 * df                 # add gate, first input
dx_total = 1.0 * df           # add gate, second input is x itself
dx_total += y_in * dq        # multiply gate: x receives y * upstream. Note the +=
print("df/dx by backprop:", dx_total, "  formula y + 1 =", y_in + 1)
print("df/dx by nudging :", ((x_in + 1e-6) * y_in + (x_in + 1e-6) - f_val) / 1e-6)

# %% [markdown] id="staged-intro"
# ## 4. Staged backprop of a whole neuron
#
# A real neuron has several inputs and an activation. Take two inputs and a ReLU:
#
# $$f = \max(0,\ w_1 x_1 + w_2 x_2 + b).$$
#
# The recipe is always the same. **Forward:** compute one small step per line and keep every intermediate value.
# **Backward:** go through the same lines in reverse order; for each, write one line per input, *upstream × local*.
# Name the gradient of $f$ with respect to a variable `v` as `dv`, so that the code reads like the graph.
#
# With $w_1 = 0.5,\ x_1 = 4,\ w_2 = -1,\ x_2 = 1.5,\ b = 0.5$:

# %% id="staged-neuron"
w1, x1, w2, x2, b = 0.5, 4.0, -1.0, 1.5, 0.5

# forward pass: one gate per line
m1 = w1 * x1            # 2.0
m2 = w2 * x2            # -1.5
s = m1 + m2             # 0.5
z = s + b               # 1.0
f = max(0.0, z)         # 1.0

# backward pass: the same lines in reverse order
df = 1.0
dz = df * (1.0 if z > 0 else 0.0)   # ReLU: passes the gradient only if its input was positive
ds = dz * 1.0                       # add gate distributes
db = dz * 1.0
dm1 = ds * 1.0                      # add gate distributes
dm2 = ds * 1.0
dw1, dx1 = dm1 * x1, dm1 * w1       # multiply gates swap
dw2, dx2 = dm2 * x2, dm2 * w2

values = dict(w1=w1, x1=x1, w2=w2, x2=x2, b=b, m1=m1, m2=m2, s=s, z=z, f=f)
grads = dict(w1=dw1, x1=dx1, w2=dw2, x2=dx2, b=db, m1=dm1, m2=dm2, s=ds, z=dz, f=df)
print("dw1 =", dw1, " dw2 =", dw2, " db =", db, " dx1 =", dx1, " dx2 =", dx2)
neuron_graph = [("m1", "×", ["w1", "x1"]), ("m2", "×", ["w2", "x2"]),
                ("s", "+", ["m1", "m2"]), ("z", "+", ["s", "b"]), ("f", "ReLU", ["z"])]
draw_graph(neuron_graph, values=values, grads=grads, title="f = max(0, w1·x1 + w2·x2 + b)");


# %% [markdown] id="staged-notes"
# Read the gradients off the picture: $\partial f/\partial w_1 = x_1 = 4$, $\partial f/\partial w_2 = x_2 = 1.5$, $\partial f/\partial b = 1$.
# The gradient of a weight is the *input* it multiplies: a weight attached to a large input has a large effect.
# We also got $\partial f/\partial x_1$ and $\partial f/\partial x_2$. We never change the data, but in a deeper network $x_1, x_2$ are the
# outputs of the previous layer, and these are exactly the upstream gradients that layer needs.
#
# *Think about it:* change `b` to `-3.0` and run the cell again. Now $z < 0$, the ReLU outputs 0 and every gradient is 0: nudging any weight a
# little does not change $f$ at all. A neuron whose input is negative for *every* training example never learns again; this is called a
# **dead ReLU**.

# %% [markdown] id="layers-intro"
# ## 5. Layers as forward/backward pairs
#
# Writing one line per gate is fine for a neuron but not for a layer of 100 neurons and a batch of 100 images. We group the gates into
# **layers** and write each layer as two functions that work on whole arrays:
#
# * `layer_forward(inputs) -> (out, cache)`: computes the output and keeps in `cache` whatever the backward pass will need;
# * `layer_backward(dout, cache) -> gradients`: receives `dout`, the upstream gradient $\partial L/\partial\,\text{out}$ (same shape as `out`),
#   and returns the gradient of $L$ with respect to **each input**, in the order of the forward inputs, each with the shape of that input.
#
# A network is then a stack of forward calls, and its backward pass is the same stack of backward calls in reverse order, each feeding
# its input-gradient to the layer before. Every layer of this course, up to convolutions and batch normalisation, follows this contract.
#
# ### The affine (fully connected) layer
#
# For a batch of $N$ examples with $D$ features each and $M$ outputs:
#
# $$\text{out} = x\,w + b, \qquad x: (N, D),\quad w: (D, M),\quad b: (M,),\quad \text{out}: (N, M).$$
#
# Each of the $N \times M$ outputs is a neuron like the one above, without the ReLU: $\text{out}_{nm} = \sum_d x_{nd}\, w_{dm} + b_m$.
# With $N = D = M = 1$ it *is* $f = wx + b$ from section 2.
#
# **The column form of the lecture notes.** The notes (and many textbooks) store one example per **column**: $Z = W A + b$ with
# $A$ of shape $(n_{\text{in}}, m)$, $W$ of shape $(n_{\text{out}}, n_{\text{in}})$ and $b$ of shape $(n_{\text{out}}, 1)$. It is the
# same computation transposed: our `x` is $A^\top$, our `w` is $W^\top$ and our `out` is $Z^\top$. Their backward formulas
# $dW = \frac1m\, dZ\, A^\top$ and $dA = W^\top dZ$ become `dw = x.T @ dout` and `dx = dout @ w.T` below. The $\frac1m$ is missing on purpose:
# in this course the loss already is a mean, so `dout` carries the $1/N$ (lecture 02's `dscores` did), and no layer divides again.
#
# **Deriving the backward pass.** Differentiate one output with respect to one entry, then collect:
#
# * $\dfrac{\partial\, \text{out}_{nm}}{\partial w_{dm}} = x_{nd}$, and $w_{dm}$ is used by all $N$ examples, so its gradients add:
#   $\dfrac{\partial L}{\partial w_{dm}} = \sum_n x_{nd}\, \text{dout}_{nm}$, i.e. **`dw = x.T @ dout`**, shape $(D, N)(N, M) = (D, M)$.
# * $\dfrac{\partial\, \text{out}_{nm}}{\partial x_{nd}} = w_{dm}$, and $x_{nd}$ feeds all $M$ outputs:
#   $\dfrac{\partial L}{\partial x_{nd}} = \sum_m \text{dout}_{nm}\, w_{dm}$, i.e. **`dx = dout @ w.T`**, shape $(N, M)(M, D) = (N, D)$.
# * $b_m$ is added to every row, so **`db = dout.sum(axis=0)`**, shape $(M,)$.
#
# A useful sanity check: every gradient has the shape of the thing it is the gradient of, and for `dw` and `dx` there is only one way to
# multiply `x`, `w` and `dout` that produces that shape.
#
# **Images and other shaped inputs.** Later lectures feed images of shape `(N, C, H, W)` into an affine layer. So `affine_forward`
# accepts `x` of any shape `(N, d_1, ..., d_k)`: it flattens each example to a row of length $D = d_1 \cdots d_k$ with
# `x.reshape(N, -1)`, and `affine_backward` returns `dx` reshaped back to `x`'s original shape.

# %% [markdown] id="affine-forward-task"
# ### Your turn: `affine_forward`
#
# Return `out` of shape `(N, M)` and `cache = (x, w, b)`: the backward pass needs `x` and `w`. Do not change `x` in place.

# %% solution id="affine_forward"
def affine_forward(x, w, b):
    """Forward pass of a fully connected layer.

    x: (N, d_1, ..., d_k) inputs, each example flattened to D = d_1 * ... * d_k numbers;
    w: (D, M) weights; b: (M,) biases.
    Returns (out, cache): out (N, M) = x.reshape(N, D) @ w + b; cache = (x, w, b).
    """
    ### BEGIN SOLUTION
    x_rows = x.reshape(x.shape[0], -1)
    out = x_rows @ w + b
    cache = (x, w, b)
    return out, cache
    ### END SOLUTION


# %% tests id="test_affine_forward" points=2
from course.checks import call  # runs your function; a crash or a wrong number of results fails the check
_shapes_hint = "Check the shapes you multiply: x flattened to (N, D) times w (D, M) gives (N, M)."

# Checks for affine_forward
out, _ = call("affine_forward", affine_forward, np.array([[-2.0]]), np.array([[3.0]]), np.array([1.0]), n_out=2, hint=_shapes_hint)
check_close(out, [[-5.0]], "affine_forward for f = wx + b with w = 3, x = -2, b = 1 (section 2)")
x = np.array([[1.0, 2.0, 3.0],
              [-1.0, 0.0, 2.0]])          # N = 2 examples, D = 3 features
w = np.array([[1.0, 0.0],
              [0.0, 1.0],
              [1.0, -1.0]])               # D = 3 inputs, M = 2 outputs
b = np.array([0.5, -0.5])
out, _ = call("affine_forward", affine_forward, x, w, b, n_out=2, hint=_shapes_hint)
check_close(out, [[4.5, -1.5], [1.5, -2.5]], "affine_forward of a batch of 2 examples with 3 features")
images = np.arange(12.0).reshape(2, 2, 3) / 10   # 2 tiny "images" of 2x3 pixels
out, _ = call("affine_forward with x of shape (2, 2, 3)", affine_forward, images, np.ones((6, 4)), np.zeros(4), n_out=2, hint=_shapes_hint)
check_shape(out, (2, 4), "affine_forward of x with shape (2, 2, 3) and w with shape (6, 4)")
check_close(out[:, 0], [1.5, 5.1], "output column 0 for the two 2x3 images (with w all ones, each entry is the sum of the 6 pixels)",
            hint="Flatten each example with x.reshape(N, -1) before multiplying.")
print("affine_forward: visible checks passed")
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(3031)
for _xshape, _m in [((4, 5), 3), ((1, 7), 2), ((3, 4), 4), ((6, 2, 3, 4), 5), ((2, 3, 3), 1), ((5, 6), 6)]:
    _x = _rng.normal(size=_xshape)
    _d = int(np.prod(_xshape[1:]))
    _w = _rng.normal(size=(_d, _m))
    _b = _rng.normal(size=_m)
    _copies = [a.copy() for a in (_x, _w, _b)]
    _out, _ = call(f"affine_forward with x of shape {_xshape} and w of shape {(_d, _m)}",
                    affine_forward, _x, _w, _b, n_out=2, hint=_shapes_hint)
    for _name, _before, _after in zip(["x", "w", "b"], _copies, (_x, _w, _b)):
        check_unchanged(_before, _after, f"The input `{_name}` of affine_forward")
    check_shape(_out, (_xshape[0], _m), f"affine_forward's output for x of shape {_xshape} and w of shape {(_d, _m)}")
    check_close(_out, _copies[0].reshape(_xshape[0], _d) @ _copies[1] + _copies[2],
                f"affine_forward's output for x of shape {_xshape} and w of shape {(_d, _m)}", show_expected=False,
                hint="Row n of the output is the flattened example n times w, plus b. Check that w is not transposed "
                     "and that the bias is added.")
### END HIDDEN TESTS

# %% [markdown] id="affine-backward-task"
# ### Your turn: `affine_backward`
#
# Given `dout` `(N, M)` and the `cache` from `affine_forward`, return `(dx, dw, db)` with the shapes of `x` (its original shape,
# not the flattened one), `w` and `b`. Do not divide by $N$: `dout` already includes it.

# %% solution id="affine_backward"
def affine_backward(dout, cache):
    """Backward pass of a fully connected layer.

    dout: (N, M) upstream gradient; cache: (x, w, b) from affine_forward.
    Returns (dx, dw, db): dx with the shape of x (N, d_1, ..., d_k), dw (D, M), db (M,).
    """
    ### BEGIN SOLUTION
    x, w, b = cache
    x_rows = x.reshape(x.shape[0], -1)
    dx = (dout @ w.T).reshape(x.shape)
    dw = x_rows.T @ dout
    db = np.sum(dout, axis=0)
    return dx, dw, db
    ### END SOLUTION


# %% tests id="test_affine_backward" points=3
from course.checks import call  # runs your function; a crash or a wrong number of results fails the check
_shapes_hint = ("Check the shapes: dout is (N, M), w is (D, M) and x flattened is (N, D); "
                "each gradient must have the shape of the input it belongs to.")

# Checks for affine_backward
_, cache = call("affine_forward", affine_forward, np.array([[-2.0]]), np.array([[3.0]]), np.array([1.0]), n_out=2)
dx, dw, db = call("affine_backward", affine_backward, np.array([[1.0]]), cache, n_out=3, hint=_shapes_hint)
_, cache_3x4 = call("affine_forward", affine_forward, np.ones((3, 2)), np.ones((2, 4)), np.zeros(4), n_out=2)
_, _, db_3x4 = call("affine_backward", affine_backward, np.ones((3, 4)), cache_3x4, n_out=3, hint=_shapes_hint)
check(np.shape(db_3x4) == (4,), f"db for 3 examples and 4 outputs has shape {np.shape(db_3x4)}; it should have shape (4,), "
      "like b. The bias is added to every example: sum dout over the batch, axis=0.")
check_close(dx, [[3.0]], "dx for f = wx + b with w = 3, x = -2, b = 1 (section 2)")
check_close(dw, [[-2.0]], "dw for f = wx + b with w = 3, x = -2, b = 1 (section 2)")
check_close(db, [1.0], "db for f = wx + b with w = 3, x = -2, b = 1 (section 2)")
x = np.array([[1.0, 2.0, 3.0], [-1.0, 0.0, 2.0]])
w = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, -1.0]])
b = np.array([0.5, -0.5])
dout = np.array([[1.0, 0.0], [0.0, 1.0]])
_, cache = call("affine_forward", affine_forward, x, w, b, n_out=2)
dx, dw, db = call("affine_backward", affine_backward, dout, cache, n_out=3, hint=_shapes_hint)
check_close(dx, [[1.0, 0.0, 1.0], [0.0, 1.0, -1.0]], "dx for the batch of 2 examples")
check_close(dw, [[1.0, -1.0], [2.0, 0.0], [3.0, 2.0]], "dw for the batch of 2 examples")
check_close(db, [1.0, 1.0], "db for the batch of 2 examples",
            hint="The bias is added to every row: sum dout over the batch, axis=0.")
_check_rng = np.random.default_rng(0)
x = _check_rng.normal(size=(3, 2, 2))
w = _check_rng.normal(size=(4, 5))
b = _check_rng.normal(size=5)
dout = _check_rng.normal(size=(3, 5))
_, cache = call("affine_forward", affine_forward, x, w, b, n_out=2)
dx, dw, db = call("affine_backward", affine_backward, dout, cache, n_out=3, hint=_shapes_hint)
check_shape(dx, (3, 2, 2), "dx for x of shape (3, 2, 2)")
check_gradient(lambda x_: np.sum(affine_forward(x_, w, b)[0] * dout), x, dx, "dx")
check_gradient(lambda w_: np.sum(affine_forward(x, w_, b)[0] * dout), w, dw, "dw")
check_gradient(lambda b_: np.sum(affine_forward(x, w, b_)[0] * dout), b, db, "db")
print("affine_backward: visible checks passed")
### BEGIN HIDDEN TESTS
def _affine_grads(x, w, b, dout):
    rows = x.reshape(x.shape[0], -1)
    return (dout @ w.T).reshape(x.shape), rows.T @ dout, dout.sum(axis=0)

_rng = np.random.default_rng(3032)
for _xshape, _m in [((4, 5), 3), ((1, 7), 2), ((3, 4), 4), ((6, 2, 3, 4), 5), ((5, 3), 1), ((7, 2, 5), 6)]:
    _x = _rng.normal(size=_xshape)
    _d = int(np.prod(_xshape[1:]))
    _w = _rng.normal(size=(_d, _m))
    _b = _rng.normal(size=_m)
    _dout = _rng.normal(size=(_xshape[0], _m))
    _copies = [a.copy() for a in (_x, _w, _b, _dout)]
    _what = f"x of shape {_xshape}, w of shape {(_d, _m)}"
    _, _cache = call(f"affine_forward with {_what}", affine_forward, _x, _w, _b, n_out=2)
    _dx, _dw, _db = call(f"affine_backward with {_what}", affine_backward, _dout, _cache, n_out=3, hint=_shapes_hint)
    for _name, _before, _after in zip(["x", "w", "b", "dout"], _copies, (_x, _w, _b, _dout)):
        check_unchanged(_before, _after, f"The array `{_name}`")
    _rdx, _rdw, _rdb = _affine_grads(*_copies)
    check_shape(_dx, _xshape, f"dx for {_what} (it must have the shape of x)")
    check_shape(_dw, (_d, _m), f"dw for {_what} (it must have the shape of w)")
    check_shape(_db, (_m,), f"db for {_what} (it must have the shape of b)")
    check_close(_dx, _rdx, f"dx for {_what}", show_expected=False,
                hint="Each input feeds all M outputs: multiply dout by the transpose of w.")
    check_close(_dw, _rdw, f"dw for {_what}", show_expected=False,
                hint="Each weight is used by every example: combine the flattened x and dout over the batch.")
    check_close(_db, _rdb, f"db for {_what}", show_expected=False,
                hint="The bias is added to every example, so its gradient is the sum (not the mean) of dout over the batch.")
_x = _rng.normal(size=(4, 3, 2)); _w = _rng.normal(size=(6, 5)); _b = _rng.normal(size=5); _dout = _rng.normal(size=(4, 5))
_, _cache = call("affine_forward", affine_forward, _x, _w, _b, n_out=2)
_dx, _dw, _db = call("affine_backward", affine_backward, _dout, _cache, n_out=3, hint=_shapes_hint)
check_gradient(lambda x_: np.sum((x_.reshape(4, -1) @ _w + _b) * _dout), _x, _dx, "dx for x of shape (4, 3, 2)")
check_gradient(lambda w_: np.sum((_x.reshape(4, -1) @ w_ + _b) * _dout), _w, _dw, "dw for w of shape (6, 5)")
check_gradient(lambda b_: np.sum((_x.reshape(4, -1) @ _w + b_) * _dout), _b, _db, "db for b of shape (5,)")
### END HIDDEN TESTS

# %% [markdown] id="relu-intro"
# ### The ReLU layer
#
# The rectified linear unit keeps positive values and replaces negative ones by zero, element by element:
# $\text{ReLU}(x) = \max(0, x)$. Its derivative is 1 where $x > 0$ and 0 where $x < 0$. At exactly $x = 0$ the function has a kink
# and no derivative; we have to pick a value, and this course picks **0**: the gradient passes only where $x > 0$ strictly.
# (Any value between 0 and 1 would be a valid *subgradient*; 0 is what the lecture notes and most libraries use, and it almost never
# matters because an input is rarely exactly 0.)
#
# So the backward pass is a mask: `dx = dout` where `x > 0` and `0` elsewhere. The forward pass must keep `x` (or the mask) in the cache.

# %% id="relu-plot"
z = np.linspace(-3, 3, 601)
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(8, 2.8))
ax1.plot(z, np.maximum(0, z))
ax1.set_title("ReLU(x) = max(0, x)")
ax2.plot(z[z < 0], np.zeros(np.sum(z < 0)), color="tab:red")
ax2.plot(z[z > 0], np.ones(np.sum(z > 0)), color="tab:red")
ax2.scatter([0], [0], color="tab:red", zorder=3)
ax2.scatter([0], [1], facecolor="white", edgecolor="tab:red", zorder=3)
ax2.set_ylim(-0.2, 1.2)
ax2.set_title("its derivative (0 at x = 0 by our convention)")
for ax in (ax1, ax2):
    ax.set_xlabel("x")
    ax.axhline(0, color="black", lw=0.6)
    ax.axvline(0, color="black", lw=0.6)
fig.tight_layout()


# %% [markdown] id="relu-forward-task"
# ### Your turn: `relu_forward`
#
# Return `out = max(0, x)` element-wise (any shape) and a `cache` for the backward pass (`x` itself is enough).
# Build a new array: `x[x < 0] = 0` would silently change the caller's `x`, and with it the cache the backward pass relies on.

# %% solution id="relu_forward"
def relu_forward(x):
    """Forward pass of a ReLU layer.

    x: array of any shape.
    Returns (out, cache): out with the shape of x, max(0, x) element-wise; cache = x.
    """
    ### BEGIN SOLUTION
    out = np.maximum(0, x)
    cache = x
    return out, cache
    ### END SOLUTION


# %% tests id="test_relu_forward" points=2
from course.checks import call  # runs your function; a crash or a wrong number of results fails the check

# Checks for relu_forward
out, _ = call("relu_forward", relu_forward, np.array([[-2.0, 0.0, 3.0]]), n_out=2)
check_close(out, [[0.0, 0.0, 3.0]], "relu_forward of [[-2, 0, 3]]")
x = np.array([[1.5, -0.5], [-4.0, 2.0]])
x_before = x.copy()
out, _ = call("relu_forward", relu_forward, x, n_out=2)
check_close(out, [[1.5, 0.0], [0.0, 2.0]], "relu_forward of a 2x2 array")
check_unchanged(x_before, x, "The input `x` of relu_forward")
print("relu_forward: visible checks passed")
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(3033)
for _shape in [(5,), (3, 4), (2, 3, 4), (1, 1), (4, 2, 2, 3)]:
    _x = _rng.normal(size=_shape)
    _x.flat[0] = 0.0
    _copy = _x.copy()
    _out, _ = call(f"relu_forward with x of shape {_shape}", relu_forward, _x, n_out=2)
    check_unchanged(_copy, _x, "The input `x` of relu_forward")
    check_shape(_out, _shape, f"relu_forward's output for x of shape {_shape}")
    check_close(_out, np.maximum(0.0, _copy), f"relu_forward's output for x of shape {_shape}", show_expected=False,
                hint="Keep positive entries as they are and replace negative ones by 0, element by element.")
### END HIDDEN TESTS

# %% [markdown] id="relu-backward-task"
# ### Your turn: `relu_backward`
#
# Return `dx`, the shape of `dout`: `dout` where the forward input was **strictly positive**, `0` elsewhere (including where it was exactly 0).
# Do not modify `dout` in place (`dout[x <= 0] = 0` changes an array that belongs to the layer above); build a new array.

# %% solution id="relu_backward"
def relu_backward(dout, cache):
    """Backward pass of a ReLU layer.

    dout: upstream gradient, any shape; cache: x from relu_forward, the same shape.
    Returns dx with the shape of dout: dout where x > 0, else 0.
    """
    ### BEGIN SOLUTION
    x = cache
    dx = dout * (x > 0)
    return dx
    ### END SOLUTION


# %% tests id="test_relu_backward" points=2
from course.checks import call  # runs your function; a crash or a wrong number of results fails the check

# Checks for relu_backward
x = np.array([[-2.0, 0.0, 3.0]])
dout = np.array([[10.0, 20.0, 30.0]])
_, cache = call("relu_forward", relu_forward, x, n_out=2)
dx = call("relu_backward", relu_backward, dout, cache)
check_close(dx, [[0.0, 0.0, 30.0]], "relu_backward for x = [[-2, 0, 3]] and dout = [[10, 20, 30]]",
            hint="The gradient passes only where x > 0; at x = 0 this course uses 0.")
check_close(dout, [[10.0, 20.0, 30.0]], "dout after calling relu_backward (it must not change)")
_check_rng = np.random.default_rng(0)
x = _check_rng.normal(size=(4, 5))
x[np.abs(x) < 0.1] = 0.5      # keep away from the kink, where centred differences are unreliable
dout = _check_rng.normal(size=(4, 5))
_, cache = call("relu_forward", relu_forward, x, n_out=2)
dx = call("relu_backward", relu_backward, dout, cache)
check_gradient(lambda x_: np.sum(np.maximum(0, x_) * dout), x, dx, "dx")
print("relu_backward: visible checks passed")
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(3034)
for _shape in [(6,), (3, 4), (2, 3, 4), (5, 1)]:
    _x = _rng.normal(size=_shape)
    _x.flat[::3] = 0.0                      # exact zeros: the gradient there is 0 by the course's convention
    _dout = _rng.normal(size=_shape)
    _x0, _dout0 = _x.copy(), _dout.copy()
    _, _cache = call(f"relu_forward with x of shape {_shape}", relu_forward, _x, n_out=2)
    _dx = call(f"relu_backward with dout of shape {_shape}", relu_backward, _dout, _cache)
    check_unchanged(_dout0, _dout, "The upstream gradient `dout`")
    check_unchanged(_x0, _x, "The input `x`")
    check_shape(_dx, _shape, f"dx for dout of shape {_shape}")
    check_close(np.asarray(_dx)[_x0 == 0], np.zeros(np.sum(_x0 == 0)), "dx where x is exactly 0", show_expected=False,
                hint="This course's convention: the gradient of ReLU at x = 0 is 0, so use x > 0, not x >= 0.")
    check_close(_dx, _dout0 * (_x0 > 0), f"dx for x of shape {_shape}", show_expected=False,
                hint="dx is dout where the forward input was positive and 0 elsewhere.")
_x = _rng.normal(size=(3, 7))
_x[np.abs(_x) < 0.1] = -0.5
_dout = _rng.normal(size=(3, 7))
_, _cache = call("relu_forward", relu_forward, _x, n_out=2)
_dx = call("relu_backward", relu_backward, _dout, _cache)
check_gradient(lambda x_: np.sum(np.maximum(0, x_) * _dout), _x, _dx, "dx of a (3, 7) input")
### END HIDDEN TESTS

# %% [markdown] id="numgrad-intro"
# ## 6. Gradient checking: is my backward pass right?
#
# A backward pass can be wrong in ways that do not crash: a missing transpose on a square matrix, a forgotten ReLU mask, a factor of 2.
# The network then trains badly, or slightly worse than it should, and nothing tells you why. The remedy is to compare your analytic
# gradient with a **numerical** one, computed from nothing but the forward pass and the definition of the derivative:
#
# $$\frac{df}{dx} = \lim_{h \to 0} \frac{f(x + h) - f(x)}{h}.$$
#
# We cannot take the limit, but we can take a small $h$. Two choices:
#
# * **one-sided:** $\dfrac{f(x+h) - f(x)}{h}$, whose error is proportional to $h$;
# * **centred:** $\dfrac{f(x+h) - f(x-h)}{2h}$, whose error is proportional to $h^2$ (expand both sides in a Taylor series: the $h^2$ terms cancel).
#
# With $h = 10^{-5}$ the centred error is typically about $10^{5}$ times smaller (an experiment below measures it). For $f(x) = x^2$ at $x = 3$
# (true slope 6) with a coarse $h = 0.1$: one-sided gives $(9.61 - 9)/0.1 = 6.1$, centred gives $(9.61 - 8.41)/0.2 = 6.0$, exact,
# because for a parabola the error terms cancel completely.
#
# **For arrays**, the gradient of a scalar function $f(x)$ has one entry per entry of $x$. Perturb **one entry at a time**, leave the
# others alone, and apply the centred formula to that entry. That needs $2 \times$ `x.size` evaluations of $f$, which is far too slow to
# train with (a network has millions of weights) but fine for checking on small inputs.

# %% [markdown] id="numgrad-task"
# ### Your turn: `numerical_gradient`
#
# Write `numerical_gradient(f, x, h=1e-5)`: `f` takes an array shaped like `x` and returns a number; return `grad` with the shape of
# `x`, entry `i` being $\big(f(x + h e_i) - f(x - h e_i)\big) / 2h$ where $e_i$ is 1 at position $i$ and 0 elsewhere.
#
# * It must work for `x` of **any shape**, not only vectors. `np.ndindex(x.shape)` yields every index tuple of an array, or use
#   `np.nditer(x, flags=["multi_index"])`.
# * The usual way is to change `x[i]` in place, evaluate `f`, and put it back. Save the old value and **restore** it exactly
#   (`x[i] = old`) before moving on: `x` must be unchanged when you return. (Copying `x` for each evaluation is also fine, only slower.)
# * Use the `h` you are given.

# %% solution id="numerical_gradient"
def numerical_gradient(f, x, h=1e-5):
    """Gradient of a scalar function by centred differences.

    f: function taking an array shaped like x and returning a float; x: float array of any shape; h: step.
    Returns grad with the shape of x: grad[i] = (f(x + h e_i) - f(x - h e_i)) / (2h). x is unchanged on return.
    """
    ### BEGIN SOLUTION
    grad = np.zeros(x.shape, dtype=np.float64)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        f_plus = f(x)
        x[i] = old - h
        f_minus = f(x)
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad
    ### END SOLUTION


# %% tests id="test_numerical_gradient" points=3
from course.checks import call  # runs your function; a crash or a wrong number of results fails the check

# Checks for numerical_gradient
grad = call("numerical_gradient", numerical_gradient, lambda v: np.sum(v ** 2), np.array([3.0]), h=0.1)
check_close(grad, [6.0], "the numerical gradient of x^2 at x = 3 with h = 0.1",
            hint="Centred differences are exact for x^2 whatever h is: (f(x+h) - f(x-h)) / (2h), with the h you are given. "
                 "A one-sided difference would give 6.1.")
grad = call("numerical_gradient", numerical_gradient, lambda v: np.sum(v ** 3), np.array([1.0, 2.0]), h=0.1)
check_close(grad, [3.01, 12.01], "the numerical gradient of x^3 at x = [1, 2] with h = 0.1", atol=1e-9,
            hint="For x^3 centred differences give 3x^2 + h^2, so the step matters: use the h you are given, "
                 "not a step of your own.")
grad = call("numerical_gradient", numerical_gradient, lambda v: np.sum(v ** 2), np.array([3.0]))
check_close(grad, [6.0], "the numerical gradient of x^2 at x = 3 with the default h = 1e-5", rtol=1e-8)
x = np.array([[1.0, -2.0, 0.5], [3.0, 0.0, -1.0]])
x_before = x.copy()
grad = call("numerical_gradient", numerical_gradient, lambda v: np.sum(v ** 2), x)
check_close(grad, 2 * x_before, "the numerical gradient of sum(x^2) for a (2, 3) array (it is 2x)", atol=1e-6)
check(np.allclose(x, x_before, rtol=0, atol=1e-12),
      "x was changed by numerical_gradient: put every entry back to its old value before returning.")
print("numerical_gradient: visible checks passed")
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(3035)
for _shape in [(4,), (3, 5), (2, 3, 2), (1, 1)]:
    _x = _rng.normal(size=_shape)
    _x0 = _x.copy()
    _g = call(f"numerical_gradient for x of shape {_shape}", numerical_gradient, lambda v: np.sum(v ** 3), _x, h=0.1)
    check(np.allclose(_x, _x0, rtol=0, atol=1e-12),
          f"x (shape {_shape}) was changed by numerical_gradient: restore every entry you perturbed before returning.")
    check_shape(_g, _shape, f"numerical_gradient for x of shape {_shape}")
    # for a cubic, the centred difference with step h is exactly 3x^2 + h^2
    check_close(_g, 3 * _x0 ** 2 + 0.01, f"numerical_gradient of sum(x^3) with h = 0.1 for x of shape {_shape}",
                rtol=1e-7, atol=1e-9, show_expected=False,
                hint="Use centred differences (f(x+h) - f(x-h)) / (2h) with the h you are given, one entry of x at a time.")
    _c = _rng.normal(size=_shape)
    _g = call(f"numerical_gradient for x of shape {_shape}", numerical_gradient, lambda v: np.sum(np.sin(v) * _c), _x)
    check(np.allclose(_x, _x0, rtol=0, atol=1e-12),
          f"x (shape {_shape}) was changed by numerical_gradient: restore every entry you perturbed before returning.")
    check_close(_g, np.cos(_x0) * _c, f"numerical_gradient of sum(c * sin(x)) for x of shape {_shape} with the default h",
                rtol=1e-6, atol=1e-8, show_expected=False,
                hint="Use centred differences with h = 1e-5 by default; a one-sided difference is not accurate enough.")
_x = _rng.normal(size=(2, 3))
_x0 = _x.copy()
_g = call("numerical_gradient", numerical_gradient, lambda v: float(v[1, 2] * v[0, 0]), _x)
_expected = np.zeros((2, 3)); _expected[1, 2] = _x0[0, 0]; _expected[0, 0] = _x0[1, 2]
check_close(_g, _expected, "numerical_gradient of f(x) = x[1, 2] * x[0, 0] for a (2, 3) array", atol=1e-8,
            show_expected=False, hint="Perturb one entry at a time (not a whole row), and put it back before the next one.")
### END HIDDEN TESTS

# %% [markdown] id="relerr-intro"
# ### Comparing two gradients: the relative error
#
# How close is close enough? An absolute difference of $10^{-6}$ is excellent if the gradients are about 1 and useless if they are about
# $10^{-7}$. So we divide by their size, entry by entry, and report the worst entry:
#
# $$\text{rel}(a, b) = \max_i \frac{|a_i - b_i|}{\max\big(10^{-8},\ |a_i| + |b_i|\big)}.$$
#
# The $10^{-8}$ guard avoids $0/0$ where both gradients are exactly 0 (common behind a ReLU), and stops differences between two
# numbers that are both essentially zero from counting as 100 % errors. The **maximum** matters: a bug in one row of `dw` is still a bug,
# however many correct entries there are around it; an average would hide it.
#
# Rules of thumb for float64 and $h = 10^{-5}$:
#
# | relative error | verdict |
# |---|---|
# | below $10^{-7}$ | correct |
# | $10^{-7}$ to $10^{-4}$ | suspicious, unless the function has kinks (ReLU, max) near the point |
# | above $10^{-4}$ | almost certainly a bug |

# %% [markdown] id="relerr-task"
# ### Your turn: `relative_error`
#
# Write `relative_error(a, b)` for two arrays of the same shape (or two numbers), returning a Python `float`.

# %% solution id="relative_error"
def relative_error(a, b):
    """Largest entry-wise relative difference between two arrays of the same shape (or two numbers).

    Returns a float: max over entries of |a - b| / max(1e-8, |a| + |b|).
    """
    ### BEGIN SOLUTION
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))
    ### END SOLUTION


# %% tests id="test_relative_error" points=2
from course.checks import call  # runs your function; a crash or a wrong number of results fails the check

# Checks for relative_error
check_close(call("relative_error", relative_error, np.array([1.0, 2.0]), np.array([1.0, 2.0])), 0.0,
            "relative_error of two equal arrays")
check_close(call("relative_error", relative_error, np.array([1.0, 2.0]), np.array([1.0, 2.2])), 0.2 / 4.2,
            "relative_error([1, 2], [1, 2.2])", hint="The worst entry is the second: |2 - 2.2| / (|2| + |2.2|).")
check_close(call("relative_error", relative_error, np.zeros(3), np.zeros(3)), 0.0, "relative_error of two zero arrays",
            hint="Divide by max(1e-8, |a| + |b|) so that 0 / 0 never happens.")
print("relative_error: visible checks passed")
### BEGIN HIDDEN TESTS
def _relerr(a, b):
    a = np.asarray(a, dtype=np.float64); b = np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))

_rng = np.random.default_rng(3036)
_a = np.array([1.0, 1.0, 1.0, 1.0]); _b = np.array([1.0, 1.0, 1.0, 2.0])
check_close(call("relative_error", relative_error, _a, _b), 1.0 / 3.0, "relative_error when only one entry differs",
            show_expected=False, hint="Report the largest entry-wise relative error, not the mean.")
check_close(call("relative_error", relative_error, np.array([1.0]), np.array([-1.0])), 1.0,
            "relative_error of gradients with opposite signs", show_expected=False,
            hint="The denominator is |a| + |b|, the sum of the absolute values, not |a + b|.")
check_close(call("relative_error", relative_error, np.array([1e-10, 0.0]), np.array([0.0, 0.0])), 1e-2,
            "relative_error of two numbers that are both essentially 0", rtol=1e-6, show_expected=False,
            hint="Guard the denominator with max(1e-8, |a| + |b|).")
_r = call("relative_error", relative_error, np.array([0.0, 0.0, 3.0]), np.array([0.0, 0.0, 3.0]))
check_finite(_r, "relative_error of arrays with zeros in both", hint="Guard the denominator with max(1e-8, |a| + |b|).")
check_close(_r, 0.0, "relative_error of equal arrays with zeros in both", show_expected=False)
check_close(call("relative_error", relative_error, 2.0, 3.0), 0.2, "relative_error of the two numbers 2 and 3",
            show_expected=False)
_a = _rng.normal(size=(4, 3)) * np.array([1e3, 1.0, 1e-3])
_b = _a * (1 + 1e-4 * _rng.normal(size=(4, 3)))
check_close(call("relative_error", relative_error, _a, _b), _relerr(_a, _b),
            "relative_error of arrays whose columns have very different sizes", rtol=1e-9, show_expected=False,
            hint="Divide entry by entry, then take the maximum; do not divide the largest difference by the largest value.")
for _shape in [(5,), (3, 4), (2, 3, 2)]:
    _a = _rng.normal(size=_shape)
    _b = _a + _rng.normal(scale=1e-3, size=_shape)
    _a0, _b0 = _a.copy(), _b.copy()
    _r = call(f"relative_error for arrays of shape {_shape}", relative_error, _a, _b)
    check_unchanged(_a0, _a, "The array `a`")
    check_unchanged(_b0, _b, "The array `b`")
    check_close(_r, _relerr(_a0, _b0), f"relative_error for random arrays of shape {_shape}", rtol=1e-9, show_expected=False)
### END HIDDEN TESTS

# %% [markdown] id="h-experiment-intro"
# ### Experiment: how small should $h$ be?
#
# Smaller $h$ is not always better. The formula's own error shrinks with $h$ (like $h$ one-sided, like $h^2$ centred), but a computer
# stores numbers with about 16 significant digits, so $f(x+h) - f(x-h)$ loses more and more of them to rounding as $h$ shrinks; that error
# grows like $10^{-16}/h$. The plot measures both effects on $f(x) = \sum \sin(x)$, whose true gradient is $\cos(x)$.
# Your two functions do the work.

# %% id="h-experiment"
def one_sided_gradient(f, x, h):
    grad = np.zeros_like(x)
    fx = f(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        grad[i] = (f(x) - fx) / h
        x[i] = old
    return grad

x_probe = np.random.default_rng(0).normal(size=5)
true_grad = np.cos(x_probe)
steps = np.logspace(-12, -1, 23)
errors_centred = [relative_error(numerical_gradient(lambda v: np.sum(np.sin(v)), x_probe, h=h), true_grad) for h in steps]
errors_one_sided = [relative_error(one_sided_gradient(lambda v: np.sum(np.sin(v)), x_probe, h), true_grad) for h in steps]

fig, ax = plt.subplots(figsize=(5.5, 3.5))
ax.loglog(steps, errors_one_sided, "o-", label="one-sided")
ax.loglog(steps, errors_centred, "o-", label="centred")
ax.axvline(1e-5, color="gray", ls="--", lw=0.8)
ax.text(1.4e-5, 0.3 * max(errors_one_sided), "h = 1e-5", color="gray", va="top")
ax.set_xlabel("step h")
ax.set_ylabel("relative error against cos(x)")
ax.set_title("too large: formula error; too small: rounding error")
ax.legend()
fig.tight_layout()
print(f"at h = 1e-5: one-sided {errors_one_sided[14]:.1e}, centred {errors_centred[14]:.1e}")

# %% [markdown] id="check-layers-intro"
# ### Checking your layers with your own tools
#
# A layer's output is an array, but `numerical_gradient` needs a function that returns one number. The trick: pick a random upstream
# gradient `dout` and use the scalar $L = \sum (\text{out} \odot \text{dout})$. Its gradient with respect to `out` is exactly `dout`, so
# backprop gives `dx, dw, db = affine_backward(dout, cache)` and these should match the numerical gradient of $L$.
# This is how every layer of the course can be checked, and how the hidden tests check yours.

# %% id="check-layers"
rng = np.random.default_rng(1)
x = rng.normal(size=(4, 3, 2))
w = rng.normal(size=(6, 5))
b = rng.normal(size=5)
dout = rng.normal(size=(4, 5))

out, cache = affine_forward(x, w, b)
dx, dw, db = affine_backward(dout, cache)
print("affine dx:", relative_error(dx, numerical_gradient(lambda v: np.sum(affine_forward(v, w, b)[0] * dout), x)))
print("affine dw:", relative_error(dw, numerical_gradient(lambda v: np.sum(affine_forward(x, v, b)[0] * dout), w)))
print("affine db:", relative_error(db, numerical_gradient(lambda v: np.sum(affine_forward(x, w, v)[0] * dout), b)))

z = rng.normal(size=(4, 5))
dz_out = rng.normal(size=(4, 5))
_, relu_cache = relu_forward(z)
dz = relu_backward(dz_out, relu_cache)
print("relu dx:  ", relative_error(dz, numerical_gradient(lambda v: np.sum(relu_forward(v)[0] * dz_out), z)))

# %% [markdown] id="kink-note"
# All four should be far below $10^{-7}$. The ReLU check works here because no entry of `z` lies within $h$ of 0; if one did, $x + h$
# and $x - h$ would fall on different sides of the kink and the numerical gradient would be about $\text{dout}/2$ there, a false
# alarm. That is the "kinks" row of the table above.
#
# *Try it:* put a deliberate bug into a copy of `affine_backward` (drop the transpose on `w`, or use `dout.mean(axis=0)` for `db`) and
# watch the relative error jump.

# %% [markdown] id="net-intro"
# ## 7. A two-layer network
#
# Now stack the layers. A **two-layer network** (one hidden layer of $H$ units) for 10 classes computes
#
# $$h = X W_1 + b_1,\quad a = \text{ReLU}(h),\quad s = a W_2 + b_2,\quad L = \text{cross-entropy}(\text{softmax}(s), y)
#   + \lambda\,\big(\textstyle\sum W_1^2 + \sum W_2^2\big).$$
#
# It is the kind of network the lecture notes train on MNIST (784-10-10 from scratch, 784-512-10 in Keras), written batch-first, here with $H = 128$. The graph below shows the shapes that flow forward and the
# gradients that flow back. Each box is a function you now have; backprop through the whole network is four calls in reverse order.

# %% id="net-graph"
net_graph = [("h", "affine", ["X", "W1", "b1"]), ("a", "ReLU", ["h"]),
             ("s", "affine", ["a", "W2", "b2"]), ("data", "softmax\ncross-entropy", ["s", "y"]),
             ("R", "λ(ΣW1² + ΣW2²)", ["W1", "W2"]), ("L", "+", ["data", "R"])]
draw_graph(net_graph, spacing=3.0,
           values={"X": "(N, 784)", "W1": "(784, H)", "b1": "(H,)", "h": "(N, H)", "a": "(N, H)",
                   "W2": "(H, 10)", "b2": "(10,)", "s": "(N, 10)", "y": "(N,)", "data": "number", "R": "number",
                   "L": "number"},
           grads={"W1": "dW1 (+ 2λW1)", "b1": "db1", "h": "dh", "a": "da", "W2": "dW2 (+ 2λW2)", "b2": "db2",
                  "s": "dscores", "data": "1", "R": "1", "L": "1"},
           title="affine - ReLU - affine - softmax, plus the L2 penalty");


# %% [markdown] id="softmax-given"
# ### The loss layer: given
#
# The last box is lecture 02's `softmax_cross_entropy`. Lecture 02's graded functions are not available in this notebook, so the
# next cell holds a correct version of it, **lecture 02's reference answer**, copied from that lecture when this notebook was made.
# It is not graded and you do not need to change it. It returns the mean loss over the batch and `dscores` $= (p - y)/N$, computed
# stably with the log-sum-exp form.

# %% given="02_softmax:softmax_cross_entropy" id="softmax-cross-entropy"

# %% [markdown] id="net-task"
# ### Your turn: `TwoLayerNet`
#
# Complete the class. Use your layers and `softmax_cross_entropy`; the whole `loss` is about fifteen lines.
#
# **`__init__(input_dim, hidden_dim, num_classes, weight_scale, reg, seed)`**
# * Make a generator `rng = np.random.default_rng(seed)` and draw **both** weight matrices from it:
#   `W1 = weight_scale * rng.standard_normal((input_dim, hidden_dim))`, likewise `W2` of shape `(hidden_dim, num_classes)`.
#   Never use `np.random.randn` or `np.random.seed`: they use NumPy's *global* random state, which every other piece of code shares.
#   Seeding it inside `__init__` resets the draws of everything else in the notebook, and any other draw in between changes your
#   net's weights; a generator of the net's own keeps both apart.
# * Biases `b1` `(hidden_dim,)` and `b2` `(num_classes,)` start at zero.
# * Store them in the dict `self.params` with keys `"W1"`, `"b1"`, `"W2"`, `"b2"`, and keep `reg` in `self.reg`.
#
# **`loss(X, y=None)`**
# * Read the weights from `self.params` every time (the training loop updates them there, and the tests set them there).
# * Forward: affine → ReLU → affine gives `scores` `(N, C)`. If `y` is `None`, return the **scores** (not probabilities): predicting only
#   needs the largest score.
# * Otherwise: data loss and `dscores` from `softmax_cross_entropy`, plus `reg * (np.sum(W1**2) + np.sum(W2**2))`. Biases are not
#   regularised.
# * Backward: `affine_backward`, then `relu_backward`, then `affine_backward` again, in reverse order of the forward pass. Add
#   `2 * reg * W` to each weight gradient.
# * Return `(loss, grads)` with `grads` a dict with the same keys and shapes as `self.params`.

# %% solution id="TwoLayerNet"
class TwoLayerNet:
    """affine - ReLU - affine - softmax cross-entropy, with L2 regularisation of the weights.

    params: W1 (input_dim, hidden_dim), b1 (hidden_dim,), W2 (hidden_dim, num_classes), b2 (num_classes,).
    """

    def __init__(self, input_dim=784, hidden_dim=100, num_classes=10, weight_scale=1e-3, reg=0.0, seed=0):
        """Weights ~ weight_scale * standard normal drawn from np.random.default_rng(seed); biases zero."""
        ### BEGIN SOLUTION
        rng = np.random.default_rng(seed)
        self.reg = reg
        self.params = {
            "W1": weight_scale * rng.standard_normal((input_dim, hidden_dim)),
            "b1": np.zeros(hidden_dim),
            "W2": weight_scale * rng.standard_normal((hidden_dim, num_classes)),
            "b2": np.zeros(num_classes),
        }
        ### END SOLUTION

    def loss(self, X, y=None):
        """X: (N, input_dim); y: (N,) labels or None.

        Returns scores (N, num_classes) if y is None, else (loss, grads): loss a float including
        reg * (sum W1**2 + sum W2**2), grads a dict with the keys and shapes of self.params.
        """
        ### BEGIN SOLUTION
        W1, b1, W2, b2 = (self.params[k] for k in ("W1", "b1", "W2", "b2"))
        hidden, affine1_cache = affine_forward(X, W1, b1)
        hidden_relu, relu_cache = relu_forward(hidden)
        scores, affine2_cache = affine_forward(hidden_relu, W2, b2)
        if y is None:
            return scores

        data_loss, dscores = softmax_cross_entropy(scores, y)
        loss = data_loss + self.reg * (np.sum(W1 * W1) + np.sum(W2 * W2))

        grads = {}
        dhidden_relu, grads["W2"], grads["b2"] = affine_backward(dscores, affine2_cache)
        dhidden = relu_backward(dhidden_relu, relu_cache)
        _, grads["W1"], grads["b1"] = affine_backward(dhidden, affine1_cache)
        grads["W1"] = grads["W1"] + 2 * self.reg * W1
        grads["W2"] = grads["W2"] + 2 * self.reg * W2
        return loss, grads
        ### END SOLUTION


# %% tests id="test_TwoLayerNet" points=4
from course.checks import call  # runs your function; a crash or a wrong number of results fails the check

# Checks for TwoLayerNet
_global_state = np.random.get_state()[1].copy()
net = call("TwoLayerNet(...)", TwoLayerNet, input_dim=2, hidden_dim=3, num_classes=2, weight_scale=0.01, reg=0.0, seed=0)
check(np.array_equal(np.random.get_state()[1], _global_state),
      "TwoLayerNet changed NumPy's global random state (np.random.seed or np.random.randn): two nets built one after "
      "the other would then disturb each other and every other random draw of the notebook. Draw the weights from "
      "your own generator, rng = np.random.default_rng(seed).")
check(isinstance(getattr(net, "params", None), dict), "TwoLayerNet should store its parameters in the dict self.params.")
check(sorted(net.params) == ["W1", "W2", "b1", "b2"],
      f"self.params should have the keys W1, b1, W2, b2; it has {sorted(net.params)}.")
for name, shape in [("W1", (2, 3)), ("b1", (3,)), ("W2", (3, 2)), ("b2", (2,))]:
    check_shape(net.params[name], shape, f"params['{name}'] for input_dim=2, hidden_dim=3, num_classes=2")
twin = call("TwoLayerNet(...)", TwoLayerNet, input_dim=2, hidden_dim=3, num_classes=2, weight_scale=0.01, reg=0.0, seed=0)
check(all(np.array_equal(net.params[k], twin.params[k]) for k in ("W1", "W2")),
      "Two TwoLayerNets built with the same seed have different weights: draw them from np.random.default_rng(seed).")
# a hand-worked example: set the parameters yourself
net.params["W1"] = np.array([[1.0, -1.0, 0.0], [1.0, 1.0, -1.0]])
net.params["b1"] = np.array([0.0, 0.0, 1.0])
net.params["W2"] = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 1.0]])
net.params["b2"] = np.array([0.0, 0.5])
X = np.array([[1.0, 2.0], [2.0, -1.0]])
y = np.array([0, 1])
# hidden layer: relu([[3, 1, -1], [1, -3, 2]]) = [[3, 1, 0], [1, 0, 2]]
check_close(call("net.loss(X)", net.loss, X), [[3.0, 1.5], [-1.0, 2.5]], "the score matrix of the hand-worked example",
            hint="With y=None, loss returns the raw scores of affine - ReLU - affine, not probabilities.")
loss, grads = call("net.loss(X, y)", net.loss, X, y, n_out=2)
check_close(loss, 0.115582, "the loss of the hand-worked example with reg = 0", atol=1e-5)
net_reg = call("TwoLayerNet(...)", TwoLayerNet, input_dim=2, hidden_dim=3, num_classes=2, weight_scale=0.01, reg=0.1, seed=0)
net_reg.params.update({name: value.copy() for name, value in net.params.items()})
loss, grads = call("net.loss(X, y)", net_reg.loss, X, y, n_out=2)
check_close(loss, 1.015582, "the loss of the hand-worked example with reg = 0.1", atol=1e-5,
            hint="Add reg * (sum of W1**2 + sum of W2**2) = 0.1 * (5 + 4); the biases are not regularised.")
_check_rng = np.random.default_rng(0)
X = _check_rng.normal(size=(6, 5))
y = np.array([0, 1, 2, 2, 1, 0])
for reg, hint in [(0.0, "Backprop in reverse order: affine_backward, relu_backward, affine_backward."),
                  (0.1, "The gradients are right with reg = 0 but not with reg = 0.1: the derivative of "
                        "reg * sum(W**2) is 2 * reg * W, and the biases get no regularisation term.")]:
    net = call("TwoLayerNet(...)", TwoLayerNet, input_dim=5, hidden_dim=4, num_classes=3, weight_scale=0.5, reg=reg, seed=1)
    loss, grads = call("net.loss(X, y)", net.loss, X, y, n_out=2)
    for name in ["W2", "b2", "W1", "b1"]:
        def loss_with(value, name=name):
            saved = net.params[name]
            net.params[name] = value
            try:
                return net.loss(X, y)[0]
            finally:
                net.params[name] = saved
        try:
            check_gradient(loss_with, net.params[name], grads[name], f"grads['{name}'] with reg = {reg}")
        except AssertionError as err:
            raise AssertionError(f"{err}\n{hint}") from None
print("TwoLayerNet: visible checks passed")
### BEGIN HIDDEN TESTS
def _net_oracle(p, X, y, reg):
    h = X @ p["W1"] + p["b1"]
    a = np.maximum(0, h)
    s = a @ p["W2"] + p["b2"]
    if y is None:
        return s
    z = s - s.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    n = len(y)
    ds = np.exp(logp); ds[np.arange(n), y] -= 1; ds /= n
    loss = -logp[np.arange(n), y].mean() + reg * (np.sum(p["W1"] ** 2) + np.sum(p["W2"] ** 2))
    da = ds @ p["W2"].T
    dh = da * (h > 0)
    return loss, {"W1": X.T @ dh + 2 * reg * p["W1"], "b1": dh.sum(axis=0),
                  "W2": a.T @ ds + 2 * reg * p["W2"], "b2": ds.sum(axis=0)}

def _make(**kw):
    return call(f"TwoLayerNet({', '.join(f'{k}={v}' for k, v in kw.items())})", TwoLayerNet, **kw)

# construction: shapes, zeros, scale, the seed, and no use of NumPy's global random state
_state = np.random.get_state()
_net = _make(input_dim=60, hidden_dim=50, num_classes=40, weight_scale=0.3, reg=0.0, seed=7)
_after = np.random.get_state()
check(np.array_equal(_state[1], _after[1]) and _state[2] == _after[2],
      "Building a TwoLayerNet changed NumPy's global random state: draw the weights from "
      "np.random.default_rng(seed), not from np.random.randn / np.random.seed.")
check(isinstance(getattr(_net, "params", None), dict) and sorted(_net.params) == ["W1", "W2", "b1", "b2"],
      "TwoLayerNet should keep W1, b1, W2, b2 in the dict self.params.")
for _name, _shape in [("W1", (60, 50)), ("b1", (50,)), ("W2", (50, 40)), ("b2", (40,))]:
    check_shape(_net.params[_name], _shape, f"params['{_name}'] for input_dim=60, hidden_dim=50, num_classes=40")
for _name in ["b1", "b2"]:
    check(np.all(np.asarray(_net.params[_name]) == 0), f"params['{_name}'] should start at zero.")
for _name in ["W1", "W2"]:
    _W = np.asarray(_net.params[_name])
    check(abs(_W.std() - 0.3) < 0.03 and abs(_W.mean()) < 0.03,
          f"params['{_name}'] should be weight_scale times standard normal numbers (mean 0, standard deviation "
          f"weight_scale = 0.3); yours have mean {_W.mean():.3f} and standard deviation {_W.std():.3f}.")
_net_b = _make(input_dim=60, hidden_dim=50, num_classes=40, weight_scale=0.3, reg=0.0, seed=7)
_net_c = _make(input_dim=60, hidden_dim=50, num_classes=40, weight_scale=0.3, reg=0.0, seed=8)
check(all(np.array_equal(_net.params[k], _net_b.params[k]) for k in ("W1", "W2")),
      "Two nets built with the same seed have different weights: draw them from np.random.default_rng(seed).")
check(not np.array_equal(_net.params["W1"], _net_c.params["W1"]) and not np.array_equal(_net.params["W2"], _net_c.params["W2"]),
      "Two nets built with different seeds have the same weights: use the seed argument.")

# loss and gradients against an oracle with the same, known parameters
_rng = np.random.default_rng(3037)
for _n, _d, _hd, _c, _reg in [(6, 5, 7, 4, 0.0), (6, 5, 7, 4, 0.05), (3, 8, 4, 10, 0.3), (10, 3, 6, 2, 1e-3)]:
    _net = _make(input_dim=_d, hidden_dim=_hd, num_classes=_c, weight_scale=0.1, reg=_reg, seed=0)
    _p = {"W1": _rng.normal(size=(_d, _hd)), "b1": _rng.normal(scale=0.5, size=_hd),
          "W2": _rng.normal(size=(_hd, _c)), "b2": _rng.normal(scale=0.5, size=_c)}
    for _k in _p:
        _net.params[_k] = _p[_k].copy()
    _X = _rng.normal(size=(_n, _d))
    _y = _rng.integers(0, _c, size=_n)
    _X0 = _X.copy()
    _what = f"N={_n}, input_dim={_d}, hidden_dim={_hd}, num_classes={_c}, reg={_reg}"
    _scores = call("net.loss(X) with y=None", _net.loss, _X)
    check_shape(_scores, (_n, _c), f"the score matrix for {_what}")
    check(not np.allclose(np.sum(np.asarray(_scores, dtype=float), axis=1), 1.0),
          "loss(X) with y=None should return the raw scores, not softmax probabilities.")
    check_close(_scores, _net_oracle(_p, _X0, None, _reg), f"the score matrix for {_what}", show_expected=False,
                hint="scores = relu(X @ W1 + b1) @ W2 + b2, computed from the arrays in self.params.")
    _loss, _grads = call("net.loss(X, y)", _net.loss, _X, _y, n_out=2)
    check_unchanged(_X0, _X, "The input `X`")
    for _k in _p:
        check_unchanged(_p[_k], _net.params[_k], f"params['{_k}'] (inside loss)")
    _rl, _rg = _net_oracle(_p, _X0, _y, _reg)
    check_close(_loss, _rl, f"the loss for {_what}", show_expected=False,
                hint="Data loss from softmax_cross_entropy plus reg * (sum W1**2 + sum W2**2); no penalty on the biases.")
    check(isinstance(_grads, dict) and sorted(_grads) == ["W1", "W2", "b1", "b2"],
          "grads should be a dict with the keys W1, b1, W2, b2.")
    for _k in ["W2", "b2", "W1", "b1"]:
        check_shape(_grads[_k], _p[_k].shape, f"grads['{_k}'] for {_what}")
        check_close(_grads[_k], _rg[_k], f"grads['{_k}'] for {_what}", show_expected=False,
                    hint={"W1": "Backprop through the second affine layer, then the ReLU mask, then the first affine layer; "
                                "add 2 * reg * W1.",
                          "b1": "The gradient reaches b1 through the ReLU: apply relu_backward before the first affine_backward.",
                          "W2": "dW2 = (ReLU output).T @ dscores, plus 2 * reg * W2.",
                          "b2": "db2 sums dscores over the batch; the biases are not regularised."}[_k])

# the same against numerical gradients
_net = _make(input_dim=4, hidden_dim=6, num_classes=3, weight_scale=1.0, reg=0.2, seed=11)
_X = _rng.normal(size=(5, 4))
_y = np.array([0, 2, 1, 1, 0])
_loss, _grads = call("net.loss(X, y)", _net.loss, _X, _y, n_out=2)
for _k in ["W1", "b1", "W2", "b2"]:
    def _loss_with(value, _k=_k):
        _saved = _net.params[_k]
        _net.params[_k] = value
        try:
            return _net.loss(_X, _y)[0]
        finally:
            _net.params[_k] = _saved
    check_gradient(_loss_with, _net.params[_k], _grads[_k], f"grads['{_k}'] of a net with reg = 0.2")

# regularisation: only the weights, with the factor 2
_p = {"W1": _rng.normal(size=(5, 4)), "b1": _rng.normal(size=4), "W2": _rng.normal(size=(4, 3)), "b2": _rng.normal(size=3)}
_X = _rng.normal(size=(7, 5)); _y = _rng.integers(0, 3, size=7)
_results = []
for _reg in (0.0, 0.25):
    _net = _make(input_dim=5, hidden_dim=4, num_classes=3, weight_scale=0.7, reg=_reg, seed=5)
    for _k in _p:
        _net.params[_k] = _p[_k].copy()
    _results.append(call("net.loss(X, y)", _net.loss, _X, _y, n_out=2))
(_l0, _g0), (_l1, _g1) = _results
_W1, _W2 = _p["W1"], _p["W2"]
check(np.isclose(_l1 - _l0, 0.25 * (np.sum(_W1 ** 2) + np.sum(_W2 ** 2))),
      "The regularisation term of the loss should be reg * (sum of W1**2 + sum of W2**2), without the biases.")
check(np.allclose(np.asarray(_g1["W1"]) - np.asarray(_g0["W1"]), 2 * 0.25 * _W1)
      and np.allclose(np.asarray(_g1["W2"]) - np.asarray(_g0["W2"]), 2 * 0.25 * _W2),
      "The regularisation part of the weight gradients is off: the derivative of reg * sum(W**2) is 2 * reg * W.")
check(np.allclose(_g1["b1"], _g0["b1"]) and np.allclose(_g1["b2"], _g0["b2"]),
      "The bias gradients changed with reg: the biases are not regularised.")
### END HIDDEN TESTS

# %% [markdown] id="net-sanity"
# ### Two sanity checks before training
#
# 1. **The first loss.** With tiny weights all 10 scores are almost equal, every class gets probability about $1/10$ and the loss
#    should be close to $-\log(1/10) = \log 10 \approx 2.30$. A first loss far from that means a bug or a bad initialisation.
# 2. **Your own gradient check** of the whole network, with your `numerical_gradient` and `relative_error`, on a tiny net
#    (a big one would take minutes: two forward passes per weight).

# %% id="net-sanity-check"
sanity_rng = np.random.default_rng(0)
net = TwoLayerNet(input_dim=784, hidden_dim=50, num_classes=10, weight_scale=1e-3, reg=0.0, seed=0)
X_fake = sanity_rng.random((20, 784))
y_fake = sanity_rng.integers(0, 10, size=20)
print(f"first loss {net.loss(X_fake, y_fake)[0]:.4f}   log(10) = {np.log(10):.4f}")

tiny = TwoLayerNet(input_dim=6, hidden_dim=5, num_classes=4, weight_scale=0.5, reg=0.1, seed=1)
X_tiny = sanity_rng.normal(size=(8, 6))
y_tiny = sanity_rng.integers(0, 4, size=8)
_, grads = tiny.loss(X_tiny, y_tiny)
for name in ["W1", "b1", "W2", "b2"]:
    def loss_of(value, name=name):
        saved = tiny.params[name]
        tiny.params[name] = value
        loss = tiny.loss(X_tiny, y_tiny)[0]
        tiny.params[name] = saved
        return loss
    numeric = numerical_gradient(loss_of, tiny.params[name].copy())
    print(f"{name}: relative error {relative_error(grads[name], numeric):.2e}")

# %% [markdown] id="mnist-intro"
# ## 8. Training on MNIST
#
# Same data and same split as in lecture 02: the loader gives full MNIST when it can download it (in Colab) and otherwise the
# course's 5,000-image subset, and says which. We keep the test images for the very end and carve a validation set (10 %) out of the
# training images to watch progress.

# %% id="load-mnist"
from course.data import load_mnist

data = load_mnist()
X_train, y_train, X_val, y_val = data.validation_split(fraction=0.1, seed=0)   # 10 % of the training images, at random
X_test, y_test = data.X_test, data.y_test
print(f"train {X_train.shape}, validation {X_val.shape}, test {X_test.shape}")

# %% [markdown] id="train-intro"
# ### Mini-batch gradient descent, as in lecture 02
#
# The loop is lecture 02's with the network in place of the linear classifier: for every mini-batch of 100 images, one call of
# `net.loss` gives the loss and all four gradients, and every parameter takes a step against its gradient.
#
# The hyper-parameters: $H = 128$ hidden units, weights drawn with `weight_scale = 0.01` (lecture 04 explains how to choose it
# properly), `reg = 5e-4`, learning rate 0.5, 25 epochs on the subset (10 on full MNIST, which has 15 times as many images per epoch).
# On two CPU cores it takes from a quarter of a minute to a minute on the subset (the progress bar shows the pace), several minutes on
# full MNIST. While the autograder runs the notebook it trains for a single epoch.

# %% id="train"
from course.progress import progress  # tqdm's bar: a widget in JupyterLab and Colab, else plain text


def predict(net, X):
    return np.argmax(net.loss(X), axis=1)


def train_two_layer_net(net, X, y, X_val, y_val, learning_rate=0.5, batch_size=100, epochs=25, seed=0):
    rng = np.random.default_rng(seed)
    history = {"loss": [], "train_acc": [], "val_acc": []}
    for epoch in progress(range(epochs), desc="epochs"):
        order = rng.permutation(len(y))
        for start in range(0, len(y), batch_size):
            batch = order[start:start + batch_size]
            loss, grads = net.loss(X[batch], y[batch])
            for name in net.params:
                net.params[name] -= learning_rate * grads[name]
            history["loss"].append(loss)
        history["train_acc"].append(np.mean(predict(net, X) == y))
        history["val_acc"].append(np.mean(predict(net, X_val) == y_val))
    return history


net = TwoLayerNet(input_dim=784, hidden_dim=128, num_classes=10, weight_scale=0.01, reg=5e-4, seed=0)
epochs = 25 if data.source == "subset" else 10
history = train_two_layer_net(net, X_train, y_train, X_val, y_val,
                              epochs=course.runtime.scaled(epochs, when_grading=1))
print(f"after {len(history['val_acc'])} epochs: training accuracy {history['train_acc'][-1]:.1%}, "
      f"validation accuracy {history['val_acc'][-1]:.1%}, a gap of "
      f"{100 * (history['train_acc'][-1] - history['val_acc'][-1]):.1f} percentage points")
course.plots.plot_training_curves(history["loss"], history["train_acc"], history["val_acc"]);

# %% [markdown] id="curves-notes"
# Read the curves: the loss falls fast in the first epoch and then slowly; the training accuracy climbs to nearly 100 % while the
# validation accuracy levels off well below it (the cell prints the gap: several percentage points on the subset). That gap is
# **over-fitting**: the network has enough weights
# ($784 \cdot 128 + 128 + 128 \cdot 10 + 10 = 101{,}770$) to memorise a few thousand training images. Lecture 06 (dropout) fights it; more data
# fights it best, which is why full MNIST does better.

# %% [markdown] id="test-intro"
# ### The held-out test set
#
# Once, at the end, the test images. On the course's offline subset this network reaches at least 92 % (lecture 02's linear classifier
# got about 91 % on the same subset); on full MNIST it should pass 97 %. The cell prints which data you used.

# %% id="evaluate"
test_pred = predict(net, X_test)
test_acc = np.mean(test_pred == y_test)
course.runtime.expect_accuracy(test_acc, at_least=0.92, description=data.description)

# %% [markdown] id="mistakes-intro"
# ### What does it still get wrong?
#
# Twenty test digits the network misclassifies, titled *true → predicted*. Some are digits a person would hesitate over too; others are
# plain mistakes, of the kind lecture 08's convolutional network makes fewer of.

# %% id="show-mistakes"
wrong = np.flatnonzero(test_pred != y_test)[:20]
print(f"{np.sum(test_pred != y_test)} of {len(y_test)} test digits are misclassified")
course.plots.show_images(X_test[wrong], titles=[f"{t} → {p}" for t, p in zip(y_test[wrong], test_pred[wrong])]);

# %% [markdown] id="hidden-units-intro"
# ### What did the hidden layer learn?
#
# Lecture 02's classifier had one template per digit. Here each of the 128 hidden units has its own 784 weights, a column of `W1`,
# which we can draw as a 28×28 picture like lecture 02's templates (red: ink there raises the unit, blue: lowers it). Here are the
# first twenty. Most are no longer whole digits but strokes and blobs, pieces that the second layer combines into digits.
#
# A few may still look like the random noise they started from. Backprop tells us why.
# The gradient that reaches hidden unit $j$ is `da[:, j] = dscores @ W2[j]`: it is proportional to the unit's **outgoing** weights, row
# $j$ of $W_2$. A unit whose outgoing weights happen to stay small receives almost no gradient, so its incoming weights barely move,
# and a unit that does not change is not useful to the output, so its outgoing weights have little reason to grow. The scatter plot
# measures both for every unit, starting from the same random weights (same seed) as the trained network.

# %% id="show-hidden"
course.plots.show_class_weights(net.params["W1"][:, :20], class_names=[f"unit {i}" for i in range(20)]);

# %% id="lazy-units"
start = TwoLayerNet(input_dim=784, hidden_dim=128, num_classes=10, weight_scale=0.01, reg=5e-4, seed=0).params
moved = np.linalg.norm(net.params["W1"] - start["W1"], axis=0) / np.linalg.norm(start["W1"], axis=0)
outgoing = np.linalg.norm(net.params["W2"], axis=1)
fig, ax = plt.subplots(figsize=(5, 3.2))
ax.scatter(outgoing, moved, s=12)
ax.set_xlabel("size of the unit's outgoing weights (row of W2)")
ax.set_ylabel("change of its incoming weights\n(relative to their start)")
ax.set_title("hidden units of the trained network")
fig.tight_layout()
hidden_input = X_train @ net.params["W1"] + net.params["b1"]
dead = np.flatnonzero(np.all(hidden_input <= 0, axis=0))
print(f"units whose weights moved less than half their initial size: {np.flatnonzero(moved < 0.5)}")
print(f"dead units (never active on a training image): {len(dead)} of {len(moved)}")

# %% [markdown] id="think"
# ## Things to think about
#
# 1. In section 4, set `b = -3.0`. Which gradients become 0, and why does that mean the neuron cannot recover by itself?
#    What would a dead unit look like in the scatter plot of section 8?
# 2. The affine layer's `db` is a **sum** over the batch, yet the loss is a **mean**. Where did the $1/N$ go?
# 3. Why does a numerical gradient check use centred differences and $h \approx 10^{-5}$, and not $h = 10^{-12}$? Look at the plot in section 6.
# 4. Train with `hidden_dim=16` and with `hidden_dim=512`. How do the training and validation accuracy change? And with `reg=0.01`?
# 5. Build the network with `weight_scale=1.0`. What is the first loss, and what happens during training? Lecture 04 explains why.
