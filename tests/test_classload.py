"""The class load test's bookkeeping (tools/mpharness/classload.py); the load test itself is `make bench-class`."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from mpharness.classload import merge_class_run, stats
from mpharness.common import ProcessSampler, pss_bytes, tree_memory, tree_pss


def test_stats_median_nearest_rank_p95_and_max():
    assert stats([]) == {}
    assert stats([3.0, None, 1.0, 2.0]) == {"median": 2.0, "p95": 3.0, "max": 3.0, "n": 3}
    twenty = stats([float(i) for i in range(1, 21)])
    assert twenty["p95"] == 19.0 and twenty["max"] == 20.0 and twenty["median"] == 10.5


def test_pss_of_this_process_is_positive_and_a_gone_process_is_zero():
    assert pss_bytes(os.getpid()) > 0
    assert pss_bytes(2**22 + 7) == 0


def test_tree_pss_counts_a_child():
    """A child holding 64 MiB of its own pages shows in the tree's PSS, not in the parent's.

    (Two readings of one process, taken a moment apart, may differ either way: a page another
    process maps meanwhile lowers this one's share. So the test compares a child's own memory.)
    """
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; b = bytes(range(256)) * (1 << 18); print('ready', flush=True); sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout.readline() == "ready\n"
        assert tree_pss(os.getpid()) - pss_bytes(os.getpid()) >= 60 << 20
        reading = tree_memory(os.getpid())
        assert reading.pss_children >= 60 << 20 and reading.rss_children >= 60 << 20
        assert reading.pss > reading.pss_children and reading.rss > reading.rss_children
        with ProcessSampler(os.getpid(), interval=0.01) as sampler:
            pass
        assert (
            sampler.samples >= 2 and sampler.peak.pss_children >= 60 << 20 and sampler.peak.rss >= reading.rss_children
        )
    finally:
        child.communicate("")


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
