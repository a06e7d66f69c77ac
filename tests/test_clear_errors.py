"""The student-facing API says what to fix: no traceback from deep inside, no hang (issue 26, part 6)."""

from __future__ import annotations

import itertools
import signal
from pathlib import Path

import pytest

from middlepowers import _errors, checks, coalition, rhetoric
from middlepowers.checks import load_quiz
from middlepowers.paths import repo_root
from middlepowers.quiz import Quiz, QuizInputError

NB = "00-article-to-tidy-data"
QUIZ = load_quiz(repo_root() / "data" / "quizzes" / f"{NB}.toml", repo_root())


@pytest.fixture
def progress(tmp_path, monkeypatch):
    path = tmp_path / "progress.json"
    monkeypatch.setenv("MIDDLEPOWERS_PROGRESS", str(path))
    return path


@pytest.fixture
def deadline():
    """Fail (instead of hanging the run) when a call takes more than 5 s."""

    def alarm(signum, frame):
        raise AssertionError("no answer within 5 s: the input is not bounded")

    old = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(5)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


# --- the guard: only errors raised on purpose pass -----------------------------------------------


def _package_function(body: str):
    """A function whose code is in the package's folder, as a helper's would be."""
    namespace = {"__name__": "middlepowers.fake"}
    code = compile(f"def helper(x):\n    {body}\n", str(Path(_errors.__file__).with_name("fake.py")), "exec")
    exec(code, namespace)  # noqa: S102 - a test's own source
    namespace["helper"].__module__ = "middlepowers.fake"
    return namespace


class FakeError(ValueError):
    pass


@pytest.mark.parametrize("body", ["return x >= 3.84", "return x + 1", "return int(x)", "return {}[x]"])
def test_a_stray_error_from_the_packages_own_code_becomes_a_clear_one(body):
    namespace = _package_function(body)
    _errors.guard(FakeError, namespace)
    with pytest.raises(FakeError, match=r"helper\(\) cannot use this input .* It was given: x = str 'x'"):
        namespace["helper"]("x")


def test_errors_raised_on_purpose_pass_unchanged():
    namespace = _package_function("raise FakeError('x must be a number')")
    namespace["FakeError"] = FakeError
    _errors.guard(FakeError, namespace)
    with pytest.raises(FakeError, match="^x must be a number$"):
        namespace["helper"]("x")
    other = _package_function("raise CoalitionError('from another lesson module')")
    other["CoalitionError"] = coalition.CoalitionError
    _errors.guard(FakeError, other)
    with pytest.raises(coalition.CoalitionError, match="^from another lesson module$"):
        other["helper"]("x")
    assert {coalition.CoalitionError, rhetoric.RhetoricInputError} <= _errors.ON_PURPOSE


# --- rhetoric and coalition: the calls ------------------------------------------------------


@pytest.mark.parametrize("g2", ["x", None, float("nan"), [3.0], True])
def test_significance_wants_a_number(g2):
    with pytest.raises(rhetoric.RhetoricInputError, match="g2 must be a number"):
        rhetoric.significance(g2)


def test_significance_of_numbers():
    assert rhetoric.significance(20) == "p < 0.0001" and rhetoric.significance(0.5) == "not significant"


@pytest.mark.parametrize("min_count", ["x", None, 1.5, [2], True, -1])
def test_keyness_min_count_is_a_whole_number(min_count):
    tokens = rhetoric.as_tokens(["we", "build", "we", "them"]).assign(group=["a", "a", "b", "b"])
    with pytest.raises(rhetoric.RhetoricInputError, match="min_count must"):
        rhetoric.keyness(tokens, "group", "a", min_count=min_count)


@pytest.mark.parametrize("helper", [coalition.agreement_table, coalition.percent_agreement, coalition.cohen_kappa])
@pytest.mark.parametrize(
    ("a", "b"),
    [([["x"], ["y"]], [["x"], ["y"]]), (["x", {"y": 1}], ["x", "y"]), ({"S01": {}}, {"S01": "stage_1"})],
)
def test_unhashable_labels_get_a_clear_message(helper, a, b):
    with pytest.raises(coalition.CoalitionError, match="must be one category name"):
        helper(a, b)


def test_unhashable_categories_get_a_clear_message():
    with pytest.raises(coalition.CoalitionError, match="each category must be one name"):
        coalition.agreement_table(["a"], ["a"], categories=[["a"]])
    with pytest.raises(coalition.CoalitionError, match="categories must be a list"):
        coalition.agreement_table(["a"], ["a"], categories=5)


# --- quiz answers given in code --------------------------------------------------------------------


@pytest.mark.parametrize("answer", ["x", 5, ["S01"], object()])
def test_classify_view_value_of_the_wrong_kind(progress, answer):
    view = Quiz(NB).view("one-row-is")
    with pytest.raises(QuizInputError, match="e.g. {'"):
        view.value = answer
    view.value = {}  # the view still works
    assert "Nothing assigned" in view.check().message


@pytest.mark.parametrize("answer", [range(10**12), itertools.count(), 5])
def test_multiple_view_value_is_bounded(progress, deadline, answer):
    view = Quiz(NB).view("countries-mentioned")
    with pytest.raises(QuizInputError, match="e.g. \\['"):
        view.value = answer


@pytest.mark.parametrize("answer", [range(10**12), itertools.count(), (str(i) for i in itertools.count())])
@pytest.mark.parametrize("qid", ["countries-mentioned", "one-row-is"])
def test_check_reads_a_bounded_answer(deadline, answer, qid):
    result = checks.check(QUIZ.questions[qid], answer)
    assert result.correct is None and not result.counts
    assert f"more than {checks.MAX_ANSWERS} values" in result.message or "is not an answer here" in result.message


@pytest.mark.parametrize(("qid", "answer"), [("countries-mentioned", 5), ("one-row-is", 5), ("one-row-is", "x")])
def test_check_names_the_kind_of_answer(qid, answer):
    result = checks.check(QUIZ.questions[qid], answer)
    assert result.correct is None and "e.g." in result.message, result.message


def test_ordinary_answers_are_unchanged():
    q = QUIZ.questions["countries-mentioned"]
    right = [str(a) for a in q.get("answers")]
    assert checks.check(q, right).correct is True
    assert checks.check(q, tuple(right)).correct is True
    assert checks.check(q, iter(right)).correct is True
    c = QUIZ.questions["one-row-is"]
    pairs = [(str(i["key"]), str(i["answer"])) for i in c.get("items")]
    assert checks.check(c, dict(pairs)).correct is True and checks.check(c, pairs).correct is True
