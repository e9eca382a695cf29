"""The student release matches its source, and gives nothing away.

* ``notebooks/`` is exactly what nbgrader generates from ``solutions/``;
* solutions and release are stored without outputs;
* autograding the unmodified release (every answer still a stub) scores 0 on every
  graded cell -- so every hidden test fails on the stub;
* a tampered submission (a test cell emptied, a test cell deleted) earns nothing.
"""

import tempfile

import nbformat
import pytest

from tests.notebooks.course import (RELEASE, SOLUTIONS, autograde, chapters, graded_cells,
                                    make_course)

VOLATILE = {"execution", "collapsed", "scrolled", "trusted", "jupyter"}


def _cells(nb):
    return [(c.cell_type, c.source,
             {k: v for k, v in c.metadata.items() if k not in VOLATILE})
            for c in nb.cells]


@pytest.fixture(scope="module", params=chapters())
def course(request):
    chapter = request.param
    with tempfile.TemporaryDirectory(prefix="course-release-") as tmp:
        yield chapter, make_course(tmp, chapter)


def test_release_matches_solutions(course):
    chapter, root = course
    generated = sorted((root / "notebooks" / chapter).glob("*.ipynb"))
    committed = sorted((RELEASE / chapter).glob("*.ipynb"))
    assert [p.name for p in committed] == [p.name for p in generated], (
        f"notebooks/{chapter} is out of date: run `make release` and commit it.")
    for new, old in zip(generated, committed):
        assert _cells(nbformat.read(old, as_version=4)) == _cells(
            nbformat.read(new, as_version=4)), (
            f"notebooks/{chapter}/{old.name} differs from what `make release` "
            f"generates from solutions/{chapter}/{old.name}: run `make release`.")


@pytest.mark.parametrize("folder", [SOLUTIONS, RELEASE], ids=["solutions", "notebooks"])
def test_notebooks_are_stored_without_outputs(folder):
    dirty = []
    for path in sorted(folder.glob("[0-9]*/*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        if any(c.get("outputs") or c.get("execution_count") for c in nb.cells
               if c.cell_type == "code"):
            dirty.append(str(path.relative_to(folder.parent)))
    assert not dirty, f"clear the outputs of: {dirty}"


@pytest.mark.notebook
def test_every_hidden_test_fails_on_the_release_stub(course):
    chapter, root = course
    scores = autograde(root, chapter, "stub", RELEASE / chapter)
    expected = {(p.stem, c.metadata["nbgrader"]["grade_id"])
                for p in sorted((SOLUTIONS / chapter).glob("*.ipynb"))
                for c in graded_cells(nbformat.read(p, as_version=4))}
    assert set(scores) == expected
    earned = {k: s for k, s in scores.items() if s[0] != 0}
    assert not earned, f"these graded cells pass on the unanswered stub: {earned}"
