"""Fast backward passes for convolution and max pooling (lecture 08 onwards).

Lecture 08 asks you to write the convolution forward pass twice: with four
loops (``conv_forward_naive``) and as one matrix product over the columns
that ``im2col`` makes (``conv_forward_im2col``). The backward passes of that
fast path are no exercise, so they live here:

* ``col2im(cols, x_shape, HH, WW, stride, pad)`` is the adjoint of ``im2col``:
  it adds every entry of a ``(C*HH*WW, N*H_out*W_out)`` array back onto the
  pixel it was copied from (a pixel inside several windows gets the sum).
* ``conv_backward_im2col(dout, cache, input_grad=True)`` reads the cache of
  ``conv_forward_im2col``, ``(x, w, b, conv_param, cols)``, and returns
  ``(dx, dw, db)`` (``dx`` is None with ``input_grad=False``: a network's
  first layer needs no gradient for its images).
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
difference. For stride 1 and short rows the backward pass makes ``dcols`` over
full padded rows, so that col2im adds long contiguous runs instead of rows of
``W_out`` numbers. ``scripts/benchmark_cnn.py`` (in the instructors' repository) times a training step against
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


def _col2im_full_rows(cols, x_shape, HH, WW, pad):
    """col2im for stride 1 when ``cols`` has a column for every position of a full padded row (``W + 2*pad`` of them)
    instead of only the ``W_out`` valid ones, the extra columns being 0.

    A window that starts at (y, x) then sits at offset ``y*Wp + x`` of both the image plane (rows of Wp pixels) and its
    column block, so the kernel position (i, j) adds one long contiguous run onto the plane shifted by ``i*Wp + j``
    (``Ho*Wp`` numbers at a time instead of rows of ``W_out``). The zero columns add nothing wherever they land. The
    plane gets ``WW`` spare numbers at the end so the last shift stays inside it.
    """
    N, C, H, W = x_shape
    Hp, Wp = H + 2 * pad, W + 2 * pad
    Ho = Hp - HH + 1
    blocks = cols.reshape(C, HH, WW, N, Ho * Wp)
    planes = np.zeros((C, N, Hp * Wp + WW), dtype=cols.dtype)
    for i in range(HH):
        for j in range(WW):
            start = i * Wp + j
            planes[:, :, start:start + Ho * Wp] += blocks[:, i, j]
    dx_pad = planes[:, :, :Hp * Wp].reshape(C, N, Hp, Wp)
    return dx_pad[:, :, pad:pad + H, pad:pad + W].transpose(1, 0, 2, 3)


def conv_backward_im2col(dout, cache, input_grad=True):
    """Backward pass of ``conv_forward_im2col``.

    dout: (N, F, H_out, W_out); cache: (x, w, b, conv_param, cols).
    Returns (dx, dw, db) with the shapes of x, w and b. ``input_grad=False`` skips dx (returned as None): the first
    layer of a network needs no gradient for the images, and PyTorch skips it there too.
    """
    x, w, b, conv_param, cols = cache
    F, C, HH, WW = w.shape
    stride, pad = conv_param["stride"], conv_param["pad"]
    dout_rows = dout.transpose(1, 0, 2, 3).reshape(F, -1)   # (F, N*H_out*W_out), the columns' order
    db = dout_rows.sum(axis=1)
    dw = (cols @ dout_rows.T).T.reshape(w.shape)            # = dout_rows @ cols.T; BLAS is faster this way round
    if not input_grad:
        return None, dw, db
    N, _, Ho, Wo = dout.shape
    Wp = x.shape[3] + 2 * pad
    if stride == 1 and Wo < min(Wp, 16):
        # short rows: dout widened to full padded rows with zeros, so that col2im adds long runs (see _col2im_full_rows);
        # the wider product costs Wp/W_out more multiplications, less than col2im saves on rows of fewer than 16 numbers
        wide = np.zeros((F, N, Ho, Wp), dtype=dout.dtype)
        wide[..., :Wo] = dout.transpose(1, 0, 2, 3)
        dcols = w.reshape(F, -1).T @ wide.reshape(F, -1)      # (C*HH*WW, N*H_out*Wp)
        return _col2im_full_rows(dcols, x.shape, HH, WW, pad), dw, db
    dcols = w.reshape(F, -1).T @ dout_rows                   # (C*HH*WW, N*H_out*W_out)
    return col2im(dcols, x.shape, HH, WW, stride, pad), dw, db


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
    """Max pooling of x (N, C, H, W) for non-overlapping windows; returns (out, cache).

    The maximum is taken over the window's rows first (whole rows of x at a time: long runs of memory), then over the
    columns of that smaller array, which is cheaper than the maximum of the window's pixels taken one at a time.
    The cache says which pixel of each window is its first maximum (in reading order, as np.argmax would pick it among
    finite numbers; a window holding NaN sends its gradient to its last pixel): found here, while x is still in the
    processor's cache, the backward pass need not read x again.
    """
    ph, pw, s, Ho, Wo = _pool_sizes(x.shape, pool_param)
    rows = [x[:, :, i:i + s * (Ho - 1) + 1:s, :] for i in range(ph)]
    best = rows[0] if ph == 1 else np.maximum(rows[0], rows[1])   # a new array in the memory order of x
    for more in rows[2:]:
        np.maximum(best, more, out=best)
    cols = [best[:, :, :, j:j + s * (Wo - 1) + 1:s] for j in range(pw)]
    out = cols[0].copy(order="K") if pw == 1 else np.maximum(cols[0], cols[1])
    for more in cols[2:]:
        np.maximum(out, more, out=out)
    return out, (_first_maxima(x, out, ph, pw, s), x.shape, _axis_order(x), x.dtype, pool_param)


def _first_maxima(x, out, ph, pw, s):
    """One boolean array per window position (i, j), in reading order: True where that pixel is its window's first
    maximum. The last position needs no comparison: it wins every window no earlier pixel has won."""
    Ho, Wo = out.shape[2:]
    masks, unclaimed = [], None
    for i in range(ph):
        for j in range(pw):
            if i == ph - 1 and j == pw - 1:
                masks.append(unclaimed)             # None for a 1x1 window: its only pixel always wins
                break
            first = np.equal(x[_window_slice(i, j, s, Ho, Wo)], out)
            if unclaimed is None:
                unclaimed = ~first
            else:
                first &= unclaimed
                unclaimed &= ~first
            masks.append(first)
    return masks


def _axis_order(x):
    """The axes of x from the one that varies slowest in memory to the fastest, e.g. (1, 0, 2, 3) for channels first."""
    return tuple(int(a) for a in np.argsort([-abs(st) for st in x.strides], kind="stable"))


def max_pool_backward_fast(dout, cache):
    """Backward pass of ``max_pool_forward_fast``: each window's gradient goes to its (first) maximum."""
    masks, x_shape, order, x_dtype, pool_param = cache
    ph, pw, s, Ho, Wo = _pool_sizes(x_shape, pool_param)
    H, W = x_shape[2:]
    # dx is laid out in memory like x was (channels first after conv_forward_im2col), so its strided slices match dout's
    alloc = np.empty if (ph == pw == s and H == s * Ho and W == s * Wo) else np.zeros   # zeros: pixels outside every window
    dx = alloc([x_shape[a] for a in order], dtype=np.result_type(x_dtype, dout)).transpose(np.argsort(order))
    positions = [(i, j) for i in range(ph) for j in range(pw)]
    for (i, j), first in zip(positions, masks):
        where = _window_slice(i, j, s, Ho, Wo)
        if first is None:
            dx[where] = dout
        else:
            np.multiply(dout, first, out=dx[where])   # straight into dx's pixels: no temporary of the window's size
    return dx
