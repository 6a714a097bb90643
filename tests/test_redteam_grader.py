"""Issue 8, the grader's side: what a red team reached from the sandbox, and how it is bounded now.

Each test stands for one finding: hidden tests readable in the sandbox (1), a trickling peer (4),
``out.ipynb`` read through a link (5), the grader's environment (6), a killed runner (7), disk and
memory of the sandbox as a whole (9), and a trusted side the student could inflate (10).
"""
import os
import socket
import struct
import threading
import time

import nbformat
import numpy as np
import pytest

from autograder import judge as judge_module, sandbox, stand_ins
from autograder.sandboxed import agent, wire
from autograder.cells import grade_id, is_test_cell
from autograder.judge import Judge
from autograder.sandbox import Limits, SandboxError, run_notebook

SECRET = "ORACLE_" + "SECRET_7f3a"  # in the test cell; a student cell builds it at run time, never spells it


def _notebook(cells):
    """Code cells from (kind, source): kind "student" (a solution cell) or a grade id of a test cell."""
    out = []
    for n, (kind, source) in enumerate(cells):
        if kind == "student":
            meta = {"nbgrader": {"solution": True, "grade": False, "grade_id": f"student{n}"}}
        elif kind == "plain":
            meta = {}
        else:
            meta = {"nbgrader": {"grade": True, "solution": False, "grade_id": kind, "points": 1}}
        out.append(nbformat.v4.new_code_cell(source, metadata=meta))
    return nbformat.v4.new_notebook(cells=out)


def _run(cells, limits=None):
    """Run a notebook with its test cells judged; (executed notebook, judge)."""
    nb = _notebook(cells)
    judge = Judge(nb, {i: grade_id(c) for i, c in enumerate(nb.cells) if is_test_cell(c)}, budget=20)
    for i in judge.judged:
        nb.cells[i].metadata["judged"] = True
    limits = limits or Limits(cell_timeout=20, wall_timeout=120)
    return run_notebook(nb, limits, judge=judge.serve), judge


def _stdout(cell):
    return "".join(o.get("text", "") for o in cell.outputs if o.get("output_type") == "stream")


def _errors(outputs):
    return [(o["ename"], o["evalue"]) for o in outputs if o["output_type"] == "error"]


# ----------------------------------------------------------------------------- 1. hidden tests stay outside

SNOOP = '''import os
def f(x):
    return x
needle = "ORACLE_" + "SECRET_7f3a"
found = []
for top in ["/submission", "/tmp", "/grader", os.getcwd()]:
    for root, dirs, files in os.walk(top):
        for name in files:
            p = os.path.join(root, name)
            try:
                if os.path.isfile(p) and os.path.getsize(p) < 50_000_000 and needle in open(p, errors="replace").read():
                    found.append(p)
            except OSError:
                pass
for pid in os.listdir("/proc"):
    for part in ("cmdline", "environ"):
        try:
            if needle.encode() in open(f"/proc/{pid}/{part}", "rb").read():
                found.append(f"/proc/{pid}/{part}")
        except OSError:
            pass
print("FOUND", sorted(set(found)))
'''


def test_no_test_source_enters_the_sandbox():
    test = f"check(f(1) == 1, 'f')\n### BEGIN HIDDEN TESTS\n# {SECRET}: the oracle\ncheck(f(2) == 2, 'g')\n### END HIDDEN TESTS\n"
    executed, judge = _run([("student", SNOOP), ("t1", test), ("plain", SNOOP.replace("def f", "def _f"))])
    for cell in (executed.cells[0], executed.cells[2]):
        assert _stdout(cell) == "FOUND []\n", _stdout(cell) + str(cell.outputs)
    assert not _errors(judge.outputs[1]), judge.outputs[1]


# ----------------------------------------------------------------------------- 4. deadlines whatever the peer does

def _trickle(sock, stop, data, every=0.25):
    for i in range(len(data)):
        if stop.is_set():
            return
        try:
            sock.sendall(data[i:i + 1])
        except OSError:
            return
        time.sleep(every)


def _trickling(data):
    a, b = socket.socketpair()
    stop = threading.Event()
    thread = threading.Thread(target=_trickle, args=(b, stop, data), daemon=True)
    thread.start()
    return a, b, stop, thread


