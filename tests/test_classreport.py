"""The class report, built from progress files written by the real quiz widgets (driven in this kernel)."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

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


@pytest.fixture(autouse=True)
def instructor_config(tmp_path, monkeypatch):
    """The instructor's config folder (where the pseudonym key lives), never the real home's."""
    config = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    monkeypatch.delenv("MIDDLEPOWERS_PSEUDONYM_KEY", raising=False)
    return config


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


def record(n: int, answer: str = "25", question: str = "how-many-sentences") -> str:
    """One attempt as the store writes it: one line, keys sorted."""
    return json.dumps(
        {"answer": answer, "attempt": n, "correct": False, "notebook": NB, "question": question}, sort_keys=True
    )


def progress_text(lines: list[str]) -> str:
    """A progress file in the store's layout: the format marker, then one attempt a line."""
    return '{"format": "middlepowers-progress", "version": 1, "attempts": [\n' + ",\n".join(lines) + "\n]}\n"


#: record 2 of 5 damaged as issue 26 found it (the store's own fault suite has the same five)
DAMAGED_RECORD = {
    "single quotes": "{'answer': '25', 'attempt': 2}",
    "a control byte": record(2).replace('"25"', '"2\x015"'),
    "5,000 digits": record(2).replace('"attempt": 2', '"attempt": ' + "9" * 5000),
    "deep nesting": record(2).replace('"25"', "[" * 100_000 + "]" * 100_000),
    "NUL bytes": record(2).replace('"25"', '"\x00\x00"'),
}
BIG = "x" * 40_000  # a long answer: 500 of them make a file over the 16 MB cap


def damaged(lines_or_pad: str, pad: int = 0):
    """Five attempts, the second damaged; ``pad`` long answers after them (to pass the size cap)."""

    def write(p):
        lines = [record(1), lines_or_pad, record(3), record(4), record(5)]
        lines += [record(6 + n, BIG, "what-tables-miss") for n in range(pad)]
        p.write_text(progress_text(lines), encoding="utf-8")

    return write


