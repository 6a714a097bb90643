"""Student-like implementations of lecture 04's graded functions.

Each wrong variant of a backward pass is written against the cache of the reference forward pass
(the output for sigmoid and tanh, ``(x, alpha)`` for the leaky ReLU and PReLU), since the catalogue
replaces one cell at a time.
"""
ASSIGNMENT = "04_activations_init"
TESTS = {
    "sigmoid_forward": "test_sigmoid_forward",
    "sigmoid_backward": "test_sigmoid_backward",
    "tanh_forward": "test_tanh_forward",
    "tanh_backward": "test_tanh_backward",
    "leaky_relu_forward": "test_leaky_relu_forward",
    "leaky_relu_backward": "test_leaky_relu_backward",
    "prelu_forward": "test_prelu_forward",
    "prelu_backward": "test_prelu_backward",
    "init_weights": "test_init_weights",
}

# A correct init_weights that the wrong variants below each change in one place.
_INIT = '''def init_weights(fan_in, fan_out, method, rng):
    shape = (fan_in, fan_out)
    if method == "zeros":
        return np.zeros(shape)
    elif method == "normal":
        return rng.normal(0.0, 0.01, size=shape)
    elif method == "xavier_normal":
        return rng.normal(0.0, np.sqrt(2.0 / (fan_in + fan_out)), size=shape)
    elif method == "xavier_uniform":
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-limit, limit, size=shape)
    elif method == "he_normal":
        return rng.normal(0.0, np.sqrt(2.0 / fan_in), size=shape)
    elif method == "he_uniform":
        limit = np.sqrt(6.0 / fan_in)
        return rng.uniform(-limit, limit, size=shape)
    raise ValueError("unknown method " + str(method))'''


def _init_with(*changes):
    """_INIT with each (old, new) fragment replaced; a fragment that is not there is an error, not a silent no-op."""
    code = _INIT
    for old, new in changes:
        assert old in code, f"catalogue: {old!r} is not in the base init_weights"
        code = code.replace(old, new)
    return code


