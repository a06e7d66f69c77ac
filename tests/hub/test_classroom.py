"""A class on a real JupyterHub: link, pull, run a lesson, re-pull without losing work.

Two students open the instructor's nbgitpuller link (built by
``mpcourse.link``), log in through the hub's login form, get a server,
and land on nbgitpuller's page; the pull clones the collection (from a
``file://`` repository made of the current working tree) into their homes.
Each student's server runs a lesson through its kernel API, the student
records a quiz attempt (the progress file) and edits a notebook cell through
the contents API. The instructor then fixes a typo in another notebook and
commits; the students re-pull. Their progress and edits must survive and the
fix must arrive. Finally the hub and everything it started must be gone.

Per-student cost (peak RSS of a server plus its kernel while the lesson runs,
spawn-to-ready time) is printed, never asserted: see ``python -m
mpharness.bench_hub`` for the full figures.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

from mpcourse.link import nbgitpuller_link
from mpharness.common import ProcessSampler
from mpharness.hub import PROGRESS_FILE, MiB, git_commit_all

pytestmark = [pytest.mark.hub, pytest.mark.timeout(420)]

STUDENTS = ("ada", "grace")
LESSON = "notebooks/00-article-to-tidy-data.ipynb"
FALLBACK_LESSON = "notebooks/index.ipynb"
#: The lesson with the highest peak memory per student, as measured by
#: `python -m mpharness.bench_hub` (figures in instructors/guide.md).
HEAVIEST = "notebooks/02b-measuring-both-sides.ipynb"
STUDENT_NOTE = "# my note: {name} was here"
INSTRUCTOR_FIX = "<!-- typo fixed by the instructor (hub test) -->"

# Run in each student's kernel before the lesson: the helper package must
# come from the pulled copy (same commit as the notebooks), not the checkout.
WHERE_FROM = """
import pathlib, middlepowers
_here = pathlib.Path.cwd().resolve().parent
assert pathlib.Path(middlepowers.__file__).resolve().is_relative_to(_here), middlepowers.__file__
"""

# A quiz attempt through the widget's own check() (what the Check button
# calls); without quiz files, a direct record in the progress store.
QUIZ_ATTEMPT = """
from middlepowers.paths import repo_root
from middlepowers.progress import ProgressStore, default_path
_files = sorted((repo_root() / "data" / "quizzes").glob("*.toml"))
if _files:
    from middlepowers.quiz import Quiz
    _quiz = Quiz(_files[0].stem)
    _q = next(q for q in _quiz.spec.questions.values() if q.type != "code")
    _view = _quiz.view(_q.id)
    _answers = {{"single": lambda: _view.control.options[0][1], "numeric": lambda: "1",
                "reflection": lambda: "Reflection by {name}.",
                "multiple": lambda: list(_view.controls)[:1],
                "classify": lambda: {{k: d.options[1][1] for k, d in _view.controls.items()}}}}
    _view.value = _answers[_q.type]()
    _view.check()
else:
    ProgressStore().record("hub-test", "hub-test", "answer by {name}", None)
assert default_path().resolve() == (repo_root() / "{progress}").resolve(), default_path()
assert ProgressStore().attempts(), "no attempt saved"
"""


def _lesson(source: Path) -> str:
    return LESSON if (source / LESSON).exists() else FALLBACK_LESSON


def _other_notebook(source: Path, lesson: str) -> str:
    """A notebook other than the lesson, with a markdown cell, for the instructor's fix."""
    for path in sorted((source / "notebooks").glob("*.ipynb")):
        rel = path.relative_to(source).as_posix()
        if rel != lesson:
            return rel
    pytest.fail("the collection needs at least two notebooks in notebooks/ for the re-pull check")


def _failed(results) -> list:
    return [r for r in results if r.status != "ok" and not r.allowed_error]


def _failure(notebook: str, results) -> str:
    bad = _failed(results)[0]
    where = {-1: "the check that middlepowers comes from the pulled copy", -2: "the quiz attempt"}.get(
        bad.index, f"cell {bad.index}"
    )
    return f"{notebook} failed in {where}: {bad.error}"


