"""Estimate how long a lesson and its worksheet take, from the notebooks themselves.

``data/course.toml`` states each lesson's time in parts (``reading``,
``checks``, ``worksheet``); the total is the lesson's one time, shown in the
course map. :func:`estimate` recomputes the parts from what a student meets:

- **reading**: the words of the Markdown cells at :data:`WORDS_PER_MINUTE`
  (careful study of instructional text with tables and charts, not skimming),
  plus :data:`MINUTES_PER_CELL` for every code cell that is not a check
  (run it, read its output);
- **checks**: every ``quiz.ask`` / ``quiz.check_code`` in the lesson, at the
  minutes of :data:`MINUTES_PER_CHECK` for its type in ``data/quizzes/``;
- **worksheet**: the same two rules applied to the student's worksheet in
  ``exercises/``, plus :data:`MINUTES_PER_WRITTEN_ANSWER` for every answer
  cell graded by hand (an nbgrader Markdown solution cell in ``solutions/``).

The rates are assumptions, written down so that they can be argued with; the
test ``tests/test_timing.py`` fails when a stated part is clearly lower than
its estimate (below :data:`TOLERANCE` of it). A class that discusses, or
students new to Python, need more, never less.

``python -m mpcourse.timing`` prints the estimate beside the stated time
for every lesson.
"""

from __future__ import annotations

import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import nbformat

from middlepowers.paths import repo_root

WORDS_PER_MINUTE = 120
MINUTES_PER_CELL = 0.5
MINUTES_PER_CHECK = {"single": 1.5, "multiple": 2, "numeric": 2, "classify": 3, "reflection": 5, "code": 8}
MINUTES_PER_WRITTEN_ANSWER = 5
#: A stated part below this share of its estimate is "clearly lower".
TOLERANCE = 0.8
PARTS = ("reading", "checks", "worksheet")

_CHECK = re.compile(r"""quiz\.(?:ask|check_code)\(\s*["']([\w-]+)["']""")


@dataclass(frozen=True)
class Estimate:
    """Estimated minutes for one lesson, by part."""

    reading: float
    checks: float
    worksheet: float

    @property
    def total(self) -> float:
        return self.reading + self.checks + self.worksheet


def _words(nb) -> int:
    return sum(len(cell.source.split()) for cell in nb.cells if cell.cell_type == "markdown")


def _checks(nb, types: dict[str, str]) -> tuple[float, int]:
    """(minutes of the checks a notebook asks, number of other code cells)."""
    minutes, other = 0.0, 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        asked = _CHECK.findall(cell.source)
        if not asked:
            other += 1
        for qid in asked:
            if qid not in types:
                raise KeyError(f"a cell asks {qid!r}, which is not in the notebook's quiz file")
            minutes += MINUTES_PER_CHECK[types[qid]]
    return minutes, other


def _written_answers(nb) -> int:
    return sum(
        1 for cell in nb.cells if cell.cell_type == "markdown" and cell.metadata.get("nbgrader", {}).get("solution")
    )


def estimate(stem: str, root: Path | None = None) -> Estimate:
    """Estimate the parts of lesson ``stem`` (e.g. ``"01-two-stage-program"``)."""
    root = root or repo_root()
    with open(root / "data" / "quizzes" / f"{stem}.toml", "rb") as handle:
        types = {q["id"]: q["type"] for q in tomllib.load(handle)["questions"]}
    lesson = nbformat.read(root / "notebooks" / f"{stem}.ipynb", as_version=4)
    check_minutes, cells = _checks(lesson, types)
    reading = _words(lesson) / WORDS_PER_MINUTE + MINUTES_PER_CELL * cells
    worksheet_minutes = 0.0
    sheet_path = root / "exercises" / f"{stem}.ipynb"
    if sheet_path.exists():
        sheet = nbformat.read(sheet_path, as_version=4)
        key = nbformat.read(root / "solutions" / f"{stem}.ipynb", as_version=4)
        sheet_checks, sheet_cells = _checks(sheet, types)
        worksheet_minutes = (
            _words(sheet) / WORDS_PER_MINUTE
            + MINUTES_PER_CELL * sheet_cells
            + sheet_checks
            + MINUTES_PER_WRITTEN_ANSWER * _written_answers(key)
        )
    return Estimate(round(reading, 1), round(check_minutes, 1), round(worksheet_minutes, 1))


def stated(root: Path | None = None) -> dict[str, dict[str, int]]:
    """The parts ``data/course.toml`` states, by lesson stem (lessons with a ``time`` table)."""
    root = root or repo_root()
    with open(root / "data" / "course.toml", "rb") as handle:
        lessons = tomllib.load(handle)["lesson"]
    return {entry["file"].removesuffix(".ipynb"): entry["time"] for entry in lessons if "time" in entry}


def too_low(root: Path | None = None) -> list[str]:
    """Every stated part clearly lower than its estimate, as readable lines."""
    problems = []
    for stem, parts in stated(root).items():
        est = estimate(stem, root)
        for part in PARTS:
            if parts.get(part, 0) < TOLERANCE * getattr(est, part):
                problems.append(f"{stem}: {part} stated {parts.get(part, 0)} min, estimated {getattr(est, part)} min")
    return problems


def main(argv: list[str] | None = None) -> int:
    print(f"{'lesson':28} {'part':10} {'stated':>6} {'estimate':>8}")
    for stem, parts in stated().items():
        est = estimate(stem)
        for part in (*PARTS, "total"):
            value = sum(parts.values()) if part == "total" else parts.get(part, 0)
            print(f"{stem:28} {part:10} {value:6} {getattr(est, part):8.1f}")
    problems = too_low()
    for line in problems:
        print("too low:", line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