def _simple_judge(budget=20):
    nb = _notebook([("student", "def f(x):\n    return x"), ("t1", "check(f(1) == 1, 'f')")])
    return Judge(nb, {1: "t1"}, budget=budget)


def test_a_trickling_hello_does_not_extend_the_hello_limit(monkeypatch):
    monkeypatch.setattr(judge_module, "HELLO_SECONDS", 1)
    judge = _simple_judge()
    a, b, stop, thread = _trickling(struct.pack("!II", 1000, 0) + b"x" * 1000)  # one byte every 0.25 s for 250 s
    try:
        start = time.monotonic()
        judge.serve(a, time.monotonic() + 100)
        assert time.monotonic() - start < 3, "the judge waited on a trickling peer beyond its 1 s hello limit"
    finally:
        stop.set()
        thread.join()
        a.close()
        b.close()
    assert judge.outputs == {}


def _hello_then_trickle(cell):
    head = wire.json.dumps({"op": "hello", "cell": cell}).encode()
    return struct.pack("!II", len(head), 0) + head


def test_a_trickling_answer_fails_the_test_within_its_budget_and_the_notebook_clock():
    for budget, wall in [(1, 100), (100, 1)]:  # the test's own budget, then the notebook's wall clock
        judge = _simple_judge(budget=budget)
        a, b = socket.socketpair()
        b.sendall(_hello_then_trickle(1))
        stop = threading.Event()

        def answer_slowly():
            try:
                wire.recv(b)  # the judge's request to call f
            except Exception:
                return
            _trickle(b, stop, struct.pack("!II", 1000, 0) + b"x" * 1000)
        thread = threading.Thread(target=answer_slowly, daemon=True)
        thread.start()
        try:
            start = time.monotonic()
            judge.serve(a, time.monotonic() + wall)
            assert time.monotonic() - start < 4, f"a trickling answer held the judge past {min(budget, wall)} s"
        finally:
            stop.set()
            a.close()
            thread.join()
            b.close()
        assert [e[0] for e in _errors(judge.outputs[1])] == ["TimeoutError"], judge.outputs


def test_the_wire_enforces_one_deadline_per_message():
    a, b, stop, thread = _trickling(struct.pack("!II", 1000, 0) + b"x" * 1000)
    try:
        start = time.monotonic()
        with pytest.raises(socket.timeout):
            wire.recv(a, deadline=time.monotonic() + 1)
        assert time.monotonic() - start < 3
    finally:
        stop.set()
        thread.join()
        a.close()
        b.close()


# ----------------------------------------------------------------------------- 5. out.ipynb: no links, no FIFOs

def test_the_result_is_read_only_from_a_small_regular_file(tmp_path):
    good = tmp_path / "good.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), str(good))
    assert sandbox.read_result(good, 1 << 20).cells == []
    (tmp_path / "link.ipynb").symlink_to(good)
    (tmp_path / "zero.ipynb").symlink_to("/dev/zero")
    os.mkfifo(tmp_path / "fifo.ipynb")
    (tmp_path / "dir.ipynb").mkdir()
    (tmp_path / "big.ipynb").write_bytes(b" " * 2000)
    (tmp_path / "junk.ipynb").write_bytes(b"\xff not json")
    for name, reason in [("link", "link"), ("zero", "link"), ("fifo", "not a regular file"), ("dir", "not a regular file"),
                         ("big", "larger than"), ("junk", "could not be read"), ("missing", "could not be read")]:
        result = {}

        def read():
            try:
                sandbox.read_result(tmp_path / f"{name}.ipynb", 1000)
            except SandboxError as exc:
                result["error"] = str(exc)
        thread = threading.Thread(target=read, daemon=True)
        thread.start()
        thread.join(5)
        assert not thread.is_alive(), f"reading a {name} blocked the grader"
        assert reason in result.get("error", ""), (name, result)