WRONG = [
    # ---- sigmoid_forward
    ("sigmoid_forward", "the textbook formula, which overflows for large negative x", '''def sigmoid_forward(x):
    out = 1 / (1 + np.exp(-x))
    return out, out'''),
    ("sigmoid_forward", "both stable branches inside np.where (each is computed everywhere)", '''def sigmoid_forward(x):
    out = np.where(x >= 0, 1 / (1 + np.exp(-x)), np.exp(x) / (1 + np.exp(x)))
    return out, out'''),
    ("sigmoid_forward", "returns only the output, no cache", '''def sigmoid_forward(x):
    out = np.empty_like(x, dtype=float)
    pos = x >= 0
    out[pos] = 1 / (1 + np.exp(-x[pos]))
    e = np.exp(x[~pos])
    out[~pos] = e / (1 + e)
    return out'''),
    ("sigmoid_forward", "clips the caller's x in place to avoid the overflow", '''def sigmoid_forward(x):
    np.clip(x, -500, 500, out=x)
    out = 1 / (1 + np.exp(-x))
    return out, out'''),
    ("sigmoid_forward", "sign error in the negative branch", '''def sigmoid_forward(x):
    out = np.empty_like(x, dtype=float)
    pos = x >= 0
    out[pos] = 1 / (1 + np.exp(-x[pos]))
    e = np.exp(x[~pos])
    out[~pos] = 1 / (1 + e)
    return out, out'''),

    # ---- sigmoid_backward (the reference cache is the output s)
    ("sigmoid_backward", "applies the sigmoid to the cached output again", '''def sigmoid_backward(dout, cache):
    s = 1 / (1 + np.exp(-cache))
    return dout * s * (1 - s)'''),
    ("sigmoid_backward", "forgets the upstream gradient", '''def sigmoid_backward(dout, cache):
    s = cache
    return s * (1 - s)'''),
    ("sigmoid_backward", "multiplies dout in place", '''def sigmoid_backward(dout, cache):
    dout *= cache * (1 - cache)
    return dout'''),
    ("sigmoid_backward", "uses tanh's derivative 1 - s**2", '''def sigmoid_backward(dout, cache):
    return dout * (1 - cache ** 2)'''),

    # ---- tanh_forward
    ("tanh_forward", "the exponential formula, inf / inf for large |x|", '''def tanh_forward(x):
    out = (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x))
    return out, out'''),
    ("tanh_forward", "2 * sigmoid(2x) - 1 with the overflowing sigmoid", '''def tanh_forward(x):
    out = 2 / (1 + np.exp(-2 * x)) - 1
    return out, out'''),
    ("tanh_forward", "returns only the output, no cache", '''def tanh_forward(x):
    return np.tanh(x)'''),
    ("tanh_forward", "writes the result into the caller's x", '''def tanh_forward(x):
    out = np.tanh(x, out=x)
    return out, out'''),

    # ---- tanh_backward (the reference cache is the output t)
    ("tanh_backward", "applies tanh to the cached output again", '''def tanh_backward(dout, cache):
    return dout * (1 - np.tanh(cache) ** 2)'''),
    ("tanh_backward", "forgets the square: 1 - t", '''def tanh_backward(dout, cache):
    return dout * (1 - cache)'''),
    ("tanh_backward", "forgets the upstream gradient", '''def tanh_backward(dout, cache):
    return 1 - cache ** 2'''),
    ("tanh_backward", "multiplies dout in place", '''def tanh_backward(dout, cache):
    dout *= 1 - cache ** 2
    return dout'''),

    # ---- leaky_relu_forward
    ("leaky_relu_forward", "applies the leaky slope to the positive side", '''def leaky_relu_forward(x, alpha=0.01):
    out = np.where(x > 0, alpha * x, x)
    return out, (x, alpha)'''),
    ("leaky_relu_forward", "always uses 0.01, ignoring alpha", '''def leaky_relu_forward(x, alpha=0.01):
    out = np.where(x > 0, x, 0.01 * x)
    return out, (x, alpha)'''),
    ("leaky_relu_forward", "scales the caller's x in place", '''def leaky_relu_forward(x, alpha=0.01):
    x[x < 0] *= alpha
    return x, (x, alpha)'''),
    ("leaky_relu_forward", "max(alpha, x) instead of max(alpha * x, x)", '''def leaky_relu_forward(x, alpha=0.01):
    out = np.maximum(alpha, x)
    return out, (x, alpha)'''),

    # ---- leaky_relu_backward (the reference cache is (x, alpha))
    ("leaky_relu_backward", "ReLU's backward pass: no gradient on the negative side", '''def leaky_relu_backward(dout, cache):
    x, alpha = cache
    return dout * (x > 0)'''),
    ("leaky_relu_backward", "uses the default 0.01 instead of the alpha of the forward pass", '''def leaky_relu_backward(dout, cache):
    x, _ = cache
    return dout * np.where(x > 0, 1.0, 0.01)'''),
    ("leaky_relu_backward", "slope on the positive side", '''def leaky_relu_backward(dout, cache):
    x, alpha = cache
    return dout * np.where(x > 0, alpha, 1.0)'''),
    ("leaky_relu_backward", "scales dout in place", '''def leaky_relu_backward(dout, cache):
    x, alpha = cache
    dout[x <= 0] *= alpha
    return dout'''),

    # ---- prelu_forward
    ("prelu_forward", "applies alpha to the positive side", '''def prelu_forward(x, alpha):
    out = np.where(x > 0, alpha * x, x)
    return out, (x, alpha)'''),
    ("prelu_forward", "ReLU plus alpha * x everywhere", '''def prelu_forward(x, alpha):
    out = np.maximum(0, x) + alpha * x
    return out, (x, alpha)'''),
    ("prelu_forward", "scales the caller's x in place", '''def prelu_forward(x, alpha):
    x[x <= 0] = alpha * x[x <= 0]
    return x, (x, alpha)'''),

    # ---- prelu_backward (the reference cache is (x, alpha))
    ("prelu_backward", "dalpha not summed: one value per element", '''def prelu_backward(dout, cache):
    x, alpha = cache
    dx = dout * np.where(x > 0, 1.0, alpha)
    dalpha = dout * np.minimum(0, x)
    return dx, dalpha'''),
    ("prelu_backward", "dalpha sums dout * x over every element, positive ones too", '''def prelu_backward(dout, cache):
    x, alpha = cache
    dx = dout * np.where(x > 0, 1.0, alpha)
    dalpha = np.sum(dout * x)
    return dx, dalpha'''),
    ("prelu_backward", "dalpha is the mean instead of the sum", '''def prelu_backward(dout, cache):
    x, alpha = cache
    dx = dout * np.where(x > 0, 1.0, alpha)
    dalpha = np.mean(dout * np.minimum(0, x))
    return dx, dalpha'''),
    ("prelu_backward", "dalpha forgets the factor x", '''def prelu_backward(dout, cache):
    x, alpha = cache
    dx = dout * np.where(x > 0, 1.0, alpha)
    dalpha = np.sum(dout * (x <= 0))
    return dx, dalpha'''),
    ("prelu_backward", "dx blocks the negative side like ReLU", '''def prelu_backward(dout, cache):
    x, alpha = cache
    dx = dout * (x > 0)
    dalpha = np.sum(dout * np.minimum(0, x))
    return dx, dalpha'''),

    # ---- init_weights: the correct function above with one mistake each (see _init_with)
    ("init_weights", "Xavier with the fan-in only", _init_with(
        ("np.sqrt(2.0 / (fan_in + fan_out))", "np.sqrt(1.0 / fan_in)"))),
    ("init_weights", "He with the fan-out", _init_with(
        ("np.sqrt(2.0 / fan_in)", "np.sqrt(2.0 / fan_out)"),
        ("np.sqrt(6.0 / fan_in)", "np.sqrt(6.0 / fan_out)"))),
    ("init_weights", "the uniform limit used as a normal standard deviation", _init_with(
        ("limit = np.sqrt(6.0 / (fan_in + fan_out))\n        return rng.uniform(-limit, limit, size=shape)",
         "return rng.normal(0.0, np.sqrt(6.0 / (fan_in + fan_out)), size=shape)"))),
    ("init_weights", "the variance passed as the standard deviation", _init_with(
        ("np.sqrt(2.0 / (fan_in + fan_out))", "2.0 / (fan_in + fan_out)"),
        ("np.sqrt(2.0 / fan_in)", "2.0 / fan_in"))),
    ("init_weights", "draws from NumPy's global random state", _init_with(
        ("rng.normal(0.0, np.sqrt(2.0 / fan_in), size=shape)", "np.random.randn(fan_in, fan_out) * np.sqrt(2.0 / fan_in)"))),
    ("init_weights", "a new generator with a fixed seed inside the function", _init_with(
        ("    shape = (fan_in, fan_out)\n", "    shape = (fan_in, fan_out)\n    rng = np.random.default_rng(0)\n"))),
    ("init_weights", "weights of shape (fan_out, fan_in)", _init_with(
        ("shape = (fan_in, fan_out)", "shape = (fan_out, fan_in)"))),
    ("init_weights", "an unknown method silently falls back to he_normal", _init_with(
        ('raise ValueError("unknown method " + str(method))', "return rng.normal(0.0, np.sqrt(2.0 / fan_in), size=shape)"))),
    ("init_weights", "normal means standard deviation 1", _init_with(
        ("rng.normal(0.0, 0.01, size=shape)", "rng.standard_normal(shape)"))),
    ("init_weights", "he_uniform with Xavier's uniform limit formula but fan-in only and 2 instead of 6", _init_with(
        ("limit = np.sqrt(6.0 / fan_in)", "limit = np.sqrt(2.0 / fan_in)"))),
]

