"""Layers that move entries around without learning anything.

Reshaping: `ReshapeLayer` (alias `reshape`), `FlattenLayer` (alias `flatten`).
Reordering axes: `DimshuffleLayer` (alias `dimshuffle`).
Borders and pieces: `PadLayer` (alias `pad`), `SliceLayer`.
"""

import numpy as np
import pytensor.tensor as pt
from pytensor.graph.basic import Variable

from .. import utils
from .base import Layer

__all__ = [
    "DimshuffleLayer",
    "FlattenLayer",
    "PadLayer",
    "ReshapeLayer",
    "SliceLayer",
    "dimshuffle",
    "flatten",
    "pad",
    "reshape",
]


def _dim(input, axis):
    """A static size when the type knows it, else the symbolic one."""
    s = input.type.shape[axis]
    return s if s is not None else input.shape[axis]


class FlattenLayer(Layer):
    """Flatten trailing axes: (batch, a, b, ...) -> (batch, a * b * ...) for outdim=2.

    Parameters
    ----------
    incoming : Layer or tuple
    outdim : int
        Number of axes of the output; the first ``outdim - 1`` are kept and all
        the others are merged into the last one.
    **kwargs
        ``name`` and other `Layer` arguments.
    """

    def __init__(self, incoming, outdim=2, **kwargs):
        super().__init__(incoming, **kwargs)
        if outdim < 1:
            raise ValueError(f"FlattenLayer needs outdim >= 1, got {outdim}.")
        if outdim > len(self.input_shape):
            raise ValueError(
                f"FlattenLayer cannot flatten the {len(self.input_shape)}-D input "
                f"{self.input_shape} to outdim={outdim} axes."
            )
        self.outdim = outdim

    def get_output_shape_for(self, input_shape):
        to_flatten = input_shape[self.outdim - 1 :]
        if any(s is None for s in to_flatten):
            flattened = None
        else:
            flattened = int(np.prod(to_flatten))
        return tuple(input_shape[: self.outdim - 1]) + (flattened,)

    def get_output_for(self, input, **kwargs):
        return pt.flatten(input, self.outdim)


flatten = FlattenLayer


def _is_int(s):
    return isinstance(s, utils.int_types) and not isinstance(s, bool)


