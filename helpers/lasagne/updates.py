"""Update rules: from a loss and parameters to the ``updates`` of `pytensor.function`.

Every rule takes ``(loss_or_grads, params, learning_rate, ...)`` and returns an
``OrderedDict`` mapping each parameter and each state variable (velocities,
running averages) to its new expression. State lives in new shared variables of
the parameter's dtype, so float32 stays float32. Hyperparameters may be shared
scalars, so a learning-rate schedule needs no recompilation. Defaults are
Lasagne's (note ``rmsprop``'s ``learning_rate=1.0``).

Plain and momentum: `sgd`, `momentum`, `nesterov_momentum`, `apply_momentum`,
`apply_nesterov_momentum`.
Adaptive: `adagrad`, `rmsprop`, `adadelta`, `adam`, `adamax`, `amsgrad`.
Constraints: `norm_constraint`, `total_norm_constraint`.
Plumbing: `get_or_compute_grads`.
"""

from collections import OrderedDict

import numpy as np
import pytensor
import pytensor.tensor as pt
from pytensor.compile.sharedvalue import SharedVariable

from .utils import norm_axes_for

__all__ = [
    "adadelta",
    "adagrad",
    "adam",
    "adamax",
    "amsgrad",
    "apply_momentum",
    "apply_nesterov_momentum",
    "get_or_compute_grads",
    "momentum",
    "nesterov_momentum",
    "norm_constraint",
    "rmsprop",
    "sgd",
    "total_norm_constraint",
]


def get_or_compute_grads(loss_or_grads, params):
    """Gradients of a scalar loss w.r.t. `params`, or the given list of gradients.

    Parameters
    ----------
    loss_or_grads : scalar tensor or list of tensors
    params : list of SharedVariable

    Returns
    -------
    list of tensors
        One gradient per parameter.

    Raises
    ------
    ValueError
        If a parameter is not a shared variable or the gradient list has the
        wrong length.
    """
    params = list(params)
    bad = [p for p in params if not isinstance(p, SharedVariable)]
    if bad:
        raise ValueError(
            f"params must be shared variables, got {bad[0]!r} "
            f"({type(bad[0]).__name__}). Use lasagne.layers.get_all_params(network, "
            "trainable=True), or utils.collect_shared_vars() for expressions."
        )
    if isinstance(loss_or_grads, (list, tuple)):
        if len(loss_or_grads) != len(params):
            raise ValueError(
                f"Got {len(loss_or_grads)} gradient expressions for {len(params)} "
                "parameters."
            )
        return list(loss_or_grads)
    return pytensor.grad(loss_or_grads, params)


def _zeros_like(param):
    value = param.get_value(borrow=True)
    return pytensor.shared(
        np.zeros(value.shape, dtype=value.dtype), shape=param.type.shape
    )


def _counter(params):
    dtype = params[0].dtype if params else pytensor.config.floatX
    return pytensor.shared(np.asarray(0.0, dtype=dtype), name="t")


def _keep_dtypes(updates):
    """Cast each new value to its variable's dtype (float32 stays float32)."""
    return OrderedDict(
        (var, new if new.dtype == var.dtype else pt.cast(new, var.dtype))
        for var, new in updates.items()
    )


def sgd(loss_or_grads, params, learning_rate):
    """Stochastic gradient descent: ``param := param - learning_rate * grad``.

    Parameters
    ----------
    loss_or_grads : scalar tensor or list of tensors
    params : list of SharedVariable
    learning_rate : float or scalar tensor

    Returns
    -------
    OrderedDict
        ``{param: new value}``.
    """
    grads = get_or_compute_grads(loss_or_grads, params)
    updates = OrderedDict(
        (param, param - learning_rate * grad) for param, grad in zip(params, grads)
    )
    return _keep_dtypes(updates)


