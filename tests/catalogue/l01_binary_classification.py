"""Student-like implementations of lecture 01's graded functions."""
ASSIGNMENT = "01_binary_classification"
TESTS = {"sigmoid": "test_sigmoid", "binary_cross_entropy": "test_binary_cross_entropy",
         "logistic_regression_loss": "test_logistic_regression_loss", "xor_network": "test_xor_network"}

WRONG = [
    ("logistic_regression_loss", "transposed product: X @ dlogits", '''def logistic_regression_loss(w, b, X, y):
    loss, dlogits = binary_cross_entropy(X @ w + b, y)
    return loss, X @ dlogits, float(np.sum(dlogits))'''),
    # ---- sigmoid
    ("sigmoid", "naive 1 / (1 + exp(-z)) overflows at -1e4", '''def sigmoid(z):
    return 1 / (1 + np.exp(-z))'''),
    ("sigmoid", "np.where with both branches evaluated", '''def sigmoid(z):
    return np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))'''),
    ("sigmoid", "only the exp(z) / (1 + exp(z)) form", '''def sigmoid(z):
    e = np.exp(z)
    return e / (1 + e)'''),
    ("sigmoid", "masks written into the caller's array", '''def sigmoid(z):
    pos = z >= 0
    neg = ~pos
    e = np.exp(z[neg])
    z[pos] = 1 / (1 + np.exp(-z[pos]))
    z[neg] = e / (1 + e)
    return z'''),
    ("sigmoid", "sign flipped: 1 / (1 + exp(z))", '''def sigmoid(z):
    out = np.empty_like(z)
    pos = z >= 0
    e = np.exp(-z[pos])
    out[pos] = e / (1 + e)
    out[~pos] = 1 / (1 + np.exp(z[~pos]))
    return out'''),
    ("sigmoid", "loop over len(z): only works for vectors", '''def sigmoid(z):
    out = np.zeros(len(z))
    for i in range(len(z)):
        if z[i] >= 0:
            out[i] = 1 / (1 + np.exp(-z[i]))
        else:
            out[i] = np.exp(z[i]) / (1 + np.exp(z[i]))
    return out'''),
    # ---- binary_cross_entropy
    ("binary_cross_entropy", "loss from log(sigmoid): -inf at +-1e4", '''def binary_cross_entropy(logits, y):
    p = sigmoid(logits)
    loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    return loss, (p - y) / len(y)'''),
    ("binary_cross_entropy", "clips probabilities with eps instead of the exact loss", '''def binary_cross_entropy(logits, y):
    p = np.clip(sigmoid(logits), 1e-15, 1 - 1e-15)
    loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    return loss, (sigmoid(logits) - y) / len(y)'''),
    ("binary_cross_entropy", "softplus as log(1 + exp(z)): overflows", '''def binary_cross_entropy(logits, y):
    loss = np.mean(np.log(1 + np.exp(logits)) - y * logits)
    return loss, (sigmoid(logits) - y) / len(y)'''),
    ("binary_cross_entropy", "sum instead of mean", '''def binary_cross_entropy(logits, y):
    soft = np.maximum(logits, 0) + np.log1p(np.exp(-np.abs(logits)))
    return np.sum(soft - y * logits), sigmoid(logits) - y'''),
    ("binary_cross_entropy", "forgets 1/N in the gradient", '''def binary_cross_entropy(logits, y):
    soft = np.maximum(logits, 0) + np.log1p(np.exp(-np.abs(logits)))
    return np.mean(soft - y * logits), sigmoid(logits) - y'''),
    ("binary_cross_entropy", "gradient y - sigmoid (wrong sign)", '''def binary_cross_entropy(logits, y):
    soft = np.maximum(logits, 0) + np.log1p(np.exp(-np.abs(logits)))
    return np.mean(soft - y * logits), (y - sigmoid(logits)) / len(y)'''),
    ("binary_cross_entropy", "softplus without max(z, 0)", '''def binary_cross_entropy(logits, y):
    soft = np.log1p(np.exp(-np.abs(logits)))
    return np.mean(soft - y * logits), (sigmoid(logits) - y) / len(y)'''),
    ("binary_cross_entropy", "overwrites the caller's logits with the probabilities", '''def binary_cross_entropy(logits, y):
    N = len(y)
    loss = np.mean(np.maximum(logits, 0) + np.log1p(np.exp(-np.abs(logits))) - y * logits)
    logits[:] = sigmoid(logits)
    logits -= y
    return loss, logits / N'''),
    # ---- logistic_regression_loss
    ("logistic_regression_loss", "db with keepdims: an array of shape (1,)", '''def logistic_regression_loss(w, b, X, y):
    loss, d = binary_cross_entropy(X @ w + b, y)
    return loss, X.T @ d, np.sum(d, axis=0, keepdims=True)'''),
    ("logistic_regression_loss", "own gradient without 1/N", '''def logistic_regression_loss(w, b, X, y):
    z = X @ w + b
    loss, _ = binary_cross_entropy(z, y)
    err = sigmoid(z) - y
    return loss, X.T @ err, float(np.sum(err))'''),
    ("logistic_regression_loss", "divides by N a second time", '''def logistic_regression_loss(w, b, X, y):
    loss, d = binary_cross_entropy(X @ w + b, y)
    return loss, np.mean(X * d[:, None], axis=0), float(np.mean(d))'''),
    ("logistic_regression_loss", "gradient descent sign folded into the gradient", '''def logistic_regression_loss(w, b, X, y):
    loss, d = binary_cross_entropy(X @ w + b, y)
    return loss, -(X.T @ d), -float(np.sum(d))'''),
    ("logistic_regression_loss", "forgets the bias in the logits", '''def logistic_regression_loss(w, b, X, y):
    loss, d = binary_cross_entropy(X @ w, y)
    return loss, X.T @ d, float(np.sum(d))'''),
    ("logistic_regression_loss", "loss as a naive log of the sigmoid", '''def logistic_regression_loss(w, b, X, y):
    p = sigmoid(X @ w + b)
    N = len(y)
    with np.errstate(divide="ignore", invalid="ignore"):
        loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    return loss, X.T @ (p - y) / N, float(np.sum(p - y) / N)'''),
    # ---- xor_network
    ("xor_network", "hidden neurons' weights in rows of W1 instead of columns", '''def xor_network():
    W1 = np.array([[10.0, 10.0], [-10.0, -10.0]])
    b1 = np.array([-5.0, 15.0])
    W2 = np.array([[10.0], [10.0]])
    b2 = np.array([-15.0])
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}'''),
    ("xor_network", "W2 of shape (2,) and b2 a number", '''def xor_network():
    W1 = np.array([[10.0, -10.0], [10.0, -10.0]])
    b1 = np.array([-5.0, 15.0])
    return {"W1": W1, "b1": b1, "W2": np.array([10.0, 10.0]), "b2": -15.0}'''),
    ("xor_network", "right gates but weights of size 1: sigmoids too soft, wrong side", '''def xor_network():
    W1 = np.array([[1.0, -1.0], [1.0, -1.0]])
    b1 = np.array([-0.5, 1.5])
    W2 = np.array([[1.0], [1.0]])
    b2 = np.array([-1.5])
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}'''),
    ("xor_network", "output neuron computes OR instead of AND", '''def xor_network():
    W1 = np.array([[10.0, -10.0], [10.0, -10.0]])
    b1 = np.array([-5.0, 15.0])
    W2 = np.array([[10.0], [10.0]])
    b2 = np.array([-5.0])
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}'''),
    ("xor_network", "weights of size 2.5: right side but within 0.1 of one half", '''def xor_network():
    W1 = np.array([[2.5, -2.5], [2.5, -2.5]])
    b1 = np.array([-1.25, 3.75])
    W2 = np.array([[2.5], [2.5]])
    b2 = np.array([-3.75])
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}'''),
    ("xor_network", "b1 of shape (1, 2)", '''def xor_network():
    return {"W1": np.array([[10.0, -10.0], [10.0, -10.0]]), "b1": np.array([[-5.0, 15.0]]),
            "W2": np.array([[10.0], [10.0]]), "b2": np.array([-15.0])}'''),
]

