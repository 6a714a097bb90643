"""``grade``: autograde every collected submission of an assignment.

Each submission is one job (``job.py``): its notebook's bytes and the source
notebook go out, its scores and graded notebook come back, and the job runs
nbgrader's autograde in a private temporary workspace, with the notebook in the
sandbox (``sandbox.py``). Jobs run on this machine's cores or on a Dask cluster
(``executors.py``). Only this process writes the instructor's workspace: for
each result as it arrives, the graded notebook into ``autograded/``, the scores
into nbgrader's gradebook (by nbgrader's own ``SaveAutoGrades``) and the ledger
(``record``), so a batch killed half-way and run again grades each submission
exactly once. A submission that crashes, hangs or cannot be read gets a reason
in the ledger and the batch goes on.

Before every batch a canary runs: the reference solution, graded the same way (a job on
the same workers). If it does not get full marks, the environment is broken (a foreign
``course``, a missing package) and nothing is graded: a whole class would otherwise get
0 as "graded". The error names the failing cell and its error.
"""
import os
import shutil
import sys
import warnings
from dataclasses import replace
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook
from nbgrader.preprocessors import SaveAutoGrades
from sqlalchemy.exc import SAWarning
from tqdm.auto import tqdm

from . import job as job_mod
from .cells import fill_answers, grade_id, is_test_cell, reference_answers
from .executors import DaskWorkers, LocalWorkers
from .job import GRADED, NOT_GRADED, Job, Result
from .ledger import Ledger, Status
from .paths import COURSE_ID, RELEASE_DIR, SOURCE_DIR, notebook_name
from .pipeline import nbgrader_config
from .release import generate
from .sandbox import limit_warnings


def prepare(workspace, assignment):
    """Put the assignment (its cells and hidden tests) into the workspace's gradebook; configure nbgrader there."""
    from . import nbgrader_setup  # (only the instructor's process writes the workspace's nbgrader_config.py)
    nbgrader_setup.write(workspace)
    generate(assignment, release_dir=workspace / "release", workspace=workspace)


def scores(workspace, assignment, student_id):
    """(score, max_score, {grade_id: [score, max_score]}) from the workspace's gradebook, or None if not there."""
    return job_mod.scores(nbgrader_config(workspace).CourseDirectory.db_url, assignment, student_id)


def record(workspace, job, result):
    """Write one job's result into the instructor's workspace; returns the result as recorded.

    The graded notebook goes to ``autograded/``; its scores go into the gradebook by nbgrader's own
    ``SaveAutoGrades`` (manual scores a grader gave are kept, as with ``nbgrader autograde``), and
    must then read back as the job's: if they do not, the submission is reported, not scored.
    """
    workspace = Path(workspace)
    folder = workspace / "autograded" / job.student_id / job.assignment
    log = workspace / "logs" / f"grade-{job.assignment}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "a") as f:
        f.write(f"--- {job.assignment}/{job.student_id} (graded on {result.host or '?'}) ---\n{result.log}\n")
    shutil.rmtree(folder, ignore_errors=True)  # never a stale graded notebook beside a new result
    if result.status is not GRADED:
        return result
    try:
        nb = nbformat.reads(result.notebook.decode("utf-8"), as_version=4)
    except Exception as exc:
        return Result(NOT_GRADED, f"the graded notebook came back unreadable ({type(exc).__name__}: {exc})")
    db_url = nbgrader_config(workspace).CourseDirectory.db_url
    resources = {"nbgrader": {"notebook": Path(job.notebook_name).stem, "assignment": job.assignment,
                              "student": job.student_id, "db_url": db_url}}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SAWarning)  # nbgrader's own session chatter when it adds a submission
        with Gradebook(db_url, COURSE_ID) as gb:
            gb.update_or_create_student(job.student_id)
            gb.update_or_create_submission(job.assignment, job.student_id)
        SaveAutoGrades().preprocess(nb, resources)
    auto = job_mod.scores(db_url, job.assignment, job.student_id, auto=True)
    if auto is None or auto[2] != result.cells:
        return Result(NOT_GRADED, "the gradebook's scores differ from the grading job's: grade it again")
    folder.mkdir(parents=True)
    (folder / job.notebook_name).write_bytes(result.notebook)
    score, max_score, cells = job_mod.scores(db_url, job.assignment, job.student_id)  # a grader's manual scores count
    return replace(result, score=score, max_score=max_score, cells=cells)


def make_job(workspace, assignment, student_id, timeout):
    """The job for one collected submission."""
    name = notebook_name(assignment)
    return Job(assignment, student_id, (Path(workspace) / "submitted" / student_id / assignment / name).read_bytes(),
               (SOURCE_DIR / assignment / name).read_bytes(), timeout)


def _lost(exc):
    """The result for a job whose worker failed (not the submission's fault, but reported, never dropped)."""
    return Result(NOT_GRADED, f"the grading process failed ({type(exc).__name__}: {exc})"[:300])


