"""Test cells run here, in the grader's process, never in the student's kernel.

Whatever a student's cells do to Python, NumPy, IPython or the kernel, it
happens in the sandboxed kernel; the test's code, the check functions and
NumPy the test uses live in this process, which no student code ever runs
in. The student's functions and classes are reached through stand-ins
(``stand_ins.py``), and only plain data comes back. A test therefore passes
only when its own code, here, finds the returned data right: printing
"passed", patching ``np.allclose`` or ``course.checks``, input transformers
that empty cells, or a hand-made agent cannot change that.

What a test cell may use is fixed (and checked for every notebook by
tests/test_judge.py): the prelude below, what earlier test cells defined, and
the names the notebook's solution cells define (the graded functions and
classes), which become stand-ins. The code of a test cell comes from the
course's source notebook, looked up by its grade id.

One mistake costs one function: while the test of ``F`` runs, every other
graded function ``G`` is the reference answer, here and in the kernel (where
the student's ``F`` finds it under ``G``'s name and reaches it as a callback,
plain data crossing both ways; the reference never enters the sandbox). The
exception is a layer's own forward pass in the test of its backward pass
(``relu_forward`` for ``relu_backward``): the two share a cache whose layout
is the student's choice, so a backward is always tested on its own forward.
"""
import ast
import builtins
import contextlib
import inspect
import io
import linecache
import time
import traceback
from pathlib import Path

import nbformat

from .cells import grade_id, is_given_source, is_solution_cell, is_test_cell, strip_solution_markers
from .stand_ins import Connection, Link, RemoteName, cap_lines, cap_text, reference

PRELUDE = ("import numpy as np\n"
           "from course.checks import (check, check_close, check_finite, check_gradient, check_scalar, check_shape,\n"
           "                           check_unchanged)\n")
HELLO_SECONDS = 10
STUDENT_PART = "The error happened in your code:"  # in a test's traceback, the student's frames follow this line
_GRADER_DIR = str(Path(__file__).resolve().parent)


def test_sources(source_nb):
    """{grade_id: source} of the test cells of a source notebook."""
    return {grade_id(c): c.source for c in source_nb.cells if is_test_cell(c)}


