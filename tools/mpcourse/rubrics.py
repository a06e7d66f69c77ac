"""Write the reflections' rubrics into the instructor notes, from the quiz files (one source).

``python -m mpcourse.rubrics`` rewrites, in every ``instructors/<notebook>.md``
whose quiz file has reflections, the block between ``<!-- rubrics -->`` and
``<!-- /rubrics -->`` (appended at the end the first time). ``--check`` only
reports stale notes (exit 1), as the tests do. The rubric itself lives in the
quiz file's ``rubric`` field; the answer keys show it with ``quiz.rubric(id)``.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from middlepowers.paths import repo_root
from middlepowers.quizfile import load_quiz, rubric_markdown

START, END = "<!-- rubrics -->", "<!-- /rubrics -->"
BLOCK = re.compile(re.escape(START) + r".*?" + re.escape(END), re.S)


def block(quiz_path: Path) -> str:
    """The generated Markdown block for one quiz file ("" if it has no reflections)."""
    spec = load_quiz(quiz_path)
    reflections = [q for q in spec.questions.values() if q.type == "reflection"]
    if not reflections:
        return ""
    parts = [
        START,
        "## Rubrics for the reflections",
        "",
        f"Generated from `data/quizzes/{quiz_path.name}` by `python -m mpcourse.rubrics`: edit the quiz "
        "file's `rubric`, not this section. The answer key shows the same table (`quiz.rubric(id)`), and "
        "the nbgrader manual-grade cell of a worksheet reflection carries the same total points.",
        "",
    ]
    for q in reflections:
        parts += [f"*{'Worksheet' if q.part == 'worksheet' else 'Lesson'}:* {q.prompt}", "", rubric_markdown(q), ""]
    return "\n".join(parts + [END])


def expected(root: Path) -> dict[Path, str]:
    """Every instructor note that has a quiz file with reflections -> its text with a fresh block."""
    out = {}
    for quiz_path in sorted((root / "data" / "quizzes").glob("*.toml")):
        note = root / "instructors" / f"{quiz_path.stem}.md"
        new = block(quiz_path)
        if not note.is_file() or not new:
            continue
        text = note.read_text(encoding="utf-8")
        out[note] = (
            BLOCK.sub(lambda _m, new=new: new, text) if START in text else text.rstrip("\n") + "\n\n" + new + "\n"
        )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report instructor notes whose rubrics are stale")
    args = parser.parse_args(argv)
    stale = 0
    for note, text in expected(repo_root()).items():
        if note.read_text(encoding="utf-8") != text:
            stale += 1
            if args.check:
                print(f"stale: {note} (run python -m mpcourse.rubrics)")
            else:
                note.write_text(text, encoding="utf-8")
                print(f"wrote {note}")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
