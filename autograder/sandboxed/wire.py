"""The messages between the grader's judge and the agent in the student's kernel.

Both ends import this file: the judge (``stand_ins.py``) as ``autograder.sandboxed.wire``, the agent (inside
the sandbox, where only the standard library and NumPy are trusted to exist)
as a plain module next to it. A message is a JSON header plus binary blobs::

    !II   header length, number of blobs
    header (UTF-8 JSON)
    !Q + bytes, once per blob (each blob one .npy file, written without pickle)

Only plain data crosses: None, bool, int, float, complex, str, list, tuple,
dict, NumPy arrays and scalars of non-object dtypes, and references (numbered
handles to objects that stay on the side that made them). Decoding never runs
code: arrays are read with ``allow_pickle=False`` after their header has been
checked against the bytes that follow, and every size is capped, so a student
cannot feed the grader an object, a pickle or an allocation bomb.
"""
import builtins
import contextlib
import io
import json
import socket
import struct
import time
import warnings

import numpy as np

MAX_MESSAGE = 64 << 20    # bytes in one message, all blobs together (the course's tests exchange kilobytes)
MAX_HEADER = 16 << 20
MAX_BLOBS = 100_000
MAX_DEPTH = 40


class ProtocolError(RuntimeError):
    """A message that is not well-formed, too large, or of a kind this side never sends."""


class Disconnected(ConnectionError):
    """The other side went away (for the agent's side: the kernel died or was stopped)."""


# ----------------------------------------------------------------------------------- framing

def _recv_exact(sock, n, deadline=None):
    chunks, got = [], 0
    while got < n:
        if deadline is not None:  # one deadline for the whole message, however the peer spreads its bytes
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise socket.timeout("the message did not arrive in time")
            sock.settimeout(remaining)
        chunk = sock.recv(min(n - got, 1 << 20))
        if not chunk:
            raise Disconnected("the connection was closed")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def send(sock, header, blobs=()):
    head = json.dumps(header, allow_nan=True, separators=(",", ":")).encode()
    parts = [struct.pack("!II", len(head), len(blobs)), head]
    for blob in blobs:
        parts += [struct.pack("!Q", len(blob)), blob]
    sock.sendall(b"".join(parts))


def recv(sock, deadline=None):
    """(header, blobs) of the next message; ProtocolError if it is malformed or too big.

    With ``deadline`` (a time.monotonic() value) the whole message must have arrived by then, else
    socket.timeout: a peer sending a byte now and then cannot stretch the wait.
    """
    head_len, n_blobs = struct.unpack("!II", _recv_exact(sock, 8, deadline))
    if head_len > MAX_HEADER or n_blobs > MAX_BLOBS:
        raise ProtocolError(f"a message of {head_len} header bytes and {n_blobs} arrays is larger than allowed")
    total = head_len
    try:
        header = json.loads(_recv_exact(sock, head_len, deadline).decode())
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ProtocolError(f"a message header is not valid JSON ({type(exc).__name__})") from None
    blobs = []
    for _ in range(n_blobs):
        (size,) = struct.unpack("!Q", _recv_exact(sock, 8, deadline))
        total += size
        if total > MAX_MESSAGE:
            raise ProtocolError(f"a message is larger than {MAX_MESSAGE >> 20} MiB")
        blobs.append(_recv_exact(sock, size, deadline))
    if not isinstance(header, dict) or not isinstance(header.get("op"), str):
        raise ProtocolError("a message has no operation")
    return header, blobs


def connect(path, timeout=None):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    sock.connect(path)
    return sock


# ----------------------------------------------------------------------------------- values

def array_to_bytes(arr):
    buf = io.BytesIO()
    np.save(buf, arr, allow_pickle=False)
    return buf.getvalue()


def array_from_bytes(blob):
    """The array in one .npy blob, read without pickle after checking its size; ProtocolError otherwise."""
    f = io.BytesIO(blob)
    try:
        version = np.lib.format.read_magic(f)
        read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
        shape, fortran, dtype = read_header(f)
    except Exception as exc:  # numpy raises ValueError and others for a damaged header
        raise ProtocolError(f"an array could not be read ({type(exc).__name__}: {exc})") from None
    if dtype.hasobject:
        raise ProtocolError("an array of Python objects cannot be sent")
    count = 1
    for n in shape:
        count *= int(n)
    if count * dtype.itemsize != len(blob) - f.tell():
        raise ProtocolError("an array's header does not match its data")
    arr = np.frombuffer(blob, dtype=dtype, count=count, offset=f.tell())
    return arr.reshape(shape, order="F" if fortran else "C").copy()


