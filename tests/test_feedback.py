"""Feedback pages say what passed and what failed, in plain words, and never show the hidden tests."""
import nbformat

from autograder import feedback
from autograder.workspace import SOURCE_DIR

from conftest import grade_class, solved_nb

A = "02_softmax"


def test_feedback_shows_messages_but_no_hidden_tests(tmp_path):
    wrong = "def softmax(scores):\n    e = np.exp(scores)\n    return e / e.sum(axis=1, keepdims=True)"
    rows, ws = grade_class(tmp_path, A, {"s1": solved_nb(A, softmax=wrong)})
    assert rows["s1"]["score"] == 7
    (page,) = feedback.generate(ws, A)
    html = page.read_text()
    source = nbformat.read(str(SOURCE_DIR / A / f"{A}.ipynb"), as_version=4)
    hidden_lines = []
    for cell in source.cells:
        text = cell.source
        if "### BEGIN HIDDEN TESTS" in text:
            block = text.split("### BEGIN HIDDEN TESTS")[1].split("### END HIDDEN TESTS")[0]
            hidden_lines += [ln.strip() for ln in block.splitlines() if len(ln.strip()) > 25]
    assert hidden_lines, "the source should have hidden tests to hide"
    assert "_softmax_oracle" not in html and "BEGIN HIDDEN TESTS" not in html
    assert "Subtract each row" in html, "the plain-words message of the failed check is missing"
    assert "7" in html and "10" in html
