"""Layers that combine several inputs into one.

Joining: `ConcatLayer` (alias `concat`).
Elementwise: `ElemwiseMergeLayer` (any binary function), `ElemwiseSumLayer`
(weighted sum, as in residual networks).
Size matching: `autocrop`, `autocrop_array_shapes` (crop inputs to a common size
on chosen axes before merging).
"""

import pytensor.tensor as pt

from .base import MergeLayer

__all__ = [
    "ConcatLayer",
    "ElemwiseMergeLayer",
    "ElemwiseSumLayer",
    "autocrop",
    "autocrop_array_shapes",
    "concat",
]

_CROP_MODES = (None, "lower", "center", "upper")


def _check_cropping(cropping):
    if cropping is None:
        return None
    cropping = list(cropping)
    for c in cropping:
        if c not in _CROP_MODES:
            raise ValueError(f"Unknown cropping mode {c!r}; use one of {_CROP_MODES}.")
    return cropping


def autocrop(inputs, cropping):
    """Crop tensors to the smallest size along each axis that has a crop mode.

    Parameters
    ----------
    inputs : list of tensors
        All with the same number of axes.
    cropping : list of {None, "lower", "center", "upper"} or None
        One entry per leading axis: ``None`` leaves it alone, ``"lower"`` keeps
        the first entries, ``"upper"`` the last, ``"center"`` the middle ones.

    Returns
    -------
    list of tensors
    """
    if cropping is None:
        return list(inputs)
    ndim = inputs[0].ndim
    if not all(x.ndim == ndim for x in inputs):
        raise ValueError(
            f"autocrop needs inputs with the same number of axes, got "
            f"{[x.ndim for x in inputs]}."
        )
    shapes = [x.shape for x in inputs]
    result = []
    slices_by_input = [[] for _ in inputs]
    for axis, mode in enumerate(cropping):
        if mode is None:
            for sl in slices_by_input:
                sl.append(slice(None))
            continue
        statics = [x.type.shape[axis] for x in inputs]
        if all(s is not None for s in statics):
            sizes = statics
            min_size = min(statics)
        else:
            sizes = [s[axis] for s in shapes]
            min_size = pt.min(pt.stack(sizes))
        for sl, size in zip(slices_by_input, sizes):
            if mode == "lower":
                sl.append(slice(None, min_size))
            elif mode == "upper":
                sl.append(slice(size - min_size, None))
            else:
                start = (size - min_size) // 2
                sl.append(slice(start, start + min_size))
    for x, sl in zip(inputs, slices_by_input):
        result.append(x[tuple(sl)])
    return result


def autocrop_array_shapes(input_shapes, cropping):
    """The shapes `autocrop` would produce, computed on shape tuples."""
    if cropping is None:
        return list(input_shapes)
    ndim = len(input_shapes[0])
    if not all(len(s) == ndim for s in input_shapes):
        raise ValueError(
            f"autocrop needs inputs with the same number of axes, got {input_shapes}."
        )
    result = [list(s) for s in input_shapes]
    for axis, mode in enumerate(cropping):
        if mode is None:
            continue
        sizes = [s[axis] for s in input_shapes]
        new = None if any(s is None for s in sizes) else min(sizes)
        for r in result:
            r[axis] = new
    return [tuple(r) for r in result]


def _first_known(sizes):
    return next((s for s in sizes if s is not None), None)


