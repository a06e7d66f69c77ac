"""The student's progress file: every attempt at every check, never lost.

The file is JSON in the student's working copy (default
``<repo root>/.middlepowers-progress.json``, ignored by git so nbgitpuller
never conflicts; override with the environment variable
``MIDDLEPOWERS_PROGRESS`` = a file path). It looks like::

    {"version": 1,
     "attempts": [{"notebook": "00-article-to-tidy-data", "question": "how-many-sentences",
                   "attempt": 1, "answer": "25", "correct": false}, ...]}

Writes are atomic (a temporary file in the same folder, then ``os.replace``)
and merged under an exclusive ``fcntl`` lock on a side file, so two notebooks
open at once never lose each other's attempts. A file that cannot be read is
renamed aside to ``<name>.corrupt-<n>`` and a fresh one is started; the
message saying so is returned to the caller to show the student.

No timestamps are stored: nothing here should make a notebook's output vary.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

try:  # fcntl is POSIX only; on Windows the lock degrades to "none".
    import fcntl
except ImportError:  # pragma: no cover - exercised on Windows only
    fcntl = None

ENV_VAR = "MIDDLEPOWERS_PROGRESS"
FILE_NAME = ".middlepowers-progress.json"
VERSION = 1


def default_path() -> Path:
    """Return the progress file in use: ``$MIDDLEPOWERS_PROGRESS`` or the repo root's file."""
    override = os.environ.get(ENV_VAR, "").strip()
    if override:
        return Path(override).expanduser()
    from middlepowers.paths import repo_root

    try:
        return repo_root() / FILE_NAME
    except FileNotFoundError:
        return Path.cwd() / FILE_NAME


def _jsonable(value: Any) -> Any:
    """Turn an answer into something JSON can store (strings for the odd cases)."""
    if value is None or isinstance(value, (bool, str, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else repr(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return [_jsonable(v) for v in items]
    return repr(value)


@dataclass
class Saved:
    """What happened when an attempt was saved."""

    attempt: int  #: this attempt's number for (notebook, question), from 1
    notice: str = ""  #: a message for the student (file set aside, or could not save); "" when all went well


class ProgressStore:
    """Read and append attempts in one progress file (see the module docstring)."""

    def __init__(self, path: str | os.PathLike | None = None):
        self.path = Path(path) if path is not None else default_path()

    # -- locking and raw I/O -------------------------------------------------
    @contextlib.contextmanager
    def _locked(self):
        lock_path = self.path.with_name(self.path.name + ".lock")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(lock_path, "a+") as handle:
            if fcntl is not None:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                if fcntl is not None:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def _set_aside(self) -> Path:
        n = 1
        while True:
            target = self.path.with_name(f"{self.path.name}.corrupt-{n}")
            if not target.exists():
                os.replace(self.path, target)
                return target
            n += 1

    def _read_unlocked(self) -> tuple[dict, str]:
        """Return (data, notice). A corrupt file is set aside (caller holds the lock)."""
        if not self.path.exists():
            return {"version": VERSION, "attempts": []}, ""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or not isinstance(data.get("attempts"), list):
                raise ValueError("no list of attempts")
            if not all(isinstance(a, dict) for a in data["attempts"]):
                raise ValueError("an attempt is not a record")
            return data, ""
        except (ValueError, UnicodeDecodeError) as error:
            aside = self._set_aside()
            return {"version": VERSION, "attempts": []}, (
                f"⚠ Your progress file {self.path.name} could not be read ({error.__class__.__name__}); "
                f"it was kept as {aside.name} and a fresh one was started."
            )

    def _write_unlocked(self, data: dict) -> None:
        fd, tmp = tempfile.mkstemp(prefix=self.path.name + ".", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, indent=1, ensure_ascii=False, sort_keys=True)
                handle.write("\n")
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    # -- public --------------------------------------------------------------
    def load(self) -> tuple[list[dict], str]:
        """Return (all attempts, notice). Sets a corrupt file aside, as ``record`` does."""
        try:
            with self._locked():
                data, notice = self._read_unlocked()
        except OSError as error:
            return [], f"⚠ Could not read your progress file {self.path.name}: {error.strerror or error}."
        return list(data["attempts"]), notice

    def attempts(self, notebook: str | None = None, question: str | None = None) -> list[dict]:
        """Return the saved attempts, optionally only one notebook's / question's."""
        found, _ = self.load()
        return [
            a
            for a in found
            if (notebook is None or a.get("notebook") == notebook)
            and (question is None or a.get("question") == question)
        ]

    def record(self, notebook: str, question: str, answer: Any, correct: bool | None) -> Saved:
        """Append one attempt (merging with whatever other notebooks wrote) and return its number."""
        try:
            with self._locked():
                data, notice = self._read_unlocked()
                number = 1 + sum(
                    1
                    for a in data["attempts"]
                    if a.get("notebook") == notebook and a.get("question") == question
                )
                data["version"] = VERSION
                data["attempts"].append(
                    {
                        "notebook": notebook,
                        "question": question,
                        "attempt": number,
                        "answer": _jsonable(answer),
                        "correct": correct,
                    }
                )
                self._write_unlocked(data)
        except OSError as error:
            return Saved(0, f"⚠ Your attempt could not be saved to {self.path.name}: {error.strerror or error}.")
        return Saved(number, notice)
