"""Tests of helpers.lasagne.layers.conv: convolution layers and shape arithmetic."""

import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest

from helpers.lasagne import nonlinearities
from helpers.lasagne.layers import (
    Conv1DLayer,
    Conv2DLayer,
    Deconv2DLayer,
    DilatedConv2DLayer,
    InputLayer,
    TransposedConv2DLayer,
    conv_input_length,
    conv_output_length,
    get_output,
    get_output_shape,
)
from tests.reference import conv2d_loop, conv_transpose2d_loop

ATOL = 1e-8 if pytensor.config.floatX == "float64" else 1e-5


def _randomize(layer, rng):
    for param in layer.get_params():
        shape = param.get_value().shape
        param.set_value(rng.normal(size=shape).astype(param.dtype))


@pytest.mark.parametrize(
    "length,size,stride,pad,expected",
    [
        (28, 5, 1, "valid", 24),
        (28, 5, 1, "full", 32),
        (28, 5, 1, "same", 28),
        (224, 3, 1, 1, 224),
        (224, 2, 2, 0, 112),
        (224, 3, 2, 1, 112),
        (224, 3, 2, 0, 111),
        (7, 3, 2, "same", 4),
        (None, 3, 1, 0, None),
    ],
)
def test_conv_output_length(length, size, stride, pad, expected):
    assert conv_output_length(length, size, stride, pad) == expected


@pytest.mark.parametrize(
    "size,stride,pad", [(5, 1, "valid"), (3, 2, 1), (4, 3, "full"), (3, 1, "same")]
)
def test_conv_input_length_inverts_output_length(size, stride, pad):
    for length in range(8, 14):
        out = conv_output_length(length, size, stride, pad)
        smallest = conv_input_length(out, size, stride, pad)
        assert smallest <= length < smallest + stride
        assert conv_output_length(smallest, size, stride, pad) == out


def test_conv_output_length_rejects_unknown_pad():
    with pytest.raises(ValueError, match="Invalid pad"):
        conv_output_length(10, 3, 1, "half-ish")


class TestConv2DLayer:
    SHAPE = (None, 3, 9, 8)

    def test_output_shape_matches_output_over_a_grid(self, rng):
        grid = [
            (f, s, p)
            for f in (3, (3, 1))
            for s in (1, 2, (3, 1))
            for p in (0, 2, "same", "full", (1, 2))
        ]
        l_in = InputLayer(self.SHAPE)
        layers = [Conv2DLayer(l_in, 2, f, stride=s, pad=p) for f, s, p in grid]
        outs = pytensor.function([l_in.input_var], get_output(layers))(
            rng.normal(size=(2, 3, 9, 8)).astype(pytensor.config.floatX)
        )
        for layer, out, case in zip(layers, outs, grid):
            assert out.shape == (2,) + get_output_shape(layer)[1:], case

    @pytest.mark.parametrize(
        "pad,stride,flip",
        [(0, 1, True), ("same", 1, False), ("full", 2, True), ((2, 1), (1, 2), False)],
        ids=["valid", "same-corr", "full-s2", "pad21-s12-corr"],
    )
    def test_values_match_loop_reference(self, pad, stride, flip, backend, rng):
        x = rng.normal(size=(2, 3, 9, 8)).astype(pytensor.config.floatX)
        layer = Conv2DLayer(
            self.SHAPE,
            4,
            3,
            stride=stride,
            pad=pad,
            flip_filters=flip,
            nonlinearity=None,
        )
        _randomize(layer, rng)
        X = pt.tensor4("X")
        out = pytensor.function([X], layer.get_output_for(X))(x)
        numeric = {"valid": 0, "same": 1, "full": 2}
        pads = pad if isinstance(pad, tuple) else (numeric.get(pad, pad),) * 2
        strides = stride if isinstance(stride, tuple) else (stride, stride)
        expected = conv2d_loop(x, layer.W.get_value(), strides, pads, flip)
        expected += layer.b.get_value()[None, :, None, None]
        np.testing.assert_allclose(out, expected, atol=ATOL)

    def test_untied_biases_have_one_value_per_position(self, rng):
        layer = Conv2DLayer(self.SHAPE, 4, 3, untie_biases=True, nonlinearity=None)
        assert layer.b.get_value().shape == (4, 7, 6)
        _randomize(layer, rng)
        x = rng.normal(size=(2, 3, 9, 8))
        out = layer.get_output_for(pt.as_tensor(x)).eval()
        expected = conv2d_loop(x, layer.W.get_value()) + layer.b.get_value()
        np.testing.assert_allclose(out, expected, atol=ATOL)

    def test_nonlinearity_defaults_to_rectify(self, rng):
        layer = Conv2DLayer(self.SHAPE, 4, 3)
        assert layer.nonlinearity is nonlinearities.rectify
        out = layer.get_output_for(pt.as_tensor(rng.normal(size=(2, 3, 9, 8)))).eval()
        assert out.min() >= 0

    def test_params_shapes_and_tags(self):
        layer = Conv2DLayer(self.SHAPE, 4, (3, 2), name="conv")
        assert layer.W.get_value().shape == (4, 3, 3, 2)
        assert layer.b.get_value().shape == (4,)
        assert layer.get_params(regularizable=True) == [layer.W]
        assert layer.get_params(trainable=True) == [layer.W, layer.b]
        assert layer.W.name == "conv.W"
        assert Conv2DLayer(self.SHAPE, 4, 3, b=None).b is None

    def test_constructor_errors_explain(self):
        with pytest.raises(ValueError, match="Expected 4 input dimensions"):
            Conv2DLayer((None, 3, 9), 4, 3)
        with pytest.raises(NotImplementedError, match="odd filter"):
            Conv2DLayer(self.SHAPE, 4, 2, pad="same")
        with pytest.raises(ValueError, match="input channels"):
            Conv2DLayer((None, None, 9, 8), 4, 3)

    def test_repr_shows_output_shape(self):
        assert (
            repr(Conv2DLayer(self.SHAPE, 4, 3, name="c1"))
            == "Conv2DLayer('c1', output_shape=(None, 4, 7, 6))"
        )

    def test_unknown_image_size_runs_on_cpu(self, rng):
        layer = Conv2DLayer((None, 3, None, None), 2, 3, pad="same")
        assert layer.output_shape == (None, 2, None, None)
        out = layer.get_output_for(pt.as_tensor(rng.normal(size=(1, 3, 5, 6)))).eval()
        assert out.shape == (1, 2, 5, 6)

    def test_gradient_matches_numeric(self, rng):
        layer = Conv2DLayer(
            (2, 2, 6, 5), 3, 3, stride=2, pad=1, nonlinearity=nonlinearities.tanh
        )
        _randomize(layer, rng)
        pytensor.gradient.verify_grad(
            lambda x: layer.get_output_for(x), [rng.normal(size=(2, 2, 6, 5))], rng=rng
        )


