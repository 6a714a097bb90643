"""Where things are: the course's sources and release, the instructor's workspace, the assignments.

The workspace (default ``grading/``, ignored by git) holds nbgrader's
``submitted/``, ``autograded/`` and ``feedback/`` folders, the SQLite
gradebook, and ``ledger.json``, our record of what was handed in and what
became of it.

This module imports nothing of the package and not nbgrader: any module may
import it.
"""
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIR = REPO_ROOT / "source_notebooks"
RELEASE_DIR = REPO_ROOT / "release"
DEFAULT_WORKSPACE = REPO_ROOT / "grading"
COURSE_ID = "nn-course"
CODE_STUB = "# YOUR CODE HERE\nraise NotImplementedError()"


def assignments():
    """Assignment names: the folders of ``source_notebooks/`` that hold a notebook."""
    return sorted(p.name for p in SOURCE_DIR.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


def check_assignment(name):
    """``name`` if it is a known assignment, else a ValueError listing the known ones."""
    known = assignments()
    if name not in known:
        raise ValueError(f"unknown assignment {name!r}; the course has: {', '.join(known)}")
    return name


def notebook_name(assignment):
    """The one notebook of an assignment, e.g. ``02_softmax.ipynb``."""
    found = sorted((SOURCE_DIR / assignment).glob("*.ipynb"))
    if len(found) != 1:
        raise ValueError(f"assignment {assignment!r} should have exactly one notebook, found {len(found)}")
    return found[0].name
