"""Every solution notebook runs top to bottom in quick mode, within its budget.

Hidden tests are part of the instructor notebooks, so a clean run also proves that
every graded answer passes its hidden tests.  Executed copies are saved under
``build/executed/<backend>/`` for inspection.
"""

import os

import pytest

from tests.notebooks.course import (BUILD, ROOT, budget_minutes, execute, record_timing,
                                    solution_notebooks)

BACKEND = os.environ.get("COURSE_BACKEND", "cpu")


@pytest.mark.notebook
@pytest.mark.parametrize("path", solution_notebooks(),
                         ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_solution_notebook_runs_within_budget(path):
    if BACKEND == "jax":
        pytest.importorskip("jax")
    import nbformat

    budget = budget_minutes(nbformat.read(path, as_version=4))
    save_to = BUILD / "executed" / BACKEND / path.relative_to(ROOT / "solutions")
    try:
        seconds, _ = execute(path, BACKEND, save_to=save_to)
    except Exception:
        record_timing(BACKEND, path, 0.0, budget, "ERROR")
        raise
    status = "ok" if seconds <= budget * 60 else "OVER BUDGET"
    record_timing(BACKEND, path, seconds, budget, status)
    assert seconds <= budget * 60, (
        f"{path.name} took {seconds:.0f} s in quick mode; its budget is "
        f"{budget:g} min. Shrink the quick-mode CONFIG or declare a larger budget "
        "(metadata course.budget_minutes, at most 3).")
