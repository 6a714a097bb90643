"""The judge's side of a connection to the student's kernel: stand-ins for the student's code.

A test cell runs in the grader's process with ``RemoteName("softmax")`` where
the student's ``softmax`` would be. Calling it sends the arguments to the
agent in the kernel (``agent.py``), which calls the student's function there
and sends back the result as plain data. What cannot travel as data (an
object such as a ``TwoLayerNet``, a function, a dict held by an object) comes
back as a stand-in too, so ``net.params["W1"] = value`` changes the student's
dict and ``net.loss(X, y)`` runs the student's method.

So that student code behaves as if it ran in the test's own process:
- arrays a call changes in place are changed the same way here; a ``numpy.random.Generator``
  passed to student code travels as its state, and the state the student's draws left it in
  comes back to the test's own Generator;
- the test's NumPy random state, floating-point error handling and warning
  filters are applied around the call, and the random state comes back;
- functions of the test passed to student code (``numerical_gradient(f, x)``)
  are called back here, however deeply the calls nest;
- exceptions come back with the student's exception type (builtin ones as
  themselves) and the student's own traceback.

A call that outlives the test's time, a kernel that dies and a message that
cannot be read end the call with TimeoutError, ConnectionError or
RuntimeError, and mark the connection failed, so the test fails even if its
code swallowed the exception.
"""
import itertools
import socket
import time

import numpy as np

from . import wire


class StudentError(Exception):
    """An exception of a type that exists only in the student's kernel (the stand-in keeps its name)."""


_student_classes = {}


def _student_exception(name, builtin, message, traceback_lines):
    kind = wire.builtin_class(name, Exception) if builtin else None
    if kind is None:
        if name not in _student_classes:
            _student_classes[name] = type(name if name.isidentifier() else "StudentError", (StudentError,), {})
        kind = _student_classes[name]
    try:
        exc = kind(message)
    except TypeError:  # a builtin whose constructor wants more (UnicodeDecodeError, ...)
        exc = type(name, (StudentError,), {})(message)
    exc.student_traceback = [str(line) for line in traceback_lines if isinstance(line, str)]
    return exc


class Link:
    """Which connection the stand-ins use now: one per test cell, swapped by the judge."""

    def __init__(self):
        self.connection = None

    def __call__(self):
        if self.connection is None:
            raise RuntimeError("the student's kernel is not connected: stand-ins work only while a test cell runs")
        return self.connection


class Connection:
    """One test cell's conversation with the agent; every wait is bounded by ``deadline`` (time.monotonic)."""

    def __init__(self, sock, deadline, budget):
        self.sock = sock
        self.deadline = deadline
        self.budget = budget
        self.failure = None
        self.callbacks = {}
        self._numbers = itertools.count(1)

    # ------------------------------------------------------------------ failures that stick
    def _fail(self, exc):
        if self.failure is None:
            self.failure = exc
        raise self.failure

    def _unreadable(self, what):
        self._fail(RuntimeError(f"the grader could not use what your code sent back: {what}"))

    def _guarded(self, action):
        if self.failure is not None:
            raise self.failure
        remaining = self.deadline - time.monotonic()
        try:
            if remaining <= 0:
                raise socket.timeout
            self.sock.settimeout(remaining)
            return action()
        except socket.timeout:
            self._fail(TimeoutError(f"your code ran longer than {self.budget} s while this test ran it, and was stopped"))
        except (wire.Disconnected, OSError):
            self._fail(ConnectionError("the kernel stopped while this test ran your code (a crash, os._exit, "
                                       "or more memory than allowed)"))
        except wire.ProtocolError as exc:
            self._unreadable(exc)

    def send(self, header, blobs=()):
        self._guarded(lambda: wire.send(self.sock, header, blobs))

    def recv(self):
        return self._guarded(lambda: wire.recv(self.sock))

    # ------------------------------------------------------------------ values
    def encoder(self, link):
        def other(value):
            if isinstance(value, _Remote):
                return value._wire_ref()
            if callable(value):
                number = next(self._numbers)
                self.callbacks[number] = value
                return {"$": "cb", "id": number}
            raise TypeError(f"the grader cannot pass a {type(value).__name__} to student code")
        return wire.Encoder(other)

    def decode(self, link, tree, blobs):
        def other(tag, node):
            if tag == "ref" and type(node.get("id")) is int:
                return _stand_in(link, node)
            raise wire.ProtocolError(f"unexpected value {tag!r}")
        try:
            return wire.decode(tree, blobs, other)
        except wire.ProtocolError as exc:
            self._unreadable(exc)

    # ------------------------------------------------------------------ requests
    def request(self, link, op, target, **fields):
        """Send one request; serve callbacks until its answer; return the decoded value or raise the student's error."""
        enc = self.encoder(link)
        header = {"op": op, "target": enc.encode(target)}
        if op == "call":
            fields["state"] = wire.encode_state()
        for key, value in fields.items():
            header[key] = enc.encode(value)
        self.send(header, enc.blobs)
        while True:
            msg, blobs = self.recv()
            if msg["op"] == "callback":
                self._answer_callback(link, msg, blobs)
                continue
            if msg["op"] not in ("return", "raise"):
                self._unreadable(f"an unexpected {msg['op']!r}")
            state = self.decode(link, msg.get("state"), blobs)
            if state is not None:
                try:
                    np.random.set_state(state["rng"])
                except Exception:
                    self._unreadable("a damaged random state")
            if msg["op"] == "raise":
                raise _student_exception(str(msg.get("type", "Exception")), msg.get("builtin") is True,
                                         str(msg.get("message", "")), msg.get("traceback") or [])
            changed = self.decode(link, msg.get("changed"), blobs) or {}
            for index, new in (changed.items() if isinstance(changed, dict) else ()):
                mine = enc.arrays.get(int(index)) if str(index).isdigit() else None
                if isinstance(mine, np.ndarray) and isinstance(new, np.ndarray) and mine.flags.writeable \
                        and mine.shape == new.shape and mine.dtype == new.dtype:
                    np.copyto(mine, new)
            moved = self.decode(link, msg.get("generators"), blobs) or {}
            for index, new in (moved.items() if isinstance(moved, dict) else ()):
                mine = enc.generators.get(int(index)) if str(index).isdigit() else None
                if mine is not None:
                    try:
                        wire.set_generator_state(mine, new)
                    except wire.ProtocolError:
                        self._unreadable("a damaged random generator state")
            return self.decode(link, msg.get("value"), blobs)

    def _answer_callback(self, link, msg, blobs):
        fn = self.callbacks.get(msg.get("id"))
        args = self.decode(link, msg.get("args"), blobs)
        kwargs = self.decode(link, msg.get("kwargs"), blobs)
        try:
            if fn is None or not isinstance(args, list) or not isinstance(kwargs, dict):
                raise RuntimeError("a call to a function of the test that is no longer available")
            value = fn(*args, **{str(k): v for k, v in kwargs.items()})
            enc = self.encoder(link)
            header = {"op": "cbreturn", "value": enc.encode(value)}
        except Exception as exc:
            if self.failure is not None:
                raise
            enc = wire.Encoder(lambda v: None)
            header = {"op": "cbraise", "type": type(exc).__name__, "message": str(exc)}
        self.send(header, enc.blobs)

    def finish(self):
        """Tell the agent the test cell is over (it may be gone already)."""
        if self.failure is None:
            try:
                self.send({"op": "done"})
            except Exception:
                pass


