"""Choose where compiled PyTensor functions run.

The course runs every notebook unchanged on two backends:

* ``"cpu"`` -- PyTensor's C backend (``mode="CVM"``), linked to the OpenBLAS that pip
  installs (``scipy-openblas32``).  Measured on a 2-core machine it compiles a
  cold MLP training function in about 19 s where the Numba default took 70 s, and
  runs it as fast, so it is the course's CPU default.
* ``"jax"`` -- PyTensor's JAX backend (``mode="JAX"``).  With a CUDA build of jax
  (``pip install "jax[cuda12]"``) this is how the course runs on a GPU; with the
  plain ``jax`` wheel it runs on the CPU (CI uses that to prove portability).

In JAX mode 64-bit types stay enabled, so a float64 graph gives the same numbers
as on the CPU and a float32 graph stays float32 (PyTensor alone would fix JAX's
64-bit switch from ``floatX`` at its first JAX compile, so results would depend on
the order of a notebook's cells).

Public names: `use`, `current`, `describe`, `BACKENDS`.
"""

import os
from configparser import ConfigParser
from pathlib import Path

import pytensor

__all__ = ["BACKENDS", "current", "describe", "use"]

BACKENDS = ("cpu", "jax")
ENV_VAR = "COURSE_BACKEND"
_ALIASES = {"cpu": "cpu", "c": "cpu", "cvm": "cpu", "jax": "jax", "gpu": "jax"}
_current = None


def _user_configured_blas():
    """True when the user set ``blas__ldflags`` themselves (flags or a .pytensorrc)."""
    if "ldflags" in os.environ.get("PYTENSOR_FLAGS", ""):
        return True
    rc_files = os.environ.get("PYTENSORRC", str(Path.home() / ".pytensorrc"))
    for rc in rc_files.split(os.pathsep):
        parser = ConfigParser()
        try:
            parser.read(rc)
        except Exception:
            continue
        if parser.has_option("blas", "ldflags"):
            return True
    return False


def _pip_openblas_flags():
    """Compiler flags that link PyTensor's C code to pip's ``scipy-openblas32``."""
    try:
        import scipy_openblas32
    except ImportError:
        return None
    lib = scipy_openblas32.get_lib_dir()
    # The library prefixes its symbols with ``scipy_``; rename the ones PyTensor calls.
    renames = " ".join(
        f"-D{name}_=scipy_{name}_"
        for name in "sgemm dgemm sgemv dgemv sger dger sdot ddot".split()
    )
    return f"-L{lib} -lscipy_openblas -Wl,-rpath,{lib} {renames}"


def _prepare_jax():
    """Load PyTensor's JAX dispatch, register the course's Ops, keep 64-bit types."""
    import jax
    import pytensor.link.jax.dispatch  # noqa: F401  (sets jax_enable_x64 from floatX)

    from helpers import nnet

    nnet._register_jax()
    _register_reductions_keep_their_dtype()
    jax.config.update("jax_enable_x64", True)


def _register_reductions_keep_their_dtype():
    """Make JAX sums and products return the dtype PyTensor gave them.

    PyTensor's JAX `CAReduce` returns its *accumulator* dtype, and a float32 sum
    accumulates in float64.  PyTensor itself turns 64-bit types off when floatX is
    float32, which hides that; with them kept on, a float32 sum came back float64,
    so a float32 `scan` gradient (which sums inside the loop) failed with "carry
    input and carry output must have equal types" and other float32 results were
    silently float64.  Casting to the node's output dtype fixes both.
    """
    from pytensor.link.jax.dispatch import jax_funcify
    from pytensor.tensor.elemwise import CAReduce

    original = jax_funcify.dispatch(CAReduce)
    if getattr(original, "_course_keeps_dtype", False):
        return

    def careduce(op, node=None, **kwargs):
        reduce = original(op, node=node, **kwargs)
        if node is None:
            return reduce
        dtype = node.outputs[0].dtype

        def reduce_typed(x):
            return reduce(x).astype(dtype)

        return reduce_typed

    careduce._course_keeps_dtype = True
    jax_funcify.register(CAReduce, careduce)


