"""The spatial transformer (Jaderberg et al., 2015): a differentiable image warp.

Lasagne keeps `TransformerLayer` in ``lasagne.layers.special``; it lives in its own
module here because the bilinear sampler is an idea of its own, with its own
tests (identity warp, shifts, gradients), and a learner looks it up by name.

`TransformerLayer` warps each image by the 2x3 affine matrix a localization
network predicts, sampling the input bilinearly on the transformed grid.
"""

import numpy as np
import pytensor.tensor as pt

from ..utils import as_tuple
from .base import MergeLayer

__all__ = ["TransformerLayer"]


class TransformerLayer(MergeLayer):
    """Spatial transformer: (batch, channels, rows, cols) -> (batch, channels, r', c').

    ``r' = int(rows // d0)``, ``c' = int(cols // d1)`` for `downsample_factor` (d0, d1).

    Output pixel ``(x_t, y_t)`` in normalized coordinates ([-1, 1] from first to
    last pixel) reads the input at ``(x_s, y_s) = theta @ (x_t, y_t, 1)`` by
    bilinear interpolation.

    Parameters
    ----------
    incoming : Layer or tuple
        The images, (batch, channels, rows, cols); rows and cols must be known.
    localization_network : Layer or tuple
        Gives theta, (batch, 6), read row-wise as ``[[a, b, tx], [c, d, ty]]``.
        The identity is ``[1, 0, 0, 0, 1, 0]``.
    downsample_factor : float or (float, float)
        Output size is ``int(rows // d0), int(cols // d1)`` (default 1).
    border_mode : {'nearest', 'mirror', 'wrap'}
        How points outside the image are read: the nearest edge pixel (default,
        as in Lasagne), a reflection, or wrapped around.
    **kwargs
        ``name`` and other `Layer` arguments.

    Notes
    -----
    Unlike Lasagne, the sampling grid is a constant built with NumPy, and the
    image size must be known when the layer is built; both keep every shape
    static, so the layer runs on the JAX backend.
    """

    def __init__(
        self,
        incoming,
        localization_network,
        downsample_factor=1,
        border_mode="nearest",
        **kwargs,
    ):
        super().__init__([incoming, localization_network], **kwargs)
        self.downsample_factor = as_tuple(downsample_factor, 2)
        if border_mode not in ("nearest", "mirror", "wrap"):
            raise ValueError(
                "border_mode must be 'nearest', 'mirror' or 'wrap'; got "
                f"{border_mode!r}."
            )
        self.border_mode = border_mode
        input_shp, loc_shp = self.input_shapes
        if len(loc_shp) != 2 or loc_shp[-1] != 6:
            raise ValueError(
                "The localization network must have output shape (batch, 6); got "
                f"{loc_shp}."
            )
        if len(input_shp) != 4:
            raise ValueError(
                "The input network must have a 4-dimensional output shape (batch, "
                f"channels, rows, cols); got {input_shp}."
            )
        if input_shp[2] is None or input_shp[3] is None:
            raise ValueError(
                f"TransformerLayer needs the image size; got input shape {input_shp}. "
                "Give the InputLayer concrete rows and cols."
            )

    def get_output_shape_for(self, input_shapes):
        shape = input_shapes[0]
        return tuple(shape[:2]) + tuple(
            None if s is None else int(s // f)
            for s, f in zip(shape[2:], self.downsample_factor)
        )

    def get_output_for(self, inputs, **kwargs):
        input, theta = inputs
        input = pt.specify_shape(input, self.input_shapes[0])
        out_rows, out_cols = self.output_shape[2:]
        return _transform_affine(theta, input, (out_rows, out_cols), self.border_mode)


def _meshgrid(out_rows, out_cols, dtype):
    """(3, out_rows * out_cols) array of (x_t, y_t, 1), x along columns."""
    x_t, y_t = np.meshgrid(
        np.linspace(-1.0, 1.0, out_cols), np.linspace(-1.0, 1.0, out_rows)
    )
    grid = np.stack([x_t.ravel(), y_t.ravel(), np.ones(x_t.size)])
    return grid.astype(dtype)


def _transform_affine(theta, input, out_size, border_mode):
    _, channels, rows, cols = input.type.shape
    dtype = input.dtype
    theta = theta.reshape((-1, 2, 3)).astype(dtype)  # (batch, 2, 3)
    grid = pt.as_tensor_variable(_meshgrid(*out_size, dtype))
    t_g = pt.dot(theta, grid)  # (batch, 2, out_rows * out_cols)
    x_s, y_s = t_g[:, 0], t_g[:, 1]  # (batch, out_rows * out_cols)
    image = input.dimshuffle(0, 2, 3, 1)  # (batch, rows, cols, channels)
    sampled = _interpolate(image, x_s, y_s, (rows, cols), border_mode)
    sampled = sampled.reshape(
        (-1, out_size[0], out_size[1], channels)
    )  # (b, r', c', ch)
    return sampled.dimshuffle(0, 3, 1, 2)  # (batch, channels, out_rows, out_cols)


def _interpolate(image, x, y, size, border_mode):
    """Bilinear samples of `image` (batch, rows, cols, ch) at (x, y) in [-1, 1]."""
    rows, cols = size
    channels = image.type.shape[3] or image.shape[3]
    dtype = image.dtype
    x = (x + 1) / 2 * (cols - 1)
    y = (y + 1) / 2 * (rows - 1)
    x0_f, y0_f = pt.floor(x), pt.floor(y)
    x1_f, y1_f = x0_f + 1, y0_f + 1
    if border_mode == "nearest":
        x0, x1 = pt.clip(x0_f, 0, cols - 1), pt.clip(x1_f, 0, cols - 1)
        y0, y1 = pt.clip(y0_f, 0, rows - 1), pt.clip(y1_f, 0, rows - 1)
    elif border_mode == "mirror":
        w, h = 2 * (cols - 1), 2 * (rows - 1)
        x0, x1 = (pt.minimum(v % w, -v % w) for v in (x0_f, x1_f))
        y0, y1 = (pt.minimum(v % h, -v % h) for v in (y0_f, y1_f))
    else:
        x0, x1 = x0_f % cols, x1_f % cols
        y0, y1 = y0_f % rows, y1_f % rows
    x0, x1, y0, y1 = (pt.cast(v, "int64") for v in (x0, x1, y0, y1))
    num_batch = image.shape[0]
    base = (pt.arange(np.int64(0), num_batch) * (rows * cols))[:, None]  # (batch, 1)
    flat = image.reshape((-1, channels))  # (batch * rows * cols, channels)
    corners = [(y0, x0), (y1, x0), (y0, x1), (y1, x1)]
    pixels = [flat[(base + yy * cols + xx).flatten()] for yy, xx in corners]
    weights = [
        (x1_f - x) * (y1_f - y),
        (x1_f - x) * (y - y0_f),
        (x - x0_f) * (y1_f - y),
        (x - x0_f) * (y - y0_f),
    ]
    out = sum(w.flatten()[:, None].astype(dtype) * p for w, p in zip(weights, pixels))
    return out  # (batch * out_rows * out_cols, channels)
