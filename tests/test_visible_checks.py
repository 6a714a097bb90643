"""The visible checks catch the common mistakes first, with a message that names the cause.

Each catalogue module's VISIBLE maps a wrong variant (by its description in WRONG) to words its
visible message must contain. The visible part of the test cell (everything before the hidden tests)
runs here, in-process, on the reference answers with that one function replaced, as the student's
kernel would run it. The reference answers pass every visible check.
"""
import importlib
import pkgutil

import pytest

import catalogue
from autograder.cells import find_cell, is_solution_cell, grade_id, strip_solution_markers

from conftest import source_nb

MODULES = [importlib.import_module(f"catalogue.{m.name}") for m in pkgutil.iter_modules(catalogue.__path__)]
PRELUDE = ("import numpy as np\n"
           "from course.checks import check, check_close, check_finite, check_gradient, check_shape, check_unchanged")


def run_visible_checks(assignment, test_id, answers=None):
    """Define the lecture's functions (reference answers, given cells, ``answers`` on top), then run the visible checks."""
    nb = source_nb(assignment)
    namespace = {}
    exec(PRELUDE, namespace)
    for cell in nb.cells:
        if is_solution_cell(cell):
            exec((answers or {}).get(grade_id(cell), strip_solution_markers(cell.source)), namespace)
        elif cell.cell_type == "code" and cell.source.startswith("# Given:"):
            exec(cell.source, namespace)
    visible = find_cell(nb, test_id).source.split("### BEGIN HIDDEN TESTS")[0]
    exec(visible, namespace)


CASES = [pytest.param(m, what, words, id=f"{m.ASSIGNMENT}-{what}") for m in MODULES for what, words in getattr(m, "VISIBLE", {}).items()]


@pytest.mark.parametrize("module, what, words", CASES)
def test_a_common_mistake_is_caught_by_a_visible_check_that_names_the_cause(module, what, words):
    (gid, code), = [(g, c) for g, w, c in module.WRONG if w == what]
    with pytest.raises(AssertionError) as err:
        run_visible_checks(module.ASSIGNMENT, module.TESTS[gid], {gid: code})
    message = str(err.value)
    assert words in message, f"{gid} ({what}): the visible message does not say {words!r}:\n{message}"
    assert "Traceback" not in message and len(message.splitlines()) <= 6


@pytest.mark.parametrize("module, test_id", [(m, t) for m in MODULES for t in m.TESTS.values()],
                         ids=lambda v: getattr(v, "ASSIGNMENT", v))
def test_the_reference_answers_pass_the_visible_checks(module, test_id, capsys):
    run_visible_checks(module.ASSIGNMENT, test_id)
    assert "visible checks passed" in capsys.readouterr().out


def test_every_lecture_names_the_visible_message_of_its_common_mistakes():
    for module in MODULES:
        if module.ASSIGNMENT[:2] in ("00", "01", "02", "03"):
            assert len(getattr(module, "VISIBLE", {})) >= 3, module.ASSIGNMENT
