"""Loss functions and accuracy measures, one value per example.

Each function returns an elementwise (per example) expression; reduce it to a
scalar with `aggregate` (or ``.mean()``).

Classification losses: `categorical_crossentropy`, `binary_crossentropy`,
`multiclass_hinge_loss`, `binary_hinge_loss`.
Regression loss: `squared_error`.
Accuracy: `categorical_accuracy` (with ``top_k``), `binary_accuracy`.
Reduction: `aggregate`.
"""

import warnings

import numpy as np
import pytensor.tensor as pt

from .utils import as_tensor_expression

__all__ = [
    "aggregate",
    "binary_accuracy",
    "binary_crossentropy",
    "binary_hinge_loss",
    "categorical_accuracy",
    "categorical_crossentropy",
    "multiclass_hinge_loss",
    "squared_error",
]


def align_targets(predictions, targets):
    """Make (batch,) targets match (batch, 1) predictions by adding an axis."""
    predictions = as_tensor_expression(predictions)
    targets = as_tensor_expression(targets)
    if predictions.type.broadcastable == (False, True) and targets.ndim == 1:
        targets = targets.dimshuffle(0, "x")
    return predictions, targets


def _pick(predictions, targets):
    """``predictions[i, targets[i]]`` for every row i: (batch, classes) -> (batch,).

    Written as a sum against a one-hot mask rather than ``predictions[arange(n),
    targets]``: the JAX backend cannot build ``arange(n)`` (nor the gradient of
    the indexing) when the batch size is only known at run time.  The class ids
    come from a cumulative sum for the same reason.
    """
    classes = pt.cumsum(pt.ones_like(predictions[0], dtype="int64")) - 1  # (classes,)
    one_hot = pt.eq(pt.shape_padright(targets), classes)  # (batch, classes)
    return pt.sum(predictions * one_hot, axis=-1)


def _is_int(x):
    return x.dtype.startswith(("int", "uint"))


def categorical_crossentropy(predictions, targets):
    """Cross-entropy ``-log p[target]`` per example: (batch, classes) -> (batch,).

    Parameters
    ----------
    predictions : (batch, classes) tensor
        Probabilities, e.g. the output of a softmax layer.
    targets : (batch,) int tensor or (batch, classes) tensor
        Class ids, or one-hot / soft target distributions.

    Returns
    -------
    (batch,) tensor
        ``-log(predictions[i, targets[i]])``, or ``-sum(t * log(p), axis=1)``.
    """
    predictions = as_tensor_expression(predictions)
    targets = as_tensor_expression(targets)
    if targets.ndim == predictions.ndim - 1 and _is_int(targets):
        return -pt.log(_pick(predictions, targets))
    if targets.ndim == predictions.ndim:
        return -pt.sum(targets * pt.log(predictions), axis=-1)
    raise TypeError(
        f"categorical_crossentropy got predictions with {predictions.ndim} axes and "
        f"{targets.dtype} targets with {targets.ndim}; expected int class ids "
        "(batch,) or one-hot targets (batch, classes)."
    )


def binary_crossentropy(predictions, targets):
    """Binary cross-entropy ``-t log p - (1 - t) log(1 - p)``, elementwise.

    Parameters
    ----------
    predictions : tensor
        Probabilities in (0, 1), e.g. a sigmoid output.
    targets : tensor
        0/1 labels (or probabilities), same shape (a (batch,) vector is
        aligned to (batch, 1) predictions).

    Returns
    -------
    tensor
        One loss per entry.
    """
    predictions, targets = align_targets(predictions, targets)
    return -(targets * pt.log(predictions) + (1 - targets) * pt.log1p(-predictions))


def squared_error(a, b):
    """Elementwise squared difference ``(a - b)**2``."""
    a, b = align_targets(a, b)
    return pt.square(a - b)


def aggregate(loss, weights=None, mode="mean"):
    """Reduce per-example losses to a scalar.

    Parameters
    ----------
    loss : tensor
        Elementwise losses.
    weights : tensor or None
        Weights broadcastable to `loss`, e.g. a 0/1 mask.
    mode : {"mean", "sum", "normalized_sum"}
        ``mean(w * loss)``, ``sum(w * loss)`` or ``sum(w * loss) / sum(w)``.

    Returns
    -------
    scalar tensor
    """
    if weights is not None:
        loss = loss * weights
    if mode == "mean":
        return loss.mean()
    if mode == "sum":
        return loss.sum()
    if mode == "normalized_sum":
        if weights is None:
            raise ValueError("aggregate(mode='normalized_sum') needs weights.")
        return loss.sum() / weights.sum()
    raise ValueError(
        f"aggregate got mode={mode!r}; use 'mean', 'sum' or 'normalized_sum'."
    )


