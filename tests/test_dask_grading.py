"""`grade A --scheduler ADDRESS`: the same grading jobs on a Dask cluster (here a LocalCluster of two worker processes)."""
import os
import subprocess
import sys
import threading
import time

import pytest

from autograder import collect, export, grade
from autograder.demo import sample_class
from autograder.__main__ import main
from autograder.executors import DaskWorkers, NoWorkerCanGrade
from autograder.ledger import Ledger
from autograder.sandbox import sandbox_status
from autograder.paths import REPO_ROOT

from autograder.cells import reference_answers

from conftest import solved_nb, source_nb, write_nb

distributed = pytest.importorskip("distributed")
pytestmark = pytest.mark.skipif(not sandbox_status()[0], reason="a Dask worker grades only in a sandbox (bubblewrap)")

A = "00_getting_started"


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as c:
        yield c


def rows_of(ws, assignment):
    return {r["student_id"]: (r["status"], r["score"], r["max_score"]) for r in export.rows(ws, assignment)}


def test_the_sample_class_grades_on_dask_to_the_same_rows_as_on_this_machine(tmp_path, cluster, capsys):
    inbox = sample_class.build_canvas_zip(tmp_path / "canvas.zip")
    local, remote = tmp_path / "local", tmp_path / "dask"
    for ws in (local, remote):
        collect.collect(inbox, sample_class.ASSIGNMENT, ws)
    grade.grade(local, sample_class.ASSIGNMENT, workers=2, progress=False)
    assert main(["--workspace", str(remote), "grade", sample_class.ASSIGNMENT, "--scheduler", cluster.scheduler_address]) == 0
    assert "(2 Dask workers)" in capsys.readouterr().out
    assert rows_of(remote, sample_class.ASSIGNMENT) == rows_of(local, sample_class.ASSIGNMENT)
    expected = sample_class.expected()
    for student, (status, score, _) in rows_of(remote, sample_class.ASSIGNMENT).items():
        assert status.startswith(expected[student][1]) and expected[student][0] in (None, score), student
    cells = {r.student_id: r.cells for r in Ledger(remote).for_assignment(sample_class.ASSIGNMENT)}
    assert cells == {r.student_id: r.cells for r in Ledger(local).for_assignment(sample_class.ASSIGNMENT)}
    # the instructor's workspace got the graded notebooks (feedback reads them) and nbgrader's gradebook the scores
    graded = [s for s, (status, _, _) in rows_of(remote, sample_class.ASSIGNMENT).items() if status == "graded"]
    for student in graded:
        assert (remote / "autograded" / student / sample_class.ASSIGNMENT / f"{sample_class.ASSIGNMENT}.ipynb").exists()
        assert grade.scores(remote, sample_class.ASSIGNMENT, student)[0] == rows_of(remote, sample_class.ASSIGNMENT)[student][1]


def test_a_worker_killed_mid_batch_loses_nothing_and_grades_nothing_twice(tmp_path, cluster, monkeypatch):
    inbox, ws = tmp_path / "inbox", tmp_path / "ws"
    slow = "import time\ntime.sleep(6)\n"  # long enough to be killed in the middle of it
    students = {f"s{k}": solved_nb(A) for k in range(4)}
    students["slow"] = solved_nb(A, one_hot=slow + reference_answers(source_nb(A))["one_hot"])
    for student, nb in students.items():
        write_nb(nb, inbox / student / f"{A}.ipynb")
    collect.collect(inbox, A, ws)
    recorded = []
    real_record = grade.record
    monkeypatch.setattr(grade, "record", lambda *a: recorded.append(a[1].student_id) or real_record(*a))

    client = distributed.Client(cluster.scheduler_address)
    killed = {}

    def kill_the_worker_grading_slow():
        deadline = time.time() + 300
        while time.time() < deadline and not killed:
            for worker, keys in client.processing().items():
                if any("-slow-" in str(k) for k in keys):
                    time.sleep(2)  # well inside the job: the sandbox is running its notebook
                    killed["worker"] = worker
                    try:
                        client.run(os._exit, 1, workers=[worker])  # the worker process dies at once, mid-job
                    except OSError:  # (its answer never comes: the connection closes as it dies)
                        pass
                    return
            time.sleep(0.2)

    killer = threading.Thread(target=kill_the_worker_grading_slow)
    killer.start()
    try:
        grade.grade(ws, A, timeout=30, progress=False, scheduler=cluster.scheduler_address)
    finally:
        killer.join()
        client.close()
    assert killed, "the slow submission was never seen running, so no worker was killed"
    rows = rows_of(ws, A)
    assert set(rows) == set(students)
    assert all(status == "graded" and score == maximum for status, score, maximum in rows.values()), rows
    assert sorted(recorded) == sorted(students), "each submission recorded exactly once"


