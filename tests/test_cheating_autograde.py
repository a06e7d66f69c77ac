"""A cheating suite for nbgrader autograde: every trick earns zero points, a real solution full marks.

One nbgrader course (the answer keys as the source, the course's shipped
``instructors/nbgrader_config.py``), one "student" per trick, one real
``nbgrader generate_assignment`` + ``autograde`` + ``generate_feedback`` run
for all of them. Each trick student submits the released worksheets with every
answer cell replaced by the trick (a prelude that tampers with the kernel, and
a function body that solves nothing). The verdict comes from
:mod:`mpcourse.judge`, outside the kernel the tricks ran in.

``pytest tests/test_cheating_autograde.py -s`` prints the points of every
trick. Before the judge (hidden tests in the student's kernel), the issue's
forgery (``forgery``) scored 13 of 13.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pytest

from middlepowers.paths import repo_root

pytestmark = pytest.mark.slow  # real nbgrader autograde (one run, shared by every test id)

ROOT = repo_root()
KEYS = sorted((ROOT / "solutions").glob("*.ipynb"))
CONFIG = ROOT / "instructors" / "nbgrader_config.py"
ASSIGNMENT = "worksheets"

#: objects that claim to equal anything (and to be as large, as long, as iterable as a test wants)
EVERYTHING = """
class Everything:
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    __lt__ = __le__ = __gt__ = __ge__ = __eq__
    def __hash__(self): return 0
    def __bool__(self): return True
    def __len__(self): return 2
    def __iter__(self): return iter([Everything(), Everything()])
    def __getitem__(self, key): return Everything()
    def __getattr__(self, name): return Everything()
    def __call__(self, *args, **kwargs): return Everything()
    def __float__(self): return 0.0
    def __int__(self): return 0
    def __sub__(self, other): return 0
    __rsub__ = __add__ = __radd__ = __mul__ = __rmul__ = __truediv__ = __sub__
    def __abs__(self): return 0
    def __contains__(self, item): return True
"""

PATCH_JUDGE = """
import math, middlepowers.checks as _checks
_checks.judge_case = lambda case, result: ""
_checks._judge = lambda case, result: ""
math.isclose = lambda *args, **kwargs: True
"""

SHADOW = """
dict = list = set = lambda *args, **kwargs: Everything()
len = lambda *args: 2
"""

#: prelude (run once, in the first answer cell) and the expression every answer function returns
TRICKS = {
    # the forgery: 13 of 13 before the judge
    "forgery": (EVERYTHING + PATCH_JUDGE + SHADOW, "Everything()"),
    "equal-to-everything": (EVERYTHING, "Everything()"),
    "patched-judge-and-isclose": (EVERYTHING + PATCH_JUDGE, "Everything()"),
    "shadowed-dict-list-len-set": (EVERYTHING + SHADOW, "Everything()"),
    "input-transformer-empties-later-cells": (
        "get_ipython().input_transformers_cleanup.append(lambda lines: [])\n",
        "None",
    ),
    "lying-eq-hash-float-array": (
        """
class Liar(float):
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __hash__(self): return 0
    def __float__(self): return 3800.0
    def __array__(self, *args, **kwargs):
        import numpy
        return numpy.array(3800.0)
    def __sub__(self, other): return 0
    __rsub__ = __sub__
    def __abs__(self): return 0
    def __len__(self): return 2
    def __iter__(self): return iter([Liar(0), Liar(0)])
    def __getitem__(self, key): return Liar(0)
""",
        "Liar(0)",
    ),
    "sys-modules-swap": (
        EVERYTHING
        + """
import sys, types
_fake_math = types.ModuleType("math")
_fake_math.isclose = lambda *args, **kwargs: True
sys.modules["math"] = _fake_math
_fake_checks = types.ModuleType("middlepowers.checks")
_fake_checks.__dict__.update(sys.modules["middlepowers.checks"].__dict__)
_fake_checks.judge_case = lambda case, result: ""
sys.modules["middlepowers.checks"] = _fake_checks
import middlepowers.quiz as _quiz
_quiz.checks = _fake_checks
""",
        "Everything()",
    ),
    "frame-walk-for-the-expected-value": (
        """
import sys
def _stolen():
    frame = sys._getframe(2)
    while frame is not None:
        for name in ("case", "expect", "expected"):
            value = frame.f_locals.get(name)
            if isinstance(value, dict) and "expect" in value:
                return value["expect"]
        frame = frame.f_back
    return 0
""",
        "_stolen()",
    ),
    # the practice cases are public (in the student copy): answer them by table lookup
    "memorised-practice-cases": (
        """
