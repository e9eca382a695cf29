"""Initializers: shapes, dtypes, scales and reproducibility through get_rng()."""

import numpy as np
import pytensor
import pytest

from helpers.lasagne import init
from helpers.lasagne.random import get_rng, set_rng

ALL = {
    "Constant": init.Constant(0.5),
    "Normal": init.Normal(0.1),
    "Uniform": init.Uniform(0.2),
    "GlorotNormal": init.GlorotNormal(),
    "GlorotUniform": init.GlorotUniform(),
    "HeNormal": init.HeNormal(),
    "HeUniform": init.HeUniform(),
    "Orthogonal": init.Orthogonal(),
    "Sparse": init.Sparse(),
}


@pytest.fixture(autouse=True)
def _restore_rng():
    saved = get_rng()
    yield
    set_rng(saved)


@pytest.mark.parametrize("name", list(ALL))
def test_initializers_return_floatx_arrays_of_the_shape(name):
    out = ALL[name]((20, 30))
    assert out.shape == (20, 30)
    assert out.dtype == pytensor.config.floatX


@pytest.mark.parametrize("name", [n for n in ALL if n != "Constant"])
def test_initializers_draw_from_the_package_rng(name):
    set_rng(np.random.RandomState(7))
    first = ALL[name]((20, 30))
    set_rng(np.random.RandomState(7))
    np.testing.assert_array_equal(ALL[name]((20, 30)), first)
    assert not np.array_equal(ALL[name]((20, 30)), first)


def test_constant_fills_the_value():
    np.testing.assert_array_equal(init.Constant(3.0)((2, 2)), np.full((2, 2), 3.0))


def test_normal_has_the_requested_mean_and_std():
    w = init.Normal(std=0.5, mean=2.0)((400, 500))
    assert abs(w.mean() - 2.0) < 0.01 and abs(w.std() - 0.5) < 0.01


def test_uniform_accepts_a_range_pair_and_a_std():
    w = init.Uniform((2.0, 3.0))((100, 100))
    assert w.min() >= 2.0 and w.max() < 3.0
    w = init.Uniform(std=1.0, mean=5.0)((400, 500))
    assert abs(w.std() - 1.0) < 0.01 and abs(w.mean() - 5.0) < 0.01
    assert w.max() <= 5.0 + np.sqrt(3)


@pytest.mark.parametrize("gain", [1.0, "relu"], ids=["gain1", "relu"])
@pytest.mark.parametrize("shape", [(300, 500), (40, 30, 3, 3)], ids=["dense", "conv"])
def test_glorot_uniform_bound(shape, gain):
    w = init.GlorotUniform(gain=gain)(shape)
    g = np.sqrt(2) if gain == "relu" else gain
    field = np.prod(shape[2:])
    bound = g * np.sqrt(6.0 / ((shape[0] + shape[1]) * field))
    assert np.abs(w).max() <= bound
    assert np.abs(w).max() > 0.99 * bound


def test_glorot_normal_std():
    w = init.GlorotNormal()((300, 500))
    np.testing.assert_allclose(w.std(), np.sqrt(2.0 / 800), rtol=0.02)


def test_glorot_c01b_uses_first_and_last_axes():
    w = init.GlorotUniform(c01b=True)((20, 3, 3, 40))
    bound = np.sqrt(6.0 / ((20 + 40) * 9))
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.98 * bound
    with pytest.raises(RuntimeError, match="4D"):
        init.GlorotUniform(c01b=True)((20, 30))


@pytest.mark.parametrize(
    "shape,fan_in", [((400, 300), 400), ((30, 20, 3, 3), 180)], ids=["dense", "conv"]
)
def test_he_normal_std_uses_fan_in(shape, fan_in):
    w = init.HeNormal(gain="relu")(shape)
    np.testing.assert_allclose(w.std(), np.sqrt(2.0 / fan_in), rtol=0.03)


def test_he_uniform_bound():
    w = init.HeUniform()((500, 200))
    bound = np.sqrt(3.0 / 500)
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.99 * bound


@pytest.mark.parametrize("cls", [init.GlorotUniform, init.HeNormal, init.Orthogonal])
def test_fan_scaled_initializers_reject_vectors(cls):
    with pytest.raises(RuntimeError, match="length >= 2"):
        cls()((10,))


@pytest.mark.parametrize(
    "shape", [(6, 4), (4, 6), (4, 2, 3)], ids=["tall", "wide", "3d"]
)
def test_orthogonal_rows_or_columns_are_orthonormal(shape):
    w = init.Orthogonal(gain=2.0)(shape).reshape(shape[0], -1)
    gram = w @ w.T if w.shape[0] <= w.shape[1] else w.T @ w
    np.testing.assert_allclose(gram, 4.0 * np.eye(gram.shape[0]), atol=1e-8)


def test_sparse_has_the_requested_entries_per_column():
    w = init.Sparse(sparsity=0.25, std=1.0)((20, 7))
    np.testing.assert_array_equal((w != 0).sum(axis=0), np.full(7, 5))
    with pytest.raises(RuntimeError, match="2D"):
        init.Sparse()((3, 3, 3))


def test_repr_names_the_settings():
    assert repr(init.Normal(0.1)) == "Normal(std=0.1, mean=0.0)"
