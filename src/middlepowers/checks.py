"""The checking logic behind every widget (no widgets here).

``check(question, answer)`` and ``check_code(question, function)`` are plain
functions returning a :class:`Result`; the widgets in :mod:`middlepowers.quiz`
only display it. Quiz files are read and validated by
:mod:`middlepowers.quizfile` (``load_quiz``, re-exported here).

Feedback never relies on colour: every message starts with a text symbol.
A student's code runs in a forked child process that is killed at the time
limit (see :func:`run_isolated`), and nothing it returns or raises can make a
check show a traceback.
"""

from __future__ import annotations

import _thread
import contextlib
import ctypes
import io
import itertools
import json
import math
import os
import select
import signal
import sys
import threading
import time
import warnings
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from middlepowers.numeric import parse_number  # the one numeric-input rule (DESIGN.md)
from middlepowers.quizfile import (  # noqa: F401 (re-exported: the loading API lived here)
    CITE_RE,
    TYPE_NAMES,
    TYPES,
    Question,
    QuizFormatError,
    QuizSpec,
    load_quiz,
    rubric_markdown,
    rubric_total,
    table_path,
)

CORRECT = "✔ Correct"
NOT_YET = "✘ Not yet"
PARTLY = "◐ Partly right"
WARN = "⚠"
SAVED = "✎ Saved"

CHECK_AGAIN = "then press Check again"


@dataclass
class Result:
    """The outcome of one check.

    ``correct`` is True/False for a graded answer, None when the answer could
    not be checked (empty, not a number, ...) or is a reflection.
    ``counts`` says whether the attempt is worth saving as an attempt;
    ``not_written`` marks a function that still raises ``NotImplementedError``.
    """

    correct: bool | None
    message: str
    details: list[str] = field(default_factory=list)
    hint: str = ""
    explanation: str = ""
    counts: bool = True
    not_written: bool = False
    #: a code check's per-case outcomes as plain data (stored, so the attempt can be judged again)
    outcomes: list | None = None

    def lines(self) -> list[str]:
        out = [self.message, *("  " + d for d in self.details)]
        if self.hint:
            out.append("Hint: " + self.hint)
        if self.explanation:
            out.append("Why: " + self.explanation)
        return out

    def text(self) -> str:
        return "\n".join(self.lines())


# --------------------------------------------------------------------------- checkers
def _none_chosen(what: str) -> Result:
    return Result(None, f"{WARN} Nothing {what} yet: make a choice, then press Check.", counts=False)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


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
    """Check a collection of option keys (empty = nothing ticked).

    A partial answer says what to do next (untick / find more), and gives the
    feedback of each wrongly ticked option, without naming the missing ones.
    """
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
    wrong, missing, kept = chosen - right, right - chosen, chosen & right
    details = [options[k]["feedback"] for k in options if k in wrong and options[k].get("feedback")]
    todo = []
    if wrong:
        todo.append(f"untick the {_plural(len(wrong), 'option')} the feedback below is about")
    if missing:
        todo.append(f"tick {_plural(len(missing), 'more right option')}")
    if kept:
        head = (
            f"{PARTLY}: {len(kept)} of your {len(chosen)} ticks {'is' if len(kept) == 1 else 'are'} right. "
            f"Keep {'it' if len(kept) == 1 else 'them'}, {' and '.join(todo)}, {CHECK_AGAIN}."
        )
    else:
        head = f"{NOT_YET}: none of your ticks is right. Read the feedback, {' and '.join(todo)}, {CHECK_AGAIN}."
    return Result(False, head, details, hint=q.hint)


def item_feedback(item: dict, category: str) -> str:
    """The feedback for putting ``item`` into the wrong ``category`` (text, or one per category)."""
    feedback = item.get("feedback", "")
    return feedback.get(category, "") if isinstance(feedback, dict) else feedback


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
    wrong = [
        i for i in items if given[str(i["key"])] not in (None, "") and str(given[str(i["key"])]) != str(i["answer"])
    ]
    right = len(items) - len(missing) - len(wrong)
    if not missing and not wrong:
        return Result(True, CORRECT, explanation=q.explanation)
    details = []
    if missing:
        details.append("Not assigned yet: " + ", ".join(missing) + ".")
    for i in wrong:
        chosen = str(given[str(i["key"])])
        fb = item_feedback(i, chosen)
        details.append(f"{i['key']}: not '{cats[chosen]}'." + (f" {fb}" if fb else ""))
    todo = " and ".join(
        part
        for part in (
            f"change the {_plural(len(wrong), 'item')} named below" if wrong else "",
            f"assign the {_plural(len(missing), 'item')} left open" if missing else "",
        )
        if part
    )
    head = f"{PARTLY}: {right} of {len(items)} items are in the right category." if right else f"{NOT_YET}:"
    return Result(False, f"{head} {todo[0].upper()}{todo[1:]}, {CHECK_AGAIN}.", details, hint=q.hint)


def check_numeric(q: Question, text: Any) -> Result:
    """Check a typed number against ``answer`` +/- ``tolerance``."""
    value, reason = parse_number(text)
    if value is None:
        return Result(None, f"{WARN} {reason}", counts=False)
    if abs(value - q.get("answer")) <= q.get("tolerance", 0) + 1e-12:
        return Result(True, CORRECT, explanation=q.explanation)
    details = [m["feedback"] for m in q.get("mistakes", []) if abs(value - m["value"]) <= m.get("tolerance", 0) + 1e-12]
    return Result(False, NOT_YET, details, hint=q.hint)


