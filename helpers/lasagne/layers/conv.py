"""Convolutional layers (Lasagne's ``lasagne.layers.conv``).

`BaseConvLayer` holds what all convolutions share: argument checks, output-size
arithmetic, filters, biases and the nonlinearity.  Each subclass supplies only
``convolve``.

Layers: `Conv1DLayer`, `Conv2DLayer`, `TransposedConv2DLayer` (alias
`Deconv2DLayer`), `DilatedConv2DLayer`.
Shape arithmetic: `conv_output_length`, `conv_input_length`.

The convolution itself is `helpers.nnet.conv2d` (im2col + one BLAS matrix product
on the CPU backend, ``jax.lax.conv_general_dilated`` on the JAX backend).
"""

import pytensor.tensor as pt

from ... import nnet
from .. import init, nonlinearities
from ..utils import as_tuple
from .base import Layer

__all__ = [
    "BaseConvLayer",
    "Conv1DLayer",
    "Conv2DLayer",
    "Deconv2DLayer",
    "DilatedConv2DLayer",
    "TransposedConv2DLayer",
    "conv_input_length",
    "conv_output_length",
]


def conv_output_length(input_length, filter_size, stride, pad=0):
    """Length of a convolution's output along one axis.

    Parameters
    ----------
    input_length : int or None
    filter_size : int
    stride : int
    pad : {'valid', 'full', 'same'} or int
        ``'valid'`` = 0, ``'full'`` = ``filter_size - 1``, ``'same'`` keeps the
        length at stride 1 (odd filters), an int pads both ends.

    Returns
    -------
    int or None
        ``ceil((input_length + 2 * pad - filter_size + 1) / stride)``; None when
        `input_length` is None.

    Examples
    --------
    >>> conv_output_length(28, 5, 1, "valid"), conv_output_length(224, 3, 2, 1)
    (24, 112)
    """
    if input_length is None:
        return None
    if pad == "valid":
        length = input_length - filter_size + 1
    elif pad == "full":
        length = input_length + filter_size - 1
    elif pad == "same":
        length = input_length
    elif isinstance(pad, int):
        length = input_length + 2 * pad - filter_size + 1
    else:
        raise ValueError(
            f"Invalid pad: {pad!r}; use 'valid', 'full', 'same' or an int."
        )
    return (length + stride - 1) // stride


def conv_input_length(output_length, filter_size, stride, pad=0):
    """The smallest input length a convolution maps to `output_length`.

    The inverse of `conv_output_length` (with a stride, up to ``stride - 1``
    longer inputs give the same output length); also the output length of the
    transposed convolution.

    Parameters
    ----------
    output_length : int or None
    filter_size : int
    stride : int
    pad : {'valid', 'full', 'same'} or int

    Returns
    -------
    int or None
        ``(output_length - 1) * stride - 2 * pad + filter_size``.
    """
    if output_length is None:
        return None
    if pad == "valid":
        pad = 0
    elif pad == "full":
        pad = filter_size - 1
    elif pad == "same":
        pad = filter_size // 2
    if not isinstance(pad, int):
        raise ValueError(
            f"Invalid pad: {pad!r}; use 'valid', 'full', 'same' or an int."
        )
    return (output_length - 1) * stride - 2 * pad + filter_size