def graded_names(source_nb):
    """The functions and classes the notebook's solution cells define: the student's to write."""
    names = set()
    for cell in source_nb.cells:
        if cell.cell_type == "code" and is_solution_cell(cell):
            tree = ast.parse(cell.source)
            names |= {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    return names


def reference_functions(source_nb):
    """{name: function} of the graded functions as the reference answers define them, in the grader's process.

    The given cells (earlier lectures' answers) are defined too, for the references that call them.
    A cell that cannot run on its own is skipped: its functions are then not isolated.
    """
    namespace = {"__name__": "reference", "__builtins__": builtins}
    exec(PRELUDE, namespace)
    for cell in source_nb.cells:
        if cell.cell_type == "code" and (is_solution_cell(cell) or is_given_source(cell.source)):
            source = strip_solution_markers(cell.source)
            try:
                exec(compile(source, f"<reference {grade_id(cell)}>", "exec"), namespace)
            except Exception:
                continue
    return {name: namespace[name] for name in graded_names(source_nb)
            if name in namespace and inspect.isfunction(namespace[name])}


def own_forward(name):
    """The forward pass a backward pass is tested with: the student's own (they share the cache)."""
    if name and "_backward" in name:
        return name.replace("_backward_alt", "_forward").replace("_backward", "_forward")
    return None


def _output(kind, **fields):
    return nbformat.v4.new_output(kind, **fields)


class Judge:
    """Runs a notebook's test cells as the kernel reaches them; ``outputs[index]`` are the cell's results."""

    def __init__(self, source_nb, judged, budget):
        """``judged``: {cell index in the notebook being graded: grade id}; ``budget``: seconds per test cell."""
        self.sources = test_sources(source_nb)
        self.judged = {i: gid for i, gid in judged.items() if gid in self.sources}
        self.budget = budget
        self.outputs = {}
        self.link = Link()
        self.namespace = {"__name__": "__main__", "__builtins__": builtins}
        exec(PRELUDE, self.namespace)
        self.graded = sorted(graded_names(source_nb))
        for name in self.graded:
            self.namespace[name] = RemoteName(self.link, name)
        self.reference = reference_functions(source_nb)
        self.failed = set()  # graded names whose test failed

    def serve(self, sock, deadline):
        """Handle one connection from an agent: read which cell it stands for, run that test, say done."""
        start = time.monotonic()
        hello_conn = Connection(sock, min(deadline, start + HELLO_SECONDS), HELLO_SECONDS)
        try:
            hello, _ = hello_conn.recv()
        except Exception:
            return  # not an agent, or a silent one: the cell it claims stays unjudged
        index = hello.get("cell") if hello.get("op") == "hello" else None
        if type(index) is not int or index not in self.judged or index in self.outputs:
            hello_conn.finish()
            return
        conn = Connection(sock, min(deadline, time.monotonic() + self.budget), self.budget)
        self.link.connection = conn
        try:
            self.outputs[index] = self.run(self.judged[index], conn)
        finally:
            self.link.connection = None
            conn.finish()

    def run(self, grade_id, conn):
        """Execute one test cell here; its outputs as nbformat outputs (stdout, then an error if it failed)."""
        source = self.sources[grade_id]
        filename = f"<test cell {grade_id}>"
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        tested = grade_id[len("test_"):] if grade_id.startswith("test_") else None
        isolated = {}
        if tested in self.graded:  # the test of a graded function: the others are the reference
            isolated = {name: reference(fn) for name, fn in self.reference.items()
                        if name not in (tested, own_forward(tested))}
        stdout, error = io.StringIO(), None
        try:
            code = compile(source, filename, "exec")
            self.namespace.update(isolated)
            if isolated:
                conn.request(self.link, "bind", None, names=isolated)
            with contextlib.redirect_stdout(stdout):
                exec(code, self.namespace)
        except Exception as exc:
            error = exc
        finally:
            self.namespace.update({name: RemoteName(self.link, name) for name in isolated})
        if conn.failure is not None and (error is None or error is not conn.failure):
            error = conn.failure  # a timeout or a dead kernel fails the test even if the test's code caught it
        outputs = []
        if stdout.getvalue():
            outputs.append(_output("stream", name="stdout", text=stdout.getvalue()[-20_000:]))
        if error is not None:
            if tested in self.graded:
                self.failed.add(tested)
            outputs.append(_error_output(error, filename))
            forward = own_forward(tested)
            if forward is not None and forward in self.failed:
                note = (f"This test runs your `{forward}` too (a backward pass reads its cache), and `{forward}` "
                        f"failed its own test: fix `{forward}` first.")
                outputs[-1]["evalue"] += "\n" + note
                outputs[-1]["traceback"].append(note)
        return outputs

    def unjudged(self):
        """Error outputs for the test cells the kernel never reached."""
        return {i: [_output("error", ename="NotRun", evalue="this test did not run: grading stopped before your "
                            "notebook reached it", traceback=["NotRun: this test did not run"])]
                for i in self.judged if i not in self.outputs}


def _error_output(exc, filename):
    # the test cell's frames and the checks', not the grader's own machinery
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if not f.filename.startswith(_GRADER_DIR)]
    while frames and frames[0].filename != filename:
        frames.pop(0)
    evalue = cap_text(exc)  # a message may quote what student code returned: bounded, whoever made it
    lines = ["Traceback (most recent call last):\n", *traceback.format_list(frames),
             f"{type(exc).__name__}: {evalue}" if evalue else type(exc).__name__]
    theirs = getattr(exc, "student_traceback", None)
    if theirs:
        lines = lines[:-1] + [STUDENT_PART, *cap_lines(theirs), lines[-1]]
    return _output("error", ename=type(exc).__name__, evalue=evalue, traceback=[line.rstrip("\n") for line in lines])

