"""Autograding restores what a learner may not change.

A submission whose graded test cell was emptied (``pass``) or deleted must not earn
the points of that cell; an honest solution earns them all.
"""

import tempfile

import nbformat
import pytest

from tests.notebooks.course import RELEASE, SOLUTIONS, autograde, chapters, make_course

CHAPTER = chapters()[0] if chapters() else None


def _first_notebook():
    return sorted((SOLUTIONS / CHAPTER).glob("*.ipynb"))[0]


@pytest.mark.notebook
@pytest.mark.skipif(CHAPTER is None, reason="no chapter yet")
def test_tampered_submissions_are_graded_right(tmp_path):
    name = _first_notebook().name
    with tempfile.TemporaryDirectory(prefix="course-tamper-") as tmp:
        root = make_course(tmp, CHAPTER)

        def submit(student, nb):
            folder = tmp_path / student
            folder.mkdir()
            nbformat.write(nb, folder / name)
            return {k[1]: v for k, v in autograde(root, CHAPTER, student, folder).items()
                    if k[0] == name[:-6]}

        honest = submit("honest", nbformat.read(SOLUTIONS / CHAPTER / name, as_version=4))
        assert honest and all(score == top for score, top in honest.values()), honest

        stub = nbformat.read(RELEASE / CHAPTER / name, as_version=4)
        tests = [c for c in stub.cells if c.metadata.get("nbgrader", {}).get("grade")]
        emptied_id = tests[0].metadata["nbgrader"]["grade_id"]
        tests[0].source = "pass"
        deleted_id = tests[-1].metadata["nbgrader"]["grade_id"]
        stub.cells.remove(tests[-1])
        tampered = submit("tampered", stub)
        assert tampered[emptied_id][0] == 0, tampered
        assert tampered.get(deleted_id, (0, 1))[0] == 0, tampered
