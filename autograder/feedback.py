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

import bleach
import nbformat
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbconvert.preprocessors.sanitize import SanitizeHTML
from nbgrader.apps import NbGraderAPI
from nbgrader.preprocessors import GetGrades
from traitlets import Bool

from . import feedback_page
from .cells import is_test_cell
from .feedback_page import PrerenderMath
from .ledger import Ledger, Status
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
    are not the release's own text.

    A student's markdown cell is rendered here (nbconvert's renderer, harmful link protocols refused, attachments
    that are not there dropped) and the resulting HTML is cleaned with bleach, as SanitizeHTML does; the page then
    shows that HTML as it is. Cleaning the markdown text alone would let a ``[link](javascript:...)`` through.
    The notebook's widget state, which the student controls too, is removed.
    """

    enabled = Bool(True, help="nbconvert's own preprocessors are off unless enabled; this one is always on").tag(config=True)

    def preprocess(self, nb, resources):
        assignment = (resources.get("nbgrader") or {}).get("assignment")
        self._trusted = _release_markdown(assignment) if assignment else set()
        nb.metadata.pop("widgets", None)
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type in ("markdown", "raw") and cell.source not in self._trusted:
            attachments = cell.get("attachments")
            if not isinstance(attachments, dict) or not all(isinstance(v, dict) for v in attachments.values()):
                attachments = {}
            cell.pop("attachments", None)
            if cell.cell_type == "raw":
                cell.source = self.sanitize_html_tags(cell.source)
            else:
                cell.source = _student_markdown(cell.source, attachments)
        elif cell.cell_type == "code":
            for out in cell.get("outputs", []):
                if out.get("output_type") in ("display_data", "execute_result"):
                    if isinstance(out.get("metadata"), dict):
                        out.metadata.pop("filenames", None)  # the page would take an image's address from it
                    data = out.get("data", {})
                    for key in list(data):
                        if key in ("text/html", "text/markdown"):
                            text = data[key] if isinstance(data[key], str) else str(data[key])
                            data[key] = _clean_html(_render_markdown(text, {}) if key == "text/markdown" else text)
                        elif key not in _SAFE_OUTPUT_KEYS or (key.startswith("image/") and not _is_base64(data[key])):
                            del data[key]  # scripts, SVG, widgets, JSON and anything else the page would embed raw
                    if not data:
                        data["text/plain"] = "(an output the feedback page does not show)"
                    elif "text/markdown" in data:  # already HTML: shown as such
                        data["text/html"] = data.pop("text/markdown")
        return cell, resources


_TAGS = {"a", "abbr", "b", "blockquote", "br", "code", "del", "div", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
         "i", "img", "kbd", "li", "ol", "p", "pre", "s", "span", "strong", "sub", "sup", "table", "tbody", "td",
         "th", "thead", "tr", "ul"}


def _allowed_attribute(tag, name, value):
    if name in ("class", "id", "title", "align"):
        return True
    if tag == "a" and name == "href":
        return not value.strip().lower().startswith("data:")
    return tag == "img" and name in ("src", "alt", "width", "height")


def _clean_html(text):
    """``text`` with only harmless tags and attributes (no scripts, styles or event handlers; links to http(s) and
    mailto; images also from data: URIs)."""
    return bleach.clean(text, tags=_TAGS, attributes=_allowed_attribute,
                        protocols={"http", "https", "mailto", "data"}, strip=False, strip_comments=True)


def _render_markdown(source, attachments):
    source = _ATTACHMENT_REF.sub(lambda m: m.group(0) if m.group(1) in attachments else "#missing-attachment", source)
    renderer = IPythonRenderer(escape=False, allow_harmful_protocols=False, attachments=attachments,
                               exclude_anchor_links=True)
    return MarkdownWithMath(renderer=renderer).render(source)


def _student_markdown(source, attachments):
    """A student's markdown cell as cleaned HTML, in one HTML block the page's own markdown step leaves as it is."""
    html_text = '<div class="student-markdown">\n' + _clean_html(_render_markdown(source, attachments)).strip() + "\n</div>"
    return re.sub(r"\n(?=[ \t]*\n)", "&#10;", html_text)  # no blank line ends the block; inside <pre> it shows the same


_BASE64 = re.compile(r"^[A-Za-z0-9+/=\s]*$")


def _is_base64(value):
    return isinstance(value, str) and bool(_BASE64.match(value))


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


def configure(config):
    """The feedback steps, for ``generate`` and for nbgrader's own ``generate_feedback`` (``nbgrader_setup``):
    hidden tests cut, grades read, student content sanitised, formulas rendered offline, the page's styles."""
    config.GenerateFeedback.preprocessors = [HideTests, GetGrades, SanitizeStudentContent, PrerenderMath,
                                             CSSHTMLHeaderPreprocessor]
    return feedback_page.configure(config)  # formulas offline, long lines wrapped


def generate(workspace, assignment):
    """Write feedback for every graded submission; returns the HTML paths."""
    workspace = Path(workspace)
    config = configure(nbgrader_config(workspace))
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
