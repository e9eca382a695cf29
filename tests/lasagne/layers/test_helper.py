"""Graph helpers: one topological walk behind outputs, shapes and parameters."""

import warnings

import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest

from helpers.lasagne import layers as L


@pytest.fixture
def diamond():
    """l_in -> (a, b) -> concat -> out."""
    l_in = L.InputLayer((None, 4), name="in")
    a = L.DenseLayer(l_in, 3, name="a")
    b = L.DenseLayer(l_in, 2, name="b", nonlinearity=None)
    cat = L.ConcatLayer([a, b], name="cat")
    out = L.DenseLayer(cat, 1, name="out", nonlinearity=None)
    return l_in, a, b, cat, out


class TestGetAllLayers:
    def test_topological_order(self, diamond):
        assert L.get_all_layers(diamond[-1]) == list(diamond)

    def test_several_outputs_share_layers_once(self, diamond):
        l_in, a, b, cat, out = diamond
        assert L.get_all_layers([a, out]) == [l_in, a, b, cat, out]

    def test_treat_as_input_stops_the_walk(self, diamond):
        l_in, a, b, cat, out = diamond
        assert L.get_all_layers(out, treat_as_input=[cat]) == [cat, out]

    def test_very_deep_networks_need_no_recursion(self):
        layer = L.InputLayer((None, 2))
        for _ in range(3000):
            layer = L.NonlinearityLayer(layer, None)
        assert len(L.get_all_layers(layer)) == 3001

    def test_layer_built_from_a_shape_is_its_own_root(self):
        layer = L.DenseLayer((None, 3), 2)
        assert L.get_all_layers(layer) == [layer]


class TestGetOutput:
    def test_uses_input_vars_and_matches_numpy(self, diamond, rng):
        l_in, a, b, cat, out = diamond
        f = pytensor.function([l_in.input_var], L.get_output(out))
        X = rng.normal(size=(5, 4))
        h = np.concatenate(
            [np.maximum(X @ a.W.get_value(), 0), X @ b.W.get_value()], axis=1
        )
        np.testing.assert_allclose(f(X), h @ out.W.get_value(), atol=1e-8)

    def test_a_list_gives_a_list(self, diamond):
        outs = L.get_output([diamond[1], diamond[2]])
        assert isinstance(outs, list) and len(outs) == 2

    def test_single_expression_replaces_the_input(self, diamond, rng):
        x = pt.matrix("x")
        out = L.get_output(diamond[-1], x)
        assert diamond[0].input_var not in pytensor.graph.graph_inputs([out])
        X = rng.normal(size=(2, 4)).astype(pytensor.config.floatX)
        np.testing.assert_allclose(
            pytensor.function([x], out)(X),
            pytensor.function([diamond[0].input_var], L.get_output(diamond[-1]))(X),
        )

    def test_numpy_input_becomes_a_constant(self, diamond, rng):
        X = rng.normal(size=(2, 4))
        out = L.get_output(diamond[-1], X)
        assert out.eval().shape == (2, 1)

    def test_dict_inputs_may_replace_inner_layers(self, diamond, rng):
        l_in, a, b, cat, out = diamond
        h = pt.matrix("h")
        expr = L.get_output(out, {cat: h})
        H = rng.normal(size=(3, 5))
        np.testing.assert_allclose(
            pytensor.function([h], expr)(H), H @ out.W.get_value(), atol=1e-8
        )

    def test_free_floating_layer_needs_an_input(self):
        layer = L.DenseLayer((None, 3), 2)
        with pytest.raises(ValueError, match="inputs=\\{layer: expression\\}"):
            L.get_output(layer)
        assert L.get_output(layer, {layer: pt.matrix()}).ndim == 2

    def test_one_expression_for_two_inputs_is_an_error(self):
        merged = L.ElemwiseSumLayer([L.InputLayer((None, 2)), L.InputLayer((None, 2))])
        with pytest.raises(ValueError, match="2 input layers"):
            L.get_output(merged, pt.matrix())

    def test_misspelt_keyword_warns_with_the_closest_name(self, diamond):
        with pytest.warns(
            UserWarning, match="determinstic \\(perhaps you meant deterministic\\)"
        ):
            L.get_output(diamond[-1], determinstic=True)

    def test_accepted_keywords_do_not_warn(self, diamond):
        with warnings.catch_warnings():
            warnings.simplefilter("error", UserWarning)
            L.get_output(diamond[-1], deterministic=True)

    def test_keyword_declared_in_get_output_kwargs_is_accepted(self):
        class Special(L.Layer):
            def __init__(self, incoming, **kwargs):
                super().__init__(incoming, **kwargs)
                self.get_output_kwargs = ["batch_norm_use_averages"]

            def get_output_for(self, input, **kwargs):
                return input

        with warnings.catch_warnings():
            warnings.simplefilter("error", UserWarning)
            L.get_output(Special(L.InputLayer((None, 2))), batch_norm_use_averages=True)


