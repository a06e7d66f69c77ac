"""What every notebook must do in real JupyterLab: the body of the browser tests.

:func:`check_notebook` opens a notebook, runs it all from the Run menu, waits
for every quiz widget, checks there are no error outputs (except in cells
tagged ``raises-exception``), answers every widget question wrongly and then
correctly (one of them with the keyboard alone), checks the feedback, the
progress file and the progress summary, saves a screenshot, and asserts the
page logged no errors.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import quiz_driver as qd
from browser_helpers import SCREENSHOTS, screenshot_name

from mpharness.lab import (
    QUESTION_SEL,
    LabServer,
    cell_errors,
    load_notebook,
    open_notebook,
    run_all,
    screenshot_notebook,
    wait_run_complete,
)


def raising_cells(nb: dict) -> set[int]:
    return {i for i, c in enumerate(nb["cells"]) if "raises-exception" in c.get("metadata", {}).get("tags", [])}


def check_notebook(page: Any, lab: LabServer, notebook: str, screenshot: Path | None = None) -> dict:
    """Run every check on ``notebook`` (a path relative to the server root). Returns a short report."""
    nb = load_notebook(lab.root, notebook)
    asked = qd.asked_ids(nb)
    shot = screenshot or SCREENSHOTS / screenshot_name(notebook)
    report: dict = {"notebook": notebook, "asked": asked, "seconds": {}}
    t0 = time.perf_counter()

    def lap(name: str) -> None:
        report["seconds"][name] = round(time.perf_counter() - t0, 2)

    try:
        open_notebook(page, lab, notebook)
        lap("kernel_ready")
        run_all(page)
        if asked:
            page.wait_for_function(
                "(n) => document.querySelectorAll(" + json.dumps(QUESTION_SEL) + ").length >= n",
                arg=len(asked),
                timeout=60_000,
            )
        wait_run_complete(page, nb)
        lap("run_all_done")

        # Every widget rendered, one per .ask() call, each with its id's class.
        rendered = page.locator(QUESTION_SEL)
        assert rendered.count() == len(asked), (
            f"{rendered.count()} quiz widgets rendered, {len(asked)} .ask() calls in the notebook"
        )
        for qid in set(asked):
            n = page.locator(f".jp-OutputArea-output .mp-question.mp-q-{qid}").count()
            assert n == asked.count(qid), f"question {qid!r}: {n} widgets for {asked.count(qid)} .ask() calls"

        # No error output outside cells that are meant to raise (worksheet stubs).
        allowed = raising_cells(nb)
        errors = [e for e in cell_errors(page) if e["index"] not in allowed]
        assert not errors, "error output after Run All:\n" + "\n\n".join(
            f"cell {e['index']}:\n{e['text']}" for e in errors
        )

        # Every control can be seen and clicked; no text runs into the next row.
        layout = []
        for i in range(rendered.count()):
            box = rendered.nth(i)
            qid = next(c[5:] for c in box.get_attribute("class").split() if c.startswith("mp-q-"))
            layout += [f"{qid}: {p}" for p in qd.layout_problems(box)]
        assert not layout, "quiz widgets a student would trip over:\n" + "\n".join(layout)
        lap("layout_checked")

        if asked:
            _answer_everything(page, lab, nb, asked, report)
            lap("answered")
    finally:
        try:
            screenshot_notebook(page, shot)
            lap("screenshot")
        except Exception as exc:  # a failed screenshot must not hide the real failure
            report["screenshot_error"] = repr(exc)
    problems = page.problems.all()
    assert not problems, "the page logged errors:\n" + "\n".join(problems)
    return report


#: JavaScript: {question id: text of its summary row} over every progress summary on the page.
SUMMARY_ROWS_JS = """() => Object.fromEntries(
    [...document.querySelectorAll('.jp-OutputArea-output .mp-summary li[data-qid]')]
        .map(li => [li.dataset.qid, li.textContent]))"""


def _answer_everything(page: Any, lab: LabServer, nb: dict, asked: list[str], report: dict) -> None:
    slugs = qd.quiz_slugs(nb)
    assert slugs, "the notebook asks questions but opens no Quiz(...)"
    questions: dict[str, dict] = {}
    for slug in slugs:
        questions.update(qd.load_questions(lab.root, slug))
    widget_ids = [qid for qid in asked if questions[qid]["type"] in qd.WIDGET_TYPES]
    assert len(widget_ids) == len(asked), "ask() on a non-widget question: " + ", ".join(
        q for q in asked if q not in widget_ids
    )

    # The summary, rendered during Run All from an empty progress file, shows
    # every asked question as not answered yet.
    has_summary = qd.uses_summary(nb)
    assert has_summary, "the notebook asks questions but never shows quiz.summary()"
    summary = page.locator(".jp-OutputArea-output .mp-summary")
    assert summary.count() >= 1, "quiz.summary() was called but no .mp-summary widget rendered"
    # textContent, not innerText: an off-screen cell (content-visibility: auto) has no innerText.
    before = "\n".join(summary.nth(i).text_content() for i in range(summary.count()))
    rows = page.evaluate(SUMMARY_ROWS_JS)
    for qid in set(asked):
        assert "not answered yet" in rows.get(qid, ""), f"summary before answering lacks {qid!r}:\n{before}"

    keyboard_qid = next((qid for t in qd.KEYBOARD_PREFERENCE for qid in asked if questions[qid]["type"] == t), None)
    report["keyboard"] = keyboard_qid
    seen: dict[str, int] = {}
    for qid in asked:
        nth = seen.get(qid, 0)
        seen[qid] = nth + 1
        q = questions[qid]
        box = qd.question_box(page, qid, nth)
        box.scroll_into_view_if_needed()
        previous = qd.feedback_text(box)
        for plan in (qd.wrong_plan(q), qd.right_plan(q)):
            if qid == keyboard_qid and nth == 0:
                qd.enter_with_keyboard(page, box, q, plan.answer)
                shown = qd.control_values(box, q)
                expected = plan.answer
                if q["type"] == "multiple":
                    shown, expected = sorted(shown), sorted(expected)
                assert shown == expected, f"{qid}: keyboard entry shows {shown!r}, meant {expected!r}"
            else:
                qd.enter_with_mouse(page, box, q, plan.answer)
            previous = qd.wait_feedback(page, box, plan.feedback_starts, previous)
        # The right answer's feedback teaches: the explanation is shown.
        if q["type"] != "reflection":
            assert "Why:" in previous, f"{qid}: correct feedback without its explanation:\n{previous}"

    # Every attempt is in the progress file: graded ones wrong then right.
    data = json.loads(Path(lab.progress_file).read_text(encoding="utf-8"))
    for qid in set(asked):
        tries = [a for a in data["attempts"] if a["question"] == qid and a["notebook"] in slugs]
        if questions[qid]["type"] == "reflection":
            assert tries and tries[-1]["correct"] is None, f"{qid}: reflection not saved: {tries}"
        else:
            assert [a["correct"] for a in tries][-2:] == [False, True], f"{qid}: saved attempts {tries}"

    # Keep the file the widgets wrote: test-artifacts/progress/ is a class of "students" for the class report
    # (make class-report PROGRESS=test-artifacts/progress).
    kept = SCREENSHOTS.parent / "progress" / screenshot_name(report["notebook"]).removesuffix(".png")
    kept.mkdir(parents=True, exist_ok=True)
    (kept / ".middlepowers-progress.json").write_text(json.dumps(data, indent=1), encoding="utf-8")

    # The summary updates (Refresh button) to show each question answered.
    # each row: the mark, then "Check N (prompt): status"; data-qid says which question it is
    expected_lines = {}
    for qid in set(asked):
        if questions[qid]["type"] == "reflection":
            expected_lines[qid] = ["✎", "reflection saved"]
        elif asked.count(qid) == 1:
            expected_lines[qid] = ["✔", "correct (2 attempts)"]
        else:
            expected_lines[qid] = ["✔", "correct ("]
    for i in range(summary.count()):
        summary.nth(i).locator("button").click()
    try:
        page.wait_for_function(
            "(expected) => { const rows = (" + SUMMARY_ROWS_JS + ")();"
            " return Object.entries(expected).every(([q, parts]) => parts.every(p => (rows[q] || '').includes(p))); }",
            arg=expected_lines,
            timeout=15_000,
        )
    except Exception as exc:
        now = "\n".join(summary.nth(i).text_content() for i in range(summary.count()))
        raise AssertionError(f"summary did not update to show {expected_lines}:\n{now}") from exc
    after = "\n".join(summary.nth(i).text_content() for i in range(summary.count()))
    report["summary_after"] = after
