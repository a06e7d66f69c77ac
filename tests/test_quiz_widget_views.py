"""Quiz widgets without a browser: set a value, click, read the feedback and the progress file."""

from __future__ import annotations

import json

import pytest

from middlepowers.quiz import CodeCheckView, QuestionView, Quiz, SummaryView

NB = "00-article-to-tidy-data"


@pytest.fixture
def progress(tmp_path, monkeypatch):
    path = tmp_path / "progress.json"
    monkeypatch.setenv("MIDDLEPOWERS_PROGRESS", str(path))
    return path


def saved(path):
    return json.loads(path.read_text(encoding="utf-8"))["attempts"]


def lesson_checks(notebook: str) -> int:
    """How many checks the lesson part of ``notebook`` has (read from its quiz file, not written here)."""
    return sum(q.part == "lesson" for q in Quiz(notebook).spec.questions.values())


def test_single_click_gives_feedback_and_saves_every_attempt(progress):
    view = Quiz(NB).view("focus-table-section")
    assert "mp-question" in view._dom_classes and "mp-q-focus-table-section" in view._dom_classes
    assert "mp-check" in view.button._dom_classes and "mp-feedback" in view.feedback._dom_classes
    view.button.click()  # nothing selected
    assert "⚠ Nothing selected" in view.feedback.value and not progress.exists()
    view.control.value = "sec3"
    view.button.click()
    assert "✘ Not yet" in view.feedback.value and "Hint:" in view.feedback.value
    view.control.value = "sec5"
    view.button.click()
    assert "✔ Correct" in view.feedback.value and "SEC5" in view.feedback.value
    assert [(a["answer"], a["correct"], a["attempt"]) for a in saved(progress)] == [
        ("sec3", False, 1),
        ("sec5", True, 2),
    ]
    assert all(set(a) == {"notebook", "question", "attempt", "answer", "correct"} for a in saved(progress))


def test_numeric_text_box_odd_input(progress):
    view = Quiz(NB).view("how-many-sentences")
    assert "sentences" in view.control.description  # labelled, with the unit
    for odd in ("", "lots", "1e309", "nan"):
        view.control.value = odd
        view.button.click()
        assert "⚠" in view.feedback.value and "Traceback" not in view.feedback.value
    view.control.value = "27"
    view.button.click()
    assert "✔ Correct" in view.feedback.value
    assert [a["answer"] for a in saved(progress)] == ["27"]


def test_multiple_classify_and_reflection_widgets(progress):
    quiz = Quiz(NB)
    multi = quiz.view("countries-mentioned")
    for key in ("canada", "usa", "russia", "china"):
        multi.controls[key].value = True
    multi.button.click()
    assert "✔ Correct" in multi.feedback.value
    classify = quiz.view("one-row-is")
    assert all(d.description.endswith(".csv") for d in classify.controls.values())
    classify.controls["sentences"].value = "sentence"
    classify.button.click()
    assert "◐ Partly right: 1 of 4" in classify.feedback.value
    reflection = quiz.view("what-tables-miss")
    assert reflection.button.description == "Save"
    reflection.control.value = "Tone: S12 quotes only two of Trump's words, so the tables cannot show the rest."
    reflection.button.click()
    assert "✎ Saved" in reflection.feedback.value
    answers = {a["question"]: a for a in saved(progress)}
    assert answers["what-tables-miss"]["correct"] is None
    assert answers["countries-mentioned"]["answer"] == ["canada", "usa", "russia", "china"]


def test_last_answer_is_restored_after_restart(progress):
    view = Quiz(NB).view("what-tables-miss")
    view.control.value = "My long reflection about what tables miss in the sentence S12 and S13."
    view.button.click()
    again = Quiz(NB).view("what-tables-miss")  # a new kernel: a new Quiz object
    assert again.control.value == view.control.value
    assert "attempt 1" in again.feedback.value


def test_plain_text_fallback_is_readable_and_deterministic(progress):
    quiz = Quiz(NB)
    text = quiz.view("focus-table-section")._repr_mimebundle_()["text/plain"]
    assert text == quiz.view("focus-table-section")._repr_mimebundle_()["text/plain"]
    assert text.splitlines()[0].startswith("Question (focus-table-section): The article contains")
    assert "( ) sec5. SEC5: Strategic Diversification Efforts" in text
    assert "model_id" not in text and "0x" not in text
    for qid in ("how-many-sentences", "one-row-is", "countries-mentioned", "what-tables-miss"):
        assert quiz.view(qid)._repr_mimebundle_()["text/plain"].startswith(f"Question ({qid}):")


def test_summary_deterministic_when_empty_and_counts_attempts(progress):
    quiz = Quiz(NB)
    empty = SummaryView(quiz)
    assert "mp-summary" in empty._dom_classes
    assert (
        empty._repr_mimebundle_()["text/plain"].splitlines()[0]
        == (
            "Progress in 00-article-to-tidy-data: 0 of 8 checks answered, 0 correct, 0 to revisit."  # 5 + 3 your-turn code checks
        )
    )
    view = quiz.view("how-many-sentences")
    view.control.value = "26"
    view.button.click()
    assert "↻ how-many-sentences: to revisit (1 attempt)" in empty.refresh()
    view.control.value = "27"
    view.button.click()
    assert "✔ how-many-sentences: correct (2 attempts)" in quiz.summary_text()


