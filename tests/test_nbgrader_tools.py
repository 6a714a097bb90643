"""nbgrader's own commands, run in a workspace, use the course's pipeline (nbgrader_config.py written there)."""
import fnmatch
import html
import re
import subprocess
import sys

from traitlets.config.loader import PyFileConfigLoader

from autograder import collect, grade, nbgrader_setup
from autograder.__main__ import main
from autograder.grade import scores
from autograder.preprocessors import ClearHiddenTestsOfTestCells, SandboxedExecute

from conftest import solved_nb, source_nb, write_nb

A = "02_softmax"
# a wrong softmax, and an input transformer that turns every cell mentioning a check into `pass`: in nbgrader's own
# Execute (test cells in the student's kernel) test_softmax would pass
FORGERY = '''def softmax(scores):
    return scores


def _skip_checks(lines):
    return ["pass\\n"] if "check" in "".join(lines) else lines


get_ipython().input_transformers_cleanup.append(_skip_checks)
'''


def hidden_lines(assignment):
    out = []
    for cell in source_nb(assignment).cells:
        m = re.search(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", cell.source, re.S)
        if m:
            out += [ln.strip() for ln in m.group(1).splitlines() if len(ln.strip()) > 30 and "hint=" not in ln]
    return out


def test_collect_writes_the_config_and_nbgrader_reads_the_pipeline_from_it(tmp_path):
    inbox, ws = tmp_path / "inbox", tmp_path / "ws"
    write_nb(solved_nb(A), inbox / "s1" / f"{A}.ipynb")
    assert main(["collect", str(inbox), "--assignment", A, "--workspace", str(ws)]) == 0
    config = PyFileConfigLoader("nbgrader_config.py", path=str(ws)).load_config()  # as nbgrader and formgrader load it
    assert SandboxedExecute in config.Autograde.autograde_preprocessors
    assert config.GenerateFeedback.preprocessors[0] is ClearHiddenTestsOfTestCells
    assert config.CourseDirectory.root == str(ws.resolve())
    assert any(fnmatch.fnmatch(f"{A}.py", pattern) for pattern in config.CourseDirectory.ignore), \
        "a release made by formgrader never carries a lecture text"


def test_nbgrader_commands_in_the_workspace_judge_outside_the_kernel_and_hide_hidden_tests(tmp_path):
    inbox, ws = tmp_path / "inbox", tmp_path / "ws"
    write_nb(solved_nb(A), inbox / "good" / f"{A}.ipynb")
    write_nb(solved_nb(A, softmax=FORGERY), inbox / "forger" / f"{A}.ipynb")
    collect.collect(inbox, A, ws)
    grade.prepare(ws, A)  # the assignment in the gradebook (as `python -m autograder grade` does), nothing graded yet
    assert (ws / "nbgrader_config.py").exists()

    def nbgrader(*args):
        done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=ws, capture_output=True, text=True,
                              timeout=900)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        return done.stdout + done.stderr

    nbgrader("autograde", A, "--create", "--force")
    good, forger = scores(ws, A, "good"), scores(ws, A, "forger")
    assert good[0] == good[1] == 10
    assert forger[2]["test_softmax"][0] == 0, "the forgery reached the verdict: test cells ran in the kernel"
    assert forger[0] == 7

    nbgrader("generate_feedback", A, "--force")
    pages = sorted((ws / "feedback").rglob("*.html"))
    assert len(pages) == 2
    released = sorted(p.name for p in (ws / "feedback").rglob("*") if p.is_file())
    assert released == [f"{A}.html", f"{A}.html"], f"only the pages are handed back, not the lecture text: {released}"
    assert not list((ws / "autograded").rglob("*.py"))
    secrets = hidden_lines(A)
    assert secrets
    for page in pages:
        raw = page.read_text()
        assert "<math" in raw and "cdnjs" not in raw and "white-space: pre-wrap" in raw, "offline formulas, wrapping"
        text = " ".join(html.unescape(re.sub(r"<[^>]+>", "", page.read_text())).split())  # what a browser shows
        assert "BEGIN HIDDEN TESTS" not in text and "END HIDDEN TESTS" not in text, page
        assert "(hidden tests)" in text
        for line in secrets:
            assert " ".join(line.split()) not in text, f"{page}: hidden test line {line!r}"


def test_the_sources_can_be_a_private_copy(tmp_path):
    """``nbgrader_config(source_dir=...)``: nbgrader and the judge both read the sources there."""
    from autograder.paths import SOURCE_DIR
    from autograder.pipeline import nbgrader_config
    default = nbgrader_config(tmp_path / "ws")
    assert default.CourseDirectory.source_directory == default.SandboxedExecute.source_directory == str(SOURCE_DIR)
    copy = nbgrader_config(tmp_path / "ws", source_dir=tmp_path / "sources")
    assert copy.CourseDirectory.source_directory == copy.SandboxedExecute.source_directory == str(tmp_path / "sources")
