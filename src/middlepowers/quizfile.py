"""Reading and validating quiz files (``data/quizzes/*.toml``; format: its README).

``load_quiz(path)`` returns a :class:`QuizSpec` or raises :class:`QuizFormatError`
naming the file, the question id and the exact field (``options[2].feedback``,
``cases[1].tolerance``; list positions count from 1, as an editor reads them).
Every question type has one validator in :data:`VALIDATORS`, keyed like the
checker table in :mod:`middlepowers.checks`. Nothing here checks answers.
"""

from __future__ import annotations

import keyword
import math
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

TYPES = ("single", "multiple", "classify", "numeric", "code", "reflection")
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
CITE_RE = re.compile(r"\bS\d{2}\b|data/external/")
TOP = {"notebook", "title", "questions", "explain_after"}
#: after this many wrong attempts a question also shows its explanation (``explain_after`` in the file)
EXPLAIN_AFTER = 2
COMMON = {"id", "type", "prompt", "hint", "explanation", "part"}
ALLOWED = {
    "single": COMMON | {"answer", "options"},
    "multiple": COMMON | {"answers", "options"},
    "classify": COMMON | {"categories", "items"},
    "numeric": COMMON | {"answer", "tolerance", "unit", "mistakes"},
    "code": COMMON | {"function", "cases", "timeout"},
    "reflection": COMMON | {"min_words", "guidance", "rubric"},
}
CASE_FIELDS = {
    "name",
    "args",
    "kwargs",
    "expect",
    "compare",
    "tolerance",
    "select",
    "expect_type",
    "expect_rows",
    "expect_columns",
    "feedback",
}
COMPARES = ("equal", "set", "approx", "counts")
TYPE_NAMES = {
    "DataFrame": pd.DataFrame,
    "Series": pd.Series,
    "dict": dict,
    "list": list,
    "int": int,
    "float": float,
    "str": str,
    "bool": bool,
}


class QuizFormatError(ValueError):
    """A quiz file is malformed. ``str()`` names the file, question id and field."""

    def __init__(self, file: str, question: str | None, field: str | None, problem: str):
        self.file, self.question, self.field, self.problem = str(file), question, field, problem
        where = [self.file]
        if question is not None:
            where.append(f"question {question!r}")
        if field is not None:
            where.append(f"field {field!r}")
        super().__init__(", ".join(where) + ": " + problem)


@dataclass
class Question:
    """One validated question; ``data`` is the raw TOML table."""

    id: str
    type: str
    prompt: str
    data: dict
    #: wrong attempts after which the explanation is shown too (the file's ``explain_after``)
    explain_after: int = EXPLAIN_AFTER

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    @property
    def part(self) -> str:
        """Which part of the notebook's checks the summary counts it in (default "lesson")."""
        return self.data.get("part", "lesson")

    @property
    def hint(self) -> str:
        return self.data.get("hint", "")

    @property
    def explanation(self) -> str:
        return self.data.get("explanation", "")


@dataclass
class QuizSpec:
    """A validated quiz file."""

    notebook: str
    title: str
    questions: dict[str, Question]
    path: Path


