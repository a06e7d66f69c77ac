"""The Makefile's own promises: `make help` lists every target, and the test tiers are what they say."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import tomllib

import pytest

from middlepowers.paths import repo_root

ROOT = repo_root()
MAKEFILE = (ROOT / "Makefile").read_text()


def phony_targets() -> set[str]:
    text = re.search(r"^\.PHONY:(.*?)(?<!\\)\n", MAKEFILE, re.S | re.M).group(1)
    return set(text.replace("\\\n", " ").split())


def test_make_help_lists_every_target():
    """`make help` is read from the `## make TARGET` comments, one above each target's rule."""
    out = subprocess.run(["make", "--no-print-directory", "help"], cwd=ROOT, capture_output=True, text=True, check=True)
    listed = {m.group(1) for m in re.finditer(r"^make (\S+)", out.stdout, re.M)}
    assert listed == phony_targets()
    for target in listed:
        # the help line sits above the rule it describes (an `export` line for the targets that take arguments)
        assert re.search(rf"^## make {re.escape(target)}\b.*\n{re.escape(target)}:", MAKEFILE, re.M), target


def test_a_bare_pytest_runs_the_make_test_suite():
    """The paths and nbval flags are in pyproject.toml, not only in the Makefile."""
    options = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    assert options["testpaths"] == ["notebooks", "solutions", "exercises", "tests"]
    for flag in ("--nbval", "--nbval-current-env", "--nbval-sanitize-with", "--strict-markers"):
        assert flag in options["addopts"]
    recipe = re.search(r"^test:.*\n((?:\t.*\n)+)", MAKEFILE, re.M).group(1).split("\n\t")
    # the recipe runs $(PYTEST) and nothing else (a `$(SAY)` line first says what it runs)
    assert [line.strip() for line in recipe if not line.strip().startswith("$(SAY)")] == ["$(PYTEST)"]
    assert "--nbval" not in MAKEFILE


def test_fast_tier_executes_no_notebook_and_starts_no_browser_or_hub():
    """`make test-fast` collects no notebook (nbval), no browser test, no hub and none marked slow."""
    fast = re.search(r"^FAST := (.*)$", MAKEFILE, re.M).group(1)
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", *shlex.split(fast)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    ids = [line for line in out.stdout.splitlines() if "::" in line]
    assert len(ids) > 1000
    assert not [
        i
        for i in ids
        if i.split("::")[0].endswith(".ipynb")
        or i.startswith(("tests/browser/test_course", "tests/hub/test_classroom"))
    ]
    for slow in ("tests/test_nbgrader.py", "tests/site/test_site_build.py", "test_answer_key_gets_full_marks"):
        assert not [i for i in ids if slow in i], slow


# --- arguments reach the tools as typed (issue 26, part 5) ----------------------------

#: (target, variable): every make variable a recipe hands to a tool.
TOOL_ARGUMENTS = [
    ("link", "HUB"),
    ("link", "REPO"),
    ("link", "BRANCH"),
    ("link", "NOTEBOOK"),
    ("class-report", "PROGRESS"),
    ("class-report", "OUT"),
    ("student-repo", "DEST"),
    ("bench-class", "STUDENTS"),
    ("bench", "BENCH_OLD"),
]


def _fake_bin(tmp_path):
    """A BIN whose `python` only records its arguments and environment (nothing is installed or run)."""
    fake = tmp_path / "bin"
    fake.mkdir()
    record = tmp_path / "record"
    script = fake / "python"
    script.write_text(f"#!/bin/sh\n{{ printf 'ARG=%s\\n' \"$@\"; env; }} >> '{record}'\nexit 0\n")
    script.chmod(0o755)
    return fake, record


