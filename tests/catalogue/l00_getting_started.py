"""Student-like implementations of lecture 00's graded functions."""
ASSIGNMENT = "00_getting_started"
TESTS = {"one_hot": "test_one_hot", "standardize": "test_standardize", "accuracy": "test_accuracy"}

WRONG = [
    ("standardize", "per-example statistics with axis=1 (no keepdims): shapes do not broadcast", '''def standardize(X, mean=None, std=None, eps=1e-8):
    if mean is None:
        mean = X.mean(axis=1)
    if std is None:
        std = X.std(axis=1)
    return (X - mean) / (std + eps), mean, std'''),
    # ---------------------------------------------------------------- one_hot
    ("one_hot", "takes the number of classes from y.max() + 1 instead of num_classes", '''def one_hot(y, num_classes):
    C = y.max() + 1
    Y = np.zeros((len(y), C))
    Y[np.arange(len(y)), y] = 1
    return Y'''),
    ("one_hot", "builds an integer array", '''def one_hot(y, num_classes):
    Y = np.zeros((len(y), num_classes), dtype=int)
    Y[np.arange(len(y)), y] = 1
    return Y'''),
    ("one_hot", "returns booleans from a comparison", '''def one_hot(y, num_classes):
    return np.arange(num_classes) == y[:, None]'''),
    ("one_hot", "transposed: one column per example, shape (C, N)", '''def one_hot(y, num_classes):
    Y = np.zeros((num_classes, len(y)))
    Y[y, np.arange(len(y))] = 1.0
    return Y'''),
    ("one_hot", "sets whole columns with Y[:, y] = 1", '''def one_hot(y, num_classes):
    Y = np.zeros((len(y), num_classes))
    Y[:, y] = 1.0
    return Y'''),
    # ---------------------------------------------------------------- standardize
    ("standardize", "per-example statistics (axis=1, keepdims) instead of per feature", '''def standardize(X, mean=None, std=None, eps=1e-8):
    if mean is None:
        mean = X.mean(axis=1, keepdims=True)
    if std is None:
        std = X.std(axis=1, keepdims=True)
    return (X - mean) / (std + eps), mean, std'''),
    ("standardize", "one global mean and std for the whole array", '''def standardize(X, mean=None, std=None, eps=1e-8):
    if mean is None:
        mean = X.mean()
    if std is None:
        std = X.std()
    return (X - mean) / (std + eps), mean, std'''),
    ("standardize", "recomputes the statistics from X even when mean and std are given", '''def standardize(X, mean=None, std=None, eps=1e-8):
    mean = X.mean(axis=0)
    std = X.std(axis=0)
    return (X - mean) / (std + eps), mean, std'''),
    ("standardize", "forgets eps: a constant feature gives nan", '''def standardize(X, mean=None, std=None, eps=1e-8):
    if mean is None:
        mean = X.mean(axis=0)
    if std is None:
        std = X.std(axis=0)
    return (X - mean) / std, mean, std'''),
    ("standardize", "modifies X in place", '''def standardize(X, mean=None, std=None, eps=1e-8):
    if mean is None:
        mean = X.mean(axis=0)
    if std is None:
        std = X.std(axis=0)
    X -= mean
    X /= std + eps
    return X, mean, std'''),
    ("standardize", "sample standard deviation (ddof=1, divides by N - 1)", '''def standardize(X, mean=None, std=None, eps=1e-8):
    if mean is None:
        mean = X.mean(axis=0)
    if std is None:
        std = X.std(axis=0, ddof=1)
    return (X - mean) / (std + eps), mean, std'''),
    ("standardize", "divides by the variance instead of the standard deviation", '''def standardize(X, mean=None, std=None, eps=1e-8):
    if mean is None:
        mean = X.mean(axis=0)
    if std is None:
        std = X.std(axis=0)
    return (X - mean) / (std ** 2 + eps), mean, std'''),
    ("standardize", "ignores the eps argument (hard-codes 1e-8)", '''def standardize(X, mean=None, std=None, eps=1e-8):
    if mean is None:
        mean = X.mean(axis=0)
    if std is None:
        std = X.std(axis=0)
    return (X - mean) / (std + 1e-8), mean, std'''),
    # ---------------------------------------------------------------- accuracy
    ("accuracy", "returns the number of correct predictions, not the fraction", '''def accuracy(scores_or_labels, y):
    if scores_or_labels.ndim == 2:
        pred = scores_or_labels.argmax(axis=1)
    else:
        pred = scores_or_labels
    return np.sum(pred == y)'''),
    ("accuracy", "argmax over axis=0 (over the examples)", '''def accuracy(scores_or_labels, y):
    if scores_or_labels.ndim == 2:
        pred = np.argmax(scores_or_labels, axis=0)
    else:
        pred = scores_or_labels
    return float(np.mean(pred == y))'''),
    ("accuracy", "takes argmax of 1-D predicted labels too", '''def accuracy(scores_or_labels, y):
    pred = np.argmax(scores_or_labels, axis=-1)
    return float(np.mean(pred == y))'''),
    ("accuracy", "returns a percentage", '''def accuracy(scores_or_labels, y):
    if scores_or_labels.ndim == 2:
        scores_or_labels = scores_or_labels.argmax(axis=1)
    return 100.0 * np.mean(scores_or_labels == y)'''),
    ("accuracy", "compares scores with labels without taking the argmax", '''def accuracy(scores_or_labels, y):
    return float(np.mean(scores_or_labels == y))'''),
    ("accuracy", "integer division of the count by N", '''def accuracy(scores_or_labels, y):
    if scores_or_labels.ndim == 2:
        scores_or_labels = scores_or_labels.argmax(axis=1)
    return np.sum(scores_or_labels == y) // len(y)'''),
]

