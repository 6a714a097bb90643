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

Every student found gets a row, whatever goes wrong with their file: symbolic
links (in a folder or a zip) are refused, never followed; a folder named
``*.ipynb`` or a student folder without a notebook is reported; a notebook that
collect cannot handle costs only its own row. The ledger is saved after each
student. What is stored for grading is the notebook as parsed and repaired
(see ``repair.py`` and ``normalise``), never the raw bytes.
"""
import copy
import hashlib
import json
import os
import re
import stat
import tempfile
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path

import nbformat

from . import repair
from .cells import solution_cells
from .ledger import Ledger, Record, Status
from .paths import RELEASE_DIR, notebook_name

CANVAS_PATTERN = (r"^(?P<name>[^_]+?)(?:_late)?_(?P<student_id>\d+)_(?P<submission_id>\d+)_"
                  r"(?P<file>.+?)(?:-(?P<attempt>\d+))?\.ipynb$")


SAFE_ID = re.compile(r"^[A-Za-z0-9_@-][A-Za-z0-9._@-]{0,99}$")


# Pasted images and outputs bigger than this are removed from the copy that is graded (outputs of
# the student's cells are not graded, and the sandbox refuses files over 100 MiB); the handed-in
# file keeps them.
MAX_EMBEDDED_BYTES = 5 << 20
MAX_EMBEDDED_TOTAL = 40 << 20


@dataclass
class HandedIn:
    student_id: str
    path: Path        # the handed-in file (None: the folder holds no notebook)
    order: tuple      # larger is later
    label: str        # where it came from, for messages
    problem: str = ""  # why it cannot be collected ("" if it can)


def _read_regular_file(path):
    """The bytes of ``path``, which must be a regular file itself: a symbolic link is not followed."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        if os.path.islink(path):
            raise ValueError("the file is a symbolic link; links are not followed") from None
        raise ValueError(f"the file cannot be read ({exc.strerror})") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise ValueError("not a notebook: not a regular file")
    with os.fdopen(fd, "rb") as f:
        return f.read()


def read_notebook(path):
    """The notebook in ``path``, or raise ValueError saying in plain words why it is not one."""
    data = _read_regular_file(path)
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
    except RecursionError:
        raise ValueError("not a readable notebook: its JSON is nested too deeply") from None
    try:
        nb = nbformat.reads(text, as_version=4)
    except RecursionError:
        raise ValueError("not a readable notebook: its JSON is nested too deeply") from None
    except Exception as exc:  # nbformat raises several types for bad JSON and bad structure
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ValueError(f"not a readable notebook: {first_line}") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise ValueError("not a notebook: no cells")
    return nb


def _sha256(path):
    """SHA-256 of a handed-in file; of the link text for a symbolic link; None for anything else."""
    if path is None:
        return None
    if os.path.islink(path):
        return hashlib.sha256(os.readlink(path).encode(errors="surrogateescape")).hexdigest()
    try:
        return hashlib.sha256(_read_regular_file(path)).hexdigest()
    except ValueError:
        return None


def _is_notebook_name(name):
    return name.lower().endswith(".ipynb") and not name.startswith("._")


def _kind(path):
    """Why ``path`` (named like a notebook) cannot be one, or "" if it is a regular file."""
    if path.is_symlink():
        return (f"{path.name} is a symbolic link (to {os.readlink(path)}); links are not followed: "
                "hand in the notebook file itself")
    if path.is_dir():
        return f"{path.name} is a folder, not a notebook file"
    if not path.is_file():
        return f"{path.name} is not a regular file"
    return ""


def _safe_extract(zip_path, dest):
    """Extract ``zip_path`` into ``dest``. Members that are symbolic links become links whose target is only
    text (made after every file, and never followed), so that ``discover`` reports them like any other link."""
    dest = dest.resolve()
    links = []
    with zipfile.ZipFile(zip_path) as zf:
        members = zf.infolist()
        for member in members:
            target = (dest / member.filename).resolve()
            if target != dest and dest not in target.parents:
                raise ValueError(f"{zip_path.name}: refusing the entry {member.filename!r}, which points outside the archive")
        for member in members:
            if stat.S_ISLNK(member.external_attr >> 16):
                links.append(member)
            else:
                zf.extract(member, dest)
        for member in links:
            rel = Path(member.filename.rstrip("/"))
            where = dest / rel
            if any((dest / up).is_symlink() for up in rel.parents) or os.path.lexists(where):
                continue  # never make anything through a link made here
            where.parent.mkdir(parents=True, exist_ok=True)
            text = zf.read(member)[:1000].decode("utf-8", "replace").replace("\0", "?") or "?"
            os.symlink(text, where)