class ReshapeLayer(Layer):
    """Reshape: input shape -> `shape`, Lasagne-style.

    Each entry of `shape` is a positive int, ``-1`` (at most once: inferred
    from the total size), ``[i]`` (copy the size of input axis ``i``, which
    may be unknown) or a scalar tensor.

    Parameters
    ----------
    incoming : Layer or tuple
    shape : tuple
        Target shape, e.g. ``([0], 1, 28, 28)`` turns (batch, 784) into
        (batch, 1, 28, 28) for any batch size.
    **kwargs
        ``name`` and other `Layer` arguments.

    Raises
    ------
    ValueError
        If an entry is not of the accepted kinds, ``-1`` appears twice, ``[i]``
        names a missing axis, or the total sizes differ.
    """

    def __init__(self, incoming, shape, **kwargs):
        super().__init__(incoming, **kwargs)
        shape = tuple(shape)
        for s in shape:
            if _is_int(s):
                if s == 0 or s < -1:
                    raise ValueError(
                        f"ReshapeLayer shape {shape}: sizes must be positive or -1, "
                        f"got {s}."
                    )
            elif isinstance(s, list):
                if len(s) != 1 or not _is_int(s[0]) or s[0] < 0:
                    raise ValueError(
                        f"ReshapeLayer shape {shape}: an input reference must be a "
                        f"one-element list [i] with i >= 0, got {s}."
                    )
            elif isinstance(s, Variable):
                if s.ndim != 0:
                    raise ValueError(
                        f"ReshapeLayer shape {shape}: a symbolic size must be a "
                        f"scalar, got a {s.ndim}-D tensor."
                    )
            else:
                raise ValueError(
                    f"ReshapeLayer shape {shape}: each entry must be an int, -1, [i] "
                    f"(size of input axis i) or a scalar tensor; got {s!r}."
                )
        if sum(1 for s in shape if _is_int(s) and s == -1) > 1:
            raise ValueError(f"ReshapeLayer shape {shape} may contain -1 only once.")
        self.shape = shape
        self.get_output_shape_for(self.input_shape)

    def get_output_shape_for(self, input_shape, **kwargs):
        output_shape = list(self.shape)
        masked_input = list(input_shape)
        masked_output = list(output_shape)
        for dim, o in enumerate(output_shape):
            if isinstance(o, list):
                if o[0] >= len(input_shape):
                    raise ValueError(
                        f"ReshapeLayer shape {self.shape} refers to input axis "
                        f"[{o[0]}] but the input {tuple(input_shape)} has "
                        f"{len(input_shape)} axes."
                    )
                output_shape[dim] = input_shape[o[0]]
                masked_output[dim] = input_shape[o[0]]
                if input_shape[o[0]] is None and masked_input[o[0]] is None:
                    masked_input[o[0]] = 1
                    masked_output[dim] = 1
        for dim, o in enumerate(output_shape):
            if isinstance(o, Variable):
                output_shape[dim] = None
                masked_output[dim] = None
        input_size = (
            None if any(x is None for x in masked_input) else int(np.prod(masked_input))
        )
        output_size = (
            None
            if any(x is None for x in masked_output)
            else int(np.prod(masked_output))
        )
        if -1 in [o for o in output_shape if _is_int(o)]:
            dim = next(i for i, o in enumerate(output_shape) if _is_int(o) and o == -1)
            if input_size is None or output_size is None:
                output_shape[dim] = None
                output_size = None
            else:
                output_size *= -1
                if input_size % output_size:
                    raise ValueError(
                        f"ReshapeLayer cannot reshape {tuple(input_shape)} "
                        f"({input_size} entries) to {self.shape}: {input_size} is not "
                        f"divisible by {output_size}."
                    )
                output_shape[dim] = input_size // output_size
                output_size *= output_shape[dim]
        if (
            input_size is not None
            and output_size is not None
            and input_size != output_size
        ):
            raise ValueError(
                f"ReshapeLayer cannot reshape {tuple(input_shape)} ({input_size} "
                f"entries) to {self.shape} ({output_size} entries). Use -1 for the "
                "size to infer "
                "or [0] to keep the batch axis."
            )
        return tuple(output_shape)

    def get_output_for(self, input, **kwargs):
        output_shape = [
            _dim(input, o[0]) if isinstance(o, list) else o for o in self.shape
        ]
        return input.reshape(tuple(output_shape))


reshape = ReshapeLayer


class DimshuffleLayer(Layer):
    """Reorder, add or drop axes: e.g. pattern (0, 2, 1) swaps the last two axes.

    Parameters
    ----------
    incoming : Layer or tuple
    pattern : tuple of int or "x"
        Output axis ``k`` is input axis ``pattern[k]``; ``"x"`` inserts a new
        axis of size 1. Input axes left out must have size 1 (or None).
    **kwargs
        ``name`` and other `Layer` arguments.
    """

    def __init__(self, incoming, pattern, **kwargs):
        super().__init__(incoming, **kwargs)
        used = set()
        for p in pattern:
            if _is_int(p):
                if p in used:
                    raise ValueError(
                        f"DimshuffleLayer pattern {pattern} uses axis {p} twice."
                    )
                used.add(p)
            elif p != "x":
                raise ValueError(
                    f"DimshuffleLayer pattern {pattern}: entries must be ints or 'x', "
                    f"got {p!r}."
                )
        self.pattern = tuple(pattern)
        self.get_output_shape_for(self.input_shape)

    def get_output_shape_for(self, input_shape):
        output_shape = []
        used = [False] * len(input_shape)
        for p in self.pattern:
            if _is_int(p):
                if p < 0 or p >= len(input_shape):
                    raise ValueError(
                        f"DimshuffleLayer pattern {self.pattern} refers to axis {p}, "
                        "but "
                        f"the input {tuple(input_shape)} has {len(input_shape)} axes."
                    )
                output_shape.append(input_shape[p])
                used[p] = True
            else:
                output_shape.append(1)
        for axis, (size, u) in enumerate(zip(input_shape, used)):
            if not u and size is not None and size != 1:
                raise ValueError(
                    f"DimshuffleLayer pattern {self.pattern} drops axis {axis} of size "
                    f"{size}; only axes of size 1 can be dropped. Add {axis} to the "
                    "pattern, or reshape first."
                )
        return tuple(output_shape)

    def get_output_for(self, input, **kwargs):
        dropped = [
            a
            for a in range(input.ndim)
            if a not in self.pattern and input.type.shape[a] != 1
        ]
        if dropped:
            input = pt.specify_broadcastable(input, *dropped)
        return input.dimshuffle(self.pattern)


