"""The plain checkers behind every quiz widget, and quiz-file validation."""

from __future__ import annotations

import textwrap

import pandas as pd
import pytest

from middlepowers import checks
from middlepowers.checks import QuizFormatError, load_quiz
from middlepowers.paths import data_dir, repo_root

QUIZ_FILES = sorted(data_dir("quizzes").glob("*.toml"))
Q00 = load_quiz(data_dir("quizzes", "00-article-to-tidy-data.toml"))


def q(qid):
    return Q00.questions[qid]


@pytest.mark.parametrize("path", QUIZ_FILES, ids=lambda p: p.name)
def test_every_quiz_file_is_valid(path):
    spec = load_quiz(path)
    assert spec.notebook == path.stem
    for question in spec.questions.values():
        if question.type != "reflection":
            assert checks.CITE_RE.search(question.explanation)


def test_there_is_a_quiz_for_notebook_00_with_four_quick_checks_of_three_types():
    lesson = [x for x in Q00.questions.values() if x.part == "lesson"]
    assert len(lesson) >= 4 and len({x.type for x in lesson}) >= 3


# ----------------------------------------------------------- answers agree with the data
def test_quiz_00_answers_are_computed_from_the_tables():
    sentences = pd.read_csv(data_dir("tables", "sentences.csv"))
    focus = pd.read_csv(data_dir("tables", "focus_areas.csv"))
    quotes = pd.read_csv(data_dir("tables", "quotes.csv"))
    entities = pd.read_csv(data_dir("tables", "entities.csv"))
    mentions = pd.read_csv(data_dir("tables", "mentions.csv"))
    assert q("how-many-sentences").get("answer") == len(sentences)
    assert {f"sec{s[3:]}" for s in focus.section_id} == {q("focus-table-section").get("answer")}
    fragment = quotes.loc[quotes.kind == "fragment", "quote_id"].str.lower().tolist()
    assert fragment == [q("which-quote-fragment").get("answer")]
    mentioned = set(mentions.merge(entities, on="entity_id").query("entity_type == 'country'").entity_id)
    assert set(q("countries-mentioned").get("answers")) == mentioned


# ----------------------------------------------------------- single / multiple / classify
def test_single_correct_wrong_and_odd():
    question = q("focus-table-section")
    assert checks.check(question, "sec5").correct is True
    assert checks.check(question, "sec5").message.startswith("✔")
    wrong = checks.check(question, "sec3")
    assert wrong.correct is False and wrong.message.startswith("✘") and "S06-S10" in wrong.text()
    assert wrong.hint and "Why:" not in wrong.text()
    for odd in (None, "", "zzz", 3.5, ["sec5"]):
        result = checks.check(question, odd)
        assert result.correct is None and not result.counts and result.message.startswith("⚠")


def test_multiple_partial_and_exact():
    question = q("countries-mentioned")
    assert checks.check(question, ["canada", "usa", "russia", "china"]).correct is True
    assert checks.check(question, ("china", "russia", "usa", "canada")).correct is True
    partial = checks.check(question, ["canada", "europe"])
    assert partial.correct is False and partial.message.startswith("◐")
    assert "region" in partial.text()
    assert checks.check(question, []).counts is False
    assert checks.check(question, None).counts is False


def test_classify_partial_missing_and_correct():
    question = q("one-row-is")
    right = {"sentences": "sentence", "tokens": "token", "mentions": "mention", "entities": "entity"}
    assert checks.check(question, right).correct is True
    partial = checks.check(question, {"sentences": "sentence", "tokens": "entity"})
    assert partial.correct is False and "1 of 4" in partial.message
    assert "Not assigned yet: mentions, entities." in partial.text()
    assert checks.check(question, {}).counts is False
    assert checks.check(question, {"sentences": "nonsense"}).correct is None


# ----------------------------------------------------------- numeric
@pytest.mark.parametrize("typed", ["27", " 27 ", "27.0", "2.7e1", 27, 27.0])
def test_numeric_accepts_forms_of_the_right_number(typed):
    assert checks.check(q("how-many-sentences"), typed).correct is True


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        None,
        "twenty-seven",
        "27 sentences",
        "1e309",
        "-1e309",
        "inf",
        "nan",
        "NaN",
        float("nan"),
        float("inf"),
        10**400,
        True,
    ],
)
def test_numeric_odd_input_is_friendly_and_not_counted(typed):
    result = checks.check(q("how-many-sentences"), typed)
    assert result.correct is None and not result.counts
    assert result.message.startswith("⚠") and "Traceback" not in result.text()


