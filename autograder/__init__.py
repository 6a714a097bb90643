"""Instructor tooling for the course, on top of nbgrader: ``python -m autograder --help``."""
import os
import sys
from pathlib import Path

# nbgrader runs the `alembic` command of the environment it is installed in; make
# sure that environment's bin/ is found even when the venv was not activated.
_bin = str(Path(sys.executable).parent)
if _bin not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = _bin + os.pathsep + os.environ.get("PATH", "")
