"""Layers that add noise during training and do nothing at test time.

Pass ``deterministic=True`` to `get_output` for the test-time network.

Dropout: `DropoutLayer` (alias `dropout`), `dropout_channels`
(alias `spatial_dropout`).
Additive noise: `GaussianNoiseLayer`.
"""

import numbers

import pytensor.tensor as pt

from ...rng import RandomStreams
from ..random import get_rng
from .base import Layer

__all__ = [
    "DropoutLayer",
    "GaussianNoiseLayer",
    "dropout",
    "dropout_channels",
    "spatial_dropout",
]


def _new_streams():
    return RandomStreams(int(get_rng().randint(1, 2147462579)))


class DropoutLayer(Layer):
    """Dropout: any shape -> the same shape.

    In training each entry is set to zero with probability `p`; with
    ``rescale=True`` the survivors are divided by ``1 - p`` so the expected
    value is unchanged ("inverted dropout"). With ``deterministic=True`` (or
    ``p == 0``) the input passes through unchanged.

    Parameters
    ----------
    incoming : Layer or tuple
    p : float or scalar tensor
        Probability of dropping an entry (default 0.5). A shared scalar lets a
        schedule change it without recompiling.
    rescale : bool
        Divide by the retain probability ``1 - p`` in training.
    shared_axes : tuple of int
        Axes along which one mask value is shared (e.g. ``(2, 3)`` drops whole
        feature maps of a (batch, channels, rows, cols) input).
    **kwargs
        ``name`` and other `Layer` arguments.

    Notes
    -----
    The mask is drawn as ``uniform < 1 - p`` from a `helpers.rng.RandomStreams`
    seeded from `helpers.lasagne.random.get_rng()`, so it is reproducible after
    ``helpers.set_seed`` and runs on the JAX backend.
    """

    def __init__(self, incoming, p=0.5, rescale=True, shared_axes=(), **kwargs):
        super().__init__(incoming, **kwargs)
        if isinstance(p, numbers.Number) and not 0 <= p < 1:
            raise ValueError(
                f"DropoutLayer needs 0 <= p < 1 (the probability of dropping), got "
                f"p={p}. To keep a fraction q of the units use p=1-q."
            )
        self._srng = _new_streams()
        self.p = p
        self.rescale = rescale
        self.shared_axes = tuple(shared_axes)

    def get_output_for(self, input, deterministic=False, **kwargs):
        if deterministic or (isinstance(self.p, numbers.Number) and self.p == 0):
            return input
        retain_prob = 1 - self.p
        if not isinstance(retain_prob, numbers.Number):
            retain_prob = pt.cast(retain_prob, input.dtype)
        if self.rescale:
            input = input / retain_prob
        ndim = input.ndim
        mask_shape = [
            s if s is not None else input.shape[axis]
            for axis, s in enumerate(input.type.shape)
        ]
        shared = {a + ndim if a < 0 else a for a in self.shared_axes}
        mask_shape = tuple(
            1 if axis in shared else s for axis, s in enumerate(mask_shape)
        )
        mask = self._srng.binomial(mask_shape, p=retain_prob, dtype=input.dtype)
        return input * mask


dropout = DropoutLayer


def dropout_channels(incoming, *args, **kwargs):
    """Dropout of whole channels: shares the mask over all axes after the second.

    For (batch, channels, rows, cols) input this drops entire feature maps
    (``shared_axes=(2, 3)``).
    """
    ndim = len(getattr(incoming, "output_shape", incoming))
    kwargs["shared_axes"] = tuple(range(2, ndim))
    return DropoutLayer(incoming, *args, **kwargs)


spatial_dropout = dropout_channels


class GaussianNoiseLayer(Layer):
    """Additive Gaussian noise: any shape -> the same shape.

    In training returns ``input + N(0, sigma**2)`` noise; with
    ``deterministic=True`` returns the input.

    Parameters
    ----------
    incoming : Layer or tuple
    sigma : float or scalar tensor
        Standard deviation of the noise (default 0.1).
    **kwargs
        ``name`` and other `Layer` arguments.
    """

    def __init__(self, incoming, sigma=0.1, **kwargs):
        super().__init__(incoming, **kwargs)
        self._srng = _new_streams()
        self.sigma = sigma

    def get_output_for(self, input, deterministic=False, **kwargs):
        if deterministic or (
            isinstance(self.sigma, numbers.Number) and self.sigma == 0
        ):
            return input
        shape = tuple(
            s if s is not None else input.shape[axis]
            for axis, s in enumerate(input.type.shape)
        )
        noise = self._srng.normal(shape, avg=0.0, std=1.0, dtype=input.dtype)
        return input + pt.cast(self.sigma, input.dtype) * noise
