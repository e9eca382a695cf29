"""Tests of helpers.nnet: conv2d and pool_2d, which replace theano.tensor.nnet."""

import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest
from pytensor.gradient import verify_grad
from scipy import signal

from helpers import nnet
from tests.reference import conv2d_loop, conv_transpose2d_loop, pool2d_loop

ATOL = 1e-8


def _compile(inputs, outputs):
    return pytensor.function(inputs, outputs)


BORDERS = {
    "valid": ((0, 0), "valid"),
    "full": ((4, 2), "full"),
    "half": ((1, 1), "half"),
    "pad21": ((2, 1), (2, 1)),
}


@pytest.mark.slow
@pytest.mark.parametrize(
    "stride,flip", [((1, 1), True), ((2, 3), False)], ids=["s1-conv", "s23-corr"]
)
@pytest.mark.parametrize("border", list(BORDERS), ids=list(BORDERS))
def test_conv2d_matches_loop_reference(border, stride, flip, backend, rng):
    pad, border_mode = BORDERS[border]
    x = rng.normal(size=(2, 3, 7, 8))
    W = rng.normal(size=(4, 3, 5, 3))
    if border == "half":
        W = W[:, :, :3]
    X = pt.tensor4("X", shape=(None, 3, 7, 8))
    F = pt.tensor4("F", shape=W.shape)
    fast = nnet.conv2d(
        X, F, border_mode=border_mode, subsample=stride, filter_flip=flip
    )
    plain = nnet.conv2d_im2col(
        X, F, border_mode=border_mode, subsample=stride, filter_flip=flip
    )
    out_fast, out_plain = _compile([X, F], [fast, plain])(x, W)
    expected = conv2d_loop(x, W, stride, pad, flip)
    np.testing.assert_allclose(out_fast, expected, atol=ATOL)
    np.testing.assert_allclose(out_plain, expected, atol=ATOL)


def test_conv2d_with_flip_is_scipy_convolve2d(backend, rng):
    x = rng.normal(size=(1, 1, 6, 6))
    W = rng.normal(size=(1, 1, 3, 3))
    X = pt.tensor4("X", shape=x.shape)
    out = _compile([X], nnet.conv2d(X, W, border_mode="full"))(x)
    np.testing.assert_allclose(
        out[0, 0], signal.convolve2d(x[0, 0], W[0, 0]), atol=ATOL
    )
    out = _compile([X], nnet.conv2d(X, W, filter_flip=False))(x)
    np.testing.assert_allclose(
        out[0, 0], signal.correlate2d(x[0, 0], W[0, 0], "valid"), atol=ATOL
    )


def test_conv2d_dilation_spreads_the_taps(backend, rng):
    x = rng.normal(size=(2, 2, 9, 9))
    W = rng.normal(size=(3, 2, 3, 2))
    X = pt.tensor4("X", shape=x.shape)
    out = _compile([X], nnet.conv2d(X, W, filter_dilation=(2, 3)))(x)
    np.testing.assert_allclose(out, conv2d_loop(x, W, dilation=(2, 3)), atol=ATOL)


def test_conv1d_is_conv2d_on_one_row(backend, rng):
    x = rng.normal(size=(2, 3, 11))
    W = rng.normal(size=(4, 3, 3))
    X = pt.tensor3("X", shape=x.shape)
    out = _compile([X], nnet.conv1d(X, W, border_mode=1, subsample=2))(x)
    expected = conv2d_loop(x[:, :, None], W[:, :, None], (1, 2), (0, 1))[:, :, 0]
    np.testing.assert_allclose(out, expected, atol=ATOL)


@pytest.mark.parametrize(
    "stride,pad",
    [((1, 1), (0, 0)), ((2, 2), (1, 1)), ((3, 2), (2, 0))],
    ids=["s1", "s2p1", "s32p20"],
)
def test_conv2d_transpose_is_the_adjoint_of_conv2d(stride, pad, backend, rng):
    W = rng.normal(size=(4, 3, 3, 4))
    out_size = (8, 9)
    rows = (out_size[0] + 2 * pad[0] - 3) // stride[0] + 1
    cols = (out_size[1] + 2 * pad[1] - 4) // stride[1] + 1
    y = rng.normal(size=(2, 4, rows, cols))
    Y = pt.tensor4("Y", shape=y.shape)
    out = _compile(
        [Y],
        nnet.conv2d_transpose(Y, W, out_size, border_mode=pad, input_dilation=stride),
    )(y)
    np.testing.assert_allclose(
        out, conv_transpose2d_loop(y, W, out_size, stride, pad), atol=ATOL
    )
    # <conv(x), y> == <x, conv_transpose(y)>
    x = rng.normal(size=(2, 3) + out_size)
    lhs = (conv2d_loop(x, W, stride, pad) * y).sum()
    np.testing.assert_allclose(lhs, (x * out).sum(), rtol=1e-10)


