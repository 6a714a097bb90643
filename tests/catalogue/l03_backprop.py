"""Student-like implementations of lecture 03's graded functions."""
ASSIGNMENT = "03_backprop"
TESTS = {
    "affine_forward": "test_affine_forward",
    "affine_backward": "test_affine_backward",
    "relu_forward": "test_relu_forward",
    "relu_backward": "test_relu_backward",
    "numerical_gradient": "test_numerical_gradient",
    "relative_error": "test_relative_error",
    "TwoLayerNet": "test_TwoLayerNet",
}

# The reference-like TwoLayerNet that the wrong variants below each change in one place.
_NET_RETURN = 'return loss, {"W1": dW1 + 2 * self.reg * p["W1"], "b1": db1, "W2": dW2 + 2 * self.reg * p["W2"], "b2": db2}'
_NET = '''class TwoLayerNet:
    def __init__(self, input_dim=784, hidden_dim=100, num_classes=10, weight_scale=1e-3, reg=0.0, seed=0):
        rng = np.random.default_rng(seed)
        self.reg = reg
        self.params = {"W1": weight_scale * rng.standard_normal((input_dim, hidden_dim)), "b1": np.zeros(hidden_dim),
                       "W2": weight_scale * rng.standard_normal((hidden_dim, num_classes)), "b2": np.zeros(num_classes)}

    def loss(self, X, y=None):
        p = self.params
        h, c1 = affine_forward(X, p["W1"], p["b1"])
        a, cr = relu_forward(h)
        scores, c2 = affine_forward(a, p["W2"], p["b2"])
        if y is None:
            return scores
        loss, ds = softmax_cross_entropy(scores, y)
        loss += self.reg * (np.sum(p["W1"] ** 2) + np.sum(p["W2"] ** 2))
        da, dW2, db2 = affine_backward(ds, c2)
        dh = relu_backward(da, cr)
        _, dW1, db1 = affine_backward(dh, c1)
        ''' + _NET_RETURN


def _net_with(*changes):
    """_NET with each (old, new) fragment replaced; a fragment that is not there is an error, not a silent no-op."""
    code = _NET
    for old, new in changes:
        assert old in code, f"catalogue: {old!r} is not in the base TwoLayerNet"
        code = code.replace(old, new)
    return code


