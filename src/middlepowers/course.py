"""Stable notebook ids: which notebook an attempt belongs to (``data/course.toml``).

Attempts, quiz files, the class report and the site key a notebook by the ``id`` of its
``[[lesson]]`` in ``data/course.toml``, never by its file name or folder, so a notebook can be
renamed or moved, and a worksheet named apart from its lesson, without losing an attempt::

    [[lesson]]
    id = "01-two-stage-program"                     # never changes
    file = "01-two-stage-program.ipynb"             # in notebooks/
    worksheet = "worksheet-01-two-stage-program.ipynb"  # in exercises/ and solutions/

A split notebook leaves its old id behind as a ``[[retired]]`` table::

    [[retired]]
    id = "05-whole"
    became = ["05a-first-half", "05b-second-half"]

An attempt saved under the retired id counts for the new notebook whose quiz file
(``data/quizzes/<id>.toml``) holds its question id. Question ids never change meaning.

``current_notebook(notebook_id, question_id)`` maps an id (current or retired), a file name
or a path (``exercises/01-two-stage-program.ipynb``, as attempts and pages were once keyed)
to the current id (``id_for_path`` does the file-name part alone), or raises :class:`UnknownNotebook` saying what is known.
"""

from __future__ import annotations

import functools
import os
import tomllib
from pathlib import Path, PurePosixPath

from middlepowers.paths import repo_root


class UnknownNotebook(ValueError):
    """An id (or file name) that no ``[[lesson]]`` or ``[[retired]]`` table of ``data/course.toml`` names."""


def _root(root: str | os.PathLike | None) -> Path:
    return Path(root).resolve() if root is not None else repo_root()


@functools.lru_cache(maxsize=16)
def _course(root: Path) -> tuple[dict[str, dict], dict[str, tuple[str, ...]], dict[str, str]]:
    """(lessons by id, retired id -> its successors, file name or stem -> id), read once per root."""
    try:
        with open(root / "data" / "course.toml", "rb") as handle:
            table = tomllib.load(handle)
    except FileNotFoundError:
        table = {}
    lessons = {}
    names = {}
    for entry in table.get("lesson", []):
        ident = entry.get("id") or PurePosixPath(entry["file"]).stem
        lessons[ident] = entry
        for name in (entry.get("file"), entry.get("worksheet")):
            if name:
                names[name] = names[PurePosixPath(name).stem] = ident
    retired = {entry["id"]: tuple(entry.get("became", ())) for entry in table.get("retired", [])}
    return lessons, retired, names


@functools.lru_cache(maxsize=64)
def _questions(root: Path, notebook_id: str) -> frozenset[str]:
    """The question ids of ``data/quizzes/<notebook_id>.toml`` (none if it has no quiz file)."""
    try:
        with open(root / "data" / "quizzes" / f"{notebook_id}.toml", "rb") as handle:
            return frozenset(str(q.get("id")) for q in tomllib.load(handle).get("questions", []))
    except (OSError, tomllib.TOMLDecodeError):
        return frozenset()


def lesson_ids(root: str | os.PathLike | None = None) -> list[str]:
    """The ids of the course's lessons, in course order."""
    return list(_course(_root(root))[0])


def worksheet_file(notebook_id: str, root: str | os.PathLike | None = None) -> str | None:
    """The worksheet's file name (in ``exercises/`` and ``solutions/``) of a lesson, or None if it has none."""
    return _course(_root(root))[0].get(notebook_id, {}).get("worksheet")


def id_for_path(path: str | os.PathLike, root: str | os.PathLike | None = None) -> str:
    """The id of the notebook at ``path`` (a lesson, a worksheet, an answer key or a translation),
    by its file name: ``exercises/worksheet-01-two-stage-program.ipynb`` -> ``"01-two-stage-program"``."""
    names = _course(_root(root))[2]
    name = PurePosixPath(str(path).replace("\\", "/")).name
    for key in (name, PurePosixPath(name).stem):
        if key in names:
            return names[key]
    raise UnknownNotebook(
        f"{path}: no [[lesson]] in data/course.toml has this file or worksheet. Known: {', '.join(sorted(names))}"
    )


def current_notebook(notebook_id: str, question_id: str, root: str | os.PathLike | None = None) -> str:
    """The current id for an attempt at ``question_id`` saved under ``notebook_id``.

    ``notebook_id`` may be a current id, a retired one (then the new notebook whose quiz file
    holds the question; the first successor when none does), or a file name or path of the
    notebook. Raises :class:`UnknownNotebook` for anything else."""
    base = _root(root)
    lessons, retired, _ = _course(base)
    seen = set()
    ident = str(notebook_id)
    while ident not in lessons:
        if ident in seen:
            raise UnknownNotebook(f"data/course.toml: [[retired]] {notebook_id!r} leads round in a circle")
        seen.add(ident)
        if ident in retired:
            became = retired[ident]
            if not became:
                raise UnknownNotebook(f"data/course.toml: [[retired]] {ident!r} has no `became` list")
            ident = next((new for new in became if question_id in _questions(base, new)), became[0])
            continue
        try:
            return id_for_path(ident, base)
        except UnknownNotebook:
            raise UnknownNotebook(
                f"{notebook_id!r} is no notebook of this course: data/course.toml has no [[lesson]] or "
                f"[[retired]] with this id. Lessons: {', '.join(lessons)}"
            ) from None
    return ident


def counts_for(attempt: dict, notebook: str, root: str | os.PathLike | None = None) -> bool:
    """Whether a saved attempt counts for the notebook with id ``notebook`` (an attempt of an
    unknown notebook counts for none)."""
    saved = attempt.get("notebook")
    if saved == notebook:
        return True
    try:
        return current_notebook(str(saved), str(attempt.get("question")), root) == notebook
    except (UnknownNotebook, FileNotFoundError):
        return False
