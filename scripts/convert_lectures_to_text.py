"""One-time conversion of the JSON lecture sources into lecture texts (kept to show how it was done).

For each lecture: write ``<A>.py`` from ``<A>.ipynb``, rebuild the notebook from the text and prove
the two carry the same cells (type, id, source, nbgrader metadata); only the notebook metadata may
change (JupyterLab's kernelspec and language_info). Stops at the first difference.
"""
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from autograder import lecture_text  # noqa: E402
from autograder.paths import assignments  # noqa: E402


def same_cells(old, new):
    assert len(old.cells) == len(new.cells), (len(old.cells), len(new.cells))
    for a, b in zip(old.cells, new.cells):
        assert (a.cell_type, a.get("id"), a.source, a.metadata.get("nbgrader")) == \
               (b.cell_type, b.get("id"), b.source, b.metadata.get("nbgrader")), (a.get("id"), b.get("id"))
        assert set(a.metadata) <= {"nbgrader"}, a.metadata


def main(names):
    for a in names or assignments():
        json_lines = len(lecture_text.notebook_path(a).read_text().splitlines())
        old = nbformat.read(str(lecture_text.notebook_path(a)), as_version=4)
        text = lecture_text.to_text(old)
        lecture_text.text_path(a).write_text(text, encoding="utf-8")
        same_cells(old, lecture_text.to_notebook(lecture_text.text_path(a)))
        assert lecture_text.canonical_text(lecture_text.text_path(a)) == text
        lecture_text.build(a)
        print(f"{a}: {len(old.cells)} cells, {len(text.splitlines())} text lines "
              f"(was {json_lines} JSON lines): same cells")


if __name__ == "__main__":
    main(sys.argv[1:])