@pytest.mark.parametrize("target, variable", TOOL_ARGUMENTS)
def test_make_arguments_reach_the_tool_unexpanded(tmp_path, target, variable):
    """`make link 'HUB=$(shell touch pwned)'` runs nothing: neither make nor the shell expands the value."""
    fake, record = _fake_bin(tmp_path)
    pwned = [tmp_path / f"pwned{i}" for i in range(4)]
    value = f"$(shell touch {pwned[0]})$$(touch {pwned[1]})`touch {pwned[2]}`\"'; touch {pwned[3]}"
    done = subprocess.run(
        ["make", "--no-print-directory", "-s", "STAMP=", "STUDENT_STAMP=", "NODE_STAMP=", f"BIN={fake}", target]
        + ([] if variable == "PROGRESS" else ["PROGRESS=p"] if target == "class-report" else [])
        + ([] if variable == "DEST" else ["DEST=d"] if target == "student-repo" else [])
        + (["-o", "browser"] if target == "bench" else [])  # no browser install: only the recipe's commands
        + [f"{variable}={value}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert [p.name for p in pwned if p.exists()] == []
    seen = record.read_text()
    lines = seen.splitlines()
    # the value arrives verbatim, as an argument or in the environment the tool reads
    assert any(line == f"ARG={value}" or line.endswith(f"={value}") for line in lines), seen
    if variable == "STUDENTS":  # split into words (several class sizes), each word as typed
        args = [line.removeprefix("ARG=") for line in lines if line.startswith("ARG=")]
        assert args[args.index("--students") + 1 :] == value.split(), seen


# --- long targets say first what they do (issue 27, item 6) ----------------------------

#: Commands that can run past 30 s: installs, downloads, builds, test runs, servers.
HEAVY = re.compile(
    r"pip install|npm ci|-m venv|uv pip compile|nbconvert|-m pytest|jupyter lab|jupyter-builder"
    r"|-m mpharness|-m mpcourse\.(site|classreport|studentrepo|figurecache)|tools/test-latest\.sh"
)
#: What installs something (the announcement before it must say how much).
INSTALLS = re.compile(r"pip install|npm ci|-m venv")
ARGS = ["PROGRESS=p", "DEST=d", "HUB=https://hub.example.edu"]


def _dry_run(target: str) -> list[str]:
    """The commands `make TARGET` would run on a fresh clone (-B: every stamp out of date), none of them run."""
    done = subprocess.run(
        ["make", "--no-print-directory", "-n", "-B", target, *ARGS], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


@pytest.mark.parametrize("target", sorted(phony_targets() - {"help", "diff-tools", "clean"}))
def test_every_long_step_says_first_what_it_does_and_how_much_it_installs(target):
    """Each step (an install ending in its stamp, or the target's own run) that can take more than 30 s
    starts with a `==> ` line saying what it does; before an install, that line gives its size."""
    said = None
    for line in _dry_run(target):
        if line.startswith("printf '==> %s\\n'"):
            said = line
        elif line.startswith("touch "):  # an install step is done: the next one must say what it is
            said = None
        elif HEAVY.search(line):
            assert said, f"make {target}: `{line}` runs before anything says what it does"
            if INSTALLS.search(line):
                assert re.search(r"\d+ (MB|GB)", said), f"make {target}: `{line}` after {said!r}, which gives no size"


def test_make_site_installs_only_what_the_site_needs():
    """make site: the student set, requirements-site.txt and MathJax alone, not the maintainer set or node_modules."""
    lines = _dry_run("site")
    installs = [line for line in lines if line.startswith((".venv/bin/python -m pip install", "npm"))]
    assert not [line for line in installs if "-r requirements.txt" in line or "-e tools" in line], installs
    assert [line for line in installs if "npm" in line] == [
        "npm ci --no-audit --no-fund --loglevel=error --prefix tools/site"
    ]
    assert any("-r requirements-site.txt" in line for line in installs)
    lock = json.loads((ROOT / "tools" / "site" / "package-lock.json").read_text())
    assert set(lock["packages"]) == {"", "node_modules/mathjax"}  # MathJax has no dependencies
    site = (ROOT / "requirements-site.txt").read_text()
    for needed in ("sphinx==", "myst-nb==", "sphinx-book-theme=="):
        assert f"\n{needed}" in site, needed
    assert "\npytest==" not in site and "\njupyterhub==" not in site and "\nplaywright==" not in site


@pytest.mark.parametrize("how", ["command line", "environment"])
@pytest.mark.parametrize(
    "target, variable, flag",
    [("site", "INSTRUCTOR", "--instructor"), ("class-report", "PSEUDONYMISE", "--pseudonymise")],
)
def test_make_flags_are_read_unexpanded(tmp_path, how, target, variable, flag):
    """A yes/no argument only switches its flag on: `INSTRUCTOR='$(shell ...)'` runs nothing, from either place."""
    fake, record = _fake_bin(tmp_path)
    pwned = tmp_path / "pwned"
    value = f"$(shell touch {pwned})"
    stamps = ["STAMP=", "STUDENT_STAMP=", "NODE_STAMP=", "SITE_STAMP=", "MATHJAX_STAMP=", f"BIN={fake}", "PROGRESS=p"]
    env = {**os.environ, variable: value} if how == "environment" else None
    done = subprocess.run(
        ["make", "--no-print-directory", "-s", *stamps, target] + ([f"{variable}={value}"] if env is None else []),
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert not pwned.exists()
    assert f"ARG={flag}" in record.read_text().splitlines()
