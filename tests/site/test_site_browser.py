"""The website in Chromium, as a reader opens it from disk with no network.

Every page: no console error, no failed request, no request outside the
site's folder, alt text on every image, and axe-core finds no violation in
the page's own content (the article; the theme's frame is counted and
reported separately in test-artifacts/site/axe.json). Screenshots at 1280 px
and 390 px go to test-artifacts/site/screens/. On each lesson page one check
of each type is answered wrong, then right, and the answer survives a reload;
the reset button forgets it.
"""

from __future__ import annotations

import json

import pytest
from site_driver import ARTIFACTS, answer, right, wrong

from middlepowers.checks import load_quiz
from middlepowers.paths import repo_root

ROOT = repo_root()
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
OURS = "main .bd-article"  # the page's own content; the theme's header, sidebars and footer are around it
# every notebook that asks checks: the primer and the lessons (not only the numbered ones)
LESSONS = sorted(
    p.stem for p in (ROOT / "data" / "quizzes").glob("*.toml") if (ROOT / "notebooks" / f"{p.stem}.ipynb").exists()
)
from mpcourse.site import glossary_doc  # noqa: E402 - site_driver puts tools/ on sys.path first

PAGES = (
    ["index", "data", glossary_doc(ROOT), "bibliography", "licences", "search", "genindex"]
    + [f"notebooks/{p.stem}" for p in sorted((ROOT / "notebooks").glob("*.ipynb"))]
    + [f"exercises/{p.stem}" for p in sorted((ROOT / "exercises").glob("*.ipynb"))]
    + [f"instructors/{p.stem}" for p in sorted((ROOT / "instructors").glob("*.md"))]
)


def _axe(page) -> dict:
    """axe-core over the page: violations inside the article (ours) and outside it (the theme's)."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async (ours) => {
        if (!document.querySelector(ours)) ours = "main";  // Sphinx's search page has no article
        const summary = (r) => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.length, targets: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
        // preload off: axe would re-fetch the stylesheets by XHR, which a file:// page may not do
        const own = await axe.run({include: [ours]}, {preload: false});
        const theme = await axe.run({exclude: [ours]}, {preload: false});
        return {ours: summary(own), theme: summary(theme)};
    }""",
        OURS,
    )


@pytest.mark.browser
@pytest.mark.parametrize("name", PAGES)
def test_page_reads_offline_and_accessibly(site, site_page, name):
    page = site_page
    page.goto((site / f"{name}.html").as_uri(), wait_until="load")
    page.wait_for_selector("html[data-mp-ready='1']")
    page.wait_for_function("() => Array.from(document.images).every(i => i.complete)")
    no_alt = page.eval_on_selector_all(
        "img", "imgs => imgs.filter(i => !(i.getAttribute('alt') || '').trim()).map(i => i.src.slice(0, 80))"
    )
    shots = ARTIFACTS / "screens"
    shots.mkdir(parents=True, exist_ok=True)
    slug = name.replace("/", "-")
    page.screenshot(path=str(shots / f"{slug}-1280.png"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()  # laid out afresh at phone width, as a phone opens it
    page.wait_for_selector("html[data-mp-ready='1']")
    page.screenshot(path=str(shots / f"{slug}-390.png"))
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.reload()
    page.wait_for_selector("html[data-mp-ready='1']")
    assert not page.problems.all(), page.problems.all()
    assert not page.outside, f"requests outside the site: {page.outside}"
    result = _axe(page)
    (ARTIFACTS / "axe").mkdir(exist_ok=True)
    (ARTIFACTS / "axe" / f"{slug}.json").write_text(json.dumps(result, indent=1))
    assert not no_alt, f"images without alt text: {no_alt}"
    assert overflow <= 1, f"the page is {overflow}px wider than a phone's screen (it scrolls sideways)"
    assert not result["ours"], json.dumps(result["ours"], indent=1)
    # the theme's frame is ours too, since we ship it (issue 27): no serious violation in it either
    serious = [v for v in result["theme"] if v["impact"] in ("serious", "critical")]
    assert not serious, json.dumps(serious, indent=1)
    assert _visible_search_fields(page) == 1  # the header bar had a second one at 1280 px


def _visible_search_fields(page) -> int:
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('.search-button-field, .search-button'))
        .filter(e => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden').length"""
    )


@pytest.mark.browser
@pytest.mark.parametrize("name", [p for p in PAGES if p.startswith(("notebooks/", "exercises/"))])
def test_dark_theme_reads_accessibly(site, site_page, name):
    """In the dark theme too, axe finds no violation on the page's content and nothing serious in the theme's frame.

    A chart's source line was the theme's muted grey on the light box it paints outputs in (1.71:1).
    """
    page = site_page
    page.goto((site / f"{name}.html").as_uri(), wait_until="load")
    page.wait_for_selector("html[data-mp-ready='1']")
    page.evaluate(
        "() => { document.documentElement.dataset.theme = 'dark'; document.documentElement.dataset.mode = 'dark'; }"
    )
    result = _axe(page)
    serious = [v for v in result["theme"] if v["impact"] in ("serious", "critical")]
    assert not result["ours"] and not serious, json.dumps(result, indent=1)


@pytest.mark.browser
@pytest.mark.parametrize("lesson", LESSONS)
def test_answers_persist_per_lesson_and_reset(site, site_page, lesson):
    page = site_page
    url = (site / "notebooks" / f"{lesson}.html").as_uri()
    page.goto(url)
    page.wait_for_selector("html[data-mp-ready='1']")
    quiz = load_quiz(ROOT / "data" / "quizzes" / f"{lesson}.toml", ROOT)
    first = {}
    for qid, kind in page.eval_on_selector_all(".mp-check", "els => els.map(e => [e.dataset.qid, e.dataset.type])"):
        first.setdefault(kind, qid)
    asked = {q.type for q in quiz.questions.values()}  # the primer has no classify check
    assert set(first) >= {"single", "classify"} & asked and first, f"{lesson}: {sorted(first)}"
    for qid in first.values():
        q = quiz.questions[qid]
        verdict, text = answer(page, qid, q, wrong(q))
        assert verdict == "wrong", (qid, text)
        verdict, text = answer(page, qid, q, right(q))
        assert verdict == "correct" and text.startswith("✔ Correct"), (qid, text)
    page.reload()
    page.wait_for_selector("html[data-mp-ready='1']")
    for qid in first.values():
        b = page.locator(f".mp-check[data-qid='{qid}']")
        assert b.get_attribute("data-verdict") == "correct", f"{qid}: the answer did not survive a reload"
        assert b.locator(".mp-feedback").inner_text().startswith("✔ Correct")
    summary = page.locator(".mp-summary .mp-summary-text").inner_text()
    assert f"{len(first)} of " in summary and f"{len(first)} correct" in summary, summary
    stored = page.evaluate(f"() => JSON.parse(localStorage.getItem('mp-progress:notebooks/{lesson}'))")
    assert {qid: stored[qid]["attempts"] for qid in first.values()} == {qid: 2 for qid in first.values()}
    page.locator(".mp-summary button.mp-reset").click()
    page.reload()
    page.wait_for_selector("html[data-mp-ready='1']")
    assert page.locator(".mp-check[data-verdict]").count() == 0
    assert page.evaluate(f"() => localStorage.getItem('mp-progress:notebooks/{lesson}')") is None
    assert not page.problems.all()
