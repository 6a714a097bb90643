"""Checks the notebooks run on your functions.

Each check raises an ``AssertionError`` whose message says what is wrong in
the terms of the exercise and shows the shapes involved. ``show_expected``
controls whether the expected value is printed: the visible checks in a
notebook show it, so you can compare; hidden tests never do.
"""
import inspect
import warnings

import numpy as np


def _fmt(a):
    return np.array2string(np.asarray(a), precision=4, suppress_small=True, max_line_width=100)


def check(condition, message):
    """Fail with ``message`` unless ``condition`` holds."""
    if not condition:
        raise AssertionError(message)


def _as_array(value, what):
    check(value is not None, f"{what} is None: did you forget a `return`?")
    try:
        raw = np.asarray(value)
    except (TypeError, ValueError):  # ragged nested lists, objects NumPy cannot hold
        raise AssertionError(f"{what} should be a NumPy array of numbers, got {type(value).__name__}") from None
    # Only real numbers count: converting a complex array to float64 would silently drop its imaginary
    # part, and an object or string array would be converted element by element.
    check(raw.dtype.kind != "c", f"{what} holds complex numbers ({raw.dtype}); it should hold real numbers. "
          "Complex values usually come from a square root or power of a negative number.")
    check(raw.dtype.kind in "biuf", f"{what} should be a NumPy array of real numbers; "
          f"got {type(value).__name__} with dtype {raw.dtype}")
    return raw.astype(np.float64)


def _shaped(value, shape, what):
    arr = _as_array(value, what)
    check(arr.shape == tuple(shape),
          f"{what} has shape {arr.shape}; it should have shape {tuple(shape)}.")
    return arr


def _scalar(value, what):
    arr = _as_array(value, what)
    check(arr.size == 1, f"{what} should be a single number; got an array of shape {arr.shape}.")
    return float(arr.reshape(()))


# The public checks return None on purpose: nbgrader would read a number
# shown as a test cell's last output as partial credit.

def check_shape(value, shape, what):
    """``value`` must have exactly ``shape``."""
    _shaped(value, shape, what)


def check_finite(value, what, hint=""):
    """No NaN or infinity anywhere in ``value``."""
    arr = _as_array(value, what)
    bad = ~np.isfinite(arr)
    if bad.any():
        kind = "NaN" if np.isnan(arr).any() else "infinity"
        raise AssertionError(f"{what} contains {kind} ({int(bad.sum())} of {arr.size} entries)."
                             + (f" {hint}" if hint else ""))


def check_scalar(value, what):
    """``value`` must be a single number (a float or a 0-d array)."""
    _scalar(value, what)


def check_close(actual, expected, what, hint="", rtol=1e-6, atol=1e-8, show_expected=True):
    """``actual`` must match ``expected`` in shape and, within tolerances, in value."""
    expected = np.asarray(expected, dtype=np.float64)
    arr = _shaped(actual, expected.shape, what) if expected.ndim else np.asarray(_scalar(actual, what))
    if np.allclose(arr, expected, rtol=rtol, atol=atol, equal_nan=False):
        return
    message = f"{what} is not right"
    if show_expected:
        message += f":\n  yours:    {_fmt(arr)}\n  expected: {_fmt(expected)}"
    else:
        message += f" (largest difference {np.max(np.abs(arr - expected)):.3g})."
    raise AssertionError(message + (f"\n{hint}" if hint else ""))


def check_unchanged(before, after, what):
    """An input the function must not modify in place."""
    check(np.array_equal(before, after),
          f"{what} was modified by your function. Work on a copy "
          "(for example `x = x - m` instead of `x -= m`) so the caller's array is left alone.")


