"""Small pieces every harness module shares: free ports, the results file, memory sampling."""

from __future__ import annotations

import json
import os
import socket
import threading
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


def publish_results(output: Path | None, key: str, figures, table: str) -> Path:
    """Merge ``figures`` under ``key`` into ``output`` (default: bench-results.json at the repository root), print ``table``."""
    out = Path(output) if output else repo_root() / "bench-results.json"
    merge_results(out, key, figures)
    print(table)
    print(f"written to {out} (key {key!r})")
    return out


class RssSampler:
    """Sample the RSS of a process plus all its descendants; keep the peak.

    ``with RssSampler(pid) as s: ...`` then ``s.peak`` (bytes, process tree
    total) and ``s.peak_children`` (bytes, descendants only: the kernels).
    """

    def __init__(self, pid: int, interval: float = 0.05):
        import psutil

        self._psutil = psutil
        self.root = psutil.Process(pid)
        self.interval = interval
        self.peak = 0
        self.peak_children = 0
        self.samples = 0
        self.seen: set = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def sample(self) -> int:
        """Take one sample now and return the tree's RSS in bytes."""
        psutil = self._psutil
        try:
            total = self.root.memory_info().rss
            children = self.root.children(recursive=True)
        except psutil.Error:
            return 0
        kids = 0
        for child in children:
            try:
                kids += child.memory_info().rss
                self.seen.add(child)
            except psutil.Error:
                pass
        total += kids
        self.peak = max(self.peak, total)
        self.peak_children = max(self.peak_children, kids)
        self.samples += 1
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def __enter__(self) -> RssSampler:
        self.sample()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()
