"""Quiz files and the checking logic behind every widget (no widgets here).

``load_quiz(path)`` reads and validates a ``data/quizzes/*.toml`` file (format:
``data/quizzes/README.md``) and raises :class:`QuizFormatError` naming the
file, the question id and the field. ``check(question, answer)`` and
``check_code(question, function)`` are plain functions returning a
:class:`Result`; the widgets in :mod:`middlepowers.quiz` only display it.

Feedback never relies on colour: every message starts with a text symbol.
"""

from __future__ import annotations

import keyword
import math
import re
import signal
import threading
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pandas as pd

CORRECT = "✔ Correct"
NOT_YET = "✘ Not yet"
PARTLY = "◐ Partly right"
WARN = "⚠"
SAVED = "✎ Saved"

TYPES = ("single", "multiple", "classify", "numeric", "code", "reflection")
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
CITE_RE = re.compile(r"\bS\d{2}\b|data/external/")
COMMON = {"id", "type", "prompt", "hint", "explanation", "part"}
ALLOWED = {
    "single": COMMON | {"answer", "options"},
    "multiple": COMMON | {"answers", "options"},
    "classify": COMMON | {"categories", "items"},
    "numeric": COMMON | {"answer", "tolerance", "unit", "mistakes"},
    "code": COMMON | {"function", "cases", "timeout"},
    "reflection": COMMON | {"min_words", "guidance"},
}
CASE_FIELDS = {
    "name", "args", "kwargs", "expect", "compare", "tolerance", "select",
    "expect_type", "expect_rows", "expect_columns", "feedback",
}
COMPARES = ("equal", "set", "approx", "counts")
TYPE_NAMES = {
    "DataFrame": pd.DataFrame, "Series": pd.Series, "dict": dict, "list": list,
    "int": int, "float": float, "str": str, "bool": bool,
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


@dataclass
class Result:
    """The outcome of one check.

    ``correct`` is True/False for a graded answer, None when the answer could
    not be checked (empty, not a number, ...) or is a reflection.
    ``counts`` says whether the attempt is worth saving as an attempt.
    """

    correct: bool | None
    message: str
    details: list[str] = field(default_factory=list)
    hint: str = ""
    explanation: str = ""
    counts: bool = True

    def lines(self) -> list[str]:
        out = [self.message, *("  " + d for d in self.details)]
        if self.hint:
            out.append("Hint: " + self.hint)
        if self.explanation:
            out.append("Why: " + self.explanation)
        return out

    def text(self) -> str:
        return "\n".join(self.lines())


# --------------------------------------------------------------------------- loading
def _fail(file, qid, fld, problem):
    raise QuizFormatError(file, qid, fld, problem)


def _text(file, qid, table, key, required=True):
    value = table.get(key)
    if value is None:
        if required:
            _fail(file, qid, key, "is missing")
        return ""
    if not isinstance(value, str) or not value.strip():
        _fail(file, qid, key, "must be non-empty text")
    return value


def _keyed(file, qid, q, name, least):
    entries = q.get(name)
    if not isinstance(entries, list) or len(entries) < least:
        _fail(file, qid, name, f"needs at least {least} entries ([[questions.{name}]] blocks)")
    keys = []
    for i, entry in enumerate(entries, 1):
        where = f"{name}[{i}]"
        if not isinstance(entry, dict):
            _fail(file, qid, where, "must be a table with key and text")
        key = entry.get("key")
        if not isinstance(key, (str, int)) or isinstance(key, bool) or str(key) == "":
            _fail(file, qid, where + ".key", "is missing")
        if str(key) in keys:
            _fail(file, qid, where + ".key", f"{key!r} is used twice")
        label = "label" if name == "categories" else "text"
        _text(file, qid, entry, label) if label in entry else _fail(file, qid, f"{where}.{label}", "is missing")
        keys.append(str(key))
    return keys


def _finite(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _check_value(file, qid, where, value, root):
    """Validate a code-case argument; table references must exist."""
    if isinstance(value, dict) and set(value) == {"table"}:
        name = value["table"]
        if not isinstance(name, str) or not _table_path(name, root).is_file():
            _fail(file, qid, where, f"table {name!r} not found (expected {_table_path(str(name), root)})")
    elif isinstance(value, dict) and set(value) == {"frame"}:
        frame = value["frame"]
        if not (isinstance(frame, dict) and isinstance(frame.get("columns"), list)
                and isinstance(frame.get("rows", []), list)):
            _fail(file, qid, where, "frame needs columns = [...] and rows = [[...], ...]")
        for row in frame.get("rows", []):
            if not isinstance(row, list) or len(row) != len(frame["columns"]):
                _fail(file, qid, where, "every frame row needs one value per column")


def _validate(file: str, q: Any, seen: set, root: Path) -> Question:
    if not isinstance(q, dict):
        _fail(file, None, "questions", "every entry must be a [[questions]] table")
    qid = q.get("id")
    if not isinstance(qid, str) or not ID_RE.match(qid):
        _fail(file, str(qid) if qid is not None else None, "id",
              "must be lower-case letters, digits and '-' (e.g. 'first-stage')")
    if qid in seen:
        _fail(file, qid, "id", "is used by another question in this file")
    kind = q.get("type")
    if kind not in TYPES:
        _fail(file, qid, "type", f"{kind!r} is not one of {', '.join(TYPES)}")
    unknown = sorted(set(q) - ALLOWED[kind])
    if unknown:
        _fail(file, qid, unknown[0], f"is not a field of a {kind} question (allowed: {', '.join(sorted(ALLOWED[kind]))})")
    prompt = _text(file, qid, q, "prompt")
    _text(file, qid, q, "hint", required=False)
    _text(file, qid, q, "part", required=False)
    explanation = _text(file, qid, q, "explanation", required=kind != "reflection")
    if kind != "reflection" and not CITE_RE.search(explanation):
        _fail(file, qid, "explanation", "must cite a sentence id such as S07 (or a data/external/ source)")

    if kind in ("single", "multiple"):
        keys = _keyed(file, qid, q, "options", 2)
        for i, option in enumerate(q["options"], 1):
            _text(file, qid, option, "feedback", required=False)
            extra = set(option) - {"key", "text", "feedback"}
            if extra:
                _fail(file, qid, f"options[{i}].{sorted(extra)[0]}", "is not an option field (key, text, feedback)")
        if kind == "single":
            if str(q.get("answer")) not in keys or "answer" not in q:
                _fail(file, qid, "answer", f"{q.get('answer')!r} is not one of the option keys {', '.join(keys)}")
        else:
            answers = q.get("answers")
            if not isinstance(answers, list) or not answers:
                _fail(file, qid, "answers", "must be a list of the correct option keys")
            for a in answers:
                if str(a) not in keys:
                    _fail(file, qid, "answers", f"{a!r} is not one of the option keys {', '.join(keys)}")
    elif kind == "classify":
        cats = _keyed(file, qid, q, "categories", 2)
        _keyed(file, qid, q, "items", 1)
        for i, item in enumerate(q["items"], 1):
            if str(item.get("answer")) not in cats or "answer" not in item:
                _fail(file, qid, f"items[{i}].answer", f"{item.get('answer')!r} is not one of the category keys {', '.join(cats)}")
            _text(file, qid, item, "feedback", required=False)
    elif kind == "numeric":
        if not _finite(q.get("answer")):
            _fail(file, qid, "answer", "must be a finite number")
        if not _finite(q.get("tolerance", 0)) or q.get("tolerance", 0) < 0:
            _fail(file, qid, "tolerance", "must be a number >= 0")
        _text(file, qid, q, "unit", required=False)
        for i, m in enumerate(q.get("mistakes", []), 1):
            if not isinstance(m, dict) or not _finite(m.get("value")):
                _fail(file, qid, f"mistakes[{i}].value", "must be a finite number")
            _text(file, qid, m, "feedback")
    elif kind == "reflection":
        mw = q.get("min_words", 1)
        if not isinstance(mw, int) or isinstance(mw, bool) or mw < 0:
            _fail(file, qid, "min_words", "must be a whole number >= 0")
        _text(file, qid, q, "guidance", required=False)
    elif kind == "code":
        name = q.get("function")
        if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
            _fail(file, qid, "function", "must be a Python function name")
        if not _finite(q.get("timeout", 5)) or q.get("timeout", 5) <= 0:
            _fail(file, qid, "timeout", "must be a number of seconds > 0")
        cases = q.get("cases")
        if not isinstance(cases, list) or not cases:
            _fail(file, qid, "cases", "needs at least one [[questions.cases]] block")
        for i, case in enumerate(cases, 1):
            where = f"cases[{i}]"
            if not isinstance(case, dict):
                _fail(file, qid, where, "must be a table")
            extra = sorted(set(case) - CASE_FIELDS)
            if extra:
                _fail(file, qid, f"{where}.{extra[0]}", f"is not a case field ({', '.join(sorted(CASE_FIELDS))})")
            if not isinstance(case.get("args", []), list):
                _fail(file, qid, f"{where}.args", "must be a list")
            if not isinstance(case.get("kwargs", {}), dict):
                _fail(file, qid, f"{where}.kwargs", "must be a table")
            for j, value in enumerate(case.get("args", []), 1):
                _check_value(file, qid, f"{where}.args[{j}]", value, root)
            for key, value in case.get("kwargs", {}).items():
                _check_value(file, qid, f"{where}.kwargs.{key}", value, root)
            if case.get("compare", "equal") not in COMPARES:
                _fail(file, qid, f"{where}.compare", f"must be one of {', '.join(COMPARES)}")
            if case.get("expect_type") is not None and case["expect_type"] not in TYPE_NAMES:
                _fail(file, qid, f"{where}.expect_type", f"must be one of {', '.join(TYPE_NAMES)}")
            if not ({"expect", "expect_rows", "expect_columns", "expect_type"} & set(case)):
                _fail(file, qid, where, "needs expect, expect_rows, expect_columns or expect_type")
            if case.get("compare") == "counts" and not isinstance(case.get("expect"), dict):
                _fail(file, qid, f"{where}.expect", "compare = 'counts' needs expect = { value = count, ... }")
    seen.add(qid)
    return Question(qid, kind, prompt, q)


def load_quiz(path: str | Path, root: Path | None = None) -> QuizSpec:
    """Read and validate a quiz file; raise :class:`QuizFormatError` on any problem."""
    path = Path(path)
    if root is None:
        from middlepowers.paths import repo_root

        root = repo_root()
    shown = _shown(path, root)
    try:
        with open(path, "rb") as handle:
            raw = tomllib.load(handle)
    except FileNotFoundError:
        raise QuizFormatError(shown, None, None, "file not found") from None
    except tomllib.TOMLDecodeError as error:
        raise QuizFormatError(shown, None, None, f"not valid TOML ({error})") from None
    unknown = sorted(set(raw) - {"notebook", "title", "questions"})
    if unknown:
        _fail(shown, None, unknown[0], "is not a top-level field (notebook, title, questions)")
    if raw.get("notebook") != path.stem:
        _fail(shown, None, "notebook", f"must equal the file name {path.stem!r}, found {raw.get('notebook')!r}")
    questions = raw.get("questions")
    if not isinstance(questions, list) or not questions:
        _fail(shown, None, "questions", "needs at least one [[questions]] block")
    seen: set = set()
    parsed = [_validate(shown, q, seen, root) for q in questions]
    return QuizSpec(raw["notebook"], raw.get("title", raw["notebook"]), {q.id: q for q in parsed}, path)


def _shown(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.name


# --------------------------------------------------------------------------- checkers
def _none_chosen(what: str) -> Result:
    return Result(None, f"{WARN} Nothing {what} yet: make a choice, then press Check.", counts=False)


def check_single(q: Question, answer: Any) -> Result:
    """Check one option key (``None`` or ``""`` = nothing selected)."""
    if answer is None or answer == "":
        return _none_chosen("selected")
    options = {str(o["key"]): o for o in q.get("options")}
    if str(answer) not in options:
        return Result(None, f"{WARN} {answer!r} is not one of the options.", counts=False)
    if str(answer) == str(q.get("answer")):
        return Result(True, CORRECT, explanation=q.explanation)
    feedback = options[str(answer)].get("feedback", "")
    return Result(False, NOT_YET, [feedback] if feedback else [], hint=q.hint)


def check_multiple(q: Question, answers: Any) -> Result:
    """Check a collection of option keys (empty = nothing ticked)."""
    if answers is None or isinstance(answers, str):
        answers = [answers] if answers else []
    chosen = {str(a) for a in answers}
    if not chosen:
        return _none_chosen("ticked")
    options = {str(o["key"]): o for o in q.get("options")}
    unknown = sorted(chosen - set(options))
    if unknown:
        return Result(None, f"{WARN} {unknown[0]!r} is not one of the options.", counts=False)
    right = {str(a) for a in q.get("answers")}
    if chosen == right:
        return Result(True, CORRECT, explanation=q.explanation)
    details = [options[k]["feedback"] for k in options if k in chosen - right and options[k].get("feedback")]
    hits = len(chosen & right) + len(set(options) - chosen - right)
    if chosen - right:
        details.insert(0, f"{len(chosen - right)} ticked option(s) should not be ticked.")
    if right - chosen:
        details.insert(0, f"{len(right - chosen)} correct option(s) not ticked yet.")
    head = f"{PARTLY}: {hits} of {len(options)} options right" if chosen & right else NOT_YET
    return Result(False, head, details, hint=q.hint)


def check_classify(q: Question, mapping: Any) -> Result:
    """Check a dict item key -> category key (missing / None = unassigned)."""
    mapping = dict(mapping or {})
    items = q.get("items")
    cats = {str(c["key"]): c["label"] for c in q.get("categories")}
    given = {str(i["key"]): mapping.get(i["key"], mapping.get(str(i["key"]))) for i in items}
    if all(v in (None, "") for v in given.values()):
        return _none_chosen("assigned")
    bad = [str(v) for v in given.values() if v not in (None, "") and str(v) not in cats]
    if bad:
        return Result(None, f"{WARN} {bad[0]!r} is not one of the categories.", counts=False)
    missing = [str(i["key"]) for i in items if given[str(i["key"])] in (None, "")]
    wrong = [i for i in items if given[str(i["key"])] not in (None, "") and str(given[str(i["key"])]) != str(i["answer"])]
    right = len(items) - len(missing) - len(wrong)
    if not missing and not wrong:
        return Result(True, CORRECT, explanation=q.explanation)
    details = []
    if missing:
        details.append("Not assigned yet: " + ", ".join(missing) + ".")
    for i in wrong:
        details.append(f"{i['key']}: not '{cats[str(given[str(i['key'])])]}'." + (f" {i['feedback']}" if i.get("feedback") else ""))
    head = f"{PARTLY}: {right} of {len(items)} right" if right else NOT_YET
    return Result(False, head, details, hint=q.hint)


def parse_number(text: Any) -> tuple[float | None, str]:
    """Turn what a student typed into a finite float, or (None, friendly reason)."""
    if isinstance(text, bool):
        return None, "Please type a number."
    if isinstance(text, (int, float)):
        value = float(text) if not isinstance(text, int) or abs(text) < 1e308 else math.inf
    else:
        s = str(text if text is not None else "").strip().replace("\u2212", "-")
        if not s:
            return None, "The box is empty: type a number, then press Check."
        if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?", s):
            s = s.replace(",", "")
        try:
            value = float(s)
        except ValueError:
            return None, f"{s[:40]!r} is not a number: type digits only, e.g. 27 (no words or units)."
    if math.isnan(value):
        return None, "'nan' is not a number we can check: type an ordinary number."
    if math.isinf(value):
        return None, "That number is too large (or infinite) to check: type an ordinary number."
    return value, ""


def check_numeric(q: Question, text: Any) -> Result:
    """Check a typed number against ``answer`` +/- ``tolerance``."""
    value, reason = parse_number(text)
    if value is None:
        return Result(None, f"{WARN} {reason}", counts=False)
    if abs(value - q.get("answer")) <= q.get("tolerance", 0) + 1e-12:
        return Result(True, CORRECT, explanation=q.explanation)
    details = [m["feedback"] for m in q.get("mistakes", []) if abs(value - m["value"]) <= 1e-12]
    return Result(False, NOT_YET, details, hint=q.hint)


def check_reflection(q: Question, text: Any) -> Result:
    """Save a reflection (not graded); too short gets a friendly nudge."""
    words = len(str(text or "").split())
    need = max(q.get("min_words", 1), 1)
    if words < need:
        return Result(None, f"{WARN} Please write at least {need} word{'s' if need > 1 else ''} "
                            f"(you have {words}), then press Save.", counts=False)
    guidance = q.get("guidance", "")
    return Result(None, f"{SAVED}: your reflection ({words} words) is in your progress file.",
                  [("To think about: " + guidance)] if guidance else [], explanation=q.explanation)


def check(q: Question, answer: Any) -> Result:
    """Dispatch to the checker for the question's type (not ``code``)."""
    checkers = {"single": check_single, "multiple": check_multiple, "classify": check_classify,
                "numeric": check_numeric, "reflection": check_reflection}
    if q.type not in checkers:
        return Result(None, f"{WARN} '{q.id}' is a code check: use quiz.check_code('{q.id}', your_function).", counts=False)
    try:
        return checkers[q.type](q, answer)
    except Exception as error:  # an odd answer must never show a traceback
        return Result(None, f"{WARN} That answer could not be checked ({error.__class__.__name__}).", counts=False)


# --------------------------------------------------------------------------- code checks
def _table_path(name: str, root: Path) -> Path:
    return root / "data" / (name + ".csv" if "/" in name else f"tables/{name}.csv")


_TABLES: dict[Path, pd.DataFrame] = {}


def resolve_value(value: Any, root: Path) -> Any:
    """Turn a case argument into the value passed: tables are fresh copies."""
    if isinstance(value, dict) and set(value) == {"table"}:
        path = _table_path(value["table"], root)
        if path not in _TABLES:
            _TABLES[path] = pd.read_csv(path, keep_default_na=False, na_values=[""])  # words like "NA" stay words
        return _TABLES[path].copy()
    if isinstance(value, dict) and set(value) == {"frame"}:
        frame = value["frame"]
        return pd.DataFrame(frame.get("rows", []), columns=frame["columns"])
    if isinstance(value, list):
        return [resolve_value(v, root) for v in value]
    return value


class _Timeout(Exception):
    pass


def run_with_timeout(func: Callable, args: list, kwargs: dict, seconds: float) -> tuple[str, Any]:
    """Run ``func``; return ("ok", value), ("error", exception) or ("timeout", None).

    In the main thread (a kernel running a cell) a SIGALRM timer interrupts a
    loop; elsewhere the call runs in a daemon thread that is abandoned on timeout.
    """
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        def _alarm(signum, frame):
            raise _Timeout()

        old = signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            return "ok", func(*args, **kwargs)
        except _Timeout:
            return "timeout", None
        except BaseException as error:  # noqa: BLE001 - the student's code may raise anything
            if isinstance(error, KeyboardInterrupt):
                raise
            return "error", error
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)
    box: dict = {}

    def target():
        try:
            box["value"] = ("ok", func(*args, **kwargs))
        except BaseException as error:  # noqa: BLE001
            box["value"] = ("error", error)

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(seconds)
    return box.get("value", ("timeout", None))


def _plain(value: Any) -> Any:
    """numpy scalars -> Python, Series/Index/tuple/ndarray -> list (recursively)."""
    if hasattr(value, "item") and getattr(value, "ndim", None) == 0:
        return value.item()
    if isinstance(value, (pd.Index, tuple)) or type(value).__name__ == "ndarray":
        return [_plain(v) for v in list(value)]
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    return value


def _as_dict(value: Any) -> Any:
    if isinstance(value, pd.Series):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, pd.DataFrame) and value.shape[1] == 2:
        return {str(k): _plain(v) for k, v in zip(value.iloc[:, 0], value.iloc[:, 1])}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _as_list(value: Any) -> Any:
    if isinstance(value, (pd.Series, pd.Index, tuple, set, frozenset)) or type(value).__name__ == "ndarray":
        return [_plain(v) for v in list(value)]
    return _plain(value)


def _short(value: Any, limit: int = 160) -> str:
    if isinstance(value, pd.DataFrame):
        text = f"a DataFrame with {len(value)} rows and columns {list(value.columns)}"
    elif isinstance(value, dict):
        text = "{" + ", ".join(f"{k!r}: {v!r}" for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))) + "}"
    else:
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _same(a: Any, b: Any, tol: float = 0.0) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isfinite(a) and math.isfinite(b) and abs(a - b) <= tol
    if isinstance(a, dict) and isinstance(b, dict):
        return set(a) == set(b) and all(_same(a[k], b[k], tol) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y, tol) for x, y in zip(a, b))
    return a == b


