"""Drive the website's checks as a reader does, and make the answers to feed them.

``answer(page, qid, q, value)`` sets the controls of one check with real
clicks, choices and typing, presses Check and returns ``(verdict, text)`` as
the reader sees them. ``cases(q)`` lists the answers the parity test feeds to
both checkers: right, wrong, each anticipated mistake, each partly right,
nothing chosen, and for numbers the odd things people type and every case
the one numeric-input rule draws (:func:`middlepowers.numeric.cases`: every
script's digits, every trimmed or white-looking character before, after and
inside the answer, the separators, the failures of issue 26) that a reader can
type into the page's box.
"""

from __future__ import annotations

from pathlib import Path

from middlepowers import numeric
from middlepowers.checks import Question
from middlepowers.paths import repo_root

ROOT = repo_root()
#: where the site tests build the site and leave screenshots and axe reports (git ignores it)
ARTIFACTS = ROOT / "test-artifacts" / "site"

VERDICT = {True: "correct", False: "wrong", None: "none"}


def expected_labels(root: Path = ROOT) -> dict[str, str]:
    """Each numbered page's navigation label, "<kind> NN · <title>", by its path without suffix
    (``exercises/worksheet-01-two-stage-program``), read from data/course.toml: the label follows the
    lesson a page belongs to, not its file name (lesson 02's worksheet follows 02b; its file says 02)."""
    from mpcourse.navigation import load_course

    expected = {}
    for lesson in load_course(root):
        if lesson.number:
            stem, label = lesson.file.removesuffix(".ipynb"), f"{lesson.number} · {lesson.title}"
            expected |= {f"notebooks/{stem}": f"Lesson {label}", f"instructors/{stem}": f"Instructor notes {label}"}
            if lesson.worksheet:
                sheet = lesson.worksheet.removesuffix(".ipynb")
                expected |= {f"exercises/{sheet}": f"Worksheet {label}", f"solutions/{sheet}": f"Answer key {label}"}
    return expected


def html_pages(site: Path) -> list[Path]:
    """Every page a reader can reach (Sphinx's own index pages included)."""
    return sorted(p for p in site.rglob("*.html") if "_static" not in p.parts)


def box(page, qid: str):
    return page.locator(f".mp-check[data-qid='{qid}']")


def answer(page, qid: str, q: Question, value) -> tuple[str, str]:
    """Answer check ``qid`` with ``value`` through its controls; return (verdict, feedback text)."""
    b = box(page, qid)
    if q.type == "single":
        if value is not None:
            b.locator(f"input[type=radio][value='{value}']").check()
    elif q.type == "multiple":
        for option in q.get("options"):
            b.locator(f"input[type=checkbox][value='{option['key']}']").set_checked(str(option["key"]) in set(value))
    elif q.type == "classify":
        for item in q.get("items"):
            b.locator(f"select[data-item='{item['key']}']").select_option(value=str(value.get(str(item["key"]), "")))
    else:
        box_ = b.locator("input[type=text]")
        box_.fill(str(value))
        typed = box_.input_value()
        assert typed == str(value), f"{qid}: the page's box holds {typed!r}, not {str(value)!r}"
    b.locator("button.mp-check-button").click()
    feedback = b.locator(".mp-feedback")
    return b.get_attribute("data-verdict"), feedback.inner_text()


def right(q: Question):
    if q.type == "single":
        return str(q.get("answer"))
    if q.type == "multiple":
        return [str(a) for a in q.get("answers")]
    if q.type == "classify":
        return {str(i["key"]): str(i["answer"]) for i in q.get("items")}
    return str(q.get("answer"))


def wrong(q: Question):
    """One plainly wrong answer."""
    if q.type == "single":
        return next(str(o["key"]) for o in q.get("options") if str(o["key"]) != str(q.get("answer")))
    if q.type == "multiple":
        others = [str(o["key"]) for o in q.get("options") if o["key"] not in q.get("answers")]
        return others[:1] if others else [str(q.get("answers")[0])]
    if q.type == "classify":
        cats = [str(c["key"]) for c in q.get("categories")]
        return {str(i["key"]): next(c for c in cats if c != str(i["answer"])) for i in q.get("items")}
    return repr(q.get("answer") * 10 + 10 * q.get("tolerance", 0) + 7)


def typeable(text: str) -> bool:
    """Whether a text box can hold ``text`` as it is: an <input> drops line breaks, and a lone
    surrogate or NUL does not survive the way to the browser (the Node test in test_site_unit has them)."""
    return not any(ch in "\n\r\x00" or 0xD800 <= ord(ch) < 0xE000 for ch in text)


def cases(q: Question) -> list[tuple[str, object]]:
    """(label, answer) pairs: right, wrong, each anticipated mistake, each partly right, nothing."""
    out = [("right", right(q)), ("wrong", wrong(q))]
    if q.type == "single":
        # "nothing" first: a reader cannot untick a radio button once one is chosen
        out = [("nothing", None), ("right", right(q))] + [
            (f"option {o['key']}", str(o["key"])) for o in q.get("options") if str(o["key"]) != str(q.get("answer"))
        ]
    elif q.type == "multiple":
        keys = [str(o["key"]) for o in q.get("options")]
        good = right(q)
        bad = [k for k in keys if k not in good]
        out += [("nothing", [])] + [(f"only {k}", [k]) for k in keys]
        out += [(f"right without {k}", [g for g in good if g != k]) for k in good if len(good) > 1]
        out += [(f"right plus {k}", good + [k]) for k in bad]
        out += [(f"right without {a}, plus {b}", [g for g in good if g != a] + [b]) for a in good for b in bad]
        out += [("all", keys)]
    elif q.type == "classify":
        good = right(q)
        cats = [str(c["key"]) for c in q.get("categories")]
        out += [("nothing", {})]
        for item in q.get("items"):
            key = str(item["key"])
            for cat in cats:
                if cat != good[key]:
                    out.append((f"{key} as {cat}", {**good, key: cat}))
            out.append((f"{key} unassigned", {k: v for k, v in good.items() if k != key}))
        keys = list(good)
        if len(keys) >= 2:
            a, b = keys[:2]
            out.append((f"{a} and {b} swapped", {**good, a: good[b], b: good[a]}))
        out += [(f"all {c}", {k: c for k in keys}) for c in cats]
    elif q.type == "numeric":
        value, tol = q.get("answer"), q.get("tolerance", 0)
        out += [(f"mistake {m['value']}", repr(m["value"])) for m in q.get("mistakes", [])]
        out += [
            (f"mistake {m['value']}, at the edge of its tolerance", repr(m["value"] + m["tolerance"]))
            for m in q.get("mistakes", [])
            if m.get("tolerance")
        ]
        out += [
            ("right, within tolerance", repr(value + tol * 0.9))
            if tol
            else ("right as typed with spaces", f"  {value} "),
            ("right, at the upper edge of tolerance", repr(value + tol)),
            ("right, at the lower edge of tolerance", repr(value - tol)),
            ("just outside tolerance", repr(value + tol + 0.01 + abs(value) * 1e-6)),
            ("empty", ""),
            ("words", "about twenty"),
            ("with unit", f"{value} %"),
            ("thousands separator", "1,234"),
            ("minus sign", "\u2212" + str(value)),
            ("underscore", "1_000"),
            ("nan", "nan"),
            ("too large", "1e999"),
            ("quote in text", "it's 5"),
        ]
        out += [
            (f"rule: {label}", text) for label, lang, text in numeric.cases(value) if lang == "en" and typeable(text)
        ]
    return out
