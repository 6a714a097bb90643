"""Helpers shared by the course notebooks.

Everything here imports only NumPy, matplotlib and tqdm, so it runs unchanged in
Google Colab. The functions students write themselves live in the notebooks,
never here.
"""

__version__ = "0.1.0"

from . import boundaries, checks, data, examples, gradcheck, graphs, images, plots, progress, runtime  # noqa: E402,F401  (so `course.plots` works after `import course`)
