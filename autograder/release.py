"""``release``: student notebooks generated from the sources by nbgrader.

nbgrader's own pipeline (lock cells, clear solutions and hidden tests, clear
outputs, checksums) runs unchanged; one step is put in front of it,
``preprocessors.StampCourseLinks``, which fills the "Open in Colab" link and the
Colab install line from ``course/config.py`` (``pipeline.RELEASE_STEPS``).
"""
import logging
import tempfile
from pathlib import Path

from nbgrader.apps import NbGraderAPI

from .paths import RELEASE_DIR
from .pipeline import configure_release, nbgrader_config

log = logging.getLogger(__name__)


def generate(assignment, release_dir=RELEASE_DIR, workspace=None, source_dir=None):
    """Write the student version of ``assignment`` into ``release_dir/assignment/``.

    With no ``workspace`` the gradebook nbgrader insists on is a throw-away one; ``source_dir`` (default: the
    repository's ``source_notebooks/``) is where the source notebook is.
    Raises RuntimeError with nbgrader's log if generation fails.
    """
    with tempfile.TemporaryDirectory() as tmp:
        config = configure_release(nbgrader_config(workspace or tmp, release_dir=release_dir, source_dir=source_dir),
                                   assignment)
        api = NbGraderAPI(config=config)
        result = api.generate_assignment(assignment, force=True, create=True)
    if not result["success"]:
        raise RuntimeError(f"nbgrader could not generate {assignment}:\n{result.get('log', '')}\n{result.get('error', '')}")
    return Path(release_dir) / assignment / f"{assignment}.ipynb"