def check_gradient(f, x, analytic, what, h=1e-5, tol=1e-6, hint="Check each step of your derivation, including the 1/N of the mean."):
    """Compare an analytic gradient of the scalar function ``f`` at ``x`` with centred differences.

    A failure names the worst entry (its index, your value, the numerical one) and the relative error,
    as CS231n's gradient check prints them.

    The differences are taken here, inside the check, and never handed out: lecture 03 asks you to write them
    yourself (``numerical_gradient`` and ``relative_error``), so no helper of the course returns them.
    """
    analytic = _shaped(analytic, np.shape(x), what)
    probe = np.array(x, dtype=np.float64)           # a copy: the caller's x is never touched
    numeric = np.zeros(probe.shape)
    for index in np.ndindex(probe.shape):
        centre = probe[index]
        probe[index] = centre + h
        above = float(f(probe))
        probe[index] = centre - h
        below = float(f(probe))
        probe[index] = centre
        numeric[index] = (above - below) / (2 * h)
    rel = np.abs(analytic - numeric) / np.maximum(1e-8, np.abs(analytic) + np.abs(numeric))
    err = float(np.max(rel)) if rel.size else 0.0
    if err < tol:
        return
    worst = np.unravel_index(int(np.argmax(rel)), rel.shape)
    where = f" at index {tuple(int(i) for i in worst)}" if rel.ndim else ""
    raise AssertionError(f"{what} disagrees with the numerical gradient: relative error {err:.2e} (it should be below "
                         f"{tol:.0e}). The worst entry is{where}: yours {analytic[worst]:.6g}, numerical "
                         f"{numeric[worst]:.6g}." + (f" {hint}" if hint else ""))


# Helpers the test cells use to run your function.

def _argument_names(fn, args, kwargs):
    """(name, value) of every argument, named as in ``fn``'s signature where it can be read."""
    if not (inspect.isfunction(fn) or inspect.ismethod(fn) or inspect.isclass(fn)):
        return [(f"number {i + 1}", a) for i, a in enumerate(args)] + list(kwargs.items())
    try:
        signature = inspect.signature(fn)
        if all(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
               for p in signature.parameters.values()):
            return list(signature.bind_partial(*args, **kwargs).arguments.items())
    except (TypeError, ValueError):  # no readable signature, or arguments it does not take: the call will say so
        pass
    return [(f"number {i + 1}", a) for i, a in enumerate(args)] + list(kwargs.items())


def _same_values(now, before):
    """Unchanged, up to the rounding of an entry put back by arithmetic (x + h - 2h + h)."""
    if np.array_equal(now, before, equal_nan=True):
        return True
    return (np.issubdtype(now.dtype, np.floating) and now.dtype == before.dtype
            and bool(np.allclose(now, before, rtol=1e-12, atol=1e-12, equal_nan=True)))


def call(what, fn, *args, n_out=None, hint="", **kwargs):
    """``fn(*args, **kwargs)``; fail in one plain sentence if it crashes, does not return a tuple of
    ``n_out`` values, or changes an array it was given."""
    before = [(name, value, value.copy()) for name, value in _argument_names(fn, args, kwargs)
              if isinstance(value, np.ndarray)]
    try:
        result = fn(*args, **kwargs)
    except Exception as err:
        raise AssertionError(f"{what} stopped with {type(err).__name__}: {err}" + (f"\n{hint}" if hint else "")) from None
    for name, value, copy in before:
        check(value.shape == copy.shape and _same_values(value, copy),
              f"{what} changed its argument {name if name.startswith('number') else f'`{name}`'} in place. "
              "Work on a copy (for example `x = x - m` "
              "instead of `x -= m`, or `x.copy()`), so the caller's array is left alone.")
    if n_out is not None:
        check(isinstance(result, (tuple, list)) and len(result) == n_out,
              f"{what} should return {n_out} values as a tuple; it returned {type(result).__name__}"
              + (f" of {len(result)}" if isinstance(result, (tuple, list)) else "") + ".")
    return result


def without_warnings(what, hint, fn, *args):
    """``fn(*args)`` with NumPy's overflow, invalid-value and divide-by-zero warnings turned into failures."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            try:
                return fn(*args)
            except (FloatingPointError, RuntimeWarning, OverflowError) as exc:
                raise AssertionError(f"{what} raised a warning: {exc}. {hint}") from None
