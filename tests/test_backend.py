import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest

from helpers import backend


@pytest.fixture(autouse=True)
def restore_cpu():
    yield
    backend.use("cpu")


def test_cpu_backend_is_the_c_backend_with_blas():
    assert backend.use("cpu") == "cpu"
    assert pytensor.config.mode == "CVM"
    assert "openblas" in pytensor.config.blas__ldflags
    assert "CVM" in backend.describe()


def test_environment_variable_selects_the_backend(monkeypatch):
    monkeypatch.setenv("COURSE_BACKEND", "cpu")
    assert backend.use() == "cpu"


def test_unknown_backend_says_what_to_use():
    with pytest.raises(ValueError, match="cpu"):
        backend.use("cuda-please")


def test_jax_backend_compiles_the_same_graph_to_the_same_values():
    pytest.importorskip("jax")
    x = pt.matrix("x", shape=(2, 3))
    y = pt.tanh(x @ x.T).sum(axis=1)
    data = np.arange(6.0).reshape(2, 3) / 10
    backend.use("cpu")
    cpu = pytensor.function([x], y)(data)
    assert backend.use("gpu") == "jax" and pytensor.config.mode == "JAX"
    fn = pytensor.function([x], y)
    np.testing.assert_allclose(np.asarray(fn(data)), cpu, atol=1e-8)
    assert "jax" in backend.describe()


def test_jax_float32_reductions_stay_float32_inside_and_outside_scan():
    """JAX keeps 64-bit types on, yet a float32 sum must not come back float64.

    PyTensor's JAX sum returned its float64 accumulator; inside a `scan` (the
    gradient of a recurrent layer sums in its loop) that broke the loop carry.
    """
    pytest.importorskip("jax")
    pytensor.config.floatX = "float32"  # the conftest restores it
    x = pt.matrix("x", shape=(3, 2), dtype="float32")
    rows = pytensor.scan(lambda r, acc: acc + r.sum(), sequences=[x],
                         outputs_info=[pt.constant(np.float32(0))],
                         return_updates=False)
    outs = [x.sum(), x.prod(axis=0), rows[-1]]
    assert all(o.dtype == "float32" for o in outs)
    backend.use("jax")
    fn = pytensor.function([x], outs)
    data = np.arange(1.0, 7.0, dtype="float32").reshape(3, 2)
    total, prod, last = (np.asarray(v) for v in fn(data))
    assert [v.dtype for v in (total, prod, last)] == ["float32"] * 3
    np.testing.assert_allclose([total, last], [21.0, 21.0])
    np.testing.assert_array_equal(prod, [15.0, 48.0])


def test_jax_outputs_and_updates_keep_their_declared_float32():
    pytest.importorskip("jax")
    pytensor.config.floatX = "float32"
    backend.use("jax")
    x = pt.matrix("x")
    w = pytensor.shared(np.ones(3, "float32"))
    loss = pt.special.log_softmax(pt.tanh(x * w), axis=-1).mean()
    fn = pytensor.function([x], [loss, x.mean()], updates={w: w - 0.1 * pytensor.grad(loss, w)})
    outputs = fn(np.ones((4, 3), "float32"))
    assert [np.asarray(o).dtype for o in outputs] == ["float32", "float32"]
    fn(np.ones((4, 3), "float32"))
    assert w.get_value().dtype == "float32"
