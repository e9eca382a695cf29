"""The random number generator behind initializers and noise layers.

As in Lasagne: `get_rng` returns a ``numpy.random.RandomState`` shared by the whole
library, and `set_rng` replaces it (``helpers.set_seed`` calls it).

Public names: `get_rng`, `set_rng`.
"""

import numpy as np

__all__ = ["get_rng", "set_rng"]

_rng = np.random.RandomState(0)


def get_rng():
    """The library's ``RandomState``."""
    return _rng


def set_rng(new_rng):
    """Replace the library's ``RandomState`` (e.g. ``np.random.RandomState(42)``)."""
    global _rng
    _rng = new_rng