def test_numeric_wrong_value_gets_mistake_feedback_and_tolerance_works():
    wrong = checks.check(q("how-many-sentences"), "24")
    assert wrong.correct is False and "title (S01)" in wrong.text()
    loose = checks.Question("x", "numeric", "p", {"answer": 1.5, "tolerance": 0.1, "explanation": "S01"})
    assert checks.check_numeric(loose, "1,6").correct is None  # a decimal comma is not a thousands comma
    assert checks.check_numeric(loose, "1.58").correct is True
    assert checks.check_numeric(loose, "1.7").correct is False
    big = checks.Question("y", "numeric", "p", {"answer": 1000, "explanation": "S01"})
    assert checks.check_numeric(big, "1,000").correct is True


# ----------------------------------------------------------- reflection
def test_reflection_saved_not_graded_and_too_short_is_nudged():
    question = q("what-tables-miss")
    short = checks.check(question, "tone")
    assert short.correct is None and not short.counts and "at least 10 words" in short.message
    long = checks.check(question, "The tables cannot show tone, because S12 quotes only two words of the speech.")
    assert long.correct is None and long.counts and long.message.startswith("✎ Saved")


# ----------------------------------------------------------- code checks
def per_section(s):
    return s.groupby("section_id").size()


def test_code_check_accepts_several_correct_styles():
    question = q("count-per-section")
    assert checks.check_code(question, per_section).correct is True
    assert checks.check_code(question, lambda s: s["section_id"].value_counts()).correct is True
    assert checks.check_code(question, lambda s: dict(s.groupby("section_id").size())).correct is True
    assert checks.check_code(question, lambda s: s.groupby("section_id").size().reset_index()).correct is True


def test_code_check_names_the_failing_case():
    question = q("count-per-section")
    result = checks.check_code(question, lambda s: {"SEC1": 3})
    assert result.correct is False and result.message.startswith("✘ Not yet: Case 1 of 3 (the real sentences table)")
    empty_fails = checks.check_code(question, lambda s: s.groupby("section_id").size() if len(s) else None)
    assert "Case 3 of 3" in empty_fails.message and "return" in empty_fails.message


def infinite(s):
    while True:
        pass


def test_code_check_odd_functions_are_friendly():
    question = q("count-per-section")
    cases = {
        "raises": (lambda s: s["nope"], "raised KeyError"),
        "none": (lambda s: None, "did you forget `return`?"),
        "type": (lambda s: "SEC1", "expected a table of values"),
        "loop": (infinite, "took longer than"),
        "zero": (lambda s: 1 / 0, "ZeroDivisionError"),
    }
    question.data["timeout"] = 1
    try:
        for name, (func, words) in cases.items():
            result = checks.check_code(question, func)
            assert result.correct is False, name
            assert words in result.message, (name, result.message)
            assert "Traceback" not in result.text()
    finally:
        question.data.pop("timeout")


def test_code_check_stub_and_non_function():
    question = q("count-per-section")

    def stub(sentences):
        raise NotImplementedError()

    result = checks.check_code(question, stub)
    assert result.correct is None and not result.counts and "not written yet" in result.message
    assert checks.check_code(question, per_section(pd.read_csv(data_dir("tables", "sentences.csv")))).counts is False
    assert "Pass your function itself" in checks.check_code(question, 42).message


def test_code_check_gets_fresh_tables_each_case():
    question = q("join-coding")

    def destructive(sentences, coding):
        out = sentences.merge(coding[["sentence_id", "attribution", "claim_type"]], on="sentence_id", how="left")
        sentences["sentence_id"] = "spoilt"  # spoil the input: the next case must not see it
        return out

    assert checks.check_code(question, destructive).correct is True


def test_timeout_off_the_main_thread():
    """Off the main thread the fallback abandons the call at its time limit (a daemon thread).

    The loop here stops once the test is over: a thread left spinning would hold the GIL for the rest of
    the pytest worker's life, slowing every later test in it and keeping the worker from finishing."""
    import threading

    over = threading.Event()

    def loops_until_the_test_ends(_):
        while not over.is_set():
            pass

    box = {}
    thread = threading.Thread(
        target=lambda: box.setdefault("r", checks.run_with_timeout(loops_until_the_test_ends, [None], {}, 0.5))
    )
    try:
        thread.start()
        thread.join(5)
        assert box["r"] == ("timeout", None)
    finally:
        over.set()


@pytest.mark.parametrize(
    "case, value, ok",
    [
        ({"expect": [1, 2], "compare": "set"}, pd.Series([2, 1]), True),
        ({"expect": [1, 2]}, (1, 2), True),
        ({"expect": 0.3, "compare": "approx", "tolerance": 1e-6}, 0.1 + 0.2, True),
        ({"expect": 0.3}, float("nan"), False),
        ({"expect": {"a": 2}, "compare": "counts"}, ["a", "a"], True),
        ({"expect_type": "DataFrame"}, [1], False),
        ({"expect_rows": 2}, 5, False),
        ({"select": "x", "expect": [1]}, pd.DataFrame({"y": [1]}), False),
        ({"expect": 1}, "1", False),
    ],
)
def test_judge_case(case, value, ok):
    assert (checks.judge_case(case, value) == "") is ok


