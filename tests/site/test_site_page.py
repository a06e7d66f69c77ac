"""The page's checks as a reader can break them: a tampered local storage, odd text in a quiz file.

A small page of real checks (one of each type the page answers, from a quiz
file) is written with ``mpcourse.sitechecks`` and the site's own scripts and
opened from disk in Chromium: no site build needed. Whatever local storage
holds for the lesson, every check is set up, the summary counts and Reset
works; a prompt with ``<!--<script>`` swallows no check after it.
"""

from __future__ import annotations

import dataclasses
import json
import shutil

import pytest
from site_driver import answer, right, wrong

from middlepowers.checks import load_quiz
from middlepowers.paths import repo_root
from mpcourse import sitechecks

ROOT = repo_root()
STATIC = ROOT / "tools" / "mpcourse" / "static"
LESSON = "notebooks/03"


def _questions(prompt=None):
    quiz = load_quiz(ROOT / "data" / "quizzes" / "03-diversification.toml", ROOT)
    first = {}
    for q in quiz.questions.values():
        if q.type in sitechecks.STATIC_TYPES:
            first.setdefault(q.type, q)
    qs = list(first.values())
    if prompt is not None:
        qs[0] = dataclasses.replace(qs[0], prompt=prompt, data={**qs[0].data, "prompt": prompt})
    return qs


def _page(tmp_path, qs):
    shutil.copy2(STATIC / "mpcheck.js", tmp_path / "mpcheck.js")
    (tmp_path / "mpcheck-texts.js").write_text(sitechecks.texts_js(), encoding="utf-8")
    body = "".join(sitechecks.check_html(q, LESSON) for q in qs) + sitechecks.summary_html(LESSON)
    page = tmp_path / "page.html"
    page.write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>checks</title>'
        '<script src="mpcheck-texts.js"></script></head><body>'
        f'{body}<script src="mpcheck.js"></script></body></html>',
        encoding="utf-8",
    )
    return page.as_uri()


@pytest.fixture
def reader(site_browser):
    context = site_browser.new_context()
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning") else None)
    page.errors = errors
    yield page
    context.close()


def _stores(qs):
    """What a reader (or a stale version of the page) can leave in local storage for the lesson."""
    yield from ["5", "{}", "[]", "null", '"x"', "{not json", "true"]
    for entry in (5, {}, [], None, "x", {"attempts": "2"}, {"attempts": -1}, {"attempts": 1e999}):
        yield json.dumps({q.id: entry for q in qs})
    for odd in (5, {}, [1], {"a": [1]}, "x", None, True):
        yield json.dumps({q.id: {"attempts": 2, "answer": odd, "correct": "yes"} for q in qs})


@pytest.mark.browser
def test_a_tampered_store_stops_nothing(reader, tmp_path):
    qs = _questions()
    url = _page(tmp_path, qs)
    reader.goto(url)
    for stored in _stores(qs):
        reader.evaluate("([k, v]) => localStorage.setItem(k, v)", ["mp-progress:" + LESSON, stored])
        reader.reload()
        reader.wait_for_selector("html[data-mp-ready='1']")
        ready = reader.eval_on_selector_all(".mp-check", "els => els.map(e => e.dataset.ready === '1')")
        assert ready == [True] * len(qs), f"store {stored}: set up {ready}"
        assert "checks answered" in reader.inner_text(".mp-summary-text"), stored
        q = qs[-1]
        verdict, text = answer(reader, q.id, q, right(q))  # a check still answers and saves
        assert verdict == "correct", (stored, text)
        reader.click(".mp-summary button.mp-reset")  # Reset is wired
        assert reader.evaluate("k => localStorage.getItem(k)", "mp-progress:" + LESSON) is None, stored
        assert reader.locator(".mp-check[data-verdict]").count() == 0, stored
        assert not reader.errors, (stored, reader.errors)


@pytest.mark.browser
@pytest.mark.parametrize("prompt", ["<!--<script>", "<!-- <script> -->", "</script><script>x()</script>"])
def test_odd_prompt_swallows_no_check(reader, tmp_path, prompt):
    qs = _questions(prompt)
    reader.goto(_page(tmp_path, qs))
    reader.wait_for_selector("html[data-mp-ready='1']")
    ready = reader.eval_on_selector_all(".mp-check", "els => els.map(e => e.dataset.ready === '1')")
    assert ready == [True] * len(qs), ready
    assert reader.inner_text(f".mp-check[data-qid='{qs[0].id}'] .mp-prompt") == prompt
    for q in qs:
        assert answer(reader, q.id, q, right(q))[0] == "correct", q.id
    assert not reader.errors, reader.errors


