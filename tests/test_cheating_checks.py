"""The cheating suite for instant checks (issue 25): a student who wants "✔ Correct" without solving the task.

Every trick below is a function handed to the code checks of every code question of every quiz file,
through ``Quiz.grade_code`` (the path ``quiz.check_code`` takes), with a fresh progress file. Each trick
must earn zero undeserved points: no check says correct, nothing is written to the progress file as
correct, and the progress summary and the class report show no "correct" either (they judge the stored
answers again). A right solution (the answer keys in solutions/) still passes every check.

What practice checks cannot stop, and do not try to: the practice cases are public (the quiz file and
the kernel's memory hold them), so a student who copies the expected values out of them can make a
function that returns them. Practice is practice; graded points come from nbgrader (docs/reliability.md).

Run ``pytest tests/test_cheating_checks.py -s`` to see the tally.
"""

from __future__ import annotations

import builtins
import json
import math
import os
import signal
import stat
import sys
import time
import types
from pathlib import Path

import nbformat
import pytest

from middlepowers import checks
from middlepowers.paths import repo_root
from middlepowers.progress import ProgressStore
from middlepowers.quiz import Quiz
from middlepowers.quizfile import load_quiz

ROOT = repo_root()
QUIZ_FILES = sorted((ROOT / "data" / "quizzes").glob("*.toml"))
#: (quiz file stem, question id) of every code question
CODE = [
    (path.stem, qid)
    for path in QUIZ_FILES
    for qid, q in load_quiz(path, root=ROOT).questions.items()
    if q.type == "code"
]
TALLY = {"tricks": 0, "checks": 0, "undeserved": 0}


class Liar:
    """Equal to everything, hashes like everything, converts to anything."""

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __hash__(self):
        return 0

    def __float__(self):
        return 0.0

    def __int__(self):
        return 0

    def __index__(self):
        return 0

    def __len__(self):
        return 27

    def __iter__(self):
        return iter([])

    def __bool__(self):
        return True

    def __sub__(self, other):
        return 0

    __rsub__ = __sub__

    def __abs__(self):
        return 0

    def __lt__(self, other):
        return False

    __le__ = __gt__ = __ge__ = __lt__

    def __array__(self, *args, **kwargs):
        import numpy as np

        return np.array([Liar()], dtype=object)

    def __getitem__(self, key):
        return self

    def __contains__(self, item):
        return True


class ZeroInt(int):
    """The issue's trick: an int whose difference from anything is 0 (it passed 5 of 13 checks)."""

    def __sub__(self, other):
        return 0

    __rsub__ = __sub__

    def __abs__(self):
        return 0

    def __eq__(self, other):
        return True

    __hash__ = int.__hash__


class LyingFloat(float):
    def __eq__(self, other):
        return True

    __hash__ = float.__hash__

    def __sub__(self, other):
        return 0.0

    __rsub__ = __sub__

    def __abs__(self):
        return 0.0

    def __float__(self):
        return 0.0


class LyingHash:
    """Collides with every key and equals it, so a dict or set lookup finds it."""

    def __init__(self, text):
        self.text = text

    def __hash__(self):
        return hash(self.text)

    def __eq__(self, other):
        return True


class LyingStr(str):
    def __eq__(self, other):
        return True

    __hash__ = str.__hash__


class LyingDict(dict):
    def __eq__(self, other):
        return True

    def items(self):
        return [("SEC1", 3)]

    def keys(self):
        return ["SEC1"]


class LyingList(list):
    def __eq__(self, other):
        return True

    def __len__(self):
        return 27

    def __iter__(self):
        return iter([])


def _every_fd(data: bytes) -> None:
    """Write ``data`` to every pipe the process holds (the check's result pipe among them)."""
    for fd in range(3, 256):
        try:
            if stat.S_ISFIFO(os.fstat(fd).st_mode):
                os.write(fd, data)
        except OSError:
            pass


def _frame_expect():
    """Walk the caller's frames for a case's expected value (the old child had ``case`` on its stack)."""
    frame = sys._getframe(1)
    while frame is not None:
        for value in list(frame.f_locals.values()):
            found = _find_expect(value, 0)
            if found is not _NOTHING:
                return found
        frame = frame.f_back
    return None


_NOTHING = object()


def _find_expect(value, depth):
    if depth > 3:
        return _NOTHING
    if isinstance(value, dict) and "expect" in value:
        return value["expect"]
    if isinstance(value, checks.Question):
        cases = value.data.get("cases") or []
        return cases[0].get("expect", _NOTHING) if cases else _NOTHING
    if isinstance(value, (list, tuple)):
        for item in value[:50]:
            found = _find_expect(item, depth + 1)
            if found is not _NOTHING:
                return found
    return _NOTHING


