"""Student-like implementations of lecture 05's graded functions."""
ASSIGNMENT = "05_optimisation"
TESTS = {
    "iterate_minibatches": "test_iterate_minibatches",
    "sgd": "test_sgd",
    "sgd_momentum": "test_sgd_momentum",
    "rmsprop": "test_rmsprop",
    "adam": "test_adam",
    "step_decay": "test_step_decay",
    "cosine_decay": "test_cosine_decay",
}

WRONG = [
    # ---- iterate_minibatches
    ("iterate_minibatches", "drops the last, smaller batch", '''def iterate_minibatches(X, y, batch_size, rng=None):
    N = X.shape[0]
    order = np.arange(N) if rng is None else rng.permutation(N)
    for k in range(N // batch_size):
        idx = order[k * batch_size:(k + 1) * batch_size]
        yield X[idx], y[idx]'''),
    ("iterate_minibatches", "shuffles with NumPy's global random state", '''def iterate_minibatches(X, y, batch_size, rng=None):
    N = X.shape[0]
    order = np.arange(N)
    if rng is not None:
        np.random.shuffle(order)
    for start in range(0, N, batch_size):
        idx = order[start:start + batch_size]
        yield X[idx], y[idx]'''),
    ("iterate_minibatches", "shuffles X and y in place, separately", '''def iterate_minibatches(X, y, batch_size, rng=None):
    if rng is not None:
        rng.shuffle(X)
        rng.shuffle(y)
    for start in range(0, len(X), batch_size):
        yield X[start:start + batch_size], y[start:start + batch_size]'''),
    ("iterate_minibatches", "ignores rng: a fresh generator with a fixed seed", '''def iterate_minibatches(X, y, batch_size, rng=None):
    N = X.shape[0]
    order = np.arange(N)
    if rng is not None:
        order = np.random.default_rng(0).permutation(N)
    for start in range(0, N, batch_size):
        idx = order[start:start + batch_size]
        yield X[idx], y[idx]'''),
    ("iterate_minibatches", "shuffles the order of the batches, not the examples", '''def iterate_minibatches(X, y, batch_size, rng=None):
    starts = np.arange(0, X.shape[0], batch_size)
    if rng is not None:
        starts = rng.permutation(starts)
    for start in starts:
        yield X[start:start + batch_size], y[start:start + batch_size]'''),
    ("iterate_minibatches", "pads the last batch by wrapping around to the start", '''def iterate_minibatches(X, y, batch_size, rng=None):
    N = X.shape[0]
    order = np.arange(N) if rng is None else rng.permutation(N)
    n_batches = int(np.ceil(N / batch_size))
    for k in range(n_batches):
        idx = np.take(order, np.arange(k * batch_size, (k + 1) * batch_size), mode="wrap")
        yield X[idx], y[idx]'''),

    # ---- sgd
    ("sgd", "steps up the gradient (plus sign)", '''def sgd(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    return w + config["learning_rate"] * dw, config'''),
    ("sgd", "updates w in place with -=", '''def sgd(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    w -= config["learning_rate"] * dw
    return w, config'''),
    ("sgd", "default learning rate 1e-3", '''def sgd(w, dw, config=None):
    if config is None:
        config = {}
    lr = config.get("learning_rate", 1e-3)
    return w - lr * dw, config'''),
    ("sgd", "crashes when config is None", '''def sgd(w, dw, config=None):
    config.setdefault("learning_rate", 1e-2)
    return w - config["learning_rate"] * dw, config'''),

    # ---- sgd_momentum
    ("sgd_momentum", "momentum sign: adds the gradient to the velocity", '''def sgd_momentum(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    v = config.get("velocity", np.zeros_like(w))
    v = config["momentum"] * v + config["learning_rate"] * dw
    config["velocity"] = v
    return w + v, config'''),
    ("sgd_momentum", "does not store the velocity back in config", '''def sgd_momentum(w, dw, config=None):
    if config is None:
        config = {}
    lr = config.get("learning_rate", 1e-2)
    mu = config.get("momentum", 0.9)
    v = config.get("velocity", np.zeros_like(w))
    v = mu * v - lr * dw
    return w + v, config'''),
    ("sgd_momentum", "updates w in place with += v", '''def sgd_momentum(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    v = config.get("velocity", np.zeros_like(w))
    v = config["momentum"] * v - config["learning_rate"] * dw
    config["velocity"] = v
    w += v
    return w, config'''),
    ("sgd_momentum", "starts the velocity at -learning_rate * dw and then applies momentum again", '''def sgd_momentum(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    if "velocity" not in config:
        config["velocity"] = -config["learning_rate"] * dw
    v = config["momentum"] * config["velocity"] - config["learning_rate"] * dw
    config["velocity"] = v
    return w + v, config'''),
    ("sgd_momentum", "w - v with the textbook velocity (steps uphill)", '''def sgd_momentum(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    v = config.get("velocity", np.zeros_like(w))
    v = config["momentum"] * v - config["learning_rate"] * dw
    config["velocity"] = v
    return w - v, config'''),
    ("sgd_momentum", "default momentum 0.99", '''def sgd_momentum(w, dw, config=None):
    config = {} if config is None else config
    lr, mu = config.get("learning_rate", 1e-2), config.get("momentum", 0.99)
    v = mu * config.get("velocity", np.zeros_like(w)) - lr * dw
    config["velocity"] = v
    return w + v, config'''),

    # ---- rmsprop
    ("rmsprop", "no square root of the cache", '''def rmsprop(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("decay_rate", 0.99)
    config.setdefault("epsilon", 1e-8)
    cache = config.get("cache", np.zeros_like(w))
    cache = config["decay_rate"] * cache + (1 - config["decay_rate"]) * dw ** 2
    config["cache"] = cache
    return w - config["learning_rate"] * dw / (cache + config["epsilon"]), config'''),
    ("rmsprop", "decay_rate and 1 - decay_rate swapped", '''def rmsprop(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("decay_rate", 0.99)
    config.setdefault("epsilon", 1e-8)
    cache = config.get("cache", np.zeros_like(w))
    cache = (1 - config["decay_rate"]) * cache + config["decay_rate"] * dw ** 2
    config["cache"] = cache
    return w - config["learning_rate"] * dw / (np.sqrt(cache) + config["epsilon"]), config'''),
    ("rmsprop", "forgets epsilon (0 / 0 where a gradient is zero)", '''def rmsprop(w, dw, config=None):
    if config is None:
        config = {}
    lr = config.get("learning_rate", 1e-2)
    rho = config.get("decay_rate", 0.99)
    cache = rho * config.get("cache", np.zeros_like(w)) + (1 - rho) * dw ** 2
    config["cache"] = cache
    return w - lr * dw / np.sqrt(cache), config'''),
    ("rmsprop", "does not keep the cache between steps", '''def rmsprop(w, dw, config=None):
    if config is None:
        config = {}
    lr = config.get("learning_rate", 1e-2)
    rho = config.get("decay_rate", 0.99)
    eps = config.get("epsilon", 1e-8)
    cache = rho * np.zeros_like(w) + (1 - rho) * dw ** 2
    config["cache"] = cache
    return w - lr * dw / (np.sqrt(cache) + eps), config'''),
    ("rmsprop", "updates w in place after the division", '''def rmsprop(w, dw, config=None):
    if config is None:
        config = {}
    lr = config.get("learning_rate", 1e-2)
    rho = config.get("decay_rate", 0.99)
    eps = config.get("epsilon", 1e-8)
    cache = rho * config.get("cache", np.zeros_like(w)) + (1 - rho) * dw ** 2
    config["cache"] = cache
    w -= lr * dw / (np.sqrt(cache) + eps)
    return w, config'''),

    # ---- adam
    ("adam", "no bias correction", '''def adam(w, dw, config=None):
    if config is None:
        config = {}
    lr = config.get("learning_rate", 1e-3)
    b1, b2 = config.get("beta1", 0.9), config.get("beta2", 0.999)
    eps = config.get("epsilon", 1e-8)
    m = b1 * config.get("m", np.zeros_like(w)) + (1 - b1) * dw
    v = b2 * config.get("v", np.zeros_like(w)) + (1 - b2) * dw ** 2
    config["m"], config["v"], config["t"] = m, v, config.get("t", 0) + 1
    return w - lr * m / (np.sqrt(v) + eps), config'''),
    ("adam", "t incremented after the step (the first step uses t = 0)", '''def adam(w, dw, config=None):
    if config is None:
        config = {}
    lr = config.get("learning_rate", 1e-3)
    b1, b2 = config.get("beta1", 0.9), config.get("beta2", 0.999)
    eps = config.get("epsilon", 1e-8)
    t = config.get("t", 0)
    m = b1 * config.get("m", np.zeros_like(w)) + (1 - b1) * dw
    v = b2 * config.get("v", np.zeros_like(w)) + (1 - b2) * dw ** 2
    m_hat = m / (1 - b1 ** t)
    v_hat = v / (1 - b2 ** t)
    config["m"], config["v"], config["t"] = m, v, t + 1
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), config'''),
    ("adam", "default learning rate 1e-2", '''def adam(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("beta1", 0.9)
    config.setdefault("beta2", 0.999)
    config.setdefault("epsilon", 1e-8)
    t = config.get("t", 0) + 1
    m = config["beta1"] * config.get("m", np.zeros_like(w)) + (1 - config["beta1"]) * dw
    v = config["beta2"] * config.get("v", np.zeros_like(w)) + (1 - config["beta2"]) * dw ** 2
    config.update(m=m, v=v, t=t)
    m_hat, v_hat = m / (1 - config["beta1"] ** t), v / (1 - config["beta2"] ** t)
    return w - config["learning_rate"] * m_hat / (np.sqrt(v_hat) + config["epsilon"]), config'''),
    ("adam", "bias-corrects with the state's t but never stores the new t", '''def adam(w, dw, config=None):
    if config is None:
        config = {"t": 0}
    lr = config.get("learning_rate", 1e-3)
    b1, b2 = config.get("beta1", 0.9), config.get("beta2", 0.999)
    eps = config.get("epsilon", 1e-8)
    t = config.get("t", 0) + 1
    m = b1 * config.get("m", np.zeros_like(w)) + (1 - b1) * dw
    v = b2 * config.get("v", np.zeros_like(w)) + (1 - b2) * dw ** 2
    config["m"], config["v"] = m, v
    return w - lr * (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + eps), config'''),
    ("adam", "epsilon inside the square root", '''def adam(w, dw, config=None):
    if config is None:
        config = {}
    lr = config.get("learning_rate", 1e-3)
    b1, b2 = config.get("beta1", 0.9), config.get("beta2", 0.999)
    eps = config.get("epsilon", 1e-8)
    t = config.get("t", 0) + 1
    m = b1 * config.get("m", np.zeros_like(w)) + (1 - b1) * dw
    v = b2 * config.get("v", np.zeros_like(w)) + (1 - b2) * dw ** 2
    config["m"], config["v"], config["t"] = m, v, t
    return w - lr * (m / (1 - b1 ** t)) / np.sqrt(v / (1 - b2 ** t) + eps), config'''),
    ("adam", "updates w in place with the Adam step", '''def adam(w, dw, config=None):
    if config is None:
        config = {}
    lr = config.get("learning_rate", 1e-3)
    b1, b2 = config.get("beta1", 0.9), config.get("beta2", 0.999)
    eps = config.get("epsilon", 1e-8)
    t = config.get("t", 0) + 1
    m = b1 * config.get("m", np.zeros_like(w)) + (1 - b1) * dw
    v = b2 * config.get("v", np.zeros_like(w)) + (1 - b2) * dw ** 2
    config["m"], config["v"], config["t"] = m, v, t
    w -= lr * (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + eps)
    return w, config'''),

    # ---- step_decay
    ("step_decay", "off by one epoch: counts epochs from 1", '''def step_decay(lr0, epoch, drop, every):
    return lr0 * drop ** ((epoch + 1) // every)'''),
    ("step_decay", "no floor: decays smoothly with epoch / every", '''def step_decay(lr0, epoch, drop, every):
    return lr0 * drop ** (epoch / every)'''),
    ("step_decay", "multiplies by drop instead of raising it to a power", '''def step_decay(lr0, epoch, drop, every):
    k = epoch // every
    return lr0 * drop * k if k > 0 else lr0'''),
    ("step_decay", "ignores every: drops every epoch", '''def step_decay(lr0, epoch, drop, every):
    return lr0 * drop ** epoch'''),

    # ---- cosine_decay
    ("cosine_decay", "no clamp: the rate rises again after total_steps", '''def cosine_decay(lr0, step, total_steps, lr_min=0.0):
    return lr_min + (lr0 - lr_min) * (1 + np.cos(np.pi * step / total_steps)) / 2'''),
    ("cosine_decay", "forgets pi", '''def cosine_decay(lr0, step, total_steps, lr_min=0.0):
    s = min(step, total_steps)
    return lr_min + (lr0 - lr_min) * (1 + np.cos(s / total_steps)) / 2'''),
    ("cosine_decay", "lr_min added on top instead of being the end point", '''def cosine_decay(lr0, step, total_steps, lr_min=0.0):
    s = min(step, total_steps)
    return lr_min + lr0 * (1 + np.cos(np.pi * s / total_steps)) / 2'''),
    ("cosine_decay", "forgets the / 2", '''def cosine_decay(lr0, step, total_steps, lr_min=0.0):
    s = min(step, total_steps)
    return lr_min + (lr0 - lr_min) * (1 + np.cos(np.pi * s / total_steps))'''),
    ("cosine_decay", "uses 1 - cos (rises instead of falling)", '''def cosine_decay(lr0, step, total_steps, lr_min=0.0):
    s = min(step, total_steps)
    return lr_min + (lr0 - lr_min) * (1 - np.cos(np.pi * s / total_steps)) / 2'''),
]

