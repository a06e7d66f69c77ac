"""The page's checks give the kernel's verdicts and feedback, word for word.

For every check on the built site (single, multiple, classify, numeric), the
answers of ``site_driver.cases`` go to :func:`middlepowers.checks.check`
and, through the page's own controls in Chromium, to ``mpcheck.js``; the
verdict (correct / not / not checked) and the whole feedback text must match.
Answers follow one another on the same check, so the attempts add up as in
JupyterLab and ``checks.reveal`` (the explanation after ``explain_after``
attempts) is compared too. The grading rules live in middlepowers.checks;
this test is what holds the page's one copy of them to that definition.
"""

from __future__ import annotations

import json

import pytest
from site_driver import VERDICT, answer, cases

from middlepowers import checks
from middlepowers.checks import check, load_quiz
from middlepowers.paths import repo_root

ROOT = repo_root()
# every notebook that asks checks: the primer and the lessons (not only the numbered ones)
LESSONS = sorted(
    p.stem for p in (ROOT / "data" / "quizzes").glob("*.toml") if (ROOT / "notebooks" / f"{p.stem}.ipynb").exists()
)


@pytest.mark.browser
@pytest.mark.parametrize("lesson", LESSONS)
def test_page_checks_match_the_kernel(site, site_page, lesson):
    page = site_page
    page.goto((site / "notebooks" / f"{lesson}.html").as_uri())
    page.wait_for_selector("html[data-mp-ready='1']")
    quiz = load_quiz(ROOT / "data" / "quizzes" / f"{lesson}.toml", ROOT)
    qids = page.eval_on_selector_all(".mp-check", "els => els.map(e => e.dataset.qid)")
    assert qids, f"no checks on the {lesson} page"
    mismatches, count = [], 0
    for qid in qids:
        q = quiz.questions[qid]
        attempts = 0  # counted attempts at this check so far, as the progress file would number them
        for label, value in cases(q):
            expected = check(q, value)
            if expected.counts:
                attempts += 1
                if hasattr(checks, "reveal"):  # the explanation after explain_after attempts (issue 15)
                    expected = checks.reveal(q, expected, attempts)
            verdict, text = answer(page, qid, q, value)
            count += 1
            if (verdict, text) != (VERDICT[expected.correct], expected.text()):
                mismatches.append(
                    f"{qid} [{label}] {value!r}:\n  kernel: {VERDICT[expected.correct]} "
                    f"{expected.text()!r}\n  page:   {verdict} {text!r}"
                )
    out = ROOT / "test-artifacts" / "site" / f"parity-{lesson}.json"
    out.write_text(json.dumps({"lesson": lesson, "checks": len(qids), "cases": count}))
    assert not mismatches, f"{len(mismatches)} of {count} answers differ:\n" + "\n".join(mismatches[:20])
    assert not page.problems.all() and not page.outside