def trick_patch_judge_case(*args, **kwargs):
    checks.judge_case = lambda case, result: ""
    checks._judge = lambda case, result: ""
    checks._case_verdict = lambda *a, **k: None
    return None


def trick_frame_walk(*args, **kwargs):
    return _frame_expect()


def trick_pipe_forgery(*args, **kwargs):
    import pickle

    _every_fd(pickle.dumps(("", ("judged", ""))))  # the old child's "passed" message
    _every_fd(b'{"correct": true, "verdict": "", "printed": ""}\n' * 20)
    _every_fd(b'{"value": {"t": "verdict", "v": "pass"}, "printed": ""}\n' * 20)
    os.kill(os.getpid(), signal.SIGKILL)


def trick_int_subclass_sub_zero(*args, **kwargs):
    return ZeroInt(0)


def trick_lying_eq(*args, **kwargs):
    return Liar()


def trick_lying_eq_inside_containers(*args, **kwargs):
    return LyingList([Liar(), ZeroInt(1), LyingStr("S01")])


def trick_lying_hash(*args, **kwargs):
    return {LyingHash(k): Liar() for k in ("SEC1", "carney", "I")}


def trick_lying_float(*args, **kwargs):
    return LyingFloat("nan")


def trick_lying_array(*args, **kwargs):
    import numpy as np

    return np.array([Liar(), Liar()], dtype=object)


def trick_lying_dict_subclass(*args, **kwargs):
    return LyingDict({"nothing": -1})


def trick_patched_isclose(*args, **kwargs):
    math.isclose = lambda *a, **k: True
    math.isfinite = lambda x: True
    builtins.abs = lambda x: 0
    return float("nan")


def trick_patched_modules(*args, **kwargs):
    import numpy as np
    import pandas as pd

    pd.DataFrame.equals = lambda self, other: True
    pd.Series.__eq__ = lambda self, other: True
    np.isclose = lambda *a, **k: True
    checks._same = lambda *a, **k: True
    checks._equal = lambda *a, **k: True
    return Liar()


def trick_shadowed_builtins(*args, **kwargs):
    for name in ("dict", "list", "len", "set", "type", "isinstance"):
        setattr(builtins, name, lambda *a, **k: True)
    return Liar()


def _with_shadowed_globals():
    """A function whose own globals shadow dict, list, len, set, type and isinstance."""
    namespace = {name: (lambda *a, **k: True) for name in ("dict", "list", "len", "set", "type", "isinstance")}
    namespace["Liar"] = Liar
    exec("def shadowed(*args, **kwargs):\n    return Liar()\n", namespace)
    return namespace["shadowed"]


def trick_sys_modules_swap(*args, **kwargs):
    fake = types.ModuleType("middlepowers.checks")
    fake.judge_case = lambda case, result: ""
    sys.modules["middlepowers.checks"] = fake
    fake_json = types.ModuleType("json")
    fake_json.dumps = lambda *a, **k: '{"value": 1}'
    fake_json.loads = lambda *a, **k: {"value": 1}
    sys.modules["json"] = fake_json
    sys.modules["math"] = types.SimpleNamespace(isclose=lambda *a, **k: True, isfinite=lambda x: True)
    return Liar()


def trick_os_exit_noop(*args, **kwargs):
    os._exit = lambda status: None
    return Liar()


def trick_memory_bomb(*args, **kwargs):
    import numpy as np

    hoard = []
    while True:  # 256 MiB a step, never touched: the address space grows, not the machine's memory in use
        hoard.append(np.empty(2**25))


def trick_garbage_on_the_pipe(*args, **kwargs):
    _every_fd(b"\x80\x00 not json {[[[" + b"[" * 100_000 + b"\n")
    os.kill(os.getpid(), signal.SIGKILL)


def trick_huge_number(*args, **kwargs):
    checks._json_dumps = lambda *a, **k: '{"value": ' + "9" * 5000 + ', "printed": ""}'
    return 1


def trick_nan_on_the_pipe(*args, **kwargs):
    checks._json_dumps = lambda *a, **k: '{"value": NaN, "printed": ""}'
    return 1


def trick_wrapped_loop(*args, **kwargs):
    return Liar()


trick_wrapped_loop.__wrapped__ = trick_wrapped_loop