CORRECT = [
    ("one_hot", "loop over the rows", '''def one_hot(y, num_classes):
    Y = np.zeros((len(y), num_classes))
    for i, label in enumerate(y):
        Y[i, label] = 1.0
    return Y'''),
    ("one_hot", "rows of an identity matrix", '''def one_hot(y, num_classes):
    return np.eye(num_classes)[y]'''),
    ("one_hot", "comparison with a broadcast arange, cast to float", '''def one_hot(y, num_classes):
    return (np.arange(num_classes)[None, :] == np.asarray(y)[:, None]).astype(np.float64)'''),
    ("standardize", "explicit loops over features, variance as mean of squared deviations", '''def standardize(X, mean=None, std=None, eps=1e-8):
    N, D = X.shape
    if mean is None:
        mean = np.zeros(D)
        for j in range(D):
            mean[j] = sum(X[i, j] for i in range(N)) / N
    if std is None:
        std = np.zeros(D)
        for j in range(D):
            std[j] = (sum((X[i, j] - mean[j]) ** 2 for i in range(N)) / N) ** 0.5
    out = np.empty((N, D))
    for j in range(D):
        out[:, j] = (X[:, j] - mean[j]) / (std[j] + eps)
    return out, mean, std'''),
    ("standardize", "divides by sqrt(var + eps), copies X first", '''def standardize(X, mean=None, std=None, eps=1e-8):
    X = np.array(X, dtype=float)
    if mean is None:
        mean = np.mean(X, axis=0)
    if std is None:
        std = np.sqrt(np.mean((X - mean) ** 2, axis=0))
    X -= mean
    X /= np.sqrt(std ** 2 + eps)
    return X, mean, std'''),
    ("accuracy", "counting loop", '''def accuracy(scores_or_labels, y):
    a = np.asarray(scores_or_labels)
    correct = 0
    for i in range(len(y)):
        pred = a[i].argmax() if a.ndim == 2 else a[i]
        if pred == y[i]:
            correct += 1
    return correct / len(y)'''),
    ("accuracy", "count_nonzero over len, shape test with len(shape)", '''def accuracy(scores_or_labels, y):
    if len(np.shape(scores_or_labels)) > 1:
        predictions = np.argmax(scores_or_labels, axis=1)
    else:
        predictions = np.asarray(scores_or_labels)
    return np.count_nonzero(predictions == y) / predictions.shape[0]'''),
]

# The visible check that must catch each common mistake (issue 14), and words its message must contain.
VISIBLE = {
    "per-example statistics with axis=1 (no keepdims): shapes do not broadcast": "one mean and one std per feature, down the columns (axis=0)",
    "modifies X in place": "changed its argument `X` in place",
    "takes argmax of 1-D predicted labels too": "A 1-D input already holds predicted labels",
}