def check_reflection(q: Question, text: Any) -> Result:
    """Save a reflection (not graded); too short gets a friendly nudge."""
    words = len(str(text or "").split())
    need = max(q.get("min_words", 1), 1)
    if words < need:
        return Result(
            None,
            f"{WARN} Please write at least {need} word{'s' if need > 1 else ''} (you have {words}), then press Save.",
            counts=False,
        )
    guidance = q.get("guidance", "")
    return Result(
        None,
        f"{SAVED}: your reflection ({words} words) is in your progress file.",
        [("To think about: " + guidance)] if guidance else [],
        explanation=q.explanation,
    )


#: one checker per question type, keyed like ``quizfile.VALIDATORS`` (code: :func:`check_code`)
CHECKERS: dict[str, Callable[[Question, Any], Result]] = {
    "single": check_single,
    "multiple": check_multiple,
    "classify": check_classify,
    "numeric": check_numeric,
    "reflection": check_reflection,
}


#: The most values a checker reads from one answer (ticks, or item/category pairs): more is not an answer.
MAX_ANSWERS = 1000


def example_answer(q: Question) -> str:
    """A well-formed answer to ``q``, for messages: ``['a', 'c']``, ``{'S01': 'stage_1'}``."""
    if q.type == "multiple":
        return repr([str(o["key"]) for o in q.get("options")[:2]])
    if q.type == "classify":
        return repr({str(q.get("items")[0]["key"]): str(q.get("categories")[0]["key"])})
    return repr(str(q.get("answer", "")))


def readable(q: Question, answer: Any) -> Any:
    """``answer`` as plain data the checker reads in bounded time, or a :class:`Result` saying why not.

    A multiple-choice answer is an iterable of option keys and a classify answer a
    mapping (or pairs); at most :data:`MAX_ANSWERS` values are read, so
    ``range(10**12)`` or ``itertools.count()`` get a message, not a hang.
    """
    if q.type not in ("multiple", "classify") or answer is None or isinstance(answer, (str, bytes, Mapping)):
        if q.type == "classify" and isinstance(answer, (str, bytes)) and answer:
            return Result(
                None, f"{WARN} A classify answer gives each item its category, e.g. {example_answer(q)}.", counts=False
            )
        return answer
    what = "option keys" if q.type == "multiple" else "(item, category) pairs"
    try:
        values = list(itertools.islice(iter(answer), MAX_ANSWERS + 1))
    except TypeError:
        return Result(
            None,
            f"{WARN} {type(answer).__name__} is not an answer here: give {what}, e.g. {example_answer(q)}.",
            counts=False,
        )
    if len(values) > MAX_ANSWERS:
        return Result(
            None,
            f"{WARN} That answer has more than {MAX_ANSWERS} values: give {what}, e.g. {example_answer(q)}.",
            counts=False,
        )
    return values


def check(q: Question, answer: Any) -> Result:
    """Dispatch to the checker for the question's type (not ``code``)."""
    if q.type not in CHECKERS:
        return Result(
            None, f"{WARN} '{q.id}' is a code check: use quiz.check_code('{q.id}', your_function).", counts=False
        )
    try:
        answer = readable(q, answer)
        if isinstance(answer, Result):
            return answer
        return CHECKERS[q.type](q, answer)
    except Exception as error:  # an odd answer must never show a traceback
        return Result(None, f"{WARN} That answer could not be checked ({error.__class__.__name__}).", counts=False)


def reveal(q: Question, result: Result, wrong_attempts: int) -> Result:
    """After ``q.explain_after`` wrong attempts (the quiz file's ``explain_after``), show the explanation too."""
    if result.correct is False and wrong_attempts >= q.explain_after and q.explanation and not result.explanation:
        result.details.append(
            f"You have tried {wrong_attempts} times, so the reasoning is shown below (Why:). Read it, then try again."
        )
        result.explanation = q.explanation
    return result


# --------------------------------------------------------------------------- code checks
_TABLES: dict[Path, pd.DataFrame] = {}


def resolve_value(value: Any, root: Path) -> Any:
    """Turn a case argument into the value passed: tables are fresh copies."""
    if isinstance(value, dict) and set(value) == {"table"}:
        path = table_path(value["table"], root)
        if path not in _TABLES:
            _TABLES[path] = pd.read_csv(path, keep_default_na=False, na_values=[""])  # words like "NA" stay words
        return _TABLES[path].copy()
    if isinstance(value, dict) and set(value) == {"frame"}:
        frame = value["frame"]
        return pd.DataFrame(frame.get("rows", []), columns=frame["columns"])
    if isinstance(value, list):
        return [resolve_value(v, root) for v in value]
    return value


class _Timeout(BaseException):
    """Raised by the alarm in the in-process fallback; not an ``Exception``, so ``except Exception`` lets it pass."""


