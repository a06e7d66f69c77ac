"""Benchmark of the test suite itself: wall time of `make test-fast` and `make test` on fresh clones.

``python -m mpharness.bench_suite --old REV`` (in ``make bench``) clones this
repository twice into a temporary folder, at ``REV`` (old) and at ``HEAD``
(new, or ``--new REV``), and in one run:

- installs each clone as a new contributor would (``make`` of the install
  stamps, the npm packages and the browser), timed apart from the tests;
- collects each clone's test ids (``pytest --collect-only``: the paths and
  flags come from each clone's own configuration) and lists, per module, the
  ids the new suite no longer has, and the count of nbval cells;
- runs the tiers alternately, old then new, ``--rounds`` times: ``make test``
  in both, ``make test-fast`` where the clone has that target.

Nothing is asserted (this shared machine is noisy): the medians, the ratio
new/old and the removed ids are printed and merged into
``bench-results.json`` under the key ``suite``. A full round takes two full
suites (about 40 minutes on 2 cores): ``--tiers fast`` times the fast tier
alone.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from middlepowers.paths import repo_root
from mpharness.common import measure_and_publish

INSTALL = ["make", "--no-print-directory", ".venv/.installed", "node_modules/.installed", "browser"]
TIERS = {"fast": ["make", "--no-print-directory", "test-fast"], "full": ["make", "--no-print-directory", "test"]}


def _env() -> dict:
    """The environment a contributor's shell gives make: no inherited make flags or venv."""
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "VIRTUAL_ENV")}
    env.pop("PYTHONPATH", None)
    return env


def clone(source: Path, rev: str, target: Path) -> Path:
    """A fresh clone of ``source`` at ``rev`` (a detached checkout)."""
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(source), str(target)], check=True)
    subprocess.run(["git", "-C", str(target), "checkout", "--quiet", "--detach", rev], check=True)
    return target


def has_target(checkout: Path, target: str) -> bool:
    """Whether the clone's Makefile has ``target`` (``make -n`` answers without running it)."""
    out = subprocess.run(["make", "-n", target], cwd=checkout, env=_env(), capture_output=True, text=True)
    return out.returncode == 0


def timed(command: list[str], checkout: Path, log: Path) -> dict:
    """Run ``command`` in ``checkout``; wall seconds, exit code and pytest's closing line."""
    started = time.perf_counter()
    with open(log, "ab") as fh:
        code = subprocess.run(command, cwd=checkout, env=_env(), stdout=fh, stderr=subprocess.STDOUT).returncode
    seconds = time.perf_counter() - started
    closing = [line for line in log.read_text(errors="replace").splitlines() if " passed" in line or " failed" in line]
    return {"seconds": round(seconds, 1), "exit": code, "result": closing[-1].strip("= ") if closing else ""}


def collected(checkout: Path) -> list[str]:
    """The test ids a bare ``pytest`` in the clone collects with the suite's paths (as ``make test``)."""
    python = checkout / ".venv" / "bin" / "python"
    paths = [] if has_pytest_paths(checkout) else ["notebooks", "solutions", "exercises", "tests"]
    flags = [] if paths == [] else ["--nbval", "--nbval-current-env"]
    out = subprocess.run(
        [str(python), "-m", "pytest", "--collect-only", "-q", *flags, *paths],
        cwd=checkout,
        env=_env(),
        capture_output=True,
        text=True,
    )
    return sorted(line for line in out.stdout.splitlines() if "::" in line)


