"""Losses and accuracies match NumPy; targets may be ids or one-hot."""

import warnings

import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest

from helpers.lasagne import objectives as obj
from tests import reference as ref


def probs(rng, n=6, k=4):
    return ref.softmax_rows(rng.normal(size=(n, k)))


def test_categorical_crossentropy_int_targets(rng, backend):
    p, t = pt.matrix("p"), pt.ivector("t")
    f = pytensor.function([p, t], obj.categorical_crossentropy(p, t))
    P, T = probs(rng), rng.integers(0, 4, size=6).astype("int32")
    np.testing.assert_allclose(f(P, T), ref.categorical_crossentropy(P, T), atol=1e-8)


def test_categorical_crossentropy_one_hot_equals_int_targets(rng):
    p, t = pt.matrix("p"), pt.matrix("t")
    f = pytensor.function([p, t], obj.categorical_crossentropy(p, t))
    P, T = probs(rng), rng.integers(0, 4, size=6)
    np.testing.assert_allclose(
        f(P, np.eye(4)[T]), ref.categorical_crossentropy(P, T), atol=1e-8
    )


def test_categorical_crossentropy_uniform_is_log_k():
    P = np.full((2, 3), 1 / 3)
    out = obj.categorical_crossentropy(
        pt.as_tensor(P), pt.as_tensor(np.array([0, 2]))
    ).eval()
    np.testing.assert_allclose(out, np.log(3) * np.ones(2))


def test_categorical_crossentropy_rejects_float_vector_targets():
    with pytest.raises(TypeError, match="int class ids"):
        obj.categorical_crossentropy(pt.matrix(), pt.vector())


def test_binary_crossentropy(rng, backend):
    p, t = pt.matrix("p"), pt.matrix("t")
    f = pytensor.function([p, t], obj.binary_crossentropy(p, t))
    P = rng.uniform(0.05, 0.95, size=(3, 2))
    T = rng.integers(0, 2, size=(3, 2)).astype(float)
    np.testing.assert_allclose(f(P, T), ref.binary_crossentropy(P, T), atol=1e-8)


def test_binary_crossentropy_at_one_half_is_ln2():
    out = obj.binary_crossentropy(pt.as_tensor(0.5), pt.as_tensor(0.5)).eval()
    np.testing.assert_allclose(out, np.log(2))


def test_vector_targets_align_with_column_predictions(rng):
    p = pt.tensor("p", shape=(None, 1))
    t = pt.vector("t")
    out = obj.squared_error(p, t)
    assert out.ndim == 2 and out.type.shape[1] == 1
    P, T = rng.normal(size=(4, 1)), rng.normal(size=4)
    np.testing.assert_allclose(
        pytensor.function([p, t], out)(P, T), (P - T[:, None]) ** 2
    )


def test_squared_error(rng):
    a, b = rng.normal(size=(3, 3)), rng.normal(size=(3, 3))
    np.testing.assert_allclose(obj.squared_error(a, b).eval(), (a - b) ** 2)


@pytest.mark.parametrize("log_odds", [True, False])
def test_binary_hinge_loss(rng, log_odds):
    scores = rng.normal(size=5)
    T = rng.integers(0, 2, size=5)
    preds = scores if log_odds else ref.sigmoid(scores)
    out = obj.binary_hinge_loss(
        pt.as_tensor(preds), pt.as_tensor(T), log_odds=log_odds
    ).eval()
    np.testing.assert_allclose(out, np.maximum(0, 1 - scores * (2 * T - 1)), atol=1e-8)


def test_binary_hinge_loss_without_log_odds_warns():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        obj.binary_hinge_loss(pt.vector(), pt.vector())
    assert any("log_odds" in str(w.message) for w in caught)


def test_multiclass_hinge_loss_int_and_one_hot(rng, backend):
    s, t = pt.matrix("s"), pt.ivector("t")
    f = pytensor.function([s, t], obj.multiclass_hinge_loss(s, t, delta=0.5))
    S, T = rng.normal(size=(6, 4)), rng.integers(0, 4, size=6).astype("int32")
    np.testing.assert_allclose(f(S, T), ref.multiclass_hinge(S, T, 0.5), atol=1e-8)
    one_hot = obj.multiclass_hinge_loss(
        pt.as_tensor(S), pt.as_tensor(np.eye(4)[T]), 0.5
    )
    np.testing.assert_allclose(
        one_hot.eval(), ref.multiclass_hinge(S, T, 0.5), atol=1e-8
    )


def test_binary_accuracy(rng):
    P = rng.uniform(size=8)
    T = rng.integers(0, 2, size=8)
    out = obj.binary_accuracy(pt.as_tensor(P), pt.as_tensor(T), threshold=0.4).eval()
    np.testing.assert_array_equal(out, (P >= 0.4) == T)


@pytest.mark.parametrize("top_k", [1, 2, 3])
def test_categorical_accuracy_top_k(rng, top_k, backend):
    p, t = pt.matrix("p"), pt.ivector("t")
    f = pytensor.function([p, t], obj.categorical_accuracy(p, t, top_k=top_k))
    P, T = probs(rng, 10, 5), rng.integers(0, 5, size=10).astype("int32")
    np.testing.assert_array_equal(f(P, T), ref.top_k_hit(P, T, top_k))


def test_categorical_accuracy_one_hot_targets(rng):
    P, T = probs(rng), rng.integers(0, 4, size=6)
    out = obj.categorical_accuracy(pt.as_tensor(P), pt.as_tensor(np.eye(4)[T])).eval()
    np.testing.assert_array_equal(out, P.argmax(axis=1) == T)


@pytest.mark.parametrize("mode", ["mean", "sum", "normalized_sum"])
def test_aggregate(rng, mode):
    loss, w = rng.uniform(size=5), rng.integers(0, 2, size=5).astype(float)
    out = obj.aggregate(pt.as_tensor(loss), pt.as_tensor(w), mode=mode).eval()
    expected = {
        "mean": (loss * w).mean(),
        "sum": (loss * w).sum(),
        "normalized_sum": (loss * w).sum() / w.sum(),
    }[mode]
    np.testing.assert_allclose(out, expected)


def test_aggregate_without_weights_is_mean():
    np.testing.assert_allclose(obj.aggregate(pt.as_tensor(np.arange(4.0))).eval(), 1.5)


def test_aggregate_errors_say_what_to_pass():
    with pytest.raises(ValueError, match="needs weights"):
        obj.aggregate(pt.vector(), mode="normalized_sum")
    with pytest.raises(ValueError, match="'mean', 'sum'"):
        obj.aggregate(pt.vector(), mode="median")
