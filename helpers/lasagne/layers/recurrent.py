"""Recurrent layers: a `scan` over the time axis, with Lasagne 0.2's API.

Every layer here takes a ``(batch, time, features)`` input and returns the hidden
state at every step, ``(batch, time, units)``, or only the last one,
``(batch, units)``, with ``only_return_final=True``.

Layers: `CustomRecurrentLayer` (any input-to-hidden and hidden-to-hidden layers),
`RecurrentLayer` (the simple "Elman" RNN built from two dense layers),
`LSTMLayer` (long short-term memory, with diagonal peepholes by default) and
`GRULayer` (gated recurrent unit).  `Gate` bundles the initializers and
nonlinearity of one LSTM or GRU gate.

Shared options, with Lasagne's defaults: ``mask_input`` (a layer giving a
``(batch, time)`` mask; where it is 0 the state is carried over unchanged),
``hid_init`` (and ``cell_init`` for the LSTM; an initializer, an array or a layer),
``learn_init``, ``backwards``, ``gradient_steps`` (truncated BPTT; scan's
``truncate_gradient``), ``grad_clipping`` (clip the gradient flowing into the
pre-activations), ``unroll_scan`` (a Python loop instead of `scan`) and
``precompute_input`` (multiply every input by its weights in one product before
the loop).

Differences from Lasagne 0.2 (the maths, names, defaults and parameter order are
Lasagne's):

* The sizes the input layer declares for ``time`` and ``features`` are pinned
  with ``specify_shape`` before the loop (the mask gets the same length), and the
  gate weights get their static shapes before they are stacked.  PyTensor then
  knows the loop length and the split points of the stacked weights while
  compiling, which the JAX backend needs for the gradient of `scan`.  So for
  training under JAX give the input layer a fixed sequence length, e.g.
  ``InputLayer((None, 20, 8))`` or ``InputLayer((32, 20, 8))``; the batch may
  stay ``None`` as far as these layers are concerned.  On the CPU backend a
  ``None`` length works as in Lasagne; a declared length is checked when the
  function runs, where Lasagne silently accepted any other length.
  ``gradient_steps`` (truncated backpropagation) needs the CPU backend: PyTensor's
  JAX `scan` cannot run a truncated gradient (it stops with an AssertionError).
* ``precompute_input`` multiplies the (time * batch, features) matrix by the
  stacked weights as one 2-D product (Lasagne used a 3-D ``dot``, whose gradient
  the JAX backend cannot reshape without a static batch size).
* `scan` is called with ``return_updates=False`` (PyTensor 3's API); there are no
  random updates inside these loops.
"""

import numpy as np
import pytensor
import pytensor.tensor as pt
from pytensor.gradient import grad_clip

from .. import init, nonlinearities
from ..utils import unroll_scan
from . import helper
from .base import Layer, MergeLayer
from .dense import DenseLayer
from .input import InputLayer

__all__ = [
    "CustomRecurrentLayer",
    "GRULayer",
    "Gate",
    "LSTMLayer",
    "RecurrentLayer",
]


def _time_major(input, input_shape):
    """Pin the declared time and feature sizes, then put time first.

    Parameters
    ----------
    input : (batch, time, ...) tensor
    input_shape : tuple
        The shape the layer was built for (``None`` where unknown).

    Returns
    -------
    (time, batch, ...) tensor
    """
    declared = (None,) + tuple(input_shape[1:])
    if any(size is not None for size in declared):
        input = pt.specify_shape(input, declared)
    return input.dimshuffle(1, 0, *range(2, input.ndim))  # (time, batch, ...)


def _time_major_mask(mask, input_shape):
    """(batch, time) mask -> (time, batch, 1), with the input's declared length."""
    if input_shape[1] is not None:
        mask = pt.specify_shape(mask, (None, input_shape[1]))
    return mask.dimshuffle(1, 0, "x")  # (time, batch, 1)


def _check_unroll(unroll_scan, gradient_steps, input_shape):
    if unroll_scan and gradient_steps != -1:
        raise ValueError("Gradient steps must be -1 when unroll_scan is true.")
    if unroll_scan and input_shape[1] is None:
        raise ValueError(
            "Input sequence length cannot be specified as None when unroll_scan "
            f"is True; got input shape {input_shape}. Give the InputLayer a fixed "
            "length, e.g. InputLayer((None, 20, 8))."
        )


