"""Units of the site builder: widget outputs to static HTML, table headers, link rewriting."""

from __future__ import annotations

import dataclasses
import json

import nbformat
import pandas as pd
import pytest
import site_driver  # noqa: F401 - puts tools/ on sys.path

from middlepowers.checks import load_quiz
from middlepowers.paths import repo_root
from mpcourse import sitechecks
from mpcourse.site import GITHUB_REPO, SiteError, name_index_headers, pages_url, stage, static_notebook

ROOT = repo_root()
QUIZ = load_quiz(ROOT / "data" / "quizzes" / "03-diversification.toml", ROOT)
WIDGET = {
    "application/vnd.jupyter.widget-view+json": {"model_id": "x", "version_major": 2, "version_minor": 0},
    "text/plain": "Something",
}


def _nb(source, data=WIDGET):
    cell = nbformat.v4.new_code_cell(source)
    cell.outputs = [nbformat.v4.new_output("display_data", data=data)]
    return nbformat.v4.new_notebook(cells=[cell], metadata={"widgets": {"state": {}}})


def test_quiz_widget_becomes_its_check():
    qid = next(q.id for q in QUIZ.questions.values() if q.type == "numeric")
    nb = static_notebook(_nb(f'quiz.ask("{qid}")'), QUIZ, "notebooks/03", "https://example.org/launch")
    (out,) = nb.cells[0].outputs
    assert list(out["data"]) == ["text/html"] and f'data-qid="{qid}"' in out["data"]["text/html"]
    assert "widgets" not in nb.metadata


def test_reflection_and_code_say_how_to_do_them_live():
    for kind in ("reflection", "code"):
        q = next(q for q in QUIZ.questions.values() if q.type == kind)
        call = f'quiz.ask("{q.id}")' if kind == "reflection" else f'quiz.check_code("{q.id}", f)'
        html = (
            static_notebook(_nb(call), QUIZ, "x", "https://example.org/launch").cells[0].outputs[0]["data"]["text/html"]
        )
        assert 'class="mp-live' in html and 'href="https://example.org/launch"' in html


def test_a_lessons_your_turn_check_points_to_the_launch_button():
    """No kernel on the site: a "your turn" code check in a lesson says to open that lesson live (issue 24, part 6)."""
    quiz = load_quiz(ROOT / "data" / "quizzes" / "00-article-to-tidy-data.toml", ROOT)
    nb = _nb('quiz.check_code("yt-quotes-per-speaker", quotes_per_speaker)')
    html = (
        static_notebook(nb, quiz, "notebooks/00", "https://example.org/launch").cells[0].outputs[0]["data"]["text/html"]
    )
    assert 'href="https://example.org/launch"' in html and "Open this lesson live" in html
    assert "worksheet" not in html and "<code>quotes_per_speaker</code>" in html


def test_an_unexplained_widget_stops_the_build():
    with pytest.raises(SiteError, match="no static view"):
        static_notebook(_nb("SomeNewWidget()"), QUIZ, "x", "u")
    with pytest.raises(SiteError, match="not in the quiz file"):
        static_notebook(_nb('quiz.ask("no-such-question")'), QUIZ, "x", "u")


def test_check_html_refuses_what_needs_a_kernel():
    q = next(q for q in QUIZ.questions.values() if q.type == "code")
    with pytest.raises(ValueError):
        sitechecks.check_html(q, "x")


def test_texts_come_from_the_checker():
    from middlepowers import checks

    assert checks.CORRECT in sitechecks.texts_js() and checks.PARTLY in sitechecks.texts_js()


@pytest.mark.parametrize(
    "frame",
    [
        pd.DataFrame({"a": [1], "b": [2]}),
        pd.DataFrame({"a": [1], "b": [2]}).rename_axis("who"),
        pd.DataFrame({"a": [1], "b": [2]}).set_index("a"),
        pd.crosstab(pd.Series(["x", "y"], name="rows"), pd.Series(["u", "v"], name="cols")),
        pd.DataFrame({"k": ["a"], "l": ["b"], "v": [1]}).set_index(["k", "l"]),
    ],
)
def test_no_empty_table_header_cell(frame):
    fixed = name_index_headers(frame.to_html())
    assert "<th></th>" not in fixed and fixed.count("<tr") == len(frame) + 1
    assert name_index_headers(fixed) == fixed


