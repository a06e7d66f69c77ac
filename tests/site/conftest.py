"""Fixtures for the course website's tests: the site built once per test run, and headless Chromium.

* ``site`` (session): ``mpcourse.site.build`` into ``test-artifacts/site/html``
  (git ignores it), once per run even with several xdist workers (a file lock
  and the run's id in a stamp file).
* ``site_browser`` (session): Debian's Chromium, with every host name mapped
  to nowhere, so a page that tried the network would fail loudly.
* ``site_page`` (per test): a fresh context (empty local storage) whose
  console errors, page errors, failed requests and requests outside the
  site's folder are collected in ``page.problems`` / ``page.outside``.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from site_driver import ARTIFACTS, ROOT

from mpharness.lab import CHROMIUM_ARGS, find_chromium, watch_page

SITE = ARTIFACTS / "html"
OFFLINE_ARGS = ["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost"]


def _offline_prefix() -> list[str]:
    """``unshare -n``: a network namespace with no network at all (root only), when this machine allows it."""
    if shutil.which("unshare") and os.geteuid() == 0:
        if subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0:
            return ["unshare", "-n"]
    return []


@pytest.fixture(scope="session")
def site(testrun_uid) -> Path:
    """The built student site (no answer keys), built by ``python -m mpcourse.site``.

    Where the machine allows (root, util-linux), the build runs with no network
    at all, so a builder or theme that fetched anything would fail the build;
    ``built-offline`` records whether it did.
    """
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    stamp = ARTIFACTS / "built-by"
    with open(ARTIFACTS / "build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (stamp.exists() and stamp.read_text() == testrun_uid and (SITE / "index.html").exists()):
            prefix = _offline_prefix()
            env = {
                **os.environ,
                "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "tools"), os.environ.get("PYTHONPATH")])),
            }
            done = subprocess.run(
                [*prefix, sys.executable, "-W", "ignore", "-m", "mpcourse.site", "--out", str(SITE)],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
            )
            assert done.returncode == 0, f"make site failed:\n{done.stdout}\n{done.stderr}"
            (ARTIFACTS / "built-offline").write_text("yes" if prefix else "no")
            stamp.write_text(testrun_uid)
        fcntl.flock(lock, fcntl.LOCK_UN)
    return SITE


@pytest.fixture(scope="session")
def site_browser(request):
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:  # pragma: no cover - playwright is in requirements.txt
        pytest.skip(f"no playwright: {exc}")
    pw = request.getfixturevalue("playwright_session")
    try:
        chromium = pw.chromium.launch(
            headless=True, executable_path=find_chromium(), args=[*CHROMIUM_ARGS, *OFFLINE_ARGS]
        )
    except Exception as exc:  # noqa: BLE001 - playwright raises its own errors
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"no browser under CI=true: {exc}", pytrace=False)
        pytest.skip(f"no browser for the site tests: {exc} -- run `bash tools/setup-browser.sh`")
    yield chromium
    chromium.close()


@pytest.fixture
def site_page(site_browser, site):
    context = site_browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.problems = watch_page(page)
    page.outside = []
    prefix = site.resolve().as_uri() + "/"

    def on_request(request):
        url = request.url
        if not (url.startswith(prefix) or url.startswith("data:") or url == "about:blank"):
            page.outside.append(url)

    page.on("request", on_request)
    yield page
    context.close()
