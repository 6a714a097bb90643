"""``grade``: autograde every collected submission of an assignment with nbgrader.

Each submission is autograded on its own (nbgrader starts a fresh kernel
process for it), so one that crashes, hangs until the timeout or cannot be
read gets a reason in the ledger and the batch goes on.
"""
import contextlib
import re
import os
import sys
import warnings
from pathlib import Path

from tqdm.auto import tqdm
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.apps import NbGraderAPI

from .ledger import Ledger
from .release import generate
from .workspace import nbgrader_config


_EXCEPTION = re.compile(r"\b(\w+(?:Error|Exception|Interrupt)): ?(.*)$")
_PLAIN = {
    "DeadKernelError": "the kernel died while running the notebook (a crash, os._exit or running out of memory)",
    "CellTimeoutError": "a cell ran longer than the time limit",
}


def failure_reason(result):
    """A plain-words reason from nbgrader's error text and log (its own wrapper exception skipped)."""
    text = (result.get("error") or "") + "\n" + (result.get("log") or "")
    found = [m.groups() for m in map(_EXCEPTION.search, text.splitlines())
             if m and m.group(1) != "NbGraderException"]
    if not found:
        return "nbgrader could not grade it (see the grading log)"
    name, message = found[-1]
    return _PLAIN.get(name, f"{name}: {message}".strip()[:300])


def scores(workspace, assignment, student_id):
    """(score, max_score, {grade_id: (score, max_score)}) from the gradebook, or None if not there."""
    config = nbgrader_config(workspace)
    with Gradebook(config.CourseDirectory.db_url, config.CourseDirectory.course_id) as gb:
        try:
            sub = gb.find_submission(assignment, student_id)
        except MissingEntry:
            return None
        cells = {g.name: (g.score, g.max_score) for nb in sub.notebooks for g in nb.grades}
        return sub.score, sub.max_score, cells


def prepare(workspace, assignment):
    """Put the assignment (its cells and hidden tests) into the workspace's gradebook."""
    generate(assignment, release_dir=workspace / "release", workspace=workspace)


@contextlib.contextmanager
def _stderr_to(path):
    """Send this process's and its kernels' stderr (nbgrader's and the kernels' chatter) to a log file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    sys.stderr.flush()
    saved = os.dup(2)
    with open(path, "a") as log, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        os.dup2(log.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)


@contextlib.contextmanager
def _kernel_env():
    """Environment the grading kernels inherit: shortened experiments (course.runtime) and the shipped data."""
    saved = {k: os.environ.get(k) for k in GRADING_ENV}
    os.environ.update(GRADING_ENV)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


GRADING_ENV = {"COURSE_GRADING": "1", "COURSE_OFFLINE": "1"}


def grade(workspace, assignment, regrade=False, timeout=300, progress=True):
    """Autograde the assignment's collected submissions; returns the ledger records graded."""
    workspace = Path(workspace)
    ledger = Ledger(workspace)
    todo = [r for r in ledger.for_assignment(assignment)
            if r["status"] == "collected" or (regrade and (workspace / "submitted" / r["student_id"] / assignment).exists())]
    if not todo:
        return []
    prepare(workspace, assignment)
    api = NbGraderAPI(config=nbgrader_config(workspace, timeout=timeout))
    bar = tqdm(todo, desc=f"grading {assignment}", unit="submission", disable=not progress, file=sys.stdout)
    for record in bar:
        with _stderr_to(workspace / "logs" / f"grade-{assignment}.log"), _kernel_env():
            result = api.autograde(assignment, record["student_id"], force=True, create=True)
        found = scores(workspace, assignment, record["student_id"]) if result["success"] else None
        if found is None:
            record["status"] = f"not graded: {failure_reason(result)}"
        else:
            record["status"] = "graded"
            record["score"], record["max_score"] = found[0], found[1]
            record["cells"] = {k: list(v) for k, v in found[2].items()}
        ledger.put(record)
        ledger.save()  # after every submission: an interrupted batch keeps what it finished
    return todo
