"""Fixtures for the browser tests: a real JupyterLab server and a real headless Chromium.

* ``lab`` (session, one per xdist worker): ``jupyter lab`` on a free loopback
  port with a random token, isolated config/data/runtime/settings/workspace dirs,
  serving a scratch *copy* of the repository (a test can never modify tracked
  notebooks), kernels with ``MIDDLEPOWERS_PROGRESS`` in the scratch dir. Stopped,
  kernels included, at the end -- pass or fail.
* ``browser`` (session): headless Chromium (Debian's ``/usr/bin/chromium``, else
  Playwright's own). Missing: a visible skip on a laptop, a failure when ``CI=true``.
* ``page`` (per test): a fresh browser context and page whose console errors,
  page errors and failed requests are collected in ``page.problems``; after the
  test every kernel is shut down so one kernel runs at a time.

Install the browser with ``bash tools/setup-browser.sh``.
"""

from __future__ import annotations

import os

import pytest

from middlepowers.paths import repo_root
from mpharness.lab import (
    BrowserUnavailable,
    LabServer,
    launch_browser,
    watch_page,
    watch_sent_frames,
)

_SKIPPED: list[str] = []
SKIP_PREFIX = "no browser for the browser tests:"


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


@pytest.fixture(scope="session")
def browser(request):
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:  # pragma: no cover - playwright is in requirements.txt
        reason = f"playwright is not installed ({exc})"
        if _in_ci():
            pytest.fail(f"browser tests cannot run under CI=true: {reason}", pytrace=False)
        _SKIPPED.append(reason)
        pytest.skip(f"{SKIP_PREFIX} {reason}")
    pw = request.getfixturevalue("playwright_session")
    try:
        chromium = launch_browser(pw)
    except BrowserUnavailable as exc:
        if _in_ci():
            pytest.fail(f"browser tests cannot run under CI=true: {exc}", pytrace=False)
        _SKIPPED.append(str(exc))
        pytest.skip(f"{SKIP_PREFIX} {exc}")
    yield chromium
    chromium.close()


@pytest.fixture(scope="session")
def lab(browser):
    """A running JupyterLab (depends on ``browser`` so a missing browser skips before a server starts)."""
    server = LabServer(source=repo_root())
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture
def page(browser, lab):
    lab.reset_progress()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    pg = context.new_page()
    pg.problems = watch_page(pg)
    pg.sent_frames = watch_sent_frames(pg)
    try:
        yield pg
    finally:
        context.close()
        lab.shutdown_sessions()


def pytest_terminal_summary(terminalreporter):
    """Say loudly, also under xdist (reports reach the controller), that browser tests were skipped."""
    reasons = set(_SKIPPED)
    for report in terminalreporter.stats.get("skipped", []):
        longrepr = getattr(report, "longrepr", None)
        text = longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else str(longrepr or "")
        if SKIP_PREFIX in text:
            reasons.add(text.split(SKIP_PREFIX, 1)[1].strip())
    if reasons:
        terminalreporter.write_sep("!", "BROWSER TESTS SKIPPED: no usable Chromium", yellow=True, bold=True)
        for reason in sorted(reasons):
            terminalreporter.write_line(reason)
        terminalreporter.write_line(
            "Install one with `bash tools/setup-browser.sh` (under CI=true this is a failure, not a skip)."
        )
