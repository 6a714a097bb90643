"""Feedback pages render formulas offline (MathML, no MathJax from a CDN) and wrap long messages."""
import re
import shutil
import subprocess

import pytest
from nbconvert.filters import markdown2html

from autograder import feedback_page
from autograder.feedback_page import finish_page, prerender
from autograder.paths import SOURCE_DIR


def test_formulas_become_mathml_code_and_prices_do_not():
    out = prerender(r"Loss $L = -\frac{1}{N}\sum_i \log p_i$, code `x = $y$`, it costs $5 and $$\sigma(z)$$.")
    assert out.count("<math") == 2 and 'display="block"' in out and "<mfrac>" in out
    assert "`x = $y$`" in out and "costs $5 and" in out


def test_a_formula_it_cannot_convert_stays_as_tex():
    assert prerender(r"a $\unknowncommand{x}$ b") == r"a $\unknowncommand{x}$ b"


def test_every_formula_of_every_lecture_converts():
    failed = []
    for text in sorted(SOURCE_DIR.glob("*/*.py")):
        markdown = "\n".join(line[2:] for line in text.read_text().splitlines() if line.startswith("# "))
        failed += [f"{text.name}: {m}" for m in re.findall(r"\$[^$\n]+\$", prerender(markdown))
                   if not m.startswith("$ ") and re.search(r"\\[a-zA-Z]|[_^]", m)]
    assert not failed, failed[:5]


def test_page_has_no_cdn_mathjax_and_wraps():
    page = ('<html><head><script src="https://cdnjs.cloudflare.com/ajax/libs/mathjax/2.7.7/latest.js?config=x">'
            ' </script></head><body></body></html>')
    out = finish_page(page)
    assert "cdnjs" not in out and "white-space: pre-wrap" in out and out.count("</head>") == 1


def test_feedback_uses_the_exporter():
    from autograder.pipeline import configure_feedback, nbgrader_config
    config = configure_feedback(nbgrader_config("/tmp/nowhere"))
    assert config.GenerateFeedback.exporter_class is feedback_page.FeedbackExporter
    assert feedback_page.PrerenderMath in config.GenerateFeedback.preprocessors


MEASURE = """<script>
window.addEventListener('load', () => {
  const frac = document.querySelector('mfrac').getBoundingClientRect();
  const line = document.querySelector('p.plain').getBoundingClientRect();
  document.body.setAttribute('data-measured', JSON.stringify({
    page: document.documentElement.scrollWidth, frac: frac.height, line: line.height}));
});
</script>"""


@pytest.mark.skipif(not shutil.which("chromium"), reason="needs Debian's chromium (apt-get install chromium)")
def test_headless_chromium_lays_out_formulas_and_wraps_long_messages(tmp_path):
    import json
    body = markdown2html(prerender(r"The loss $$L = \frac{1}{N} \sum_{i=1}^{N} -\log p_{i, y_i}$$"))
    long_message = "AssertionError: softmax(scores) " + "differs from the expected value in row 3 " * 40
    page = finish_page(f"""<!DOCTYPE html><html><head><meta charset="utf-8"></head><body style="width:760px">
<p class="plain">plain line</p>{body}
<div class="output_subarea"><pre>{long_message}</pre></div>{MEASURE}</body></html>""")
    (tmp_path / "page.html").write_text(page)
    done = subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--window-size=800,600",
                           "--virtual-time-budget=5000", "--dump-dom", (tmp_path / "page.html").as_uri()],
                          capture_output=True, text=True, timeout=120)
    found = re.search(r"data-measured=\"([^\"]+)\"", done.stdout)
    assert found, done.stderr[-2000:]
    measured = json.loads(found.group(1).replace("&quot;", '"'))
    assert measured["page"] <= 800, f"the long message runs off the page: {measured}"
    assert measured["frac"] > 1.5 * measured["line"], f"the fraction is not laid out as one: {measured}"
