"""Benchmark of the course website: build time, page weight, time to the first check being interactive.

``python -m mpharness.bench_site`` (in ``make bench``) measures, in one run:

- the site's build time (``mpcourse.site.build``) against a *floor* build: the
  same Sphinx, myst-nb and book theme on a one-page project, built alternately
  in the same run (medians of ``--rounds``, and the ratio);
- for every page: the HTML's size and the bytes of everything the page loads
  (its files in the site, counted from the requests Chromium makes), and, in
  Chromium from a local file (``file://``), the time from navigation to the
  checks answering a click (``window.mpReadyAt``, set by mpcheck.js once every
  check on the page is wired) beside the page's DOMContentLoaded; medians of
  ``--loads`` fresh loads.

Nothing is asserted: this shared machine is noisy. The figures are printed and
merged into ``bench-results.json`` under the key ``site``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path
from urllib.parse import unquote, urlsplit

from middlepowers.paths import repo_root
from mpharness.common import merge_results
from mpharness.lab import CHROMIUM_ARGS, find_chromium

FLOOR_CONF = (
    'project = "floor"\nextensions = ["myst_nb"]\nnb_execution_mode = "off"\nhtml_theme = "sphinx_book_theme"\n'
)


def _quiet_build(args: list[str]) -> None:
    from sphinx.cmd.build import build_main

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if build_main(["-q", *args]) != 0:
            raise RuntimeError(f"sphinx failed: {args}")


def bench_build(root: Path, rounds: int) -> dict:
    """Median build seconds of the site and of the floor project, alternately."""
    from mpcourse.site import build

    site, floor = [], []
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "floor"
        src.mkdir()
        (src / "conf.py").write_text(FLOOR_CONF)
        (src / "index.md").write_text("# Floor\n\nOne page.\n")
        for _ in range(rounds):
            started = time.perf_counter()
            _quiet_build(["-b", "html", "-E", str(src), str(Path(tmp) / "floor-out")])
            floor.append(time.perf_counter() - started)
            started = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                pages = build(Path(tmp) / "site", root)
            site.append(time.perf_counter() - started)
    return {
        "site_s": round(statistics.median(site), 2),
        "floor_s": round(statistics.median(floor), 2),
        "ratio": round(statistics.median(site) / statistics.median(floor), 2),
        "rounds": rounds,
        "pages": len(pages),
        "all_site_s": [round(s, 2) for s in site],
    }


def bench_pages(site: Path, loads: int) -> dict:
    """Per page: sizes, and medians of DOMContentLoaded and checks-ready times from a local file."""
    from playwright.sync_api import sync_playwright

    pages = sorted(p for p in site.rglob("*.html") if "_static" not in p.parts)
    out = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            headless=True,
            executable_path=find_chromium(),
            args=[*CHROMIUM_ARGS, "--host-resolver-rules=MAP * ~NOTFOUND"],
        )
        for path in pages:
            dom, ready, loaded = [], [], {}
            for _ in range(loads):
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                page = context.new_page()
                page.on("request", lambda r, loaded=loaded: loaded.setdefault(r.url, None))
                page.goto(path.as_uri(), wait_until="load")
                page.wait_for_selector("html[data-mp-ready='1']")
                timing = page.evaluate("""() => ({dom: performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd,
                                                 ready: window.mpReadyAt, checks: document.querySelectorAll('.mp-check').length})""")
                dom.append(timing["dom"])
                if timing["checks"]:
                    ready.append(timing["ready"])
                context.close()
            files = {unquote(urlsplit(u).path) for u in loaded if u.startswith("file:")}
            total = sum(os.path.getsize(f) for f in files if os.path.isfile(f))
            out[path.relative_to(site).as_posix()] = {
                "html_kb": round(path.stat().st_size / 1024, 1),
                "loaded_kb": round(total / 1024, 1),
                "files_loaded": len(files),
                "checks": timing["checks"],
                "dom_content_loaded_ms": round(statistics.median(dom), 1),
                "first_check_interactive_ms": round(statistics.median(ready), 1) if ready else None,
            }
        browser.close()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mpharness.bench_site", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="builds of the site and of the floor (default 3)")
    parser.add_argument("--loads", type=int, default=5, help="fresh loads of each page (default 5)")
    args = parser.parse_args(argv)
    root = repo_root()
    build = bench_build(root, args.rounds)
    print(
        f"build: site {build['site_s']} s ({build['pages']} pages), floor {build['floor_s']} s, "
        f"ratio {build['ratio']} (medians of {args.rounds})"
    )
    with tempfile.TemporaryDirectory() as tmp:
        from mpcourse.site import build as build_site

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            build_site(Path(tmp) / "site", root)
        pages = bench_pages(Path(tmp) / "site", args.loads)
    print(f"{'page':45} {'html KB':>8} {'loaded KB':>9} {'checks':>6} {'DCL ms':>7} {'ready ms':>8}")
    for name, row in pages.items():
        ready = row["first_check_interactive_ms"]
        print(
            f"{name:45} {row['html_kb']:8.1f} {row['loaded_kb']:9.1f} {row['checks']:6d} "
            f"{row['dom_content_loaded_ms']:7.1f} {'-' if ready is None else f'{ready:8.1f}':>8}"
        )
    load = os.getloadavg()[0]
    merge_results(
        root / "bench-results.json",
        "site",
        {
            "build": build,
            "pages": pages,
            "loads_per_page": args.loads,
            "cpus": os.cpu_count(),
            "load_average_1min_at_end": round(load, 2),
            "how": "Chromium headless, file:// URLs, network blocked",
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
