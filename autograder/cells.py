"""Making and finding nbgrader cells.

The lecture builder (``lecture_text``) makes cells with the constructors; the
grader and the tests use the finders.
"""
import copy
import re

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell

ID_PATTERN = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
# The first line of a given cell: earlier lectures' reference answers, filled in by the lecture builder
GIVEN_HEADER = "# Given: {names}, the reference answers of lecture {lecture}, generated from its source."
GIVEN_HEADER_PATTERN = re.compile(r"^# Given: (.+), the reference answers of lecture (\S+), generated from its source\.$")


def _nbgrader(grade_id, *, grade=False, solution=False, locked=False, points=None, task=False):
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked,
            "schema_version": 3, "solution": solution, "task": task}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def _cell(maker, cell_id, source, metadata=None):
    if not ID_PATTERN.match(cell_id):
        raise ValueError(f"cell id {cell_id!r} must be 1-64 letters, digits, '-' or '_'")
    cell = maker(source.strip("\n"), metadata=metadata or {})
    cell["id"] = cell_id
    return cell


def markdown(cell_id, source):
    """Lecture text; read-only for students."""
    return _cell(new_markdown_cell, cell_id, source, _nbgrader(cell_id, locked=True))


def code(cell_id, source):
    """Given code (setup, demos, experiments): read-only for students."""
    return _cell(new_code_cell, cell_id, source, _nbgrader(cell_id, locked=True))


def solution(cell_id, source):
    """A fill-in cell. Wrap the reference answer in ### BEGIN SOLUTION / ### END SOLUTION."""
    if "### BEGIN SOLUTION" not in source or "### END SOLUTION" not in source:
        raise ValueError(f"solution cell {cell_id!r} needs ### BEGIN SOLUTION / ### END SOLUTION")
    return _cell(new_code_cell, cell_id, source, _nbgrader(cell_id, solution=True))


def tests(cell_id, source, points):
    """A graded test cell: visible checks, then ### BEGIN HIDDEN TESTS / ### END HIDDEN TESTS."""
    return _cell(new_code_cell, cell_id, source,
                 _nbgrader(cell_id, grade=True, locked=True, points=points))


# What JupyterLab 4 writes for a Python 3 kernel, so that opening and saving a notebook changes nothing
# (the version is the one the course's CI runs; a kernel of another version writes its own).
NOTEBOOK_METADATA = {
    "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
    "language_info": {"codemirror_mode": {"name": "ipython", "version": 3}, "file_extension": ".py",
                      "mimetype": "text/x-python", "name": "python", "nbconvert_exporter": "python",
                      "pygments_lexer": "ipython3", "version": "3.11.7"},
}


def notebook(cells):
    """A Python 3 notebook (nbformat 4.5, so every cell keeps its id)."""
    nb = nbformat.v4.new_notebook()
    nb.nbformat_minor = 5
    nb.metadata = copy.deepcopy(NOTEBOOK_METADATA)
    nb.cells = list(cells)
    ids = [c["id"] for c in nb.cells]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ValueError(f"duplicate cell ids: {dupes}")
    nbformat.validate(nb)
    return nb


def nbgrader_meta(cell):
    """A cell's nbgrader metadata ({} for a cell nbgrader does not track)."""
    return cell.get("metadata", {}).get("nbgrader", {})


def grade_id(cell):
    """The nbgrader grade id of a cell, or None for a cell nbgrader does not track."""
    return nbgrader_meta(cell).get("grade_id")


def is_given_source(source):
    """Whether a code cell's source is a given cell the builder filled (earlier lectures' answers)."""
    return bool(GIVEN_HEADER_PATTERN.match(source.split("\n", 1)[0]))


def is_solution_cell(cell):
    return bool(nbgrader_meta(cell).get("solution"))


def is_test_cell(cell):
    """A graded code cell that is not a student's answer: visible checks and hidden tests."""
    meta = nbgrader_meta(cell)
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and not meta.get("solution") and bool(grade_id(cell))


def find_cell(nb, gid):
    """The cell whose grade id is ``gid``; KeyError if there is none."""
    for cell in nb.cells:
        if grade_id(cell) == gid:
            return cell
    raise KeyError(f"no cell with grade id {gid!r}")


def graded_cells(nb):
    """{grade_id: points} of the test cells that carry points."""
    out = {}
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if meta.get("grade"):
            out[meta["grade_id"]] = meta.get("points", 0)
    return out


def solution_cells(nb):
    """The grade ids of the cells a student fills in, in notebook order."""
    return [grade_id(c) for c in nb.cells if is_solution_cell(c)]


def strip_solution_markers(source):
    lines = source.splitlines()
    keep = [ln for ln in lines if ln.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION")]
    return "\n".join(keep)


def reference_answers(source_nb):
    """{grade_id: code} of the source notebook's solution cells, markers removed: the reference answer as a student would type it."""
    return {grade_id(c): strip_solution_markers(c.source) for c in source_nb.cells
            if is_solution_cell(c) and c.cell_type == "code"}


def fill_answers(release_nb, answers):
    """A copy of ``release_nb`` with the solution cells named in ``answers`` replaced by that code."""
    nb = nbformat.from_dict(release_nb)
    nb = nbformat.reads(nbformat.writes(nb), as_version=4)
    unknown = set(answers) - set(solution_cells(nb))
    if unknown:
        raise KeyError(f"no solution cells called {sorted(unknown)}")
    for cell in nb.cells:
        if grade_id(cell) in answers:
            cell.source = answers[grade_id(cell)]
    return nb
