"""Every instructor notebook has the course's shape.

What you will learn -> parameters cell -> lesson -> exercises (answer, visible
self-check, locked test cell with hidden tests) -> what next.
"""

import ast
import re

import nbformat
import pytest

from tests.notebooks.course import solution_notebooks

NOTEBOOKS = solution_notebooks()
IDS = [f"{p.parent.name}/{p.stem}" for p in NOTEBOOKS]


def _nbgrader(cell):
    return cell.metadata.get("nbgrader", {})


def _python(source):
    return "\n".join("pass" if line.lstrip().startswith(("%", "!")) else line
                     for line in source.splitlines())


@pytest.fixture(params=NOTEBOOKS, ids=IDS)
def nb(request):
    return nbformat.read(request.param, as_version=4)


def test_opens_with_what_you_will_learn(nb):
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# ")
    assert re.search(r"what you will learn", first.source, re.I)


def test_first_code_cell_is_the_mode_parameter(nb):
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata.get("tags", [])
    assert re.fullmatch(r'MODE = "quick"(\s*#.*)?', code[0].source.strip())


def test_ends_with_what_next(nb):
    assert nb.cells[-1].cell_type == "markdown"
    assert re.search(r"what next", nb.cells[-1].source, re.I)


def test_code_cells_are_valid_python(nb):
    for cell in nb.cells:
        if cell.cell_type == "code":
            ast.parse(_python(cell.source))


def test_every_answer_has_a_self_check_and_hidden_tests(nb):
    """Each answer cell is followed, before the next answer, by a visible
    self-check (a plain code cell) and then a locked test cell with hidden tests."""
    cells = nb.cells
    answers = [i for i, c in enumerate(cells) if _nbgrader(c).get("solution")]
    assert answers, "a notebook needs at least one exercise"
    for i, end in zip(answers, answers[1:] + [len(cells)]):
        grade_id = _nbgrader(cells[i])["grade_id"]
        assert "### BEGIN SOLUTION" in cells[i].source, grade_id
        segment = cells[i + 1:end]
        tests = [k for k, c in enumerate(segment) if _nbgrader(c).get("grade")]
        assert tests, f"{grade_id} has no graded test cell after it"
        checks = [c for c in segment[:tests[0]]
                  if c.cell_type == "code" and not _nbgrader(c)]
        assert checks, f"{grade_id} has no visible self-check before its tests"
        for k in tests:
            test, meta = segment[k], _nbgrader(segment[k])
            assert meta.get("locked") and meta.get("points", 0) > 0, meta
            assert "### BEGIN HIDDEN TESTS" in test.source, meta["grade_id"]
            first = ast.parse(_python(test.source)).body[0]
            assert isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
                and isinstance(first.value.value, str), "a test cell starts with a string"


def test_grade_ids_name_their_exercise(nb):
    ids = [_nbgrader(c)["grade_id"] for c in nb.cells if "grade_id" in _nbgrader(c)]
    assert len(ids) == len(set(ids))
    assert all(re.match(r"e\d+_\d+_\d+_", i) for i in ids), ids
