"""Parameter initializers: callables that take a shape and return a floatX array.

All draws come from `helpers.lasagne.random.get_rng()`, so ``helpers.set_seed``
makes every network reproducible.

Base class: `Initializer`.
Fixed scale: `Constant`, `Normal`, `Uniform`, `Sparse`.
Fan-scaled (pass ``gain="relu"`` for ReLU networks): `Glorot`, `GlorotNormal`,
`GlorotUniform`, `He`, `HeNormal`, `HeUniform`.
Structured: `Orthogonal`.
"""

import numpy as np

from .random import get_rng
from .utils import floatX

__all__ = [
    "Constant",
    "Glorot",
    "GlorotNormal",
    "GlorotUniform",
    "He",
    "HeNormal",
    "HeUniform",
    "Initializer",
    "Normal",
    "Orthogonal",
    "Sparse",
    "Uniform",
]


def _gain(gain):
    return np.sqrt(2) if gain == "relu" else gain


class Initializer:
    """Base class: ``init(shape)`` returns ``init.sample(shape)``."""

    def __call__(self, shape):
        return self.sample(shape)

    def sample(self, shape):
        """Return a floatX array of the given shape."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement sample(shape)."
        )

    def __repr__(self):
        args = ", ".join(
            f"{k}={v!r}" for k, v in vars(self).items() if not k.startswith("_")
        )
        return f"{type(self).__name__}({args})"


class Normal(Initializer):
    """Gaussian draws: ``N(mean, std**2)``.

    Parameters
    ----------
    std : float
        Standard deviation (Lasagne's default 0.01).
    mean : float
        Mean.
    """

    def __init__(self, std=0.01, mean=0.0):
        self.std, self.mean = std, mean

    def sample(self, shape):
        return floatX(get_rng().normal(self.mean, self.std, size=shape))


class Uniform(Initializer):
    """Uniform draws in ``[-range, range)``, ``[a, b)``, or with a given std.

    Parameters
    ----------
    range : float or (float, float)
        Half-width of a symmetric interval, or its two ends (default 0.01).
    std : float or None
        If given, overrides `range`: ``U(mean - sqrt(3) std, mean + sqrt(3) std)``.
    mean : float
        Centre used together with `std`.
    """

    def __init__(self, range=0.01, std=None, mean=0.0):
        if std is not None:
            a, b = mean - np.sqrt(3) * std, mean + np.sqrt(3) * std
        else:
            try:
                a, b = range
            except TypeError:
                a, b = -range, range
        self.range = (a, b)

    def sample(self, shape):
        return floatX(
            get_rng().uniform(low=self.range[0], high=self.range[1], size=shape)
        )


class Glorot(Initializer):
    """Glorot/Xavier scaling: ``std = gain * sqrt(2 / ((fan_in + fan_out) * field))``.

    Parameters
    ----------
    initializer : class
        `Normal` or `Uniform`, called with ``std=...``.
    gain : float or "relu"
        Scale factor; ``"relu"`` means ``sqrt(2)``.
    c01b : bool
        Weights laid out as ``(channels, rows, cols, filters)`` (cuda-convnet)
        instead of ``(inputs, units)`` / ``(filters, channels, rows, cols)``.
    """

    def __init__(self, initializer, gain=1.0, c01b=False):
        self.initializer, self.gain, self.c01b = initializer, _gain(gain), c01b

    def sample(self, shape):
        if self.c01b:
            if len(shape) != 4:
                raise RuntimeError(
                    f"With c01b=True only 4D shapes are accepted, got {shape}."
                )
            n1, n2 = shape[0], shape[3]
            receptive_field_size = shape[1] * shape[2]
        else:
            if len(shape) < 2:
                raise RuntimeError(
                    f"{type(self).__name__} needs a shape of length >= 2, got {shape}; "
                    "for biases use init.Constant(0)."
                )
            n1, n2 = shape[:2]
            receptive_field_size = np.prod(shape[2:])
        std = self.gain * np.sqrt(2.0 / ((n1 + n2) * receptive_field_size))
        return self.initializer(std=std).sample(shape)


class GlorotNormal(Glorot):
    """Glorot with Gaussian draws: ``N(0, 2 gain**2 / (fan_in + fan_out))``."""

    def __init__(self, gain=1.0, c01b=False):
        super().__init__(Normal, gain, c01b)


class GlorotUniform(Glorot):
    """Glorot with uniform draws: ``U(+-gain * sqrt(6 / (fan_in + fan_out)))``."""

    def __init__(self, gain=1.0, c01b=False):
        super().__init__(Uniform, gain, c01b)


class He(Initializer):
    """He scaling: ``std = gain * sqrt(1 / fan_in)``.

    ``fan_in`` is ``shape[0]`` for a 2D ``(inputs, units)`` matrix and
    ``prod(shape[1:])`` for ``(filters, channels, rows, cols)``.

    Parameters
    ----------
    initializer : class
        `Normal` or `Uniform`.
    gain : float or "relu"
        ``"relu"`` means ``sqrt(2)`` (He et al.'s choice for ReLU nets).
    c01b : bool
        Weights laid out as ``(channels, rows, cols, filters)``.
    """

    def __init__(self, initializer, gain=1.0, c01b=False):
        self.initializer, self.gain, self.c01b = initializer, _gain(gain), c01b

    def sample(self, shape):
        if self.c01b:
            if len(shape) != 4:
                raise RuntimeError(
                    f"With c01b=True only 4D shapes are accepted, got {shape}."
                )
            fan_in = np.prod(shape[:3])
        elif len(shape) == 2:
            fan_in = shape[0]
        elif len(shape) > 2:
            fan_in = np.prod(shape[1:])
        else:
            raise RuntimeError(
                f"{type(self).__name__} needs a shape of length >= 2, got {shape}."
            )
        std = self.gain * np.sqrt(1.0 / fan_in)
        return self.initializer(std=std).sample(shape)


class HeNormal(He):
    """He with Gaussian draws: ``N(0, gain**2 / fan_in)``."""

    def __init__(self, gain=1.0, c01b=False):
        super().__init__(Normal, gain, c01b)


class HeUniform(He):
    """He with uniform draws: ``U(+-gain * sqrt(3 / fan_in))``."""

    def __init__(self, gain=1.0, c01b=False):
        super().__init__(Uniform, gain, c01b)


class Constant(Initializer):
    """Every entry equal to `val` (default 0, as for biases)."""

    def __init__(self, val=0.0):
        self.val = val

    def sample(self, shape):
        return floatX(np.ones(shape) * self.val)


class Sparse(Initializer):
    """An (inputs, units) matrix, ``int(sparsity * inputs)`` Gaussian entries per unit.

    Parameters
    ----------
    sparsity : float
        Fraction of the inputs connected to each unit.
    std : float
        Standard deviation of the non-zero entries.
    """

    def __init__(self, sparsity=0.1, std=0.01):
        self.sparsity, self.std = sparsity, std

    def sample(self, shape):
        if len(shape) != 2:
            raise RuntimeError(f"Sparse only works with 2D shapes, got {shape}.")
        w = floatX(np.zeros(shape))
        n_inputs, n_outputs = shape
        size = int(self.sparsity * n_inputs)
        for k in range(n_outputs):
            indices = np.arange(n_inputs)
            get_rng().shuffle(indices)
            w[indices[:size], k] = floatX(get_rng().normal(0.0, self.std, size=size))
        return w


class Orthogonal(Initializer):
    """An orthogonal matrix (rows or columns orthonormal) times `gain`.

    Shapes with more than two axes are flattened to ``(shape[0], prod(rest))``.

    Parameters
    ----------
    gain : float or "relu"
        Scale factor; ``"relu"`` means ``sqrt(2)``.
    """

    def __init__(self, gain=1.0):
        self.gain = _gain(gain)

    def sample(self, shape):
        if len(shape) < 2:
            raise RuntimeError(f"Orthogonal needs a shape of length >= 2, got {shape}.")
        flat_shape = (shape[0], int(np.prod(shape[1:])))
        a = get_rng().normal(0.0, 1.0, flat_shape)
        u, _, v = np.linalg.svd(a, full_matrices=False)
        q = u if u.shape == flat_shape else v
        return floatX(self.gain * q.reshape(shape))
