"""Write a student-only copy of the course for graded use (``make student-repo DEST=dir``).

The copy holds what a student runs: the lessons (``notebooks/``), the
worksheets (``exercises/``, whose hidden tests ``make exercises`` already
stripped), ``data/`` (the article, tables and quiz files), ``src/`` (the
package the notebooks import) and the files Binder and ``make lab`` need.
It leaves out:

- ``solutions/`` (answer keys, hidden tests, worked answers) and ``instructors/``
  (instructor notes, guide, rubrics as generated notes);
- ``tests/``, ``tools/`` and the other maintainer files (they need the keys).

The quiz files stay: the instant checks need their practice cases (inputs and
expected values) on the student's disk, offline, and students should see the
rubric criteria. They are practice, not assessment. What grades is not in the
copy: the graded cases (the ``GRADED`` blocks in the answer keys' hidden
tests, judged outside the student's kernel by ``mpcourse.judge``; they differ
from the practice cases) and the model answers of the written tasks (in the
answer keys only; a quiz file's reflection may not carry one). The copy is
refused when it would carry either.

Only files git has committed are copied, as committed (``git show HEAD:path``):
never a progress file, a local venv, or a lesson JupyterLab autosaved after a
Run All. Files with uncommitted changes are named in a warning. The copy is
refused when a notebook in it still holds ``### BEGIN SOLUTION`` or
``### BEGIN HIDDEN TESTS``.

The copy reads as a copy: its README links to ``solutions/`` and
``instructors/`` point to the instructor's repository (``[repository]`` in
``data/course.toml``), and its start notebook no longer lists the
``instructors/`` folder it does not have. (``make test`` there says it needs
the full repository: the Makefile's rule for ``tools/pyproject.toml``.)
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
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
#: an answer key's graded cases (mpcourse.judge), in a notebook's JSON text
GRADED_BLOCK = re.compile(r'GRADED = \\"\\"\\"')
NOTE = """> **Student copy.** This copy of the course has no answer keys, hidden tests or instructor notes;
> links to `solutions/` and `instructors/` below point to the instructor's repository
> ({url}). Run `make lab`; `make test` is the maintainers' and needs that repository.

"""
#: a Markdown link into a folder the copy leaves out
OUT_LINK = re.compile(r"\]\(((?:solutions|instructors)/[^)\s]*)\)")
#: the start notebook's row for the instructors' folder
INSTRUCTORS_ROW = re.compile(r"^\| `instructors/` \|.*\n", re.M)


def _git(root: Path, *args: str) -> bytes:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=True).stdout


def committed_files(root: Path) -> list[str]:
    """Files (not links or submodules) in git's last commit under ``root``, relative, posix."""
    out = _git(root, "ls-tree", "-r", "-z", "--full-tree", "HEAD")
    files = []
    for entry in out.decode("utf-8").split("\0"):
        if entry:
            mode, _, rest = entry.partition(" ")
            if mode in ("100644", "100755"):
                files.append(rest.split("\t", 1)[1])
    return sorted(files)


def uncommitted(root: Path, files: list[str]) -> list[str]:
    """Which of ``files`` differ in the working tree from the last commit (what the copy will NOT carry)."""
    out = _git(root, "status", "--porcelain", "-z", "--untracked-files=no", "--", *files) if files else b""
    return sorted(entry[3:] for entry in out.decode("utf-8").split("\0") if len(entry) > 3)


def kept(rel: str) -> bool:
    return rel.split("/", 1)[0] not in EXCLUDE


def leaks(dest: Path) -> list[str]:
    """What in ``dest`` is answer material: solution or hidden-test markers, graded cases, model answers."""
    found = []
    for path in sorted(dest.rglob("*.ipynb")):
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            found += [f"{path.relative_to(dest)}: {m}" for m in MARKERS if m in text]
            if GRADED_BLOCK.search(text):
                found.append(f"{path.relative_to(dest)}: graded cases (GRADED = ...)")
    for path in sorted((dest / "data" / "quizzes").glob("*.toml")):
        try:
            questions = tomllib.loads(path.read_text(encoding="utf-8")).get("questions", [])
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            continue  # the copy's own tests report a broken quiz file
        for q in questions if isinstance(questions, list) else []:
            if isinstance(q, dict) and q.get("type") == "reflection" and "explanation" in q:
                found.append(f"{path.relative_to(dest)}: a model answer (explanation) for {q.get('id')!r}")
    return found


def write_copy(dest: Path, root: Path | None = None) -> list[str]:
    """Copy the student files to ``dest`` (which must not exist or be empty); return the files copied."""
    root = root or repo_root()
    dest = Path(dest)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise FileExistsError(f"{dest} exists and is not an empty folder: choose a new DEST")
    if dest.resolve().is_relative_to(root.resolve()):
        raise ValueError(f"{dest} is inside the course repository: choose a folder outside it")
    try:
        files = [rel for rel in committed_files(root) if kept(rel)]
        changed = uncommitted(root, files)
    except (OSError, subprocess.CalledProcessError) as error:
        raise RuntimeError(f"the student copy is made from git's last commit, and git could not read {root}") from error
    if changed:
        print(
            "warning: these files have changes that are not committed; the copy carries them as committed:\n  "
            + "\n  ".join(changed),
            file=sys.stderr,
        )
    for rel in files:
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(_git(root, "show", f"HEAD:{rel}"))
        if (root / rel).is_file() and os.access(root / rel, os.X_OK):
            target.chmod(0o755)
    rewrite_for_the_copy(dest, root)
    problems = leaks(dest)
    if problems:
        shutil.rmtree(dest)
        raise RuntimeError("refused: answers would leak into the student copy:\n  " + "\n  ".join(problems))
    return files


def rewrite_for_the_copy(dest: Path, root: Path) -> None:
    """The README's banner and absolute links to what stays behind; no ``instructors/`` row in the start notebook."""
    from mpcourse.link import repository

    repo = repository(root)
    url = f"https://github.com/{repo['github']}"
    readme = dest / "README.md"
    if readme.is_file():
        text = OUT_LINK.sub(
            lambda m: f"]({url}/blob/{repo['branch']}/{m.group(1)})", readme.read_text(encoding="utf-8")
        )
        readme.write_text(NOTE.format(url=url) + text, encoding="utf-8")
    start = dest / "notebooks" / "index.ipynb"
    if start.is_file():
        nb = json.loads(start.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] == "markdown":
                source = "".join(cell["source"])
                if INSTRUCTORS_ROW.search(source):
                    cell["source"] = INSTRUCTORS_ROW.sub("", source).splitlines(keepends=True)
        start.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dest", type=Path, help="a new (or empty) folder outside this repository")
    args = parser.parse_args(argv)
    if str(args.dest).startswith("-"):
        # make passes DEST after `--`, so `make student-repo DEST=-h` lands here, not in --help
        print(
            f"error: DEST {str(args.dest)!r} starts with '-' and reads as an option: "
            f"choose another folder name (or write it as ./{args.dest})",
            file=sys.stderr,
        )
        return 2
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
