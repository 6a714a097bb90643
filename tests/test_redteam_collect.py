"""Issue 8, the red team's findings on collect, the checks and feedback: each test failed before its fix.

Items: 2 symlinks, 3 complex results, 8 tampered nbgrader metadata, 11 rows for odd folders,
12 one malformed notebook, 13 correct work not scored, 14 one bad feedback page, 15 student HTML.
"""
import hashlib
import json
import os
import stat
import zipfile
from html.parser import HTMLParser

import nbformat
import numpy as np
import pytest

from autograder import collect, feedback
from autograder.cells import grade_id
from autograder.ledger import Ledger
from autograder.paths import SOURCE_DIR
from course import checks

from conftest import grade_class, release_nb, solved_nb, write_nb

A = "02_softmax"
NB = f"{A}.ipynb"


def _rows(records):
    return {r.student_id: r for r in records}


def _hashes(folder):
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*") if p.is_file() and not p.is_symlink()}


# ---------------------------------------------------------------- item 2: symbolic links are refused

def test_symlinked_notebooks_and_folders_are_refused_with_a_reason(tmp_path, workspace):
    inbox = tmp_path / "inbox"
    write_nb(release_nb(A), inbox / "carol" / NB)
    (inbox / "alice").mkdir()
    (inbox / "alice" / NB).symlink_to(SOURCE_DIR / A / NB)                  # the instructor's solutions
    (inbox / "bob").mkdir()
    (inbox / "bob" / NB).symlink_to(os.path.join("..", "carol", NB))         # a classmate's file
    (inbox / "dave").symlink_to("carol")                                     # a classmate's folder
    rows = _rows(collect.collect(inbox, A, workspace))
    assert rows["carol"].status_text == "collected"
    for student in ["alice", "bob", "dave"]:
        assert rows[student].status_text.startswith("not graded:"), student
        assert "symbolic link" in rows[student].status_text, rows[student].status_text
        assert not (workspace / "submitted" / student).exists(), student


def test_a_link_beside_a_real_notebook_is_not_used(tmp_path, workspace):
    inbox = tmp_path / "inbox"
    write_nb(release_nb(A), inbox / "alice" / NB)
    (inbox / "alice" / "zz_latest.ipynb").symlink_to(SOURCE_DIR / A / NB)
    os.utime(inbox / "alice" / NB, (1, 1))
    row = _rows(collect.collect(inbox, A, workspace))["alice"]
    assert row.status_text == "collected"
    stored = (workspace / "submitted" / "alice" / A / NB).read_text()
    assert "BEGIN SOLUTION" not in stored and "BEGIN HIDDEN TESTS" not in stored
    assert "zz_latest.ipynb" in row.note


def test_zip_members_that_are_links_are_refused(tmp_path, workspace):
    zpath = tmp_path / "download.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        link = zipfile.ZipInfo("doejohn_2001_900_02_softmax.ipynb")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, str(SOURCE_DIR / A / NB))
        zf.writestr("roeann_2002_901_02_softmax.ipynb", nbformat.writes(release_nb(A)))
        for name, target in [("outside_2003_902_x", str(tmp_path / "outside")),   # a link to a folder, then
                             ("outside_2003_902_x/y_2004_903_02_softmax.ipynb", "z")]:  # a link through it
            info = zipfile.ZipInfo(name)
            info.create_system, info.external_attr = 3, (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, target)
    rows = _rows(collect.collect(zpath, A, workspace))
    assert rows["2002"].status_text == "collected"
    assert rows["2001"].status_text.startswith("not graded:") and "symbolic link" in rows["2001"].status_text
    assert not (workspace / "submitted" / "2001").exists()
    assert not (tmp_path / "outside").exists(), "something was made through a link in the zip"


# ---------------------------------------------------------------- item 3: complex results fail the checks

