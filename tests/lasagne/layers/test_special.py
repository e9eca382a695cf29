"""Nonlinearity, Bias, Scale, Expression, Inverse and PReLU layers."""

import numpy as np
import pytensor
import pytest

from helpers.lasagne import init, nonlinearities
from helpers.lasagne import layers as L
from tests import reference as ref


def run(layer, X):
    l_in = L.get_all_layers(layer)[0]
    return pytensor.function([l_in.input_var], L.get_output(layer))(X)


def test_nonlinearity_layer(rng, backend):
    layer = L.NonlinearityLayer(L.InputLayer((None, 4)), nonlinearities.elu)
    X = rng.normal(size=(3, 4))
    np.testing.assert_allclose(run(layer, X), ref.elu(X), atol=1e-12)
    assert L.NonlinearityLayer((None, 4), None).nonlinearity is nonlinearities.identity


class TestBiasAndScale:
    @pytest.mark.parametrize(
        "shared_axes,param_shape",
        [("auto", (3,)), (0, (3, 4, 5)), ((0, 1), (4, 5))],
        ids=["auto", "axis0", "axes01"],
    )
    def test_bias_shapes_and_values(self, shared_axes, param_shape, rng, backend):
        layer = L.BiasLayer(
            L.InputLayer((None, 3, 4, 5)), b=init.Normal(1.0), shared_axes=shared_axes
        )
        b = layer.b.get_value()
        assert b.shape == param_shape
        axes = (0, 2, 3) if shared_axes == "auto" else np.atleast_1d(shared_axes)
        X = rng.normal(size=(2, 3, 4, 5))
        np.testing.assert_allclose(run(layer, X), X + np.expand_dims(b, tuple(axes)))
        assert layer.params[layer.b] == {"trainable"}

    def test_scale_values(self, rng, backend):
        layer = L.ScaleLayer(L.InputLayer((None, 3, 2)), scales=init.Normal(1.0))
        s = layer.scales.get_value()
        X = rng.normal(size=(2, 3, 2))
        np.testing.assert_allclose(run(layer, X), X * s[None, :, None])

    def test_no_bias_is_identity(self):
        layer = L.BiasLayer(L.InputLayer((None, 3)), b=None)
        assert L.get_output(layer) is layer.input_layer.input_var

    def test_unknown_size_on_an_unshared_axis(self):
        with pytest.raises(ValueError, match="Add the unknown axes to shared_axes"):
            L.BiasLayer((None, None, 3))


class TestExpressionLayer:
    def test_same_shape_by_default(self, rng, backend):
        layer = L.ExpressionLayer(L.InputLayer((None, 3)), lambda x: 2 * x)
        X = rng.normal(size=(2, 3))
        np.testing.assert_allclose(run(layer, X), 2 * X)
        assert layer.output_shape == (None, 3)

    def test_given_callable_and_auto_shapes(self):
        fn = lambda x: x.mean(axis=-1)  # noqa: E731
        assert L.ExpressionLayer(
            (None, 3, 4), fn, output_shape=(None, 3)
        ).output_shape == (None, 3)
        by_fn = L.ExpressionLayer((None, 3, 4), fn, output_shape=lambda s: s[:-1])
        assert by_fn.output_shape == (None, 3)
        assert L.ExpressionLayer(
            (None, 3, 4), fn, output_shape="auto"
        ).output_shape == (None, 3)


def test_inverse_of_a_dense_layer_is_the_transpose(rng, backend):
    l_in = L.InputLayer((None, 4))
    dense = L.DenseLayer(l_in, 3, nonlinearity=None)
    inverse = L.InverseLayer(dense, dense)
    assert inverse.output_shape == (None, 4)
    f = pytensor.function(
        [l_in.input_var], [L.get_output(dense), L.get_output(inverse)]
    )
    X = rng.normal(size=(2, 4))
    h, back = f(X)
    np.testing.assert_allclose(back, h @ dense.W.get_value().T, atol=1e-10)


class TestParametricRectifier:
    def test_values_and_tags(self, rng, backend):
        layer = L.ParametricRectifierLayer(
            L.InputLayer((None, 3, 2)), alpha=init.Normal(0.2)
        )
        a = layer.alpha.get_value()
        assert a.shape == (3,) and layer.params[layer.alpha] == {"trainable"}
        X = rng.normal(size=(4, 3, 2))
        np.testing.assert_allclose(
            run(layer, X), np.where(X > 0, X, a[None, :, None] * X)
        )

    def test_all_shared_gives_one_slope(self):
        assert (
            L.ParametricRectifierLayer((None, 3), shared_axes="all")
            .alpha.get_value()
            .shape
            == ()
        )

    def test_prelu_replaces_the_nonlinearity(self):
        dense = L.DenseLayer((None, 3), 2)
        layer = L.prelu(dense)
        assert dense.nonlinearity is nonlinearities.identity
        assert (
            isinstance(layer, L.ParametricRectifierLayer) and layer.input_layer is dense
        )
