"""Activation functions: elementwise tensor -> tensor of the same shape.

Squashing: `sigmoid`, `tanh`, `ScaledTanH` (alias `ScaledTanh`), `softmax`
(row-wise over the last axis, like Theano's ``T.nnet.softmax``).
Rectifiers: `rectify`, `LeakyRectify`, `leaky_rectify`, `very_leaky_rectify`,
`elu`, `SELU`, `selu`, `softplus`.
Identity: `linear` (alias `identity`).
"""

import pytensor.tensor as pt
from pytensor.tensor.special import softmax as _softmax

__all__ = [
    "SELU",
    "LeakyRectify",
    "ScaledTanH",
    "ScaledTanh",
    "elu",
    "identity",
    "leaky_rectify",
    "linear",
    "rectify",
    "selu",
    "sigmoid",
    "softmax",
    "softplus",
    "tanh",
    "very_leaky_rectify",
]


def sigmoid(x):
    """Logistic sigmoid ``1 / (1 + exp(-x))``, values in (0, 1)."""
    return pt.sigmoid(x)


def softmax(x):
    """Softmax over the last axis: (batch, classes) -> rows that sum to 1.

    PyTensor's ``pytensor.tensor.special.softmax`` normalises over *all* entries
    unless given an axis; this function always uses ``axis=-1``, as Theano's
    ``T.nnet.softmax`` did for matrices.
    """
    return _softmax(x, axis=-1)


def tanh(x):
    """Hyperbolic tangent, values in (-1, 1)."""
    return pt.tanh(x)


class ScaledTanH:
    """Scaled tanh: ``scale_out * tanh(scale_in * x)``.

    Parameters
    ----------
    scale_in : float
        Input scale; LeCun's recommendation is ``2/3``.
    scale_out : float
        Output scale; LeCun's recommendation is ``1.7159``.
    """

    def __init__(self, scale_in=1, scale_out=1):
        self.scale_in, self.scale_out = scale_in, scale_out

    def __call__(self, x):
        return self.scale_out * pt.tanh(self.scale_in * x)

    def __repr__(self):
        return f"ScaledTanH(scale_in={self.scale_in}, scale_out={self.scale_out})"


ScaledTanh = ScaledTanH


def rectify(x):
    """Rectified linear unit ``max(x, 0)`` (gradient 0 for x < 0, 1 for x > 0)."""
    return pt.maximum(x, 0)


class LeakyRectify:
    """Leaky ReLU: ``x`` for ``x > 0``, ``leakiness * x`` otherwise.

    Parameters
    ----------
    leakiness : float
        Slope for negative inputs (default 0.01).
    """

    def __init__(self, leakiness=0.01):
        self.leakiness = leakiness

    def __call__(self, x):
        return pt.switch(x > 0, x, self.leakiness * x)

    def __repr__(self):
        return f"LeakyRectify(leakiness={self.leakiness})"


leaky_rectify = LeakyRectify()
very_leaky_rectify = LeakyRectify(1.0 / 3)


def elu(x):
    """Exponential linear unit: ``x`` for ``x > 0``, ``exp(x) - 1`` otherwise."""
    return pt.switch(x > 0, x, pt.expm1(x))


class SELU:
    """Scaled ELU: ``scale * x`` for ``x > 0``, ``scale * scale_neg * (exp(x) - 1)``.

    Parameters
    ----------
    scale : float
        Overall scale (lambda).
    scale_neg : float
        Scale of the negative part (alpha).
    """

    def __init__(self, scale=1, scale_neg=1):
        self.scale, self.scale_neg = scale, scale_neg

    def __call__(self, x):
        return self.scale * pt.switch(x > 0, x, self.scale_neg * pt.expm1(x))

    def __repr__(self):
        return f"SELU(scale={self.scale}, scale_neg={self.scale_neg})"


selu = SELU(
    scale=1.0507009873554804934193349852946, scale_neg=1.6732632423543772848170429916717
)


def softplus(x):
    """Smooth rectifier ``log(1 + exp(x))``."""
    return pt.softplus(x)


def linear(x):
    """Identity: returns `x` unchanged."""
    return x


identity = linear
