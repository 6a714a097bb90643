"""Lecture 07's batchnorm_forward stores running statistics into its ``bn_param`` argument, and the
hidden tests read them there after the call (CURRICULUM "07"). Under the judge the test's dict and the
student's are two copies, so what the call stores into a dict argument must come back, as in-place
changes to array arguments do."""
import nbformat

from autograder.cells import grade_id, is_test_cell
from autograder.judge import Judge
from autograder.sandbox import Limits, run_notebook

STUDENT = '''import numpy as np

def stores(x, param):
    param["seen"] = param.get("seen", 0) + 1
    param["mean"] = x.mean(axis=0)
    param.pop("drop_me", None)
    return x * 2

def stores_kw(x, param=None):
    param["mean"] = x.sum()
    return x
'''

TEST = '''x = np.arange(6.0).reshape(3, 2)
p = {"mode": "train", "drop_me": 1}
out = stores(x, p)
check(np.array_equal(out, x * 2), "the result should come back as before")
check(p.get("seen") == 1 and np.array_equal(p.get("mean"), [2.0, 3.0]), f"what was stored did not come back: {p}")
check("drop_me" not in p and p["mode"] == "train", f"a deleted key or an untouched one is wrong: {p}")
stores(x, p)
check(p["seen"] == 2, "a second call should see what the first stored")
q = {}
stores_kw(x, param=q)
check(q.get("mean") == 15.0, f"a dict passed by keyword did not come back: {q}")
print("dict arguments: passed")
'''


def test_what_student_code_stores_into_a_dict_argument_comes_back():
    cells = [nbformat.v4.new_code_cell(STUDENT, metadata={"nbgrader": {"solution": True, "grade": False, "grade_id": "student"}}),
             nbformat.v4.new_code_cell(TEST, metadata={"nbgrader": {"grade": True, "solution": False,
                                                                     "grade_id": "dicts", "points": 1}})]
    nb = nbformat.v4.new_notebook(cells=cells)
    judge = Judge(nb, {i: grade_id(c) for i, c in enumerate(nb.cells) if is_test_cell(c)}, budget=20)
    for i in judge.judged:
        nb.cells[i].metadata["judged"] = True
    run_notebook(nb, Limits(cell_timeout=20, wall_timeout=120), judge=judge.serve)
    outputs = {**judge.unjudged(), **judge.outputs}[1]
    errors = [(o["ename"], o["evalue"]) for o in outputs if o["output_type"] == "error"]
    assert not errors, errors
    assert outputs[0]["text"] == "dict arguments: passed\n"
