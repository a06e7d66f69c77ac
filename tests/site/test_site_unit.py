"""Units of the site builder: widget outputs to static HTML, table headers, link rewriting."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest
import site_driver  # puts tools/ on sys.path

from middlepowers.checks import load_quiz
from middlepowers.paths import repo_root
from mpcourse import sitechecks
from mpcourse.site import GITHUB_REPO, SiteError, name_index_headers, pages_url, stage, start_page, static_notebook

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


# --- the theme: contrast, navigation labels (issue 27, item 9) ----------------------------------------------


def _rules(css: str) -> list[tuple[str, dict[str, str]]]:
    """(selector, {property: value}) for every innermost rule of a stylesheet (@media wrappers dropped)."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    rules = []
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        props = {}
        for decl in body.split(";"):
            name, colon, value = decl.partition(":")
            if colon:
                props[name.strip()] = value.replace("!important", "").strip()
        rules.append((" ".join(selector.split()), props))
    return rules


def _theme_css() -> str:
    import pydata_sphinx_theme

    folder = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static" / "styles"
    return (folder / "pydata-sphinx-theme.css").read_text(encoding="utf-8")


def _resolve(value: str, variables: dict[str, str]) -> str:
    """A colour with its var(--x, fallback) resolved against the dark theme's custom properties."""
    for _ in range(10):
        match = re.search(r"var\((--[\w-]+)(?:,\s*([^()]*))?\)", value)
        if not match:
            return value.strip()
        value = value.replace(match.group(0), variables.get(match.group(1), match.group(2) or ""))
    raise AssertionError(f"cannot resolve {value}")


def _contrast(fg: str, bg: str) -> float:
    """WCAG 2 contrast ratio of two #rgb / #rrggbb colours."""

    def luminance(colour: str) -> float:
        hexes = colour.lstrip("#")
        hexes = "".join(c * 2 for c in hexes) if len(hexes) == 3 else hexes
        channels = [int(hexes[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    light, dark = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_a_charts_source_line_keeps_4_5_to_1_in_the_dark_theme():
    """The caption under each chart was the theme's muted grey on the light box it paints outputs in: 1.71:1."""
    theme = _rules(_theme_css())
    ours = _rules((ROOT / "tools" / "mpcourse" / "static" / "mpcheck.css").read_text(encoding="utf-8"))
    dark = {k: v for sel, props in theme if sel == "html[data-theme=dark]" for k, v in props.items()}
    caption = [p["color"] for sel, p in ours if 'html[data-theme="dark"]' in sel and "mp-figure > figcaption" in sel]
    assert caption, "no dark-theme rule for a chart's source line in mpcheck.css"
    # the boxes a chart is shown in on the site: a notebook's HTML output (the theme's rule) and a static view (ours)
    output = next(p for sel, p in theme if "html[data-theme=dark] .bd-content div.cell_output .text_html" in sel)
    view = next(p for sel, p in ours if ".mp-static-view" in sel and "background" in p)
    muted = _resolve("var(--pst-color-text-muted)", dark)
    assert _contrast(muted, _resolve(output["background-color"], dark)) < 4.5  # what the theme alone gives
    for box in (output, view):
        fg = _resolve(box["color"] if caption[-1] == "inherit" else caption[-1], dark)
        bg = _resolve(box.get("background-color") or box["background"], dark)
        assert _contrast(fg, bg) >= 4.5, (fg, bg, round(_contrast(fg, bg), 2))


def test_navigation_labels_are_one_style_from_the_course_map():
    """ "00 · From article…", "Lesson 03: …", "Worksheet 00: from article…": one label style now."""
    from mpcourse.navigation import load_course

    page = start_page(ROOT, instructor=True)
    entries = [line for line in page.splitlines() if re.search(r"^\S.* <[\w/.-]+>$", line)]
    numbered = [e for e in entries if re.search(r"<(notebooks|exercises|solutions|instructors)/(worksheet-)?\d\d", e)]
    assert len(numbered) >= 4 * 4, entries
    expected = site_driver.expected_labels(ROOT)
    for entry in numbered:
        path = re.search(r"<([\w/.-]+)>$", entry).group(1)
        assert entry == f"{expected.get(path)} <{path}>", entry
    for lesson in load_course(ROOT):
        if not lesson.number:
            assert f"{lesson.title} <notebooks/{lesson.file[:-6]}>" in entries