# ----------------------------------------------------------- validation errors name file, id, field
GOOD = """
notebook = "{stem}"
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
feedback = "Not B: see S01."
"""


def write(tmp_path, text, stem="99-test"):
    path = tmp_path / f"{stem}.toml"
    path.write_text(textwrap.dedent(text).replace("{stem}", stem), encoding="utf-8")
    return path


def test_good_temp_file_loads(tmp_path):
    assert list(load_quiz(write(tmp_path, GOOD), root=repo_root()).questions) == ["q-one"]


@pytest.mark.parametrize(
    "change, qid, field",
    [
        (('answer = "a"', 'answer = "d"'), "q-one", "answer"),
        (('type = "single"', 'type = "singel"'), "q-one", "type"),
        (('explanation = "See S01."', 'explanation = "See the text."'), "q-one", "explanation"),
        (('prompt = "Which?"', 'promt = "Which?"'), "q-one", "promt"),
        (('id = "q-one"', 'id = "Q One"'), "Q One", "id"),
        (('notebook = "99-test"', 'notebook = "other"'), None, "notebook"),
        (('key = "b"', 'key = "a"'), "q-one", "options[2].key"),
    ],
)
def test_bad_entry_is_reported_by_file_id_and_field(tmp_path, change, qid, field):
    path = write(tmp_path, GOOD.replace("{stem}", "99-test").replace(*change))
    with pytest.raises(QuizFormatError) as info:
        load_quiz(path, root=repo_root())
    error = info.value
    assert (error.file, error.question, error.field) == ("99-test.toml", qid, field)
    assert "99-test.toml" in str(error) and field in str(error)


def test_bad_code_case_and_bad_toml(tmp_path):
    code = (
        GOOD
        + """
[[questions]]
id = "c"
type = "code"
prompt = "Write f."
function = "f"
explanation = "S02"
[[questions.cases]]
args = [{ table = "no_such_table" }]
expect = 1
"""
    )
    with pytest.raises(QuizFormatError) as info:
        load_quiz(write(tmp_path, code), root=repo_root())
    assert (info.value.question, info.value.field) == ("c", "cases[1].args[1]")
    with pytest.raises(QuizFormatError, match="not valid TOML"):
        load_quiz(write(tmp_path, "notebook = ", stem="98-broken"), root=repo_root())


def test_cli_reports_bad_file(tmp_path, capsys):
    from middlepowers.quiz import main

    bad = write(tmp_path, GOOD.replace('answer = "a"', 'answer = "z"'))
    assert main([str(bad)]) == 1
    assert "question 'q-one', field 'answer'" in capsys.readouterr().out
    assert main([str(p) for p in QUIZ_FILES]) == 0


def test_a_series_is_not_the_sorted_list_a_task_asks_for():
    """Issue 27 item 5: a pandas Series returned for "the sorted list of sentence ids" does not pass."""
    question = next(
        q
        for path in QUIZ_FILES
        for q in load_quiz(path, root=repo_root()).questions.values()
        if q.id == "ws-stage-sentences"
    )
    for case in question.get("cases"):
        if case.get("expect"):
            why = checks.judge_case(case, pd.Series(case["expect"]))
            assert "got a pandas Series" in why and ".tolist()" in why
            assert checks.judge_case(case, list(case["expect"])) == ""


# ----------------------------------------------------------- a novice's two commonest slips, said plainly
def test_a_missing_column_names_the_columns_the_table_has():
    """``table["section"]`` on a table without that column: the student learns which columns there are."""
    result = checks.check_code(q("count-per-section"), lambda s: s.groupby("section").size())
    assert result.correct is False
    assert "KeyError: 'section'" in result.message
    assert "the table has no column 'section'" in result.message
    assert "section_id" in result.message  # one of the columns it does have


def test_a_key_that_is_not_a_column_is_not_called_one():
    """A KeyError from a dict the student built is not about a table's columns."""
    result = checks.check_code(q("count-per-section"), lambda s: {}["SEC1"])
    assert "KeyError: 'SEC1'" in result.message and "no column" not in result.message


@pytest.mark.parametrize(
    ("case", "value", "words"),
    [
        ({"expect_type": "int"}, "3", "expected a value of type int, got a value of type str"),
        ({"expect": 3}, "3", "expected a number, got a value of type str"),
        ({"expect": "a"}, 1, "expected 'a' (a value of type str), got a value of type int"),
        ({"expect_columns": ["x"]}, [1], "expected a DataFrame with columns ['x'], got a value of type list"),
    ],
)
def test_type_mismatch_reads_as_english(case, value, words):
    """Not "expected a int, got a str": every type name reads after the same words."""
    assert checks.judge_case(case, value) == words
