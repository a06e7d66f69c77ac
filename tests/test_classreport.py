"""The class report, built from progress files written by the real quiz widgets (driven in this kernel)."""

from __future__ import annotations

import csv
import json
import os
import signal

import pytest

from mpcourse import classreport  # noqa: E402

NB = "00-article-to-tidy-data"
RIGHT_ROWS = {"sentences": "sentence", "tokens": "token", "mentions": "mention", "entities": "entity"}
#: per student: the answers they give, in order, to each check (the widgets grade and save them)
PLANS = {
    "ada": {
        "how-many-sentences": ["27"],
        "focus-table-section": ["sec5"],
        "countries-mentioned": [["canada", "usa", "russia", "china"]],
        "one-row-is": [RIGHT_ROWS],
        "what-tables-miss": ["Tone: S12 quotes only two of Trump's words, and the tables cannot show why."],
    },
    "ben": {
        "how-many-sentences": ["25", "27"],
        "focus-table-section": ["sec4", "sec5"],
        "countries-mentioned": [["canada", "usa", "europe"], ["canada", "usa", "russia", "china"]],
        "one-row-is": [{**RIGHT_ROWS, "sentences": "token"}, RIGHT_ROWS],
    },
    "cleo": {
        "how-many-sentences": ["25", "26", "27"],
        "focus-table-section": ["sec4"],
        "what-tables-miss": ["Who chose the words: the hand coding is a judgement, not a fact in S14."],
    },
    "dev": {"how-many-sentences": ["25"], "focus-table-section": ["sec3", "sec5"]},
}


def write_progress(folder, name, plan, code=None):
    """Answer checks through the real widgets (QuestionView) and code checks through Quiz.grade_code."""
    from middlepowers.quiz import Quiz

    quiz = Quiz(NB, progress=folder / name / ".middlepowers-progress.json")
    for qid, answers in plan.items():
        view = quiz.view(qid)
        for answer in answers:
            view.value = answer
            view.check()
    if code:
        for func in code:
            quiz.grade_code("count-per-section", func)


@pytest.fixture
def progress(tmp_path):
    folder = tmp_path / "progress"
    for name, plan in PLANS.items():
        write_progress(folder, name, plan)
    write_progress(folder, "ada", {}, code=[lambda s: s.groupby("section_id").size()])
    write_progress(folder, "ben", {}, code=[lambda s: len(s), lambda s: s.groupby("section_id").size()])
    (folder / "empty.json").write_text("", encoding="utf-8")
    (folder / "broken.json").write_text('{"attempts": [', encoding="utf-8")
    (folder / "foreign.json").write_text('{"name": "package.json of something else"}', encoding="utf-8")
    (folder / "latin.json").write_bytes(b"\xff\xfe{}")
    (folder / "odd.json").write_text(
        '{"attempts": [5, {"notebook": "00-article-to-tidy-data", "question": "no-such-check", "correct": false}]}',
        encoding="utf-8",
    )
    return folder


def read_csv(out):
    with open(out / "report.csv", encoding="utf-8") as fh:
        return {row["check"]: row for row in csv.DictReader(fh)}


def test_report_counts_what_the_widgets_saved(progress, tmp_path):
    out = tmp_path / "report"
    data = classreport.build(progress, out)
    assert sorted(data.students) == ["ada", "ben", "cleo", "dev", "odd"]
    rows = read_csv(out)
    numeric = rows["how-many-sentences"]
    assert (numeric["students"], numeric["right first time"], numeric["right eventually"]) == ("4", "25%", "75%")
    assert numeric["median attempts"] == "1.5"  # ada 1, ben 2, cleo 3, dev 1 (never right)
    assert numeric["most common wrong answers"].startswith("25 (3)")
    single = rows["focus-table-section"]
    assert (single["right first time"], single["right eventually"]) == ("25%", "75%")
    assert "(2)" in single["most common wrong answers"]  # sec4, chosen by ben and cleo, shown as its option text
    assert "ticked:" in rows["countries-mentioned"]["most common wrong answers"]
    assert "sentences as one word" in rows["one-row-is"]["most common wrong answers"]
    code = rows["count-per-section"]
    assert (code["students"], code["right first time"], code["right eventually"]) == ("2", "50%", "100%")
    assert code["most common wrong answers"] == "1 failed run"
    text = (out / "report.md").read_text(encoding="utf-8")
    assert "S12 quotes only two" in text and "hand coding is a judgement" in text  # reflections, per question
    page = (out / "index.html").read_text(encoding="utf-8")
    assert page.count("<svg") == 1 and "<title" in page and "<script" not in page


def test_bad_files_are_reported_and_skipped(progress, tmp_path):
    data = classreport.build(progress, tmp_path / "report")
    problems = "\n".join(data.skipped)
    for name, why in [
        ("empty.json", "is empty"),
        ("broken.json", "is not JSON"),
        ("latin.json", "is not JSON"),
        ("foreign.json", "is not a middlepowers progress file"),
        ("odd.json", "1 of 2 attempts"),
    ]:
        assert f"{name}: {why}" in problems, problems
    assert "no-such-check: no such check" in (tmp_path / "report" / "report.md").read_text(encoding="utf-8")


def test_pseudonyms_are_stable_and_hide_names(progress, tmp_path):
    first = classreport.build(progress, tmp_path / "one", pseudonymise=True)
    second = classreport.build(progress, tmp_path / "two", pseudonymise=True)
    assert sorted(first.students) == sorted(second.students)
    assert all(name.startswith("student-") for name in first.students)
    for out in (tmp_path / "one", tmp_path / "two"):
        for file in ("report.md", "index.html", "report.csv"):
            text = (out / file).read_text(encoding="utf-8")
            assert not any(f"**{n}**" in text or f">{n}<" in text for n in PLANS), file
    assert (progress / classreport.KEY_FILE).stat().st_mode & 0o077 == 0


