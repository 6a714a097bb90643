"""``grade``: autograde every collected submission of an assignment with nbgrader.

Each submission is autograded by nbgrader in a process of its own, and its
notebook runs in the sandbox (``sandbox.py``), so one that crashes, hangs or
cannot be read gets a reason in the ledger and the batch goes on. ``workers``
processes grade side by side; only this parent process writes the ledger,
after each submission, so a batch killed half-way and run again grades each
submission exactly once. A job is a plain function of (workspace, assignment,
student, limits): the unit a cluster engine could run elsewhere.
"""
import contextlib
import multiprocessing
import os
import re
import sys
import warnings
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.apps import NbGraderAPI
from tqdm.auto import tqdm

from .ledger import Ledger
from .release import generate
from .sandbox import limit_warnings
from .workspace import nbgrader_config

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
    """Put the assignment (its cells and hidden tests) into the workspace's gradebook."""
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
