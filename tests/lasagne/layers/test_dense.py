"""DenseLayer and NINLayer against loop references, shapes, tags, errors."""

import numpy as np
import pytensor
import pytest

from helpers.lasagne import init, nonlinearities
from helpers.lasagne.layers import DenseLayer, InputLayer, NINLayer, get_output
from tests import reference as ref


def run(layer, X):
    l_in = layer.input_layer
    return pytensor.function([l_in.input_var], get_output(layer))(X)


class TestDenseLayer:
    @pytest.mark.parametrize("use_bias", [True, False], ids=["bias", "nobias"])
    @pytest.mark.parametrize(
        "shape,lead",
        [
            ((3, 5), 1),
            ((3, 2, 4), 1),
            ((3, 2, 4), 2),
            ((3, 2, 4), -1),
            ((2, 3, 2, 2), 1),
        ],
        ids=["2d", "3d-flatten", "3d-lead2", "3d-last", "4d"],
    )
    def test_matches_loop_reference(self, shape, lead, use_bias, rng, backend):
        l_in = InputLayer((None,) + shape[1:])
        b = init.Normal(1.0) if use_bias else None
        layer = DenseLayer(
            l_in, 3, b=b, nonlinearity=nonlinearities.tanh, num_leading_axes=lead
        )
        X = rng.normal(size=shape)
        out = run(layer, X)
        n_lead = lead if lead > 0 else len(shape) + lead
        expected = ref.dense(
            X,
            layer.W.get_value(),
            layer.b.get_value() if use_bias else None,
            np.tanh,
            n_lead,
        )
        np.testing.assert_allclose(out, expected, atol=1e-8)
        assert out.shape[1:] == layer.output_shape[1:]

    def test_default_nonlinearity_is_rectify_and_none_is_identity(self, rng):
        assert DenseLayer((None, 3), 2).nonlinearity is nonlinearities.rectify
        assert (
            DenseLayer((None, 3), 2, nonlinearity=None).nonlinearity
            is nonlinearities.identity
        )

    def test_params_shapes_names_and_tags(self):
        layer = DenseLayer((None, 1, 28, 28), 800, name="l_hidden")
        assert layer.W.get_value().shape == (784, 800)
        assert layer.b.get_value().shape == (800,)
        assert [p.name for p in layer.get_params()] == ["l_hidden.W", "l_hidden.b"]
        assert layer.get_params(regularizable=True) == [layer.W]
        assert len(DenseLayer((None, 3), 2, b=None).get_params()) == 1

    def test_default_init_is_glorot_uniform(self):
        W = DenseLayer((None, 300), 500).W.get_value()
        bound = np.sqrt(6 / 800)
        assert np.abs(W).max() <= bound and np.abs(W).max() > 0.99 * bound

    def test_given_array_is_used(self):
        W = np.arange(6.0).reshape(3, 2)
        np.testing.assert_array_equal(DenseLayer((None, 3), 2, W=W).W.get_value(), W)

    def test_wrong_array_shape_is_explained(self):
        with pytest.raises(ValueError, match=r"\(2, 3\), expected \(3, 2\)"):
            DenseLayer((None, 3), 2, W=np.zeros((2, 3)))

    def test_unknown_feature_size_is_explained(self):
        with pytest.raises(ValueError, match="Give the InputLayer a concrete shape"):
            DenseLayer((None, None, 28), 10)

    @pytest.mark.parametrize("lead", [2, -3])
    def test_bad_num_leading_axes(self, lead):
        with pytest.raises(ValueError, match="num_leading_axes"):
            DenseLayer((None, 4), 3, num_leading_axes=lead)

    @pytest.mark.parametrize(
        "shape,lead,expected",
        [
            ((None, 5), 1, (None, 7)),
            ((None, 2, 3), 1, (None, 7)),
            ((None, 2, 3), 2, (None, 2, 7)),
            ((4, None, 3), -1, (4, None, 7)),
        ],
    )
    def test_output_shape(self, shape, lead, expected):
        assert DenseLayer(shape, 7, num_leading_axes=lead).output_shape == expected

    def test_repr(self):
        assert repr(DenseLayer((None, 3), 10, name="l_out")) == (
            "DenseLayer('l_out', output_shape=(None, 10))"
        )


class TestNINLayer:
    @pytest.mark.parametrize("untie", [False, True], ids=["tied", "untied"])
    @pytest.mark.parametrize("shape", [(2, 3, 4, 5), (2, 3, 6)], ids=["2d", "1d"])
    def test_matches_reference(self, shape, untie, rng, backend):
        l_in = InputLayer((None,) + shape[1:])
        layer = NINLayer(
            l_in, 4, untie_biases=untie, b=init.Normal(1.0), nonlinearity=None
        )
        X = rng.normal(size=shape)
        out = run(layer, X)
        b = layer.b.get_value()
        expected = ref.nin(X, layer.W.get_value(), None)
        expected = expected + (
            b[None] if untie else b.reshape((1, 4) + (1,) * (len(shape) - 2))
        )
        np.testing.assert_allclose(out, expected, atol=1e-8)
        assert out.shape[1:] == layer.output_shape[1:]
        assert layer.b.get_value().shape == ((4,) + shape[2:] if untie else (4,))

    def test_needs_a_channel_size(self):
        with pytest.raises(ValueError, match="fixed number of channels"):
            NINLayer((None, None, 3, 3), 2)
