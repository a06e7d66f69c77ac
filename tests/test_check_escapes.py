"""Escapes from the forked code-check child (issue 25): the child never returns into the caller, and garbage
on the pipe is a clear message, not a traceback."""

from __future__ import annotations

import os
import signal

from middlepowers import checks


def test_patched_os_exit_does_not_return_into_the_caller(tmp_path):
    parent, marker = os.getpid(), tmp_path / "child-returned"

    def job():
        os._exit = lambda status: None
        return 1

    status, _ = checks.run_isolated(job, 5)
    if os.getpid() != parent:  # a second copy of the caller runs on: record it and stop
        marker.write_text("returned")
        os.kill(os.getpid(), signal.SIGKILL)
    assert not marker.exists() and status in ("ok", "crashed")


def test_garbage_on_the_pipe_is_not_a_traceback():
    def job():
        checks._json_dumps = lambda value, **kw: "not JSON {["  # the child writes garbage to the pipe
        return 1

    status, _ = checks.run_isolated(job, 5)
    assert status == "garbage"
