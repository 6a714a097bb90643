"""The grader's pipeline on one screen: nbgrader's converters and the steps each one runs.

Each command hands a notebook to one of nbgrader's converters, which runs it through a list of
steps (nbgrader's own, and the course's from ``preprocessors.py`` and ``feedback_page.py``):

    release    source notebook  ─ GenerateAssignment: RELEASE_STEPS   → release/<A>/ (student version)
    autograde  handed-in copy   ─ Autograde:          AUTOGRADE_STEPS → autograded/, gradebook scores
    feedback   autograded copy  ─ GenerateFeedback:   FEEDBACK_STEPS  → feedback/<student>/<A>.html

``nbgrader_config`` is the configuration every command starts from (and that nbgrader's own tools read
from a workspace, see ``nbgrader_setup``); settings reach a step as its traits, set here.
"""
from pathlib import Path

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.converters import Autograde, GenerateAssignment
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import Execute, GetGrades
from traitlets.config import Config

from .feedback_page import FeedbackExporter, PrerenderMath, SanitizeStudentContent
from .paths import CODE_STUB, COURSE_ID, SOURCE_DIR
from .preprocessors import (ClearHiddenTestsOfTestCells, SandboxedExecute, StampCourseLinks, StderrIsNotFailure,
                            TrimTracebacks)


def _nbgrader_steps(converter, trait):
    return list(converter.class_traits()[trait].default())


# release: nbgrader's own steps (lock cells, clear solutions and hidden tests, clear outputs, checksums),
# the course's links (Open in Colab, the install line) stamped in first
RELEASE_STEPS = [StampCourseLinks, *_nbgrader_steps(GenerateAssignment, "preprocessors")]

# autograde: nbgrader's own steps, its Execute replaced: the notebook runs in the sandbox (sandbox.py, sandboxed/),
# each test cell in the judge (judge.py); then a warning on stderr is shown as output, not taken for a failure
AUTOGRADE_STEPS = [new for step in _nbgrader_steps(Autograde, "autograde_preprocessors")
                   for new in ([SandboxedExecute, StderrIsNotFailure] if step is Execute else [step])]

# feedback: hidden tests cut (nbgrader's ClearHiddenTests) and tracebacks cut to their message, grades read,
# student content sanitised, formulas rendered offline, the page's styles
FEEDBACK_STEPS = [ClearHiddenTestsOfTestCells, TrimTracebacks, GetGrades, SanitizeStudentContent, PrerenderMath,
                  CSSHTMLHeaderPreprocessor]


def nbgrader_config(workspace, release_dir=None, timeout=60, source_dir=None):
    """nbgrader configuration for a workspace, with the autograde steps; sources from ``source_dir``
    (default: the repository's ``source_notebooks/``)."""
    workspace = Path(workspace).resolve()
    source_dir = Path(source_dir or SOURCE_DIR).resolve()
    c = Config()
    c.CourseDirectory.root = str(workspace)
    c.CourseDirectory.course_id = COURSE_ID
    c.CourseDirectory.source_directory = str(source_dir)
    c.CourseDirectory.release_directory = str(release_dir or workspace / "release")
    c.CourseDirectory.db_url = f"sqlite:///{workspace / 'gradebook.db'}?timeout=60"  # workers wait for each other
    # the lecture texts (<A>.py) hold the solutions and hidden tests: nbgrader never copies them anywhere
    c.CourseDirectory.ignore = [*CourseDirectory.class_traits()["ignore"].default(), "*.py"]
    c.ClearSolutions.code_stub = {"python": CODE_STUB}
    c.SandboxedExecute.cell_timeout = timeout
    c.SandboxedExecute.source_directory = str(source_dir)  # the judge reads the test cells' code there
    c.Autograde.autograde_preprocessors = list(AUTOGRADE_STEPS)
    return c


def configure_release(config, assignment):
    """``config`` with the release steps, for the student version of ``assignment``."""
    # the lecture text <A>.py holds the solutions and hidden tests: never copy it into the release
    config.CourseDirectory.ignore = _nbgrader_steps(CourseDirectory, "ignore") + [f"{assignment}.py"]
    config.GenerateAssignment.preprocessors = list(RELEASE_STEPS)
    return config


def configure_feedback(config):
    """``config`` with the feedback steps and the course's page (formulas offline, long lines wrapped), for
    ``feedback.generate`` and for nbgrader's own ``generate_feedback`` (``nbgrader_setup``)."""
    config.GenerateFeedback.preprocessors = list(FEEDBACK_STEPS)
    config.GenerateFeedback.exporter_class = FeedbackExporter
    return config
