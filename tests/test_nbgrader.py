"""The answer keys import into a real nbgrader course: `nbgrader generate_assignment` succeeds."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from middlepowers.paths import notebooks, repo_root

# Slow (left out of make test-fast): runs nbgrader generate_assignment on every answer key.
pytestmark = pytest.mark.slow

ROOT = repo_root()
KEYS = notebooks("solutions", root=ROOT)
NBGRADER = Path(sys.executable).with_name("nbgrader")


@pytest.mark.skipif(not KEYS, reason="no answer keys yet")
def test_nbgrader_generate_assignment_on_the_answer_keys(tmp_path):
    course = tmp_path / "course"
    source = course / "source" / "worksheets"
    source.mkdir(parents=True)
    for key in KEYS:
        shutil.copy(key, source / key.name)
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.CourseDirectory.root = {str(course)!r}\n"
        "c.CourseDirectory.course_id = 'middlepowers'\n"
        f"c.CourseDirectory.db_url = 'sqlite:///{tmp_path / 'gradebook.db'}'\n",
        encoding="utf-8",
    )
    run = subprocess.run(
        [str(NBGRADER), "generate_assignment", "worksheets", "--force"],
        cwd=course,
        capture_output=True,
        text=True,
        timeout=300,
        env={
            "PATH": str(NBGRADER.parent) + ":/usr/bin:/bin",
            "HOME": str(tmp_path),
            "JUPYTER_CONFIG_DIR": str(tmp_path / "jcfg"),
            "JUPYTER_DATA_DIR": str(tmp_path / "jdata"),
            "MIDDLEPOWERS_PROGRESS": str(tmp_path / "progress.json"),
        },
    )
    assert run.returncode == 0, run.stdout + run.stderr
    for key in KEYS:
        release = course / "release" / "worksheets" / key.name
        text = release.read_text(encoding="utf-8")
        assert "BEGIN SOLUTION" not in text
        student = nbformat.reads(text, as_version=4)
        assert any("raise NotImplementedError()" in c.source for c in student.cells)
        answer_key = nbformat.read(key, as_version=4)
        solution_cells = [c for c in answer_key.cells if c.metadata.get("nbgrader", {}).get("solution")]
        assert solution_cells, "answer keys carry nbgrader solution metadata"
        for cell in solution_cells:
            body = cell.source.split("BEGIN SOLUTION", 1)[1].split("END SOLUTION", 1)[0]
            for line in body.splitlines()[1:-1]:
                if line.strip():
                    assert line.strip() not in text
