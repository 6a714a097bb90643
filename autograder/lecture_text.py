"""Lectures as text: the one hand-edited source of each lecture, built into nbgrader's notebook.

Each lecture is ``source_notebooks/<A>/<A>.py`` in jupytext's ``py:percent`` format. The marker line
of each cell says what the cell is, in a form a person types::

    # %% [markdown] id="max-trick"              lecture text
    # %% id="cat-cow-frog"                      given code (read-only for students)
    # %% solution id="softmax"                  the student's cell, answer between ### BEGIN/END SOLUTION
    # %% tests id="test_softmax" points=3       visible checks, then ### BEGIN/END HIDDEN TESTS
    # %% setup id="setup"                       empty: filled from autograder/setup_cell.py
    # %% given="03_backprop:affine_forward,affine_backward" id="given-layers"
                                                empty: filled with those reference answers of lecture 03

``build`` expands the markers into nbgrader's metadata and writes ``<A>.ipynb`` beside the text
(committed, never edited by hand; ``tests/test_lecture_text.py`` fails if the two disagree).
``to_text`` is the way back, used once to convert the JSON lectures and by the round-trip test.
"""
import re
from dataclasses import dataclass
from pathlib import Path

import jupytext
import nbformat

from . import cells
from .paths import SOURCE_DIR

SETUP_CELL = Path(__file__).with_name("setup_cell.py")
ROLES = ("solution", "tests", "setup", "given")
_KEYS = {"id", "points", *ROLES}
_GIVEN_HEADER = cells.GIVEN_HEADER
_GIVEN_RE = cells.GIVEN_HEADER_PATTERN
_JUPYTEXT = {"jupytext": {"main_language": "python", "notebook_metadata_filter": "-all",
                          "cell_metadata_filter": ",".join(sorted(_KEYS)) + ",-all"}}


class LectureError(ValueError):
    """A lecture text that cannot be built: says the file, the line and what to change."""

    def __init__(self, path, line, message):
        super().__init__(f"{path}:{line}: {message}")


@dataclass
class TextCell:
    kind: str  # markdown, code, solution, tests, setup, given
    id: str
    source: str
    line: int  # of the marker, 1-based
    points: float = None
    given: str = None


def text_path(assignment, source_dir=SOURCE_DIR):
    return Path(source_dir) / assignment / f"{assignment}.py"


def notebook_path(assignment, source_dir=SOURCE_DIR):
    return Path(source_dir) / assignment / f"{assignment}.ipynb"


def text_lectures(source_dir=SOURCE_DIR):
    """The assignments whose source is a text file."""
    return sorted(p.parent.name for p in Path(source_dir).glob("*/*.py") if p.stem == p.parent.name)


