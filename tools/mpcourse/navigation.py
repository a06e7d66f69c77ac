"""Generate the course's navigation from one source, ``data/course.toml``.

Three things are generated, never edited by hand:

- the course map in ``notebooks/index.ipynb`` (the markdown cell tagged
  ``course-map``),
- the last cell of every notebook in ``notebooks/`` and ``solutions/`` (the
  markdown cell tagged ``navigation``): links to the previous and next
  notebooks, the course map, and the lesson's worksheet or answer key,
- the course map in ``README.md`` between ``<!-- course-map -->`` markers.

``python -m mpcourse.navigation`` rewrites them; ``stale()`` lists the
files that differ from what would be written (a test calls it). Only
notebooks that exist are linked, so a lesson appears once it lands.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import nbformat

from mpcourse.link import binder_link
from middlepowers.paths import repo_root

BEGIN, END = "<!-- course-map -->", "<!-- /course-map -->"


@dataclass(frozen=True)
class Lesson:
    """One entry of the course map."""

    file: str
    title: str
    minutes: int
    summary: str
    #: The parts ``minutes`` is built from (reading, checks, worksheet); see mpcourse.timing.
    time: dict | None = None

    @property
    def number(self) -> str:
        """``"01"`` for ``01-two-stage-program.ipynb``; ``""`` for the index."""
        head = self.file.split("-", 1)[0]
        return head if head.isdigit() else ""

    @property
    def label(self) -> str:
        return f"{self.number} · {self.title}" if self.number else self.title


def load_course(root: Path | None = None) -> list[Lesson]:
    """Return the lessons of ``data/course.toml`` whose notebook exists."""
    root = root or repo_root()
    with open(root / "data" / "course.toml", "rb") as handle:
        entries = tomllib.load(handle)["lesson"]
    lessons = [Lesson(**entry) for entry in entries]
    for lesson in lessons:
        if lesson.time and sum(lesson.time.values()) != lesson.minutes:
            raise ValueError(f"data/course.toml, {lesson.file}: minutes = {lesson.minutes}, "
                             f"but its time parts add up to {sum(lesson.time.values())}")
    return [lesson for lesson in lessons if (root / "notebooks" / lesson.file).exists()]


def course_map(lessons: list[Lesson], prefix: str = "") -> str:
    """A markdown table of the lessons; links are relative to ``prefix``.

    With a ``prefix`` (the README, at the repository root) each row also gets
    a Binder launch link for that lesson.
    """
    binder = bool(prefix)
    rows = [
        "| # | Lesson | Time | What you will do | Worksheet |" + (" Binder |" if binder else ""),
        "|---|---|---|---|---|" + ("---|" if binder else ""),
    ]
    for lesson in lessons:
        if not lesson.number:
            continue
        worksheet = f"../exercises/{lesson.file}" if not prefix else f"exercises/{lesson.file}"
        row = (
            f"| {lesson.number} | [{lesson.title}]({prefix}{lesson.file}) | {lesson.minutes} min "
            f"| {lesson.summary} | [worksheet]({worksheet}) |"
        )
        if binder:
            row += f" [launch]({binder_link(f'notebooks/{lesson.file}')}) |"
        rows.append(row)
    total = sum(lesson.minutes for lesson in lessons)
    rows.append("")
    rows.append(f"Total: about {total} minutes, or {total / 60:.1f} hours, including the checks and the worksheets. "
                "Each lesson's time adds reading, checks and its worksheet (data/course.toml).")
    return "\n".join(rows)


def footer(lessons: list[Lesson], index: int, folder: str) -> str:
    """The navigation cell for ``lessons[index]`` seen from ``folder``."""
    here = "" if folder == "notebooks" else "../notebooks/"
    parts = []
    if index > 0:
        prev = lessons[index - 1]
        parts.append(f"⬅ Previous: [{prev.label}]({here}{prev.file})")
    if index > 1:
        parts.append(f"[Course map]({here}index.ipynb)")
    if index + 1 < len(lessons):
        nxt = lessons[index + 1]
        parts.append(f"Next: [{nxt.label}]({here}{nxt.file}) ➡")
    lines = ["---", "**Navigation** · " + " · ".join(parts)]
    lesson = lessons[index]
    if lesson.number:
        if folder == "notebooks":
            lines.append(f"\nPractise: [worksheet for this lesson](../exercises/{lesson.file}).")
        else:
            lines.append(f"\nThe lesson itself: [{lesson.label}](../notebooks/{lesson.file}).")
    return "\n".join(lines)


def _tagged(nb, tag: str):
    return [cell for cell in nb.cells if tag in cell.get("metadata", {}).get("tags", [])]


def _planned(root: Path) -> dict[Path, str]:
    """Return ``{path: new text}`` for every generated file."""
    lessons = load_course(root)
    planned: dict[Path, str] = {}
    for folder in ("notebooks", "solutions"):
        for i, lesson in enumerate(lessons):
            path = root / folder / lesson.file
            if not path.exists():
                continue
            nb = nbformat.read(path, as_version=4)
            for cell in _tagged(nb, "navigation"):
                cell.source = footer(lessons, i, folder)
            if lesson.file == "index.ipynb" and folder == "notebooks":
                for cell in _tagged(nb, "course-map"):
                    cell.source = "## Course map\n\n" + course_map(lessons)
            planned[path] = nbformat.writes(nb) + "\n"
    readme = root / "README.md"
    if readme.exists():
        text = readme.read_text(encoding="utf-8")
        if BEGIN in text and END in text:
            head, rest = text.split(BEGIN, 1)
            _, tail = rest.split(END, 1)
            body = course_map(lessons, prefix="notebooks/")
            planned[readme] = f"{head}{BEGIN}\n{body}\n{END}{tail}"
    return planned


def stale(root: Path | None = None) -> list[Path]:
    """Return the generated files whose content is out of date."""
    root = root or repo_root()
    return [path for path, text in _planned(root).items() if path.read_text(encoding="utf-8") != text]


def write(root: Path | None = None) -> list[Path]:
    """Rewrite every stale generated file; return the paths written."""
    root = root or repo_root()
    written = []
    for path, text in _planned(root).items():
        if path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    """Rewrite the navigation; print what changed."""
    parser = argparse.ArgumentParser(description="Regenerate the course map and every notebook's navigation "
                                     "from data/course.toml.")
    parser.parse_args(argv)
    for path in write():
        print(f"updated {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
