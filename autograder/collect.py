"""``collect``: bring handed-in notebooks into nbgrader's submitted layout.

Accepted inputs, for one assignment:

* a folder with one sub-folder per student (``alice/02_softmax.ipynb``);
* an LMS download, as a folder or a zip, of flat files whose names carry the
  student id. Canvas names them ``<name>[_late]_<user id>_<submission id>_<file>``
  and appends ``-1``, ``-2`` ... to re-submitted files; ``--pattern`` takes any
  regular expression with a named group ``student_id`` (optional groups
  ``attempt`` and ``submission_id`` order re-submissions).

Whatever the file is called, it is stored as the assignment's notebook name
(``submitted/<student>/<assignment>/<assignment notebook>``), so renamed files and
"Copy of" files are graded. When a student handed in several files the latest
wins. A file that is not a readable notebook is recorded with the reason and
not copied. Handed-in files are only read, never changed.
"""
import hashlib
import json
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

from . import restore
from .cells import solution_cells
from .ledger import Ledger
from .workspace import RELEASE_DIR, notebook_name

CANVAS_PATTERN = (r"^(?P<name>[^_]+?)(?:_late)?_(?P<student_id>\d+)_(?P<submission_id>\d+)_"
                  r"(?P<file>.+?)(?:-(?P<attempt>\d+))?\.ipynb$")


SAFE_ID = re.compile(r"^[A-Za-z0-9_@-][A-Za-z0-9._@-]{0,99}$")


@dataclass
class HandedIn:
    student_id: str
    path: Path        # the handed-in file
    order: tuple      # larger is later
    label: str        # where it came from, for messages


def read_notebook(path):
    """The notebook in ``path``, or raise ValueError saying in plain words why it is not one."""
    data = Path(path).read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError("not a notebook: the file is not UTF-8 text") from None
    if not text.strip():
        raise ValueError("empty file")
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not a readable notebook: the file is not valid JSON ({exc.msg}: line {exc.lineno}, "
                         f"column {exc.colno}); it may have been cut off during upload") from None
    try:
        nb = nbformat.reads(text, as_version=4)
    except Exception as exc:  # nbformat raises several types for bad JSON and bad structure
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ValueError(f"not a readable notebook: {first_line}") from None
    if not hasattr(nb, "cells"):
        raise ValueError("not a notebook: no cells")
    return nb


def _sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _is_notebook_file(p):
    return p.is_file() and p.suffix == ".ipynb" and ".ipynb_checkpoints" not in p.parts and not p.name.startswith("._")


def _safe_extract(zip_path, dest):
    with zipfile.ZipFile(zip_path) as zf:
        for member in zf.infolist():
            target = (dest / member.filename).resolve()
            if not str(target).startswith(str(dest.resolve())):
                raise ValueError(f"{zip_path.name}: refusing the entry {member.filename!r}, which points outside the archive")
        zf.extractall(dest)


def discover(inbox, pattern=CANVAS_PATTERN):
    """(handed_in, unmatched): every notebook found in ``inbox``, and the flat files whose owner is unknown."""
    inbox = Path(inbox)
    regex = re.compile(pattern, re.IGNORECASE)
    if "student_id" not in regex.groupindex:
        raise ValueError("the file-name pattern needs a named group (?P<student_id>...)")
    found, unmatched = [], []
    for entry in sorted(inbox.iterdir()):
        if entry.is_dir() and not entry.name.startswith("."):
            for nb in sorted(filter(_is_notebook_file, entry.rglob("*.ipynb"))):
                found.append(HandedIn(entry.name, nb, (nb.stat().st_mtime, nb.name), f"{entry.name}/{nb.relative_to(entry)}"))
        elif _is_notebook_file(entry):
            m = regex.match(entry.name)
            if not m:
                unmatched.append(entry)
                continue
            groups = m.groupdict()
            order = (int(groups.get("attempt") or 0), int(groups.get("submission_id") or 0), entry.stat().st_mtime)
            found.append(HandedIn(groups["student_id"], entry, order, entry.name))
    return found, unmatched


def latest_per_student(handed_in):
    """{student_id: (latest HandedIn, number of files handed in)}."""
    by_student = {}
    for h in handed_in:
        by_student.setdefault(h.student_id, []).append(h)
    return {s: (max(hs, key=lambda h: h.order), len(hs)) for s, hs in by_student.items()}


def _repair(nb, assignment):
    """(None, "") if nbgrader can grade ``nb`` as it is, else (a rebuilt notebook, what was wrong)."""
    release_nb = nbformat.read(str(RELEASE_DIR / assignment / notebook_name(assignment)), as_version=4)
    issues = restore.problems(nb, release_nb)
    old_format = nb.get("metadata", {}).get("orig_nbformat", 4) < 4
    if not issues and not old_format:
        return None, ""
    if not issues:
        return nb, "converted from an old notebook format"
    solutions = solution_cells(release_nb)
    rebuilt, found = restore.rebuild(nb, release_nb, solutions)
    return rebuilt, (f"{'; '.join(issues)}: rebuilt from the release, answers found for "
                     f"{len(found)} of {len(solutions)} exercises")


def collect(inbox, assignment, workspace, pattern=CANVAS_PATTERN):
    """Copy the latest notebook of each student into the workspace; returns the ledger records touched."""
    inbox = Path(inbox)
    if not inbox.exists():
        raise FileNotFoundError(f"{inbox} does not exist")
    workspace = Path(workspace)
    ledger = Ledger(workspace)
    target_name = notebook_name(assignment)
    touched = []
    with tempfile.TemporaryDirectory() as tmp:
        if inbox.is_file():
            if not zipfile.is_zipfile(inbox):
                raise ValueError(f"{inbox} is a file but not a zip archive; give a folder or a zip")
            _safe_extract(inbox, Path(tmp))
            inbox = Path(tmp)
        handed_in, unmatched = discover(inbox, pattern)
        for path in unmatched:
            record = {"assignment": assignment, "student_id": f"unknown:{path.name}", "file": path.name,
                      "sha256": _sha256(path), "status": "not graded: the file name does not say whose it is "
                      "(it does not match the LMS pattern; rename it or pass --pattern)"}
            ledger.put(record)
            touched.append(record)
        for student_id, (h, count) in sorted(latest_per_student(handed_in).items()):
            record = {"assignment": assignment, "student_id": student_id, "file": h.label,
                      "sha256": _sha256(h.path), "files_handed_in": count}
            previous = ledger.get(assignment, student_id)
            try:
                if not SAFE_ID.match(student_id):
                    raise ValueError(f"the student id {student_id!r} cannot be used as a folder name "
                                     "(letters, digits and . _ @ - only)")
                nb = read_notebook(h.path)
            except ValueError as exc:
                record["status"] = f"not graded: {exc}"
            else:
                dest = workspace / "submitted" / student_id / assignment / target_name
                dest.parent.mkdir(parents=True, exist_ok=True)
                repaired, note = _repair(nb, assignment)
                if repaired is None:
                    shutil.copyfile(h.path, dest)
                else:
                    nbformat.write(repaired, str(dest))
                    record["note"] = note
                unchanged = previous and previous.get("sha256") == record["sha256"] and previous.get("status") != "collected"
                if unchanged:  # the same file again: keep its grade
                    record = {**previous, **record, "status": previous["status"]}
                else:
                    record["status"] = "collected"
            ledger.put(record)
            touched.append(record)
    ledger.save()
    return touched
