"""Support code for the course *Deep Learning with Theano, runnable today*.

Importing ``helpers`` selects the compute backend (``COURSE_BACKEND``: ``cpu`` by
default, ``jax`` for the GPU path) so that every notebook compiles the same way.

Modules: `backend` (CPU/JAX switch), `mode` (quick/full settings), `rng` (random
streams, seeding), `data` (datasets with download, checksum and cache), `plotting`
(image grids, live curves, graph views), `text` (vocabularies), `lasagne` (the
Lasagne API on PyTensor).
"""

from helpers import backend
from helpers.mode import configure, resolve_mode
from helpers.rng import RandomStreams, set_seed

__all__ = ["RandomStreams", "backend", "configure", "resolve_mode", "set_seed"]

backend.use()
