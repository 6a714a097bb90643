"""Student-like implementations of lecture 08's graded functions."""
ASSIGNMENT = "08_cnn"
TESTS = {
    "conv_output_size": "test_conv_output_size",
    "conv_forward_naive": "test_conv_forward_naive",
    "conv_backward_naive": "test_conv_backward_naive",
    "max_pool_forward_naive": "test_max_pool_forward_naive",
    "max_pool_backward_naive": "test_max_pool_backward_naive",
    "im2col": "test_im2col",
    "conv_forward_im2col": "test_conv_forward_im2col",
    "dense_param_count": "test_dense_param_count",
    "conv_param_count": "test_conv_param_count",
}

# Reference-like bodies that the wrong variants below change in one place.
_CONV_FWD = '''def conv_forward_naive(x, w, b, conv_param):
    stride, pad = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    H_out = (H + 2 * pad - HH) // stride + 1
    W_out = (W + 2 * pad - WW) // stride + 1
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    out = np.zeros((N, F, H_out, W_out))
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    window = x_pad[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW]
                    out[n, f, i, j] = np.sum(window * w[f]) + b[f]
    return out, (x, w, b, conv_param)'''

_CONV_BWD = '''def conv_backward_naive(dout, cache):
    x, w, b, conv_param = cache
    stride, pad = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    _, _, H_out, W_out = dout.shape
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    dx_pad = np.zeros(x_pad.shape)
    dw = np.zeros(w.shape)
    db = np.sum(dout, axis=(0, 2, 3))
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    r = slice(i * stride, i * stride + HH)
                    c = slice(j * stride, j * stride + WW)
                    dw[f] += dout[n, f, i, j] * x_pad[n, :, r, c]
                    dx_pad[n, :, r, c] += dout[n, f, i, j] * w[f]
    dx = dx_pad[:, :, pad:pad + H, pad:pad + W]
    return dx, dw, db'''

_POOL_FWD = '''def max_pool_forward_naive(x, pool_param):
    ph, pw, s = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    N, C, H, W = x.shape
    H_out = (H - ph) // s + 1
    W_out = (W - pw) // s + 1
    out = np.zeros((N, C, H_out, W_out))
    for n in range(N):
        for c in range(C):
            for i in range(H_out):
                for j in range(W_out):
                    out[n, c, i, j] = np.max(x[n, c, i * s:i * s + ph, j * s:j * s + pw])
    return out, (x, pool_param)'''

_POOL_BWD = '''def max_pool_backward_naive(dout, cache):
    x, pool_param = cache
    ph, pw, s = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    N, C, H_out, W_out = dout.shape
    dx = np.zeros(x.shape)
    for n in range(N):
        for c in range(C):
            for i in range(H_out):
                for j in range(W_out):
                    window = x[n, c, i * s:i * s + ph, j * s:j * s + pw]
                    a, b = np.unravel_index(np.argmax(window), window.shape)
                    dx[n, c, i * s + a, j * s + b] += dout[n, c, i, j]
    return dx'''

_IM2COL = '''def im2col(x, HH, WW, stride, pad):
    N, C, H, W = x.shape
    H_out = (H + 2 * pad - HH) // stride + 1
    W_out = (W + 2 * pad - WW) // stride + 1
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    cols = np.empty((C, HH, WW, N, H_out, W_out), dtype=x.dtype)
    for i in range(HH):
        for j in range(WW):
            cols[:, i, j] = x_pad[:, :, i:i + stride * H_out:stride, j:j + stride * W_out:stride].transpose(1, 0, 2, 3)
    return cols.reshape(C * HH * WW, N * H_out * W_out)'''

_CONV_IM2COL = '''def conv_forward_im2col(x, w, b, conv_param):
    stride, pad = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    H_out = (H + 2 * pad - HH) // stride + 1
    W_out = (W + 2 * pad - WW) // stride + 1
    cols = im2col(x, HH, WW, stride, pad)
    out = w.reshape(F, -1) @ cols + b[:, None]
    out = out.reshape(F, N, H_out, W_out).transpose(1, 0, 2, 3)
    return out, (x, w, b, conv_param, cols)'''


