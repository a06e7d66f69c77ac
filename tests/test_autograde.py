"""Real autograding: nbgrader's own generate_assignment, autograde and generate_feedback on the worksheets.

Three submissions per worksheet, built from the released (student) version:

- ``key``: the answer key itself: full marks on every autograded cell;
- ``untouched``: the released worksheet as it is: zero, and no crash;
- ``half``: the first half of the code tasks solved (their solution cells from
  the key), the rest untouched: partial marks.

Scores come from nbgrader's gradebook (``Gradebook.find_submission_notebook``).
Run ``pytest tests/test_autograde.py -s`` to see the table of scores.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from middlepowers.paths import repo_root

ROOT = repo_root()
KEYS = sorted((ROOT / "solutions").glob("*.ipynb"))
BIN = Path(sys.executable).parent
ASSIGNMENT = "worksheets"
STUDENTS = ("key", "untouched", "half")


def nbgrader(course: Path, home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {
        "PATH": f"{BIN}:/usr/bin:/bin",
        "HOME": str(home),
        "JUPYTER_CONFIG_DIR": str(home / "jcfg"),
        "JUPYTER_DATA_DIR": str(home / "jdata"),
        "MIDDLEPOWERS_PROGRESS": str(home / "progress.json"),
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    }
    run = subprocess.run(
        [str(BIN / "nbgrader"), *args], cwd=course, capture_output=True, text=True, timeout=900, env=env
    )
    assert run.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}"
    return run


def solution_cells(nb) -> dict[str, str]:
    """grade_id -> source of every code solution cell."""
    return {
        c.metadata["nbgrader"]["grade_id"]: c.source
        for c in nb.cells
        if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")
    }


def half_done(released: Path, key: Path, target: Path) -> None:
    """The released worksheet with the first half (rounded up) of its code tasks solved from the key."""
    nb = nbformat.read(released, as_version=4)
    answers = solution_cells(nbformat.read(key, as_version=4))
    tasks = [c for c in nb.cells if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")]
    for cell in tasks[: (len(tasks) + 1) // 2]:
        cell.source = answers[cell.metadata["nbgrader"]["grade_id"]]
    nbformat.write(nb, target)


def build_and_grade(tmp: Path) -> dict[str, dict[str, dict]]:
    """Run the whole nbgrader cycle; return scores[student][notebook] = {"code", "max_code", "cells": {id: (score, max)}}."""
    from nbgrader.api import Gradebook

    course, home = tmp / "course", tmp / "home"
    source = course / "source" / ASSIGNMENT
    source.mkdir(parents=True)
    home.mkdir()
    for key in KEYS:
        shutil.copy(key, source / key.name)
    db = tmp / "gradebook.db"
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.CourseDirectory.root = {str(course)!r}\n"
        "c.CourseDirectory.course_id = 'middlepowers'\n"
        f"c.CourseDirectory.db_url = 'sqlite:///{db}'\n"
        "c.ExecutePreprocessor.timeout = 120\n",
        encoding="utf-8",
    )
    nbgrader(course, home, "generate_assignment", ASSIGNMENT, "--force")
    for student in STUDENTS:
        nbgrader(course, home, "db", "student", "add", student)
        submitted = course / "submitted" / student / ASSIGNMENT
        submitted.mkdir(parents=True)
        for key in KEYS:
            released = course / "release" / ASSIGNMENT / key.name
            if student == "key":
                shutil.copy(key, submitted / key.name)
            elif student == "untouched":
                shutil.copy(released, submitted / key.name)
            else:
                half_done(released, key, submitted / key.name)
    nbgrader(course, home, "autograde", ASSIGNMENT, "--force")
    nbgrader(course, home, "generate_feedback", ASSIGNMENT, "--force")
    scores: dict = {}
    with Gradebook(f"sqlite:///{db}") as gb:
        for student in STUDENTS:
            for key in KEYS:
                nb = gb.find_submission_notebook(key.stem, ASSIGNMENT, student)
                cells = {g.name: (g.score, g.max_score) for g in nb.grades if g.cell.cell_type == "code"}
                scores.setdefault(student, {})[key.stem] = {
                    "code": nb.code_score,
                    "max_code": nb.max_code_score,
                    "cells": cells,
                }
            feedback = course / "feedback" / student / ASSIGNMENT
            assert sorted(p.name for p in feedback.glob("*.html")) == sorted(k.stem + ".html" for k in KEYS)
    return scores


@pytest.fixture(scope="module")
def scores(tmp_path_factory):
    result = build_and_grade(tmp_path_factory.mktemp("autograde"))
    print("\nautograde scores (code points / max):")
    for student, notebooks in result.items():
        for name, s in notebooks.items():
            print(f"  {student:9s} {name}: {s['code']:g} / {s['max_code']:g}")
    return result


@pytest.mark.skipif(not KEYS, reason="no answer keys")
def test_every_code_task_has_an_autograder_test_cell():
    for key in KEYS:
        nb = nbformat.read(key, as_version=4)
        tasks = solution_cells(nb)
        tests = [
            c
            for c in nb.cells
            if c.cell_type == "code"
            and c.metadata.get("nbgrader", {}).get("grade")
            and not c.metadata["nbgrader"].get("solution")
        ]
        assert len(tests) == len(tasks) > 0, key.name
        for cell in tests:
            visible, _, rest = cell.source.partition("### BEGIN HIDDEN TESTS")
            assert "assert" in visible and "### END HIDDEN TESTS" in rest, cell.metadata["nbgrader"]["grade_id"]
            assert cell.metadata["nbgrader"]["points"] > 0


@pytest.mark.slow  # real nbgrader autograde of every worksheet (the shared `scores` fixture)
def test_answer_key_gets_full_marks_on_every_autograded_cell(scores):
    for name, s in scores["key"].items():
        assert s["cells"], name
        for cell, (got, most) in s["cells"].items():
            assert got == most > 0, f"{name} {cell}: {got} of {most}"


@pytest.mark.slow  # real nbgrader autograde of every worksheet (the shared `scores` fixture)
def test_untouched_worksheet_gets_zero(scores):
    for name, s in scores["untouched"].items():
        assert s["code"] == 0 and s["max_code"] > 0, name


@pytest.mark.slow  # real nbgrader autograde of every worksheet (the shared `scores` fixture)
def test_half_done_worksheet_gets_partial_marks(scores):
    for name, s in scores["half"].items():
        assert 0 < s["code"] < s["max_code"], f"{name}: {s['code']} of {s['max_code']}"
