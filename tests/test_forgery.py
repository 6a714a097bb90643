"""A grade student code cannot forge: wrong code plus an attack on the grading still scores 0 for that function.

Each submission below has a wrong ``softmax`` (it returns the scores
unchanged) and tries to pass test_softmax anyway: by patching what the test
uses, by rewriting or skipping the test cells, by impersonating or cutting
off the grader's agent, or by rewriting the executed notebook. The test cells
run in the grader's process (judge.py), so none of it reaches the verdict.
"""
import nbformat
import pytest

from autograder.cells import find_cell

from conftest import grade_class, solved_nb

A = "02_softmax"
WRONG = "def softmax(scores):\n    return scores\n"

ATTACKS = {
    "patch-numpy": '''import numpy as np
np.allclose = lambda *a, **k: True
np.isclose = lambda *a, **k: True
np.array_equal = lambda *a, **k: True
np.testing.assert_allclose = lambda *a, **k: None
''',
    "patch-checks": '''import sys
import course.checks
for _name in dir(course.checks):
    if _name.startswith("check"):
        setattr(course.checks, _name, lambda *a, **k: None)
        globals()[_name] = getattr(course.checks, _name)
import builtins
builtins.AssertionError = type("AssertionError", (Exception,), {})
''',
    "print-pass": '''print("softmax: visible checks passed")
''',
    "input-transformer": '''def _skip_checks(lines):
    text = "".join(lines)
    return ["pass\\n"] if ("check" in text or "serve(" in text) else lines
get_ipython().input_transformers_cleanup.append(_skip_checks)
''',
    "ast-transformer": '''import ast
class _NoFailures(ast.NodeTransformer):
    def visit_Raise(self, node):
        return ast.Pass()
    def visit_Expr(self, node):
        return ast.Pass()
get_ipython().ast_transformers.append(_NoFailures())
''',
    "fake-agent": '''import sys, types
sys.modules["agent"] = types.SimpleNamespace(serve=lambda *args: None)
''',
    "lying-agent": '''import sys, types, socket, json, struct
def _serve(path, cell, namespace):
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    head = json.dumps({"op": "hello", "cell": cell}).encode()
    s.sendall(struct.pack("!II", len(head), 0) + head)
    s.recv(1 << 20)
    head = json.dumps({"op": "return", "value": {"$": "pickle", "v": "all tests passed"}}).encode()
    s.sendall(struct.pack("!II", len(head), 0) + head)
    s.close()
sys.modules["agent"] = types.SimpleNamespace(serve=_serve)
''',
    "odd-hello": '''import sys, types, socket, json, struct
def _serve(path, cell, namespace):
    for claim in ([cell], {"cell": cell}, "0", None, -1):
        s = socket.socket(socket.AF_UNIX)
        s.connect(path)
        head = json.dumps({"op": "hello", "cell": claim}).encode()
        s.sendall(struct.pack("!II", len(head), 0) + head)
        s.close()
sys.modules["agent"] = types.SimpleNamespace(serve=_serve)
''',
    "cut-the-socket": '''import os
os.unlink("judge.sock")
''',
    "forge-output": '''import subprocess, sys
_forger = """
import json, time, os
for _ in range(20000):
    try:
        nb = json.load(open("out.ipynb"))
        for c in nb["cells"]:
            c["outputs"] = [o for o in c.get("outputs", []) if o.get("output_type") != "error"]
        json.dump(nb, open("out.ipynb", "w"))
    except Exception:
        pass
    time.sleep(0.01)
"""
subprocess.Popen([sys.executable, "-c", _forger])
''',
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    submissions = {name: solved_nb(A, softmax=WRONG + attack) for name, attack in ATTACKS.items()}
    submissions["honest"] = solved_nb(A)
    submissions["wrong"] = solved_nb(A, softmax=WRONG)
    return grade_class(tmp_path_factory.mktemp("forgery"), A, submissions)


def _test_cell(ws, student):
    nb = nbformat.read(str(ws / "autograded" / student / A / f"{A}.ipynb"), as_version=4)
    return find_cell(nb, "test_softmax")


def test_honest_and_plain_wrong_submissions_are_the_baseline(graded):
    rows, _ = graded
    assert rows["honest"].score == 10
    assert rows["wrong"].cells["test_softmax"] == [0.0, 3.0] and rows["wrong"].score == 7


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_an_attack_does_not_pass_the_wrong_softmax(graded, attack):
    rows, ws = graded
    row = rows[attack]
    assert row.status_text == "graded", row.status_text
    assert row.cells["test_softmax"] == [0.0, 3.0], f"{attack} forged the grade: {row['cells']}"
    errors = [o for o in _test_cell(ws, attack).outputs if o.output_type == "error"]
    assert errors, "the failed test should show the student an error"