#: fault → (how to write zz-bad.json, attempts the report must count from it, attempts it must name as left out)
FAULTS = {
    "nested": (lambda p: p.write_text("[" * 100_000 + "]" * 100_000), 0, 0),
    "5,000 digits": (lambda p: p.write_text('{"attempts": [{"attempt": ' + "9" * 5000 + "}]}"), 0, 0),
    "fifo": (lambda p: os.mkfifo(p), 0, 0),
    "link to /dev/zero": (lambda p: p.symlink_to("/dev/zero"), 0, 0),
    "one line over the size cap": (
        lambda p: p.write_bytes(b'{"attempts": ["' + b"x" * (classreport.MAX_FILE_BYTES + 10) + b'"]}'),
        0,
        0,
    ),
    "dangling link": (lambda p: p.symlink_to(p.parent / "nowhere"), 0, 0),
    "a folder named .json": (lambda p: p.mkdir(), 0, 0),
    **{f"record 2 of 5: {why}": (damaged(line), 4, 0) for why, line in DAMAGED_RECORD.items()},
    "over the size cap, record 2 damaged": (damaged(DAMAGED_RECORD["NUL bytes"], pad=500), 4 + 51, 449),
    "over the size cap, a record over 2 MB": (
        damaged(record(2, "y" * (classreport.MAX_RECORD_BYTES + 1)), pad=420),
        4 + 51,
        369,
    ),
    "damaged, old layout (before the format marker)": (
        lambda p: p.write_text(
            json.dumps({"attempts": [json.loads(record(n)) for n in (1, 2, 3)]}, indent=1, sort_keys=True)[:-40]
        ),
        2,
        0,
    ),
}
FAULT_SUITE = "class report fault suite"  # its tally is printed by tests/conftest.py::_fault_tally
TALLY = {"cases": 0, "handled": 0, "attempts lost": 0}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_one_bad_file_never_stops_the_report(progress, tmp_path, fault):
    """Class report fault suite: each bad file is skipped or salvaged with a reason, the others counted in full.

    Attempts lost: an attempt still readable (in the other students' files or in the damaged one)
    that the report neither counts nor names as left out."""
    TALLY["cases"] += 1
    write, readable, left_out = FAULTS[fault]
    before = {name: len(a) for name, a in classreport.collect(progress).students.items()}
    write(progress / "zz-bad.json")
    signal.signal(signal.SIGALRM, lambda *_: (_ for _ in ()).throw(TimeoutError("hung")))
    signal.alarm(30)
    try:
        data = classreport.build(progress, tmp_path / "report")
    finally:
        signal.alarm(0)
    counted = len(data.students.get("zz-bad", []))
    lost = sum(max(0, n - len(data.students.get(name, []))) for name, n in before.items())
    lost += max(0, readable - counted)
    TALLY["attempts lost"] += lost
    assert lost == 0 and counted == readable, (fault, counted, data.skipped)
    assert sorted(data.students) == sorted([*before] + (["zz-bad"] if readable else []))
    if fault != "a folder named .json":
        line = next((line for line in data.skipped if line.startswith("zz-bad.json: ")), "")
        assert line, data.skipped
        if left_out:
            assert f"{left_out:,} attempts were not counted" in line, line
        if "2 MB" in fault:
            assert "1 record over 2 MB skipped" in line, line
    TALLY["handled"] += 1


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


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_pseudonym_key_never_sits_in_the_folder_handed_around(progress, tmp_path, instructor_config, capsys):
    """Issue 26: whoever holds the progress folder (or the report) cannot reverse the pseudonyms."""
    before = tree(progress)
    assert classreport.main([str(progress), "--out", str(tmp_path / "one"), "--pseudonymise"]) == 0
    assert "created a new pseudonym key" in capsys.readouterr().err
    assert tree(progress) == before  # nothing written into the progress folder
    key = instructor_config / "middlepowers" / "pseudonym-key"
    assert key.stat().st_mode & 0o077 == 0 and (key.parent.stat().st_mode & 0o077) == 0
    assert not any("key" in name for name in tree(tmp_path / "one"))
    first = classreport.build(progress, tmp_path / "two", pseudonymise=True).students
    assert sorted(first) == sorted(classreport.build(progress, tmp_path / "three", pseudonymise=True).students)
    other = tmp_path / "keys" / "term-2"
    assert (
        classreport.main([str(progress), "--out", str(tmp_path / "four"), "--pseudonymise", "--key-file", str(other)])
        == 0
    )
    assert other.exists() and sorted(
        classreport.build(progress, tmp_path / "five", True, key_file=other).students
    ) != sorted(first)


@pytest.mark.parametrize(
    "case",
    [
        "key inside the progress folder",
        "key inside the report folder",
        "old key in the progress folder",
        "readable by others",
        "not a key",
        "a folder",
    ],
)
def test_a_pseudonym_key_that_could_leak_is_refused(progress, tmp_path, capsys, case):
    """Configs fail closed: a key where others could read it stops the report before it writes anything."""
    out = tmp_path / "report"
    key = {
        "key inside the progress folder": progress / "ada" / "key",
        "key inside the report folder": out / "key",
        "old key in the progress folder": None,
        "readable by others": tmp_path / "open-key",
        "not a key": tmp_path / "short-key",
        "a folder": tmp_path / "key-folder",
    }[case]
    if case == "old key in the progress folder":
        (progress / ".pseudonym-key").write_text("ab" * 32 + "\n")
    elif case == "readable by others":
        key.write_text("ab" * 32 + "\n")
        key.chmod(0o644)
    elif case == "not a key":
        key.write_text("x\n")
        key.chmod(0o600)
    elif case == "a folder":
        key.mkdir()
    before = tree(progress)
    args = [str(progress), "--out", str(out), "--pseudonymise"] + (["--key-file", str(key)] if key else [])
    assert classreport.main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err and len(err.splitlines()) <= 3, err
    assert tree(progress) == before and not (out / "index.html").exists()


