"""Grading through the real autograder: reference answers, blank notebooks, the sample class, faults, the CLI."""
import csv
import json

import nbformat
import pytest

from autograder import collect, demo, export, grade
from autograder.demo import sample_class
from autograder.__main__ import main
from autograder.cells import find_cell, graded_cells

from conftest import ASSIGNMENTS, release_nb, solved_nb, source_nb, write_nb


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_reference_answers_get_full_marks_and_the_blank_release_zero(assignment, tmp_path, workspace):
    inbox = tmp_path / "inbox"
    write_nb(solved_nb(assignment), inbox / "solved" / f"{assignment}.ipynb")
    write_nb(release_nb(assignment), inbox / "blank" / f"{assignment}.ipynb")
    collect.collect(inbox, assignment, workspace)
    grade.grade(workspace, assignment, progress=False)
    rows = {r["student_id"]: r for r in export.rows(workspace, assignment)}
    total = sum(graded_cells(source_nb(assignment)).values())
    assert rows["solved"]["status"] == "graded" and rows["solved"]["score"] == rows["solved"]["max_score"] == total
    assert rows["blank"]["status"] == "graded" and rows["blank"]["score"] == 0


def test_sample_class_gets_its_expected_scores(tmp_path):
    lines = []
    assert demo.run(tmp_path, out=lines.append, release=False), "\n".join(lines)
    rows = {r["student_id"]: r for r in csv.DictReader(open(tmp_path / "demo" / "grades.csv"))}
    assert len(rows) == len(sample_class.SAMPLES)
    for student, (score, status) in sample_class.expected().items():
        assert rows[student]["status"].startswith(status), (student, rows[student])
        if score is not None:
            assert float(rows[student]["score"]) == score, (student, rows[student])
    table = "\n".join(lines)
    assert "13 of 13 rows as expected" in table


def test_a_crashing_and_a_hanging_submission_cost_only_their_cells(tmp_path, workspace):
    a = "02_softmax"
    inbox = tmp_path / "inbox"
    write_nb(solved_nb(a, softmax="import os\nos._exit(3)"), inbox / "crash" / f"{a}.ipynb")
    write_nb(solved_nb(a, softmax="while True:\n    pass"), inbox / "hang" / f"{a}.ipynb")
    write_nb(solved_nb(a), inbox / "fine" / f"{a}.ipynb")
    collect.collect(inbox, a, workspace)
    grade.grade(workspace, a, timeout=10, progress=False)
    rows = {r["student_id"]: r for r in export.rows(workspace, a)}
    assert rows["fine"]["score"] == 10
    # the kernel is restarted after the crash or the stopped loop; only softmax (3 points) is lost
    assert rows["crash"]["status"] == "graded" and rows["crash"]["score"] == 7
    assert rows["hang"]["status"] == "graded" and rows["hang"]["score"] == 7
    nb = nbformat.read(str(workspace / "autograded" / "crash" / a / f"{a}.ipynb"), as_version=4)
    died = find_cell(nb, "softmax")
    assert any(o.get("ename") == "DeadKernelError" for o in died.outputs)


def test_cli_collect_grade_export(tmp_path, capsys):
    a = "02_softmax"
    ws = tmp_path / "ws"
    inbox = tmp_path / "inbox"
    write_nb(solved_nb(a), inbox / "s1" / f"{a}.ipynb")
    (inbox / "s2").mkdir()
    (inbox / "s2" / f"{a}.ipynb").write_text("{ not json")
    assert main(["--workspace", str(ws), "collect", str(inbox), "--assignment", a]) == 0
    assert main(["--workspace", str(ws), "grade", a]) == 0
    out_csv = tmp_path / "grades.csv"
    assert main(["--workspace", str(ws), "export", "--out", str(out_csv)]) == 0
    rows = list(csv.DictReader(open(out_csv)))
    assert [list(r) for r in rows][0] == export.COLUMNS
    by_id = {r["student_id"]: r for r in rows}
    assert by_id["s1"]["score"] == "10" and by_id["s1"]["max_score"] == "10" and by_id["s1"]["status"] == "graded"
    assert by_id["s2"]["score"] == "" and by_id["s2"]["status"].startswith("not graded: not a readable notebook")
    capsys.readouterr()
    assert main(["--workspace", str(ws), "grade", "no_such_lecture"]) == 2
    assert "unknown assignment" in capsys.readouterr().err


def test_grading_twice_grades_nothing_new(tmp_path, workspace):
    a = "02_softmax"
    inbox = tmp_path / "inbox"
    write_nb(solved_nb(a), inbox / "s1" / f"{a}.ipynb")
    collect.collect(inbox, a, workspace)
    assert len(grade.grade(workspace, a, progress=False)) == 1
    assert grade.grade(workspace, a, progress=False) == []
    collect.collect(inbox, a, workspace)
    assert grade.grade(workspace, a, progress=False) == []
    ledger = json.loads((workspace / "ledger.json").read_text())
    assert ledger[f"{a}/s1"]["score"] == 10


def test_a_batch_killed_half_way_grades_each_submission_exactly_once(tmp_path, workspace):
    import os
    import signal
    import subprocess
    import sys
    import time
    from autograder.ledger import Ledger
    a = "02_softmax"
    inbox = tmp_path / "inbox"
    for k in range(4):
        write_nb(solved_nb(a), inbox / f"s{k}" / f"{a}.ipynb")
    collect.collect(inbox, a, workspace)
    root = str(__import__("autograder").__path__[0].rsplit("/", 1)[0])
    cmd = [sys.executable, "-m", "autograder", "--workspace", str(workspace), "grade", a, "--workers", "1"]
    proc = subprocess.Popen(cmd, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 120
    while time.time() < deadline:
        graded = [r for r in Ledger(workspace).for_assignment(a) if r.status == "graded"] if (workspace / "ledger.json").exists() else []
        if graded:
            break
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    first = {r.student_id: r for r in Ledger(workspace).for_assignment(a) if r.status == "graded"}
    assert 1 <= len(first) < 4, "the batch should have been killed half-way"
    stamps = {s: (workspace / "autograded" / s / a / f"{a}.ipynb").stat().st_mtime_ns for s in first}
    redone = grade.grade(workspace, a, progress=False)
    assert sorted(r.student_id for r in redone) == sorted(set(f"s{k}" for k in range(4)) - set(first))
    rows = export.rows(workspace, a)
    assert [r["score"] for r in rows] == [10] * 4
    assert all((workspace / "autograded" / s / a / f"{a}.ipynb").stat().st_mtime_ns == t for s, t in stamps.items()), \
        "a submission graded before the kill was graded again"


def test_a_stored_notebook_that_disappeared_is_reported_and_the_others_are_graded(tmp_path, workspace):
    a = "00_getting_started"
    for student in ("kept", "lost"):
        write_nb(solved_nb(a), tmp_path / "inbox" / student / f"{a}.ipynb")
    collect.collect(tmp_path / "inbox", a, workspace)
    (workspace / "submitted" / "lost" / a / f"{a}.ipynb").unlink()
    done = grade.grade(workspace, a, progress=False, workers=1)
    rows = {r["student_id"]: r for r in export.rows(workspace, a)}
    assert sorted(r.student_id for r in done) == ["kept", "lost"]
    assert rows["kept"]["status"] == "graded" and rows["kept"]["score"] == rows["kept"]["max_score"]
    assert rows["lost"]["status"].startswith("not graded: the stored notebook cannot be read")
    assert "run collect again" in rows["lost"]["status"]
