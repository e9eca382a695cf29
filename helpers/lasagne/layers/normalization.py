"""Normalization layers (Lasagne's ``lasagne.layers.normalization``).

`BatchNormLayer` standardizes each feature over the batch (and spatial axes) and
keeps running averages for inference; `batch_norm` inserts one into an existing
layer. `LocalResponseNormalization2DLayer` divides each activation by the energy
of its neighbouring channels (AlexNet).
"""

import warnings

import pytensor.tensor as pt

from .. import init, nonlinearities
from .base import Layer

__all__ = ["BatchNormLayer", "LocalResponseNormalization2DLayer", "batch_norm"]


class LocalResponseNormalization2DLayer(Layer):
    """Cross-channel normalization: (batch, channels, rows, cols) -> same shape.

    ``out = x / (k + alpha * sum_{n neighbouring channels} x**2) ** beta``

    Parameters
    ----------
    incoming : Layer or tuple
        (batch, channels, rows, cols) input.
    alpha : float
        Scale of the sum of squares (default 1e-4; not divided by `n`).
    k : float
        Offset (default 2).
    beta : float
        Exponent (default 0.75).
    n : int
        Odd number of channels in the window (default 5); channels past the
        edges count as zeros.
    """

    def __init__(self, incoming, alpha=1e-4, k=2, beta=0.75, n=5, **kwargs):
        super().__init__(incoming, **kwargs)
        if len(self.input_shape) != 4:
            raise ValueError(
                "LocalResponseNormalization2DLayer needs a (batch, channels, rows, "
                f"cols) input; got shape {self.input_shape}."
            )
        if n % 2 == 0:
            raise NotImplementedError(f"Only works with odd n; got n={n}.")
        self.alpha, self.k, self.beta, self.n = alpha, k, beta, n

    def get_output_for(self, input, **kwargs):
        half_n = self.n // 2
        input = pt.specify_shape(input, self.input_shape)
        _, channels, rows, cols = (
            input.shape[i] if s is None else s for i, s in enumerate(self.input_shape)
        )
        padded = pt.zeros(
            (input.shape[0], channels + 2 * half_n, rows, cols), dtype=input.dtype
        )
        sqr = pt.set_subtensor(padded[:, half_n : half_n + channels], pt.sqr(input))
        scale = self.k
        for i in range(self.n):
            scale = scale + self.alpha * sqr[:, i : i + channels]
        return input / scale**self.beta


