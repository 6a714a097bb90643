"""One grading job: a handed-in notebook in, its scores and graded notebook out, all as data.

``run(job)`` is the whole of grading one submission. It takes a ``Job`` (the
assignment, the student id, the handed-in notebook's bytes, the source
notebook's bytes, the limits) and returns a ``Result`` (the status and reason,
the scores per test cell, the graded notebook's bytes, nbgrader's log). It
grades in a private temporary workspace on whatever machine runs it and
touches nothing else, so the same function runs in a local worker process or
on a Dask worker anywhere; only the instructor's process writes the gradebook,
the ledger, ``autograded/`` and ``feedback/`` (``grade.record``).

The source notebook travels with the job, so a worker grades against the
instructor's answer key even if its own copy of the course is older. The
private gradebook for a source is made once per machine (cached by the
source's SHA-256 in the temporary folder) and copied for each job.
"""
import contextlib
import hashlib
import os
import re
import shutil
import socket
import stat
import sys
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.apps import NbGraderAPI

from .ledger import Status
from .sandbox import sandbox_status
from .paths import COURSE_ID
from .pipeline import nbgrader_config

GRADED, NOT_GRADED = Status.GRADED, Status.NOT_GRADED
_EXCEPTION = re.compile(r"\b(\w+(?:Error|Exception|Interrupt)): ?(.*)$")


@dataclass(frozen=True)
class Job:
    assignment: str
    student_id: str
    notebook: bytes              # the notebook as collect stored it for grading
    source: bytes                # the assignment's source notebook (answers and hidden tests)
    timeout: int = 60            # seconds one cell may run
    require_sandbox: bool = False  # refuse to grade where bubblewrap cannot isolate the notebook

    @property
    def notebook_name(self):
        return f"{self.assignment}.ipynb"


@dataclass
class Result:
    status: Status               # GRADED or NOT_GRADED
    reason: str = ""             # why it is not graded, in plain words
    score: float = None
    max_score: float = None
    cells: dict = field(default_factory=dict)  # grade id -> [score, max score]
    notebook: bytes = None       # the graded notebook (also when not graded, if nbgrader wrote one)
    log: str = ""                # nbgrader's log and whatever the grading process wrote to stderr
    host: str = ""               # the machine that graded it

    def record_in(self, record):
        """Put this result into a ledger ``Record``."""
        if self.status is GRADED:
            record.mark_graded(self.score, self.max_score, self.cells)
        else:
            record.mark_not_graded(self.reason)


class SandboxUnavailable(RuntimeError):
    """This machine cannot sandbox a notebook, and the job asked for a sandbox: nothing was graded."""


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


def scores(db_url, assignment, student_id, auto=False):
    """(score, max_score, {grade_id: [score, max_score]}) from a gradebook, or None if the submission is not there.

    The scores are nbgrader's (a grader's manual score where there is one), or with ``auto`` the autograder's only.
    """
    with Gradebook(db_url, COURSE_ID) as gb:
        try:
            sub = gb.find_submission(assignment, student_id)
        except MissingEntry:
            return None
        cells = {g.name: [g.auto_score if auto else g.score, g.max_score] for nb in sub.notebooks for g in nb.grades}
        return sub.score, sub.max_score, cells


def check_worker():
    """None if this machine can sandbox a notebook, else why not (with the host's name)."""
    ok, why = sandbox_status()
    return None if ok else f"{socket.gethostname()}: {why}"


@contextlib.contextmanager
def _stderr_to(path):
    """Send this process's stderr (nbgrader's and its libraries' chatter) to a file."""
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


def _private_workspace(root, job):
    """The source and the submission in ``root``, laid out as nbgrader wants them; returns its configuration."""
    source_dir = root / "source"
    (source_dir / job.assignment).mkdir(parents=True)
    (source_dir / job.assignment / job.notebook_name).write_bytes(job.source)
    return nbgrader_config(root, timeout=job.timeout, source_dir=source_dir)


def _gradebook(job):
    """A gradebook holding the assignment of ``job.source`` (made once per source on this machine); its path."""
    digest = hashlib.sha256(job.source).hexdigest()[:24]
    cache = Path(tempfile.gettempdir()) / f"nn-course-gradebooks-{os.getuid()}"
    path = cache / f"{job.assignment}-{digest}.db"
    cache.mkdir(mode=0o700, exist_ok=True)
    info = cache.lstat()
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        raise RuntimeError(f"{cache} is not a private folder of this user: remove it (someone else may have made it)")
    if path.exists():
        return path
    from .release import generate  # (release imports nbgrader's converters; only needed on a cache miss)
    with tempfile.TemporaryDirectory(prefix="prepare-", dir=cache) as tmp:
        root = Path(tmp)
        config = _private_workspace(root, job)
        generate(job.assignment, release_dir=root / "release", workspace=root, source_dir=root / "source")
        built = Path(config.CourseDirectory.db_url.split("sqlite:///", 1)[1].split("?", 1)[0])
        os.replace(built, path)  # atomic: two processes preparing at once both leave a whole file
    return path


def run(job):
    """Grade one submission in a private temporary workspace; returns a ``Result`` (never raises for the submission's faults).

    Raises SandboxUnavailable if ``job.require_sandbox`` and this machine cannot sandbox.
    """
    if job.require_sandbox:
        refused = check_worker()
        if refused:
            raise SandboxUnavailable(f"refused to grade without a sandbox on {refused}")
    host = socket.gethostname()
    with tempfile.TemporaryDirectory(prefix="nn-course-grade-") as tmp:
        root = Path(tmp)
        config = _private_workspace(root, job)
        shutil.copyfile(_gradebook(job), root / "gradebook.db")
        submitted = root / "submitted" / job.student_id / job.assignment / job.notebook_name
        submitted.parent.mkdir(parents=True)
        submitted.write_bytes(job.notebook)
        log_path = root / "stderr.log"
        with _stderr_to(log_path):
            result = NbGraderAPI(config=config).autograde(job.assignment, job.student_id, force=True, create=True)
            found = scores(config.CourseDirectory.db_url, job.assignment, job.student_id) if result["success"] else None
        graded = root / "autograded" / job.student_id / job.assignment / job.notebook_name
        notebook = graded.read_bytes() if graded.exists() else None
        log = (result.get("log") or "") + log_path.read_text(errors="replace")
    if found is None:
        return Result(NOT_GRADED, failure_reason(result), notebook=notebook, log=log, host=host)
    return Result(GRADED, score=found[0], max_score=found[1], cells=found[2], notebook=notebook, log=log, host=host)