def _loop(layer, step_fun, sequences, outputs_info, non_seqs):
    """Run `step_fun` over time with `scan` or, if asked, a Python loop.

    Returns one (time, batch, ...) tensor per recurrent output, in the order the
    steps ran (so reversed in time when ``layer.backwards``).
    """
    if layer.unroll_scan:
        return unroll_scan(
            fn=step_fun,
            sequences=sequences,
            outputs_info=outputs_info,
            non_sequences=non_seqs,
            n_steps=int(layer.input_shapes[0][1]),
            go_backwards=layer.backwards,
        )
    return pytensor.scan(
        fn=step_fun,
        sequences=sequences,
        outputs_info=outputs_info,
        non_sequences=non_seqs,
        go_backwards=layer.backwards,
        truncate_gradient=layer.gradient_steps,
        strict=True,
        return_list=True,
        return_updates=False,
    )


def _batch_major(layer, hid_out):
    """(time, batch, units) scan output -> the layer's output, in input time order."""
    if layer.only_return_final:
        return hid_out[-1]  # (batch, units)
    hid_out = hid_out.dimshuffle(1, 0, *range(2, hid_out.ndim))  # (batch, time, units)
    if layer.backwards:
        hid_out = hid_out[:, ::-1]
    return hid_out


def _project(input, W, b):
    """``input @ W + b`` for all steps at once, as one 2-D matrix product.

    Parameters
    ----------
    input : (time, batch, features) tensor
    W : (features, k) tensor
    b : (k,) tensor

    Returns
    -------
    (time, batch, k) tensor
    """
    flat = pt.dot(input.reshape((-1, input.shape[2])), W) + b  # (time * batch, k)
    return flat.reshape((input.shape[0], -1, flat.shape[1]))  # (time, batch, k)


def _repeat_init(init_param, num_batch):
    """(1, units) initial state -> (batch, units), by a product with ones."""
    dot_dims = list(range(1, init_param.ndim - 1)) + [0, init_param.ndim - 1]
    ones = pt.ones((num_batch, 1), dtype=init_param.dtype)
    return pt.dot(ones, init_param.dimshuffle(dot_dims))  # (batch, units)


