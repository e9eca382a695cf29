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
