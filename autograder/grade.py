"""``grade``: autograde every collected submission of an assignment with nbgrader.

Each submission is autograded by nbgrader in a process of its own, and its
notebook runs in the sandbox (``sandbox.py``), so one that crashes, hangs or
cannot be read gets a reason in the ledger and the batch goes on. ``workers``
processes grade side by side; only this parent process writes the ledger,
after each submission, so a batch killed half-way and run again grades each
submission exactly once. A job is a plain function of (workspace, assignment,
student, limits): the unit a cluster engine could run elsewhere.

Before every batch a canary runs: the reference solution, graded the same way (a worker
process, the sandbox, the judge) in a scratch workspace. If it does not get full marks, the
environment is broken (a foreign ``course``, a missing package) and nothing is graded: a
whole class would otherwise get 0 as "graded". The error names the failing cell and its error.
"""
import contextlib
import multiprocessing
import os
import re
import shutil
import sys
import warnings
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.apps import NbGraderAPI
from tqdm.auto import tqdm

from .cells import fill_answers, grade_id, is_test_cell, reference_answers
from .ledger import Ledger
from .release import generate
from .sandbox import limit_warnings
from .paths import RELEASE_DIR, SOURCE_DIR, notebook_name
from .pipeline import nbgrader_config

_EXCEPTION = re.compile(r"\b(\w+(?:Error|Exception|Interrupt)): ?(.*)$")


def failure_reason(result):
    """A plain-words reason from nbgrader's error text and log (its own wrapper exception skipped)."""
    text = (result.get("error") or "") + "\n" + (result.get("log") or "")
    found = [m.groups() for m in map(_EXCEPTION.search, text.splitlines())
             if m and m.group(1) != "NbGraderException"]
    if not found:
        return "nbgrader could not grade it (see the grading log)"
    name, message = found[-1]
    if name == "SandboxError":  # already in plain words (timeouts and kernel deaths inside a cell are the runner's)
        return message.strip()[:300]
    return f"{name}: {message}".strip()[:300]


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
    """Put the assignment (its cells and hidden tests) into the workspace's gradebook; configure nbgrader there."""
    from . import nbgrader_setup  # (it imports feedback, which imports this module's neighbours)
    nbgrader_setup.write(workspace)
    generate(assignment, release_dir=workspace / "release", workspace=workspace)


@contextlib.contextmanager
def _stderr_to(path):
    """Send this process's stderr (nbgrader's and its libraries' chatter) to a log file."""
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


def grade_one(workspace, assignment, student_id, timeout):
    """Autograde one submission (runs in a worker process); returns the ledger fields to update."""
    with _stderr_to(Path(workspace) / "logs" / f"grade-{assignment}.log"):
        api = NbGraderAPI(config=nbgrader_config(workspace, timeout=timeout))
        result = api.autograde(assignment, student_id, force=True, create=True)
        found = scores(workspace, assignment, student_id) if result["success"] else None
    if found is None:
        return {"status": f"not graded: {failure_reason(result)}"}
    return {"status": "graded", "score": found[0], "max_score": found[1],
            "cells": {k: list(v) for k, v in found[2].items()}}


CANARY = "reference-canary"  # the canary's student id, in its own scratch workspace only
CANARY_DIR = ".canary"


class CanaryError(RuntimeError):
    """The reference solution did not get full marks here: nothing was graded."""


def canary_submission(workspace, assignment):
    """A scratch workspace (``<workspace>/.canary``) holding the reference solution as a handed-in notebook."""
    scratch = Path(workspace) / CANARY_DIR
    shutil.rmtree(scratch, ignore_errors=True)
    name = notebook_name(assignment)
    source = nbformat.read(str(SOURCE_DIR / assignment / name), as_version=4)
    release = nbformat.read(str(RELEASE_DIR / assignment / name), as_version=4)
    path = scratch / "submitted" / CANARY / assignment / name
    path.parent.mkdir(parents=True)
    nbformat.write(fill_answers(release, reference_answers(source)), str(path))
    prepare(scratch, assignment)
    return scratch