def run_with_timeout(func: Callable, args: list, kwargs: dict, seconds: float) -> tuple[str, Any]:
    """Run ``func`` in this process; return ("ok", value), ("error", exception) or ("timeout", None).

    The fallback where ``os.fork`` is missing (Windows). In the main thread a
    SIGALRM timer interrupts a loop (its exception is a ``BaseException``, so
    ``except Exception`` in the student's loop does not swallow it; a bare
    ``except:`` still can); elsewhere the call runs in a daemon thread that is
    abandoned on timeout.
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


# -- the plain data a student's function sends back ---------------------------------------------------
# The child turns a returned value into JSON "nodes": None, bools, ints, finite floats, strings and
# lists stand for themselves; every other value is an object {"t": kind, "v": payload}, so a dict the
# student returned can never be taken for a tag. Types are tested by identity (``type(x) is int``) and
# values read through the built-in types' own methods, bound here at import: an ``int`` subclass whose
# ``__sub__`` lies, an object with a lying ``__eq__``/``__hash__``/``__float__``/``__array__``, or a
# shadowed ``dict``/``len``/``isinstance`` cannot change what is sent. What is not plain data is sent
# as {"t": "other", "v": its type's name}: an answer of the wrong type.

#: how deep a returned value is read, how many values at most, and the longest number (in digits)
MAX_DEPTH = 32
MAX_NODES = 200_000
MAX_DIGITS = 400
#: the most bytes one case's result may take on the pipe (a whole sentences table is about 10 kB)
MAX_RESULT_BYTES = 8 * 2**20
#: the address space a check's child may add to what the kernel already maps (Linux; see docs/reliability.md)
MEMORY_LIMIT = 2**30

_NoneType, _bool, _int, _float, _str, _list, _tuple, _dict = type(None), bool, int, float, str, list, tuple, dict
_set, _frozenset, _type, _len, _repr = set, frozenset, type, len, repr
_int_value, _float_value, _str_value = int.__index__, float.__float__, str.__str__
_list_copy, _dict_items, _tuple_slice = list.copy, dict.items, tuple.__getitem__
_set_copy, _frozenset_copy = set.copy, frozenset.copy
_isfinite, _json_dumps = math.isfinite, json.dumps
_exit, _kill, _getpid, _write, _close = os._exit, os.kill, os.getpid, os.write, os.close
try:  # Linux: prctl, for PR_SET_CHILD_SUBREAPER in the child
    _prctl = ctypes.CDLL(None, use_errno=True).prctl if sys.platform.startswith("linux") else None
except (OSError, AttributeError):
    _prctl = None
_NUMPY_SCALARS = frozenset(t for t in np.sctypeDict.values() if issubclass(t, np.generic))
_numpy_item, _ndarray_tolist = np.generic.item, np.ndarray.tolist
_PANDAS_INDEXES = frozenset(
    t for t in (pd.Index, pd.RangeIndex, pd.MultiIndex, pd.CategoricalIndex, pd.DatetimeIndex) if isinstance(t, type)
)
_NA_VALUES = (pd.NA, pd.NaT)


class _Budget:
    __slots__ = ("left",)

    def __init__(self) -> None:
        self.left = MAX_NODES


def _other(value: Any) -> dict:
    try:
        name = _str_value(_type(value).__name__)
    except Exception:  # noqa: BLE001
        name = "object"
    return {"t": "other", "v": name[:80]}


def _encode(value: Any, depth: int = 0, budget: _Budget | None = None) -> Any:
    """``value`` as JSON-ready nodes (see above). Runs in the child; never calls the value's own methods."""
    budget = budget or _Budget()
    budget.left -= 1
    if budget.left < 0:
        return {"t": "cut", "v": "too many values"}
    if depth > MAX_DEPTH:
        return {"t": "cut", "v": "nested too deeply"}
    kind = _type(value)
    if value is None or kind is _bool or kind is _str:
        return value
    if kind is _int:
        return value if value.bit_length() <= MAX_DIGITS * 3 else {"t": "cut", "v": "a number with too many digits"}
    if kind is _float:
        return value if _isfinite(value) else {"t": "float", "v": _repr(value)}
    if kind is Unreadable:
        return {"t": "other", "v": value.kind}
    if kind in _NUMPY_SCALARS:
        return _encode(_numpy_item(value), depth, budget)
    if any(value is na for na in _NA_VALUES):
        return None
    if issubclass(kind, _bool):  # never: bool cannot be subclassed; kept for clarity
        return _bool(value)
    if issubclass(kind, _int):  # IntEnum, or an int subclass that lies: its real value travels
        return _encode(_int_value(value), depth, budget)
    if issubclass(kind, _float):
        return _encode(_float_value(value), depth, budget)
    if issubclass(kind, _str):
        return _str_value(value)
    nested = depth + 1
    if issubclass(kind, _list):
        return [_encode(v, nested, budget) for v in _list_copy(value)]
    if issubclass(kind, _tuple):
        return {"t": "tuple", "v": [_encode(v, nested, budget) for v in _tuple_slice(value, slice(None))]}
    if issubclass(kind, (_set, _frozenset)):
        items = _set_copy(value) if issubclass(kind, _set) else _frozenset_copy(value)
        return {"t": "set", "v": [_encode(v, nested, budget) for v in items]}
    if issubclass(kind, _dict):
        return {
            "t": "dict",
            "v": [[_encode(k, nested, budget), _encode(v, nested, budget)] for k, v in _dict_items(value)],
        }
    if kind is np.ndarray:
        return {"t": "array", "v": _encode(_ndarray_tolist(value), nested, budget)}
    if kind is pd.Series:
        return {
            "t": "series",
            "v": {
                "index": _encode(value.index.tolist(), nested, budget),
                "values": _encode(value.tolist(), nested, budget),
                "name": _encode(value.name, nested, budget),
            },
        }
    if kind is pd.DataFrame:
        columns = [value.iloc[:, i].tolist() for i in range(value.shape[1])]
        return {
            "t": "frame",
            "v": {
                "columns": _encode(value.columns.tolist(), nested, budget),
                "index": _encode(value.index.tolist(), nested, budget),
                "data": _encode(columns, nested, budget),
            },
        }
    if kind in _PANDAS_INDEXES:
        return {"t": "index", "v": _encode(value.tolist(), nested, budget)}
    return _other(value)


class Unreadable:
    """A value the student's function returned that is not plain data (decoded in the kernel): equal to nothing."""

    __slots__ = ("kind",)

    def __init__(self, kind: str):
        self.kind = kind

    def __repr__(self) -> str:
        return f"<a {self.kind}>"


