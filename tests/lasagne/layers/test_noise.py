"""DropoutLayer and GaussianNoiseLayer: rates, rescaling, shared axes, determinism."""

import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest

from helpers.lasagne import layers as L
from helpers.lasagne.random import get_rng, set_rng


def compiled(layer, **kwargs):
    return pytensor.function(
        [layer.input_layer.input_var], L.get_output(layer, **kwargs)
    )


class TestDropoutLayer:
    def test_drops_about_p_and_rescales_survivors(self, backend):
        layer = L.DropoutLayer(L.InputLayer((200, 100)), p=0.3)
        out = compiled(layer)(np.ones((200, 100)))
        kept = out != 0
        assert abs(kept.mean() - 0.7) < 0.01
        np.testing.assert_allclose(out[kept], 1 / 0.7)

    def test_masks_change_between_calls(self, backend):
        f = compiled(L.DropoutLayer(L.InputLayer((10, 10))))
        X = np.ones((10, 10))
        assert not np.array_equal(f(X), f(X))

    def test_deterministic_is_the_identity(self, rng):
        layer = L.dropout(L.InputLayer((None, 5)), p=0.5)
        x = layer.input_layer.input_var
        assert L.get_output(layer, deterministic=True) is x

    def test_p_zero_is_the_identity(self):
        layer = L.DropoutLayer(L.InputLayer((None, 5)), p=0.0)
        assert L.get_output(layer) is layer.input_layer.input_var

    def test_without_rescale_values_are_kept(self):
        out = compiled(L.DropoutLayer(L.InputLayer((50, 40)), p=0.5, rescale=False))(
            np.full((50, 40), 3.0)
        )
        assert set(np.unique(out)) <= {0.0, 3.0}

    def test_shared_axes_drop_whole_feature_maps(self, backend):
        layer = L.DropoutLayer(
            L.InputLayer((None, 30, 4, 4)), p=0.5, shared_axes=(2, 3)
        )
        out = compiled(layer)(np.ones((8, 30, 4, 4)))
        per_map = out.reshape(8, 30, 16)
        assert np.all(per_map.min(axis=2) == per_map.max(axis=2))
        assert 0 < (per_map[..., 0] == 0).mean() < 1

    def test_spatial_dropout_shares_over_spatial_axes(self):
        layer = L.spatial_dropout(L.InputLayer((None, 3, 4, 4)), p=0.2)
        assert layer.shared_axes == (2, 3) and layer.p == 0.2
        assert L.dropout_channels is L.spatial_dropout

    def test_shared_p_can_change_without_recompiling(self):
        p = pytensor.shared(np.array(0.0, dtype=pytensor.config.floatX))
        f = compiled(L.DropoutLayer(L.InputLayer((100, 100)), p=p))
        X = np.ones((100, 100))
        assert np.all(f(X) == 1)
        p.set_value(0.5)
        assert abs((f(X) == 0).mean() - 0.5) < 0.03

    def test_float32_input_stays_float32(self):
        x = pt.fmatrix("x")
        layer = L.DropoutLayer(L.InputLayer((None, 4), x))
        assert L.get_output(layer).dtype == "float32"

    def test_masks_are_reproducible_through_the_package_rng(self):
        saved = get_rng()
        try:
            outs = []
            for _ in range(2):
                set_rng(np.random.RandomState(3))
                outs.append(
                    compiled(L.DropoutLayer(L.InputLayer((6, 6))))(np.ones((6, 6)))
                )
            np.testing.assert_array_equal(*outs)
        finally:
            set_rng(saved)

    @pytest.mark.parametrize("p", [1.0, -0.1])
    def test_bad_p_is_explained(self, p):
        with pytest.raises(ValueError, match="p=1-q"):
            L.DropoutLayer((None, 3), p=p)

    def test_output_shape_is_kept(self):
        assert L.DropoutLayer((None, 3, 5)).output_shape == (None, 3, 5)


class TestGaussianNoiseLayer:
    def test_adds_noise_with_sigma(self, backend):
        layer = L.GaussianNoiseLayer(L.InputLayer((None, 200)), sigma=0.5)
        out = compiled(layer)(np.full((100, 200), 2.0))
        assert abs(out.mean() - 2.0) < 0.02 and abs(out.std() - 0.5) < 0.02

    def test_deterministic_is_the_identity(self):
        layer = L.GaussianNoiseLayer(L.InputLayer((None, 5)))
        assert L.get_output(layer, deterministic=True) is layer.input_layer.input_var
