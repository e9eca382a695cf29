"""Lasagne's public API on PyTensor: port seed-era code with one changed import.

Replace ``import lasagne`` by ``from helpers import lasagne``; everything else
(``lasagne.layers.DenseLayer``, ``lasagne.updates.nesterov_momentum``, ...)
keeps its name and defaults.

Subpackages: `layers`, `init`, `nonlinearities`, `objectives`, `updates`,
`regularization`, `random`, `utils`.
"""

from . import (
    init,
    layers,
    nonlinearities,
    objectives,
    random,
    regularization,
    updates,
    utils,
)

__all__ = [
    "init",
    "layers",
    "nonlinearities",
    "objectives",
    "random",
    "regularization",
    "updates",
    "utils",
]