WRONG = [
    ("affine_backward", "db summed over axis 1 (per example) instead of over the batch", '''def affine_backward(dout, cache):
    x, w, b = cache
    x2 = x.reshape(x.shape[0], -1)
    return (dout @ w.T).reshape(x.shape), x2.T @ dout, dout.sum(axis=1)'''),
    # ---- affine_forward
    ("affine_forward", "does not flatten image-shaped inputs", '''def affine_forward(x, w, b):
    out = x @ w + b
    return out, (x, w, b)'''),
    ("affine_forward", "multiplies by the transposed weights", '''def affine_forward(x, w, b):
    x2 = x.reshape(x.shape[0], -1)
    out = x2 @ w.T + b
    return out, (x, w, b)'''),
    ("affine_forward", "forgets the bias", '''def affine_forward(x, w, b):
    out = x.reshape(x.shape[0], -1) @ w
    return out, (x, w, b)'''),
    ("affine_forward", "flattens with reshape(D, N).T, scrambling the examples", '''def affine_forward(x, w, b):
    N = x.shape[0]
    x2 = x.reshape(-1, N).T
    out = x2 @ w + b
    return out, (x, w, b)'''),

    # ---- affine_backward
    ("affine_backward", "db not summed over the batch (returns dout itself)", '''def affine_backward(dout, cache):
    x, w, b = cache
    x2 = x.reshape(x.shape[0], -1)
    dx = (dout @ w.T).reshape(x.shape)
    dw = x2.T @ dout
    db = dout
    return dx, dw, db'''),
    ("affine_backward", "db is the mean over the batch instead of the sum", '''def affine_backward(dout, cache):
    x, w, b = cache
    x2 = x.reshape(x.shape[0], -1)
    dx = (dout @ w.T).reshape(x.shape)
    dw = x2.T @ dout
    db = dout.mean(axis=0)
    return dx, dw, db'''),
    ("affine_backward", "dx left flat, not reshaped back to x's shape", '''def affine_backward(dout, cache):
    x, w, b = cache
    x2 = x.reshape(x.shape[0], -1)
    dx = dout @ w.T
    dw = x2.T @ dout
    db = dout.sum(axis=0)
    return dx, dw, db'''),
    ("affine_backward", "dw transposed (dout.T @ x)", '''def affine_backward(dout, cache):
    x, w, b = cache
    x2 = x.reshape(x.shape[0], -1)
    dx = (dout @ w.T).reshape(x.shape)
    dw = dout.T @ x2
    db = dout.sum(axis=0)
    return dx, dw, db'''),
    ("affine_backward", "divides dw and db by N again", '''def affine_backward(dout, cache):
    x, w, b = cache
    N = x.shape[0]
    x2 = x.reshape(N, -1)
    dx = (dout @ w.T).reshape(x.shape)
    dw = x2.T @ dout / N
    db = dout.sum(axis=0) / N
    return dx, dw, db'''),
    ("affine_backward", "dx multiplies by w instead of w.T", '''def affine_backward(dout, cache):
    x, w, b = cache
    x2 = x.reshape(x.shape[0], -1)
    dx = (dout @ w).reshape(x.shape)
    dw = x2.T @ dout
    db = dout.sum(axis=0)
    return dx, dw, db'''),

    # ---- relu_forward
    ("relu_forward", "sets negative entries to zero in place, changing the caller's x", '''def relu_forward(x):
    x[x < 0] = 0
    return x, x'''),
    ("relu_forward", "uses np.max instead of np.maximum", '''def relu_forward(x):
    out = np.max(0, x)
    return out, x'''),
    ("relu_forward", "returns the mask x > 0 instead of the values", '''def relu_forward(x):
    out = (x > 0).astype(float)
    return out, x'''),
    ("relu_forward", "clips at 1 as well (confuses ReLU with a hard sigmoid)", '''def relu_forward(x):
    out = np.clip(x, 0, 1)
    return out, x'''),

    # ---- relu_backward
    ("relu_backward", "zeroes dout in place and returns it", '''def relu_backward(dout, cache):
    x = cache
    dout[x <= 0] = 0
    return dout'''),
    ("relu_backward", "passes the gradient where x == 0 (x >= 0)", '''def relu_backward(dout, cache):
    x = cache
    return dout * (x >= 0)'''),
    ("relu_backward", "multiplies dout by x instead of by the mask", '''def relu_backward(dout, cache):
    x = cache
    return dout * np.maximum(0, x)'''),
    ("relu_backward", "applies ReLU to dout itself", '''def relu_backward(dout, cache):
    return np.maximum(0, dout)'''),

    # ---- numerical_gradient
    ("numerical_gradient", "one-sided differences", '''def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    fx = f(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        grad[i] = (f(x) - fx) / h
        x[i] = old
    return grad'''),
    ("numerical_gradient", "does not put x back after perturbing it", '''def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        f_plus = f(x)
        x[i] = old - h
        f_minus = f(x)
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad'''),
    ("numerical_gradient", "divides by h instead of 2h", '''def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        f_plus = f(x)
        x[i] = old - h
        f_minus = f(x)
        x[i] = old
        grad[i] = (f_plus - f_minus) / h
    return grad'''),
    ("numerical_gradient", "loops over range(len(x)), so only works for 1-D arrays", '''def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in range(len(x)):
        old = x[i].copy()
        x[i] = old + h
        f_plus = f(x)
        x[i] = old - h
        f_minus = f(x)
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad'''),
    ("numerical_gradient", "ignores the h argument and always uses 1e-5", '''def numerical_gradient(f, x, h=1e-5):
    step = 1e-5
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + step
        f_plus = f(x)
        x[i] = old - step
        f_minus = f(x)
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * step)
    return grad'''),

    # ---- relative_error
    ("relative_error", "no max(1e-8, ...) guard in the denominator", '''def relative_error(a, b):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b) / (np.abs(a) + np.abs(b))))'''),
    ("relative_error", "mean instead of max", '''def relative_error(a, b):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    return float(np.mean(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))'''),
    ("relative_error", "denominator |a + b| instead of |a| + |b|", '''def relative_error(a, b):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a + b))))'''),
    ("relative_error", "largest difference divided by the largest size", '''def relative_error(a, b):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b)) / max(1e-8, np.max(np.abs(a) + np.abs(b))))'''),

    # ---- TwoLayerNet: the correct class below with one mistake each (see _net_with)
    ("TwoLayerNet", "draws the weights from the global random state (np.random.seed / randn)", _net_with(
        ("rng = np.random.default_rng(seed)", "np.random.seed(seed)"),
        ("rng.standard_normal((input_dim, hidden_dim))", "np.random.randn(input_dim, hidden_dim)"),
        ("rng.standard_normal((hidden_dim, num_classes))", "np.random.randn(hidden_dim, num_classes)"))),
    ("TwoLayerNet", "regularises the biases too", _net_with(
        ('(np.sum(p["W1"] ** 2) + np.sum(p["W2"] ** 2))', "sum(np.sum(v ** 2) for v in p.values())"),
        (_NET_RETURN, 'grads = {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}\n'
                      '        return loss, {k: grads[k] + 2 * self.reg * p[k] for k in grads}'))),
    ("TwoLayerNet", "forgets the factor 2 in the regularisation gradient", _net_with(
        (_NET_RETURN, _NET_RETURN.replace("2 * self.reg", "self.reg")))),
    ("TwoLayerNet", "skips the ReLU in the backward pass", _net_with(
        ("dh = relu_backward(da, cr)\n        _, dW1, db1 = affine_backward(dh, c1)", "_, dW1, db1 = affine_backward(da, c1)"))),
    ("TwoLayerNet", "returns softmax probabilities instead of scores when y is None", _net_with(
        ("            return scores\n", "            e = np.exp(scores - scores.max(axis=1, keepdims=True))\n"
                                       "            return e / e.sum(axis=1, keepdims=True)\n"))),
    ("TwoLayerNet", "uses a fixed seed instead of the seed argument", _net_with(
        ("default_rng(seed)", "default_rng(0)"))),
    ("TwoLayerNet", "draws uniform numbers in [0, 1) instead of standard normal ones", _net_with(
        ("rng.standard_normal(", "rng.random("))),
]

