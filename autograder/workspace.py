"""Where things are: the course's sources and release, and the instructor's workspace.

The workspace (default ``grading/``, ignored by git) holds nbgrader's
``submitted/``, ``autograded/`` and ``feedback/`` folders, the SQLite
gradebook, and ``ledger.json``, our record of what was handed in and what
became of it.
"""
from pathlib import Path

from nbgrader.converters import Autograde
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import Execute
from traitlets.config import Config

from .preprocessors import SandboxedExecute, StderrIsNotFailure

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


def nbgrader_config(workspace, release_dir=None, timeout=60, source_dir=None):
    """nbgrader configuration for a workspace; sources come from the repository unless ``source_dir`` says otherwise."""
    workspace = Path(workspace).resolve()
    c = Config()
    c.CourseDirectory.root = str(workspace)
    c.CourseDirectory.course_id = COURSE_ID
    c.CourseDirectory.source_directory = str(source_dir or SOURCE_DIR)
    c.CourseDirectory.release_directory = str(release_dir or workspace / "release")
    c.CourseDirectory.db_url = f"sqlite:///{workspace / 'gradebook.db'}?timeout=60"  # workers wait for each other
    # the lecture texts (<A>.py) hold the solutions and hidden tests: nbgrader never copies them anywhere
    c.CourseDirectory.ignore = [*CourseDirectory.class_traits()["ignore"].default(), "*.py"]
    c.ClearSolutions.code_stub = {"python": CODE_STUB}
    c.SandboxedExecute.cell_timeout = timeout
    c.SandboxedExecute.source_directory = str(source_dir or SOURCE_DIR)
    # nbgrader's own autograde pipeline, with its Execute step replaced by ours
    steps = []
    for step in Autograde.class_traits()["autograde_preprocessors"].default():
        steps += [SandboxedExecute, StderrIsNotFailure] if step is Execute else [step]
    c.Autograde.autograde_preprocessors = steps
    return c