@pytest.mark.parametrize(
    "stride,border",
    [((1, 1), "valid"), ((2, 1), "full"), ((2, 2), (1, 2))],
    ids=["valid", "s21full", "s2pad"],
)
def test_conv2d_gradients_are_right(stride, border, rng):
    def conv(x, w):
        return nnet.conv2d(
            x, w, border_mode=border, subsample=stride, filter_shape=(2, 3, 3, 2)
        )

    verify_grad(
        conv, [rng.normal(size=(2, 3, 6, 7)), rng.normal(size=(2, 3, 3, 2))], rng=rng
    )


def test_conv2d_transpose_gradients_are_right(rng):
    def deconv(y, w):
        return nnet.conv2d_transpose(
            y,
            w,
            (7, 8),
            filter_shape=(2, 3, 3, 2),
            border_mode=1,
            input_dilation=(2, 2),
        )

    verify_grad(
        deconv, [rng.normal(size=(2, 2, 4, 5)), rng.normal(size=(2, 3, 3, 2))], rng=rng
    )


def test_conv2d_second_derivative_is_right(rng):
    W = rng.normal(size=(2, 3, 3, 3))

    def grad_of_square(x):
        X = pt.specify_shape(x, (2, 3, 5, 5))
        out = nnet.conv2d(X, W, border_mode="half", subsample=2)
        return pytensor.grad((out**2).sum(), X)

    verify_grad(grad_of_square, [rng.normal(size=(2, 3, 5, 5))], rng=rng)


def test_conv2d_gradients_run_on_jax(backend, rng):
    x = rng.normal(size=(2, 3, 6, 7))
    w = rng.normal(size=(4, 3, 3, 2))
    X = pt.tensor4("X", shape=x.shape)
    F = pt.tensor4("F", shape=w.shape)
    cost = (nnet.conv2d(X, F, border_mode=1, subsample=2) ** 2).sum()
    plain = (nnet.conv2d_im2col(X, F, border_mode=1, subsample=2) ** 2).sum()
    grads = _compile([X, F], pytensor.grad(cost, [X, F]) + pytensor.grad(plain, [X, F]))
    gx, gw, gx_ref, gw_ref = grads(x, w)
    np.testing.assert_allclose(gx, gx_ref, atol=1e-8)
    np.testing.assert_allclose(gw, gw_ref, atol=1e-8)


def test_im2col_rows_are_flattened_patches(rng):
    x = rng.normal(size=(2, 3, 5, 6))
    cols = nnet.im2col(pt.as_tensor(x), (2, 3), stride=(1, 2)).eval()
    assert cols.shape == (2 * 4 * 2, 3 * 2 * 3)
    np.testing.assert_array_equal(cols[0], x[0, :, 0:2, 0:3].ravel())
    np.testing.assert_array_equal(cols[1], x[0, :, 0:2, 2:5].ravel())
    np.testing.assert_array_equal(cols[-1], x[1, :, 3:5, 2:5].ravel())


def test_conv2d_needs_a_static_filter_size():
    with pytest.raises(ValueError, match="filter size"):
        nnet.conv2d(pt.tensor4(), pt.tensor4())


POOLS = [
    # ws, stride, pad, ignore_border
    ((2, 2), None, (0, 0), True),
    ((3, 3), (2, 2), (0, 0), True),
    ((3, 2), (1, 1), (1, 1), True),
    ((3, 3), (2, 2), (0, 0), False),
    ((2, 2), None, (0, 0), False),
    ((4, 3), (3, 2), (2, 1), True),
]
POOL_IDS = ["2x2", "3s2", "3x2s1p1", "3s2keep", "2x2keep", "4x3s32p21"]


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["max", "sum", "average_inc_pad", "average_exc_pad"])
@pytest.mark.parametrize("ws,stride,pad,ignore_border", POOLS, ids=POOL_IDS)
def test_pool_2d_matches_loop_reference(ws, stride, pad, ignore_border, mode, rng):
    x = rng.normal(size=(2, 3, 7, 8))
    X = pt.tensor4("X", shape=(None, 3, 7, 8))
    out = _compile([X], nnet.pool_2d(X, ws, ignore_border, stride, pad, mode))(x)
    expected = pool2d_loop(x, ws, stride or ws, pad, ignore_border, mode)
    assert out.shape == expected.shape
    np.testing.assert_allclose(out, expected, atol=ATOL)


