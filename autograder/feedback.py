"""``feedback``: an HTML page per student and notebook, made by nbgrader from the autograded notebook.

What passed and what failed, with each failed check's plain-words message;
never the hidden tests' source. The steps that make the page are listed in
``pipeline.FEEDBACK_STEPS``.

Everything the student wrote or printed reaches the page only sanitised
(``feedback_page.SanitizeStudentContent``, nbconvert's ``SanitizeHTML`` with bleach): no
scripts, event handlers or unknown output types, so the page is safe to open
and to release. Each page is made on its own: one that nbgrader cannot make
gets a plain page with the scores and messages, and a warning, and the other
students' pages are made as usual.
"""
import html
import json
import sys
from pathlib import Path

import nbformat
from nbgrader.apps import NbGraderAPI

from .cells import is_test_cell
from .ledger import Ledger, Status
from .paths import notebook_name
from .pipeline import configure_feedback, nbgrader_config


def _fallback_page(workspace, assignment, record, reason):
    """A plain page: the scores from the ledger and the failed checks' messages, every string escaped."""
    esc = html.escape
    rows = "".join(f"<tr><td>{esc(str(g))}</td><td>{esc(str(s))} / {esc(str(m))}</td></tr>"
                   for g, (s, m) in sorted(record.cells.items()))
    messages = []
    autograded = (Path(workspace) / "autograded" / record.student_id / assignment / notebook_name(assignment))
    try:
        nb = nbformat.read(str(autograded), as_version=4)
        for cell in nb.cells:
            if is_test_cell(cell):
                for out in cell.get("outputs", []):
                    if out.get("output_type") == "error":
                        messages.append(f"<li><b>{esc(cell.metadata.nbgrader['grade_id'])}</b>: "
                                        f"{esc(str(out.get('ename', '')))}: {esc(str(out.get('evalue', '')))}</li>")
    except Exception:
        pass
    return (f"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{esc(assignment)}</title></head><body>\n"
            f"<h1>{esc(assignment)}: {esc(str(record.score))} / {esc(str(record.max_score))}</h1>\n"
            "<p>The full feedback page for this notebook could not be made; this is a plain summary.</p>\n"
            f"<table><tr><th>test</th><th>score</th></tr>{rows}</table>\n"
            + (f"<h2>Failed checks</h2><ul>{''.join(messages)}</ul>\n" if messages else "")
            + f"<!-- {esc(reason).replace('--', '- -')} -->\n</body></html>\n")


def generate(workspace, assignment):
    """Write feedback for every graded submission; returns the HTML paths."""
    workspace = Path(workspace)
    config = configure_feedback(nbgrader_config(workspace))
    api = NbGraderAPI(config=config)
    paths = []
    for record in Ledger(workspace).for_assignment(assignment):
        if record.status is not Status.GRADED:
            continue
        page = (workspace / "feedback" / record.student_id / assignment
                / notebook_name(assignment).replace(".ipynb", ".html"))
        try:
            result = api.generate_feedback(assignment, record.student_id, force=True)
            reason = "" if result["success"] and page.exists() else (result.get("error") or "no page was written")
        except Exception as exc:  # one student's page must not stop the others
            reason = f"{type(exc).__name__}: {exc}"
        if reason:
            last = [ln for ln in reason.strip().splitlines() if ln.strip()][-1:] or ["unknown error"]
            print(f"WARNING: nbgrader could not make the feedback page of {record.student_id} "
                  f"({last[0][:200]}); wrote a plain page instead", file=sys.stderr)
            page.parent.mkdir(parents=True, exist_ok=True)
            page.write_text(_fallback_page(workspace, assignment, record, json.dumps(last[0][:300])))
        paths.append(page)
    return paths
