"""Functions that work on a whole network, given its output layer(s).

All of them start from one non-recursive walk, `get_all_layers`, which lists the
layers below the output(s) in topological order (inputs first).

Walking: `get_all_layers`.
Expressions and shapes: `get_output`, `get_output_shape`.
Parameters: `get_all_params`, `count_params`, `get_all_param_values`,
`set_all_param_values`.
"""

import difflib
import warnings
from collections import deque
from itertools import chain

import numpy as np

from .. import utils
from .base import Layer, MergeLayer
from .input import InputLayer

__all__ = [
    "count_params",
    "get_all_layers",
    "get_all_param_values",
    "get_all_params",
    "get_output",
    "get_output_shape",
    "set_all_param_values",
]


def _as_list(layer_or_layers):
    if isinstance(layer_or_layers, Layer):
        return [layer_or_layers], False
    try:
        return list(layer_or_layers), True
    except TypeError:
        raise TypeError(
            "Expected a layer or a list of layers, got "
            f"{type(layer_or_layers).__name__}."
        ) from None


def _incoming(layer):
    if hasattr(layer, "input_layers"):
        return list(layer.input_layers)
    if hasattr(layer, "input_layer"):
        return [layer.input_layer]
    return []


def get_all_layers(layer, treat_as_input=None):
    """List every layer below `layer` in topological order (inputs first).

    A depth-first walk with an explicit stack, so very deep networks never hit
    Python's recursion limit.

    Parameters
    ----------
    layer : Layer or list of Layer
        The output layer(s).
    treat_as_input : iterable of Layer or None
        Layers whose own inputs are not followed (they are treated as inputs).

    Returns
    -------
    list of Layer
        Each layer appears once, after all the layers it depends on.
    """
    queue = deque(_as_list(layer)[0])
    seen = set(treat_as_input or ())
    done = set()
    result = []
    while queue:
        node = queue[0]
        if node is None:
            queue.popleft()
        elif node not in seen:
            seen.add(node)
            queue.extendleft(reversed(_incoming(node)))
        else:
            queue.popleft()
            if node not in done:
                result.append(node)
                done.add(node)
    return result


def _warn_unused_kwargs(kwargs, accepted):
    unused = sorted(set(kwargs) - accepted)
    if not unused:
        return
    hints = []
    for kwarg in unused:
        close = difflib.get_close_matches(kwarg, sorted(accepted), n=1)
        hints.append(f"{kwarg} (perhaps you meant {close[0]})" if close else kwarg)
    warnings.warn(
        "get_output() was called with keyword arguments that no layer accepts:\n\t"
        + "\n\t".join(hints),
        stacklevel=3,
    )


def get_output(layer_or_layers, inputs=None, **kwargs):
    """The symbolic output of one or more layers.

    Parameters
    ----------
    layer_or_layers : Layer or list of Layer
        The layer(s) whose output to build.
    inputs : None, tensor/array, or dict
        ``None`` uses the ``input_var`` of each `InputLayer`; a single
        expression replaces the (only) input layer's variable; a dict maps
        layers (any layer, not only input layers) to expressions.
    **kwargs
        Passed to every ``get_output_for``, e.g. ``deterministic=True`` to
        switch off dropout. A keyword no layer accepts triggers a warning that
        names the closest accepted keyword.

    Returns
    -------
    tensor or list of tensors
        One per requested layer.

    Raises
    ------
    ValueError
        If a layer built from a shape tuple gets no input expression, or one
        expression is given for a network with several input layers.
    """
    accepted = {"deterministic"}
    treat_as_input = list(inputs.keys()) if isinstance(inputs, dict) else []
    all_layers = get_all_layers(layer_or_layers, treat_as_input)
    all_outputs = {
        layer: layer.input_var
        for layer in all_layers
        if isinstance(layer, InputLayer) and layer not in treat_as_input
    }
    if isinstance(inputs, dict):
        all_outputs.update(
            (layer, utils.as_tensor_expression(expr)) for layer, expr in inputs.items()
        )
    elif inputs is not None:
        if len(all_outputs) > 1:
            raise ValueError(
                f"get_output() got one input expression for a network with "
                f"{len(all_outputs)} input layers; pass a dict "
                "{input_layer: expression, ...} instead."
            )
        for input_layer in all_outputs:
            all_outputs[input_layer] = utils.as_tensor_expression(inputs)
    for layer in all_layers:
        if layer in all_outputs:
            continue
        try:
            if isinstance(layer, MergeLayer):
                layer_inputs = [all_outputs[inp] for inp in layer.input_layers]
            else:
                layer_inputs = all_outputs[layer.input_layer]
        except KeyError:
            raise ValueError(
                f"get_output() has no input expression for {layer!r}, which was "
                "built from a shape tuple; pass inputs={layer: expression}."
            ) from None
        all_outputs[layer] = layer.get_output_for(layer_inputs, **kwargs)
        try:
            accepted |= set(utils.inspect_kwargs(layer.get_output_for))
        except (TypeError, ValueError):
            pass
        accepted |= set(getattr(layer, "get_output_kwargs", ()))
    _warn_unused_kwargs(kwargs, accepted)
    layers, many = _as_list(layer_or_layers)
    outputs = [all_outputs[layer] for layer in layers]
    return outputs if many else outputs[0]


