"""The steps the course puts into nbgrader's pipelines; ``pipeline.py`` lists where each one runs.

release:   ``StampCourseLinks``
autograde: ``SandboxedExecute`` (in place of nbgrader's Execute), ``StderrIsNotFailure``
feedback:  ``ClearHiddenTestsOfTestCells`` (nbgrader's ClearHiddenTests), ``TrimTracebacks``

Settings reach a step as its configurable traits (set by ``pipeline.nbgrader_config``).
"""
import copy
from pathlib import Path

import nbformat
from nbconvert.preprocessors import Preprocessor
from nbgrader.preprocessors import ClearHiddenTests, NbGraderPreprocessor
from traitlets import Bool, Integer, Unicode

from course import config as course_config

from .cells import grade_id, is_test_cell, nbgrader_meta
from .judge import STUDENT_PART, Judge
from .sandbox import Limits, SandboxError, run_notebook


# ----------------------------------------------------------------------------- release

class StampCourseLinks(Preprocessor):
    """Replace ``{{COLAB_URL}}``, ``{{COURSE_PIP_URL}}`` and ``{{NOTEBOOK}}`` (the file's name) in every cell."""

    enabled = Bool(True)

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]  # nbgrader names the assignment and the notebook (without .ipynb)
        name = f"{info['notebook']}.ipynb"
        values = {"{{COLAB_URL}}": course_config.colab_url(f"release/{info['assignment']}/{name}"),
                  "{{COURSE_PIP_URL}}": course_config.pip_url(),
                  "{{NOTEBOOK}}": name}
        for cell in nb.cells:
            for placeholder, value in values.items():
                cell.source = cell.source.replace(placeholder, value)
        return nb, resources


# ----------------------------------------------------------------------------- autograde


class SandboxedExecute(NbGraderPreprocessor):
    """Instead of nbgrader's Execute: run the notebook in the sandbox (see sandbox.py), copy back the outputs.

    The student's cells run in the sandboxed kernel; the test cells run in this process (judge.py),
    calling the student's code in the kernel. A test cell's outputs are the judge's, never the kernel's.
    """

    cell_timeout = Integer(60, help="seconds one cell may run").tag(config=True)
    wall_timeout = Integer(900, help="seconds the whole notebook may run").tag(config=True)
    memory_mb = Integer(4096, help="memory limit per process and for the whole sandbox, MiB").tag(config=True)
    source_directory = Unicode("", help="the course's source notebooks (<dir>/<assignment>/<notebook>.ipynb), "
                                        "where the judge reads each test cell's code").tag(config=True)

    def preprocess(self, nb, resources):
        if not self.source_directory:
            raise ValueError("SandboxedExecute.source_directory is not set (pipeline.nbgrader_config sets it)")
        limits = Limits(cell_timeout=self.cell_timeout, wall_timeout=self.wall_timeout,
                        memory_bytes=self.memory_mb << 20, sandbox_memory_bytes=self.memory_mb << 20)
        info = resources.get("nbgrader", {})
        source_path = Path(self.source_directory) / info["assignment"] / f"{info['notebook']}.ipynb"
        source = nbformat.read(str(source_path), as_version=4)
        judge = Judge(source, {i: grade_id(c) for i, c in enumerate(nb.cells) if is_test_cell(c)},
                      budget=self.cell_timeout)
        to_run = copy.deepcopy(nb)
        for cell in to_run.cells:
            cell.metadata.pop("judged", None)  # only the grader marks cells for the judge
        for i in judge.judged:
            to_run.cells[i].metadata["judged"] = True
        try:
            executed = run_notebook(to_run, limits, judge=judge.serve)
            if not isinstance(executed.get("cells"), list) or len(executed.cells) != len(nb.cells):
                raise SandboxError("the executed notebook came back with a different number of cells")
        except SandboxError as exc:
            if not judge.outputs:
                raise  # nothing was judged: maybe the grader's fault, so no score, a reason
            # student code stopped or confused the runner after tests had run: their verdicts stand,
            # the tests it never reached count as failed
            self.log.warning("grading stopped early (%s): %d tests judged, the rest count as failed", exc, len(judge.outputs))
            executed, stopped = None, stopped_output(str(exc))
        clean = executed is not None and _well_formed(executed)
        judged = {**judge.unjudged(), **judge.outputs}
        for i, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            if executed is None:
                cell.outputs = judged[i] if i in judged else [stopped]
                cell.execution_count = None
                continue
            done = executed.cells[i] if isinstance(executed.cells[i], dict) else {}
            cell.outputs = judged[i] if i in judged else done.get("outputs", []) if clean else readable_outputs(done)
            count = done.get("execution_count")
            cell.execution_count = count if type(count) is int else None
        return nb, resources


