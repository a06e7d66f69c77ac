"""The student-only copy (make student-repo): nothing an instructor keeps back, and every notebook still runs."""

from __future__ import annotations

import json
import os
import re
import subprocess

import nbformat
import pytest
from nbclient import NotebookClient

from middlepowers.paths import repo_root

ROOT = repo_root()

from mpcourse import studentrepo  # noqa: E402

LINK_RE = re.compile(r"\]\(([^)#\s]+\.(?:ipynb|md|csv|toml))\)")


@pytest.fixture(scope="module")
def copy(tmp_path_factory):
    dest = tmp_path_factory.mktemp("student") / "course"
    studentrepo.write_copy(dest)
    return dest


def test_copy_leaves_out_keys_hidden_tests_and_notes(copy):
    for gone in ("solutions", "instructors", "tests", "tools"):
        assert not (copy / gone).exists(), gone
    assert not studentrepo.leaks(copy)
    assert sorted(p.name for p in (copy / "exercises").glob("*.ipynb")) == sorted(
        p.name for p in (ROOT / "solutions").glob("*.ipynb")
    )
    assert (copy / "data" / "quizzes" / "README.md").is_file() and (copy / "src" / "middlepowers").is_dir()
    assert not list(copy.rglob(".middlepowers-progress*"))
    hidden = "\n".join(
        c.source
        for key in (ROOT / "solutions").glob("*.ipynb")
        for c in nbformat.read(key, as_version=4).cells
        if "BEGIN HIDDEN TESTS" in c.source
    )
    assert "BEGIN HIDDEN TESTS" in hidden  # the keys have hidden tests ...
    everything = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in copy.rglob("*.ipynb"))
    for line in hidden.splitlines():
        if line.strip().startswith("assert math.isclose"):
            assert line.strip() not in everything  # ... and none of their asserts reach the copy