class BaseConvLayer(Layer):
    """N-D convolution: (batch, channels, *spatial) -> (batch, num_filters, *spatial').

    Parameters
    ----------
    incoming : Layer or tuple
        Input of shape (batch, channels, *spatial); `channels` must be known.
    num_filters : int
        Number of output channels.
    filter_size : int or tuple of int
    stride : int or tuple of int
    pad : {'valid', 'full', 'same'}, int or tuple of int
        ``'same'`` needs odd filter sizes (as in Lasagne).
    untie_biases : bool
        True gives one bias per output position: b has shape
        (num_filters, *output_spatial) instead of (num_filters,).
    W : initializer, ndarray or shared variable, (num_filters, channels, *filter_size)
    b : initializer, ndarray, shared variable or None
        Tagged ``regularizable=False``; None for no bias.
    nonlinearity : callable or None
        Default ``rectify``; None means identity.
    flip_filters : bool
        True (Lasagne's default) flips the filters: a true convolution, as
        Theano's ``conv2d``. False computes a cross-correlation (other frameworks).
    n : int or None
        Number of spatial axes; None infers it from the input shape.
    **kwargs
        ``name`` and other `Layer` arguments.
    """

    def __init__(
        self,
        incoming,
        num_filters,
        filter_size,
        stride=1,
        pad=0,
        untie_biases=False,
        W=init.GlorotUniform(),
        b=init.Constant(0.0),
        nonlinearity=nonlinearities.rectify,
        flip_filters=True,
        n=None,
        **kwargs,
    ):
        super().__init__(incoming, **kwargs)
        self.nonlinearity = (
            nonlinearity if nonlinearity is not None else nonlinearities.identity
        )
        if n is None:
            n = len(self.input_shape) - 2
        elif n != len(self.input_shape) - 2:
            raise ValueError(
                f"Tried to create a {n}D convolution layer with input shape "
                f"{self.input_shape}. Expected {n + 2} input dimensions (batch, "
                f"channels, {n} spatial dimensions)."
            )
        self.n = n
        self.num_filters = num_filters
        self.filter_size = as_tuple(filter_size, n, int)
        self.flip_filters = flip_filters
        self.stride = as_tuple(stride, n, int)
        self.untie_biases = untie_biases
        if pad == "same":
            if any(s % 2 == 0 for s in self.filter_size):
                raise NotImplementedError(
                    f"pad='same' needs odd filter sizes; got {self.filter_size}. "
                    "Pad explicitly (pad=int) or use an odd filter size."
                )
        if pad == "valid":
            self.pad = as_tuple(0, n)
        elif pad in ("full", "same"):
            self.pad = pad
        else:
            self.pad = as_tuple(pad, n, int)
        if self.input_shape[1] is None:
            raise ValueError(
                f"{type(self).__name__} needs a known number of input channels; got "
                f"input shape {self.input_shape}. Give the InputLayer a concrete "
                "channel size, e.g. (None, 1, 28, 28)."
            )
        self.W = self.add_param(W, self.get_W_shape(), name="W")
        if b is None:
            self.b = None
        else:
            if self.untie_biases:
                biases_shape = (num_filters,) + self.output_shape[2:]
            else:
                biases_shape = (num_filters,)
            self.b = self.add_param(b, biases_shape, name="b", regularizable=False)

    def get_W_shape(self):
        """Shape of the filter bank: (num_filters, channels, *filter_size)."""
        return (self.num_filters, self.input_shape[1]) + self.filter_size

    def get_output_shape_for(self, input_shape):
        pad = self.pad if isinstance(self.pad, tuple) else (self.pad,) * self.n
        return (input_shape[0], self.num_filters) + tuple(
            conv_output_length(length, f, s, p)
            for length, f, s, p in zip(
                input_shape[2:], self.filter_size, self.stride, pad
            )
        )

    def get_output_for(self, input, **kwargs):
        conved = self.convolve(input, **kwargs)
        if self.b is None:
            activation = conved
        elif self.untie_biases:
            activation = conved + pt.shape_padleft(self.b, 1)
        else:
            activation = conved + self.b.dimshuffle(("x", 0) + ("x",) * self.n)
        return self.nonlinearity(activation)

    def convolve(self, input, **kwargs):
        """The convolution without bias and nonlinearity (subclasses implement it)."""
        raise NotImplementedError(f"{type(self).__name__} must implement convolve.")

    def _static_input(self, input):
        """`input` with the static shape this layer was built for (for JAX)."""
        return pt.specify_shape(input, self.input_shape)


class Conv1DLayer(BaseConvLayer):
    """1-D convolution layer: (batch, channels, time) -> (batch, num_filters, time').

    Parameters
    ----------
    incoming : Layer or tuple
        (batch, channels, time) input.
    num_filters, filter_size, stride, pad, untie_biases, W, b, nonlinearity
    flip_filters
        As in `BaseConvLayer`, one value each for the time axis.
    """

    def __init__(
        self,
        incoming,
        num_filters,
        filter_size,
        stride=1,
        pad=0,
        untie_biases=False,
        W=init.GlorotUniform(),
        b=init.Constant(0.0),
        nonlinearity=nonlinearities.rectify,
        flip_filters=True,
        **kwargs,
    ):
        super().__init__(
            incoming,
            num_filters,
            filter_size,
            stride,
            pad,
            untie_biases,
            W,
            b,
            nonlinearity,
            flip_filters,
            n=1,
            **kwargs,
        )

    def convolve(self, input, **kwargs):
        border_mode = "half" if self.pad == "same" else self.pad
        return nnet.conv1d(
            self._static_input(input),
            self.W,
            filter_shape=self.get_W_shape(),
            border_mode=border_mode,
            subsample=self.stride,
            filter_flip=self.flip_filters,
        )


