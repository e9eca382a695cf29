"""Small single-purpose layers.

Activations: `NonlinearityLayer`, `ParametricRectifierLayer` (wrapper `prelu`).
Learned shift and scale: `BiasLayer`, `ScaleLayer`.
Anything else: `ExpressionLayer` (wrap a function of the input), `InverseLayer`
(the backward pass of another layer, e.g. "unpooling" or a transposed dense).
"""

import pytensor
import pytensor.tensor as pt

from .. import init, nonlinearities
from .base import Layer, MergeLayer

__all__ = [
    "BiasLayer",
    "ExpressionLayer",
    "InverseLayer",
    "NonlinearityLayer",
    "ParametricRectifierLayer",
    "ScaleLayer",
    "prelu",
]


def _shared_axes(shared_axes, ndim):
    if shared_axes == "auto":
        return (0,) + tuple(range(2, ndim))
    if shared_axes == "all":
        return tuple(range(ndim))
    if isinstance(shared_axes, int):
        return (shared_axes,)
    return tuple(shared_axes)


def _param_shape(layer, shared_axes, what):
    shape = [s for axis, s in enumerate(layer.input_shape) if axis not in shared_axes]
    if any(s is None for s in shape):
        raise ValueError(
            f"{type(layer).__name__} needs fixed input sizes on every axis its {what} "
            f"are not shared over; got input shape {layer.input_shape} with "
            f"shared_axes={shared_axes}. Add the unknown axes to shared_axes."
        )
    return tuple(shape)


def _broadcast(param, shared_axes, ndim):
    axes = iter(range(param.ndim))
    pattern = ["x" if a in shared_axes else next(axes) for a in range(ndim)]
    return param.dimshuffle(*pattern)


class NonlinearityLayer(Layer):
    """Apply an activation: any shape -> the same shape.

    Parameters
    ----------
    incoming : Layer or tuple
    nonlinearity : callable or None
        Default ``rectify``; ``None`` means identity.
    **kwargs
        ``name`` and other `Layer` arguments.
    """

    def __init__(self, incoming, nonlinearity=nonlinearities.rectify, **kwargs):
        super().__init__(incoming, **kwargs)
        self.nonlinearity = (
            nonlinearity if nonlinearity is not None else nonlinearities.identity
        )

    def get_output_for(self, input, **kwargs):
        return self.nonlinearity(input)


class BiasLayer(Layer):
    """Add a learned bias: any shape -> the same shape.

    Parameters
    ----------
    incoming : Layer or tuple
    b : initializer, ndarray, shared variable or None
        The bias; its shape is the input shape without `shared_axes`
        (``(channels,)`` by default). ``None`` makes the layer an identity.
    shared_axes : "auto", int or tuple of int
        Axes over which one bias is shared; ``"auto"`` shares over all axes but
        the second (one bias per feature or channel).
    **kwargs
        ``name`` and other `Layer` arguments.
    """

    def __init__(self, incoming, b=init.Constant(0), shared_axes="auto", **kwargs):
        super().__init__(incoming, **kwargs)
        self.shared_axes = _shared_axes(shared_axes, len(self.input_shape))
        if b is None:
            self.b = None
        else:
            shape = _param_shape(self, self.shared_axes, "biases")
            self.b = self.add_param(b, shape, "b", regularizable=False)

    def get_output_for(self, input, **kwargs):
        if self.b is None:
            return input
        return input + _broadcast(self.b, self.shared_axes, input.ndim)


class ScaleLayer(Layer):
    """Multiply by learned scales: any shape -> the same shape.

    Parameters
    ----------
    incoming : Layer or tuple
    scales : initializer, ndarray or shared variable
        Shape is the input shape without `shared_axes` (default ones).
    shared_axes : "auto", int or tuple of int
        ``"auto"`` shares over all axes but the second.
    **kwargs
        ``name`` and other `Layer` arguments.
    """

    def __init__(self, incoming, scales=init.Constant(1), shared_axes="auto", **kwargs):
        super().__init__(incoming, **kwargs)
        self.shared_axes = _shared_axes(shared_axes, len(self.input_shape))
        shape = _param_shape(self, self.shared_axes, "scales")
        self.scales = self.add_param(scales, shape, "scales", regularizable=False)

    def get_output_for(self, input, **kwargs):
        return input * _broadcast(self.scales, self.shared_axes, input.ndim)