def _well_formed(nb):
    try:
        nbformat.validate(nb)
        nbformat.writes(nb).encode("utf-8")
        return True
    except Exception:
        return False


def stopped_output(reason):
    return nbformat.v4.new_output("error", ename="GradingStopped", evalue=f"the notebook's run was cut short: {reason[:300]}",
                                  traceback=["GradingStopped: the notebook's run was cut short; tests that had run keep "
                                             "their results, the others count as failed"])


def _clean(value):
    """Strings without lone surrogates (they cannot be written as UTF-8), in any nesting."""
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {str(_clean(k)): _clean(v) for k, v in value.items()}
    return value


def readable_outputs(cell):
    """A cell's outputs from the sandbox, each kept only if it is a valid nbformat output; else an error in its place."""
    out = []
    for output in cell.get("outputs", []) if isinstance(cell.get("outputs"), list) else []:
        output = nbformat.from_dict(_clean(output)) if isinstance(output, dict) else {}
        try:
            nbformat.validate(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(outputs=[output])]))
        except Exception:
            output = nbformat.v4.new_output("error", ename="InvalidOutput", evalue="an output of this cell was not a "
                                            "valid notebook output and was dropped", traceback=["InvalidOutput"])
        out.append(output)
    return out


class StderrIsNotFailure(NbGraderPreprocessor):
    """nbgrader fails a test cell that wrote to stderr; a warning is not a failed test, so show it as ordinary output."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and nbgrader_meta(cell).get("grade"):
            for out in cell.get("outputs", []):
                if out.get("output_type") == "stream" and out.get("name") == "stderr":
                    out["name"] = "stdout"
        return cell, resources


# ----------------------------------------------------------------------------- feedback

class ClearHiddenTestsOfTestCells(ClearHiddenTests):
    """nbgrader's ClearHiddenTests for the feedback page, on the test cells only, leaving a line that says so.

    nbgrader's step cuts the ``### BEGIN HIDDEN TESTS`` … ``### END HIDDEN TESTS`` block. The cells the
    student wrote are left as they are, markers or not: they hold no hidden test, and a stray marker there
    must not cost the student the page.
    """

    def preprocess_cell(self, cell, resources, index):
        if is_test_cell(cell) and self._remove_hidden_test_region(cell):
            cell.source = cell.source.rstrip("\n") + "\n# (hidden tests)"
        return cell, resources


class TrimTracebacks(NbGraderPreprocessor):
    """For student feedback: a test cell's error keeps only its plain-words message.

    A traceback (which would quote the hidden lines around the failure) is cut down to its
    last line; if the error happened in the student's own code, the frames of that code stay
    above it.
    """

    def preprocess_cell(self, cell, resources, index):
        if not is_test_cell(cell):
            return cell, resources
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                tb = out.get("traceback", [])
                theirs = tb.index(STUDENT_PART) if STUDENT_PART in tb else len(tb) - 1  # their own frames stay
                out["traceback"] = tb[theirs:-1] + [f"{out.get('ename', 'Error')}: {out.get('evalue', '')}"]
        return cell, resources