class Conv2DLayer(BaseConvLayer):
    """2-D convolution: (batch, channels, rows, cols) -> (batch, num_filters, r', c').

    ``r' = conv_output_length(rows, filter_size[0], stride[0], pad[0]), likewise c'.`.

    Parameters
    ----------
    incoming : Layer or tuple
        (batch, channels, rows, cols) input; channels must be known.
    num_filters : int
    filter_size : int or (int, int)
    stride : int or (int, int)
    pad : {'valid', 'full', 'same'}, int or (int, int)
    untie_biases : bool
    W : initializer, ndarray or shared variable
        (num_filters, channels, filter_rows, filter_cols); default
        ``init.GlorotUniform()``.
    b : initializer, ndarray, shared variable or None, (num_filters,)
        Default zeros; (num_filters, rows', cols') with ``untie_biases=True``.
    nonlinearity : callable or None
        Default ``rectify``.
    flip_filters : bool
        Default True (true convolution, as Lasagne and Theano). Set False to load
        weights trained as cross-correlations (Caffe, PyTorch).
    convolution : callable
        The convolution function (default `helpers.nnet.conv2d`, same signature
        as Theano's ``T.nnet.conv2d``).
    **kwargs
        ``name`` and other `Layer` arguments.

    Examples
    --------
    >>> l_conv = Conv2DLayer((None, 1, 28, 28), num_filters=20, filter_size=5)
    >>> l_conv.output_shape
    (None, 20, 24, 24)
    """

    def __init__(
        self,
        incoming,
        num_filters,
        filter_size,
        stride=(1, 1),
        pad=0,
        untie_biases=False,
        W=init.GlorotUniform(),
        b=init.Constant(0.0),
        nonlinearity=nonlinearities.rectify,
        flip_filters=True,
        convolution=nnet.conv2d,
        **kwargs,
    ):
        super().__init__(
            incoming,
            num_filters,
            filter_size,
            stride,
            pad,
            untie_biases,
            W,
            b,
            nonlinearity,
            flip_filters,
            n=2,
            **kwargs,
        )
        self.convolution = convolution

    def convolve(self, input, **kwargs):
        border_mode = "half" if self.pad == "same" else self.pad
        return self.convolution(
            self._static_input(input),
            self.W,
            self.input_shape,
            self.get_W_shape(),
            subsample=self.stride,
            border_mode=border_mode,
            filter_flip=self.flip_filters,
        )


