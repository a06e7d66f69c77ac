"""Rubrics: one source (the quiz file) for the answer key, the instructor notes and nbgrader's points."""

from __future__ import annotations

import re

import nbformat
import pytest

from middlepowers.course import id_for_path
from middlepowers.paths import data_dir, repo_root
from middlepowers.quizfile import load_quiz, rubric_total

ROOT = repo_root()
KEYS = sorted((ROOT / "solutions").glob("*.ipynb"))


def reflections(name):
    return {
        q.id: q for q in load_quiz(data_dir("quizzes", f"{name}.toml")).questions.values() if q.type == "reflection"
    }


def test_every_reflection_has_a_rubric_with_points():
    for path in sorted(data_dir("quizzes").glob("*.toml")):
        for q in reflections(path.stem).values():
            assert q.get("rubric") and rubric_total(q) > 0, (path.name, q.id)


@pytest.mark.parametrize("key", KEYS, ids=lambda p: p.name)
def test_manual_grade_cells_carry_the_rubric_points(key):
    nb = nbformat.read(key, as_version=4)
    mine = reflections(id_for_path(key))
    graded = {
        c.metadata["nbgrader"]["grade_id"]: c
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("grade") and c.metadata["nbgrader"].get("solution")
    }
    asked = set(re.findall(r'quiz\.ask\("([a-z0-9-]+)"\)', "\n".join(c.source for c in nb.cells)))
    for qid in asked & set(mine):
        assert qid in graded, f"{key.name}: reflection {qid} has no manual-grade cell with grade_id {qid!r}"
        assert graded[qid].metadata["nbgrader"]["points"] == rubric_total(mine[qid]), qid
        shown = [c for c in nb.cells if c.source.startswith(f'quiz.rubric("{qid}")')]
        assert shown and "| criterion |" in shown[0].outputs[0]["data"]["text/markdown"], qid


def test_instructor_notes_show_the_current_rubrics():
    from mpcourse import rubrics

    notes = rubrics.expected(ROOT)
    assert notes, "no instructor notes with rubrics"
    for note, text in notes.items():
        assert note.read_text(encoding="utf-8") == text, f"{note.name} is stale: run python -m mpcourse.rubrics"
