#!/usr/bin/env bash
# Install what the browser tests (tests/browser) need on a fresh machine.
#
# - Debian/Ubuntu as root with apt: Debian's `chromium` package (/usr/bin/chromium).
#   Playwright's own browser download is not used there: it fails on machines
#   that only reach the Debian/PyPI/npm registries.
# - Elsewhere (a laptop, no root or no apt): Playwright's own Chromium
#   (`python -m playwright install chromium`, a no-op once cached).
# - Already installed: does nothing (fast, idempotent), so `make test` can call it
#   every time.
#
# Never fails the build by itself: if nothing could be installed, the browser
# tests skip with a visible reason (or fail when CI=true). Override the browser
# with MIDDLEPOWERS_CHROMIUM=/path/to/chrome.
set -u

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv_python="${here}/.venv/bin/python"

have_browser() {
    if [ -n "${MIDDLEPOWERS_CHROMIUM:-}" ] && [ -x "${MIDDLEPOWERS_CHROMIUM}" ]; then return 0; fi
    for b in /usr/bin/chromium /usr/bin/chromium-browser /usr/bin/google-chrome /usr/bin/google-chrome-stable; do
        [ -x "$b" ] && return 0
    done
    return 1
}

if have_browser; then
    exit 0
fi

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> setup-browser: installing Debian's chromium (apt-get) for the browser tests: about 115 MB to download, 360 MB installed (Debian 12's chromium and chromium-common)" >&2
    export DEBIAN_FRONTEND=noninteractive
    if apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null; then
        have_browser && exit 0
    fi
    echo "setup-browser: apt-get could not install chromium; browser tests will skip (fail under CI=true)" >&2
    exit 0
fi

# No root / no apt (a laptop, a container without apt): Playwright's own Chromium.
# A no-op when it is already in Playwright's cache; set
# MIDDLEPOWERS_NO_BROWSER_DOWNLOAD=1 to never download (the tests then skip).
if [ -x "$venv_python" ] && "$venv_python" -c "import playwright" 2>/dev/null; then
    if [ "${MIDDLEPOWERS_NO_BROWSER_DOWNLOAD:-}" = "1" ]; then
        echo "setup-browser: no system chromium and downloads disabled; browser tests will skip" >&2
    else
        echo "==> setup-browser: no system chromium; installing Playwright's chromium (a download of over 100 MB into its cache)" >&2
        "$venv_python" -m playwright install chromium || \
            echo "setup-browser: playwright install failed; browser tests will skip (fail under CI=true)" >&2
    fi
fi
exit 0
