"""Benchmark: what one student costs on a real, local JupyterHub.

Command line::

    python -m mpharness.bench_hub   # prints figures, merges them into bench-results.json["hub"]

It runs every notebook in ``notebooks/`` for one student (each in a fresh
kernel, as a student opening it would) and reports spawn-to-ready time, the
idle server's memory and, per lesson, the peak memory (RSS and PSS) of server
+ kernel. The hub, the pull and the kernel runs are :mod:`mpharness.hub`'s.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from mpharness.common import ProcessSampler, merge_results
from mpharness.hub import HubError, LocalHub, make_source_repo

MiB = 1024 * 1024


def measure(root: Path, notebooks: list[str] | None = None, student: str = "ada") -> dict:
    """Start a hub, pull the working tree for one student, run each notebook; return figures."""
    from middlepowers import paths
    from mpcourse.link import nbgitpuller_link

    root = Path(root).resolve()
    notebooks = notebooks or [p.relative_to(root).as_posix() for p in paths.notebooks("notebooks", root=root)]
    if not notebooks:
        raise HubError(f"no notebooks in {root / 'notebooks'}")
    with tempfile.TemporaryDirectory(prefix="mp-bench-hub-") as tmp:
        tmp = Path(tmp)
        source = make_source_repo(root, tmp / "source")
        hub = LocalHub(tmp / "hub", root)
        try:
            hub.start()
            repo_url = source.as_uri()
            link = nbgitpuller_link(hub.url, repo_url, allow_local=True)
            person = hub.login_via_link(student, link)
            pull_t0 = time.monotonic()
            hub.pull(person, repo_url)
            pull_seconds = time.monotonic() - pull_t0
            idle = ProcessSampler(person.server_pid)
            idle_memory = idle.sample()
            lessons = {}
            for nb in notebooks:
                t0 = time.monotonic()
                with ProcessSampler(person.server_pid) as sampler:
                    results = hub.run_notebook(student, f"{hub.collection_dir}/{nb}")
                bad = [r for r in results if r.status != "ok" and not r.allowed_error]
                lessons[nb] = {
                    "peak_rss_mib": round(sampler.peak.rss / MiB, 1),
                    "peak_kernel_rss_mib": round(sampler.peak.rss_children / MiB, 1),
                    "peak_pss_mib": round(sampler.peak.pss / MiB, 1),
                    "peak_kernel_pss_mib": round(sampler.peak.pss_children / MiB, 1),
                    "run_seconds": round(time.monotonic() - t0, 2),
                    "ok": not bad,
                    **({"error": bad[0].error} if bad else {}),
                }
        finally:
            hub.stop()
            left = hub.leftovers()
    heaviest = max(lessons, key=lambda nb: lessons[nb]["peak_rss_mib"])
    return {
        "hub_startup_seconds": round(hub.startup_seconds, 2),
        "spawn_to_ready_seconds": round(person.spawn_seconds, 2),
        "first_pull_seconds": round(pull_seconds, 2),
        "idle_server_rss_mib": round(idle_memory.rss / MiB, 1),
        "idle_server_pss_mib": round(idle_memory.pss / MiB, 1),
        "heaviest_lesson": heaviest,
        "peak_rss_mib": lessons[heaviest]["peak_rss_mib"],
        "peak_pss_mib": lessons[heaviest]["peak_pss_mib"],
        "lessons": lessons,
        "leftover_processes": left,
        "cpus": os.cpu_count(),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "note": "RSS and PSS of the student's jupyterhub-singleuser plus its kernel, sampled every 50 ms; "
        "RSS counts shared libraries in each process (an upper bound per student), PSS shares them out",
    }


def main(argv: list[str] | None = None) -> int:
    """Measure and print; merge into bench-results.json under "hub"."""
    from middlepowers.paths import repo_root

    parser = argparse.ArgumentParser(prog="python -m mpharness.bench_hub", description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", help="notebooks to run (default: all in notebooks/)")
    parser.add_argument("--output", default=None, help="results file (default: bench-results.json in the checkout)")
    args = parser.parse_args(argv)
    root = repo_root()
    try:
        figures = measure(root, args.notebooks or None)
    except HubError as err:
        print(f"bench_hub: {err}", file=sys.stderr)
        return 1
    for nb, row in figures["lessons"].items():
        flag = "" if row["ok"] else f"  FAILED: {row.get('error', '')}"
        print(
            f"{nb:45s} peak server+kernel RSS {row['peak_rss_mib']:7.1f} MiB, PSS {row['peak_pss_mib']:7.1f} MiB  "
            f"(kernel RSS {row['peak_kernel_rss_mib']:6.1f})  {row['run_seconds']:5.1f} s{flag}"
        )
    print(
        f"hub startup {figures['hub_startup_seconds']} s; spawn-to-ready "
        f"{figures['spawn_to_ready_seconds']} s; first pull {figures['first_pull_seconds']} s; "
        f"idle server {figures['idle_server_rss_mib']} MiB"
    )
    print(
        f"heaviest lesson: {figures['heaviest_lesson']} at {figures['peak_rss_mib']} MiB per student "
        f"({figures['cpus']} CPUs, load average {figures['load_average_1min']})"
    )
    if figures["leftover_processes"]:
        print("LEFTOVER PROCESSES:", *figures["leftover_processes"], sep="\n  ")
    output = Path(args.output) if args.output else root / "bench-results.json"
    try:
        merge_results(output, "hub", figures)
    except ValueError as err:
        print(f"bench_hub: {err}", file=sys.stderr)
        return 1
    print(f'written to {output} under "hub"')
    ok = all(row["ok"] for row in figures["lessons"].values()) and not figures["leftover_processes"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