def judge_case(case: dict, result: Any) -> str:
    """Return "" if ``result`` satisfies the case, else why not (one friendly sentence)."""
    if result is None and any(k in case for k in ("expect", "expect_rows", "expect_columns", "expect_type")):
        return "your function returned None: did you forget `return`?"
    want_type = case.get("expect_type")
    if want_type and not isinstance(result, TYPE_NAMES[want_type]):
        return f"expected a {want_type}, got a {type(result).__name__}"
    if "expect_columns" in case:
        if not isinstance(result, pd.DataFrame):
            return f"expected a DataFrame with columns {case['expect_columns']}, got a {type(result).__name__}"
        missing = [c for c in case["expect_columns"] if c not in result.columns]
        if missing:
            return f"the result has no column(s) {missing} (it has {list(result.columns)})"
    value = result
    if case.get("select") is not None:
        col = case["select"]
        if not isinstance(result, pd.DataFrame):
            return f"expected a DataFrame with a column {col!r}, got a {type(result).__name__}"
        if col not in result.columns:
            return f"the result has no column {col!r} (it has {list(result.columns)})"
        value = list(result[col])
    if "expect_rows" in case:
        try:
            n = len(value)
        except TypeError:
            return f"expected {case['expect_rows']} rows, got a {type(value).__name__} (which has no length)"
        if n != case["expect_rows"]:
            return f"expected {case['expect_rows']} rows, got {n}"
    if "expect" not in case:
        return ""
    expect, how = case["expect"], case.get("compare", "equal")
    try:
        if how == "counts":
            got = dict(Counter(str(v) for v in _as_list(value)))
            ok = got == {str(k): v for k, v in expect.items()}
            return "" if ok else f"expected the counts {_short(expect)}, got {_short(got)}"
        if isinstance(expect, dict):
            got = _as_dict(value)
            if not isinstance(got, dict):
                return f"expected a table of values like {_short(expect, 60)}, got a {type(value).__name__}"
            ok = _same(got, {str(k): v for k, v in expect.items()}, case.get("tolerance", 1e-9) if how == "approx" else 0)
        elif isinstance(expect, list):
            got = _as_list(value)
            if not isinstance(got, list):
                return f"expected a list like {_short(expect, 60)}, got a {type(value).__name__}"
            ok = (sorted(map(str, set(map(str, got)))) == sorted(set(map(str, expect)))) if how == "set" \
                else _same(got, expect, case.get("tolerance", 1e-9) if how == "approx" else 0)
        else:
            got = _plain(value)
            tol = case.get("tolerance", 1e-9) if how == "approx" else 0
            if isinstance(expect, (int, float)) and not isinstance(got, (int, float)):
                return f"expected a number, got a {type(value).__name__}"
            ok = _same(got, expect, tol)
    except Exception as error:  # a strange result type must not produce a traceback
        return f"the result could not be compared ({error.__class__.__name__})"
    return "" if ok else f"expected {_short(expect)}, got {_short(got)}"


