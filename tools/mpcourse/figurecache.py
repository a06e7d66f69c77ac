"""Refresh the chart cache: ``python -m mpcourse.figurecache`` (``make figures``).

Empties ``src/middlepowers/data/figures/`` and runs the notebooks (default:
``notebooks/*.ipynb`` and ``solutions/*.ipynb``) with
``MIDDLEPOWERS_FIGURE_CACHE=write``, so every chart they draw is stored again
and nothing else is left (see ``middlepowers.figures``). The notebooks
themselves are not written. Drawing is deterministic, so files for charts
that did not change come back byte for byte and git shows no change.
Run it after changing a plotting module, ``figures.py``, matplotlib or a
table a chart draws; ``tests/test_figure_cache.py`` fails until you do.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    from middlepowers import figures
    from middlepowers.paths import notebooks, repo_root
    from mpcourse.execution import run

    parser = argparse.ArgumentParser(prog="python -m mpcourse.figurecache", description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", help="notebooks to run (default: notebooks/ and solutions/)")
    args = parser.parse_args(argv)
    root = repo_root()
    paths = [Path(p) for p in args.notebooks] or notebooks("notebooks", "solutions", root=root)
    if not args.notebooks:
        for old in figures.CACHE_DIR.glob("*.png"):
            old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.update(
            {
                figures.CACHE_ENV: "write",
                "MIDDLEPOWERS_PROGRESS": str(Path(tmp) / "progress.json"),
                "MPLBACKEND": "module://matplotlib_inline.backend_inline",
            }
        )
        failed = 0
        for path in paths:
            errors = run(path)
            if errors:
                failed += 1
                print(f"{path}: {errors[0]}", file=sys.stderr)
    stored = sorted(p.name for p in figures.CACHE_DIR.glob("*.png"))
    print(f"{len(stored)} charts cached in {figures.CACHE_DIR}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
