"""Progress bars that look right wherever the notebook runs.

``progress(iterable, desc="epochs")`` is tqdm's bar: a widget in JupyterLab and Colab when
``ipywidgets`` is installed, plain text otherwise (on standard output, ending at 100 %), never
tqdm's "IProgress not found" warning box. Use it like ``tqdm``::

    from course.progress import progress
    for epoch in progress(range(epochs), desc="epochs"):
        ...
"""
import sys


def bar_class():
    """tqdm's notebook-aware bar where ipywidgets can be imported, else its plain text bar."""
    try:
        import ipywidgets  # noqa: F401  (tqdm.auto needs it for the widget; without it, it warns)
    except ImportError:
        from tqdm.std import tqdm
        return tqdm
    from tqdm.auto import tqdm
    return tqdm


def progress(iterable=None, **kwargs):
    """A progress bar over ``iterable`` (any keyword of tqdm's, e.g. ``desc``, ``total``)."""
    cls = bar_class()
    if cls.__module__ == "tqdm.std":
        kwargs.setdefault("file", sys.stdout)  # stderr would show as a pink box in a notebook
    return cls(iterable, **kwargs)