def apply_momentum(updates, params=None, momentum=0.9):
    """Add classical momentum to an update dict.

    ``v := momentum * v + (step)``, ``param := param + v``, where ``step`` is
    the update's ``new - param`` (e.g. ``-learning_rate * grad``).

    Parameters
    ----------
    updates : OrderedDict
        Updates from e.g. `sgd`.
    params : list of SharedVariable or None
        The parameters to add momentum to (default: all keys of `updates`).
    momentum : float or scalar tensor

    Returns
    -------
    OrderedDict
        A new dict with a velocity state per parameter.
    """
    if params is None:
        params = list(updates.keys())
    updates = OrderedDict(updates)
    for param in params:
        velocity = _zeros_like(param)
        x = momentum * velocity + updates[param]
        updates[velocity] = x - param
        updates[param] = x
    return _keep_dtypes(updates)


def momentum(loss_or_grads, params, learning_rate, momentum=0.9):
    """SGD with momentum: ``v := mu * v - learning_rate * grad; param := param + v``.

    Parameters
    ----------
    loss_or_grads : scalar tensor or list of tensors
    params : list of SharedVariable
    learning_rate : float or scalar tensor
    momentum : float or scalar tensor
        Fraction of the previous velocity kept (default 0.9).

    Returns
    -------
    OrderedDict
    """
    updates = sgd(loss_or_grads, params, learning_rate)
    return apply_momentum(updates, momentum=momentum)


def apply_nesterov_momentum(updates, params=None, momentum=0.9):
    """Add Nesterov momentum to an update dict.

    ``v := momentum * v + step``, ``param := param + momentum * v + step``.

    Parameters
    ----------
    updates : OrderedDict
    params : list of SharedVariable or None
    momentum : float or scalar tensor

    Returns
    -------
    OrderedDict
    """
    if params is None:
        params = list(updates.keys())
    updates = OrderedDict(updates)
    for param in params:
        velocity = _zeros_like(param)
        x = momentum * velocity + updates[param] - param
        updates[velocity] = x
        updates[param] = momentum * x + updates[param]
    return _keep_dtypes(updates)


def nesterov_momentum(loss_or_grads, params, learning_rate, momentum=0.9):
    """Nesterov momentum: ``v := mu v - lr g; param := param + mu v - lr g``.

    Parameters
    ----------
    loss_or_grads : scalar tensor or list of tensors
    params : list of SharedVariable
    learning_rate : float or scalar tensor
    momentum : float or scalar tensor
        ``mu`` (default 0.9).

    Returns
    -------
    OrderedDict
    """
    updates = sgd(loss_or_grads, params, learning_rate)
    return apply_nesterov_momentum(updates, momentum=momentum)


def adagrad(loss_or_grads, params, learning_rate=1.0, epsilon=1e-6):
    """Adagrad: ``a := a + g**2; param := param - lr * g / sqrt(a + epsilon)``.

    Parameters
    ----------
    loss_or_grads : scalar tensor or list of tensors
    params : list of SharedVariable
    learning_rate : float or scalar tensor
        Default 1.0 (Lasagne's).
    epsilon : float

    Returns
    -------
    OrderedDict
    """
    grads = get_or_compute_grads(loss_or_grads, params)
    updates = OrderedDict()
    for param, grad in zip(params, grads):
        accu = _zeros_like(param)
        accu_new = accu + grad**2
        updates[accu] = accu_new
        updates[param] = param - learning_rate * grad / pt.sqrt(accu_new + epsilon)
    return _keep_dtypes(updates)


def rmsprop(loss_or_grads, params, learning_rate=1.0, rho=0.9, epsilon=1e-6):
    """RMSProp: ``a := rho a + (1 - rho) g**2; param := param - lr g / sqrt(a + eps)``.

    Parameters
    ----------
    loss_or_grads : scalar tensor or list of tensors
    params : list of SharedVariable
    learning_rate : float or scalar tensor
        Default **1.0, as in Lasagne** -- far too large for most networks; the
        usual choice (and Keras' default) is 0.001. Always pass it.
    rho : float or scalar tensor
        Decay of the running average of squared gradients.
    epsilon : float

    Returns
    -------
    OrderedDict
    """
    grads = get_or_compute_grads(loss_or_grads, params)
    updates = OrderedDict()
    for param, grad in zip(params, grads):
        accu = _zeros_like(param)
        accu_new = rho * accu + (1 - rho) * grad**2
        updates[accu] = accu_new
        updates[param] = param - learning_rate * grad / pt.sqrt(accu_new + epsilon)
    return _keep_dtypes(updates)


