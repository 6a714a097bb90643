"""course/conv_fast.py against lecture 08's naive reference layers (read from the lecture text), in every memory order
the CNN hands it: the fast backward passes must give the naive gradients, with and without padding, stride and exact tiling."""
import numpy as np
import pytest

from autograder import cells, lecture_text
from course import conv_fast


@pytest.fixture(scope="module")
def ref():
    ns = {"np": np}
    answers = {c.id: cells.strip_solution_markers(c.source)
               for c in lecture_text.parse(lecture_text.text_path("08_cnn")) if c.kind == "solution"}
    for name in ("conv_forward_naive", "conv_backward_naive", "max_pool_forward_naive", "max_pool_backward_naive",
                 "im2col", "conv_forward_im2col"):
        exec(answers[name], ns)
    return ns


def _as(x, layout):
    """x itself, or the same values stored channels first (as conv_forward_im2col's output is)."""
    return x if layout == "NC" else np.ascontiguousarray(x.transpose(1, 0, 2, 3)).transpose(1, 0, 2, 3)


@pytest.mark.parametrize("layout", ["NC", "CN"])
@pytest.mark.parametrize("shape, k, stride, pad", [((3, 2, 7, 8), 3, 1, 0), ((2, 3, 9, 9), 3, 2, 1), ((4, 1, 6, 6), 2, 1, 1),
                                                  ((2, 3, 10, 7), 3, 3, 2), ((3, 4, 5, 5), 1, 1, 0),
                                                  ((2, 2, 5, 20), 3, 1, 1)])   # rows of 20: col2im without widening
def test_conv_backward_im2col_matches_the_naive_one(ref, shape, k, stride, pad, layout):
    rng = np.random.default_rng(sum(shape) + k + stride + pad)
    x = _as(rng.normal(size=shape), layout)
    w, b = rng.normal(size=(3, shape[1], k, k)), rng.normal(size=3)
    param = {"stride": stride, "pad": pad}
    out, cache = ref["conv_forward_im2col"](x, w, b, param)
    out_naive, cache_naive = ref["conv_forward_naive"](x, w, b, param)
    dout = rng.normal(size=out.shape)
    for fast, naive in zip(conv_fast.conv_backward_im2col(dout, cache), ref["conv_backward_naive"](dout, cache_naive)):
        assert fast.shape == naive.shape
        np.testing.assert_allclose(fast, naive, atol=1e-12)
    np.testing.assert_allclose(out, out_naive, atol=1e-12)


@pytest.mark.parametrize("layout", ["NC", "CN"])
@pytest.mark.parametrize("shape, ph, pw, stride", [((3, 2, 8, 8), 2, 2, 2), ((2, 3, 11, 11), 2, 2, 2), ((2, 2, 9, 7), 3, 3, 3),
                                                   ((2, 2, 6, 6), 2, 2, 3), ((2, 2, 4, 4), 1, 1, 1), ((2, 3, 7, 9), 2, 3, 3)])
def test_fast_pooling_matches_the_naive_one(ref, shape, ph, pw, stride, layout):
    rng = np.random.default_rng(sum(shape) + ph + pw + stride)
    x = _as(rng.normal(size=shape), layout)
    param = {"pool_height": ph, "pool_width": pw, "stride": stride}
    out, cache = conv_fast.max_pool_forward_fast(x, param)
    out_naive, cache_naive = ref["max_pool_forward_naive"](x, param)
    np.testing.assert_array_equal(out, out_naive)
    dout = rng.normal(size=out.shape)
    np.testing.assert_array_equal(conv_fast.max_pool_backward_fast(dout, cache),
                                  ref["max_pool_backward_naive"](dout, cache_naive))