def test_copy_reads_as_a_copy(copy):
    """The banner's links to what stays behind are absolute; the start notebook lists only folders the copy has."""
    readme = (copy / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("> **Student copy.**")
    assert not re.findall(r"\]\((?:solutions|instructors)/", readme)
    assert "](https://github.com/" in readme and "/blob/main/instructors/guide.md)" in readme
    start = (copy / "notebooks" / "index.ipynb").read_text(encoding="utf-8")
    assert "`instructors/`" not in start and "`exercises/`" in start
    nbformat.validate(nbformat.reads(start, as_version=4))


def test_make_test_in_the_copy_says_it_needs_the_full_repository(copy):
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    out = subprocess.run(["make", "--no-print-directory", "test"], cwd=copy, env=env, capture_output=True, text=True)
    assert out.returncode != 0
    assert "This is a student copy of the course" in out.stderr and "make lab works here" in out.stderr
    assert not (copy / ".venv").exists()  # stopped before installing anything


def test_copy_carries_the_committed_lessons_not_an_autosaved_one(tmp_path, capsys):
    """A lesson JupyterLab rewrote after a Run All (uncommitted) goes in as committed, with a warning."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    lesson = clone / "notebooks" / "01-two-stage-program.ipynb"
    committed = lesson.read_bytes()
    lesson.write_bytes(committed.replace(b'"cells"', b'"cells" ', 1))
    (clone / "notebooks" / "scratch.ipynb").write_text("{}", encoding="utf-8")  # untracked: never copied
    dest = tmp_path / "copy"
    studentrepo.write_copy(dest, root=clone)
    assert (dest / "notebooks" / "01-two-stage-program.ipynb").read_bytes() == committed
    assert not (dest / "notebooks" / "scratch.ipynb").exists()
    assert "notebooks/01-two-stage-program.ipynb" in capsys.readouterr().err


def test_links_between_notebooks_resolve_in_the_copy(copy):
    for nb_path in [*copy.glob("notebooks/*.ipynb"), *copy.glob("exercises/*.ipynb")]:
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] != "markdown":
                continue
            for link in LINK_RE.findall("".join(cell["source"])):
                if "://" not in link:
                    assert (nb_path.parent / link).resolve().is_file(), f"{nb_path.name} links to missing {link}"


def test_refuses_a_folder_in_use(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(FileExistsError):
        studentrepo.write_copy(tmp_path / "x")
    assert studentrepo.main([str(tmp_path / "x")]) == 2
    assert (tmp_path / "x" / "notes.txt").read_text(encoding="utf-8") == "mine"


NOTEBOOKS = sorted(
    p.relative_to(ROOT).as_posix() for p in [*ROOT.glob("notebooks/*.ipynb"), *ROOT.glob("exercises/*.ipynb")]
)


@pytest.mark.slow  # executes every notebook of the copy
@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_every_notebook_runs_from_the_copy(copy, notebook, tmp_path, monkeypatch):
    """Lessons and worksheets run top to bottom in the copy (a worksheet's unfinished tasks are tagged raises-exception)."""
    monkeypatch.setenv("PYTHONPATH", str(copy / "src"))  # the kernel imports the copy's package, not this checkout
    monkeypatch.setenv("MIDDLEPOWERS_PROGRESS", str(tmp_path / "progress.json"))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    path = copy / notebook
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    errors = [
        (i, o.get("ename"))
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code" and "raises-exception" not in c.metadata.get("tags", [])
        for o in c.outputs
        if o.output_type == "error"
    ]
    assert not errors, errors


def test_copy_carries_practice_cases_and_rubrics_but_no_graded_cases_or_model_answers(copy):
    """Issue 25: the quiz files keep what the instant checks and students need; what grades stays behind."""
    import tomllib

    from mpcourse.judge import graded_text

    assert not studentrepo.leaks(copy)
    text = "\n".join(
        p.read_text(encoding="utf-8")
        for p in copy.rglob("*")
        if p.is_file() and p.suffix in (".ipynb", ".toml", ".md", ".py")
    )
    assert "GRADED =" not in text and "One possible answer" not in text
    quizzes = {p.stem: tomllib.loads(p.read_text(encoding="utf-8")) for p in (copy / "data" / "quizzes").glob("*.toml")}
    code = [q for quiz in quizzes.values() for q in quiz["questions"] if q["type"] == "code"]
    reflections = [q for quiz in quizzes.values() for q in quiz["questions"] if q["type"] == "reflection"]
    assert code and all(q["cases"] for q in code)  # the practice cases
    assert reflections and all(q["rubric"] and "explanation" not in q for q in reflections)  # rubrics, no model answers
    # no graded case (its inputs) is in the copy
    for key in (ROOT / "solutions").glob("*.ipynb"):
        for cell in nbformat.read(key, as_version=4).cells:
            block = graded_text(cell.source) if "GRADED" in cell.source else None
            for case in tomllib.loads(block)["cases"] if block else []:
                assert all(case["args"] != p.get("args") for q in code for p in q["cases"]), case["name"]


def test_leaks_names_graded_cases_and_model_answers(tmp_path):
    (tmp_path / "exercises").mkdir()
    (tmp_path / "exercises" / "x.ipynb").write_text('{"source": "GRADED = \\"\\"\\"\\nquiz = 1"}', encoding="utf-8")
    (tmp_path / "data" / "quizzes").mkdir(parents=True)
    (tmp_path / "data" / "quizzes" / "q.toml").write_text(
        '[[questions]]\nid = "r"\ntype = "reflection"\nexplanation = "One possible answer: ..."\n', encoding="utf-8"
    )
    found = studentrepo.leaks(tmp_path)
    assert any("graded cases" in f for f in found) and any("model answer" in f for f in found), found


def test_make_student_repo_dest_dash_h_is_refused_not_help(tmp_path):
    """Issue 26 part 5: `make student-repo DEST=-h` printed argparse's help and exited 0."""
    import sys
    from pathlib import Path

    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    run = subprocess.run(
        [
            "make",
            "--no-print-directory",
            f"BIN={Path(sys.executable).parent}",
            "-o",
            ".venv/.installed",
            "student-repo",
            "DEST=-h",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert run.returncode != 0, run.stdout
    assert "usage:" not in run.stdout and "starts with '-'" in run.stderr
    assert studentrepo.main(["--", "-h"]) == 2 and studentrepo.main(["--", "--dest"]) == 2
