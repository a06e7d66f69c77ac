"""Real autograding: nbgrader's own generate_assignment, autograde and generate_feedback on the worksheets.

Three submissions per worksheet, built from the released (student) version:

- ``key``: the answer key itself: full marks on every autograded cell;
- ``untouched``: the released worksheet as it is: zero, and no crash;
- ``half``: the first half of the code tasks solved (their solution cells from
  the key), the rest untouched: partial marks.

Scores come from nbgrader's gradebook (``Gradebook.find_submission_notebook``).
Run ``pytest tests/test_autograde.py -s`` to see the table of scores.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from middlepowers.paths import repo_root

ROOT = repo_root()
KEYS = sorted((ROOT / "solutions").glob("*.ipynb"))
BIN = Path(sys.executable).parent
ASSIGNMENT = "worksheets"
#: the nbgrader_config.py the guide tells instructors to use (the judge, mpcourse.judge)
CONFIG = ROOT / "instructors" / "nbgrader_config.py"
STUDENTS = ("key", "untouched", "half")


def nbgrader(course: Path, home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {
        "PATH": f"{BIN}:/usr/bin:/bin",
        "HOME": str(home),
        "JUPYTER_CONFIG_DIR": str(home / "jcfg"),
        "JUPYTER_DATA_DIR": str(home / "jdata"),
        "MIDDLEPOWERS_PROGRESS": str(home / "progress.json"),
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    }
    if os.environ.get("PYTHONPATH"):  # a checkout run with PYTHONPATH grades with that checkout's code
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    run = subprocess.run(
        [str(BIN / "nbgrader"), *args], cwd=course, capture_output=True, text=True, timeout=900, env=env
    )
    assert run.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}"
    return run


def solution_cells(nb) -> dict[str, str]:
    """grade_id -> source of every code solution cell."""
    return {
        c.metadata["nbgrader"]["grade_id"]: c.source
        for c in nb.cells
        if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")
    }


def half_done(released: Path, key: Path, target: Path) -> None:
    """The released worksheet with the first half (rounded up) of its code tasks solved from the key."""
    nb = nbformat.read(released, as_version=4)
    answers = solution_cells(nbformat.read(key, as_version=4))
    tasks = [c for c in nb.cells if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")]
    for cell in tasks[: (len(tasks) + 1) // 2]:
        cell.source = answers[cell.metadata["nbgrader"]["grade_id"]]
    nbformat.write(nb, target)


def build_and_grade(tmp: Path) -> dict[str, dict[str, dict]]:
    """Run the whole nbgrader cycle; return scores[student][notebook] = {"code", "max_code", "cells": {id: (score, max)}}."""
    from nbgrader.api import Gradebook

    course, home = tmp / "course", tmp / "home"
    source = course / "source" / ASSIGNMENT
    source.mkdir(parents=True)
    home.mkdir()
    for key in KEYS:
        shutil.copy(key, source / key.name)
    db = tmp / "gradebook.db"
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.CourseDirectory.root = {str(course)!r}\n"
        "c.CourseDirectory.course_id = 'middlepowers'\n"
        f"c.CourseDirectory.db_url = 'sqlite:///{db}'\n"
        "c.ExecutePreprocessor.timeout = 120\n" + CONFIG.read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    nbgrader(course, home, "generate_assignment", ASSIGNMENT, "--force")
    for student in STUDENTS:
        nbgrader(course, home, "db", "student", "add", student)
        submitted = course / "submitted" / student / ASSIGNMENT
        submitted.mkdir(parents=True)
        for key in KEYS:
            released = course / "release" / ASSIGNMENT / key.name
            if student == "key":
                shutil.copy(key, submitted / key.name)
            elif student == "untouched":
                shutil.copy(released, submitted / key.name)
            else:
                half_done(released, key, submitted / key.name)
    nbgrader(course, home, "autograde", ASSIGNMENT, "--force")
    nbgrader(course, home, "generate_feedback", ASSIGNMENT, "--force")
    scores: dict = {}
    with Gradebook(f"sqlite:///{db}") as gb:
        for student in STUDENTS:
            for key in KEYS:
                nb = gb.find_submission_notebook(key.stem, ASSIGNMENT, student)
                cells = {g.name: (g.score, g.max_score) for g in nb.grades if g.cell.cell_type == "code"}
                scores.setdefault(student, {})[key.stem] = {
                    "code": nb.code_score,
                    "max_code": nb.max_code_score,
                    "cells": cells,
                }
            feedback = course / "feedback" / student / ASSIGNMENT
            assert sorted(p.name for p in feedback.glob("*.html")) == sorted(k.stem + ".html" for k in KEYS)
    return scores


@pytest.fixture(scope="module")
def scores(tmp_path_factory):
    result = build_and_grade(tmp_path_factory.mktemp("autograde"))
    print("\nautograde scores (code points / max):")
    for student, notebooks in result.items():
        for name, s in notebooks.items():
            print(f"  {student:9s} {name}: {s['code']:g} / {s['max_code']:g}")
    return result


@pytest.mark.skipif(not KEYS, reason="no answer keys")
def test_every_code_task_has_an_autograder_test_cell():
    for key in KEYS:
        nb = nbformat.read(key, as_version=4)
        tasks = solution_cells(nb)
        tests = [
            c
            for c in nb.cells
            if c.cell_type == "code"
            and c.metadata.get("nbgrader", {}).get("grade")
            and not c.metadata["nbgrader"].get("solution")
        ]
        assert len(tests) == len(tasks) > 0, key.name
        for cell in tests:
            visible, _, rest = cell.source.partition("### BEGIN HIDDEN TESTS")
            assert "assert" in visible and "### END HIDDEN TESTS" in rest, cell.metadata["nbgrader"]["grade_id"]
            assert cell.metadata["nbgrader"]["points"] > 0


@pytest.mark.slow  # real nbgrader autograde of every worksheet (the shared `scores` fixture)
def test_answer_key_gets_full_marks_on_every_autograded_cell(scores):
    for name, s in scores["key"].items():
        assert s["cells"], name
        for cell, (got, most) in s["cells"].items():
            assert got == most > 0, f"{name} {cell}: {got} of {most}"


@pytest.mark.slow  # real nbgrader autograde of every worksheet (the shared `scores` fixture)
def test_untouched_worksheet_gets_zero(scores):
    for name, s in scores["untouched"].items():
        assert s["code"] == 0 and s["max_code"] > 0, name


@pytest.mark.slow  # real nbgrader autograde of every worksheet (the shared `scores` fixture)
def test_half_done_worksheet_gets_partial_marks(scores):
    for name, s in scores["half"].items():
        assert 0 < s["code"] < s["max_code"], f"{name}: {s['code']} of {s['max_code']}"


# ------------------------------------------------------------------ the judge (mpcourse.judge), no nbgrader run
def _specs():
    """(notebook, test cell grade_id, Spec) for every autograder test cell of every answer key."""
    from mpcourse.judge import is_test_cell, read_spec

    out = []
    for key in KEYS:
        for cell in nbformat.read(key, as_version=4).cells:
            if is_test_cell(cell):
                grade_id = cell.metadata["nbgrader"]["grade_id"]
                out.append((key, grade_id, read_spec(cell.source, f"{key.name} {grade_id}", ROOT)))
    return out


@pytest.mark.skipif(not KEYS, reason="no answer keys")
def test_every_test_cell_has_graded_cases_that_differ_from_the_practice_cases():
    from mpcourse.judge import graded_text

    specs = _specs()
    assert len(specs) == sum(len(solution_cells(nbformat.read(k, as_version=4))) for k in KEYS)
    for key, grade_id, spec in specs:
        assert spec.graded >= 2, f"{key.name} {grade_id}: at least two graded cases"
        practice = spec.cases[: len(spec.cases) - spec.graded]
        graded = spec.cases[len(spec.cases) - spec.graded :]
        assert practice, f"{key.name} {grade_id}: the judge runs the practice cases too"
        for case in graded:
            assert all(case.get("args") != p.get("args") or case.get("kwargs") != p.get("kwargs") for p in practice), (
                f"{key.name} {grade_id}: graded case {case.get('name')!r} has a practice case's inputs"
            )
    # the graded cases are nowhere in what students get
    for key in KEYS:
        released = (ROOT / "exercises" / key.name).read_text(encoding="utf-8")
        for cell in nbformat.read(key, as_version=4).cells:
            text = graded_text(cell.source) if "GRADED" in cell.source else None
            if text:
                for line in text.splitlines():
                    if line.startswith(("expect", "args")):
                        assert line not in released, f"{key.name}: {line}"


def _exported_helpers():
    """Every public function of the student package (middlepowers.*) a task could call."""
    import importlib
    import inspect
    import pkgutil

    import middlepowers

    helpers = {}
    for info in pkgutil.iter_modules(middlepowers.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"middlepowers.{info.name}")
        names = getattr(module, "__all__", None) or [n for n in vars(module) if not n.startswith("_")]
        for name in names:
            obj = getattr(module, name, None)
            if inspect.isfunction(obj) and obj.__module__.startswith("middlepowers"):
                helpers[f"{obj.__module__}.{obj.__name__}"] = obj
    return helpers


@pytest.mark.skipif(not KEYS, reason="no answer keys")
def test_no_graded_task_is_solved_by_one_call_to_a_package_helper(tmp_path, monkeypatch):
    """Each task's function replaced by `return helper(*args)`, for every exported helper of that arity, fails."""
    import inspect
    import json

    from middlepowers.checks import resolve_value
    from mpcourse.judge import judge
    from mpcourse.judgechild import to_plain

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MIDDLEPOWERS_PROGRESS", str(tmp_path / "progress.json"))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    helpers = _exported_helpers()
    assert {"middlepowers.concentration.hhi", "middlepowers.coalition.cohen_kappa"} <= set(helpers)
    tried = 0
    for key, grade_id, spec in _specs():
        inputs = [[resolve_value(v, ROOT) for v in case.get("args", [])] for case in spec.cases]
        for name, helper in helpers.items():
            try:
                inspect.signature(helper).bind(*inputs[0])
            except TypeError:
                continue  # another arity: not a one-line call with the task's arguments
            results = []
            for args in inputs:
                try:
                    results.append({"value": json.loads(json.dumps(to_plain(helper(*args))))})
                except Exception as error:  # noqa: BLE001 - the helper may reject the task's inputs
                    results.append({"error": [type(error).__name__, "", False]})
            tried += 1
            verdict = judge({"cells": [], "defined": True, "results": results}, spec)
            assert not verdict.ok, f"{key.name} {grade_id}: solved by one call to {name}"
    assert tried > 20