def test_a_link_made_in_the_sandbox_does_not_bring_in_a_host_notebook(tmp_path):
    other = tmp_path / "other.ipynb"  # a notebook on the host (another student's, say), under /tmp like the workdir
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x", outputs=[
        nbformat.v4.new_output("stream", name="stdout", text="SOMEONE ELSE'S OUTPUT")])])
    nbformat.write(nb, str(other))
    assert str(other).startswith("/tmp/")
    attack = f'''import os
target = {str(other)!r}            # resolves to the sandbox's /tmp inside, to the host's /tmp outside
os.makedirs(os.path.dirname(target), exist_ok=True)
try:
    os.remove("out.ipynb")
except OSError as exc:
    print("cannot remove:", exc)
try:
    os.symlink("../.." + target, "out.ipynb")
except OSError as exc:
    print("cannot link:", exc)
'''
    try:
        executed, _ = _run([("plain", attack)])
    except SandboxError:
        return  # refused with a reason: fine too
    assert "SOMEONE ELSE" not in nbformat.writes(executed)
    assert len(executed.cells) == 1


# ----------------------------------------------------------------------------- 6. the grader's environment

def test_the_graders_environment_is_not_visible_in_the_sandbox(monkeypatch):
    monkeypatch.setenv("NN_COURSE_GRADER_SECRET", "leaked" + "-8d2c")
    snoop = '''import os
needle = "leaked" + "-8d2c"
found = [k for k, v in os.environ.items() if needle in v]
for pid in os.listdir("/proc"):
    try:
        if needle.encode() in open(f"/proc/{pid}/environ", "rb").read():
            found.append(pid)
    except OSError:
        pass
print("FOUND", found)
'''
    executed, _ = _run([("plain", snoop)])
    assert _stdout(executed.cells[0]) == "FOUND []\n", executed.cells[0].outputs


# ----------------------------------------------------------------------------- 7. a killed runner

def _preprocess(tmp_path, monkeypatch, cells):
    from autograder.preprocessors import SandboxedExecute
    source = _notebook(cells)
    (tmp_path / "a").mkdir()
    nbformat.write(source, str(tmp_path / "a" / "a.ipynb"))
    pre = SandboxedExecute(cell_timeout=20, wall_timeout=120, source_directory=str(tmp_path))
    graded, _ = pre.preprocess(nbformat.from_dict(source), {"nbgrader": {"assignment": "a", "notebook": "a"}})
    return graded


def test_verdicts_stand_when_the_kernel_kills_the_runner(tmp_path, monkeypatch):
    graded = _preprocess(tmp_path, monkeypatch, [
        ("student", "def f(x):\n    return x"), ("t1", "check(f(1) == 1, 'f')"),
        ("plain", "import os, signal\nos.kill(os.getppid(), signal.SIGTERM)"), ("t2", "check(f(2) == 2, 'f')")])
    assert not _errors(graded.cells[1].outputs), graded.cells[1].outputs
    assert [e[0] for e in _errors(graded.cells[3].outputs)] == ["NotRun"], graded.cells[3].outputs


def test_outputs_that_are_not_valid_notebook_outputs_are_dropped(tmp_path, monkeypatch):
    forge = ('ip = get_ipython()\n'
             'ip.kernel.session.send(ip.kernel.iopub_socket, "display_data", {"data": {"text/plain": 5}, "metadata": []},\n'
             '                       parent=ip.parent_header)')
    graded = _preprocess(tmp_path, monkeypatch, [
        ("student", "def f(x):\n    return x"), ("plain", forge), ("t1", "check(f(1) == 1, 'f')")])
    nbformat.validate(graded)
    assert not _errors(graded.cells[2].outputs), graded.cells[2].outputs


# ----------------------------------------------------------------------------- 9. the sandbox as a whole

def test_the_sandbox_disk_is_capped_as_a_whole():
    fill = '''import os
def fill(folder):
    total = 0
    try:
        for i in range(40):
            with open(os.path.join(folder, f"fill{i}"), "wb") as f:
                for _ in range(4):
                    f.write(b"x" * (1 << 20))
                    total += 1 << 20
    except OSError:
        pass
    return total >> 20
print(fill("/tmp"), fill("."))
'''
    limits = Limits(cell_timeout=60, wall_timeout=120, tmp_bytes=32 << 20, workdir_bytes=32 << 20)
    executed, _ = _run([("plain", fill)], limits)
    tmp_mib, work_mib = map(int, _stdout(executed.cells[0]).split())
    assert tmp_mib <= 32 and work_mib <= 32, (tmp_mib, work_mib)