class CustomRecurrentLayer(MergeLayer):
    """(batch, time, ...) -> (batch, time, units...): a recurrence between any two layers.

    At each step ``h_t = nonlinearity(f(x_t) + g(h_{t-1}))``, with
    ``f = input_to_hidden`` and ``g = hidden_to_hidden``, two small networks whose
    input layers stand for one time step (``(batch, ...)``).

    Parameters
    ----------
    incoming : Layer or tuple
        The input, (batch, time, ...).
    input_to_hidden : Layer
        Maps one step of the input to the hidden pre-activation.  With
        ``precompute_input`` it is applied to all steps at once, as a
        ``(batch * time, ...)`` batch.
    hidden_to_hidden : Layer
        Maps the previous hidden state to the hidden pre-activation; its output
        shape gives the hidden state's shape.
    nonlinearity : callable or None
        Applied to ``f(x_t) + g(h_{t-1})``; ``None`` means identity.
    hid_init : initializer, array, shared variable or Layer
        Initial hidden state.  A layer must give ``(batch, units...)``; anything
        else becomes a ``(1, units...)`` parameter ``hid_init`` repeated over the
        batch.
    backwards : bool
        Run from the last step to the first.  The output is still in input order.
    learn_init : bool
        Train ``hid_init`` (it is a parameter either way, tagged ``trainable`` only
        if this is true).
    gradient_steps : int
        Backpropagate through at most this many steps (-1: all).  Anything but -1
        needs the CPU backend (PyTensor's JAX `scan` has no truncated gradient).
    grad_clipping : float
        If nonzero, clip the gradient of the pre-activation to
        ``[-grad_clipping, grad_clipping]`` at each step (the forward pass is
        unchanged).
    unroll_scan : bool
        Build a Python loop of ``time`` steps instead of a `scan`; needs a fixed
        sequence length and ``gradient_steps=-1``.
    precompute_input : bool
        Apply ``input_to_hidden`` to the whole sequence before the loop.
    mask_input : Layer or None
        A (batch, time) mask; where it is 0 the previous state is kept.
    only_return_final : bool
        Return only the state after the last step: (batch, units...).
    **kwargs
        Passed to `MergeLayer` (e.g. ``name``).
    """

    def __init__(self, incoming, input_to_hidden, hidden_to_hidden,
                 nonlinearity=nonlinearities.rectify, hid_init=init.Constant(0.),
                 backwards=False, learn_init=False, gradient_steps=-1,
                 grad_clipping=0, unroll_scan=False, precompute_input=True,
                 mask_input=None, only_return_final=False, **kwargs):
        incomings = [incoming]
        self.mask_incoming_index = -1
        self.hid_init_incoming_index = -1
        if mask_input is not None:
            incomings.append(mask_input)
            self.mask_incoming_index = len(incomings) - 1
        if isinstance(hid_init, Layer):
            incomings.append(hid_init)
            self.hid_init_incoming_index = len(incomings) - 1
        super().__init__(incomings, **kwargs)

        for name, sub in (("input_to_hidden", input_to_hidden),
                          ("hidden_to_hidden", hidden_to_hidden)):
            inputs = [lay for lay in helper.get_all_layers(sub)
                      if isinstance(lay, InputLayer)]
            if len(inputs) != 1:
                raise ValueError(
                    f"{name} must have exactly one InputLayer, but it has "
                    f"{len(inputs)}.")
        h_to_h_in_shape = next(lay for lay in helper.get_all_layers(hidden_to_hidden)
                               if isinstance(lay, InputLayer)).output_shape

        self.input_to_hidden = input_to_hidden
        self.hidden_to_hidden = hidden_to_hidden
        self.learn_init = learn_init
        self.backwards = backwards
        self.gradient_steps = gradient_steps
        self.grad_clipping = grad_clipping
        self.unroll_scan = unroll_scan
        self.precompute_input = precompute_input
        self.only_return_final = only_return_final
        self.nonlinearity = nonlinearity or nonlinearities.identity

        input_shape = self.input_shapes[0]
        _check_unroll(unroll_scan, gradient_steps, input_shape)
        i2h_shape, h2h_shape = input_to_hidden.output_shape, hidden_to_hidden.output_shape
        if (precompute_input and None not in (i2h_shape[0], input_shape[0], input_shape[1])
                and i2h_shape[0] != input_shape[0] * input_shape[1]):
            raise ValueError(
                "When precompute_input == True, input_to_hidden.output_shape[0] must "
                "equal incoming.output_shape[0]*incoming.output_shape[1] (i.e. "
                f"batch_size*sequence_length) or be None but got {i2h_shape[0]} and "
                f"{input_shape[0] * input_shape[1]}.")
        if (not precompute_input and None not in (i2h_shape[0], h2h_shape[0])
                and i2h_shape[0] != h2h_shape[0]):
            raise ValueError(
                "When precompute_input == False, input_to_hidden.output_shape[0] must "
                "equal hidden_to_hidden.output_shape[0] but got "
                f"{i2h_shape[0]} and {h2h_shape[0]}.")
        if not _compatible(i2h_shape[1:], h2h_shape[1:]):
            raise ValueError(
                "The output shape for input_to_hidden and hidden_to_hidden must be "
                f"equal after the first dimension, but input_to_hidden.output_shape="
                f"{i2h_shape} and hidden_to_hidden.output_shape={h2h_shape}.")
        if not _compatible(i2h_shape[1:], h_to_h_in_shape[1:]):
            raise ValueError(
                "The output shape for input_to_hidden must be equal to the input "
                "shape of hidden_to_hidden after the first dimension, but "
                f"input_to_hidden.output_shape={i2h_shape} and "
                f"hidden_to_hidden:input_layer.shape={h_to_h_in_shape}.")

        if isinstance(hid_init, Layer):
            self.hid_init = hid_init
        else:
            self.hid_init = self.add_param(
                hid_init, (1,) + tuple(h2h_shape[1:]), name="hid_init",
                trainable=learn_init, regularizable=False)

    def get_params(self, **tags):
        """This layer's parameters followed by those of its two inner networks."""
        params = super().get_params(**tags)
        params += helper.get_all_params(self.input_to_hidden, **tags)
        params += helper.get_all_params(self.hidden_to_hidden, **tags)
        return params

    def get_output_shape_for(self, input_shapes):
        input_shape = input_shapes[0]
        units = tuple(self.hidden_to_hidden.output_shape[1:])
        if self.only_return_final:
            return (input_shape[0],) + units
        return (input_shape[0], input_shape[1]) + units

    def get_output_for(self, inputs, **kwargs):
        """Run the recurrence; `inputs` = [input, mask?, hid_init?]."""
        input_shape = self.input_shapes[0]
        input = _time_major(inputs[0], input_shape)  # (time, batch, ...)
        mask = inputs[self.mask_incoming_index] if self.mask_incoming_index > 0 else None
        hid_init = (inputs[self.hid_init_incoming_index]
                    if self.hid_init_incoming_index > 0 else None)
        seq_len, num_batch = input.shape[0], input.shape[1]

        if self.precompute_input:
            trailing = tuple(_size(input, n, input_shape[n]) for n in range(2, input.ndim))
            input = input.reshape((-1,) + trailing)  # (time * batch, ...)
            input = helper.get_output(self.input_to_hidden, input, **kwargs)
            out_shape = self.input_to_hidden.output_shape
            trailing = tuple(_size(input, n, out_shape[n]) for n in range(1, input.ndim))
            input = input.reshape((seq_len, -1) + trailing)  # (time, batch, units...)

        non_seqs = helper.get_all_params(self.hidden_to_hidden)
        if not self.precompute_input:
            non_seqs += helper.get_all_params(self.input_to_hidden)

        def step(input_n, hid_previous, *args):
            hid_pre = helper.get_output(self.hidden_to_hidden, hid_previous, **kwargs)
            if self.precompute_input:
                hid_pre += input_n
            else:
                hid_pre += helper.get_output(self.input_to_hidden, input_n, **kwargs)
            if self.grad_clipping:
                hid_pre = grad_clip(hid_pre, -self.grad_clipping, self.grad_clipping)
            return self.nonlinearity(hid_pre)

        def step_masked(input_n, mask_n, hid_previous, *args):
            hid = step(input_n, hid_previous, *args)
            return [pt.switch(mask_n, hid, hid_previous)]

        if mask is not None:
            mask = _time_major_mask(mask, self.input_shapes[0])
            sequences, step_fun = [input, mask], step_masked
        else:
            sequences, step_fun = [input], step

        if not isinstance(self.hid_init, Layer):
            hid_init = _repeat_init(self.hid_init, num_batch)  # (batch, units...)

        hid_out = _loop(self, step_fun, sequences, [hid_init], non_seqs)[0]
        return _batch_major(self, hid_out)