def test_cli(progress, tmp_path, capsys):
    assert classreport.main([str(progress), "--out", str(tmp_path / "cli")]) == 0
    assert "5 students" in capsys.readouterr().out
    assert classreport.main([str(tmp_path / "nothing-here")]) == 2


def test_what_students_typed_cannot_inject_formulas_or_markup(tmp_path):
    """Issue 26: wrong answers and reflections reach report.csv and report.md inert."""
    folder = tmp_path / "progress"
    write_progress(
        folder,
        "eve",
        {"what-tables-miss": ["fine\n- **alice**: I copied all my answers from bob\n| x | y |\n![i](http://x/i.png)"]},
    )
    forged = [
        {"notebook": NB, "question": "how-many-sentences", "attempt": n, "answer": a, "correct": False}
        for n, a in enumerate(['=HYPERLINK("http://x")', "@SUM(1)"], 1)
    ]
    (folder / "mal.json").write_text(json.dumps({"version": 1, "attempts": forged}), encoding="utf-8")
    out = tmp_path / "report"
    classreport.build(folder, out)
    wrong = read_csv(out)["how-many-sentences"]["most common wrong answers"]
    assert not wrong.startswith(("=", "@", "+", "-")) and "HYPERLINK" in wrong
    text = (out / "report.md").read_text(encoding="utf-8")
    assert "\n- **alice**" not in text and "![i]" not in text and "\n| x |" not in text
    assert "\\*\\*alice\\*\\*" in text  # shown as typed, not as markup


FAULTS = {
    "nested": lambda p: p.write_text("[" * 100_000 + "]" * 100_000),
    "5,000 digits": lambda p: p.write_text('{"attempts": [{"attempt": ' + "9" * 5000 + "}]}"),
    "fifo": lambda p: os.mkfifo(p),
    "link to /dev/zero": lambda p: p.symlink_to("/dev/zero"),
    "over the size cap": lambda p: p.write_bytes(
        b'{"attempts": ["' + b"x" * (classreport.MAX_FILE_BYTES + 10) + b'"]}'
    ),
    "dangling link": lambda p: p.symlink_to(p.parent / "nowhere"),
    "a folder named .json": lambda p: p.mkdir(),
}
TALLY = {"cases": 0, "handled": 0}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_one_bad_file_never_stops_the_report(progress, tmp_path, fault):
    """Class report fault suite: each bad file is skipped with a reason; the others are counted."""
    TALLY["cases"] += 1
    FAULTS[fault](progress / "zz-bad.json")
    signal.signal(signal.SIGALRM, lambda *_: (_ for _ in ()).throw(TimeoutError("hung")))
    signal.alarm(30)
    try:
        data = classreport.build(progress, tmp_path / "report")
    finally:
        signal.alarm(0)
    assert sorted(data.students) == ["ada", "ben", "cleo", "dev", "odd"]
    if fault != "a folder named .json":
        assert any(line.startswith("zz-bad.json: ") for line in data.skipped), data.skipped
    TALLY["handled"] += 1
    print(f"class report fault suite: {TALLY['cases']} cases, {TALLY['handled']} handled")


def test_out_that_is_a_file_gets_a_message(progress, tmp_path, capsys):
    (tmp_path / "taken").write_text("x")
    assert classreport.main([str(progress), "--out", str(tmp_path / "taken")]) == 2
    assert "is a file" in capsys.readouterr().err


def test_pseudonyms_reach_neither_the_skipped_list_nor_stderr(progress, tmp_path, capsys):
    (progress / "ada" / "notes.json").write_text("{", encoding="utf-8")
    assert classreport.main([str(progress), "--out", str(tmp_path / "p"), "--pseudonymise"]) == 0
    err = capsys.readouterr().err
    page = (tmp_path / "p" / "index.html").read_text(encoding="utf-8")
    assert "ada" not in err and "ada/" not in page and "student-" in err


def test_a_course_checkout_as_the_folder_reads_only_the_progress_file(tmp_path):
    """Pointed at a checkout (the progress file beside node_modules and .venv), the report reads one student."""
    checkout = tmp_path / "course"
    write_progress(checkout, "notebooks", {"how-many-sentences": ["27"]})
    for junk in ("node_modules/pkg/package.json", ".venv/lib/x.json", ".git/info.json", "src/__pycache__/c.json"):
        (checkout / junk).parent.mkdir(parents=True, exist_ok=True)
        (checkout / junk).write_text("{}", encoding="utf-8")
    out = tmp_path / "report"
    data = classreport.build(checkout, out)
    assert list(data.students) == ["notebooks"] and data.skipped == []
    text = (out / "report.md").read_text(encoding="utf-8")
    assert text.startswith("# Class report: 1 student\n")
    assert "<h1>Class report: 1 student</h1>" in (out / "index.html").read_text(encoding="utf-8")


def test_checks_are_listed_with_the_question_students_saw(progress, tmp_path):
    from middlepowers.paths import repo_root

    out = tmp_path / "report"
    classreport.build(progress, out)
    row = read_csv(out)["how-many-sentences"]
    prompt = classreport.quizzes(repo_root())[NB]["how-many-sentences"].prompt
    assert row["question"] and prompt.startswith(row["question"].rstrip("…").rstrip())
