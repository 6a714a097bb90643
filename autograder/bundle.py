"""``bundle``: what students get, and nothing else.

* ``bundle A ...`` writes ``<A>.zip`` per assignment: one folder ``<A>/`` with the student notebook
  (from ``release/``), the ``course`` helpers with the offline data, and a short README. The student
  unzips it and opens the notebook in JupyterLab, or uploads the folder to Google Drive for Colab;
  either way the notebook's first cell finds ``course/`` beside it.
* ``bundle --tree DIR`` writes the student-facing public tree: ``release/``, ``course/``, a
  ``pyproject.toml`` (so that ``pip install git+<public repository>`` installs the helpers) and a
  README. Publish it as the repository ``COURSE_REPO`` in ``course/config.py`` names; the
  instructor's repository, with ``source_notebooks/`` (every solution and hidden test) and
  ``tests/catalogue/``, stays private.

Only files of the release and the ``course`` package go in; ``check`` refuses a bundle that holds
a solution or hidden-test marker, a source notebook or a lecture text.
"""
import shutil
import zipfile
from pathlib import Path

from course import __version__, config as course_config

from .paths import RELEASE_DIR, REPO_ROOT, notebook_name

COURSE_DIR = REPO_ROOT / "course"
FORBIDDEN = ("### BEGIN SOLUTION", "### END SOLUTION", "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")

STUDENT_README = """\
# {title}

This folder holds the notebook `{notebook}` and the course's helper package `course/`
(plots, checks, the MNIST subset the notebook uses offline). Keep them together: the notebook's
first cell finds `course/` beside it.

## In Google Colab (nothing to install)

1. Unzip this file on your computer.
2. In Google Drive, open *My Drive > Colab Notebooks* and upload the unzipped folder `{folder}`
   with *New > Folder upload* (the folder, not the zip; a folder one level deeper or elsewhere in
   My Drive is found too).
3. In Drive, open `{folder}`, double-click `{notebook}` and choose *Open with > Google Colaboratory*.
4. Run the first code cell (Shift+Enter) and allow access to Google Drive with the account you
   uploaded the folder with. It prints `course helpers ... loaded from ...`.
5. Work through the notebook. Save with Ctrl+S (Cmd+S on a Mac).
6. Hand in: *File > Download > Download .ipynb*, then upload that file on the course's LMS.

## In JupyterLab, on your own computer

1. Once: `pip install {requirements}`
2. Unzip this file, run `jupyter lab` in the unzipped folder `{folder}` and open `{notebook}`.
3. Run the cells in order; before handing in, *Kernel > Restart Kernel and Run All Cells*.
4. Hand in `{notebook}` on the course's LMS.
"""

TREE_README = """\
# Neural networks from scratch, in NumPy: student notebooks

Lecture notebooks that build a neural network one idea at a time. Each notebook has text, plots,
cells you fill in and checks that tell you what is wrong.

| lecture | notebook |
|---|---|
{rows}

## In Google Colab

Click a notebook's *Open in Colab* badge (its first cell installs the helpers from this
repository), or download this repository as a zip, unzip it, upload the folder to
*My Drive > Colab Notebooks*, open a notebook under `release/` with Google Colaboratory, run the
first cell and allow access to Google Drive. Save, then *File > Download > Download .ipynb* and hand
that file in.

## In JupyterLab

    pip install {requirements}
    jupyter lab

then open a notebook under `release/`; its first cell finds `course/` in the folder above it.
"""

STUDENT_REQUIREMENTS = "jupyterlab ipywidgets numpy matplotlib tqdm"

PYPROJECT = """\
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "nn-course"
version = "{version}"
description = "Helpers for the neural-networks-from-scratch course notebooks"
requires-python = ">=3.9"
dependencies = ["numpy", "matplotlib", "tqdm"]

[tool.setuptools]
packages = ["course"]

[tool.setuptools.package-data]
course = ["data/*.npz", "data/*.md"]
"""