def _compatible(shape1, shape2):
    return all(s1 is None or s2 is None or s1 == s2 for s1, s2 in zip(shape1, shape2))


def _size(x, axis, known):
    """The static size `known` if given, else the symbolic ``x.shape[axis]``."""
    return known if known is not None else x.shape[axis]


class RecurrentLayer(CustomRecurrentLayer):
    """(batch, time, features) -> (batch, time, units): the simple (Elman) RNN.

    ``h_t = nonlinearity(x_t W_in_to_hid + h_{t-1} W_hid_to_hid + b)``.

    Built as a `CustomRecurrentLayer` from two `DenseLayer`s, named
    ``"<name>.input_to_hidden"`` and ``"<name>.hidden_to_hidden"``; their weights
    are also reachable as ``W_in_to_hid``, ``W_hid_to_hid`` and ``b``.

    Parameters
    ----------
    incoming : Layer or tuple
        The input, (batch, time, features...); trailing axes are flattened.
    num_units : int
        Number of hidden units.
    W_in_to_hid : initializer or array
        (features, units), default ``Uniform()`` (range 0.01, as in Lasagne).
    W_hid_to_hid : initializer or array
        (units, units), default ``Uniform()``.
    b : initializer, array or None
        (units,) bias, default 0; ``None`` for no bias.
    nonlinearity : callable or None
        Default ``rectify`` (Lasagne's default, not ``tanh``).
    hid_init, backwards, learn_init, gradient_steps, grad_clipping, unroll_scan,
    precompute_input, mask_input, only_return_final, **kwargs
        As in `CustomRecurrentLayer`.
    """

    def __init__(self, incoming, num_units, W_in_to_hid=init.Uniform(),
                 W_hid_to_hid=init.Uniform(), b=init.Constant(0.),
                 nonlinearity=nonlinearities.rectify, hid_init=init.Constant(0.),
                 backwards=False, learn_init=False, gradient_steps=-1,
                 grad_clipping=0, unroll_scan=False, precompute_input=True,
                 mask_input=None, only_return_final=False, **kwargs):
        input_shape = incoming if isinstance(incoming, tuple) else incoming.output_shape
        if "name" in kwargs:
            basename = kwargs["name"] + "."
            layer_kwargs = {k: v for k, v in kwargs.items() if k != "name"}
        else:
            basename, layer_kwargs = "", kwargs
        in_to_hid = DenseLayer(InputLayer((None,) + tuple(input_shape[2:])),
                               num_units, W=W_in_to_hid, b=b, nonlinearity=None,
                               name=basename + "input_to_hidden", **layer_kwargs)
        hid_to_hid = DenseLayer(InputLayer((None, num_units)), num_units,
                                W=W_hid_to_hid, b=None, nonlinearity=None,
                                name=basename + "hidden_to_hidden", **layer_kwargs)
        self.W_in_to_hid = in_to_hid.W
        self.W_hid_to_hid = hid_to_hid.W
        self.b = in_to_hid.b
        super().__init__(
            incoming, in_to_hid, hid_to_hid, nonlinearity=nonlinearity,
            hid_init=hid_init, backwards=backwards, learn_init=learn_init,
            gradient_steps=gradient_steps, grad_clipping=grad_clipping,
            unroll_scan=unroll_scan, precompute_input=precompute_input,
            mask_input=mask_input, only_return_final=only_return_final, **kwargs)


