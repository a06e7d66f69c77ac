"""Generate the course's navigation from one source, ``data/course.toml``.

Three things are generated, never edited by hand:

- the course map in ``notebooks/index.ipynb`` (the markdown cell tagged
  ``course-map``),
- the last cell of every notebook in ``notebooks/`` and ``solutions/`` (the
  markdown cell tagged ``navigation``): links to the previous and next
  notebooks, the course map, and the lesson's worksheet or answer key,
- the course map in ``README.md`` between ``<!-- course-map -->`` markers;
- everything that names the published repository (``[repository]`` in
  ``data/course.toml``): the README's Binder badge (between ``<!-- repository -->``
  markers), every ``github.com/<owner>/<name>`` and Binder link in the README,
  the instructor guide and ``CITATION.cff`` (:data:`EXAMPLE_REPOS` excepted), and,
  while the owner is the placeholder ``OWNER``, a warning in the README and
  the guide (printed by the command too).

``python -m mpcourse.navigation`` rewrites them; ``stale()`` lists the
files that differ from what would be written (a test calls it). Only
notebooks that exist are linked, so a lesson appears once it lands.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import nbformat

from middlepowers.paths import repo_root
from mpcourse.link import binder_badge, binder_link, is_placeholder, placeholder_warning, repository

BEGIN, END = "<!-- course-map -->", "<!-- /course-map -->"
TIMES_BEGIN, TIMES_END = "<!-- course-times -->", "<!-- /course-times -->"
REPO_BEGIN, REPO_END = "<!-- repository -->", "<!-- /repository -->"
#: Files whose repository links follow ``data/course.toml``.
REPO_FILES = ("README.md", "instructors/guide.md", "CITATION.cff")
#: ``owner/name`` written as an example for the reader's own fork: never rewritten.
EXAMPLE_REPOS = ("you/your-fork",)
_REPO_LINK = re.compile(r"(https://github\.com/|https://mybinder\.org/v2/gh/)([\w.-]+/[\w.-]+)")


@dataclass(frozen=True)
class Lesson:
    """One entry of the course map."""

    file: str
    title: str
    minutes: int
    summary: str
    #: The notebook's stable id (attempts, quiz files, the class report and the site key it so);
    #: ``middlepowers.course`` reads it. Never changes when the file is renamed.
    id: str = ""
    #: The worksheet's file name in exercises/ and solutions/ (named apart from the lesson), if any.
    worksheet: str | None = None
    #: The parts ``minutes`` is built from (reading, checks, worksheet); see mpcourse.timing.
    time: dict | None = None
    #: The core path's class time: reading and checks of the sections marked core.
    core: dict | None = None
    #: Each heading of the notebook, marked "core" or "extension".
    sections: dict | None = None
    #: Done before class, like a worksheet (the primer): not class time on the core path.
    self_study: bool = False

    @property
    def core_minutes(self) -> int | None:
        return sum(self.core.values()) if self.core else None

    @property
    def number(self) -> str:
        """``"01"`` for ``01-two-stage-program.ipynb``, ``"02a"`` for a split lesson's half; ``""`` for the index."""
        head = self.file.split("-", 1)[0]
        return head if re.fullmatch(r"\d+[a-z]?", head) else ""

    @property
    def label(self) -> str:
        return f"{self.number} · {self.title}" if self.number else self.title


def glossary_file(root: Path | None = None) -> str | None:
    """The glossary's file name in ``notebooks/`` (``[glossary] file``), or None if there is none."""
    root = root or repo_root()
    with open(root / "data" / "course.toml", "rb") as handle:
        name = tomllib.load(handle).get("glossary", {}).get("file")
    return name if name and (root / "notebooks" / name).exists() else None


def load_course(root: Path | None = None) -> list[Lesson]:
    """Return the lessons of ``data/course.toml`` whose notebook exists."""
    root = root or repo_root()
    with open(root / "data" / "course.toml", "rb") as handle:
        entries = tomllib.load(handle)["lesson"]
    lessons = [Lesson(**{"id": Path(entry["file"]).stem, **entry}) for entry in entries]
    for lesson in lessons:
        if lesson.time and sum(lesson.time.values()) != lesson.minutes:
            raise ValueError(
                f"data/course.toml, {lesson.file}: minutes = {lesson.minutes}, "
                f"but its time parts add up to {sum(lesson.time.values())}"
            )
    return [lesson for lesson in lessons if (root / "notebooks" / lesson.file).exists()]


