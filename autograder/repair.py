"""Repair the structure of a handed-in notebook before nbgrader sees it.

nbgrader finds a student's answers and restores its tests by the nbgrader
metadata in each cell. When that is damaged (metadata stripped by an editor,
a test cell deleted, a cell duplicated or turned into Markdown), nbgrader
stops, or quietly marks the answer for manual grading. Here such a notebook
is rebuilt from the release: every answer cell is filled with the student's
code, found by its grade id or else by the name of the function or class it
defines; the student's other code cells come along in their order. A
notebook whose structure is intact keeps its cells as they are.

nbgrader trusts each cell's own metadata for its role (answer, test, locked)
and points. ``repair_metadata`` puts back the release's metadata wherever a
cell's differs (an extra test cell claiming points, an answer cell claiming a
grade, a test cell flagged as an answer, changed points), and takes the
metadata off cells whose grade id the release does not have.
"""
import ast
import copy
import numbers
import re

import nbformat

from .cells import grade_id

_GRADE_ID = re.compile(r"^[A-Za-z0-9_.-]{1,128}$")
_FLAGS = ("grade", "solution", "locked", "task")


def readable_nbgrader_meta(meta):
    """Whether ``meta`` looks like nbgrader metadata (a dict with a string grade id, boolean flags, numeric points)."""
    if not isinstance(meta, dict):
        return False
    gid = meta.get("grade_id")
    if gid is not None and not (isinstance(gid, str) and _GRADE_ID.match(gid)):
        return False
    if any(not isinstance(meta.get(f, False), bool) for f in _FLAGS):
        return False
    points = meta.get("points", 0)
    return isinstance(points, numbers.Real) and not isinstance(points, bool)


def repair_metadata(nb, release_nb):
    """Give every cell of ``nb`` with a known grade id and the release's cell type the release's nbgrader metadata,
    and take it off cells with an unknown grade id; in place. Returns what was repaired, in plain words."""
    release = {grade_id(c): c for c in release_nb.cells if grade_id(c)}
    changed, unknown = [], []
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader")
        if meta is None:
            continue
        gid = meta.get("grade_id")
        if gid not in release:
            cell.metadata.pop("nbgrader")
            unknown.append(str(gid))
            continue
        ref = release[gid]
        if ref.cell_type != cell.cell_type:
            continue  # a re-typed cell: ``problems`` has the notebook rebuilt
        if meta != ref.metadata["nbgrader"]:
            diff = sorted(k for k in set(meta) | set(ref.metadata["nbgrader"]) if meta.get(k) != ref.metadata["nbgrader"].get(k))
            changed.append(f"{gid} ({', '.join(diff)})")
            cell.metadata["nbgrader"] = copy.deepcopy(ref.metadata["nbgrader"])
        for key in ("deletable", "editable"):
            if key in ref.metadata:
                cell.metadata[key] = ref.metadata[key]
    notes = []
    if changed:
        notes.append(f"the nbgrader metadata of {len(changed)} cell(s) was changed, restored from the release: "
                     + ", ".join(changed[:4]))
    if unknown:
        notes.append(f"{len(unknown)} cell(s) carried nbgrader metadata for grade ids the release does not have "
                     f"({', '.join(unknown[:4])}): removed, they count as the student's own cells")
    return notes


def _defines(source):
    """Names of the functions and classes a cell defines at top level."""
    try:
        tree = ast.parse("\n".join(ln for ln in source.splitlines() if not ln.lstrip().startswith(("%", "!"))))
    except (SyntaxError, ValueError, RecursionError, MemoryError):  # e.g. an expression nested 200,000 deep
        return set(re.findall(r"^(?:def|class)\s+(\w+)", source, re.MULTILINE))
    return {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}


def _swapped(nb, solution_ids):
    """Answer cells that define another exercise's function or class but not their own (grade ids swapped)."""
    out = []
    for c in nb.cells:
        gid = grade_id(c)
        if gid in solution_ids and c.cell_type == "code":
            names = _defines(c.source)
            if gid not in names and names & (set(solution_ids) - {gid}):
                out.append(gid)
    return out


def problems(nb, release_nb):
    """What is wrong with the structure of ``nb`` compared with the release, in plain words (empty if nothing)."""
    expected = {grade_id(c): c.cell_type for c in release_nb.cells if grade_id(c)}
    seen = {}
    for c in nb.cells:
        gid = grade_id(c)
        if gid:
            seen.setdefault(gid, []).append(c.cell_type)
    out = []
    missing = [g for g in expected if g not in seen]
    if len(missing) == len(expected):
        out.append("the nbgrader metadata was missing")
    elif missing:
        out.append(f"{len(missing)} cell(s) were deleted or lost their metadata ({', '.join(missing[:4])})")
    dupes = [g for g, types in seen.items() if len(types) > 1]
    if dupes:
        out.append(f"cell(s) {', '.join(dupes[:4])} appeared more than once")
    retyped = [g for g, types in seen.items() if g in expected and any(t != expected[g] for t in types)]
    if retyped:
        out.append(f"cell(s) {', '.join(retyped[:4])} changed type")
    swapped = _swapped(nb, [grade_id(c) for c in release_nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("solution")])
    if swapped:
        out.append(f"answer cell(s) {', '.join(swapped[:4])} define another exercise's function, not their own "
                   "(grade ids swapped)")
    return out


def rebuild(nb, release_nb, solution_ids):
    """The release with the student's answers (found by grade id, else by definition) and extra code cells."""
    answers, extras, after = {}, [], None
    by_id, own = {}, {}
    release_ids = {grade_id(c) for c in release_nb.cells if grade_id(c)}
    for k, c in enumerate(nb.cells):
        gid = grade_id(c)
        if gid in solution_ids and c.cell_type == "code":
            names = _defines(c.source)
            if gid in names or not names & set(solution_ids):
                by_id[gid] = c.source  # a duplicated answer cell: the last one wins
                own[k] = gid
    for k, c in enumerate(nb.cells):
        if c.cell_type != "code":
            continue
        gid = grade_id(c)
        if k in own:
            after = gid
            continue
        if gid in release_ids and gid not in solution_ids:  # an instructor cell (test, setup, demo): the release's copy is used
            continue
        names = _defines(c.source)  # a cell of the student's, or an answer cell holding another exercise's answer
        owner = next((s for s in solution_ids if s in names and s not in by_id), None)
        if owner:
            answers[owner] = c.source  # the last cell defining it wins
            after = owner
        else:
            extras.append((after, c.source))
    answers = {**answers, **by_id}
    out = nbformat.from_dict(release_nb)
    first_code = next(i for i, c in enumerate(out.cells) if c.cell_type == "code")
    cells = []
    for k, cell in enumerate(out.cells):
        gid = grade_id(cell)
        if gid in answers:
            cell.source = answers[gid]
        cells.append(cell)
        anchor = gid if gid in solution_ids else (None if k == first_code else "-")
        for j, (a, src) in enumerate(extras):
            if a == anchor:  # the student's own cells go back after the answer they followed
                extra = nbformat.v4.new_code_cell(src)
                extra["id"] = f"student-extra-{k}-{j}"
                cells.append(extra)
    out.cells = cells
    return out, [s for s in solution_ids if s in answers]
