"""The judge's side of a connection to the student's kernel: stand-ins for the student's code.

A test cell runs in the grader's process with ``RemoteName("softmax")`` where
the student's ``softmax`` would be. Calling it sends the arguments to the
agent in the kernel (``sandboxed/agent.py``), which calls the student's function there
and sends back the result as plain data. What cannot travel as data (an
object such as a ``TwoLayerNet``, a function, a dict held by an object) comes
back as a stand-in too, so ``net.params["W1"] = value`` changes the student's
dict and ``net.loss(X, y)`` runs the student's method.

So that student code behaves as if it ran in the test's own process:
- arrays a call changes in place are changed the same way here, and what it
  stores into or deletes from a dict argument (``bn_param``) is stored here too;
  a ``numpy.random.Generator`` passed to student code travels as its state, and
  the state the student's draws left it in comes back to the test's own Generator;
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
import sys
import time

import numpy as np

from .sandboxed import wire


class StudentError(Exception):
    """An exception of a type that exists only in the student's kernel (the stand-in keeps its name)."""


# What the student's side sends is bounded here, in the grader's process, whatever the agent does.
MAX_TEXT = 64 << 10        # characters of an error message, and of a traceback all lines together
MAX_TRACEBACK_LINES = 200
MAX_NAME = 100             # characters of a class name the student's side gives
MAX_CLASSES = 256          # classes made and kept for those names (then a generic one)
MIN_CALLBACK_ELEMENTS = 4096  # a callback always accepts arrays this large, whatever the test passed
REFERENCE_ELEMENTS = 4_000_000  # the most a reference answer standing in for a graded function accepts (32 MB)


def reference(fn):
    """``fn``, a reference answer of the course, marked as one: student code may call it with its own arrays."""
    def reference_answer(*args, **kwargs):
        return fn(*args, **kwargs)
    reference_answer.grader_reference = True
    reference_answer.__name__ = reference_answer.__qualname__ = fn.__name__
    reference_answer.__doc__ = fn.__doc__
    return reference_answer


def cap_text(text, limit=MAX_TEXT):
    text = str(text)
    return text if len(text) <= limit else text[:limit] + f"... [cut at {limit} characters]"


def cap_lines(lines, limit=MAX_TEXT, count=MAX_TRACEBACK_LINES):
    """The last lines (strings only) that fit in ``limit`` characters and ``count`` lines."""
    out, total = [], 0
    for line in reversed([line for line in lines if isinstance(line, str)][-count:]):
        line = cap_text(line, 2000)
        if total + len(line) > limit:
            break
        out.append(line)
        total += len(line)
    return out[::-1]


def _class_named(cache, name, base, fallback):
    """A subclass of ``base`` named ``name`` (kept in ``cache``), or ``fallback`` for an odd or one-too-many name."""
    name = str(name)
    if not name.isidentifier() or len(name) > MAX_NAME:
        return fallback
    if name not in cache:
        if len(cache) >= MAX_CLASSES:
            return fallback
        cache[name] = type(name, (base,), {})
    return cache[name]


_student_classes = {}


def _student_exception(name, builtin, message, traceback_lines):
    kind = wire.builtin_class(name, Exception) if builtin else None
    if kind is None:
        kind = _class_named(_student_classes, name, StudentError, StudentError)
    message = cap_text(message)
    try:
        exc = kind(message)
    except TypeError:  # a builtin whose constructor wants more (UnicodeDecodeError, ...)
        exc = _class_named(_student_classes, name, StudentError, StudentError)(message)
    exc.student_traceback = cap_lines(traceback_lines if isinstance(traceback_lines, list) else [])
    return exc


