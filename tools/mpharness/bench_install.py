"""Benchmark: what ``make lab`` costs a student on a fresh clone, against the full install.

``python -m mpharness.bench_install`` (``make bench``) clones the repository's
committed HEAD into temporary folders and, on each fresh clone, times an install:

* ``student``: ``make lab``'s install (``requirements-student.txt``), as it is:
  pip writes no bytecode (``STUDENT_COMPILE=--no-compile``);
* ``student_compiled``: the same set with pip compiling every module at install
  (``STUDENT_COMPILE=``, which ``make lab`` did before);
* ``full``: the install ``make test`` runs (the whole lock: test, hub and
  browser tools too, compiled; this was ``make lab``'s install before the
  two were split).

For each it records the wall-clock time, the size of ``.venv`` and the number
of installed distributions; the ratios are student / full.

What not compiling at install costs later is measured on the two student
clones, ``--repeats`` times each, alternating: ``make lab`` is started as a
student would (fresh ``HOME``, ``BROWSER=true``) and timed to the printed URL;
a kernel is started for a lesson through the server (a session, as
JupyterLab does) and timed to its ``kernel_info`` reply; the lesson's code
cells are run in it (through the server's websocket); the total is the
three. (The phases share the bytecode: what the server compiles, IPython among it, the kernel
finds written; compare the totals.) ``.venv`` is measured
after the start and after the lesson (the bytecode Python wrote on first
import). Before each repeat the bytecode written since the install is deleted,
so every start is a first start. Medians are reported, and the ratios not
compiled / compiled.

Pip's cache is whatever this machine has (normally warm), the same for every
install. The figures are printed and merged into ``bench-results.json`` under
the key ``"install"``. Nothing is asserted: this machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from middlepowers.paths import repo_root
from mpharness.common import free_port, measure_and_publish
from mpharness.hub import KernelClient

#: name -> (make target, extra make arguments): what `make lab` installs now, the same
#: set compiled at install (as `make lab` did before), and what `make test` installs.
INSTALLS = {
    "student": (".venv/.installed-student", []),
    "student_compiled": (".venv/.installed-student", ["STUDENT_COMPILE="]),
    "full": (".venv/.installed", []),
}
#: the installs whose first start is measured
STARTED = ("student", "student_compiled")
#: the lesson run after the first start (the first lesson: pandas, matplotlib, widgets)
LESSON = "notebooks/00-article-to-tidy-data.ipynb"
URL = r"http://127\.0\.0\.1:{port}/lab\S*token="


def tree_bytes(folder: Path) -> int:
    """Disk usage of ``folder`` in bytes (allocated blocks, as ``du`` counts; links not followed)."""
    total = 0
    seen: set[tuple[int, int]] = set()
    for dirpath, _, files in os.walk(folder):
        for name in files:
            st = os.lstat(os.path.join(dirpath, name))
            if (st.st_dev, st.st_ino) in seen:
                continue
            seen.add((st.st_dev, st.st_ino))
            total += st.st_blocks * 512
    return total


def megabytes(folder: Path) -> int:
    return round(tree_bytes(folder) / 2**20)


def installed_count(venv: Path) -> int:
    """Number of distributions ``pip list`` shows in ``venv``."""
    out = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "list", "--format=json"], capture_output=True, text=True, check=True
    )
    return len(json.loads(out.stdout))


def bytecode(folder: Path) -> set[str]:
    """Every ``.pyc`` file under ``folder`` (the clone: its ``.venv`` and ``src``)."""
    return {os.path.join(d, f) for d, _, files in os.walk(folder) for f in files if f.endswith(".pyc")}


def forget_bytecode(folder: Path, keep: set[str]) -> int:
    """Delete the ``.pyc`` files under ``folder`` not in ``keep`` (written since the install); return how many."""
    written = bytecode(folder) - keep
    for path in written:
        os.remove(path)
    return len(written)


def install(source: Path, clone: Path, name: str) -> dict:
    """Clone ``source``'s HEAD afresh into ``clone``, time the ``make`` of install ``name``, measure the venv."""
    target, extra = INSTALLS[name]
    subprocess.run(["git", "clone", "--quiet", str(source), str(clone)], check=True)
    # Python for `make`: a plain interpreter (the venv's own python would
    # make a venv of a venv, whose pip sees the parent's packages).
    base = getattr(sys, "_base_executable", sys.executable)
    start = time.perf_counter()
    done = subprocess.run(
        ["make", target, f"PYTHON={base}", *extra], cwd=clone, capture_output=True, text=True, env=student_env()
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"make {target} {' '.join(extra)} failed in a fresh clone:\n{done.stderr[-3000:]}")
    venv = clone / ".venv"
    return {
        "target": " ".join([target, *extra]),
        "seconds": round(seconds, 1),
        "megabytes": megabytes(venv),
        "packages": installed_count(venv),
    }