@pytest.mark.parametrize("value, words", [
    (np.array([[0.0, 0.0, 3.0]]) + 0j, "complex"),
    (np.array([[0.0, 0.0, 3.0]]) + 1e-3j, "complex"),
    (np.array([[0.0, 0.0, 3.0]], dtype=object), "real numbers"),
    ([[0.0, 0.0, 3.0 + 0j]], "complex"),
])
def test_complex_and_object_results_fail_check_close(value, words):
    with pytest.raises(AssertionError, match=words):
        checks.check_close(value, [[0.0, 0.0, 3.0]], "relu_forward of [[-2, 0, 3]]")


def test_complex_results_fail_the_other_checks():
    z = np.ones((2, 3)) + 0j
    for check in (lambda: checks.check_shape(z, (2, 3), "out"), lambda: checks.check_finite(z, "out"),
                  lambda: checks.check_scalar(1 + 0j, "loss")):
        with pytest.raises(AssertionError, match="complex"):
            check()
    checks.check_close(np.float32(3.0), 3.0, "a float32 scalar")  # real numbers of any dtype still pass
    checks.check_close([1, 2], np.array([1.0, 2.0]), "a list of ints")


# ---------------------------------------------------------------- item 11: a row for every folder

def test_every_student_folder_gets_a_row(tmp_path, workspace):
    inbox = tmp_path / "inbox"
    (inbox / "alice" / NB).mkdir(parents=True)                    # a folder named like a notebook
    (inbox / "alice" / NB / "notes.txt").write_text("oops")
    write_nb(release_nb(A), inbox / "bob" / "02_SOFTMAX.IPYNB")     # upper-case suffix
    (inbox / "carol").mkdir()
    (inbox / "carol" / "answers.txt").write_text("no notebook")    # no notebook at all
    (inbox / "dave").mkdir()                                        # an empty folder
    rows = _rows(collect.collect(inbox, A, workspace))
    assert set(rows) == {"alice", "bob", "carol", "dave"}
    assert rows["bob"].status_text == "collected"
    assert (workspace / "submitted" / "bob" / A / NB).exists()
    assert rows["alice"].status_text.startswith("not graded:") and "is a folder" in rows["alice"].status_text
    for student in ["carol", "dave"]:
        assert rows[student].status_text == "not graded: no notebook (.ipynb file) in the folder", student


def test_flat_upper_case_notebook_is_collected(tmp_path, workspace):
    inbox = tmp_path / "flat"
    write_nb(release_nb(A), inbox / "doejohn_2001_900_02_softmax.IPYNB")
    assert _rows(collect.collect(inbox, A, workspace))["2001"].status_text == "collected"


# ---------------------------------------------------------------- item 12: one malformed notebook, one row

def _nb_json(nb):
    return json.loads(nbformat.writes(nb))


def _malformed():
    string_meta = _nb_json(solved_nb(A))
    string_meta["cells"][7]["metadata"]["nbgrader"] = "softmax"
    list_id = _nb_json(solved_nb(A))
    list_id["cells"][7]["metadata"]["nbgrader"]["grade_id"] = ["softmax"]
    no_type = _nb_json(solved_nb(A))
    del no_type["cells"][1]["cell_type"]
    deep = _nb_json(solved_nb(A))
    for c in deep["cells"]:
        c["metadata"].pop("nbgrader", None)
    deep["cells"].insert(3, {"cell_type": "code", "id": "deep", "metadata": {}, "outputs": [], "execution_count": None,
                             "source": "x = " + "1+" * 200_000 + "1"})
    return {"string-meta": string_meta, "list-id": list_id, "no-type": no_type, "deep": deep}


