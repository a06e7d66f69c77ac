"""Fuzz suites: mutations of the real article, and hostile answers to every quiz check.

Both run with a fixed seed and a fixed number of cases (bounded time, the same
cases on every run):

* **Parser.** ``MUTATIONS`` mutated copies of the real article (lines deleted,
  duplicated, swapped or cut; characters inserted: quotation marks, pipes,
  asterisks, NUL, U+202E, CR, a BOM, lone surrogates; bytes flipped in the
  UTF-8 file). Each one parses into tables that keep every invariant (ids
  unique, every key joins, sentences rejoin to their paragraph) or raises
  ``ArticleFormatError`` naming a line of the text; nothing else escapes.
* **Quiz checks.** Every question of every quiz file meets hostile answers
  (huge, nested, NaN, infinities, markup, bytes, numbers too large for a
  float, objects whose ``str``/``==``/hash raise...) through
  :func:`checks.check`, and every code question meets
  hostile functions (raising, exiting, returning odd objects, mutating their
  input, hanging) through :func:`checks.check_code`. Each gives a ``Result``
  with a message; the feedback HTML never carries the answer's markup.
"""

from __future__ import annotations

import math
import random
import sys

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from middlepowers import checks
from middlepowers.article import ArticleFormatError, parse
from middlepowers.paths import article_path, data_dir, repo_root
from middlepowers.quiz import _html_result

sys.path.insert(0, str(repo_root() / "tests"))
from test_article_properties import check_invariants  # noqa: E402

MUTATIONS = 400
SEED = 16
ARTICLE = article_path().read_text(encoding="utf-8")
INSERTS = [
    '"',
    "\u201c",
    "\u201d",
    "|",
    "*",
    "\x00",
    "\u202e",
    "\r",
    "\ufeff",
    "\ud800",
    ". ",
    ":",
    "\n",
    "|---|",
    "Mark Carney",
    "U.S.",
    "\u2026",
    "(",
    "'",
    "\t",
    "#",
    "<script>",
    "\u0301",
]


def mutate(rng: random.Random, text: str) -> str | bytes:
    """One to three random edits of the article (lines or characters), sometimes of its UTF-8 bytes."""
    for _ in range(rng.randint(1, 3)):
        lines = text.split("\n")
        kind = rng.randrange(6)
        i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
        if kind == 0:
            del lines[i]
        elif kind == 1:
            lines.insert(i, lines[j])
        elif kind == 2:
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == 3:
            lines = lines[: i + 1]
            lines[-1] = lines[-1][: rng.randrange(len(lines[-1]) + 1)]
        else:
            line = lines[i]
            at = rng.randrange(len(line) + 1)
            lines[i] = line[:at] + rng.choice(INSERTS) + line[at:]
        text = "\n".join(lines) or text[:1]
    if rng.random() < 0.1:
        data = bytearray(text.encode("utf-8", "surrogatepass"))
        data[rng.randrange(len(data))] = rng.randrange(256)
        return bytes(data)
    return text


