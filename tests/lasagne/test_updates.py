"""Update rules: three steps on a fixed quadratic match NumPy, dtypes are kept."""

from collections import OrderedDict

import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest

from helpers.lasagne import updates
from tests import reference as ref

A = np.array([1.0, 3.0, 0.5, 2.0])
C = np.array([0.5, -1.0, 0.0, 0.25])
W0 = np.array([1.0, -2.0, 0.5, 3.0])


def quadratic(w):
    """loss = sum(A w**2 / 2 + C w), so grad = A w + C."""
    a = pt.as_tensor(A.astype(w.dtype))
    c = pt.as_tensor(C.astype(w.dtype))
    return pt.sum(a * w**2 / 2 + c * w)


RULES = {
    "sgd": (
        lambda loss, p: updates.sgd(loss, p, 0.1),
        lambda w, g, s: ref.sgd_step(w, g, s, 0.1),
    ),
    "momentum": (
        lambda loss, p: updates.momentum(loss, p, 0.1, momentum=0.8),
        lambda w, g, s: ref.momentum_step(w, g, s, 0.1, 0.8),
    ),
    "nesterov_momentum": (
        lambda loss, p: updates.nesterov_momentum(loss, p, 0.1),
        lambda w, g, s: ref.nesterov_step(w, g, s, 0.1, 0.9),
    ),
    "adagrad": (
        lambda loss, p: updates.adagrad(loss, p, 0.5),
        lambda w, g, s: ref.adagrad_step(w, g, s, 0.5),
    ),
    "rmsprop": (
        lambda loss, p: updates.rmsprop(loss, p, 0.01, rho=0.8),
        lambda w, g, s: ref.rmsprop_step(w, g, s, 0.01, 0.8),
    ),
    "rmsprop_default": (
        lambda loss, p: updates.rmsprop(loss, p),
        lambda w, g, s: ref.rmsprop_step(w, g, s, 1.0, 0.9),
    ),
    "adadelta": (
        lambda loss, p: updates.adadelta(loss, p),
        lambda w, g, s: ref.adadelta_step(w, g, s),
    ),
    "adam": (
        lambda loss, p: updates.adam(loss, p, 0.1),
        lambda w, g, s: ref.adam_step(w, g, s, 0.1),
    ),
    "adamax": (
        lambda loss, p: updates.adamax(loss, p),
        lambda w, g, s: ref.adamax_step(w, g, s),
    ),
    "amsgrad": (
        lambda loss, p: updates.amsgrad(loss, p, 0.1, beta2=0.5),
        lambda w, g, s: ref.amsgrad_step(w, g, s, 0.1, b2=0.5),
    ),
}


def tolerances(dtype):
    return (
        {"atol": 1e-8, "rtol": 0}
        if dtype == "float64"
        else {"rtol": 1e-5, "atol": 1e-6}
    )


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("rule", list(RULES))
def test_three_steps_match_numpy_and_keep_dtype(rule, dtype):
    build, step = RULES[rule]
    w = pytensor.shared(W0.astype(dtype), name="w")
    upd = build(quadratic(w), [w])
    assert isinstance(upd, OrderedDict)
    assert all(new.dtype == var.dtype for var, new in upd.items())
    assert all(var.dtype == dtype for var in upd if var.ndim > 0)
    train = pytensor.function([], [], updates=upd)
    w_ref, state = W0.astype(dtype).astype("float64"), {}
    for _ in range(3):
        train()
        w_ref, state = step(w_ref, A * w_ref + C, state)
        np.testing.assert_allclose(w.get_value(), w_ref, **tolerances(dtype))
    assert w.get_value().dtype == dtype


def test_rmsprop_default_learning_rate_is_lasagnes_1():
    w = pytensor.shared(np.array([2.0]))
    upd = updates.rmsprop(pt.sum(w**2), [w])
    pytensor.function([], [], updates=upd)()
    # first step: a = 0.1 g**2, step = g / sqrt(a) = sqrt(10) (epsilon aside)
    np.testing.assert_allclose(w.get_value(), 2.0 - 4.0 / np.sqrt(0.1 * 16 + 1e-6))


