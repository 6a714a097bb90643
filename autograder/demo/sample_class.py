"""A sample class for lecture 02, handed in as a Canvas download, for the demo and the tests.

Every submission is built from the current release notebook and the source's
reference answers, so the sample class follows the lecture as it changes.
Each carries the score (or the reason it cannot be scored) it must get.
"""
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from ..cells import fill_answers, is_solution_cell, reference_answers
from ..paths import RELEASE_DIR, SOURCE_DIR

ASSIGNMENT = "02_softmax"

SOFTMAX_NO_MAX_TRICK = '''def softmax(scores):
    exp_scores = np.exp(scores)
    return exp_scores / np.sum(exp_scores, axis=1, keepdims=True)'''

SOFTMAX_WRONG_AXIS = '''def softmax(scores):
    shifted = scores - np.max(scores, axis=1, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=0, keepdims=True)'''

SOFTMAX_SYNTAX_ERROR = '''def softmax(scores)
    return np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)'''

# A correct cross-entropy that does not call softmax, so a broken softmax costs only softmax's points.
XENT_OWN_LOG_SUM_EXP = '''def softmax_cross_entropy(scores, y):
    N = len(y)
    m = scores.max(axis=1, keepdims=True)
    log_sum_exp = m[:, 0] + np.log(np.exp(scores - m).sum(axis=1))
    loss = np.mean(log_sum_exp - scores[np.arange(N), y])
    p = np.exp(scores - m)
    p = p / p.sum(axis=1, keepdims=True)
    p[np.arange(N), y] -= 1
    return loss, p / N'''

XENT_SUM_NOT_MEAN = '''def softmax_cross_entropy(scores, y):
    N = scores.shape[0]
    probs = softmax(scores)
    loss = -np.sum(np.log(probs[np.arange(N), y]))
    dscores = probs.copy()
    dscores[np.arange(N), y] -= 1
    return loss, dscores'''

XENT_WHOLE_COLUMNS = '''def softmax_cross_entropy(scores, y):
    N = scores.shape[0]
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -np.mean(log_probs[np.arange(N), y])
    dscores = np.exp(log_probs)
    dscores[:, y] -= 1
    return loss, dscores / N'''

LINEAR_REG_GRADIENT_WITHOUT_2 = '''def linear_softmax_loss(W, b, X, y, reg):
    loss, dscores = softmax_cross_entropy(X @ W + b, y)
    loss += reg * np.sum(W ** 2)
    dW = X.T @ dscores + reg * W
    db = dscores.sum(axis=0)
    return loss, dW, db'''


@dataclass
class Sample:
    student_id: str
    name: str                       # Canvas's "lastfirst"
    what: str                       # what this submission shows
    answers: dict = field(default_factory=dict)   # grade_id -> code, on top of the reference answers
    blank: bool = False             # hand in the release notebook untouched
    file: str = "02_softmax.ipynb"  # the file name the student uploaded
    form: str = "plain"             # plain | colab | broken-json | extra-cells
    earlier: dict = None            # answers of an earlier, superseded upload
    expected_score: float = None
    expected_status: str = "graded"


