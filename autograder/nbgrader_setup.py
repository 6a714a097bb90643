"""nbgrader's own tools in a workspace: ``nbgrader_config.py`` so that they use the course's pipeline.

An instructor may run ``nbgrader autograde``, ``nbgrader generate_feedback`` or formgrader
(``jupyter lab`` in the workspace) instead of ``python -m autograder``. nbgrader reads
``nbgrader_config.py`` from the folder it runs in; the one written here configures what
``python -m autograder`` uses: the sandbox and the judge for autograde (test cells outside the
student's kernel), feedback without the hidden tests, the course's sources, and a release that never
carries a lecture text. It is rewritten on every ``collect`` and ``grade``.
"""
from pathlib import Path

from .paths import REPO_ROOT
from .pipeline import configure_feedback, nbgrader_config

CONFIG_NAME = "nbgrader_config.py"

TEMPLATE = '''\
# Written by `python -m autograder` (autograder/nbgrader_setup.py); rewritten on every collect and grade.
# nbgrader's own commands and formgrader, run in this folder, use the course's pipeline from it:
# autograde runs the notebooks in the sandbox and judges the test cells outside the student's kernel,
# feedback never shows the hidden tests.
import sys

sys.path.insert(0, {repo!r})
from autograder.nbgrader_setup import workspace_config  # noqa: E402

c = get_config()  # noqa: F821  (nbgrader provides it)
c.merge(workspace_config({workspace!r}))
'''


def workspace_config(workspace):
    """Everything nbgrader needs to do in ``workspace`` what ``python -m autograder`` does."""
    return configure_feedback(nbgrader_config(workspace))


def write(workspace):
    """Write ``<workspace>/nbgrader_config.py``; returns its path."""
    workspace = Path(workspace).resolve()
    workspace.mkdir(parents=True, exist_ok=True)
    path = workspace / CONFIG_NAME
    text = TEMPLATE.format(repo=str(REPO_ROOT), workspace=str(workspace))
    if not path.exists() or path.read_text() != text:
        path.write_text(text)
    return path
