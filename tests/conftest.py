import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from autograder.cells import fill_answers, reference_answers  # noqa: E402
from autograder.paths import RELEASE_DIR, SOURCE_DIR, assignments  # noqa: E402


def source_nb(assignment):
    return nbformat.read(str(SOURCE_DIR / assignment / f"{assignment}.ipynb"), as_version=4)


def release_nb(assignment):
    return nbformat.read(str(RELEASE_DIR / assignment / f"{assignment}.ipynb"), as_version=4)


def solved_nb(assignment, **overrides):
    """The release notebook filled with the reference answers, then ``overrides`` (grade id -> code)."""
    return fill_answers(release_nb(assignment), {**reference_answers(source_nb(assignment)), **overrides})


def write_nb(nb, path):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path


@pytest.fixture
def workspace(tmp_path):
    return tmp_path / "ws"


ASSIGNMENTS = assignments()


def grade_class(tmp_path, assignment, submissions, timeout=20, workers=2):
    """Hand in {student: notebook or raw bytes} as a folder per student, collect and grade; returns ({student: ledger Record}, workspace)."""
    from autograder import collect, grade
    from autograder.ledger import Ledger
    inbox, ws = tmp_path / "inbox", tmp_path / "ws"
    for student, content in submissions.items():
        path = inbox / student / f"{assignment}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else nbformat.writes(content).encode())
    collect.collect(inbox, assignment, ws)
    grade.grade(ws, assignment, progress=False, timeout=timeout, workers=workers)
    return {r.student_id: r for r in Ledger(ws).for_assignment(assignment)}, ws