class TestConv1DLayer:
    def test_values_match_conv2d_on_one_row(self, backend, rng):
        x = rng.normal(size=(2, 3, 10)).astype(pytensor.config.floatX)
        layer = Conv1DLayer(
            (None, 3, 10), 4, 3, stride=2, pad="same", nonlinearity=None
        )
        _randomize(layer, rng)
        X = pt.tensor3("X")
        out = pytensor.function([X], layer.get_output_for(X))(x)
        assert out.shape[1:] == layer.output_shape[1:] == (4, 5)
        expected = (
            conv2d_loop(x[:, :, None], layer.W.get_value()[:, :, None], (1, 2), (0, 1))[
                :, :, 0
            ]
            + layer.b.get_value()[:, None]
        )
        np.testing.assert_allclose(out, expected, atol=ATOL)


class TestTransposedConv2DLayer:
    @pytest.mark.parametrize(
        "stride,crop",
        [(1, 0), (2, 1), ((2, 3), "full"), (2, "same")],
        ids=["s1", "s2c1", "s23full", "s2same"],
    )
    def test_output_shape_and_values(self, stride, crop, backend, rng):
        x = rng.normal(size=(2, 3, 4, 5)).astype(pytensor.config.floatX)
        layer = TransposedConv2DLayer(
            (None, 3, 4, 5), 2, 3, stride=stride, crop=crop, nonlinearity=None
        )
        _randomize(layer, rng)
        X = pt.tensor4("X")
        out = pytensor.function([X], layer.get_output_for(X))(x)
        assert out.shape == (2,) + layer.output_shape[1:]
        strides = stride if isinstance(stride, tuple) else (stride, stride)
        pad = {"full": 2, "same": 1}.get(crop, crop)
        # as in Lasagne, flip_filters=False (default) transposes a flipping convolution
        expected = conv_transpose2d_loop(
            x, layer.W.get_value(), out.shape[2:], strides, (pad, pad), flip=True
        )
        expected += layer.b.get_value()[None, :, None, None]
        np.testing.assert_allclose(out, expected, atol=ATOL)

    def test_undoes_the_shape_of_a_strided_conv(self):
        l_in = InputLayer((None, 1, 28, 28))
        l_conv = Conv2DLayer(l_in, 8, 5, stride=2, pad=2)
        l_up = TransposedConv2DLayer(l_conv, 1, 5, stride=2, crop=2, output_size=28)
        assert l_conv.output_shape == (None, 8, 14, 14)
        assert l_up.output_shape == (None, 1, 28, 28)
        assert TransposedConv2DLayer(l_conv, 1, 5, stride=2, crop=2).output_shape == (
            None,
            1,
            27,
            27,
        )

    def test_W_has_the_forward_convolutions_shape(self):
        layer = Deconv2DLayer((None, 3, 4, 5), 7, (2, 3))
        assert layer.W.get_value().shape == (3, 7, 2, 3)
        assert layer.b.get_value().shape == (7,)
        assert Deconv2DLayer is TransposedConv2DLayer

    def test_gradient_matches_numeric(self, rng):
        layer = TransposedConv2DLayer(
            (2, 2, 3, 4), 3, 3, stride=2, crop=1, nonlinearity=None
        )
        _randomize(layer, rng)
        pytensor.gradient.verify_grad(
            lambda x: layer.get_output_for(x), [rng.normal(size=(2, 2, 3, 4))], rng=rng
        )


class TestDilatedConv2DLayer:
    def test_values_match_loop_reference(self, backend, rng):
        x = rng.normal(size=(2, 2, 9, 10)).astype(pytensor.config.floatX)
        layer = DilatedConv2DLayer(
            (None, 2, 9, 10), 3, 3, dilation=(2, 3), nonlinearity=None
        )
        _randomize(layer, rng)
        X = pt.tensor4("X")
        out = pytensor.function([X], layer.get_output_for(X))(x)
        assert out.shape[1:] == layer.output_shape[1:] == (3, 5, 4)
        expected = conv2d_loop(x, layer.W.get_value(), flip=False, dilation=(2, 3))
        np.testing.assert_allclose(
            out, expected + layer.b.get_value()[:, None, None], atol=ATOL
        )

    def test_padding_is_rejected(self):
        with pytest.raises(NotImplementedError, match="pad=0"):
            DilatedConv2DLayer((None, 2, 9, 10), 3, 3, dilation=2, pad=1)