def discover(inbox, pattern=CANVAS_PATTERN):
    """(handed_in, unmatched): every notebook found in ``inbox``, and the flat files whose owner is unknown."""
    inbox = Path(inbox)
    regex = re.compile(pattern, re.IGNORECASE)
    if "student_id" not in regex.groupindex:
        raise ValueError("the file-name pattern needs a named group (?P<student_id>...)")
    found, unmatched = [], []
    for entry in sorted(inbox.iterdir()):
        if entry.name.startswith("."):
            continue
        m = regex.match(entry.name) if _is_notebook_name(entry.name) else None
        if entry.is_dir() and not entry.is_symlink() and not m:
            found += _student_folder(entry)
        elif not _is_notebook_name(entry.name):
            if entry.is_symlink():  # a student folder that is a link
                found.append(HandedIn(entry.name, entry, (), f"{entry.name}/",
                                      f"the folder {entry.name} is a symbolic link; links are not followed"))
        elif not m:
            unmatched.append(entry)
        else:
            groups = m.groupdict()
            order = (int(groups.get("attempt") or 0), int(groups.get("submission_id") or 0), entry.lstat().st_mtime)
            found.append(HandedIn(groups["student_id"], entry, order, entry.name, _kind(entry)))
    return found, unmatched


def _student_folder(folder):
    """What one student's folder holds: its notebooks, refused entries named like notebooks, or a note that there is none."""
    found, links = [], []
    for root, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__MACOSX")
        for name in sorted(dirs + files):
            p = Path(root) / name
            rel = p.relative_to(folder)
            if not _is_notebook_name(name):
                if p.is_symlink():
                    links.append(str(rel))
                continue
            problem = _kind(p)
            found.append(HandedIn(folder.name, p, (p.lstat().st_mtime, name), f"{folder.name}/{rel}",
                                  problem.replace(p.name, str(rel), 1)))
    if not found:
        why = "no notebook (.ipynb file) in the folder"
        if links:
            why += f"; symbolic links are not followed ({', '.join(links[:3])})"
        found.append(HandedIn(folder.name, None, (), f"{folder.name}/", why))
    return found


def latest_per_student(handed_in):
    """{student_id: (latest HandedIn that can be collected, else the first refused one; number of files handed in)}."""
    by_student = {}
    for h in handed_in:
        by_student.setdefault(h.student_id, []).append(h)
    out = {}
    for s, hs in by_student.items():
        usable = [h for h in hs if not h.problem]
        out[s] = (max(usable, key=lambda h: h.order) if usable else hs[0], sum(h.path is not None for h in hs))
    return out


_SURROGATE = re.compile("[\ud800-\udfff]")


def _clean_text(x):
    """``x`` with lone surrogates (which JSON allows and UTF-8 cannot hold) replaced, in every string it contains."""
    if isinstance(x, str):
        return _SURROGATE.sub("\ufffd", x)
    stack = [x]
    while stack:
        node = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for k, v in list(items):
            if isinstance(v, str):
                if _SURROGATE.search(v):
                    node[k] = _SURROGATE.sub("\ufffd", v)
            elif isinstance(v, (dict, list)):
                stack.append(v)
            if isinstance(k, str) and _SURROGATE.search(k):
                node[_SURROGATE.sub("\ufffd", k)] = node.pop(k)
    return x


def _size(obj):
    return len(json.dumps(obj, ensure_ascii=False))


def normalise(nb):
    """Make ``nb`` (as parsed) safe to store and grade, in place; returns what was changed, in plain words.

    Lone surrogates are replaced; a cell without a readable type gets one; nbgrader metadata that is not
    what nbgrader writes is dropped (the cell is then restored from the release like a stripped one);
    outputs and pasted images (attachments) too big to grade are removed.
    """
    notes = []
    if _SURROGATE.search(json.dumps(nb, ensure_ascii=False)):
        _clean_text(nb)
        notes.append("characters that are not valid Unicode were replaced")
    if not isinstance(nb.get("metadata"), dict):
        nb["metadata"] = nbformat.NotebookNode()
    cells, untyped, bad_meta = [], 0, 0
    for cell in nb["cells"]:
        if not isinstance(cell, dict):
            untyped += 1
            continue
        if cell.get("cell_type") not in ("code", "markdown", "raw"):
            cell["cell_type"] = "code" if ("outputs" in cell or "execution_count" in cell) else "markdown"
            untyped += 1
        if not isinstance(cell.get("source"), str):
            src = cell.get("source")
            cell["source"] = "".join(map(str, src)) if isinstance(src, list) else ("" if src is None else str(src))
        if not isinstance(cell.get("metadata"), dict):
            cell["metadata"] = nbformat.NotebookNode()
        meta = cell["metadata"].get("nbgrader")
        if meta is not None and not repair.readable_nbgrader_meta(meta):
            cell["metadata"].pop("nbgrader")
            bad_meta += 1
        if cell["cell_type"] == "code":
            cell.setdefault("outputs", [])
            cell.setdefault("execution_count", None)
            if not isinstance(cell["outputs"], list):
                cell["outputs"] = []
        cells.append(cell)
    nb["cells"] = cells
    if untyped:
        notes.append(f"{untyped} cell(s) had no readable cell type")
    if bad_meta:
        notes.append(f"{bad_meta} cell(s) had nbgrader metadata nbgrader cannot read")
    removed = _strip_embedded(nb)
    if removed:
        notes.append(f"{len(removed)} output(s) or pasted image(s) too big to grade were left out of the graded copy "
                     f"(largest {max(removed) / 1e6:.0f} MB; the handed-in file keeps them)")
    return notes


