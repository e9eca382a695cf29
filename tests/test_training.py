"""Tests of helpers.training: minibatches, evaluation, early stopping, the epoch loop."""

import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest

import helpers  # noqa: F401  (selects the backend)
from helpers.training import early_stopping, evaluate, iterate_minibatches, train


def _data(n=1050, d=3):
    X = np.arange(n * d, dtype=np.float32).reshape(n, d)
    return X, np.arange(n, dtype=np.int32)


def test_iterate_minibatches_drops_the_partial_batch():
    X, y = _data()
    batches = list(iterate_minibatches(X, y, 500))
    assert [len(b[1]) for b in batches] == [500, 500]


def test_iterate_minibatches_in_order_without_shuffle():
    X, y = _data()
    (X0, y0), (X1, y1) = iterate_minibatches(X, y, 500)
    np.testing.assert_array_equal(y0, np.arange(500))
    np.testing.assert_array_equal(y1, np.arange(500, 1000))
    np.testing.assert_array_equal(X1, X[500:1000])


def test_iterate_minibatches_shuffled_batches_are_disjoint_and_paired():
    X, y = _data()
    batches = list(iterate_minibatches(X, y, 500, shuffle=True,
                                       rng=np.random.default_rng(3)))
    seen = np.concatenate([b[1] for b in batches])
    assert len(np.unique(seen)) == 1000
    assert not np.array_equal(seen, np.arange(1000))
    for Xb, yb in batches:
        np.testing.assert_array_equal(Xb, X[yb])


def test_iterate_minibatches_keeps_the_partial_batch_on_request():
    X, y = _data()
    sizes = [len(b[1]) for b in iterate_minibatches(X, y, 500, drop_last=False)]
    assert sizes == [500, 500, 50]


def test_iterate_minibatches_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match="examples"):
        next(iterate_minibatches(np.zeros((3, 2)), np.zeros(4), 2))


def test_evaluate_counts_every_example_with_its_weight():
    X, y = _data(1050, 1)
    value = evaluate(lambda Xb, yb: float(np.mean(yb)), X, y, batch_size=600)
    assert value == pytest.approx(np.mean(y))


def test_evaluate_returns_one_mean_per_output():
    X, y = _data(10, 1)
    loss, acc = evaluate(lambda Xb, yb: (np.mean(Xb), np.mean(yb < 3)), X, y, 4)
    assert loss == pytest.approx(X.mean())
    assert acc == pytest.approx(0.3)


@pytest.mark.parametrize("errors, patience, expected", [
    ([5, 4, 3, 3.5, 3.6, 3.7, 2], 3, (2, 5)),
    ([5, 4, 3, 3.5, 3.6, 3.7, 2], None, (6, None)),
    ([5, 4, 3, 2, 1], 2, (4, None)),
    ([3, 3, 3], 1, (0, 1)),
], ids=["patience3", "no-patience", "improving", "ties-keep-first"])
def test_early_stopping(errors, patience, expected):
    assert early_stopping(errors, patience) == expected


def _logreg_fns(lr=0.5):
    x = pt.matrix("x", shape=(None, 2))
    t = pt.ivector("t")
    W = pytensor.shared(np.zeros((2, 2)), name="W")
    p = pt.special.softmax(x @ W, axis=-1)
    loss = -pt.mean(pt.log(p)[pt.arange(t.shape[0]), t])
    acc = pt.mean(pt.eq(pt.argmax(p, axis=1), t))
    train_fn = pytensor.function([x, t], loss,
                                 updates={W: W - lr * pytensor.grad(loss, W)})
    val_fn = pytensor.function([x, t], [loss, acc])
    return W, train_fn, val_fn


def _blobs(n, seed):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n).astype(np.int32)
    X = rng.normal(size=(n, 2)) + 2.0 * np.stack([y, 1 - y], 1)
    return X, y


def test_train_learns_and_returns_per_epoch_history():
    W, train_fn, val_fn = _logreg_fns()
    data = (*_blobs(200, 0), *_blobs(100, 1))
    history = train(train_fn, val_fn, data, num_epochs=4, batch_size=50,
                    rng=np.random.default_rng(0), live=False, progress=False)
    assert len(history["train_loss"]) == len(history["val_acc"]) == 4
    assert history["val_loss"][-1] < history["val_loss"][0] < np.log(2)
    assert history["val_acc"][-1] > 0.9
    assert not history["stopped_early"]


def test_train_restores_the_best_parameters_and_stops_with_patience():
    W, train_fn, val_fn = _logreg_fns(lr=50.0)
    data = (*_blobs(200, 0), *_blobs(100, 1))
    snapshots = []

    def recording_val_fn(Xb, yb):
        snapshots.append(W.get_value().copy())
        return val_fn(Xb, yb)

    history = train(train_fn, recording_val_fn, data, num_epochs=30, batch_size=20,
                    params=[W], patience=2, rng=np.random.default_rng(0),
                    live=False, progress=False)
    best = history["best_epoch"]
    assert history["val_loss"][best] == min(history["val_loss"])
    if history["stopped_early"]:
        assert len(history["val_loss"]) == best + 3
    np.testing.assert_array_equal(W.get_value(), snapshots[best])


def test_train_stops_after_max_seconds():
    calls = []

    def train_fn(Xb, yb):
        calls.append(1)
        return 0.0

    X, y = _data(100, 1)
    history = train(train_fn, lambda Xb, yb: (1.0, 0.5), (X, y, X, y), num_epochs=50,
                    batch_size=10, max_seconds=0.0, live=False, progress=False)
    assert history["timed_out"] and len(history["val_loss"]) == 1 and len(calls) == 10


def test_train_patience_counts_epochs_without_improvement():
    losses = iter([3.0, 2.0, 2.5, 2.6, 2.7, 1.0])
    X, y = _data(20, 1)
    history = train(lambda Xb, yb: 0.0, lambda Xb, yb: (next(losses), 0.0), (X, y, X[:5], y[:5]),
                    num_epochs=6, batch_size=10, patience=2, live=False, progress=False,
                    eval_batch_size=5)
    assert history["stopped_early"] and history["best_epoch"] == 1
    assert history["val_loss"] == [3.0, 2.0, 2.5, 2.6]
