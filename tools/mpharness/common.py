"""Small pieces every harness module shares: free ports, the results file, memory sampling."""

from __future__ import annotations

import json
import os
import socket
import sys
import threading
from dataclasses import astuple, dataclass
from pathlib import Path

from middlepowers.paths import repo_root


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def merge_results(path: Path, key: str, figures) -> dict:
    """Read ``path`` (JSON object; missing or empty counts as ``{}``), set ``key``, write back.

    Other keys are kept (other benchmarks write them). The write is atomic.
    A file that is not a JSON object raises ``ValueError`` naming the file,
    and is left as it was.
    """
    path = Path(path)
    data: dict = {}
    if path.exists() and path.read_text(encoding="utf-8").strip():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as err:
            raise ValueError(f"{path} is not valid JSON ({err}); not overwriting it") from None
        if not isinstance(data, dict):
            raise ValueError(f"{path} holds a JSON {type(data).__name__}, not an object; not overwriting it")
    data[key] = figures
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return data


def measure_and_publish(prog: str, output: Path | None, key: str, measure, table, errors: tuple) -> int:
    """A benchmark's command line after its arguments: ``measure()``, then publish; exit 1 with a message on ``errors``."""
    try:
        figures = measure()
    except errors as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return 1
    publish_results(output, key, figures, table(figures))
    return 0


def publish_results(output: Path | None, key: str, figures, table: str) -> Path:
    """Merge ``figures`` under ``key`` into ``output`` (default: bench-results.json at the repository root), print ``table``."""
    out = Path(output) if output else repo_root() / "bench-results.json"
    merge_results(out, key, figures)
    print(table)
    print(f"written to {out} (key {key!r})")
    return out


def pss_bytes(pid: int) -> int:
    """PSS of one process in bytes (0 when it is gone or unreadable).

    PSS (``/proc/PID/smaps_rollup``) shares each shared page out among the
    processes that map it: the figure to size a hub by. RSS counts a shared
    library once per process.
    """
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def tree(pid: int) -> list:
    """``psutil.Process`` objects of ``pid`` and all its descendants (empty if gone)."""
    import psutil

    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.Error:
        return []


def tree_pss(pid: int) -> int:
    """PSS of ``pid`` plus its descendants, in bytes."""
    return sum(pss_bytes(p.pid) for p in tree(pid))


@dataclass(frozen=True)
class TreeMemory:
    """One reading of a process tree, in bytes: RSS and PSS, of the whole tree and of the descendants alone."""

    rss: int = 0
    pss: int = 0
    rss_children: int = 0
    pss_children: int = 0


def tree_memory(pid: int) -> TreeMemory:
    """RSS and PSS of ``pid`` and its descendants (the kernels of a server), read together."""
    import psutil

    procs = tree(pid)
    if not procs:
        return TreeMemory()
    rss = [0] * len(procs)
    for i, proc in enumerate(procs):
        try:
            rss[i] = proc.memory_info().rss
        except psutil.Error:
            pass
    pss = [pss_bytes(proc.pid) for proc in procs]
    return TreeMemory(sum(rss), sum(pss), sum(rss[1:]), sum(pss[1:]))


class ProcessSampler:
    """Sample the RSS and PSS of a process plus all its descendants; keep the peaks.

    ``with ProcessSampler(pid) as s: ...`` then ``s.peak`` (a :class:`TreeMemory`
    whose every field is that field's peak: ``s.peak.pss`` for the whole tree,
    ``s.peak.pss_children`` for the descendants alone, the kernels). The one
    sampler of the harness: the notebook runner, the hub test and benchmark use
    it, and the class load test reads :func:`tree_memory` for each student.
    """

    def __init__(self, pid: int, interval: float = 0.05):
        self.pid = pid
        self.interval = interval
        self.peak = TreeMemory()
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def sample(self) -> TreeMemory:
        """Take one reading now, fold it into the peaks and return it."""
        now = tree_memory(self.pid)
        self.peak = TreeMemory(*(max(a, b) for a, b in zip(astuple(self.peak), astuple(now))))
        self.samples += 1
        return now

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def __enter__(self) -> ProcessSampler:
        self.sample()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()
