"""Progress bars in a notebook with and without ipywidgets; JupyterLab's own save changes no released notebook."""
import re
import shutil
import sys

import nbformat
import pytest
from nbclient import NotebookClient

from autograder.cells import NOTEBOOK_METADATA
from autograder.paths import RELEASE_DIR, REPO_ROOT, SOURCE_DIR

from conftest import ASSIGNMENTS

LOOP = '''from course.progress import progress
total = 0
for i in progress(range(40), desc="epochs"):
    total += i
print("done", total)'''


def run_cells(*sources, tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    return nb.cells[-1].outputs


def shown_text(outputs, stream):
    """What a notebook shows of a stream: each line after its last carriage return."""
    text = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream" and o["name"] == stream)
    return [line.rsplit("\r", 1)[-1] for line in text.split("\n")]


def test_without_ipywidgets_plain_text_that_ends_at_100_percent_and_no_warning(tmp_path):
    outputs = run_cells(f"import sys; sys.path.insert(0, {str(REPO_ROOT)!r}); sys.modules['ipywidgets'] = None",
                        LOOP, tmp_path=tmp_path)
    assert not [o for o in outputs if o.get("name") == "stderr"], "nothing on stderr: no pink box"
    assert not [o for o in outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    lines = shown_text(outputs, "stdout")
    assert any(re.match(r"epochs: 100%\|█+\| 40/40", line) for line in lines), lines
    assert "done 780" in lines


def test_with_ipywidgets_a_widget(tmp_path):
    pytest.importorskip("ipywidgets")
    outputs = run_cells(f"import sys; sys.path.insert(0, {str(REPO_ROOT)!r})", LOOP, tmp_path=tmp_path)
    assert [o for o in outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})], outputs
    assert not [o for o in outputs if o.get("name") == "stderr" and "IProgress" in o.get("text", "")]


def test_outside_a_notebook_plain_text(capsys):
    from course.progress import progress
    assert list(progress(range(3), desc="x", file=sys.stdout)) == [0, 1, 2]
    assert "x: 100%" in capsys.readouterr().out


def test_lectures_use_the_course_progress_helper():
    for text in sorted(SOURCE_DIR.glob("*/*.py")):
        found = re.findall(r"^\s*(?:from tqdm\S* import|import tqdm).*$", text.read_text(), re.M)
        assert not found, f"{text.name}: {found[0].strip()!r}: use `from course.progress import progress` (no warning box)"


def _what_jupyterlab_writes(tmp_path, released):
    """Open and save the notebook the way JupyterLab does: the running kernel's kernelspec and language_info go
    into the metadata, and jupyter_server's contents manager writes the file."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import start_new_kernel
    from jupyter_server.services.contents.filemanager import FileContentsManager

    km, kc = start_new_kernel(kernel_name="python3")
    try:
        reply = kc.kernel_info(reply=True)["content"]
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    spec = KernelSpecManager().get_kernel_spec("python3")
    shutil.copy(released, tmp_path / released.name)
    cm = FileContentsManager(root_dir=str(tmp_path))
    model = cm.get(released.name, content=True, type="notebook")
    model["content"]["metadata"]["kernelspec"] = {"display_name": spec.display_name, "language": spec.language,
                                                  "name": "python3"}
    model["content"]["metadata"]["language_info"] = reply["language_info"]
    cm.save({"type": "notebook", "format": "json", "content": model["content"]}, released.name)
    return (tmp_path / released.name).read_bytes(), reply["language_info"]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_saving_a_released_notebook_in_jupyterlab_changes_nothing(assignment, tmp_path):
    released = RELEASE_DIR / assignment / f"{assignment}.ipynb"
    saved, language_info = _what_jupyterlab_writes(tmp_path, released)
    if language_info["version"] != NOTEBOOK_METADATA["language_info"]["version"]:
        pytest.skip(f"this kernel is Python {language_info['version']}; the release is stamped for the course's "
                    f"{NOTEBOOK_METADATA['language_info']['version']}, whose kernel writes it byte for byte")
    assert saved == released.read_bytes()
