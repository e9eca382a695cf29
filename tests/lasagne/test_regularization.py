"""Penalties: values, biases left out, layer weighting."""

import numpy as np
import pytest

from helpers.lasagne import layers
from helpers.lasagne import regularization as reg


@pytest.fixture
def network():
    l_in = layers.InputLayer((None, 3))
    l_hid = layers.DenseLayer(l_in, 4, b=np.full(4, 5.0))
    l_out = layers.DenseLayer(l_hid, 2)
    return l_hid, l_out


def test_l1_and_l2_values(rng):
    x = rng.normal(size=(3, 4))
    np.testing.assert_allclose(reg.l1(x).eval(), np.abs(x).sum())
    np.testing.assert_allclose(reg.l2(x).eval(), (x**2).sum())


def test_apply_penalty_on_one_tensor_and_a_list(rng):
    a, b = rng.normal(size=3), rng.normal(size=(2, 2))
    np.testing.assert_allclose(
        reg.apply_penalty(reg.l2(a) * 0 + a, reg.l2).eval(), (a**2).sum()
    )
    import pytensor.tensor as pt

    both = reg.apply_penalty([pt.as_tensor(a), pt.as_tensor(b)], reg.l1).eval()
    np.testing.assert_allclose(both, np.abs(a).sum() + np.abs(b).sum())


def test_network_penalty_leaves_out_biases(network):
    l_hid, l_out = network
    expected = (l_hid.W.get_value() ** 2).sum() + (l_out.W.get_value() ** 2).sum()
    np.testing.assert_allclose(
        reg.regularize_network_params(l_out, reg.l2).eval(), expected
    )


def test_layer_penalty_covers_only_the_given_layers(network):
    l_hid, l_out = network
    out = reg.regularize_layer_params([l_out], reg.l1).eval()
    np.testing.assert_allclose(out, np.abs(l_out.W.get_value()).sum())
    single = reg.regularize_layer_params(l_hid, reg.l1).eval()
    np.testing.assert_allclose(single, np.abs(l_hid.W.get_value()).sum())


def test_weighted_layer_penalty(network):
    l_hid, l_out = network
    out = reg.regularize_layer_params_weighted({l_hid: 0.1, l_out: 0.5}, reg.l2).eval()
    expected = (
        0.1 * (l_hid.W.get_value() ** 2).sum() + 0.5 * (l_out.W.get_value() ** 2).sum()
    )
    np.testing.assert_allclose(out, expected)


def test_tags_can_select_biases_too(network):
    l_hid, _ = network
    out = reg.regularize_layer_params(l_hid, reg.l1, tags={"trainable": True}).eval()
    np.testing.assert_allclose(out, np.abs(l_hid.W.get_value()).sum() + 20.0)