def test_mutated_articles_parse_or_raise_only_the_format_error():
    rng, outcomes = random.Random(SEED), {"parsed": 0, "format error": 0}
    for n in range(MUTATIONS):
        text = mutate(rng, ARTICLE)
        try:
            article = parse(text)
        except ArticleFormatError as error:
            outcomes["format error"] += 1
            as_text = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
            lines = len(as_text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
            # a line of the text, or the one after its last ("a summary paragraph after the title")
            assert error.expected and (error.line is None or 1 <= error.line <= lines + 1), (n, str(error))
            continue
        except Exception as error:  # pragma: no cover - the failure this suite exists for
            raise AssertionError(f"mutation {n} raised {type(error).__name__}: {error}\n{text!r}"[:2000]) from error
        check_invariants(article)
        outcomes["parsed"] += 1
    assert outcomes["parsed"] and outcomes["format error"]  # both paths were exercised
    print(f"\nparser fuzz: {MUTATIONS} mutations, {outcomes}")


# --- quiz checks ------------------------------------------------------------------------

QUESTIONS = [
    q
    for path in sorted(data_dir("quizzes").glob("*.toml"))
    for q in checks.load_quiz(path, root=repo_root()).questions.values()
]
SETTINGS = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


class Hostile:
    """An answer whose every conversion and comparison fails."""

    def __str__(self):
        raise RuntimeError("no str for you")

    __repr__ = __str__

    def __eq__(self, other):
        raise RuntimeError("no comparing")

    def __hash__(self):
        raise RuntimeError("no hashing")

    def __iter__(self):
        raise RuntimeError("no iterating")

    def __float__(self):
        raise RuntimeError("no float")


MARKUP = '<img src=x onerror="alert(1)">'
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=30),
    st.sampled_from(
        [
            MARKUP,
            "x" * 100_000,
            "\x00",
            "\u202e27",
            "27\u00a0",
            "٢٧",
            "1e309",
            "-0",
            "nan",
            "inf",
            "27 sentences",
            "  27  ",
            "2,7",
            "27/1",
            math.nan,
            math.inf,
            -math.inf,
            10**400,
            b"27",
        ]
    ),
)
answers = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.sets(st.text(max_size=5), max_size=4),
        st.dictionaries(st.text(max_size=8), inner, max_size=4),
    ),
    max_leaves=8,
)


@pytest.mark.parametrize("question", [q for q in QUESTIONS if q.type != "code"], ids=lambda q: q.id)
@SETTINGS
@given(answer=answers)
def test_hostile_answers_get_a_message_not_a_traceback(question, answer):
    result = checks.check(question, answer)
    assert isinstance(result, checks.Result) and result.lines() and all(result.lines())
    assert MARKUP not in _html_result(result)


@pytest.mark.parametrize("question", [q for q in QUESTIONS if q.type != "code"], ids=lambda q: q.id)
def test_answers_that_break_str_and_eq_get_a_message(question):
    """Objects whose str, repr, ==, hash and iteration raise (outside hypothesis, which would repr them)."""
    for answer in (Hostile(), [Hostile()], {"S04": Hostile()}, {Hostile: 1}):
        result = checks.check(question, answer)
        assert isinstance(result, checks.Result) and result.lines() and all(result.lines())


def _functions():
    def raises(*args, **kwargs):
        raise RuntimeError("student bug")

    def exits(*args, **kwargs):
        raise SystemExit(3)

    class Odd(BaseException):
        pass

    def odd(*args, **kwargs):  # (KeyboardInterrupt is left out: it is the kernel's interrupt and passes on)
        raise Odd("not an Exception")

    def mutates(*args, **kwargs):
        for arg in args:
            if hasattr(arg, "clear"):
                arg.clear()
            if hasattr(arg, "iloc") and len(arg):
                arg.iloc[0] = None  # overwrites a row of the table it was given

    def recurses(*args, **kwargs):
        return recurses(*args, **kwargs)

    return [
        raises,
        exits,
        odd,
        mutates,
        recurses,
        lambda *a, **k: None,
        lambda *a, **k: math.nan,
        lambda *a, **k: Hostile(),
        lambda *a, **k: MARKUP,
        lambda *a, **k: [[[[]]]],
        lambda *a, **k: (x for x in range(3)),
        lambda *a, **k: 10**400,
        lambda: 1,
        "not a function",
        None,
        print,
    ]


@pytest.mark.parametrize("question", [q for q in QUESTIONS if q.type == "code"], ids=lambda q: q.id)
def test_hostile_functions_get_a_message_not_a_traceback(question):
    for func in _functions():
        result = checks.check_code(question, func, root=repo_root())
        assert isinstance(result, checks.Result) and result.lines() and all(result.lines()), func
        assert MARKUP not in _html_result(result)
