"""Nonlinearities match NumPy; softmax is row-wise."""

import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest

from helpers.lasagne import nonlinearities as nl
from tests import reference as ref

CASES = {
    "sigmoid": (nl.sigmoid, ref.sigmoid),
    "tanh": (nl.tanh, np.tanh),
    "scaled_tanh": (
        nl.ScaledTanH(2 / 3, 1.7159),
        lambda x: 1.7159 * np.tanh(2 / 3 * x),
    ),
    "rectify": (nl.rectify, ref.rectify),
    "leaky_rectify": (nl.leaky_rectify, lambda x: ref.leaky_rectify(x, 0.01)),
    "very_leaky_rectify": (
        nl.very_leaky_rectify,
        lambda x: ref.leaky_rectify(x, 1 / 3),
    ),
    "LeakyRectify(0.2)": (nl.LeakyRectify(0.2), lambda x: ref.leaky_rectify(x, 0.2)),
    "elu": (nl.elu, ref.elu),
    "selu": (nl.selu, ref.selu),
    "SELU(2,3)": (nl.SELU(2, 3), lambda x: ref.selu(x, 2, 3)),
    "softplus": (nl.softplus, ref.softplus),
    "linear": (nl.linear, lambda x: x),
    "identity": (nl.identity, lambda x: x),
    "softmax": (nl.softmax, ref.softmax_rows),
}


@pytest.mark.parametrize("name", list(CASES))
def test_nonlinearity_matches_numpy(name, rng, backend):
    fn, expected = CASES[name]
    x = pt.matrix("x")
    f = pytensor.function([x], fn(x))
    data = rng.normal(size=(4, 5)) * 3
    np.testing.assert_allclose(f(data), expected(data), atol=1e-8, rtol=1e-7)


def test_softmax_rows_sum_to_one_not_the_whole_matrix(rng):
    x = pt.matrix("x")
    out = pytensor.function([x], nl.softmax(x))(rng.normal(size=(3, 4)))
    np.testing.assert_allclose(out.sum(axis=1), np.ones(3))


def test_scaled_tanh_alias():
    assert nl.ScaledTanh is nl.ScaledTanH


def test_rectify_gradient_is_step(rng):
    x = pt.vector("x")
    g = pytensor.function([x], pytensor.grad(nl.rectify(x).sum(), x))
    np.testing.assert_array_equal(g(np.array([-2.0, -0.5, 0.5, 2.0])), [0, 0, 1, 1])
