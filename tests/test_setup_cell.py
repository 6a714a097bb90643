"""The first cell of every lecture finds its helpers, in Jupyter and in an emulated Colab.

Each situation runs the released notebook's setup cell in a fresh Python, as a kernel would (its
working directory on sys.path). Colab is emulated: a stand-in ``google.colab`` whose ``drive.mount``
links a fake My Drive folder at the mount point (``COURSE_DRIVE_MOUNT``, which only these tests set),
cwd a stand-in ``/content``, the course not installed, and a stub ``pip`` that either "installs" the
helpers or fails as without a network. What the cell printed is in each test's assertion message.
"""
import os
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from autograder import bundle
from autograder.cells import find_cell
from autograder.paths import REPO_ROOT
from course import config

from conftest import release_nb

A = "02_softmax"

HARNESS = '''
import os, sys
sys.path[0] = os.getcwd()  # as a kernel started in the notebook's folder
if os.environ.get("HIDE_INSTALLED_COURSE"):  # as in Colab: the course is not installed
    sys.meta_path[:] = [f for f in sys.meta_path if "__editable__" not in str(getattr(f, "__module__", ""))]
if os.environ.get("EMULATE_COLAB"):
    import google.colab  # Colab imports it before any cell runs
source = open(os.environ["SETUP_CELL"]).read()
exec(compile(source, "<setup cell>", "exec"), {"__name__": "__main__"})
'''

FAKE_DRIVE = '''
import os
from pathlib import Path


class MessageError(RuntimeError):
    pass


def mount(mountpoint, force_remount=False):
    if os.environ.get("FAKE_DRIVE_DECLINE"):
        raise MessageError("Error: credential propagation was unsuccessful")
    Path(mountpoint).mkdir(parents=True, exist_ok=True)
    if not (Path(mountpoint) / "MyDrive").exists():
        (Path(mountpoint) / "MyDrive").symlink_to(os.environ["FAKE_DRIVE"])
    print("Mounted at", mountpoint)
'''

STUB_PIP = '''
import os, shutil, sys
with open(os.environ["STUB_PIP_LOG"], "a") as log:
    log.write(" ".join(sys.argv[1:]) + "\\n")
if os.environ.get("STUB_PIP_OFFLINE"):
    sys.stderr.write("ERROR: Could not install: git clone failed: Could not resolve host: github.com\\n")
    sys.exit(1)
shutil.copytree(os.environ["STUB_PIP_COURSE"], os.path.join(os.environ["STUB_PIP_TARGET"], "course"))
'''


@pytest.fixture
def lab(tmp_path):
    """Stand-ins for Colab, pip and a Drive; ``run`` runs the setup cell and returns (exit code, output, pip calls)."""
    stubs = tmp_path / "stubs"
    (stubs / "google" / "colab").mkdir(parents=True)
    (stubs / "google" / "__init__.py").write_text("")
    (stubs / "google" / "colab" / "__init__.py").write_text("from . import drive\n")
    (stubs / "google" / "colab" / "drive.py").write_text(FAKE_DRIVE)
    (stubs / "pip").mkdir()
    (stubs / "pip" / "__init__.py").write_text("")
    (stubs / "pip" / "__main__.py").write_text(STUB_PIP)
    (tmp_path / "harness.py").write_text(HARNESS)
    cell = tmp_path / "setup_cell.py"
    cell.write_text(find_cell(release_nb(A), "setup").source)
    site = tmp_path / "site-packages"
    site.mkdir()
    drive = tmp_path / "MyDrive"
    drive.mkdir()
    content = tmp_path / "content"
    content.mkdir()

    class Lab:
        def __init__(self):
            self.drive, self.content, self.tmp = drive, content, tmp_path

        def run(self, cwd=None, colab=True, offline=False, decline=False, pythonpath=()):
            log = tmp_path / "pip.log"
            log.write_text("")
            env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "COURSE_DRIVE_MOUNT")}
            env.update(SETUP_CELL=str(cell), MPLBACKEND="Agg", STUB_PIP_LOG=str(log), STUB_PIP_TARGET=str(site),
                       STUB_PIP_COURSE=str(REPO_ROOT / "course"),
                       PYTHONPATH=os.pathsep.join([*map(str, pythonpath), str(stubs), str(site)]))
            if colab:
                env.update(EMULATE_COLAB="1", HIDE_INSTALLED_COURSE="1", FAKE_DRIVE=str(drive),
                           COURSE_DRIVE_MOUNT=str(content / "drive"))
            if offline:
                env["STUB_PIP_OFFLINE"] = "1"
            if decline:
                env["FAKE_DRIVE_DECLINE"] = "1"
            done = subprocess.run([sys.executable, str(tmp_path / "harness.py")], cwd=cwd or content, env=env,
                                  capture_output=True, text=True, timeout=300)
            out = (done.stdout + done.stderr).strip()
            print(out)  # what the student would see under the cell (pytest -rP shows it)
            return done.returncode, out, log.read_text().splitlines()

    return Lab()


def unzip_bundle(into):
    path = bundle.write_zip(A, into.parent / "zips")
    with zipfile.ZipFile(path) as zf:
        zf.extractall(into)
    return into / A


def whole_repository(into):
    """The instructor's repository as a student might upload it (what the issue saw students do)."""
    for part in ("course", "release", "source_notebooks"):
        shutil.copytree(REPO_ROOT / part, into / part, ignore=shutil.ignore_patterns("__pycache__"))
    return into


def loaded_from(output):
    line = next((ln for ln in output.splitlines() if ln.startswith("course helpers")), "")
    return line


