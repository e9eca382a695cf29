"""Random numbers inside PyTensor graphs, the Theano way, portable to JAX.

Theano code draws random tensors from ``RandomStreams(seed)`` (or ``MRG_RandomStreams``)
and the draws advance by themselves at every call of a compiled function.  PyTensor
removed MRG and deprecated its ``RandomStream``; `RandomStreams` gives back the old
interface on PyTensor's random variables, with two course rules built in:

* draws are cast to ``floatX`` (PyTensor's ``binomial`` returns int64);
* ``binomial(n=1)`` is drawn as ``uniform < p``, which the JAX backend supports.

`set_seed` (re-exported as ``helpers.set_seed``) re-seeds Python, NumPy, the
Lasagne-style RNG used by initializers and every `RandomStreams` alive.

Public names: `RandomStreams`, `set_seed`.
"""

import itertools
import random
import warnings
import weakref

import numpy as np
import pytensor
import pytensor.tensor as pt

__all__ = ["RandomStreams", "set_seed"]

_ALIVE = weakref.WeakValueDictionary()  # creation order -> streams, for set_seed
_CREATED = itertools.count()


class RandomStreams:
    """A factory of random tensors whose values change at every function call.

    Parameters
    ----------
    seed : int or None
        Seed of the streams; the same seed gives the same draws.

    Examples
    --------
    >>> srng = RandomStreams(42)
    >>> mask = srng.binomial((2, 3), p=0.5)   # a floatX (2, 3) tensor of 0s and 1s
    """

    def __init__(self, seed=None):
        self._rng_vars = []
        self.seed(seed)
        _ALIVE[next(_CREATED)] = self

    def seed(self, seed=None):
        """Restart every stream made so far (and those made later) from `seed`."""
        self._seed_source = np.random.default_rng(seed)
        for var in self._rng_vars:
            var.set_value(self._next_generator(), borrow=True)

    def _next_generator(self):
        return np.random.default_rng(self._seed_source.integers(2**63))

    def _draw(self, rv, *params, size, dtype=None):
        rng_var = pytensor.shared(self._next_generator())
        self._rng_vars.append(rng_var)
        with warnings.catch_warnings():
            # PyTensor 3.3 prefers explicit ``updates={rng: next_rng}``; Theano's
            # streams advanced by themselves through the variable's default update,
            # which PyTensor still honours (and which this class exists to give).
            warnings.simplefilter("ignore", DeprecationWarning)
            out = rv(*params, size=size, rng=rng_var)
            rng_var.default_update = out.owner.outputs[0]
        return out if dtype is None else pt.cast(out, dtype)

    def uniform(self, size, low=0.0, high=1.0, dtype=None):
        """Uniform draws in [low, high): a `size` tensor of ``floatX``."""
        return self._draw(pt.random.uniform, low, high, size=size,
                          dtype=dtype or pytensor.config.floatX)

    def normal(self, size, avg=0.0, std=1.0, dtype=None):
        """Gaussian draws with mean `avg` and standard deviation `std`."""
        return self._draw(pt.random.normal, avg, std, size=size,
                          dtype=dtype or pytensor.config.floatX)

    def binomial(self, size, n=1, p=0.5, dtype=None):
        """Binomial draws; ``n=1`` (a Bernoulli mask) is JAX-portable."""
        dtype = dtype or pytensor.config.floatX
        if n == 1:
            return pt.cast(self.uniform(size) < p, dtype)
        return self._draw(pt.random.binomial, n, p, size=size, dtype=dtype)

    def bernoulli(self, size, p=0.5, dtype=None):
        """0/1 draws that are 1 with probability `p` (same as ``binomial(n=1)``)."""
        return self.binomial(size, n=1, p=p, dtype=dtype)

    def integers(self, size, low, high, dtype="int64"):
        """Integers drawn uniformly from [low, high)."""
        return self._draw(pt.random.integers, low, high, size=size, dtype=dtype)


def set_seed(seed=0):
    """Seed Python, NumPy, ``helpers.lasagne``'s RNG and every `RandomStreams`.

    Call it at the top of a notebook (and before each experiment you want to
    repeat exactly).  Returns the seed.
    """
    random.seed(seed)
    np.random.seed(seed)
    from helpers.lasagne import random as lasagne_random

    lasagne_random.set_rng(np.random.RandomState(seed))
    for offset, (_, streams) in enumerate(sorted(_ALIVE.items())):
        streams.seed(seed + offset)
    return seed
