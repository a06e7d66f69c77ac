"""Stable notebook ids (docs/architecture.md, "Stable notebook ids"): attempts, quiz files and the
class report key a notebook by its ``id`` in ``data/course.toml``, so renaming a worksheet or
splitting a lesson loses no attempt, and a lesson and its worksheet never share a file name."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from middlepowers import course
from middlepowers.progress import ProgressStore
from middlepowers.quiz import Quiz
from mpcourse import classreport
from mpcourse.navigation import load_course

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = Path(__file__).parent / "fixtures" / "progress-before-stable-ids.json"


def test_a_lesson_and_its_worksheet_never_share_a_file_name():
    """JupyterLab's tabs and its close dialog name a notebook by its file name alone."""
    lessons = load_course(ROOT)
    files = [lesson.file for lesson in lessons]
    sheets = [lesson.worksheet for lesson in lessons if lesson.worksheet]
    assert len(set(files + sheets)) == len(files) + len(sheets), (files, sheets)
    assert sorted(sheets) == sorted(p.name for p in (ROOT / "exercises").glob("*.ipynb"))
    assert sorted(sheets) == sorted(p.name for p in (ROOT / "solutions").glob("*.ipynb"))
    assert [lesson.id for lesson in lessons] == course.lesson_ids(ROOT)


@pytest.mark.parametrize("folder", ["exercises", "solutions"])
def test_every_worksheet_asks_the_quiz_of_its_lessons_id(folder):
    for lesson in load_course(ROOT):
        if not lesson.worksheet:
            continue
        path = ROOT / folder / lesson.worksheet
        assert course.id_for_path(path, ROOT) == lesson.id
        source = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
        assert f'Quiz("{lesson.id}", part="worksheet")' in source, path


def test_a_progress_file_from_before_the_rename_counts_for_the_renamed_worksheet(tmp_path):
    """Attempts saved before the worksheets were renamed (keyed as they were) are filled back in
    and counted by the renamed worksheet and by the class report."""
    progress = tmp_path / "class" / "ada.json"
    progress.parent.mkdir()
    shutil.copy(FIXTURE, progress)
    sheet = ROOT / "exercises" / course.worksheet_file("01-two-stage-program", ROOT)
    assert sheet.name == "worksheet-01-two-stage-program.ipynb" and sheet.exists()
    quiz = Quiz(course.id_for_path(sheet, ROOT), part="worksheet", progress=progress)
    text = quiz.summary_text()
    assert "✎ ws-disagreement: reflection saved" in text
    assert "? ws-kappa: answered, not judged yet (1 attempt)" in text
    assert "2 of 4 checks answered" in text
    stats, reflections, unknown = classreport.summarise(
        classreport.collect(progress.parent), classreport.quizzes(ROOT), ROOT
    )
    assert not unknown
    assert ("01-two-stage-program", "ws-disagreement") in reflections
    assert {s.question.id: s.tried for s in stats}["ws-kappa"] == 1


@pytest.mark.parametrize(
    "saved", ["01-two-stage-program.ipynb", "exercises/01-two-stage-program.ipynb", "worksheet-01-two-stage-program"]
)
def test_an_attempt_keyed_by_a_file_name_counts_for_its_notebook(tmp_path, saved):
    store = ProgressStore(tmp_path / "p.json")
    store.record(saved, "ws-disagreement", "a reflection", None)
    assert course.current_notebook(saved, "ws-disagreement", ROOT) == "01-two-stage-program"
    assert (
        "✎ ws-disagreement: reflection saved"
        in Quiz("01-two-stage-program", part="worksheet", progress=tmp_path / "p.json").summary_text()
    )


def test_an_unknown_id_gets_a_clear_message():
    with pytest.raises(course.UnknownNotebook, match=r"'no-such-lesson' is no notebook of this course.*Lessons: index"):
        course.current_notebook("no-such-lesson", "q", ROOT)


QUESTION = """
[[questions]]
id = "{qid}"
type = "single"
prompt = "Which stage does S07 describe?"
answer = "first"
hint = "Read S07."
explanation = "S07 describes the first stage."

[[questions.options]]
key = "first"
text = "The first"

[[questions.options]]
key = "second"
text = "The second"
feedback = "S09 is the second stage; S07 is the first."
"""


