"""Answer quiz widgets in a real browser, through the real controls.

Generic over the question types of ``data/quizzes/README.md``: single (radio
buttons), multiple (check boxes), classify (a drop-down per item), numeric (a
text box) and reflection (a text area). ``code`` checks are graded by running
cells, not through a widget, so they are never driven here.

Answers are read straight from the TOML file with :mod:`tomllib` (not through
``middlepowers.checks``), and the expected feedback is the fixed symbol + text
the quiz module starts every message with (``✔ Correct``, ``✘ Not yet`` ...).
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from middlepowers.checks import CORRECT, NOT_YET, PARTLY, SAVED, WARN
from mpharness.lab import wait_echoed, wait_frame_sent, wait_updates_sent

WIDGET_TYPES = ("single", "multiple", "classify", "numeric", "reflection")

#: Types a student answers with the keyboard, most basic first: the keyboard
#: check of a notebook uses the first type it has.
KEYBOARD_PREFERENCE = ("single", "numeric", "multiple", "classify", "reflection")

QUIZ_RE = re.compile(r"""Quiz\(\s*["']([^"']+)["']""")
ASK_RE = re.compile(r"""\.ask\(\s*["']([^"']+)["']""")


def quiz_slugs(nb: dict) -> list[str]:
    """Quiz files a notebook opens: ``Quiz("<slug>")`` calls in its code cells."""
    return [m for c in nb["cells"] if c["cell_type"] == "code" for m in QUIZ_RE.findall("".join(c["source"]))]


def asked_ids(nb: dict) -> list[str]:
    """Question ids of every ``.ask("<id>")`` call, in notebook order."""
    return [m for c in nb["cells"] if c["cell_type"] == "code" for m in ASK_RE.findall("".join(c["source"]))]


def uses_summary(nb: dict) -> bool:
    return any(".summary()" in "".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")


def load_questions(root: Path, slug: str) -> dict[str, dict]:
    """``{id: question table}`` from ``data/quizzes/<slug>.toml``."""
    with open(Path(root) / "data" / "quizzes" / f"{slug}.toml", "rb") as fh:
        raw = tomllib.load(fh)
    return {q["id"]: q for q in raw["questions"]}


# --------------------------------------------------------------------------- answers
@dataclass
class Plan:
    """What to enter for one attempt, and how the feedback must start."""

    answer: Any
    feedback_starts: str


def _keys(q: dict, field: str) -> list[str]:
    return [str(o["key"]) for o in q[field]]


def wrong_plan(q: dict) -> Plan:
    """A wrong (or, for a reflection, too short) answer and the feedback it must get."""
    t = q["type"]
    if t == "single":
        wrong = next(k for k in _keys(q, "options") if k != str(q["answer"]))
        return Plan(wrong, NOT_YET)
    if t == "multiple":
        right = {str(a) for a in q["answers"]}
        wrong = [k for k in _keys(q, "options") if k not in right]
        if wrong:  # only wrong options ticked: nothing right -> "Not yet"
            return Plan(wrong[:1], NOT_YET)
        # every option is correct: tick one fewer -> partly right
        return Plan(sorted(right)[:-1] or sorted(right)[:1], PARTLY)
    if t == "classify":
        cats = _keys(q, "categories")
        mapping = {str(i["key"]): next(c for c in cats if c != str(i["answer"])) for i in q["items"]}
        return Plan(mapping, NOT_YET)
    if t == "numeric":
        answer, tol = float(q["answer"]), float(q.get("tolerance", 0))
        return Plan(_fmt(answer + max(tol, abs(answer) * 0.5, 1.0) * 3 + 1), NOT_YET)
    if t == "reflection":
        need = max(int(q.get("min_words", 1)), 1)
        return Plan(" ".join(["short"] * (need - 1)), f"{WARN} Please write at least {need} word")
    raise ValueError(f"no widget for type {t!r}")


def right_plan(q: dict) -> Plan:
    """The correct answer (a long enough text for a reflection) and its feedback."""
    t = q["type"]
    if t == "single":
        return Plan(str(q["answer"]), CORRECT)
    if t == "multiple":
        return Plan([str(a) for a in q["answers"]], CORRECT)
    if t == "classify":
        return Plan({str(i["key"]): str(i["answer"]) for i in q["items"]}, CORRECT)
    if t == "numeric":
        return Plan(_fmt(float(q["answer"])), CORRECT)
    if t == "reflection":
        need = max(int(q.get("min_words", 1)), 1)
        words = (
            "The article quotes Carney and Trump but leaves out how other middle powers "
            "responded, so the tables cannot show agreement or tone beyond the quoted words"
        ).split()
        text = " ".join((words * (need // len(words) + 1))[: max(need, 12)])
        return Plan(text, SAVED)
    raise ValueError(f"no widget for type {t!r}")


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


# --------------------------------------------------------------------------- the DOM
def question_box(page: Any, qid: str, nth: int = 0) -> Any:
    return page.locator(f".jp-OutputArea-output .mp-question.mp-q-{qid}").nth(nth)


def enter_with_mouse(page: Any, box: Any, q: dict, answer: Any) -> None:
    """Set ``answer`` through the controls with clicks, selections and typing, then press Check.

    Only controls whose state must change are touched, and the Check click waits
    until their updates have left the browser (see ``wait_updates_sent``).
    """
    t = q["type"]
    start = len(page.sent_frames)
    changed = 0
    if t == "single":
        keys = _keys(q, "options")
        radios = box.locator(".widget-radio-box input[type=radio]")
        assert radios.count() == len(keys), f"{q['id']}: {radios.count()} radio buttons for {len(keys)} options"
        target = radios.nth(keys.index(str(answer)))
        if not target.is_checked():
            target.check()
            changed += 1
    elif t == "multiple":
        keys = _keys(q, "options")
        boxes = box.locator(".widget-checkbox input[type=checkbox]")
        assert boxes.count() == len(keys), f"{q['id']}: {boxes.count()} check boxes for {len(keys)} options"
        chosen = {str(a) for a in answer}
        for i, k in enumerate(keys):
            if boxes.nth(i).is_checked() != (k in chosen):
                boxes.nth(i).set_checked(k in chosen)
                changed += 1
    elif t == "classify":
        cats = _keys(q, "categories")
        selects = box.locator(".widget-dropdown select")
        items = [str(i["key"]) for i in q["items"]]
        assert selects.count() == len(items), f"{q['id']}: {selects.count()} drop-downs for {len(items)} items"
        for i, item in enumerate(items):
            target = cats.index(answer[item]) + 1  # option 0 is "— choose —"
            if selects.nth(i).evaluate("s => s.selectedIndex") != target:
                label = q["categories"][target - 1]["label"]
                selects.nth(i).select_option(label=label)
                changed += 1
    elif t in ("numeric", "reflection"):
        # One input event (as a paste): one update message carrying the whole text.
        sel = ".widget-text input" if t == "numeric" else ".widget-textarea textarea"
        box.locator(sel).fill(str(answer))
        wait_frame_sent(page, page.sent_frames, '"value":' + json.dumps(str(answer), ensure_ascii=False)[:-1], start)
        wait_echoed(page, page.sent_frames, '"value":' + json.dumps(str(answer), ensure_ascii=False), start)
    else:
        raise ValueError(t)
    wait_updates_sent(page, page.sent_frames, start, changed)
    box.locator("button.mp-check").click()


def _active_is(page: Any, handle: Any) -> bool:
    return page.evaluate("(el) => document.activeElement === el", handle)


def _tab_to(page: Any, target: Any, limit: int = 40) -> None:
    """Press Tab until ``target`` has focus (as a student tabbing through the widget)."""
    handle = target.element_handle()
    for _ in range(limit):
        if _active_is(page, handle):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {target}: keyboard users cannot get there")


def enter_with_keyboard(page: Any, box: Any, q: dict, answer: Any) -> None:
    """Set ``answer`` and press Check with Tab, arrows, Space and Enter only.

    The starting point is the question's first control, focused as if tabbed
    into from the cell above (tabbing through all of JupyterLab's chrome first
    says nothing about the widget); from there only keys are pressed.
    """
    t = q["type"]
    start = len(page.sent_frames)
    before = control_values(box, q)
    if t == "single":
        # The options are one radio group (the project's lab extension gives
        # ipywidgets' inputs one name and keeps JupyterLab's command-mode arrows off
        # them): Tab enters the group at its first option, the arrow keys choose.
        keys = _keys(q, "options")
        radios = box.locator(".widget-radio-box input[type=radio]")
        target = keys.index(str(answer))
        radios.first.focus()
        page.keyboard.press("Space" if target == 0 else "ArrowDown")
        for _ in range(target - 1):
            page.keyboard.press("ArrowDown")
        chosen = radios.nth(target)
        assert chosen.is_checked() and _active_is(page, chosen.element_handle()), (
            f"{q['id']}: the arrow keys did not reach option {target + 1}: keyboard users cannot choose it"
        )
        if target > 1 or before != control_values(box, q):
            # each option passed or chosen sends an update; the kernel holds the answer once the last is echoed
            wait_echoed(page, page.sent_frames, f'"index":{target}}}', start)
    elif t == "multiple":
        keys = _keys(q, "options")
        boxes = box.locator(".widget-checkbox input[type=checkbox]")
        chosen = {str(a) for a in answer}
        boxes.first.focus()
        for i, k in enumerate(keys):
            _tab_to(page, boxes.nth(i))
            if boxes.nth(i).is_checked() != (k in chosen):
                page.keyboard.press("Space")
    elif t == "classify":
        cats = _keys(q, "categories")
        selects = box.locator(".widget-dropdown select")
        selects.first.focus()
        for i, item in enumerate(str(x["key"]) for x in q["items"]):
            _tab_to(page, selects.nth(i))
            target = cats.index(answer[item]) + 1  # option 0 is "— choose —"
            current = selects.nth(i).evaluate("s => s.selectedIndex")
            if target == current:
                continue
            # Arrows on a closed drop-down are taken by JupyterLab's command-mode
            # shortcuts; Space opens the list, arrows move in it, Enter chooses.
            # The list opens asynchronously: an arrow pressed before it is open would
            # go to JupyterLab instead, so wait for the drop-down's :open state.
            handle = selects.nth(i).element_handle()
            page.keyboard.press("Space")
            page.wait_for_function("s => s.matches(':open')", arg=handle, timeout=10_000)
            key = "ArrowDown" if target > current else "ArrowUp"
            for _ in range(abs(target - current)):
                page.keyboard.press(key)
            page.keyboard.press("Enter")
            page.wait_for_function("s => !s.matches(':open')", arg=handle, timeout=10_000)
    elif t in ("numeric", "reflection"):
        sel = ".widget-text input" if t == "numeric" else ".widget-textarea textarea"
        field = box.locator(sel)
        field.focus()
        start = len(page.sent_frames)
        page.keyboard.press("Control+A")
        page.keyboard.press("Delete")
        if answer:
            page.keyboard.type(str(answer))
        # Keystrokes are synced to the kernel in batches; a human takes longer to
        # reach Check than the last batch takes to leave, a test must wait for it.
        wait_frame_sent(page, page.sent_frames, '"value":' + json.dumps(str(answer), ensure_ascii=False)[:-1], start)
        wait_echoed(page, page.sent_frames, '"value":' + json.dumps(str(answer), ensure_ascii=False), start)
    else:
        raise ValueError(t)
    if t in ("multiple", "classify"):
        after = control_values(box, q)
        if t == "multiple":
            changed = len(set(before) ^ set(after))
        else:
            changed = sum(1 for k in after if before.get(k) != after.get(k))
        wait_updates_sent(page, page.sent_frames, start, changed)
    button = box.locator("button.mp-check")
    _tab_to(page, button)
    page.keyboard.press("Enter")


def feedback_text(box: Any) -> str:
    # textContent: innerText is empty while a cell is off-screen (content-visibility: auto)
    return box.locator(".mp-feedback").text_content()


def wait_feedback(page: Any, box: Any, starts: str, previous: str | None, timeout: float = 15_000) -> str:
    """Wait until the feedback changes from ``previous`` and return it; assert its start."""
    handle = box.locator(".mp-feedback").element_handle()
    try:
        page.wait_for_function(
            "([el, prev]) => { const t = el.textContent.trim(); return t !== '' && t !== prev; }",
            arg=[handle, (previous or "").strip()],
            timeout=timeout,
        )
    except Exception as exc:
        qid = next((c for c in (box.get_attribute("class") or "").split() if c.startswith("mp-q-")), "?")
        raise AssertionError(
            f"{qid}: feedback did not change within {timeout / 1000:.0f} s after Check (expected it to start "
            f"with {starts!r}); it still reads:\n{feedback_text(box)}"
        ) from exc
    text = feedback_text(box).strip()
    assert text.startswith(starts), (
        f"feedback should start with {starts!r}, got:\n{box.locator('.mp-feedback').inner_text()}"
    )
    return text


def control_values(box: Any, q: dict) -> Any:
    """Read back what the controls show (to check the keyboard really set them)."""
    t = q["type"]
    if t == "single":
        radios = box.locator(".widget-radio-box input[type=radio]")
        keys = _keys(q, "options")
        checked = [keys[i] for i in range(radios.count()) if radios.nth(i).is_checked()]
        return checked[0] if checked else None
    if t == "multiple":
        boxes = box.locator(".widget-checkbox input[type=checkbox]")
        return [k for i, k in enumerate(_keys(q, "options")) if boxes.nth(i).is_checked()]
    if t == "classify":
        cats = _keys(q, "categories")
        selects = box.locator(".widget-dropdown select")
        out = {}
        for i, item in enumerate(str(x["key"]) for x in q["items"]):
            idx = selects.nth(i).evaluate("s => s.selectedIndex")
            out[item] = cats[idx - 1] if idx > 0 else None
        return out
    sel = ".widget-text input" if t == "numeric" else ".widget-textarea textarea"
    return box.locator(sel).input_value()


def summary_counts(text: str) -> tuple[int, int, int]:
    m = re.search(r"(\d+) of (\d+) checks answered, (\d+) correct", text)
    assert m, f"summary text not recognised:\n{text}"
    return int(m.group(1)), int(m.group(2)), int(m.group(3))


#: Finds what a student would trip over in one question box: a control pushed
#: outside the box, squeezed to nothing or covered by other text (so a click
#: lands on something else), and text that overflows its fixed-height row.
LAYOUT_PROBLEMS_JS = """(box) => {
    const problems = [];
    const b = box.getBoundingClientRect();
    const name = (e) => (e.closest('label') || e.parentElement).innerText.trim().slice(0, 70)
        || e.innerText || e.tagName;
    if (box.scrollWidth - box.clientWidth > 1) {
        problems.push(`the question is ${box.scrollWidth - box.clientWidth} px wider than the notebook (it scrolls sideways)`);
    }
    box.querySelectorAll('input, select, textarea, button').forEach((c) => {
        c.scrollIntoView({block: 'center', inline: 'nearest'});
        box.scrollLeft = 0;  // what a student sees first
        const r = c.getBoundingClientRect();
        const least = {SELECT: 60, TEXTAREA: 60, BUTTON: 40}[c.tagName]
            || (c.type === 'text' || c.type === 'number' ? 40 : 12);
        if (r.width < least || r.height < 8) {
            problems.push(`control squeezed to ${Math.round(r.width)}x${Math.round(r.height)} px: ${name(c)}`);
            return;
        }
        if (r.left < b.left - 1 || r.right > b.right + 1) {
            problems.push(`control outside the question box (x ${Math.round(r.left - b.left)}..${Math.round(r.right - b.left)} of ${Math.round(b.width)} px): ${name(c)}`);
            return;
        }
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        const own = hit && (hit === c || c.contains(hit) || (c.labels && [...c.labels].some(l => l.contains(hit)))
                            || (hit.tagName === 'LABEL' && hit.contains(c)));
        if (!own) {
            problems.push(`control covered by other content (a click lands on "${hit ? (hit.innerText || hit.tagName + '.' + hit.className).trim().slice(0, 50) : 'nothing'}"): ${name(c)}`);
        }
    });
    box.querySelectorAll('label, .widget-html-content').forEach((e) => {
        if (e.offsetParent === null) return;
        if (e.scrollHeight - e.clientHeight > 1) {
            problems.push(`text taller than its row (overlaps the next line): ${e.innerText.trim().slice(0, 70)}`);
        }
    });
    return problems;
}"""


def layout_problems(box: Any) -> list[str]:
    """Visible-layout problems of one question widget (scrolls it into view first)."""
    box.scroll_into_view_if_needed()
    return box.evaluate(LAYOUT_PROBLEMS_JS)
