# Setup: run this cell first (Shift+Enter), in Jupyter or in Colab. It finds the course's helpers, the
# `course/` folder that came with this notebook, then imports NumPy, Matplotlib and the checks.
import importlib.util, os, subprocess, sys
from pathlib import Path

NOTEBOOK = "{{NOTEBOOK}}"  # in Colab, this notebook's folder in your Google Drive is found by its name


def find_course_folder():
    """The folder holding `course/`: beside or above this notebook; in Colab, this notebook's folder in Drive."""
    for folder in [Path.cwd(), *Path.cwd().parents]:
        if (folder / "course" / "__init__.py").is_file():
            return folder
    if "google.colab" not in sys.modules:
        return None
    from google.colab import drive
    mount = os.environ.get("COURSE_DRIVE_MOUNT", "/content/drive")  # (only the course's own tests change this)
    try:
        drive.mount(mount)  # allow access with the Google account that holds your course folder
    except Exception as err:
        print(f"Google Drive is not connected ({err}), so your course folder there cannot be used.")
        return None
    my_drive = Path(mount) / "MyDrive"
    queue, looked = [my_drive / "Colab Notebooks", my_drive], 0  # breadth first: 5 folders deep, 2000 folders at most
    while queue and looked < 2000:
        folder, looked = queue.pop(0), looked + 1
        if (folder / NOTEBOOK).is_file():
            for up in [folder, *folder.parents][:len(folder.relative_to(my_drive).parts) + 1]:
                if (up / "course" / "__init__.py").is_file():
                    return up
        if len(folder.relative_to(my_drive).parts) < 5:
            try:
                queue += sorted(p for p in folder.iterdir() if p.is_dir() and p != my_drive / "Colab Notebooks")
            except OSError:
                pass
    print(f"No folder with {NOTEBOOK} and course/ found in your Google Drive.")
    return None


folder = find_course_folder()
if folder is not None:
    sys.path.insert(0, str(folder))
    for name in [m for m in sys.modules if m.split(".")[0] == "course"]:
        del sys.modules[name]  # so that this folder wins over a copy imported before
elif importlib.util.find_spec("course") is None and os.environ.get("COURSE_GRADING") != "1":  # (grading never installs)
    print("Installing the course helpers from the course's repository ...")
    pip = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "{{COURSE_PIP_URL}}"], capture_output=True, text=True)
    if pip.returncode != 0:
        print((pip.stderr.strip().splitlines() or ["pip failed"])[-1])
        raise RuntimeError(
            "Could not install the course helpers (no internet connection?): upload the unzipped assignment folder to "
            "My Drive > Colab Notebooks, then run this cell again and allow access to Google Drive."
            if "google.colab" in sys.modules else
            "Could not install the course helpers (no internet connection?): open this notebook from the unzipped "
            "assignment folder, which holds the course/ folder, and run this cell again.")
    importlib.invalidate_caches()
import course

import numpy as np
import matplotlib.pyplot as plt
from course.checks import check, check_close, check_finite, check_gradient, check_shape, check_unchanged

np.set_printoptions(precision=4, suppress=True)
print("course helpers", course.__version__, "loaded from", Path(course.__file__).parent,
      "(the folder with this notebook)" if folder is not None else "(installed package)")