CORRECT = [
    ("sigmoid_forward", "clips x (on a copy) before the textbook formula", '''def sigmoid_forward(x):
    z = np.clip(x, -500, 500)
    out = 1.0 / (1.0 + np.exp(-z))
    return out, out'''),
    ("sigmoid_forward", "exp of -|x| for both signs inside np.where (safe: no branch overflows)", '''def sigmoid_forward(x):
    e = np.exp(-np.abs(x))
    out = np.where(x >= 0, 1 / (1 + e), e / (1 + e))
    return out, out'''),
    ("sigmoid_backward", "local derivative s - s*s, then times dout", '''def sigmoid_backward(dout, cache):
    s = cache
    local = s - s * s
    return local * dout'''),
    ("tanh_forward", "2 * sigmoid(2x) - 1 with a stable sigmoid", '''def tanh_forward(x):
    e = np.exp(-2 * np.abs(x))
    sig = np.where(x >= 0, 1 / (1 + e), e / (1 + e))
    out = 2 * sig - 1
    return out, out'''),
    ("tanh_forward", "sign(x) * (1 - e) / (1 + e) with e = exp(-2|x|)", '''def tanh_forward(x):
    e = np.exp(-2.0 * np.abs(x))
    out = np.sign(x) * (1.0 - e) / (1.0 + e)
    return out, out'''),
    ("tanh_backward", "dout - dout * t * t", '''def tanh_backward(dout, cache):
    t = cache
    return dout - dout * t * t'''),
    ("leaky_relu_forward", "np.maximum(alpha * x, x)", '''def leaky_relu_forward(x, alpha=0.01):
    return np.maximum(alpha * x, x), (x.copy(), alpha)'''),
    ("leaky_relu_forward", "masks as numbers", '''def leaky_relu_forward(x, alpha=0.01):
    positive = (x > 0).astype(float)
    out = x * positive + alpha * x * (1 - positive)
    return out, (x, alpha)'''),
    ("leaky_relu_backward", "scales a copy of dout where x <= 0", '''def leaky_relu_backward(dout, cache):
    x, alpha = cache
    dx = np.array(dout, dtype=float, copy=True)
    dx[x <= 0] *= alpha
    return dx'''),
    ("prelu_forward", "ReLU of x plus alpha times the negative part", '''def prelu_forward(x, alpha):
    out = np.maximum(0, x) + alpha * np.minimum(0, x)
    return out, (x, alpha)'''),
    ("prelu_backward", "boolean indexing, dalpha a 0-d array", '''def prelu_backward(dout, cache):
    x, alpha = cache
    neg = x < 0
    dx = dout.copy()
    dx[neg] = alpha * dout[neg]
    dalpha = np.sum(dout[neg] * x[neg])
    return dx, dalpha'''),
    ("prelu_backward", "explicit loop over the elements", '''def prelu_backward(dout, cache):
    x, alpha = cache
    dx = np.zeros(x.shape)
    dalpha = 0.0
    for i in np.ndindex(x.shape):
        if x[i] > 0:
            dx[i] = dout[i]
        else:
            dx[i] = alpha * dout[i]
            dalpha += dout[i] * x[i]
    return dx, dalpha'''),
    ("init_weights", "a dict of rules, standard normal and U(0, 1) rescaled", '''def init_weights(fan_in, fan_out, method, rng):
    std = {"normal": lambda: 0.01, "xavier_normal": lambda: (2 / (fan_in + fan_out)) ** 0.5,
           "he_normal": lambda: (2 / fan_in) ** 0.5}
    limit = {"xavier_uniform": lambda: (6 / (fan_in + fan_out)) ** 0.5, "he_uniform": lambda: (6 / fan_in) ** 0.5}
    if method == "zeros":
        return np.zeros((fan_in, fan_out))
    if method in std:
        return std[method]() * rng.standard_normal((fan_in, fan_out))
    if method in limit:
        a = limit[method]()
        return (2 * rng.random((fan_in, fan_out)) - 1) * a
    raise ValueError(f"method must be one of zeros, normal, {', '.join(list(std)[1:] + list(limit))}; got {method!r}")'''),
]

# The visible check that must catch each common mistake, and words its message must contain.
VISIBLE = {
    "the textbook formula, which overflows for large negative x": "raised a warning: overflow",
    "clips the caller's x in place to avoid the overflow": "was modified by your function",
    "applies the sigmoid to the cached output again": "do not apply the sigmoid to it again",
    "the exponential formula, inf / inf for large |x|": "np.tanh computes the same function safely",
    "applies the leaky slope to the positive side": "multiply only the negative ones by alpha",
    "uses the default 0.01 instead of the alpha of the forward pass": "taken from the cache",
    "dalpha not summed: one value per element": "should be a single number",
    "dalpha sums dout * x over every element, positive ones too": "Positive entries do not depend on alpha",
    "He with the fan-out": "should be close to",
    "draws from NumPy's global random state": "changed NumPy's global random state",
    "a new generator with a fixed seed inside the function": "draw every random number from rng",
}
