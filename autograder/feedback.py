"""``feedback``: an HTML page per student and notebook, made by nbgrader from the autograded notebook.

What passed and what failed, with each failed check's plain-words message;
never the hidden tests' source (see ``preprocessors.HideTests``).
"""
from pathlib import Path

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.apps import NbGraderAPI
from nbgrader.preprocessors import GetGrades

from . import feedback_page
from .feedback_page import PrerenderMath
from .ledger import Ledger
from .preprocessors import HideTests
from .workspace import nbgrader_config, notebook_name


def configure(config):
    """The feedback steps, for ``generate`` and for nbgrader's own ``generate_feedback`` (``nbgrader_setup``)."""
    config.GenerateFeedback.preprocessors = [HideTests, GetGrades, PrerenderMath, CSSHTMLHeaderPreprocessor]
    return feedback_page.configure(config)  # formulas offline, long lines wrapped


def generate(workspace, assignment):
    """Write feedback for every graded submission; returns the HTML paths."""
    workspace = Path(workspace)
    config = configure(nbgrader_config(workspace))
    api = NbGraderAPI(config=config)
    paths = []
    for record in Ledger(workspace).for_assignment(assignment):
        if record["status"] != "graded":
            continue
        result = api.generate_feedback(assignment, record["student_id"], force=True)
        if not result["success"]:
            raise RuntimeError(f"nbgrader could not make feedback for {record['student_id']}: {result.get('error', '')[-300:]}")
        paths.append(workspace / "feedback" / record["student_id"] / assignment
                     / notebook_name(assignment).replace(".ipynb", ".html"))
    return paths