# --------------------------------------------------------------------------- field helpers
class _Where:
    """The file and question being validated: ``fail(field, problem)`` raises."""

    def __init__(self, file: str, qid: str | None, root: Path):
        self.file, self.qid, self.root = file, qid, root

    def fail(self, fld: str | None, problem: str):
        raise QuizFormatError(self.file, self.qid, fld, problem)

    def table(self, value: Any, fld: str) -> dict:
        if not isinstance(value, dict):
            self.fail(fld, f"must be a table, found {_kind(value)}")
        return value

    def text(self, table: dict, key: str, fld: str, required: bool = True) -> str:
        value = table.get(key)
        if value is None:
            if required:
                self.fail(fld, "is missing")
            return ""
        if not isinstance(value, str) or not value.strip():
            self.fail(fld, f"must be non-empty text, found {_kind(value)}")
        return value

    def number(
        self,
        table: dict,
        key: str,
        fld: str,
        default: Any = None,
        least: float | None = None,
        above: float | None = None,
        whole: bool = False,
    ) -> Any:
        value = table.get(key, default)
        if value is None:
            self.fail(fld, "is missing")
        if not _finite(value) or (whole and not isinstance(value, int)):
            self.fail(fld, f"must be a {'whole' if whole else 'finite'} number, found {_kind(value)}")
        if least is not None and value < least:
            self.fail(fld, f"must be a number >= {least:g}, found {value!r}")
        if above is not None and value <= above:
            self.fail(fld, f"must be a number > {above:g}, found {value!r}")
        return value

    def entries(self, table: dict, key: str, fld: str, least: int = 0) -> list:
        value = table.get(key, [] if least == 0 else None)
        if not isinstance(value, list) or len(value) < least:
            found = "nothing" if value is None else _kind(value)
            self.fail(
                fld,
                f"needs at least {least} [[questions.{key}]] block{'s' if least > 1 else ''}, found {found}"
                if least
                else f"must be a list of [[questions.{key}]] blocks, found {found}",
            )
        return value

    def only(self, table: dict, allowed: set, fld: str, what: str) -> None:
        extra = sorted(set(table) - allowed)
        if extra:
            self.fail(
                f"{fld}.{extra[0]}" if fld else extra[0],
                f"is not a field of {what} (allowed: {', '.join(sorted(allowed))})",
            )


def _kind(value: Any) -> str:
    """A short description of a wrong TOML value for messages ("the number 5", "a list")."""
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the text {value[:30]!r}" if value.strip() else "empty text"
    return {dict: "a table", list: "a list"}.get(type(value), type(value).__name__)


