"""Feedback that teaches, and code checks and quiz files that can't break (issue 15, parts 1 and 2).

Each test here that is marked "bug" failed on the code before the fix
(run against main's src/ with PYTHONPATH).
"""

from __future__ import annotations

import textwrap
import time

import pandas as pd
import pytest

from middlepowers import checks
from middlepowers.checks import QuizFormatError, load_quiz
from middlepowers.paths import data_dir, repo_root

QUIZ_FILES = sorted(data_dir("quizzes").glob("*.toml"))


def quiz(name):
    return load_quiz(data_dir("quizzes", f"{name}.toml"))


# ----------------------------------------------------------- part 1: feedback that teaches
def test_bug_numeric_mistake_tolerance_is_honoured():
    """5.53 is within the mistake's tolerance 0.1 of 5.5 (the percent change): it gets that feedback."""
    question = quiz("03-diversification").questions["points-not-percent"]
    result = checks.check(question, "5.53")
    assert result.correct is False
    assert any("percent change" in d for d in result.details), result.text()
    assert not checks.check(question, "5.7").details  # outside the tolerance: no mistake feedback


def feedback_counts() -> tuple[int, int]:
    """(wrong options and classify items with feedback of their own, all wrong options and items)."""
    have = total = 0
    for path in QUIZ_FILES:
        for q in load_quiz(path).questions.values():
            if q.type in ("single", "multiple"):
                right = {str(q.get("answer"))} if q.type == "single" else {str(a) for a in q.get("answers")}
                wrong = [o for o in q.get("options") if str(o["key"]) not in right]
                total += len(wrong)
                have += sum(bool(o.get("feedback")) for o in wrong)
            elif q.type == "classify":
                total += len(q.get("items"))
                have += sum(bool(i.get("feedback")) for i in q.get("items"))
    return have, total


def test_every_wrong_option_and_item_has_feedback():
    have, total = feedback_counts()
    assert have == total and total > 0


def test_every_wrong_answer_gets_some_feedback_text():
    """Pick every wrong option / wrong category in turn: the student always reads more than 'Not yet'."""
    for path in QUIZ_FILES:
        for q in load_quiz(path).questions.values():
            if q.type == "single":
                for o in q.get("options"):
                    if str(o["key"]) != str(q.get("answer")):
                        assert checks.check(q, o["key"]).details, (q.id, o["key"])
            elif q.type == "multiple":
                for o in q.get("options"):
                    if str(o["key"]) not in {str(a) for a in q.get("answers")}:
                        result = checks.check(q, [*q.get("answers"), o["key"]])
                        assert o["feedback"] in result.details, (q.id, o["key"])
            elif q.type == "classify":
                cats = [str(c["key"]) for c in q.get("categories")]
                for item in q.get("items"):
                    for cat in cats:
                        if cat != str(item["answer"]):
                            result = checks.check(q, {item["key"]: cat})
                            line = next(d for d in result.details if d.startswith(f"{item['key']}: not"))
                            assert len(line.split("'.", 1)[1].strip()) > 10, (q.id, item["key"], cat)


SINGLE = """
notebook = "{stem}"
{top}
[[questions]]
id = "q-one"
type = "single"
prompt = "Which?"
answer = "a"
explanation = "See S01."
[[questions.options]]
key = "a"
text = "A"
[[questions.options]]
key = "b"
text = "B"
{feedback}
"""


def write(tmp_path, text, stem="99-test", mode="w"):
    path = tmp_path / f"{stem}.toml"
    path.write_text(textwrap.dedent(text).replace("{stem}", stem), encoding="utf-8")
    return path


def test_validator_requires_feedback_on_every_wrong_option(tmp_path):
    path = write(tmp_path, SINGLE.format(stem="{stem}", top="", feedback=""))
    with pytest.raises(QuizFormatError) as info:
        load_quiz(path, root=repo_root())
    assert info.value.field == "options[2].feedback"


CLASSIFY = """
notebook = "{stem}"
[[questions]]
id = "sort"
type = "classify"
prompt = "Sort."
explanation = "S01."
[[questions.categories]]
key = "x"
label = "X"
[[questions.categories]]
key = "y"
label = "Y"
[[questions.categories]]
key = "z"
label = "Z"
[[questions.items]]
key = "one"
text = "One"
answer = "x"
feedback = {feedback}
"""


def test_classify_feedback_per_wrong_category(tmp_path):
    path = write(tmp_path, CLASSIFY.replace("{feedback}", '{ y = "Not y: S01.", z = "Not z: S01." }'))
    q = load_quiz(path, root=repo_root()).questions["sort"]
    assert "Not z: S01." in checks.check(q, {"one": "z"}).text()
    assert "Not y: S01." in checks.check(q, {"one": "y"}).text()
    path = write(tmp_path, CLASSIFY.replace("{feedback}", '{ y = "Not y: S01." }'))
    with pytest.raises(QuizFormatError) as info:
        load_quiz(path, root=repo_root())
    assert info.value.field == "items[1].feedback.z"


