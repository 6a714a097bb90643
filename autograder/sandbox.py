"""Run a notebook in a throw-away sandbox: bubblewrap namespaces plus resource limits.

Inside, the student's code sees the Python installation, the ``course``
helpers (read-only) and a private copy of its own notebook, and nothing else:
no network (its own empty network namespace), no course sources, no
gradebook, no other student's files, no grader environment variables, a
private /tmp. The notebook copy it sees holds no test cell's code: each test
cell is replaced by the call to the grader's agent before the copy is written.
Every process it starts dies with the sandbox. Resource limits cap memory,
CPU time and file size per process; a wall clock caps the whole run.

The sandbox as a whole is capped too: cgroups limit its processes and threads
(pids) and its memory (memory, which also counts its tmpfs files), and /tmp
and the working folder /submission are tmpfs of a fixed size, so nothing it
writes reaches the host's disk except the one result file. The result is read
back without following links, only from a regular file, up to a size cap.
Where bubblewrap is missing or cannot start, or no cgroup can be made,
``sandbox_status`` and ``limit_warnings`` say what is not enforced and
grading goes on with the limits that remain.
"""
import contextlib
import errno
import functools
import os
import resource
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import nbformat

import course

SANDBOXED = Path(__file__).with_name("sandboxed")  # the code that runs inside (it imports nothing else of the grader)
RUNNER = SANDBOXED / "runner.py"
KERNEL_SIDE = [RUNNER, SANDBOXED / "agent.py", SANDBOXED / "wire.py"]  # mounted at /grader
JUDGE_SOCKET = "judge.sock"


@dataclass
class Limits:
    cell_timeout: int = 60           # seconds one cell may run
    wall_timeout: int = 900          # seconds the whole notebook may take
    memory_bytes: int = 4 << 30      # address space of each process
    cpu_seconds: int = 900           # CPU time of each process
    file_bytes: int = 100 << 20      # largest file a process may write (and the largest result read back)
    processes: int = 256             # processes and threads in the whole sandbox (a cgroup's pids.max)
    sandbox_memory_bytes: int = 4 << 30  # memory of the whole sandbox, tmpfs files included (a memory cgroup)
    tmp_bytes: int = 512 << 20       # size of the sandbox's /tmp (a tmpfs)
    workdir_bytes: int = 512 << 20   # size of the sandbox's working folder /submission (a tmpfs)


class SandboxError(RuntimeError):
    """The notebook could not be run to the end; the message says why, in plain words."""


@functools.lru_cache(maxsize=1)
def sandbox_status():
    """(True, "") if bubblewrap works here, else (False, what is not enforced)."""
    bwrap = shutil.which("bwrap")
    if not bwrap:
        return False, ("grading without a sandbox: bubblewrap (bwrap) is not installed: student code can read the file system, "
                       "the gradebook and the network; install it with `apt-get install bubblewrap`")
    with tempfile.TemporaryDirectory(prefix="grade-probe-") as tmp:
        _prepare_workdir(Path(tmp), judged=False)
        probe = subprocess.run([bwrap, *_mounts(Path(tmp), Limits(), judged=False), "true"], capture_output=True, text=True,
                               env=_BWRAP_ENV)
    if probe.returncode != 0:
        return False, f"grading without a sandbox: bubblewrap cannot create one here ({probe.stderr.strip()[:200]}): no file or network isolation"
    return True, ""


