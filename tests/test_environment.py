"""environment.yml (Binder) and requirements-student.txt (`make lab`) install exactly what the lock pins.

requirements.txt (``make lock``) is the single source of versions. Binder's
environment.yml pins Python 3.11 and, in its pip section, the lock's runtime
closure: the student-facing packages and everything the lock says they pull
in; requirements-student.txt holds the same pins. Both are written by
``python -m mpcourse.lock`` (run by ``make lock``). These tests fail naming
the package and both versions when they drift from the lock. The last two
read the Makefile's install recipes (``make -n``): the student set is
installed without bytecode, the full install compiled.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from middlepowers.paths import repo_root
from mpcourse.lock import RUNTIME, canonical, parse_lock, render_site, render_student, runtime_closure

ROOT = repo_root(Path(__file__).parent)


def parse_environment(text: str) -> tuple[dict[str, str], dict[str, str]]:
    """Return (conda specs name -> version, pip pins canonical name -> version) of environment.yml."""
    env = yaml.safe_load(text)
    conda: dict[str, str] = {}
    pip: dict[str, str] = {}
    for dep in env.get("dependencies") or []:
        if isinstance(dep, dict):
            for spec in dep.get("pip") or []:
                m = re.match(r"^([A-Za-z0-9][A-Za-z0-9_.\-]*)(\[[^\]]*\])?==(\S+)$", spec.strip())
                assert m, f"environment.yml pip entry {spec!r} is not pinned with == (name==version)"
                pip[canonical(m.group(1))] = m.group(3)
        else:
            m = re.match(r"^([A-Za-z0-9_.\-]+)\s*(?:=+\s*(\S+))?$", str(dep).strip())
            assert m, f"environment.yml conda entry {dep!r} is not understood"
            conda[m.group(1)] = m.group(2) or ""
    return conda, pip


@pytest.fixture(scope="module")
def lock():
    return parse_lock((ROOT / "requirements.txt").read_text())


@pytest.fixture(scope="module")
def environment():
    text = (ROOT / "environment.yml").read_text()
    env = yaml.safe_load(text)
    return env, *parse_environment(text)


def _paste(lock) -> str:
    pins, spelled, via = lock
    return "".join(f"      - {spelled[p]}=={pins[p]}\n" for p in sorted(runtime_closure(via)))


def test_lock_parser_reads_versions_and_reverse_deps():
    text = (
        "anyio==4.16.0\n    # via\n    #   httpx\n    #   jupyter-server\n"
        "Jinja2==3.1.6\n    # via jupyterlab\npexpect==4.9.0 ; sys_platform != 'win32'\n"
        "    # via ipython\njupyterlab==4.6.6\n    # via -r requirements.in\n"
    )
    pins, spelled, via = parse_lock(text)
    assert pins == {"anyio": "4.16.0", "jinja2": "3.1.6", "pexpect": "4.9.0", "jupyterlab": "4.6.6"}
    assert spelled["jinja2"] == "Jinja2"
    assert via["anyio"] == {"httpx", "jupyter-server"} and via["jupyterlab"] == set()
    assert runtime_closure(via, ["jupyterlab"]) == {"jupyterlab", "jinja2"}


def test_binder_channel_and_python(environment):
    env, conda, _ = environment
    assert env.get("channels") == ["conda-forge"], env.get("channels")
    assert conda.get("python") == f"{sys.version_info.major}.{sys.version_info.minor}" == "3.11", (
        f"environment.yml pins python={conda.get('python')!r}; the lock and .venv are "
        f"{sys.version_info.major}.{sys.version_info.minor} (and must be 3.11)"
    )
    assert conda.get("pip"), "environment.yml must pin pip (pip=<version>)"
    assert re.search(r"--python-version 3\.11", (ROOT / "requirements.txt").read_text()), (
        "requirements.txt was not compiled for Python 3.11"
    )


def test_every_pin_agrees_with_the_lock(environment, lock):
    _, conda, pip = environment
    pins = lock[0]
    problems = []
    for name, version in sorted(pip.items()):
        if name not in pins:
            problems.append(f"{name}: environment.yml pins {version}, requirements.txt does not have it")
        elif pins[name] != version:
            problems.append(f"{name}: environment.yml pins {version}, requirements.txt pins {pins[name]}")
    for name, version in conda.items():
        if name in ("python", "pip"):
            continue
        if canonical(name) in pins and version and pins[canonical(name)] != version:
            problems.append(
                f"{name}: environment.yml (conda) pins {version}, requirements.txt pins {pins[canonical(name)]}"
            )
    assert not problems, "\n".join(problems) + "\n\nThe lock's runtime pip list:\n" + _paste(lock)


def test_environment_holds_the_whole_runtime_closure(environment, lock):
    _, _, pip = environment
    need = runtime_closure(lock[2])
    assert {canonical(t) for t in RUNTIME} <= set(lock[0]), "a runtime package is missing from requirements.txt"
    missing = sorted(need - set(pip))
    extra = sorted(set(pip) - need)
    assert not missing and not extra, (
        f"environment.yml misses {missing} and has extra {extra} compared with the lock's "
        "runtime closure; paste this pip list:\n" + _paste(lock)
    )


def test_post_build_installs_the_package_and_stops_on_error():
    path = ROOT / "postBuild"
    text = path.read_text()
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
    assert text.startswith("#!/bin/bash\n"), "postBuild must start with #!/bin/bash"
    assert lines and lines[0] == "set -e", "postBuild must run `set -e` before any command"
    assert os.access(path, os.X_OK), "postBuild must be executable (git keeps the mode)"
    installs = [line for line in lines if re.search(r"\bpip install\b", line)]
    assert installs, "postBuild does not install the package"
    for line in installs:
        assert "--no-deps" in line and re.search(r"(\s|^)(-e\s+)?\.$", line), (
            f"postBuild should only install the package itself ({line!r}); dependencies come from environment.yml"
        )


def test_student_requirements_are_the_lock_runtime_closure(lock):
    # `make lab` installs requirements-student.txt; it must be current with the lock.
    text = (ROOT / "requirements-student.txt").read_text()
    assert text == render_student((ROOT / "requirements.txt").read_text()), (
        "requirements-student.txt is stale: run `make lock` (python -m mpcourse.lock)"
    )


def test_site_requirements_are_the_lock_site_closure(lock):
    # `make site` installs requirements-site.txt on top of the student set; it must be current with the lock.
    text = (ROOT / "requirements-site.txt").read_text()
    assert text == render_site((ROOT / "requirements.txt").read_text()), (
        "requirements-site.txt is stale: run `make lock` (python -m mpcourse.lock)"
    )
    student = set((ROOT / "requirements-student.txt").read_text().splitlines())
    assert not student & set(text.splitlines()), "requirements-site.txt repeats the student set"


def test_student_requirements_equal_environment_yml(environment):
    _, _, pip = environment
    student = {}
    for line in (ROOT / "requirements-student.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            student[canonical(name)] = version
    assert student == pip, (
        f"make lab and Binder would install different sets: only in requirements-student.txt "
        f"{sorted(set(student) - set(pip))}, only in environment.yml {sorted(set(pip) - set(student))}, "
        f"different versions {sorted(n for n in set(student) & set(pip) if student[n] != pip[n])}"
    )


def test_student_set_has_no_test_tools():
    text = (ROOT / "requirements-student.txt").read_text()
    names = {canonical(line.partition("==")[0]) for line in text.splitlines() if line and line[0] != "#"}
    tools = {
        "pytest",
        "nbval",
        "nbgrader",
        "playwright",
        "jupyterhub",
        "jupyter-repo2docker",
        "hypothesis",
        "frictionless",
    }
    assert not names & tools, f"test tools in the student install: {sorted(names & tools)}"


def _make_dry_run(target: str, *args: str) -> list[str]:
    """The commands ``make`` would run for ``target`` from scratch (``make -n -B``), one per line."""
    # not the variables of a `make test` this runs under (make test STUDENT_COMPILE= would leak in)
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    done = subprocess.run(
        ["make", "--no-print-directory", "-n", "-B", target, *args], cwd=ROOT, capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_student_install_writes_no_bytecode():
    # make lab: pip writes no .pyc (Python compiles what a student imports, on first import);
    # the benchmark (mpharness.bench_install) measures the size saved and the slower first start.
    pips = [line for line in _make_dry_run(".venv/.installed-student") if "pip install" in line]
    assert len(pips) == 3 and all("--no-compile" in line for line in pips), pips
    compiled = [line for line in _make_dry_run(".venv/.installed-student", "STUDENT_COMPILE=") if "pip install" in line]
    assert not any("--no-compile" in line for line in compiled), compiled


def test_full_install_compiles_the_whole_venv():
    # make test's install stays compiled: the student set too, after the rest of the lock.
    lines = _make_dry_run(".venv/.installed")
    last_pip = max(i for i, line in enumerate(lines) if "pip install" in line)
    assert any("-m compileall" in line and "purelib" in line for line in lines[last_pip + 1 :]), lines
