"""Student-like implementations of lecture 09's graded function."""
ASSIGNMENT = "09_capstone"
TESTS = {"confusion_matrix": "test_confusion_matrix"}

WRONG = [
    ("confusion_matrix", "transposed: rows predicted, columns true", '''def confusion_matrix(y_true, y_pred, num_classes):
    M = np.zeros((num_classes, num_classes), dtype=int)
    for t, p in zip(y_true, y_pred):
        M[p, t] += 1
    return M'''),
    ("confusion_matrix", "fancy-index += counts each cell at most once", '''def confusion_matrix(y_true, y_pred, num_classes):
    M = np.zeros((num_classes, num_classes), dtype=int)
    M[y_true, y_pred] += 1
    return M'''),
    ("confusion_matrix", "size from the labels present, not num_classes", '''def confusion_matrix(y_true, y_pred, num_classes):
    C = max(np.max(y_true), np.max(y_pred)) + 1
    M = np.zeros((C, C), dtype=int)
    for t, p in zip(y_true, y_pred):
        M[t, p] += 1
    return M'''),
    ("confusion_matrix", "float counts", '''def confusion_matrix(y_true, y_pred, num_classes):
    M = np.zeros((num_classes, num_classes))
    for t, p in zip(y_true, y_pred):
        M[t, p] += 1
    return M'''),
    ("confusion_matrix", "only the correct predictions counted", '''def confusion_matrix(y_true, y_pred, num_classes):
    M = np.zeros((num_classes, num_classes), dtype=int)
    for t, p in zip(y_true, y_pred):
        if t == p:
            M[t, t] += 1
    return M'''),
]

CORRECT = [
    ("confusion_matrix", "np.bincount of the combined index", '''def confusion_matrix(y_true, y_pred, num_classes):
    idx = np.asarray(y_true) * num_classes + np.asarray(y_pred)
    return np.bincount(idx, minlength=num_classes * num_classes).reshape(num_classes, num_classes)'''),
    ("confusion_matrix", "np.add.at", '''def confusion_matrix(y_true, y_pred, num_classes):
    M = np.zeros((num_classes, num_classes), dtype=np.int32)
    np.add.at(M, (y_true, y_pred), 1)
    return M'''),
    ("confusion_matrix", "comparisons per class pair", '''def confusion_matrix(y_true, y_pred, num_classes):
    t = np.asarray(y_true)[:, None] == np.arange(num_classes)
    p = np.asarray(y_pred)[:, None] == np.arange(num_classes)
    return (t.T.astype(int) @ p.astype(int))'''),
]

# The words the visible checks must say for these common mistakes (tests/test_visible_checks.py).
VISIBLE = {
    "transposed: rows predicted, columns true": "The matrix is transposed",
    "fancy-index += counts each cell at most once": "Every cell is at most 1",
    "size from the labels present, not num_classes": "also when a class does not occur",
    "float counts": "counts should be integers",
}
