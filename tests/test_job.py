"""The grading job: data in, data out, in a private temporary workspace."""
import os
import tempfile

import nbformat
import pytest

from autograder import job as job_mod
from autograder.cells import reference_answers
from autograder.job import GRADED, NOT_GRADED, Job
from autograder.paths import SOURCE_DIR

from conftest import release_nb, solved_nb, source_nb

A = "00_getting_started"
SOURCE = (SOURCE_DIR / A / f"{A}.ipynb").read_bytes()


def as_bytes(nb):
    return nbformat.writes(nb).encode("utf-8")


def test_a_job_returns_scores_and_the_graded_notebook_and_leaves_nothing_behind(tmp_path, monkeypatch):
    here, private_tmp = tmp_path / "here", tmp_path / "tmp"
    here.mkdir(), private_tmp.mkdir()
    monkeypatch.chdir(here)
    monkeypatch.setattr(tempfile, "tempdir", str(private_tmp))
    solved = job_mod.run(Job(A, "alice", as_bytes(solved_nb(A)), SOURCE, timeout=30))
    blank = job_mod.run(Job(A, "bob", as_bytes(release_nb(A)), SOURCE, timeout=30))
    assert solved.status is GRADED and solved.score == solved.max_score > 0 and solved.reason == ""
    assert blank.status is GRADED and blank.score == 0 and set(blank.cells) == set(solved.cells)
    graded = nbformat.reads(solved.notebook.decode(), as_version=4)
    assert any(c.get("outputs") for c in graded.cells if c.cell_type == "code"), "the graded notebook has its outputs"
    assert "submitted/alice" in solved.log, "nbgrader's log comes back with the result"
    assert list(here.iterdir()) == [], "a job writes nothing where it runs"
    left = [p.name for p in private_tmp.iterdir()]
    assert left == [f"nn-course-gradebooks-{os.getuid()}"], f"its private workspace is removed; left: {left}"
    assert len(list((private_tmp / left[0]).iterdir())) == 1, "one cached gradebook for one source"


def test_a_job_grades_against_the_source_it_carries_not_the_machines_copy(tmp_path):
    source = nbformat.reads(SOURCE.decode(), as_version=4)
    for cell in source.cells:  # an answer key under which the reference answer of one_hot fails its test
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "test_one_hot":
            cell.source = "assert False, 'a different answer key'\n" + cell.source
    result = job_mod.run(Job(A, "carol", as_bytes(solved_nb(A)), as_bytes(source), timeout=30))
    assert result.status is GRADED and result.cells["test_one_hot"][0] == 0 and result.score < result.max_score


def test_a_notebook_nbgrader_cannot_grade_comes_back_with_a_reason():
    result = job_mod.run(Job(A, "dave", b'{"cells": "not a list"}', SOURCE, timeout=30))
    assert result.status is NOT_GRADED and result.reason and result.score is None


def test_a_cache_folder_someone_else_could_write_is_refused(monkeypatch, tmp_path):
    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(tmp_path))
    cache = tmp_path / f"nn-course-gradebooks-{os.getuid()}"
    cache.mkdir(mode=0o777)
    os.chmod(cache, 0o777)
    with pytest.raises(RuntimeError, match="is not a private folder of this user"):
        job_mod.run(Job(A, "erin", as_bytes(solved_nb(A)), SOURCE, timeout=30))


def test_a_job_that_needs_a_sandbox_is_refused_where_there_is_none(monkeypatch):
    monkeypatch.setattr(job_mod, "sandbox_status", lambda: (False, "bubblewrap (bwrap) is not installed"))
    with pytest.raises(job_mod.SandboxUnavailable, match="refused to grade without a sandbox on .*bwrap"):
        job_mod.run(Job(A, "frank", as_bytes(solved_nb(A)), SOURCE, require_sandbox=True))


def test_a_graders_manual_score_survives_regrading_and_counts_in_the_ledger(tmp_path):
    from nbgrader.api import Gradebook

    from autograder import collect, grade
    from autograder.ledger import Ledger
    from autograder.paths import COURSE_ID
    from autograder.pipeline import nbgrader_config
    from conftest import write_nb
    ws = tmp_path / "ws"
    write_nb(release_nb(A), tmp_path / "inbox" / "gina" / f"{A}.ipynb")
    collect.collect(tmp_path / "inbox", A, ws)
    grade.grade(ws, A, progress=False, workers=1)
    assert Ledger(ws).get(A, "gina").score == 0
    with Gradebook(nbgrader_config(ws).CourseDirectory.db_url, COURSE_ID) as gb:
        g = gb.find_grade("test_one_hot", A, A, "gina")
        g.manual_score = g.max_score  # formgrader: the grader gives the points by hand
        gb.db.commit()
        points = g.max_score
    grade.grade(ws, A, progress=False, workers=1, regrade=True)
    record = Ledger(ws).get(A, "gina")
    assert record.status == "graded" and record.score == points and record.cells["test_one_hot"] == [points, points]
    assert grade.scores(ws, A, "gina")[0] == points


def test_a_student_cannot_poison_the_cached_answer_key_of_later_jobs(tmp_path):
    """Attack: the gradebook cache is a fixed path in /tmp; a submission overwrites every cached gradebook it finds."""
    import glob
    import hashlib

    from autograder.sandbox import sandbox_status
    if not sandbox_status()[0]:
        pytest.skip("the sandbox's private /tmp is what stops this")
    from conftest import grade_class
    poison = ("import glob\nfor p in glob.glob('/tmp/nn-course-gradebooks-*/*.db'):\n"
              "    open(p, 'wb').write(b'poisoned')\n")
    job_mod.run(Job(A, "warm", as_bytes(solved_nb(A)), SOURCE, timeout=30))  # the cache exists before the attack
    cached = {p: hashlib.sha256(open(p, "rb").read()).hexdigest()
              for p in glob.glob(f"{tempfile.gettempdir()}/nn-course-gradebooks-{os.getuid()}/*.db")}
    rows, _ = grade_class(tmp_path, A, {"a-poisoner": solved_nb(A, one_hot=poison + reference_answers(source_nb(A))["one_hot"]),
                                        "b-honest": solved_nb(A)}, workers=1)
    assert cached and all(hashlib.sha256(open(p, "rb").read()).hexdigest() == h for p, h in cached.items())
    assert rows["b-honest"].status == "graded" and rows["b-honest"].score == rows["b-honest"].max_score
    assert rows["a-poisoner"].status == "graded" and rows["a-poisoner"].score == rows["a-poisoner"].max_score