def test_one_malformed_notebook_costs_only_its_own_row(tmp_path, workspace):
    inbox = tmp_path / "inbox"
    for student, data in _malformed().items():
        (inbox / student).mkdir(parents=True)
        (inbox / student / NB).write_text(json.dumps(data))
    write_nb(solved_nb(A), inbox / "zz-good" / NB)
    rows = _rows(collect.collect(inbox, A, workspace))
    assert set(rows) == {"string-meta", "list-id", "no-type", "deep", "zz-good"}
    for student, row in rows.items():  # each is repaired and collected: nothing here is beyond repair
        assert row.status_text == "collected", (student, row.status_text)
        nbformat.validate(nbformat.read(str(workspace / "submitted" / student / A / NB), as_version=4))
    assert "nbgrader metadata nbgrader cannot read" in rows["string-meta"].note


def test_an_unexpected_failure_costs_only_its_row_and_the_ledger_is_saved_as_collect_goes(tmp_path, workspace,
                                                                                          monkeypatch):
    inbox = tmp_path / "inbox"
    for student in ["a", "b", "c"]:
        write_nb(release_nb(A), inbox / student / NB)
    real = collect._repair

    def flaky(nb, assignment):
        if flaky.calls == 1:
            flaky.calls += 1
            raise RuntimeError("boom")
        if flaky.calls == 2:
            raise KeyboardInterrupt  # the instructor stops collect half-way
        flaky.calls += 1
        return real(nb, assignment)
    flaky.calls = 0
    monkeypatch.setattr(collect, "_repair", flaky)
    with pytest.raises(KeyboardInterrupt):
        collect.collect(inbox, A, workspace)
    saved = {r.student_id: r.status_text for r in Ledger(workspace).for_assignment(A)}
    assert saved["a"] == "collected"
    assert saved["b"].startswith("not graded: collect could not read it (RuntimeError: boom")


# ---------------------------------------------------------------- items 8 and 13 at collect time

def _swap_answer_ids(nb, a, b):
    ca = next(c for c in nb.cells if grade_id(c) == a)
    cb = next(c for c in nb.cells if grade_id(c) == b)
    ca.metadata.nbgrader["grade_id"], cb.metadata.nbgrader["grade_id"] = b, a
    return nb


def _tampered(kind):
    nb = solved_nb(A)
    if kind == "bonus-test":  # an extra test cell claiming 1000 points
        k = next(i for i, c in enumerate(nb.cells) if grade_id(c) == "test_softmax")
        cell = nbformat.v4.new_code_cell("assert True", metadata={"nbgrader": {
            **nb.cells[k].metadata.nbgrader, "grade_id": "bonus", "points": 1000}})
        cell["id"] = "bonus"
        nb.cells.insert(k + 1, cell)
    elif kind == "answer-graded":  # an answer cell claiming grade and points
        next(c for c in nb.cells if grade_id(c) == "softmax").metadata.nbgrader.update(grade=True, points=5)
    elif kind == "test-as-answer":  # a test cell flagged as a solution
        next(c for c in nb.cells if grade_id(c) == "test_softmax").metadata.nbgrader["solution"] = True
    elif kind == "points":
        next(c for c in nb.cells if grade_id(c) == "test_softmax").metadata.nbgrader["points"] = 300
    return nb


@pytest.mark.parametrize("kind", ["bonus-test", "answer-graded", "test-as-answer", "points"])
def test_tampered_nbgrader_metadata_is_restored_from_the_release(tmp_path, workspace, kind):
    write_nb(_tampered(kind), tmp_path / "inbox" / "s" / NB)
    row = collect.collect(tmp_path / "inbox", A, workspace)[0]
    assert row.status_text == "collected" and "nbgrader metadata" in row.note, row
    stored = nbformat.read(str(workspace / "submitted" / "s" / A / NB), as_version=4)
    release = {grade_id(c): c.metadata.nbgrader for c in release_nb(A).cells}
    for cell in stored.cells:
        if grade_id(cell):
            assert cell.metadata.nbgrader == release[grade_id(cell)], grade_id(cell)
    assert "bonus" not in [grade_id(c) for c in stored.cells]