def test_shared_learning_rate_changes_without_recompiling():
    w = pytensor.shared(np.array([1.0, -1.0]))
    lr = pytensor.shared(np.float64(0.5))
    train = pytensor.function([], [], updates=updates.sgd(pt.sum(w**2), [w], lr))
    train()
    np.testing.assert_allclose(w.get_value(), [0.0, 0.0])
    w.set_value(np.array([1.0, -1.0]))
    lr.set_value(0.25)
    train()
    np.testing.assert_allclose(w.get_value(), [0.5, -0.5])


def test_float32_params_stay_float32_with_float64_hyperparameters():
    w = pytensor.shared(np.ones(3, dtype="float32"))
    lr = pytensor.shared(np.float64(0.1))
    upd = updates.adam(pt.sum(w**2), [w], learning_rate=lr)
    assert all(new.dtype == var.dtype for var, new in upd.items())
    pytensor.function([], [], updates=upd)()
    assert w.get_value().dtype == np.float32


def test_state_keeps_the_parameters_broadcastable_shape():
    b = pytensor.shared(np.zeros((1, 3)), shape=(1, None))
    upd = updates.momentum(pt.sum((b - 1) ** 2), [b], 0.1)
    velocity = next(v for v in upd if v is not b)
    assert velocity.type.shape[0] == 1


def test_apply_momentum_only_touches_the_given_params():
    w1, w2 = pytensor.shared(np.ones(2)), pytensor.shared(np.ones(2))
    plain = updates.sgd(pt.sum(w1**2 + w2**2), [w1, w2], 0.1)
    upd = updates.apply_momentum(plain, params=[w1], momentum=0.5)
    assert len(upd) == 3  # w1, w2 and one velocity
    assert upd[w2] is plain[w2]


def test_gradients_can_be_passed_instead_of_a_loss():
    w = pytensor.shared(np.array([1.0, 2.0]))
    g = pt.as_tensor(np.array([1.0, -1.0]))
    pytensor.function([], [], updates=updates.sgd([g], [w], 0.5))()
    np.testing.assert_allclose(w.get_value(), [0.5, 2.5])


def test_get_or_compute_grads_rejects_non_shared_params():
    x = pt.vector("x")
    with pytest.raises(ValueError, match="shared variables"):
        updates.get_or_compute_grads(pt.sum(x**2), [x])


def test_get_or_compute_grads_checks_the_number_of_gradients():
    w = pytensor.shared(np.ones(2))
    with pytest.raises(ValueError, match="2 gradient expressions for 1"):
        updates.get_or_compute_grads([w, w], [w])


def test_norm_constraint_clips_columns_of_a_dense_matrix(rng):
    W = rng.normal(size=(5, 4)) * np.array([0.1, 1.0, 3.0, 10.0])
    out = pytensor.function([], updates.norm_constraint(pt.as_tensor(W), 2.0))()
    norms = np.linalg.norm(W, axis=0)
    expected = W * np.minimum(norms, 2.0) / (norms + 1e-7)
    np.testing.assert_allclose(out, expected, atol=1e-8)
    assert np.all(np.linalg.norm(out, axis=0) <= 2.0 + 1e-6)


def test_norm_constraint_uses_one_norm_per_conv_filter(rng):
    W = rng.normal(size=(3, 2, 2, 2)) * 5
    out = pytensor.function([], updates.norm_constraint(pt.as_tensor(W), 1.0))()
    np.testing.assert_allclose(np.sqrt((out**2).sum(axis=(1, 2, 3))), 1.0, rtol=1e-6)


def test_norm_constraint_needs_axes_for_1d_tensors():
    with pytest.raises(ValueError, match="norm_axes"):
        updates.norm_constraint(pt.vector(), 1.0)


def test_total_norm_constraint_scales_all_tensors_jointly(rng):
    g1, g2 = rng.normal(size=3) * 4, rng.normal(size=(2, 2)) * 4
    scaled, norm = updates.total_norm_constraint(
        [pt.as_tensor(g1), pt.as_tensor(g2)], 1.5, return_norm=True
    )
    s1, s2, n = pytensor.function([], scaled + [norm])()
    total = np.sqrt((g1**2).sum() + (g2**2).sum())
    np.testing.assert_allclose(n, total)
    np.testing.assert_allclose(s1, g1 * 1.5 / (total + 1e-7))
    np.testing.assert_allclose(s2, g2 * 1.5 / (total + 1e-7))
