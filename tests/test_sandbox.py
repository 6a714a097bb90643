"""What student code cannot reach while it is graded: course sources, the gradebook, other students, the network."""
import ast
import json
import socket
import subprocess
import sys
import threading
from pathlib import Path

import nbformat

from autograder import sandbox
from autograder.cells import find_cell
from autograder.paths import REPO_ROOT, SOURCE_DIR
from autograder.sandbox import sandbox_status

from conftest import grade_class, solved_nb

A = "02_softmax"


def test_the_sandbox_is_available_here():
    isolated, why = sandbox_status()
    assert isolated, f"grading would run without isolation: {why}"


# ----------------------------------------------------------------------------- the trust boundary is a folder

SANDBOXED = REPO_ROOT / "autograder" / "sandboxed"
# what the code in the sandbox may import: the standard library, NumPy, and (the runner) nbformat and nbclient
ALLOWED_OUTSIDE_STDLIB = {"numpy", "nbformat", "nbclient"}


def _imports(path):
    """(module, level) of every import statement in ``path``, however deeply nested."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, 0) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append((node.module or "", node.level))
    return found


def test_the_code_in_the_sandbox_imports_nothing_else_of_the_grader():
    files = sorted(SANDBOXED.glob("*.py"))
    assert {f.name for f in files} == {"__init__.py", "runner.py", "agent.py", "wire.py"}
    for f in files:
        for module, level in _imports(f):
            top = module.split(".")[0]
            if level:  # relative: only a sibling in this folder
                assert level == 1 and (module == "" or (SANDBOXED / f"{module}.py").exists()), (f.name, module)
            elif top in sys.stdlib_module_names:
                continue
            else:
                # a plain `import wire` is the sibling, as the agent imports it inside the sandbox
                assert top in ALLOWED_OUTSIDE_STDLIB or (SANDBOXED / f"{top}.py").exists(), \
                    f"{f.name} imports {module!r}: the sandbox has only the standard library, NumPy, nbformat, nbclient"


def test_importing_the_sandboxed_package_loads_no_other_module_of_the_grader():
    code = ("import json, sys\n"
            "import autograder.sandboxed.runner, autograder.sandboxed.agent, autograder.sandboxed.wire\n"
            "print(json.dumps(sorted(m for m in sys.modules if m == 'autograder' or m.startswith('autograder.'))))")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    loaded = json.loads(done.stdout.splitlines()[-1])
    assert loaded == ["autograder", "autograder.sandboxed", "autograder.sandboxed.agent",
                      "autograder.sandboxed.runner", "autograder.sandboxed.wire"], loaded


def test_the_sandbox_is_given_every_file_of_the_sandboxed_package():
    mounted = {Path(f).resolve() for f in sandbox.KERNEL_SIDE}
    assert mounted == {f.resolve() for f in SANDBOXED.glob("*.py") if f.name != "__init__.py"}
    assert sandbox.RUNNER.resolve() == (SANDBOXED / "runner.py").resolve()


def _steal_solutions_then_wrong(path):
    return f'''import json
def softmax(scores):
    return scores
try:
    for c in json.load(open({str(path)!r}))["cells"]:
        if c.get("metadata", {{}}).get("nbgrader", {{}}).get("solution"):
            exec("".join(c["source"]).replace("### BEGIN SOLUTION", "").replace("### END SOLUTION", ""))
except Exception as e:
    print("could not read the source:", type(e).__name__)'''


def test_attacks_on_files_and_network_change_nothing(tmp_path):
    hits = []
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.settimeout(0.5)
    port = server.getsockname()[1]

    def listen():
        while not stop.is_set():
            try:
                conn, _ = server.accept()
                hits.append(conn.recv(100))
                conn.close()
            except OSError:
                pass
    stop = threading.Event()
    thread = threading.Thread(target=listen, daemon=True)
    thread.start()
    ws = tmp_path / "ws"
    source = SOURCE_DIR / A / f"{A}.ipynb"
    gradebook = ws / "gradebook.db"
    other = ws / "submitted" / "honest" / A / f"{A}.ipynb"
    attacks = {
        "steal-source": solved_nb(A, softmax=_steal_solutions_then_wrong(source)),
        "steal-other": solved_nb(A, softmax=_steal_solutions_then_wrong(other)),
        "gradebook": solved_nb(A, softmax=f'''def softmax(scores):
    return scores
try:
    open({str(gradebook)!r}, "wb").write(b"gone")
except Exception as e:
    print("no gradebook:", type(e).__name__)'''),
        "network": solved_nb(A, softmax=f'''import socket
def softmax(scores):
    return scores
try:
    socket.create_connection(("127.0.0.1", {port}), timeout=2).sendall(b"answers please")
except Exception as e:
    print("no network:", type(e).__name__)'''),
        "honest": solved_nb(A),
    }
    try:
        rows, ws = grade_class(tmp_path, A, attacks)
    finally:
        stop.set()
        thread.join()
        server.close()
    assert rows["honest"].score == 10
    for student in ["steal-source", "steal-other", "gradebook", "network"]:
        assert rows[student].status_text == "graded" and rows[student].cells["test_softmax"][0] == 0, (student, rows[student])
    assert hits == [], "student code reached a server on the grading machine"
    assert gradebook.read_bytes()[:16] == b"SQLite format 3\x00", "student code overwrote the gradebook"


def test_the_number_of_processes_is_capped(tmp_path):
    from autograder.sandbox import process_limit_status
    capped, why = process_limit_status()
    assert capped, why  # checked first: the submission below must not run where nothing caps it
    # bounded even without a cap: at most 1,000 children, each gone after 5 s
    spawner = ("import os, time\nstarted = 0\nfor _ in range(1000):\n    if os.fork() == 0:\n"
               "        time.sleep(5)\n        os._exit(0)\n    started += 1")
    nb = solved_nb(A)
    k = nb.cells.index(find_cell(nb, "linear_softmax_loss"))
    extra = nbformat.v4.new_code_cell(spawner)
    extra["id"] = "spawner"
    nb.cells.insert(k + 1, extra)
    rows, ws = grade_class(tmp_path, A, {"forker": nb})
    assert rows["forker"].status_text == "graded" and rows["forker"].score == 10
    graded = nbformat.read(str(ws / "autograded" / "forker" / A / f"{A}.ipynb"), as_version=4)
    cell = next(c for c in graded.cells if c.get("id") == "spawner")
    errors = [o for o in cell.outputs if o.get("output_type") == "error"]
    assert errors and errors[0]["ename"] in ("BlockingIOError", "OSError"), cell.outputs