def parse(path):
    """The cells of a lecture text, checked; LectureError names the first problem."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    marker_lines = [i + 1 for i, ln in enumerate(text.splitlines()) if ln.startswith("# %%")]
    if not marker_lines or any(ln.strip() for ln in text.splitlines()[:marker_lines[0] - 1]):
        raise LectureError(path, 1, "a lecture text starts with a cell marker such as `# %% [markdown] id=\"intro\"`")
    nb = jupytext.reads(text, fmt="py:percent")
    if len(nb.cells) != len(marker_lines):
        raise LectureError(path, marker_lines[0], f"found {len(marker_lines)} `# %%` markers but jupytext read "
                           f"{len(nb.cells)} cells; check the markers' spelling")
    out, seen = [], {}
    for cell, line in zip(nb.cells, marker_lines):
        out.append(_checked(path, line, cell, seen))
    return out


def _checked(path, line, cell, seen):
    meta = {k: v for k, v in cell.metadata.items() if k != "lines_to_next_cell"}
    if meta.get("title") in ROLES and meta["title"] not in meta:  # jupytext reads a leading word as a title
        meta[meta.pop("title")] = None
    if "title" in meta or "incorrectly_encoded_metadata" in meta:
        bad = meta.get("title") or meta.get("incorrectly_encoded_metadata")
        raise LectureError(path, line, f"unknown role or unreadable marker {bad!r}: write a role "
                           f"({', '.join(ROLES)}) and id=\"name\", e.g. `# %% solution id=\"softmax\"`")
    unknown = sorted(set(meta) - _KEYS)
    if unknown:
        raise LectureError(path, line, f"unknown role {unknown[0]!r}; a code cell is given code (no role), "
                           "`solution`, `tests points=N`, `setup` or `given=\"LECTURE:name,...\"`")
    cid = meta.get("id")
    if not isinstance(cid, str) or not cells.ID_PATTERN.match(cid):
        raise LectureError(path, line, "every cell needs id=\"name\" (1-64 letters, digits, '-' or '_')")
    if cid in seen:
        raise LectureError(path, line, f"id {cid!r} is already used by the cell at line {seen[cid]}; ids are unique")
    seen[cid] = line
    roles = [r for r in ROLES if r in meta]
    if len(roles) > 1:
        raise LectureError(path, line, f"a cell has one role, this one has {' and '.join(roles)}")
    if cell.cell_type == "markdown":
        if roles or "points" in meta:
            raise LectureError(path, line, "a markdown cell takes only an id")
        return TextCell("markdown", cid, cell.source, line)
    kind = roles[0] if roles else "code"
    source = cell.source
    if "points" in meta and kind != "tests":
        raise LectureError(path, line, "only a `tests` cell carries points")
    if kind == "tests":
        points = meta.get("points")
        if isinstance(points, bool) or not isinstance(points, (int, float)) or points <= 0:
            raise LectureError(path, line, f"test cell {cid!r} needs points=N (a positive number), "
                               f"e.g. `# %% tests id=\"{cid}\" points=3`")
        _check_block(path, line, source, "HIDDEN TESTS", required=False)
        return TextCell(kind, cid, source, line, points=points)
    if kind == "solution":
        _check_block(path, line, source, "SOLUTION", required=True)
    elif kind in ("setup", "given") and source.strip():
        raise LectureError(path, line, f"a `{kind}` cell is filled by the builder: leave its body empty")
    if kind == "given":
        given = meta["given"]
        if not isinstance(given, str) or not re.fullmatch(r"[\w-]+:[\w-]+(,[\w-]+)*", given):
            raise LectureError(path, line, 'write given="LECTURE:name,name", e.g. given="03_backprop:affine_forward"')
        return TextCell(kind, cid, "", line, given=given)
    return TextCell(kind, cid, source, line)


def _check_block(path, line, source, what, required):
    begin, end = f"### BEGIN {what}", f"### END {what}"
    lines = [ln.strip() for ln in source.splitlines()]
    if required and begin not in lines:
        raise LectureError(path, line, f"a solution cell wraps its answer in `{begin}` / `{end}`")
    depth = 0
    for i, ln in enumerate(lines, start=line + 1):
        if ln == begin:
            if depth:
                raise LectureError(path, i, f"`{begin}` inside another one; close the first with `{end}`")
            depth = 1
        elif ln == end:
            if not depth:
                raise LectureError(path, i, f"`{end}` without a `{begin}` before it")
            depth = 0
        elif ln.startswith("### BEGIN") or ln.startswith("### END"):
            raise LectureError(path, i, f"unknown marker {ln!r}; this cell uses `{begin}` / `{end}`")
    if depth:
        raise LectureError(path, line, f"`{begin}` is never closed: add `{end}` after the block")


def _given_source(path, cell):
    lecture, names = cell.given.split(":")
    other = text_path(lecture, source_dir=Path(path).parent.parent)  # lectures sit side by side
    if not other.exists():
        raise LectureError(path, cell.line, f"given: no lecture {lecture!r} (looked for {other})")
    answers = {c.id: cells.strip_solution_markers(c.source) for c in parse(other) if c.kind == "solution"}
    missing = [n for n in names.split(",") if n not in answers]
    if missing:
        raise LectureError(path, cell.line, f"given: lecture {lecture} has no solution cell {missing[0]!r}; "
                           f"it has {', '.join(answers)}")
    body = "\n\n\n".join(answers[n] for n in names.split(","))
    return _GIVEN_HEADER.format(names=", ".join(names.split(",")), lecture=lecture) + "\n" + body


def to_notebook(path):
    """The nbgrader source notebook of a lecture text."""
    made = []
    for c in parse(path):
        if c.kind == "markdown":
            made.append(cells.markdown(c.id, c.source))
        elif c.kind == "code":
            made.append(cells.code(c.id, c.source))
        elif c.kind == "setup":
            made.append(cells.code(c.id, SETUP_CELL.read_text(encoding="utf-8")))
        elif c.kind == "given":
            made.append(cells.code(c.id, _given_source(path, c)))
        elif c.kind == "solution":
            made.append(cells.solution(c.id, c.source))
        else:
            made.append(cells.tests(c.id, c.source, c.points))
    return cells.notebook(made)


def build(assignment, check=False, source_dir=SOURCE_DIR):
    """Write (or with ``check``, compare) ``<A>.ipynb`` from ``<A>.py``; returns the notebook's path.

    With ``check`` a notebook that differs from its text raises LectureError: someone edited the JSON,
    or the text changed and the notebook was not rebuilt.
    """
    out = notebook_path(assignment, source_dir)
    data = nbformat.writes(to_notebook(text_path(assignment, source_dir))) + "\n"
    if check:
        if not out.exists() or out.read_text(encoding="utf-8") != data:
            raise LectureError(out, 1, f"this notebook is not what {text_path(assignment).name} builds: edit the "
                               f"text, never the JSON, and run `python -m autograder build {assignment}`")
    else:
        out.write_text(data, encoding="utf-8")
    return out


def to_text(nb):
    """The lecture text of an nbgrader source notebook (the inverse of ``to_notebook``)."""
    setup = SETUP_CELL.read_text(encoding="utf-8").strip("\n")
    jnb = nbformat.v4.new_notebook(metadata=_JUPYTEXT)
    for cell in nb.cells:
        meta = cells.nbgrader_meta(cell)
        cid = cells.grade_id(cell)
        source = cell.source
        if cell.cell_type == "markdown":
            jnb.cells.append(nbformat.v4.new_markdown_cell(source, metadata={"id": cid}))
            continue
        if meta.get("solution"):
            md = {"solution": None, "id": cid}
        elif meta.get("grade"):
            md = {"tests": None, "id": cid, "points": meta["points"]}
        elif source.strip("\n") == setup:
            md, source = {"setup": None, "id": cid}, ""
        elif _GIVEN_RE.match(source.splitlines()[0] if source else ""):
            names, lecture = _GIVEN_RE.match(source.splitlines()[0]).groups()
            md, source = {"given": f"{lecture}:{names.replace(', ', ',')}", "id": cid}, ""
        else:
            md = {"id": cid}
        jnb.cells.append(nbformat.v4.new_code_cell(source, metadata=md))
    return jupytext.writes(jnb, fmt="py:percent")


def canonical_text(path):
    """The text as ``to_text`` writes it back: the form the round-trip test expects."""
    return to_text(to_notebook(path))
