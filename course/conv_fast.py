"""Fast backward passes for convolution and max pooling (lecture 08 onwards).

Lecture 08 asks you to write the convolution forward pass twice: with four
loops (``conv_forward_naive``) and as one matrix product over the columns
that ``im2col`` makes (``conv_forward_im2col``). The backward passes of that
fast path are no exercise, so they live here:

* ``col2im(cols, x_shape, HH, WW, stride, pad)`` is the adjoint of ``im2col``:
  it adds every entry of a ``(C*HH*WW, N*H_out*W_out)`` array back onto the
  pixel it was copied from (a pixel inside several windows gets the sum).
* ``conv_backward_im2col(dout, cache)`` reads the cache of
  ``conv_forward_im2col``, ``(x, w, b, conv_param, cols)``, and returns
  ``(dx, dw, db)``.
* ``max_pool_forward_fast`` / ``max_pool_backward_fast`` pool with strided
  slices instead of loops, for windows that do not overlap
  (``stride >= pool_height, pool_width``, the usual 2x2 / stride 2).

The column layout is the course's: row ``(c*HH + i)*WW + j``, column
``(n*H_out + y)*W_out + x``. Every function keeps the dtype of its inputs, so
a network in float32 stays in float32.

Speed. ``conv_forward_im2col`` returns ``(N, F, H_out, W_out)`` as a transposed
view of its ``(F, N*H_out*W_out)`` product, so in memory the channels come
first. These functions keep that order instead of copying it back: pooling
takes the maximum of strided slices into an array laid out like its input,
and ``col2im`` sums channels first and returns the ``(N, C, H, W)`` view. The
shapes are the usual ones; only ``np.ascontiguousarray`` would show the
difference. ``python scripts/benchmark_cnn.py`` times a training step against
PyTorch and shows where the time goes.
"""
import numpy as np


def _out_size(size, k, stride, pad):
    return (size + 2 * pad - k) // stride + 1


def col2im(cols, x_shape, HH, WW, stride, pad):
    """Add the columns of ``cols`` back onto an array of shape ``x_shape`` (the adjoint of im2col)."""
    N, C, H, W = x_shape
    Ho, Wo = _out_size(H, HH, stride, pad), _out_size(W, WW, stride, pad)
    cols = np.asarray(cols)
    if cols.shape != (C * HH * WW, N * Ho * Wo):
        raise ValueError(f"cols has shape {cols.shape}; for x of shape {tuple(x_shape)} and a {HH}x{WW} kernel "
                         f"it should be {(C * HH * WW, N * Ho * Wo)}")
    # Summed in the columns' own order, channels first: (C, N, H, W). blocks[:, i, j] is then read in memory order and each
    # += walks both arrays forwards; the result is handed back as the (N, C, H, W) view of that array (no copy).
    dx_pad = np.zeros((C, N, H + 2 * pad, W + 2 * pad), dtype=cols.dtype)
    blocks = cols.reshape(C, HH, WW, N, Ho, Wo)
    # one strided slice per kernel position (i, j): the pixels that position touched, in every window at once
    for i in range(HH):
        for j in range(WW):
            dx_pad[:, :, i:i + stride * (Ho - 1) + 1:stride, j:j + stride * (Wo - 1) + 1:stride] += blocks[:, i, j]
    return dx_pad[:, :, pad:pad + H, pad:pad + W].transpose(1, 0, 2, 3)


def conv_backward_im2col(dout, cache):
    """Backward pass of ``conv_forward_im2col``.

    dout: (N, F, H_out, W_out); cache: (x, w, b, conv_param, cols).
    Returns (dx, dw, db) with the shapes of x, w and b.
    """
    x, w, b, conv_param, cols = cache
    F, C, HH, WW = w.shape
    dout_rows = dout.transpose(1, 0, 2, 3).reshape(F, -1)   # (F, N*H_out*W_out), the columns' order
    db = dout_rows.sum(axis=1)
    dw = (dout_rows @ cols.T).reshape(w.shape)
    dcols = w.reshape(F, -1).T @ dout_rows                   # (C*HH*WW, N*H_out*W_out)
    dx = col2im(dcols, x.shape, HH, WW, conv_param["stride"], conv_param["pad"])
    return dx, dw, db


def _pool_sizes(x_shape, pool_param):
    ph, pw, s = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    if s < ph or s < pw:
        raise ValueError("the fast pooling handles windows that do not overlap (stride >= pool size); "
                         "use max_pool_forward_naive for overlapping windows")
    H, W = x_shape[2:]
    return ph, pw, s, (H - ph) // s + 1, (W - pw) // s + 1


def _window_slice(i, j, s, Ho, Wo):
    """Pixel (i, j) of every window at once."""
    return (slice(None), slice(None), slice(i, i + s * (Ho - 1) + 1, s), slice(j, j + s * (Wo - 1) + 1, s))


def max_pool_forward_fast(x, pool_param):
    """Max pooling of x (N, C, H, W) for non-overlapping windows; returns (out, cache) with cache = (x, out, pool_param)."""
    ph, pw, s, Ho, Wo = _pool_sizes(x.shape, pool_param)
    pixels = [x[_window_slice(i, j, s, Ho, Wo)] for i in range(ph) for j in range(pw)]
    if len(pixels) == 1:
        out = pixels[0].copy(order="K")
        return out, (x, out, pool_param)
    out = np.maximum(pixels[0], pixels[1])     # a new array in the memory order of x: no transposing copy
    for more in pixels[2:]:
        np.maximum(out, more, out=out)
    return out, (x, out, pool_param)


def max_pool_backward_fast(dout, cache):
    """Backward pass of ``max_pool_forward_fast``: each window's gradient goes to its (first) maximum."""
    x, out, pool_param = cache
    ph, pw, s, Ho, Wo = _pool_sizes(x.shape, pool_param)
    dtype = np.result_type(x, dout)
    H, W = x.shape[2:]
    if ph == pw == s and H == s * Ho and W == s * Wo:
        dx = np.empty_like(x, dtype=dtype)    # the windows tile x exactly: every pixel is written below
    else:
        dx = np.zeros_like(x, dtype=dtype)    # pixels outside every window (or between windows) get 0
    unclaimed = np.ones_like(out, dtype=bool)   # windows whose maximum has not been found yet (memory order of out)
    first_max = np.empty_like(out, dtype=bool)
    for i in range(ph):
        for j in range(pw):
            where = _window_slice(i, j, s, Ho, Wo)
            np.equal(x[where], out, out=first_max)
            first_max &= unclaimed
            np.multiply(dout, first_max, out=dx[where])   # straight into dx's pixels: no temporary of the window's size
            unclaimed &= ~first_max
    return dx