def test_bom_and_lone_surrogates_are_stored_as_parsed(tmp_path, workspace):
    nb = solved_nb(A)
    nb.cells.insert(3, nbformat.v4.new_markdown_cell("a lone surrogate: \ud800 and a pair \U0001F600"))
    nb.cells[3]["id"] = "mine"
    text = json.dumps(nb, ensure_ascii=True)  # the lone surrogate as the escape "\ud800", which JSON allows
    path = tmp_path / "inbox" / "s" / NB
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    before = path.read_bytes()
    row = collect.collect(tmp_path / "inbox", A, workspace)[0]
    assert row.status_text == "collected"
    stored = (workspace / "submitted" / "s" / A / NB).read_bytes()
    assert not stored.startswith(b"\xef\xbb\xbf")
    stored.decode("utf-8")  # strict: no surrogates
    cell = nbformat.reads(stored.decode(), as_version=4).cells[3]
    assert cell.source == "a lone surrogate: \ufffd and a pair \U0001F600"
    assert path.read_bytes() == before, "a handed-in file was changed"


def test_swapped_answer_ids_are_restored_by_the_function_each_cell_defines(tmp_path, workspace):
    write_nb(_swap_answer_ids(solved_nb(A), "softmax", "softmax_cross_entropy"), tmp_path / "inbox" / "s" / NB)
    row = collect.collect(tmp_path / "inbox", A, workspace)[0]
    assert row.status_text == "collected" and "swapped" in row.note
    stored = nbformat.read(str(workspace / "submitted" / "s" / A / NB), as_version=4)
    src = {grade_id(c): c.source for c in stored.cells if grade_id(c)}
    assert "def softmax(" in src["softmax"] and "def softmax_cross_entropy(" in src["softmax_cross_entropy"]


def _with_big_image(nb, megabytes):
    cell = nbformat.v4.new_markdown_cell("my plot: ![plot](attachment:plot.png)")
    cell["id"] = "pasted"
    cell["attachments"] = {"plot.png": {"image/png": "A" * (megabytes << 20)}}
    nb.cells.insert(3, cell)
    return nb


def test_a_huge_pasted_image_is_left_out_of_the_graded_copy(tmp_path, workspace):
    path = write_nb(_with_big_image(solved_nb(A), 8), tmp_path / "inbox" / "s" / NB)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    row = collect.collect(tmp_path / "inbox", A, workspace)[0]
    assert row.status_text == "collected" and "too big to grade" in row.note
    stored = workspace / "submitted" / "s" / A / NB
    assert stored.stat().st_size < 1 << 20
    cell = nbformat.read(str(stored), as_version=4).cells[3]
    assert "plot.png" not in cell.get("attachments", {}) and "attachment:plot.png" not in cell.source
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before, "a handed-in file was changed"


# ---------------------------------------------------------------- items 8 and 13 through the grader

def test_tampered_and_odd_notebooks_grade_like_the_clean_one(tmp_path):
    clean = nbformat.writes(solved_nb(A))
    surrogate = solved_nb(A)
    surrogate.cells.insert(3, nbformat.v4.new_markdown_cell("lone: \udc80"))
    surrogate.cells[3]["id"] = "mine"
    submissions = {kind: _tampered(kind) for kind in ["bonus-test", "answer-graded", "test-as-answer", "points"]}
    submissions.update({
        "bom": b"\xef\xbb\xbf" + clean.encode(),
        "surrogate": json.dumps(json.loads(nbformat.writes(surrogate))).encode(),
        "swapped": _swap_answer_ids(solved_nb(A), "softmax", "softmax_cross_entropy"),
        "big-image": _with_big_image(solved_nb(A), 105),  # over the sandbox's 100 MiB per file
    })
    rows, _ = grade_class(tmp_path, A, submissions, timeout=20)
    for student in submissions:
        assert rows[student].status_text == "graded", (student, rows[student].status_text)
        assert (rows[student].score, rows[student].max_score) == (10, 10), (student, rows[student].cells)


# ---------------------------------------------------------------- items 14 and 15: feedback pages