def test_explanation_after_the_second_wrong_attempt(tmp_path):
    q = quiz("00-article-to-tidy-data").questions["focus-table-section"]
    assert q.explain_after == 2
    wrong = next(o["key"] for o in q.get("options") if str(o["key"]) != str(q.get("answer")))
    first = checks.reveal(q, checks.check(q, wrong), 1)
    assert not first.explanation
    second = checks.reveal(q, checks.check(q, wrong), 2)
    assert second.explanation == q.explanation and "Why: " in second.text()
    path = write(tmp_path, SINGLE.format(stem="{stem}", top="explain_after = 3", feedback='feedback = "S01"'))
    assert load_quiz(path, root=repo_root()).questions["q-one"].explain_after == 3
    path = write(tmp_path, SINGLE.format(stem="{stem}", top="explain_after = 0", feedback='feedback = "S01"'))
    with pytest.raises(QuizFormatError, match="explain_after"):
        load_quiz(path, root=repo_root())


def test_widget_shows_explanation_after_two_wrong_attempts(tmp_path):
    from middlepowers.quiz import Quiz

    view = Quiz("00-article-to-tidy-data", progress=tmp_path / "p.json").view("how-many-sentences")
    view.control.value = "25"
    view.button.click()
    assert "Why:" not in view.feedback.value
    view.button.click()
    assert "Why:" in view.feedback.value and "S27" in view.feedback.value


def test_partly_right_says_what_to_do_next():
    q = quiz("00-article-to-tidy-data").questions["countries-mentioned"]
    right = [str(a) for a in q.get("answers")]
    wrong = next(str(o["key"]) for o in q.get("options") if str(o["key"]) not in right)
    message = checks.check(q, [right[0], wrong]).message
    assert message.startswith(checks.PARTLY)
    assert "untick" in message and "tick" in message and "press Check again" in message
    assert "options right" not in message  # the old "2 of 4 options right" counted unticked wrong options as right
    q = quiz("00-article-to-tidy-data").questions["one-row-is"]
    message = checks.check(q, {"sentences": "sentence", "tokens": "entity"}).message
    assert "Change the 1 item named below" in message and "assign the 2 items left open" in message


# ----------------------------------------------------------- part 2: code checks that can't break
CODE = checks.Question(
    "c",
    "code",
    "Write f.",
    {
        "function": "f",
        "timeout": 2,
        "explanation": "S01",
        "cases": [{"name": "text", "args": [], "expect": "S01"}, {"name": "flag", "args": [], "expect": True}],
    },
)


class BadRepr:
    def __repr__(self):
        raise RuntimeError("no repr")


class BadLen(list):
    def __len__(self):
        raise RuntimeError("no len")


class BadBool:
    def __bool__(self):
        raise RuntimeError("no bool")

    def __eq__(self, other):
        return self  # comparing gives an object whose truth value raises


class BadStr(Exception):
    def __str__(self):
        raise RuntimeError("no str")


@pytest.mark.parametrize(
    "returned",
    [
        pd.Series(["S01", "S02"]),
        pd.DataFrame({"a": [1]}),
        pd.Series([True]),
        BadRepr(),
        BadBool(),
        BadLen([1]),
        float("nan"),
        b"S01",
        object(),
    ],
    ids=["series", "frame", "bool-series", "bad-repr", "bad-bool", "bad-len", "nan", "bytes", "object"],
)
def test_bug_any_return_value_gets_a_message(returned):
    result = checks.check_code(CODE, lambda: returned, root=repo_root())
    assert result.correct is False and result.message.startswith(checks.NOT_YET), result.text()
    case = {"expect_rows": 2}
    assert isinstance(checks.judge_case(case, returned), str)


def test_bug_exception_whose_str_raises():
    def f():
        raise BadStr()

    result = checks.check_code(CODE, f, root=repo_root())
    assert result.correct is False and "raised BadStr" in result.message


def test_bug_time_limit_holds_when_the_loop_catches_exception():
    def stubborn():
        while True:
            try:
                time.sleep(0.01)
            except Exception:  # noqa: BLE001 - what a student might write
                pass

    start = time.monotonic()
    result = checks.check_code(CODE, stubborn, root=repo_root())
    assert time.monotonic() - start < 4  # limit 2 s, one case
    assert "took longer than 2 s" in result.message


def test_even_a_bare_except_and_system_exit_cannot_stop_the_check():
    def bare():
        while True:
            try:
                time.sleep(0.01)
            except:  # noqa: E722
                pass

    assert "took longer" in checks.check_code(CODE, bare, root=repo_root()).message

    def leave():
        raise SystemExit(3)

    assert "raised SystemExit" in checks.check_code(CODE, leave, root=repo_root()).message


def test_printing_in_the_function_still_shows(capsys):
    def chatty():
        print("working on it")
        return "S01"

    checks.check_code(CODE, chatty, root=repo_root())
    assert "working on it" in capsys.readouterr().out


def test_a_right_function_still_passes_and_inputs_stay_fresh():
    q = quiz("00-article-to-tidy-data").questions["count-per-section"]
    assert checks.check_code(q, lambda s: s.groupby("section_id").size(), root=repo_root()).correct is True