def test_colab_bundle_uploaded_to_colab_notebooks(lab):
    folder = unzip_bundle(lab.drive / "Colab Notebooks")
    code, out, pip = lab.run()
    assert code == 0 and not pip, out
    assert f"loaded from {lab.content / 'drive' / 'MyDrive' / 'Colab Notebooks' / A / 'course'}" in out, out
    assert "(the folder with this notebook)" in out and folder.exists()


def test_colab_bundle_nested_one_level_deeper(lab):
    unzip_bundle(lab.drive / "Colab Notebooks" / A)  # Windows "Extract All": 02_softmax/02_softmax/
    code, out, pip = lab.run()
    assert code == 0 and not pip, out
    assert f"loaded from {lab.content / 'drive' / 'MyDrive' / 'Colab Notebooks' / A / A / 'course'}" in out, out


def test_colab_bundle_uploaded_elsewhere_in_my_drive(lab):
    (lab.drive / "Colab Notebooks" / "other course").mkdir(parents=True)
    unzip_bundle(lab.drive / "University" / "Neural networks")
    code, out, pip = lab.run()
    assert code == 0 and not pip, out
    assert f"loaded from {lab.content / 'drive' / 'MyDrive' / 'University' / 'Neural networks' / A / 'course'}" in out, out


def test_colab_whole_repository_uploaded(lab):
    whole_repository(lab.drive / "Colab Notebooks" / "course-main" / "course-main")
    code, out, pip = lab.run()
    assert code == 0 and not pip, out
    assert f"{Path('Colab Notebooks') / 'course-main' / 'course-main' / 'course'} (the folder" in out, out


def test_colab_from_the_badge_with_an_empty_drive_installs_the_helpers(lab):
    code, out, pip = lab.run()
    assert code == 0, out
    assert f"No folder with {A}.ipynb and course/ found in your Google Drive." in out
    assert pip == [f"install -q {config.pip_url()}"], pip
    assert f"loaded from {lab.tmp / 'site-packages' / 'course'} (installed package)" in out, out


def test_colab_authorisation_declined_falls_back_to_installing(lab):
    unzip_bundle(lab.drive / "Colab Notebooks")
    code, out, pip = lab.run(decline=True)
    assert code == 0, out
    assert "Google Drive is not connected (Error: credential propagation was unsuccessful)" in out, out
    assert pip and "(installed package)" in out, out


def test_colab_declined_and_offline_ends_in_one_sentence_saying_what_to_do(lab):
    code, out, pip = lab.run(decline=True, offline=True)
    assert code != 0 and pip
    assert "Could not resolve host" in out
    assert out.splitlines()[-1] == (
        "RuntimeError: Could not install the course helpers (no internet connection?): upload the unzipped assignment "
        "folder to My Drive > Colab Notebooks, then run this cell again and allow access to Google Drive."), out


def test_colab_folder_not_found_and_offline(lab):
    (lab.drive / "Colab Notebooks" / "something else").mkdir(parents=True)
    code, out, _ = lab.run(offline=True)
    assert code != 0
    assert f"No folder with {A}.ipynb and course/ found in your Google Drive." in out
    assert out.splitlines()[-1].startswith("RuntimeError: Could not install the course helpers"), out


def test_colab_drive_search_is_bounded(lab):
    """A large Drive is not walked: a copy 7 folders deep is not found, and the cell says so."""
    deep = lab.drive / "a" / "b" / "c" / "d" / "e" / "f"
    unzip_bundle(deep)
    code, out, pip = lab.run()
    assert "No folder with" in out and pip, out


def test_jupyter_folder_above_the_notebook_wins_over_an_installed_foreign_copy(lab, tmp_path):
    foreign = tmp_path / "foreign"
    (foreign / "course").mkdir(parents=True)
    (foreign / "course" / "__init__.py").write_text("__version__ = '0.0-foreign'\nraise ImportError('stale copy')\n")
    repo = whole_repository(tmp_path / "checkout")
    code, out, pip = lab.run(cwd=repo / "release" / A, colab=False, pythonpath=[foreign])
    assert code == 0 and not pip, out
    assert f"loaded from {repo / 'course'} (the folder with this notebook)" in out, out


def test_jupyter_bundle_with_a_foreign_copy_imported_before(lab, tmp_path):
    """A kernel that had imported a foreign copy (say, an earlier run) switches to the folder beside the notebook."""
    foreign = tmp_path / "foreign"
    (foreign / "course").mkdir(parents=True)
    (foreign / "course" / "__init__.py").write_text("__version__ = '0.0-foreign'\n")
    folder = unzip_bundle(tmp_path / "Downloads")
    (tmp_path / "harness.py").write_text(HARNESS.replace("source = open", "sys.path.insert(0, %r); import course\nsource = open" % str(foreign)))
    code, out, _ = lab.run(cwd=folder, colab=False)
    assert code == 0, out
    assert f"course helpers 0.1.0 loaded from {folder / 'course'}" in out, out


def test_jupyter_nothing_found_and_offline(lab, tmp_path):
    lonely = tmp_path / "Downloads"
    lonely.mkdir()
    env_hide = textwrap.dedent(HARNESS).replace('os.environ.get("HIDE_INSTALLED_COURSE")', "True")
    (tmp_path / "harness.py").write_text(env_hide)
    code, out, pip = lab.run(cwd=lonely, colab=False, offline=True)
    assert code != 0 and pip
    assert out.splitlines()[-1] == (
        "RuntimeError: Could not install the course helpers (no internet connection?): open this notebook from the "
        "unzipped assignment folder, which holds the course/ folder, and run this cell again."), out
