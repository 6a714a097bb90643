"""Repair the structure of a handed-in notebook before nbgrader sees it.

nbgrader finds a student's answers and restores its tests by the nbgrader
metadata in each cell. When that is damaged (metadata stripped by an editor,
a test cell deleted, a cell duplicated or turned into Markdown), nbgrader
stops, or quietly marks the answer for manual grading. Here such a notebook
is rebuilt from the release: every answer cell is filled with the student's
code, found by its grade id or else by the name of the function or class it
defines; the student's other code cells come along in their order. A
notebook whose structure is intact is left exactly as it is.
"""
import ast
import re

import nbformat

from .cells import grade_id


def _defines(source):
    """Names of the functions and classes a cell defines at top level."""
    try:
        tree = ast.parse("\n".join(ln for ln in source.splitlines() if not ln.lstrip().startswith(("%", "!"))))
    except SyntaxError:
        return set(re.findall(r"^(?:def|class)\s+(\w+)", source, re.MULTILINE))
    return {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}


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
    return out


def rebuild(nb, release_nb, solution_ids):
    """The release with the student's answers (found by grade id, else by definition) and extra code cells."""
    answers, extras, after = {}, [], None
    by_id = {}
    for c in nb.cells:
        gid = grade_id(c)
        if gid in solution_ids and c.cell_type == "code":
            by_id[gid] = c.source  # a duplicated answer cell: the last one wins
    for c in nb.cells:
        if c.cell_type != "code":
            continue
        gid = grade_id(c)
        if gid in solution_ids:
            after = gid
            continue
        if gid:  # an instructor cell (test, setup, demo): the release's copy is used
            continue
        names = _defines(c.source)
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
