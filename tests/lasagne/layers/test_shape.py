"""Reshape, Flatten, Dimshuffle, Pad and Slice layers: values and shape arithmetic."""

import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest

from helpers.lasagne import layers as L


def run(layer, X):
    return pytensor.function([layer.input_layer.input_var], L.get_output(layer))(X)


class TestReshapeLayer:
    @pytest.mark.parametrize(
        "in_shape,spec,expected",
        [
            ((None, 784), ([0], 1, 28, 28), (None, 1, 28, 28)),
            ((None, 6, 4), ([0], -1), (None, 24)),
            ((None, 6, 4), ([0], [2], [1]), (None, 4, 6)),
            ((5, 6, 4), (-1, 8), (15, 8)),
            ((None, 6, 4), (-1, 4), (None, 4)),
            ((None, None, 3), ([0], [1], 3, 1), (None, None, 3, 1)),
        ],
        ids=[
            "mnist",
            "minus1",
            "swap-refs",
            "known-batch",
            "unknown-minus1",
            "unknown-refs",
        ],
    )
    def test_output_shape_and_values(self, in_shape, spec, expected, rng, backend):
        layer = L.ReshapeLayer(L.InputLayer(in_shape), spec)
        assert layer.output_shape == expected
        data_shape = tuple(s if s is not None else 5 for s in in_shape)
        X = rng.normal(size=data_shape)
        out = run(layer, X)
        concrete = [data_shape[s[0]] if isinstance(s, list) else s for s in spec]
        np.testing.assert_array_equal(out, X.reshape(concrete))

    def test_symbolic_size(self, rng):
        n = pt.lscalar("n")
        layer = L.ReshapeLayer(L.InputLayer((None, 6)), (n, -1))
        assert layer.output_shape == (None, None)
        f = pytensor.function([layer.input_layer.input_var, n], L.get_output(layer))
        assert f(rng.normal(size=(2, 6)), 3).shape == (3, 4)

    @pytest.mark.parametrize(
        "spec,match",
        [
            ((0, 4), "positive or -1"),
            ((-1, -1), "only once"),
            (([0, 1], 4), "one-element"),
            ((1.5, 2), "each entry"),
            (([5], 2), "refers to input axis"),
            (([0], 5), "entries"),
            (([0], -1, 5), "not divisible"),
        ],
    )
    def test_errors_are_explained(self, spec, match):
        with pytest.raises(ValueError, match=match):
            L.ReshapeLayer((None, 3, 4), spec)

    def test_alias(self):
        assert L.reshape is L.ReshapeLayer


class TestFlattenLayer:
    @pytest.mark.parametrize(
        "in_shape,outdim,expected",
        [
            ((None, 2, 3, 4), 2, (None, 24)),
            ((None, 2, 3, 4), 3, (None, 2, 12)),
            ((None, 2, 3, 4), 1, (None,)),
            ((None, None, 3), 2, (None, None)),
        ],
    )
    def test_shape_and_values(self, in_shape, outdim, expected, rng, backend):
        layer = L.flatten(L.InputLayer(in_shape), outdim=outdim)
        assert layer.output_shape == expected
        data_shape = tuple(s or 2 for s in in_shape)
        X = rng.normal(size=data_shape)
        np.testing.assert_array_equal(
            run(layer, X), X.reshape(data_shape[: outdim - 1] + (-1,))
        )

    def test_bad_outdim(self):
        with pytest.raises(ValueError, match="outdim"):
            L.FlattenLayer((None, 3), outdim=3)


class TestDimshuffleLayer:
    @pytest.mark.parametrize(
        "in_shape,pattern,expected",
        [
            ((None, 3, 4), (0, 2, 1), (None, 4, 3)),
            ((None, 3), (0, "x", 1), (None, 1, 3)),
            ((None, 1, 4), (0, 2), (None, 4)),
            ((None, None, 4), (2, 0), (4, None)),
        ],
        ids=["swap", "add-axis", "drop-size-1", "drop-unknown"],
    )
    def test_shape_and_values(self, in_shape, pattern, expected, rng, backend):
        layer = L.DimshuffleLayer(L.InputLayer(in_shape), pattern)
        assert layer.output_shape == expected
        data_shape = tuple(s or 1 for s in in_shape)
        X = rng.normal(size=data_shape)
        ref = X.transpose(
            [p for p in pattern if p != "x"]
            + [a for a in range(X.ndim) if a not in pattern]
        )
        ref = ref.reshape(tuple(data_shape[p] if p != "x" else 1 for p in pattern))
        np.testing.assert_array_equal(run(layer, X), ref)

    def test_dropping_a_real_axis_is_explained(self):
        with pytest.raises(ValueError, match="drops axis 1 of size 3"):
            L.DimshuffleLayer((None, 3, 4), (0, 2))

    @pytest.mark.parametrize(
        "pattern,match",
        [((0, 5), "refers to axis 5"), ((0, 0), "twice"), ((0, "y"), "ints or 'x'")],
    )
    def test_bad_patterns(self, pattern, match):
        with pytest.raises(ValueError, match=match):
            L.dimshuffle((None, 3), pattern)


class TestPadLayer:
    @pytest.mark.parametrize(
        "width,val,batch_ndim",
        [(1, 0, 2), ((1, 2), 0, 2), ([(0, 1), (2, 0)], 0.5, 2), (2, -1.0, 1)],
        ids=["w1", "per-axis", "pairs-val", "batch_ndim1"],
    )
    def test_matches_numpy_pad(self, width, val, batch_ndim, rng, backend):
        layer = L.PadLayer(
            L.InputLayer((None, 2, 3, 4)), width, val=val, batch_ndim=batch_ndim
        )
        X = rng.normal(size=(2, 2, 3, 4))
        n = 4 - batch_ndim
        widths = [width] * n if isinstance(width, int) else list(width)
        pads = [(0, 0)] * batch_ndim + [
            w if isinstance(w, tuple) else (w, w) for w in widths
        ]
        expected = np.pad(X, pads, constant_values=val)
        out = run(layer, X)
        np.testing.assert_allclose(out, expected)
        assert out.shape[1:] == layer.output_shape[1:]

    def test_wrong_number_of_widths(self):
        with pytest.raises(ValueError, match="3 widths for 2"):
            L.pad((None, 2, 3, 4), (1, 1, 1))


class TestSliceLayer:
    @pytest.mark.parametrize(
        "indices,axis,expected",
        [
            (-1, 1, (None, 4)),
            (slice(0, 2), 1, (None, 2, 4)),
            (slice(None, None, 2), -1, (None, 3, 2)),
            (0, -1, (None, 3)),
        ],
        ids=["last-step", "slice", "stride", "index-last-axis"],
    )
    def test_shape_and_values(self, indices, axis, expected, rng, backend):
        layer = L.SliceLayer(L.InputLayer((None, 3, 4)), indices, axis=axis)
        assert layer.output_shape == expected
        X = rng.normal(size=(2, 3, 4))
        ax = axis % 3
        np.testing.assert_array_equal(
            run(layer, X), X[(slice(None),) * ax + (indices,)]
        )

    def test_unknown_axis_size_stays_unknown(self):
        assert L.SliceLayer((None, None), slice(1, 3), axis=1).output_shape == (
            None,
            None,
        )

    def test_out_of_range_index(self):
        with pytest.raises(ValueError, match="out of range"):
            L.SliceLayer((None, 3), 5, axis=1).output_shape
