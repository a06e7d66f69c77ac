"""What a student (and a screen reader) meets in a check before and after running it."""

from __future__ import annotations

import re

import pytest

from middlepowers.paths import data_dir
from middlepowers.quiz import Quiz, SummaryView, question_text

QUIZZES = sorted(p.stem for p in data_dir("quizzes").glob("*.toml"))


@pytest.fixture
def quizzes(tmp_path):
    return [Quiz(name, progress=tmp_path / "progress.json") for name in QUIZZES]


def test_every_preview_says_how_to_get_the_widget(quizzes):
    for quiz in quizzes:
        for q in quiz.spec.questions.values():
            text = question_text(q)
            if q.type == "code":
                assert "quiz.check_code(" in text
            else:
                assert text.splitlines()[-1].strip() == "(This is a preview: run this cell to answer.)", q.id


def test_feedback_live_region_exists_empty_when_the_check_is_built(quizzes):
    quiz = quizzes[0]
    qid = next(i for i, q in quiz.spec.questions.items() if q.type != "code")
    view = quiz.view(qid)
    assert view.feedback.value == '<div class="mp-live" role="status" aria-live="polite"></div>'
    view.check()
    assert re.fullmatch(r'<div class="mp-live" role="status" aria-live="polite">.+</div>', view.feedback.value, re.S)


def test_summary_has_one_mark_per_row_and_no_raw_ids(quizzes):
    for quiz in quizzes:
        body = SummaryView(quiz).body.value
        found = re.findall(r'<li data-qid="([^"]*)">(.*?)</li>', body, re.S)
        mine = [q for q in quiz.spec.questions.values() if q.part == quiz.part]
        assert len(found) == len(mine), quiz.notebook
        # the id rides in data-qid (for tools and tests), never in the words a student reads
        assert [qid for qid, _ in found] == [q.id for q in mine], quiz.notebook
        rows = [row for _, row in found]
        for number, (row, q) in enumerate(zip(rows, mine), start=1):
            assert row.startswith('<span class="mp-mark" aria-hidden="true">'), row
            text = re.sub(r"<[^>]+>", "", row)
            assert text.startswith(("·", "✔", "↻", "✎")) and text[1:].startswith(f"Check {number} ("), text
            assert f"{q.id}:" not in text, f"raw id {q.id} shown: {row}"
        assert 'class="mp-rows"' in body  # list-style: none in QUIZ_CSS: no bullet before the mark