class TransposedConv2DLayer(BaseConvLayer):
    """Transposed conv: (batch, channels, rows, cols) -> (batch, filters, r', c').

    The gradient of a `Conv2DLayer` with respect to its input, used as a layer: it
    upsamples by `stride` ("deconvolution").
    ``r' = conv_input_length(rows, filter_size, stride, crop)``
    unless `output_size` says otherwise.

    Parameters
    ----------
    incoming : Layer or tuple
        (batch, channels, rows, cols) input.
    num_filters : int
        Output channels.
    filter_size : int or (int, int)
    stride : int or (int, int)
        Upsampling factor (the stride of the convolution being transposed).
    crop : {'valid', 'full', 'same'}, int or (int, int)
        The `pad` of the convolution being transposed: cropped from the output.
    untie_biases, b, nonlinearity
        As in `Conv2DLayer`.
    W : initializer, ndarray or shared variable
        (channels, num_filters, filter_rows, filter_cols).
        Note the swapped first two axes: W is the filter bank of the forward
        convolution from num_filters to channels.
    flip_filters : bool
        Default False (as in Lasagne): the transposed convolution of a
        cross-correlation.
    output_size : int, (int, int) or None
        Output (rows, cols); needed to choose among the sizes a stride leaves open.
    **kwargs
        ``name`` and other `Layer` arguments.
    """

    def __init__(
        self,
        incoming,
        num_filters,
        filter_size,
        stride=(1, 1),
        crop=0,
        untie_biases=False,
        W=init.GlorotUniform(),
        b=init.Constant(0.0),
        nonlinearity=nonlinearities.rectify,
        flip_filters=False,
        output_size=None,
        **kwargs,
    ):
        if output_size is not None:
            output_size = as_tuple(output_size, 2, int)
        self.output_size = output_size
        super().__init__(
            incoming,
            num_filters,
            filter_size,
            stride,
            crop,
            untie_biases,
            W,
            b,
            nonlinearity,
            flip_filters,
            n=2,
            **kwargs,
        )
        self.crop = self.pad
        del self.pad

    def get_W_shape(self):
        """(channels, num_filters, filter_rows, filter_cols): Conv2DLayer's, swapped."""
        return (self.input_shape[1], self.num_filters) + self.filter_size

    def get_output_shape_for(self, input_shape):
        if self.output_size is not None:
            return (input_shape[0], self.num_filters) + self.output_size
        crop = getattr(self, "crop", getattr(self, "pad", None))
        crop = crop if isinstance(crop, tuple) else (crop,) * self.n
        return (input_shape[0], self.num_filters) + tuple(
            conv_input_length(length, f, s, c)
            for length, f, s, c in zip(
                input_shape[2:], self.filter_size, self.stride, crop
            )
        )

    def convolve(self, input, **kwargs):
        border_mode = "half" if self.crop == "same" else self.crop
        output_size = self.output_shape[2:]
        if any(s is None for s in output_size):
            pad = nnet._border_to_pad(border_mode, self.filter_size, (1, 1))
            output_size = [
                (input.shape[2 + i] - 1) * self.stride[i]
                - 2 * pad[i]
                + self.filter_size[i]
                for i in range(2)
            ]
        return nnet.conv2d_grad_wrt_inputs(
            self._static_input(input),
            self.W,
            output_size,
            self.get_W_shape(),
            border_mode=border_mode,
            subsample=self.stride,
            filter_flip=not self.flip_filters,
        )


Deconv2DLayer = TransposedConv2DLayer


class DilatedConv2DLayer(BaseConvLayer):
    """Dilated convolution: (batch, channels, rows, cols) -> (batch, filters, r', c').

    Filter taps are `dilation` cells apart, so a 3x3 filter with dilation 2 sees a
    5x5 window. ``rows' = rows - (filter_size - 1) * dilation`` (no padding).

    Parameters
    ----------
    incoming : Layer or tuple
    num_filters : int
    filter_size : int or (int, int)
    dilation : int or (int, int)
        Default (1, 1).
    pad : 0 or 'valid'
        Only unpadded dilated convolutions, as in Lasagne.
    untie_biases, W, b, nonlinearity
        As in `Conv2DLayer`.
    flip_filters : bool
        Default False (Lasagne allows only False here).

    Notes
    -----
    Lasagne's version stores W as (channels, num_filters, ...) because it was
    built from a gradient op; here W is (num_filters, channels, ...) like every
    other convolution, and True is allowed for `flip_filters`.
    """

    def __init__(
        self,
        incoming,
        num_filters,
        filter_size,
        dilation=(1, 1),
        pad=0,
        untie_biases=False,
        W=init.GlorotUniform(),
        b=init.Constant(0.0),
        nonlinearity=nonlinearities.rectify,
        flip_filters=False,
        **kwargs,
    ):
        self.dilation = as_tuple(dilation, 2, int)
        if pad not in (0, "valid", (0, 0)):
            raise NotImplementedError(
                f"DilatedConv2DLayer supports only pad=0 ('valid'); got {pad!r}."
            )
        super().__init__(
            incoming,
            num_filters,
            filter_size,
            1,
            pad,
            untie_biases,
            W,
            b,
            nonlinearity,
            flip_filters,
            n=2,
            **kwargs,
        )

    def get_output_shape_for(self, input_shape):
        return (input_shape[0], self.num_filters) + tuple(
            conv_output_length(length, (f - 1) * d + 1, 1, 0)
            for length, f, d in zip(input_shape[2:], self.filter_size, self.dilation)
        )

    def convolve(self, input, **kwargs):
        return nnet.conv2d(
            self._static_input(input),
            self.W,
            filter_shape=self.get_W_shape(),
            border_mode="valid",
            filter_flip=self.flip_filters,
            filter_dilation=self.dilation,
        )
