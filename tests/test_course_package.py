"""The course package: quick to import, every helper module reachable as an attribute."""
import subprocess
import sys

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
