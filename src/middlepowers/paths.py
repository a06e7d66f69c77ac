"""Find the collection's folders from wherever a notebook runs.

A notebook may be started from the repository root, from ``notebooks/``, or
from a JupyterHub home where nbgitpuller cloned the repository into a folder
of any name. All of them find the data the same way: walk up from the working
directory until a folder holds ``data/article/``; failing that, use the
checkout this package was installed from (``pip install -e .``).
"""

from __future__ import annotations

import os
from pathlib import Path

#: The article every lesson is built on.
ARTICLE_NAME = "davos-2026-carney-trump.txt"


def _looks_like_root(folder: Path) -> bool:
    return (folder / "data" / "article").is_dir() and (folder / "pyproject.toml").is_file()


def repo_root(start: str | os.PathLike | None = None) -> Path:
    """Return the collection's root folder.

    Looks at ``start`` (default: the working directory) and its parents, then
    at the checkout this package lives in. Raises ``FileNotFoundError`` with a
    hint when neither holds the collection.
    """
    here = Path(start or os.getcwd()).resolve()
    for folder in (here, *here.parents):
        if _looks_like_root(folder):
            return folder
    installed = Path(__file__).resolve().parents[2]
    if _looks_like_root(installed):
        return installed
    raise FileNotFoundError(
        f"Could not find the collection's data/ folder from {here}. "
        "Open the notebook from inside the cloned repository."
    )


def data_dir(*parts: str) -> Path:
    """Return ``data/`` (or a path inside it) of the collection."""
    return repo_root().joinpath("data", *parts)


def article_path() -> Path:
    """Return the path of the article text."""
    return data_dir("article", ARTICLE_NAME)


def notebooks(*folders: str, root: str | os.PathLike | None = None) -> list[Path]:
    """Return the notebooks in ``folders`` of the collection, sorted, folder by folder.

    Globbed afresh on each call, so a new lesson is picked up without a list
    to update. ``root`` defaults to :func:`repo_root`.
    """
    base = Path(root) if root else repo_root()
    return [nb for folder in folders for nb in sorted((base / folder).glob("*.ipynb"))]
