"""Every widget question type, answered in real JupyterLab, independent of any lesson.

A probe quiz file (all five widget types plus a code check) and a probe
notebook are written into the server's scratch copy -- never into the
repository -- and run through the same checks as every lesson. This keeps the
browser harness honest about each type even before a lesson uses it.
"""

from __future__ import annotations

import json

import pytest
from browser_helpers import SCREENSHOTS
from notebook_check import check_notebook

pytestmark = pytest.mark.browser

SLUG = "zz-browser-probe"

QUIZ = """
notebook = "zz-browser-probe"
title = "Browser probe"

[[questions]]
id = "probe-single"
type = "single"
prompt = "What does the first stage of Carney's program require?"
answer = "b"
hint = "Read S07."
explanation = "S07: the first stage requires accepting that the old order has ended."
[[questions.options]]
key = "a"
text = "Forming coalitions among marginalised nations"
feedback = "That is the second stage (S09)."
[[questions.options]]
key = "b"
text = "Accepting that the liberal world order has ended"
[[questions.options]]
key = "c"
text = "Restoring the traditional Western alliance"
feedback = "S07 says there is 'no benefit in invoking or longing for previous arrangements'."

[[questions]]
id = "probe-multiple"
type = "multiple"
prompt = "Which relationships does Carney say Canada is diversifying?"
answers = ["markets", "supplies"]
explanation = "S17 names markets, supplies and security relationships."
[[questions.options]]
key = "markets"
text = "Markets"
[[questions.options]]
key = "supplies"
text = "Supplies"
[[questions.options]]
key = "currency"
text = "Its currency"
feedback = "S17 does not mention currency."

[[questions]]
id = "probe-classify"
type = "classify"
prompt = "Who is speaking in each sentence?"
explanation = "S14 quotes Trump; S07 paraphrases Carney."
[[questions.categories]]
key = "carney"
label = "Carney"
[[questions.categories]]
key = "trump"
label = "Trump"
[[questions.categories]]
key = "reporter"
label = "The reporter"
[[questions.items]]
key = "S14"
text = "S14: Canada lives because of the United States"
answer = "trump"
feedback = "The words are in quotation marks after 'warning:' (S14)."
[[questions.items]]
key = "S07"
text = "S07: the liberal world order has permanently ended"
answer = "carney"
feedback = "S07 reports Carney's first stage in the reporter's words."

[[questions]]
id = "probe-numeric"
type = "numeric"
prompt = "How many sentences does the parser find in the article?"
answer = 27
unit = "sentences"
explanation = "The sentences table runs from S01 to S27."

[[questions]]
id = "probe-reflection"
type = "reflection"
prompt = "Name one thing the tidy tables cannot tell us."
min_words = 5
guidance = "Think about tone (S12)."
[[questions.rubric]]
criterion = "Names a gap"
levels = [{ points = 0, text = "nothing" }, { points = 1, text = "a gap, with a sentence id" }]
"""


def _code(src: str) -> dict:
    return {
        "cell_type": "code",
        "metadata": {},
        "execution_count": None,
        "outputs": [],
        "source": src.splitlines(keepends=True),
    }


def probe_notebook() -> dict:
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": ["# Browser probe: every widget type"]},
        _code(f'from middlepowers.quiz import Quiz\nquiz = Quiz("{SLUG}")'),
    ]
    for qid in ("probe-single", "probe-multiple", "probe-classify", "probe-numeric", "probe-reflection"):
        cells.append(_code(f'quiz.ask("{qid}")'))
    cells.append(_code("quiz.summary()"))
    return {
        "cells": cells,
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {
            "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
    }


@pytest.mark.parametrize("keyboard_type", ["single", "multiple", "classify", "numeric", "reflection"])
def test_every_widget_type(lab, page, keyboard_type, monkeypatch):
    import quiz_driver

    (lab.root / "data" / "quizzes").mkdir(exist_ok=True)
    (lab.root / "data" / "quizzes" / f"{SLUG}.toml").write_text(QUIZ, encoding="utf-8")
    name = f"browser-probe-{keyboard_type}.ipynb"
    (lab.root / name).write_text(json.dumps(probe_notebook()), encoding="utf-8")
    # Answer a different type with the keyboard in each run, so all five are covered.
    order = (keyboard_type,) + tuple(t for t in quiz_driver.KEYBOARD_PREFERENCE if t != keyboard_type)
    monkeypatch.setattr(quiz_driver, "KEYBOARD_PREFERENCE", order)
    report = check_notebook(page, lab, name, SCREENSHOTS / f"probe-quiz-{keyboard_type}.png")
    assert report["keyboard"] == f"probe-{keyboard_type}"