def get_output_shape(layer_or_layers, input_shapes=None):
    """The output shape(s) of one or more layers, optionally for other input shapes.

    Parameters
    ----------
    layer_or_layers : Layer or list of Layer
    input_shapes : None, tuple, or dict
        ``None`` returns the layers' ``output_shape``; a tuple replaces the
        (only) input layer's shape; a dict maps layers to shapes.

    Returns
    -------
    tuple or list of tuple
    """
    layers, many = _as_list(layer_or_layers)
    if input_shapes is None or input_shapes == {}:
        shapes = [layer.output_shape for layer in layers]
        return shapes if many else shapes[0]
    treat_as_input = list(input_shapes.keys()) if isinstance(input_shapes, dict) else []
    all_layers = get_all_layers(layer_or_layers, treat_as_input)
    all_shapes = {
        layer: layer.shape
        for layer in all_layers
        if isinstance(layer, InputLayer) and layer not in treat_as_input
    }
    if isinstance(input_shapes, dict):
        all_shapes.update(input_shapes)
    else:
        if len(all_shapes) > 1:
            raise ValueError(
                "get_output_shape() got one input shape for a network with several "
                "input layers; pass a dict {input_layer: shape, ...} instead."
            )
        for input_layer in all_shapes:
            all_shapes[input_layer] = tuple(input_shapes)
    for layer in all_layers:
        if layer in all_shapes:
            continue
        if isinstance(layer, MergeLayer):
            layer_shapes = [
                all_shapes[inp] if inp is not None else shape
                for inp, shape in zip(layer.input_layers, layer.input_shapes)
            ]
        elif layer.input_layer is None:
            layer_shapes = layer.input_shape
        else:
            layer_shapes = all_shapes[layer.input_layer]
        all_shapes[layer] = layer.get_output_shape_for(layer_shapes)
    shapes = [all_shapes[layer] for layer in layers]
    return shapes if many else shapes[0]


def get_all_params(layer, unwrap_shared=True, **tags):
    """Every parameter of the network below `layer`, without repeats.

    Parameters
    ----------
    layer : Layer or list of Layer
    unwrap_shared : bool
        Replace expression parameters by the shared variables they use.
    **tags : bool
        Filter by tags, e.g. ``trainable=True`` or ``regularizable=True``.

    Returns
    -------
    list of Variable
        In layer order (inputs first), parameter order within a layer.
    """
    layers = get_all_layers(layer)
    params = chain.from_iterable(
        lay.get_params(unwrap_shared=unwrap_shared, **tags) for lay in layers
    )
    return utils.unique(params)


def count_params(layer, **tags):
    """The number of scalar parameters in the network below `layer`.

    Parameters
    ----------
    layer : Layer or list of Layer
    **tags : bool
        Filter by tags, e.g. ``trainable=True``.

    Returns
    -------
    int
    """
    params = get_all_params(layer, **tags)
    return int(sum(np.prod(p.get_value(borrow=True).shape) for p in params))


def get_all_param_values(layer, **tags):
    """The values of every parameter below `layer`, as a list of NumPy arrays.

    The order is that of `get_all_params`, so the list can be saved and given
    back to `set_all_param_values`.
    """
    return [p.get_value() for p in get_all_params(layer, **tags)]


def set_all_param_values(layer, values, **tags):
    """Load parameter values (from `get_all_param_values`) into the network.

    Parameters
    ----------
    layer : Layer or list of Layer
    values : list of ndarray
        One array per parameter, in `get_all_params` order.
    **tags : bool
        Must be the tags used when the values were saved.

    Raises
    ------
    ValueError
        If the number of arrays or any array's shape does not match; the
        message names the layer, the parameter and both shapes.
    """
    params = get_all_params(layer, **tags)
    if len(params) != len(values):
        raise ValueError(
            f"set_all_param_values got {len(values)} arrays for {len(params)} "
            "parameters. Save and load with the same network and the same tags."
        )
    owner = {}
    for lay in get_all_layers(layer):
        for p in lay.get_params(**tags):
            owner.setdefault(p, lay)
    for p, v in zip(params, values):
        old = p.get_value(borrow=True).shape
        if np.shape(v) != old:
            raise ValueError(
                f"Cannot set parameter {p.name or p} of {owner.get(p)!r}: got an "
                f"array of shape {np.shape(v)}, the parameter has shape {old}. "
                "Was the network built with the same sizes as the saved one?"
            )
    for p, v in zip(params, values):
        p.set_value(np.asarray(v, dtype=p.dtype))
