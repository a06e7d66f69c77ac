"""The browser benchmark's bookkeeping and the lab driver's pure helpers, without a browser (fast; not marked ``browser``)."""

from __future__ import annotations

import json

from mpharness import bench_browser as bb
from mpharness import lab
from mpharness.common import merge_results, publish_results


def test_merge_keeps_other_benchmarks(tmp_path):
    out = tmp_path / "bench-results.json"
    out.write_text(json.dumps({"notebooks": {"x": 1}, "browser": {"old": True}}))
    merge_results(out, "browser", {"notebooks": {}, "target_s": 5.0})
    data = json.loads(out.read_text())
    assert data["notebooks"] == {"x": 1}
    assert data["browser"] == {"notebooks": {}, "target_s": 5.0}


def test_merge_creates_the_file(tmp_path):
    out = tmp_path / "bench-results.json"
    merge_results(out, "browser", {"a": 1})
    assert json.loads(out.read_text()) == {"browser": {"a": 1}}


def test_publish_writes_under_its_key_and_prints_the_table(tmp_path, capsys):
    out = tmp_path / "bench-results.json"
    assert publish_results(out, "browser", {"a": 1}, "TABLE") == out
    assert json.loads(out.read_text()) == {"browser": {"a": 1}}
    assert capsys.readouterr().out == f"TABLE\nwritten to {out} (key 'browser')\n"


def test_notebook_paths_globs_the_three_folders(tmp_path):
    for rel in ("notebooks/b.ipynb", "notebooks/a.ipynb", "solutions/a.ipynb", "exercises/a.ipynb", "other/x.ipynb"):
        (tmp_path / rel).parent.mkdir(exist_ok=True)
        (tmp_path / rel).write_text("{}")
    assert lab.notebook_paths(tmp_path) == [
        "notebooks/a.ipynb",
        "notebooks/b.ipynb",
        "solutions/a.ipynb",
        "exercises/a.ipynb",
    ]


def test_counts_and_table():
    nb = {
        "cells": [
            {"cell_type": "code", "source": ['quiz.ask("a")\n', 'quiz.ask("b")']},
            {"cell_type": "markdown", "source": ['quiz.ask("not code")']},
            {"cell_type": "code", "source": ["   \n"]},
        ]
    }
    assert lab.count_quiz_asks(nb) == 2
    assert lab.expected_executions(nb) == 1
    row = {
        "widgets": 2,
        "notebook_shown_s": 1.0,
        "kernel_ready_s": 2.0,
        "first_widget_s": 2.5,
        "last_widget_s": 3.0,
        "run_all_done_s": 3.1,
        "run_all_to_last_widget_s": 1.0,
        "under_target": True,
    }
    slow = dict(row, last_widget_s=7.25, under_target=False)
    figures = {
        "target_s": 5.0,
        "cpus": 2,
        "first_jupyterlab_load_s": 4.0,
        "load_average_1min_at_end": 1.0,
        "openings": {
            "file_browser": {"how": "double-click", "notebooks": {"notebooks/00.ipynb": row}},
            "url": {"how": "a link", "notebooks": {"notebooks/00.ipynb": slow}},
        },
    }
    table = bb.format_table(figures)
    browser_block, url_block = table.split("Opened by url")
    assert "Opened by file browser: double-click" in browser_block
    assert "notebooks/00.ipynb" in browser_block and "3.00" in browser_block and "yes" in browser_block
    assert "7.25" in url_block and "NO" in url_block


def test_summary_is_the_median_and_judges_the_target():
    runs = [
        {
            "widgets": 1,
            "notebook_shown_s": v,
            "kernel_ready_s": v,
            "first_widget_s": v,
            "last_widget_s": v,
            "run_all_done_s": v,
            "run_all_to_last_widget_s": None,
            "under_target": v < 5,
        }
        for v in (4.0, 6.0, 5.5)
    ]
    got = bb.summarise(runs)
    assert got["last_widget_s"] == 5.5 and got["under_target"] is False
    assert got["run_all_to_last_widget_s"] is None


def test_copy_leaves_out_venv_git_and_progress(tmp_path):
    src = tmp_path / "src"
    for rel in (
        ".venv/bin/python",
        ".git/HEAD",
        "notebooks/a.ipynb",
        ".middlepowers-progress.json",
        "data/article/x.txt",
    ):
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        (src / rel).write_text("x")
    dst = lab.copy_repository(src, tmp_path / "dst")
    assert (dst / "notebooks/a.ipynb").exists() and (dst / "data/article/x.txt").exists()
    assert not (dst / ".venv").exists() and not (dst / ".git").exists()
    assert not (dst / ".middlepowers-progress.json").exists()


def test_students_get_the_binder_packages():
    students = lab.student_packages()
    assert {"jupyterlab", "ipywidgets", "jupyterlab-widgets", "nbgitpuller", "pandas"} <= students
    assert not {"nbgrader", "playwright", "pytest", "jupyterhub"} & students


def test_test_only_extensions_are_switched_off_and_the_students_are_not():
    """nbgrader (test-only) brings a JupyterLab extension and server extensions; Binder has neither."""
    lab_ext, server = lab.extensions_students_lack(lab.student_packages())
    assert "@jupyter/nbgrader" in lab_ext
    assert "nbgrader.server_extensions.formgrader" in server
    assert "@jupyter-widgets/jupyterlab-manager" not in lab_ext  # the widgets students need
    assert not any(name.startswith(("jupyterlab", "nbgitpuller", "jupyter_lsp")) for name in server)
    # Without the filter everything installed here counts, widgets included.
    everything, _ = lab.extensions_students_lack(set())
    assert "@jupyter-widgets/jupyterlab-manager" in everything
