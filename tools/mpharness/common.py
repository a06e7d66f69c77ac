"""Small pieces every harness module shares: free ports and the results file."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path


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