def check_code(q: Question, func: Any, root: Path | None = None) -> Result:
    """Run the student's function on every case of a ``code`` question."""
    if q.type != "code":
        return Result(None, f"{WARN} '{q.id}' is not a code check: use quiz.ask('{q.id}').", counts=False)
    name = q.get("function")
    if not callable(func):
        return Result(None, f"{WARN} Pass your function itself, e.g. quiz.check_code('{q.id}', {name}) "
                            f"(without brackets); got a {type(func).__name__}.", counts=False)
    if root is None:
        from middlepowers.paths import repo_root

        root = repo_root()
    cases = q.get("cases")
    timeout = q.get("timeout", 5)
    for n, case in enumerate(cases, 1):
        label = f"Case {n} of {len(cases)} ({case.get('name', 'unnamed')})"
        try:
            args = [resolve_value(v, root) for v in case.get("args", [])]
            kwargs = {k: resolve_value(v, root) for k, v in case.get("kwargs", {}).items()}
        except Exception as error:  # pragma: no cover - validated at load time
            return Result(None, f"{WARN} {label}: its input could not be loaded ({error}).", counts=False)
        status, value = run_with_timeout(func, args, kwargs, timeout)
        if status == "timeout":
            return Result(False, f"{WARN} {label}: your function took longer than {timeout:g} s "
                                 "and was stopped. Is there a loop that never ends?", hint=q.hint)
        if status == "error":
            if isinstance(value, NotImplementedError):
                return Result(None, f"{WARN} {name}() is not written yet: replace "
                                    "`raise NotImplementedError()` with your code, run that cell, then check again.",
                              counts=False)
            message = str(value).splitlines()[0][:120] if str(value) else ""
            return Result(False, f"{WARN} {label}: your function raised {value.__class__.__name__}"
                                 + (f": {message}" if message else "") + ".", hint=q.hint)
        why = judge_case(case, value)
        if why:
            details = [case["feedback"]] if case.get("feedback") else []
            end = "" if why.endswith(("?", ".", "!")) else "."
            return Result(False, f"{NOT_YET}: {label}: {why}{end}", details, hint=q.hint)
    plural = "case passes" if len(cases) == 1 else f"{len(cases)} cases pass"
    return Result(True, f"{CORRECT}: {'the' if len(cases) == 1 else 'all'} {plural}.", explanation=q.explanation)