def test_pooling_ties_go_to_the_first_maximum_and_float32_stays_float32(ref):
    _, cache = conv_fast.max_pool_forward_fast(np.zeros((1, 1, 2, 2)), {"pool_height": 2, "pool_width": 2, "stride": 2})
    np.testing.assert_array_equal(conv_fast.max_pool_backward_fast(np.ones((1, 1, 1, 1)), cache).ravel(), [1, 0, 0, 0])
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 3, 8, 8)).astype(np.float32)
    out, cache = conv_fast.max_pool_forward_fast(x, {"pool_height": 2, "pool_width": 2, "stride": 2})
    assert out.dtype == np.float32 and conv_fast.max_pool_backward_fast(out, cache).dtype == np.float32
    w = rng.normal(size=(4, 3, 3, 3)).astype(np.float32)
    out, cache = ref["conv_forward_im2col"](x, w, np.zeros(4, np.float32), {"stride": 1, "pad": 1})
    assert all(g.dtype == np.float32 for g in conv_fast.conv_backward_im2col(out, cache))


@pytest.mark.parametrize("layout", ["NC", "CN"])
@pytest.mark.parametrize("shape, ph, pw, stride", [((3, 2, 8, 8), 2, 2, 2), ((2, 3, 9, 9), 3, 3, 3), ((2, 2, 7, 9), 2, 3, 3),
                                                   ((2, 2, 6, 6), 3, 2, 3)])
def test_fast_pooling_breaks_ties_as_np_argmax_does(ref, shape, ph, pw, stride, layout):
    # integers 0..2: most windows hold their maximum more than once, in every arrangement; the naive layer's
    # np.argmax picks the first in reading order, and so must the fast one
    rng = np.random.default_rng(sum(shape) + ph + pw)
    x = _as(rng.integers(0, 3, size=shape).astype(float), layout)
    param = {"pool_height": ph, "pool_width": pw, "stride": stride}
    out, cache = conv_fast.max_pool_forward_fast(x, param)
    out_naive, cache_naive = ref["max_pool_forward_naive"](x, param)
    dout = rng.normal(size=out.shape)
    np.testing.assert_array_equal(conv_fast.max_pool_backward_fast(dout, cache),
                                  ref["max_pool_backward_naive"](dout, cache_naive))


def test_a_1x1_pool_copies_instead_of_returning_a_view_of_its_input():
    x = np.arange(8.0).reshape(1, 2, 2, 2)
    out, _ = conv_fast.max_pool_forward_fast(x, {"pool_height": 1, "pool_width": 1, "stride": 1})
    out[...] = -1
    assert x.min() == 0


@pytest.mark.parametrize("stride, pad", [(1, 0), (1, 2), (2, 1)])
def test_conv_backward_without_input_gradient_gives_the_same_weight_gradients(ref, stride, pad):
    rng = np.random.default_rng(stride + pad)
    x, w, b = rng.normal(size=(2, 3, 8, 8)), rng.normal(size=(4, 3, 3, 3)), rng.normal(size=4)
    out, cache = ref["conv_forward_im2col"](x, w, b, {"stride": stride, "pad": pad})
    dout = rng.normal(size=out.shape)
    dx, dw, db = conv_fast.conv_backward_im2col(dout, cache)
    none, dw_only, db_only = conv_fast.conv_backward_im2col(dout, cache, input_grad=False)
    assert none is None and dx.shape == x.shape
    np.testing.assert_array_equal(dw_only, dw)
    np.testing.assert_array_equal(db_only, db)


@pytest.mark.parametrize("shape, k, pad", [((2, 3, 7, 8), 3, 0), ((2, 2, 6, 5), 3, 2), ((1, 2, 9, 9), 2, 1)])
def test_col2im_is_the_adjoint_of_im2col(ref, shape, k, pad):
    # <im2col(x), c> == <x, col2im(c)> for every x and c: the definition of the adjoint, which the gradient needs
    rng = np.random.default_rng(k + pad)
    x = rng.normal(size=shape)
    cols = ref["im2col"](x, k, k, 1, pad)
    c = rng.normal(size=cols.shape)
    back = conv_fast.col2im(c, shape, k, k, 1, pad)
    np.testing.assert_allclose(np.sum(cols * c), np.sum(x * back), rtol=1e-12)