def test_the_sandbox_memory_is_capped_as_a_whole():
    capped, why = sandbox.memory_limit_status()
    if not capped:
        pytest.skip(why)
    hog = '''import os, time
import numpy as np
children = []
for _ in range(3):
    pid = os.fork()
    if pid == 0:
        a = np.ones(400 << 17)   # 400 MiB each, under the per-process limit
        time.sleep(2)
        os._exit(0)
    children.append(pid)
killed = sum(os.WIFSIGNALED(os.waitpid(p, 0)[1]) for p in children)
print("killed", killed)
'''
    limits = Limits(cell_timeout=60, wall_timeout=120, sandbox_memory_bytes=700 << 20)
    executed, _ = _run([("plain", hog)], limits)
    cell = executed.cells[0]
    died = [e for e in _errors(cell.outputs) if e[0] == "DeadKernelError"]
    assert died or int(_stdout(cell).split()[-1]) >= 1, cell.outputs


# ----------------------------------------------------------------------------- 10. a bounded trusted side

def _agent_thread(sock, namespace, cell=1):
    """The real agent, in a thread of this process, answering over a socket pair."""
    def run():
        session = agent._Session(sock, namespace)
        try:
            wire.send(sock, {"op": "hello", "cell": cell})
            while True:
                msg, blobs = wire.recv(sock)
                if msg["op"] == "done":
                    return
                session.handle(msg, blobs)
        except Exception:
            return
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_a_callback_refuses_arguments_larger_than_the_test_ever_sent():
    nb = _notebook([("student", "def calls_back(f, x):\n    return f(x)"),
                    ("t1", "seen = []\ndef g(v):\n    seen.append(np.size(v))\n    return 0.0\ncalls_back(g, np.ones(3))")])
    judge = Judge(nb, {1: "t1"}, budget=20)

    def calls_back(f, x):
        return f(np.zeros(4_000_000))  # 32 MB where the test sent 3 numbers
    a, b = socket.socketpair()
    thread = _agent_thread(b, {"calls_back": calls_back})
    with a, b:
        judge.serve(a, time.monotonic() + 30)
        thread.join(5)
    assert judge.namespace["seen"] == [], "the test's function ran on the student's 4-million-element array"
    assert _errors(judge.outputs[1]), "the test should fail"
    assert "larger" in _errors(judge.outputs[1])[0][1]


def test_classes_made_for_student_type_names_are_capped(monkeypatch):
    monkeypatch.setattr(stand_ins, "_object_classes", {})  # (a grading process is fresh per submission; this one is not)
    monkeypatch.setattr(stand_ins, "_student_classes", {})
    link = stand_ins.Link()
    for i in range(5000):
        stand_ins._stand_in(link, {"$": "ref", "id": i, "kind": "object", "type": f"T{i}" + "x" * 1000})
        stand_ins._student_exception(f"E{i}" + "y" * 1000, False, "m", [])
    assert len(stand_ins._object_classes) <= 1000 and len(stand_ins._student_classes) <= 1000
    assert max(map(len, [*stand_ins._object_classes, *stand_ins._student_classes])) <= 200
    obj = stand_ins._stand_in(link, {"$": "ref", "id": 1, "kind": "object", "type": "z" * 100_000})
    assert len(type(obj).__name__) <= 200


def test_what_the_student_sends_back_is_capped():
    nb = _notebook([("student", "def f():\n    pass"), ("t1", "f()"), ("t2", "print(f())")])
    judge = Judge(nb, {1: "t1", 2: "t2"}, budget=20)
    for cell in (1, 2):
        a, b = socket.socketpair()

        def lying_agent():
            wire.send(b, {"op": "hello", "cell": cell})
            wire.recv(b)
            if cell == 1:  # a 4 MB message and 10,000 traceback lines of 1 KB
                wire.send(b, {"op": "raise", "type": "ValueError", "builtin": True, "message": "m" * (4 << 20),
                              "traceback": ["t" * 1000] * 10_000})
            else:
                wire.send(b, {"op": "return", "value": "s" * (4 << 20)})
            wire.recv(b)
        thread = threading.Thread(target=lying_agent, daemon=True)
        thread.start()
        with a, b:
            judge.serve(a, time.monotonic() + 30)
            thread.join(5)
    for cell in (1, 2):
        size = len(nbformat.writes(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("", outputs=judge.outputs[cell])])))
        assert size < 200_000, f"test cell {cell}'s outputs take {size} bytes"