class Encoder:
    """Turns a value into a JSON tree plus blobs. ``other(value)`` decides what to do with anything
    that is not plain data (make a reference, or raise TypeError). The same array object passed
    twice becomes one blob, so the receiver sees one array too; ``arrays`` maps blob index to it."""

    def __init__(self, other):
        self.other = other
        self.blobs = []
        self.arrays = {}
        self.generators = {}   # index -> numpy Generator sent (its state travels, see generator_from_state)
        self._seen = {}

    def _blob(self, arr):
        key = id(arr)
        if key not in self._seen:
            self._seen[key] = len(self.blobs)
            self.blobs.append(array_to_bytes(arr))
            self.arrays[self._seen[key]] = arr
        return self._seen[key]

    def encode(self, value, depth=0):
        if depth > MAX_DEPTH:
            raise TypeError("a value nested too deeply to send")
        t = type(value)
        if value is None or t in (bool, int, str):
            return value
        if t is float:
            return {"$": "float", "v": repr(value)}  # exact, and NaN / infinities survive JSON
        if t is complex:
            return {"$": "complex", "v": [repr(value.real), repr(value.imag)]}
        if t is np.ndarray and not value.dtype.hasobject:
            return {"$": "nd", "b": self._blob(value)}
        if isinstance(value, np.generic) and not isinstance(value, np.object_):
            return {"$": "np", "b": self._blob(np.asarray(value))}
        if t in (list, tuple):
            return {"$": t.__name__, "v": [self.encode(v, depth + 1) for v in value]}
        if t is dict:
            return {"$": "dict", "v": [[self.encode(k, depth + 1), self.encode(v, depth + 1)] for k, v in value.items()]}
        if t is np.random.Generator:
            index = next((i for i, g in self.generators.items() if g is value), len(self.generators))
            self.generators[index] = value
            return {"$": "gen", "i": index, "s": self.encode(value.bit_generator.state, depth + 1)}
        return self.other(value)


def decode(tree, blobs, other, depth=0, arrays=None, generators=None):
    """The value of a JSON tree from ``Encoder``; ``other(tag, node)`` resolves references.
    ``arrays`` (a dict) collects blob index -> decoded array, so one blob gives one array object;
    ``generators`` likewise collects index -> numpy Generator rebuilt from its state."""
    arrays = {} if arrays is None else arrays
    generators = {} if generators is None else generators
    if depth > MAX_DEPTH:
        raise ProtocolError("a value nested too deeply")
    if tree is None or type(tree) in (bool, int, str):
        return tree
    if type(tree) is not dict or not isinstance(tree.get("$"), str):
        raise ProtocolError(f"an unexpected value of type {type(tree).__name__}")
    tag = tree["$"]
    try:
        if tag == "float":
            return float(tree["v"])
        if tag == "complex":
            return complex(float(tree["v"][0]), float(tree["v"][1]))
        if tag in ("nd", "np"):
            index = tree["b"]
            if type(index) is not int or not 0 <= index < len(blobs):
                raise ProtocolError("a reference to an array that was not sent")
            if index not in arrays:
                arrays[index] = array_from_bytes(blobs[index])
            return arrays[index] if tag == "nd" else arrays[index][()]
        if tag in ("list", "tuple"):
            items = [decode(v, blobs, other, depth + 1, arrays, generators) for v in tree["v"]]
            return items if tag == "list" else tuple(items)
        if tag == "dict":
            out = {}
            for k, v in tree["v"]:
                key = decode(k, blobs, other, depth + 1, arrays, generators)
                if type(key) not in (bool, int, float, str, tuple) and key is not None:
                    raise ProtocolError("a dictionary key that is not a plain value")
                out[key] = decode(v, blobs, other, depth + 1, arrays, generators)
            return out
        if tag == "gen":
            index = tree["i"]
            if type(index) is not int:
                raise ProtocolError("a malformed 'gen' value")
            if index not in generators:
                generators[index] = generator_from_state(decode(tree["s"], blobs, other, depth + 1, arrays, generators))
            return generators[index]
    except (KeyError, TypeError, ValueError, IndexError):
        raise ProtocolError(f"a malformed {tag!r} value") from None
    return other(tag, tree)


