"""utils: floatX, as_tuple, create_param checks, compute_norms, unroll_scan."""

import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest

from helpers.lasagne import init, utils


def test_floatx_converts_to_the_configured_dtype():
    assert utils.floatX([1, 2]).dtype == pytensor.config.floatX


def test_as_tuple_repeats_scalars_and_checks_length_and_type():
    assert utils.as_tuple(3, 2) == (3, 3)
    assert utils.as_tuple([1, 2], 2, int) == (1, 2)
    with pytest.raises(ValueError, match="length 3"):
        utils.as_tuple((1, 2), 3)
    with pytest.raises(ValueError, match="int"):
        utils.as_tuple((1, "a"), 2, int)


def test_unique_keeps_first_occurrences():
    assert utils.unique([3, 1, 3, 2, 1]) == [3, 1, 2]


def test_collect_shared_vars_walks_expressions():
    a, b = pytensor.shared(1.0), pytensor.shared(2.0)
    assert utils.collect_shared_vars(a * b + a) == [a, b] or utils.collect_shared_vars(
        a * b + a
    ) == [b, a]
    assert set(utils.collect_shared_vars([a * 2, pt.scalar() + b])) == {a, b}


def test_one_hot(rng):
    y = rng.integers(0, 5, size=7)
    np.testing.assert_array_equal(utils.one_hot(y, 5).eval(), np.eye(5)[y])


class TestCreateParam:
    def test_array_becomes_a_named_shared_variable(self):
        p = utils.create_param(np.ones((2, 3)), (2, 3), name="W")
        assert isinstance(p, pytensor.compile.SharedVariable) and p.name == "W"

    @pytest.mark.parametrize("floatX", ["float32", "float64"])
    def test_float_arrays_become_floatX_and_integer_arrays_stay(self, floatX):
        pytensor.config.floatX = floatX  # the conftest restores it
        values = np.linspace(-1, 1, 6).reshape(2, 3)
        other = "float64" if floatX == "float32" else "float32"
        p = utils.create_param(values.astype(other), (2, 3))
        assert p.dtype == floatX and p.get_value().dtype == floatX
        np.testing.assert_allclose(p.get_value(), values, rtol=1e-6)
        assert utils.create_param(0.5, ()).dtype == floatX
        assert utils.create_param(np.arange(3), (3,)).dtype == "int64"

    def test_size_one_axes_are_broadcastable(self):
        p = utils.create_param(np.ones((1, 3)), (1, 3))
        assert p.type.shape == (1, None)

    def test_initializer_is_called_with_the_shape(self):
        p = utils.create_param(init.Constant(2.0), (4,), name="b")
        np.testing.assert_array_equal(p.get_value(), np.full(4, 2.0))

    def test_shared_variable_is_used_as_is(self):
        s = pytensor.shared(np.zeros((2, 2)), name="mine")
        assert utils.create_param(s, (2, 2), name="W") is s
        assert s.name == "mine"

    def test_expression_is_used_as_is(self):
        s = pytensor.shared(np.zeros((2, 2)))
        expr = 2 * s
        assert utils.create_param(expr, (2, 2)) is expr

    def test_wrong_array_shape_says_both_shapes(self):
        with pytest.raises(ValueError, match=r"shape \(3, 2\), expected \(2, 3\)"):
            utils.create_param(np.ones((3, 2)), (2, 3), name="W")

    def test_wrong_initializer_output_shape(self):
        with pytest.raises(ValueError, match="initializer"):
            utils.create_param(lambda shape: np.ones(3), (2, 3))

    def test_wrong_shared_value_shape(self):
        with pytest.raises(ValueError, match=r"\(5, 5\)"):
            utils.create_param(pytensor.shared(np.ones((5, 5))), (2, 3))

    def test_wrong_expression_ndim(self):
        with pytest.raises(ValueError, match="3 dimensions, expected 2"):
            utils.create_param(pt.tensor3(), (2, 3))

    def test_non_positive_shape(self):
        with pytest.raises(ValueError, match="positive"):
            utils.create_param(init.Constant(0), (0, 3))

    def test_unknown_spec_type(self):
        with pytest.raises(TypeError, match="initializer"):
            utils.create_param("zeros", (2,))


def test_compute_norms(rng):
    W = rng.normal(size=(5, 3))
    np.testing.assert_allclose(utils.compute_norms(W), np.linalg.norm(W, axis=0))
    F = rng.normal(size=(4, 2, 3, 3))
    np.testing.assert_allclose(
        utils.compute_norms(F), np.sqrt((F**2).sum(axis=(1, 2, 3)))
    )
    with pytest.raises(TypeError, match="get_value"):
        utils.compute_norms(pytensor.shared(W))


def test_inspect_kwargs_lists_keyword_arguments():
    def f(a, b=1, *, deterministic=False, **kwargs):
        return a

    assert utils.inspect_kwargs(f) == ["b", "deterministic"]


@pytest.mark.parametrize("go_backwards", [False, True], ids=["forward", "backward"])
def test_unroll_scan_matches_scan(rng, go_backwards):
    x = pt.matrix("x")
    h0 = pt.vector("h0")

    def step(x_t, h):
        return pt.tanh(x_t + 0.5 * h)

    unrolled = utils.unroll_scan(step, [x], [h0], [], 4, go_backwards=go_backwards)[0]
    seq = x[::-1] if go_backwards else x
    scanned = pytensor.scan(
        step, sequences=[seq], outputs_info=[h0], return_updates=False
    )
    f = pytensor.function([x, h0], [unrolled, scanned])
    X, H = rng.normal(size=(4, 3)), rng.normal(size=3)
    a, b = f(X, H)
    np.testing.assert_allclose(a, b, atol=1e-12)