def test_no_real_name_reaches_any_output_with_pseudonyms(tmp_path, capsys):
    """Every output (the three files, stdout, stderr) is searched for every real name, skipped files included."""
    folder = tmp_path / "progress"
    write_progress(folder, "zelda-realname", {"how-many-sentences": ["25", "27"]})
    write_progress(folder, "class-b/yusuf-realname", {"focus-table-section": ["sec5"]})
    (folder / "wanda-realname.json").write_text("", encoding="utf-8")
    (folder / "xena-realname").mkdir()
    (folder / "xena-realname" / "notes.json").write_text("{", encoding="utf-8")
    (folder / "vera-realname.json").write_text('{"attempts": [5]}', encoding="utf-8")
    (folder / "ulla-realname.json").symlink_to(folder / "nowhere")
    (folder / "tom-realname.json").write_text('{"name": "x"}', encoding="utf-8")
    out = tmp_path / "report"
    assert classreport.main([str(folder), "--out", str(out), "--pseudonymise"]) == 0
    said = capsys.readouterr()
    outputs = {"stdout": said.out, "stderr": said.err} | {k: v.decode() for k, v in tree(out).items()}
    assert set(outputs) == {"stdout", "stderr", "report.md", "report.csv", "index.html"}
    assert said.err.count("skipped student-") == 5, said.err  # wanda, xena, vera, ulla, tom
    for where, text in outputs.items():
        for real in ("zelda", "yusuf", "wanda", "xena", "vera", "ulla", "tom-", "realname", "class-b"):
            assert real not in text.lower(), (where, real, text)


READ_ONLY = """
import sys
from mpcourse import classreport
sys.exit(classreport.main(sys.argv[1:]))
"""


def run_without_override(args, env, timeout=120):
    """Run the report as a user whom permissions bind (root loses the capability to override them)."""
    drop = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"] if os.geteuid() == 0 else []
    return subprocess.run(
        [*drop, sys.executable, "-c", READ_ONLY, *args], capture_output=True, text=True, timeout=timeout, env=env
    )


def test_a_read_only_progress_folder_with_pseudonyms(progress, tmp_path, instructor_config):
    """Issue 26: a read-only progress folder (a copy from the hub) works with pseudonyms; so does a second run."""
    folders = [progress, *(p for p in progress.rglob("*") if p.is_dir())]
    env = {**os.environ, "XDG_CONFIG_HOME": str(instructor_config)}
    for folder in folders:
        folder.chmod(0o555)
    try:
        runs = [
            run_without_override([str(progress), "--out", str(tmp_path / f"r{n}"), "--pseudonymise"], env)
            for n in (1, 2)
        ]
    finally:
        for folder in folders:
            folder.chmod(0o755)
    for run in runs:
        assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr
    assert (tmp_path / "r1" / "report.md").read_text() == (tmp_path / "r2" / "report.md").read_text()
    assert "5 students" in runs[1].stdout


def test_a_key_that_cannot_be_created_gets_a_message(progress, tmp_path):
    """The instructor's config folder read-only: a clear message and exit 2, no traceback, nothing written."""
    config = tmp_path / "locked-config"
    config.mkdir(mode=0o555)
    env = {**os.environ, "XDG_CONFIG_HOME": str(config)}
    try:
        run = run_without_override([str(progress), "--out", str(tmp_path / "r"), "--pseudonymise"], env)
    finally:
        config.chmod(0o755)
    assert run.returncode == 2 and run.stderr.startswith("error: ") and "Traceback" not in run.stderr, run.stderr
    assert "pseudonym key" in run.stderr and not (tmp_path / "r" / "index.html").exists()


def test_a_folder_that_cannot_be_read_is_named_not_skipped_silently(progress, tmp_path, instructor_config):
    """A student's folder the instructor cannot list is reported (by pseudonym), and everyone else is counted."""
    (progress / "cleo").chmod(0o000)
    env = {**os.environ, "XDG_CONFIG_HOME": str(instructor_config)}
    try:
        runs = {
            flag: run_without_override([str(progress), "--out", str(tmp_path / f"r{len(flag)}"), *flag], env)
            for flag in ((), ("--pseudonymise",))
        }
    finally:
        (progress / "cleo").chmod(0o755)
    plain, hidden = runs[()], runs[("--pseudonymise",)]
    assert plain.returncode == hidden.returncode == 0, plain.stderr + hidden.stderr
    assert "skipped cleo/: folder cannot be read" in plain.stderr and "4 students" in plain.stdout
    assert "folder cannot be read" in hidden.stderr and "cleo" not in hidden.stderr


