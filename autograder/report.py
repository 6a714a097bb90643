"""The instructor's overview beside the grade table, and Canvas's gradebook-import CSV.

``write_report`` draws, per assignment, the histogram of scores and, per test cell, the share of
graded students who got its full points: the picture that shows which exercise the class did not
get. It writes a PNG and an HTML page (the PNG embedded, the numbers as a table).
"""
import base64
import csv
import html
import io
from pathlib import Path

import nbformat

from .cells import graded_cells
from .ledger import Ledger, Status
from .paths import SOURCE_DIR, notebook_name

CANVAS_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]


def summary(workspace, assignment=None):
    """{assignment: {"scores": [...], "max_score": m, "not_graded": n, "cells": [(grade_id, points, passed, graded)]}}."""
    out = {}
    records = Ledger(workspace).for_assignment(assignment)
    for a in sorted({r.assignment for r in records}):
        mine = [r for r in records if r.assignment == a]
        graded = [r for r in mine if r.status is Status.GRADED]
        points = graded_cells(nbformat.read(str(SOURCE_DIR / a / notebook_name(a)), as_version=4))
        cells = [(gid, pts, sum(1 for r in graded if _full(r.cells.get(gid))), len(graded))
                 for gid, pts in points.items()]
        out[a] = {"scores": [float(r.score) for r in graded], "max_score": float(sum(points.values())),
                  "not_graded": len(mine) - len(graded), "cells": cells}
    return out


def _full(cell):
    return bool(cell) and float(cell[0]) >= float(cell[1])


def figure(data):
    """A matplotlib figure: per assignment, the score histogram and the share passing each test cell."""
    import matplotlib
    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure  # no pyplot: no global state, no window
    from matplotlib.ticker import MaxNLocator

    fig = Figure(figsize=(11, 3.4 * max(1, len(data))), layout="constrained")
    axes = fig.subplots(max(1, len(data)), 2, squeeze=False)
    for (a, d), (hist, cells) in zip(data.items(), axes):
        top = d["max_score"]
        bins = [x - 0.5 for x in range(int(top) + 2)] if top <= 40 else 20
        hist.hist(d["scores"], bins=bins, color="#4878a8", edgecolor="white")
        hist.set_xlim(-0.5, top + 0.5)
        hist.set_xlabel(f"score (of {top:g})")
        hist.set_ylabel("students")
        hist.yaxis.set_major_locator(MaxNLocator(integer=True))
        hist.set_title(f"{a}: {len(d['scores'])} graded" + (f", {d['not_graded']} not graded" if d["not_graded"] else ""))
        names = [gid for gid, *_ in d["cells"]][::-1]
        shares = [100 * passed / graded if graded else 0 for _, _, passed, graded in d["cells"]][::-1]
        bars = cells.barh(names, shares, color=["#c0504d" if s < 50 else "#9bbb59" for s in shares])
        cells.bar_label(bars, labels=[f"{s:.0f} %" for s in shares], padding=3)
        cells.set_xlim(0, 110)
        cells.set_xlabel("students with full points (%)")
        cells.set_title("per test cell")
    return fig


def write_report(workspace, out_base, assignment=None):
    """Write ``<out_base>-report.png`` and ``-report.html``; returns their paths (None if nothing is graded)."""
    data = summary(workspace, assignment)
    if not data:
        return None
    out_base = Path(out_base)
    png, page = out_base.with_name(out_base.stem + "-report.png"), out_base.with_name(out_base.stem + "-report.html")
    buf = io.BytesIO()
    figure(data).savefig(buf, format="png", dpi=110)
    png.write_bytes(buf.getvalue())
    rows = []
    for a, d in data.items():
        for gid, pts, passed, graded in d["cells"]:
            share = f"{100 * passed / graded:.0f} %" if graded else "-"
            rows.append(f"<tr><td>{html.escape(a)}</td><td>{html.escape(gid)}</td><td>{pts:g}</td>"
                        f"<td>{passed} of {graded}</td><td>{share}</td></tr>")
    image = base64.b64encode(buf.getvalue()).decode()
    page.write_text(f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Grade report</title>
<style>body{{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}}
img{{max-width:100%}} table{{border-collapse:collapse}} td,th{{border:1px solid #ccc;padding:.3em .6em;text-align:left}}</style>
</head><body>
<h1>Grade report</h1>
<p>Per assignment: how the scores spread, and for each test cell the share of graded students who got all its points.
A short red bar is an exercise the class did not get.</p>
<img alt="score histogram and share of students passing each test cell" src="data:image/png;base64,{image}">
<table><tr><th>assignment</th><th>test cell</th><th>points</th><th>full points</th><th>share</th></tr>
{chr(10).join(rows)}
</table></body></html>
""", encoding="utf-8")
    return png, page


def to_canvas(table, path):
    """Canvas's gradebook-import CSV: one row per student (Canvas user id in ``ID``), one column per assignment.

    Submissions that could not be graded are left blank, so an import leaves Canvas's value as it is.
    """
    assignments = sorted({r["assignment"] for r in table})
    students = sorted({r["student_id"] for r in table})
    scores = {(r["student_id"], r["assignment"]): r["score"] for r in table}
    maxima = {a: next((r["max_score"] for r in table if r["assignment"] == a and r["max_score"] != ""), "")
              for a in assignments}
    with open(path, "w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(CANVAS_COLUMNS + assignments)
        writer.writerow(["    Points Possible", "", "", "", ""] + [maxima[a] for a in assignments])
        for s in students:
            writer.writerow(["", s, "", "", ""] + [scores.get((s, a), "") for a in assignments])
    return path