def test_classroom_round_trip(hub, source_repo, root):
    lesson = _lesson(source_repo)
    assert (source_repo / lesson).exists(), f"no lesson notebook in {root / 'notebooks'}"
    other = _other_notebook(source_repo, lesson)
    repo_url = source_repo.as_uri()
    link = nbgitpuller_link(hub.url, repo_url, "main", "notebooks/index.ipynb", allow_local=True)
    col = hub.collection_dir
    figures: dict = {"hub_startup_s": round(hub.startup_seconds, 2)}
    clock = [time.monotonic()]

    def lap(label):
        clock.append(time.monotonic())
        figures[f"phase_{label}_s"] = round(clock[-1] - clock[-2], 2)

    # 1. Both students click the link, log in, get a server (concurrently, as in class).
    with ThreadPoolExecutor(len(STUDENTS)) as pool:
        students = dict(zip(STUDENTS, pool.map(lambda n: hub.login_via_link(n, link), STUDENTS)))
    for name, st in students.items():
        figures[f"{name}_spawn_to_ready_s"] = round(st.spawn_seconds, 2)
    lap("login_spawn")

    # 1b. A student's server loads only what students use (deploy/singleuser/):
    # JupyterLab answers (nbgitpuller: step 1), the classic Notebook UI, terminals and
    # nbgrader's pages are not there.
    for path, status in (("lab", 200), ("tree", 404), ("api/terminals", 404), ("formgrader", 404)):
        got = hub.api("GET", f"/user/ada/{path}", allow_redirects=False).status_code
        assert got == status, f"ada's server: GET {path} gave {got}, expected {status}"

    # 2. The pull nbgitpuller's page starts: the collection arrives in each home.
    for st in students.values():
        hub.pull(st, repo_url)
        assert (hub.collection(st.name) / lesson).is_file()
        assert (hub.collection(st.name) / "notebooks" / "index.ipynb").is_file()
    lap("first_pull")

    # 3. Each student's server runs the lesson through its kernel API, then the
    # student answers a check in the same kernel (the progress file); ada's is measured.
    def run(name):
        results = hub.run_notebook(
            name,
            f"{col}/{lesson}",
            code_prefix=WHERE_FROM,
            code_suffix=QUIZ_ATTEMPT.format(name=name, progress=PROGRESS_FILE),
        )
        return name, results

    with ThreadPoolExecutor(len(STUDENTS)) as pool:
        sampler = ProcessSampler(students["ada"].server_pid)
        idle = sampler.sample()
        t0 = time.monotonic()
        with sampler:
            ran = dict(pool.map(run, STUDENTS))
        figures["lesson_run_s_both_students"] = round(time.monotonic() - t0, 2)
    figures["ada_idle_server_mib"] = round(idle.rss / MiB, 1)
    figures["ada_peak_server_plus_kernel_mib"] = round(sampler.peak.rss / MiB, 1)
    figures["ada_peak_kernel_mib"] = round(sampler.peak.rss_children / MiB, 1)
    figures["ada_peak_server_plus_kernel_pss_mib"] = round(sampler.peak.pss / MiB, 1)
    for name, results in ran.items():
        assert results, f"{name}: no code cell ran"
        assert not _failed(results), f"{name}: {_failure(lesson, results)}"

    # 3b. ada also runs the heaviest lesson (measured by `python -m
    # mpharness.bench_hub`, which runs them all); it must run on the hub too.
    lap("lesson_00")
    peaks = {lesson: sampler.peak.rss}
    if HEAVIEST != lesson and (source_repo / HEAVIEST).exists():
        with ProcessSampler(students["ada"].server_pid) as heavy:
            results = hub.run_notebook("ada", f"{col}/{HEAVIEST}", code_prefix=WHERE_FROM)
        assert results and not _failed(results), f"ada: {_failure(HEAVIEST, results)}"
        peaks[HEAVIEST] = heavy.peak.rss
    lap("heaviest_lesson")
    heaviest = max(peaks, key=peaks.get)
    figures["heaviest_lesson"] = heaviest
    figures["heaviest_peak_server_plus_kernel_mib"] = round(peaks[heaviest] / MiB, 1)

    # 4. Each student edits a cell of the lesson (saved as JupyterLab saves).
    edited = {}
    for name in STUDENTS:
        assert ran[name][-1].index == -2, f"{name}: the quiz attempt did not run"
        model = hub.contents(name, f"{col}/{lesson}")
        cell = next(c for c in model["content"]["cells"] if c["cell_type"] == "code")
        cell["source"] = "".join(cell["source"]) + "\n" + STUDENT_NOTE.format(name=name)
        hub.save(name, f"{col}/{lesson}", model)
        edited[name] = cell["source"]
    lap("edit")
    progress_before = {n: (hub.collection(n) / PROGRESS_FILE).read_bytes() for n in STUDENTS}
    assert all(progress_before.values())

    # 5. The instructor fixes a typo in another notebook's markdown and commits.
    nb_path = source_repo / other
    nb = nbformat.read(nb_path, as_version=nbformat.NO_CONVERT)
    md = next(c for c in nb.cells if c.cell_type == "markdown")
    md.source += "\n\n" + INSTRUCTOR_FIX
    nbformat.write(nb, nb_path)
    git_commit_all(source_repo, f"Fix a typo in {other}")

    # 6. The students re-pull: the fix arrives, their work stays.
    for name, st in students.items():
        hub.pull(st, repo_url)
        fixed = hub.contents(name, f"{col}/{other}")["content"]["cells"]
        assert any(INSTRUCTOR_FIX in "".join(c["source"]) for c in fixed if c["cell_type"] == "markdown"), (
            f"{name}: the instructor's fix to {other} did not arrive"
        )
        mine = hub.contents(name, f"{col}/{lesson}")["content"]["cells"]
        first_code = next(c for c in mine if c["cell_type"] == "code")
        assert "".join(first_code["source"]) == edited[name], f"{name}: the edited cell changed on re-pull"
        assert (hub.collection(name) / PROGRESS_FILE).read_bytes() == progress_before[name], (
            f"{name}: the progress file changed on re-pull"
        )

    lap("instructor_fix_and_repull")
    print("\nper-student figures (hub test, 2 students on a shared machine):")
    for key, value in figures.items():
        print(f"  {key}: {value}")

    # 7. Stop everything the hub started, and check nothing is left.
    hub.stop()
    left = hub.leftovers()
    assert not left, "processes left after stopping the hub:\n" + "\n".join(left)
