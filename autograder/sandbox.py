"""Run a notebook in a throw-away sandbox: bubblewrap namespaces plus resource limits.

Inside, the student's code sees the Python installation, the ``course``
helpers (read-only) and a private copy of its own notebook, and nothing else:
no network (its own empty network namespace), no course sources, no
gradebook, no other student's files, a private /tmp. Every process it starts
dies with the sandbox. Resource limits cap memory, CPU time and file size;
a wall clock caps the whole run.

A cgroup caps the number of processes and threads of the whole sandbox.
Where bubblewrap is missing or cannot start, or no cgroup can be made,
``sandbox_status`` and ``process_limit_status`` say what is not enforced and
grading goes on with the limits that remain.
"""
import contextlib
import functools
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import nbformat

import course

RUNNER = Path(__file__).with_name("runner.py")
KERNEL_SIDE = [RUNNER, RUNNER.with_name("agent.py"), RUNNER.with_name("wire.py")]  # mounted at /grader
JUDGE_SOCKET = "judge.sock"


@dataclass
class Limits:
    cell_timeout: int = 60           # seconds one cell may run
    wall_timeout: int = 900          # seconds the whole notebook may take
    memory_bytes: int = 4 << 30      # address space of each process
    cpu_seconds: int = 900           # CPU time of each process
    file_bytes: int = 100 << 20      # largest file a process may write
    processes: int = 256             # processes and threads in the whole sandbox (a cgroup's pids.max)


class SandboxError(RuntimeError):
    """The notebook could not be run to the end; the message says why, in plain words."""


@functools.lru_cache(maxsize=1)
def sandbox_status():
    """(True, "") if bubblewrap works here, else (False, what is not enforced)."""
    bwrap = shutil.which("bwrap")
    if not bwrap:
        return False, ("grading without a sandbox: bubblewrap (bwrap) is not installed: student code can read the file system, "
                       "the gradebook and the network; install it with `apt-get install bubblewrap`")
    probe = subprocess.run([bwrap, *_mounts(Path(tempfile.gettempdir())), "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        return False, f"grading without a sandbox: bubblewrap cannot create one here ({probe.stderr.strip()[:200]}): no file or network isolation"
    return True, ""


PIDS_ROOTS = [Path("/sys/fs/cgroup/pids"), Path("/sys/fs/cgroup")]  # cgroup v1, then v2


@contextlib.contextmanager
def pids_cgroup(limit):
    """A fresh cgroup whose pids.max is ``limit``; yields its cgroup.procs path, or None where none can be made."""
    group = None
    for root in PIDS_ROOTS:
        if (root / "cgroup.procs").exists():
            try:
                group = root / "nn-course" / uuid.uuid4().hex
                group.mkdir(parents=True)
                (group / "pids.max").write_text(str(limit))
                break
            except OSError:
                if group is not None and group.exists():
                    group.rmdir()
                group = None
    try:
        yield group / "cgroup.procs" if group else None
    finally:
        if group:
            for _ in range(50):  # the sandbox's processes are gone once bwrap exits; allow the kernel a moment
                try:
                    group.rmdir()
                    break
                except OSError:
                    time.sleep(0.1)


@functools.lru_cache(maxsize=1)
def process_limit_status():
    """(True, "") if the number of processes in a sandbox can be capped here, else (False, why not)."""
    with pids_cgroup(16) as procs:
        if procs is None:
            return False, "no pids cgroup can be created here (needs root and the pids controller): the number of processes is not limited"
    return True, ""


def _mounts(workdir):
    ro = []
    for p in ["/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin", "/etc/alternatives", "/etc/ld.so.cache",
              "/etc/ssl", "/etc/localtime", "/etc/fonts", sys.base_prefix, sys.prefix, str(Path(course.__file__).parent)]:
        if os.path.exists(p):
            ro += ["--ro-bind", p, p]
    # later mounts go on top of earlier ones: the private /tmp first, so a Python under /tmp stays visible
    return ["--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
            "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp",
            *ro, *[a for f in KERNEL_SIDE for a in ("--ro-bind", str(f), f"/grader/{f.name}")],
            "--bind", str(workdir), "/submission", "--chdir", "/submission",
            "--clearenv", "--setenv", "HOME", "/tmp", "--setenv", "PATH", f"{Path(sys.executable).parent}:/usr/bin:/bin"]


def _environment():
    return {"COURSE_GRADING": "1", "COURSE_OFFLINE": "1", "MPLBACKEND": "Agg", "MPLCONFIGDIR": "/tmp/mpl",
            "JUPYTER_RUNTIME_DIR": "/tmp/jupyter", "JUPYTER_PLATFORM_DIRS": "1", "IPYTHONDIR": "/tmp/ipython",
            "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYTHONHASHSEED": "0"}


def _set_limits(limits, cgroup_procs=None):
    def apply():
        if cgroup_procs is not None:
            cgroup_procs.write_text(str(os.getpid()))  # this process and all it starts
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
        resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds))
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_bytes, limits.file_bytes))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        os.setsid()
    return apply