class ExpressionLayer(Layer):
    """Apply any function of the input: input shape -> `output_shape`.

    Parameters
    ----------
    incoming : Layer or tuple
    function : callable
        Tensor -> tensor, e.g. ``lambda X: X.mean(axis=-1)``.
    output_shape : None, tuple, callable or "auto"
        ``None``: same as the input; a tuple: that shape; a callable: called
        with the input shape; ``"auto"``: found by running `function` on zeros
        (unknown sizes taken as 1 and reported as None).
    **kwargs
        ``name`` and other `Layer` arguments.
    """

    def __init__(self, incoming, function, output_shape=None, **kwargs):
        super().__init__(incoming, **kwargs)
        if output_shape is None or output_shape == "auto":
            self._output_shape = output_shape
        elif callable(output_shape):
            self._output_shape = None
            self.get_output_shape_for = output_shape
        else:
            self._output_shape = tuple(output_shape)
        self.function = function

    def get_output_shape_for(self, input_shape):
        if self._output_shape is None:
            return input_shape
        if self._output_shape == "auto":
            probe = [1 if s is None else s for s in input_shape]
            x = pt.zeros(probe, dtype=pytensor.config.floatX)
            out = self.function(x).shape.eval()
            return tuple(
                None if (a is None and b == 1) else int(b)
                for a, b in zip(list(input_shape) + [0] * len(out), out)
            )
        return self._output_shape

    def get_output_for(self, input, **kwargs):
        return self.function(input)


class InverseLayer(MergeLayer):
    """The backward pass of `layer`, applied to `incoming`: -> `layer`'s input shape.

    Computes ``d(layer output)/d(layer input)`` applied to `incoming` (a
    vector-Jacobian product): for a `DenseLayer` without nonlinearity this is
    ``incoming @ W.T``; for max pooling it routes values back to the maxima.

    Parameters
    ----------
    incoming : Layer or tuple
        Must have `layer`'s output shape.
    layer : Layer
        The layer to invert; must have an ``input_layer``.
    **kwargs
        ``name`` and other `Layer` arguments.
    """

    def __init__(self, incoming, layer, **kwargs):
        if getattr(layer, "input_layer", None) is None:
            raise ValueError(
                "InverseLayer needs a layer with an input_layer to invert."
            )
        super().__init__([incoming, layer, layer.input_layer], **kwargs)

    def get_output_shape_for(self, input_shapes):
        return input_shapes[2]

    def get_output_for(self, inputs, **kwargs):
        input, layer_out, layer_in = inputs
        return pytensor.grad(None, wrt=layer_in, known_grads={layer_out: input})


class ParametricRectifierLayer(Layer):
    """PReLU: ``x`` for ``x > 0``, ``alpha * x`` otherwise, with learned alpha.

    Parameters
    ----------
    incoming : Layer or tuple
    alpha : initializer, ndarray or shared variable
        Slopes (default 0.25), shape = input shape without `shared_axes`.
    shared_axes : "auto", "all", int or tuple of int
        ``"auto"``: one alpha per channel; ``"all"``: a single alpha.
    **kwargs
        ``name`` and other `Layer` arguments.
    """

    def __init__(
        self, incoming, alpha=init.Constant(0.25), shared_axes="auto", **kwargs
    ):
        super().__init__(incoming, **kwargs)
        self.shared_axes = _shared_axes(shared_axes, len(self.input_shape))
        shape = _param_shape(self, self.shared_axes, "slopes")
        self.alpha = self.add_param(alpha, shape, name="alpha", regularizable=False)

    def get_output_for(self, input, **kwargs):
        alpha = _broadcast(self.alpha, self.shared_axes, input.ndim)
        return pt.switch(input > 0, input, alpha * input)


def prelu(layer, **kwargs):
    """Replace `layer`'s nonlinearity by a `ParametricRectifierLayer` on top of it."""
    nonlinearity = getattr(layer, "nonlinearity", None)
    if nonlinearity is not None:
        layer.nonlinearity = nonlinearities.identity
    return ParametricRectifierLayer(layer, **kwargs)
