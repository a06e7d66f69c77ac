"""Estimate how long each notebook and its worksheet take, from the notebooks themselves.

``data/course.toml`` states each notebook's time in parts (``reading``,
``checks``, ``worksheet``), and the time of its **core** sections
(``core = { reading, checks }``: the class-time path, worksheets as homework).
:func:`estimate` recomputes the parts from what a student meets:

- **reading**: the words of the Markdown cells at :data:`WORDS_PER_MINUTE`
  (careful study of instructional text with tables and charts, not skimming),
  plus :data:`MINUTES_PER_CELL` for every code cell that is not a check or a
  "your turn" cell (run it, read its output);
- **checks**: every ``quiz.ask`` / ``quiz.check_code`` in the notebook, at the
  minutes of :data:`MINUTES_PER_CHECK` for its type in ``data/quizzes/``. A
  code check is a piece of code the student writes, timed by the size of its
  solution (:func:`code_minutes`, :data:`MINUTES_PER_CODE_TASK`): a lesson's
  "your turn" cell states the lines of its reference solution in its metadata
  (``your_turn.lines``, checked against ``tests/fixtures/your_turn_solutions.py``);
  a worksheet task counts the lines of its answer-key solution in ``solutions/``;
- **worksheet**: the same rules applied to the student's worksheet in
  ``exercises/``, plus :data:`MINUTES_PER_WRITTEN_ANSWER` for every answer
  cell graded by hand (an nbgrader Markdown solution cell in ``solutions/``).

Sections are the notebook's Markdown headings (any level); a section runs to the
next heading. ``[lesson.sections]`` in ``data/course.toml`` marks every heading
``"core"`` or ``"extension"``; the checks and "your turn" cells of a section
belong to its path. The core estimate counts the core sections only.

Every stated part is the estimate rounded to 5 minutes (:func:`round5`); the test
``tests/test_timing.py`` checks equality. After editing a notebook, run
``python -m mpcourse.timing --write``: it rewrites the times in
``data/course.toml``, the Timing line of each notebook and worksheet, and the
instructor notes' Timing headings. ``python -m mpcourse.timing`` prints the
estimates beside the stated times. The rates are assumptions, justified in
``instructors/guide.md`` ("How the times are estimated") so that they can be
argued with.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import nbformat

from middlepowers.paths import repo_root
from mpcourse.navigation import load_course, path_totals

WORDS_PER_MINUTE = 120
MINUTES_PER_CELL = 0.5
MINUTES_PER_CHECK = {"single": 1.5, "multiple": 2, "numeric": 2, "classify": 3, "reflection": 5}
#: Minutes a student new to Python needs to write a piece of code, by the lines of its solution:
#: (most lines, minutes), the first row that fits applies. See instructors/guide.md.
MINUTES_PER_CODE_TASK = ((1, 5), (3, 12), (5, 20), (math.inf, 30))
MINUTES_PER_WRITTEN_ANSWER = 5
PARTS = ("reading", "checks", "worksheet")
#: The Timing heading of the instructor notes of a notebook with no worksheet of its own.
_NO_SHEET_TIMING = r"(?m)^## Timing \((\d+) minutes in all: (\d+) reading and running cells, (\d+) checks([^)]*)\)"
CORE_PARTS = ("reading", "checks")
PATHS = ("core", "extension")

_CHECK = re.compile(r"""quiz\.(?:ask|check_code)\(\s*["']([\w-]+)["']""")
_HEADING = re.compile(r"^(#{1,6}) +(.+?)\s*$", re.M)


class TimingError(ValueError):
    """A notebook or ``data/course.toml`` the estimator cannot read as it should."""


@dataclass(frozen=True)
class Estimate:
    """Estimated minutes for one notebook, by part."""

    reading: float
    checks: float
    worksheet: float

    @property
    def total(self) -> float:
        return self.reading + self.checks + self.worksheet


def round5(minutes: float) -> int:
    """Minutes rounded to the nearest 5 (halves up); a part that takes any time states at least 5."""
    if minutes <= 0:
        return 0
    return max(5, int(math.floor(minutes / 5 + 0.5)) * 5)


def code_minutes(lines: int) -> float:
    """Minutes for a code task whose solution has ``lines`` lines (:data:`MINUTES_PER_CODE_TASK`)."""
    return next(minutes for most, minutes in MINUTES_PER_CODE_TASK if lines <= most)


def solution_lines(source: str) -> int:
    """The lines a student writes: code between ``### BEGIN SOLUTION`` and ``### END SOLUTION``.

    Blank lines, comments and docstrings do not count.
    """
    body = re.search(r"### BEGIN SOLUTION\n(.*?)\n\s*### END SOLUTION", source, re.S)
    if not body:
        return 0
    text = re.sub(r'"""(.*?)"""', "", body.group(1), flags=re.S)
    return sum(1 for line in text.splitlines() if line.strip() and not line.strip().startswith("#"))


def sections(nb) -> list[tuple[str, list]]:
    """The notebook as (heading, items) in order; items are (kind, value) pairs.

    A Markdown cell's words are split at its headings, so prose above a heading in the
    same cell stays in the section before. Kinds: ``words`` (a number), ``code`` (a code
    cell that is neither a check nor a "your turn" cell), ``check`` (the cell).
    """
    out: list[tuple[str, list]] = [("", [])]
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            text, start = cell.source, 0
            for match in _HEADING.finditer(text):
                out[-1][1].append(("words", len(text[start : match.start()].split())))
                out.append((match.group(2).strip(), [("words", len(match.group(0).split()) - 1)]))
                start = match.end()
            out[-1][1].append(("words", len(text[start:].split())))
        elif cell.cell_type == "code":
            if "your-turn" in cell.metadata.get("tags", []):
                continue
            out[-1][1].append(("check" if _CHECK.search(cell.source) else "code", cell))
    return out if out[0][1] and any(v for k, v in out[0][1] if k != "words" or v) else out[1:]


def _questions(root: Path, stem: str) -> dict[str, dict]:
    path = root / "data" / "quizzes" / f"{stem}.toml"
    with open(path, "rb") as handle:
        return {q["id"]: q for q in tomllib.load(handle)["questions"]}


def _your_turn_lines(nb) -> dict[str, int]:
    out = {}
    for cell in nb.cells:
        meta = cell.metadata.get("your_turn", {})
        if "your-turn" in cell.metadata.get("tags", []) and "check" in meta and "lines" in meta:
            out[meta["check"]] = int(meta["lines"])
    return out


def _key_lines(key) -> dict[str, int]:
    """function name -> lines of its solution, for every nbgrader solution cell of an answer key."""
    out = {}
    for cell in key.cells:
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution"):
            for name in re.findall(r"^def (\w+)\(", cell.source, re.M):
                out[name] = solution_lines(cell.source)
    return out


def _check_minutes(cell, questions: dict, lines: dict[str, int], where: str) -> float:
    minutes = 0.0
    for qid in _CHECK.findall(cell.source):
        if qid not in questions:
            raise KeyError(f"{where}: a cell asks {qid!r}, which is not in the notebook's quiz file")
        question = questions[qid]
        if question["type"] == "code":
            key = qid if qid in lines else question.get("function")
            if key not in lines:
                raise TimingError(
                    f"{where}: code check {qid!r} has no solution size (a your-turn cell with "
                    "your_turn.lines, or an answer-key solution defining its function)"
                )
            minutes += code_minutes(lines[key])
        else:
            minutes += MINUTES_PER_CHECK[question["type"]]
    return minutes


def _tally(parts, questions, lines, where) -> tuple[float, float]:
    """(reading minutes, check minutes) of a list of section items."""
    words = sum(v for k, v in parts if k == "words")
    cells = sum(1 for k, _ in parts if k == "code")
    checks = sum(_check_minutes(v, questions, lines, where) for k, v in parts if k == "check")
    return words / WORDS_PER_MINUTE + MINUTES_PER_CELL * cells, checks


def headings(stem: str, root: Path | None = None) -> list[str]:
    """The section headings of ``notebooks/<stem>.ipynb``, in order."""
    root = root or repo_root()
    return [h for h, _ in sections(nbformat.read(root / "notebooks" / f"{stem}.ipynb", as_version=4))]


def _marks(stem: str, root: Path) -> dict[str, str]:
    entry = _entries(root).get(stem, {})
    return dict(entry.get("sections", {}))


def estimate(stem: str, root: Path | None = None, path: str | None = None) -> Estimate:
    """Estimate the parts of notebook ``stem`` (e.g. ``"01-two-stage-program"``).

    With ``path="core"``, only the sections marked core count, and the worksheet
    (homework) counts 0.
    """
    root = root or repo_root()
    questions = _questions(root, stem)
    lesson = nbformat.read(root / "notebooks" / f"{stem}.ipynb", as_version=4)
    lines = _your_turn_lines(lesson)
    sheet = _worksheet(stem, root)
    sheet_path = root / "exercises" / sheet if sheet else None
    key = nbformat.read(root / "solutions" / sheet, as_version=4) if sheet_path and sheet_path.exists() else None
    if key is not None:
        lines |= {name: n for name, n in _key_lines(key).items() if name not in lines}
    marks = _marks(stem, root) if path else {}
    reading = checks = 0.0
    for heading, parts in sections(lesson):
        if path and marks.get(heading) != path:
            continue
        r, c = _tally(parts, questions, lines, f"notebooks/{stem}.ipynb")
        reading, checks = reading + r, checks + c
    worksheet_minutes = 0.0
    if key is not None and path is None:
        sheet = nbformat.read(sheet_path, as_version=4)
        r, c = _tally([p for _, parts in sections(sheet) for p in parts], questions, lines, f"exercises/{sheet}")
        worksheet_minutes = r + c + MINUTES_PER_WRITTEN_ANSWER * _written_answers(key)
    return Estimate(round(reading, 1), round(checks, 1), round(worksheet_minutes, 1))


def _written_answers(nb) -> int:
    return sum(
        1 for cell in nb.cells if cell.cell_type == "markdown" and cell.metadata.get("nbgrader", {}).get("solution")
    )


def _entries(root: Path) -> dict[str, dict]:
    with open(root / "data" / "course.toml", "rb") as handle:
        lessons = tomllib.load(handle)["lesson"]
    return {entry["file"].removesuffix(".ipynb"): entry for entry in lessons}


def _worksheet(stem: str, root: Path) -> str | None:
    """The worksheet's file name (``worksheet`` in data/course.toml) of lesson ``stem``, or None."""
    return _entries(root).get(stem, {}).get("worksheet")


def stated(root: Path | None = None) -> dict[str, dict[str, int]]:
    """The parts ``data/course.toml`` states, by notebook stem (notebooks with a ``time`` table)."""
    root = root or repo_root()
    return {stem: entry["time"] for stem, entry in _entries(root).items() if "time" in entry}


def stated_core(root: Path | None = None) -> dict[str, dict[str, int]]:
    """The core-path parts ``data/course.toml`` states (``core = { reading, checks }``), by stem."""
    root = root or repo_root()
    return {stem: entry["core"] for stem, entry in _entries(root).items() if "core" in entry}


def expected(stem: str, root: Path | None = None) -> tuple[dict[str, int], dict[str, int]]:
    """What ``data/course.toml`` must state for ``stem``: (time parts, core parts), each rounded to 5."""
    root = root or repo_root()
    full, core = estimate(stem, root), estimate(stem, root, path="core")
    time = {part: round5(getattr(full, part)) for part in PARTS}
    sheet = _worksheet(stem, root)
    if not sheet or not (root / "solutions" / sheet).exists():
        del time["worksheet"]
    return time, {part: round5(getattr(core, part)) for part in CORE_PARTS}


def mismatches(root: Path | None = None) -> list[str]:
    """Every stated time that is not its estimate rounded to 5 minutes, and every unmarked section."""
    root = root or repo_root()
    problems = []
    entries = _entries(root)
    for stem in stated(root):
        entry = entries[stem]
        marks = entry.get("sections", {})
        found = headings(stem, root)
        for heading in found:
            if marks.get(heading) not in PATHS:
                problems.append(f"{stem}: section {heading!r} is not marked core or extension")
        for heading in marks:
            if heading not in found:
                problems.append(f"{stem}: data/course.toml marks {heading!r}, which is no heading of the notebook")
        time, core = expected(stem, root)
        for label, want, have in (("time", time, entry["time"]), ("core", core, entry.get("core", {}))):
            for part in want:
                if have.get(part) != want[part]:
                    problems.append(
                        f"{stem}: {label}.{part} stated {have.get(part)} min, estimate rounds to {want[part]}"
                    )
        notes = root / "instructors" / f"{stem}.md"
        if notes.exists() and "worksheet" in time:
            text = notes.read_text(encoding="utf-8")
            said = re.findall(
                r"(?m)^## Timing \((\d+) minutes in all: (\d+) reading.*?, (\d+) checks.*?, (\d+) worksheet\)", text
            )
            said += [("", "", "", n) for n in re.findall(r"(?m)^\| Worksheet[^|\n]*\| (\d+) \|", text)]
            want = (str(sum(time.values())), str(time["reading"]), str(time["checks"]), str(time["worksheet"]))
            if not said or any(n and n != w for got in said for n, w in zip(got, want)):
                problems.append(f"{stem}: instructors/{stem}.md states other times than {time}")
        elif notes.exists():  # a notebook without a worksheet of its own (a split lesson's first half)
            said = re.findall(_NO_SHEET_TIMING, notes.read_text(encoding="utf-8"))
            want = (str(sum(time.values())), str(time["reading"]), str(time["checks"]))
            if said and any(got[:3] != want for got in said):
                problems.append(f"{stem}: instructors/{stem}.md states other times than {time}")
        if entry.get("minutes") != sum(entry["time"].values()):
            problems.append(
                f"{stem}: minutes = {entry.get('minutes')}, its time parts add up to {sum(entry['time'].values())}"
            )
    return problems


def core_items(stem: str, root: Path | None = None) -> dict[str, list[str]]:
    """The checks and "your turn" cells of each path: {"core": [ids], "extension": [ids]}."""
    root = root or repo_root()
    marks = _marks(stem, root)
    out: dict[str, list[str]] = {p: [] for p in PATHS}
    nb = nbformat.read(root / "notebooks" / f"{stem}.ipynb", as_version=4)
    heading = ""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            found = _HEADING.findall(cell.source)
            heading = found[-1][1].strip() if found else heading
        elif cell.cell_type == "code" and "your-turn" not in cell.metadata.get("tags", []):
            for qid in _CHECK.findall(cell.source):
                out.setdefault(marks.get(heading, "?"), []).append(qid)
    return out


# -- writing the stated times back ------------------------------------------------------------------


def _inline(table: dict[str, int]) -> str:
    return "{ " + ", ".join(f"{k} = {v}" for k, v in table.items()) + " }"


def _rewrite_course(text: str, stem: str, time: dict, core: dict) -> str:
    block = re.search(
        rf'(?ms)^\[\[lesson\]\]\n(?:id = "[^"\n]*"\n)?file = "{re.escape(stem)}\.ipynb"\n.*?(?=^\[\[lesson\]\]|^\[\[retired\]\]|\Z)',
        text,
    )
    if not block:
        raise TimingError(f"data/course.toml: no [[lesson]] with file = {stem}.ipynb")
    old = block.group(0)
    new = re.sub(r"(?m)^minutes = \d+$", f"minutes = {sum(time.values())}", old)
    new = re.sub(r"(?m)^time = \{.*\}$", f"time = {_inline(time)}", new)
    if re.search(r"(?m)^core = \{.*\}$", new):
        new = re.sub(r"(?m)^core = \{.*\}$", f"core = {_inline(core)}", new)
    else:
        new = re.sub(r"(?m)^(time = \{.*\})$", rf"\1\ncore = {_inline(core)}", new)
    return text.replace(old, new)


def _rewrite_timing_line(source: str, time: dict) -> str:
    new = re.sub(r"About \d+ minutes in all", f"About {sum(time.values())} minutes in all", source)
    new = re.sub(r"\d+ minutes to read and run the cells", f"{time['reading']} minutes to read and run the cells", new)
    new = re.sub(r"\d+ minutes for the checks", f"{time['checks']} minutes for the checks", new)
    if "worksheet" in time:
        new = re.sub(r"\d+ minutes for the worksheet", f"{time['worksheet']} minutes for the worksheet", new)
    return new


def _rewrite_first_cell(root: Path, path: Path, rewrite, changed: list[str]) -> None:
    """Apply ``rewrite`` to the notebook's first cell; write it (and note it) only if it changed."""
    nb = nbformat.read(path, as_version=4)
    new = rewrite(nb.cells[0].source)
    if new != nb.cells[0].source:
        nb.cells[0].source = new
        nbformat.write(nb, path)
        changed.append(str(path.relative_to(root)))


def write(root: Path | None = None) -> list[str]:
    """Rewrite every stated time to its rounded estimate; return the files changed."""
    root = root or repo_root()
    changed = []
    course = root / "data" / "course.toml"
    text = course.read_text(encoding="utf-8")
    new_text = text
    for stem in stated(root):
        time, core = expected(stem, root)
        new_text = _rewrite_course(new_text, stem, time, core)
        _rewrite_first_cell(
            root,
            root / "notebooks" / f"{stem}.ipynb",
            lambda text, time=time: _rewrite_timing_line(text, time),
            changed,
        )
        sheet = _worksheet(stem, root)
        key_path = root / "solutions" / sheet if sheet else None
        if key_path is not None and key_path.exists():
            minutes = f"About {time['worksheet']} minutes,"
            _rewrite_first_cell(
                root,
                key_path,
                lambda text, minutes=minutes: re.sub(r"About \d+ minutes,", minutes, text, count=1),
                changed,
            )
        notes = root / "instructors" / f"{stem}.md"
        if notes.exists():
            old = notes.read_text(encoding="utf-8")
            new = re.sub(
                r"(?m)^## Timing \(\d+ minutes in all: \d+ reading and running cells, \d+ checks([^,]*), \d+ worksheet\)",
                lambda m, time=time: (
                    f"## Timing ({sum(time.values())} minutes in all: {time['reading']} reading and running cells, "
                    f"{time['checks']} checks{m.group(1)}, {time['worksheet']} worksheet)"
                ),
                old,
            )
            if "worksheet" in time:
                new = re.sub(r"(?m)^(\| Worksheet[^|\n]*\| )\d+( \|)", rf"\g<1>{time['worksheet']}\g<2>", new)
            else:
                new = re.sub(
                    _NO_SHEET_TIMING,
                    lambda m, time=time: (
                        f"## Timing ({sum(time.values())} minutes in all: {time['reading']} reading and running cells, "
                        f"{time['checks']} checks{m.group(4)})"
                    ),
                    new,
                )
            if new != old:
                notes.write_text(new, encoding="utf-8")
                changed.append(str(notes.relative_to(root)))
    if new_text != text:
        course.write_text(new_text, encoding="utf-8")
        changed.append("data/course.toml")
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mpcourse.timing", description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite the stated times to the rounded estimates")
    args = parser.parse_args(argv)
    try:
        if args.write:
            for name in write():
                print("wrote", name)
            print("then regenerate: python -m mpcourse.worksheets solutions exercises; python -m mpcourse.navigation")
        print(f"{'notebook':28} {'part':10} {'stated':>6} {'estimate':>8} {'core':>5} {'core est':>8}")
        core_stated = stated_core()
        for stem, parts in stated().items():
            est, core = estimate(stem), estimate(stem, path="core")
            for part in (*PARTS, "total"):
                value = sum(parts.values()) if part == "total" else parts.get(part, 0)
                cs = core_stated.get(stem, {})
                cvalue = sum(cs.values()) if part == "total" else cs.get(part, 0)
                print(f"{stem:28} {part:10} {value:6} {getattr(est, part):8.1f} {cvalue:5} {getattr(core, part):8.1f}")
        totals = path_totals(load_course())
        print(
            f"core path: {totals['class']} min of class time, {totals['self_study']} min self-study before class, "
            f"{totals['worksheets']} min of worksheets as homework; full course: {totals['full']} min"
        )
        problems = mismatches()
    except (TimingError, KeyError, OSError, tomllib.TOMLDecodeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for line in problems:
        print("mismatch:", line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