class _Garbage(ValueError):
    """What came back from the child is not the plain data the check expects."""


def _reject_constant(name: str) -> Any:
    raise _Garbage(f"the constant {name}")


def _bounded_int(text: str) -> int:
    if _len(text) > MAX_DIGITS + 1:
        raise _Garbage("a number with too many digits")
    return _int(text)


def _bounded_float(text: str) -> float:
    value = _float(text)
    if not _isfinite(value):
        raise _Garbage("a number too large")
    return value


def parse_line(line: bytes) -> Any:
    """One line from the child as JSON, read defensively: at most MAX_RESULT_BYTES, no NaN or Infinity
    constants, no number of more than MAX_DIGITS digits; anything else raises :class:`_Garbage`."""
    if len(line) > MAX_RESULT_BYTES:
        raise _Garbage("too large")
    try:
        return json.loads(
            line.decode("utf-8"),
            parse_constant=_reject_constant,
            parse_int=_bounded_int,
            parse_float=_bounded_float,
        )
    except _Garbage:
        raise
    except (ValueError, RecursionError, UnicodeDecodeError) as error:
        raise _Garbage(type(error).__name__) from None


def decode(node: Any, depth: int = 0) -> Any:
    """Rebuild, in the kernel, the value a node stands for (plain Python and pandas objects made here
    from plain data); raise :class:`_Garbage` for a node of no known shape."""
    if depth > MAX_DEPTH + 2:
        raise _Garbage("nested too deeply")
    kind = type(node)
    if node is None or kind in (bool, int, str):
        return node
    if kind is float:
        if not math.isfinite(node):
            raise _Garbage("a number that is not finite")
        return node
    if kind is list:
        return [decode(v, depth + 1) for v in node]
    if kind is not dict or set(node) != {"t", "v"} or type(node["t"]) is not str:
        raise _Garbage("a value of no known shape")
    tag, payload = node["t"], node["v"]
    if tag == "other" and type(payload) is str:
        return Unreadable(payload[:80])
    if tag == "cut" and type(payload) is str:
        return Unreadable(f"value that is too large to check ({payload[:60]})")
    if tag == "float" and payload in ("nan", "inf", "-inf"):
        return float(payload)
    if tag in ("tuple", "set", "array", "index") and type(payload) is list:
        items = [decode(v, depth + 1) for v in payload]
        if tag == "tuple":
            return tuple(items)
        if tag == "set":
            try:
                return set(items)
            except TypeError:
                raise _Garbage("a set of unhashable values") from None
        if tag == "index":
            return pd.Index(items, dtype=object if not items else None)
        return np.array(items, dtype=object) if items and any(type(i) is list for i in items) else np.array(items)
    if tag == "dict" and type(payload) is list:
        out = {}
        for pair in payload:
            if type(pair) is not list or len(pair) != 2:
                raise _Garbage("a dict entry of no known shape")
            key = decode(pair[0], depth + 1)
            try:
                out[key] = decode(pair[1], depth + 1)
            except TypeError:
                raise _Garbage("an unhashable dict key") from None
        return out
    if tag == "series" and type(payload) is dict and set(payload) == {"index", "values", "name"}:
        index, values = decode(payload["index"], depth + 1), decode(payload["values"], depth + 1)
        name = decode(payload["name"], depth + 1)
        if type(index) is not list or type(values) is not list or len(index) != len(values):
            raise _Garbage("a Series of no known shape")
        try:
            return pd.Series(values, index=_index(index), name=name, dtype=object if not values else None)
        except (TypeError, ValueError):
            raise _Garbage("a Series that cannot be rebuilt") from None
    if tag == "frame" and type(payload) is dict and set(payload) == {"columns", "index", "data"}:
        columns = decode(payload["columns"], depth + 1)
        index = decode(payload["index"], depth + 1)
        data = decode(payload["data"], depth + 1)
        if (
            type(columns) is not list
            or type(index) is not list
            or type(data) is not list
            or len(data) != len(columns)
            or any(type(col) is not list or len(col) != len(index) for col in data)
        ):
            raise _Garbage("a DataFrame of no known shape")
        try:
            frame = pd.DataFrame({n: pd.Series(col, dtype=object if not col else None) for n, col in enumerate(data)})
            frame.columns = _index(columns)
            if len(data):
                frame.index = _index(index)
            return frame
        except (TypeError, ValueError):
            raise _Garbage("a DataFrame that cannot be rebuilt") from None
    raise _Garbage(f"a value of no known kind ({tag[:40]!r})")


def _index(labels: list) -> pd.Index:
    return (
        pd.Index(labels, dtype=object) if not labels or any(isinstance(x, tuple) for x in labels) else pd.Index(labels)
    )


# -- running the student's function in a child --------------------------------------------------------
def _memory_limit() -> None:
    """In the child: at most MEMORY_LIMIT bytes of address space beyond what the forked kernel maps.

    The kernel itself may map more than a GiB (libraries, thread stacks), so the limit is added to its
    current size. Linux enforces RLIMIT_AS; macOS accepts or refuses it without enforcing it (there the
    time limit is what stops a memory bomb); Windows has no fork and no resource module."""
    try:
        import resource

        with open("/proc/self/statm", "rb") as statm:
            mapped = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        limit = mapped + MEMORY_LIMIT
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, OSError, ValueError):
        pass


def _adopt_orphans() -> None:
    """In the child (Linux): become a "subreaper", so a grandchild whose parent exits (a double fork,
    with ``os.setsid()`` to leave the process group) is adopted by the child rather than by init, and
    is still found below it when the kernel ends the check (:func:`_end_child`)."""
    if _prctl is not None:
        with contextlib.suppress(Exception):
            _prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER


