"""The course package: quick to import, every helper module reachable as an attribute."""
import subprocess
import sys

import numpy as np
import pytest

import course


def test_importing_the_checks_loads_no_plotting():
    code = "import sys, course, course.checks; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_helper_modules_load_on_first_use():
    assert course.plots.show_images.__module__ == "course.plots"
    assert "graphs" in dir(course)
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        course.nothing


def _course_functions():
    """Every function defined in a module of course/ (public or not), as (module.name, function)."""
    import importlib
    import inspect
    from pathlib import Path
    found = []
    for path in sorted(Path(course.__file__).parent.glob("*.py")):
        module = importlib.import_module(f"course.{path.stem}") if path.stem != "__init__" else course
        found += [(f"{module.__name__}.{name}", fn) for name, fn in inspect.getmembers(module, inspect.isfunction)
                  if fn.__module__ == module.__name__]
    return found


def test_no_helper_is_named_like_a_graded_function():
    from autograder.judge import graded_names
    from conftest import ASSIGNMENTS, source_nb
    graded = set().union(*(graded_names(source_nb(a)) for a in ASSIGNMENTS))
    assert "numerical_gradient" in graded and "relative_error" in graded
    clashes = [name for name, _ in _course_functions() if name.rsplit(".", 1)[1] in graded]
    assert not clashes, f"course/ defines graded functions: {clashes}"


def test_no_helper_returns_lecture_03s_numerical_gradient_or_relative_error():
    # under any name: every function of course/ is called as numerical_gradient(f, x[, h]) and relative_error(a, b) would be
    import warnings
    x = np.array([[0.5, -1.0], [2.0, 0.25]])
    a, b = np.array([1.0, 2.0, -3.0]), np.array([1.1, 2.0, -2.0])
    expected_error = float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))
    leaks = []
    for name, fn in _course_functions():
        for args, expected in (((lambda v: float(np.sum(v ** 2)), x.copy()), 2 * x),
                               ((lambda v: float(np.sum(v ** 2)), x.copy(), 1e-5), 2 * x),
                               ((a, b), expected_error)):
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    got = fn(*args)
                if got is not None and np.allclose(np.asarray(got, dtype=float), expected, atol=1e-6):
                    leaks.append(name)
            except Exception:
                pass
    assert not leaks, f"these helpers return what lecture 03's students must write themselves: {leaks}"
