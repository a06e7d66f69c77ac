"""The browser benchmark's bookkeeping, without a browser (fast; not marked ``browser``)."""

from __future__ import annotations

import json

from middlepowers import bench_browser as bb


def test_merge_keeps_other_benchmarks(tmp_path):
    out = tmp_path / "bench-results.json"
    out.write_text(json.dumps({"notebooks": {"x": 1}, "browser": {"old": True}}))
    bb.merge_results({"notebooks": {}, "target_s": 5.0}, out)
    data = json.loads(out.read_text())
    assert data["notebooks"] == {"x": 1}
    assert data["browser"] == {"notebooks": {}, "target_s": 5.0}


def test_merge_creates_the_file(tmp_path):
    out = tmp_path / "bench-results.json"
    bb.merge_results({"a": 1}, out)
    assert json.loads(out.read_text()) == {"browser": {"a": 1}}


def test_notebook_paths_globs_the_three_folders(tmp_path):
    for rel in ("notebooks/b.ipynb", "notebooks/a.ipynb", "solutions/a.ipynb", "exercises/a.ipynb", "other/x.ipynb"):
        (tmp_path / rel).parent.mkdir(exist_ok=True)
        (tmp_path / rel).write_text("{}")
    assert bb.notebook_paths(tmp_path) == [
        "notebooks/a.ipynb", "notebooks/b.ipynb", "solutions/a.ipynb", "exercises/a.ipynb"]


def test_counts_and_table():
    nb = {"cells": [
        {"cell_type": "code", "source": ['quiz.ask("a")\n', 'quiz.ask("b")']},
        {"cell_type": "markdown", "source": ['quiz.ask("not code")']},
        {"cell_type": "code", "source": ["   \n"]},
    ]}
    assert bb.count_quiz_asks(nb) == 2
    assert bb.expected_executions(nb) == 1
    figures = {"target_s": 5.0, "cpus": 2, "first_jupyterlab_load_s": 4.0, "load_average_1min_at_end": 1.0, "notebooks": {
        "notebooks/00.ipynb": {"widgets": 2, "notebook_shown_s": 1.0, "kernel_ready_s": 2.0,
                               "first_widget_s": 2.5, "last_widget_s": 3.0, "run_all_done_s": 3.1,
                               "under_target": True}}}
    table = bb.format_table(figures)
    assert "notebooks/00.ipynb" in table and "3.00" in table and "yes" in table


def test_copy_leaves_out_venv_git_and_progress(tmp_path):
    src = tmp_path / "src"
    for rel in (".venv/bin/python", ".git/HEAD", "notebooks/a.ipynb", ".middlepowers-progress.json",
                "data/article/x.txt"):
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        (src / rel).write_text("x")
    dst = bb.copy_repository(src, tmp_path / "dst")
    assert (dst / "notebooks/a.ipynb").exists() and (dst / "data/article/x.txt").exists()
    assert not (dst / ".venv").exists() and not (dst / ".git").exists()
    assert not (dst / ".middlepowers-progress.json").exists()
