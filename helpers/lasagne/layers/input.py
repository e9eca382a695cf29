"""The entry point of every network: a layer that holds the input variable.

Public names: `InputLayer`.
"""

from collections import OrderedDict

import pytensor
import pytensor.tensor as pt
from pytensor.graph.basic import Variable

from .base import Layer, _check_shape

__all__ = ["InputLayer"]


class InputLayer(Layer):
    """A network's input: shape -> the same shape.

    Parameters
    ----------
    shape : tuple
        Input shape, ``None`` for sizes known only at run time, e.g.
        ``(None, 1, 28, 28)``. Give concrete non-batch sizes: later layers
        (and the JAX backend) need them.
    input_var : tensor or None
        The variable to use (e.g. ``pt.tensor4("inputs")``). If ``None``, a
        floatX tensor with static shape `shape` is created and named
        ``"<name>.input"`` (or ``"input"``). Its fixed sizes are enforced
        when a compiled function is called, so leave the batch size ``None``
        unless every batch has that size.
    name : str or None
        Name of the layer.

    Raises
    ------
    ValueError
        If `input_var` has another number of dimensions than `shape`, or a fixed
        size that contradicts it.
    """

    def __init__(self, shape, input_var=None, name=None, **kwargs):
        shape = tuple(shape)
        _check_shape("InputLayer", shape, what="shape")
        self.shape = shape
        ndim = len(shape)
        if input_var is None:
            var_name = f"{name}.input" if name is not None else "input"
            input_var = pt.tensor(var_name, dtype=pytensor.config.floatX, shape=shape)
        else:
            if not isinstance(input_var, Variable):
                raise TypeError(
                    f"InputLayer needs a PyTensor variable as input_var, got "
                    f"{type(input_var).__name__}."
                )
            if input_var.ndim != ndim:
                raise ValueError(
                    f"InputLayer shape {shape} has {ndim} dimensions but input_var "
                    f"{input_var} has {input_var.ndim}. Use e.g. pt.tensor4 for "
                    "images (batch, channels, rows, cols) or pt.matrix for "
                    "(batch, features)."
                )
            static = getattr(input_var.type, "shape", (None,) * ndim)
            for axis, (s, d) in enumerate(zip(static, shape)):
                if s is not None and d is not None and s != d:
                    raise ValueError(
                        f"InputLayer shape {shape} contradicts input_var's static "
                        f"shape {static} on axis {axis}."
                    )
        self.input_var = input_var
        self.name = name
        self.params = OrderedDict()
        self.get_output_kwargs = []

    @Layer.output_shape.getter
    def output_shape(self):
        """The declared input shape."""
        return self.shape
