"""The two base classes every layer derives from.

`Layer` has one incoming layer (or a shape tuple); `MergeLayer` has several.
A subclass registers parameters with `Layer.add_param`, states its shape
arithmetic in ``get_output_shape_for`` and its expression in ``get_output_for``.

Public names: `Layer`, `MergeLayer`.
"""

from collections import OrderedDict

from pytensor.graph.basic import Variable

from .. import utils

__all__ = ["Layer", "MergeLayer"]


def _check_shape(layer_name, shape, what="input shape"):
    if not isinstance(shape, tuple):
        raise TypeError(
            f"{layer_name} got {what} {shape!r}; expected a tuple such as "
            "(None, 784) or another layer."
        )
    if any(
        d is not None and (not isinstance(d, utils.int_types) or d <= 0) for d in shape
    ):
        raise ValueError(
            f"{layer_name} got {what} {shape}; every size must be a positive int or "
            "None (unknown until run time)."
        )


class Layer:
    """Base class of layers with one input.

    Parameters
    ----------
    incoming : Layer or tuple
        The layer feeding into this one, or the expected input shape (``None``
        for sizes known only at run time, e.g. ``(None, 784)``).
    name : str or None
        A name for the layer; parameter names are prefixed with it
        (``"l_hidden.W"``).

    Attributes
    ----------
    input_layer : Layer or None
        The incoming layer (``None`` when built from a shape tuple).
    input_shape : tuple
        The shape of the input.
    params : OrderedDict
        Each parameter variable mapped to its set of tags (``"trainable"``,
        ``"regularizable"``, ...).
    get_output_kwargs : list of str
        Extra keyword names `get_output_for` understands (used to warn about
        misspelt keywords in `helpers.lasagne.layers.get_output`).
    """

    def __init__(self, incoming, name=None):
        if isinstance(incoming, tuple):
            self.input_shape = incoming
            self.input_layer = None
        elif isinstance(incoming, Layer):
            self.input_shape = incoming.output_shape
            self.input_layer = incoming
        else:
            raise TypeError(
                f"{type(self).__name__} expects a layer or a shape tuple as "
                f"`incoming`, got {type(incoming).__name__}. For a list of layers "
                "use a MergeLayer such as ConcatLayer."
            )
        self.name = name
        self.params = OrderedDict()
        self.get_output_kwargs = []
        _check_shape(type(self).__name__, self.input_shape)

    @property
    def output_shape(self):
        """The shape of the layer's output, given its input shape."""
        shape = self.get_output_shape_for(self.input_shape)
        if any(isinstance(s, Variable) for s in shape):
            raise ValueError(
                f"{type(self).__name__}.get_output_shape_for returned a symbolic "
                f"shape {shape}; it must return ints and None (unknown sizes)."
            )
        return shape

    def get_params(self, unwrap_shared=True, **tags):
        """The layer's parameters, optionally filtered by tags.

        Parameters
        ----------
        unwrap_shared : bool
            Replace parameters that are expressions by the shared variables they
            depend on (what update rules need).
        **tags : bool
            ``trainable=True`` keeps parameters with the tag, ``trainable=False``
            those without it; tags combine with "and".

        Returns
        -------
        list of Variable
        """
        result = list(self.params.keys())
        only = {tag for tag, value in tags.items() if value}
        if only:
            result = [p for p in result if not (only - self.params[p])]
        exclude = {tag for tag, value in tags.items() if not value}
        if exclude:
            result = [p for p in result if not (self.params[p] & exclude)]
        if unwrap_shared:
            return utils.collect_shared_vars(result)
        return result

    def get_output_shape_for(self, input_shape):
        """Shape arithmetic: the output shape for `input_shape` (default: unchanged).

        Parameters
        ----------
        input_shape : tuple
            Ints and ``None`` for unknown sizes.

        Returns
        -------
        tuple
        """
        return input_shape

    def get_output_for(self, input, **kwargs):
        """Build the output expression for a symbolic `input`.

        Parameters
        ----------
        input : tensor
            The output of the incoming layer.
        **kwargs
            Options such as ``deterministic=True`` (switch off dropout/noise).

        Returns
        -------
        tensor
        """
        raise NotImplementedError(
            f"{type(self).__name__} must implement get_output_for."
        )

    def add_param(self, spec, shape, name=None, **tags):
        """Create a parameter, register it with its tags and return it.

        Parameters
        ----------
        spec : ndarray, callable, SharedVariable or Variable
            Initial value, initializer, or existing variable (to share weights).
        shape : tuple of int
            Shape the parameter must have.
        name : str or None
            Parameter name; prefixed with the layer name (``"l_out.W"``).
        **tags : bool
            ``trainable`` and ``regularizable`` default to True; biases pass
            ``regularizable=False``. Any other tag may be added.

        Returns
        -------
        Variable
            The parameter (a shared variable unless `spec` was an expression).
        """
        if name is not None and self.name is not None:
            name = f"{self.name}.{name}"
        param = utils.create_param(spec, shape, name)
        tags["trainable"] = tags.get("trainable", True)
        tags["regularizable"] = tags.get("regularizable", True)
        self.params[param] = {tag for tag, value in tags.items() if value}
        return param

    def __repr__(self):
        try:
            shape = self.output_shape
        except Exception:  # a broken layer should still print
            shape = "?"
        name = f"{self.name!r}, " if self.name is not None else ""
        return f"{type(self).__name__}({name}output_shape={shape})"


class MergeLayer(Layer):
    """Base class of layers with several inputs.

    Parameters
    ----------
    incomings : list of Layer or tuple
        The layers (or input shapes) feeding into this one.
    name : str or None
        A name for the layer.

    Attributes
    ----------
    input_layers : list of Layer or None
    input_shapes : list of tuple
    """

    def __init__(self, incomings, name=None):
        if isinstance(incomings, (Layer, tuple)) or not hasattr(incomings, "__iter__"):
            raise TypeError(
                f"{type(self).__name__} expects a list of layers (or shape tuples), "
                f"got {type(incomings).__name__}; wrap a single layer in a list."
            )
        self.input_shapes = [
            inc if isinstance(inc, tuple) else inc.output_shape for inc in incomings
        ]
        self.input_layers = [
            None if isinstance(inc, tuple) else inc for inc in incomings
        ]
        self.name = name
        self.params = OrderedDict()
        self.get_output_kwargs = []
        for shape in self.input_shapes:
            _check_shape(type(self).__name__, shape)

    @Layer.output_shape.getter
    def output_shape(self):
        """The shape of the layer's output, given its input shapes."""
        shape = self.get_output_shape_for(self.input_shapes)
        if any(isinstance(s, Variable) for s in shape):
            raise ValueError(
                f"{type(self).__name__}.get_output_shape_for returned a symbolic "
                f"shape {shape}; it must return ints and None (unknown sizes)."
            )
        return shape

    def get_output_shape_for(self, input_shapes):
        """Shape arithmetic for a list of input shapes."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement get_output_shape_for."
        )

    def get_output_for(self, inputs, **kwargs):
        """Build the output expression from a list of symbolic inputs."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement get_output_for."
        )
