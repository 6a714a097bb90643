"""Tests for course/data.py and the shipped MNIST subset.

Downloads are tested against a local HTTP server on 127.0.0.1 serving small IDX
files written here; nothing reaches the internet.
"""

import gzip
import hashlib
import http.server
import re
import socket
import struct
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from course import data as cdata  # noqa: E402
from course.data import MNIST, load_mnist, load_subset, read_idx  # noqa: E402

NAMES = list(cdata.CHECKSUMS)  # the four standard MNIST file names
N_TRAIN, N_TEST = 50, 20


# ---------------------------------------------------------------------------
# helpers and fixtures


def idx_bytes(arr):
    """Encode an array as an IDX file (big-endian, as MNIST is)."""
    codes = {"u1": 0x08, "i1": 0x09, "i2": 0x0B, "i4": 0x0C, "f4": 0x0D, "f8": 0x0E}
    code = codes[arr.dtype.str[1:]]
    header = bytes([0, 0, code, arr.ndim]) + struct.pack(f">{arr.ndim}I", *arr.shape)
    return header + arr.astype(arr.dtype.newbyteorder(">")).tobytes()


def md5(data):
    return hashlib.md5(data).hexdigest()


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for var in ("COURSE_OFFLINE", "COURSE_DATA_DIR"):
        monkeypatch.delenv(var, raising=False)
    # never send the local test requests through a proxy set in the environment
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


@pytest.fixture(scope="module")
def tiny_mnist():
    """Small MNIST-like arrays and their gzipped IDX files, keyed by file name."""
    rng = np.random.default_rng(1)
    arrays = {
        "train-images-idx3-ubyte.gz": rng.integers(0, 256, (N_TRAIN, 28, 28), dtype=np.uint8),
        "train-labels-idx1-ubyte.gz": rng.integers(0, 10, N_TRAIN, dtype=np.uint8),
        "t10k-images-idx3-ubyte.gz": rng.integers(0, 256, (N_TEST, 28, 28), dtype=np.uint8),
        "t10k-labels-idx1-ubyte.gz": rng.integers(0, 10, N_TEST, dtype=np.uint8),
    }
    files = {name: gzip.compress(idx_bytes(a), mtime=0) for name, a in arrays.items()}
    return arrays, files


@pytest.fixture
def server(tiny_mnist):
    """A local HTTP server. /good/<name> serves the tiny files, /bad/<name> serves
    corrupted copies, anything else is a 404. ``server.requests`` logs every path."""
    _, files = tiny_mnist
    routes = {f"/good/{n}": b for n, b in files.items()}
    routes.update({f"/bad/{n}": b[:-10] + b"0123456789" for n, b in files.items()})
    requests = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            body = routes.get(self.path)
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    httpd.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.requests = requests
    yield httpd
    httpd.shutdown()
    httpd.server_close()
    thread.join()


@pytest.fixture
def checksums(tiny_mnist):
    return {name: md5(b) for name, b in tiny_mnist[1].items()}