CORRECT = [
    ("affine_forward", "explicit loops over examples and outputs", '''def affine_forward(x, w, b):
    N = x.shape[0]
    rows = x.reshape(N, -1)
    out = np.zeros((N, w.shape[1]))
    for n in range(N):
        for m in range(w.shape[1]):
            out[n, m] = np.dot(rows[n], w[:, m]) + b[m]
    return out, (x, w, b)'''),
    ("affine_forward", "np.dot with np.prod of the trailing shape", '''def affine_forward(x, w, b):
    D = int(np.prod(x.shape[1:]))
    out = np.dot(np.reshape(x, (len(x), D)), w) + b[np.newaxis, :]
    cache = (x, w, b)
    return out, cache'''),
    ("affine_backward", "einsum", '''def affine_backward(dout, cache):
    x, w, b = cache
    rows = x.reshape(x.shape[0], -1)
    dx = np.einsum("nm,dm->nd", dout, w).reshape(x.shape)
    dw = np.einsum("nd,nm->dm", rows, dout)
    db = np.einsum("nm->m", dout)
    return dx, dw, db'''),
    ("affine_backward", "accumulates over the batch with a loop", '''def affine_backward(dout, cache):
    x, w, b = cache
    N = x.shape[0]
    rows = x.reshape(N, -1)
    dw = np.zeros_like(w, dtype=float)
    db = np.zeros(w.shape[1])
    dx_rows = np.zeros(rows.shape)
    for n in range(N):
        dw += np.outer(rows[n], dout[n])
        db += dout[n]
        dx_rows[n] = w @ dout[n]
    return dx_rows.reshape(x.shape), dw, db'''),
    ("relu_forward", "multiplies by the mask and caches the output", '''def relu_forward(x):
    out = x * (x > 0)
    return out, out'''),
    ("relu_forward", "np.where on a copy", '''def relu_forward(x):
    out = np.where(x > 0, x, 0.0)
    return out, x.copy()'''),
    ("relu_backward", "np.where on the input sign", '''def relu_backward(dout, cache):
    x = cache
    return np.where(x > 0, dout, 0.0)'''),
    ("relu_backward", "copies dout and zeroes the copy", '''def relu_backward(dout, cache):
    dx = dout.copy()
    dx[cache <= 0] = 0
    return dx'''),
    ("numerical_gradient", "works on copies through the flat index, never touching x", '''def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.size)
    for k in range(x.size):
        step = np.zeros(x.size)
        step[k] = h
        step = step.reshape(x.shape)
        grad[k] = (f(x + step) - f(x - step)) / (2 * h)
    return grad.reshape(x.shape)'''),
    ("numerical_gradient", "np.nditer and arithmetic restore (x + h - 2h + h)", '''def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros_like(x, dtype=float)
    it = np.nditer(x, flags=["multi_index"])
    while not it.finished:
        i = it.multi_index
        x[i] += h
        fp = f(x)
        x[i] -= 2 * h
        fm = f(x)
        x[i] += h
        grad[i] = (fp - fm) / (2 * h)
        it.iternext()
    return grad'''),
    ("relative_error", "explicit loop over the flattened entries", '''def relative_error(a, b):
    a = np.ravel(np.asarray(a, dtype=float))
    b = np.ravel(np.asarray(b, dtype=float))
    worst = 0.0
    for ai, bi in zip(a, b):
        worst = max(worst, abs(ai - bi) / max(1e-8, abs(ai) + abs(bi)))
    return worst'''),
    ("TwoLayerNet", "plain NumPy without the layer functions, W2 drawn first, rng.normal", '''class TwoLayerNet:
    def __init__(self, input_dim=784, hidden_dim=100, num_classes=10, weight_scale=1e-3, reg=0.0, seed=0):
        gen = np.random.default_rng(seed)
        W2 = gen.normal(0.0, weight_scale, size=(hidden_dim, num_classes))
        W1 = gen.normal(0.0, weight_scale, size=(input_dim, hidden_dim))
        self.params = dict(W1=W1, b1=np.zeros(hidden_dim), W2=W2, b2=np.zeros(num_classes))
        self.reg = reg

    def loss(self, X, y=None):
        W1, b1, W2, b2 = self.params["W1"], self.params["b1"], self.params["W2"], self.params["b2"]
        z = X.reshape(len(X), -1) @ W1 + b1
        a = np.maximum(z, 0)
        s = a @ W2 + b2
        if y is None:
            return s
        n = len(y)
        shifted = s - s.max(axis=1, keepdims=True)
        p = np.exp(shifted)
        p /= p.sum(axis=1, keepdims=True)
        log_norm = np.log(np.exp(shifted).sum(axis=1))
        loss = np.mean(log_norm - shifted[np.arange(n), y]) + self.reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
        ds = p
        ds[np.arange(n), y] -= 1
        ds /= n
        dW2 = a.T @ ds + 2 * self.reg * W2
        db2 = ds.sum(axis=0)
        dz = (ds @ W2.T) * (z > 0)
        dW1 = X.reshape(len(X), -1).T @ dz + 2 * self.reg * W1
        db1 = dz.sum(axis=0)
        return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}'''),
]

# The visible check that must catch each common mistake (issue 14), and words its message must contain.
VISIBLE = {
    "ignores the h argument and always uses 1e-5": "use the h you are given",
    "db summed over axis 1 (per example) instead of over the batch": "sum dout over the batch, axis=0",
    "draws the weights from the global random state (np.random.seed / randn)": "changed NumPy's global random state",
}
