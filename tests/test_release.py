"""The release is generated from the sources, never edited by hand, and says nothing it should not."""
import filecmp
import json

import pytest

from autograder import release
from autograder.cells import graded_cells, solution_cells
from autograder.paths import RELEASE_DIR, SOURCE_DIR
from course import config

from conftest import ASSIGNMENTS, release_nb, source_nb


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_regenerated_release_is_byte_identical(assignment, tmp_path):
    fresh = release.generate(assignment, release_dir=tmp_path)
    committed = RELEASE_DIR / assignment / fresh.name
    assert committed.exists(), f"release/{assignment} is missing: run `python -m autograder release`"
    assert fresh.read_bytes() == committed.read_bytes(), (
        f"release/{assignment}/{fresh.name} differs from what the source generates: "
        "run `python -m autograder release` and commit the result")
    extra = filecmp.dircmp(tmp_path / assignment, RELEASE_DIR / assignment)
    assert not extra.left_only and not extra.right_only, "release folder holds different files than the source's"


def test_every_source_has_a_release_and_nothing_else():
    released = sorted(p.name for p in RELEASE_DIR.iterdir() if p.is_dir())
    assert released == ASSIGNMENTS


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_hides_solutions_and_hidden_tests(assignment):
    text = (RELEASE_DIR / assignment / f"{assignment}.ipynb").read_text()
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "_oracle"):
        assert marker not in text, f"{marker!r} leaked into the student version"
    nb = release_nb(assignment)
    for gid in solution_cells(nb):
        cell = next(c for c in nb.cells if c.metadata["nbgrader"]["grade_id"] == gid)
        assert "raise NotImplementedError()" in cell.source


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_links_point_at_the_configured_repository(assignment):
    text = json.dumps(release_nb(assignment).cells)
    assert "{{" not in text, "an unfilled placeholder is left in the release"
    assert config.colab_url(f"release/{assignment}/{assignment}.ipynb") in text
    assert config.pip_url() in text


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_sources_are_clean_and_well_formed(assignment):
    raw = json.loads((SOURCE_DIR / assignment / f"{assignment}.ipynb").read_text())
    assert raw["nbformat"] == 4 and raw["nbformat_minor"] >= 5, "sources keep cell ids (nbformat 4.5)"
    ids = [c["id"] for c in raw["cells"]]
    assert len(ids) == len(set(ids)), "cell ids must be unique"
    for cell in raw["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None, f"stale output in cell {cell['id']}"
    nb = source_nb(assignment)
    graded = graded_cells(nb)
    for gid in solution_cells(nb):
        assert f"test_{gid}" in graded, f"solution cell {gid} has no test cell test_{gid}"
        assert graded[f"test_{gid}"] > 0


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_no_file_of_the_release_holds_a_solution_or_the_lecture_text(assignment):
    files = [p for p in (RELEASE_DIR / assignment).rglob("*") if p.is_file()]
    assert [p.name for p in files] == [f"{assignment}.ipynb"], "only the student notebook is released"
