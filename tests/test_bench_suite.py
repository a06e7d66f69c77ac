"""The suite benchmark's bookkeeping (tools/mpharness/bench_suite.py); the benchmark itself is `make bench`."""

from __future__ import annotations

from mpharness.bench_suite import compare_ids, has_target, main, table


def test_compare_ids_counts_per_module_and_lists_what_is_gone():
    old = ["tests/test_a.py::test_x", "tests/test_a.py::test_y", "notebooks/01.ipynb::Cell 0", "tests/b.py::t"]
    new = ["tests/test_a.py::test_x", "notebooks/01.ipynb::Cell 0", "notebooks/01.ipynb::Cell 1", "tests/c.py::t"]
    ids = compare_ids(old, new)
    assert ids["old_total"] == 4 and ids["new_total"] == 4
    assert ids["nbval_cells"] == {"old": 1, "new": 2}
    assert ids["per_module"]["tests/test_a.py"] == [2, 1]
    assert ids["per_module"]["tests/c.py"] == [0, 1]
    assert ids["removed"] == ["tests/b.py::t", "tests/test_a.py::test_y"]


def test_table_shows_both_tiers_the_ratio_and_every_removed_id():
    figures = {
        "old_rev": "abc",
        "new_rev": "HEAD",
        "cpus": 2,
        "install_seconds": {"old": 70.0, "new": 71.0},
        "tiers": {
            "full": {
                "old": {"median_seconds": 1000.0, "runs": [{"result": "1575 passed"}]},
                "new": {"median_seconds": 500.0, "runs": [{"result": "1580 passed"}]},
                "ratio_new_old": 0.5,
            },
            "fast": {"new": {"median_seconds": 60.0, "runs": [{"result": "1234 passed"}]}},
        },
        "ids": compare_ids(["tests/b.py::t"], []),
    }
    text = table(figures)
    assert "make test: old 1000.0 s (1575 passed); new 500.0 s (1580 passed), new/old 0.5" in text
    assert "make test-fast: new 60.0 s (1234 passed)" in text
    assert "    - tests/b.py::t" in text


def test_has_target_reads_the_makefile(tmp_path):
    (tmp_path / "Makefile").write_text("a:\n\ttrue\n")
    assert has_target(tmp_path, "a")
    assert not has_target(tmp_path, "test-fast")


def test_odd_arguments_get_a_message(capsys):
    assert main(["--old", "x", "--tiers", "slowest"]) == 2
    assert "--tiers takes fast, full" in capsys.readouterr().err