def canary_problem(result, autograded):
    """None if the canary got full marks; else what went wrong, naming the failing cells and the first error.

    ``result`` is what ``grade_one`` returned; ``autograded`` the canary's graded notebook (or None).
    """
    if result.get("status") == "graded" and result["score"] == result["max_score"]:
        return None
    head = (f"the reference solution got {result['score']:g}/{result['max_score']:g} here"
            if result.get("status") == "graded" else f"the reference solution could not be graded ({result['status']})")
    lines = [f"{head}, so the environment is broken and nothing was graded."]
    if autograded is not None:
        failed = [f"{k} ({v[0]:g}/{v[1]:g})" for k, v in result.get("cells", {}).items() if v[0] != v[1]]
        if failed:
            lines.append(f"Test cells without full marks: {', '.join(failed)}.")
        for cell in autograded.cells:
            errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
            if cell.cell_type == "code" and errors and not is_test_cell(cell):
                lines.append(f"First failing cell: {grade_id(cell) or '(no id)'}: {errors[0].get('ename')}: "
                             f"{str(errors[0].get('evalue'))[:300]}")
                if "course" in str(errors[0].get("evalue")):
                    lines.append("The course helpers could not be imported in the sandbox: grade with this repository's "
                                 "own virtual environment (`make setup`, or `pip install -e .` into the one you use).")
                break
    return "\n".join(lines)


def run_canary(pool, workspace, assignment, timeout):
    """Grade the reference solution in ``pool`` (as a submission would be); CanaryError if it loses points."""
    scratch = canary_submission(workspace, assignment)
    try:
        result = pool.submit(grade_one, str(scratch), assignment, CANARY, timeout).result()
    except Exception as exc:  # the worker process itself died
        result = {"status": f"not graded: the grading process failed ({type(exc).__name__}: {exc})"}
    graded = scratch / "autograded" / CANARY / assignment / notebook_name(assignment)
    autograded = nbformat.read(str(graded), as_version=4) if graded.exists() else None
    problem = canary_problem(result, autograded)
    if problem:
        raise CanaryError(f"{problem}\n(the canary's graded notebook and log are in {scratch})")
    shutil.rmtree(scratch, ignore_errors=True)


def grade(workspace, assignment, regrade=False, timeout=60, progress=True, workers=None):
    """Autograde the assignment's collected submissions; returns the ledger records graded."""
    workspace = Path(workspace)
    ledger = Ledger(workspace)
    todo = [r for r in ledger.for_assignment(assignment)
            if r["status"] == "collected" or (regrade and (workspace / "submitted" / r["student_id"] / assignment).exists())]
    if not todo:
        return []
    for warning in limit_warnings():
        print(f"WARNING: {warning}", file=sys.stderr)
    prepare(workspace, assignment)
    workers = max(1, min(workers or os.cpu_count() or 1, len(todo)))
    # a fresh process per submission, forked from a server that has nbgrader imported already
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["autograder.grade"])
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, max_tasks_per_child=1) as pool:
        run_canary(pool, workspace, assignment, timeout)  # nothing is graded unless the reference gets full marks
        futures = {pool.submit(grade_one, str(workspace), assignment, r["student_id"], timeout): r for r in todo}
        bar = tqdm(as_completed(futures), total=len(futures), desc=f"grading {assignment} ({workers} workers)",
                   unit="submission", disable=not progress, file=sys.stdout)
        for future in bar:
            record = futures[future]
            for key in ("score", "max_score", "cells"):
                record.pop(key, None)
            try:
                record.update(future.result())
            except Exception as exc:  # the worker process itself died
                record["status"] = f"not graded: the grading process failed ({type(exc).__name__}: {exc})"[:300]
            ledger.put(record)
            ledger.save()  # after every submission: an interrupted batch keeps what it finished
    return todo
