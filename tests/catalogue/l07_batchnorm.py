"""Student-like implementations of lecture 07's graded functions."""
ASSIGNMENT = "07_batchnorm"
TESTS = {
    "batchnorm_forward": "test_batchnorm_forward",
    "batchnorm_backward": "test_batchnorm_backward",
    "batchnorm_backward_alt": "test_batchnorm_backward_alt",
    "FullyConnectedNet": "test_FullyConnectedNet",
}

# A reference-like batchnorm_forward that the wrong variants below each change in one place.
# Its cache is the reference's, (x_hat, centred, std, var, gamma, eps), so the reference backward passes still work.
_FWD = '''def batchnorm_forward(x, gamma, beta, bn_param):
    mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)
    running_mean = bn_param.get("running_mean", np.zeros(x.shape[1]))
    running_var = bn_param.get("running_var", np.ones(x.shape[1]))
    if mode == "train":
        mean = x.mean(axis=0)
        var = x.var(axis=0)
        centred = x - mean
        std = np.sqrt(var + eps)
        x_hat = centred / std
        out = gamma * x_hat + beta
        cache = (x_hat, centred, std, var, gamma, eps)
        bn_param["running_mean"] = momentum * running_mean + (1 - momentum) * mean
        bn_param["running_var"] = momentum * running_var + (1 - momentum) * var
    else:
        out = gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta
        cache = None
    return out, cache'''

# The same for the network: the wrong variants change one fragment.
_NET = '''class FullyConnectedNet:
    def __init__(self, hidden_dims, input_dim=784, num_classes=10, normalization=None,
                 keep_prob=1.0, reg=0.0, weight_scale=1e-2, seed=0):
        if normalization not in (None, "batchnorm"):
            raise ValueError("normalization must be None or 'batchnorm'")
        self.bn = normalization == "batchnorm"
        self.keep_prob = keep_prob
        self.reg = reg
        self.L = len(hidden_dims) + 1
        self.rng = np.random.default_rng(seed)
        dims = [input_dim] + list(hidden_dims) + [num_classes]
        self.params = {}
        for l in range(1, self.L + 1):
            self.params["W%d" % l] = weight_scale * self.rng.standard_normal((dims[l - 1], dims[l]))
            self.params["b%d" % l] = np.zeros(dims[l])
            if self.bn and l < self.L:
                self.params["gamma%d" % l] = np.ones(dims[l])
                self.params["beta%d" % l] = np.zeros(dims[l])
        self.bn_params = [{"mode": "train"} for _ in range(self.L - 1)]

    def loss(self, X, y=None):
        mode = "test" if y is None else "train"
        p = self.params
        h = X
        caches = []
        for l in range(1, self.L):
            h, ca = affine_forward(h, p["W%d" % l], p["b%d" % l])
            cb = cd = None
            if self.bn:
                bp = self.bn_params[l - 1]
                bp["mode"] = mode
                h, cb = batchnorm_forward(h, p["gamma%d" % l], p["beta%d" % l], bp)
            h, cr = relu_forward(h)
            if self.keep_prob < 1 and mode == "train":
                h, cd = dropout_forward(h, {"keep_prob": self.keep_prob, "mode": "train", "seed": int(self.rng.integers(2**31))})
            caches.append((ca, cb, cr, cd))
        scores, cl = affine_forward(h, p["W%d" % self.L], p["b%d" % self.L])
        if y is None:
            return scores
        loss, ds = softmax_cross_entropy(scores, y)
        grads = {}
        dh, grads["W%d" % self.L], grads["b%d" % self.L] = affine_backward(ds, cl)
        for l in range(self.L - 1, 0, -1):
            ca, cb, cr, cd = caches[l - 1]
            if cd is not None:
                dh = dropout_backward(dh, cd)
            dh = relu_backward(dh, cr)
            if cb is not None:
                dh, grads["gamma%d" % l], grads["beta%d" % l] = batchnorm_backward_alt(dh, cb)
            dh, grads["W%d" % l], grads["b%d" % l] = affine_backward(dh, ca)
        for l in range(1, self.L + 1):
            W = p["W%d" % l]
            loss += self.reg * np.sum(W ** 2)
            grads["W%d" % l] = grads["W%d" % l] + 2 * self.reg * W
        return loss, grads'''