#: The bit generators a ``numpy.random.Generator`` may be rebuilt with on the other side.
BIT_GENERATORS = ("PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64")


def generator_from_state(state):
    """A new ``numpy.random.Generator`` in ``state`` (a ``bit_generator.state``). A Generator crosses the wire
    as its state, so the other side draws exactly the numbers the sender's would; after a call the state it
    reached travels back (``set_generator_state``), as arrays changed in place do."""
    name = _generator_kind(state)
    return set_generator_state(np.random.Generator(getattr(np.random, name)()), state)


def set_generator_state(gen, state):
    """Put the Generator ``gen`` in ``state``, which must be of its own kind of bit generator."""
    if _generator_kind(state) != type(gen.bit_generator).__name__:
        raise ProtocolError("a random generator state of another kind")
    try:
        gen.bit_generator.state = state
    except (TypeError, ValueError, KeyError, OverflowError):
        raise ProtocolError("a malformed random generator state") from None
    return gen


def _generator_kind(state):
    name = state.get("bit_generator") if isinstance(state, dict) else None
    if name not in BIT_GENERATORS:
        raise ProtocolError("a random generator state of an unexpected kind")
    return name


def builtin_class(name, base):
    """The builtin class called ``name`` if it is a subclass of ``base`` (Exception, Warning), else None.
    Both ends rebuild exceptions and warning filters by name with this, never by importing what a message names."""
    kind = getattr(builtins, str(name), None)
    return kind if isinstance(kind, type) and issubclass(kind, base) else None


def encode_state():
    """The settings NumPy and ``warnings`` give to code that runs now: NumPy's global random state, its
    floating-point error handling, and the warning filters. They travel with every call, so student code
    in the other process runs under the caller's settings and its use of the global generator shows."""
    filters = []
    for action, message, category, module, lineno in warnings.filters:
        if category.__module__ == "builtins":
            filters.append([action, getattr(message, "pattern", message) or "", category.__name__,
                            getattr(module, "pattern", module) or "", lineno])
    return {"rng": np.random.get_state(), "err": np.geterr(), "warnings": filters}


@contextlib.contextmanager
def apply_state(state):
    """Run code under ``encode_state()``'s settings (NumPy's random state is set, not restored)."""
    np.random.set_state(state["rng"])
    with np.errstate(**state["err"]), warnings.catch_warnings():
        warnings.resetwarnings()
        for action, message, category, module, lineno in reversed(state["warnings"]):
            category = builtin_class(category, Warning)
            if category is not None:
                warnings.filterwarnings(action, message, category, module, lineno)
        yield


# ---------------------------------------------------------------------- dict arguments
# A function may store into a dict it is given (``bn_param["running_mean"] = ...``). Whichever side runs
# it sends back what changed, keyed by the argument's position ("0", "1", ...) or keyword ("k:name"),
# and the caller stores the same into its own dict.

def dict_arguments(args, kwargs):
    """The plain dicts among a call's arguments, by position or "k:keyword"."""
    found = {str(i): a for i, a in enumerate(args) if type(a) is dict}
    if isinstance(kwargs, dict):
        found.update({f"k:{k}": v for k, v in kwargs.items() if type(v) is dict})
    return found


def dict_changes(dicts, before):
    """What a call stored into or removed from each dict: {key: {"set": [[k, v], ...], "del": [k, ...]}}."""
    changes = {}
    for key, d in dicts.items():
        old = before[key]
        stored = [[k, v] for k, v in d.items() if k not in old or old[k] is not v]
        removed = [k for k in old if k not in d]
        if stored or removed:
            changes[key] = {"set": stored, "del": removed}
    return changes


def apply_dict_changes(dicts, changes):
    """Store ``changes`` (as ``dict_changes`` makes them, after decoding) into the caller's own dicts."""
    for key, change in (changes.items() if isinstance(changes, dict) else ()):
        mine = dicts.get(str(key))
        if type(mine) is not dict or not isinstance(change, dict):
            continue
        for item in change.get("set") or []:
            if isinstance(item, list) and len(item) == 2:
                try:
                    mine[item[0]] = item[1]
                except TypeError:  # an unhashable key: not a change a plain dict could have had
                    continue
        for k in change.get("del") or []:
            try:
                mine.pop(k, None)
            except TypeError:
                continue
