"""EmbeddingLayer: a lookup table."""

import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest

from helpers.lasagne import layers as L


def test_lookup_matches_numpy_indexing(rng, backend):
    ids = pt.imatrix("ids")
    layer = L.EmbeddingLayer(L.InputLayer((None, 5), ids), input_size=10, output_size=3)
    assert layer.output_shape == (None, 5, 3)
    X = rng.integers(0, 10, size=(2, 5)).astype("int32")
    out = pytensor.function([ids], L.get_output(layer))(X)
    np.testing.assert_array_equal(out, layer.W.get_value()[X])


def test_gradient_reaches_only_the_rows_used(rng):
    ids = pt.ivector("ids")
    layer = L.EmbeddingLayer(L.InputLayer((None,), ids), 6, 2)
    grad = pytensor.grad(L.get_output(layer).sum(), layer.W)
    g = pytensor.function([ids], grad)(np.array([1, 1, 4], dtype="int32"))
    np.testing.assert_array_equal(g[:, 0], [0, 2, 0, 0, 1, 0])


def test_default_init_is_normal_001():
    W = L.EmbeddingLayer((None, 3), 500, 400).W.get_value()
    assert abs(W.std() - 0.01) < 0.001


def test_float_ids_are_explained():
    layer = L.EmbeddingLayer(L.InputLayer((None, 3)), 5, 2)
    with pytest.raises(TypeError, match="integer ids"):
        L.get_output(layer)
