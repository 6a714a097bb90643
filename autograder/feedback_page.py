"""What the feedback pages show and how they look: student content sanitised, formulas offline, long lines wrapped.

``SanitizeStudentContent`` is nbconvert's ``SanitizeHTML`` for what the student controls (see its docstring).

``PrerenderMath`` writes the ``$...$`` and ``$$...$$`` formulas of markdown cells as MathML
(latex2mathml), which browsers render without MathJax or a network; a formula it cannot convert
stays as its TeX source. ``FeedbackExporter`` is nbgrader's HTML export (its feedback template)
with the MathJax script from a CDN left out and a style that makes long lines wrap.
``pipeline.configure_feedback`` puts these on an nbgrader configuration.
"""
import re

import bleach
import nbformat
from nbconvert.exporters import HTMLExporter
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath
from nbconvert.preprocessors.sanitize import SanitizeHTML
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Bool

from .paths import RELEASE_DIR, notebook_name

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


_MATHJAX_SCRIPT = re.compile(r'<script[^>]*src="[^"]*mathjax[^"]*"[^>]*>\s*</script>', re.I)
STYLE = """<style type="text/css">
/* the course: long messages and code wrap instead of running off the page; formulas are MathML */
div.output_area pre, div.output_subarea pre, div.input_area pre, div.highlight pre {
  white-space: pre-wrap; overflow-wrap: anywhere; word-break: normal;
}
div.output_subarea { max-width: 100%; }
math[display="block"] { display: block; margin: 0.6em 0; overflow-x: auto; overflow-y: hidden; }
math { font-size: 1.1em; }
div.rendered_html table td, div.rendered_html table th { padding: 0.2em 0.8em; }
</style>
"""
_CODE = re.compile(r"(```.*?```|~~~.*?~~~|`[^`\n]*`)", re.S)
_MATH = re.compile(r"\$\$(.+?)\$\$|(?<![\\$\w])\$(?![\s$])([^$\n]+?)(?<![\s\\])\$(?![\w$])", re.S)


def to_mathml(tex, display):
    """MathML for ``tex`` or None if it cannot be converted."""
    try:
        from latex2mathml.converter import convert
        mathml = convert(tex.strip(), display="block" if display else "inline")
    except Exception:  # an unsupported command: leave the formula as TeX
        return None
    return None if re.search(r">\\[a-zA-Z]", mathml) else mathml  # a command it passed through unconverted


def prerender(markdown):
    """``markdown`` with its formulas (not those in code) replaced by MathML."""
    def formula(m):
        display = m.group(1) is not None
        mathml = to_mathml(m.group(1) if display else m.group(2), display)
        return m.group(0) if mathml is None else mathml
    parts = _CODE.split(markdown)
    return "".join(p if i % 2 else _MATH.sub(formula, p) for i, p in enumerate(parts))


class PrerenderMath(NbGraderPreprocessor):
    """Markdown cells' formulas as MathML, so that the feedback page needs no MathJax."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "markdown" and "$" in cell.source:
            cell.source = prerender(cell.source)
        return cell, resources


def finish_page(html):
    """The page without MathJax from a CDN (nothing is left for it to do, and offline it cannot load) and with
    the course's style."""
    html = _MATHJAX_SCRIPT.sub("", html)
    return html.replace("</head>", STYLE + "</head>", 1)


class FeedbackExporter(HTMLExporter):
    """nbgrader's feedback export, finished by ``finish_page``."""

    def from_notebook_node(self, nb, resources=None, **kw):
        html, resources = super().from_notebook_node(nb, resources, **kw)
        return finish_page(html), resources

