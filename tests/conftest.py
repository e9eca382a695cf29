"""Shared fixtures: a seeded NumPy generator per test and the CPU/JAX backend switch."""

import zlib

import numpy as np
import pytest

import helpers


@pytest.fixture
def rng(request):
    """A ``np.random.Generator`` seeded from the test's id: same draws every run."""
    return np.random.default_rng(zlib.crc32(request.node.nodeid.encode()))


def _jax_available():
    try:
        import jax  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.fixture(params=["cpu", "jax"])
def backend(request):
    """Run the test once per backend; functions compiled inside use that mode.

    Compile with ``pytensor.function`` (not ``.eval()``) so the mode applies.
    The JAX run is skipped when jax is not installed; "cpu" is restored after.
    """
    if request.param == "jax" and not _jax_available():
        pytest.skip("jax is not installed")
    helpers.backend.use(request.param)
    try:
        yield request.param
    finally:
        helpers.backend.use("cpu")


@pytest.fixture(autouse=True)
def _restore_pytensor_config():
    """A test that changes floatX or the backend must not leak it into the next."""
    import pytensor

    floatX, backend = pytensor.config.floatX, helpers.backend.current()
    yield
    pytensor.config.floatX = floatX
    helpers.backend.use(backend)


def pytest_collection_modifyitems(config, items):
    """On PyTensor < 3.3 (Python 3.11) skip the JAX-backend tests.

    PyTensor 3.0's JAX backend cannot compile graphs whose batch size is only known
    at run time; the course's JAX (GPU) path needs Python >= 3.12 / PyTensor >= 3.3,
    where these tests run.
    """
    if helpers.backend._pytensor_version() >= (3, 3):
        return
    skip = pytest.mark.skip(reason="JAX backend tests need PyTensor >= 3.3")
    for item in items:
        if "jax" in item.nodeid.lower():
            item.add_marker(skip)