def has_pytest_paths(checkout: Path) -> bool:
    """Whether the clone's pyproject.toml carries the suite's paths (the new layout) or its Makefile does (old)."""
    import tomllib

    options = tomllib.loads((checkout / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    return "notebooks" in options.get("testpaths", [])


def compare_ids(old: list[str], new: list[str]) -> dict:
    """Per module: counts before and after, and the ids that are gone."""

    def module(test_id: str) -> str:
        return test_id.split("::")[0]

    before, after = Counter(map(module, old)), Counter(map(module, new))
    return {
        "old_total": len(old),
        "new_total": len(new),
        "nbval_cells": {"old": sum(".ipynb::" in i for i in old), "new": sum(".ipynb::" in i for i in new)},
        "per_module": {m: [before.get(m, 0), after.get(m, 0)] for m in sorted(set(before) | set(after))},
        "removed": sorted(set(old) - set(new)),
    }


def measure(old_rev: str, new_rev: str, tiers: list[str], rounds: int, keep: bool = False) -> dict:
    """Install both clones, compare their ids, time the tiers alternately."""
    source = repo_root()
    work = Path(tempfile.mkdtemp(prefix="mp-bench-suite-"))
    checkouts = {"old": clone(source, old_rev, work / "old"), "new": clone(source, new_rev, work / "new")}
    figures: dict = {"old_rev": old_rev, "new_rev": new_rev, "cpus": os.cpu_count(), "install_seconds": {}}
    for name, checkout in checkouts.items():
        figures["install_seconds"][name] = timed(INSTALL, checkout, work / f"{name}-install.log")["seconds"]
    figures["ids"] = compare_ids(collected(checkouts["old"]), collected(checkouts["new"]))
    runs: dict = {tier: {"old": [], "new": []} for tier in tiers}
    for _ in range(rounds):
        for tier in tiers:
            for name, checkout in checkouts.items():
                target = TIERS[tier][-1]
                if not has_target(checkout, target):
                    continue
                runs[tier][name].append(timed(TIERS[tier], checkout, work / f"{name}-{tier}.log"))
    figures["tiers"] = {}
    for tier, by_name in runs.items():
        row = {}
        for name, results in by_name.items():
            if results:
                row[name] = {
                    "median_seconds": round(statistics.median(r["seconds"] for r in results), 1),
                    "runs": results,
                }
        if "old" in row and "new" in row:
            row["ratio_new_old"] = round(row["new"]["median_seconds"] / row["old"]["median_seconds"], 3)
        figures["tiers"][tier] = row
    if full := figures["tiers"].get("full", {}).get("old"):
        fast = figures["tiers"].get("fast", {}).get("new")
        if fast:
            figures["fast_new_over_full_old"] = round(fast["median_seconds"] / full["median_seconds"], 3)
    figures["logs"] = str(work) if keep else None
    if not keep:
        subprocess.run(["rm", "-rf", str(work)], check=False)
    return figures


def table(figures: dict) -> str:
    """The figures as a few readable lines."""
    lines = [f"suite benchmark: old {figures['old_rev']} vs new {figures['new_rev']} ({figures['cpus']} cpus)"]
    lines.append(
        f"  install (apart): old {figures['install_seconds']['old']} s, new {figures['install_seconds']['new']} s"
    )
    for tier, row in figures["tiers"].items():
        cells = [
            f"{n} {row[n]['median_seconds']} s ({row[n]['runs'][-1]['result']})" for n in ("old", "new") if n in row
        ]
        ratio = f", new/old {row['ratio_new_old']}" if "ratio_new_old" in row else ""
        lines.append(f"  make {'test' if tier == 'full' else 'test-fast'}: " + "; ".join(cells) + ratio)
    ids = figures["ids"]
    lines.append(
        f"  test ids: old {ids['old_total']}, new {ids['new_total']}; nbval cells old {ids['nbval_cells']['old']}, "
        f"new {ids['nbval_cells']['new']}; ids gone: {len(ids['removed'])}"
    )
    lines += [f"    - {i}" for i in ids["removed"]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Measure and print; merge into bench-results.json under "suite"."""
    parser = argparse.ArgumentParser(prog="python -m mpharness.bench_suite", description=__doc__.split("\n\n")[0])
    parser.add_argument("--old", required=True, help="the revision to compare against (a commit, tag or branch)")
    parser.add_argument("--new", default="HEAD", help="the revision measured (default: HEAD)")
    parser.add_argument("--tiers", default="fast,full", help="comma-separated: fast, full (default: both)")
    parser.add_argument("--rounds", type=int, default=1, help="alternate rounds of each tier (default: 1)")
    parser.add_argument("--keep", action="store_true", help="keep the clones and their logs")
    parser.add_argument("--output", default=None, help="results file (default: bench-results.json in the checkout)")
    args = parser.parse_args(argv)
    tiers = [t.strip() for t in args.tiers.split(",") if t.strip()]
    unknown = [t for t in tiers if t not in TIERS]
    if unknown or not tiers or args.rounds < 1:
        print(f"bench_suite: --tiers takes {', '.join(TIERS)}; --rounds at least 1", file=sys.stderr)
        return 2
    return measure_and_publish(
        "bench_suite",
        args.output,
        "suite",
        lambda: measure(args.old, args.new, tiers, args.rounds, args.keep),
        table,
        (subprocess.CalledProcessError, OSError),
    )


if __name__ == "__main__":
    sys.exit(main())