@functools.lru_cache(maxsize=1)
def tmpfs_size_supported():
    """Whether this bubblewrap can size a tmpfs (``--size``, bubblewrap 0.8.0 and later)."""
    bwrap = shutil.which("bwrap")
    if not bwrap:
        return False
    try:
        return "--size" in subprocess.run([bwrap, "--help"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return False


CGROUP_ROOT = Path("/sys/fs/cgroup")


def _cgroup_settings(limits):
    """controller -> ([(file, value) that must be written], [(file, value) written where they exist]), v1 names then v2 names."""
    memory = str(limits.sandbox_memory_bytes)
    return {
        "pids": {1: ([("pids.max", str(limits.processes))], []), 2: ([("pids.max", str(limits.processes))], [])},
        # no swap either, where swap accounting exists
        "memory": {1: ([("memory.limit_in_bytes", memory)], [("memory.memsw.limit_in_bytes", memory)]),
                   2: ([("memory.max", memory)], [("memory.swap.max", "0")])},
    }


def _remove_group(group):
    for _ in range(50):  # the sandbox's processes are gone once bwrap exits; allow the kernel a moment
        try:
            group.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError:
            time.sleep(0.1)


def _make_group(root, name, required, optional):
    """A new cgroup ``root/nn-course/name`` with ``required`` written (else None, nothing left behind)."""
    group = root / "nn-course" / name
    try:
        group.mkdir(parents=True)
    except OSError:
        return None
    try:
        for file, value in required:
            (group / file).write_text(value)
    except OSError:
        _remove_group(group)
        return None
    for file, value in optional:
        with contextlib.suppress(OSError):
            (group / file).write_text(value)
    return group


@contextlib.contextmanager
def sandbox_cgroups(limits, controllers=("pids", "memory")):
    """Fresh cgroups capping the sandbox as a whole; yields {controller: its cgroup.procs path} for those that could be made.

    cgroup v1 (a hierarchy per controller) first, else cgroup v2 (one group for all). Needs root, or a
    delegated cgroup tree: where neither works a controller is simply missing from the dict.
    """
    name = uuid.uuid4().hex
    settings = _cgroup_settings(limits)
    groups, procs = [], {}
    try:
        for controller in controllers:
            root = CGROUP_ROOT / controller
            if (root / "cgroup.procs").exists():
                group = _make_group(root, name, *settings[controller][1])
                if group is not None:
                    groups.append(group)
                    procs[controller] = group / "cgroup.procs"
        missing = [c for c in controllers if c not in procs]
        if missing and (CGROUP_ROOT / "cgroup.controllers").exists():  # cgroup v2
            for parent in (CGROUP_ROOT, CGROUP_ROOT / "nn-course"):
                with contextlib.suppress(OSError):
                    parent.mkdir(exist_ok=True)
                    (parent / "cgroup.subtree_control").write_text(" ".join(f"+{c}" for c in missing))
            required = [item for c in missing for item in settings[c][2][0]]
            optional = [item for c in missing for item in settings[c][2][1]]
            group = _make_group(CGROUP_ROOT, name, required, optional)
            if group is None:  # one controller may be there without the other
                for c in missing:
                    group = _make_group(CGROUP_ROOT, f"{name}-{c}", *settings[c][2])
                    if group is not None:
                        groups.append(group)
                        procs[c] = group / "cgroup.procs"
            else:
                groups.append(group)
                procs.update({c: group / "cgroup.procs" for c in missing})
        yield procs
    finally:
        for group in groups:
            _remove_group(group)


@contextlib.contextmanager
def pids_cgroup(limit):
    """A fresh cgroup whose pids.max is ``limit``; yields its cgroup.procs path, or None where none can be made."""
    with sandbox_cgroups(Limits(processes=limit), controllers=("pids",)) as procs:
        yield procs.get("pids")


@functools.lru_cache(maxsize=1)
def process_limit_status():
    """(True, "") if the number of processes in a sandbox can be capped here, else (False, why not)."""
    with sandbox_cgroups(Limits(processes=16), controllers=("pids",)) as procs:
        if "pids" not in procs:
            return False, "no pids cgroup can be created here (needs root and the pids controller): the number of processes is not limited"
    return True, ""


@functools.lru_cache(maxsize=1)
def memory_limit_status():
    """(True, "") if the memory of a sandbox as a whole can be capped here, else (False, why not)."""
    with sandbox_cgroups(Limits(sandbox_memory_bytes=256 << 20), controllers=("memory",)) as procs:
        if "memory" not in procs:
            return False, ("no memory cgroup can be created here (needs root and the memory controller): memory is limited "
                           "per process only, so several processes of one sandbox together can take more")
    return True, ""


def limit_warnings():
    """What the machine does not let the grader enforce, in plain words (empty where everything is)."""
    warnings = [why for ok, why in (sandbox_status(), process_limit_status(), memory_limit_status()) if not ok]
    if sandbox_status()[0] and not tmpfs_size_supported():
        warnings.append("this bubblewrap cannot size a tmpfs (needs 0.8.0 or later): a sandbox's /tmp and working "
                        "folder are limited by the machine's memory only")
    return warnings


_BWRAP_ENV = {"PATH": "/usr/bin:/bin"}  # bubblewrap's own environment, readable in the sandbox as /proc/1/environ
IN, OUT = "in.ipynb", "out.ipynb"


def _prepare_workdir(workdir, judged):
    """The host files the sandbox may see: its notebook (read-only), the result file, the judge's socket."""
    for name in (IN, OUT):
        (workdir / name).touch()


def _sized_tmpfs(path, size):
    return [*(["--size", str(size)] if tmpfs_size_supported() else []), "--tmpfs", path]


def _mounts(workdir, limits, judged):
    ro = []
    for p in ["/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin", "/etc/alternatives", "/etc/ld.so.cache",
              "/etc/ssl", "/etc/localtime", "/etc/fonts", sys.base_prefix, sys.prefix, str(Path(course.__file__).parent)]:
        if os.path.exists(p):
            ro += ["--ro-bind", p, p]
    # later mounts go on top of earlier ones: the private /tmp first, so a Python under /tmp stays visible.
    # /submission is a sized tmpfs; of the host's folder only three files show through it
    socket_mount = ["--bind", str(workdir / JUDGE_SOCKET), f"/submission/{JUDGE_SOCKET}"] if judged else []
    return ["--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
            "--proc", "/proc", "--dev", "/dev", *_sized_tmpfs("/tmp", limits.tmp_bytes),
            *ro, *[a for f in KERNEL_SIDE for a in ("--ro-bind", str(f), f"/grader/{f.name}")],
            *_sized_tmpfs("/submission", limits.workdir_bytes),
            "--ro-bind", str(workdir / IN), f"/submission/{IN}", "--bind", str(workdir / OUT), f"/submission/{OUT}",
            *socket_mount, "--chdir", "/submission",
            "--clearenv", "--setenv", "HOME", "/tmp", "--setenv", "PATH", f"{Path(sys.executable).parent}:/usr/bin:/bin"]


def _environment():
    return {"COURSE_GRADING": "1", "COURSE_OFFLINE": "1", "MPLBACKEND": "Agg", "MPLCONFIGDIR": "/tmp/mpl",
            "JUPYTER_RUNTIME_DIR": "/tmp/jupyter", "JUPYTER_PLATFORM_DIRS": "1", "IPYTHONDIR": "/tmp/ipython",
            "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYTHONHASHSEED": "0"}


def _set_limits(limits, cgroup_procs=()):
    def apply():
        for procs in dict.fromkeys(cgroup_procs):  # (cgroup v2: one file for all controllers)
            procs.write_text(str(os.getpid()))  # this process and all it starts
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
    if isolated:
        env = [a for k, v in _environment().items() for a in ("--setenv", k, v)]
        return [shutil.which("bwrap"), *_mounts(workdir, limits, judged), *env, python, "/grader/runner.py",
                f"/submission/{IN}", f"/submission/{OUT}", "--cell-timeout", str(limits.cell_timeout)]
    return [python, str(RUNNER), str(workdir / IN), str(workdir / OUT), "--cell-timeout", str(limits.cell_timeout)]


def agent_stub(index, grader_dir, judge_socket):
    """What the kernel runs in place of test cell ``index``: the grader's agent, nothing of the test."""
    return (f"__import__('sys').path.insert(0, {str(grader_dir)!r}); "
            f"__import__('agent').serve({str(judge_socket)!r}, {index}, globals())")


def without_tests(nb, workdir, judged):
    """A copy of ``nb`` in which every cell marked ``judged`` is the agent's stub (or ``pass`` without a judge).

    Made here, on the grader's side, before the notebook is written where the sandbox can read it: no
    test cell's code, hidden tests and reference functions included, ever enters the sandbox.
    """
    nb = nbformat.from_dict(nb)
    nb = nbformat.reads(nbformat.writes(nb), as_version=4)
    if sandbox_status()[0]:
        grader_dir, judge_socket = "/grader", f"/submission/{JUDGE_SOCKET}"
    else:
        grader_dir, judge_socket = RUNNER.parent, workdir / JUDGE_SOCKET
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and cell.get("metadata", {}).get("judged"):
            cell.source = agent_stub(i, grader_dir, judge_socket) if judged else "pass"
            cell.outputs = []
            cell.metadata = {"judged": True}
    return nb


def read_result(path, max_bytes):
    """The notebook at ``path``, read without following a link, only from a regular file of at most ``max_bytes``.

    The sandbox can write there: a link to a host file, a FIFO (which would block a read), a device or a
    huge file all end in a SandboxError with the reason, never in a read that blocks or follows them.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        why = "it was replaced by a link" if exc.errno == errno.ELOOP else (exc.strerror or str(exc))
        raise SandboxError(f"the executed notebook could not be read: {why}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise SandboxError("the executed notebook could not be read: it is not a regular file")
        if info.st_size > max_bytes:
            raise SandboxError(f"the executed notebook is larger than {max_bytes >> 20} MiB")
        chunks, size = [], 0
        while size <= max_bytes:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        data = b"".join(chunks)
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        raise SandboxError(f"the executed notebook is larger than {max_bytes >> 20} MiB")
    try:
        return nbformat.reads(data.decode("utf-8"), as_version=4)
    except Exception as exc:  # not UTF-8, not JSON, not a notebook
        raise SandboxError(f"the executed notebook could not be read ({type(exc).__name__})") from None


def _fallback_environment(workdir):
    """Without a sandbox: the grader's own PATH, nothing else of its environment."""
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(workdir), "LANG": "C.UTF-8",
            **_environment(), "MPLCONFIGDIR": str(workdir / ".mpl"), "IPYTHONDIR": str(workdir / ".ipython"),
            "JUPYTER_RUNTIME_DIR": str(workdir / ".jupyter")}


def run_notebook(nb, limits=Limits(), judge=None):
    """Execute ``nb`` in a sandbox and return the executed copy; SandboxError if it cannot finish.

    Cells marked ``judged`` never run as written: with ``judge`` (a function of a connected socket and a
    deadline) the kernel runs the agent in their place and each connection from it is handed to the
    judge, in turn, in this process; without one they are ``pass``.
    """
    with tempfile.TemporaryDirectory(prefix="grade-") as tmp, tempfile.TemporaryFile() as log:
        workdir = Path(tmp)
        _prepare_workdir(workdir, judged=judge is not None)
        nbformat.write(without_tests(nb, workdir, judge is not None), str(workdir / IN))
        env = _BWRAP_ENV if sandbox_status()[0] else _fallback_environment(workdir)
        with contextlib.ExitStack() as stack:
            listener = None
            if judge is not None:
                listener = stack.enter_context(socket.socket(socket.AF_UNIX, socket.SOCK_STREAM))
                listener.bind(str(workdir / JUDGE_SOCKET))
                listener.listen(8)
                listener.settimeout(0.2)
            procs = stack.enter_context(sandbox_cgroups(limits))
            deadline = time.monotonic() + limits.wall_timeout
            proc = subprocess.Popen(command(workdir, limits, judged=judge is not None), cwd=workdir, env=env,
                                    stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                    preexec_fn=_set_limits(limits, list(procs.values())))
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
        if proc.returncode != 0:
            log.seek(0)
            tail = log.read()[-20_000:].decode(errors="replace").strip().splitlines()[-3:]
            raise SandboxError(f"the notebook could not be run (exit {proc.returncode}): {' | '.join(tail)[:300]}")
        return read_result(workdir / OUT, limits.file_bytes)