class _Remote:
    """Base of the stand-ins: a reference to something in the student's kernel."""

    def __init__(self, link, ref):
        object.__setattr__(self, "_link", link)
        object.__setattr__(self, "_ref", ref)

    def _wire_ref(self):
        return self._ref

    def _request(self, op, **fields):
        return self._link().request(self._link, op, self, **fields)


class RemoteName(_Remote):
    """A name of the student's notebook, looked up in the kernel each time it is used."""

    def __init__(self, link, name):
        super().__init__(link, {"$": "name", "v": name})

    def __call__(self, *args, **kwargs):
        return self._request("call", args=list(args), kwargs=kwargs)

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return self._request("getattr", name=name)

    def __repr__(self):
        return f"<the student's {self._ref['v']}>"


class RemoteObject(RemoteName):
    """An object made by student code (a TwoLayerNet, a bound method, a cache it returned)."""

    def __init__(self, link, ref):
        _Remote.__init__(self, link, ref)

    def __setattr__(self, name, value):
        self._request("setattr", name=name, value=value)

    def __repr__(self):
        return f"<{self._ref.get('type', 'object')} in the student's kernel>"


class RemoteDict(_Remote, dict):
    """A dict held by student code (``net.params``): reads and writes go to the student's dict."""

    def __init__(self, link, ref):
        dict.__init__(self)
        _Remote.__init__(self, link, ref)

    def __getitem__(self, key):
        return self._request("getitem", key=key)

    def __setitem__(self, key, value):
        self._request("setitem", key=key, value=value)

    def __delitem__(self, key):
        self._request("delitem", key=key)

    def keys(self):
        return list(self._request("keys"))

    def __iter__(self):
        return iter(self.keys())

    def __len__(self):
        return self._request("len")

    def __contains__(self, key):
        return key in self.keys()

    def values(self):
        return [self[k] for k in self.keys()]

    def items(self):
        return [(k, self[k]) for k in self.keys()]

    def get(self, key, default=None):
        return self[key] if key in self else default

    def update(self, other=(), **kwargs):
        for key, value in (other.items() if hasattr(other, "items") else other):
            self[key] = value
        for key, value in kwargs.items():
            self[key] = value

    def copy(self):
        return dict(self.items())

    def __eq__(self, other):
        return dict(self.items()) == other

    __hash__ = None

    def _unsupported(self, *args, **kwargs):
        raise TypeError("the grader's stand-in for a student's dict supports get, set, del, update, keys, values and items")

    pop = popitem = setdefault = clear = __or__ = __ior__ = _unsupported

    def __repr__(self):
        return f"<dict in the student's kernel with keys {self.keys()}>"


_object_classes = {}


def _stand_in(link, ref):
    if ref.get("kind") == "dict":
        return RemoteDict(link, ref)
    # named like the student's class, so "it returned a TwoLayerNet" reads as it would without the grader
    name = str(ref.get("type", ""))
    name = name if name.isidentifier() else "RemoteObject"
    if name not in _object_classes:
        _object_classes[name] = type(name, (RemoteObject,), {})
    return _object_classes[name](link, ref)
