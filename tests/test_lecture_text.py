"""Lectures as text: every source notebook is what its text builds, and bad texts stop the build."""
import shutil

import nbformat
import pytest

from autograder import lecture_text
from autograder.__main__ import main
from autograder.cells import NOTEBOOK_METADATA, find_cell, grade_id
from autograder.paths import SOURCE_DIR, assignments

from conftest import release_nb

LECTURES = lecture_text.text_lectures()


def test_every_lecture_is_text():
    assert LECTURES == assignments()


@pytest.mark.parametrize("assignment", LECTURES)
def test_committed_notebook_is_what_the_text_builds(assignment):
    lecture_text.build(assignment, check=True)


@pytest.mark.parametrize("assignment", LECTURES)
def test_text_survives_the_round_trip(assignment):
    path = lecture_text.text_path(assignment)
    assert lecture_text.canonical_text(path) == path.read_text(encoding="utf-8"), (
        f"{path.name} is not in canonical form: write its markers and blank lines as `to_text` does")


@pytest.mark.parametrize("assignment", LECTURES)
def test_cell_ids_are_grade_ids_and_metadata_is_jupyterlabs(assignment):
    nb = nbformat.read(str(lecture_text.notebook_path(assignment)), as_version=4)
    assert all(c["id"] == grade_id(c) for c in nb.cells)
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in nb.cells if c.cell_type == "code")
    assert nb.metadata == NOTEBOOK_METADATA
    assert release_nb(assignment).metadata == NOTEBOOK_METADATA


@pytest.fixture
def sources(tmp_path):
    """A copy of the course's sources to break."""
    shutil.copytree(SOURCE_DIR, tmp_path / "src")
    return tmp_path / "src"


def test_building_twice_gives_the_same_bytes(sources):
    first = lecture_text.build("02_softmax", source_dir=sources).read_bytes()
    second = lecture_text.build("02_softmax", source_dir=sources).read_bytes()
    assert first == second == (SOURCE_DIR / "02_softmax" / "02_softmax.ipynb").read_bytes()


def test_a_hand_edited_notebook_fails_the_check(sources):
    path = lecture_text.notebook_path("02_softmax", sources)
    path.write_text(path.read_text().replace("check_close(p, [[0.869", "check_close(p, [[0.870"))
    with pytest.raises(lecture_text.LectureError, match="edit the text, never the JSON"):
        lecture_text.build("02_softmax", check=True, source_dir=sources)


LECTURE = '''# %% [markdown] id="intro"
# # A tiny lecture
#
# Write `double`.

# %% setup id="setup"

# %% solution id="double"
def double(x):
    """Twice x."""
    ### BEGIN SOLUTION
    return 2 * x
    ### END SOLUTION


# %% tests id="test_double" points=2
check_close(double(np.array([1.0])), [2.0], "double of [1]")
### BEGIN HIDDEN TESTS
check_close(double(np.array([-3.0])), [-6.0], "double of [-3]")
### END HIDDEN TESTS
'''


def _write(sources, text, name="99_tiny"):
    (sources / name).mkdir()
    path = sources / name / f"{name}.py"
    path.write_text(text)
    return path


def test_a_small_lecture_builds_into_nbgrader_cells(sources):
    path = _write(sources, LECTURE)
    nb = nbformat.read(str(lecture_text.build("99_tiny", source_dir=sources)), as_version=4)
    assert [c["id"] for c in nb.cells] == ["intro", "setup", "double", "test_double"]
    assert find_cell(nb, "test_double").metadata["nbgrader"] == {
        "grade": True, "grade_id": "test_double", "locked": True, "points": 2, "schema_version": 3,
        "solution": False, "task": False}
    assert find_cell(nb, "double").metadata["nbgrader"]["solution"] is True
    assert find_cell(nb, "setup").source == lecture_text.SETUP_CELL.read_text().strip("\n")
    assert lecture_text.canonical_text(path) == LECTURE


def test_a_given_cell_carries_the_earlier_lectures_reference(sources):
    _write(sources, LECTURE + '\n# %% given="02_softmax:softmax,softmax_cross_entropy" id="given-loss"\n')
    nb = lecture_text.to_notebook(sources / "99_tiny" / "99_tiny.py")
    given = find_cell(nb, "given-loss")
    assert given.metadata["nbgrader"]["locked"] and not given.metadata["nbgrader"]["solution"]
    assert "def softmax(scores):" in given.source and "def softmax_cross_entropy(scores, y):" in given.source
    assert "### BEGIN SOLUTION" not in given.source and "NotImplementedError" not in given.source
    namespace = {"np": __import__("numpy")}
    exec(given.source, namespace)
    assert namespace["softmax"](namespace["np"].array([[1e4, 0.0]]))[0, 0] == 1.0
    assert lecture_text.to_text(nb).endswith('# %% given="02_softmax:softmax,softmax_cross_entropy" id="given-loss"\n')


BAD = [
    ("unknown role", LECTURE.replace("# %% solution id=", "# %% soluton id="), 8, "soluton"),
    ("duplicated id", LECTURE.replace('id="test_double"', 'id="double"'), 16, "already used by the cell at line 8"),
    ("test without points", LECTURE.replace(" points=2", ""), 16, "needs points=N"),
    ("solution without markers", LECTURE.replace("    ### BEGIN SOLUTION\n", "").replace("    ### END SOLUTION\n", ""),
     8, "### BEGIN SOLUTION"),
    ("hidden tests never closed", LECTURE.replace("### END HIDDEN TESTS\n", ""), 16, "is never closed"),
    ("given from a missing lecture", LECTURE + '\n# %% given="42_nothing:f" id="g"\n', 22, "no lecture '42_nothing'"),
    ("given of an unknown function", LECTURE + '\n# %% given="02_softmax:sofmax" id="g"\n', 22, "no solution cell 'sofmax'"),
    ("a setup cell with a body", LECTURE.replace('# %% setup id="setup"\n', '# %% setup id="setup"\nimport os\n'), 6,
     "leave its body empty"),
    ("no id", LECTURE.replace(' id="intro"', ""), 1, 'needs id="name"'),
]


@pytest.mark.parametrize("what, text, line, message", BAD, ids=[b[0] for b in BAD])
def test_a_bad_text_stops_the_build_with_file_line_and_fix(sources, what, text, line, message):
    path = _write(sources, text)
    with pytest.raises(lecture_text.LectureError) as err:
        lecture_text.build("99_tiny", source_dir=sources)
    assert str(err.value).startswith(f"{path}:{line}: ")
    assert message in str(err.value)
    assert not lecture_text.notebook_path("99_tiny", sources).exists()


def test_cli_build_check_and_workspace_after_the_command(capsys):
    assert main(["build", "02_softmax", "--check", "--workspace", "/nonexistent"]) == 0
    assert "up to date" in capsys.readouterr().out
    assert main(["build", "42_nothing"]) == 2
    assert "unknown assignment" in capsys.readouterr().err
