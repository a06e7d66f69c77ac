"""Shared paths and small helpers for the browser tests (imported by test modules)."""

from __future__ import annotations

from middlepowers.paths import repo_root

ARTIFACTS = repo_root() / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"


def screenshot_name(notebook: str) -> str:
    """``solutions/worksheet-01-two-stage-program.ipynb`` -> ``solutions-01-two-stage-program.png``."""
    folder, _, name = notebook.rpartition("/")
    stem = name.removesuffix(".ipynb")
    return f"{folder.replace('/', '-')}-{stem}.png" if folder else f"{stem}.png"
