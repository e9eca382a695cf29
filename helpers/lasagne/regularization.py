"""Weight penalties to add to a loss.

Penalties (tensor -> scalar): `l1`, `l2`.
Applying them: `apply_penalty` (tensors), `regularize_layer_params` (layers),
`regularize_layer_params_weighted` (layer -> coefficient dict),
`regularize_network_params` (a whole network; only ``regularizable`` parameters,
so biases are left out).
"""

import pytensor.tensor as pt
from pytensor.graph.basic import Variable

from .layers.base import Layer
from .layers.helper import get_all_params

__all__ = [
    "apply_penalty",
    "l1",
    "l2",
    "regularize_layer_params",
    "regularize_layer_params_weighted",
    "regularize_network_params",
]


def l1(x):
    """L1 penalty ``sum(|x|)``."""
    return pt.sum(abs(x))


def l2(x):
    """Squared L2 penalty ``sum(x**2)`` (no factor 1/2)."""
    return pt.sum(x**2)


def apply_penalty(tensor_or_tensors, penalty, **kwargs):
    """Sum of ``penalty(x)`` over one tensor or a list of tensors.

    Parameters
    ----------
    tensor_or_tensors : tensor or list of tensors
    penalty : callable
        E.g. `l1` or `l2`.
    **kwargs
        Passed to `penalty`.

    Returns
    -------
    scalar tensor
    """
    if isinstance(tensor_or_tensors, Variable):
        return penalty(tensor_or_tensors, **kwargs)
    return sum(penalty(x, **kwargs) for x in tensor_or_tensors)


def regularize_layer_params(layer, penalty, tags={"regularizable": True}, **kwargs):  # noqa: B006
    """Penalty on the parameters of one layer or a list of layers (not those below).

    Parameters
    ----------
    layer : Layer or list of Layer
    penalty : callable
    tags : dict
        Parameter tags to select (default: regularizable ones, so no biases).
    **kwargs
        Passed to `penalty`.

    Returns
    -------
    scalar tensor
    """
    layers = [layer] if isinstance(layer, Layer) else layer
    params = [p for lay in layers for p in lay.get_params(**tags)]
    return apply_penalty(params, penalty, **kwargs)


def regularize_layer_params_weighted(
    layers,
    penalty,
    tags={"regularizable": True},  # noqa: B006
    **kwargs,
):
    """Weighted penalty ``sum_layer coeff * penalty(layer params)``.

    Parameters
    ----------
    layers : dict
        Maps layers to coefficients, e.g. ``{l_hidden: 1e-4, l_out: 1e-3}``.
    penalty : callable
    tags : dict
    **kwargs
        Passed to `penalty`.

    Returns
    -------
    scalar tensor
    """
    return sum(
        coeff * apply_penalty(layer.get_params(**tags), penalty, **kwargs)
        for layer, coeff in layers.items()
    )


def regularize_network_params(layer, penalty, tags={"regularizable": True}, **kwargs):  # noqa: B006
    """Penalty on every (regularizable) parameter of the network below `layer`.

    Parameters
    ----------
    layer : Layer or list of Layer
        Output layer(s) of the network.
    penalty : callable
    tags : dict
    **kwargs
        Passed to `penalty`.

    Returns
    -------
    scalar tensor
    """
    return apply_penalty(get_all_params(layer, **tags), penalty, **kwargs)
