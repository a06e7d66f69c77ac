"""Binder builds the image we expect: checked with repo2docker, no Docker needed.

``repo2docker --no-build --debug`` prints the Dockerfile it would build for a
clean copy of the working tree (what ``git add -A`` would commit, so stray
untracked files cannot hide a problem). The checks are what a Binder visitor
relies on: Python 3.11, the environment from environment.yml installed
*before* the content is copied (so it stays cached when only notebooks
change), then postBuild installing the helper package.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from middlepowers.paths import repo_root
from mpharness.hub import copy_working_tree

ROOT = repo_root(Path(__file__).parent)
REPO2DOCKER = Path(sys.executable).parent / "repo2docker"


def _unescape(text: str) -> str:
    """repo2docker names copied build scripts with ``-2e`` for ``.``, ``-2f`` for ``/``..."""
    return re.sub(r"-([0-9a-f]{2})", lambda m: chr(int(m.group(1), 16)), text)


@pytest.fixture(scope="module")
def dockerfile(tmp_path_factory):
    if not REPO2DOCKER.exists():
        pytest.fail(f"{REPO2DOCKER} is missing: jupyter-repo2docker is in requirements.txt", pytrace=False)
    copy = copy_working_tree(ROOT, tmp_path_factory.mktemp("binder") / "repo")
    done = subprocess.run(
        [str(REPO2DOCKER), "--no-build", "--debug", str(copy)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=copy,
    )
    assert done.returncode == 0, f"repo2docker failed:\n{done.stderr[-2000:]}"
    return done.stdout, done.stderr


def _line(lines: list[str], pattern: str) -> int:
    for number, line in enumerate(lines):
        if re.search(pattern, line):
            return number
    raise AssertionError(f"the Dockerfile has no line matching {pattern!r}")


def test_python_is_3_11(dockerfile):
    text, log = dockerfile
    assert "Building conda environment for python=3.11" in log, log[-1000:]
    assert "environment.py-3.11-linux-64.lock" in _unescape(text), "the base environment is not Python 3.11"


def test_environment_installed_before_content_then_post_build(dockerfile):
    lines = dockerfile[0].splitlines()
    copy_env = _line(lines, r"^COPY .*\benvironment\.yml\s+\$\{REPO_DIR\}/environment\.yml")
    install = _line(lines, r"env update .*--file \"environment\.yml\"")
    copy_all = _line(lines, r"^COPY .* src/ \$\{REPO_DIR\}/?$")
    post = _line(lines, r"^RUN \./postBuild$")
    assert copy_env < install < copy_all < post, (
        "expected: COPY environment.yml, install it, COPY the content, run postBuild; "
        f"got lines {copy_env}, {install}, {copy_all}, {post}"
    )


def test_no_repository_content_in_the_environment():
    # A local pip entry ("-e ." / ".") makes repo2docker copy everything first
    # and lose the cache; the package belongs in postBuild.
    env = (ROOT / "environment.yml").read_text()
    local = [
        line.strip() for line in env.splitlines() if re.match(r"^\s*-\s*(-e\s|\.|/|file:|-r\s|--requirement)", line)
    ]
    assert not local, f"environment.yml installs repository content: {local}"
