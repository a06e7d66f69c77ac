"""Benchmark: what ``make lab`` costs a student on a fresh clone, against the full install.

``python -m mpharness.bench_install`` (``make bench``) clones the repository's
committed HEAD into a temporary folder and, on that fresh clone, times the
install step of ``make lab`` (the student set: ``requirements-student.txt``)
and, in another fresh clone in the same run, the full install that ``make test``
runs (the whole lock: test, hub and browser tools too; this was ``make lab``'s
install before the two were split). For each it records the wall-clock time,
the size of ``.venv`` and the number of installed distributions, and the
ratios student / full. Pip's cache is whatever this machine has (normally
warm), the same for both. The figures are printed and merged into
``bench-results.json`` under the key ``"install"``. Nothing is asserted: this
machine is shared and noisy.

(Harness code: its home after the package split is ``mpharness.install``.)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from middlepowers.paths import repo_root
from mpharness.common import merge_results

#: make targets timed: what `make lab` installs, and what `make test` installs.
TARGETS = {
    "student": ".venv/.installed-student",
    "full": ".venv/.installed",
}


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


def installed_count(venv: Path) -> int:
    """Number of distributions ``pip list`` shows in ``venv``."""
    out = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "list", "--format=json"], capture_output=True, text=True, check=True
    )
    return len(json.loads(out.stdout))


def measure(target: str, source: Path, python: str = sys.executable) -> dict:
    """Clone ``source``'s HEAD afresh, time ``make <target>`` there, measure the venv."""
    scratch = Path(tempfile.mkdtemp(prefix="mp-install-"))
    try:
        clone = scratch / "clone"
        subprocess.run(["git", "clone", "--quiet", str(source), str(clone)], check=True)
        # Python for `make`: a plain interpreter (the venv's own python would
        # make a venv of a venv, whose pip sees the parent's packages).
        base = getattr(sys, "_base_executable", python)
        start = time.perf_counter()
        done = subprocess.run(["make", target, f"PYTHON={base}"], cwd=clone, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        if done.returncode != 0:
            raise RuntimeError(f"make {target} failed in a fresh clone:\n{done.stderr[-3000:]}")
        venv = clone / ".venv"
        return {
            "target": target,
            "seconds": round(seconds, 1),
            "megabytes": round(tree_bytes(venv) / 2**20),
            "packages": installed_count(venv),
        }
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def run_benchmark(source: Path | None = None) -> dict:
    """Measure both installs, each on its own fresh clone, in one run; return the figures."""
    source = source or repo_root()
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=source, capture_output=True, text=True
    ).stdout.strip()
    figures = {name: measure(target, source) for name, target in TARGETS.items()}
    student, full = figures["student"], figures["full"]
    return {
        "what": "make lab's install (the student set) against the full install (make test), each on a "
        "fresh git clone of HEAD, pip cache as found; seconds, .venv size, pip list count",
        "commit": commit,
        **figures,
        "ratio_seconds": round(student["seconds"] / full["seconds"], 2),
        "ratio_megabytes": round(student["megabytes"] / full["megabytes"], 2),
        "cpus": os.cpu_count(),
        "load_average_1min_at_end": round(os.getloadavg()[0], 2),
    }


def format_table(figures: dict) -> str:
    lines = [f"{'install':<10}{'make target':<28}{'seconds':>9}{'MB':>7}{'packages':>10}"]
    for name in TARGETS:
        r = figures[name]
        lines.append(f"{name:<10}{r['target']:<28}{r['seconds']:>9.1f}{r['megabytes']:>7}{r['packages']:>10}")
    lines.append(
        f"student / full: {figures['ratio_seconds']:.2f} of the time, {figures['ratio_megabytes']:.2f} "
        f"of the size (fresh clones of {figures['commit']}; load average "
        f"{figures['load_average_1min_at_end']} at the end)"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mpharness.bench_install", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--output", type=Path, default=None, help="results file (default: bench-results.json at the repo root)"
    )
    args = parser.parse_args(argv)
    try:
        figures = run_benchmark()
    except (RuntimeError, subprocess.CalledProcessError) as exc:
        print(f"bench_install: {exc}", file=sys.stderr)
        return 1
    out = args.output or (repo_root() / "bench-results.json")
    merge_results(out, "install", figures)
    print(format_table(figures))
    print(f"written to {out} (key 'install')")
    return 0


if __name__ == "__main__":
    sys.exit(main())
