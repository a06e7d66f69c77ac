"""Run a notebook top to bottom outside JupyterLab, without writing it back.

The course tools use it (``mpcourse.figurecache`` redraws every chart this
way); the harness's ``mpharness.execute`` adds timing and memory sampling on
top, and shares :func:`cell_errors` with it.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient


def cell_errors(nb) -> list[str]:
    """One line per error output, except in cells tagged ``raises-exception``."""
    found = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or "raises-exception" in cell.metadata.get("tags", []):
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                found.append(f"cell {i}: {output.get('ename')}: {output.get('evalue')}")
    return found


def client(path: str | Path, cwd: str | Path | None = None, timeout: int = 300) -> NotebookClient:
    """A client for the notebook at ``path``, its kernel started in ``cwd``.

    ``cwd`` defaults to the notebook's folder, as in JupyterLab. Errors are
    collected in the outputs, not raised, so every cell after a failing one
    still runs.
    """
    path = Path(path)
    return NotebookClient(
        nbformat.read(path, as_version=4),
        timeout=timeout,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(cwd or path.parent)}},
    )


def run(path: str | Path, cwd: str | Path | None = None, timeout: int = 300) -> list[str]:
    """Execute the notebook at ``path``; return its errors (empty when it ran clean)."""
    runner = client(path, cwd, timeout)
    runner.execute()
    return cell_errors(runner.nb)
