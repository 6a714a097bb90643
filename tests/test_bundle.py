"""Student bundles and the public tree hold the notebook, the helpers and the data, and no answer."""
import importlib
import json
import re
import zipfile
from pathlib import Path

import pytest

from autograder import bundle
from autograder.__main__ import main
from autograder.cells import grade_id, is_solution_cell, is_test_cell
from autograder.paths import REPO_ROOT

from conftest import ASSIGNMENTS, source_nb


def _texts(entries):
    """{name: text} with a notebook read as its cells' sources and outputs (not its JSON escapes)."""
    out = {}
    for name, data in entries:
        if name.endswith(".ipynb"):
            nb = json.loads(data)
            out[name] = "\n".join("".join(c["source"]) + json.dumps(c.get("outputs", [])) for c in nb["cells"])
        else:
            out[name] = data.decode("utf-8", errors="ignore")
    return out


def _squash(text):
    return re.sub(r"\s+", " ", text).strip()


def _answers(assignment):
    """What must never reach a student: reference solutions and hidden tests of the lecture, catalogue answers."""
    nb = source_nb(assignment)
    hidden_block = re.compile(r"### BEGIN HIDDEN TESTS\n.*?### END HIDDEN TESTS", re.S)
    visible = _squash("\n".join(hidden_block.sub("", c.source) for c in nb.cells))  # a hint may be in both
    secrets = []
    for cell in nb.cells:
        if is_solution_cell(cell) and cell.cell_type == "code":
            block = re.search(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", cell.source, re.S).group(1)
            secrets.append(("solution " + grade_id(cell), block))
        if is_test_cell(cell) and "### BEGIN HIDDEN TESTS" in cell.source:
            hidden = re.search(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", cell.source, re.S).group(1)
            secrets += [("hidden test of " + grade_id(cell), line) for line in hidden.splitlines()
                        if len(line.strip()) > 25 and _squash(line) not in visible]
    module = importlib.import_module(f"tests.catalogue.l{assignment}")
    for kind in ("WRONG", "RIGHT", "CORRECT"):
        for entry in getattr(module, kind, []):
            code = next((x for x in entry if isinstance(x, str) and "def " in x or isinstance(x, str) and "class " in x), None)
            if code and code.count("\n") >= 2:
                secrets.append((f"catalogue {kind} {entry[0]}", code))
    assert secrets
    return secrets


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_zip_holds_notebook_helpers_data_and_readme_and_no_answer(assignment, tmp_path):
    path = bundle.write_zip(assignment, tmp_path)
    with zipfile.ZipFile(path) as zf:
        entries = [(n, zf.read(n)) for n in zf.namelist()]
    names = [n for n, _ in entries]
    assert all(n.startswith(f"{assignment}/") for n in names), "one folder <A>/ and nothing beside it"
    assert {f"{assignment}/{assignment}.ipynb", f"{assignment}/README.md", f"{assignment}/course/__init__.py",
            f"{assignment}/course/checks.py", f"{assignment}/course/data/mnist_subset.npz"} <= set(names)
    assert not [n for n in names if n.endswith(".py") and "/course/" not in n], "no lecture text"
    assert not [n for n in names if "source_notebooks" in n or "tests/" in n or "__pycache__" in n]
    texts = _texts(entries)
    everything = _squash("\n".join(texts.values()))
    assert "### BEGIN" not in everything and "### END" not in everything
    for what, secret in _answers(assignment):
        assert _squash(secret) not in everything, f"{what} is inside the bundle"
    readme = texts[f"{assignment}/README.md"]
    assert "Colab Notebooks" in readme and "Download .ipynb" in readme and "allow access to Google Drive" in readme
    assert path.stat().st_size < 2_000_000


def test_zips_are_reproducible(tmp_path):
    a = bundle.write_zip("00_getting_started", tmp_path / "a").read_bytes()
    b = bundle.write_zip("00_getting_started", tmp_path / "b").read_bytes()
    assert a == b


def test_check_refuses_what_would_leak():
    with pytest.raises(ValueError, match="hidden test would leak"):
        bundle.check([("A/A.ipynb", b'{"source": "### BEGIN HIDDEN TESTS"}')])
    with pytest.raises(ValueError, match="instructor files"):
        bundle.check([("A/source_notebooks/A.ipynb", b"{}")])
    with pytest.raises(ValueError, match="lecture text"):
        bundle.check([("A/A.py", b"# %% solution")])


def test_command_line_writes_zips_and_says_their_size(tmp_path, capsys):
    assert main(["bundle", "01_binary_classification", "--out", str(tmp_path)]) == 0
    assert "01_binary_classification.zip" in capsys.readouterr().out
    assert (tmp_path / "01_binary_classification.zip").exists()
    assert main(["bundle", "no_such_lecture", "--out", str(tmp_path)]) == 2


def test_public_tree_has_no_sources_and_installs_the_helpers(tmp_path):
    tree = bundle.write_tree(tmp_path / "public", ASSIGNMENTS)
    files = sorted(p.relative_to(tree).as_posix() for p in tree.rglob("*") if p.is_file())
    assert "pyproject.toml" in files and "README.md" in files and "course/data/mnist_subset.npz" in files
    assert [f for f in files if f.startswith("release/")] == [f"release/{a}/{a}.ipynb" for a in ASSIGNMENTS]
    assert not [f for f in files if f.startswith(("source_notebooks", "tests", "autograder"))]
    texts = _texts([(f, (tree / f).read_bytes()) for f in files])
    everything = _squash("\n".join(texts.values()))
    assert "### BEGIN" not in everything and "### END" not in everything
    for a in ASSIGNMENTS:
        # a later lecture shows earlier answers in its `given` cells, by design; its own never, nor course/
        own = _squash("\n".join(t for f, t in texts.items() if not f.startswith("release/") or f.startswith(f"release/{a}/")))
        for what, secret in _answers(a):
            # a hidden test's line may also be an ordinary line of another lecture (`_after = np.random.get_state()`
            # is a visible check in 07): hidden tests are looked for in the lecture's own files and the helpers
            assert _squash(secret) not in own, f"{what} is in the tree"
    # what `pip install git+<public repository>` reads: the course package and its data, nothing else
    import tomllib
    project = tomllib.loads((tree / "pyproject.toml").read_text())
    assert project["tool"]["setuptools"]["packages"] == ["course"]
    data = project["tool"]["setuptools"]["package-data"]["course"]
    assert {f for f in files if f.startswith("course/data/")} == {
        f"course/{p.relative_to(tree / 'course').as_posix()}" for g in data for p in (tree / "course").glob(g)}


def test_tree_refuses_the_repository_itself():
    with pytest.raises(ValueError, match="instructor's repository"):
        bundle.write_tree(REPO_ROOT, ASSIGNMENTS)
    with pytest.raises(ValueError, match="instructor's repository"):
        bundle.write_tree(Path(REPO_ROOT).parent, ASSIGNMENTS)