def course_files():
    """(path in the bundle, file) of the ``course`` package and its data, caches left out."""
    return sorted((Path("course") / p.relative_to(COURSE_DIR), p) for p in COURSE_DIR.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts and p.suffix in (".py", ".npz", ".md"))


def release_files(assignment, release_dir=RELEASE_DIR):
    """(path in the bundle, file) of an assignment's release: its notebook (and any file released with it)."""
    folder = Path(release_dir) / assignment
    if not (folder / notebook_name(assignment)).exists():
        raise FileNotFoundError(f"{folder / notebook_name(assignment)} is missing: run `python -m autograder release`")
    return sorted((p.relative_to(folder), p) for p in folder.rglob("*")
                  if p.is_file() and ".ipynb_checkpoints" not in p.parts)


def _title(assignment):
    number, _, name = assignment.partition("_")
    return f"Lecture {number}: {name.replace('_', ' ')}"


def check(entries):
    """Raise ValueError if any (name, bytes) of a bundle is a source, a lecture text or holds an answer marker."""
    for name, data in entries:
        parts = Path(name).parts
        if "source_notebooks" in parts or "tests" in parts or "autograder" in parts:
            raise ValueError(f"{name}: instructor files never go into a student bundle")
        if name.endswith(".py") and "course" not in parts:
            raise ValueError(f"{name}: a lecture text (answers, hidden tests) never goes into a student bundle")
        text = data.decode("utf-8", errors="ignore")
        for marker in FORBIDDEN:
            if marker in text:
                raise ValueError(f"{name} holds {marker!r}: a solution or hidden test would leak")


def assignment_entries(assignment, release_dir=RELEASE_DIR):
    """(name in the zip, bytes) of one assignment's bundle, all under ``<A>/``."""
    nb = notebook_name(assignment)
    readme = STUDENT_README.format(title=_title(assignment), notebook=nb, folder=assignment,
                                   requirements=STUDENT_REQUIREMENTS)
    entries = [(f"{assignment}/README.md", readme.encode())]
    entries += [(f"{assignment}/{rel.as_posix()}", f.read_bytes()) for rel, f in release_files(assignment, release_dir)]
    entries += [(f"{assignment}/{rel.as_posix()}", f.read_bytes()) for rel, f in course_files()]
    check(entries)
    return entries


def write_zip(assignment, out_dir, release_dir=RELEASE_DIR):
    """Write ``out_dir/<A>.zip`` and return its path."""
    out = Path(out_dir) / f"{assignment}.zip"
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in assignment_entries(assignment, release_dir):
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))  # same content, same bytes
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    return out


def write_tree(out_dir, assignments, release_dir=RELEASE_DIR):
    """Write the student-facing public tree into ``out_dir`` (replacing what was there); returns its path."""
    out = Path(out_dir)
    if out.resolve() in (REPO_ROOT, *REPO_ROOT.parents):
        raise ValueError(f"{out} is the instructor's repository or a folder above it; give a new folder for the public tree")
    rows = "\n".join(f"| {a.split('_')[0]} | [`release/{a}/{notebook_name(a)}`](release/{a}/{notebook_name(a)}) "
                     f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
                     f"({course_config.colab_url(f'release/{a}/{notebook_name(a)}')}) |" for a in assignments)
    entries = [("README.md", TREE_README.format(rows=rows, requirements=STUDENT_REQUIREMENTS).encode()),
               ("pyproject.toml", PYPROJECT.format(version=__version__).encode()),
               ("requirements.txt", "\n".join(STUDENT_REQUIREMENTS.split()).encode() + b"\n")]
    for a in assignments:
        entries += [(f"release/{a}/{rel.as_posix()}", f.read_bytes()) for rel, f in release_files(a, release_dir)]
    entries += [(rel.as_posix(), f.read_bytes()) for rel, f in course_files()]
    check(entries)
    for sub in ("release", "course"):
        shutil.rmtree(out / sub, ignore_errors=True)
    for name, data in entries:
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(data)
    return out
