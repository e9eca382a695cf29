"""Small tools the rest of `helpers.lasagne` is built on.

Arrays and types: `floatX`, `shared_empty`, `as_tensor_expression` (alias
`as_theano_expression`), `one_hot`.
Parameters: `create_param` (array, initializer, shared variable or expression ->
parameter), `collect_shared_vars`, `compute_norms`.
Python helpers: `as_tuple`, `unique`, `inspect_kwargs`, `int_types`.
Loops: `unroll_scan` (a Python-unrolled `scan` for short, fixed-length loops).
"""

import inspect
import numbers

import numpy as np
import pytensor
import pytensor.tensor as pt
from pytensor.compile.sharedvalue import SharedVariable
from pytensor.graph.basic import Constant, Variable

try:  # pytensor >= 3.1 moved the graph walkers
    from pytensor.graph.traversal import graph_inputs
except ImportError:  # pragma: no cover - pytensor 3.0
    from pytensor.graph.basic import graph_inputs

__all__ = [
    "as_tensor_expression",
    "as_theano_expression",
    "as_tuple",
    "collect_shared_vars",
    "compute_norms",
    "create_param",
    "floatX",
    "inspect_kwargs",
    "norm_axes_for",
    "int_types",
    "one_hot",
    "shared_empty",
    "unique",
    "unroll_scan",
]

int_types = (numbers.Integral, np.integer)


def floatX(arr):
    """Convert `arr` to a NumPy array of dtype ``pytensor.config.floatX``.

    Parameters
    ----------
    arr : array_like
        Numbers, lists or an array.

    Returns
    -------
    numpy.ndarray
        The same values in ``floatX`` (float64 unless the notebook set float32).
    """
    return np.asarray(arr, dtype=pytensor.config.floatX)


def shared_empty(dim=2, dtype=None):
    """A shared variable holding an empty array with `dim` dimensions."""
    dtype = dtype or pytensor.config.floatX
    return pytensor.shared(np.zeros((0,) * dim, dtype=dtype))


def as_tensor_expression(input):
    """Wrap arrays and numbers as PyTensor constants; pass variables through.

    Raises
    ------
    TypeError
        If `input` can become neither a constant nor a variable.
    """
    if isinstance(input, Variable):
        return input
    try:
        return pt.as_tensor_variable(input)
    except (TypeError, ValueError) as err:
        raise TypeError(
            f"Input of type {type(input).__name__} is not a PyTensor expression "
            "and cannot be turned into a constant; pass a tensor variable or an "
            "array."
        ) from err


as_theano_expression = as_tensor_expression


def collect_shared_vars(expressions):
    """The shared variables an expression (or list of them) depends on.

    Parameters
    ----------
    expressions : Variable or list of Variable

    Returns
    -------
    list of SharedVariable
        In order of first appearance, without duplicates.
    """
    if isinstance(expressions, Variable):
        expressions = [expressions]
    found = []
    for expr in expressions:
        if isinstance(expr, SharedVariable):
            found.append(expr)
        else:
            found.extend(
                v for v in graph_inputs([expr]) if isinstance(v, SharedVariable)
            )
    return unique(found)


def one_hot(x, m=None):
    """One-hot encode an int vector: (batch,) -> (batch, m) float matrix.

    Parameters
    ----------
    x : (batch,) int tensor
    m : int or None
        Number of classes; ``None`` uses ``max(x) + 1`` (not JAX-portable).
    """
    x = as_tensor_expression(x)
    if m is None:
        m = pt.cast(pt.max(x) + 1, "int64")
    return pt.eye(m, dtype=pytensor.config.floatX)[pt.cast(x, "int64")]


def unique(seq):
    """The items of `seq` without repeats, first occurrences kept in order."""
    seen, result = set(), []
    for item in seq:
        if item not in seen:
            seen.add(item)
            result.append(item)
    return result


def as_tuple(x, N, t=None):
    """Turn `x` into a tuple of length `N` (a scalar is repeated).

    Parameters
    ----------
    x : value or iterable
    N : int
        Length wanted.
    t : type or tuple of types, optional
        Every element must be an instance of `t`.

    Raises
    ------
    ValueError
        If `x` has the wrong length or an element of the wrong type.
    """
    try:
        X = tuple(x)
    except TypeError:
        X = (x,) * N
    if (t is not None) and not all(isinstance(v, t) for v in X):
        names = (
            t.__name__ if isinstance(t, type) else " or ".join(c.__name__ for c in t)
        )
        raise ValueError(
            f"expected a single value or an iterable of {names}, got {x!r}"
        )
    if len(X) != N:
        raise ValueError(
            f"expected a single value or an iterable with length {N}, got {x!r}"
        )
    return X


def inspect_kwargs(func):
    """Names of the keyword arguments (with defaults) that `func` accepts."""
    params = inspect.signature(func).parameters.values()
    return [
        p.name
        for p in params
        if p.default is not inspect.Parameter.empty
        and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    ]


def compute_norms(array, norm_axes=None):
    """L2 norms of the weight vectors of a parameter array (NumPy).

    Parameters
    ----------
    array : ndarray
        A weight array: ``(inputs, units)`` for dense layers, ``(filters,
        channels, rows, cols)`` for convolutions.
    norm_axes : tuple of int or None
        Axes to sum over; by default axis 0 for 2D arrays (one norm per unit) and
        all but axis 0 for 3D-5D arrays (one norm per filter), as in
        `helpers.lasagne.updates.norm_constraint`.

    Returns
    -------
    ndarray
        One norm per unit (2D) or per filter (3D-5D).
    """
    if not isinstance(array, np.ndarray):
        raise TypeError(
            f"compute_norms works on NumPy arrays, got {type(array).__name__}; "
            "for a shared variable pass W.get_value()."
        )
    sum_over = norm_axes_for(array.ndim, norm_axes, "compute_norms")
    return np.sqrt(np.sum(array**2, axis=sum_over))