def _hhi_spec():
    from mpcourse.judge import read_spec

    key = ROOT / "solutions" / "worksheet-03-diversification.ipynb"
    cell = next(
        c
        for c in nbformat.read(key, as_version=4).cells
        if "test-my-hhi" == c.metadata.get("nbgrader", {}).get("grade_id")
    )
    return read_spec(cell.source, "test-my-hhi", ROOT)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


RIGHT = "def my_hhi(exports):\n    total = sum(exports.values())\n    return sum((100 * v / total) ** 2 for v in exports.values())\n"


def test_judge_passes_a_right_answer_and_fails_a_wrong_one():
    from mpcourse.judge import judge, run_child

    spec = _hhi_spec()
    status, report = run_child([RIGHT], spec)
    assert status == "done" and judge(report, spec).ok
    wrong = RIGHT.replace("** 2", "** 1")
    verdict = judge(run_child([wrong], spec)[1], spec)
    assert not verdict.ok and verdict.failures
    # the graded cases' expected values are not in the verdict (it reaches the student as feedback)
    shown = " ".join(f for f in verdict.failures if f.startswith("graded case"))
    assert shown
    for case in spec.cases[len(spec.cases) - spec.graded :]:
        assert f"{case['expect']:g}" not in shown and f"{case['expect']:,.0f}" not in shown


