"""Fault suite: every kind of damage to a progress file, met as a student meets it.

Each case damages the progress file of a student who has already answered
(``EARLIER``), then does what the student does: opens a check of lesson 00,
answers, presses Check. Every case asserts the same three things:

1. the lesson still runs: the check grades the answer (``✔ Correct``);
2. the student is told: a ``⚠`` notice names what happened (cases where
   nothing went wrong, the killed and concurrent writers, show none);
3. no earlier attempt is lost: every attempt the damaged file still held is
   back in the store, and the damaged bytes themselves are kept (left in
   place, or renamed aside as ``<name>.corrupt-<n>``), never deleted.

``pytest tests/test_progress_faults.py -q`` prints the tally (cases, handled,
attempts lost) at the end of the run.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from middlepowers.progress import ENV_VAR, FILE_NAME, MAX_FILE_BYTES, ProgressStore
from middlepowers.quiz import Quiz

NB = "00-article-to-tidy-data"
Q = "how-many-sentences"
EARLIER = [(Q, "24"), ("focus-table-section", "sec3"), (Q, "25")]
FAULT_SUITE = "progress fault suite"  # its tally is printed by tests/conftest.py::_fault_tally
TALLY = {"cases": 0, "handled": 0, "attempts lost": 0}


@pytest.fixture
def student(tmp_path, monkeypatch):
    """A progress file (named as in a student's repository) holding the EARLIER attempts."""
    path = tmp_path / FILE_NAME
    monkeypatch.setenv(ENV_VAR, str(path))
    store = ProgressStore(path)
    for question, answer in EARLIER:
        store.record(NB, question, answer, False)
    return path


def attempt_lines(attempts) -> list[str]:
    return [json.dumps(a, sort_keys=True) for a in attempts]


def good_text(path: Path, extra: list[str] = ()) -> str:
    """The student's file as it is, with ``extra`` raw JSON texts appended to the attempts."""
    data = json.loads(path.read_text(encoding="utf-8"))
    items = [json.dumps(a) for a in data["attempts"]] + list(extra)
    return '{"attempts": [\n' + ",\n".join(items) + '\n], "version": 1}\n'


def check_in_lesson(answer: str = "27") -> tuple[str, str]:
    """Open lesson 00's check, answer, press Check: (feedback on opening, feedback after Check)."""
    view = Quiz(NB).view(Q)
    opened = view.feedback.value
    view.control.value = answer
    view.button.click()
    return opened, view.feedback.value


def settle(case: str, path: Path, feedback: str, earlier: list[dict], damaged: bytes | None, told: str | None):
    """The three assertions every case makes; counts the case in the tally."""
    TALLY["cases"] += 1
    assert "✔ Correct" in feedback, f"{case}: the lesson did not run: {feedback}"
    if told is None:
        assert "⚠" not in feedback, f"{case}: a notice although nothing went wrong: {feedback}"
    else:
        assert "⚠" in feedback and told in feedback, f"{case}: the student is not told ({told!r}): {feedback}"
    now = attempt_lines(ProgressStore(path).load()[0])
    lost = [a for a in attempt_lines(earlier) if a not in now]
    TALLY["attempts lost"] += len(lost)
    assert not lost, f"{case}: earlier attempts lost: {lost}"
    if damaged is not None:  # the damaged bytes survive: in place or set aside
        kept = [p.read_bytes() for p in path.parent.glob(path.name + "*") if p.is_file()]
        assert damaged in kept, f"{case}: the damaged file was not kept"
    assert not list(path.parent.glob("*.tmp")), f"{case}: temporary files left behind"
    TALLY["handled"] += 1


def earlier_attempts(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["attempts"]


def test_nested_whole_file(student):
    damaged = ("[" * 200_000 + "]" * 200_000).encode()
    student.write_bytes(damaged)
    opened, feedback = check_in_lesson()
    assert "nested too deeply" in opened and "corrupt-1" in opened  # told on opening the lesson
    settle("nested (whole file)", student, feedback + opened, [], damaged, "corrupt-1")


def test_nested_inside_an_attempt(student):
    earlier = earlier_attempts(student)
    damaged = good_text(student, ['{"answer": ' + "[" * 200_000 + "]" * 200_000 + "}"]).encode()
    student.write_bytes(damaged)
    _, feedback = check_in_lesson()
    settle("nested (in an attempt)", student, feedback, earlier, damaged, "nested too deeply")
    assert "3 earlier attempts in it were carried over" in feedback


def test_truncated(student):
    earlier = earlier_attempts(student)
    text = good_text(student, [json.dumps({"notebook": NB, "question": "x", "answer": "y" * 500})])
    damaged = text[: len(text) - 300].encode()  # cut inside the last attempt
    student.write_bytes(damaged)
    _, feedback = check_in_lesson()
    settle("truncated", student, feedback, earlier, damaged, "3 earlier attempts in it were carried over")


def test_binary_whole_file(student):
    damaged = random.Random(16).randbytes(4096)
    student.write_bytes(damaged)
    _, feedback = check_in_lesson()
    settle("binary (whole file)", student, feedback, [], damaged, "not UTF-8")


def test_binary_garbage_after_the_attempts(student):
    earlier = earlier_attempts(student)
    damaged = student.read_bytes() + bytes(range(256)) * 8
    student.write_bytes(damaged)
    _, feedback = check_in_lesson()
    settle("binary (garbage after the attempts)", student, feedback, earlier, damaged, "were carried over")


def test_huge(student):
    earlier = earlier_attempts(student)
    damaged = good_text(student, [json.dumps({"notebook": NB, "question": "essay", "answer": "w" * (110 * 2**20)})])
    damaged = damaged.encode()
    student.write_bytes(damaged)
    _, feedback = check_in_lesson()
    settle("huge (110 MB)", student, feedback, earlier, damaged, "larger than 16 MB")
    assert student.stat().st_size < MAX_FILE_BYTES
    essay = [a for a in ProgressStore(student).load()[0] if a.get("question") == "essay"]
    assert len(essay) == 1 and essay[0]["answer"].startswith("w" * 1000) and "cut" in essay[0]["answer"]


def test_huge_from_many_attempts(student):
    earlier = earlier_attempts(student)
    filler = json.dumps({"notebook": NB, "question": "loop", "answer": "a" * 5000, "attempt": 1})
    damaged = good_text(student, [filler] * (110 * 2**20 // 5000)).encode()
    student.write_bytes(damaged)
    _, feedback = check_in_lesson()
    settle("huge (110 MB of attempts)", student, feedback, earlier, damaged, "at most 50 attempts a question")
    assert student.stat().st_size < MAX_FILE_BYTES
    assert check_in_lesson()[1].count("⚠") == 0  # the next save is an ordinary one (see make bench for its cost)


def test_folder_in_its_place(student):
    student.unlink()
    student.mkdir()
    (student / "keep.txt").write_text("the student's own folder")
    _, first = check_in_lesson("26")
    assert "could not be saved" in first and "attempt 4" not in first
    _, second = check_in_lesson()
    assert "2 unsaved attempts kept" in second
    assert (student / "keep.txt").read_text() == "the student's own folder"  # never touched
    pending = ProgressStore(student).load()[0]
    assert [a["answer"] for a in pending] == ["26", "27"]
    (student / "keep.txt").unlink()
    student.rmdir()  # the folder goes: the next check writes everything kept meanwhile
    _, third = check_in_lesson()
    saved = [a["answer"] for a in earlier_attempts(student)]
    assert saved == ["26", "27", "27"]
    settle("a folder in its place", student, second, [], None, "Is a directory")
    assert "⚠" not in third


READ_ONLY_LESSON = """
import json
from middlepowers.quiz import Quiz
view = Quiz("00-article-to-tidy-data").view("how-many-sentences")
opened = view.feedback.value
restored = view.control.value
view.control.value = "27"
view.button.click()
print(json.dumps({"opened": opened, "restored": restored, "feedback": view.feedback.value,
                  "attempts": view.quiz.store.load()[0]}))
"""


def test_read_only_folder(student):
    earlier = earlier_attempts(student)
    damaged = student.read_bytes()
    (student.parent / (student.name + ".lock")).unlink()  # a fresh clone: no lock file yet
    student.parent.chmod(0o555)
    # root may write anywhere: the lesson then runs without the capability to override permissions
    drop = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"] if os.geteuid() == 0 else []
    try:
        out = subprocess.run(
            [*drop, sys.executable, "-c", READ_ONLY_LESSON],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, ENV_VAR: str(student)},
        )
    finally:
        student.parent.chmod(0o755)
    assert out.returncode == 0, out.stderr
    seen = json.loads(out.stdout)
    assert "⚠" not in seen["opened"] and "Your last answer (attempt 2) is filled in" in seen["opened"]
    assert seen["restored"] == "25"
    assert attempt_lines(seen["attempts"]) == attempt_lines(earlier) + attempt_lines(
        [{"notebook": NB, "question": Q, "attempt": 3, "answer": "27", "correct": True}]
    )
    settle("read-only folder", student, seen["feedback"], earlier, damaged, "kept while this notebook runs")
    assert student.read_bytes() == damaged


@pytest.mark.parametrize(
    "name, content",
    [
        ("notes.txt", b"my own notes\nnot JSON at all\n"),
        ("settings.json", b'{"theme": "dark"}\n'),
        ("photo.png", random.Random(3).randbytes(2048)),
    ],
)
def test_foreign_file_is_never_moved_or_replaced(tmp_path, monkeypatch, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    monkeypatch.setenv(ENV_VAR, str(path))
    opened, feedback = check_in_lesson("26")
    assert "is not a progress file" in opened and "left untouched" in opened
    _, second = check_in_lesson()
    assert path.read_bytes() == content and not list(tmp_path.glob(name + ".corrupt*"))
    kept = [a["answer"] for a in ProgressStore(path).load()[0]]
    assert kept == ["26", "27"]  # in memory, for the rest of the session
    settle(f"foreign file ({name})", path, second, [], content, f"set {ENV_VAR} to a new file name")
    assert "2 unsaved attempts kept" in second


KILLED_WRITER = """
import sys
from middlepowers.progress import ProgressStore
store = ProgressStore(sys.argv[1])
for i in range(10**6):
    saved = store.record("writer", "q", f"{sys.argv[2]}-{i}", True)
    assert not saved.notice, saved.notice
    print(f"{sys.argv[2]}-{i}", flush=True)
"""


def test_writer_killed_mid_save(student):
    earlier = earlier_attempts(student)
    # a large file, so that a save takes long enough to be killed in the middle of it
    ProgressStore(student).record("filler", "q", "f" * 19_000, None)
    for _ in range(40):
        ProgressStore(student).record("filler", "q", "f" * 19_000, None)
    earlier = earlier_attempts(student)
    rng, confirmed, leftovers = random.Random(16), [], 0
    for round_ in range(20):
        proc = subprocess.Popen(
            [sys.executable, "-c", KILLED_WRITER, str(student), f"r{round_}"], stdout=subprocess.PIPE, text=True
        )
        confirmed.append(proc.stdout.readline().strip())  # it saves at least once...
        time.sleep(rng.uniform(0.0, 0.05))
        proc.send_signal(signal.SIGKILL)  # ...and dies at a random moment
        confirmed += proc.stdout.read().split()
        proc.wait()
        leftovers += len(list(student.parent.glob("*.tmp")))
    _, feedback = check_in_lesson()
    answers = [a["answer"] for a in ProgressStore(student).load()[0]]
    assert [c for c in confirmed if c not in answers] == []  # every save a writer confirmed is there
    settle("writer killed mid-save", student, feedback, earlier, None, None)
    print(f"temporary files seen between kills: {leftovers}; after the next save: 0")


CONCURRENT_WRITER = """
import sys
from middlepowers.progress import ProgressStore
store = ProgressStore(sys.argv[1])
for i in range(int(sys.argv[3])):
    assert not store.record(sys.argv[2], "q", i, True).notice
"""


def test_concurrent_writers(student):
    earlier = earlier_attempts(student)
    n = 25
    procs = [
        subprocess.Popen([sys.executable, "-c", CONCURRENT_WRITER, str(student), f"nb-{k}", str(n)]) for k in range(4)
    ]
    feedbacks = [check_in_lesson()[1] for _ in range(3)]  # the student goes on meanwhile
    assert [p.wait(timeout=300) for p in procs] == [0, 0, 0, 0]
    attempts = ProgressStore(student).load()[0]
    for k in range(4):
        mine = [a for a in attempts if a["notebook"] == f"nb-{k}"]
        assert [a["answer"] for a in mine] == list(range(n))
        assert [a["attempt"] for a in mine] == list(range(1, n + 1))
    mine = [a["attempt"] for a in attempts if a["notebook"] == NB and a["question"] == Q]
    assert mine == [1, 2, 3, 4, 5]
    settle("concurrent writers", student, feedbacks[-1], earlier, None, None)


@pytest.mark.parametrize(
    "name, content",
    [
        ("notes.rtf", b"{\\rtf1\\ansi{\\fonttbl\\f0 Helvetica;}\\f0 my notes}\n"),
        ("log.jsonl", b'{"event": 1}\n{"event": 2}\n'),
        ("tsconfig.json", b'{\n  // compiler options\n  "strict": true\n}\n'),
        ("counts.json", b'{"attempts": 3}'),
        ("other-app.json", b'{"attempts": [{"score": 1}], "version": 1}'),
        ("empty.json", b""),
    ],
)
def test_foreign_file_starting_with_a_brace_is_never_moved(tmp_path, monkeypatch, name, content):
    """Issue 26: only a file with the format marker (or the collection's name) is ours to set aside."""
    path = tmp_path / name
    path.write_bytes(content)
    monkeypatch.setenv(ENV_VAR, str(path))
    opened, feedback = check_in_lesson()
    assert "is not a progress file" in opened
    assert path.read_bytes() == content and sorted(p.name for p in tmp_path.iterdir()) == [name, name + ".lock"]
    settle(f"foreign file starting with {{ ({name})", path, feedback, [], content, f"set {ENV_VAR} to a new file")


RECORD_DAMAGE = {
    "single quotes": lambda line: line.replace('"', "'"),
    "a control byte": lambda line: line.replace('"answer": "', '"answer": "\x07'),
    "a 5,000-digit number": lambda line: line.replace('"attempt": 2', '"attempt": ' + "7" * 5000),
    "deep nesting": lambda line: line.replace('"answer": "b"', '"answer": ' + "[" * 100_000 + "]" * 100_000),
    "NUL bytes": lambda line: line.replace('"answer": "', '"answer": "\x00\x00'),
}


@pytest.mark.parametrize("damage", sorted(RECORD_DAMAGE))
def test_one_undecodable_record_loses_only_itself(student, damage):
    student.unlink()
    store = ProgressStore(student)
    for answer in "abcde":
        store.record(NB, "five", answer, False)
    lines = student.read_text(encoding="utf-8").split("\n")
    assert json.loads(lines[2].rstrip(","))["answer"] == "b"  # record 2 of 5
    others = [json.loads(line.rstrip(",")) for k, line in enumerate(lines[1:6], 1) if k != 2]
    lines[2] = RECORD_DAMAGE[damage](lines[2])
    damaged = "\n".join(lines).encode()
    student.write_bytes(damaged)
    _, feedback = check_in_lesson()
    settle(f"record 2 of 5 with {damage}", student, feedback, others, damaged, "4 earlier attempts")
    assert [a["answer"] for a in earlier_attempts(student)] == ["a", "c", "d", "e", "27"]


@pytest.mark.parametrize("target", ["missing", "existing"])
def test_planted_lock_symlink_is_never_followed(student, target):
    earlier = earlier_attempts(student)
    lock = student.with_name(student.name + ".lock")
    lock.unlink()
    victim = student.parent / "victim.txt"
    if target == "existing":
        victim.write_text("someone's file", encoding="utf-8")
    lock.symlink_to(victim)
    _, feedback = check_in_lesson()
    assert (victim.read_text(encoding="utf-8") == "someone's file") if target == "existing" else not victim.exists()
    settle(f"lock file a symlink ({target} target)", student, feedback, earlier, None, "symbolic link")
    lock.unlink()  # once it is gone, the attempt kept in memory is written
    check_in_lesson()
    assert [a["answer"] for a in earlier_attempts(student)][-2:] == ["27", "27"]


def _alarm(seconds):
    def fail(*_):
        raise TimeoutError("the lesson hung on the progress path")

    signal.signal(signal.SIGALRM, fail)
    signal.alarm(seconds)


@pytest.mark.parametrize("kind", ["fifo", "symlink to a fifo", "/dev/zero", "symlink to /dev/zero"])
def test_fifo_or_device_as_the_progress_path(tmp_path, monkeypatch, kind):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    path = {"fifo": fifo, "/dev/zero": Path("/dev/zero")}.get(kind, tmp_path / "p.json")
    if kind.startswith("symlink"):
        path.symlink_to(fifo if "fifo" in kind else "/dev/zero")
    monkeypatch.setenv(ENV_VAR, str(path))
    _alarm(30)
    try:
        opened, feedback = check_in_lesson("26")
        _, feedback = check_in_lesson()
    finally:
        signal.alarm(0)
    assert "is not a progress file" in opened and ("FIFO" in opened or "character device" in opened)
    assert not os.path.lexists("/dev/zero.lock") and not os.path.lexists(str(fifo) + ".lock")
    assert [a["answer"] for a in ProgressStore(path).load()[0]] == ["26", "27"]  # in memory
    settle(f"{kind} as the progress file", path, feedback, [], None, "2 unsaved attempts kept")


def test_file_over_the_read_cap_still_carries_its_attempts(student, monkeypatch):
    """Issue 26: over MAX_READ_BYTES nothing used to be carried over; now its readable records are."""
    import middlepowers.progress as progress

    earlier = earlier_attempts(student)
    filler = json.dumps({"notebook": NB, "question": "big", "answer": "z" * 1000, "attempt": 1})
    damaged = good_text(student, [filler] * 300).encode()
    student.write_bytes(damaged)
    monkeypatch.setattr(progress, "MAX_READ_BYTES", len(damaged) - 10)  # the last record is cut off
    monkeypatch.setattr(progress, "MAX_FILE_BYTES", 2**16)
    _, feedback = check_in_lesson()
    settle("larger than the read cap", student, feedback, earlier, damaged, "carried over")
