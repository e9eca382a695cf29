"""Convolution and pooling for PyTensor: what ``theano.tensor.nnet`` and
``theano.tensor.signal.pool`` used to provide.

PyTensor removed Theano's ``T.nnet.conv2d`` and ``pool_2d``.  This module puts them
back as plain tensor functions with Theano's arguments and semantics, so seed-era
code and the layers of `helpers.lasagne` can call them.

Convolution runs as three small Ops that close under differentiation:

* `Conv2d` -- the forward convolution (im2col + one matrix product in NumPy/BLAS),
* `Conv2dGradInputs` -- its gradient with respect to the input (a transposed
  convolution: one matrix product + col2im),
* `Conv2dGradWeights` -- its gradient with respect to the filters.

Each one's gradient is built from the other two, so second derivatives work too.  On
the JAX backend (the course's GPU path) each Op is translated to
``jax.lax.conv_general_dilated`` (cuDNN on a GPU).  A pure-graph version of the
same convolution (`im2col` + ``pt.dot``) is kept for teaching and as a check.

Pooling is plain graph code: reshape + max/sum for non-overlapping windows, one
strided slice per window offset otherwise, so PyTensor's own gradients apply.

Public names
------------
Convolution: `conv2d`, `conv1d`, `conv2d_transpose`, `conv2d_grad_wrt_inputs`,
`conv2d_grad_wrt_weights`, `im2col`, `conv2d_im2col`.
Pooling: `pool_2d`, `pool_output_length`.
Ops: `Conv2d`, `Conv2dGradInputs`, `Conv2dGradWeights`.
"""

import numpy as np
import pytensor
import pytensor.tensor as pt
from numpy.lib.stride_tricks import as_strided
from pytensor.graph.basic import Apply
from pytensor.graph.op import Op

__all__ = [
    "Conv2d",
    "Conv2dGradInputs",
    "Conv2dGradWeights",
    "conv1d",
    "conv2d",
    "conv2d_grad_wrt_inputs",
    "conv2d_grad_wrt_weights",
    "conv2d_im2col",
    "conv2d_transpose",
    "im2col",
    "pool_2d",
    "pool_output_length",
]


# --------------------------------------------------------------------------- shapes
def _pair(value, name):
    if isinstance(value, (int, np.integer)):
        return (int(value), int(value))
    value = tuple(int(v) for v in value)
    if len(value) != 2:
        raise ValueError(f"{name} needs 2 values (rows, cols); got {value!r}.")
    return value


def _static(size):
    """A Python int if `size` is known at graph-build time, else None."""
    if size is None:
        return None
    if isinstance(size, (int, np.integer)):
        return int(size)
    try:
        return int(pt.get_underlying_scalar_constant_value(size))
    except Exception:
        return None


