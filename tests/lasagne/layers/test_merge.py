"""ConcatLayer, ElemwiseMergeLayer, ElemwiseSumLayer and autocrop."""

import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest

from helpers.lasagne import layers as L


def run(layer, *arrays):
    inputs = [lay.input_var for lay in layer.input_layers]
    return pytensor.function(inputs, L.get_output(layer))(*arrays)


class TestConcatLayer:
    @pytest.mark.parametrize(
        "shapes,axis,expected",
        [
            ([(None, 3), (None, 5)], 1, (None, 8)),
            ([(None, 2, 4, 4), (None, 3, 4, 4)], 1, (None, 5, 4, 4)),
            ([(2, 3), (4, 3)], 0, (6, 3)),
            ([(None, 3, 2), (None, 3, 5)], -1, (None, 3, 7)),
            ([(None, None), (None, 2)], 1, (None, None)),
        ],
        ids=["features", "channels", "batch", "last", "unknown"],
    )
    def test_shape_and_values(self, shapes, axis, expected, rng, backend):
        layer = L.ConcatLayer([L.InputLayer(s) for s in shapes], axis=axis)
        assert layer.output_shape == expected
        arrays = [rng.normal(size=tuple(d or 3 for d in s)) for s in shapes]
        np.testing.assert_array_equal(
            run(layer, *arrays), np.concatenate(arrays, axis=axis)
        )

    def test_mismatch_is_explained(self):
        with pytest.raises(
            ValueError, match=r"got input shapes \[\(None, 3, 4\), \(None, 3, 5\)\]"
        ):
            L.ConcatLayer(
                [L.InputLayer((None, 3, 4)), L.InputLayer((None, 3, 5))], axis=1
            )

    def test_cropping_center(self, rng):
        a, b = L.InputLayer((None, 2, 5, 5)), L.InputLayer((None, 3, 3, 3))
        layer = L.concat([a, b], cropping=[None, None, "center", "center"])
        assert layer.output_shape == (None, 5, 3, 3)
        A, B = rng.normal(size=(1, 2, 5, 5)), rng.normal(size=(1, 3, 3, 3))
        np.testing.assert_array_equal(
            run(layer, A, B), np.concatenate([A[:, :, 1:4, 1:4], B], axis=1)
        )


class TestElemwiseLayers:
    def test_sum_with_coeffs(self, rng, backend):
        ins = [L.InputLayer((None, 4)) for _ in range(3)]
        layer = L.ElemwiseSumLayer(ins, coeffs=[1, -0.5, 2])
        arrays = [rng.normal(size=(2, 4)) for _ in range(3)]
        expected = arrays[0] - 0.5 * arrays[1] + 2 * arrays[2]
        np.testing.assert_allclose(run(layer, *arrays), expected, atol=1e-12)
        assert layer.output_shape == (None, 4)

    def test_merge_with_a_function(self, rng, backend):
        ins = [L.InputLayer((None, 4)) for _ in range(3)]
        layer = L.ElemwiseMergeLayer(ins, pt.maximum)
        arrays = [rng.normal(size=(2, 4)) for _ in range(3)]
        np.testing.assert_array_equal(run(layer, *arrays), np.maximum.reduce(arrays))

    def test_unknown_sizes_are_filled_from_other_inputs(self):
        layer = L.ElemwiseSumLayer(
            [L.InputLayer((None, None)), L.InputLayer((None, 4))]
        )
        assert layer.output_shape == (None, 4)

    def test_shape_mismatch(self):
        with pytest.raises(ValueError, match="inputs of one shape"):
            L.ElemwiseSumLayer([L.InputLayer((None, 3)), L.InputLayer((None, 4))])

    def test_coeff_count_mismatch(self):
        with pytest.raises(ValueError, match="3 coeffs for 2"):
            L.ElemwiseSumLayer([(None, 3), (None, 3)], coeffs=[1, 2, 3])

    def test_cropping_upper_and_lower(self, rng):
        a, b = L.InputLayer((None, 5)), L.InputLayer((None, 3))
        lower = L.ElemwiseSumLayer([a, b], cropping=[None, "lower"])
        upper = L.ElemwiseSumLayer([a, b], cropping=[None, "upper"])
        A, B = rng.normal(size=(2, 5)), rng.normal(size=(2, 3))
        np.testing.assert_allclose(run(lower, A, B), A[:, :3] + B)
        np.testing.assert_allclose(run(upper, A, B), A[:, 2:] + B)

    def test_bad_crop_mode(self):
        with pytest.raises(ValueError, match="cropping mode"):
            L.ElemwiseSumLayer([(None, 3), (None, 3)], cropping=[None, "middle"])