def test_code_check_view_and_saved_source(progress):
    quiz = Quiz(NB, part="worksheet")

    def sentences_per_section(sentences):
        return sentences.groupby("section_id").size()

    result, notice = quiz.grade_code("count-per-section", sentences_per_section)
    assert result.correct is True and notice == ""
    view = CodeCheckView(quiz.question("count-per-section"), result)
    bundle = view._repr_mimebundle_()
    assert bundle["text/plain"].startswith("Code check (count-per-section):\n✔ Correct")
    assert 'class="mp-feedback mp-q-count-per-section"' in bundle["text/html"]
    assert "groupby" in saved(progress)[0]["answer"]


def test_unknown_id_and_code_question_in_ask(progress):
    quiz = Quiz(NB)
    with pytest.raises(KeyError, match="known ids"):
        quiz.view("nope")
    with pytest.raises(ValueError, match="check_code"):
        QuestionView(quiz, quiz.question("count-per-section"))


def test_corrupt_progress_file_is_set_aside_with_a_visible_message(progress):
    progress.write_text('{"format": "middlepowers-progress", "attempts": [{not json', encoding="utf-8")
    view = Quiz(NB).view("how-many-sentences")
    view.control.value = "27"
    view.button.click()
    assert "could not be read" in view.feedback.value and "corrupt-1" in view.feedback.value
    assert "✔ Correct" in view.feedback.value
    assert (progress.parent / "progress.json.corrupt-1").read_text().endswith("{not json")
    assert len(saved(progress)) == 1


def test_summary_updates_after_each_check_without_its_button(progress):
    """Issue 27 item 3: a summary shown in the notebook follows every check answered below or above it."""
    quiz = Quiz(NB)
    summary = SummaryView(quiz)
    assert f"0 of {lesson_checks(NB)} checks answered" in summary._text
    view = quiz.view("how-many-sentences")
    view.control.value = "27"
    view.check()
    assert f"1 of {lesson_checks(NB)} checks answered, 1 correct" in summary._text and "✔" in summary.body.value
    worksheet = Quiz(NB, part="worksheet")
    sheet = SummaryView(worksheet)
    worksheet.grade_code("count-per-section", lambda s: s.groupby("section_id").size())
    assert "✔ count-per-section: correct (1 attempt)" in sheet._text


def test_a_restored_answer_says_whether_it_is_right(progress):
    """Issue 27 item 4: the answer filled in after a restart is judged again, and the check says how it went."""
    quiz = Quiz(NB)
    view = quiz.view("how-many-sentences")
    view.control.value = "27"
    view.check()
    assert (
        "Your last answer (attempt 1) is filled in: ✔ it is right."
        in Quiz(NB).view("how-many-sentences").feedback.value
    )
    view.control.value = "25"
    view.check()
    again = Quiz(NB).view("how-many-sentences")
    assert again.control.value == "25"
    assert "Your last answer (attempt 2) is filled in: ✘ it is not right yet." in again.feedback.value


def test_a_restored_answer_stored_as_correct_but_wrong_is_not_shown_right(progress):
    from middlepowers.progress import ProgressStore

    ProgressStore(progress).record(NB, "how-many-sentences", "3", True)  # a forged verdict
    assert "✘ it is not right yet" in Quiz(NB).view("how-many-sentences").feedback.value


def test_a_wrong_attempt_after_a_right_one_does_not_reveal_the_reasoning(progress):
    """Issue 27 item 5: right, then wrong, is one wrong attempt, not "You have tried 2 times"."""
    view = Quiz(NB).view("how-many-sentences")
    view.control.value = "27"
    view.check()
    view.control.value = "25"
    view.check()
    assert "You have tried" not in view.feedback.value and "Why:" not in view.feedback.value
    view.check()
    assert "You have tried 2 times" in view.feedback.value


def test_a_lesson_can_be_started_over_without_losing_an_attempt(progress, capsys):
    """Issue 27 item 4: ``quiz.start_over()`` sets the notebook's attempts aside (kept), others stay."""
    from middlepowers.progress import ProgressStore

    quiz = Quiz(NB)
    summary = SummaryView(quiz)
    view = quiz.view("how-many-sentences")
    view.control.value = "27"
    view.check()
    ProgressStore(progress).record("01-two-stage-program", "other-check", "a", False)
    quiz.start_over()
    assert "1 attempt at 00-article-to-tidy-data set aside in progress.json.start-over-1" in capsys.readouterr().out
    assert [a["notebook"] for a in saved(progress)] == ["01-two-stage-program"]
    aside = json.loads((progress.parent / "progress.json.start-over-1").read_text(encoding="utf-8"))["attempts"]
    assert [(a["question"], a["answer"]) for a in aside] == [("how-many-sentences", "27")]
    assert f"0 of {lesson_checks(NB)} checks answered" in summary._text
    assert Quiz(NB).view("how-many-sentences").control.value == ""
    quiz.start_over()
    assert "no saved attempts" in capsys.readouterr().out