CORRECT = [
    ("sigmoid", "np.where on exp(-|z|), which is always safe", '''def sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))'''),
    ("sigmoid", "tanh identity", '''def sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))'''),
    ("sigmoid", "loop with math.exp over every index of any shape", '''import math

def sigmoid(z):
    out = np.zeros(np.shape(z))
    for idx in np.ndindex(*np.shape(z)):
        t = float(z[idx])
        if t >= 0:
            out[idx] = 1.0 / (1.0 + math.exp(-t))
        else:
            e = math.exp(t)
            out[idx] = e / (1.0 + e)
    return out'''),
    ("sigmoid", "exp(-logaddexp(0, -z))", '''def sigmoid(z):
    return np.exp(-np.logaddexp(0.0, -z))'''),
    ("binary_cross_entropy", "np.logaddexp for the softplus", '''def binary_cross_entropy(logits, y):
    loss = np.mean(np.logaddexp(0.0, logits) - y * logits)
    return loss, (sigmoid(logits) - y) / logits.shape[0]'''),
    ("binary_cross_entropy", "loop over examples, two-case softplus", '''import math

def binary_cross_entropy(logits, y):
    N = len(logits)
    total = 0.0
    grad = np.zeros(N)
    for i in range(N):
        z, t = float(logits[i]), float(y[i])
        if z >= 0:
            softplus = z + math.log1p(math.exp(-z))
            p = 1.0 / (1.0 + math.exp(-z))
        else:
            softplus = math.log1p(math.exp(z))
            p = math.exp(z) / (1.0 + math.exp(z))
        total += softplus - t * z
        grad[i] = (p - t) / N
    return total / N, grad'''),
    ("binary_cross_entropy", "y * softplus(-z) + (1 - y) * softplus(z)", '''def binary_cross_entropy(logits, y):
    def softplus(t):
        return np.maximum(t, 0) + np.log1p(np.exp(-np.abs(t)))
    losses = y * softplus(-logits) + (1 - y) * softplus(logits)
    return losses.mean(), (sigmoid(logits) - y) / len(logits)'''),
    ("logistic_regression_loss", "loop over examples, own gradient", '''def logistic_regression_loss(w, b, X, y):
    N, D = X.shape
    logits = np.array([X[i] @ w + b for i in range(N)])
    loss, _ = binary_cross_entropy(logits, y)
    dw = np.zeros(D)
    db = 0.0
    for i in range(N):
        err = (sigmoid(np.array([logits[i]]))[0] - y[i]) / N
        dw += err * X[i]
        db += err
    return loss, dw, db'''),
    ("logistic_regression_loss", "dlogits @ X and .item()", '''def logistic_regression_loss(w, b, X, y):
    loss, d = binary_cross_entropy(X.dot(w) + b, y)
    return loss, d @ X, d.sum().item()'''),
    ("xor_network", "the study-group slides' weights: AND, NOR, then NOR", '''def xor_network():
    return {"W1": np.array([[5.0, -7.0], [5.0, -7.0]]), "b1": np.array([-8.0, 3.0]),
            "W2": np.array([[-11.0], [-11.0]]), "b2": np.array([6.0])}'''),
    ("xor_network", "NAND first, OR second, weights of 20, lists converted", '''def xor_network():
    W1 = np.array([[-20, 20], [-20, 20]], dtype=float)
    b1 = np.array([30, -10], dtype=float)
    W2 = np.array([[20], [20]], dtype=float)
    b2 = np.array([-30], dtype=float)
    return dict(W1=W1, b1=b1, W2=W2, b2=b2)'''),
    ("xor_network", "gates with weights of 5 as in the lecture", '''def xor_network():
    return {"W1": np.array([[5.0, -5.0], [5.0, -5.0]]), "b1": np.array([-2.0, 8.0]),
            "W2": np.array([[5.0], [5.0]]), "b2": np.array([-8.0])}'''),
]

# The visible check that must catch each common mistake (issue 14), and words its message must contain.
VISIBLE = {
    "masks written into the caller's array": "changed its argument `z` in place",
    "softplus as log(1 + exp(z)): overflows": "binary_cross_entropy for logit +1e4 and label 0 raised a warning",
    "own gradient without 1/N": "dw = X.T @ dlogits",
    "transposed product: X @ dlogits": "X is (N, D) and w is (D,)",
}