def _strip_embedded(nb):
    """Remove outputs and attachments over MAX_EMBEDDED_BYTES, then the largest until all fit in MAX_EMBEDDED_TOTAL."""
    items = []  # (size, cell, kind, key)
    for cell in nb["cells"]:
        if isinstance(cell.get("attachments"), dict):
            items += [(_size(v), cell, "attachment", k) for k, v in cell["attachments"].items()]
        if cell["cell_type"] == "code":
            items += [(_size(o), cell, "output", k) for k, o in enumerate(cell["outputs"])]
    items.sort(key=lambda t: -t[0])
    total = sum(t[0] for t in items)
    removed, drop_outputs = [], {}
    for size, cell, kind, key in items:
        if size <= MAX_EMBEDDED_BYTES and total <= MAX_EMBEDDED_TOTAL:
            break
        total -= size
        removed.append(size)
        if kind == "attachment":
            del cell["attachments"][key]
            cell["source"] = _drop_attachment_reference(cell["source"], key)
        else:
            drop_outputs.setdefault(id(cell), (cell, set()))[1].add(key)
    for cell, keys in drop_outputs.values():
        cell["outputs"] = [o for k, o in enumerate(cell["outputs"]) if k not in keys]
    return removed


def _drop_attachment_reference(source, name):
    """Markdown ``source`` with references to the attachment ``name`` replaced by a short note."""
    note = f"*[pasted image {name} left out: too big to grade]*"
    source = re.sub(r"!\[[^\]]*\]\(\s*<?attachment:" + re.escape(name) + r">?[^)]*\)", lambda m: note, source)
    return source.replace(f"attachment:{name}", "#left-out")


def _repair(nb, assignment):
    """(the notebook to store for grading, what was repaired); ``nb`` (as parsed) may be changed."""
    release_nb = nbformat.read(str(RELEASE_DIR / assignment / notebook_name(assignment)), as_version=4)
    notes = normalise(nb)
    notes += repair.repair_metadata(nb, release_nb)
    issues = repair.problems(nb, release_nb)
    if not issues:
        try:
            nbformat.validate(copy.deepcopy(nb))
        except Exception as exc:  # ValidationError, or worse for very odd structures
            issues = [f"it did not follow the notebook format ({str(exc).strip().splitlines()[0][:120]})"]
    orig = nb["metadata"].get("orig_nbformat", 4)
    if not issues:
        if isinstance(orig, int) and orig < 4:
            notes.append("converted from an old notebook format")
        return nb, notes
    solutions = solution_cells(release_nb)
    rebuilt, found = repair.rebuild(nb, release_nb, solutions)
    return rebuilt, notes + [f"{'; '.join(issues)}: rebuilt from the release, answers found for "
                             f"{len(found)} of {len(solutions)} exercises"]


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
            record = Record(assignment, f"unknown:{path.name}", file=path.name, sha256=_sha256(path))
            record.mark_not_graded("the file name does not say whose it is "
                                   "(it does not match the LMS pattern; rename it or pass --pattern)")
            ledger.put(record)
            touched.append(record)
        ledger.save()
        by_student = latest_per_student(handed_in)
        for student_id in sorted(by_student):
            h, count = by_student[student_id]
            record = _collect_one(h, count, student_id, assignment, workspace, target_name, handed_in,
                                  ledger.get(assignment, student_id))
            ledger.put(record)
            ledger.save()  # after every student: a crash or an interrupt keeps the rows already made
            touched.append(record)
    return touched


def _collect_one(h, count, student_id, assignment, workspace, target_name, handed_in, previous):
    """The ledger record of one student's hand-in; whatever goes wrong costs only this record."""
    record = Record(assignment, student_id, file=h.label, files_handed_in=count)
    try:
        record.sha256 = _sha256(h.path)
        if not SAFE_ID.match(student_id):
            raise ValueError(f"the student id {student_id!r} cannot be used as a folder name "
                             "(letters, digits and . _ @ - only)")
        if h.problem:
            raise ValueError(h.problem)
        nb = read_notebook(h.path)
        stored, notes = _repair(nb, assignment)
        refused = [o.label for o in handed_in if o.student_id == student_id and o.problem and o.path is not None]
        if refused:
            notes.append(f"not used: {', '.join(refused[:3])} (links and folders are not notebooks)")
        dest = workspace / "submitted" / student_id / assignment / target_name
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(f".{dest.name}.tmp")
        nbformat.write(stored, str(tmp))  # what was parsed and repaired, never the raw bytes
        os.replace(tmp, dest)
    except ValueError as exc:
        record.mark_not_graded(exc)
        return record
    except Exception as exc:  # a notebook collect cannot handle: its own row, not the whole class
        record.mark_not_graded(f"collect could not read it ({type(exc).__name__}: {exc})")
        return record
    record.note = "; ".join(notes)
    unchanged = previous and previous.sha256 == record.sha256 and previous.status is not Status.COLLECTED
    if unchanged:  # the same file again: keep its grade
        return replace(previous, file=record.file, files_handed_in=record.files_handed_in, note=record.note)
    return record
