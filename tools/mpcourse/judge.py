"""The nbgrader judge: graded tests decided outside the student's kernel (instructor side).

In ``nbgrader autograde`` the hidden tests of a test cell normally run in
the student's own kernel, after the student's cells. Nothing in that kernel
can be trusted: a student cell can patch ``math.isclose``, shadow ``len``,
return objects equal to everything, or install an input transformer that
empties every later cell, so a test cell "passes" without solving anything.

:class:`JudgeTests` is an nbgrader preprocessor that the course's
``nbgrader_config.py`` (``instructors/nbgrader_config.py``) puts into
``Autograde.autograde_preprocessors``, after ``Execute`` and before
``SaveAutoGrades``. For every autograder test cell it:

1. reads the cell's graded cases (the ``GRADED = \"\"\"...\"\"\"`` TOML block
   inside ``### BEGIN HIDDEN TESTS``; autograde restored the cell from the
   gradebook, so it is the instructor's text, never the student's);
2. takes the SOURCE of the submitted notebook's setup cells and answer cells
   as plain text and runs it in a fresh ``python -I`` child
   (:mod:`mpcourse.judgechild`): empty working folder, scrubbed environment,
   its own process group (killed afterwards), a time limit, an address-space
   limit and a file-size limit. The child receives the case inputs, never an
   expected value, and returns the function's results as JSON;
3. decodes that JSON (plain numbers, strings, lists and dicts) and judges it
   here, in the nbgrader process, with the practice cases of the quiz file
   and the graded cases, using :func:`middlepowers.checks.judge_case`;
4. replaces the cell's outputs with the verdict: a clean ``stdout`` line when
   every case passes, an ``error`` output otherwise, so nbgrader's own
   ``determine_grade``, the gradebook and ``generate_feedback`` show the
   judge's verdict and nothing the kernel printed. The graded cases are then
   removed from the autograded copy's source, so feedback does not reveal them.

Without the judge, the graded block in a kernel raises when
``NBGRADER_EXECUTION == "autograde"``: an autograde that forgot the config
gives zero points with a message saying why (fails closed), not points
decided by the student's kernel.

``python -m mpcourse.judge NOTEBOOK.ipynb`` judges one notebook (for
instance a student's submission, or an answer key) and prints the verdicts.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Bool

from mpcourse.judgechild import BOOT

BEGIN, END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
#: the name of the TOML string that holds a test cell's graded cases
SPEC_NAME = "GRADED"
#: what replaces the graded cases in the autograded (and feedback) copy
REDACTED = "# (graded cases: judged outside your kernel by the course's judge, mpcourse.judge)\n"
#: the child's limits: seconds for everything it runs, address space, largest file it may write
TIMEOUT = 60
MEMORY = 3 * 1024**3
FILE_SIZE = 64 * 1024**2
PASS = "✔ judged outside your kernel"
FAIL = "GradedTestFailed"


class SpecError(ValueError):
    """A test cell's graded block is missing or malformed (an instructor's mistake, reported by cell)."""


@dataclass
class Spec:
    """One test cell's graded task: the quiz question (function, practice cases) and the graded cases."""

    quiz: str
    question: str
    function: str
    cases: list[dict]
    graded: int  # how many of ``cases`` (at the end) are graded-only cases
    timeout: float = TIMEOUT


@dataclass
class Verdict:
    ok: bool
    message: str
    failures: list[str] = field(default_factory=list)


def hidden_region(source: str) -> str:
    """The text between the hidden-test markers ('' if there are none)."""
    if BEGIN not in source:
        return ""
    return source.split(BEGIN, 1)[1].split(END, 1)[0]


def graded_text(source: str) -> str | None:
    """The TOML text of ``GRADED = \"\"\"...\"\"\"`` in the hidden region, read with ``ast`` (never run)."""
    region = hidden_region(source)
    try:
        tree = ast.parse(region)
    except SyntaxError:
        return None
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == SPEC_NAME for t in node.targets)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            return node.value.value
    return None


