"""Tests of helpers.lasagne.layers.transformer: the affine spatial transformer."""

import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest

from helpers.lasagne.layers import DenseLayer, InputLayer, TransformerLayer, get_output
from tests.reference import affine_transform_bilinear

floatX = pytensor.config.floatX
IDENTITY = np.array([1, 0, 0, 0, 1, 0], dtype=floatX)


def _network(shape, downsample_factor=1, border_mode="nearest"):
    """Images -> a localization net that starts at the identity -> transformer."""
    l_in = InputLayer(shape)
    l_loc = DenseLayer(
        l_in,
        6,
        W=np.zeros((int(np.prod(shape[1:])), 6), dtype=floatX),
        b=IDENTITY,
        nonlinearity=None,
    )
    return l_in, TransformerLayer(l_in, l_loc, downsample_factor, border_mode)


class TestTransformerLayer:
    def test_identity_returns_the_input(self, backend, rng):
        l_in, l_trans = _network((None, 2, 6, 7))
        x = rng.normal(size=(3, 2, 6, 7)).astype(floatX)
        out = pytensor.function([l_in.input_var], get_output(l_trans))(x)
        np.testing.assert_allclose(out, x, atol=1e-6)

    def test_downsampled_identity_samples_the_grid(self, backend, rng):
        l_in, l_trans = _network((None, 1, 9, 12), downsample_factor=(3, 4))
        assert l_trans.output_shape == (None, 1, 3, 3)
        x = rng.normal(size=(2, 1, 9, 12)).astype(floatX)
        out = pytensor.function([l_in.input_var], get_output(l_trans))(x)
        theta = np.tile(IDENTITY, (2, 1))
        np.testing.assert_allclose(
            out, affine_transform_bilinear(x, theta, (3, 3)), atol=1e-6
        )

    def test_random_theta_matches_pixel_loop(self, backend, rng):
        shape = (None, 2, 5, 6)
        layer = TransformerLayer(shape, (None, 6))
        x = rng.normal(size=(3, 2, 5, 6)).astype(floatX)
        theta = (IDENTITY + rng.normal(scale=0.4, size=(3, 6))).astype(floatX)
        X, Theta = pt.tensor4("X"), pt.matrix("theta")
        out = pytensor.function([X, Theta], layer.get_output_for([X, Theta]))(x, theta)
        np.testing.assert_allclose(
            out, affine_transform_bilinear(x, theta, (5, 6)), atol=1e-5
        )

    def test_shift_by_one_pixel_moves_the_interior(self, rng):
        layer = TransformerLayer((None, 1, 5, 9), (None, 6))
        x = rng.normal(size=(1, 1, 5, 9))
        step = 2.0 / (9 - 1)  # one pixel in normalized coordinates
        theta = np.array([[1, 0, step, 0, 1, 0]])
        out = layer.get_output_for([pt.as_tensor(x), pt.as_tensor(theta)]).eval()
        np.testing.assert_allclose(out[..., :-1], x[..., 1:], atol=1e-10)
        np.testing.assert_allclose(out[..., -1], x[..., -1], atol=1e-10)  # nearest edge

    def test_gradient_matches_numeric(self, rng):
        layer = TransformerLayer((None, 2, 4, 5), (None, 6))
        x = rng.normal(size=(2, 2, 4, 5))
        # every sample lies >= 0.003 pixel from a pixel centre, where bilinear
        # interpolation has kinks that break finite differences
        theta = np.array(
            [
                [0.83, 0.07, 0.031, -0.09, 0.77, 0.047],
                [0.71, -0.05, 0.013, 0.06, 0.93, -0.021],
            ]
        )
        pytensor.gradient.verify_grad(
            lambda v, t: layer.get_output_for([v, t]), [x, theta], rng=rng
        )

    def test_border_modes(self, rng):
        x = rng.normal(size=(1, 1, 4, 4))
        theta = np.array([[2.0, 0, 0, 0, 2.0, 0]])  # zoom out: samples fall outside
        outs = {
            mode: TransformerLayer((None, 1, 4, 4), (None, 6), border_mode=mode)
            .get_output_for([pt.as_tensor(x), pt.as_tensor(theta)])
            .eval()
            for mode in ("nearest", "mirror", "wrap")
        }
        np.testing.assert_allclose(outs["nearest"][0, 0, 0, 0], x[0, 0, 0, 0])
        assert not np.allclose(outs["nearest"], outs["wrap"])
        assert not np.allclose(outs["nearest"], outs["mirror"])

    def test_shape_errors_explain(self):
        with pytest.raises(ValueError, match=r"\(batch, 6\)"):
            TransformerLayer((None, 1, 4, 4), (None, 5))
        with pytest.raises(ValueError, match="4-dimensional"):
            TransformerLayer((None, 4, 4), (None, 6))
        with pytest.raises(ValueError, match="image size"):
            TransformerLayer((None, 1, None, 4), (None, 6))
        with pytest.raises(ValueError, match="border_mode"):
            TransformerLayer((None, 1, 4, 4), (None, 6), border_mode="zeros")