class BatchNormLayer(Layer):
    """Batch normalization: any shape -> same shape.

    ``out = (x - mean) * inv_std * gamma + beta`` with statistics over `axes`.
    During training (``deterministic=False``) mean and ``inv_std = 1 / sqrt(var +
    epsilon)`` come from the mini-batch, and the stored averages move towards
    them: ``mean := (1 - alpha) * mean + alpha * batch_mean`` (likewise
    ``inv_std``), applied by any training function compiled from the output.
    With ``deterministic=True`` the stored averages are used.

    Parameters
    ----------
    incoming : Layer or tuple
    axes : 'auto', int or tuple of int
        Axes to normalize over; ``'auto'`` is (0,) plus every spatial axis, i.e.
        per feature for dense input and per channel for images.
    epsilon : float
        Added to the variance (default 1e-4).
    alpha : float
        Weight of the new batch in the running averages (default 0.1).
    beta, gamma : initializer, ndarray, shared variable or None
        Shift (default 0) and scale (default 1); None leaves them out. Both
        trainable; only gamma is regularizable.
    mean, inv_std : initializer, ndarray or shared variable
        Running averages (default 0 and 1), tagged ``trainable=False,
        regularizable=False``.
    **kwargs
        ``name`` and other `Layer` arguments.

    Notes
    -----
    ``get_output(..., batch_norm_use_averages=..., batch_norm_update_averages=...)``
    overrides the two switches that `deterministic` sets. As in Lasagne the
    averages are updated through ``default_update`` of (a clone of) the shared
    variables, so ``pytensor.function(..., updates=...)`` needs no extra entry.
    """

    def __init__(
        self,
        incoming,
        axes="auto",
        epsilon=1e-4,
        alpha=0.1,
        beta=init.Constant(0),
        gamma=init.Constant(1),
        mean=init.Constant(0),
        inv_std=init.Constant(1),
        **kwargs,
    ):
        super().__init__(incoming, **kwargs)
        if axes == "auto":
            axes = (0,) + tuple(range(2, len(self.input_shape)))
        elif isinstance(axes, int):
            axes = (axes,)
        self.axes = tuple(axes)
        self.epsilon = epsilon
        self.alpha = alpha
        shape = [
            size for axis, size in enumerate(self.input_shape) if axis not in self.axes
        ]
        if any(size is None for size in shape):
            raise ValueError(
                f"BatchNormLayer needs known sizes on the axes it does not normalize "
                f"over; got input shape {self.input_shape} with axes={self.axes}."
            )
        shape = tuple(shape)
        self.beta = (
            None
            if beta is None
            else self.add_param(
                beta, shape, "beta", trainable=True, regularizable=False
            )
        )
        self.gamma = (
            None
            if gamma is None
            else self.add_param(
                gamma, shape, "gamma", trainable=True, regularizable=True
            )
        )
        self.mean = self.add_param(
            mean, shape, "mean", trainable=False, regularizable=False
        )
        self.inv_std = self.add_param(
            inv_std, shape, "inv_std", trainable=False, regularizable=False
        )

    def get_output_for(
        self,
        input,
        deterministic=False,
        batch_norm_use_averages=None,
        batch_norm_update_averages=None,
        **kwargs,
    ):
        input_mean = input.mean(self.axes)
        input_inv_std = pt.reciprocal(pt.sqrt(input.var(self.axes) + self.epsilon))
        use_averages = (
            deterministic
            if batch_norm_use_averages is None
            else batch_norm_use_averages
        )
        update_averages = (
            (not deterministic)
            if batch_norm_update_averages is None
            else batch_norm_update_averages
        )
        if use_averages:
            mean, inv_std = self.mean, self.inv_std
        else:
            mean, inv_std = input_mean, input_inv_std
        if update_averages:
            running_mean = _static_clone(self.mean)
            running_inv_std = _static_clone(self.inv_std)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                running_mean.default_update = _same_type(
                    (1 - self.alpha) * running_mean + self.alpha * input_mean,
                    running_mean,
                )
                running_inv_std.default_update = _same_type(
                    (1 - self.alpha) * running_inv_std + self.alpha * input_inv_std,
                    running_inv_std,
                )
            mean = mean + 0 * running_mean
            inv_std = inv_std + 0 * running_inv_std
        param_axes = iter(range(input.ndim - len(self.axes)))
        pattern = [
            "x" if axis in self.axes else next(param_axes) for axis in range(input.ndim)
        ]
        beta = 0 if self.beta is None else self.beta.dimshuffle(pattern)
        gamma = 1 if self.gamma is None else self.gamma.dimshuffle(pattern)
        mean = mean.dimshuffle(pattern)
        inv_std = inv_std.dimshuffle(pattern)
        return (input - mean) * (gamma * inv_std) + beta


def _static_clone(shared):
    """A clone of `shared` (same storage) whose type carries its static shape."""
    static = pt.TensorType(shared.dtype, shape=shared.get_value(borrow=True).shape)
    return type(shared)(
        name=shared.name,
        type=static,
        value=None,
        strict=None,
        container=shared.container,
    )


def _same_type(update, shared):
    """`update` with exactly the type of `shared`, as an update must have."""
    return pt.specify_shape(update.astype(shared.dtype), shared.type.shape)


def batch_norm(layer, **kwargs):
    """Put batch normalization between `layer` and its nonlinearity.

    Removes the layer's bias (BatchNormLayer's beta replaces it), sets its
    nonlinearity to identity, adds a `BatchNormLayer` and, if the layer had a
    nonlinearity, a `NonlinearityLayer` applying it.

    Parameters
    ----------
    layer : Layer
        Typically a `DenseLayer` or `Conv2DLayer`; modified in place.
    **kwargs
        Passed to `BatchNormLayer`; ``name`` defaults to ``layer.name + "_bn"``.

    Returns
    -------
    Layer
        The last layer added (`NonlinearityLayer` or `BatchNormLayer`).

    Examples
    --------
    >>> from helpers.lasagne.layers import DenseLayer
    >>> l_bn = batch_norm(DenseLayer((None, 10), 5))
    >>> type(l_bn).__name__, type(l_bn.input_layer).__name__
    ('NonlinearityLayer', 'BatchNormLayer')
    """
    nonlinearity = getattr(layer, "nonlinearity", None)
    if nonlinearity is not None:
        layer.nonlinearity = nonlinearities.identity
    if getattr(layer, "b", None) is not None:
        del layer.params[layer.b]
        layer.b = None
    bn_name = kwargs.pop("name", None) or (
        getattr(layer, "name", None) and layer.name + "_bn"
    )
    layer = BatchNormLayer(layer, name=bn_name, **kwargs)
    if nonlinearity is not None:
        from .special import NonlinearityLayer

        nonlin_name = bn_name and bn_name + "_nonlin"
        layer = NonlinearityLayer(layer, nonlinearity, name=nonlin_name)
    return layer
