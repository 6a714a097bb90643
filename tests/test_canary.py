"""Before a batch, the reference solution is graded the same way; if it loses points, nothing is graded."""
import shutil
import subprocess
import sys

import nbformat
import pytest

from autograder import grade
from autograder.cells import find_cell
from autograder.job import GRADED, NOT_GRADED, Result
from autograder.ledger import Ledger
from autograder.sandbox import sandbox_status
from autograder.paths import REPO_ROOT

from conftest import release_nb, solved_nb, write_nb

A = "00_getting_started"


def test_full_marks_is_no_problem():
    assert grade.canary_problem(Result(GRADED, score=10, max_score=10), None) is None


def test_message_names_the_failing_cell_and_its_error():
    nb = release_nb(A)
    setup = find_cell(nb, "setup")
    setup.outputs = [nbformat.v4.new_output("error", ename="ModuleNotFoundError", evalue="No module named 'course'",
                                            traceback=[])]
    result = Result(GRADED, score=0, max_score=10, cells={"test_one_hot": [0, 4], "test_accuracy": [0, 3]})
    message = grade.canary_problem(result, nb)
    assert message.startswith("the reference solution got 0/10 here, so the environment is broken and nothing was graded.")
    assert "test_one_hot (0/4), test_accuracy (0/3)" in message
    assert "First failing cell: setup: ModuleNotFoundError: No module named 'course'" in message
    assert "could not be imported in the sandbox" in message


def test_ungradable_canary_says_why():
    message = grade.canary_problem(Result(NOT_GRADED, "SandboxError: bwrap died"), None)
    assert "could not be graded (SandboxError: bwrap died)" in message


@pytest.mark.skipif(not sandbox_status()[0], reason="needs bubblewrap: without a sandbox the kernel sees every copy")
def test_a_checkout_graded_with_another_checkouts_environment_grades_nothing(tmp_path):
    """The issue's case: a second checkout run with the first one's venv, whose editable install points elsewhere.

    The grader imports the second checkout's `course` and the sandbox shows only that one; the kernel's Python
    looks for the first checkout's, which the sandbox does not show.
    """
    other = tmp_path / "second-checkout"
    for part in ("autograder", f"source_notebooks/{A}", f"release/{A}", "course"):
        shutil.copytree(REPO_ROOT / part, other / part, ignore=shutil.ignore_patterns("__pycache__"))
    inbox, ws = tmp_path / "inbox", tmp_path / "ws"
    write_nb(solved_nb(A), inbox / "good" / f"{A}.ipynb")
    write_nb(release_nb(A), inbox / "blank" / f"{A}.ipynb")

    def cli(*args):
        return subprocess.run([sys.executable, "-m", "autograder", *args, "--workspace", str(ws)], cwd=other,
                              capture_output=True, text=True, timeout=600)

    assert cli("collect", str(inbox), "--assignment", A).returncode == 0
    done = cli("grade", A, "--workers", "1")
    print(done.stderr)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "error: the reference solution got " in done.stderr and "/7 here" in done.stderr
    assert "nothing was graded" in done.stderr
    assert "First failing cell: setup: ModuleNotFoundError: No module named 'course'" in done.stderr
    assert "could not be imported in the sandbox" in done.stderr
    assert {r.status_text for r in Ledger(ws).for_assignment(A)} == {"collected"}, "nobody got a grade"
    assert not (ws / "autograded").exists()