CANARY = "reference-canary"  # the canary's student id, in its own scratch workspace only
CANARY_DIR = ".canary"


class CanaryError(RuntimeError):
    """The reference solution did not get full marks here: nothing was graded."""


def canary_job(assignment, timeout):
    """The reference solution as a handed-in notebook, graded as a student's would be."""
    name = notebook_name(assignment)
    source = nbformat.read(str(SOURCE_DIR / assignment / name), as_version=4)
    release = nbformat.read(str(RELEASE_DIR / assignment / name), as_version=4)
    notebook = nbformat.writes(fill_answers(release, reference_answers(source))).encode("utf-8")
    return Job(assignment, CANARY, notebook, (SOURCE_DIR / assignment / name).read_bytes(), timeout)


def canary_problem(result, autograded):
    """None if the canary got full marks; else what went wrong, naming the failing cells and the first error.

    ``result`` is the canary job's ``Result``; ``autograded`` its graded notebook (or None).
    """
    if result.status == GRADED and result.score == result.max_score:
        return None
    head = (f"the reference solution got {result.score:g}/{result.max_score:g} here" if result.status == GRADED
            else f"the reference solution could not be graded ({result.reason})")
    lines = [f"{head}, so the environment is broken and nothing was graded."]
    if autograded is not None:
        failed = [f"{k} ({v[0]:g}/{v[1]:g})" for k, v in result.cells.items() if v[0] != v[1]]
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


def run_canary(workers, workspace, assignment, timeout):
    """Grade the reference solution on ``workers`` (as a submission would be); CanaryError if it loses points.

    On failure its graded notebook and log are left in ``<workspace>/.canary`` to read.
    """
    job = canary_job(assignment, timeout)
    [(_, result)] = workers.results([job])
    if isinstance(result, Exception):
        result = _lost(result)
    autograded = None
    if result.notebook:
        try:
            autograded = nbformat.reads(result.notebook.decode("utf-8"), as_version=4)
        except Exception:
            pass
    problem = canary_problem(result, autograded)
    if problem:
        scratch = Path(workspace) / CANARY_DIR
        shutil.rmtree(scratch, ignore_errors=True)
        scratch.mkdir(parents=True)
        (scratch / "grading.log").write_text(result.log)
        if result.notebook:
            (scratch / job.notebook_name).write_bytes(result.notebook)
        raise CanaryError(f"{problem}\n(the canary's graded notebook and log are in {scratch})")


def grade(workspace, assignment, regrade=False, timeout=60, progress=True, workers=None, scheduler=None):
    """Autograde the assignment's collected submissions; returns the ledger records it wrote (graded or not).

    ``workers``: processes on this machine (default: all cores); ``scheduler``: the address of a
    Dask scheduler to send the jobs to instead.
    """
    workspace = Path(workspace)
    ledger = Ledger(workspace)
    todo = [r for r in ledger.for_assignment(assignment)
            if r.status is Status.COLLECTED or (regrade and (workspace / "submitted" / r.student_id / assignment).exists())]
    if not todo:
        return []
    if scheduler is None:
        for warning in limit_warnings():
            print(f"WARNING: {warning}", file=sys.stderr)
    prepare(workspace, assignment)
    if scheduler is None:
        runner = LocalWorkers(max(1, min(workers or os.cpu_count() or 1, len(todo))))
    else:
        runner = DaskWorkers(scheduler)
    with runner:
        for address, why in sorted(runner.refused.items()):
            print(f"WARNING: Dask worker {address} gets no job: {why}", file=sys.stderr)
        run_canary(runner, workspace, assignment, timeout)  # nothing is graded unless the reference gets full marks
        records, done, jobs = {r.student_id: r for r in todo}, [], []
        for r in todo:
            try:
                jobs.append(make_job(workspace, assignment, r.student_id, timeout))
            except OSError as exc:  # the stored copy is gone or unreadable: reported, not dropped
                r.mark_not_graded(f"the stored notebook cannot be read ({exc.strerror or exc}): run collect again")
                ledger.put(r)
                ledger.save()
                done.append(r)
        bar = tqdm(runner.results(jobs), total=len(jobs), desc=f"grading {assignment} ({runner.description})",
                   unit="submission", disable=not progress, file=sys.stdout)
        for job, result in bar:
            if isinstance(result, job_mod.SandboxUnavailable):
                print(f"WARNING: {job.student_id} left to grade later: {result}", file=sys.stderr)
                continue  # its record stays as it was: the next run grades it
            record(workspace, job, result if isinstance(result, Result) else _lost(result)).record_in(records[job.student_id])
            ledger.put(records[job.student_id])
            ledger.save()  # after every submission: an interrupted batch keeps what it finished
            done.append(records[job.student_id])
    return done
