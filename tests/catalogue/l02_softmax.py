"""Student-like implementations of lecture 02's graded functions."""
from autograder.demo import sample_class as s

ASSIGNMENT = "02_softmax"
TESTS = {"softmax": "test_softmax", "softmax_cross_entropy": "test_softmax_cross_entropy",
         "linear_softmax_loss": "test_linear_softmax_loss"}

WRONG = [
    ("softmax_cross_entropy", "the loss as np.log(softmax(scores))", '''def softmax_cross_entropy(scores, y):
    N = scores.shape[0]
    p = softmax(scores)
    loss = -np.mean(np.log(p[np.arange(N), y]))
    d = p.copy()
    d[np.arange(N), y] -= 1
    return loss, d / N'''),
    ("softmax", "no max trick", s.SOFTMAX_NO_MAX_TRICK),
    ("softmax", "normalised over axis 0", s.SOFTMAX_WRONG_AXIS),
    ("softmax", "subtracts the global maximum, not each row's", '''def softmax(scores):
    e = np.exp(scores - np.max(scores))
    return e / np.sum(e, axis=1, keepdims=True)'''),
    ("softmax", "shifts the caller's array in place", '''def softmax(scores):
    scores -= np.max(scores, axis=1, keepdims=True)
    e = np.exp(scores)
    return e / np.sum(e, axis=1, keepdims=True)'''),
    ("softmax", "sum without keepdims (broadcasts over the wrong axis)", '''def softmax(scores):
    e = np.exp(scores - np.max(scores, axis=1, keepdims=True))
    return e / np.sum(e, axis=1)'''),
    ("softmax_cross_entropy", "sum instead of mean", s.XENT_SUM_NOT_MEAN),
    ("softmax_cross_entropy", "dscores[:, y] -= 1", s.XENT_WHOLE_COLUMNS),
    ("softmax_cross_entropy", "log(p + 1e-12) clips the loss", '''def softmax_cross_entropy(scores, y):
    N = scores.shape[0]
    p = softmax(scores)
    loss = -np.mean(np.log(p[np.arange(N), y] + 1e-12))
    d = p.copy()
    d[np.arange(N), y] -= 1
    return loss, d / N'''),
    ("softmax_cross_entropy", "forgets 1/N in the gradient", '''def softmax_cross_entropy(scores, y):
    N = scores.shape[0]
    z = scores - scores.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    d = np.exp(logp)
    d[np.arange(N), y] -= 1
    return -np.mean(logp[np.arange(N), y]), d'''),
    ("softmax_cross_entropy", "gradient y - p (wrong sign)", '''def softmax_cross_entropy(scores, y):
    N = scores.shape[0]
    z = scores - scores.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    d = -np.exp(logp)
    d[np.arange(N), y] += 1
    return -np.mean(logp[np.arange(N), y]), d / N'''),
    ("linear_softmax_loss", "reg * W in the gradient", s.LINEAR_REG_GRADIENT_WITHOUT_2),
    ("linear_softmax_loss", "regularises the bias too", '''def linear_softmax_loss(W, b, X, y, reg):
    loss, d = softmax_cross_entropy(X @ W + b, y)
    loss += reg * (np.sum(W ** 2) + np.sum(b ** 2))
    return loss, X.T @ d + 2 * reg * W, d.sum(axis=0) + 2 * reg * b'''),
    ("linear_softmax_loss", "divides by N a second time", '''def linear_softmax_loss(W, b, X, y, reg):
    N = X.shape[0]
    loss, d = softmax_cross_entropy(X @ W + b, y)
    loss += reg * np.sum(W ** 2)
    return loss, X.T @ d / N + 2 * reg * W, d.sum(axis=0) / N'''),
    ("linear_softmax_loss", "forgets the regularisation in the loss", '''def linear_softmax_loss(W, b, X, y, reg):
    loss, d = softmax_cross_entropy(X @ W + b, y)
    return loss, X.T @ d + 2 * reg * W, d.sum(axis=0)'''),
    ("linear_softmax_loss", "db as the mean of dscores", '''def linear_softmax_loss(W, b, X, y, reg):
    loss, d = softmax_cross_entropy(X @ W + b, y)
    return loss + reg * np.sum(W * W), X.T @ d + 2 * reg * W, d.mean(axis=0)'''),
]

CORRECT = [
    ("softmax_cross_entropy", "log-sum-exp loss, the gradient from the student's own softmax", '''def softmax_cross_entropy(scores, y):
    N = len(y)
    shifted = scores - scores.max(axis=1, keepdims=True)
    loss = np.mean(np.log(np.exp(shifted).sum(axis=1)) - shifted[np.arange(N), y])
    d = softmax(scores)
    d[np.arange(N), y] -= 1
    return loss, d / N'''),
    ("softmax", "a loop over rows", '''def softmax(scores):
    out = np.empty_like(scores, dtype=float)
    for i in range(scores.shape[0]):
        row = np.exp(scores[i] - scores[i].max())
        out[i] = row / row.sum()
    return out'''),
    ("softmax", "via log-sum-exp", '''def softmax(scores):
    m = scores.max(axis=1, keepdims=True)
    lse = m + np.log(np.exp(scores - m).sum(axis=1, keepdims=True))
    return np.exp(scores - lse)'''),
    ("softmax_cross_entropy", "own log-sum-exp, no softmax call", s.XENT_OWN_LOG_SUM_EXP),
    ("softmax_cross_entropy", "a loop with an explicit one-hot vector", '''def softmax_cross_entropy(scores, y):
    N, C = scores.shape
    loss = 0.0
    dscores = np.zeros((N, C))
    for i in range(N):
        z = scores[i] - np.max(scores[i])
        log_sum = np.log(np.sum(np.exp(z)))
        loss += log_sum - z[y[i]]
        one_hot = np.zeros(C)
        one_hot[y[i]] = 1.0
        dscores[i] = np.exp(z - log_sum) - one_hot
    return loss / N, dscores / N'''),
    ("linear_softmax_loss", "einsum and explicit one-hot", '''def linear_softmax_loss(W, b, X, y, reg):
    scores = np.einsum("nd,dc->nc", X, W) + b
    loss, dscores = softmax_cross_entropy(scores, y)
    dW = np.einsum("nd,nc->dc", X, dscores) + reg * 2.0 * W
    return loss + reg * np.sum(np.square(W)), dW, dscores.sum(0)'''),
]

# The visible check that must catch each common mistake (issue 14), and words its message must contain.
VISIBLE = {
    "shifts the caller's array in place": "changed its argument `scores` in place",
    "subtracts the global maximum, not each row's": "Subtract each row's OWN maximum",
    "normalised over axis 0": "axis=1 with keepdims=True",
    "the loss as np.log(softmax(scores))": "Compute log p_y directly with log-sum-exp",
    "dscores[:, y] -= 1": "dscores[:, y] subtracts 1 from whole columns",
    "forgets the regularisation in the loss": "includes reg * np.sum(W ** 2)",
    "regularises the bias too": "of W only, not of b",
}

# A hand-in with a wrong G and a correct F that calls G: F keeps its points (the judge answers F's calls of G
# with the reference).
PAIRS = [
    ("softmax", "subtracts the global maximum, not each row's", "softmax_cross_entropy",
     "log-sum-exp loss, the gradient from the student's own softmax"),
    ("softmax", "no max trick", "softmax_cross_entropy", "log-sum-exp loss, the gradient from the student's own softmax"),
]