def course_map(lessons: list[Lesson], prefix: str = "", github: str | None = None) -> str:
    """A markdown table of the lessons; links are relative to ``prefix``.

    With a ``prefix`` (the README, at the repository root) each row also gets
    a Binder launch link for that lesson.
    """
    binder = bool(prefix)
    rows = [
        "| # | Lesson | Core path | Full | What you will do | Worksheet |" + (" Binder |" if binder else ""),
        "|---|---|---|---|---|---|" + ("---|" if binder else ""),
    ]
    for lesson in lessons:
        if lesson.file == "index.ipynb":
            continue
        worksheet = f"../exercises/{lesson.worksheet}" if not prefix else f"exercises/{lesson.worksheet}"
        core = "–" if lesson.core_minutes is None else f"{lesson.core_minutes} min"
        if lesson.self_study and lesson.core_minutes is not None:
            core += ", before class"
        sheet = (lesson.time or {}).get("worksheet")
        # a notebook without a number (the primer) comes with no worksheet
        row = (
            f"| {lesson.number or '–'} | [{lesson.title}]({prefix}{lesson.file}) | {core} | {lesson.minutes} min "
            f"| {lesson.summary} | {f'[worksheet]({worksheet})' + (f' ({sheet} min)' if sheet else '') if lesson.worksheet else '–'} |"
        )
        if binder:
            row += f" [launch]({binder_link(f'notebooks/{lesson.file}', github or repository()['github'])}) |"
        rows.append(row)
    totals = path_totals(lessons)
    rows.append("")
    rows.append(
        f"**Core path:** about {totals['class']} minutes of class time (the core sections of each lesson, "
        f"checks included), with {totals['self_study']} minutes of self-study before the first class "
        f"(the primer) and {totals['worksheets']} minutes of worksheets as homework. "
        f"**Full course:** about {totals['full']} minutes, or {totals['full'] / 60:.1f} hours, "
        "every section, check and worksheet. The times are estimates for a student new to Python "
        "(data/course.toml; instructors/guide.md says how they are made)."
    )
    return "\n".join(rows)


def path_totals(lessons: list[Lesson]) -> dict[str, int]:
    """Stated minutes of both paths: ``class`` (core sections of the lessons), ``self_study``
    (core of the notebooks done before class), ``worksheets`` and ``full`` (everything but the index)."""
    timed = [lesson for lesson in lessons if lesson.time]
    return {
        "class": sum(lesson.core_minutes or 0 for lesson in timed if not lesson.self_study),
        "self_study": sum(lesson.core_minutes or 0 for lesson in timed if lesson.self_study),
        "worksheets": sum(lesson.time.get("worksheet", 0) for lesson in timed),
        "full": sum(lesson.minutes for lesson in timed),
    }


def times_table(lessons: list[Lesson]) -> str:
    """The instructor guide's table of both paths' times, and each notebook's core and extension sections."""
    rows = [
        "| notebook | core path | full: reading | checks | worksheet | full total |",
        "|---|---|---|---|---|---|",
    ]
    for lesson in lessons:
        if not lesson.time:
            continue
        core = f"{lesson.core_minutes} min" + (" (self-study, before class)" if lesson.self_study else " in class")
        parts = [lesson.time.get(part) for part in ("reading", "checks", "worksheet")]
        cells = " | ".join(f"{n} min" if n is not None else "–" for n in parts)
        rows.append(f"| {lesson.number or lesson.title} | {core} | {cells} | {lesson.minutes} min |")
    totals = path_totals(lessons)
    rows += [
        "",
        f"Core path: {totals['class']} minutes of class time, {totals['self_study']} minutes of self-study "
        f"before the first class, {totals['worksheets']} minutes of worksheets as homework. "
        f"Full course: {totals['full']} minutes ({totals['full'] / 60:.1f} hours).",
        "",
    ]
    for lesson in lessons:
        if not lesson.sections:
            continue
        core = [h for h, mark in lesson.sections.items() if mark == "core"]
        extension = [h for h, mark in lesson.sections.items() if mark == "extension"]
        rows.append(
            f"- **{lesson.label}**: core {'; '.join(core)}."
            + (f" *Extension:* {'; '.join(extension)}." if extension else " No extension sections.")
        )
    return "\n".join(rows)


