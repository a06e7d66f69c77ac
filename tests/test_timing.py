"""Every stated time is the estimate rounded to 5 minutes, on both paths (issue 14, part 5; issue 24, part 6)."""

import importlib.util
import inspect
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from middlepowers import checks
from middlepowers.quizfile import load_quiz
from mpcourse import navigation, timing

ROOT = Path(__file__).resolve().parents[1]
STEMS = sorted(timing.stated(ROOT))


def _copy(tmp_path):
    for folder in ("data", "notebooks", "solutions", "exercises", "instructors"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    return tmp_path


def test_every_notebook_states_its_time_in_parts():
    assert STEMS == [
        "00-article-to-tidy-data",
        "01-two-stage-program",
        "02a-reading-the-reporter",
        "02b-measuring-both-sides",
        "03-diversification",
        "primer",
    ]
    core = timing.stated_core(ROOT)
    for stem, parts in timing.stated(ROOT).items():  # the primer has no worksheet
        has_sheet = timing._worksheet(stem, ROOT) is not None
        assert set(parts) == set(timing.PARTS) - (set() if has_sheet else {"worksheet"}), stem
        assert set(core[stem]) == set(timing.CORE_PARTS), stem


@pytest.mark.parametrize("stem", STEMS)
def test_stated_times_are_the_estimate_rounded_to_5_minutes(stem):
    """Full and core parts, and every heading marked core or extension."""
    problems = [line for line in timing.mismatches(ROOT) if line.startswith(f"{stem}:")]
    assert not problems, "\n".join(problems) + "\nrun `python -m mpcourse.timing --write`"


def test_the_core_path_fits_two_class_meetings():
    """At most 180 minutes of class time, checks included; worksheets and the primer are homework."""
    totals = navigation.path_totals(navigation.load_course(ROOT))
    assert totals["class"] <= 180, totals
    assert totals["class"] + totals["self_study"] + totals["worksheets"] <= totals["full"]
    lessons = {lesson.file: lesson for lesson in navigation.load_course(ROOT)}
    assert lessons["primer.ipynb"].self_study and not lessons["00-article-to-tidy-data.ipynb"].self_study


def test_the_course_map_shows_both_paths():
    index = nbformat.read(ROOT / "notebooks" / "index.ipynb", as_version=4)
    text = next(c.source for c in index.cells if "course-map" in c.metadata.get("tags", []))
    totals = navigation.path_totals(navigation.load_course(ROOT))
    assert "| Core path | Full |" in text
    assert f"about {totals['class']} minutes of class time" in text and f"about {totals['full']} minutes" in text
    for lesson in navigation.load_course(ROOT):
        if lesson.core:
            assert f"| {lesson.core_minutes} min" in text and f"| {lesson.minutes} min |" in text, lesson.file


def test_code_tasks_are_timed_by_the_size_of_their_solution():
    """One line to fill in is quicker than a function of several lines (kappa from a count table: 10 lines, 30 minutes)."""
    assert timing.code_minutes(1) < timing.code_minutes(2) < timing.code_minutes(4) < timing.code_minutes(10)
    key = nbformat.read(ROOT / "solutions" / "worksheet-01-two-stage-program.ipynb", as_version=4)
    lines = timing._key_lines(key)
    assert lines == {"stage_sentences": 1, "coalition_sum": 2, "kappa": 10}
    assert timing.code_minutes(lines["kappa"]) == 30
    assert (
        timing.solution_lines(
            'def f(x):\n    """Doc."""\n    ### BEGIN SOLUTION\n    # a comment\n\n    return x\n    ### END SOLUTION'
        )
        == 1
    )


def test_estimate_counts_words_checks_and_written_answers():
    est = timing.estimate("01-two-stage-program", ROOT)
    assert est.reading > 0 and est.checks > 0 and est.worksheet > 0
    assert est.total == pytest.approx(est.reading + est.checks + est.worksheet)
    core = timing.estimate("01-two-stage-program", ROOT, path="core")
    assert 0 < core.reading < est.reading and 0 < core.checks < est.checks and core.worksheet == 0


def test_round5():
    assert [timing.round5(x) for x in (0, 0.4, 2.4, 7.4, 7.5, 12.6, 44.9)] == [0, 5, 5, 5, 10, 15, 45]


def _solutions():
    spec = importlib.util.spec_from_file_location("your_turn_solutions", ROOT / "tests/fixtures/your_turn_solutions.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.SOLUTIONS


def _your_turn_cells():
    for stem in STEMS:
        nb = nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4)
        for cell in nb.cells:
            meta = cell.metadata.get("your_turn")
            if meta and "your-turn" in cell.metadata.get("tags", []):
                yield stem, meta


@pytest.mark.parametrize("stem, meta", list(_your_turn_cells()), ids=lambda v: v if isinstance(v, str) else v["check"])
def test_a_your_turn_cell_states_the_size_of_a_solution_that_passes(stem, meta):
    """The lines the estimator uses are those of a reference solution, and that solution passes the check."""
    question = load_quiz(ROOT / "data" / "quizzes" / f"{stem}.toml", root=ROOT).questions[meta["check"]]
    if question.type != "code":
        assert "lines" not in meta
        return
    solution = _solutions()[meta["check"]]
    body = inspect.getsource(solution).split("\n", 2)[2]  # after the decorator and the def line
    assert meta["lines"] == sum(1 for line in body.splitlines() if line.strip() and not line.strip().startswith("#"))
    result = checks.check_code(question, solution)
    assert result.correct, result.message


def test_a_longer_lesson_is_caught(tmp_path):
    """Double a lesson's text: its stated reading time no longer matches."""
    root = _copy(tmp_path)
    path = root / "notebooks" / "00-article-to-tidy-data.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells += [
        nbformat.v4.new_markdown_cell(c.source.replace("#", "")) for c in nb.cells if c.cell_type == "markdown"
    ]
    nbformat.write(nb, path)
    assert any(line.startswith("00-article-to-tidy-data: time.reading") for line in timing.mismatches(root))


