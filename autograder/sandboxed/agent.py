"""The grader's agent inside the student's kernel: it runs the student's code when the judge asks.

When grading reaches a test cell, the kernel runs ``serve(path, cell, globals())``
instead of the test. The agent connects to the judge (outside the sandbox),
says which cell it stands for, and answers requests until the judge says
"done": call this function of yours, read this attribute of your object, set
this item of your dict. Arguments and results cross as plain data
(``wire.py``); objects that are not plain data stay here and travel as
numbered references.

Nothing here is trusted. Student code can patch or replace this module, and
then it answers with whatever it likes, which is no more than the student's
own functions could return anyway: the verdict is reached by the judge's code,
in the judge's process, on the data that came back.
"""
import re
import sys
import traceback

import numpy as np

try:
    from . import wire
except ImportError:  # inside the sandbox: a plain module next to this one
    import wire

_objects = {}   # reference number -> object, kept across test cells (a net made in one cell, used in the next)


def _remember(obj, kind):
    _objects[id(obj)] = obj
    return {"$": "ref", "id": id(obj), "kind": kind, "type": type(obj).__name__}


def _by_reference(value):
    if isinstance(value, dict):
        return _remember(value, "dict")
    return _remember(value, "callable" if callable(value) else "object")


class _Encoder(wire.Encoder):
    def __init__(self, attribute=False):
        super().__init__(self._other)
        self.attribute = attribute

    def encode(self, value, depth=0):
        # an attribute or item that is a dict stays here, so `net.params[k] = v` changes the student's dict
        if self.attribute and depth == 0 and isinstance(value, dict):
            return _remember(value, "dict")
        return super().encode(value, depth)

    def _other(self, value):
        for base in (bool, int, float, complex, str):  # subclasses of plain types arrive as the plain type
            if isinstance(value, base):
                return self.encode(base(value))
        if isinstance(value, np.ndarray) and not value.dtype.hasobject:
            return self.encode(np.array(value))  # np.matrix, masked arrays: their plain data
        if isinstance(value, dict):
            return self.encode(dict(value))
        if isinstance(value, (list, tuple)) and not callable(value):
            return self.encode(list(value) if isinstance(value, list) else tuple(value))
        return _by_reference(value)


_MISSING = object()


