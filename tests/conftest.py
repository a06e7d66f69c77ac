"""Fixtures shared by the browser tests (tests/browser) and the site tests (tests/site)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def playwright_session():
    """One Playwright per test process, shared by every browser fixture.

    Playwright's sync API refuses a second ``sync_playwright().start()`` while
    the first one runs, and pytest-xdist can give one worker both the browser
    tests and the site tests, whose session fixtures live until the end.
    """
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    try:
        yield pw
    finally:
        pw.stop()