def test_an_optimistic_time_is_caught_and_write_fixes_it(tmp_path):
    """Equality, not a lower bound: a time stated too high is caught as well; --write puts it right."""
    root = _copy(tmp_path)
    course = root / "data" / "course.toml"
    text = course.read_text(encoding="utf-8")
    stated = re.search(r'file = "03-diversification.ipynb"(?s:.*?)time = \{ reading = (\d+)', text)
    high = text[: stated.start(1)] + str(int(stated.group(1)) + 10) + text[stated.end(1) :]
    course.write_text(high, "utf-8")
    assert any(line.startswith("03-diversification: time.reading") for line in timing.mismatches(root))
    assert "data/course.toml" in timing.write(root)
    assert timing.mismatches(root) == []


def test_a_new_heading_must_be_marked(tmp_path):
    root = _copy(tmp_path)
    path = root / "notebooks" / "03-diversification.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(-2, nbformat.v4.new_markdown_cell("## 8. A new section\n\nMore text."))
    nbformat.write(nb, path)
    assert "03-diversification: section '8. A new section' is not marked core or extension" in timing.mismatches(root)


def test_core_and_extension_items_are_listed():
    items = timing.core_items("03-diversification", ROOT)
    assert "yt-sum-squares" in items["core"] and "defence-gap" in items["extension"]


def test_an_unknown_check_is_reported(tmp_path):
    root = _copy(tmp_path)
    path = root / "notebooks" / "03-diversification.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell('quiz.ask("no-such-check")'))
    nbformat.write(nb, path)
    with pytest.raises(KeyError, match="no-such-check"):
        timing.estimate("03-diversification", root)


def test_the_guide_shows_both_paths_a_plan_for_each_and_the_rates():
    guide = (ROOT / "instructors" / "guide.md").read_text(encoding="utf-8")
    lessons = navigation.load_course(ROOT)
    assert navigation.times_table(lessons) in guide, "run `make navigation`"
    assert "**Plan for the core path" in guide and "**Plan for the full course" in guide
    rates = guide.split("### How the times are estimated", 1)[1].split("\n## ", 1)[0]
    for _, minutes in timing.MINUTES_PER_CODE_TASK:
        assert f"| {minutes} |" in rates, f"the guide does not justify the {minutes}-minute code task"
    assert f"1 per {timing.WORDS_PER_MINUTE} words" in rates and "kappa" in rates


def test_a_stale_instructor_note_is_caught_and_write_fixes_it(tmp_path):
    root = _copy(tmp_path)
    notes = root / "instructors" / "00-article-to-tidy-data.md"
    sheet = timing.stated(ROOT)["00-article-to-tidy-data"]["worksheet"]
    notes.write_text(
        notes.read_text(encoding="utf-8").replace(f"| Worksheet | {sheet} |", "| Worksheet | 40 |"), "utf-8"
    )
    assert any("instructors/00-article-to-tidy-data.md states other times" in p for p in timing.mismatches(root))
    assert "instructors/00-article-to-tidy-data.md" in timing.write(root)
    assert timing.mismatches(root) == []


def test_the_guides_core_plan_adds_up():
    """Meeting 1 is lessons 00 and 01, meeting 2 lessons 02a, 02b and 03: each as long as the plan says, within 90."""
    import re

    guide = (ROOT / "instructors" / "guide.md").read_text(encoding="utf-8")
    core = {stem: sum(parts.values()) for stem, parts in timing.stated_core(ROOT).items()}
    said = dict(re.findall(r"\*Meeting (\d) \(about (\d+) minutes\):\*", guide))
    assert int(said["1"]) == core["00-article-to-tidy-data"] + core["01-two-stage-program"] <= 90
    meeting_2 = core["02a-reading-the-reporter"] + core["02b-measuring-both-sides"] + core["03-diversification"]
    assert int(said["2"]) == meeting_2 <= 90