def _finite(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _keyed(w: _Where, q: dict, name: str, least: int, label: str, allowed: set) -> list[str]:
    """Validate ``[[questions.<name>]]`` blocks with unique keys; return the keys as text."""
    keys: list[str] = []
    for i, entry in enumerate(w.entries(q, name, name, least), 1):
        where = f"{name}[{i}]"
        w.table(entry, where)
        w.only(entry, allowed, where, f"{name} entries")
        key = entry.get("key")
        if not isinstance(key, (str, int)) or isinstance(key, bool) or str(key) == "":
            w.fail(
                where + ".key", "is missing" if key is None else f"must be text or a whole number, found {_kind(key)}"
            )
        if str(key) in keys:
            w.fail(where + ".key", f"{key!r} is used twice")
        w.text(entry, label, f"{where}.{label}")
        keys.append(str(key))
    return keys


# --------------------------------------------------------------------------- one validator per type
def _choice(w: _Where, q: dict, right: set[str], keys: list[str]) -> None:
    """Every wrong option needs feedback of its own; correct ones may have some."""
    for i, option in enumerate(q["options"], 1):
        needed = str(option["key"]) not in right
        w.text(option, "feedback", f"options[{i}].feedback", required=needed)


def validate_single(w: _Where, q: dict) -> None:
    keys = _keyed(w, q, "options", 2, "text", {"key", "text", "feedback"})
    if "answer" not in q or str(q["answer"]) not in keys or isinstance(q["answer"], (bool, float, list, dict)):
        w.fail("answer", f"{q.get('answer')!r} is not one of the option keys {', '.join(keys)}")
    _choice(w, q, {str(q["answer"])}, keys)


def validate_multiple(w: _Where, q: dict) -> None:
    keys = _keyed(w, q, "options", 2, "text", {"key", "text", "feedback"})
    answers = q.get("answers")
    if not isinstance(answers, list) or not answers:
        w.fail("answers", "must be a list of the correct option keys")
    for j, a in enumerate(answers, 1):
        if isinstance(a, (bool, float, list, dict)) or str(a) not in keys:
            w.fail(f"answers[{j}]", f"{a!r} is not one of the option keys {', '.join(keys)}")
    _choice(w, q, {str(a) for a in answers}, keys)


def validate_classify(w: _Where, q: dict) -> None:
    cats = _keyed(w, q, "categories", 2, "label", {"key", "label"})
    _keyed(w, q, "items", 1, "text", {"key", "text", "answer", "feedback"})
    for i, item in enumerate(q["items"], 1):
        where = f"items[{i}]"
        answer = item.get("answer")
        if answer is None or isinstance(answer, (bool, float, list, dict)) or str(answer) not in cats:
            w.fail(f"{where}.answer", f"{answer!r} is not one of the category keys {', '.join(cats)}")
        feedback = item.get("feedback")
        if isinstance(feedback, dict):
            # one text per wrong category: { trump = "...", reporter = "..." }
            for cat in feedback:
                if cat not in cats or cat == str(answer):
                    w.fail(
                        f"{where}.feedback.{cat}",
                        f"is not a wrong category of this item ({', '.join(c for c in cats if c != str(answer))})",
                    )
                w.text(feedback, cat, f"{where}.feedback.{cat}")
            for cat in cats:
                if cat != str(answer) and cat not in feedback:
                    w.fail(f"{where}.feedback.{cat}", "is missing: every wrong category needs feedback of its own")
        else:
            w.text(item, "feedback", f"{where}.feedback")


def validate_numeric(w: _Where, q: dict) -> None:
    w.number(q, "answer", "answer")
    w.number(q, "tolerance", "tolerance", default=0, least=0)
    w.text(q, "unit", "unit", required=False)
    for i, m in enumerate(w.entries(q, "mistakes", "mistakes"), 1):
        where = f"mistakes[{i}]"
        w.table(m, where)
        w.only(m, {"value", "tolerance", "feedback"}, where, "a mistake")
        w.number(m, "value", f"{where}.value")
        w.number(m, "tolerance", f"{where}.tolerance", default=0, least=0)
        w.text(m, "feedback", f"{where}.feedback")


def validate_reflection(w: _Where, q: dict) -> None:
    if "explanation" in q:
        # a reflection is graded with its rubric; the quiz files reach the student copy (make student-repo)
        w.fail(
            "explanation",
            "a reflection carries no model answer: it is graded with its rubric, and the quiz files are in the "
            "student copy. Put the worked answer in the answer key (solutions/), in the answer's solution cell.",
        )
    w.number(q, "min_words", "min_words", default=1, least=0, whole=True)
    w.text(q, "guidance", "guidance", required=False)
    rubric_points(w, q)


def rubric_points(w: _Where, q: dict) -> int:
    """Validate a reflection's ``rubric`` and return its total points (the best level of each criterion)."""
    total = 0
    for i, crit in enumerate(w.entries(q, "rubric", "rubric", 1), 1):
        where = f"rubric[{i}]"
        w.table(crit, where)
        w.only(crit, {"criterion", "levels"}, where, "a rubric criterion")
        w.text(crit, "criterion", f"{where}.criterion")
        levels = crit.get("levels")
        if not isinstance(levels, list) or len(levels) < 2:
            w.fail(f"{where}.levels", 'needs at least two levels, e.g. levels = [{ points = 0, text = "..." }, ...]')
        points = []
        for j, level in enumerate(levels, 1):
            lw = f"{where}.levels[{j}]"
            w.table(level, lw)
            w.only(level, {"points", "text"}, lw, "a rubric level")
            points.append(w.number(level, "points", f"{lw}.points", least=0, whole=True))
            w.text(level, "text", f"{lw}.text")
        if len(set(points)) != len(points):
            w.fail(f"{where}.levels", "two levels have the same points")
        total += max(points)
    return total


def rubric_total(q: Question) -> int:
    """The points a reflection's rubric gives at best (what its nbgrader manual-grade cell must carry)."""
    return sum(max(level["points"] for level in crit["levels"]) for crit in q.get("rubric", []))


def rubric_markdown(q: Question) -> str:
    """The rubric as Markdown: one table per question, a row per criterion, its levels with points."""
    lines = [
        f"**Rubric for `{q.id}`** ({rubric_total(q)} points)",
        "",
        "| criterion | points: what earns them |",
        "|---|---|",
    ]
    for crit in q.get("rubric", []):
        levels = "<br>".join(
            f"{lv['points']}: {lv['text']}" for lv in sorted(crit["levels"], key=lambda lv: lv["points"])
        )
        lines.append(f"| {crit['criterion']} | {levels} |")
    return "\n".join(lines)


def _value(w: _Where, value: Any, fld: str) -> None:
    """A code-case argument: a literal, ``{ table = NAME }`` (must exist) or ``{ frame = {...} }``."""
    if isinstance(value, dict) and set(value) == {"table"}:
        name = value["table"]
        if not isinstance(name, str) or not name or not table_path(name, w.root).is_file():
            w.fail(fld, f"table {name!r} not found (expected {table_path(str(name), w.root)})")
    elif isinstance(value, dict) and set(value) == {"frame"}:
        frame = value["frame"]
        if not (
            isinstance(frame, dict)
            and isinstance(frame.get("columns"), list)
            and isinstance(frame.get("rows", []), list)
            and set(frame) <= {"columns", "rows"}
        ):
            w.fail(fld, "frame needs columns = [...] and rows = [[...], ...]")
        for r, row in enumerate(frame.get("rows", []), 1):
            if not isinstance(row, list) or len(row) != len(frame["columns"]):
                w.fail(f"{fld}.frame.rows[{r}]", "needs one value per column")
    elif isinstance(value, list):
        for j, item in enumerate(value, 1):
            _value(w, item, f"{fld}[{j}]")


def validate_code(w: _Where, q: dict) -> None:
    name = q.get("function")
    if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
        w.fail("function", f"must be a Python function name, found {_kind(name) if name is not None else 'nothing'}")
    w.number(q, "timeout", "timeout", default=5, above=0)
    for i, case in enumerate(w.entries(q, "cases", "cases", 1), 1):
        where = f"cases[{i}]"
        w.table(case, where)
        w.only(case, CASE_FIELDS, where, "a case")
        w.text(case, "name", f"{where}.name", required=False)
        w.text(case, "feedback", f"{where}.feedback", required=False)
        args, kwargs = case.get("args", []), case.get("kwargs", {})
        if not isinstance(args, list):
            w.fail(f"{where}.args", f"must be a list, found {_kind(args)}")
        if not isinstance(kwargs, dict):
            w.fail(f"{where}.kwargs", f"must be a table, found {_kind(kwargs)}")
        for j, value in enumerate(args, 1):
            _value(w, value, f"{where}.args[{j}]")
        for key, value in kwargs.items():
            _value(w, value, f"{where}.kwargs.{key}")
        compare = case.get("compare", "equal")
        if compare not in COMPARES:
            w.fail(f"{where}.compare", f"must be one of {', '.join(COMPARES)}, found {_kind(compare)}")
        w.number(case, "tolerance", f"{where}.tolerance", default=0, least=0)
        if "select" in case:
            w.text(case, "select", f"{where}.select")
        if case.get("expect_type") is not None and case["expect_type"] not in TYPE_NAMES:
            w.fail(
                f"{where}.expect_type", f"must be one of {', '.join(TYPE_NAMES)}, found {_kind(case['expect_type'])}"
            )
        if "expect_rows" in case:
            w.number(case, "expect_rows", f"{where}.expect_rows", least=0, whole=True)
        if "expect_columns" in case:
            cols = case["expect_columns"]
            if not isinstance(cols, list) or not all(isinstance(c, str) for c in cols):
                w.fail(f"{where}.expect_columns", f"must be a list of column names, found {_kind(cols)}")
        if not ({"expect", "expect_rows", "expect_columns", "expect_type"} & set(case)):
            w.fail(where, "needs expect, expect_rows, expect_columns or expect_type")
        if compare == "counts" and not isinstance(case.get("expect"), dict):
            w.fail(f"{where}.expect", "compare = 'counts' needs expect = { value = count, ... }")
        if compare == "approx" and not _numbers_only(case.get("expect")):
            w.fail(f"{where}.expect", "compare = 'approx' needs numbers (a number, a list or a table of numbers)")


def _numbers_only(value: Any) -> bool:
    if isinstance(value, dict):
        return all(_numbers_only(v) for v in value.values())
    if isinstance(value, list):
        return all(_numbers_only(v) for v in value)
    return _finite(value)


#: one validator per question type, keyed like ``checks.CHECKERS``
VALIDATORS: dict[str, Callable[[_Where, dict], None]] = {
    "single": validate_single,
    "multiple": validate_multiple,
    "classify": validate_classify,
    "numeric": validate_numeric,
    "code": validate_code,
    "reflection": validate_reflection,
}


def validate_question(file: str, q: Any, seen: set, root: Path, explain_after: int = EXPLAIN_AFTER) -> Question:
    """Check the fields every question has, then its type's validator; return the :class:`Question`."""
    w = _Where(file, None, root)
    if not isinstance(q, dict):
        w.fail("questions", f"every entry must be a [[questions]] table, found {_kind(q)}")
    qid = q.get("id")
    if not isinstance(qid, str) or not ID_RE.match(qid):
        w.qid = str(qid) if qid is not None else None
        w.fail("id", "must be lower-case letters, digits and '-' (e.g. 'first-stage')")
    w.qid = qid
    if qid in seen:
        w.fail("id", "is used by another question in this file")
    kind = q.get("type")
    if kind not in TYPES:
        w.fail("type", f"{kind!r} is not one of {', '.join(TYPES)}")
    w.only(q, ALLOWED[kind], "", f"a {kind} question")
    prompt = w.text(q, "prompt", "prompt")
    w.text(q, "hint", "hint", required=False)
    w.text(q, "part", "part", required=False)
    explanation = w.text(q, "explanation", "explanation", required=kind != "reflection")
    if kind != "reflection" and not CITE_RE.search(explanation):
        w.fail("explanation", "must cite a sentence id such as S07 (or a data/external/ source)")
    VALIDATORS[kind](w, q)
    seen.add(qid)
    return Question(qid, kind, prompt, q, explain_after)


def load_quiz(path: str | Path, root: Path | None = None) -> QuizSpec:
    """Read and validate a quiz file; raise :class:`QuizFormatError` on any problem (never another error)."""
    path = Path(path)
    if root is None:
        from middlepowers.paths import repo_root

        root = repo_root()
    shown = _shown(path, root)
    w = _Where(shown, None, root)
    try:
        raw = tomllib.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        w.fail(None, "file not found")
    except IsADirectoryError:
        w.fail(None, "is a directory, not a quiz file")
    except UnicodeDecodeError as error:
        w.fail(None, f"is not UTF-8 text (byte {error.start}): save it as UTF-8")
    except tomllib.TOMLDecodeError as error:
        w.fail(None, f"not valid TOML ({error})")
    except OSError as error:
        w.fail(None, f"cannot be read ({error.strerror or error})")
    w.only(raw, TOP, "", "a quiz file (top level)")
    if raw.get("notebook") != path.stem:
        w.fail("notebook", f"must equal the file name {path.stem!r}, found {raw.get('notebook')!r}")
    w.text(raw, "title", "title", required=False)
    after = w.number(raw, "explain_after", "explain_after", default=EXPLAIN_AFTER, least=1, whole=True)
    questions = w.entries(raw, "questions", "questions", 1)
    seen: set = set()
    parsed = [validate_question(shown, q, seen, root, after) for q in questions]
    return QuizSpec(raw["notebook"], raw.get("title", raw["notebook"]), {q.id: q for q in parsed}, path)


def _shown(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except (ValueError, OSError):
        return path.name


def table_path(name: str, root: Path) -> Path:
    """Where ``{ table = NAME }`` is read from: ``data/tables/NAME.csv`` or ``data/NAME.csv`` for a path."""
    return root / "data" / (name + ".csv" if "/" in name else f"tables/{name}.csv")


#: the fields of a graded block (the ``GRADED`` TOML in an answer key's hidden tests; see mpcourse.judge)
GRADED_FIELDS = {"quiz", "question", "practice", "timeout", "cases"}


def validate_graded(raw: Any, where: str, root: Path) -> list[dict]:
    """Check a graded block (``quiz``, ``question``, ``cases`` as in a code question); return its cases.

    Graded blocks live in the answer keys' hidden tests, never in ``data/quizzes/``:
    the student copy carries the practice cases only.
    """
    w = _Where(where, None, root)
    w.table(raw, "")
    w.only(raw, GRADED_FIELDS, "", "a graded block")
    w.text(raw, "quiz", "quiz")
    w.text(raw, "question", "question")
    w.qid = raw["question"]
    if not isinstance(raw.get("practice", True), bool):
        w.fail("practice", f"must be true or false, found {_kind(raw['practice'])}")
    validate_code(w, {"function": "graded", "timeout": raw.get("timeout", 5), "cases": raw.get("cases")})
    return list(raw["cases"])