_MEMORY_RECORD = b'{"memory": true}\n'


def _call_one(func: Callable, args: list, kwargs: dict) -> tuple[str, Any]:
    try:
        return "value", func(*args, **kwargs)
    except MemoryError:  # the frames (and what they allocated) are released when this returns
        return "memory", None
    except BaseException as error:  # noqa: BLE001 - the student's code may raise anything, even SystemExit
        name, message = _describe_error(error)
        message += _missing_column(error, args)
        return "error", {"error": name, "message": message, "not_written": isinstance(error, NotImplementedError)}


def _missing_column(error: BaseException, args: list) -> str:
    """For a KeyError raised by pandas, whose key is no column of a table the function was given: which
    columns there are.

    ``table["section"]`` or ``groupby("section")`` on a table without that column raises a bare
    ``KeyError: 'section'``; a novice reads that as nothing. Never raises."""
    try:
        if type(error) is not KeyError or len(error.args) != 1 or type(error.args[0]) is not str:
            return ""
        key, frame = error.args[0], error.__traceback__
        while frame is not None and not str(frame.tb_frame.f_globals.get("__name__", "")).startswith("pandas"):
            frame = frame.tb_next
        if frame is None:  # not raised by pandas: a dict's key, say, not a column
            return ""
        tables = [a for a in args if isinstance(a, pd.DataFrame)]
        if not tables or any(key in t.columns for t in tables):
            return ""
        columns = [str(c) for c in tables[0].columns]
        shown = ", ".join(columns[:8]) + (", ..." if len(columns) > 8 else "")
        return f" (the table has no column {key!r}; its columns are {shown})"
    except Exception:  # noqa: BLE001 - a student's odd table must not break the message
        return ""


def _keep_only(fd: int) -> None:
    """Close every file descriptor the child inherited except its result pipe ``fd``; 0-2 read /dev/null.

    A fork copies the kernel's descriptors: its ZeroMQ sockets to JupyterLab, open files, and (under
    pytest-xdist) the worker's channel to the test runner. Left open, the student's function could write
    into them, corrupting the kernel's messages or a runner's protocol."""
    null = os.open(os.devnull, os.O_RDWR)
    for std in (0, 1, 2):
        os.dup2(null, std)
    os.closerange(3, fd)
    os.closerange(fd + 1, max(os.sysconf("SC_OPEN_MAX"), fd + 2) if hasattr(os, "sysconf") else 65536)


def _child(fd: int, func: Callable, inputs: list) -> None:
    """The child's whole life: run ``func`` on each input, send one JSON line per case, never return.

    Only the inputs are here (no case, no expected value): a frame walk from the student's function
    finds this function and the thread that forked it, nothing else."""
    try:
        _keep_only(fd)  # the kernel's sockets and files are not the student's to write to
        os.setsid()  # its own process group: the kernel kills the whole group, grandchildren too
        _adopt_orphans()
        _memory_limit()
        for args, kwargs in inputs:
            captured = io.StringIO()
            sys.stdout = sys.stderr = captured
            how, value = _call_one(func, args, kwargs)
            if how == "memory":
                _write(fd, _MEMORY_RECORD)
                continue
            try:
                record = {"value": _encode(value)} if how == "value" else value
                record["printed"] = captured.getvalue()[-20_000:]
                line = _json_dumps(record, allow_nan=False, ensure_ascii=True).encode("ascii") + b"\n"
            except MemoryError:
                line = _MEMORY_RECORD
            except BaseException:  # noqa: BLE001 - a value that cannot travel back
                line = b'{"unreadable": true}\n'
            view = memoryview(line)
            while view:
                view = view[_write(fd, view) :]
    finally:
        try:
            _close(fd)
            _kill(_getpid(), signal.SIGSTOP)  # wait, alive, for the kernel to kill it and what it adopted
        finally:
            _exit(0)
            _kill(_getpid(), signal.SIGKILL)  # os._exit patched to a no-op: never return into the kernel


def _fork_child(func: Callable, inputs: list) -> tuple[int, int]:
    """Fork from a fresh thread, so the child's stack holds only :func:`_child`; return (pid, read fd)."""
    read_end, write_end = os.pipe()
    box: list = []
    done = threading.Lock()
    done.acquire()

    def forker():
        try:
            with warnings.catch_warnings():  # Python 3.12 warns about fork() in a threaded process (the kernel)
                warnings.simplefilter("ignore", DeprecationWarning)
                pid = os.fork()
            if pid == 0:
                os.close(read_end)
                _child(write_end, func, inputs)
            box.append(pid)
        except BaseException as error:  # noqa: BLE001 - reported to the caller
            box.append(error)
        finally:
            done.release()

    sys.stdout.flush(), sys.stderr.flush()
    _thread.start_new_thread(forker, ())
    done.acquire()
    os.close(write_end)
    if isinstance(box[0], BaseException):
        os.close(read_end)
        raise box[0]
    return box[0], read_end


def _children(pid: int) -> list[int]:
    """The children of ``pid``: Linux's /proc/<pid>/task/<tid>/children, else a scan of /proc/*/stat."""
    try:
        kids = []
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as handle:
                kids += [int(k) for k in handle.read().split()]
        return kids
    except FileNotFoundError:
        pass
    except (OSError, ValueError):
        return []
    kids = []
    with contextlib.suppress(OSError):
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                with contextlib.suppress(OSError, ValueError, IndexError):
                    with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                        if int(handle.read().rsplit(")", 1)[1].split()[1]) == pid:
                            kids.append(int(entry))
    return kids