# ----------------------------------------------------------- part 2: every field type-checked, bad files
CODE_FILE = """
notebook = "{stem}"
[[questions]]
id = "c"
type = "code"
prompt = "Write f."
function = "f"
explanation = "S02"
[[questions.cases]]
name = "one"
args = [1]
expect = 1
"""


@pytest.mark.parametrize(
    "change, field",
    [
        (('name = "one"', "name = 5"), "cases[1].name"),
        (("expect = 1", 'expect = 1\ntolerance = "small"'), "cases[1].tolerance"),
        (("expect = 1", "expect = 1\nfeedback = 3"), "cases[1].feedback"),
        (("expect = 1", 'expect = 1\nselect = ["a"]'), "cases[1].select"),
        (("expect = 1", "expect_rows = -1"), "cases[1].expect_rows"),
        (("expect = 1", 'expect_columns = "a"'), "cases[1].expect_columns"),
        (("expect = 1", 'expect = 1\nexpect_type = "frame"'), "cases[1].expect_type"),
        (("expect = 1", 'expect = "x"\ncompare = "approx"'), "cases[1].expect"),
        (("args = [1]", "args = 1"), "cases[1].args"),
        (("args = [1]", "kwargs = [1]"), "cases[1].kwargs"),
        (("args = [1]", 'args = [[{ table = "nope" }]]'), "cases[1].args[1][1]"),
        (('function = "f"', 'function = "f"\ntimeout = "5"'), "timeout"),
        (('function = "f"', "function = 5"), "function"),
    ],
)
def test_code_case_fields_are_type_checked(tmp_path, change, field):
    path = write(tmp_path, CODE_FILE.replace(*change))
    with pytest.raises(QuizFormatError) as info:
        load_quiz(path, root=repo_root())
    assert (info.value.question, info.value.field) == ("c", field), str(info.value)


@pytest.mark.parametrize(
    "change, field",
    [
        (('text = "B"', "text = 5"), "options[2].text"),
        (('text = "B"', 'text = "B"\ncolour = "red"'), "options[2].colour"),
        (('answer = "a"', "answer = 1.0"), "answer"),
        (('prompt = "Which?"', "prompt = []"), "prompt"),
        (('prompt = "Which?"', 'prompt = "Which?"\nhint = 4'), "hint"),
    ],
)
def test_choice_fields_name_the_exact_field(tmp_path, change, field):
    text = SINGLE.format(stem="{stem}", top="", feedback='feedback = "S01"').replace(*change)
    with pytest.raises(QuizFormatError) as info:
        load_quiz(write(tmp_path, text), root=repo_root())
    assert info.value.field == field, str(info.value)


NUMERIC = """
notebook = "{stem}"
[[questions]]
id = "n"
type = "numeric"
prompt = "How many?"
answer = 27
explanation = "S27."
"""


@pytest.mark.parametrize(
    "extra, field",
    [
        ("mistakes = 5", "mistakes"),
        ('[[questions.mistakes]]\nvalue = "25"\nfeedback = "S01"', "mistakes[1].value"),
        ('[[questions.mistakes]]\nvalue = 25\ntolerance = -1\nfeedback = "S01"', "mistakes[1].tolerance"),
        ('[[questions.mistakes]]\nvalue = 25\nfeedbak = "S01"', "mistakes[1].feedbak"),
        ("tolerance = true", "tolerance"),
    ],
)
def test_bug_numeric_fields_give_a_message(tmp_path, extra, field):
    with pytest.raises(QuizFormatError) as info:
        load_quiz(write(tmp_path, NUMERIC + extra), root=repo_root())
    assert info.value.field == field, str(info.value)


def test_bug_bad_files_give_a_message(tmp_path):
    folder = tmp_path / "97-folder.toml"
    folder.mkdir()
    with pytest.raises(QuizFormatError, match="directory"):
        load_quiz(folder, root=repo_root())
    latin = tmp_path / "96-latin.toml"
    latin.write_bytes('notebook = "96-latin"\ntitle = "Caf\xe9"\n'.encode("latin-1"))
    with pytest.raises(QuizFormatError, match="UTF-8"):
        load_quiz(latin, root=repo_root())
    with pytest.raises(QuizFormatError, match="file not found"):
        load_quiz(tmp_path / "95-missing.toml", root=repo_root())
    junk = tmp_path / "94-junk.toml"
    junk.write_bytes(bytes(range(256)))
    with pytest.raises(QuizFormatError):
        load_quiz(junk, root=repo_root())
    for text in (
        "questions = 5\nnotebook = '93-x'",
        "notebook = '93-x'\nquestions = [5]",
        "notebook = '93-x'\nexplain_after = 'two'\n[[questions]]\nid='a'",
    ):
        path = tmp_path / "93-x.toml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(QuizFormatError):
            load_quiz(path, root=repo_root())


def test_cli_reports_a_directory_without_traceback(tmp_path, capsys):
    from middlepowers.quiz import main

    assert main([str(tmp_path)]) == 1
    assert "FAIL" in capsys.readouterr().out