def binary_hinge_loss(predictions, targets, delta=1, log_odds=None, binary=True):
    """Hinge loss ``max(0, delta - t * s)`` with ``t`` in {-1, +1}, elementwise.

    Parameters
    ----------
    predictions : tensor
        Scores ``s`` (log-odds) if `log_odds`, else probabilities.
    targets : tensor
        0/1 labels if `binary`, else -1/+1.
    delta : float
        Margin.
    log_odds : bool or None
        Whether `predictions` are log-odds. ``None`` (Lasagne 0.1 behaviour)
        treats them as log-odds and warns that the default may change.
    binary : bool
        Map 0/1 targets to -1/+1.

    Returns
    -------
    tensor
    """
    if log_odds is None:
        warnings.warn(
            "binary_hinge_loss: pass log_odds=True if predictions are scores "
            "(the assumed default) or log_odds=False for probabilities.",
            FutureWarning,
            stacklevel=2,
        )
        log_odds = True
    predictions = as_tensor_expression(predictions)
    if not log_odds:
        predictions = pt.log(predictions / (1 - predictions))
    if binary:
        targets = 2 * as_tensor_expression(targets) - 1
    predictions, targets = align_targets(predictions, targets)
    return pt.maximum(delta - predictions * targets, 0)


def multiclass_hinge_loss(predictions, targets, delta=1):
    """Multi-class hinge ``max(0, max_{j != y} s_j - s_y + delta)``: -> (batch,).

    Parameters
    ----------
    predictions : (batch, classes) tensor
        Scores or probabilities.
    targets : (batch,) int tensor or (batch, classes) one-hot tensor
    delta : float
        Margin.

    Returns
    -------
    (batch,) tensor
    """
    predictions = as_tensor_expression(predictions)
    targets = as_tensor_expression(targets)
    if targets.ndim == predictions.ndim - 1:
        num_cls = predictions.shape[1]
        classes = pt.arange(np.int64(0), num_cls)
        one_hot = pt.eq(pt.cast(targets, "int64")[:, None], classes[None, :])
    elif targets.ndim == predictions.ndim:
        one_hot = pt.gt(targets, 0)
    else:
        raise TypeError(
            "multiclass_hinge_loss: targets must be (batch,) ids or (batch, classes) "
            f"one-hot, got {targets.ndim} axes for {predictions.ndim}-D predictions."
        )
    corrects = pt.sum(pt.switch(one_hot, predictions, 0), axis=1)
    lowest = pt.min(predictions) - 1
    rest = pt.max(pt.switch(one_hot, lowest, predictions), axis=1)
    return pt.maximum(rest - corrects + delta, 0)


def binary_accuracy(predictions, targets, threshold=0.5):
    """1 where ``(predictions >= threshold) == targets``, else 0 (elementwise)."""
    predictions, targets = align_targets(predictions, targets)
    return pt.eq(pt.ge(predictions, threshold), targets)


def categorical_accuracy(predictions, targets, top_k=1):
    """1 where the target class is among the `top_k` highest predictions: -> (batch,).

    Parameters
    ----------
    predictions : (batch, classes) tensor
    targets : (batch,) int tensor or (batch, classes) one-hot tensor
    top_k : int
        Count a hit if the target is among the k best classes.

    Returns
    -------
    (batch,) bool tensor
        Take ``.mean()`` (or `aggregate`) for the accuracy.
    """
    predictions = as_tensor_expression(predictions)
    targets = as_tensor_expression(targets)
    if targets.ndim == predictions.ndim:
        targets = pt.argmax(targets, axis=-1)
    elif targets.ndim != predictions.ndim - 1:
        raise TypeError(
            "categorical_accuracy: targets must be (batch,) ids or (batch, classes) "
            f"one-hot, got {targets.ndim} axes for {predictions.ndim}-D predictions."
        )
    if top_k == 1:
        return pt.eq(pt.argmax(predictions, axis=-1), targets)
    top = pt.argsort(predictions, axis=-1)[..., -top_k:]
    return pt.any(pt.eq(top, pt.shape_padright(targets)), axis=-1)
