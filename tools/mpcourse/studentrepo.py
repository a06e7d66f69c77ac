"""Write a student-only copy of the course for graded use (``make student-repo DEST=dir``).

The copy holds what a student runs: the lessons (``notebooks/``), the
worksheets (``exercises/``, whose hidden tests ``make exercises`` already
stripped), ``data/`` (the article, tables and quiz files), ``src/`` (the
package the notebooks import) and the files Binder and ``make lab`` need.
It leaves out:

- ``solutions/`` (answer keys, hidden tests, worked answers) and ``instructors/``
  (instructor notes, guide, rubrics as generated notes);
- ``tests/``, ``tools/`` and the other maintainer files (they need the keys).

The quiz files stay, expected values included: the instant checks compare a
student's answer with them in the student's own kernel, offline, so they must
be on the student's disk. That makes the checks practice, not assessment:
grade with nbgrader (hidden tests and rubrics, which are not in the copy).

Only files git tracks are copied (never a progress file or a local venv). The
copy is refused when a notebook in it still holds ``### BEGIN SOLUTION`` or
``### BEGIN HIDDEN TESTS``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

from middlepowers.paths import repo_root

#: top-level paths left out of the student copy
EXCLUDE = (
    "solutions",
    "instructors",
    "tests",
    "tools",
    "conftest.py",
    "bench-results.json",
    "package.json",
    "package-lock.json",
    ".github",
)
MARKERS = ("### BEGIN SOLUTION", "### BEGIN HIDDEN TESTS")
NOTE = """> **Student copy.** This copy of the course has no answer keys, hidden tests or instructor notes;
> links to `solutions/` and `instructors/` below point to the instructor's repository.

"""


def tracked_files(root: Path) -> list[str]:
    """Files git tracks under ``root`` (relative, posix); every file except .git/.venv when git is missing."""
    try:
        out = subprocess.run(["git", "-C", str(root), "ls-files", "-z"], capture_output=True, check=True).stdout
        return sorted(p for p in out.decode("utf-8").split("\0") if p)
    except (OSError, subprocess.CalledProcessError):
        skip = {".git", ".venv", "node_modules", "__pycache__"}
        return sorted(
            p.relative_to(root).as_posix()
            for p in root.rglob("*")
            if p.is_file() and not skip & set(p.relative_to(root).parts)
        )


def kept(rel: str) -> bool:
    return rel.split("/", 1)[0] not in EXCLUDE


def leaks(dest: Path) -> list[str]:
    """Notebooks in ``dest`` that still hold a solution or hidden-test marker."""
    found = []
    for path in sorted(dest.rglob("*.ipynb")):
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            found += [f"{path.relative_to(dest)}: {m}" for m in MARKERS if m in text]
    return found


def write_copy(dest: Path, root: Path | None = None) -> list[str]:
    """Copy the student files to ``dest`` (which must not exist or be empty); return the files copied."""
    root = root or repo_root()
    dest = Path(dest)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise FileExistsError(f"{dest} exists and is not an empty folder: choose a new DEST")
    if dest.resolve().is_relative_to(root.resolve()):
        raise ValueError(f"{dest} is inside the course repository: choose a folder outside it")
    files = [rel for rel in tracked_files(root) if kept(rel) and (root / rel).is_file()]
    for rel in files:
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / rel, target)
    readme = dest / "README.md"
    if readme.is_file():
        readme.write_text(NOTE + readme.read_text(encoding="utf-8"), encoding="utf-8")
    problems = leaks(dest)
    if problems:
        shutil.rmtree(dest)
        raise RuntimeError("refused: answers would leak into the student copy:\n  " + "\n  ".join(problems))
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dest", type=Path, help="a new (or empty) folder outside this repository")
    args = parser.parse_args(argv)
    try:
        files = write_copy(args.dest)
    except (FileExistsError, ValueError, RuntimeError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(
        f"wrote {len(files)} files to {args.dest} (no solutions/, instructors/, tests/, tools/). Next: "
        f"cd {args.dest} && git init && git add . && git commit -m 'Student copy', then push it where "
        f"students pull from{os.linesep}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
