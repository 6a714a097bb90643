"""Test cells run in the grader's process and reach the student's code only through stand-ins (judge.py).

Three kinds of proof: every test cell of the course uses only what the judge
provides; the wire between judge and kernel refuses anything but plain data;
and student code called through the stand-ins behaves as it would in one
process (in-place changes, callbacks, the random state, warnings, exceptions,
objects and their dicts), while slow or dying code fails only its test.
"""
import re
import socket
import struct
import time
import symtable
from pathlib import Path

import nbformat
import numpy as np
import pytest

from autograder.sandboxed import wire
from autograder.cells import grade_id, is_solution_cell, is_test_cell
from autograder.judge import PRELUDE, Judge, graded_names
from autograder.sandbox import Limits, run_notebook

from conftest import ASSIGNMENTS, source_nb

import builtins


def _globals_used(source):
    """Names a cell reads from the notebook's namespace, and the names it defines there."""
    top = symtable.symtable(source, "cell", "exec")
    defined = {s.get_name() for s in top.get_symbols() if s.is_assigned() or s.is_imported()}
    used = set()

    def walk(table, module):
        for s in table.get_symbols():
            if s.is_referenced() and (s.is_global() if not module else s.get_name() not in defined):
                used.add(s.get_name())
        for child in table.get_children():
            walk(child, False)
    walk(top, True)
    return used - defined, defined


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_test_cells_use_only_what_the_judge_provides(assignment):
    nb = source_nb(assignment)
    provided = set(dir(builtins)) | _globals_used(PRELUDE)[1] | graded_names(nb)
    from_tests, from_lecture = set(), set()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        used, defined = _globals_used(cell.source)
        if is_test_cell(cell):
            missing = used - provided - from_tests
            assert not missing, (f"{grade_id(cell)} uses {sorted(missing)}, which the judge cannot "
                                 "provide: define it in the test cell, import it there, or add it to judge.PRELUDE")
            from_tests |= defined
        elif not is_solution_cell(cell):
            # test cells do not run in the kernel, so a lecture cell must not depend on what they define
            leaked = (used & from_tests) - from_lecture - defined - provided
            assert not leaked, f"a lecture cell uses {sorted(leaked)}, which only a test cell defines"
            from_lecture |= defined


# ----------------------------------------------------------------------------- the wire

def _refuse(*what):
    raise wire.ProtocolError(f"not plain data: {what}")


def _roundtrip(value):
    enc = wire.Encoder(_refuse)
    tree = enc.encode(value)
    return wire.decode(tree, enc.blobs, _refuse)


def test_plain_values_cross_the_wire_unchanged():
    x = np.arange(6.0).reshape(2, 3)
    out = _roundtrip({"a": (1, 2.5, float("nan"), -np.inf, "s", None, True), "x": [x, x.T], "n": np.float32(1.5),
                      "i": np.int64(7), "c": 1 + 2j})
    assert out["a"][:2] == (1, 2.5) and np.isnan(out["a"][2]) and out["a"][3] == -np.inf and out["a"][4:] == ("s", None, True)
    assert isinstance(out["a"], tuple) and isinstance(out["x"], list)
    assert np.array_equal(out["x"][0], x) and np.array_equal(out["x"][1], x.T)
    assert type(out["n"]) is np.float32 and type(out["i"]) is np.int64 and out["c"] == 1 + 2j
    shared = np.zeros(2)
    a, b = _roundtrip((shared, shared))
    assert a is b, "one array sent twice should arrive as one array"