def read_spec(source: str, where: str, root: Path) -> Spec:
    """Parse and validate a test cell's graded block (cases validated like quiz-file cases)."""
    from middlepowers.quizfile import QuizFormatError, load_quiz, validate_graded

    text = graded_text(source)
    if text is None:
        raise SpecError(f"{where}: no {SPEC_NAME} = '''...''' block between the hidden-test markers")
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SpecError(f"{where}: the graded block is not valid TOML ({error})") from error
    try:
        graded = validate_graded(raw, where, root)
        quiz = load_quiz(root / "data" / "quizzes" / f"{raw['quiz']}.toml", root=root)
    except QuizFormatError as error:
        raise SpecError(str(error)) from error
    question = quiz.questions.get(raw["question"])
    if question is None or question.type != "code":
        raise SpecError(f"{where}: {raw['quiz']} has no code question {raw['question']!r}")
    practice = list(question.get("cases")) if raw.get("practice", True) else []
    return Spec(
        raw["quiz"],
        raw["question"],
        question.get("function"),
        practice + graded,
        len(graded),
        float(raw.get("timeout", TIMEOUT)),
    )


def is_test_cell(cell) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and not meta.get("solution")


def student_sources(nb) -> list[str]:
    """The setup cells (plain code cells before the first nbgrader cell) and every code answer cell, as text."""
    sources, seen_nbgrader = [], False
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        meta = cell.metadata.get("nbgrader", {})
        if meta:
            seen_nbgrader = True
        if meta.get("solution") or (not meta and not seen_nbgrader):
            sources.append(cell.source if isinstance(cell.source, str) else "".join(cell.source))
    return sources


#: names an answer cell needs no reason to use: file access, other processes, introspection
SUSPICIOUS = frozenset(
    {"open", "os", "sys", "glob", "pathlib", "Path", "shutil", "subprocess", "importlib", "__import__", "exec",
     "eval", "compile", "inspect", "ctypes", "gc", "builtins", "sqlite3", "io", "socket", "urllib"}
)  # fmt: skip


def suspicious_names(sources: list[str]) -> list[str]:
    """The :data:`SUSPICIOUS` names the answer cells use (for the instructor's log; they cost no points)."""
    found: set[str] = set()
    for source in sources:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id in SUSPICIOUS:
                found.add(node.id)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                found |= {m.split(".")[0] for m in modules if m.split(".")[0] in SUSPICIOUS}
    return sorted(found)


def _limits() -> None:  # runs in the child between fork and exec
    try:
        import resource
    except ImportError:  # Windows: the time limit and the process kill still apply
        return
    for limit, value in ((getattr(resource, "RLIMIT_AS", None), MEMORY), (resource.RLIMIT_FSIZE, FILE_SIZE)):
        if limit is None:
            continue
        try:
            resource.setrlimit(limit, (value, value))
        except (ValueError, OSError):  # macOS does not enforce RLIMIT_AS; the time limit still applies
            pass
    try:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ValueError, OSError):
        pass


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):
        pass


def run_child(sources: list[str], spec: Spec) -> tuple[str, Any]:
    """Run the student's cells and the function on every case in a fresh child; return (status, report)."""
    work = Path(tempfile.mkdtemp(prefix="mpjudge-"))
    out = work / "result.json"
    message = {
        "path": [p for p in sys.path if p and Path(p).is_absolute()],
        "cells": sources,
        "function": spec.function,
        "args": [case.get("args", []) for case in spec.cases],
        "kwargs": [case.get("kwargs", {}) for case in spec.cases],
        "out": str(out),
    }
    env = {
        "PATH": os.defpath,
        "HOME": str(work),
        "TMPDIR": str(work),
        "MPLBACKEND": "Agg",
        "MIDDLEPOWERS_PROGRESS": str(work / "progress.json"),
        "PYTHONHASHSEED": "0",
        "OPENBLAS_NUM_THREADS": "1",
    }
    posix = os.name == "posix"
    try:
        proc = subprocess.Popen(
            [sys.executable, "-I", "-c", BOOT],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=work,
            env=env,
            start_new_session=posix,
            preexec_fn=_limits if posix else None,  # noqa: PLW1509 - setrlimit only, no locks taken
        )
        try:
            proc.communicate(json.dumps(message).encode("utf-8"), timeout=spec.timeout)
        except subprocess.TimeoutExpired:
            return "timeout", None
        finally:
            if posix:
                _kill_group(proc.pid)  # grandchildren the student's code started die with it
            proc.kill()
            proc.wait()
        try:
            if out.stat().st_size > FILE_SIZE:
                return "crashed", None
            report = json.loads(out.read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError, UnicodeDecodeError):
            return "crashed", None
        return "done", report
    finally:
        shutil.rmtree(work, ignore_errors=True)


