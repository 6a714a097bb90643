"""``release``: student notebooks generated from the sources by nbgrader.

nbgrader's own pipeline (lock cells, clear solutions and hidden tests, clear
outputs, checksums) runs unchanged; one step is put in front of it,
``StampCourseLinks``, which fills the "Open in Colab" link and the Colab
install line from ``course/config.py``.
"""
import logging
import tempfile
from pathlib import Path

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool
from nbgrader.apps import NbGraderAPI
from nbgrader.converters import GenerateAssignment
from nbgrader.coursedir import CourseDirectory

from course import config as course_config

from .workspace import RELEASE_DIR, nbgrader_config

log = logging.getLogger(__name__)


class StampCourseLinks(Preprocessor):
    """Replace ``{{COLAB_URL}}``, ``{{COURSE_PIP_URL}}`` and ``{{NOTEBOOK}}`` (the file's name) in every cell."""

    enabled = Bool(True)

    def preprocess(self, nb, resources):
        assignment = resources["nbgrader"]["assignment"]
        name = f"{resources['nbgrader']['notebook']}.ipynb"
        values = {"{{COLAB_URL}}": course_config.colab_url(f"release/{assignment}/{name}"),
                  "{{COURSE_PIP_URL}}": course_config.pip_url(),
                  "{{NOTEBOOK}}": name}
        for cell in nb.cells:
            for placeholder, value in values.items():
                cell.source = cell.source.replace(placeholder, value)
        return nb, resources


def generate(assignment, release_dir=RELEASE_DIR, workspace=None, source_dir=None):
    """Write the student version of ``assignment`` into ``release_dir/assignment/``.

    With no ``workspace`` the gradebook nbgrader insists on is a throw-away one.
    Raises RuntimeError with nbgrader's log if generation fails.
    """
    with tempfile.TemporaryDirectory() as tmp:
        config = nbgrader_config(workspace or tmp, release_dir=release_dir, source_dir=source_dir)
        # the lecture text <A>.py holds the solutions and hidden tests: never copy it into the release
        config.CourseDirectory.ignore = CourseDirectory.class_traits()["ignore"].default() + [f"{assignment}.py"]
        config.GenerateAssignment.preprocessors = [StampCourseLinks] + list(
            GenerateAssignment.class_traits()["preprocessors"].default())
        api = NbGraderAPI(config=config)
        result = api.generate_assignment(assignment, force=True, create=True)
    if not result["success"]:
        raise RuntimeError(f"nbgrader could not generate {assignment}:\n{result.get('log', '')}\n{result.get('error', '')}")
    return Path(release_dir) / assignment / f"{assignment}.ipynb"