class Gate:
    """The initializers and nonlinearity of one LSTM or GRU gate.

    A gate computes ``nonlinearity(x_t W_in + h_{t-1} W_hid [+ c w_cell] + b)``.

    Parameters
    ----------
    W_in : initializer or array
        (features, units) input weights; default ``Normal(0.1)``.
    W_hid : initializer or array
        (units, units) recurrent weights; default ``Normal(0.1)``.
    W_cell : initializer, array or None
        (units,) diagonal peephole weights (LSTM with ``peepholes=True``);
        ``None`` stores none.
    b : initializer or array
        (units,) bias; default 0.  (``None`` is not allowed: gates always have a
        bias, as in Lasagne.)
    nonlinearity : callable or None
        Default ``sigmoid``; ``None`` means identity.

    Examples
    --------
    >>> forget = Gate(b=init.Constant(1.0))             # forget-gate bias 1
    >>> cell = Gate(W_cell=None, nonlinearity=nonlinearities.tanh)
    """

    def __init__(self, W_in=init.Normal(0.1), W_hid=init.Normal(0.1),
                 W_cell=init.Normal(0.1), b=init.Constant(0.),
                 nonlinearity=nonlinearities.sigmoid):
        self.W_in = W_in
        self.W_hid = W_hid
        if W_cell is not None:
            self.W_cell = W_cell
        self.b = b
        self.nonlinearity = nonlinearity or nonlinearities.identity

    def __repr__(self):
        return f"Gate(nonlinearity={getattr(self.nonlinearity, '__name__', self.nonlinearity)})"


class _GatedLayer(MergeLayer):
    """Shared constructor and loop of `LSTMLayer` and `GRULayer`."""

    def _setup(self, incoming, num_units, inits, backwards, learn_init,
               gradient_steps, grad_clipping, unroll_scan, precompute_input,
               mask_input, only_return_final, kwargs):
        incomings = [incoming]
        self.mask_incoming_index = -1
        if mask_input is not None:
            incomings.append(mask_input)
            self.mask_incoming_index = len(incomings) - 1
        for name, spec in inits:
            index = -1
            if isinstance(spec, Layer):
                incomings.append(spec)
                index = len(incomings) - 1
            setattr(self, f"{name}_incoming_index", index)
        MergeLayer.__init__(self, incomings, **kwargs)

        self.learn_init = learn_init
        self.num_units = num_units
        self.backwards = backwards
        self.gradient_steps = gradient_steps
        self.grad_clipping = grad_clipping
        self.unroll_scan = unroll_scan
        self.precompute_input = precompute_input
        self.only_return_final = only_return_final

        input_shape = self.input_shapes[0]
        _check_unroll(unroll_scan, gradient_steps, input_shape)
        if any(size is None for size in input_shape[2:]):
            raise ValueError(
                f"{type(self).__name__} needs a fixed number of features; got input "
                f"shape {input_shape}. Give the InputLayer a concrete feature size, "
                "e.g. InputLayer((None, None, 8)).")
        self._num_inputs = int(np.prod(input_shape[2:]))

    def _add_gate_params(self, gate, gate_name):
        """W_in_to_<gate>, W_hid_to_<gate>, b_<gate> and the gate's nonlinearity."""
        n_in, n = self._num_inputs, self.num_units
        return (self.add_param(gate.W_in, (n_in, n), name=f"W_in_to_{gate_name}"),
                self.add_param(gate.W_hid, (n, n), name=f"W_hid_to_{gate_name}"),
                self.add_param(gate.b, (n,), name=f"b_{gate_name}",
                               regularizable=False),
                gate.nonlinearity)

    def _add_init(self, spec, name):
        if isinstance(spec, Layer):
            return spec
        return self.add_param(spec, (1, self.num_units), name=name,
                              trainable=self.learn_init, regularizable=False)

    def get_output_shape_for(self, input_shapes):
        input_shape = input_shapes[0]
        if self.only_return_final:
            return input_shape[0], self.num_units
        return input_shape[0], input_shape[1], self.num_units

    def _prepare_input(self, input):
        """(batch, time, features...) -> (time, batch, features), pinned sizes."""
        input_shape = self.input_shapes[0]
        if input.ndim > 3:
            input = input.reshape(
                (-1, _size(input, 1, input_shape[1]), self._num_inputs))
        return _time_major(input, input_shape[:2] + (self._num_inputs,))

    def _stack(self, gates):
        """Stack the gates' parameters side by side, in the order of `gates`.

        Returns (features, G * units), (units, G * units) and (G * units,) tensors.

        Each parameter gets its static shape first, so that the gradient (a split)
        has constant split points, which the JAX backend needs.
        """
        n_in, n = self._num_inputs, self.num_units
        stacked = []
        for prefix, shape in (("W_in_to_", (n_in, n)), ("W_hid_to_", (n, n)),
                              ("b_", (n,))):
            params = [pt.specify_shape(getattr(self, prefix + gate), shape)
                      for gate in gates]
            stacked.append(pt.concatenate(params, axis=len(shape) - 1))
        return stacked

    def _slice(self, x, n):
        return x[:, n * self.num_units:(n + 1) * self.num_units]