def test_judge_kills_the_whole_process_group_at_the_time_limit(tmp_path):
    from dataclasses import replace

    from mpcourse.judge import judge_cell, run_child

    pids = tmp_path / "pids"
    source = (
        "import os, subprocess, sys, time\n"
        f"child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        f"open({str(pids)!r}, 'w').write(str(child.pid))\n"
        "time.sleep(60)\n" + RIGHT
    )
    spec = replace(_hhi_spec(), timeout=5)
    status, _ = run_child([source], spec)
    assert status == "timeout"
    grandchild = int(pids.read_text())
    for _ in range(50):
        if not _alive(grandchild):
            break
        import time

        time.sleep(0.1)
    assert not _alive(grandchild), "a grandchild outlived the check"
    assert judge_cell is not None


def test_judge_child_has_a_memory_limit_and_a_crash_is_no_points():
    from mpcourse.judge import judge, run_child

    spec = _hhi_spec()
    hog = RIGHT.replace("    total =", "    blob = bytearray(8 * 1024**3)\n    total =")
    status, report = run_child([hog], spec)
    assert status == "done" and not judge(report, spec).ok
    assert "MemoryError" in " ".join(judge(report, spec).failures)
    status, report = run_child(["import os\nos._exit(0)\n" + RIGHT], spec)
    assert status == "crashed" and report is None