class _NotPlain:
    """A return value the child could not report as plain data; equal to nothing."""

    def __init__(self, name: str):
        self.name = name

    def __eq__(self, other):  # pragma: no cover - never equal
        return False

    __hash__ = None


def rebuild(value: Any) -> Any:
    """Plain JSON from the child -> the values judge_case reads (tables rebuilt here, by the judge)."""
    import pandas as pd

    if isinstance(value, dict):
        if set(value) == {"__frame__"} and isinstance(value["__frame__"], dict):
            frame = value["__frame__"]
            return pd.DataFrame([list(r) for r in frame.get("rows", [])], columns=list(frame.get("columns", [])))
        if set(value) == {"__series__"} and isinstance(value["__series__"], dict):
            s = value["__series__"]
            return pd.Series(list(s.get("values", [])), index=list(s.get("index", [])), dtype=object)
        if set(value) == {"__object__"}:
            return _NotPlain(str(value["__object__"]))
        return {k: rebuild(v) for k, v in value.items()}
    if isinstance(value, list):
        return [rebuild(v) for v in value]
    if type(value) not in (str, int, float, bool, type(None)):
        return _NotPlain(type(value).__name__)
    return value


def _plain_types_only(value: Any) -> bool:
    if isinstance(value, dict):
        return all(type(k) is str and _plain_types_only(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain_types_only(v) for v in value)
    return type(value) in (str, int, float, bool, type(None))


def _label(spec: Spec, n: int) -> str:
    practice = len(spec.cases) - spec.graded
    if n < practice:
        return f"practice case {n + 1} ({spec.cases[n].get('name', 'unnamed')})"
    return f"graded case {n - practice + 1} of {spec.graded}"


def judge(report: Any, spec: Spec) -> Verdict:
    """Compare the child's plain report with every case; never raises (a report it cannot read: no points)."""
    try:
        return _judge(report, spec)
    except Exception as error:  # noqa: BLE001 - e.g. a forged table whose rows do not fit its columns
        return Verdict(False, f"the report for {spec.function}() could not be judged ({type(error).__name__})")


def _judge(report: Any, spec: Spec) -> Verdict:
    from middlepowers.checks import judge_case

    fn = spec.function
    if not isinstance(report, dict) or not _plain_types_only(report):
        return Verdict(False, f"the check of {fn}() ended without a readable report")
    if not report.get("defined"):
        failed = report.get("cells") or []
        why = (
            f" (a cell raised {failed[0][1]})" if failed and isinstance(failed[0], list) and len(failed[0]) > 1 else ""
        )
        return Verdict(False, f"{fn}() is not defined by the worksheet's setup and answer cells{why}")
    results = report.get("results")
    if not isinstance(results, list) or len(results) != len(spec.cases):
        return Verdict(False, f"the check of {fn}() did not report a result for every case")
    failures = []
    for n, (case, result) in enumerate(zip(spec.cases, results)):
        label = _label(spec, n)
        if not isinstance(result, dict):
            failures.append(f"{label}: no result")
        elif "error" in result:
            error = result["error"] if isinstance(result["error"], list) else ["an error", "", False]
            name = str(error[0]) if error else "an error"
            if len(error) > 2 and error[2] is True:
                return Verdict(False, f"{fn}() is not written yet (it raises NotImplementedError)")
            failures.append(f"{label}: {fn}() raised {name}")
        else:
            value = rebuild(result.get("value"))
            if isinstance(value, _NotPlain):
                failures.append(
                    f"{label}: {fn}() returned a {value.name}, not plain data (a number, text, list, dict or table)"
                )
                continue
            try:
                why = judge_case(case, value)
            except Exception as error:  # noqa: BLE001 - judge_case never raises; be sure
                why = f"could not be compared ({type(error).__name__})"
            if why:
                # the graded cases' expected values are not shown (feedback reaches the student)
                graded = n >= len(spec.cases) - spec.graded
                failures.append(f"{label}: not the right result" if graded else f"{label}: {why}")
    if failures:
        return Verdict(False, f"{len(failures)} of {len(spec.cases)} cases fail for {fn}()", failures)
    return Verdict(True, f"{PASS}: {fn}() passes all {len(spec.cases)} cases ({spec.graded} graded)")


def judge_cell(nb, cell, root: Path, where: str) -> Verdict:
    """Judge one autograder test cell of ``nb`` (the submitted notebook's answer cells)."""
    try:
        spec = read_spec(cell.source, where, root)
    except SpecError as error:
        return Verdict(False, f"this test cell cannot be judged: {error}")
    status, report = run_child(student_sources(nb), spec)
    if status == "timeout":
        return Verdict(False, f"{spec.function}() and its cells took longer than {spec.timeout:g} s and were stopped")
    if status != "done":
        return Verdict(False, f"the check of {spec.function}() crashed or stopped before it reported (e.g. os._exit)")
    return judge(report, spec)


def outputs_for(verdict: Verdict) -> list:
    """The test cell's outputs: a stdout line (full marks) or an error output (no marks)."""
    if verdict.ok:
        return [nbformat.v4.new_output("stream", name="stdout", text=verdict.message + "\n")]
    lines = [f"{FAIL}: {verdict.message}", *(f"  - {f}" for f in verdict.failures)]
    return [nbformat.v4.new_output("error", ename=FAIL, evalue=verdict.message, traceback=lines)]


def redact(source: str) -> str:
    """The test cell's source with the hidden region replaced by a note (for the autograded/feedback copy)."""
    if BEGIN not in source:
        return source
    head, rest = source.split(BEGIN, 1)
    tail = rest.split(END, 1)[1] if END in rest else ""
    return head + BEGIN + "\n" + REDACTED + END + tail


class JudgeTests(NbGraderPreprocessor):
    """nbgrader autograde preprocessor: every test cell's outputs become the judge's verdict."""

    redact_graded = Bool(True, help="Remove the graded cases from the autograded copy (and so from feedback).").tag(
        config=True
    )

    def preprocess(self, nb, resources):
        from middlepowers.paths import repo_root

        root = repo_root()
        name = resources.get("unique_key") or "notebook"
        for index, cell in enumerate(nb.cells):
            if not is_test_cell(cell):
                continue
            grade_id = cell.metadata["nbgrader"].get("grade_id", f"cell {index + 1}")
            try:
                verdict = judge_cell(nb, cell, root, f"{name}, test cell {grade_id!r}")
            except Exception as error:  # noqa: BLE001 - one cell that cannot be judged scores zero, never crashes autograde
                verdict = Verdict(False, f"this test cell could not be judged ({type(error).__name__}: {error})")
            self.log.info("judge %s %s: %s", name, grade_id, "pass" if verdict.ok else verdict.message)
            odd = suspicious_names(student_sources(nb)) if verdict.ok else []
            if odd:
                self.log.warning(
                    "judge %s %s: full marks, but the answer cells use %s: read them by hand", name, grade_id, odd
                )
            cell.outputs = outputs_for(verdict)
            if self.redact_graded:
                cell.source = redact(cell.source)
        return nb, resources


def judge_notebook(path: Path, root: Path | None = None) -> dict[str, Verdict]:
    """grade_id -> verdict for every test cell of a notebook that holds the graded blocks (e.g. an answer key)."""
    from middlepowers.paths import repo_root

    root = root or repo_root()
    nb = nbformat.read(path, as_version=4)
    return {
        cell.metadata["nbgrader"]["grade_id"]: judge_cell(
            nb, cell, root, f"{path.name}, {cell.metadata['nbgrader']['grade_id']}"
        )
        for cell in nb.cells
        if is_test_cell(cell)
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Judge a worksheet's test cells outside its kernel.")
    parser.add_argument("notebook", type=Path, help="a notebook whose test cells hold the graded cases")
    args = parser.parse_args(argv)
    if not args.notebook.is_file():
        parser.error(f"{args.notebook} is not a notebook file")
    try:
        verdicts = judge_notebook(args.notebook)
    except (OSError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for grade_id, verdict in verdicts.items():
        print(f"{'PASS' if verdict.ok else 'FAIL'} {grade_id}: {verdict.message}")
        for failure in verdict.failures:
            print(f"    {failure}")
    return 0 if all(v.ok for v in verdicts.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