def _end_child(pid: int) -> None:
    """Kill the child, every process below it and its process group; reap the child.

    The child is frozen first, so it can neither fork again nor die and hand its children to init while
    its tree is read; a grandchild that left the group (``os.setsid()``) is found below it."""
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGSTOP)
    for _ in range(5):
        below, todo = [], [pid]
        while todo:
            kids = _children(todo.pop())
            below += kids
            todo += kids
        for other in below:
            with contextlib.suppress(OSError):
                os.kill(other, signal.SIGKILL)
        if not below:
            break
    with contextlib.suppress(OSError):
        os.killpg(pid, signal.SIGKILL)
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(OSError):
        os.waitpid(pid, 0)


def run_cases(func: Callable, inputs: list[tuple[list, dict]], seconds: float) -> Iterator[tuple[str, Any]]:
    """Run ``func(*args, **kwargs)`` for each input in one forked child; yield one outcome per case:

    ("value", the returned value rebuilt from plain data), ("error", {"error", "message", "not_written"}),
    ("memory", None), ("timeout", None), ("crashed", None) or ("garbage", why). After a "timeout",
    "crashed" or "garbage" nothing more is yielded. Closing the generator (or leaving it early) kills the
    child, its process group and its descendants.

    Why a fork: the child starts as an exact copy of the kernel, so the student's function, its closures
    and globals need no pickling. The child only runs the function and sends back plain JSON; every
    verdict is reached here, in the kernel, by :func:`judge_case`. At a case's time limit the child is
    killed with SIGKILL, which no ``try``/``except`` in the student's code can catch. Without ``os.fork``
    (Windows) the function runs in this process (:func:`run_with_timeout`) and its results are still
    turned into plain data before they are judged.
    """
    if not hasattr(os, "fork"):
        for args, kwargs in inputs:
            status, value = run_with_timeout(func, args, kwargs, seconds)
            if status == "timeout":
                yield "timeout", None
                return
            if status == "error":
                if isinstance(value, MemoryError):
                    yield "memory", None
                    continue
                name, message = _describe_error(value)
                yield (
                    "error",
                    {"error": name, "message": message, "not_written": isinstance(value, NotImplementedError)},
                )
                continue
            try:
                yield "value", decode(json.loads(json.dumps(_encode(value), allow_nan=False)))
            except (ValueError, _Garbage) as why:
                yield "garbage", str(why)
                return
        return
    pid, fd = _fork_child(func, inputs)
    buffer, total = b"", 0
    try:
        for _ in inputs:
            limit = time.monotonic() + seconds
            while b"\n" not in buffer:
                left = limit - time.monotonic()
                if left <= 0 or not select.select([fd], [], [], left)[0]:
                    yield "timeout", None
                    return
                chunk = os.read(fd, 1 << 16)
                if not chunk:
                    yield "crashed", None
                    return
                buffer += chunk
                total += len(chunk)
                if len(buffer) > MAX_RESULT_BYTES:
                    yield "garbage", "too large"
                    return
            line, buffer = buffer.split(b"\n", 1)
            try:
                record = parse_line(line)
                outcome = _outcome(record)
            except _Garbage as why:
                yield "garbage", str(why)
                return
            yield outcome
    finally:
        os.close(fd)
        _end_child(pid)


def _outcome(record: Any) -> tuple[str, Any]:
    """One case's record from the child as an outcome (and what it printed, printed here)."""
    if type(record) is not dict:
        raise _Garbage("not a record")
    printed = record.get("printed", "")
    if type(printed) is not str:
        raise _Garbage("printed text that is not text")
    if printed:
        print(printed[-20_000:], end="" if printed.endswith("\n") else "\n")
    if record.get("memory") is True:
        return "memory", None
    if record.get("unreadable") is True:
        return "value", Unreadable("value that could not be sent back")
    if "value" in record:
        return "value", decode(record["value"])
    if type(record.get("error")) is str and type(record.get("message")) is str:
        return "error", {
            "error": record["error"][:80],
            "message": record["message"][:200],
            "not_written": record.get("not_written") is True,
        }
    raise _Garbage("a record of no known shape")


def run_isolated(job: Callable[[], Any], seconds: float) -> tuple[str, Any]:
    """Run ``job()`` in a forked child (see :func:`run_cases`); return (status, value) with status one of
    "ok" (value rebuilt from plain data), "error", "memory", "timeout", "crashed" or "garbage"."""
    for status, value in run_cases(job, [([], {})], seconds):
        return ("ok", value) if status == "value" else (status, value)
    return "crashed", None


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


def _type_name(value: Any) -> str:
    return type(value).__name__


def _of_type(value: Any) -> str:
    """ "a value of type int": reads the same before every type name (not "a int", "a str")."""
    return f"a value of type {_type_name(value)}"


def _short(value: Any, limit: int = 160) -> str:
    """A short readable form of any value; never raises (a broken ``__repr__`` gets a placeholder)."""
    try:
        if isinstance(value, pd.DataFrame):
            text = f"a DataFrame with {len(value)} rows and columns {list(value.columns)}"
        elif isinstance(value, dict):
            text = "{" + ", ".join(f"{k!r}: {v!r}" for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))) + "}"
        else:
            text = repr(value)
    except Exception:  # noqa: BLE001 - the student's object may break repr()
        text = f"{_of_type(value)} that cannot be shown"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _equal(a: Any, b: Any) -> bool:
    """``a == b`` as a plain bool: a Series, an array or a broken ``__eq__``/``__bool__`` count as different."""
    try:
        same = a == b
        return same if isinstance(same, bool) else bool(same) if type(same).__name__ == "bool_" else False
    except Exception:  # noqa: BLE001
        return False


