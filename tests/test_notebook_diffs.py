"""Reviewing a lesson change means reading cells, not JSON.

The repository's ``.gitattributes`` routes ``*.ipynb`` to nbdime's diff and
merge drivers, and ``make diff-tools`` (run by the install step) configures
them. This test sets up a scratch repository the same way and checks that
``git diff`` on an edited lesson shows the changed cell, not notebook JSON.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout


def test_every_notebook_is_routed_to_nbdime():
    lines = git(
        ROOT,
        "check-attr",
        "diff",
        "merge",
        "--",
        "notebooks/index.ipynb",
        "solutions/worksheet-01-two-stage-program.ipynb",
    ).splitlines()
    assert lines and all(line.endswith(": jupyternotebook") for line in lines), lines


def test_git_diff_of_a_lesson_reads_cell_by_cell(tmp_path):
    repo = tmp_path / "repo"
    (repo / "notebooks").mkdir(parents=True)
    shutil.copy(ROOT / ".gitattributes", repo / ".gitattributes")
    lesson = repo / "notebooks" / "01-two-stage-program.ipynb"
    shutil.copy(ROOT / "notebooks" / "01-two-stage-program.ipynb", lesson)
    git(repo, "init", "-q")
    git(repo, "config", "user.email", "t@example.org")
    git(repo, "config", "user.name", "t")
    # the same settings as the Makefile's diff-tools target
    git(repo, "config", "diff.jupyternotebook.command", f"{BIN / 'git-nbdiffdriver'} diff")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "start")

    nb = nbformat.read(lesson, as_version=4)
    nb.cells[1].source += "\n\nA sentence added in review."
    nbformat.write(nb, lesson)

    diff = git(repo, "diff", "--no-color")
    assert "A sentence added in review." in diff
    assert "modified /cells/1/source" in diff
    assert '"cell_type":' not in diff and '"outputs":' not in diff
