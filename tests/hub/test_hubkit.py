"""Unit tests of the hub test's machinery (mpharness.hub), no hub needed."""

from __future__ import annotations

import doctest
import json
import os
import subprocess

import pytest

from mpharness import hub as bench_hub
from mpharness.common import ProcessSampler, merge_results
from mpharness.hub import copy_working_tree, git_commit_all, make_source_repo, parse_sse


def test_parse_sse_reads_nbgitpuller_events():
    stream = [
        b'data: {"output": "Cloning\\n", "phase": "syncing"}',
        b"",
        b'data: {"phase": "finished"}',
        b"",
        b"data: not json",
    ]
    assert parse_sse(stream) == [
        {"output": "Cloning\n", "phase": "syncing"},
        {"phase": "finished"},
        {"phase": "raw", "output": "not json"},
    ]


def test_merge_results_keeps_other_keys(tmp_path):
    path = tmp_path / "bench-results.json"
    path.write_text(json.dumps({"notebooks": {"00": 1.5}}))
    merge_results(path, "hub", {"peak_rss_mib": 300.0})
    merge_results(path, "hub", {"peak_rss_mib": 310.0})
    assert json.loads(path.read_text()) == {"notebooks": {"00": 1.5}, "hub": {"peak_rss_mib": 310.0}}
    merge_results(tmp_path / "new.json", "hub", {})
    assert json.loads((tmp_path / "new.json").read_text()) == {"hub": {}}


@pytest.mark.parametrize("content", ["{not json", "[1, 2]"])
def test_merge_results_refuses_to_overwrite_a_strange_file(tmp_path, content):
    path = tmp_path / "bench-results.json"
    path.write_text(content)
    with pytest.raises(ValueError, match="not overwriting"):
        merge_results(path, "hub", {"x": 1})
    assert path.read_text() == content


def _git(repo, *args):
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def test_source_repo_is_the_working_tree_not_the_last_commit(tmp_path):
    tree = tmp_path / "tree"
    tree.mkdir()
    _git(tree, "init", "-q")
    (tree / ".gitignore").write_text("junk/\n*.log\n")
    (tree / "committed.txt").write_text("old\n")
    (tree / "gone.txt").write_text("x\n")
    (tree / "run.sh").write_text("#!/bin/bash\n")
    os.chmod(tree / "run.sh", 0o755)
    _git(tree, "add", "-A")
    _git(tree, "commit", "-q", "-m", "first")
    (tree / "committed.txt").write_text("edited, not committed\n")
    (tree / "new.txt").write_text("untracked\n")
    (tree / "gone.txt").unlink()
    (tree / "junk").mkdir()
    (tree / "junk" / "big.bin").write_text("ignored\n")
    (tree / "x.log").write_text("ignored\n")
    before = _git(tree, "status", "--porcelain")

    repo = make_source_repo(tree, tmp_path / "out", "collection")
    assert repo.name == "collection"
    assert sorted(_git(repo, "ls-files").split()) == [".gitignore", "committed.txt", "new.txt", "run.sh"]
    assert (repo / "committed.txt").read_text() == "edited, not committed\n"
    assert os.access(repo / "run.sh", os.X_OK)
    assert _git(repo, "status", "--porcelain") == ""
    assert _git(tree, "status", "--porcelain") == before  # the source is only read

    (repo / "new.txt").write_text("changed\n")
    head = git_commit_all(repo, "second")
    assert _git(repo, "rev-parse", "HEAD").strip() == head
    with pytest.raises(FileExistsError):
        copy_working_tree(tree, repo)


def test_process_sampler_sees_a_child_grow_and_keeps_the_peaks():
    """A server-like parent whose child takes 64 MiB: the sampler's peaks see the child, in RSS and in PSS.

    The sampled tree is a parent started for the test, not the test process:
    the test process may have other children (a worker's servers, kernels),
    and their PSS falls whenever a new process maps the same libraries.
    """
    import sys
    import time

    child = (
        "import sys, time; b = bytes(range(256)) * (256 * 1024); "  # 64 MiB, touched
        "print('ready', flush=True); time.sleep(1.0)"
    )
    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import subprocess, sys; sys.stdin.readline(); subprocess.run([sys.executable, '-c', {child!r}])",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        sampler = ProcessSampler(parent.pid, interval=0.01)
        baseline = sampler.sample()  # before the child exists
        assert baseline.rss > 0 and baseline.pss > 0 and baseline.rss_children == baseline.pss_children == 0
        parent.stdin.write("go\n")
        parent.stdin.flush()
        with sampler:
            assert parent.stdout.readline().strip() == "ready"
            time.sleep(0.1)
        assert sampler.samples >= 3
        for field in ("rss", "pss"):
            assert getattr(sampler.peak, field + "_children") >= 60 * 1024 * 1024, field
        assert sampler.peak.rss >= baseline.rss + 60 * 1024 * 1024
    finally:
        parent.kill()
        parent.wait()


def test_doctests():
    assert doctest.testmod(bench_hub).failed == 0