def _same(a: Any, b: Any, tol: float = 0.0) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isfinite(a) and math.isfinite(b) and abs(a - b) <= tol
    if isinstance(a, dict) and isinstance(b, dict):
        return set(a) == set(b) and all(_same(a[k], b[k], tol) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y, tol) for x, y in zip(a, b))
    return _equal(a, b)


def judge_case(case: dict, result: Any) -> str:
    """Return "" if ``result`` satisfies the case, else why not (one friendly sentence). Never raises."""
    try:
        return _judge(case, result)
    except Exception as error:  # noqa: BLE001 - a strange result type must not produce a traceback
        return f"your function returned {_of_type(result)} that could not be compared ({_type_name(error)})"


def _judge(case: dict, result: Any) -> str:
    if result is None and any(k in case for k in ("expect", "expect_rows", "expect_columns", "expect_type")):
        return "your function returned None: did you forget `return`?"
    want_type = case.get("expect_type")
    if want_type and not isinstance(result, TYPE_NAMES[want_type]):
        return f"expected a value of type {want_type}, got {_of_type(result)}"
    if "expect_columns" in case:
        if not isinstance(result, pd.DataFrame):
            return f"expected a DataFrame with columns {case['expect_columns']}, got {_of_type(result)}"
        missing = [c for c in case["expect_columns"] if c not in result.columns]
        if missing:
            return f"the result has no column(s) {missing} (it has {list(result.columns)})"
    value = result
    if case.get("select") is not None:
        col = case["select"]
        if not isinstance(result, pd.DataFrame):
            return f"expected a DataFrame with a column {col!r}, got {_of_type(result)}"
        if col not in result.columns:
            return f"the result has no column {col!r} (it has {list(result.columns)})"
        value = list(result[col])
    if "expect_rows" in case:
        try:
            n = len(value)
        except Exception:  # noqa: BLE001 - no length, or a broken __len__
            return f"expected {case['expect_rows']} rows, got {_of_type(value)} (which has no length)"
        if n != case["expect_rows"]:
            return f"expected {case['expect_rows']} rows, got {n}"
    if "expect" not in case:
        return ""
    expect, how = case["expect"], case.get("compare", "equal")
    tol = case.get("tolerance", 1e-9) if how == "approx" else 0
    if how == "counts":
        got = dict(Counter(str(v) for v in _as_list(value)))
        ok = got == {str(k): v for k, v in expect.items()}
        return "" if ok else f"expected the counts {_short(expect)}, got {_short(got)}"
    if isinstance(expect, dict):
        got = _as_dict(value)
        if not isinstance(got, dict):
            return f"expected a table of values like {_short(expect, 60)}, got {_of_type(value)}"
        ok = _same(got, {str(k): v for k, v in expect.items()}, tol)
    elif isinstance(expect, list):
        if isinstance(value, pd.Series) and how != "set" and case.get("select") is None:
            return (
                "expected a list, got a pandas Series (its index travels with it): return a list, e.g. with .tolist()"
            )
        got = _as_list(value)
        if not isinstance(got, list):
            return f"expected a list like {_short(expect, 60)}, got {_of_type(value)}"
        ok = (sorted(set(map(str, got))) == sorted(set(map(str, expect)))) if how == "set" else _same(got, expect, tol)
    else:
        got = _plain(value)
        if isinstance(expect, (int, float)) and not isinstance(expect, bool) and not isinstance(got, (int, float)):
            return f"expected a number, got {_of_type(value)}"
        if isinstance(expect, (str, bool)) and not isinstance(got, type(expect)):
            return f"expected {_short(expect)} ({_of_type(expect)}), got {_of_type(value)}"
        ok = _same(got, expect, tol)
    return "" if ok else f"expected {_short(expect)}, got {_short(got)}"


def _describe_error(error: BaseException) -> tuple[str, str]:
    """(class name, first line of the message) of any exception, even one whose ``__str__`` raises."""
    try:
        name = _str_value(_type(error).__name__)
    except BaseException:  # noqa: BLE001
        name = "an exception"
    try:
        text = _str_value(error.__str__())
    except BaseException:  # noqa: BLE001 - a broken __str__
        return name, "(its message could not be shown)"
    return name, text.splitlines()[0][:120] if text.strip() else ""


def _case_verdict(q: Question, n: int, case: dict, status: str, value: Any) -> Result | None:
    """The verdict on one case from its outcome (plain data): None when it passes, else the Result."""
    cases, name, timeout = q.get("cases"), q.get("function"), q.get("timeout", 5)
    label = f"Case {n} of {len(cases)} ({case.get('name', 'unnamed')})"
    if status == "timeout":
        return Result(
            False,
            f"{WARN} {label}: your function took longer than {timeout:g} s "
            "and was stopped. Is there a loop that never ends?",
            hint=q.hint,
        )
    if status == "memory":
        return Result(
            False,
            f"{WARN} {label}: your function used too much memory (more than {MEMORY_LIMIT // 2**30} GiB) "
            "and was stopped. Does it build a very large list or table?",
            hint=q.hint,
        )
    if status == "crashed":
        return Result(
            False,
            f"{WARN} {label}: your function stopped the check itself (it ended or crashed "
            "the process it ran in, e.g. with os._exit). Return a value instead.",
            hint=q.hint,
        )
    if status == "garbage":
        return Result(
            False,
            f"{WARN} {label}: the check could not read your function's result ({value}). "
            "Return plain data: numbers, text, lists, dicts or a pandas table.",
            hint=q.hint,
        )
    if status == "error":
        if value["not_written"]:
            return Result(
                None,
                f"{WARN} {name}() is not written yet: replace "
                "`raise NotImplementedError()` with your code, run that cell, then check again.",
                counts=False,
                not_written=True,
            )
        message = value["message"]
        return Result(
            False,
            f"{WARN} {label}: your function raised {value['error']}" + (f": {message}" if message else "") + ".",
            hint=q.hint,
        )
    if isinstance(value, Unreadable):
        why = (
            f"your function returned {value!r}, which is not plain data: return numbers, text, "
            "a list, a dict or a pandas table"
        )
    else:
        why = judge_case(case, value)
    if not why:
        return None
    details = [case["feedback"]] if case.get("feedback") else []
    end = "" if why.endswith(("?", ".", "!")) else "."
    return Result(False, f"{NOT_YET}: {label}: {why}{end}", details, hint=q.hint)