TRICKS = {
    "patch-judge-case": trick_patch_judge_case,
    "frame-walk-case-expect": trick_frame_walk,
    "pipe-forgery": trick_pipe_forgery,
    "int-subclass-sub-zero": trick_int_subclass_sub_zero,
    "lying-eq": trick_lying_eq,
    "lying-eq-inside-containers": trick_lying_eq_inside_containers,
    "lying-hash": trick_lying_hash,
    "lying-float": trick_lying_float,
    "lying-array": trick_lying_array,
    "lying-dict-subclass": trick_lying_dict_subclass,
    "patched-math-isclose": trick_patched_isclose,
    "patched-modules": trick_patched_modules,
    "shadowed-builtins-patched": trick_shadowed_builtins,
    "shadowed-builtins-in-globals": _with_shadowed_globals(),
    "sys-modules-swap": trick_sys_modules_swap,
    "os-exit-noop": trick_os_exit_noop,
    "memory-bomb": trick_memory_bomb,
    "garbage-on-the-pipe": trick_garbage_on_the_pipe,
    "huge-number-on-the-pipe": trick_huge_number,
    "nan-on-the-pipe": trick_nan_on_the_pipe,
    "wrapped-loop": trick_wrapped_loop,
}
#: tricks slow enough to try on one question per quiz file rather than on every code question
ONE_PER_FILE = {"memory-bomb"}
#: what the message must say for tricks that have a message of their own
SAYS = {
    "memory-bomb": "used too much memory",
    "garbage-on-the-pipe": "could not read your function's result",
    "huge-number-on-the-pipe": "could not read your function's result",
    "nan-on-the-pipe": "could not read your function's result",
    "lying-eq": "not plain data",
    "lying-float": "expected",
}


def _questions(trick: str):
    if trick not in ONE_PER_FILE:
        return CODE
    seen, out = set(), []
    for stem, qid in CODE:
        if stem not in seen:
            seen.add(stem)
            out.append((stem, qid))
    return out


def _quiz(stem: str, qid: str, progress: Path) -> Quiz:
    """The notebook's Quiz for the part (lesson or worksheet) that asks ``qid``, so its summary lists it."""
    part = load_quiz(ROOT / "data" / "quizzes" / f"{stem}.toml", root=ROOT).questions[qid].part
    return Quiz(stem, part=part, progress=progress)


def _report_correct(progress_file: Path, tmp_path: Path) -> list[str]:
    """The checks the class report counts as right eventually, for this one student."""
    from mpcourse import classreport

    folder = tmp_path / "class"
    folder.mkdir(exist_ok=True)
    (folder / "student.json").write_bytes(progress_file.read_bytes())
    data = classreport.collect(folder)
    stats, _, _ = classreport.summarise(data, classreport.quizzes(ROOT))
    return [s.question.id for s in stats if s.eventually]


def _run_trick(func, tmp_path: Path, questions) -> tuple[int, list[str]]:
    """Grade ``func`` on ``questions`` through Quiz.grade_code; return (undeserved points, messages)."""
    progress = tmp_path / "progress.json"
    undeserved, messages = 0, []
    parent = os.getpid()
    names = ("judge_case", "_judge", "_same", "_equal", "_json_dumps", "_case_verdict")
    saved = {name: getattr(checks, name) for name in names if hasattr(checks, name)}
    try:
        for stem, qid in questions:
            quiz = _quiz(stem, qid, progress)
            result, _ = quiz.grade_code(qid, func)
            if os.getpid() != parent:  # a copy of the kernel ran on after the check: never allowed
                (tmp_path / "returned").write_text("a child returned into the caller")
                os.kill(os.getpid(), signal.SIGKILL)
            undeserved += result.correct is True
            messages.append(result.text())
            assert "Traceback" not in result.text()
            summary = quiz.summary_text()
            undeserved += f"✔ {qid}:" in summary
    finally:
        for name, value in saved.items():
            setattr(checks, name, value)
    assert not (tmp_path / "returned").exists()
    attempts = json.loads(progress.read_text(encoding="utf-8"))["attempts"] if progress.exists() else []
    undeserved += sum(a.get("correct") is True for a in attempts)
    undeserved += len(_report_correct(progress, tmp_path)) if progress.exists() else 0
    return undeserved, messages


@pytest.mark.parametrize("trick", sorted(TRICKS))
def test_trick_earns_no_point(trick, tmp_path):
    questions = _questions(trick)
    undeserved, messages = _run_trick(TRICKS[trick], tmp_path, questions)
    TALLY["tricks"] += 1
    TALLY["checks"] += len(questions)
    TALLY["undeserved"] += undeserved
    print(
        f"cheating suite (instant checks): {TALLY['tricks']} tricks, {TALLY['checks']} checks, "
        f"{TALLY['undeserved']} undeserved points"
    )
    assert undeserved == 0, messages
    if trick in SAYS:
        assert all(SAYS[trick] in m for m in messages), messages


def _pids_alive(pids) -> list[int]:
    alive = []
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
                if handle.read().rsplit(")", 1)[1].split()[0] != "Z":
                    alive.append(pid)
        except OSError:
            pass
    return alive