def _with(base, *changes):
    """``base`` with each (old, new) fragment replaced; a fragment that is not there is an error, not a silent no-op."""
    code = base
    for old, new in changes:
        assert old in code, f"catalogue: {old!r} is not in the base code"
        code = code.replace(old, new)
    return code


_BWD_HEAD = '''def batchnorm_backward(dout, cache):
    x_hat, centred, std, var, gamma, eps = cache
    N = dout.shape[0]
'''
_ALT_HEAD = '''def batchnorm_backward_alt(dout, cache):
    x_hat, centred, std, var, gamma, eps = cache
    N = dout.shape[0]
'''

WRONG = [
    # ---- batchnorm_forward
    ("batchnorm_forward", "unbiased variance (ddof=1)", _with(_FWD, ("var = x.var(axis=0)", "var = x.var(axis=0, ddof=1)"))),
    ("batchnorm_forward", "eps outside the square root", _with(_FWD, ("std = np.sqrt(var + eps)", "std = np.sqrt(var) + eps"))),
    ("batchnorm_forward", "running averages with the momentum swapped", _with(_FWD,
        ('bn_param["running_mean"] = momentum * running_mean + (1 - momentum) * mean',
         'bn_param["running_mean"] = (1 - momentum) * running_mean + momentum * mean'),
        ('bn_param["running_var"] = momentum * running_var + (1 - momentum) * var',
         'bn_param["running_var"] = (1 - momentum) * running_var + momentum * var'))),
    ("batchnorm_forward", "running statistics computed but not stored back into bn_param", _with(_FWD,
        ('bn_param["running_mean"] = momentum', 'running_mean = momentum'),
        ('bn_param["running_var"] = momentum', 'running_var = momentum'))),
    ("batchnorm_forward", "batch statistics used in test mode", _with(_FWD,
        ("out = gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta",
         "out = gamma * (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + eps) + beta"))),
    ("batchnorm_forward", "statistics over axis 1 (each example instead of each unit)", _with(_FWD,
        ("mean = x.mean(axis=0)\n        var = x.var(axis=0)",
         "mean = x.mean(axis=1, keepdims=True)\n        var = x.var(axis=1, keepdims=True)"),
        ("(1 - momentum) * mean", "(1 - momentum) * mean.mean()"), ("(1 - momentum) * var", "(1 - momentum) * var.mean()"))),
    ("batchnorm_forward", "running variance stored unbiased (as PyTorch does)", _with(_FWD,
        ("(1 - momentum) * var", "(1 - momentum) * var * x.shape[0] / max(x.shape[0] - 1, 1)"))),
    ("batchnorm_forward", "centres x in place", _with(_FWD,
        ("centred = x - mean", "x -= mean\n        centred = x"))),
    ("batchnorm_forward", "ignores bn_param's momentum (always 0.9)", _with(_FWD,
        ('momentum = bn_param.get("momentum", 0.9)', "momentum = 0.9"))),

    # ---- batchnorm_backward
    ("batchnorm_backward", "dgamma and dbeta summed over axis 1", _BWD_HEAD + '''    dbeta = dout.sum(axis=1)
    dgamma = np.sum(dout * x_hat, axis=1)
    dxh = dout * gamma
    dvar = np.sum(dxh * centred, axis=0) * -0.5 * (var + eps) ** -1.5
    dmean = -np.sum(dxh, axis=0) / std + dvar * np.mean(-2 * centred, axis=0)
    dx = dxh / std + dvar * 2 * centred / N + dmean / N
    return dx, dgamma, dbeta'''),
    ("batchnorm_backward", "dbeta is the mean over the batch", _BWD_HEAD + '''    dbeta = dout.mean(axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    dxh = dout * gamma
    dvar = np.sum(dxh * centred, axis=0) * -0.5 * (var + eps) ** -1.5
    dmean = -np.sum(dxh, axis=0) / std + dvar * np.mean(-2 * centred, axis=0)
    dx = dxh / std + dvar * 2 * centred / N + dmean / N
    return dx, dgamma, dbeta'''),
    ("batchnorm_backward", "treats the variance as a constant (no path through it)", _BWD_HEAD + '''    dbeta = dout.sum(axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    dxh = dout * gamma
    dcentred = dxh / std
    dx = dcentred - dcentred.mean(axis=0)
    return dx, dgamma, dbeta'''),
    ("batchnorm_backward", "forgets the path through the mean (dx = dcentred)", _BWD_HEAD + '''    dbeta = dout.sum(axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    dxh = dout * gamma
    dvar = np.sum(dxh * centred, axis=0) * -0.5 * (var + eps) ** -1.5
    dx = dxh / std + dvar * 2 * centred / N
    return dx, dgamma, dbeta'''),
    ("batchnorm_backward", "dgamma from the un-normalised centred values", _BWD_HEAD + '''    dbeta = dout.sum(axis=0)
    dgamma = np.sum(dout * centred, axis=0)
    dxh = dout * gamma
    dvar = np.sum(dxh * centred, axis=0) * -0.5 * (var + eps) ** -1.5
    dmean = -np.sum(dxh, axis=0) / std + dvar * np.mean(-2 * centred, axis=0)
    dx = dxh / std + dvar * 2 * centred / N + dmean / N
    return dx, dgamma, dbeta'''),

    # ---- batchnorm_backward_alt
    ("batchnorm_backward_alt", "closed form missing the mean term", _ALT_HEAD + '''    g = dout * gamma
    dx = (N * g - x_hat * np.sum(g * x_hat, axis=0)) / (N * std)
    return dx, np.sum(dout * x_hat, axis=0), dout.sum(axis=0)'''),
    ("batchnorm_backward_alt", "closed form missing the x_hat term", _ALT_HEAD + '''    g = dout * gamma
    dx = (N * g - g.sum(axis=0)) / (N * std)
    return dx, np.sum(dout * x_hat, axis=0), dout.sum(axis=0)'''),
    ("batchnorm_backward_alt", "forgets gamma in the gradient reaching x_hat", _ALT_HEAD + '''    g = dout
    dx = (N * g - g.sum(axis=0) - x_hat * np.sum(g * x_hat, axis=0)) / (N * std)
    return dx, np.sum(dout * x_hat, axis=0), dout.sum(axis=0)'''),
    ("batchnorm_backward_alt", "divides by std only, without the 1/N", _ALT_HEAD + '''    g = dout * gamma
    dx = (N * g - g.sum(axis=0) - x_hat * np.sum(g * x_hat, axis=0)) / std
    return dx, np.sum(dout * x_hat, axis=0), dout.sum(axis=0)'''),
    ("batchnorm_backward_alt", "dgamma summed over axis 1", _ALT_HEAD + '''    g = dout * gamma
    dx = (N * g - g.sum(axis=0) - x_hat * np.sum(g * x_hat, axis=0)) / (N * std)
    return dx, np.sum(dout * x_hat, axis=1), dout.sum(axis=0)'''),

    # ---- FullyConnectedNet
    ("FullyConnectedNet", "batch norm stays in train mode at test time", _with(_NET, ('bp["mode"] = mode', 'bp["mode"] = "train"'))),
    ("FullyConnectedNet", "dropout also at test time", _with(_NET,
        ('if self.keep_prob < 1 and mode == "train":', "if self.keep_prob < 1:"))),
    ("FullyConnectedNet", "no gradients for gamma and beta", _with(_NET,
        ('dh, grads["gamma%d" % l], grads["beta%d" % l] = batchnorm_backward_alt(dh, cb)',
         'dh, _, _ = batchnorm_backward_alt(dh, cb)'))),
    ("FullyConnectedNet", "regularises every parameter, biases and gammas too", _with(_NET,
        ('''        for l in range(1, self.L + 1):
            W = p["W%d" % l]
            loss += self.reg * np.sum(W ** 2)
            grads["W%d" % l] = grads["W%d" % l] + 2 * self.reg * W''',
         '''        for k in p:
            loss += self.reg * np.sum(p[k] ** 2)
            grads[k] = grads[k] + 2 * self.reg * p[k]'''))),
    ("FullyConnectedNet", "weights from NumPy's global random state", _with(_NET,
        ('weight_scale * self.rng.standard_normal((dims[l - 1], dims[l]))',
         'weight_scale * np.random.randn(dims[l - 1], dims[l])'))),
    ("FullyConnectedNet", "keep_prob passed as the drop probability", _with(_NET,
        ('{"keep_prob": self.keep_prob, "mode": "train"', '{"keep_prob": 1 - self.keep_prob, "mode": "train"'))),
    ("FullyConnectedNet", "the same dropout seed on every call", _with(_NET,
        ('"seed": int(self.rng.integers(2**31))', '"seed": 0'))),
    ("FullyConnectedNet", "a new bn_param on every call (running averages never kept)", _with(_NET,
        ('bp = self.bn_params[l - 1]', 'bp = {}'))),
    ("FullyConnectedNet", "dropout seeds from the global random state", _with(_NET,
        ('"seed": int(self.rng.integers(2**31))', '"seed": int(np.random.randint(2**31))'))),
    ("FullyConnectedNet", "unknown normalization silently ignored", _with(_NET,
        ('''        if normalization not in (None, "batchnorm"):
            raise ValueError("normalization must be None or 'batchnorm'")
''', ""))),
]