def _stored_outcome(status: str, value: Any) -> dict:
    if status == "value":
        return {"value": _encode(value)}
    if status == "error":
        return {"error": value["error"], "message": value["message"], "not_written": value["not_written"]}
    return {status: str(value) if status == "garbage" else True}


def _outcome_from_store(record: Any) -> tuple[str, Any]:
    """A stored case outcome back as (status, value); raises _Garbage when it is not one."""
    if type(record) is not dict:
        raise _Garbage("not a record")
    for status in ("timeout", "memory", "crashed"):
        if record.get(status) is True:
            return status, None
    if type(record.get("garbage")) is str:
        return "garbage", record["garbage"][:200]
    return _outcome({k: v for k, v in record.items() if k != "printed"})


def judge_outcomes(q: Question, outcomes: Any) -> Result:
    """The verdict on a code check from its stored per-case outcomes (plain data), as when it ran.

    ``correct`` is None when they cannot be judged (missing, damaged, or fewer than the question's cases)."""
    cases = q.get("cases")
    if type(outcomes) is not list:
        return Result(None, f"{WARN} This stored answer has no results to judge again.", counts=False)
    try:
        for n, (case, record) in enumerate(zip(cases, outcomes), 1):
            verdict = _case_verdict(q, n, case, *_outcome_from_store(record))
            if verdict is not None:
                return verdict
    except (_Garbage, TypeError, ValueError, KeyError, RecursionError):
        return Result(None, f"{WARN} This stored answer cannot be judged again.", counts=False)
    if len(outcomes) < len(cases):
        return Result(None, f"{WARN} This stored answer ran fewer cases than the check has now.", counts=False)
    return _all_pass(q)


def _all_pass(q: Question) -> Result:
    cases = q.get("cases")
    plural = "case passes" if len(cases) == 1 else f"{len(cases)} cases pass"
    return Result(True, f"{CORRECT}: {'the' if len(cases) == 1 else 'all'} {plural}.", explanation=q.explanation)


def check_code(q: Question, func: Any, root: Path | None = None) -> Result:
    """Run the student's function on every case of a ``code`` question (in a child, see :func:`run_cases`)
    and judge its results here. ``Result.outcomes`` holds each case's outcome as plain data (what the
    progress file stores, so the attempt can be judged again by :func:`judge_outcomes`)."""
    if q.type != "code":
        return Result(None, f"{WARN} '{q.id}' is not a code check: use quiz.ask('{q.id}').", counts=False)
    name = q.get("function")
    if not callable(func):
        return Result(
            None,
            f"{WARN} Pass your function itself, e.g. quiz.check_code('{q.id}', {name}) "
            f"(without brackets); got {_of_type(func)}.",
            counts=False,
        )
    if root is None:
        from middlepowers.paths import repo_root

        root = repo_root()
    cases = q.get("cases")
    inputs = []
    for n, case in enumerate(cases, 1):
        try:
            args = [resolve_value(v, root) for v in case.get("args", [])]
            kwargs = {k: resolve_value(v, root) for k, v in case.get("kwargs", {}).items()}
        except Exception as error:  # a table removed or damaged since the file was validated
            label = f"Case {n} of {len(cases)} ({case.get('name', 'unnamed')})"
            return Result(None, f"{WARN} {label}: its input could not be loaded ({_type_name(error)}).", counts=False)
        inputs.append((args, kwargs))
    outcomes: list[dict] = []
    runs = run_cases(func, inputs, q.get("timeout", 5))
    try:
        for n, (case, (status, value)) in enumerate(zip(cases, runs), 1):
            outcomes.append(_stored_outcome(status, value))
            verdict = _case_verdict(q, n, case, status, value)
            if verdict is not None:
                verdict.outcomes = outcomes
                return verdict
    finally:
        runs.close()
    if len(outcomes) < len(cases):  # never: run_cases yields one outcome per case or stops on a failure
        return Result(None, f"{WARN} The check could not run every case; please check again.", counts=False)
    result = _all_pass(q)
    result.outcomes = outcomes
    return result


def judge_attempt(q: Question, attempt: Any) -> bool | None:
    """Judge a stored attempt again, from its stored answer (plain data); its stored ``correct`` is never read.

    True or False as the judge finds it now (a stored answer that cannot be checked, e.g. not a number,
    is not right); None when it is not graded (a reflection) or cannot be judged (a code attempt
    stored without its results, as in files written before results were kept)."""
    if type(attempt) is not dict or q.type == "reflection":
        return None
    try:
        if q.type == "code":
            return judge_outcomes(q, attempt.get("results")).correct
        return check(q, attempt.get("answer")).correct is True
    except Exception:  # noqa: BLE001 - a damaged stored answer is not right, never a traceback
        return False