def _with(base, *changes):
    """``base`` with each (old, new) fragment replaced; a fragment that is not there is an error, not a silent no-op."""
    code = base
    for old, new in changes:
        assert old in code, f"catalogue: {old!r} is not in the base code"
        code = code.replace(old, new)
    return code


WRONG = [
    # ---- conv_output_size
    ("conv_output_size", "ignores the padding", '''def conv_output_size(H, HH, stride, pad):
    return (H - HH) // stride + 1'''),
    ("conv_output_size", "pads one side only", '''def conv_output_size(H, HH, stride, pad):
    return (H + pad - HH) // stride + 1'''),
    ("conv_output_size", "ignores the stride: H + 2 * pad - HH + 1", '''def conv_output_size(H, HH, stride, pad):
    return H + 2 * pad - HH + 1'''),
    ("conv_output_size", "off by one (forgets the + 1)", '''def conv_output_size(H, HH, stride, pad):
    return (H + 2 * pad - HH) // stride'''),
    ("conv_output_size", "rounds instead of flooring", '''def conv_output_size(H, HH, stride, pad):
    return int(round((H + 2 * pad - HH) / stride)) + 1'''),

    # ---- conv_forward_naive
    ("conv_forward_naive", "flips the kernel (true convolution)",
     _with(_CONV_FWD, ("np.sum(window * w[f])", "np.sum(window * w[f, :, ::-1, ::-1])"))),
    ("conv_forward_naive", "forgets the bias", _with(_CONV_FWD, ("np.sum(window * w[f]) + b[f]", "np.sum(window * w[f])"))),
    ("conv_forward_naive", "ignores the stride when cutting windows",
     _with(_CONV_FWD, ("x_pad[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW]", "x_pad[n, :, i:i + HH, j:j + WW]"))),
    ("conv_forward_naive", "ignores the padding",
     _with(_CONV_FWD, ("x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))", "x_pad = x"))),
    ("conv_forward_naive", "uses the first channel's weights for every channel",
     _with(_CONV_FWD, ("np.sum(window * w[f])", "np.sum(window * w[f, 0])"))),

    # ---- conv_backward_naive
    ("conv_backward_naive", "db summed over the batch only, not over the positions",
     _with(_CONV_BWD, ("db = np.sum(dout, axis=(0, 2, 3))", "db = np.sum(dout, axis=0)"))),
    ("conv_backward_naive", "db from the first position only",
     _with(_CONV_BWD, ("db = np.sum(dout, axis=(0, 2, 3))", "db = np.sum(dout[:, :, 0, 0], axis=0)"))),
    ("conv_backward_naive", "dx keeps the padding",
     _with(_CONV_BWD, ("dx = dx_pad[:, :, pad:pad + H, pad:pad + W]", "dx = dx_pad"))),
    ("conv_backward_naive", "dw overwritten instead of accumulated",
     _with(_CONV_BWD, ("dw[f] += dout[n, f, i, j] * x_pad[n, :, r, c]", "dw[f] = dout[n, f, i, j] * x_pad[n, :, r, c]"))),
    ("conv_backward_naive", "dx uses the flipped kernel",
     _with(_CONV_BWD, ("dx_pad[n, :, r, c] += dout[n, f, i, j] * w[f]", "dx_pad[n, :, r, c] += dout[n, f, i, j] * w[f, :, ::-1, ::-1]"))),
    ("conv_backward_naive", "divides dw by N",
     _with(_CONV_BWD, ("    dx = dx_pad[:, :, pad:pad + H, pad:pad + W]", "    dw = dw / N\n    dx = dx_pad[:, :, pad:pad + H, pad:pad + W]"))),

    # ---- max_pool_forward_naive
    ("max_pool_forward_naive", "ignores the stride when cutting windows",
     _with(_POOL_FWD, ("x[n, c, i * s:i * s + ph, j * s:j * s + pw]", "x[n, c, i:i + ph, j:j + pw]"))),
    ("max_pool_forward_naive", "average pooling instead of max", _with(_POOL_FWD, ("np.max(", "np.mean("))),
    ("max_pool_forward_naive", "pool_height and pool_width swapped",
     _with(_POOL_FWD, ('ph, pw, s = pool_param["pool_height"], pool_param["pool_width"]',
                       'pw, ph, s = pool_param["pool_height"], pool_param["pool_width"]'))),
    ("max_pool_forward_naive", "output size H // stride",
     _with(_POOL_FWD, ("H_out = (H - ph) // s + 1\n    W_out = (W - pw) // s + 1", "H_out = H // s\n    W_out = W // s"))),

    # ---- max_pool_backward_naive
    ("max_pool_backward_naive", "gradient to every element of the window",
     _with(_POOL_BWD, ("                    a, b = np.unravel_index(np.argmax(window), window.shape)\n"
                       "                    dx[n, c, i * s + a, j * s + b] += dout[n, c, i, j]",
                       "                    dx[n, c, i * s:i * s + ph, j * s:j * s + pw] += dout[n, c, i, j]"))),
    ("max_pool_backward_naive", "gradient shared equally (average pooling's backward)",
     _with(_POOL_BWD, ("                    a, b = np.unravel_index(np.argmax(window), window.shape)\n"
                       "                    dx[n, c, i * s + a, j * s + b] += dout[n, c, i, j]",
                       "                    dx[n, c, i * s:i * s + ph, j * s:j * s + pw] += dout[n, c, i, j] / (ph * pw)"))),
    ("max_pool_backward_naive", "= instead of += (overlapping windows overwrite each other)",
     _with(_POOL_BWD, ("dx[n, c, i * s + a, j * s + b] += dout", "dx[n, c, i * s + a, j * s + b] = dout"))),
    ("max_pool_backward_naive", "unravels the argmax with the window height instead of its width",
     _with(_POOL_BWD, ("a, b = np.unravel_index(np.argmax(window), window.shape)",
                       "k = np.argmax(window)\n                    a, b = k // ph, k % ph"))),

    # ---- im2col
    ("im2col", "rows and columns swapped (one window per row)", _with(_IM2COL, (
        "return cols.reshape(C * HH * WW, N * H_out * W_out)", "return cols.reshape(C * HH * WW, N * H_out * W_out).T"))),
    ("im2col", "columns ordered position first, then image", _with(_IM2COL, (
        "return cols.reshape(C * HH * WW, N * H_out * W_out)",
        "return cols.transpose(0, 1, 2, 4, 5, 3).reshape(C * HH * WW, N * H_out * W_out)"))),
    ("im2col", "rows ordered kernel position first, then channel", _with(_IM2COL, (
        "return cols.reshape(C * HH * WW, N * H_out * W_out)",
        "return cols.transpose(1, 2, 0, 3, 4, 5).reshape(C * HH * WW, N * H_out * W_out)"))),
    ("im2col", "pads only at the bottom and right", _with(_IM2COL, (
        "x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))",
        "x_pad = np.pad(x, ((0, 0), (0, 0), (0, 2 * pad), (0, 2 * pad)))"))),
    ("im2col", "ignores the stride", _with(_IM2COL, (
        "x_pad[:, :, i:i + stride * H_out:stride, j:j + stride * W_out:stride]", "x_pad[:, :, i:i + H_out, j:j + W_out]"))),

    # ---- conv_forward_im2col
    ("conv_forward_im2col", "reshapes to (N, F, ...) directly, no transpose", _with(_CONV_IM2COL, (
        "out = out.reshape(F, N, H_out, W_out).transpose(1, 0, 2, 3)", "out = out.reshape(N, F, H_out, W_out)"))),
    ("conv_forward_im2col", "forgets the bias", _with(_CONV_IM2COL, ("@ cols + b[:, None]", "@ cols"))),
    ("conv_forward_im2col", "cache without cols", _with(_CONV_IM2COL, (
        "return out, (x, w, b, conv_param, cols)", "return out, (x, w, b, conv_param)"))),
    ("conv_forward_im2col", "filters flattened in the wrong order", _with(_CONV_IM2COL, (
        "out = w.reshape(F, -1) @ cols", "out = w.transpose(0, 2, 3, 1).reshape(F, -1) @ cols"))),

    # ---- dense_param_count
    ("dense_param_count", "no biases: d_in * d_out", '''def dense_param_count(d_in, d_out):
    return d_in * d_out'''),
    ("dense_param_count", "one bias per input", '''def dense_param_count(d_in, d_out):
    return d_in * d_out + d_in'''),
    ("dense_param_count", "biases on both sides", '''def dense_param_count(d_in, d_out):
    return (d_in + 1) * (d_out + 1)'''),

    # ---- conv_param_count
    ("conv_param_count", "no biases", '''def conv_param_count(c_in, filters, HH, WW):
    return c_in * HH * WW * filters'''),
    ("conv_param_count", "forgets the input channels", '''def conv_param_count(c_in, filters, HH, WW):
    return HH * WW * filters + filters'''),
    ("conv_param_count", "one bias per input channel", '''def conv_param_count(c_in, filters, HH, WW):
    return c_in * HH * WW * filters + c_in'''),
]

