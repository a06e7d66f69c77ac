"""The progress file: atomic, merged across processes, corrupt files set aside."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from middlepowers.paths import repo_root
from middlepowers.progress import ProgressStore, Saved, default_path


def test_env_var_overrides_the_location(tmp_path, monkeypatch):
    monkeypatch.setenv("MIDDLEPOWERS_PROGRESS", str(tmp_path / "p.json"))
    assert default_path() == tmp_path / "p.json"
    monkeypatch.delenv("MIDDLEPOWERS_PROGRESS")
    assert default_path().name == ".middlepowers-progress.json"


def test_record_numbers_attempts_and_stores_no_timestamps(tmp_path):
    store = ProgressStore(tmp_path / "sub" / "p.json")
    assert store.record("nb", "q", "a", False).attempt == 1
    assert store.record("nb", "q", float("nan"), None).attempt == 2
    assert store.record("nb", "other", {"x": {1, 2}}, True).attempt == 1
    data = json.loads((tmp_path / "sub" / "p.json").read_text())
    assert data["version"] == 1
    assert [a["attempt"] for a in data["attempts"]] == [1, 2, 1]
    assert data["attempts"][1]["answer"] == "nan"
    assert all(set(a) == {"notebook", "question", "attempt", "answer", "correct"} for a in data["attempts"])


def test_write_is_atomic_and_leaves_no_temp_files(tmp_path, monkeypatch):
    store = ProgressStore(tmp_path / "p.json")
    store.record("nb", "q", "first", True)
    before = (tmp_path / "p.json").read_text()

    def boom(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    saved = store.record("nb", "q", "second", True)
    assert saved.attempt == 2 and "could not be saved" in saved.notice and "1 unsaved attempt kept" in saved.notice
    assert (tmp_path / "p.json").read_text() == before  # the old file is intact
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.json", "p.json.lock"]
    assert [a["answer"] for a in store.attempts()] == ["first", "second"]  # kept in memory meanwhile
    monkeypatch.undo()
    assert store.record("nb", "q", "third", True) == Saved(3, "")
    assert [a["answer"] for a in json.loads((tmp_path / "p.json").read_text())["attempts"]] == [
        "first",
        "second",
        "third",
    ]


WRITER = """
import sys
from middlepowers.progress import ProgressStore
store = ProgressStore(sys.argv[1])
for i in range(int(sys.argv[3])):
    store.record(sys.argv[2], "q", i, True)
"""


def test_two_processes_writing_at_once_lose_nothing(tmp_path):
    path = tmp_path / "p.json"
    n = 60
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), name, str(n)]) for name in ("nb-a", "nb-b")]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    attempts = json.loads(path.read_text())["attempts"]
    for name in ("nb-a", "nb-b"):
        mine = [a for a in attempts if a["notebook"] == name]
        assert [a["answer"] for a in mine] == list(range(n))
        assert [a["attempt"] for a in mine] == list(range(1, n + 1))


def test_corrupt_file_is_set_aside_and_numbered(tmp_path):
    """A damaged file of ours (it carries the format marker) is set aside, numbered; never deleted."""
    path = tmp_path / "p.json"
    head = '{"format": "middlepowers-progress", "version": 1, "attempts": [\n'
    for n, junk in enumerate([head + "{broken", head.replace("[", "3")], 1):
        path.write_text(junk, encoding="latin-1")
        attempts, notice = ProgressStore(path).load()
        assert attempts == [] and f"p.json.corrupt-{n}" in notice and "fresh one" in notice
        assert not path.exists() or json.loads(path.read_text())
    assert (tmp_path / "p.json.corrupt-1").read_text() == head + "{broken"
    saved = ProgressStore(path).record("nb", "q", 1, True)
    assert saved.attempt == 1 and saved.notice == ""


def test_written_file_carries_the_marker_and_one_attempt_a_line(tmp_path):
    path = tmp_path / "p.json"
    store = ProgressStore(path)
    store.record("nb", "q", "a\nb", False)
    store.record("nb", "q", {"x": [1, 2]}, True)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith('{"format": "middlepowers-progress"')
    assert [json.loads(line.rstrip(","))["attempt"] for line in lines[1:3]] == [1, 2] and lines[3] == "]}"


def test_file_written_before_the_marker_is_still_ours(tmp_path):
    path = tmp_path / "p.json"
    old = {"attempts": [{"notebook": "nb", "question": "q", "attempt": 1, "answer": "a", "correct": False}]}
    path.write_text(json.dumps({**old, "version": 1}, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    assert ProgressStore(path).record("nb", "q", "b", True) == Saved(2, "")
    assert [a["answer"] for a in json.loads(path.read_text())["attempts"]] == ["a", "b"]
    cut = json.dumps({**old, "version": 1}, indent=1, sort_keys=True)[:-40]  # damaged before the upgrade
    path.write_text(cut, encoding="utf-8")
    assert "corrupt-1" in ProgressStore(path).record("nb", "q", "c", True).notice


def test_odd_answers_are_stored_capped_and_never_raise(tmp_path):
    """Answers are stored as JSON of at most MAX_ANSWER_CHARS characters, whatever they are (issue 16)."""
    from middlepowers.progress import MAX_ANSWER_CHARS

    class Broken:
        def __repr__(self):
            raise RuntimeError("no repr")

    nested = []
    for _ in range(10_000):
        nested = [nested]
    store = ProgressStore(tmp_path / "p.json")
    for answer in ["x" * 1_000_000, {Broken()}, Broken(), nested, {"k": "v" * 50_000}]:
        assert store.record("nb", "q", answer, False).notice == ""
    stored = [a["answer"] for a in json.loads((tmp_path / "p.json").read_text())["attempts"]]
    assert all(len(json.dumps(a, ensure_ascii=False)) <= MAX_ANSWER_CHARS + 60 for a in stored)
    assert stored[0].startswith("x" * 1000) and stored[0].endswith("[cut: 1,000,000 characters in all]")
    assert stored[1] == "<set>" and stored[2] == "<Broken>"


def test_a_file_written_before_results_were_kept_is_judged_again(tmp_path):
    """A progress file written by the code of 85f137c (stored verdicts, code attempts without results) still
    loads; every verdict is the judge's again: answers re-judged, code attempts shown as not judged."""
    import shutil

    from middlepowers.quiz import Quiz
    from mpcourse import classreport

    progress = tmp_path / "class" / "ada.json"
    progress.parent.mkdir()
    shutil.copy(Path(__file__).parent / "fixtures" / "progress-written-by-85f137c.json", progress)
    lesson = Quiz("00-article-to-tidy-data", progress=progress).summary_text()
    assert "✔ how-many-sentences: correct (2 attempts)" in lesson
    assert "↻ countries-mentioned: to revisit (1 attempt)" in lesson
    worksheet = Quiz("00-article-to-tidy-data", part="worksheet", progress=progress).summary_text()
    assert "? count-per-section: answered, not judged yet (2 attempts): check it again" in worksheet
    assert "0 correct" in worksheet  # its stored "correct": true is not trusted
    stats, _, _ = classreport.summarise(classreport.collect(progress.parent), classreport.quizzes(repo_root()))
    by_id = {s.question.id: s for s in stats}
    assert by_id["how-many-sentences"].eventually == 1 and by_id["how-many-sentences"].first_time == 0
    assert by_id["count-per-section"].eventually == 0 and by_id["count-per-section"].not_judged == 2
