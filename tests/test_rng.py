import numpy as np
import pytensor
import pytest

import helpers
from helpers.lasagne.random import get_rng
from helpers.rng import RandomStreams


def test_draws_change_between_calls_and_repeat_after_set_seed():
    srng = RandomStreams(3)
    draw = pytensor.function([], srng.normal((5,)))
    helpers.set_seed(1)
    first, second = draw(), draw()
    assert not np.allclose(first, second)
    helpers.set_seed(1)
    np.testing.assert_array_equal(draw(), first)


def test_binomial_is_a_floatx_mask_with_the_right_rate():
    srng = RandomStreams(0)
    mask = pytensor.function([], srng.binomial((20000,), p=0.3))()
    assert mask.dtype == pytensor.config.floatX
    assert set(np.unique(mask)) <= {0.0, 1.0}
    assert abs(mask.mean() - 0.3) < 0.02


def test_uniform_bounds_and_integers():
    srng = RandomStreams(0)
    u, i = pytensor.function([], [srng.uniform((1000,), -2, 3), srng.integers((1000,), 0, 4)])()
    assert u.min() >= -2 and u.max() < 3
    assert set(np.unique(i)) == {0, 1, 2, 3}


def test_set_seed_resets_numpy_and_the_initializer_rng():
    helpers.set_seed(7)
    a, b = np.random.rand(), get_rng().rand()
    helpers.set_seed(7)
    assert (a, b) == (np.random.rand(), get_rng().rand())


def test_streams_work_under_jax():
    pytest.importorskip("jax")
    srng = RandomStreams(0)
    mask = srng.bernoulli((1000,), p=0.5)
    fn = pytensor.function([], mask, mode="JAX")
    a, b = np.asarray(fn()), np.asarray(fn())
    assert 0.4 < a.mean() < 0.6 and not np.array_equal(a, b)