CORRECT = [
    ("conv_output_size", "counts the window starts with range()", '''def conv_output_size(H, HH, stride, pad):
    return len(range(0, H + 2 * pad - HH + 1, stride))'''),
    ("conv_output_size", "math.floor of a true division", '''import math
def conv_output_size(H, HH, stride, pad):
    return int(math.floor((H + 2 * pad - HH) / stride)) + 1'''),
    ("conv_forward_naive", "one einsum per kernel position", '''def conv_forward_naive(x, w, b, conv_param):
    S, P = conv_param["stride"], conv_param["pad"]
    F, C, HH, WW = w.shape
    xp = np.pad(x, [(0, 0), (0, 0), (P, P), (P, P)], mode="constant")
    Ho = (xp.shape[2] - HH) // S + 1
    Wo = (xp.shape[3] - WW) // S + 1
    out = np.broadcast_to(b.reshape(1, F, 1, 1), (x.shape[0], F, Ho, Wo)).copy()
    for a in range(HH):
        for c in range(WW):
            out += np.einsum("nchw,fc->nfhw", xp[:, :, a:a + S * Ho:S, c:c + S * Wo:S], w[:, :, a, c])
    return out, (x, w, b, conv_param)'''),
    ("conv_forward_naive", "loops over positions with tensordot", '''def conv_forward_naive(x, w, b, conv_param):
    s, p = conv_param["stride"], conv_param["pad"]
    N = x.shape[0]
    F, C, HH, WW = w.shape
    xp = np.zeros((N, C, x.shape[2] + 2 * p, x.shape[3] + 2 * p))
    xp[:, :, p:p + x.shape[2], p:p + x.shape[3]] = x
    Ho = (x.shape[2] + 2 * p - HH) // s + 1
    Wo = (x.shape[3] + 2 * p - WW) // s + 1
    out = np.empty((N, F, Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            patch = xp[:, :, i * s:i * s + HH, j * s:j * s + WW]
            out[:, :, i, j] = np.tensordot(patch, w, axes=([1, 2, 3], [1, 2, 3])) + b
    return out, (x, w, b, conv_param)'''),
    ("conv_backward_naive", "vectorised over the batch and filters", '''def conv_backward_naive(dout, cache):
    x, w, b, conv_param = cache
    s, p = conv_param["stride"], conv_param["pad"]
    F, C, HH, WW = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    dxp = np.zeros_like(xp, dtype=float)
    dw = np.zeros_like(w, dtype=float)
    Ho, Wo = dout.shape[2], dout.shape[3]
    for i in range(Ho):
        for j in range(Wo):
            patch = xp[:, :, i * s:i * s + HH, j * s:j * s + WW]
            d = dout[:, :, i, j]                       # (N, F)
            dw += np.einsum("nf,nchw->fchw", d, patch)
            dxp[:, :, i * s:i * s + HH, j * s:j * s + WW] += np.einsum("nf,fchw->nchw", d, w)
    db = dout.sum(axis=3).sum(axis=2).sum(axis=0)
    return dxp[:, :, p:xp.shape[2] - p, p:xp.shape[3] - p], dw, db'''),
    ("max_pool_forward_naive", "maximum over the offsets of every window", '''def max_pool_forward_naive(x, pool_param):
    ph, pw, s = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    Ho = (x.shape[2] - ph) // s + 1
    Wo = (x.shape[3] - pw) // s + 1
    out = None
    for a in range(ph):
        for c in range(pw):
            v = x[:, :, a:a + s * Ho:s, c:c + s * Wo:s][:, :, :Ho, :Wo]
            out = v.copy() if out is None else np.maximum(out, v)
    return out, (x, pool_param)'''),
    ("max_pool_forward_naive", "sliding_window_view", '''from numpy.lib.stride_tricks import sliding_window_view
def max_pool_forward_naive(x, pool_param):
    ph, pw, s = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    windows = sliding_window_view(x, (ph, pw), axis=(2, 3))[:, :, ::s, ::s]
    return windows.max(axis=(4, 5)), (x, pool_param)'''),
    ("max_pool_backward_naive", "mask of the window's maximum", '''def max_pool_backward_naive(dout, cache):
    x, pool_param = cache
    ph, pw, s = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    dx = np.zeros_like(x, dtype=float)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            win = x[:, :, i * s:i * s + ph, j * s:j * s + pw]
            mask = win == win.max(axis=(2, 3), keepdims=True)
            dx[:, :, i * s:i * s + ph, j * s:j * s + pw] += mask * dout[:, :, i:i + 1, j:j + 1]
    return dx'''),
    ("im2col", "one window per column, by loops", '''def im2col(x, HH, WW, stride, pad):
    N, C, H, W = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    Ho = (H + 2 * pad - HH) // stride + 1
    Wo = (W + 2 * pad - WW) // stride + 1
    cols = np.zeros((C * HH * WW, N * Ho * Wo), dtype=x.dtype)
    k = 0
    for n in range(N):
        for y in range(Ho):
            for xx in range(Wo):
                cols[:, k] = xp[n, :, y * stride:y * stride + HH, xx * stride:xx * stride + WW].reshape(-1)
                k += 1
    return cols'''),
    ("im2col", "stride tricks", '''def im2col(x, HH, WW, stride, pad):
    N, C, H, W = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    Ho = (H + 2 * pad - HH) // stride + 1
    Wo = (W + 2 * pad - WW) // stride + 1
    sN, sC, sH, sW = xp.strides
    view = np.lib.stride_tricks.as_strided(xp, shape=(C, HH, WW, N, Ho, Wo),
                                           strides=(sC, sH, sW, sN, stride * sH, stride * sW))
    return np.ascontiguousarray(view).reshape(C * HH * WW, -1)'''),
    ("conv_forward_im2col", "tensordot and a different reshape order", '''def conv_forward_im2col(x, w, b, conv_param):
    s, p = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    Ho = (H + 2 * p - HH) // s + 1
    Wo = (W + 2 * p - WW) // s + 1
    cols = im2col(x, HH, WW, s, p)
    res = np.tensordot(w.reshape(F, C * HH * WW), cols, axes=1)          # (F, N*Ho*Wo)
    out = res.reshape(F, N, Ho * Wo).swapaxes(0, 1).reshape(N, F, Ho, Wo) + b.reshape(1, F, 1, 1)
    return out, (x, w, b, conv_param, cols)'''),
    ("dense_param_count", "(d_in + 1) * d_out", '''def dense_param_count(d_in, d_out):
    return (d_in + 1) * d_out'''),
    ("conv_param_count", "(weights per filter + 1) * filters", '''def conv_param_count(c_in, filters, HH, WW):
    per_filter = c_in * HH * WW + 1
    return int(per_filter * filters)'''),
]

# The words the visible checks must say for these common mistakes (tests/test_visible_checks.py).
VISIBLE = {
    "ignores the stride: H + 2 * pad - HH + 1": "Did you divide by the stride?",
    "flips the kernel (true convolution)": "the filter is flipped",
    "db summed over the batch only, not over the positions": "sum dout over the images and the positions",
    "gradient to every element of the window": "went to every pixel of the window",
    "rows and columns swapped (one window per row)": "rows and columns swapped",
    "reshapes to (N, F, ...) directly, no transpose": "right but in the wrong places",
    "no biases: d_in * d_out": "Did you count the biases?",
}