class _Session:
    def __init__(self, sock, namespace):
        self.sock = sock
        self.namespace = namespace
        self.replaced = {}  # name -> the student's own value, while the judge's reference stands in for it

    def restore(self):
        """Give the student's own functions back their names (after a test that isolated them)."""
        for name, value in self.replaced.items():
            if value is _MISSING:
                self.namespace.pop(name, None)
            else:
                self.namespace[name] = value
        self.replaced.clear()

    # ------------------------------------------------------------------ sending and receiving
    def reply(self, header, value=None, attribute=False, extra=None):
        enc = _Encoder(attribute=attribute)
        try:
            header["value"] = enc.encode(value)
            for key, item in (extra or {}).items():
                header[key] = enc.encode(item)
        except Exception as exc:  # a value that cannot be encoded is the student's error, reported as one
            return self.error(exc)
        wire.send(self.sock, header, enc.blobs)

    def error(self, exc, tb=None):
        kind = type(exc)
        lines = []
        if tb is not None:
            try:
                lines = get_ipython().InteractiveTB.structured_traceback(kind, exc, tb)  # noqa: F821 (IPython)
            except Exception:
                lines = traceback.format_exception(kind, exc, tb)
        # the frames only: the judge prints the exception's own line, once
        lines = [str(line) for line in lines[:-1]]
        while lines and _plain(lines[0]).strip("-\n ") == "" or lines and "most recent call last" in _plain(lines[0]):
            lines.pop(0)
        args = getattr(exc, "args", ())
        message = args[0] if len(args) == 1 and isinstance(args[0], str) else str(exc)  # KeyError('k') -> k, not 'k'
        header = {"op": "raise", "type": kind.__name__, "builtin": kind.__module__ == "builtins",
                  "message": message[:5000], "traceback": [line[:5000] for line in lines[-60:]]}
        enc = _Encoder()
        header["state"] = enc.encode(_state_after())
        wire.send(self.sock, header, enc.blobs)

    def decode(self, header, blobs, key):
        return wire.decode(header.get(key), blobs, self._resolve)

    def _resolve(self, tag, node):
        if tag == "ref":
            if node.get("id") not in _objects:
                raise ReferenceError("this object no longer exists (the kernel was restarted)")
            return _objects[node["id"]]
        if tag == "name":
            name = node["v"]
            if name not in self.namespace:
                raise NameError(f"name {name!r} is not defined")
            return self.namespace[name]
        if tag == "cb":
            return self._callback(node["id"])
        raise wire.ProtocolError(f"unknown value {tag!r}")

    def _callback(self, number):
        session = self

        def judge_function(*args, **kwargs):
            enc = _Encoder()
            header = {"op": "callback", "id": number, "args": enc.encode(list(args)), "kwargs": enc.encode(kwargs)}
            wire.send(session.sock, header, enc.blobs)
            while True:  # the judge's function may call back into student code before it answers
                msg, blobs = wire.recv(session.sock)
                if msg["op"] == "cbreturn":
                    wire.apply_dict_changes(wire.dict_arguments(args, kwargs), session.decode(msg, blobs, "dicts"))
                    return session.decode(msg, blobs, "value")
                if msg["op"] == "cbraise":
                    raise _rebuild(msg)
                session.handle(msg, blobs)
        return judge_function

    # ------------------------------------------------------------------ requests
    def handle(self, msg, blobs):
        op = msg["op"]
        try:
            arrays, generators = {}, {}
            target = wire.decode(msg.get("target"), blobs, self._resolve, arrays=arrays)
            if op == "call":
                args = wire.decode(msg.get("args"), blobs, self._resolve, arrays=arrays, generators=generators)
                kwargs = wire.decode(msg.get("kwargs"), blobs, self._resolve, arrays=arrays, generators=generators)
                before = {i: a.copy() for i, a in arrays.items()}
                dicts = wire.dict_arguments(args, kwargs)
                dicts_before = {key: dict(d) for key, d in dicts.items()}
                state = wire.decode(msg.get("state"), blobs, self._resolve)
                with wire.apply_state(state):
                    try:
                        result = target(*args, **kwargs)
                    except BaseException as exc:  # SystemExit and KeyboardInterrupt too: they end the call, not the kernel
                        return self.error(exc, exc.__traceback__.tb_next)
                # arrays the call changed in place go back, so the judge sees the change on its own arrays
                changed = {str(i): a for i, a in arrays.items()
                           if a.shape != before[i].shape or a.dtype != before[i].dtype or a.tobytes() != before[i].tobytes()}
                # so do what it stored into dict arguments, and the states the judge's random generators reached here
                moved = {str(i): g.bit_generator.state for i, g in generators.items()}
                return self.reply({"op": "return"}, result, extra={"changed": changed, "state": _state_after(),
                                                                   "dicts": wire.dict_changes(dicts, dicts_before),
                                                                   "generators": moved})
            if op == "bind":
                # while this test runs, these names call the judge's reference instead of the student's code,
                # so that a mistake in one graded function costs only that function's test
                names = self.decode(msg, blobs, "names")
                for name, function in names.items():
                    self.replaced.setdefault(name, self.namespace.get(name, _MISSING))
                    self.namespace[name] = function
                return self.reply({"op": "return"})
            if op == "getattr":
                return self.reply({"op": "return"}, getattr(target, msg["name"]), attribute=True)
            if op == "setattr":
                setattr(target, msg["name"], self.decode(msg, blobs, "value"))
                return self.reply({"op": "return"})
            if op == "getitem":
                return self.reply({"op": "return"}, target[self.decode(msg, blobs, "key")], attribute=True)
            if op == "setitem":
                target[self.decode(msg, blobs, "key")] = self.decode(msg, blobs, "value")
                return self.reply({"op": "return"})
            if op == "delitem":
                del target[self.decode(msg, blobs, "key")]
                return self.reply({"op": "return"})
            if op == "keys":
                return self.reply({"op": "return"}, list(target))
            if op == "len":
                return self.reply({"op": "return"}, len(target))
            if op == "repr":
                return self.reply({"op": "return"}, f"{type(target).__name__}: {repr(target)[:200]}")
            raise wire.ProtocolError(f"unknown request {op!r}")
        except wire.Disconnected:
            raise
        except BaseException as exc:
            return self.error(exc)


def _plain(text):
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def _state_after():
    return {"rng": np.random.get_state()}


def _rebuild(msg):
    kind = wire.builtin_class(msg.get("type"), Exception) or RuntimeError
    return kind(str(msg.get("message", "")))


def serve(path, cell, namespace):
    """Answer the judge's requests for test cell ``cell`` until it says "done"."""
    try:
        sock = wire.connect(path)
    except OSError as exc:
        print(f"(the grader is not listening: {exc})", file=sys.stderr)
        return
    with sock:
        session = _Session(sock, namespace)
        wire.send(sock, {"op": "hello", "cell": cell})
        try:
            while True:
                try:
                    msg, blobs = wire.recv(sock)
                except wire.Disconnected:
                    return
                if msg["op"] == "done":
                    return
                session.handle(msg, blobs)
        finally:
            session.restore()
