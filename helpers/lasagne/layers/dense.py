"""Fully connected layers.

`DenseLayer`: every input feature connects to every unit.
`NINLayer`: a dense layer applied at every position of a feature map
(network-in-network, a 1x1 convolution).
"""

import numpy as np
import pytensor.tensor as pt

from .. import init, nonlinearities
from .base import Layer

__all__ = ["DenseLayer", "NINLayer"]


class DenseLayer(Layer):
    """Fully connected layer: (batch, features...) -> (batch, num_units).

    Computes ``nonlinearity(input.flatten(num_leading_axes + 1) @ W + b)``:
    all axes after the first `num_leading_axes` are flattened into the
    ``features`` axis.

    Parameters
    ----------
    incoming : Layer or tuple
        The input layer or shape. Axes after the leading ones need fixed sizes.
    num_units : int
        Number of units.
    W : initializer, ndarray or shared variable, (features, num_units)
        Weights (default ``init.GlorotUniform()``).
    b : initializer, ndarray, shared variable or None, (num_units,)
        Biases (default zeros); ``None`` for no bias. Tagged
        ``regularizable=False``.
    nonlinearity : callable or None
        Activation (default ``rectify``); ``None`` means identity.
    num_leading_axes : int
        Axes kept as they are (default 1, the batch axis). Negative values count
        from the end: ``-1`` applies the layer to the last axis only.
    **kwargs
        ``name`` and other `Layer` arguments.

    Raises
    ------
    ValueError
        If the axes to be flattened have unknown (None) sizes, or
        `num_leading_axes` leaves no axis for the product.
    """

    def __init__(
        self,
        incoming,
        num_units,
        W=init.GlorotUniform(),
        b=init.Constant(0.0),
        nonlinearity=nonlinearities.rectify,
        num_leading_axes=1,
        **kwargs,
    ):
        super().__init__(incoming, **kwargs)
        self.nonlinearity = (
            nonlinearity if nonlinearity is not None else nonlinearities.identity
        )
        self.num_units = num_units
        ndim = len(self.input_shape)
        if num_leading_axes >= ndim:
            raise ValueError(
                f"DenseLayer got num_leading_axes={num_leading_axes} for a {ndim}-D "
                f"input {self.input_shape}, leaving no axis for the dot product. "
                f"Use num_leading_axes <= {ndim - 1}."
            )
        if num_leading_axes < -ndim:
            raise ValueError(
                f"DenseLayer got num_leading_axes={num_leading_axes} for a {ndim}-D "
                f"input {self.input_shape}: that asks for more trailing axes than "
                "the input has."
            )
        self.num_leading_axes = num_leading_axes
        trailing = self.input_shape[num_leading_axes:]
        if any(s is None for s in trailing):
            raise ValueError(
                "DenseLayer needs fixed sizes after the leading axes; got input shape "
                f"{self.input_shape} with num_leading_axes={num_leading_axes}. Give "
                "the InputLayer a concrete shape (only the batch size may be None), "
                f"or use num_leading_axes={ndim - 1 if num_leading_axes >= 0 else -1} "
                "to apply the layer to the last axis only."
            )
        num_inputs = int(np.prod(trailing))
        self.W = self.add_param(W, (num_inputs, num_units), name="W")
        if b is None:
            self.b = None
        else:
            self.b = self.add_param(b, (num_units,), name="b", regularizable=False)

    def get_output_shape_for(self, input_shape):
        return input_shape[: self.num_leading_axes] + (self.num_units,)

    def get_output_for(self, input, **kwargs):
        num_leading_axes = self.num_leading_axes
        if num_leading_axes < 0:
            num_leading_axes += input.ndim
        if input.ndim > num_leading_axes + 1:
            input = pt.flatten(input, num_leading_axes + 1)  # (leading..., features)
        activation = pt.dot(input, self.W)
        if self.b is not None:
            activation = activation + self.b
        return self.nonlinearity(activation)


class NINLayer(Layer):
    """Network-in-network: (batch, channels, ...) -> (batch, num_units, ...).

    A dense layer over the channel axis, applied at every spatial position (a
    1x1 convolution).

    Parameters
    ----------
    incoming : Layer or tuple
        Input with at least 2 axes; the channel axis (1) needs a fixed size.
    num_units : int
        Number of output channels.
    untie_biases : bool
        One bias per unit *and* position, shape ``(num_units,) + spatial``.
    W : initializer, ndarray or shared variable, (channels, num_units)
    b : initializer, ndarray, shared variable or None, (num_units,)
    nonlinearity : callable or None
        Default ``rectify``; ``None`` means identity.
    **kwargs
        ``name`` and other `Layer` arguments.
    """

    def __init__(
        self,
        incoming,
        num_units,
        untie_biases=False,
        W=init.GlorotUniform(),
        b=init.Constant(0.0),
        nonlinearity=nonlinearities.rectify,
        **kwargs,
    ):
        super().__init__(incoming, **kwargs)
        self.nonlinearity = (
            nonlinearity if nonlinearity is not None else nonlinearities.identity
        )
        self.num_units = num_units
        self.untie_biases = untie_biases
        if len(self.input_shape) < 2 or self.input_shape[1] is None:
            raise ValueError(
                f"NINLayer needs an input (batch, channels, ...) with a fixed number "
                f"of channels; got {self.input_shape}."
            )
        num_input_channels = self.input_shape[1]
        self.W = self.add_param(W, (num_input_channels, num_units), name="W")
        if b is None:
            self.b = None
        else:
            if untie_biases:
                biases_shape = (num_units,) + tuple(self.output_shape[2:])
            else:
                biases_shape = (num_units,)
            self.b = self.add_param(b, biases_shape, name="b", regularizable=False)

    def get_output_shape_for(self, input_shape):
        return (input_shape[0], self.num_units) + tuple(input_shape[2:])

    def get_output_for(self, input, **kwargs):
        out_r = pt.tensordot(self.W, input, axes=[[0], [1]])  # (units, batch, ...)
        remaining = list(range(2, input.ndim))
        out = out_r.dimshuffle(1, 0, *remaining)  # (batch, units, ...)
        if self.b is not None:
            if self.untie_biases:
                pattern = list(range(1, input.ndim - 1))
            else:
                pattern = ["x"] * (input.ndim - 2)
            out = out + self.b.dimshuffle("x", 0, *pattern)
        return self.nonlinearity(out)