import glob, sys
def _memorised():
    from middlepowers.checks import resolve_value
    from middlepowers.paths import data_dir, repo_root
    from middlepowers.quizfile import load_quiz
    frame = sys._getframe(1)
    code = frame.f_code
    given = [frame.f_locals[n] for n in code.co_varnames[: code.co_argcount]]
    def same(a, b):
        try:
            return bool(a.equals(b)) if hasattr(a, "equals") else a == b
        except Exception:
            return False
    for path in glob.glob(str(data_dir("quizzes", "*.toml"))):
        for q in load_quiz(path).questions.values():
            if q.type == "code" and q.get("function") == code.co_name:
                for case in q.get("cases"):
                    args = [resolve_value(v, repo_root()) for v in case.get("args", [])]
                    if len(args) == len(given) and all(same(a, b) for a, b in zip(args, given)):
                        return case.get("expect")
    return None
""",
        "_memorised()",
    ),
    "showtraceback-disabled": (
        "import IPython.core.interactiveshell\n"
        "IPython.core.interactiveshell.InteractiveShell.showtraceback = lambda *args, **kwargs: None\n",
        "(_ for _ in ()).throw(ValueError('no answer'))",
    ),
}
STUDENTS = ("key", *TRICKS)

DEF_LINE = re.compile(r"^def [A-Za-z_]\w*\([^)]*\):\s*$", re.M)


def answer_cells(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")]


def tricked(released: Path, trick: str, target: Path) -> None:
    """The released worksheet with every code answer cell replaced by the trick."""
    prelude, returned = TRICKS[trick]
    nb = nbformat.read(released, as_version=4)
    for n, cell in enumerate(answer_cells(nb)):
        defs = DEF_LINE.findall(cell.source)
        assert defs, f"{released.name}: no function header in {cell.source!r}"
        body = "".join(f"{line}\n    return {returned}\n" for line in defs)
        cell.source = (prelude if n == 0 else "") + body
    nbformat.write(nb, target)


def build_and_grade(tmp: Path, config: str, students=STUDENTS) -> dict[str, dict[str, tuple[float, float]]]:
    """scores[student][notebook] = (code points, max code points), from nbgrader's gradebook."""
    from nbgrader.api import Gradebook

    from tests.test_autograde import nbgrader

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
        f"c.CourseDirectory.db_url = 'sqlite:///{db}'\n"
        "c.ExecutePreprocessor.timeout = 120\n" + config,
        encoding="utf-8",
    )
    nbgrader(course, home, "generate_assignment", ASSIGNMENT, "--force")
    for student in students:
        nbgrader(course, home, "db", "student", "add", student)
        submitted = course / "submitted" / student / ASSIGNMENT
        submitted.mkdir(parents=True)
        for key in KEYS:
            released = course / "release" / ASSIGNMENT / key.name
            if student == "key":
                shutil.copy(key, submitted / key.name)
            else:
                tricked(released, student, submitted / key.name)
    nbgrader(course, home, "autograde", ASSIGNMENT, "--force")
    nbgrader(course, home, "generate_feedback", ASSIGNMENT, "--force")
    scores: dict = {}
    with Gradebook(f"sqlite:///{db}") as gb:
        for student in students:
            for key in KEYS:
                nb = gb.find_submission_notebook(key.stem, ASSIGNMENT, student)
                scores.setdefault(student, {})[key.stem] = (nb.code_score, nb.max_code_score)
    (tmp / "course-dir").write_text(str(course), encoding="utf-8")
    return scores


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cheating")
    scores = build_and_grade(tmp, CONFIG.read_text(encoding="utf-8"))
    print("\ncheating suite (code points / max, all worksheets):")
    for student, notebooks in scores.items():
        got = sum(s for s, _ in notebooks.values())
        most = sum(m for _, m in notebooks.values())
        print(f"  {student:40s} {got:g} / {most:g}")
    return scores, Path((tmp / "course-dir").read_text(encoding="utf-8"))


@pytest.mark.parametrize("trick", sorted(TRICKS))
def test_trick_earns_no_points(graded, trick):
    scores, _ = graded
    points = {name: s for name, (s, _) in scores[trick].items()}
    assert sum(points.values()) == 0, f"{trick} earned undeserved points: {points}"


def test_answer_keys_still_score_full_marks(graded):
    scores, _ = graded
    for name, (got, most) in scores["key"].items():
        assert got == most > 0, f"{name}: {got} of {most}"


def test_feedback_shows_the_verdict_but_not_the_graded_cases(graded):
    _, course = graded
    for student in ("key", "forgery"):
        for key in KEYS:
            html = (course / "feedback" / student / ASSIGNMENT / f"{key.stem}.html").read_text(encoding="utf-8")
            assert "[[cases]]" not in html and "GRADED =" not in html, f"{student} {key.name}"
            assert ("judged outside your kernel" if student == "key" else "GradedTestFailed") in html


def test_autograde_without_the_judge_fails_closed(tmp_path):
    """An nbgrader config without mpcourse.judge gives zero points and says why; it never trusts the kernel."""
    scores = build_and_grade(tmp_path, "", students=("key",))
    assert sum(s for s, _ in scores["key"].values()) == 0, scores
    course = tmp_path / "course"
    html = (course / "feedback" / "key" / ASSIGNMENT / f"{KEYS[0].stem}.html").read_text(encoding="utf-8")
    assert "nbgrader_config.py" in html