def adadelta(loss_or_grads, params, learning_rate=1.0, rho=0.95, epsilon=1e-6):
    """AdaDelta: ``step = g sqrt(d + eps) / sqrt(a + eps)``; ``param -= lr * step``.

    ``a := rho a + (1 - rho) g**2`` before the step and
    ``d := rho d + (1 - rho) step**2`` after it.

    Parameters
    ----------
    loss_or_grads : scalar tensor or list of tensors
    params : list of SharedVariable
    learning_rate : float or scalar tensor
        Default 1.0 (the paper has none).
    rho : float or scalar tensor
    epsilon : float

    Returns
    -------
    OrderedDict
    """
    grads = get_or_compute_grads(loss_or_grads, params)
    updates = OrderedDict()
    for param, grad in zip(params, grads):
        accu = _zeros_like(param)
        delta_accu = _zeros_like(param)
        accu_new = rho * accu + (1 - rho) * grad**2
        updates[accu] = accu_new
        update = grad * pt.sqrt(delta_accu + epsilon) / pt.sqrt(accu_new + epsilon)
        updates[param] = param - learning_rate * update
        updates[delta_accu] = rho * delta_accu + (1 - rho) * update**2
    return _keep_dtypes(updates)


def adam(
    loss_or_grads, params, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8
):
    """Adam: ``param -= lr sqrt(1 - b2**t) / (1 - b1**t) * m / (sqrt(v) + eps)``.

    ``m := b1 m + (1 - b1) g`` and ``v := b2 v + (1 - b2) g**2``; ``t`` counts
    the steps from 1.

    Parameters
    ----------
    loss_or_grads : scalar tensor or list of tensors
    params : list of SharedVariable
    learning_rate, beta1, beta2 : float or scalar tensor
    epsilon : float

    Returns
    -------
    OrderedDict
        Includes the step counter ``t``.
    """
    params = list(params)
    grads = get_or_compute_grads(loss_or_grads, params)
    t_prev = _counter(params)
    t = t_prev + 1
    a_t = learning_rate * pt.sqrt(1 - beta2**t) / (1 - beta1**t)
    updates = OrderedDict()
    for param, g_t in zip(params, grads):
        m_prev = _zeros_like(param)
        v_prev = _zeros_like(param)
        m_t = beta1 * m_prev + (1 - beta1) * g_t
        v_t = beta2 * v_prev + (1 - beta2) * g_t**2
        updates[m_prev] = m_t
        updates[v_prev] = v_t
        updates[param] = param - a_t * m_t / (pt.sqrt(v_t) + epsilon)
    updates[t_prev] = t
    return _keep_dtypes(updates)


def adamax(
    loss_or_grads, params, learning_rate=0.002, beta1=0.9, beta2=0.999, epsilon=1e-8
):
    """AdaMax: ``param := param - lr / (1 - b1**t) * m / (u + eps)``.

    ``m := b1 m + (1 - b1) g`` and ``u := max(b2 u, |g|)``.

    Parameters
    ----------
    loss_or_grads : scalar tensor or list of tensors
    params : list of SharedVariable
    learning_rate, beta1, beta2 : float or scalar tensor
    epsilon : float

    Returns
    -------
    OrderedDict
    """
    params = list(params)
    grads = get_or_compute_grads(loss_or_grads, params)
    t_prev = _counter(params)
    t = t_prev + 1
    a_t = learning_rate / (1 - beta1**t)
    updates = OrderedDict()
    for param, g_t in zip(params, grads):
        m_prev = _zeros_like(param)
        u_prev = _zeros_like(param)
        m_t = beta1 * m_prev + (1 - beta1) * g_t
        u_t = pt.maximum(beta2 * u_prev, abs(g_t))
        updates[m_prev] = m_t
        updates[u_prev] = u_t
        updates[param] = param - a_t * m_t / (u_t + epsilon)
    updates[t_prev] = t
    return _keep_dtypes(updates)


