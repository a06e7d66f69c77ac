"""Lesson 02 in two sittings (issue 24, parts 4 and 5).

``notebooks/02-trump-rhetoric.ipynb`` became ``02a-reading-the-reporter`` and
``02b-measuring-both-sides`` (``data/course.toml``, ``[[retired]]``). Its question ids keep their
meaning: each lives in exactly one half's quiz file, or is retired for good; each half fits one
sitting; the old notebook is named nowhere any more, except where a name must stay: the retired
table, the worksheet's file name (kept; it follows 02b) and the CHANGELOG.
"""

from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

import pytest

from mpcourse import timing

ROOT = Path(__file__).resolve().parents[1]
OLD = "02-trump" + "-rhetoric"  # spelled apart, so that this file does not name it
HALVES = ("02a-reading-the-reporter", "02b-measuring-both-sides")
#: Every question id of data/quizzes/02-trump-rhetoric.toml before the split.
OLD_QUESTION_IDS = (
    "claim-types own-words warning-verb distancing devices carney-pronouns modal-in-quote vader-united "
    "keyness-caveat article-vs-wire conclude not-exist ai-image ws-reporting-verbs ws-pronoun-profile "
    "ws-words-by-side ws-rate-per-100 ws-neutral-rewrite yt-sentences-per-side yt-find-word yt-per-100 "
    "yt-count-in s14-transcript"
).split()
#: A sitting: a lesson's reading and checks (its worksheet is homework).
SITTING_MINUTES = 60


def _course() -> dict:
    with open(ROOT / "data" / "course.toml", "rb") as handle:
        return tomllib.load(handle)


def _question_ids(notebook_id: str) -> list[str]:
    with open(ROOT / "data" / "quizzes" / f"{notebook_id}.toml", "rb") as handle:
        return [q["id"] for q in tomllib.load(handle)["questions"]]


def _retired() -> dict:
    return next(entry for entry in _course().get("retired", []) if entry["id"] == OLD)


def test_the_old_lesson_is_retired_into_its_two_halves():
    assert _retired()["became"] == list(HALVES)
    lessons = [entry.get("id") for entry in _course()["lesson"]]
    assert OLD not in lessons
    assert lessons.index(HALVES[0]) + 1 == lessons.index(HALVES[1]), "02a comes right before 02b"


@pytest.mark.parametrize("question_id", OLD_QUESTION_IDS)
def test_every_old_question_id_lives_in_exactly_one_half_or_is_retired(question_id):
    homes = [half for half in HALVES if question_id in _question_ids(half)]
    retired = question_id in _retired().get("questions", [])
    assert len(homes) + retired == 1, f"{question_id}: in {homes}, retired={retired}"


def test_a_retired_question_id_is_asked_nowhere():
    retired = set(_retired().get("questions", []))
    assert retired == {"claim-types"}
    for quiz in sorted((ROOT / "data" / "quizzes").glob("*.toml")):
        with open(quiz, "rb") as handle:
            ids = {q["id"] for q in tomllib.load(handle).get("questions", [])}
        assert not ids & retired, f"{quiz.name} reuses a retired question id: {sorted(ids & retired)}"
    for folder in ("notebooks", "solutions", "exercises"):
        for path in sorted((ROOT / folder).rglob("*.ipynb")):
            assert '"claim-types"' not in path.read_text(encoding="utf-8").replace('\\"', '"'), path


def test_the_quote_paraphrase_framing_sort_is_asked_at_most_twice():
    """Issue 24 part 5: of quote-or-frame, claim-types and who-says-it, at most two remain, each asked once."""
    asked = {}
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for qid in re.findall(r'quiz\.ask\(\\"(quote-or-frame|claim-types|who-says-it)\\"\)', path.read_text("utf-8")):
            asked.setdefault(qid, []).append(path.name)
    assert len(asked) <= 2 and all(len(where) == 1 for where in asked.values()), asked


@pytest.mark.parametrize("half", HALVES)
def test_each_half_fits_one_sitting(half):
    estimate = timing.estimate(half, ROOT)
    assert estimate.reading + estimate.checks <= SITTING_MINUTES, estimate
    stated = timing.stated(ROOT)[half]
    assert stated["reading"] + stated["checks"] <= SITTING_MINUTES, stated


#: Lesson 02's one worksheet, in exercises/ and solutions/ (its file name is not a notebook id).
SHEET = f"worksheet-{OLD}.ipynb"


def test_the_worksheet_follows_the_measuring_half():
    by_id = {entry.get("id"): entry for entry in _course()["lesson"]}
    assert by_id[HALVES[1]].get("worksheet") == SHEET
    assert "worksheet" not in by_id[HALVES[0]]
    assert f'Quiz(\\"{HALVES[1]}\\", part=\\"worksheet\\")' in (ROOT / "solutions" / SHEET).read_text("utf-8")


def _text_files() -> list[Path]:
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    paths = [ROOT / name for name in listed.decode().split("\0") if name]
    out = []
    for path in paths:
        try:
            out.append((path, path.read_text(encoding="utf-8")))
        except (UnicodeDecodeError, FileNotFoundError, IsADirectoryError):
            continue
    return out


#: Files that may name the old lesson: the history, and benchmark figures measured on it (they name
#: the tree they ran on; `make bench-*` replaces them with figures of the new notebooks).
MAY_NAME_IT = {"CHANGELOG.md", "bench-results.json", "tests/test_lesson_02_split.py"}


def test_the_old_notebook_is_gone_everywhere():
    assert not (ROOT / "notebooks" / f"{OLD}.ipynb").exists()
    allowed = re.compile(re.escape(SHEET))  # lesson 02's worksheet: a file name, not the retired id
    found = []
    for path, text in _text_files():
        rel = path.relative_to(ROOT).as_posix()
        if rel in MAY_NAME_IT:
            continue
        if rel == "data/course.toml":
            text = re.sub(r"(?ms)^\[\[retired\]\]\n.*?(?=^\[|\Z)", "", text)
        text = allowed.sub("", text)
        for line_no, line in enumerate(text.splitlines(), 1):
            if OLD in line:
                found.append(f"{rel}:{line_no}: {line.strip()[:120]}")
    assert not found, "the retired lesson is still named:\n" + "\n".join(found)


def _markdown(notebook: str) -> list[str]:
    import nbformat

    nb = nbformat.read(ROOT / "notebooks" / notebook, as_version=4)
    return [cell.source for cell in nb.cells if cell.cell_type == "markdown"]


def test_carney_is_never_quoted_is_stated_once_and_linked_afterwards():
    """Issue 24 part 5: stated where first shown (lesson 00, the quotations step), linked from every later lesson."""
    first = _markdown("00-article-to-tidy-data.ipynb")
    step = next(i for i, s in enumerate(first) if s.startswith("## Step 6 · Quotations"))
    stated = [i for i, s in enumerate(first) if "Carney is never quoted" in s]
    assert stated and all(step <= i for i in stated), stated
    link = "](00-article-to-tidy-data.ipynb)"
    for lesson in ("01-two-stage-program.ipynb", *(f"{h}.ipynb" for h in HALVES), "03-diversification.ipynb"):
        cells = _markdown(lesson)
        said = [s for s in cells if re.search(r"never (?:directly )?quoted|no quoted words|never quotes Carney", s)]
        assert any("Carney is never quoted" in s and link in s for s in said), f"{lesson} does not link to lesson 00"
        for s in said:
            for sentence in re.split(r"(?<=[.!?])\s+", s):
                if re.search(r"Carney is never quoted|no quoted words", sentence):
                    assert link in sentence, f"{lesson}: says it again without the link: {sentence[:120]}"