def _deep(n):
    value = []
    for _ in range(n):
        value = [value]
    return value


@pytest.mark.parametrize(
    "report",
    [
        None,
        [],
        {"defined": True, "results": "everything"},
        {"defined": True, "results": [{"value": {"__object__": "Everything"}}] * 9},
        {"defined": True, "results": [{"value": {"__series__": {"index": [], "values": []}}}] * 9},
        {"defined": True, "results": [{"error": ["NotImplementedError", "", True]}] * 9},
        {"defined": True, "results": [{"value": {"__frame__": {"columns": ["a"], "rows": [[1, 2]]}}}] * 9},
        {"defined": True, "results": [{"value": _deep(5000)}] * 9},
    ],
    ids=["none", "list", "results-not-a-list", "object", "empty-series", "not-written", "bad-frame", "deep"],
)
def test_judge_gives_no_points_for_a_forged_or_odd_report(report):
    from mpcourse.judge import judge

    assert not judge(report, _hhi_spec()).ok


def test_shipped_config_is_nbgraders_default_autograde_list_with_the_judge_before_save_auto_grades():
    """If an nbgrader upgrade changes its default list, this fails, and the shipped config is updated to match."""
    from nbgrader.converters import Autograde
    from traitlets.config import Config

    config = Config()
    exec(CONFIG.read_text(encoding="utf-8"), {"get_config": lambda: config})  # noqa: S102 - our own config file
    shipped = list(config.Autograde.autograde_preprocessors)
    from traitlets.utils.importstring import import_item

    default = list(Autograde.autograde_preprocessors.default())
    assert "mpcourse.judge.JudgeTests" in shipped
    without = [import_item(n) for n in shipped if n != "mpcourse.judge.JudgeTests"]
    assert without == default

    def short(name):
        return name.rsplit(".", 1)[1]

    assert shipped.index("mpcourse.judge.JudgeTests") == [short(n) for n in shipped].index("SaveAutoGrades") - 1
    assert shipped.index("mpcourse.judge.JudgeTests") > [short(n) for n in shipped].index("Execute")


def test_answer_cells_that_read_files_or_walk_frames_are_named_for_the_instructor():
    from mpcourse.judge import student_sources, suspicious_names

    assert suspicious_names([RIGHT]) == []
    assert suspicious_names(["import os, glob\nfrom pathlib import Path\nx = open('k').read()"]) == [
        "glob",
        "open",
        "os",
        "pathlib",
    ]
    for key in KEYS:  # the answer keys' own cells are not suspicious
        assert suspicious_names(student_sources(nbformat.read(key, as_version=4))[1:]) == [], key.name


@pytest.mark.parametrize(
    ("hidden", "says"),
    [
        ("assert True\n", "no GRADED"),
        ('GRADED = """\nquiz = \n"""\n', "not valid TOML"),
        ('GRADED = """\nquiz = "03-diversification"\nquestion = "my-hhi"\ncase = 1\n"""\n', "case"),
        (
            'GRADED = """\nquiz = "03-diversification"\nquestion = "nope"\n[[cases]]\nargs = [1]\nexpect = 1\n"""\n',
            "nope",
        ),
        ('GRADED = """\nquiz = "03-diversification"\nquestion = "my-hhi"\n[[cases]]\nargs = [1]\n"""\n', "expect"),
    ],
    ids=["missing", "bad-toml", "unknown-field", "unknown-question", "no-expectation"],
)
def test_a_malformed_graded_block_is_named_and_scores_zero_without_a_crash(hidden, says):
    from mpcourse.judge import SpecError, judge_cell, read_spec

    source = f"### BEGIN HIDDEN TESTS\n{hidden}### END HIDDEN TESTS\n"
    with pytest.raises(SpecError, match=says):
        read_spec(source, "test cell x", ROOT)
    cell = nbformat.v4.new_code_cell(source)
    verdict = judge_cell(nbformat.v4.new_notebook(cells=[cell]), cell, ROOT, "test cell x")
    assert not verdict.ok and "cannot be judged" in verdict.message
