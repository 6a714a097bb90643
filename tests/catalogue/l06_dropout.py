"""Student-like implementations of lecture 06's graded functions."""
ASSIGNMENT = "06_dropout"
TESTS = {
    "dropout_forward": "test_dropout_forward",
    "dropout_backward": "test_dropout_backward",
}

WRONG = [
    # ---- dropout_forward
    ("dropout_forward", "keep_prob used as the probability of dropping", '''def dropout_forward(x, dropout_param):
    p = dropout_param["keep_prob"]
    if dropout_param["mode"] == "train":
        rng = np.random.default_rng(dropout_param["seed"])
        mask = rng.random(x.shape) < 1 - p
        return x * mask / p, (dropout_param, mask)
    return x, (dropout_param, None)'''),
    ("dropout_forward", "classic dropout: no scaling in training, multiplies by keep_prob at test time", '''def dropout_forward(x, dropout_param):
    p = dropout_param["keep_prob"]
    if dropout_param["mode"] == "train":
        rng = np.random.default_rng(dropout_param["seed"])
        mask = rng.random(x.shape) < p
        return x * mask, (dropout_param, mask)
    return x * p, (dropout_param, None)'''),
    ("dropout_forward", "test mode still drops (mode ignored)", '''def dropout_forward(x, dropout_param):
    p = dropout_param["keep_prob"]
    rng = np.random.default_rng(dropout_param["seed"])
    mask = rng.random(x.shape) < p
    out = x * mask / p
    return out, (dropout_param, mask)'''),
    ("dropout_forward", "seeds and draws from NumPy's global random state", '''def dropout_forward(x, dropout_param):
    p = dropout_param["keep_prob"]
    if dropout_param["mode"] == "train":
        np.random.seed(dropout_param["seed"])
        mask = (np.random.rand(*x.shape) < p) / p
        return x * mask, (dropout_param, mask)
    return x, (dropout_param, None)'''),
    ("dropout_forward", "ignores the seed: a fresh unseeded generator", '''def dropout_forward(x, dropout_param):
    p = dropout_param["keep_prob"]
    if dropout_param["mode"] == "train":
        rng = np.random.default_rng()
        mask = rng.random(x.shape) < p
        return x * mask / p, (dropout_param, mask)
    return x, (dropout_param, None)'''),
    ("dropout_forward", "a fixed seed: the same mask on every call", '''def dropout_forward(x, dropout_param):
    p = dropout_param["keep_prob"]
    if dropout_param["mode"] == "train":
        rng = np.random.default_rng(0)
        mask = rng.random(x.shape) < p
        return x * mask / p, (dropout_param, mask)
    return x, (dropout_param, None)'''),
    ("dropout_forward", "multiplies x in place", '''def dropout_forward(x, dropout_param):
    p = dropout_param["keep_prob"]
    if dropout_param["mode"] == "train":
        rng = np.random.default_rng(dropout_param["seed"])
        mask = (rng.random(x.shape) < p) / p
        x *= mask
        return x, (dropout_param, mask)
    return x, (dropout_param, None)'''),
    ("dropout_forward", "one mask per feature, shared by every example of the batch", '''def dropout_forward(x, dropout_param):
    p = dropout_param["keep_prob"]
    if dropout_param["mode"] == "train":
        rng = np.random.default_rng(dropout_param["seed"])
        mask = rng.random(x.shape[1:]) < p
        return x * mask / p, (dropout_param, mask)
    return x, (dropout_param, None)'''),
    ("dropout_forward", "divides by the drop probability 1 - keep_prob", '''def dropout_forward(x, dropout_param):
    p = dropout_param["keep_prob"]
    if dropout_param["mode"] == "train":
        rng = np.random.default_rng(dropout_param["seed"])
        mask = rng.random(x.shape) < p
        return x * mask / (1 - p), (dropout_param, mask)
    return x, (dropout_param, None)'''),
    ("dropout_forward", "keeps with rng.random(x.shape) > keep_prob", '''def dropout_forward(x, dropout_param):
    keep = dropout_param["keep_prob"]
    out, mask = x, None
    if dropout_param["mode"] == "train":
        mask = np.random.default_rng(dropout_param["seed"]).random(x.shape) > keep
        out = x * mask / keep
    return out, (dropout_param, mask)'''),

    # ---- dropout_backward (the reference forward's cache is (dropout_param, boolean mask or None))
    ("dropout_backward", "passes dout through unchanged, forgetting the mask", '''def dropout_backward(dout, cache):
    return dout'''),
    ("dropout_backward", "applies the mask but not the 1/keep_prob scaling", '''def dropout_backward(dout, cache):
    param, mask = cache
    if param["mode"] == "train":
        return dout * mask
    return dout'''),
    ("dropout_backward", "draws a new mask with a fresh generator", '''def dropout_backward(dout, cache):
    param, mask = cache
    if param["mode"] == "train":
        p = param["keep_prob"]
        new_mask = np.random.default_rng().random(dout.shape) < p
        return dout * new_mask / p
    return dout'''),
    ("dropout_backward", "draws a new mask from the global random state", '''def dropout_backward(dout, cache):
    param, mask = cache
    if param["mode"] == "train":
        p = param["keep_prob"]
        return dout * (np.random.rand(*dout.shape) < p) / p
    return dout'''),
    ("dropout_backward", "zeroes and scales dout in place", '''def dropout_backward(dout, cache):
    param, mask = cache
    if param["mode"] == "train":
        dout *= mask / param["keep_prob"]
    return dout'''),
    ("dropout_backward", "scales by 1/keep_prob in test mode too", '''def dropout_backward(dout, cache):
    param, mask = cache
    if mask is None:
        return dout / param["keep_prob"]
    return dout * mask / param["keep_prob"]'''),
]

