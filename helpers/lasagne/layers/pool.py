"""Pooling layers (Lasagne's ``lasagne.layers.pool``).

`Pool2DLayer` reduces windows of a feature map (max or average); `MaxPool2DLayer`,
`Pool1DLayer` and `MaxPool1DLayer` are its special cases.  `GlobalPoolLayer`
reduces each whole map to one number, and `Upscale2DLayer` goes the other way.
Shape arithmetic: `pool_output_length`.

The reductions are `helpers.nnet.pool_2d` (reshape + max for non-overlapping
windows, one strided slice per window offset otherwise), so gradients come from
PyTensor and everything runs on the JAX backend.
"""

import numpy as np
import pytensor.tensor as pt

from ... import nnet
from ...nnet import pool_output_length
from ..utils import as_tuple
from .base import Layer

__all__ = [
    "GlobalPoolLayer",
    "MaxPool1DLayer",
    "MaxPool2DLayer",
    "Pool1DLayer",
    "Pool2DLayer",
    "Upscale2DLayer",
    "pool_output_length",
]

_MODES = ("max", "average_inc_pad", "average_exc_pad")


def _check_mode(mode):
    if mode not in _MODES:
        raise ValueError(f"Pooling mode must be one of {_MODES}; got {mode!r}.")


class Pool2DLayer(Layer):
    """2-D pooling: (batch, channels, rows, cols) -> (batch, channels, rows', cols').

    ``rows' = pool_output_length(rows, pool_size[0], stride[0], pad[0],
    ignore_border)``.

    Parameters
    ----------
    incoming : Layer or tuple
        (batch, channels, rows, cols) input; rows and cols must be known.
    pool_size : int or (int, int)
    stride : int, (int, int) or None
        None (default) means `pool_size`: non-overlapping windows.
    pad : int or (int, int)
        Zeros added on each side (needs ``ignore_border=True``).
    ignore_border : bool
        Default True: a last partial window is dropped.
    mode : {'max', 'average_inc_pad', 'average_exc_pad'}
        ``average_inc_pad`` counts padding in the mean, ``average_exc_pad`` does not.
    **kwargs
        ``name`` and other `Layer` arguments.

    Notes
    -----
    As Theano's CPU pooling, padded cells are zeros, also for max pooling (cuDNN
    ignores them). The two agree whenever the input is non-negative (after a ReLU).
    """

    def __init__(
        self,
        incoming,
        pool_size,
        stride=None,
        pad=(0, 0),
        ignore_border=True,
        mode="max",
        **kwargs,
    ):
        super().__init__(incoming, **kwargs)
        if len(self.input_shape) != 4:
            raise ValueError(
                "Tried to create a 2D pooling layer with input shape "
                f"{self.input_shape}."
                " Expected 4 input dimensions (batch, channels, rows, cols)."
            )
        _check_mode(mode)
        self.pool_size = as_tuple(pool_size, 2)
        self.stride = self.pool_size if stride is None else as_tuple(stride, 2)
        self.pad = as_tuple(pad, 2)
        self.ignore_border = ignore_border
        self.mode = mode
        if not ignore_border and self.pad != (0, 0):
            raise NotImplementedError(
                f"Padding {self.pad} needs ignore_border=True (as in Theano)."
            )

    def get_output_shape_for(self, input_shape):
        return tuple(input_shape[:2]) + tuple(
            pool_output_length(length, p, s, d, self.ignore_border)
            for length, p, s, d in zip(
                input_shape[2:], self.pool_size, self.stride, self.pad
            )
        )

    def get_output_for(self, input, **kwargs):
        input = pt.specify_shape(input, self.input_shape)
        return nnet.pool_2d(
            input,
            ws=self.pool_size,
            stride=self.stride,
            ignore_border=self.ignore_border,
            pad=self.pad,
            mode=self.mode,
        )


class MaxPool2DLayer(Pool2DLayer):
    """2-D max pooling: (batch, channels, rows, cols) -> (batch, channels, r', c').

    `Pool2DLayer` with ``mode='max'``; same parameters otherwise.

    Examples
    --------
    >>> MaxPool2DLayer((None, 20, 24, 24), pool_size=2).output_shape
    (None, 20, 12, 12)
    """

    def __init__(
        self, incoming, pool_size, stride=None, pad=(0, 0), ignore_border=True, **kwargs
    ):
        super().__init__(
            incoming, pool_size, stride, pad, ignore_border, mode="max", **kwargs
        )