def _npy(shape_text, data, descr="'<f8'"):
    header = ("{'descr': %s, 'fortran_order': False, 'shape': %s, }" % (descr, shape_text)).encode()
    header += b" " * (63 - len(header) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header + data


@pytest.mark.parametrize("blob, message", [
    (_npy("(1000000000000,)", b"\0" * 16), "does not match"),                     # a header promising terabytes
    (_npy("(3,)", b"\0" * 8), "does not match"),                           # fewer bytes than the shape needs
    (_npy("(1,)", b"\0" * 8, descr="'|O'"), "objects"),                    # an object array, i.e. a pickle
    (b"not an array at all", "could not be read"),
])
def test_the_wire_refuses_arrays_that_are_not_plain_data(blob, message):
    with pytest.raises(wire.ProtocolError, match=message):
        wire.array_from_bytes(blob)


def test_the_wire_refuses_oversized_and_malformed_messages():
    a, b = socket.socketpair()
    with a, b:
        a.sendall(struct.pack("!II", wire.MAX_HEADER + 1, 0))
        with pytest.raises(wire.ProtocolError, match="larger than allowed"):
            wire.recv(b)
    a, b = socket.socketpair()
    with a, b:
        a.sendall(struct.pack("!II", 2, 1) + b"{}" + struct.pack("!Q", wire.MAX_MESSAGE + 1))
        with pytest.raises(wire.ProtocolError, match="larger than"):
            wire.recv(b)
    for bad in ({"$": "nd", "b": 5}, {"$": "pickle", "v": "x"}, [1, 2]):
        with pytest.raises(wire.ProtocolError):
            wire.decode(bad, [], _refuse)


# ----------------------------------------------------------------------------- the stand-ins, end to end

STUDENT = '''import os
import numpy as np

def scale_in_place(x):
    x *= 2

def calls_back(f, x):
    return f(x) + f(x * 2)

def draws():
    return np.random.rand()

def overflows(x):
    return np.exp(x)

def fails():
    raise KeyError("no such key")

class Box:
    def __init__(self):
        self.params = {"a": np.zeros(2)}

    def total(self):
        return float(sum(np.sum(v) for v in self.params.values()))

def gives_object():
    return object()

def forever():
    while True:
        pass

def dies():
    os._exit(3)

def huge():
    return np.zeros(9_000_000)   # 72 MB, more than one message may carry
'''

SEMANTICS = '''x = np.ones(3)
scale_in_place(x)
check(np.array_equal(x, [2, 2, 2]), f"an in-place change did not come back: {x}")
check(calls_back(lambda v: float(np.sum(v)), np.ones(2)) == 6.0, "a callback gave the wrong value")
check(calls_back(lambda n: calls_back(lambda v: v * n, 1.0), 1.0) == 9.0, "nested callbacks gave the wrong value")
before = np.random.get_state()
draws()
after = np.random.get_state()
check(not (np.array_equal(before[1], after[1]) and before[2] == after[2]), "student code's use of the global generator did not show")
with np.errstate(over="raise"):
    try:
        overflows(np.array([1000.0]))
        raise AssertionError("np.errstate of the test did not reach student code")
    except FloatingPointError:
        pass
try:
    fails()
    raise AssertionError("the student's exception was lost")
except KeyError as exc:
    check("no such key" in str(exc), f"the student's message was lost: {exc}")
box = Box()
check(isinstance(box.params, dict) and sorted(box.params) == ["a"], "a student's dict should look like a dict")
box.params["a"] = np.ones(2)
box.params.update(b=np.full(3, 2.0))
check(box.total() == 8.0, "writes to a student's dict did not reach the student's object")
check(type(box).__name__ == "Box" and type(gives_object()).__name__ == "object", "stand-ins should carry the class name")
print("semantics: all passed")
'''


def _notebook(student, tests):
    cells = [nbformat.v4.new_code_cell(student, metadata={"nbgrader": {"solution": True, "grade": False, "grade_id": "student"}})]
    for gid, source in tests:
        cells.append(nbformat.v4.new_code_cell(source, metadata={"nbgrader": {"grade": True, "solution": False,
                                                                              "grade_id": gid, "points": 1}}))
    return nbformat.v4.new_notebook(cells=cells)


def _judge(tests, cell_timeout=20):
    nb = _notebook(STUDENT, tests)
    judge = Judge(nb, {i: grade_id(c) for i, c in enumerate(nb.cells) if is_test_cell(c)},
                  budget=cell_timeout)
    for i in judge.judged:
        nb.cells[i].metadata["judged"] = True
    run_notebook(nb, Limits(cell_timeout=cell_timeout, wall_timeout=120), judge=judge.serve)
    return {judge.judged[i]: outs for i, outs in {**judge.unjudged(), **judge.outputs}.items()}


def _errors(outputs):
    return [(o["ename"], o["evalue"]) for o in outputs if o["output_type"] == "error"]


def test_student_code_behaves_as_in_one_process():
    outputs = _judge([("semantics", SEMANTICS)])["semantics"]
    assert not _errors(outputs), _errors(outputs)
    assert outputs[0]["text"] == "semantics: all passed\n"


def test_slow_or_dying_code_fails_only_its_own_test():
    outputs = _judge([("slow", "forever()"), ("dies", "dies()"), ("after", "check(calls_back(lambda v: 1.0, 0) == 2.0, 'x')"),
                      ("swallowed", "try:\n    forever()\nexcept Exception:\n    pass"),
                      ("error", "fails()"), ("huge", "huge()")], cell_timeout=3)
    assert [e[0] for e in _errors(outputs["slow"])] == ["TimeoutError"]
    assert "ran longer than 3 s" in _errors(outputs["slow"])[0][1]
    assert [e[0] for e in _errors(outputs["dies"])] == ["ConnectionError"]
    assert _errors(outputs["after"]) == [], "the kernel should be restarted and the student's cell replayed"
    assert [e[0] for e in _errors(outputs["swallowed"])] == ["TimeoutError"], "a caught timeout must still fail the test"
    assert _errors(outputs["huge"]) == [("RuntimeError", "the grader could not use what your code sent back: "
                                                          "a message is larger than 64 MiB")]
    (error,) = [o for o in outputs["error"] if o["output_type"] == "error"]
    assert error["ename"] == "KeyError"
    frames = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(error["traceback"]))
    assert "in fails" in frames and 'raise KeyError("no such key")' in frames, "the student's own traceback should be shown"
    assert "no such key" in error["evalue"] and frames.count("no such key") == 2, frames