def _border_to_pad(border_mode, filter_size, dilation):
    """Theano's ``border_mode`` -> explicit zero padding ``(pad_rows, pad_cols)``."""
    kh, kw = filter_size
    dh, dw = dilation
    ext = ((kh - 1) * dh + 1, (kw - 1) * dw + 1)
    if border_mode == "valid":
        return (0, 0)
    if border_mode == "full":
        return (ext[0] - 1, ext[1] - 1)
    if border_mode in ("half", "same"):
        return (ext[0] // 2, ext[1] // 2)
    if isinstance(border_mode, (int, np.integer, tuple, list)):
        pad = _pair(border_mode, "border_mode")
        if min(pad) < 0:
            raise ValueError(f"border_mode padding must be >= 0; got {pad}.")
        return pad
    raise ValueError(
        f"border_mode must be 'valid', 'full', 'half'/'same', an int or a pair of "
        f"ints; got {border_mode!r}."
    )


def _conv_out(length, ext, stride, pad):
    if length is None:
        return None
    return (length + 2 * pad - ext) // stride + 1


def _filter_shape(filters, filter_shape):
    if filter_shape is not None:
        shape = tuple(filter_shape)
    else:
        shape = filters.type.shape
        if None in shape and isinstance(filters, pytensor.compile.SharedVariable):
            shape = filters.get_value(borrow=True).shape
    if len(shape) != 4 or shape[2] is None or shape[3] is None:
        raise ValueError(
            "conv2d needs the filter size at graph-build time; got filter shape "
            f"{shape}. Pass filter_shape=(out_channels, in_channels, rows, cols) or "
            "filters with a static shape."
        )
    return shape


# ----------------------------------------------------------------- NumPy kernels
# Two im2col layouts, chosen by patch length (channels * k_rows * k_cols), measured on
# the LeNet layers: short patches (first layer, 1 * 5 * 5) are fastest as one matrix
# product per image straight into (batch, out, rows, cols); long ones (20 * 5 * 5) as
# one large product over (batch * out_rows * out_cols, patch) rows.
_PER_IMAGE_MAX_PATCH = 128


def _patches(xp, kernel, stride, dilation, out_hw):
    """Strided view (batch, out_rows, out_cols, channels, k_rows, k_cols) of `xp`."""
    b, c = xp.shape[:2]
    sb, sc, sh, sw = xp.strides
    shape = (b, out_hw[0], out_hw[1], c, kernel[0], kernel[1])
    strides = (
        sb,
        sh * stride[0],
        sw * stride[1],
        sc,
        sh * dilation[0],
        sw * dilation[1],
    )
    return as_strided(xp, shape=shape, strides=strides, writeable=False)


def _pad_np(x, pad):
    if pad == (0, 0):
        return x
    return np.pad(x, ((0, 0), (0, 0), (pad[0], pad[0]), (pad[1], pad[1])))


def _cols_np(x, kernel, stride, pad, dilation):
    """im2col in NumPy: (batch * out_rows * out_cols, channels * k_rows * k_cols)."""
    xp = _pad_np(x, pad)
    ext = [(k - 1) * d + 1 for k, d in zip(kernel, dilation)]
    out_hw = [(n - e) // s + 1 for n, e, s in zip(xp.shape[2:], ext, stride)]
    view = _patches(xp, kernel, stride, dilation, out_hw)
    return view.reshape(-1, x.shape[1] * kernel[0] * kernel[1]), out_hw


def _per_image(w):
    """Use one small matrix product per image (fast when patches are short)."""
    return w.shape[1] * w.shape[2] * w.shape[3] < _PER_IMAGE_MAX_PATCH


def _cols_per_image_np(x, kernel, stride, pad, dilation):
    """im2col per image: (batch, channels * k_rows * k_cols, out_rows * out_cols)."""
    xp = _pad_np(x, pad)
    ext = [(k - 1) * d + 1 for k, d in zip(kernel, dilation)]
    oh, ow = [(n - e) // s + 1 for n, e, s in zip(xp.shape[2:], ext, stride)]
    b, c = xp.shape[:2]
    sb, sc, sh, sw = xp.strides
    view = as_strided(
        xp,
        shape=(b, c, kernel[0], kernel[1], oh, ow),
        strides=(
            sb,
            sc,
            sh * dilation[0],
            sw * dilation[1],
            sh * stride[0],
            sw * stride[1],
        ),
        writeable=False,
    )
    return view.reshape(b, c * kernel[0] * kernel[1], oh * ow), (oh, ow)


def _conv_forward_np(x, w, stride, pad, dilation, flip):
    if flip:
        w = w[:, :, ::-1, ::-1]
    o = w.shape[0]
    if _per_image(w):
        cols, (oh, ow) = _cols_per_image_np(x, w.shape[2:], stride, pad, dilation)
        out = np.matmul(np.ascontiguousarray(w.reshape(o, -1)), cols)  # (b, o, oh * ow)
        return out.reshape(x.shape[0], o, oh, ow)
    cols, (oh, ow) = _cols_np(x, w.shape[2:], stride, pad, dilation)
    out = cols @ w.reshape(o, -1).T  # (batch * oh * ow, out_channels)
    out = out.reshape(x.shape[0], oh, ow, o).transpose(0, 3, 1, 2)  # (b, o, oh, ow)
    return np.ascontiguousarray(out)


def _conv_grad_inputs_np(w, gout, in_hw, stride, pad, dilation, flip):
    if flip:
        w = w[:, :, ::-1, ::-1]
    o, c, kh, kw = w.shape
    b, _, oh, ow = gout.shape
    hp, wp = in_hw[0] + 2 * pad[0], in_hw[1] + 2 * pad[1]
    per_image = _per_image(w)
    if per_image:
        wt = np.ascontiguousarray(w.reshape(o, -1).T)  # (c * kh * kw, o)
        dcols = np.matmul(wt, gout.reshape(b, o, oh * ow))  # (b, c * kh * kw, oh * ow)
        dcols = dcols.reshape(b, c, kh, kw, oh, ow)
        dxp = np.zeros((b, c, hp, wp), dtype=dcols.dtype)  # (b, channels, rows, cols)
    else:
        g2 = gout.transpose(0, 2, 3, 1).reshape(-1, o)  # (b * oh * ow, o)
        dcols = (g2 @ w.reshape(o, -1)).reshape(b, oh, ow, c, kh, kw)
        dxp = np.zeros((b, hp, wp, c), dtype=dcols.dtype)  # (b, rows, cols, channels)
    for i in range(kh):
        r0 = i * dilation[0]
        rows = slice(r0, r0 + stride[0] * (oh - 1) + 1, stride[0])
        for j in range(kw):
            c0 = j * dilation[1]
            cols = slice(c0, c0 + stride[1] * (ow - 1) + 1, stride[1])
            if per_image:
                dxp[:, :, rows, cols] += dcols[:, :, i, j]
            else:
                dxp[:, rows, cols, :] += dcols[:, :, :, :, i, j]
    if per_image:
        return np.ascontiguousarray(
            dxp[:, :, pad[0] : pad[0] + in_hw[0], pad[1] : pad[1] + in_hw[1]]
        )
    dx = dxp[:, pad[0] : pad[0] + in_hw[0], pad[1] : pad[1] + in_hw[1], :]
    return np.ascontiguousarray(dx.transpose(0, 3, 1, 2))  # (b, c, rows, cols)


def _conv_grad_weights_np(x, gout, kernel, stride, pad, dilation, flip):
    o = gout.shape[1]
    cols, _ = _cols_np(x, kernel, stride, pad, dilation)
    g2 = gout.transpose(0, 2, 3, 1).reshape(-1, o)  # (b * oh * ow, o)
    dw = (cols.T @ g2).T.reshape(o, x.shape[1], kernel[0], kernel[1])
    if flip:
        dw = dw[:, :, ::-1, ::-1]
    return np.ascontiguousarray(dw)


# ---------------------------------------------------------------------- the Ops
class _ConvBase(Op):
    __props__ = ("subsample", "pad", "filter_dilation", "filter_flip")

    def __init__(
        self, subsample=(1, 1), pad=(0, 0), filter_dilation=(1, 1), filter_flip=True
    ):
        self.subsample = _pair(subsample, "subsample")
        self.pad = _pair(pad, "pad")
        self.filter_dilation = _pair(filter_dilation, "filter_dilation")
        self.filter_flip = bool(filter_flip)

    def _ext(self, kernel):
        return tuple(
            (k - 1) * d + 1 if k is not None else None
            for k, d in zip(kernel, self.filter_dilation)
        )

    def _out_hw(self, in_hw, kernel):
        ext = self._ext(kernel)
        return tuple(
            None if (n is None or e is None) else _conv_out(n, e, s, p)
            for n, e, s, p in zip(in_hw, ext, self.subsample, self.pad)
        )

    def _jax_conv(self):
        from jax import lax

        stride, dil, flip = self.subsample, self.filter_dilation, self.filter_flip
        padding = [(self.pad[0], self.pad[0]), (self.pad[1], self.pad[1])]

        def conv(x, w):
            if flip:
                w = w[:, :, ::-1, ::-1]
            return lax.conv_general_dilated(
                x,
                w,
                window_strides=stride,
                padding=padding,
                rhs_dilation=dil,
                dimension_numbers=("NCHW", "OIHW", "NCHW"),
            )

        return conv

    def L_op(self, inputs, outputs, output_grads):
        return self.pullback(inputs, outputs, output_grads)

    def _same(self, cls):
        return cls(self.subsample, self.pad, self.filter_dilation, self.filter_flip)


class Conv2d(_ConvBase):
    """Convolution: (batch, channels, rows, cols) x (out, channels, kr, kc)."""

    def make_node(self, x, w):
        x, w = pt.as_tensor_variable(x), pt.as_tensor_variable(w)
        if x.ndim != 4 or w.ndim != 4:
            raise TypeError(
                f"Conv2d takes two 4-d tensors; got {x.ndim}-d and {w.ndim}-d."
            )
        dtype = pytensor.scalar.upcast(x.dtype, w.dtype)
        out_hw = self._out_hw(x.type.shape[2:], w.type.shape[2:])
        out = pt.tensor(dtype=dtype, shape=(x.type.shape[0], w.type.shape[0]) + out_hw)
        return Apply(self, [x, w], [out])

    def perform(self, node, inputs, output_storage):
        x, w = inputs
        out = _conv_forward_np(
            x, w, self.subsample, self.pad, self.filter_dilation, self.filter_flip
        )
        output_storage[0][0] = out.astype(node.outputs[0].dtype, copy=False)

    def infer_shape(self, fgraph, node, shapes):
        xs, ws = shapes
        ext = [
            (ws[2] - 1) * self.filter_dilation[0] + 1,
            (ws[3] - 1) * self.filter_dilation[1] + 1,
        ]
        out = [
            (xs[2 + i] + 2 * self.pad[i] - ext[i]) // self.subsample[i] + 1
            for i in range(2)
        ]
        return [(xs[0], ws[0], *out)]

    def pullback(self, inputs, outputs, cotangents):
        x, w = inputs
        (g,) = cotangents
        gx = self._same(Conv2dGradInputs)(w, g, _spatial_shape(x))
        gw = self._same(Conv2dGradWeights)(x, g, _spatial_shape(w))
        return [gx.astype(x.dtype), gw.astype(w.dtype)]


class Conv2dGradInputs(_ConvBase):
    """`Conv2d`'s gradient w.r.t. its input: (filters, output_grad, (rows, cols))."""

    def make_node(self, w, g, in_hw):
        w, g = pt.as_tensor_variable(w), pt.as_tensor_variable(g)
        in_hw = pt.as_tensor_variable(in_hw).astype("int64")
        dtype = pytensor.scalar.upcast(w.dtype, g.dtype)
        static = tuple(_static(in_hw[i]) for i in range(2))
        out = pt.tensor(dtype=dtype, shape=(g.type.shape[0], w.type.shape[1]) + static)
        return Apply(self, [w, g, in_hw], [out])

    def perform(self, node, inputs, output_storage):
        w, g, in_hw = inputs
        out = _conv_grad_inputs_np(
            w,
            g,
            tuple(int(v) for v in in_hw),
            self.subsample,
            self.pad,
            self.filter_dilation,
            self.filter_flip,
        )
        output_storage[0][0] = out.astype(node.outputs[0].dtype, copy=False)

    def infer_shape(self, fgraph, node, shapes):
        w, g, in_hw = node.inputs
        return [(shapes[1][0], shapes[0][1], in_hw[0], in_hw[1])]

    def pullback(self, inputs, outputs, cotangents):
        w, g, in_hw = inputs
        (h,) = cotangents
        gw = self._same(Conv2dGradWeights)(h, g, _spatial_shape(w))
        gg = self._same(Conv2d)(h, w)
        return [
            gw.astype(w.dtype),
            gg.astype(g.dtype),
            pytensor.gradient.disconnected_type(),
        ]

    def connection_pattern(self, node):
        return [[True], [True], [False]]


class Conv2dGradWeights(_ConvBase):
    """`Conv2d`'s gradient w.r.t. its filters: (input, output_grad, (kr, kc))."""

    def make_node(self, x, g, k_hw):
        x, g = pt.as_tensor_variable(x), pt.as_tensor_variable(g)
        k_hw = pt.as_tensor_variable(k_hw).astype("int64")
        dtype = pytensor.scalar.upcast(x.dtype, g.dtype)
        static = tuple(_static(k_hw[i]) for i in range(2))
        out = pt.tensor(dtype=dtype, shape=(g.type.shape[1], x.type.shape[1]) + static)
        return Apply(self, [x, g, k_hw], [out])

    def perform(self, node, inputs, output_storage):
        x, g, k_hw = inputs
        out = _conv_grad_weights_np(
            x,
            g,
            tuple(int(v) for v in k_hw),
            self.subsample,
            self.pad,
            self.filter_dilation,
            self.filter_flip,
        )
        output_storage[0][0] = out.astype(node.outputs[0].dtype, copy=False)

    def infer_shape(self, fgraph, node, shapes):
        x, g, k_hw = node.inputs
        return [(shapes[1][1], shapes[0][1], k_hw[0], k_hw[1])]

    def pullback(self, inputs, outputs, cotangents):
        x, g, k_hw = inputs
        (h,) = cotangents
        gx = self._same(Conv2dGradInputs)(h, g, _spatial_shape(x))
        gg = self._same(Conv2d)(x, h)
        return [
            gx.astype(x.dtype),
            gg.astype(g.dtype),
            pytensor.gradient.disconnected_type(),
        ]

    def connection_pattern(self, node):
        return [[True], [True], [False]]


def _spatial_shape(var):
    """(rows, cols) of a 4-d tensor: a constant when static, else symbolic."""
    static = var.type.shape[2:]
    if all(s is not None for s in static):
        return pt.as_tensor_variable(np.array(static, dtype="int64"))
    return var.shape[2:]


_JAX_REGISTERED = []


def _register_jax():
    if _JAX_REGISTERED:
        return
    try:
        from pytensor.link.jax.dispatch import jax_funcify
    except ImportError:  # pragma: no cover - jax missing
        return
    _JAX_REGISTERED.append(True)

    def _const_hw(node, index, what):
        sizes = tuple(_static(node.inputs[index][i]) for i in range(2))
        if None in sizes:
            raise NotImplementedError(
                f"The JAX backend needs the {what} of a convolution gradient at graph-"
                "build time; give the InputLayer / variables static spatial shapes."
            )
        return sizes

    @jax_funcify.register(Conv2d)
    def _jax_conv2d(op, node=None, **kwargs):
        conv, dtype = op._jax_conv(), node.outputs[0].dtype

        def conv_typed(x, w):
            return conv(x.astype(dtype), w.astype(dtype))

        return conv_typed

    @jax_funcify.register(Conv2dGradInputs)
    def _jax_conv2d_grad_inputs(op, node=None, **kwargs):
        import jax
        import jax.numpy as jnp

        conv, dtype = op._jax_conv(), node.outputs[0].dtype
        in_hw = _const_hw(node, 2, "input size")

        def grad_inputs(w, g, _in_hw):
            x0 = jnp.zeros((g.shape[0], w.shape[1]) + in_hw, dtype=g.dtype)
            return jax.vjp(lambda x: conv(x, w.astype(g.dtype)), x0)[1](g)[0].astype(dtype)

        return grad_inputs

    @jax_funcify.register(Conv2dGradWeights)
    def _jax_conv2d_grad_weights(op, node=None, **kwargs):
        import jax
        import jax.numpy as jnp

        conv, dtype = op._jax_conv(), node.outputs[0].dtype
        k_hw = _const_hw(node, 2, "filter size")

        def grad_weights(x, g, _k_hw):
            w0 = jnp.zeros((g.shape[1], x.shape[1]) + k_hw, dtype=g.dtype)
            return jax.vjp(lambda w: conv(x.astype(g.dtype), w), w0)[1](g)[0].astype(dtype)

        return grad_weights




# ------------------------------------------------------------ public functions
def conv2d(
    input,
    filters,
    input_shape=None,
    filter_shape=None,
    border_mode="valid",
    subsample=(1, 1),
    filter_flip=True,
    filter_dilation=(1, 1),
):
    """2-D convolution of images with a bank of filters (Theano's ``conv2d``).

    Parameters
    ----------
    input : (batch, channels, rows, cols) tensor
    filters : (out_channels, channels, filter_rows, filter_cols) tensor
    input_shape : tuple or None
        Unused except as a hint, kept for Theano's signature.
    filter_shape : 4-tuple of int or None
        Needed when `filters` has no static shape.
    border_mode : {'valid', 'full', 'half', 'same'}, int or (int, int)
        ``'valid'`` only where the filter fits, ``'full'`` wherever it overlaps,
        ``'half'`` (= ``'same'``) pads ``filter_size // 2``, ints pad explicitly.
    subsample : int or (int, int)
        Stride.
    filter_flip : bool
        True (Theano's default) flips the filters: a true convolution. False
        computes a cross-correlation, as most other frameworks do.
    filter_dilation : int or (int, int)
        Spacing between filter taps (atrous convolution).

    Returns
    -------
    (batch, out_channels, out_rows, out_cols) tensor
        ``out_rows = (rows + 2 * pad - dilated_filter_rows) // stride + 1``.
    """
    input, filters = pt.as_tensor_variable(input), pt.as_tensor_variable(filters)
    fshape = _filter_shape(filters, filter_shape)
    dilation = _pair(filter_dilation, "filter_dilation")
    pad = _border_to_pad(border_mode, fshape[2:], dilation)
    if filters.type.shape != tuple(fshape):
        filters = pt.specify_shape(filters, tuple(fshape))
    op = Conv2d(_pair(subsample, "subsample"), pad, dilation, filter_flip)
    return op(input, filters)


def conv1d(
    input,
    filters,
    input_shape=None,
    filter_shape=None,
    border_mode="valid",
    subsample=1,
    filter_flip=True,
    filter_dilation=1,
):
    """1-D convolution: (batch, channels, time) -> (batch, out_channels, time').

    Parameters
    ----------
    input : (batch, channels, time) tensor
    filters : (out_channels, channels, filter_length) tensor
    border_mode, subsample, filter_flip, filter_dilation
        As in `conv2d`, one value each for the time axis.

    Returns
    -------
    (batch, out_channels, out_time) tensor
    """
    input, filters = pt.as_tensor_variable(input), pt.as_tensor_variable(filters)
    if filter_shape is None:
        filter_shape = filters.type.shape
    fshape = (filter_shape[0], filter_shape[1], 1, filter_shape[2])
    if isinstance(border_mode, (tuple, list)):
        border_mode = border_mode[0]
    if isinstance(border_mode, (int, np.integer)):
        border_mode = (0, int(border_mode))
    first = lambda v: v[0] if isinstance(v, (tuple, list)) else v  # noqa: E731
    out = conv2d(
        input.dimshuffle(0, 1, "x", 2),
        filters.dimshuffle(0, 1, "x", 2),
        filter_shape=fshape,
        border_mode=border_mode,
        subsample=(1, first(subsample)),
        filter_flip=filter_flip,
        filter_dilation=(1, first(filter_dilation)),
    )
    return out[:, :, 0, :]  # (batch, out_channels, out_time)


def conv2d_grad_wrt_inputs(
    output_grad,
    filters,
    input_shape,
    filter_shape=None,
    border_mode="valid",
    subsample=(1, 1),
    filter_flip=True,
    filter_dilation=(1, 1),
):
    """Gradient of `conv2d` with respect to its input (Theano's function of that name).

    Parameters
    ----------
    output_grad : (batch, out_channels, out_rows, out_cols) tensor
    filters : (out_channels, channels, filter_rows, filter_cols) tensor
    input_shape : tuple
        Shape of the convolution's input; only the last two entries (rows, cols)
        are used.  They remove the ambiguity a stride leaves.
    border_mode, subsample, filter_flip, filter_dilation
        Those of the forward `conv2d`.

    Returns
    -------
    (batch, channels, rows, cols) tensor
    """
    output_grad = pt.as_tensor_variable(output_grad)
    filters = pt.as_tensor_variable(filters)
    fshape = _filter_shape(filters, filter_shape)
    if filters.type.shape != tuple(fshape):
        filters = pt.specify_shape(filters, tuple(fshape))
    dilation = _pair(filter_dilation, "filter_dilation")
    pad = _border_to_pad(border_mode, fshape[2:], dilation)
    in_hw = tuple(input_shape)[-2:]
    if all(_static(s) is not None for s in in_hw):
        in_hw = np.array([_static(s) for s in in_hw], dtype="int64")
    else:
        in_hw = pt.stack([pt.as_tensor_variable(s) for s in in_hw])
    op = Conv2dGradInputs(_pair(subsample, "subsample"), pad, dilation, filter_flip)
    return op(filters, output_grad, in_hw)


def conv2d_grad_wrt_weights(
    input,
    output_grad,
    filter_shape,
    border_mode="valid",
    subsample=(1, 1),
    filter_flip=True,
    filter_dilation=(1, 1),
):
    """Gradient of `conv2d` with respect to its filters.

    Parameters
    ----------
    input : (batch, channels, rows, cols) tensor
    output_grad : (batch, out_channels, out_rows, out_cols) tensor
    filter_shape : tuple of int
        Filter shape; the last two entries (filter_rows, filter_cols) are used.

    Returns
    -------
    (out_channels, channels, filter_rows, filter_cols) tensor
    """
    k_hw = tuple(int(s) for s in tuple(filter_shape)[-2:])
    dilation = _pair(filter_dilation, "filter_dilation")
    pad = _border_to_pad(border_mode, k_hw, dilation)
    op = Conv2dGradWeights(_pair(subsample, "subsample"), pad, dilation, filter_flip)
    return op(input, output_grad, np.array(k_hw, dtype="int64"))


def conv2d_transpose(
    input,
    filters,
    output_shape,
    filter_shape=None,
    border_mode="valid",
    input_dilation=(1, 1),
    filter_flip=True,
    filter_dilation=(1, 1),
):
    """Transposed convolution ("deconvolution"), Theano's ``conv2d_transpose``.

    It is the gradient of ``conv2d(x, filters, border_mode, subsample=input_dilation)``
    with respect to ``x``, applied to `input`: it maps the convolution's output
    shape back to its input shape.

    Parameters
    ----------
    input : (batch, out_channels, rows, cols) tensor
    filters : (out_channels, channels, filter_rows, filter_cols) tensor
        Filters of the forward convolution being transposed.
    output_shape : tuple
        Shape of the result; its last two entries (rows, cols) are used.
    input_dilation : int or (int, int)
        The forward convolution's stride (spreads the input out).

    Returns
    -------
    (batch, channels, out_rows, out_cols) tensor
    """
    return conv2d_grad_wrt_inputs(
        input,
        filters,
        output_shape,
        filter_shape,
        border_mode,
        input_dilation,
        filter_flip,
        filter_dilation,
    )


def im2col(images, filter_size, stride=(1, 1), pad=(0, 0), filter_dilation=(1, 1)):
    """Unfold image patches into rows, so convolution becomes one matrix product.

    Pure graph code (slices, stack, reshape), differentiable by PyTensor and
    portable to JAX when the image size is static.

    Parameters
    ----------
    images : (batch, channels, rows, cols) tensor
    filter_size : (int, int)
    stride, pad, filter_dilation : int or (int, int)

    Returns
    -------
    (batch * out_rows * out_cols, channels * filter_rows * filter_cols) tensor
        Column order is (channel, filter_row, filter_col), matching
        ``filters.reshape((out_channels, -1))``.
    """
    images = pt.as_tensor_variable(images)
    kh, kw = _pair(filter_size, "filter_size")
    sh, sw = _pair(stride, "stride")
    ph, pw = _pair(pad, "pad")
    dh, dw = _pair(filter_dilation, "filter_dilation")
    if ph or pw:
        images = _zero_pad(images, ph, pw)
    rows, cols = (_static(images.type.shape[i]) for i in (2, 3))
    rows = images.shape[2] if rows is None else rows
    cols = images.shape[3] if cols is None else cols
    oh = (rows - (kh - 1) * dh - 1) // sh + 1
    ow = (cols - (kw - 1) * dw - 1) // sw + 1
    taps = [
        images[
            :,
            :,
            i * dh : i * dh + sh * (oh - 1) + 1 : sh,
            j * dw : j * dw + sw * (ow - 1) + 1 : sw,
        ]
        for i in range(kh)
        for j in range(kw)
    ]
    patches = pt.stack(taps, axis=2)  # (batch, channels, kh * kw, oh, ow)
    patches = patches.dimshuffle(0, 3, 4, 1, 2)  # (batch, oh, ow, channels, kh * kw)
    channels = _static(images.type.shape[1])
    channels = images.shape[1] if channels is None else channels
    return patches.reshape((-1, channels * kh * kw))  # (batch * oh * ow, c * kh * kw)


def conv2d_im2col(
    input,
    filters,
    filter_shape=None,
    border_mode="valid",
    subsample=(1, 1),
    filter_flip=True,
    filter_dilation=(1, 1),
):
    """`conv2d` written as `im2col` + one ``pt.dot``: the teaching version.

    Same arguments and result as `conv2d`, built only from PyTensor graph ops, so
    its gradient comes from PyTensor's autodiff.  Slower than `conv2d`.
    """
    input, filters = pt.as_tensor_variable(input), pt.as_tensor_variable(filters)
    fshape = _filter_shape(filters, filter_shape)
    dilation = _pair(filter_dilation, "filter_dilation")
    pad = _border_to_pad(border_mode, fshape[2:], dilation)
    if filter_flip:
        filters = filters[:, :, ::-1, ::-1]
    cols = im2col(input, fshape[2:], subsample, pad, dilation)
    out = pt.dot(cols, filters.reshape((fshape[0], -1)).T)  # (b * oh * ow, out)
    rows, ncols = (_static(input.type.shape[i]) for i in (2, 3))
    rows = input.shape[2] if rows is None else rows
    ncols = input.shape[3] if ncols is None else ncols
    ext = [(k - 1) * d + 1 for k, d in zip(fshape[2:], dilation)]
    stride = _pair(subsample, "subsample")
    oh = (rows + 2 * pad[0] - ext[0]) // stride[0] + 1
    ow = (ncols + 2 * pad[1] - ext[1]) // stride[1] + 1
    out = out.reshape((-1, oh, ow, fshape[0]))  # (batch, oh, ow, out)
    return out.dimshuffle(0, 3, 1, 2)  # (batch, out, oh, ow)


# ----------------------------------------------------------------------- pooling
def pool_output_length(input_length, pool_size, stride, pad, ignore_border):
    """Length of a pooled axis, with Theano's rules.

    Parameters
    ----------
    input_length : int or None
    pool_size, stride, pad : int
    ignore_border : bool
        True drops a partial window at the end; False keeps it (then `pad` must be 0).

    Returns
    -------
    int or None
        None when `input_length` is None.
    """
    if input_length is None or pool_size is None:
        return None
    if ignore_border:
        length = input_length + 2 * pad - pool_size + 1
        return (length + stride - 1) // stride
    if pad != 0:
        raise ValueError("Padding needs ignore_border=True (as in Theano).")
    if stride >= pool_size:
        return (input_length + stride - 1) // stride
    return max(0, (input_length - pool_size + stride - 1) // stride) + 1


def _zero_pad(x, ph, pw, value=0.0):
    b, c, h, w = (_static(x.type.shape[i]) for i in range(4))
    shape = [x.shape[i] if s is None else s for i, s in enumerate((b, c, h, w))]
    shape[2] = shape[2] + 2 * ph if h is None else h + 2 * ph
    shape[3] = shape[3] + 2 * pw if w is None else w + 2 * pw
    canvas = pt.full(shape, np.asarray(value, dtype=x.dtype), dtype=x.dtype)
    return pt.set_subtensor(
        canvas[:, :, ph : ph + (shape[2] - 2 * ph), pw : pw + (shape[3] - 2 * pw)], x
    )


def _pad_end(x, extra_h, extra_w, value):
    if not extra_h and not extra_w:
        return x
    b, c, h, w = (_static(x.type.shape[i]) for i in range(4))
    shape = [x.shape[i] if s is None else s for i, s in enumerate((b, c))]
    shape += [h + extra_h, w + extra_w]
    canvas = pt.full(shape, np.asarray(value, dtype=x.dtype), dtype=x.dtype)
    return pt.set_subtensor(canvas[:, :, :h, :w], x)


def _window_reduce(x, ws, stride, out_hw, reduce):
    """Reduce every (ws) window of `x` at the given stride; windows lie inside `x`."""
    h, w = (_static(x.type.shape[i]) for i in (2, 3))
    (kh, kw), (sh, sw), (oh, ow) = ws, stride, out_hw
    if (kh, kw) == (sh, sw):
        x = x[:, :, : oh * kh, : ow * kw] if (oh * kh, ow * kw) != (h, w) else x
        c = _static(x.type.shape[1])
        c = x.shape[1] if c is None else c
        blocks = x.reshape((-1, c, oh, kh, ow, kw))  # (batch, c, oh, kh, ow, kw)
        return reduce(blocks, axis=(3, 5))
    taps = [
        x[:, :, i : i + sh * (oh - 1) + 1 : sh, j : j + sw * (ow - 1) + 1 : sw]
        for i in range(kh)
        for j in range(kw)
    ]
    return reduce(pt.stack(taps, axis=0), axis=0)  # (batch, c, oh, ow)


def pool_2d(input, ws, ignore_border=True, stride=None, pad=(0, 0), mode="max"):
    """Downsample the last two axes by a window reduction (Theano's ``pool_2d``).

    Parameters
    ----------
    input : (..., rows, cols) tensor, at least 2-d
        The image size (last two axes) must be known at graph-build time.
    ws : (int, int)
        Window size (Theano's old name was ``ds``).
    ignore_border : bool
        True (default here, and in Theano since 0.9) drops partial windows.
    stride : (int, int) or None
        None means `ws` (non-overlapping windows).
    pad : (int, int)
        Zero padding on each side; needs ``ignore_border=True``.
    mode : {'max', 'sum', 'average_inc_pad', 'average_exc_pad'}
        ``average_inc_pad`` counts padded cells in the mean, ``average_exc_pad``
        does not (Theano's ``'average'`` was ``average_inc_pad``).

    Returns
    -------
    (..., out_rows, out_cols) tensor
        Sizes from `pool_output_length`.

    Notes
    -----
    As in Theano's CPU ``Pool`` op, padded cells hold zeros, also for ``'max'``.
    (cuDNN ignores them; the two agree after a ReLU.)  Partial windows kept by
    ``ignore_border=False`` reduce over the cells that exist.
    """
    input = pt.as_tensor_variable(input)
    ws = _pair(ws, "ws")
    stride = ws if stride is None else _pair(stride, "stride")
    pad = _pair(pad, "pad")
    if mode == "average":
        mode = "average_inc_pad"
    if mode not in ("max", "sum", "average_inc_pad", "average_exc_pad"):
        raise ValueError(
            "mode must be 'max', 'sum', 'average_inc_pad' or 'average_exc_pad'; "
            f"got {mode!r}."
        )
    if input.ndim < 2:
        raise ValueError(f"pool_2d needs at least 2 axes; got a {input.ndim}-d tensor.")
    if pad != (0, 0) and not ignore_border:
        raise NotImplementedError("Padding needs ignore_border=True (as in Theano).")
    if pad[0] >= ws[0] or pad[1] >= ws[1]:
        raise ValueError(f"Padding {pad} must be smaller than the window {ws}.")
    lead = input.ndim - 2
    x = input
    if lead != 2:
        x = input.reshape((-1, 1, input.shape[-2], input.shape[-1]), ndim=4)
        x = pt.specify_shape(x, (None, 1) + input.type.shape[-2:])
    h, w = (_static(x.type.shape[i]) for i in (2, 3))
    if h is None or w is None:
        raise ValueError(
            f"pool_2d needs the image size at graph-build time; got shape "
            f"{input.type.shape}. Give the input a static shape (e.g. an InputLayer "
            "with concrete rows and cols)."
        )
    oh = pool_output_length(h, ws[0], stride[0], pad[0], ignore_border)
    ow = pool_output_length(w, ws[1], stride[1], pad[1], ignore_border)
    need_h = (oh - 1) * stride[0] + ws[0]
    need_w = (ow - 1) * stride[1] + ws[1]
    if pad != (0, 0):
        x = _zero_pad(x, *pad)
    hp, wp = h + 2 * pad[0], w + 2 * pad[1]
    fill = -np.inf if mode == "max" else 0.0
    x = _pad_end(x, max(0, need_h - hp), max(0, need_w - wp), fill)
    if mode == "max":
        out = _window_reduce(x, ws, stride, (oh, ow), pt.max)
    else:
        out = _window_reduce(x, ws, stride, (oh, ow), pt.sum)
        if mode != "sum":
            counts = _window_counts(
                (h, w), ws, stride, pad, (oh, ow), include_pad=mode == "average_inc_pad"
            )
            out = out / counts.astype(out.dtype)
    if lead != 2:
        out = out.reshape(tuple(input.shape[:-2]) + (oh, ow), ndim=input.ndim)
    return out


def _window_counts(in_hw, ws, stride, pad, out_hw, include_pad):
    """How many cells each window averages over (a NumPy constant)."""
    h, w = in_hw
    hp, wp = h + 2 * pad[0], w + 2 * pad[1]
    mask = np.zeros((hp, wp))
    if include_pad:
        mask[:] = 1.0
    else:
        mask[pad[0] : pad[0] + h, pad[1] : pad[1] + w] = 1.0
    counts = np.zeros(out_hw)
    for r in range(out_hw[0]):
        for c in range(out_hw[1]):
            r0, c0 = r * stride[0], c * stride[1]
            counts[r, c] = mask[r0 : r0 + ws[0], c0 : c0 + ws[1]].sum()
    return pt.as_tensor_variable(np.maximum(counts, 1.0))
