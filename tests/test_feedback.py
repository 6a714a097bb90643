"""Feedback pages say what passed and what failed, in plain words, and never show the hidden tests."""
import re
from html import unescape

import nbformat

from autograder import feedback
from autograder.paths import SOURCE_DIR

from conftest import grade_class, solved_nb

A = "02_softmax"


def test_feedback_shows_messages_but_no_hidden_tests(tmp_path):
    wrong = "def softmax(scores):\n    e = np.exp(scores)\n    return e / e.sum(axis=1, keepdims=True)"
    crash = "def softmax(scores):\n    probabilities = scores.to_probabilities()\n    return probabilities"
    rows, ws = grade_class(tmp_path, A, {"s1": solved_nb(A, softmax=wrong), "s2": solved_nb(A, softmax=crash)})
    assert rows["s1"].score == 7 and rows["s2"].score == 7
    pages = sorted(feedback.generate(ws, A))
    html, crashed = pages[0].read_text(), pages[1].read_text()
    # an error inside the student's own function keeps the student's frames, and only those
    assert "to_probabilities" in crashed and "AttributeError" in crashed
    assert "_softmax_oracle" not in crashed and "test cell test_softmax" not in crashed
    source = nbformat.read(str(SOURCE_DIR / A / f"{A}.ipynb"), as_version=4)
    hidden_lines = []
    for cell in source.cells:
        text = cell.source
        if "### BEGIN HIDDEN TESTS" in text:
            block = text.split("### BEGIN HIDDEN TESTS")[1].split("### END HIDDEN TESTS")[0]
            hidden_lines += [ln.strip() for ln in block.splitlines() if len(ln.strip()) > 25]
    assert hidden_lines, "the source should have hidden tests to hide"
    assert "_softmax_oracle" not in html and "BEGIN HIDDEN TESTS" not in html
    written = wrong + crash  # a line the students wrote themselves (s1's `return e / e.sum(...)`) is no secret
    secrets = [ln for ln in hidden_lines if ln not in written]
    assert secrets
    for page in (html, crashed):
        shown = " ".join(unescape(re.sub(r"<[^>]+>", "", page)).split())  # what a browser shows
        for line in secrets:
            assert " ".join(line.split()) not in shown, f"hidden test line {line!r} on the page"
    assert "Subtract each row" in html, "the plain-words message of the failed check is missing"
    assert "7" in html and "10" in html


def test_hidden_tests_are_cut_from_test_cells_only():
    """nbgrader's ClearHiddenTests cuts the block from each test cell; a student's cell that mentions the
    markers keeps its text (it holds no hidden test) and does not cost the student the page."""
    from autograder.pipeline import FEEDBACK_STEPS
    from autograder.preprocessors import ClearHiddenTestsOfTestCells, TrimTracebacks
    assert FEEDBACK_STEPS[:2] == [ClearHiddenTestsOfTestCells, TrimTracebacks]
    test = nbformat.v4.new_code_cell("check(f(1) == 2, 'visible')\n### BEGIN HIDDEN TESTS\ncheck(f(3) == 6, 'secret')\n"
                                     "### END HIDDEN TESTS")
    test.metadata.nbgrader = {"grade": True, "solution": False, "grade_id": "test_f", "points": 1}
    test.outputs = [nbformat.v4.new_output("error", ename="AssertionError", evalue="f of 1 should be 2",
                                           traceback=["Traceback", "check(f(3) == 6, 'secret')", "AssertionError: x"])]
    student = nbformat.v4.new_code_cell("def f(x):\n    # ### BEGIN HIDDEN TESTS (a stray marker)\n    return 2 * x")
    student.metadata.nbgrader = {"grade": False, "solution": True, "grade_id": "f"}
    nb = nbformat.v4.new_notebook(cells=[student, test])
    for step in (ClearHiddenTestsOfTestCells(), TrimTracebacks()):
        nb, _ = step.preprocess(nb, {})
    assert "secret" not in nbformat.writes(nb)
    assert nb.cells[1].source == "check(f(1) == 2, 'visible')\n# (hidden tests)"
    assert nb.cells[1].outputs[0].traceback == ["AssertionError: f of 1 should be 2"]
    assert nb.cells[0].source == student.source