@pytest.fixture
def split_course(tmp_path):
    """A course whose lesson "05-whole" was split into "05a-first" and "05b-second"."""
    root = tmp_path / "course"
    (root / "data" / "article").mkdir(parents=True)
    (root / "data" / "quizzes").mkdir()
    (root / "notebooks").mkdir()
    (root / "pyproject.toml").write_text("", encoding="utf-8")
    (root / "data" / "course.toml").write_text(
        """
[[lesson]]
id = "05a-first"
file = "05a-first.ipynb"
title = "First half"
minutes = 10
summary = "."

[[lesson]]
id = "05b-second"
file = "05b-second.ipynb"
title = "Second half"
minutes = 10
summary = "."

[[retired]]
id = "05-whole"
became = ["05a-first", "05b-second"]
""",
        encoding="utf-8",
    )
    for ident, questions in {"05a-first": ["alpha", "beta"], "05b-second": ["gamma"]}.items():
        body = f'notebook = "{ident}"\ntitle = "{ident}"\n' + "".join(QUESTION.format(qid=q) for q in questions)
        (root / "data" / "quizzes" / f"{ident}.toml").write_text(body, encoding="utf-8")
        (root / "notebooks" / f"{ident}.ipynb").write_text(nbformat.writes(nbformat.v4.new_notebook()), "utf-8")
    course._course.cache_clear()
    course._questions.cache_clear()
    progress = tmp_path / "class" / "ada.json"
    progress.parent.mkdir()
    attempts = [
        {"notebook": "05-whole", "question": "alpha", "attempt": 1, "answer": "second", "correct": False},
        {"notebook": "05-whole", "question": "alpha", "attempt": 2, "answer": "first", "correct": True},
        {"notebook": "05-whole", "question": "gamma", "attempt": 1, "answer": "first", "correct": True},
    ]
    progress.write_text(json.dumps({"format": "middlepowers-progress", "version": 1, "attempts": attempts}), "utf-8")
    yield root, progress
    course._course.cache_clear()
    course._questions.cache_clear()


def test_a_retired_id_maps_to_the_new_notebook_that_holds_the_question(split_course):
    root, _ = split_course
    assert course.current_notebook("05-whole", "alpha", root) == "05a-first"
    assert course.current_notebook("05-whole", "gamma", root) == "05b-second"
    assert course.current_notebook("05a-first", "alpha", root) == "05a-first"


def test_old_attempts_of_a_split_lesson_count_in_the_new_notebooks_summaries(split_course):
    root, progress = split_course
    first = Quiz("05a-first", path=root / "data" / "quizzes" / "05a-first.toml", progress=progress)
    assert "1 of 2 checks answered, 1 correct, 0 to revisit" in first.summary_text()
    assert "✔ alpha: correct (2 attempts)" in first.summary_text()
    assert first.wrong_attempts(first.question("alpha")) == 1
    second = Quiz("05b-second", path=root / "data" / "quizzes" / "05b-second.toml", progress=progress)
    assert "1 of 1 checks answered, 1 correct" in second.summary_text()


def test_starting_a_split_lesson_over_sets_its_old_attempts_aside_too(split_course):
    root, progress = split_course
    first = Quiz("05a-first", path=root / "data" / "quizzes" / "05a-first.toml", progress=progress)
    first.start_over()
    assert "0 of 2 checks answered" in first.summary_text()
    left = json.loads(progress.read_text())["attempts"]
    assert [a["question"] for a in left] == ["gamma"]  # the other half's attempt stays


def test_old_attempts_of_a_split_lesson_count_in_the_class_report(split_course, tmp_path):
    root, progress = split_course
    data = classreport.build(progress.parent, tmp_path / "report", root=root)
    assert "ada" in str(data.students)
    stats, _, unknown = classreport.summarise(data, classreport.quizzes(root), root)
    by = {(s.notebook, s.question.id): s for s in stats}
    assert not unknown
    assert by[("05a-first", "alpha")].tried == 1 and by[("05a-first", "alpha")].eventually == 1
    assert by[("05a-first", "alpha")].first_time == 0
    assert by[("05b-second", "gamma")].first_time == 1
    report = (tmp_path / "report" / "report.md").read_text(encoding="utf-8")
    assert "05-whole" not in report
