"""Run the website's grader (``mpcheck.js``) in Node, without a page: its numeric rule and its checkers.

``run_js(calls)`` loads ``mpcheck-texts.js`` (as the site build writes it) and
``mpcheck.js`` with a stub ``document`` (the page part never starts), then
calls ``window.mpcheck.<name>(*args)`` for each ``[name, args]`` and returns the
results (``Result`` objects as dicts; NaN as ``None``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from middlepowers.paths import repo_root
from mpcourse import sitechecks

MPCHECK = repo_root() / "tools" / "mpcourse" / "static" / "mpcheck.js"
PRELUDE = """var window = globalThis;
var document = {readyState: "loading", addEventListener: function () {}, removeEventListener: function () {}};
"""
HARNESS = """
var input = require("fs").readFileSync(0, "utf8");
var out = JSON.parse(input).map(function (call) {
  var r = window.mpcheck[call[0]].apply(null, call[1]);
  if (call[0] === "check") r = {correct: r.correct, counts: r.counts, lines: window.mpcheck.lines(r)};
  return r;
});
process.stdout.write(JSON.stringify(out));
"""


def node() -> str:
    found = shutil.which("node") or shutil.which("nodejs")
    if not found:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("no node under CI=true: the site's grader cannot be run", pytrace=False)
        pytest.skip("no node: install nodejs to run the site's grader without a browser")
    return found


def run_js(calls: list) -> list:
    script = PRELUDE + sitechecks.texts_js() + MPCHECK.read_text(encoding="utf-8") + HARNESS
    done = subprocess.run(
        [node(), "-e", script],
        input=json.dumps(calls, ensure_ascii=True),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)
