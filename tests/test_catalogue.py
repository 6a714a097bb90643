"""Proof that the hidden tests grade fairly.

For every lecture, tests/catalogue/<module>.py lists wrong implementations a
student would plausibly write and correct ones written differently from the
reference. Each is put into the release notebook on top of the reference
answers and graded through the real autograder (collect, then grade): a wrong
one must lose its function's points with a plain-words AssertionError, a
correct one must get them all.
"""
import importlib
import re
import pkgutil

import nbformat
import pytest

import catalogue
from autograder import collect, grade
from autograder.cells import find_cell
from autograder.judge import own_forward
from autograder.ledger import Ledger

from conftest import solved_nb, write_nb

MODULES = [importlib.import_module(f"catalogue.{m.name}") for m in pkgutil.iter_modules(catalogue.__path__)]


def _variants(module):
    out = [(f"wrong{i:02d}", "wrong", *entry) for i, entry in enumerate(module.WRONG)]
    out += [(f"right{i:02d}", "correct", *entry) for i, entry in enumerate(module.CORRECT)]
    return out


# run with pytest-xdist's --dist loadfile: this file's tests share one worker, so each lecture is graded once
CASES = [pytest.param(m, v, id=f"{m.ASSIGNMENT}-{v[0]}-{v[2]}-{v[3]}") for m in MODULES for v in _variants(m)]

_graded = {}


def _code(module, kind, gid, what):
    (code,) = [c for g, w, c in (module.WRONG if kind == "wrong" else module.CORRECT) if (g, w) == (gid, what)]
    return code


def _pairs(module):
    """(student, G, wrong G, F, correct F that calls G): a hand-in with both."""
    return [(f"pair{i:02d}", g, wrong, f, right) for i, (g, wrong, f, right) in enumerate(getattr(module, "PAIRS", []))]


def _graded_workspace(module, tmp_path_factory):
    """Grade every variant of a lecture once, in one batch; cached per lecture."""
    if module.ASSIGNMENT not in _graded:
        root = tmp_path_factory.mktemp(module.ASSIGNMENT)
        a = module.ASSIGNMENT
        for student, _, gid, _, code in _variants(module):
            write_nb(solved_nb(a, **{gid: code}), root / "inbox" / student / f"{a}.ipynb")
        for student, g, wrong, f, right in _pairs(module):
            answers = {g: _code(module, "wrong", g, wrong), f: _code(module, "correct", f, right)}
            write_nb(solved_nb(a, **answers), root / "inbox" / student / f"{a}.ipynb")
        collect.collect(root / "inbox", a, root / "ws")
        grade.grade(root / "ws", a, progress=False, timeout=120)
        _graded[a] = root / "ws"
    return _graded[module.ASSIGNMENT]


def _cell_error(ws, assignment, student, test_id):
    nb = nbformat.read(str(ws / "autograded" / student / assignment / f"{assignment}.ipynb"), as_version=4)
    cell = find_cell(nb, test_id)
    errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    return errors[0] if errors else None


@pytest.mark.parametrize("module, variant", CASES)
def test_variant_is_graded_fairly(module, variant, tmp_path_factory):
    student, kind, gid, what, _ = variant
    test_id = module.TESTS[gid]
    ws = _graded_workspace(module, tmp_path_factory)
    record = Ledger(ws).get(module.ASSIGNMENT, student)
    assert record.status_text == "graded", record.status_text
    score, max_score = record.cells[test_id]
    error = _cell_error(ws, module.ASSIGNMENT, student, test_id)
    if kind == "correct":
        assert score == max_score, f"correct {gid} ({what}) lost points: {error and error['evalue']}"
    else:
        assert score == 0, f"wrong {gid} ({what}) still got {score} of {max_score} points"
        # one mistake costs one function: every other test gets full marks, even where the reference calls gid
        # (a backward pass is the exception: it is tested with the student's own forward, whose cache it reads)
        for other, other_test in module.TESTS.items():
            if other != gid and own_forward(other) != gid:
                got, full = record.cells[other_test]
                assert got == full, f"wrong {gid} ({what}) also cost {other_test} {full - got} of {full} points"
        assert error is not None, f"wrong {gid} ({what}) lost its points without an error shown to the student"
        if error["ename"] == "AssertionError":
            assert len(error["evalue"].strip()) > 20, f"the message for {what} is too short to act on: {error['evalue']!r}"
        else:  # acceptable only when the student's own function raised it: the traceback shows their line
            frames = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(error.get("traceback", [])))  # no colour codes
            assert f"in {gid}(" in frames or f"in {gid}." in frames, (
                f"wrong {gid} ({what}) failed with {error['ename']}: {error['evalue']} outside the student's "
                "code; a check should catch it first and say what is wrong")


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.ASSIGNMENT)
def test_catalogue_covers_every_graded_function(module):
    from conftest import source_nb
    from autograder.cells import solution_cells
    functions = solution_cells(source_nb(module.ASSIGNMENT))
    assert sorted(module.TESTS) == sorted(functions)
    for f in functions:
        assert sum(e[0] == f for e in module.WRONG) >= 3, f"{f}: fewer than 3 wrong variants"
        assert sum(e[0] == f for e in module.CORRECT) >= 1, f"{f}: no alternative correct variant"


PAIR_CASES = [pytest.param(m, p, id=f"{m.ASSIGNMENT}-{p[0]}-{p[3]}-calls-{p[1]}") for m in MODULES for p in _pairs(m)]


@pytest.mark.parametrize("module, pair", PAIR_CASES)
def test_a_correct_function_that_calls_a_wrong_one_keeps_its_points(module, pair, tmp_path_factory):
    student, g, wrong, f, right = pair
    ws = _graded_workspace(module, tmp_path_factory)
    cells = Ledger(ws).get(module.ASSIGNMENT, student).cells
    assert cells[module.TESTS[g]][0] == 0, f"wrong {g} ({wrong}) kept points"
    got, full = cells[module.TESTS[f]]
    assert got == full, f"correct {f} ({right}) calling a wrong {g} lost {full - got} of {full} points"


def test_the_catalogue_has_pairs_where_a_students_function_calls_another():
    assert sum(len(getattr(m, "PAIRS", [])) for m in MODULES) >= 1