def _prepare_jax_before_each_compile():
    """Run `_prepare_jax` whenever PyTensor compiles for JAX, whatever the mode source."""
    try:
        from pytensor.link.jax.linker import JAXLinker
    except ImportError:  # pragma: no cover - very old PyTensor
        return
    original = JAXLinker.fgraph_convert
    if getattr(original, "_course_prepared", False):
        return

    def fgraph_convert(self, fgraph, *args, **kwargs):
        _prepare_jax()
        converted = original(self, fgraph, *args, **kwargs)
        dtypes = [getattr(out.type, "dtype", None) for out in fgraph.outputs]
        if not any(d and d.startswith("float") for d in dtypes):
            return converted

        def with_declared_dtypes(*inputs):
            # Some JAX lowerings return float64 for a float32 graph (e.g. reductions
            # accumulated in float64); without this cast a float32 parameter would
            # silently become float64 after its first update.
            outputs = converted(*inputs)
            if not isinstance(outputs, (tuple, list)):
                d = dtypes[0]
                return outputs.astype(d) if d and outputs.dtype != d else outputs
            return type(outputs)(
                o.astype(d) if d and d.startswith("float") and o.dtype != d else o
                for o, d in zip(outputs, dtypes))

        return with_declared_dtypes

    fgraph_convert._course_prepared = True
    JAXLinker.fgraph_convert = fgraph_convert


def _pytensor_version():
    return tuple(int(p) for p in pytensor.__version__.split(".")[:2] if p.isdigit())


def use(name=None):
    """Select the backend for every ``pytensor.function`` compiled afterwards.

    Parameters
    ----------
    name : {"cpu", "jax"} or None
        ``"gpu"`` is accepted as a synonym of ``"jax"``.  ``None`` reads the
        ``COURSE_BACKEND`` environment variable and falls back to ``"cpu"``.

    Returns
    -------
    str
        The backend now in use.
    """
    global _current
    requested = name if name is not None else os.environ.get(ENV_VAR, "cpu")
    key = _ALIASES.get(str(requested).strip().lower())
    if key is None:
        raise ValueError(
            f"Unknown backend {requested!r}: use one of {BACKENDS} "
            f"(set it with helpers.backend.use(...) or {ENV_VAR}=...)."
        )
    if key == "cpu":
        flags = _pip_openblas_flags()
        if flags and not _user_configured_blas():
            pytensor.config.blas__ldflags = flags
        pytensor.config.mode = "CVM"
    else:
        try:
            import jax  # noqa: F401
        except ImportError as err:
            raise ImportError(
                "The JAX backend needs jax. On a CPU: pip install jax; on an NVIDIA "
                "GPU: pip install 'jax[cuda12]' (or `make test-gpu`)."
            ) from err
        if _pytensor_version() < (3, 3):
            import warnings

            warnings.warn(
                f"PyTensor {pytensor.__version__} (the newest for Python 3.11) cannot "
                "compile for JAX a graph whose batch size is known only at run time; "
                "use Python >= 3.12, which gets PyTensor >= 3.3.", stacklevel=2)
        _prepare_jax()
        pytensor.config.mode = "JAX"
    _current = key
    return key


def current():
    """The backend selected by the last `use` call ("cpu" or "jax")."""
    return _current


def describe():
    """One line saying which backend and which device compiled functions use."""
    if _current == "jax":
        import jax

        devices = ", ".join(str(d) for d in jax.devices())
        return f"backend: jax (PyTensor mode JAX) on {devices}"
    blas = "OpenBLAS" if pytensor.config.blas__ldflags else "no BLAS"
    return f"backend: cpu (PyTensor C backend, mode CVM, {blas})"


_prepare_jax_before_each_compile()