def test_answer_keys_only_on_request(tmp_path):
    student = stage(tmp_path / "s", ROOT)
    assert not [p for p in student if p.startswith("solutions/")]
    teacher = stage(tmp_path / "t", ROOT, instructor=True)
    assert sorted(p for p in teacher if p.startswith("solutions/")) == sorted(
        f"solutions/{p.name}" for p in (ROOT / "solutions").glob("*.ipynb")
    )
    assert "Answer keys" in (tmp_path / "t" / "index.md").read_text()


def test_readme_links_to_the_site_of_the_one_repository_setting():
    assert f"]({pages_url(GITHUB_REPO)})" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert pages_url("Me/my-fork") == "https://me.github.io/my-fork/"


# --- the numeric-input rule: the page's grader against the kernel's, without a browser --------------------


def _numeric_questions():
    for path in sorted((ROOT / "data" / "quizzes").glob("*.toml")):
        for q in load_quiz(path, ROOT).questions.values():
            if q.type == "numeric":
                yield q


def test_page_reads_numbers_by_the_one_rule():
    """Every case numeric.cases draws (every script's digits, every trimmed or white-looking character
    before, after and inside, both languages' separators, the fixed failures of issue 26), for several
    answers: mpcheck.js's parseNumber gives the kernel's value and message."""
    from jsrule import run_js

    from middlepowers.numeric import cases, parse_number

    drawn = [case for answer in (27, 0, 7, 1.5, 350, -4) for case in cases(answer)]
    page = run_js([["parseNumber", [text, lang]] for _, lang, text in drawn])
    differ = [
        f"{label} [{lang}] {text!r}: kernel {parse_number(text, lang)}, page {tuple(got)}"
        for (label, lang, text), got in zip(drawn, page)
        if list(parse_number(text, lang)) != got
    ]
    assert not differ, f"{len(differ)} of {len(drawn)} differ:\n" + "\n".join(differ[:20])


def test_page_checks_numbers_as_the_kernel_does():
    """Every numeric question of every quiz file, with the rule's cases for its answer: same verdict, same text."""
    from jsrule import run_js

    from middlepowers.checks import check
    from middlepowers.numeric import cases

    calls, expected = [], []
    for q in _numeric_questions():
        data = json.loads(sitechecks.question_json(q))
        for label, lang, text in cases(q.get("answer")):
            if lang == "en":  # the kernel's checker is English until the French edition passes lang
                calls.append(["check", [data, text]])
                result = check(q, text)
                expected.append((f"{q.id} [{label}] {text!r}", result.correct, result.counts, result.lines()))
    page = run_js(calls)
    differ = [
        f"{what}: kernel {correct} {lines}, page {got['correct']} {got['lines']}"
        for (what, correct, counts, lines), got in zip(expected, page)
        if (correct, counts, lines) != (got["correct"], got["counts"], got["lines"])
    ]
    assert len(expected) >= 1000 and not differ, f"{len(differ)} of {len(expected)} differ:\n" + "\n".join(differ[:20])


@pytest.mark.parametrize("text", ["<!--<script>", "</script><script>alert(1)</script>", "a & b <b>", "]]> -->"])
def test_quiz_text_cannot_leave_or_change_its_script_element(text):
    """A prompt with ``<!--<script>`` made the HTML parser run past the check's <script> (issue 26)."""
    q = next(q for q in QUIZ.questions.values() if q.type == "single")
    odd = dataclasses.replace(q, prompt=text, data={**q.data, "prompt": text})
    html = sitechecks.check_html(odd, "notebooks/03")
    script = html[html.index('<script type="application/json" class="mp-data">') :]
    body = script[len('<script type="application/json" class="mp-data">') : script.index("</script>")]
    assert not set(body) & set("<>&"), body
    assert json.loads(body)["prompt"] == text
