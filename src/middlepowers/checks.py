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

import io
import itertools
import math
import os
import pickle
import select
import signal
import sys
import threading
import time
import warnings
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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


def run_isolated(job: Callable[[], Any], seconds: float) -> tuple[str, Any]:
    """Run ``job()`` in a forked child; return ("ok", its value), ("timeout", None) or ("crashed", exit status).

    Why a fork: the child starts as an exact copy of the kernel, so the
    student's function, its closures and globals need no pickling (``spawn``
    could not send a function defined in a notebook). At the deadline the
    parent kills the child with SIGKILL, which no ``try``/``except`` in the
    student's code can catch, so the limit always holds. Only ``job``'s small
    return value (text and tuples) travels back through a pipe; what the student
    prints is captured in the child and printed here. This works in a Jupyter
    kernel on Linux and macOS, under Binder and JupyterHub (ordinary Linux
    processes) and under nbval/nbgrader. Without ``os.fork`` (Windows) it falls
    back to :func:`run_with_timeout` in-process.
    """
    if not hasattr(os, "fork"):
        status, value = run_with_timeout(job, [], {}, seconds)
        return ("ok", value) if status == "ok" else (status, None)
    sys.stdout.flush(), sys.stderr.flush()
    read_end, write_end = os.pipe()
    with warnings.catch_warnings():  # Python 3.12 warns about fork() in a threaded process (the kernel)
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # the child: run, send (printed text, value), and leave without cleanup
        status = 1
        try:
            os.close(read_end)
            captured = io.StringIO()
            sys.stdout = sys.stderr = captured
            value = job()
            try:
                data = pickle.dumps((captured.getvalue()[-20_000:], value))
            except Exception:  # noqa: BLE001 - a value that cannot travel back
                data = pickle.dumps((captured.getvalue()[-20_000:], None))
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(data)
            status = 0
        finally:
            os._exit(status)
            os.kill(os.getpid(), signal.SIGKILL)  # os._exit patched to a no-op: never return into the caller
    os.close(write_end)
    chunks, limit = [], time.monotonic() + seconds
    try:
        while True:
            left = limit - time.monotonic()
            if left <= 0 or not select.select([read_end], [], [], left)[0]:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                return "timeout", None
            chunk = os.read(read_end, 1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
    except BaseException:  # an interrupt from the student: stop the child, then let it through
        _kill_quietly(pid)
        raise
    finally:
        os.close(read_end)
    _, status = os.waitpid(pid, 0)
    if not chunks:
        return "crashed", status
    try:
        printed, value = pickle.loads(b"".join(chunks))
        printed = str(printed)
    except Exception:  # noqa: BLE001 - garbage written to the pipe by the student's code
        return "crashed", status
    if printed:
        print(printed, end="" if printed.endswith("\n") else "\n")
    return "ok", value


def _kill_quietly(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except OSError:
        pass


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
        text = f"a {_type_name(value)} that cannot be shown"
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
        return f"your function returned a {_type_name(result)} that could not be compared ({_type_name(error)})"


def _judge(case: dict, result: Any) -> str:
    if result is None and any(k in case for k in ("expect", "expect_rows", "expect_columns", "expect_type")):
        return "your function returned None: did you forget `return`?"
    want_type = case.get("expect_type")
    if want_type and not isinstance(result, TYPE_NAMES[want_type]):
        return f"expected a {want_type}, got a {_type_name(result)}"
    if "expect_columns" in case:
        if not isinstance(result, pd.DataFrame):
            return f"expected a DataFrame with columns {case['expect_columns']}, got a {_type_name(result)}"
        missing = [c for c in case["expect_columns"] if c not in result.columns]
        if missing:
            return f"the result has no column(s) {missing} (it has {list(result.columns)})"
    value = result
    if case.get("select") is not None:
        col = case["select"]
        if not isinstance(result, pd.DataFrame):
            return f"expected a DataFrame with a column {col!r}, got a {_type_name(result)}"
        if col not in result.columns:
            return f"the result has no column {col!r} (it has {list(result.columns)})"
        value = list(result[col])
    if "expect_rows" in case:
        try:
            n = len(value)
        except Exception:  # noqa: BLE001 - no length, or a broken __len__
            return f"expected {case['expect_rows']} rows, got a {_type_name(value)} (which has no length)"
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
            return f"expected a table of values like {_short(expect, 60)}, got a {_type_name(value)}"
        ok = _same(got, {str(k): v for k, v in expect.items()}, tol)
    elif isinstance(expect, list):
        got = _as_list(value)
        if not isinstance(got, list):
            return f"expected a list like {_short(expect, 60)}, got a {_type_name(value)}"
        ok = (sorted(set(map(str, got))) == sorted(set(map(str, expect)))) if how == "set" else _same(got, expect, tol)
    else:
        got = _plain(value)
        if isinstance(expect, (int, float)) and not isinstance(expect, bool) and not isinstance(got, (int, float)):
            return f"expected a number, got a {_type_name(value)}"
        if isinstance(expect, (str, bool)) and not isinstance(got, type(expect)):
            return f"expected {_short(expect)} (a {_type_name(expect)}), got a {_type_name(value)}"
        ok = _same(got, expect, tol)
    return "" if ok else f"expected {_short(expect)}, got {_short(got)}"


def _describe_error(error: BaseException) -> tuple[str, str]:
    """(class name, first line of the message) of any exception, even one whose ``__str__`` raises."""
    name = _type_name(error)
    try:
        text = str(error)
    except BaseException:  # noqa: BLE001 - a broken __str__
        return name, "(its message could not be shown)"
    return name, text.splitlines()[0][:120] if text.strip() else ""


def _attempt(func: Callable, args: list, kwargs: dict, case: dict) -> tuple:
    """Call the student's function on one case and judge it; returns only text (it may run in a child)."""
    try:
        value = func(*args, **kwargs)
    except BaseException as error:  # noqa: BLE001 - the student's code may raise anything, even SystemExit
        return ("error", *_describe_error(error), isinstance(error, NotImplementedError))
    return ("judged", judge_case(case, value))


def check_code(q: Question, func: Any, root: Path | None = None) -> Result:
    """Run the student's function on every case of a ``code`` question."""
    if q.type != "code":
        return Result(None, f"{WARN} '{q.id}' is not a code check: use quiz.ask('{q.id}').", counts=False)
    name = q.get("function")
    if not callable(func):
        return Result(
            None,
            f"{WARN} Pass your function itself, e.g. quiz.check_code('{q.id}', {name}) "
            f"(without brackets); got a {_type_name(func)}.",
            counts=False,
        )
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
        except Exception as error:  # a table removed or damaged since the file was validated
            return Result(None, f"{WARN} {label}: its input could not be loaded ({_type_name(error)}).", counts=False)
        status, outcome = run_isolated(
            lambda args=args, kwargs=kwargs, case=case: _attempt(func, args, kwargs, case), timeout
        )
        if status == "timeout":
            return Result(
                False,
                f"{WARN} {label}: your function took longer than {timeout:g} s "
                "and was stopped. Is there a loop that never ends?",
                hint=q.hint,
            )
        if status == "crashed" or not outcome:
            return Result(
                False,
                f"{WARN} {label}: your function stopped the check itself (it ended or crashed "
                "the process it ran in, e.g. with os._exit). Return a value instead.",
                hint=q.hint,
            )
        if outcome[0] == "error":
            _, error_name, message, not_written = outcome
            if not_written:
                return Result(
                    None,
                    f"{WARN} {name}() is not written yet: replace "
                    "`raise NotImplementedError()` with your code, run that cell, then check again.",
                    counts=False,
                    not_written=True,
                )
            return Result(
                False,
                f"{WARN} {label}: your function raised {error_name}" + (f": {message}" if message else "") + ".",
                hint=q.hint,
            )
        why = outcome[1]
        if why:
            details = [case["feedback"]] if case.get("feedback") else []
            end = "" if why.endswith(("?", ".", "!")) else "."
            return Result(False, f"{NOT_YET}: {label}: {why}{end}", details, hint=q.hint)
    plural = "case passes" if len(cases) == 1 else f"{len(cases)} cases pass"
    return Result(True, f"{CORRECT}: {'the' if len(cases) == 1 else 'all'} {plural}.", explanation=q.explanation)
