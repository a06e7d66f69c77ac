"""axe-core on every lesson after Run All: no violation in the project's own output.

Each lesson is opened in real JupyterLab, run with Run All, and checked with
axe-core (npm, ``node_modules/axe-core``), the engine behind most browser
accessibility checkers. A violation counts as *ours* when its element is in
a cell's output (quiz widgets, figures, captions, tables) or in the rendered
lesson text; those fail the test. JupyterLab's own violations (its toolbars,
code editors, menus) are not ours to fix: they are counted, by rule, and
written to ``test-artifacts/axe/<lesson>.json`` next to ours, so they can be
reported upstream and watched.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from browser_helpers import ARTIFACTS

from middlepowers.paths import repo_root
from middlepowers.quizfile import load_quiz
from mpharness.lab import (
    QUESTION_SEL,
    load_notebook,
    open_notebook,
    run_all,
    wait_run_complete,
    wait_widgets,
)

pytestmark = pytest.mark.browser

AXE = repo_root() / "node_modules" / "axe-core" / "axe.min.js"
LESSONS = sorted(p.relative_to(repo_root()).as_posix() for p in (repo_root() / "notebooks").glob("*.ipynb"))
#: Where the project's own content is rendered: cell outputs and rendered lesson text.
OURS = ".jp-OutputArea-output, .jp-RenderedMarkdown"

#: Runs axe on the page; returns each violation's rule, impact, help and nodes, split ours / JupyterLab's.
AXE_SPLIT = """async (ours) => {
    const results = await axe.run(document, {elementRef: true, resultTypes: ['violations']});
    return results.violations.map(v => {
        const mine = [], theirs = [];
        for (const n of v.nodes) {
            const entry = {target: n.target.join(' '), html: n.html.slice(0, 300), summary: n.failureSummary};
            (n.element && n.element.closest(ours) ? mine : theirs).push(entry);
        }
        return {id: v.id, impact: v.impact, help: v.help, ours: mine, jupyterlab: theirs};
    });
}"""


def axe_violations(page) -> list[dict]:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci` (axe-core is in package.json)", pytrace=False)
    page.add_script_tag(path=str(AXE))
    return page.evaluate(AXE_SPLIT, OURS)


def summarise(violations: list[dict], side: str) -> dict[str, int]:
    return {v["id"]: len(v[side]) for v in violations if v[side]}


def run_lesson(lab, page, notebook: str) -> None:
    """Open ``notebook``, Run All, and wait for every cell and every quiz widget."""
    nb = load_notebook(lab.root, notebook)
    open_notebook(page, lab, notebook)
    run_all(page)
    wait_run_complete(page, nb)
    wait_widgets(page, nb)


@pytest.mark.parametrize("notebook", LESSONS)
def test_no_axe_violation_in_our_output(lab, page, notebook):
    run_lesson(lab, page, notebook)
    violations = axe_violations(page)
    ours, theirs = summarise(violations, "ours"), summarise(violations, "jupyterlab")
    out = ARTIFACTS / "axe" / f"{Path(notebook).stem}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps({"notebook": notebook, "ours": ours, "jupyterlab": theirs, "violations": violations}, indent=2)
    )
    print(f"{notebook}: ours {sum(ours.values())} {ours}; JupyterLab's {sum(theirs.values())} {theirs}")
    detail = [
        f"{v['id']} ({v['impact']}): {v['help']}\n    "
        + "\n    ".join(f"{n['target']}: {n['html']}" for n in v["ours"][:5])
        for v in violations
        if v["ours"]
    ]
    assert not ours, f"{notebook}: axe violations in our own output (details in {out}):\n" + "\n".join(detail)


def test_every_radio_question_is_a_named_group_the_arrow_keys_answer(lab, page):
    """Each radio question is a radio group named by its "Answer:" label, and the keyboard answers it.

    ipywidgets 8.1 gives the options no group, no shared name and no label; axe
    does not flag that, so this checks it directly (the project's lab
    extension, ``radio-groups``). A keyboard user tabs to the group, picks with
    the arrow keys (JupyterLab's own arrow keys, which move between cells, must
    not take them), and the widget gets the answer: its feedback names the
    option chosen with the keyboard. Every other key still reaches JupyterLab.
    """
    notebook = "notebooks/01-two-stage-program.ipynb"
    run_lesson(lab, page, notebook)
    views = page.locator(f"{QUESTION_SEL} .widget-radio")
    groups = page.get_by_role("radiogroup", name="Answer:")
    assert views.count() >= 1
    assert groups.count() == views.count(), f"{groups.count()} named radio groups for {views.count()} radio questions"
    for index in range(groups.count()):
        names = groups.nth(index).get_by_role("radio").evaluate_all("els => els.map(e => e.name)")
        assert len(set(names)) == 1 and names[0], f"group {index}: the options share no name: {names}"
    question = page.locator(QUESTION_SEL).filter(has=page.locator(".widget-radio")).first
    group = question.get_by_role("radiogroup", name="Answer:")
    options = group.get_by_role("radio")
    qid = next(c for c in question.get_attribute("class").split() if c.startswith("mp-q-")).removeprefix("mp-q-")
    # the feedback is redrawn (a new element) on every grading: found again by selector each time
    status = f"{QUESTION_SEL}.mp-q-{qid} [role=status]"

    def check() -> str:
        """Press Check; once the feedback has changed (graded), return its verdict line."""
        before = page.inner_text(status)
        question.get_by_role("button", name="Check").click()
        page.wait_for_function(
            "([sel, before]) => document.querySelector(sel).innerText !== before", arg=[status, before]
        )
        return page.inner_text(status).splitlines()[0]

    # From a wrong option (chosen by mouse) to the right one next to it, by keyboard only.
    spec = load_quiz(lab.root / "data" / "quizzes" / f"{Path(notebook).stem}.toml").questions[qid]
    keys = [str(o["key"]) for o in spec.get("options")]
    right = keys.index(str(spec.get("answer")))
    wrong, key = (right - 1, "ArrowDown") if right > 0 else (right + 1, "ArrowUp")
    group.scroll_into_view_if_needed()
    options.nth(wrong).click()
    assert check().startswith("✘"), "a wrong option was graded right"
    options.nth(wrong).focus()
    page.keyboard.press(key)
    checked = options.evaluate_all("els => els.map(e => e.checked)")
    assert checked[right] and not checked[wrong], f"{key} did not choose the next option: {checked}"
    assert options.nth(right).evaluate("e => e === document.activeElement"), "focus left the options"
    assert check().startswith("✔"), "the widget did not grade the option chosen with the keyboard"
    # Only the arrow keys stop at the group: JupyterLab's other keys still work there. The command
    # palette's key leaves no trace (saving would mark the lesson trusted for the tests after this one).
    options.nth(right).focus()
    page.keyboard.press("Control+Shift+C")
    palette = page.locator("#modal-command-palette")
    palette.wait_for()
    page.keyboard.press("Escape")
    palette.wait_for(state="hidden")
