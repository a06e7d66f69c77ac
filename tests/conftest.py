"""Fixtures shared by the tests: Playwright for the browser and site tests, the fault suites' tally, the
guard that no test leaves a thread running."""

from __future__ import annotations

import re

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


@pytest.fixture(scope="module", autouse=True)
def _fault_tally(request):
    """A fault suite's tally, printed when its module ends (``pytest -s`` or ``-rA`` shows it).

    A module that is a fault suite names itself in ``FAULT_SUITE`` and counts into
    ``TALLY = {"cases": 0, "handled": 0, "attempts lost": 0}``; other modules print nothing."""
    yield
    name, tally = getattr(request.module, "FAULT_SUITE", None), getattr(request.module, "TALLY", None)
    if name and tally:
        print(f"\n{name}: {tally['cases']} cases, {tally['handled']} handled, {tally['attempts lost']} attempts lost")


@pytest.fixture(autouse=True)
def _no_thread_left_running(request):
    """A test may start threads, but none may outlive it.

    A thread left running (say, a student's endless loop abandoned by the Windows fallback of
    ``checks.run_with_timeout``) keeps the GIL busy for the rest of the pytest worker's life: every
    later test in that worker runs slower, and the worker may never finish (a CI run timed out so).
    Threads started by fixtures of a wider scope are created before this snapshot and not counted, and
    so are the process's idle service threads (:func:`_service`).
    """
    import threading
    import time

    before = set(threading.enumerate())
    yield
    deadline = time.monotonic() + 2
    while True:
        left = [t for t in threading.enumerate() if t not in before and t.is_alive() and not _service(t)]
        if not left or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert not left, f"{request.node.nodeid} left threads running: {[t.name for t in left]}"


def _service(thread) -> bool:
    """A thread that lives as long as the process by design and sleeps: IPython's history writer (one per
    process, started by the first in-process shell), a dummy entry threading keeps for a thread it did
    not start (``_thread.start_new_thread``, as ``checks`` forks from), whose end it cannot see, or a
    worker of an asyncio loop's default executor (named ``asyncio_N``). Playwright's session-wide loop
    starts that pool lazily, during whichever test first resolves a name, and the pool lives as long as
    the loop; its idle workers wait on the pool's queue and hold no GIL."""
    import concurrent.futures.thread
    import threading

    if thread.name == "IPythonHistorySavingThread" or isinstance(thread, threading._DummyThread):
        return True
    pool_worker = getattr(thread, "_target", None) is concurrent.futures.thread._worker
    return pool_worker and re.fullmatch(r"asyncio_\d+", thread.name) is not None
