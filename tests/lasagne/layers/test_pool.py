"""Tests of helpers.lasagne.layers.pool: pooling, global pooling and upscaling."""

import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest

from helpers.lasagne.layers import (
    GlobalPoolLayer,
    InputLayer,
    MaxPool1DLayer,
    MaxPool2DLayer,
    Pool1DLayer,
    Pool2DLayer,
    Upscale2DLayer,
    get_output,
    pool_output_length,
)
from tests.reference import pool2d_loop

ATOL = 1e-8 if pytensor.config.floatX == "float64" else 1e-5
floatX = pytensor.config.floatX


@pytest.mark.parametrize(
    "length,size,stride,pad,ignore,expected",
    [
        (24, 2, 2, 0, True, 12),
        (7, 2, 2, 0, True, 3),
        (7, 2, 2, 0, False, 4),
        (7, 3, 2, 1, True, 4),
        (8, 3, 2, 0, False, 4),
        (5, 3, 1, 0, False, 3),
        (None, 2, 2, 0, True, None),
    ],
)
def test_pool_output_length(length, size, stride, pad, ignore, expected):
    assert pool_output_length(length, size, stride, pad, ignore) == expected


class TestPool2DLayer:
    SHAPE = (None, 2, 7, 9)

    def test_output_shape_matches_output_over_a_grid(self, rng):
        grid = [
            (p, s, d, ib)
            for p in (2, 3, (3, 2))
            for s in (None, 1, (2, 3))
            for d in ((0, 0), (1, 1))
            for ib in (True, False)
            if ib or d == (0, 0)
        ]
        l_in = InputLayer(self.SHAPE)
        layers = [
            Pool2DLayer(l_in, p, stride=s, pad=d, ignore_border=ib)
            for p, s, d, ib in grid
        ]
        outs = pytensor.function([l_in.input_var], get_output(layers))(
            rng.normal(size=(3, 2, 7, 9)).astype(floatX)
        )
        for layer, out, case in zip(layers, outs, grid):
            assert out.shape == (3,) + layer.output_shape[1:], case

    @pytest.mark.parametrize("mode", ["max", "average_inc_pad", "average_exc_pad"])
    @pytest.mark.parametrize(
        "pool,stride,pad,ignore",
        [(2, None, 0, True), (3, 2, 1, True), (3, 2, 0, False)],
        ids=["2x2", "3s2p1", "3s2keep"],
    )
    def test_values_match_loop_reference(
        self, pool, stride, pad, ignore, mode, backend, rng
    ):
        x = rng.normal(size=(2, 2, 7, 9)).astype(floatX)
        layer = Pool2DLayer(
            self.SHAPE, pool, stride=stride, pad=pad, ignore_border=ignore, mode=mode
        )
        X = pt.tensor4("X")
        out = pytensor.function([X], layer.get_output_for(X))(x)
        expected = pool2d_loop(
            x, layer.pool_size, layer.stride, layer.pad, ignore, mode
        )
        np.testing.assert_allclose(out, expected, atol=ATOL)

    def test_max_pool_is_pool_with_mode_max(self):
        layer = MaxPool2DLayer(self.SHAPE, 2, name="pool")
        assert layer.mode == "max" and layer.stride == (2, 2)
        assert repr(layer) == "MaxPool2DLayer('pool', output_shape=(None, 2, 3, 4))"
        assert layer.get_params() == []

    def test_gradient_of_overlapping_padded_pool(self, rng):
        layer = Pool2DLayer((2, 1, 6, 5), 3, stride=2, pad=1, mode="average_exc_pad")
        pytensor.gradient.verify_grad(
            layer.get_output_for, [rng.normal(size=(2, 1, 6, 5))], rng=rng
        )
        layer = MaxPool2DLayer((2, 1, 6, 5), 3, stride=1)
        x = rng.permutation(60).reshape(2, 1, 6, 5) * 0.1  # no ties
        pytensor.gradient.verify_grad(layer.get_output_for, [x], rng=rng)

    def test_constructor_errors_explain(self):
        with pytest.raises(ValueError, match="Expected 4 input dimensions"):
            MaxPool2DLayer((None, 2, 7), 2)
        with pytest.raises(ValueError, match="mode"):
            Pool2DLayer(self.SHAPE, 2, mode="average")
        with pytest.raises(NotImplementedError, match="ignore_border"):
            Pool2DLayer(self.SHAPE, 2, pad=1, ignore_border=False)


class TestPool1DLayer:
    def test_values_match_loop_reference(self, backend, rng):
        x = rng.normal(size=(2, 3, 10)).astype(floatX)
        layers = [
            MaxPool1DLayer((None, 3, 10), 3, stride=2, ignore_border=False),
            Pool1DLayer((None, 3, 10), 4, pad=1, mode="average_inc_pad"),
        ]
        X = pt.tensor3("X")
        outs = pytensor.function([X], [la.get_output_for(X) for la in layers])(x)
        expected = [
            pool2d_loop(x[..., None], (3, 1), (2, 1), (0, 0), False)[..., 0],
            pool2d_loop(x[..., None], (4, 1), (4, 1), (1, 0), True, "average_inc_pad")[
                ..., 0
            ],
        ]
        for layer, out, exp in zip(layers, outs, expected):
            assert out.shape[1:] == layer.output_shape[1:]
            np.testing.assert_allclose(out, exp, atol=ATOL)


class TestGlobalPoolLayer:
    def test_mean_and_max_over_each_map(self, backend, rng):
        x = rng.normal(size=(2, 3, 4, 5)).astype(floatX)
        layers = [
            GlobalPoolLayer((None, 3, 4, 5)),
            GlobalPoolLayer((None, 3, 4, 5), pool_function=pt.max),
        ]
        X = pt.tensor4("X")
        mean, top = pytensor.function([X], [la.get_output_for(X) for la in layers])(x)
        assert layers[0].output_shape == (None, 3)
        np.testing.assert_allclose(mean, x.mean(axis=(2, 3)), atol=ATOL)
        np.testing.assert_allclose(top, x.max(axis=(2, 3)), atol=ATOL)

    def test_needs_spatial_axes(self):
        with pytest.raises(ValueError, match="spatial"):
            GlobalPoolLayer((None, 3))


class TestUpscale2DLayer:
    def test_repeat_and_dilate(self, backend, rng):
        x = rng.normal(size=(2, 3, 4, 5)).astype(floatX)
        layers = [
            Upscale2DLayer((None, 3, 4, 5), (2, 3)),
            Upscale2DLayer((None, 3, 4, 5), 2, mode="dilate"),
        ]
        X = pt.tensor4("X")
        rep, dil = pytensor.function([X], [la.get_output_for(X) for la in layers])(x)
        assert layers[0].output_shape == (None, 3, 8, 15) == (None,) + rep.shape[1:]
        np.testing.assert_array_equal(rep, x.repeat(2, axis=2).repeat(3, axis=3))
        expected = np.zeros((2, 3, 8, 10), dtype=floatX)
        expected[:, :, ::2, ::2] = x
        np.testing.assert_array_equal(dil, expected)

    def test_bad_arguments(self):
        with pytest.raises(ValueError, match=">= 1"):
            Upscale2DLayer((None, 3, 4, 5), 0)
        with pytest.raises(ValueError, match="Mode"):
            Upscale2DLayer((None, 3, 4, 5), 2, mode="bilinear")
