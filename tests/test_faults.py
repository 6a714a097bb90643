"""Every submission gets a row: broken structure, old formats, loops, crashes, memory, noise."""
import json

import nbformat

from autograder import repair
from autograder.cells import grade_id

from conftest import grade_class, release_nb, solved_nb

A = "02_softmax"
WRONG_SOFTMAX = "def softmax(scores):\n    return scores"


def _without_metadata(nb):
    nb = nbformat.reads(nbformat.writes(nb), as_version=4)
    for c in nb.cells:
        c.metadata.pop("nbgrader", None)
        c.metadata.pop("deletable", None)
        c.metadata.pop("editable", None)
    return nb


def _drop(nb, gid):
    nb.cells = [c for c in nb.cells if grade_id(c) != gid]
    return nb


def _duplicate_first_wrong(nb, gid, wrong):
    k = next(i for i, c in enumerate(nb.cells) if grade_id(c) == gid)
    copy = nbformat.from_dict(json.loads(json.dumps(nb.cells[k])))
    copy["id"] = "dupe"
    nb.cells[k].source, copy.source = wrong, nb.cells[k].source
    nb.cells.insert(k + 1, copy)
    return nb


def _retype(nb, gid):
    k = next(i for i, c in enumerate(nb.cells) if grade_id(c) == gid)
    old = nb.cells[k]
    md = nbformat.v4.new_markdown_cell(old.source, metadata=old.metadata)
    md["id"] = old["id"]
    nb.cells[k] = md
    return nb


def _with_cell(nb, after_gid, source):
    k = next(i for i, c in enumerate(nb.cells) if grade_id(c) == after_gid)
    cell = nbformat.v4.new_code_cell(source)
    cell["id"] = "student-added"
    nb.cells.insert(k + 1, cell)
    return nb


def test_faults_each_end_in_a_score_or_a_reason(tmp_path):
    v3 = nbformat.writes(nbformat.convert(solved_nb(A), 3)).encode()
    submissions = {
        "stripped": _without_metadata(solved_nb(A)),
        "stripped-wrong": _without_metadata(solved_nb(A, softmax=WRONG_SOFTMAX)),
        "deleted-test": _drop(solved_nb(A), "test_softmax"),
        "duplicated": _duplicate_first_wrong(solved_nb(A), "softmax", WRONG_SOFTMAX),
        "retyped": _retype(solved_nb(A), "softmax"),
        "old-format": v3,
        "loop": _with_cell(solved_nb(A), "linear_softmax_loss",
                           "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass"),
        "exit": _with_cell(solved_nb(A), "linear_softmax_loss", "import os\nos._exit(1)"),
        "memory": _with_cell(solved_nb(A), "linear_softmax_loss", "hog = np.ones((1 << 30,))  # 8 GiB"),
        "noisy": _with_cell(solved_nb(A, softmax="import warnings\n" + solved_nb(A).cells[0].source[:0]
                                      + "def softmax(scores):\n    warnings.warn('a warning on stderr')\n"
                                      "    e = np.exp(scores - scores.max(axis=1, keepdims=True))\n"
                                      "    return e / e.sum(axis=1, keepdims=True)"),
                            "softmax", "print('x' * 5_000_000)"),
        "empty": b"",
    }
    rows, ws = grade_class(tmp_path, A, submissions, timeout=8)
    expected = {"stripped": 10, "stripped-wrong": 7, "deleted-test": 10, "duplicated": 10, "retyped": 7,
                "old-format": 10, "loop": 10, "exit": 10, "memory": 10, "noisy": 10}
    for student, score in expected.items():
        assert rows[student].status_text == "graded", (student, rows[student].status_text)
        assert rows[student].score == score, (student, rows[student].cells)
    for student in ["stripped", "deleted-test", "duplicated", "retyped"]:
        assert "rebuilt from the release" in rows[student].note, student
    assert rows["empty"].status_text == "not graded: empty file"
    assert (tmp_path / "inbox" / "empty" / f"{A}.ipynb").read_bytes() == b"", "a handed-in file was changed"


def test_rebuild_matches_answers_by_function_name():
    release = release_nb(A)
    nb = _without_metadata(solved_nb(A))
    scratch = nbformat.v4.new_code_cell("helper_value = 42")
    nb.cells.insert(1, scratch)
    assert "the nbgrader metadata was missing" in repair.problems(nb, release)
    rebuilt, found = repair.rebuild(nb, release, ["softmax", "softmax_cross_entropy", "linear_softmax_loss"])
    assert found == ["softmax", "softmax_cross_entropy", "linear_softmax_loss"]
    assert repair.problems(rebuilt, release) == []
    assert any(c.source == "helper_value = 42" for c in rebuilt.cells), "the student's own cell was dropped"
    assert "### BEGIN HIDDEN TESTS" not in nbformat.writes(rebuilt)


def test_intact_notebooks_are_not_rebuilt():
    assert repair.problems(solved_nb(A), release_nb(A)) == []
