"""Helpers shared by the course notebooks.

Everything here imports only NumPy and matplotlib, so it runs unchanged in
Google Colab. The functions students write themselves live in the notebooks,
never here.

``import course`` is quick: a module such as ``course.plots`` is imported the
first time it is used (so the grader, which needs only ``course.checks``, never
loads matplotlib).
"""
import importlib
from pathlib import Path

__version__ = "0.1.0"


def __getattr__(name):
    """``course.plots`` and the like work after a plain ``import course``."""
    if not name.startswith("_") and (Path(__file__).parent / f"{name}.py").is_file():
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *(p.stem for p in Path(__file__).parent.glob("*.py") if not p.stem.startswith("_"))])
