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
                                                  ((2, 3, 10, 7), 3, 3, 2), ((3, 4, 5, 5), 1, 1, 0)])
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
