"""The class load test's bookkeeping (tools/mpharness/classload.py); the load test itself is `make bench-class`."""

from __future__ import annotations

import json
import os

from mpharness.classload import merge_class_run, pss_bytes, stats, tree_pss  # noqa: E402


def test_stats_median_nearest_rank_p95_and_max():
    assert stats([]) == {}
    assert stats([3.0, None, 1.0, 2.0]) == {"median": 2.0, "p95": 3.0, "max": 3.0, "n": 3}
    twenty = stats([float(i) for i in range(1, 21)])
    assert twenty["p95"] == 19.0 and twenty["max"] == 20.0 and twenty["median"] == 10.5


def test_pss_of_this_process_is_positive_and_a_gone_process_is_zero():
    assert 0 < pss_bytes(os.getpid()) <= tree_pss(os.getpid())
    assert pss_bytes(2**22 + 7) == 0


def test_runs_are_listed_and_a_rerun_replaces_its_own(tmp_path):
    out = tmp_path / "bench-results.json"
    out.write_text(json.dumps({"hub": {"kept": True}}))
    merge_class_run(out, {"label": "", "students": 20, "failures": 0})
    merge_class_run(out, {"label": "", "students": 10, "failures": 1})
    merge_class_run(out, {"label": "", "students": 10, "failures": 0})
    merge_class_run(out, {"label": "old", "students": 10, "failures": 0})
    data = json.loads(out.read_text())
    assert data["hub"] == {"kept": True}
    assert [(r["label"], r["students"], r["failures"]) for r in data["class"]] == [
        ("", 10, 0),
        ("", 20, 0),
        ("old", 10, 0),
    ]
