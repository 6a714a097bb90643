"""Numerical gradients by centred differences, used to check analytic ones.

Lecture 03 asks you to write ``numerical_gradient`` yourself; until then the
notebooks use this one.
"""
import numpy as np


def eval_numerical_gradient(f, x, h=1e-5):
    """Gradient of the scalar function ``f(x)`` at ``x``, one coordinate at a time.

    df/dx_i ~ (f(x + h e_i) - f(x - h e_i)) / (2h). ``x`` is modified while
    probing and restored exactly before returning.
    """
    x = np.asarray(x)
    grad = np.zeros(x.shape, dtype=np.float64)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + h
        f_plus = float(f(x))
        x[i] = old - h
        f_minus = float(f(x))
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def rel_error(a, b):
    """Largest relative difference between two arrays: max |a-b| / max(1e-8, |a|+|b|)."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))