def amsgrad(
    loss_or_grads, params, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8
):
    """AMSGrad: Adam with ``v_hat := max(v_hat, v)`` in the denominator.

    ``param := param - lr sqrt(1 - b2**t) / (1 - b1**t) * m / (sqrt(v_hat) + eps)``.

    Parameters
    ----------
    loss_or_grads : scalar tensor or list of tensors
    params : list of SharedVariable
    learning_rate, beta1, beta2 : float or scalar tensor
    epsilon : float

    Returns
    -------
    OrderedDict
    """
    params = list(params)
    grads = get_or_compute_grads(loss_or_grads, params)
    t_prev = _counter(params)
    t = t_prev + 1
    a_t = learning_rate * pt.sqrt(1 - beta2**t) / (1 - beta1**t)
    updates = OrderedDict()
    for param, g_t in zip(params, grads):
        m_prev = _zeros_like(param)
        v_prev = _zeros_like(param)
        v_hat_prev = _zeros_like(param)
        m_t = beta1 * m_prev + (1 - beta1) * g_t
        v_t = beta2 * v_prev + (1 - beta2) * g_t**2
        v_hat_t = pt.maximum(v_hat_prev, v_t)
        updates[m_prev] = m_t
        updates[v_prev] = v_t
        updates[v_hat_prev] = v_hat_t
        updates[param] = param - a_t * m_t / (pt.sqrt(v_hat_t) + epsilon)
    updates[t_prev] = t
    return _keep_dtypes(updates)


def norm_constraint(tensor_var, max_norm, norm_axes=None, epsilon=1e-7):
    """Rescale weight vectors whose L2 norm exceeds `max_norm` (max-norm constraint).

    Parameters
    ----------
    tensor_var : tensor
        Usually an updated parameter: ``updates[W] = norm_constraint(updates[W], 3)``.
    max_norm : float
    norm_axes : tuple of int or None
        Axes summed over; default 0 for (inputs, units) matrices (one norm per
        unit) and all but 0 for 3D-5D convolution filters (one norm per filter).
    epsilon : float
        Guards against division by zero.

    Returns
    -------
    tensor
        `tensor_var` with every norm clipped to at most `max_norm`.
    """
    sum_over = norm_axes_for(tensor_var.ndim, norm_axes)
    dtype = np.dtype(tensor_var.dtype).type
    norms = pt.sqrt(pt.sum(pt.sqr(tensor_var), axis=sum_over, keepdims=True))
    target_norms = pt.clip(norms, 0, dtype(max_norm))
    return tensor_var * (target_norms / (dtype(epsilon) + norms))


def total_norm_constraint(tensor_vars, max_norm, epsilon=1e-7, return_norm=False):
    """Rescale tensors (gradients) so that their joint L2 norm is at most `max_norm`.

    Parameters
    ----------
    tensor_vars : list of tensors
        Usually the gradients; pass the result to an update rule as its
        `loss_or_grads`.
    max_norm : float
    epsilon : float
    return_norm : bool
        Also return the norm before scaling.

    Returns
    -------
    list of tensors, or (list of tensors, scalar tensor)
    """
    tensor_vars = list(tensor_vars)
    norm = pt.sqrt(sum(pt.sum(t**2) for t in tensor_vars))
    dtype = np.dtype(tensor_vars[0].dtype).type
    target_norm = pt.clip(norm, 0, dtype(max_norm))
    multiplier = target_norm / (dtype(epsilon) + norm)
    scaled = [t * multiplier for t in tensor_vars]
    return (scaled, norm) if return_norm else scaled