def student_env(home: Path | None = None) -> dict[str, str]:
    """This process's environment without the harness's venv, its bytecode switches, Jupyter paths and make's flags."""
    env = dict(os.environ)
    here = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != here)
    for name in list(env):
        if name.startswith(("JUPYTER", "PYTHON", "VIRTUAL_ENV", "MPL", "IPYTHON", "MIDDLEPOWERS")) or name in (
            "MAKEFLAGS",  # a `make bench STUDENT_COMPILE=` must not reach the student install it measures
            "MFLAGS",
            "MAKELEVEL",
        ):
            del env[name]
    if home is not None:
        env.update(HOME=str(home), MIDDLEPOWERS_PROGRESS=str(home / "progress.json"))
    return env


class _Server:
    """What :class:`mpharness.hub.KernelClient` needs of a server: port, token, ``api``."""

    def __init__(self, port: int, token: str):
        self.port, self.token = port, token

    def api(self, method: str, path: str, **kwargs):
        kwargs.setdefault("timeout", 60)
        headers = {"Authorization": f"token {self.token}"}
        return requests.request(method, f"http://127.0.0.1:{self.port}{path}", headers=headers, **kwargs)


def first_start(clone: Path, lesson: str = LESSON, timeout: float = 300) -> dict:
    """``make lab`` in ``clone`` as a new student: seconds to the printed URL, to a ready kernel, to run ``lesson``."""
    home = Path(tempfile.mkdtemp(prefix="mp-home-"))
    port, token = free_port(), secrets.token_hex(8)
    env = student_env(home)
    env.update(JUPYTER_PORT=str(port), JUPYTER_TOKEN=token, BROWSER="true")
    log_path = home / "make-lab.log"
    pattern = re.compile(URL.format(port=port))
    server = _Server(port, token)
    with open(log_path, "wb") as log:
        start = time.perf_counter()
        proc = subprocess.Popen(
            ["make", "--no-print-directory", "lab"],
            cwd=clone,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    try:
        while not pattern.search(log_path.read_text(errors="replace")):
            if proc.poll() is not None or time.perf_counter() - start > timeout:
                raise RuntimeError(f"make lab printed no URL:\n{log_path.read_text(errors='replace')[-3000:]}")
            time.sleep(0.05)  # polling the log for the URL
        url_seconds = time.perf_counter() - start
        venv = clone / ".venv"
        started = time.perf_counter()
        body = {"path": lesson, "type": "notebook", "name": Path(lesson).name, "kernel": {"name": "python3"}}
        response = server.api("POST", "/api/sessions", json=body)
        response.raise_for_status()
        session = response.json()
        client = KernelClient(server, "student", session["id"], session["kernel"]["id"], prefix="/")
        kernel_seconds = time.perf_counter() - started
        after_start = megabytes(venv)
        cells = [
            "".join(c["source"])
            for c in json.loads((clone / lesson).read_text(encoding="utf-8"))["cells"]
            if c["cell_type"] == "code" and "".join(c["source"]).strip()
        ]
        started = time.perf_counter()
        try:
            results = [client.execute(code, index) for index, code in enumerate(cells)]
        finally:
            client.close()
        lesson_seconds = time.perf_counter() - started
        return {
            "url_seconds": round(url_seconds, 2),
            "kernel_seconds": round(kernel_seconds, 2),
            "lesson_seconds": round(lesson_seconds, 2),
            "total_seconds": round(url_seconds + kernel_seconds + lesson_seconds, 2),
            "megabytes_after_start": after_start,
            "megabytes_after_lesson": megabytes(venv),
            "cells": len(results),
            "cell_errors": sum(r.status != "ok" for r in results),
        }
    finally:
        stop(proc, server)
        shutil.rmtree(home, ignore_errors=True)


def stop(proc: subprocess.Popen, server: _Server) -> None:
    """Shut the server down (API, then its process group: make, jupyter and the kernels)."""
    try:
        server.api("POST", "/api/shutdown", timeout=5)
    except requests.RequestException:
        pass
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        pass
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        time.sleep(1)
    proc.wait()


def median_of(runs: list[dict], key: str) -> float:
    return round(statistics.median(r[key] for r in runs), 2)


def run_benchmark(source: Path | None = None, repeats: int = 5, lesson: str = LESSON) -> dict:
    """Every install on its own fresh clone, then the first starts, in one run; return the figures."""
    source = source or repo_root()
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=source, capture_output=True, text=True
    ).stdout.strip()
    scratch = Path(tempfile.mkdtemp(prefix="mp-install-"))
    try:
        figures: dict = {}
        installed: dict[str, set[str]] = {}
        for name in INSTALLS:
            clone = scratch / name
            figures[name] = install(source, clone, name)
            if name in STARTED:
                installed[name] = bytecode(clone)
            else:
                shutil.rmtree(clone)
        runs: dict[str, list[dict]] = {name: [] for name in STARTED}
        for _ in range(repeats):  # alternating, so drift in the machine's load hits both alike
            for name in STARTED:
                forget_bytecode(scratch / name, installed[name])
                runs[name].append(first_start(scratch / name, lesson))
        for name in STARTED:
            figures[name]["first_start"] = {
                "runs": runs[name],
                **{f"median_{key}": median_of(runs[name], key) for key in runs[name][0] if key.endswith("seconds")},
                "megabytes_after_start": runs[name][0]["megabytes_after_start"],
                "megabytes_after_lesson": runs[name][0]["megabytes_after_lesson"],
            }
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    student, compiled, full = figures["student"], figures["student_compiled"], figures["full"]
    first, first_compiled = student["first_start"], compiled["first_start"]
    return {
        "what": "make lab's install (the student set, no bytecode written), the same set compiled at install, "
        "and the full install (make test), each on a fresh git clone of HEAD, pip cache as found; seconds, "
        ".venv size, pip list count; then, on the two student clones alternating, first starts of make lab "
        f"(fresh HOME): seconds to the printed URL, to a ready kernel, to run {lesson}'s code cells, and the "
        ".venv size after the start and after the lesson (first repeat); medians",
        "commit": commit,
        "lesson": lesson,
        "repeats": repeats,
        **figures,
        "ratio_seconds": round(student["seconds"] / full["seconds"], 2),
        "ratio_megabytes": round(student["megabytes"] / full["megabytes"], 2),
        "ratio_megabytes_after_lesson": round(first["megabytes_after_lesson"] / full["megabytes"], 2),
        "ratio_seconds_compiled": round(compiled["seconds"] / full["seconds"], 2),
        "ratio_megabytes_compiled": round(compiled["megabytes"] / full["megabytes"], 2),
        "first_start_ratios_not_compiled_to_compiled": {
            key: round(first[f"median_{key}"] / first_compiled[f"median_{key}"], 2)
            for key in ("url_seconds", "kernel_seconds", "lesson_seconds", "total_seconds")
        },
        "cpus": os.cpu_count(),
        "load_average_1min_at_end": round(os.getloadavg()[0], 2),
    }