class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.handlers, self.scripts, self._in_script = [], [], False

    def handle_starttag(self, tag, attrs):
        self.handlers += [(tag, k) for k, _ in attrs if k.lower().startswith("on")]
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


def _extra(nb, cell):
    cell["id"] = f"mine-{len(nb.cells)}"
    nb.cells.insert(3, cell)
    return nb


def test_feedback_pages_are_made_one_by_one_and_never_run_student_html(tmp_path, monkeypatch, capsys):
    xss_md = ("<script>window.PWNED_MD = 1</script> <img src=x onerror=\"window.PWNED_IMG = 1\">\n\n"
              "[click](javascript:window.PWNED_LINK=1)")
    xss_out = ("from IPython.display import HTML, display, Javascript, SVG\n"
               "display(HTML('<b>bold</b><script>window.PWNED_OUT = 1</script><img src=x onerror=\"window.PWNED_ERR=1\">'))\n"
               "display(Javascript('window.PWNED_JS = 1'))\n"
               "display(SVG('<svg xmlns=\"http://www.w3.org/2000/svg\"><script>window.PWNED_SVG=1</script></svg>'))")
    widget = ("from IPython.display import display\n"
              "display({'application/vnd.jupyter.widget-view+json': {'model_id': 'x', 'version_major': 2, "
              "'version_minor': 0}, 'text/plain': 'a widget'}, raw=True)")
    widget_nb = _extra(solved_nb(A), nbformat.v4.new_code_cell(widget))
    widget_nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": "not a state"}
    submissions = {
        "a-attachment": _extra(solved_nb(A), nbformat.v4.new_markdown_cell("see ![x](attachment:missing.png)")),
        "b-widget": widget_nb,
        "c-ansi": _extra(solved_nb(A), nbformat.v4.new_code_cell(
            "print('\\x1b[38;5;300mred\\x1b[0m \\x1b[999m \\x1b[38;2;1m \\x1b]8;;http://x\\x07link\\x1b]8;;\\x07')")),
        "d-xss-md": _extra(solved_nb(A), nbformat.v4.new_markdown_cell(xss_md)),
        "e-xss-out": _extra(solved_nb(A), nbformat.v4.new_code_cell(xss_out)),
        "f-plain": solved_nb(A),
    }
    rows, ws = grade_class(tmp_path, A, submissions)
    assert all(r.status_text == "graded" for r in rows.values()), {s: r.status_text for s, r in rows.items()}
    pages = feedback.generate(ws, A)
    assert len(pages) == len(submissions) and all(p.exists() for p in pages)
    for page in pages:
        text = page.read_text()
        assert "The full feedback page for this notebook could not be made" not in text, page
        tags = _Tags()
        tags.feed(text)
        assert not tags.handlers, (page, tags.handlers)
        assert not [s for s in tags.scripts if "PWNED" in s], page
        assert 'href="javascript:' not in text.lower(), page
        assert "Score: 10.0 / 10.0" in text, page

    # a page nbgrader cannot make: a plain page and a warning, and the others are made as usual
    from nbgrader.apps import NbGraderAPI
    real = NbGraderAPI.generate_feedback

    def broken_for_a(self, assignment, student_id, force=True):
        if student_id == "a-attachment":
            raise ValueError("<b>cannot</b> render")
        return real(self, assignment, student_id, force=force)
    monkeypatch.setattr(NbGraderAPI, "generate_feedback", broken_for_a)
    for page in pages:
        page.unlink()
    capsys.readouterr()
    pages = feedback.generate(ws, A)
    assert all(p.exists() for p in pages)
    plain = next(p for p in pages if "a-attachment" in str(p)).read_text()
    assert "could not be made" in plain and "<b>cannot</b>" not in plain and "10" in plain
    assert "a-attachment" in capsys.readouterr().err
    assert all("could not be made" not in p.read_text() for p in pages if "a-attachment" not in str(p))