class TestGetOutputShape:
    def test_defaults_to_output_shape(self, diamond):
        assert L.get_output_shape(diamond[-1]) == (None, 1)
        assert L.get_output_shape([diamond[1], diamond[3]]) == [(None, 3), (None, 5)]

    def test_other_input_shape(self):
        l_in = L.InputLayer((None, 1, 4, 4))
        flat = L.FlattenLayer(l_in)
        assert L.get_output_shape(flat, (7, 2, 3, 3)) == (7, 18)
        assert L.get_output_shape(flat, {l_in: (None, 3, 2, 2)}) == (None, 12)


class TestParams:
    def test_get_all_params_in_layer_order_with_tags(self, diamond):
        l_in, a, b, cat, out = diamond
        assert L.get_all_params(out) == [a.W, a.b, b.W, b.b, out.W, out.b]
        assert L.get_all_params(out, regularizable=True) == [a.W, b.W, out.W]
        assert L.get_all_params(out, trainable=False) == []

    def test_shared_weights_are_listed_once(self):
        l_in = L.InputLayer((None, 3))
        a = L.DenseLayer(l_in, 3)
        b = L.DenseLayer(a, 3, W=a.W, b=a.b)
        assert L.get_all_params(b) == [a.W, a.b]
        assert L.count_params(b) == 12

    def test_count_params(self, diamond):
        assert L.count_params(diamond[-1]) == (4 * 3 + 3) + (4 * 2 + 2) + (5 + 1)
        assert L.count_params(diamond[-1], regularizable=True) == 12 + 8 + 5

    def test_values_round_trip(self, diamond):
        out = diamond[-1]
        saved = L.get_all_param_values(out)
        L.set_all_param_values(out, [np.zeros_like(v) for v in saved])
        assert all(np.all(v == 0) for v in L.get_all_param_values(out))
        L.set_all_param_values(out, saved)
        for old, new in zip(saved, L.get_all_param_values(out)):
            np.testing.assert_array_equal(old, new)

    def test_wrong_number_of_values(self, diamond):
        with pytest.raises(ValueError, match="got 1 arrays for 6 parameters"):
            L.set_all_param_values(diamond[-1], [np.zeros(3)])

    def test_wrong_shape_names_the_layer_and_both_shapes(self, diamond):
        values = L.get_all_param_values(diamond[-1])
        values[2] = np.zeros((5, 2))
        with pytest.raises(
            ValueError, match=r"b\.W.*DenseLayer\('b'.*\(5, 2\).*\(4, 2\)"
        ):
            L.set_all_param_values(diamond[-1], values)


@pytest.mark.parametrize("rows,batch", [(4, 1), (6, 3)], ids=["4rows-b1", "6rows-b3"])
def test_get_output_shape_matches_the_computed_shape_of_every_layer(rows, batch, rng):
    """A chain through every core layer: predicted shapes equal real ones."""
    l_in = L.InputLayer((None, 2, rows, 5))
    chain = [
        L.PadLayer(l_in, 1),
        L.NINLayer,
        L.BiasLayer,
        L.ScaleLayer,
        L.ParametricRectifierLayer,
        L.DropoutLayer,
        L.GaussianNoiseLayer,
        L.NonlinearityLayer,
    ]
    layer = chain[0]
    for cls in chain[1:]:
        layer = cls(layer, 3) if cls is L.NINLayer else cls(layer)
    layer = L.SliceLayer(layer, slice(1, None), axis=2)
    layer = L.DimshuffleLayer(layer, (0, 2, 3, 1))
    layer = L.ReshapeLayer(layer, ([0], [1], -1))
    layer = L.ConcatLayer([layer, L.DenseLayer(layer, 4, num_leading_axes=2)], axis=2)
    layer = L.ElemwiseSumLayer([layer, L.ExpressionLayer(layer, lambda x: 2 * x)])
    layer = L.FlattenLayer(layer)
    layer = L.DenseLayer(layer, 7)
    layers = L.get_all_layers(layer)[1:]
    f = pytensor.function([l_in.input_var], L.get_output(layers))
    computed = [out.shape for out in f(rng.normal(size=(batch, 2, rows, 5)))]
    assert computed == L.get_output_shape(layers, (batch, 2, rows, 5))
    assert [lay.output_shape[1:] for lay in layers] == [c[1:] for c in computed]