def command(workdir, limits, judged=False):
    """The command line that runs the runner on ``workdir/in.ipynb``, sandboxed if possible."""
    isolated, _ = sandbox_status()
    python = sys.executable
    judge = ["--judge", JUDGE_SOCKET] if judged else []  # relative to the runner's working directory
    if isolated:
        env = [a for k, v in _environment().items() for a in ("--setenv", k, v)]
        return [shutil.which("bwrap"), *_mounts(workdir), *env, python, "/grader/runner.py",
                "/submission/in.ipynb", "/submission/out.ipynb", "--cell-timeout", str(limits.cell_timeout), *judge]
    return [python, str(RUNNER), str(workdir / "in.ipynb"), str(workdir / "out.ipynb"),
            "--cell-timeout", str(limits.cell_timeout), *judge]


def run_notebook(nb, limits=Limits(), judge=None):
    """Execute ``nb`` in a sandbox and return the executed copy; SandboxError if it cannot finish.

    With ``judge`` (a function of a connected socket and a deadline), cells marked ``judged`` are run by
    the judge, in this process: each connection from the agent in the kernel is handed to it, in turn.
    """
    with tempfile.TemporaryDirectory(prefix="grade-") as tmp, tempfile.TemporaryFile() as log:
        workdir = Path(tmp)
        nbformat.write(nb, str(workdir / "in.ipynb"))
        env = None if sandbox_status()[0] else {**os.environ, **_environment(),
                                                "MPLCONFIGDIR": str(workdir / ".mpl"), "IPYTHONDIR": str(workdir / ".ipython")}
        with contextlib.ExitStack() as stack:
            listener = None
            if judge is not None:
                listener = stack.enter_context(socket.socket(socket.AF_UNIX, socket.SOCK_STREAM))
                listener.bind(str(workdir / JUDGE_SOCKET))
                listener.listen(8)
                listener.settimeout(0.2)
            procs = stack.enter_context(pids_cgroup(limits.processes))
            deadline = time.monotonic() + limits.wall_timeout
            proc = subprocess.Popen(command(workdir, limits, judged=judge is not None), cwd=workdir, env=env,
                                    stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                    preexec_fn=_set_limits(limits, procs))
            try:
                while proc.poll() is None:
                    if time.monotonic() > deadline:
                        raise subprocess.TimeoutExpired(proc.args, limits.wall_timeout)
                    if listener is None:
                        proc.wait(timeout=max(0.0, deadline - time.monotonic()))
                        break
                    try:
                        conn, _ = listener.accept()
                    except socket.timeout:
                        continue
                    with conn:
                        judge(conn, deadline)
            except subprocess.TimeoutExpired:
                raise SandboxError(f"the notebook did not finish within {limits.wall_timeout} s") from None
            finally:
                if proc.poll() is None:  # timed out, or the judge failed: nothing of the sandbox may outlive this call
                    os.killpg(proc.pid, 9)
                    proc.wait()
        out = workdir / "out.ipynb"
        if proc.returncode != 0 or not out.exists():
            log.seek(0)
            tail = log.read()[-20_000:].decode(errors="replace").strip().splitlines()[-3:]
            raise SandboxError(f"the notebook could not be run (exit {proc.returncode}): {' | '.join(tail)[:300]}")
        return nbformat.read(str(out), as_version=4)
