"""Course layout and notebook execution shared by the notebook tests.

The instructor notebooks live in ``solutions/<chapter>/`` and the student release in
``notebooks/<chapter>/`` (one nbgrader assignment per chapter).
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS = ROOT / "solutions"
RELEASE = ROOT / "notebooks"
BUILD = ROOT / "build"
DEFAULT_BUDGET_MINUTES = 2.0


def chapters():
    return sorted(p.name for p in SOLUTIONS.iterdir() if p.is_dir() and p.name[:2].isdigit())


def solution_notebooks():
    return sorted(SOLUTIONS.glob("[0-9]*/*.ipynb"))


def budget_minutes(nb):
    return float(nb.metadata.get("course", {}).get("budget_minutes", DEFAULT_BUDGET_MINUTES))


def graded_cells(nb):
    return [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]


def kernel_env(backend, compiledir):
    """Environment of a notebook kernel: quick mode, offline data, a cold cache."""
    env = dict(os.environ)
    env["COURSE_MODE"] = env.get("COURSE_MODE", "quick")
    env["COURSE_BACKEND"] = backend
    env.setdefault("COURSE_OFFLINE", "1")
    flags = [f for f in env.get("PYTENSOR_FLAGS", "").split(",")
             if f and not f.startswith("base_compiledir")]
    env["PYTENSOR_FLAGS"] = ",".join(flags + [f"base_compiledir={compiledir}"])
    env["NUMBA_CACHE_DIR"] = str(Path(compiledir) / "numba")
    env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    env["PYTHONHASHSEED"] = "0"
    # Notebooks run two at a time on two cores: one BLAS thread each avoids
    # oversubscription, which slowed small matrix products more than tenfold.
    env.setdefault("OPENBLAS_NUM_THREADS", "1")
    return env


def execute(path, backend="cpu", save_to=None, timeout=900):
    """Run a notebook top to bottom in a scratch copy of its folder.

    The notebook runs with a cold PyTensor compile cache of its own, so its wall
    time is what a learner sees the first time.  Returns ``(seconds, notebook)``;
    raises ``nbclient.exceptions.CellExecutionError`` naming the failing cell.
    """
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory(prefix="course-nb-") as tmp:
        work = Path(tmp) / "work"
        shutil.copytree(path.parent, work)
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                resources={"metadata": {"path": str(work)}})
        start = time.perf_counter()
        try:
            client.execute(env=kernel_env(backend, Path(tmp) / "compiledir"))
        finally:
            seconds = time.perf_counter() - start
            if save_to is not None:
                save_to.parent.mkdir(parents=True, exist_ok=True)
                nbformat.write(nb, save_to)
    return seconds, nb


def record_timing(backend, path, seconds, budget, status):
    out = BUILD / "timings" / backend
    out.mkdir(parents=True, exist_ok=True)
    name = f"{path.parent.name}__{path.stem}.json"
    (out / name).write_text(json.dumps({
        "notebook": f"{path.parent.name}/{path.name}", "seconds": round(seconds, 1),
        "budget_seconds": budget * 60, "status": status, "finished": time.time(),
    }))


def nbgrader(*args, cwd, env=None):
    """Run an nbgrader command with this interpreter's tools on PATH."""
    env = dict(os.environ if env is None else env)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    return subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=cwd, env=env,
                          capture_output=True, text=True)


def make_course(tmp, chapter):
    """A throw-away nbgrader course with one chapter's source, ready to grade."""
    course = Path(tmp)
    shutil.copy(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    shutil.copytree(SOLUTIONS / chapter, course / "solutions" / chapter)
    done = nbgrader("generate_assignment", chapter, "--force", cwd=course)
    if done.returncode != 0:
        raise RuntimeError(f"nbgrader generate_assignment failed:\n{done.stdout}\n{done.stderr}")
    return course


def autograde(course, chapter, student, notebooks_dir, backend="cpu"):
    """Autograde the notebooks in `notebooks_dir` as `student`; return scores.

    Returns ``{(notebook, grade_id): (score, max_score)}`` read from the gradebook.
    """
    from nbgrader.api import Gradebook

    sub = Path(course) / "submitted" / student / chapter
    if sub.exists():
        shutil.rmtree(sub)
    shutil.copytree(notebooks_dir, sub)
    env = kernel_env(backend, Path(course) / "compiledir")
    done = nbgrader("autograde", chapter, "--student", student, "--force", cwd=course,
                    env=env)
    if done.returncode != 0:
        raise RuntimeError(f"nbgrader autograde failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    scores = {}
    with Gradebook(f"sqlite:///{Path(course) / '.nbgrader.db'}") as gb:
        submission = gb.find_submission(chapter, student)
        for nb in submission.notebooks:
            for grade in nb.grades:
                if grade.max_score:
                    scores[(nb.name, grade.name)] = (grade.score, grade.max_score)
    return scores
