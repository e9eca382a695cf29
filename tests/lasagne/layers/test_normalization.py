"""Tests of helpers.lasagne.layers.normalization: batch norm and local response norm."""

import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest

from helpers.lasagne import nonlinearities
from helpers.lasagne.layers import (
    BatchNormLayer,
    Conv2DLayer,
    DenseLayer,
    InputLayer,
    LocalResponseNormalization2DLayer,
    NonlinearityLayer,
    batch_norm,
    get_all_params,
    get_output,
)
from tests.reference import batch_norm_train, local_response_norm

ATOL = 1e-8 if pytensor.config.floatX == "float64" else 1e-5
floatX = pytensor.config.floatX


def _randomize(layer, rng):
    for param in layer.get_params():
        shape = param.get_value().shape
        value = rng.uniform(0.5, 1.5, size=shape)
        param.set_value(value.astype(param.dtype))


class TestBatchNormLayer:
    def test_axes_auto_normalizes_per_channel(self):
        assert BatchNormLayer((None, 3, 4, 5)).axes == (0, 2, 3)
        assert BatchNormLayer((None, 7)).axes == (0,)
        assert BatchNormLayer((None, 3, 4, 5)).gamma.get_value().shape == (3,)
        assert BatchNormLayer((None, 3, 4), axes=(0, 1)).mean.get_value().shape == (4,)

    def test_params_tags(self):
        layer = BatchNormLayer((None, 3), name="bn")
        assert layer.get_params(trainable=True) == [layer.beta, layer.gamma]
        assert layer.get_params(regularizable=True) == [layer.gamma]
        assert layer.get_params(trainable=False) == [layer.mean, layer.inv_std]
        assert [p.name for p in layer.get_params()] == [
            "bn.beta",
            "bn.gamma",
            "bn.mean",
            "bn.inv_std",
        ]
        bare = BatchNormLayer((None, 3), beta=None, gamma=None)
        assert bare.get_params() == [bare.mean, bare.inv_std]

    def test_unknown_feature_size_is_an_error(self):
        with pytest.raises(ValueError, match="known sizes"):
            BatchNormLayer((None, None, 4, 4))

    def test_training_uses_batch_statistics(self, backend, rng):
        x = rng.normal(3.0, 2.0, size=(8, 3, 4, 5)).astype(floatX)
        layer = BatchNormLayer((None, 3, 4, 5))
        _randomize(layer, rng)
        X = pt.tensor4("X")
        out = pytensor.function([X], layer.get_output_for(X))(x)
        expected, _, _ = batch_norm_train(
            x, layer.gamma.get_value(), layer.beta.get_value(), (0, 2, 3)
        )
        np.testing.assert_allclose(out, expected, atol=1e-6)

    def test_deterministic_uses_stored_averages(self, backend, rng):
        x = rng.normal(size=(4, 6)).astype(floatX)
        layer = BatchNormLayer((None, 6))
        _randomize(layer, rng)
        X = pt.matrix("X")
        out = pytensor.function([X], layer.get_output_for(X, deterministic=True))(x)
        expected = (
            x - layer.mean.get_value()
        ) * layer.inv_std.get_value() * layer.gamma.get_value() + layer.beta.get_value()
        np.testing.assert_allclose(out, expected, atol=ATOL)

    def test_running_averages_follow_the_batches(self, backend, rng):
        l_in = InputLayer((None, 2))
        layer = BatchNormLayer(l_in, alpha=0.5)
        train_fn = pytensor.function([l_in.input_var], get_output(layer))
        mean, inv_std = np.zeros(2), np.ones(2)
        for _ in range(3):
            x = rng.normal([1.0, -2.0], [0.5, 3.0], size=(16, 2)).astype(floatX)
            train_fn(x)
            mean = 0.5 * mean + 0.5 * x.mean(axis=0)
            inv_std = 0.5 * inv_std + 0.5 / np.sqrt(x.var(axis=0) + 1e-4)
            np.testing.assert_allclose(layer.mean.get_value(), mean, rtol=1e-5)
            np.testing.assert_allclose(layer.inv_std.get_value(), inv_std, rtol=1e-5)
        predict_fn = pytensor.function(
            [l_in.input_var], get_output(layer, deterministic=True)
        )
        predict_fn(x)
        np.testing.assert_allclose(layer.mean.get_value(), mean, rtol=1e-5)

    def test_switches_override_deterministic(self, rng):
        layer = BatchNormLayer((None, 2))
        X = pt.matrix("X")
        out = layer.get_output_for(X, deterministic=True, batch_norm_use_averages=False)
        x = rng.normal(size=(5, 2))
        np.testing.assert_allclose(out.eval({X: x}).mean(axis=0), 0, atol=1e-7)
        fn = pytensor.function(
            [X], layer.get_output_for(X, batch_norm_update_averages=False)
        )
        fn(x)
        np.testing.assert_array_equal(layer.mean.get_value(), 0)

    def test_gradient_matches_numeric(self, rng):
        layer = BatchNormLayer((None, 3, 2, 2))
        _randomize(layer, rng)
        pytensor.gradient.verify_grad(
            lambda x: layer.get_output_for(x, batch_norm_update_averages=False) ** 2,
            [rng.normal(size=(4, 3, 2, 2))],
            rng=rng,
        )


class TestBatchNormHelper:
    def test_moves_bias_and_nonlinearity_after_the_normalization(self):
        l_conv = Conv2DLayer((None, 1, 6, 6), 4, 3, name="conv")
        l_out = batch_norm(l_conv)
        assert isinstance(l_out, NonlinearityLayer)
        assert l_out.nonlinearity is nonlinearities.rectify
        l_bn = l_out.input_layer
        assert isinstance(l_bn, BatchNormLayer) and l_bn.name == "conv_bn"
        assert l_conv.b is None and l_conv.nonlinearity is nonlinearities.identity
        assert get_all_params(l_out) == [
            l_conv.W,
            l_bn.beta,
            l_bn.gamma,
            l_bn.mean,
            l_bn.inv_std,
        ]

    def test_output_equals_normalize_then_rectify(self, rng):
        l_in = InputLayer((None, 5))
        l_out = batch_norm(DenseLayer(l_in, 4))
        x = rng.normal(size=(10, 5)).astype(floatX)
        out = get_output(l_out, batch_norm_update_averages=False).eval(
            {l_in.input_var: x}
        )
        W = l_out.input_layer.input_layer.W.get_value()
        expected, _, _ = batch_norm_train(x @ W, np.ones(4), np.zeros(4), (0,))
        np.testing.assert_allclose(out, np.maximum(expected, 0), atol=1e-6)


class TestLocalResponseNormalization2DLayer:
    def test_values_match_reference(self, backend, rng):
        x = rng.normal(size=(2, 7, 3, 4)).astype(floatX) * 10
        layer = LocalResponseNormalization2DLayer((None, 7, 3, 4), alpha=1e-2, n=3)
        X = pt.tensor4("X")
        out = pytensor.function([X], layer.get_output_for(X))(x)
        np.testing.assert_allclose(
            out, local_response_norm(x, 1e-2, 2, 0.75, 3), rtol=1e-6
        )

    def test_defaults_and_even_n(self):
        layer = LocalResponseNormalization2DLayer((None, 7, 3, 4))
        assert (layer.alpha, layer.k, layer.beta, layer.n) == (1e-4, 2, 0.75, 5)
        with pytest.raises(NotImplementedError, match="odd"):
            LocalResponseNormalization2DLayer((None, 7, 3, 4), n=4)