class Pool1DLayer(Layer):
    """1-D pooling: (batch, channels, time) -> (batch, channels, time').

    Parameters
    ----------
    incoming : Layer or tuple
        (batch, channels, time) input; time must be known.
    pool_size : int
    stride : int or None
        None means `pool_size`.
    pad : int
    ignore_border : bool
    mode : {'max', 'average_inc_pad', 'average_exc_pad'}
    """

    def __init__(
        self,
        incoming,
        pool_size,
        stride=None,
        pad=0,
        ignore_border=True,
        mode="max",
        **kwargs,
    ):
        super().__init__(incoming, **kwargs)
        if len(self.input_shape) != 3:
            raise ValueError(
                "Tried to create a 1D pooling layer with input shape "
                f"{self.input_shape}."
                " Expected 3 input dimensions (batch, channels, time)."
            )
        _check_mode(mode)
        self.pool_size = as_tuple(pool_size, 1)
        self.stride = self.pool_size if stride is None else as_tuple(stride, 1)
        self.pad = as_tuple(pad, 1)
        self.ignore_border = ignore_border
        self.mode = mode

    def get_output_shape_for(self, input_shape):
        return tuple(input_shape[:2]) + (
            pool_output_length(
                input_shape[2],
                self.pool_size[0],
                self.stride[0],
                self.pad[0],
                self.ignore_border,
            ),
        )

    def get_output_for(self, input, **kwargs):
        input = pt.specify_shape(input, self.input_shape)
        pooled = nnet.pool_2d(
            input.dimshuffle(0, 1, 2, "x"),  # (batch, c, time, 1)
            ws=(self.pool_size[0], 1),
            stride=(self.stride[0], 1),
            ignore_border=self.ignore_border,
            pad=(self.pad[0], 0),
            mode=self.mode,
        )
        return pooled[:, :, :, 0]  # (batch, channels, time')


class MaxPool1DLayer(Pool1DLayer):
    """1-D max pooling: (batch, channels, time) -> (batch, channels, time')."""

    def __init__(
        self, incoming, pool_size, stride=None, pad=0, ignore_border=True, **kwargs
    ):
        super().__init__(
            incoming, pool_size, stride, pad, ignore_border, mode="max", **kwargs
        )


class GlobalPoolLayer(Layer):
    """Pool each feature map to one value: (batch, channels, ...) -> (batch, channels).

    Parameters
    ----------
    incoming : Layer or tuple
        Input with at least 3 axes.
    pool_function : callable
        ``f(x, axis=2)``; default ``pt.mean`` (global average pooling);
        ``pt.max`` gives global max pooling.
    """

    def __init__(self, incoming, pool_function=pt.mean, **kwargs):
        super().__init__(incoming, **kwargs)
        if len(self.input_shape) < 3:
            raise ValueError(
                f"GlobalPoolLayer needs an input with spatial axes (batch, channels, "
                f"...); got shape {self.input_shape}."
            )
        self.pool_function = pool_function

    def get_output_shape_for(self, input_shape):
        return tuple(input_shape[:2])

    def get_output_for(self, input, **kwargs):
        return self.pool_function(input.flatten(3), axis=2)  # (batch, channels)


class Upscale2DLayer(Layer):
    """Upsampling: (batch, channels, rows, cols) -> (batch, channels, rows*s0, cols*s1).

    Parameters
    ----------
    incoming : Layer or tuple
    scale_factor : int or (int, int)
        Integer factors >= 1.
    mode : {'repeat', 'dilate'}
        ``'repeat'`` copies each value into an s0 x s1 block; ``'dilate'`` puts it
        in the block's top-left corner and zeros elsewhere (an unpooling).
    """

    def __init__(self, incoming, scale_factor, mode="repeat", **kwargs):
        super().__init__(incoming, **kwargs)
        self.scale_factor = as_tuple(scale_factor, 2)
        if self.scale_factor[0] < 1 or self.scale_factor[1] < 1:
            raise ValueError(f"Scale factor must be >= 1, not {self.scale_factor}.")
        if mode not in ("repeat", "dilate"):
            raise ValueError(f"Mode must be 'repeat' or 'dilate', not {mode!r}.")
        self.mode = mode

    def get_output_shape_for(self, input_shape):
        shape = list(input_shape)
        for axis, factor in zip((2, 3), self.scale_factor):
            if shape[axis] is not None:
                shape[axis] *= factor
        return tuple(shape)

    def get_output_for(self, input, **kwargs):
        a, b = self.scale_factor
        _, channels, rows, cols = (
            input.shape[i] if s is None else s for i, s in enumerate(self.input_shape)
        )
        if self.mode == "repeat":
            blocks = input[:, :, :, None, :, None] * np.ones(
                (1, 1, 1, a, 1, b), dtype=input.dtype
            )
            return blocks.reshape((-1, channels, rows * a, cols * b))  # (b, c, r, c)
        factors = (1, 1, a, b)
        shape = [
            input.shape[i] * f if s is None else s
            for i, (s, f) in enumerate(zip(self.output_shape, factors))
        ]
        out = pt.zeros(shape, dtype=input.dtype)
        return pt.set_subtensor(out[:, :, ::a, ::b], input)
