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


def pytest_configure(config):
    config.addinivalue_line("markers", "xdist_group(name): tests that --dist loadgroup runs in one worker")


def _group(item):
    """The item's xdist group as xdist names it (several marks: their names sorted, joined by _), or None."""
    names = {str(m.args[0] if m.args else m.kwargs.get("name", "default")) for m in item.iter_markers("xdist_group")}
    return "_".join(sorted(names)) or None


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook, which appends the group to each node id (xdist/remote.py)
def pytest_collection_modifyitems(config, items):
    """Give every item an xdist group, for ``make test``'s ``--dist loadgroup``: its file's, unless it has one.

    The file's group keeps what --dist loadfile gave: a file's tests (a source notebook's nbval cells too) run in
    one worker, in order. test_catalogue.py marks its grading tests per lecture instead (``_lecture``): a lecture is
    graded once per worker, and different lectures may run on different workers.
    """
    for item in items:
        if _group(item) is None:
            path = Path(str(item.path))
            try:
                path = path.relative_to(config.rootpath)
            except ValueError:
                pass
            item.add_marker(pytest.mark.xdist_group(path.as_posix()))


@pytest.hookimpl(trylast=True, specname="pytest_collection_modifyitems")
def pytest_collection_modifyitems_after_xdist(config, items):
    """In an xdist worker under --dist loadgroup: make sure each node id ends in ``@group``, after xdist's hook.

    The controller schedules by that suffix alone. xdist 3.8 writes it to ``item._nodeid``, which pytest 9.2 no
    longer reads (node ids became structured, ``item._id``; pytest-xdist issue #1386): the suffix is then lost and
    every test is scheduled on its own, splitting a notebook's nbval cells and grading a lecture in both workers.
    Where xdist's suffix did not take, it is set here; if that does not take either, the run stops.
    """
    if not getattr(config.option, "loadgroup", False):  # set in xdist's workers only
        return
    for item in items:
        group = _group(item)
        if group is None or item.nodeid.endswith(f"@{group}"):
            continue
        nodeid = f"{item.nodeid}@{group}"
        node_id = getattr(item, "_id", None)
        if node_id is not None and hasattr(type(node_id), "parse"):  # pytest >= 9.2
            item._id = type(node_id).parse(nodeid)
        if item.nodeid != nodeid:
            raise pytest.UsageError(f"--dist loadgroup: cannot put {item.nodeid} in its group {group}; run with "
                                    "--dist loadfile, or a pytest-xdist that supports this pytest")


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