def footer(lessons: list[Lesson], index: int, folder: str, glossary: str | None = None) -> str:
    """The navigation cell for ``lessons[index]`` seen from ``folder`` (with a glossary link if given)."""
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
    if lesson.worksheet:
        if folder == "notebooks":
            lines.append(f"\nPractise: [worksheet for this lesson](../exercises/{lesson.worksheet}).")
        else:
            lines.append(f"\nThe lesson itself: [{lesson.label}](../notebooks/{lesson.file}).")
    if glossary:
        lines.append(f"\nWords used in the lessons: [glossary]({here}{glossary}).")
    return "\n".join(lines)


def repository_links(text: str, github: str) -> str:
    """``text`` with every GitHub and Binder repository link pointing at ``github`` (owner/name)."""

    def swap(match: re.Match) -> str:
        return match.group(0) if match.group(2) in EXAMPLE_REPOS else match.group(1) + github

    return _REPO_LINK.sub(swap, text)


def _between(text: str, begin: str, end: str, body: str) -> str:
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{begin}\n{body}{end}{tail}"


def _repository_block(name: str, github: str) -> str:
    """What goes between the repository markers of README.md or the guide."""
    warning = (
        (
            f"> **Not published yet:** the links below point at the placeholder repository "
            f"`{github}`. Set `[repository] github` in `data/course.toml` and run "
            f"`make navigation` (`make publish-check` lists what else to set).\n"
        )
        if is_placeholder(github)
        else ""
    )
    if name == "README.md":
        return binder_badge(github_repo=github) + "\n" + (f"\n{warning}" if warning else "")
    return (
        warning
        or f"The commands below use the collection's repository, `https://github.com/{github}` "
        "(set in `data/course.toml`).\n"
    )


def _tagged(nb, tag: str):
    return [cell for cell in nb.cells if tag in cell.get("metadata", {}).get("tags", [])]


def _planned(root: Path) -> dict[Path, str]:
    """Return ``{path: new text}`` for every generated file."""
    lessons = load_course(root)
    glossary = glossary_file(root)
    planned: dict[Path, str] = {}
    for folder in ("notebooks", "solutions"):
        for i, lesson in enumerate(lessons):
            name = lesson.file if folder == "notebooks" else lesson.worksheet
            path = root / folder / name if name else None
            if path is None or not path.exists():
                continue
            nb = nbformat.read(path, as_version=4)
            for cell in _tagged(nb, "navigation"):
                cell.source = footer(lessons, i, folder, glossary)
            if lesson.file == "index.ipynb" and folder == "notebooks":
                for cell in _tagged(nb, "course-map"):
                    cell.source = "## Course map\n\n" + course_map(lessons)
            planned[path] = nbformat.writes(nb) + "\n"
    github = repository(root)["github"]
    for name in REPO_FILES:
        path = root / name
        if not path.exists():
            continue
        text = path.read_text(encoding="utf-8")
        if name == "README.md" and BEGIN in text and END in text:
            text = _between(text, BEGIN, END, course_map(lessons, prefix="notebooks/", github=github) + "\n")
        if name == "instructors/guide.md" and TIMES_BEGIN in text and TIMES_END in text:
            text = _between(text, TIMES_BEGIN, TIMES_END, times_table(lessons) + "\n")
        if REPO_BEGIN in text and REPO_END in text:
            text = _between(text, REPO_BEGIN, REPO_END, _repository_block(name, github))
        planned[path] = repository_links(text, github)
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
    """Rewrite the navigation; print what changed (and warn while the repository is the placeholder)."""
    parser = argparse.ArgumentParser(
        description="Regenerate the course map and every notebook's navigation from data/course.toml."
    )
    parser.parse_args(argv)
    for path in write():
        print(f"updated {path}")
    github = repository()["github"]
    if is_placeholder(github):
        print(f"navigation: {placeholder_warning(github)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