def test_a_worker_without_bubblewrap_is_refused_and_nothing_is_graded_unsandboxed(tmp_path):
    ws, inbox = tmp_path / "ws", tmp_path / "inbox"
    write_nb(solved_nb(A), inbox / "alice" / f"{A}.ipynb")
    collect.collect(inbox, A, ws)
    env = {"PATH": "/nonexistent", "PYTHONPATH": str(REPO_ROOT), "HOME": str(tmp_path)}
    with distributed.LocalCluster(n_workers=0, dashboard_address=":0") as bare:
        worker = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", bare.scheduler_address,
                                   "--nthreads", "1", "--no-dashboard"], env=env, cwd=tmp_path,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            with distributed.Client(bare.scheduler_address) as client:
                client.wait_for_workers(1, timeout=60)
            with pytest.raises(NoWorkerCanGrade) as refused:
                grade.grade(ws, A, progress=False, scheduler=bare.scheduler_address)
        finally:
            worker.kill()
            worker.wait()
    message = str(refused.value)
    assert "nothing was sent" in message and "bubblewrap (bwrap) is not installed" in message
    assert [r.status_text for r in Ledger(ws).for_assignment(A)] == ["collected"], "still waiting to be graded"
    assert not (ws / "autograded").exists()


def test_a_scheduler_and_a_worker_started_as_the_readme_says_grade_through_the_cli(tmp_path):
    """`dask scheduler` and `dask worker` as processes of their own, from this environment, in another folder:
    the scheduler unpacks each job, so it must find the autograder package there (the install, not the cwd)."""
    ws, inbox = tmp_path / "ws", tmp_path / "inbox"
    write_nb(solved_nb(A), inbox / "ann" / f"{A}.ipynb")
    collect.collect(inbox, A, ws)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    info = tmp_path / "scheduler.json"
    started = [subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--port", "0",
                                 "--dashboard-address", ":0", "--scheduler-file", str(info)],
                                env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        deadline = time.time() + 60
        while not info.exists() and time.time() < deadline:
            time.sleep(0.2)
        started.append(subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", "--scheduler-file",
                                         str(info), "--nthreads", "1", "--no-dashboard"], env=env, cwd=tmp_path,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        with distributed.Client(scheduler_file=str(info)) as client:
            client.wait_for_workers(1, timeout=60)
            address = client.scheduler.address
        assert main(["--workspace", str(ws), "grade", A, "--scheduler", address]) == 0
    finally:
        for process in started:
            process.kill()
            process.wait()
    assert rows_of(ws, A)["ann"][0] == "graded" and rows_of(ws, A)["ann"][1] == rows_of(ws, A)["ann"][2]


def test_an_unreachable_scheduler_is_a_clear_error():
    with pytest.raises(RuntimeError, match=r"could not reach the Dask scheduler at tcp://127.0.0.1:9.*dask scheduler"):
        with DaskWorkers("tcp://127.0.0.1:9", connect_timeout=2):
            pass