def _arrays_in(value, depth=0):
    if isinstance(value, np.ndarray):
        yield value
    elif isinstance(value, (list, tuple)) and depth < wire.MAX_DEPTH:
        for item in value:
            yield from _arrays_in(item, depth + 1)
    elif isinstance(value, dict) and depth < wire.MAX_DEPTH:
        for item in value.values():
            yield from _arrays_in(item, depth + 1)


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
        self.largest_sent = 0  # elements of the largest array the test has sent to student code
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
        self._guarded(lambda: wire.send(self.sock, header, blobs))  # sendall's timeout bounds the whole message

    def recv(self):
        return self._guarded(lambda: wire.recv(self.sock, self.deadline))

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
        self._note_sent(enc)
        self.send(header, enc.blobs)
        while True:
            msg, blobs = self.recv()
            if msg["op"] == "callback":
                self._answer_callback(link, msg, blobs)
                continue
            if msg["op"] not in ("return", "raise"):
                self._unreadable(f"an unexpected {msg['op']!r}")
            # only a call ran student code under the test's random state; any other reply (an attribute the
            # kernel did not have, say) leaves the test's state alone
            state = self.decode(link, msg.get("state"), blobs) if op == "call" else None
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
            if op == "call":
                self._store_dict_changes(link, msg, blobs, fields)
            return self.decode(link, msg.get("value"), blobs)

    def _store_dict_changes(self, link, msg, blobs, fields):
        """What student code stored into a dict argument (``bn_param["running_mean"] = ...``) is stored here too."""
        args, kwargs = fields.get("args") or [], fields.get("kwargs") or {}
        wire.apply_dict_changes(wire.dict_arguments(args, kwargs), self.decode(link, msg.get("dicts"), blobs))

    def _note_sent(self, enc):
        for arr in enc.arrays.values():
            self.largest_sent = max(self.largest_sent, int(np.size(arr)))

    def _check_callback_arguments(self, fn, args, kwargs):
        """The test's functions run here, on what student code passes them: arrays no larger than the test's own.

        A reference answer standing in for a graded function (see ``reference``) takes the arrays the student's
        own code makes (a net's weights), up to ``REFERENCE_ELEMENTS``."""
        limit = REFERENCE_ELEMENTS if getattr(fn, "grader_reference", False) else max(self.largest_sent, MIN_CALLBACK_ELEMENTS)
        sizes = [int(a.size) for a in _arrays_in([args, kwargs])]
        if any(n > limit for n in sizes) or sum(sizes) > 4 * limit:
            self._fail(RuntimeError(f"your code called a function of the test with arrays of {max(sizes)} elements "
                                    f"({sum(sizes)} in all), larger than the test ever passed it ({limit})"))

    def _within_deadline(self, fn, args, kwargs):
        """A reference answer runs here on what student code passes it (say, a naive convolution of huge arrays):
        the test's deadline stops it between two lines, so student code cannot hold the grader."""
        def tracer(frame, event, arg):
            if time.monotonic() > self.deadline:
                self._fail(TimeoutError(f"your code ran longer than {self.budget} s while this test ran it, and was stopped"))
            return tracer
        previous = sys.gettrace()
        sys.settrace(tracer)
        try:
            return fn(*args, **kwargs)
        finally:
            sys.settrace(previous)

    def _answer_callback(self, link, msg, blobs):
        fn = self.callbacks.get(msg.get("id"))
        args = self.decode(link, msg.get("args"), blobs)
        kwargs = self.decode(link, msg.get("kwargs"), blobs)
        try:
            if fn is None or not isinstance(args, list) or not isinstance(kwargs, dict):
                raise RuntimeError("a call to a function of the test that is no longer available")
            self._check_callback_arguments(fn, args, kwargs)
            kwargs = {str(k): v for k, v in kwargs.items()}
            dicts = wire.dict_arguments(args, kwargs)
            before = {key: dict(d) for key, d in dicts.items()}
            value = self._within_deadline(fn, args, kwargs) if getattr(fn, "grader_reference", False) else fn(*args, **kwargs)
            enc = self.encoder(link)
            # what the function stored into a dict argument goes back (a reference batchnorm_forward standing in
            # for the student's updates the running averages of the student's bn_param)
            header = {"op": "cbreturn", "value": enc.encode(value), "dicts": enc.encode(wire.dict_changes(dicts, before))}
            self._note_sent(enc)
        except Exception as exc:
            if self.failure is not None:
                raise
            enc = wire.Encoder(lambda v: None)
            header = {"op": "cbraise", "type": type(exc).__name__, "message": cap_text(exc)}
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
    ref = {"$": "ref", "id": ref["id"], "kind": str(ref.get("kind"))[:20], "type": str(ref.get("type", ""))[:MAX_NAME]}
    if ref["kind"] == "dict":
        return RemoteDict(link, ref)
    # named like the student's class, so "it returned a TwoLayerNet" reads as it would without the grader
    return _class_named(_object_classes, ref["type"], RemoteObject, RemoteObject)(link, ref)