CORRECT = [
    ("dropout_forward", "rng.binomial and np.where, cache keeps the scaled mask", '''def dropout_forward(x, dropout_param):
    keep_prob = dropout_param["keep_prob"]
    if dropout_param["mode"] == "test":
        return x.copy(), ("test", None)
    rng = np.random.default_rng(dropout_param["seed"])
    scaled_mask = rng.binomial(1, keep_prob, size=x.shape) / keep_prob
    out = np.where(scaled_mask > 0, x * scaled_mask, 0.0)
    return out, ("train", scaled_mask)'''),
    ("dropout_forward", "a loop over the examples with rng.uniform, cache a dict", '''def dropout_forward(x, dropout_param):
    mode = dropout_param["mode"]
    p = dropout_param["keep_prob"]
    out = np.array(x, dtype=float)
    mask = np.ones(x.shape, dtype=bool)
    if mode == "train":
        rng = np.random.default_rng(dropout_param["seed"])
        for n in range(x.shape[0]):
            mask[n] = rng.uniform(size=x.shape[1:]) < p
            out[n] = np.where(mask[n], out[n] / p, 0.0)
    return out, {"mode": mode, "p": p, "mask": mask}'''),
    ("dropout_backward", "recomputes the mask from the seed in the cache", '''def dropout_backward(dout, cache):
    param, _ = cache
    if param["mode"] != "train":
        return dout.copy()
    rng = np.random.default_rng(param["seed"])
    mask = rng.random(dout.shape) < param["keep_prob"]
    return np.where(mask, dout / param["keep_prob"], 0.0)'''),
    ("dropout_backward", "unpacks by index, multiplies with np.multiply", '''def dropout_backward(dout, cache):
    dropout_param = cache[0]
    mask = cache[1]
    if mask is None:
        return dout
    return np.multiply(dout, mask.astype(float)) * (1.0 / dropout_param["keep_prob"])'''),
]

# The words the visible check's message must contain for these common mistakes (tests/test_visible_checks.py).
VISIBLE = {
    "keep_prob used as the probability of dropping": "probability of KEEPING",
    "test mode still drops (mode ignored)": "Test mode is the identity",
    "classic dropout: no scaling in training, multiplies by keep_prob at test time": "Test mode is the identity",
    "seeds and draws from NumPy's global random state": "global random state",
    "ignores the seed: a fresh unseeded generator": "same seed gave different masks",
    "a fixed seed: the same mask on every call": "different seeds gave the same mask",
    "multiplies x in place": "changed its argument `x` in place",
    "one mask per feature, shared by every example of the batch": "has the same mask",
    "passes dout through unchanged, forgetting the mask": "use the mask from the cache",
    "applies the mask but not the 1/keep_prob scaling": "the same 1/keep_prob scaling",
    "draws a new mask with a fresh generator": "use the mask from the cache",
    "zeroes and scales dout in place": "changed its argument `dout` in place",
    "scales by 1/keep_prob in test mode too": "dx is dout",
}