def test_the_judge_works_where_no_sandbox_can_be_made(monkeypatch):
    from autograder import sandbox
    monkeypatch.setattr(sandbox, "sandbox_status", lambda: (False, "no bubblewrap in this test"))
    assert not sandbox.command(Path("/w"), Limits(), judged=True)[0].endswith("bwrap")
    outputs = _judge([("semantics", SEMANTICS), ("error", "fails()")])
    assert not _errors(outputs["semantics"]), _errors(outputs["semantics"])
    assert [e[0] for e in _errors(outputs["error"])] == ["KeyError"]


def test_a_function_that_calls_a_wrong_one_is_tested_with_the_reference():
    tests = [("test_f", "check(f(1.0) == 4.0, 'f should double g')"), ("test_g", "check(g(1.0) == 2.0, 'g adds one')"),
             ("test_f_again", "check(f(1.0) == 202.0, 'outside the test of f, f uses the student own g again')")]
    source = _notebook("def g(x):\n    return x + 1\n\n\ndef f(x):\n    return 2 * g(x)\n", tests)
    handed_in = _notebook("def g(x):\n    return x + 100\n\n\ndef f(x):\n    return 2 * g(x)\n", tests)
    judge = Judge(source, {i: grade_id(c) for i, c in enumerate(handed_in.cells) if is_test_cell(c)}, budget=20)
    for i in judge.judged:
        handed_in.cells[i].metadata["judged"] = True
    run_notebook(handed_in, Limits(cell_timeout=20, wall_timeout=120), judge=judge.serve)
    outputs = {judge.judged[i]: outs for i, outs in judge.outputs.items()}
    assert _errors(outputs["test_f"]) == [], "the student's f calls g, and g was the reference while f was tested"
    assert _errors(outputs["test_g"]) == [("AssertionError", "g adds one")]
    assert _errors(outputs["test_f_again"]) == [], "after the test of f the student's own g has its name back"


def test_student_code_cannot_hold_the_grader_in_a_reference_answer():
    # attack: the student's f calls g (the reference while f is tested) with input that makes it run for ever
    tests = [("test_f", "f(1.0)"), ("test_g", "check(g(1.0) == 2.0, 'g adds one')")]
    source = _notebook("def g(x):\n    n = 0\n    while n < x:\n        n = n + 1e-300\n    return x + 1\n\n\n"
                       "def f(x):\n    return 2 * g(x)\n", tests)
    handed_in = _notebook("def g(x):\n    return x + 1\n\n\ndef f(x):\n    return 2 * g(1e300)\n", tests)
    judge = Judge(source, {i: grade_id(c) for i, c in enumerate(handed_in.cells) if is_test_cell(c)}, budget=3)
    for i in judge.judged:
        handed_in.cells[i].metadata["judged"] = True
    start = time.monotonic()
    run_notebook(handed_in, Limits(cell_timeout=3, wall_timeout=120), judge=judge.serve)
    outputs = {judge.judged[i]: outs for i, outs in judge.outputs.items()}
    assert [e[0] for e in _errors(outputs["test_f"])] == ["TimeoutError"]
    assert _errors(outputs["test_g"]) == [], "grading goes on after the stopped reference"
    assert time.monotonic() - start < 60