def site_download(browser: str, rows: list[tuple]) -> str:
    """A download from the website, as mpcheck.js writes it (docs/site-answers.md)."""
    lines = [
        json.dumps(
            {"answer": a, "attempt": n, "correct": c, "notebook": NB, "question": q}, ensure_ascii=False
        )  # the page writes the keys in this (sorted) order
        for q, n, a, c in rows
    ]
    return (
        f'{{"format": "middlepowers-progress", "version": 1, "source": "website", "browser": "{browser}", '
        '"attempts": [\n' + ",\n".join(lines) + "\n]}\n"
    )


def test_a_website_download_is_graded_again_and_joins_the_kernels_student(tmp_path):
    """Issue 27 item 10: a student who used the kernel and the site is one student; the site's verdicts are not trusted."""
    folder = tmp_path / "progress"
    write_progress(folder, "alice", {"how-many-sentences": ["25"]})  # the kernel: one wrong attempt
    first = [("how-many-sentences", 1, "26", False), ("focus-table-section", 1, "sec4", True)]  # forged: sec4 is wrong
    (folder / "alice" / "middlepowers-site-answers.json").write_text(site_download("a1" * 8, first))
    later = first + [("how-many-sentences", 2, "27", True)]  # a second download from the same browser
    (folder / "alice (1).json").write_text(site_download("a1" * 8, later))
    (folder / "bob.json").write_text(site_download("b2" * 8, [("how-many-sentences", 1, "٢٧", None)]))
    out = tmp_path / "report"
    data = classreport.build(folder, out)
    assert sorted(data.students) == ["alice", "bob"] and data.skipped == []
    assert [a["answer"] for a in data.students["alice"]] == ["25", "26", "sec4", "27"]  # kernel first, no repeats
    rows = read_csv(out)
    numeric = rows["how-many-sentences"]  # alice: 25, 26, 27 (right at 3); bob: ٢٧ (Arabic-Indic digits) right first
    assert (numeric["students"], numeric["right first time"], numeric["right eventually"]) == ("2", "50%", "100%")
    single = rows["focus-table-section"]
    assert (single["students"], single["right first time"], single["right eventually"]) == ("1", "0%", "0%")
    assert "come from the website's downloads" in (out / "report.md").read_text(encoding="utf-8")
    hidden = classreport.build(folder, tmp_path / "hidden", pseudonymise=True)
    assert len(hidden.students) == 2 and all(n.startswith("student-") for n in hidden.students)


def test_a_file_over_the_size_cap_is_read_in_bounded_memory(tmp_path):
    """A 100 MB file (2,500 answers of 40,000 characters at 20 checks) costs well under its size to read.

    (Issue 26 measured 927 MB for a 300 MB file; `docs/reliability.md` gives the peak of a 300 MB one.)"""
    import tracemalloc

    path = tmp_path / "big.json"
    lines = (record(n, BIG, f"q{n % 20}") for n in range(1, 2501))
    with open(path, "w", encoding="utf-8") as handle:
        handle.write('{"format": "middlepowers-progress", "version": 1, "attempts": [\n')
        handle.write(",\n".join(lines) + "\n]}\n")
    assert path.stat().st_size > 100_000_000
    tracemalloc.start()
    try:
        attempts, problem = classreport.read_progress(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    print(f"peak traced memory reading {path.stat().st_size:,} bytes: {peak / 2**20:.0f} MB")
    assert peak < 3 * classreport.MAX_FILE_BYTES, f"peak {peak / 2**20:.0f} MB"
    assert 0 < len(attempts) <= 20 * (classreport.KEEP_PER_QUESTION + 1)
    assert f"{2500 - len(attempts):,} attempts were not counted" in problem