class ConcatLayer(MergeLayer):
    """Concatenate along one axis: shapes equal except on `axis`, sizes add up there.

    Parameters
    ----------
    incomings : list of Layer or tuple
    axis : int
        Axis to join along (default 1, the features/channels axis).
    cropping : list or None
        Crop modes per axis (see `autocrop`) to apply before joining.
    **kwargs
        ``name`` and other `Layer` arguments.

    Raises
    ------
    ValueError
        If the inputs differ in an axis other than `axis`.
    """

    def __init__(self, incomings, axis=1, cropping=None, **kwargs):
        super().__init__(incomings, **kwargs)
        self.axis = axis
        self.cropping = _check_cropping(cropping)
        if self.cropping is not None and self.cropping[axis] is not None:
            raise ValueError("ConcatLayer cannot crop along the concatenation axis.")
        self.get_output_shape_for(self.input_shapes)

    def get_output_shape_for(self, input_shapes):
        input_shapes = autocrop_array_shapes(input_shapes, self.cropping)
        ndim = len(input_shapes[0])
        axis = self.axis if self.axis >= 0 else ndim + self.axis
        if not 0 <= axis < ndim:
            raise ValueError(
                f"ConcatLayer axis {self.axis} is out of range for {ndim}-D inputs."
            )
        output_shape = [_first_known(sizes) for sizes in zip(*input_shapes)]

        def match(shape):
            return len(shape) == ndim and all(
                i == axis or s is None or o is None or s == o
                for i, (s, o) in enumerate(zip(shape, output_shape))
            )

        if not all(match(shape) for shape in input_shapes):
            raise ValueError(
                f"ConcatLayer along axis {self.axis} got input shapes "
                f"{[tuple(s) for s in input_shapes]}; all axes except {self.axis} must "
                "match. Reshape or pool the inputs first, pass a different axis, or "
                "use cropping=[None, None, 'center', 'center'] for feature maps."
            )
        sizes = [shape[axis] for shape in input_shapes]
        output_shape[axis] = None if any(s is None for s in sizes) else sum(sizes)
        return tuple(output_shape)

    def get_output_for(self, inputs, **kwargs):
        inputs = autocrop(inputs, self.cropping)
        return pt.concatenate(inputs, axis=self.axis)


concat = ConcatLayer


class ElemwiseMergeLayer(MergeLayer):
    """Merge same-shape inputs with a binary function applied left to right.

    Parameters
    ----------
    incomings : list of Layer or tuple
    merge_function : callable
        E.g. ``pt.mul`` or ``pt.maximum``; called as ``f(f(x0, x1), x2)``.
    cropping : list or None
        Crop modes per axis (see `autocrop`).
    **kwargs
        ``name`` and other `Layer` arguments.

    Raises
    ------
    ValueError
        If the input shapes differ.
    """

    def __init__(self, incomings, merge_function, cropping=None, **kwargs):
        super().__init__(incomings, **kwargs)
        self.merge_function = merge_function
        self.cropping = _check_cropping(cropping)
        self.get_output_shape_for(self.input_shapes)

    def get_output_shape_for(self, input_shapes):
        input_shapes = autocrop_array_shapes(input_shapes, self.cropping)
        output_shape = tuple(_first_known(sizes) for sizes in zip(*input_shapes))

        def match(shape):
            return len(shape) == len(output_shape) and all(
                s is None or o is None or s == o for s, o in zip(shape, output_shape)
            )

        if not all(match(shape) for shape in input_shapes):
            raise ValueError(
                f"{type(self).__name__} needs inputs of one shape, got "
                f"{[tuple(s) for s in input_shapes]}. Add a DenseLayer or "
                "convolution to match the sizes, or pass cropping=..."
            )
        return output_shape

    def get_output_for(self, inputs, **kwargs):
        inputs = autocrop(inputs, self.cropping)
        output = inputs[0]
        for input in inputs[1:]:
            output = self.merge_function(output, input)
        return output


class ElemwiseSumLayer(ElemwiseMergeLayer):
    """Weighted elementwise sum: ``sum_i coeffs[i] * inputs[i]``, all one shape.

    Parameters
    ----------
    incomings : list of Layer or tuple
    coeffs : float or list of float
        One coefficient for all inputs, or one per input (default 1).
    cropping : list or None
        Crop modes per axis (see `autocrop`).
    **kwargs
        ``name`` and other `Layer` arguments.
    """

    def __init__(self, incomings, coeffs=1, cropping=None, **kwargs):
        super().__init__(incomings, pt.add, cropping=cropping, **kwargs)
        if isinstance(coeffs, (list, tuple)):
            if len(coeffs) != len(self.input_shapes):
                raise ValueError(
                    f"ElemwiseSumLayer got {len(coeffs)} coeffs for "
                    f"{len(self.input_shapes)} incomings."
                )
        else:
            coeffs = [coeffs] * len(self.input_shapes)
        self.coeffs = list(coeffs)

    def get_output_for(self, inputs, **kwargs):
        inputs = [
            x if (isinstance(c, (int, float)) and c == 1) else x * c
            for c, x in zip(self.coeffs, inputs)
        ]
        return super().get_output_for(inputs, **kwargs)