CORRECT = [
    ("iterate_minibatches", "index list with a while loop, rng.shuffle on a copy of the indices",
     '''def iterate_minibatches(X, y, batch_size, rng=None):
    idx = list(range(len(y)))
    if rng is not None:
        idx = np.array(idx)
        rng.shuffle(idx)
    start = 0
    while start < len(idx):
        chosen = np.asarray(idx[start:start + batch_size])
        yield X[chosen], y[chosen]
        start += batch_size'''),
    ("iterate_minibatches", "returns a list of batches made with np.array_split", '''def iterate_minibatches(X, y, batch_size, rng=None):
    n = len(X)
    perm = rng.permutation(n) if rng is not None else np.arange(n)
    cuts = list(range(batch_size, n, batch_size))
    return [(X[part], y[part]) for part in np.split(perm, cuts)]'''),
    ("sgd", "copies the config and uses get", '''def sgd(w, dw, config=None):
    config = dict(config or {})
    lr = config.get("learning_rate", 1e-2)
    config["learning_rate"] = lr
    return w - lr * dw, config'''),
    ("sgd_momentum", "copy of w updated in place", '''def sgd_momentum(w, dw, config=None):
    if config is None:
        config = {}
    lr = config.setdefault("learning_rate", 1e-2)
    mu = config.setdefault("momentum", 0.9)
    velocity = config.get("velocity")
    if velocity is None:
        velocity = np.zeros(w.shape)
    velocity = mu * velocity
    velocity -= lr * dw
    next_w = w.copy()
    next_w += velocity
    config["velocity"] = velocity
    return next_w, config'''),
    ("rmsprop", "element-wise with np.divide and np.square", '''def rmsprop(w, dw, config=None):
    config = {} if config is None else config
    lr = config.get("learning_rate", 1e-2)
    rho = config.get("decay_rate", 0.99)
    eps = config.get("epsilon", 1e-8)
    c = config.get("cache", np.zeros_like(w))
    c = rho * c + (1.0 - rho) * np.square(dw)
    config.update(learning_rate=lr, decay_rate=rho, epsilon=eps, cache=c)
    return w - lr * np.divide(dw, np.sqrt(c) + eps), config'''),
    ("adam", "increments t in config first, folds the corrections into the step size", '''def adam(w, dw, config=None):
    if config is None:
        config = {}
    for key, value in {"learning_rate": 1e-3, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8, "t": 0}.items():
        config.setdefault(key, value)
    config["t"] += 1
    t = config["t"]
    b1, b2 = config["beta1"], config["beta2"]
    config["m"] = b1 * config.get("m", 0 * w) + (1 - b1) * dw
    config["v"] = b2 * config.get("v", 0 * w) + (1 - b2) * dw * dw
    m_hat = config["m"] / (1 - b1 ** t)
    v_hat = config["v"] / (1 - b2 ** t)
    return w - config["learning_rate"] * m_hat / (v_hat ** 0.5 + config["epsilon"]), config'''),
    ("step_decay", "a loop that halves every `every` epochs", '''def step_decay(lr0, epoch, drop, every):
    lr = lr0
    for e in range(1, epoch + 1):
        if e % every == 0:
            lr *= drop
    return lr'''),
    ("cosine_decay", "math.cos with an if for the end", '''import math


def cosine_decay(lr0, step, total_steps, lr_min=0.0):
    if step >= total_steps:
        return lr_min
    return lr_min + 0.5 * (lr0 - lr_min) * (1 + math.cos(math.pi * step / total_steps))'''),
]

# The visible check's message each common mistake must produce (tests/test_visible_checks.py).
VISIBLE = {
    "drops the last, smaller batch": "Keep the last, smaller batch",
    "updates w in place with -=": "changed its argument `w` in place",
    "updates w in place with += v": "changed its argument `w` in place",
    "no square root of the cache": "Check the square root",
    "t incremented after the step (the first step uses t = 0)": "t must be 1",
    "no bias correction": "With bias correction",
    "off by one epoch: counts epochs from 1": "epoch // every",
    "no clamp: the rate rises again after total_steps": "stays at lr_min",
}