def format_table(figures: dict) -> str:
    lines = [f"{'install':<18}{'make target':<46}{'seconds':>9}{'MB':>7}{'packages':>10}"]
    for name in INSTALLS:
        r = figures[name]
        lines.append(f"{name:<18}{r['target']:<46}{r['seconds']:>9.1f}{r['megabytes']:>7}{r['packages']:>10}")
    lines.append(
        f"student / full: {figures['ratio_seconds']:.2f} of the time, {figures['ratio_megabytes']:.2f} of the size "
        f"({figures['ratio_megabytes_after_lesson']:.2f} after a first start and lesson); compiled at install: "
        f"{figures['ratio_seconds_compiled']:.2f} and {figures['ratio_megabytes_compiled']:.2f}"
    )
    lines.append(
        f"first start of make lab, median of {figures['repeats']} (s): "
        f"{'':<4}{'to URL':>8}{'kernel':>8}{'lesson':>8}{'total':>8}{'MB start':>10}{'MB lesson':>11}"
    )
    for name in STARTED:
        f = figures[name]["first_start"]
        lines.append(
            f"  {name:<56}{f['median_url_seconds']:>8.2f}{f['median_kernel_seconds']:>8.2f}"
            f"{f['median_lesson_seconds']:>8.2f}{f['median_total_seconds']:>8.2f}"
            f"{f['megabytes_after_start']:>10}{f['megabytes_after_lesson']:>11}"
        )
    ratios = figures["first_start_ratios_not_compiled_to_compiled"]
    lines.append(
        "  not compiled / compiled: "
        + ", ".join(f"{k.removesuffix('_seconds')} {v:.2f}x" for k, v in ratios.items())
        + f" (fresh clones of {figures['commit']}; load average {figures['load_average_1min_at_end']} at the end)"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mpharness.bench_install", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--output", type=Path, default=None, help="results file (default: bench-results.json at the repo root)"
    )
    parser.add_argument("--repeats", type=int, default=5, help="first starts per student install (default: 5)")
    parser.add_argument("--lesson", default=LESSON, help=f"notebook run after the start (default: {LESSON})")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    return measure_and_publish(
        "bench_install",
        args.output,
        "install",
        lambda: run_benchmark(repeats=args.repeats, lesson=args.lesson),
        format_table,
        (RuntimeError, OSError, requests.RequestException, subprocess.CalledProcessError),
    )


if __name__ == "__main__":
    sys.exit(main())