class LSTMLayer(_GatedLayer):
    r"""(batch, time, features) -> (batch, time, units): long short-term memory.

    At each step, with :math:`\sigma` each gate's nonlinearity (sigmoid by
    default) and :math:`\odot` the elementwise product::

        i_t = σ_i(x_t W_xi + h_{t-1} W_hi + w_ci ⊙ c_{t-1} + b_i)
        f_t = σ_f(x_t W_xf + h_{t-1} W_hf + w_cf ⊙ c_{t-1} + b_f)
        c_t = f_t ⊙ c_{t-1} + i_t ⊙ σ_c(x_t W_xc + h_{t-1} W_hc + b_c)
        o_t = σ_o(x_t W_xo + h_{t-1} W_ho + w_co ⊙ c_t + b_o)
        h_t = o_t ⊙ nonlinearity(c_t)

    The peepholes ``w_c*`` are vectors (diagonal), and the output gate reads the
    *new* cell ``c_t`` (Graves 2013, as in Lasagne); ``peepholes=False`` drops them.
    The four gates' weights are stacked into one (features, 4 * units) and one
    (units, 4 * units) matrix so that a step costs two matrix products.

    Parameters
    ----------
    incoming : Layer or tuple
        The input, (batch, time, features...); trailing axes are flattened.
    num_units : int
        Number of hidden units.
    ingate, forgetgate, cell, outgate : Gate
        Initializers and nonlinearities.  Defaults: ``Gate()`` (Normal(0.1)
        weights, zero bias, sigmoid) and, for the cell,
        ``Gate(W_cell=None, nonlinearity=tanh)``.  Lasagne's forget-gate bias is 0;
        pass ``Gate(b=init.Constant(1.))`` for the common bias of 1.
    nonlinearity : callable or None
        Applied to the cell before the output gate; default ``tanh``.
    cell_init, hid_init : initializer, array, shared variable or Layer
        Initial cell and hidden state: a layer giving (batch, units), or a
        (1, units) parameter repeated over the batch (default zeros).
    backwards, learn_init, gradient_steps, grad_clipping, unroll_scan,
    precompute_input, mask_input, only_return_final, **kwargs
        As in `CustomRecurrentLayer`.  ``grad_clipping`` clips the gradient of the
        stacked gate pre-activations (inputs plus recurrent product).
    peepholes : bool
        Add the diagonal cell-to-gate connections (default True, as in Lasagne;
        Keras and PyTorch LSTMs have none).

    Attributes
    ----------
    W_in_to_ingate, W_hid_to_ingate, b_ingate, W_cell_to_ingate, ... : shared
        One set per gate (``ingate``, ``forgetgate``, ``cell``, ``outgate``);
        ``W_cell_to_*`` exist for the three gates when ``peepholes`` is true.
    """

    def __init__(self, incoming, num_units, ingate=Gate(), forgetgate=Gate(),
                 cell=Gate(W_cell=None, nonlinearity=nonlinearities.tanh),
                 outgate=Gate(), nonlinearity=nonlinearities.tanh,
                 cell_init=init.Constant(0.), hid_init=init.Constant(0.),
                 backwards=False, learn_init=False, peepholes=True, gradient_steps=-1,
                 grad_clipping=0, unroll_scan=False, precompute_input=True,
                 mask_input=None, only_return_final=False, **kwargs):
        self._setup(incoming, num_units,
                    [("hid_init", hid_init), ("cell_init", cell_init)], backwards,
                    learn_init, gradient_steps, grad_clipping, unroll_scan,
                    precompute_input, mask_input, only_return_final, kwargs)
        self.nonlinearity = nonlinearity or nonlinearities.identity
        self.peepholes = peepholes
        (self.W_in_to_ingate, self.W_hid_to_ingate, self.b_ingate,
         self.nonlinearity_ingate) = self._add_gate_params(ingate, "ingate")
        (self.W_in_to_forgetgate, self.W_hid_to_forgetgate, self.b_forgetgate,
         self.nonlinearity_forgetgate) = self._add_gate_params(forgetgate, "forgetgate")
        (self.W_in_to_cell, self.W_hid_to_cell, self.b_cell,
         self.nonlinearity_cell) = self._add_gate_params(cell, "cell")
        (self.W_in_to_outgate, self.W_hid_to_outgate, self.b_outgate,
         self.nonlinearity_outgate) = self._add_gate_params(outgate, "outgate")
        if peepholes:
            for gate, gate_name in ((ingate, "ingate"), (forgetgate, "forgetgate"),
                                    (outgate, "outgate")):
                if not hasattr(gate, "W_cell"):
                    raise ValueError(
                        f"peepholes=True needs a W_cell for the {gate_name}; it was "
                        "built with Gate(W_cell=None). Pass peepholes=False or give "
                        "the gate a W_cell initializer.")
                setattr(self, f"W_cell_to_{gate_name}", self.add_param(
                    gate.W_cell, (num_units,), name=f"W_cell_to_{gate_name}"))
        self.cell_init = self._add_init(cell_init, "cell_init")
        self.hid_init = self._add_init(hid_init, "hid_init")

    def get_output_for(self, inputs, **kwargs):
        """Run the LSTM; `inputs` = [input, mask?, hid_init?, cell_init?]."""
        input = self._prepare_input(inputs[0])  # (time, batch, features)
        mask = inputs[self.mask_incoming_index] if self.mask_incoming_index > 0 else None
        hid_init = (inputs[self.hid_init_incoming_index]
                    if self.hid_init_incoming_index > 0 else None)
        cell_init = (inputs[self.cell_init_incoming_index]
                     if self.cell_init_incoming_index > 0 else None)
        num_batch = input.shape[1]

        W_in_stacked, W_hid_stacked, b_stacked = self._stack(
            ("ingate", "forgetgate", "cell", "outgate"))

        if self.precompute_input:
            input = _project(input, W_in_stacked, b_stacked)  # (time, batch, 4 * units)

        def step(input_n, cell_previous, hid_previous, *args):
            if not self.precompute_input:
                input_n = pt.dot(input_n, W_in_stacked) + b_stacked
            gates = input_n + pt.dot(hid_previous, W_hid_stacked)  # (batch, 4 * units)
            if self.grad_clipping:
                gates = grad_clip(gates, -self.grad_clipping, self.grad_clipping)
            ingate, forgetgate = self._slice(gates, 0), self._slice(gates, 1)
            cell_input, outgate = self._slice(gates, 2), self._slice(gates, 3)
            if self.peepholes:
                ingate += cell_previous * self.W_cell_to_ingate
                forgetgate += cell_previous * self.W_cell_to_forgetgate
            ingate = self.nonlinearity_ingate(ingate)
            forgetgate = self.nonlinearity_forgetgate(forgetgate)
            cell_input = self.nonlinearity_cell(cell_input)
            cell = forgetgate * cell_previous + ingate * cell_input
            if self.peepholes:
                outgate += cell * self.W_cell_to_outgate
            outgate = self.nonlinearity_outgate(outgate)
            hid = outgate * self.nonlinearity(cell)
            return [cell, hid]

        def step_masked(input_n, mask_n, cell_previous, hid_previous, *args):
            cell, hid = step(input_n, cell_previous, hid_previous, *args)
            cell = pt.switch(mask_n, cell, cell_previous)
            hid = pt.switch(mask_n, hid, hid_previous)
            return [cell, hid]

        if mask is not None:
            mask = _time_major_mask(mask, self.input_shapes[0])
            sequences, step_fun = [input, mask], step_masked
        else:
            sequences, step_fun = [input], step

        if not isinstance(self.cell_init, Layer):
            cell_init = _repeat_init(self.cell_init, num_batch)  # (batch, units)
        if not isinstance(self.hid_init, Layer):
            hid_init = _repeat_init(self.hid_init, num_batch)  # (batch, units)

        non_seqs = [W_hid_stacked]
        if self.peepholes:
            non_seqs += [self.W_cell_to_ingate, self.W_cell_to_forgetgate,
                         self.W_cell_to_outgate]
        if not self.precompute_input:
            non_seqs += [W_in_stacked, b_stacked]

        _, hid_out = _loop(self, step_fun, sequences, [cell_init, hid_init], non_seqs)
        return _batch_major(self, hid_out)