@pytest.mark.parametrize("how", ["fork", "fork-setsid", "double-fork-setsid"])
def test_forked_grandchild_does_not_outlive_the_check(how, tmp_path):
    pids = tmp_path / "pids"
    forged = tmp_path / "forged"

    def spawner(*args, **kwargs):
        pid = os.fork()
        if pid == 0:
            if how != "fork":
                os.setsid()
            if how == "double-fork-setsid" and os.fork() != 0:
                os._exit(0)
            with open(pids, "a") as handle:
                handle.write(f"{os.getpid()}\n")
            time.sleep(1.5)
            forged.write_text("the grandchild ran on")
            os._exit(0)
        time.sleep(0.3)
        return None

    undeserved, _ = _run_trick(spawner, tmp_path, CODE[:1])
    assert undeserved == 0
    time.sleep(0.2)
    started = [int(p) for p in pids.read_text().split()]
    assert started and _pids_alive(started) == []
    time.sleep(1.5)
    assert not forged.exists()


def test_a_forged_correct_attempt_in_the_progress_file_is_not_shown_correct(tmp_path):
    """The child writes a correct attempt straight into the progress file: summary and report judge again."""
    progress = tmp_path / "progress.json"
    stem, qid = next((s, q) for s, q in CODE if q == "count-per-section")

    def writer(sentences):
        store = ProgressStore(progress)
        store.record(stem, qid, "def f(s): return s.groupby('section_id').size()", True)
        store.record(stem, qid, "forged", True, [{"value": {"t": "dict", "v": [["SEC1", 3]]}}] * 3)
        return {"SEC1": 3}

    quiz = _quiz(stem, qid, progress)
    result, _ = quiz.grade_code(qid, writer)
    assert result.correct is False
    attempts = json.loads(progress.read_text(encoding="utf-8"))["attempts"]
    # the forgeries are there (2 per case the child ran: it may start case 2 before it is killed)...
    assert sum(a.get("correct") is True for a in attempts) >= 2
    assert f"✔ {qid}" not in quiz.summary_text()  # ...but no judge finds them right
    assert qid not in _report_correct(progress, tmp_path)


def test_a_forged_multiple_choice_attempt_is_not_shown_correct(tmp_path):
    progress = tmp_path / "progress.json"
    quiz = Quiz("00-article-to-tidy-data", progress=progress)
    ProgressStore(progress).record(quiz.notebook, "how-many-sentences", "3", True)
    assert "✔ how-many-sentences" not in quiz.summary_text()
    assert "how-many-sentences" not in _report_correct(progress, tmp_path)


# ----------------------------------------------------------- a right solution still passes
def _answer_key_functions() -> dict[str, object]:
    """function name -> function, from the answer keys' cells (not the cells that run checks)."""
    namespace: dict = {}
    cwd = os.getcwd()
    try:
        for path in sorted((ROOT / "solutions").glob("*.ipynb")):
            os.chdir(path.parent)
            for cell in nbformat.read(path, as_version=4).cells:
                if cell.cell_type != "code" or "quiz." in cell.source or "display(" in cell.source:
                    continue
                try:
                    exec(compile(cell.source, str(path), "exec"), namespace)
                except Exception:  # noqa: BLE001 - a cell that needs the notebook's display; not a function
                    pass
    finally:
        os.chdir(cwd)
    return {k: v for k, v in namespace.items() if isinstance(v, types.FunctionType)}


def test_every_answer_key_still_passes(tmp_path):
    functions = _answer_key_functions()
    solved = 0
    for stem, qid in CODE:
        quiz = _quiz(stem, qid, tmp_path / "progress.json")
        func = functions.get(quiz.question(qid).get("function"))
        if func is None:
            continue  # a lesson's check (primer): its function is the student's to write
        result, _ = quiz.grade_code(qid, func)
        assert result.correct is True, (qid, result.text())
        assert f"✔ {qid}: correct" in quiz.summary_text()
        solved += 1
    assert solved >= 13  # every worksheet code task
    assert len(_report_correct(tmp_path / "progress.json", tmp_path)) == solved


def test_the_students_function_cannot_write_into_what_the_kernel_holds():
    """The forked child keeps only its result pipe: a pipe the kernel holds (its sockets, under xdist the
    worker's channel to pytest) gets nothing, however the student's function guesses descriptor numbers."""
    read_end, write_end = os.pipe()
    os.set_blocking(read_end, False)
    try:

        def writes_everywhere(sentences):
            _every_fd(b"garbage\n")
            return None

        question = load_quiz(ROOT / "data" / "quizzes" / "00-article-to-tidy-data.toml", root=ROOT).questions[
            "count-per-section"
        ]
        checks.check_code(question, writes_everywhere)
        with pytest.raises(BlockingIOError):
            os.read(read_end, 100)
    finally:
        os.close(read_end), os.close(write_end)