@pytest.mark.browser
def test_download_my_answers_is_a_file_the_class_report_grades_again(reader, tmp_path):
    """Issue 27 item 10: the page's download is a progress file; the report grades it again and joins it
    to the same student's kernel file (tests/test_classreport.py has the format's edge cases)."""
    from middlepowers.quiz import Quiz
    from mpcourse import classreport

    quiz = load_quiz(ROOT / "data" / "quizzes" / "03-diversification.toml", ROOT)
    qs = _questions()
    site = tmp_path / "site"
    site.mkdir()
    shutil.copy2(STATIC / "mpcheck.js", site / "mpcheck.js")
    (site / "mpcheck-texts.js").write_text(sitechecks.texts_js(), encoding="utf-8")
    body = "".join(sitechecks.check_html(q, LESSON, quiz.notebook) for q in qs) + sitechecks.summary_html(LESSON)
    (site / "page.html").write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>checks</title>'
        f'<script src="mpcheck-texts.js"></script></head><body>{body}<script src="mpcheck.js"></script></body></html>',
        encoding="utf-8",
    )
    reader.goto((site / "page.html").as_uri())
    reader.wait_for_selector("html[data-mp-ready='1']")
    reader.click(".mp-summary button.mp-export")  # nothing answered yet: nothing to download
    assert "nothing to download" in reader.inner_text(".mp-summary-text")
    first, *rest = qs
    assert answer(reader, first.id, first, wrong(first))[0] == "wrong"
    for q in rest:  # wrong, then right
        assert answer(reader, q.id, q, wrong(q))[0] == "wrong"
        assert answer(reader, q.id, q, right(q))[0] == "correct"
    key = "mp-progress:" + LESSON
    reader.evaluate(  # a reader forges the first check's stored verdict
        "([k, qid]) => { const d = JSON.parse(localStorage.getItem(k)); d[qid].correct = true;"
        " localStorage.setItem(k, JSON.stringify(d)); }",
        [key, first.id],
    )
    with reader.expect_download() as got:
        reader.click(".mp-summary button.mp-export")
    download = got.value
    assert download.suggested_filename == "middlepowers-site-answers.json"
    student = tmp_path / "progress" / "alice"
    student.mkdir(parents=True)
    saved = student / download.suggested_filename
    download.save_as(saved)
    assert "Downloaded middlepowers-site-answers.json: 7 attempts" in reader.inner_text(".mp-summary-text")
    text = saved.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert classreport.SITE_HEADER.match(text.encode()) and lines[-1] == "]}" and len(lines) == 2 + 7
    records = json.loads(text)["attempts"]
    assert {r["notebook"] for r in records} == {quiz.notebook}
    assert sorted((r["question"], r["attempt"]) for r in records) == sorted(
        [(first.id, 1)] + [(q.id, n) for q in rest for n in (1, 2)]
    )
    assert [r for r in records if r["question"] == first.id][0]["correct"] is True  # as forged
    # the same student in the kernel: one right answer at the first check, before the site
    kernel = Quiz(quiz.notebook, progress=student / ".middlepowers-progress.json")
    view = kernel.view(first.id)
    view.value = right(first) if first.type != "multiple" else tuple(right(first))
    view.check()
    out = tmp_path / "report"
    data = classreport.build(tmp_path / "progress", out)
    assert list(data.students) == ["alice"] and len(data.students["alice"]) == 1 + 7 and data.skipped == []
    stats = {s.question.id: s for s in classreport.summarise(data, classreport.quizzes(ROOT))[0]}
    assert (stats[first.id].tried, stats[first.id].first_time) == (1, 1)  # the kernel's right answer came first
    for q in rest:
        s = stats[q.id]
        assert (s.tried, s.first_time, s.eventually, s.attempts) == (1, 0, 1, [2]), q.id
    # the forged verdict alone, without the kernel's answer: graded again, it is wrong
    (student / ".middlepowers-progress.json").unlink()
    data = classreport.build(tmp_path / "progress", tmp_path / "again")
    s = {s.question.id: s for s in classreport.summarise(data, classreport.quizzes(ROOT))[0]}[first.id]
    assert (s.tried, s.first_time, s.eventually) == (1, 0, 0)
    assert not reader.errors, reader.errors
