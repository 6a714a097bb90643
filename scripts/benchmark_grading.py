"""Seconds per submission: our grader serial, with 2 workers and on a Dask cluster, against plain `nbgrader autograde`.

    python scripts/benchmark_grading.py [--students 12] [--assignment 02_softmax]
    python scripts/benchmark_grading.py --per-lecture 3     # cost of every lecture, and what it means at scale

All four grade the same submissions (the reference answers, with a different
student id each) in the same run, on this machine; the Dask cluster is a
``distributed.LocalCluster`` of two worker processes here (started before the
clock runs), reached through its scheduler's address as a remote one would be. Ours runs each notebook in
a sandbox and its test cells in the grader's process (judge.py); lecture 03,
whose tests call the student's network hundreds of times, shows the cost of
that most.
"""
import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from autograder import collect, grade  # noqa: E402
from autograder.cells import fill_answers, reference_answers  # noqa: E402
from autograder.ledger import Ledger  # noqa: E402
from autograder.paths import RELEASE_DIR, SOURCE_DIR, assignments  # noqa: E402
from autograder.pipeline import nbgrader_config  # noqa: E402

A = "02_softmax"


def make_inbox(root, n):
    release = nbformat.read(str(RELEASE_DIR / A / f"{A}.ipynb"), as_version=4)
    source = nbformat.read(str(SOURCE_DIR / A / f"{A}.ipynb"), as_version=4)
    nb = fill_answers(release, reference_answers(source))
    for k in range(n):
        path = root / f"s{k:03d}" / f"{A}.ipynb"
        path.parent.mkdir(parents=True)
        nbformat.write(nb, str(path))
    return root


def ours(inbox, workers, tmp, scheduler=None):
    ws = tmp / f"ws-{workers}-{'dask' if scheduler else 'local'}"
    collect.collect(inbox, A, ws)
    t0 = time.perf_counter()
    grade.grade(ws, A, workers=workers, progress=False, scheduler=scheduler)
    elapsed = time.perf_counter() - t0
    rows = Ledger(ws).for_assignment(A)
    assert all(r.status == "graded" and r.score == r.max_score for r in rows), [(r.status_text, r.score) for r in rows]
    return elapsed


def plain_nbgrader(inbox, tmp):
    """nbgrader's autograde with its default pipeline (Execute in-process, no sandbox), all students in one call."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.converters import Autograde
    ws = tmp / "ws-nbgrader"
    ws.mkdir()
    config = nbgrader_config(ws)
    config.Autograde.autograde_preprocessors = Autograde.class_traits()["autograde_preprocessors"].default()
    config.Execute.timeout = 120
    api = NbGraderAPI(config=config)
    generated = api.generate_assignment(A, force=True, create=True)
    assert generated["success"], generated.get("log")
    for student in inbox.iterdir():
        dest = ws / "submitted" / student.name / A
        dest.mkdir(parents=True)
        shutil.copy(student / f"{A}.ipynb", dest)
    t0 = time.perf_counter()
    result = api.autograde(A, "*", force=True, create=True)
    elapsed = time.perf_counter() - t0
    assert result["success"], result.get("log")
    return elapsed


SIZES = (300, 10_000, 100_000)
CORES = (2, 16, 128)


def per_lecture(students):
    """Seconds per submission per core for every lecture (serial grading), and the projection to a course's size."""
    global A
    costs = {}
    for a in assignments():
        A = a
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            inbox = make_inbox(tmp / "inbox", students)
            costs[a] = ours(inbox, 1, tmp) / students
        print(f"{a:<28} {costs[a]:6.2f} s per submission per core", flush=True)
    mean = sum(costs.values()) / len(costs)
    print(f"{'mean over the lectures':<28} {mean:6.2f} s\n")
    print("hours to grade N submissions (mean lecture) on C cores, at that cost:")
    print(f"{'submissions':>12} " + " ".join(f"{f'{c} cores':>10}" for c in CORES))
    for n in SIZES:
        print(f"{n:>12,} " + " ".join(f"{n * mean / c / 3600:10.2f}" for c in CORES))


def main():
    global A
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--students", type=int, default=12)
    p.add_argument("--assignment", default=A)
    p.add_argument("--per-lecture", type=int, metavar="N", help="instead: N submissions of every lecture, serially")
    args = p.parse_args()
    if args.per_lecture:
        return per_lecture(args.per_lecture)
    A = args.assignment
    from distributed import LocalCluster
    with tempfile.TemporaryDirectory() as tmp, LocalCluster(n_workers=2, threads_per_worker=1,
                                                            dashboard_address=":0") as cluster:
        tmp = Path(tmp)
        inbox = make_inbox(tmp / "inbox", args.students)
        (tmp / "warm").mkdir()
        grade.prepare(tmp / "warm", A)  # warm caches (imports, the alembic check) before timing
        results = {"plain nbgrader autograde (serial, no sandbox)": plain_nbgrader(inbox, tmp),
                   "ours, --workers 1 (sandboxed)": ours(inbox, 1, tmp),
                   "ours, --workers 2 (sandboxed)": ours(inbox, 2, tmp),
                   "ours, Dask LocalCluster, 2 workers (sandboxed)": ours(inbox, None, tmp, cluster.scheduler_address)}
    base = results["plain nbgrader autograde (serial, no sandbox)"]
    print(f"{args.students} submissions of {A}; {base / args.students:.2f} s each with plain nbgrader\n")
    print(f"{'grader':<48} {'total s':>8} {'s/submission':>13} {'vs nbgrader':>12}")
    for name, seconds in results.items():
        print(f"{name:<48} {seconds:8.1f} {seconds / args.students:13.2f} {seconds / base:11.2f}x")


if __name__ == "__main__":
    main()
