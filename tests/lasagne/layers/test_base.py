"""Layer and MergeLayer: the contract every layer builds on."""

import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest

from helpers.lasagne import init
from helpers.lasagne.layers import InputLayer, Layer, MergeLayer


class LowRankDenseLayer(Layer):
    """(batch, num_inputs) -> (batch, num_units), W = U @ V (style guide example)."""

    def __init__(
        self,
        incoming,
        num_units,
        rank,
        U=init.GlorotUniform(),
        V=init.GlorotUniform(),
        **kwargs,
    ):
        super().__init__(incoming, **kwargs)
        self.num_units = num_units
        self.U = self.add_param(U, (self.input_shape[1], rank), name="U")
        self.V = self.add_param(V, (rank, num_units), name="V", regularizable=False)

    def get_output_shape_for(self, input_shape):
        return (input_shape[0], self.num_units)

    def get_output_for(self, input, **kwargs):
        return input @ self.U @ self.V


class TestLayer:
    def test_incoming_can_be_a_shape_or_a_layer(self):
        from_shape = LowRankDenseLayer((None, 6), 4, 2)
        assert from_shape.input_layer is None and from_shape.input_shape == (None, 6)
        l_in = InputLayer((None, 6))
        from_layer = LowRankDenseLayer(l_in, 4, 2)
        assert from_layer.input_layer is l_in and from_layer.input_shape == (None, 6)
        assert from_layer.output_shape == (None, 4)

    def test_incoming_of_the_wrong_type_is_explained(self):
        with pytest.raises(TypeError, match="ConcatLayer"):
            Layer([InputLayer((None, 3))])

    @pytest.mark.parametrize("shape", [(None, 0), (None, -2), (None, 2.5)])
    def test_non_positive_sizes_are_rejected(self, shape):
        with pytest.raises(ValueError, match="positive int or None"):
            Layer(shape)

    def test_add_param_prefixes_names_and_sets_default_tags(self):
        layer = LowRankDenseLayer((None, 6), 4, 2, name="lr")
        assert [p.name for p in layer.params] == ["lr.U", "lr.V"]
        assert layer.params[layer.U] == {"trainable", "regularizable"}
        assert layer.params[layer.V] == {"trainable"}

    def test_add_param_without_layer_name_keeps_the_plain_name(self):
        assert LowRankDenseLayer((None, 6), 4, 2).U.name == "U"

    def test_add_param_accepts_custom_tags(self):
        layer = Layer((None, 3))
        p = layer.add_param(
            init.Constant(1.0), (3,), name="g", trainable=False, special=True
        )
        assert layer.params[p] == {"regularizable", "special"}

    def test_get_params_filters_by_tags(self):
        layer = LowRankDenseLayer((None, 6), 4, 2)
        assert layer.get_params() == [layer.U, layer.V]
        assert layer.get_params(regularizable=True) == [layer.U]
        assert layer.get_params(regularizable=False) == [layer.V]
        assert layer.get_params(trainable=True, regularizable=False) == [layer.V]
        assert layer.get_params(trainable=False) == []

    def test_get_params_unwraps_expression_parameters(self):
        s = pytensor.shared(np.ones((6, 2)), name="s")
        layer = LowRankDenseLayer((None, 6), 4, 2, U=2 * s)
        assert layer.get_params(unwrap_shared=False)[0] is layer.U
        assert layer.get_params()[0] is s

    def test_shared_parameters_are_reused(self):
        a = LowRankDenseLayer((None, 6), 4, 2)
        b = LowRankDenseLayer((None, 6), 4, 2, U=a.U, V=a.V)
        assert b.U is a.U and b.V is a.V

    def test_output_for_matches_numpy(self, rng):
        layer = LowRankDenseLayer((None, 6), 4, 2)
        x = pt.matrix("x")
        X = rng.normal(size=(3, 6))
        out = pytensor.function([x], layer.get_output_for(x))(X)
        np.testing.assert_allclose(out, X @ layer.U.get_value() @ layer.V.get_value())

    def test_symbolic_output_shape_is_an_error(self):
        class Bad(Layer):
            def get_output_shape_for(self, input_shape):
                return (pt.iscalar(),)

        with pytest.raises(ValueError, match="ints and None"):
            Bad((None, 3)).output_shape

    def test_base_get_output_for_must_be_implemented(self):
        with pytest.raises(NotImplementedError, match="get_output_for"):
            Layer((None, 3)).get_output_for(pt.matrix())

    def test_repr_shows_class_name_and_output_shape(self):
        assert repr(LowRankDenseLayer((None, 6), 4, 2, name="l_hidden")) == (
            "LowRankDenseLayer('l_hidden', output_shape=(None, 4))"
        )
        assert repr(Layer((None, 3))) == "Layer(output_shape=(None, 3))"


class SumLayer(MergeLayer):
    def get_output_shape_for(self, input_shapes):
        return input_shapes[0]

    def get_output_for(self, inputs, **kwargs):
        return sum(inputs)


class TestMergeLayer:
    def test_inputs_can_mix_layers_and_shapes(self):
        l_in = InputLayer((None, 3))
        layer = SumLayer([l_in, (None, 3)])
        assert layer.input_layers == [l_in, None]
        assert layer.input_shapes == [(None, 3), (None, 3)]
        assert layer.output_shape == (None, 3)

    def test_a_single_layer_must_be_wrapped_in_a_list(self):
        with pytest.raises(TypeError, match="list"):
            SumLayer(InputLayer((None, 3)))

    def test_bad_shape_in_the_list(self):
        with pytest.raises(ValueError, match="positive"):
            SumLayer([(None, 3), (None, 0)])

    def test_merge_layer_has_params_too(self):
        layer = SumLayer([(None, 3), (None, 3)], name="m")
        p = layer.add_param(init.Constant(0.0), (3,), name="b", regularizable=False)
        assert layer.get_params(regularizable=False) == [p] and p.name == "m.b"

    def test_abstract_methods(self):
        layer = MergeLayer([(None, 3)])
        with pytest.raises(NotImplementedError):
            layer.output_shape
        with pytest.raises(NotImplementedError):
            layer.get_output_for([pt.matrix()])