dimshuffle = DimshuffleLayer


def _pad_widths(width, n):
    widths = [width] * n if _is_int(width) else list(width)
    if len(widths) != n:
        raise ValueError(
            f"PadLayer got {len(widths)} widths for {n} padded axes: {width!r}."
        )
    out = []
    for w in widths:
        try:
            left, right = w
        except TypeError:
            left = right = w
        out.append((int(left), int(right)))
    return out


class PadLayer(Layer):
    """Pad trailing axes with a constant: (batch, c, r, k) -> (batch, c, r+2w, k+2w).

    Parameters
    ----------
    incoming : Layer or tuple
    width : int, or iterable of int or (int, int)
        Padding per trailing axis; a pair gives (before, after).
    val : float
        The value padded in (default 0).
    batch_ndim : int
        Number of leading axes left alone (default 2: batch and channels).
    **kwargs
        ``name`` and other `Layer` arguments.
    """

    def __init__(self, incoming, width, val=0, batch_ndim=2, **kwargs):
        super().__init__(incoming, **kwargs)
        self.width = width
        self.val = val
        self.batch_ndim = batch_ndim
        self._widths = _pad_widths(width, len(self.input_shape) - batch_ndim)

    def get_output_shape_for(self, input_shape):
        output_shape = list(input_shape)
        for k, (left, right) in enumerate(self._widths):
            axis = k + self.batch_ndim
            if output_shape[axis] is not None:
                output_shape[axis] += left + right
        return tuple(output_shape)

    def get_output_for(self, input, **kwargs):
        in_shape = [_dim(input, a) for a in range(input.ndim)]
        out_shape = list(in_shape)
        indices = [slice(None)] * input.ndim
        for k, (left, right) in enumerate(self._widths):
            axis = k + self.batch_ndim
            out_shape[axis] = in_shape[axis] + left + right
            indices[axis] = slice(left, left + in_shape[axis])
        out = pt.zeros(out_shape, dtype=input.dtype)
        if self.val:
            out = out + pt.cast(self.val, input.dtype)
        return pt.set_subtensor(out[tuple(indices)], input)


pad = PadLayer


class SliceLayer(Layer):
    """Take an index or a slice along one axis.

    An int index removes the axis; a slice keeps it, e.g.
    ``SliceLayer(l, indices=-1, axis=1)`` takes the last time step of
    (batch, time, units) -> (batch, units).

    Parameters
    ----------
    incoming : Layer or tuple
    indices : int or slice
    axis : int
        The axis to index (default -1, the last).
    **kwargs
        ``name`` and other `Layer` arguments.
    """

    def __init__(self, incoming, indices, axis=-1, **kwargs):
        super().__init__(incoming, **kwargs)
        if not (_is_int(indices) or isinstance(indices, slice)):
            raise TypeError(f"SliceLayer needs an int or a slice, got {indices!r}.")
        ndim = len(self.input_shape)
        if not -ndim <= axis < ndim:
            raise ValueError(
                f"SliceLayer axis {axis} is out of range for input {self.input_shape}."
            )
        self.slice = indices
        self.axis = axis

    def get_output_shape_for(self, input_shape):
        output_shape = list(input_shape)
        if _is_int(self.slice):
            size = input_shape[self.axis]
            if size is not None and not -size <= self.slice < size:
                raise ValueError(
                    f"SliceLayer index {self.slice} is out of range for axis "
                    f"{self.axis} of size {size}."
                )
            del output_shape[self.axis]
        elif input_shape[self.axis] is not None:
            output_shape[self.axis] = len(
                range(*self.slice.indices(input_shape[self.axis]))
            )
        else:
            output_shape[self.axis] = None
        return tuple(output_shape)

    def get_output_for(self, input, **kwargs):
        axis = self.axis if self.axis >= 0 else self.axis + input.ndim
        return input[(slice(None),) * axis + (self.slice,)]