@pytest.mark.slow
@pytest.mark.parametrize("ws,stride,pad,ignore_border", POOLS, ids=POOL_IDS)
def test_pool_2d_on_jax_matches_reference(ws, stride, pad, ignore_border, backend, rng):
    x = rng.normal(size=(2, 3, 7, 8))
    X = pt.tensor4("X", shape=x.shape)
    outs = _compile(
        [X],
        [
            nnet.pool_2d(X, ws, ignore_border, stride, pad, mode)
            for mode in ("max", "average_exc_pad")
        ],
    )(x)
    for out, mode in zip(outs, ("max", "average_exc_pad")):
        np.testing.assert_allclose(
            out, pool2d_loop(x, ws, stride or ws, pad, ignore_border, mode), atol=ATOL
        )


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["max", "average_inc_pad", "average_exc_pad"])
@pytest.mark.parametrize("ws,stride,pad,ignore_border", POOLS[1:4], ids=POOL_IDS[1:4])
def test_pool_2d_gradients_overlapping_and_padded(
    ws, stride, pad, ignore_border, mode, rng
):
    # distinct values far apart, so no two cells tie for a window's max
    x = rng.permutation(2 * 7 * 8).reshape(2, 1, 7, 8) * 0.1

    def pool(v):
        return nnet.pool_2d(
            pt.specify_shape(v, x.shape), ws, ignore_border, stride, pad, mode
        )

    verify_grad(pool, [x], rng=rng)


def test_pool_2d_max_gradient_routes_one_per_window():
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    X = pt.tensor4("X", shape=x.shape)
    g = pytensor.grad(nnet.pool_2d(X, (2, 2)).sum(), X).eval({X: x})
    np.testing.assert_array_equal(
        g[0, 0], [[0, 0, 0, 0], [0, 1, 0, 1], [0, 0, 0, 0], [0, 1, 0, 1]]
    )


def test_pool_2d_keeps_leading_axes(rng):
    x = rng.normal(size=(5, 6, 7))
    X = pt.tensor3("X", shape=x.shape)
    out = nnet.pool_2d(X, (2, 3)).eval({X: x})
    np.testing.assert_allclose(out, pool2d_loop(x, (2, 3)), atol=ATOL)


def test_pool_2d_explains_bad_arguments():
    X = pt.tensor4("X", shape=(None, 1, 6, 6))
    with pytest.raises(ValueError, match="mode"):
        nnet.pool_2d(X, (2, 2), mode="median")
    with pytest.raises(NotImplementedError, match="ignore_border"):
        nnet.pool_2d(X, (2, 2), ignore_border=False, pad=(1, 1))
    with pytest.raises(ValueError, match="image size"):
        nnet.pool_2d(pt.tensor4(), (2, 2))


@pytest.mark.parametrize(
    "length,size,stride,pad,ignore,expected",
    [
        (24, 2, 2, 0, True, 12),
        (7, 2, 2, 0, True, 3),
        (7, 2, 2, 0, False, 4),
        (7, 3, 1, 1, True, 7),
        (8, 3, 2, 0, False, 4),
        (None, 2, 2, 0, True, None),
    ],
)
def test_pool_output_length(length, size, stride, pad, ignore, expected):
    assert nnet.pool_output_length(length, size, stride, pad, ignore) == expected


def test_conv2d_with_long_patches_matches_the_graph_version(rng):
    # 16 * 3 * 3 = 144 values per patch: the one-large-matrix-product path
    x = rng.normal(size=(2, 16, 6, 7))
    w = rng.normal(size=(3, 16, 3, 3))
    X = pt.tensor4("X", shape=x.shape)
    F = pt.tensor4("F", shape=w.shape)
    fast = nnet.conv2d(X, F, border_mode=1, subsample=(2, 1))
    plain = nnet.conv2d_im2col(X, F, border_mode=1, subsample=(2, 1))
    outs = [fast, plain]
    outs += pytensor.grad((fast**2).sum(), [X, F]) + pytensor.grad(
        (plain**2).sum(), [X, F]
    )
    out, out_ref, gx, gw, gx_ref, gw_ref = _compile([X, F], outs)(x, w)
    np.testing.assert_allclose(out, conv2d_loop(x, w, (2, 1), (1, 1)), atol=ATOL)
    np.testing.assert_allclose(out_ref, out, atol=ATOL)
    np.testing.assert_allclose(gx, gx_ref, atol=1e-8)
    np.testing.assert_allclose(gw, gw_ref, atol=1e-8)
