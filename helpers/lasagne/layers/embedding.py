"""Word embeddings: a lookup table from integer ids to learned vectors.

Public names: `EmbeddingLayer`.
"""

import pytensor.tensor as pt

from .. import init
from .base import Layer

__all__ = ["EmbeddingLayer"]


class EmbeddingLayer(Layer):
    """Lookup table: int ids of any shape (batch, time) -> (batch, time, embed).

    Row ``i`` of ``W`` is the vector of id ``i``; the output is ``W[input]``.

    Parameters
    ----------
    incoming : Layer or tuple
        Integer ids in ``[0, input_size)``; give the InputLayer an int
        ``input_var`` such as ``pt.imatrix()``.
    input_size : int
        Number of ids (``vocab``).
    output_size : int
        Vector size (``embed``).
    W : initializer, ndarray or shared variable, (vocab, embed)
        The table (default ``init.Normal()``, std 0.01).
    **kwargs
        ``name`` and other `Layer` arguments.
    """

    def __init__(self, incoming, input_size, output_size, W=init.Normal(), **kwargs):
        super().__init__(incoming, **kwargs)
        self.input_size = input_size
        self.output_size = output_size
        self.W = self.add_param(W, (input_size, output_size), name="W")

    def get_output_shape_for(self, input_shape):
        return tuple(input_shape) + (self.output_size,)

    def get_output_for(self, input, **kwargs):
        if not input.dtype.startswith(("int", "uint")):
            raise TypeError(
                f"EmbeddingLayer needs integer ids, got a {input.dtype} tensor; use an "
                "int input_var (pt.imatrix, pt.lmatrix) or cast the ids."
            )
        return self.W[pt.cast(input, "int64")]
