"""collect: folders per student, LMS downloads (Canvas names, zips), resubmissions, bad files."""
import hashlib
import json
import re
import zipfile

import nbformat
import pytest

from autograder import collect
from autograder.ledger import Ledger

from conftest import release_nb, write_nb

A = "02_softmax"


def canvas_match(name):
    m = re.match(collect.CANVAS_PATTERN, name, re.IGNORECASE)
    return m and m.groupdict()


@pytest.mark.parametrize("name, student, submission, attempt", [
    ("smithjane_12345_678901_02_softmax.ipynb", "12345", "678901", None),
    ("smithjane_late_12345_678901_02_softmax.ipynb", "12345", "678901", None),
    ("smithjane_LATE_12345_678901_02_softmax-2.ipynb", "12345", "678901", "2"),
    ("smithjane_12345_678901_Copy of 02_softmax.ipynb", "12345", "678901", None),
    ("smithjane_12345_678901_hw_2_final.ipynb", "12345", "678901", None),
])
def test_canvas_names(name, student, submission, attempt):
    g = canvas_match(name)
    assert g and g["student_id"] == student and g["submission_id"] == submission and g["attempt"] == attempt


@pytest.mark.parametrize("name", ["02_softmax.ipynb", "smithjane_02_softmax.ipynb", "smithjane_12a_1_x.ipynb"])
def test_non_canvas_names_do_not_match(name):
    assert not canvas_match(name)


def _hashes(folder):
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*") if p.is_file()}


def test_folder_per_student_with_renamed_file(tmp_path, workspace):
    inbox = tmp_path / "inbox"
    write_nb(release_nb(A), inbox / "alice" / f"{A}.ipynb")
    write_nb(release_nb(A), inbox / "bob" / "Copy of my homework.ipynb")
    before = _hashes(inbox)
    records = collect.collect(inbox, A, workspace)
    assert {r.student_id: r.status_text for r in records} == {"alice": "collected", "bob": "collected"}
    assert (workspace / "submitted" / "bob" / A / f"{A}.ipynb").exists()
    assert _hashes(inbox) == before, "collect changed a handed-in file"


def test_canvas_zip_latest_wins_and_bad_files_are_reported(tmp_path, workspace):
    good = nbformat.writes(release_nb(A)).encode()
    marked = good.replace(b"# YOUR CODE HERE", b"# attempt two", 1)
    zpath = tmp_path / "download.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.writestr("doejohn_2001_900_02_softmax.ipynb", good)
        zf.writestr("doejohn_2001_901_02_softmax-1.ipynb", marked)
        zf.writestr("roeann_late_2002_902_02_softmax.ipynb", good[:200])
        zf.writestr("roeann2_2003_903_02_softmax.ipynb", b"")
        zf.writestr("roeann3_2004_904_02_softmax.ipynb", b"\xff\xfe not text")
        zf.writestr("homework.ipynb", good)
    records = {r.student_id: r for r in collect.collect(zpath, A, workspace)}
    assert records["2001"].status_text == "collected" and records["2001"].files_handed_in == 2
    assert b"# attempt two" in (workspace / "submitted" / "2001" / A / f"{A}.ipynb").read_bytes()
    assert records["2002"].status_text.startswith("not graded: not a readable notebook: the file is not valid JSON")
    assert records["2003"].status_text == "not graded: empty file"
    assert "not UTF-8" in records["2004"].status_text
    assert "does not say whose it is" in records["unknown:homework.ipynb"].status_text
    assert not (workspace / "submitted" / "2002").exists()
    ledger = json.loads((workspace / "ledger.json").read_text())
    assert len(ledger) == 5


def test_custom_pattern(tmp_path, workspace):
    inbox = tmp_path / "flat"
    write_nb(release_nb(A), inbox / "s1234-hw02.ipynb")
    records = collect.collect(inbox, A, workspace, pattern=r"^s(?P<student_id>\d+)-hw02\.ipynb$")
    assert [r.student_id for r in records] == ["1234"]
    with pytest.raises(ValueError, match="student_id"):
        collect.collect(inbox, A, workspace, pattern=r"^s(\d+)")


def test_a_student_id_that_is_not_a_safe_folder_name_is_reported(tmp_path, workspace):
    inbox = tmp_path / "flat"
    write_nb(release_nb(A), inbox / "x..y_1.ipynb")
    records = collect.collect(inbox, A, workspace, pattern=r"^x(?P<student_id>.+)_1\.ipynb$")
    assert records[0].status_text.startswith("not graded: the student id '..y' cannot be used as a folder name")
    assert not (workspace / "y").exists() and not (workspace / "submitted" / "..y").exists()


def test_zip_slip_is_refused(tmp_path, workspace):
    zpath = tmp_path / "evil.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.writestr("../../escaped_1_2_x.ipynb", "{}")
    with pytest.raises(ValueError, match="outside the archive"):
        collect.collect(zpath, A, workspace)
    assert not (tmp_path.parent / "escaped_1_2_x.ipynb").exists()


def test_not_a_zip_or_missing_path(tmp_path, workspace):
    bogus = tmp_path / "file.txt"
    bogus.write_text("hello")
    with pytest.raises(ValueError, match="not a zip"):
        collect.collect(bogus, A, workspace)
    with pytest.raises(FileNotFoundError):
        collect.collect(tmp_path / "nope", A, workspace)


def test_recollecting_the_same_file_keeps_its_grade(tmp_path, workspace):
    inbox = tmp_path / "inbox"
    write_nb(release_nb(A), inbox / "alice" / f"{A}.ipynb")
    collect.collect(inbox, A, workspace)
    ledger = Ledger(workspace)
    rec = ledger.get(A, "alice")
    rec.mark_graded(1.0, 10.0, {})
    ledger.put(rec)
    ledger.save()
    assert collect.collect(inbox, A, workspace)[0].status_text == "graded"
    nb = release_nb(A)
    nb.cells[0].source += "\nchanged"
    write_nb(nb, inbox / "alice" / f"{A}.ipynb")
    assert collect.collect(inbox, A, workspace)[0].status_text == "collected"