def norm_axes_for(ndim, norm_axes=None, caller="norm_constraint"):
    """The axes a per-unit norm sums over: ``(0,)`` for a 2D weight matrix (one
    norm per output unit), all but the first axis for 3D-5D filters (one norm per
    filter), or `norm_axes` when given."""
    if norm_axes is not None:
        return tuple(norm_axes)
    if ndim == 2:
        return (0,)
    if ndim in (3, 4, 5):
        return tuple(range(1, ndim))
    raise ValueError(
        f"{caller} cannot guess the norm axes of a {ndim}-D tensor; pass norm_axes."
    )


def _shape_str(shape):
    return (
        "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"
    )


def create_param(spec, shape, name=None):
    """Turn a parameter spec into a PyTensor variable of the given shape.

    Parameters
    ----------
    spec : ndarray, number, callable, SharedVariable or Variable
        An array (or number) becomes a new shared variable, a floating-point one
        cast to ``floatX`` (Lasagne kept the array's dtype, so a float64 array
        made a float32 network compute in float64); a callable (an initializer
        from `helpers.lasagne.init`) is called with `shape` first; a shared
        variable or any expression is used as it is.
    shape : tuple of int
        The shape the parameter must have; every size must be positive.
    name : str or None
        Name given to the variable (kept if the variable already has one).

    Returns
    -------
    Variable
        A shared variable, or the expression that was passed in.

    Raises
    ------
    ValueError
        If the array, shared value or expression has another shape or number of
        dimensions than `shape`.
    TypeError
        If `spec` is none of the accepted kinds.
    """
    shape = tuple(shape)
    if any(d is None or d <= 0 for d in shape):
        raise ValueError(
            f"Cannot create parameter {name!r} with shape {shape}: every size must "
            "be a positive integer. Check the layer's input shape and size arguments."
        )
    what = f"parameter {name!r}" if name else "a parameter"
    source = "the provided"
    if callable(spec) and not isinstance(spec, Variable):
        spec = spec(shape)
        source = "the initializer's returned"

    if isinstance(spec, numbers.Number) or (
        isinstance(spec, np.generic) and spec.dtype.kind in "biufc"
    ):
        spec = np.asarray(spec)

    if isinstance(spec, np.ndarray):
        if spec.shape != shape:
            raise ValueError(
                f"Cannot initialize {what}: {source} array has shape "
                f"{_shape_str(spec.shape)}, expected {_shape_str(shape)}. Pass an "
                "array of that shape or an initializer such as init.GlorotUniform()."
            )
        if spec.dtype.kind == "f" and spec.dtype != pytensor.config.floatX:
            spec = spec.astype(pytensor.config.floatX)  # integer arrays stay integer
        static = tuple(1 if s == 1 else None for s in shape)
        spec = pytensor.shared(spec, shape=static)

    if isinstance(spec, Variable):
        if spec.ndim != len(shape):
            raise ValueError(
                f"Cannot initialize {what}: {source} variable has {spec.ndim} "
                f"dimensions, expected {len(shape)} (shape {_shape_str(shape)})."
            )
        if isinstance(spec, SharedVariable):
            value_shape = np.shape(spec.get_value(borrow=True))
            if tuple(value_shape) != shape:
                raise ValueError(
                    f"Cannot initialize {what}: {source} shared variable holds an "
                    f"array of shape {_shape_str(value_shape)}, expected "
                    f"{_shape_str(shape)}."
                )
        elif not isinstance(spec, Constant):
            static = spec.type.shape
            if any(s is not None and s != d for s, d in zip(static, shape)):
                raise ValueError(
                    f"Cannot initialize {what}: {source} expression has static "
                    f"shape {_shape_str(static)}, expected {_shape_str(shape)}."
                )
        if not spec.name:
            spec.name = name
        return spec

    raise TypeError(
        f"Cannot initialize {what}: got {type(spec).__name__}, expected a NumPy "
        "array, a shared variable, a PyTensor expression or a callable "
        "initializer (e.g. helpers.lasagne.init.Normal())."
    )


def unroll_scan(
    fn, sequences, outputs_info, non_sequences, n_steps, go_backwards=False
):
    """A `scan` unrolled in Python: fast to compile for a few fixed steps.

    Parameters
    ----------
    fn : callable
        Called as ``fn(*seq_slices, *previous_outputs, *non_sequences)``; returns
        one output or a list of outputs.
    sequences : list of tensors
        Iterated over their first axis (``time``).
    outputs_info : list of tensors
        Initial values of the recurrent outputs.
    non_sequences : list of tensors
        Passed unchanged to every step.
    n_steps : int
        Number of steps; must be a Python int.
    go_backwards : bool
        Run from the last step to the first.

    Returns
    -------
    list of tensors
        One tensor per output, stacked along a new first axis ``time``.
    """
    if not isinstance(n_steps, int_types):
        raise TypeError(
            "unroll_scan needs a Python int n_steps (a fixed sequence length)."
        )
    steps = range(n_steps - 1, -1, -1) if go_backwards else range(n_steps)
    output, prev = [], list(outputs_info)
    for i in steps:
        step_out = fn(*([s[i] for s in sequences] + prev + list(non_sequences)))
        if not isinstance(step_out, (list, tuple)):
            step_out = [step_out]
        output.append(step_out)
        prev = list(step_out)
    return [pt.stack(list(out)) for out in zip(*output)]