def closed_port_url():
    """A URL on 127.0.0.1 where nothing listens (connection refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


def assert_matches_tiny(data, tiny_mnist):
    arrays, _ = tiny_mnist
    assert isinstance(data, MNIST)
    assert data.source == "full"
    assert data.X_train.shape == (N_TRAIN, 784) and data.X_test.shape == (N_TEST, 784)
    assert data.X_train.dtype == np.float64 and data.y_train.dtype == np.int64
    assert data.X_test.dtype == np.float64 and data.y_test.dtype == np.int64
    np.testing.assert_array_equal(
        data.X_train, arrays["train-images-idx3-ubyte.gz"].reshape(N_TRAIN, 784) / 255.0)
    np.testing.assert_array_equal(
        data.X_test, arrays["t10k-images-idx3-ubyte.gz"].reshape(N_TEST, 784) / 255.0)
    np.testing.assert_array_equal(data.y_train, arrays["train-labels-idx1-ubyte.gz"])
    np.testing.assert_array_equal(data.y_test, arrays["t10k-labels-idx1-ubyte.gz"])


def cache_is_clean(cache, checksums):
    """Only fully verified files under their real names: no temp files, nothing corrupt."""
    for path in cache.iterdir():
        assert path.name in checksums, f"unexpected file left in cache: {path.name}"
        assert md5(path.read_bytes()) == checksums[path.name], f"corrupt file in cache: {path.name}"
    return True


# ---------------------------------------------------------------------------
# read_idx


@pytest.mark.parametrize("arr", [
    np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4),
    np.array([-5, 0, 7, 2**30], dtype=np.int32),
    np.linspace(-1, 1, 6).reshape(3, 2),
])
@pytest.mark.parametrize("gzipped", [False, True])
def test_read_idx_roundtrip(tmp_path, arr, gzipped):
    raw = idx_bytes(arr)
    path = tmp_path / ("a.idx.gz" if gzipped else "a.idx")
    path.write_bytes(gzip.compress(raw) if gzipped else raw)
    out = read_idx(path)
    assert out.shape == arr.shape
    assert out.dtype == arr.dtype  # native byte order
    np.testing.assert_array_equal(out, arr)
    out[...] = 0  # writable


@pytest.mark.parametrize("mutate, message", [
    (lambda b: b"\x01\x02" + b[2:], "magic number"),
    (lambda b: b[:2] + b"\x42" + b[3:], "type code"),
    (lambda b: b[:-7], "truncated"),
    (lambda b: b + b"\x00", "truncated or corrupt"),
    (lambda b: b[:6], "header"),
    (lambda b: b"", "magic number"),
])
def test_read_idx_rejects_bad_files(tmp_path, mutate, message):
    path = tmp_path / "bad.idx"
    path.write_bytes(mutate(idx_bytes(np.zeros((3, 28, 28), dtype=np.uint8))))
    with pytest.raises(ValueError, match=message):
        read_idx(path)


def test_read_idx_rejects_truncated_gzip(tmp_path):
    blob = gzip.compress(idx_bytes(np.arange(1000, dtype=np.int32)))
    path = tmp_path / "bad.idx.gz"
    path.write_bytes(blob[: len(blob) // 2])
    with pytest.raises(ValueError, match="gzip"):
        read_idx(path)


# ---------------------------------------------------------------------------
# load_mnist with the local server


def test_download_verify_and_cache(server, checksums, tiny_mnist, tmp_path, capsys):
    cache = tmp_path / "cache"
    data = load_mnist(cache_dir=cache, mirrors=[server.url + "/good/"], checksums=checksums)
    assert_matches_tiny(data, tiny_mnist)
    assert sorted(server.requests) == sorted(f"/good/{n}" for n in NAMES)
    assert sorted(p.name for p in cache.iterdir()) == sorted(NAMES)
    assert cache_is_clean(cache, checksums)
    out = capsys.readouterr().out
    assert "100%" in out  # download progress was shown
    assert out.rstrip().endswith(f"Using {data.description}")
    assert data.description == f"full MNIST: {N_TRAIN} training / {N_TEST} test images"

    # second call: everything comes from the cache, no request at all
    server.requests.clear()
    again = load_mnist(cache_dir=cache, mirrors=[server.url + "/good/"], checksums=checksums)
    assert server.requests == []
    assert_matches_tiny(again, tiny_mnist)
    assert capsys.readouterr().out == f"Using {again.description}\n"  # exactly one line


def test_cache_dir_from_environment(server, checksums, tiny_mnist, tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "envcache"))
    data = load_mnist(verbose=False, mirrors=[server.url + "/good/"], checksums=checksums)
    assert_matches_tiny(data, tiny_mnist)
    assert sorted(p.name for p in (tmp_path / "envcache").iterdir()) == sorted(NAMES)


def test_checksum_mismatch_falls_back_to_subset(server, checksums, tmp_path, capsys):
    cache = tmp_path / "cache"
    wrong = dict(checksums, **{"t10k-labels-idx1-ubyte.gz": "0" * 32})
    data = load_mnist(cache_dir=cache, mirrors=[server.url + "/good/"], checksums=wrong)
    assert data.source == "subset"
    assert data.X_train.shape == (4000, 784)
    assert "could not be downloaded" in data.description
    assert "checksum mismatch" in data.description
    assert "t10k-labels-idx1-ubyte.gz" in data.description
    # the file that failed is not in the cache, under any name; the others are intact
    assert not (cache / "t10k-labels-idx1-ubyte.gz").exists()
    assert cache_is_clean(cache, checksums)
    assert capsys.readouterr().out.rstrip().splitlines()[-1] == f"Using {data.description}"


def test_corrupt_download_everywhere_leaves_cache_empty(server, checksums, tmp_path):
    cache = tmp_path / "cache"
    data = load_mnist(cache_dir=cache, verbose=False, checksums=checksums,
                      mirrors=[server.url + "/bad/", server.url + "/bad"])
    assert data.source == "subset"
    assert "checksum mismatch" in data.description
    assert list(cache.iterdir()) == []


def test_corrupt_cached_file_is_downloaded_again(server, checksums, tiny_mnist, tmp_path):
    cache = tmp_path / "cache"
    mirrors = [server.url + "/good/"]
    load_mnist(cache_dir=cache, verbose=False, mirrors=mirrors, checksums=checksums)
    damaged = cache / "train-images-idx3-ubyte.gz"
    damaged.write_bytes(damaged.read_bytes()[:100])
    server.requests.clear()

    data = load_mnist(cache_dir=cache, verbose=False, mirrors=mirrors, checksums=checksums)
    assert server.requests == ["/good/train-images-idx3-ubyte.gz"]
    assert_matches_tiny(data, tiny_mnist)
    assert cache_is_clean(cache, checksums)


@pytest.mark.parametrize("first_mirror", ["refused", "404"])
def test_first_mirror_down_second_works(server, checksums, tiny_mnist, tmp_path, first_mirror):
    first = closed_port_url() if first_mirror == "refused" else server.url + "/missing/"
    data = load_mnist(cache_dir=tmp_path / "cache", verbose=False, timeout=2,
                      mirrors=[first, server.url + "/good/"], checksums=checksums)
    assert_matches_tiny(data, tiny_mnist)
    good = [p for p in server.requests if p.startswith("/good/")]
    assert sorted(good) == sorted(f"/good/{n}" for n in NAMES)
    if first_mirror == "404":
        assert len(server.requests) == 8  # each file tried on the first mirror too


def test_no_network_falls_back_with_reason(tmp_path, checksums):
    data = load_mnist(cache_dir=tmp_path / "cache", verbose=False, timeout=2,
                      mirrors=[closed_port_url()], checksums=checksums)
    assert data.source == "subset"
    assert "could not be downloaded" in data.description
    assert "refused" in data.description.lower()


def test_course_offline_makes_no_request(server, checksums, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    data = load_mnist(cache_dir=tmp_path / "cache", mirrors=[server.url + "/good/"],
                      checksums=checksums)
    assert data.source == "subset"
    assert server.requests == []
    assert not (tmp_path / "cache").exists()
    assert capsys.readouterr().out == f"Using {data.description}\n"


def test_prefer_subset_makes_no_request(server, checksums, tmp_path):
    data = load_mnist("subset", cache_dir=tmp_path / "cache", verbose=False,
                      mirrors=[server.url + "/good/"], checksums=checksums)
    assert data.source == "subset"
    assert "could not" not in data.description
    assert server.requests == []


def test_prefer_must_be_full_or_subset():
    with pytest.raises(ValueError, match="prefer"):
        load_mnist("everything", verbose=False)


# ---------------------------------------------------------------------------
# the shipped subset


def test_subset_contents():
    data = load_subset()
    assert data.source == "subset"
    assert data.description == ("the course's offline subset of MNIST: 4,000 training / "
                                "1,000 held-out test images")
    assert data.X_train.shape == (4000, 784) and data.X_test.shape == (1000, 784)
    assert data.y_train.shape == (4000,) and data.y_test.shape == (1000,)
    assert data.X_train.dtype == np.float64 and data.y_train.dtype == np.int64
    assert data.X_test.dtype == np.float64 and data.y_test.dtype == np.int64
    assert data.X_train.min() >= 0 and data.X_train.max() <= 1 and data.X_train.max() > 0.99
    assert data.X_test.min() >= 0 and data.X_test.max() <= 1
    np.testing.assert_array_equal(np.bincount(data.y_train, minlength=10), np.full(10, 400))
    np.testing.assert_array_equal(np.bincount(data.y_test, minlength=10), np.full(10, 100))
    # the classes are interleaved, not sorted
    assert len(set(data.y_train[:100].tolist())) == 10


def test_subset_file_format_and_disjoint_split():
    with np.load(cdata.SUBSET_PATH) as npz:
        assert sorted(npz.files) == ["X_test", "X_train", "y_test", "y_train"]
        arrays = {k: npz[k] for k in npz.files}
    assert all(a.dtype == np.uint8 for a in arrays.values())
    train_rows = {row.tobytes() for row in arrays["X_train"]}
    test_rows = {row.tobytes() for row in arrays["X_test"]}
    assert len(train_rows) == 4000 and len(test_rows) == 1000
    assert train_rows.isdisjoint(test_rows)


def test_subset_sha256_matches_provenance():
    provenance = (cdata.SUBSET_PATH.parent / "PROVENANCE.md").read_text(encoding="utf-8")
    match = re.search(r"SHA-256 of `mnist_subset\.npz`: `([0-9a-f]{64})`", provenance)
    assert match, "PROVENANCE.md must state the SHA-256 of mnist_subset.npz"
    actual = hashlib.sha256(cdata.SUBSET_PATH.read_bytes()).hexdigest()
    assert actual == match.group(1)


def test_validation_split_is_a_seeded_partition_of_the_training_images():
    from course.data import load_subset
    data = load_subset()
    X_train, y_train, X_val, y_val = data.validation_split(fraction=0.1, seed=0)
    assert len(y_val) == round(0.1 * len(data.y_train)) and len(y_train) + len(y_val) == len(data.y_train)
    # every training image lands in exactly one part, with its own label
    rows = {r.tobytes(): label for r, label in zip(data.X_train, data.y_train)}
    assert len({r.tobytes() for r in np.concatenate([X_train, X_val])}) == len(rows)
    assert all(rows[r.tobytes()] == label for r, label in zip(X_val, y_val))
    again = data.validation_split(fraction=0.1, seed=0)
    assert np.array_equal(again[3], y_val) and not np.array_equal(data.validation_split(seed=1)[3], y_val)
    assert not np.array_equal(y_val, data.y_train[:len(y_val)])       # drawn at random, not the first images
    with pytest.raises(ValueError, match="between 0 and 1"):
        data.validation_split(fraction=10)