class GRULayer(_GatedLayer):
    r"""(batch, time, features) -> (batch, time, units): gated recurrent unit.

    At each step, in Lasagne's form (Cho et al. 2014)::

        r_t = σ_r(x_t W_xr + h_{t-1} W_hr + b_r)
        u_t = σ_u(x_t W_xu + h_{t-1} W_hu + b_u)
        c_t = σ_c(x_t W_xc + b_c + r_t ⊙ (h_{t-1} W_hc))
        h_t = (1 - u_t) ⊙ h_{t-1} + u_t ⊙ c_t

    The reset gate multiplies the recurrent *product* ``h_{t-1} W_hc`` (reset
    after the matrix product, as cuDNN and PyTorch also do), not ``h_{t-1}``
    before it as in the equations of Cho et al. (``(r_t ⊙ h_{t-1}) W_hc``).  The
    two forms have the same parameters but give different values.  The update
    gate ``u_t`` weighs the *new* candidate, so a gate near 0 keeps the state.

    Parameters
    ----------
    incoming : Layer or tuple
        The input, (batch, time, features...); trailing axes are flattened.
    num_units : int
        Number of hidden units.
    resetgate, updategate, hidden_update : Gate
        Defaults ``Gate(W_cell=None)`` (sigmoid) and, for the candidate,
        ``Gate(W_cell=None, nonlinearity=tanh)``.  ``W_cell`` is never used.
    hid_init : initializer, array, shared variable or Layer
        Initial hidden state, as in `LSTMLayer`.
    backwards, learn_init, gradient_steps, grad_clipping, unroll_scan,
    precompute_input, mask_input, only_return_final, **kwargs
        As in `CustomRecurrentLayer`.  As in Lasagne, ``grad_clipping`` clips the
        gradient at the step input, at the recurrent product and at the
        candidate's pre-activation.
    """

    def __init__(self, incoming, num_units, resetgate=Gate(W_cell=None),
                 updategate=Gate(W_cell=None),
                 hidden_update=Gate(W_cell=None, nonlinearity=nonlinearities.tanh),
                 hid_init=init.Constant(0.), backwards=False, learn_init=False,
                 gradient_steps=-1, grad_clipping=0, unroll_scan=False,
                 precompute_input=True, mask_input=None, only_return_final=False,
                 **kwargs):
        self._setup(incoming, num_units, [("hid_init", hid_init)], backwards,
                    learn_init, gradient_steps, grad_clipping, unroll_scan,
                    precompute_input, mask_input, only_return_final, kwargs)
        (self.W_in_to_updategate, self.W_hid_to_updategate, self.b_updategate,
         self.nonlinearity_updategate) = self._add_gate_params(updategate, "updategate")
        (self.W_in_to_resetgate, self.W_hid_to_resetgate, self.b_resetgate,
         self.nonlinearity_resetgate) = self._add_gate_params(resetgate, "resetgate")
        (self.W_in_to_hidden_update, self.W_hid_to_hidden_update,
         self.b_hidden_update, self.nonlinearity_hid) = self._add_gate_params(
            hidden_update, "hidden_update")
        self.hid_init = self._add_init(hid_init, "hid_init")

    def get_output_for(self, inputs, **kwargs):
        """Run the GRU; `inputs` = [input, mask?, hid_init?]."""
        input = self._prepare_input(inputs[0])  # (time, batch, features)
        mask = inputs[self.mask_incoming_index] if self.mask_incoming_index > 0 else None
        hid_init = (inputs[self.hid_init_incoming_index]
                    if self.hid_init_incoming_index > 0 else None)
        num_batch = input.shape[1]

        W_in_stacked, W_hid_stacked, b_stacked = self._stack(
            ("resetgate", "updategate", "hidden_update"))

        if self.precompute_input:
            input = _project(input, W_in_stacked, b_stacked)  # (time, batch, 3 * units)

        def step(input_n, hid_previous, *args):
            hid_input = pt.dot(hid_previous, W_hid_stacked)  # (batch, 3 * units)
            if self.grad_clipping:
                input_n = grad_clip(input_n, -self.grad_clipping, self.grad_clipping)
                hid_input = grad_clip(hid_input, -self.grad_clipping,
                                      self.grad_clipping)
            if not self.precompute_input:
                input_n = pt.dot(input_n, W_in_stacked) + b_stacked
            resetgate = self._slice(hid_input, 0) + self._slice(input_n, 0)
            updategate = self._slice(hid_input, 1) + self._slice(input_n, 1)
            resetgate = self.nonlinearity_resetgate(resetgate)
            updategate = self.nonlinearity_updategate(updategate)
            hidden_update = (self._slice(input_n, 2)
                             + resetgate * self._slice(hid_input, 2))
            if self.grad_clipping:
                hidden_update = grad_clip(hidden_update, -self.grad_clipping,
                                          self.grad_clipping)
            hidden_update = self.nonlinearity_hid(hidden_update)
            return (1 - updategate) * hid_previous + updategate * hidden_update

        def step_masked(input_n, mask_n, hid_previous, *args):
            hid = step(input_n, hid_previous, *args)
            return pt.switch(mask_n, hid, hid_previous)

        if mask is not None:
            mask = _time_major_mask(mask, self.input_shapes[0])
            sequences, step_fun = [input, mask], step_masked
        else:
            sequences, step_fun = [input], step

        if not isinstance(self.hid_init, Layer):
            hid_init = _repeat_init(self.hid_init, num_batch)  # (batch, units)

        non_seqs = [W_hid_stacked]
        if not self.precompute_input:
            non_seqs += [W_in_stacked, b_stacked]

        hid_out = _loop(self, step_fun, sequences, [hid_init], non_seqs)[0]
        return _batch_major(self, hid_out)
