"""How the feedback pages look: formulas rendered offline, long messages wrapped.

``PrerenderMath`` writes the ``$...$`` and ``$$...$$`` formulas of markdown cells as MathML
(latex2mathml), which browsers render without MathJax or a network; a formula it cannot convert
stays as its TeX source. ``FeedbackExporter`` is nbgrader's HTML export (its feedback template)
with the MathJax script from a CDN left out and a style that makes long lines wrap. ``configure``
sets the exporter on an nbgrader configuration; ``feedback.configure`` calls it.
"""
import re
from nbconvert.exporters import HTMLExporter
from nbgrader.preprocessors import NbGraderPreprocessor

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


def configure(config):
    """The course's feedback page on an nbgrader configuration (formulas offline, long lines wrapped)."""
    config.GenerateFeedback.exporter_class = FeedbackExporter
    return config
