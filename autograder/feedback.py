"""``feedback``: an HTML page per student and notebook, made by nbgrader from the autograded notebook.

What passed and what failed, with each failed check's plain-words message;
never the hidden tests' source (see ``preprocessors.HideTests``).

Everything the student wrote or printed reaches the page only sanitised
(``SanitizeStudentContent``, nbconvert's ``SanitizeHTML`` with bleach): no
scripts, event handlers or unknown output types, so the page is safe to open
and to release. Each page is made on its own: one that nbgrader cannot make
gets a plain page with the scores and messages, and a warning, and the other
students' pages are made as usual.
"""
import html
import json
import re
import sys
from pathlib import Path

import nbformat
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbconvert.preprocessors.sanitize import SanitizeHTML
from nbgrader.apps import NbGraderAPI
from nbgrader.preprocessors import GetGrades

from .cells import is_test_cell
from .ledger import Ledger
from .preprocessors import HideTests
from .workspace import RELEASE_DIR, nbgrader_config, notebook_name

_ATTACHMENT_REF = re.compile(r"attachment:([^\s)\"'<>]+)")
_SAFE_OUTPUT_KEYS = {"metadata", "text/plain", "text/latex", "image/png", "image/jpeg"}  # the template escapes these


def _release_markdown(assignment):
    """The markdown and raw sources of the released notebook: the instructor's text, shown as it is."""
    try:
        nb = nbformat.read(str(RELEASE_DIR / assignment / notebook_name(assignment)), as_version=4)
    except Exception:  # an unknown assignment: everything is sanitised
        return set()
    return {c.source for c in nb.cells if c.cell_type in ("markdown", "raw")}


class SanitizeStudentContent(SanitizeHTML):
    """nbconvert's SanitizeHTML for what the student controls: every output, and the markdown and raw cells that
    are not the release's own text. Also keeps a page from failing on a student's notebook: references to
    attachments that are not there are dropped, and the notebook's widget state is removed."""

    def preprocess(self, nb, resources):
        assignment = (resources.get("nbgrader") or {}).get("assignment")
        self._trusted = _release_markdown(assignment) if assignment else set()
        nb.metadata.pop("widgets", None)
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type in ("markdown", "raw"):
            if cell.source not in self._trusted:
                cell.source = self.sanitize_html_tags(cell.source)
            attachments = cell.get("attachments")
            if attachments is not None and not isinstance(attachments, dict):
                cell.pop("attachments")
                attachments = None
            names = set(attachments or {})
            cell.source = _ATTACHMENT_REF.sub(lambda m: m.group(0) if m.group(1) in names else "#missing-attachment",
                                              cell.source)
            return cell, resources
        if cell.cell_type == "code":
            for out in cell.get("outputs", []):
                if out.get("output_type") in ("display_data", "execute_result"):
                    data = out.get("data", {})
                    for key in list(data):
                        if key in ("text/html", "text/markdown"):
                            data[key] = self.sanitize_html_tags(data[key] if isinstance(data[key], str) else str(data[key]))
                        elif key not in _SAFE_OUTPUT_KEYS or (key.startswith("image/") and not _is_base64(data[key])):
                            del data[key]  # scripts, SVG, widgets, JSON and anything else the page would embed raw
                    if not data:
                        data["text/plain"] = "(an output the feedback page does not show)"
        return cell, resources


_BASE64 = re.compile(r"^[A-Za-z0-9+/=\s]*$")


def _is_base64(value):
    return isinstance(value, str) and bool(_BASE64.match(value))


def _fallback_page(workspace, assignment, record, reason):
    """A plain page: the scores from the ledger and the failed checks' messages, every string escaped."""
    esc = html.escape
    rows = "".join(f"<tr><td>{esc(str(g))}</td><td>{esc(str(s))} / {esc(str(m))}</td></tr>"
                   for g, (s, m) in sorted((record.get("cells") or {}).items()))
    messages = []
    autograded = (Path(workspace) / "autograded" / record["student_id"] / assignment / notebook_name(assignment))
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
            f"<h1>{esc(assignment)}: {esc(str(record.get('score')))} / {esc(str(record.get('max_score')))}</h1>\n"
            "<p>The full feedback page for this notebook could not be made; this is a plain summary.</p>\n"
            f"<table><tr><th>test</th><th>score</th></tr>{rows}</table>\n"
            + (f"<h2>Failed checks</h2><ul>{''.join(messages)}</ul>\n" if messages else "")
            + f"<!-- {esc(reason).replace('--', '- -')} -->\n</body></html>\n")


def generate(workspace, assignment):
    """Write feedback for every graded submission; returns the HTML paths."""
    workspace = Path(workspace)
    config = nbgrader_config(workspace)
    config.GenerateFeedback.preprocessors = [HideTests, GetGrades, SanitizeStudentContent, CSSHTMLHeaderPreprocessor]
    api = NbGraderAPI(config=config)
    paths = []
    for record in Ledger(workspace).for_assignment(assignment):
        if record["status"] != "graded":
            continue
        page = (workspace / "feedback" / record["student_id"] / assignment
                / notebook_name(assignment).replace(".ipynb", ".html"))
        try:
            result = api.generate_feedback(assignment, record["student_id"], force=True)
            reason = "" if result["success"] and page.exists() else (result.get("error") or "no page was written")
        except Exception as exc:  # one student's page must not stop the others
            reason = f"{type(exc).__name__}: {exc}"
        if reason:
            last = [ln for ln in reason.strip().splitlines() if ln.strip()][-1:] or ["unknown error"]
            print(f"WARNING: nbgrader could not make the feedback page of {record['student_id']} "
                  f"({last[0][:200]}); wrote a plain page instead", file=sys.stderr)
            page.parent.mkdir(parents=True, exist_ok=True)
            page.write_text(_fallback_page(workspace, assignment, record, json.dumps(last[0][:300])))
        paths.append(page)
    return paths