SAMPLES = [
    Sample("1001", "lovelaceada", "correct", expected_score=10),
    Sample("1002", "babbageben", "blank: handed in the release untouched", blank=True, expected_score=0),
    Sample("1003", "clarkecleo", "partly wrong: regularisation gradient reg*W instead of 2*reg*W",
           answers={"linear_softmax_loss": LINEAR_REG_GRADIENT_WITHOUT_2}, expected_score=7),
    Sample("1004", "dijkstradev", "softmax without the max trick",
           answers={"softmax": SOFTMAX_NO_MAX_TRICK, "softmax_cross_entropy": XENT_OWN_LOG_SUM_EXP}, expected_score=7),
    Sample("1005", "eulereli", "correct, saved from Colab", form="colab", expected_score=10),
    Sample("1006", "fermatfay", "correct, renamed file", file="Copy of 02_softmax.ipynb", expected_score=10),
    Sample("1007", "gaussgus", "broken JSON (truncated upload)", form="broken-json",
           expected_status="not graded: not a readable notebook"),
    Sample("1008", "hopperhana", "re-submitted: a wrong first upload, a correct second one",
           earlier={"softmax_cross_entropy": XENT_SUM_NOT_MEAN}, expected_score=10),
    Sample("1009", "ibnsinaivo", "cross-entropy summed instead of averaged",
           answers={"softmax_cross_entropy": XENT_SUM_NOT_MEAN}, expected_score=6),  # 0/4, linear_softmax_loss keeps 3
    Sample("1010", "jacobijun", "dscores[:, y] -= 1 (whole columns)",
           answers={"softmax_cross_entropy": XENT_WHOLE_COLUMNS}, expected_score=6),  # 0/4, linear_softmax_loss keeps 3
    Sample("1011", "keplerkai", "softmax normalised over the wrong axis",
           answers={"softmax": SOFTMAX_WRONG_AXIS, "softmax_cross_entropy": XENT_OWN_LOG_SUM_EXP}, expected_score=7),
    Sample("1012", "lamarrlea", "correct, with extra prints and an extra cell", form="extra-cells", expected_score=10),
    Sample("1013", "maxwellmax", "syntax error in the softmax cell",
           answers={"softmax": SOFTMAX_SYNTAX_ERROR, "softmax_cross_entropy": XENT_OWN_LOG_SUM_EXP}, expected_score=7),
]


def _notebook(release_nb, reference, sample, answers):
    if sample.blank:
        return nbformat.from_dict(release_nb)
    return fill_answers(release_nb, {**reference, **answers})


def _as_colab(nb):
    """Roughly what Colab writes: nbformat 4.0 without cell ids, Colab metadata, an id inside each cell's metadata."""
    data = json.loads(nbformat.writes(nb))
    data["nbformat_minor"] = 0
    data["metadata"] = {"colab": {"provenance": [], "name": "02_softmax.ipynb"},
                        "kernelspec": {"name": "python3", "display_name": "Python 3"},
                        "language_info": {"name": "python"}}
    for i, cell in enumerate(data["cells"]):
        cell.pop("id", None)
        cell["metadata"]["id"] = f"c{i:04d}xYz"
        if cell["cell_type"] == "code":
            cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["ran in Colab\n"]}]
            cell["execution_count"] = i
    return json.dumps(data, indent=2).encode()


def _with_extra_cells(nb):
    nb = nbformat.from_dict(nb)
    out = []
    for cell in nb.cells:
        out.append(cell)
        if cell.cell_type == "code" and is_solution_cell(cell):
            cell.source += "\n\nprint('my function is defined')"
            extra = nbformat.v4.new_code_cell("# scratch work\nprint(softmax(np.array([[1.0, 2.0]])))")
            extra["id"] = f"scratch-{len(out)}"
            out.append(extra)
    nb.cells = out
    return nbformat.writes(nb).encode()


def _bytes(nb, form):
    if form == "colab":
        return _as_colab(nb)
    if form == "extra-cells":
        return _with_extra_cells(nb)
    text = nbformat.writes(nb).encode()
    if form == "broken-json":
        return text[: len(text) // 2]
    return text


def build_canvas_zip(dest, release_dir=RELEASE_DIR):
    """Write the sample class as a Canvas-style zip of flat files to ``dest``; returns its path."""
    release_nb = nbformat.read(str(Path(release_dir) / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"), as_version=4)
    source_nb = nbformat.read(str(SOURCE_DIR / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"), as_version=4)
    reference = reference_answers(source_nb)
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(dest, "w") as zf:
        for k, s in enumerate(SAMPLES):
            uploads = []
            if s.earlier is not None:
                uploads.append((s.file, _notebook(release_nb, reference, s, s.earlier)))
                stem = Path(s.file).stem
                uploads.append((f"{stem}-1.ipynb", _notebook(release_nb, reference, s, s.answers)))
            else:
                uploads.append((s.file, _notebook(release_nb, reference, s, s.answers)))
            for attempt, (filename, nb) in enumerate(uploads):
                submission_id = 50000 + 10 * k + attempt
                zf.writestr(f"{s.name}_{s.student_id}_{submission_id}_{filename}", _bytes(nb, s.form))
    return dest


def expected():
    """{student_id: (expected score or None, expected status prefix)}."""
    return {s.student_id: (s.expected_score, s.expected_status) for s in SAMPLES}
