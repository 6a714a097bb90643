"""Where the course lives. Change ``COURSE_REPO`` here and run
``python -m autograder release``: every release notebook's "Open in Colab"
link and its Colab install line are stamped from these two values.

``COURSE_REPO`` is the public student repository, the tree ``python -m autograder bundle --tree``
writes (release notebooks, these helpers, no solutions); the instructor's repository, with
``source_notebooks/``, stays private."""

COURSE_REPO = "nn-from-scratch/course"
COURSE_BRANCH = "main"


def colab_url(notebook_path):
    """The "Open in Colab" address of a notebook, given its path in the repository."""
    return (f"https://colab.research.google.com/github/{COURSE_REPO}"
            f"/blob/{COURSE_BRANCH}/{notebook_path}")


def pip_url():
    """What ``pip install`` takes to install the course helpers from the repository."""
    return f"git+https://github.com/{COURSE_REPO}@{COURSE_BRANCH}"
