"""``demo``: release every lecture, then collect, grade and export the bundled sample class (``sample_class.py``)."""
import shutil
import time
from pathlib import Path

from .. import collect, export, feedback, grade
from .. import release as release_mod
from ..paths import assignments
from . import sample_class


def run(workspace, out=print, release=True):
    workspace = Path(workspace) / "demo"
    if workspace.exists():
        shutil.rmtree(workspace)  # the demo's own folder only, rebuilt from scratch every time
    t0 = time.perf_counter()
    for a in assignments() if release else []:
        path = release_mod.generate(a)
        out(f"released {path.relative_to(path.parents[2])}")
    inbox = sample_class.build_canvas_zip(workspace / "inbox" / "canvas_download.zip")
    out(f"sample class: {len(sample_class.SAMPLES)} students in {inbox}")
    collect.collect(inbox, sample_class.ASSIGNMENT, workspace)
    grade.grade(workspace, sample_class.ASSIGNMENT, progress=out is print)
    pages = feedback.generate(workspace, sample_class.ASSIGNMENT)
    table = export.rows(workspace, sample_class.ASSIGNMENT)
    csv_path = export.to_csv(table, workspace / "grades.csv")
    expected = sample_class.expected()
    what = {s.student_id: s.what for s in sample_class.SAMPLES}

    def verdict(row):
        score, status = expected[row["student_id"]]
        ok = row["status"].startswith(status) and (score is None or row["score"] == score)
        return "yes" if ok else f"NO (expected {score if score is not None else status})"

    out("")
    out(export.to_text(table, extra={"as expected": verdict, "submission": lambda r: what[r["student_id"]]}))
    n_ok = sum(verdict(r) == "yes" for r in table)
    out(f"\n{n_ok} of {len(table)} rows as expected; CSV written to {csv_path}; "
        f"{len(pages)} feedback pages under {workspace / 'feedback'}; "
        f"{time.perf_counter() - t0:.0f} s in all")
    return n_ok == len(table) == len(sample_class.SAMPLES)