CORRECT = [
    ("batchnorm_forward", "keepdims statistics, setdefault, a dict as cache", '''def batchnorm_forward(x, gamma, beta, bn_param):
    eps = bn_param.get("eps", 1e-5)
    m = bn_param.get("momentum", 0.9)
    D = x.shape[1]
    bn_param.setdefault("running_mean", np.zeros(D))
    bn_param.setdefault("running_var", np.ones(D))
    if bn_param["mode"] == "test":
        xn = (x - bn_param["running_mean"]) / np.sqrt(bn_param["running_var"] + eps)
        return xn * gamma + beta, {}
    mu = np.mean(x, axis=0, keepdims=True)
    v = np.mean((x - mu) ** 2, axis=0, keepdims=True)
    xn = (x - mu) / np.sqrt(v + eps)
    bn_param["running_mean"] = m * bn_param["running_mean"] + (1 - m) * mu.ravel()
    bn_param["running_var"] = m * bn_param["running_var"] + (1 - m) * v.ravel()
    return xn * gamma + beta, {"xn": xn, "gamma": gamma, "v": v, "eps": eps}'''),
    ("batchnorm_forward", "a loop over the units", '''def batchnorm_forward(x, gamma, beta, bn_param):
    N, D = x.shape
    eps = bn_param["eps"] if "eps" in bn_param else 1e-5
    momentum = bn_param["momentum"] if "momentum" in bn_param else 0.9
    rm = bn_param["running_mean"].copy() if "running_mean" in bn_param else np.zeros(D)
    rv = bn_param["running_var"].copy() if "running_var" in bn_param else np.ones(D)
    out = np.empty((N, D))
    if bn_param["mode"] == "train":
        for j in range(D):
            col = x[:, j]
            mu = col.sum() / N
            var = ((col - mu) ** 2).sum() / N
            out[:, j] = gamma[j] * (col - mu) / (var + eps) ** 0.5 + beta[j]
            rm[j] = momentum * rm[j] + (1 - momentum) * mu
            rv[j] = momentum * rv[j] + (1 - momentum) * var
        bn_param["running_mean"], bn_param["running_var"] = rm, rv
    else:
        for j in range(D):
            out[:, j] = gamma[j] * (x[:, j] - rm[j]) / (rv[j] + eps) ** 0.5 + beta[j]
    return out, (x, gamma, beta, eps)'''),
    ("batchnorm_backward", "the dvar / dmean formulation", _BWD_HEAD + '''    dbeta = dout.sum(axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    dxh = dout * gamma
    dvar = np.sum(dxh * centred, axis=0) * -0.5 * (var + eps) ** -1.5
    dmean = -np.sum(dxh, axis=0) / std + dvar * np.mean(-2 * centred, axis=0)
    dx = dxh / std + dvar * 2 * centred / N + dmean / N
    return dx, dgamma, dbeta'''),
    ("batchnorm_backward", "einsum and explicit intermediate names", _BWD_HEAD + '''    dbeta = np.einsum("nd->d", dout)
    dgamma = np.einsum("nd,nd->d", dout, x_hat)
    dxhat = dout * gamma
    inv = 1 / std
    dinv = np.einsum("nd,nd->d", dxhat, centred)
    dcent1 = dxhat * inv
    dsqrt = -dinv * inv ** 2
    dv = 0.5 * dsqrt / np.sqrt(var + eps)
    dsq = np.broadcast_to(dv / N, centred.shape)
    dcent2 = 2 * centred * dsq
    dcent = dcent1 + dcent2
    dmu = -np.einsum("nd->d", dcent)
    dx = dcent + np.broadcast_to(dmu / N, dcent.shape)
    return dx, dgamma, dbeta'''),
    ("batchnorm_backward_alt", "mean-based form", _ALT_HEAD + '''    dxh = dout * gamma
    dx = (dxh - dxh.mean(axis=0) - x_hat * (dxh * x_hat).mean(axis=0)) / std
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)'''),
    ("FullyConnectedNet", "layers as a list of dicts; graph backward; integer seeds below 2**30", '''class FullyConnectedNet:
    def __init__(self, hidden_dims, input_dim=784, num_classes=10, normalization=None,
                 keep_prob=1.0, reg=0.0, weight_scale=1e-2, seed=0):
        if normalization is not None and normalization != "batchnorm":
            raise ValueError(normalization)
        self.use_bn = normalization is not None
        self.keep_prob, self.reg = keep_prob, reg
        gen = np.random.default_rng(seed)
        self.gen = gen
        sizes = [input_dim, *hidden_dims, num_classes]
        self.params = {}
        for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
            self.params[f"W{i}"] = gen.standard_normal((a, b)) * weight_scale
            self.params[f"b{i}"] = np.zeros(b)
        if self.use_bn:
            for i, b in enumerate(hidden_dims, start=1):
                self.params[f"gamma{i}"] = np.ones(b)
                self.params[f"beta{i}"] = np.zeros(b)
        self.n_hidden = len(hidden_dims)
        self.bn_params = [dict(mode="train") for _ in hidden_dims]

    def loss(self, X, y=None):
        train = y is not None
        stack = []
        out = X
        for i in range(1, self.n_hidden + 1):
            layer = {}
            out, layer["affine"] = affine_forward(out, self.params[f"W{i}"], self.params[f"b{i}"])
            if self.use_bn:
                self.bn_params[i - 1]["mode"] = "train" if train else "test"
                out, layer["bn"] = batchnorm_forward(out, self.params[f"gamma{i}"], self.params[f"beta{i}"],
                                                     self.bn_params[i - 1])
            out, layer["relu"] = relu_forward(out)
            if train and self.keep_prob < 1.0:
                seed = int(self.gen.integers(0, 2**30))
                out, layer["drop"] = dropout_forward(out, {"keep_prob": self.keep_prob, "mode": "train", "seed": seed})
            stack.append(layer)
        last = self.n_hidden + 1
        scores, top = affine_forward(out, self.params[f"W{last}"], self.params[f"b{last}"])
        if not train:
            return scores
        data_loss, d = softmax_cross_entropy(scores, y)
        weights = [self.params[f"W{i}"] for i in range(1, last + 1)]
        loss = data_loss + self.reg * sum(float((w * w).sum()) for w in weights)
        grads = {}
        d, grads[f"W{last}"], grads[f"b{last}"] = affine_backward(d, top)
        for i in range(self.n_hidden, 0, -1):
            layer = stack[i - 1]
            if "drop" in layer:
                d = dropout_backward(d, layer["drop"])
            d = relu_backward(d, layer["relu"])
            if "bn" in layer:
                d, grads[f"gamma{i}"], grads[f"beta{i}"] = batchnorm_backward(d, layer["bn"])
            d, grads[f"W{i}"], grads[f"b{i}"] = affine_backward(d, layer["affine"])
        for i in range(1, last + 1):
            grads[f"W{i}"] += 2 * self.reg * self.params[f"W{i}"]
        return loss, grads'''),
]

# The visible check that must catch each common mistake (issue 14), and words its message must contain.
VISIBLE = {
    "running statistics computed but not stored back into bn_param": "store them back into the dict",
    "batch statistics used in test mode": "not with the batch's statistics",
    "unbiased variance (ddof=1)": "not by N - 1",
    "dbeta is the mean over the batch": "sum dout over the batch (axis=0)",
    "dgamma summed over axis 1": "it should have shape (3,)",
    "weights from NumPy's global random state": "changed NumPy's global random state",
    "dropout also at test time": "there is no dropout in test mode",
    "batch norm stays in train mode at test time": "running averages",
}
