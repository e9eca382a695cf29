"""`make lab` gives learners their own copies and never overwrites them."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_work_copies_new_notebooks_and_keeps_learners_answers(tmp_path):
    shutil.copy(ROOT / "Makefile", tmp_path)
    chapter = tmp_path / "notebooks" / "01_demo"
    chapter.mkdir(parents=True)
    (chapter / "01_a.ipynb").write_text("release v1")
    (chapter / "data.txt").write_text("side file")

    def make_work():
        subprocess.run(["make", "-s", "work"], cwd=tmp_path, check=True,
                       capture_output=True)

    make_work()
    mine = tmp_path / "work" / "01_demo" / "01_a.ipynb"
    assert mine.read_text() == "release v1"
    assert (tmp_path / "work" / "01_demo" / "data.txt").exists()

    mine.write_text("my answers")
    (chapter / "01_a.ipynb").write_text("release v2")
    (chapter / "02_b.ipynb").write_text("a new notebook")
    make_work()
    assert mine.read_text() == "my answers"
    assert (tmp_path / "work" / "01_demo" / "02_b.ipynb").read_text() == "a new notebook"
