"""The student's progress file: every attempt at every check, never lost.

The file is JSON in the student's working copy (default
``<repo root>/.middlepowers-progress.json``, ignored by git so nbgitpuller
never conflicts; override with the environment variable
``MIDDLEPOWERS_PROGRESS`` = a file path). It looks like::

    {"format": "middlepowers-progress", "version": 1, "attempts": [{"notebook": "00-article-to-tidy-data", "question": "how-many-sentences",
                   "attempt": 1, "answer": "25", "correct": false}, ...]}

What the student can rely on (each promise has a test, see docs/reliability.md):

* Writes are atomic (a temporary file ``<name>.<pid>.<random>.tmp`` in the same
  folder, then ``os.replace``) and merged under an exclusive ``fcntl`` lock on
  a side file ``<name>.lock``, so two notebooks open at once never lose each
  other's attempts. Temporary files left by a writer that was killed are
  removed by the next save.
* A damaged progress file (unreadable JSON, truncated, binary, nested too
  deep, the wrong shape, or larger than :data:`MAX_FILE_BYTES`) is renamed
  aside to ``<name>.corrupt-<n>``, never deleted; the complete attempts that
  can still be read from it are carried over into the fresh file, and the
  message saying so is returned to the caller to show the student.
* The file is ours when it carries the format marker (``"format":
  "middlepowers-progress"``, its first key), has the collection's file name, or
  begins as the files written before the marker did. Any other file
  (``MIDDLEPOWERS_PROGRESS`` pointing at the user's own file, even one that
  starts with ``{`` or is empty; a FIFO; a device) is never moved, replaced or
  read past :data:`MAX_READ_BYTES`: saving is refused with a message.
* One attempt a line: a damaged record loses only itself; every other record
  is carried over. The ``.lock`` side file is never followed if it is a
  symbolic link.
* Whenever an attempt cannot be written (a folder in the file's place, a
  read-only folder, a full disk, a foreign file), it is kept in memory for the
  rest of the session (shown in summaries, filled back in) and written with
  the next save that succeeds; the student is told.
* Reading needs no write access: in a read-only folder earlier answers are
  still filled back in.
* An answer is stored with at most :data:`MAX_ANSWER_CHARS` characters (the
  check itself saw the whole answer).
* Only a judge writes "correct" (docs/reliability.md): each attempt's
  ``correct`` is what the check said when it ran, but no summary or report
  trusts it, since any code in the kernel can write this file. They grade the
  stored answer again (:func:`middlepowers.checks.judge_attempt`); for a code
  check that is its ``results``, the function's output on each case as plain
  data. A code attempt without ``results`` (written before they were kept)
  is shown as answered, not judged.

No timestamps are stored: nothing here should make a notebook's output vary.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from middlepowers.course import counts_for

try:  # fcntl is POSIX only; on Windows the lock degrades to "none".
    import fcntl
except ImportError:  # pragma: no cover - exercised on Windows only
    fcntl = None

ENV_VAR = "MIDDLEPOWERS_PROGRESS"
#: the progress file's name in the repository root (also in .gitignore and the hub harness)
FILE_NAME = ".middlepowers-progress.json"
VERSION = 1
#: the format marker, the first key of every file this module writes: a file without it (and not
#: named FILE_NAME, nor in the layout written before the marker) is the user's own and never moved
FORMAT = "middlepowers-progress"
_MARKER = b'"format": "middlepowers-progress"'
#: how the files written before the marker began (json.dump with indent=1, sort_keys=True)
_LEGACY_START = b'{\n "attempts": ['
#: longest stored answer, in characters (a long reflection is about 5,000); longer ones are cut
MAX_ANSWER_CHARS = 20_000
#: a progress file larger than this is set aside and carried over with long answers cut
#: (a whole course's attempts are well under 1 MB)
MAX_FILE_BYTES = 16 * 2**20
#: a progress file larger than this is set aside without being read at all
MAX_READ_BYTES = 512 * 2**20
#: attempts per question carried over from a file still too large once its answers are cut
KEEP_PER_QUESTION = 50
#: longest stored list of a code check's results, in characters of JSON (longer: not stored, not judged again)
MAX_RESULTS_CHARS = 200_000
#: nesting kept when storing an answer (deeper parts are stored as "…")
MAX_ANSWER_DEPTH = 20

#: attempts that could not be written yet, per progress file, for this process
_PENDING: dict[str, list[dict]] = {}


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


def _jsonable(value: Any, depth: int = 0) -> Any:
    """Turn an answer into something JSON can store (strings for the odd cases)."""
    if depth > MAX_ANSWER_DEPTH:
        return "…"
    if value is None or isinstance(value, (bool, str, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else repr(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return [_jsonable(v, depth + 1) for v in items]
    try:
        return repr(value)
    except Exception:  # a student's object whose repr fails
        return f"<{type(value).__name__}>"


def _stored_answer(value: Any) -> Any:
    """The answer as stored: JSON-able, and at most MAX_ANSWER_CHARS characters of JSON."""
    try:
        stored = _jsonable(value)
        text = stored if isinstance(stored, str) else json.dumps(stored, ensure_ascii=False)
    except Exception:  # an answer whose str or repr fails: keep what kind of thing it was
        return f"<{type(value).__name__}>"
    if len(text) <= MAX_ANSWER_CHARS:
        return stored
    return text[:MAX_ANSWER_CHARS] + f"… [cut: {len(text):,} characters in all]"


def _compact(attempts: list[dict]) -> list[dict]:
    """Attempts of a file that grew too large: answers cut; if still too large, the latest per question."""
    cut = [{**a, "answer": _stored_answer(a.get("answer"))} for a in attempts]
    if len(json.dumps(cut, ensure_ascii=False)) <= MAX_FILE_BYTES // 2:
        return cut
    seen: dict[tuple[str, str], int] = {}
    kept = []
    for a in reversed(cut):
        key = (str(a.get("notebook")), str(a.get("question")))
        seen[key] = seen.get(key, 0) + 1
        if seen[key] <= KEEP_PER_QUESTION:
            kept.append(a)
    return kept[::-1]


def _next_number(attempts: list[dict], notebook: str, question: str) -> int:
    """The next attempt number for (notebook, question): one more than the highest so far."""
    numbers = [a.get("attempt") for a in attempts if a.get("notebook") == notebook and a.get("question") == question]
    return 1 + max([n for n in numbers if isinstance(n, int) and not isinstance(n, bool)] + [len(numbers)])


class _Damaged(ValueError):
    """A progress file of ours that cannot be used as it is; ``salvaged`` = the attempts still readable."""

    def __init__(self, why: str, salvaged: list[dict] | None = None):
        super().__init__(why)
        self.salvaged = salvaged or []


class _Foreign(ValueError):
    """A file at the progress path that is not a progress file (the user's own): never moved or replaced."""


@dataclass
class Saved:
    """What happened when an attempt was saved."""

    attempt: int  #: this attempt's number for (notebook, question), from 1
    notice: str = ""  #: a message for the student (file set aside, or could not save); "" when all went well


#: where a stored attempt can begin: an object whose first key is one of an attempt's (sorted) keys
_RECORD_START = re.compile(r'\{\s*"(?:answer|attempt|correct|notebook|question)"')


def _is_record(item: Any) -> bool:
    """Whether a decoded item is an attempt: an object naming its notebook and question."""
    return isinstance(item, dict) and isinstance(item.get("notebook"), str) and isinstance(item.get("question"), str)


def _salvage(text: str) -> list[dict]:
    """Every complete attempt that can still be read from a damaged file, record by record.

    A record that cannot be decoded (single quotes, a control byte, a 5,000-digit number, deep
    nesting, a NUL byte, cut short) is skipped and the search goes on at the next record, so one bad
    record loses only itself."""
    decoder, found, end = json.JSONDecoder(), [], 0
    for match in _RECORD_START.finditer(text):
        if match.start() < end:
            continue  # inside a record already read
        try:
            item, stop = decoder.raw_decode(text, match.start())
        except (ValueError, RecursionError):
            continue
        if _is_record(item):
            found.append(item)
            end = stop
    return found


def _dump(data: dict) -> str:
    """The file's text: the format marker first, then one attempt a line (so damage stays local)."""
    lines = [json.dumps(a, ensure_ascii=False, sort_keys=True) for a in data["attempts"]]
    return f'{{"format": "{FORMAT}", "version": {VERSION}, "attempts": [\n' + ",\n".join(lines) + "\n]}\n"


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "not a regular file"


class ProgressStore:
    """Read and append attempts in one progress file (see the module docstring)."""

    def __init__(self, path: str | os.PathLike | None = None):
        self.path = Path(path) if path is not None else default_path()
        #: attempts not written yet (shared by every store of this file in this process)
        self._pending = _PENDING.setdefault(str(self.path.absolute()), [])

    # -- locking and raw I/O -------------------------------------------------
    @contextlib.contextmanager
    def _locked(self, write: bool):
        """Hold the side file's exclusive lock. A reader goes on without it when the lock file cannot
        be made (read-only folder): writes are atomic, so a reader never sees half a file."""
        lock_path = self.path.with_name(self.path.name + ".lock")
        # never follow a planted symbolic link, never wait on a FIFO
        flags = os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
        fd = None
        try:
            if write:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | flags, 0o644)
        except OSError as error:
            if write:
                raise _lock_error(lock_path, error) from None
            with contextlib.suppress(OSError):
                fd = os.open(lock_path, os.O_RDONLY | flags)
        try:
            if fd is not None and not stat.S_ISREG(os.fstat(fd).st_mode):
                os.close(fd)
                fd = None
                if write:
                    raise OSError(f"the lock file {lock_path.name} is not a regular file; remove it")
            if fd is not None and fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            if fd is not None:
                os.close(fd)  # closing releases the lock

    def _check_kind(self) -> None:
        """Raise _Foreign when the path is a FIFO, a device or a socket (checked before any lock file is made)."""
        try:
            mode = os.stat(self.path).st_mode
        except OSError:
            return  # missing (a fresh start) or unreachable: the open says why
        if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
            raise _Foreign(f"it is {_kind(mode)}")

    def _read_raw(self) -> tuple[bytes, int]:
        """(at most MAX_READ_BYTES + 1 bytes of the file, its size); never waits on a FIFO or reads a device."""
        self._check_kind()
        fd = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        try:
            info = os.fstat(fd)
            if stat.S_ISDIR(info.st_mode):
                raise IsADirectoryError(21, "Is a directory", str(self.path))
            if not stat.S_ISREG(info.st_mode):
                raise _Foreign(f"it is {_kind(info.st_mode)}")
            chunks, left = [], MAX_READ_BYTES + 1
            while left > 0:
                chunk = os.read(fd, min(left, 2**24))
                if not chunk:
                    break
                chunks.append(chunk)
                left -= len(chunk)
            raw = b"".join(chunks)
            return raw, max(info.st_size, len(raw))
        finally:
            os.close(fd)

    def _ours_by_name(self) -> bool:
        return self.path.name.startswith(FILE_NAME.removesuffix(".json"))

    def _parse(self) -> dict:
        """Read and check the file; raise _Damaged (with the salvaged attempts) or _Foreign.

        The file is ours when it carries the format marker, has the collection's own file name, or
        starts as the files written before the marker did; any other file is the user's own (_Foreign)."""
        raw, size = self._read_raw()
        if size > MAX_READ_BYTES:
            if not (self._ours_by_name() or _MARKER in raw[:4096] or raw.startswith(_LEGACY_START)):
                raise _Foreign("it has no middlepowers-progress marker")
            raise _Damaged(
                f"larger than {MAX_READ_BYTES // 2**20} MB; the fresh one keeps shorter answers",
                _compact(_salvage(raw[:MAX_READ_BYTES].decode("utf-8", "replace"))),
            )
        ours = self._ours_by_name() or _MARKER in raw[:4096] or raw.startswith(_LEGACY_START)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        data, problem = None, ""
        if text is None:
            problem = "not UTF-8 text"
        else:
            try:
                data = json.loads(text)
            except RecursionError:
                problem = "nested too deeply"
            except ValueError as error:  # also a number of more than 4,300 digits
                problem = error.__class__.__name__
        if not ours:
            raise _Foreign("it has no middlepowers-progress marker")
        if problem:
            raise _Damaged(problem, _salvage(text if text is not None else raw.decode("utf-8", "replace")))
        if not isinstance(data, dict) or not isinstance(data.get("attempts"), list):
            raise _Damaged("no list of attempts")
        kept = [a for a in data["attempts"] if _is_record(a)]
        if len(kept) < len(data["attempts"]):
            raise _Damaged("an attempt is not a record", kept)
        if size > MAX_FILE_BYTES:
            raise _Damaged(
                f"larger than {MAX_FILE_BYTES // 2**20} MB; the fresh one keeps shorter answers "
                f"and at most {KEEP_PER_QUESTION} attempts a question",
                _compact(kept),
            )
        return data

    def _set_aside(self, why: _Damaged) -> tuple[dict, str]:
        """Rename a damaged file to ``<name>.corrupt-<n>``; start afresh with what could be salvaged."""
        n = 1
        while True:
            aside = self.path.with_name(f"{self.path.name}.corrupt-{n}")
            if not os.path.lexists(aside):
                break
            n += 1
        os.replace(self.path, aside)
        fresh = {"version": VERSION, "attempts": why.salvaged}
        try:
            self._write_unlocked(fresh)
        except OSError:  # the salvaged attempts stay in memory, written with the next save
            self._pending[:0] = why.salvaged
            fresh["attempts"] = []
        kept = f"; {len(why.salvaged)} earlier attempts in it were carried over" if why.salvaged else ""
        return fresh, (
            f"⚠ Your progress file {self.path.name} could not be read ({why}); "
            f"it was kept as {aside.name} and a fresh one was started{kept}."
        )

    def _read_unlocked(self, write: bool) -> tuple[dict, str]:
        """Return (data, notice): the file's attempts (caller holds the lock when it can).

        A damaged file is set aside when writing (or when reading finds it can). A foreign file
        raises _Foreign. OSError (a folder in the file's place...) goes to the caller."""
        if not os.path.lexists(self.path):
            return {"version": VERSION, "attempts": []}, ""
        try:
            return self._parse(), ""
        except _Damaged as why:
            try:
                return self._set_aside(why)
            except OSError:
                if write:
                    raise
                return {"version": VERSION, "attempts": why.salvaged}, (
                    f"⚠ Your progress file {self.path.name} could not be read ({why})."
                )

    def _sweep(self) -> None:
        """Remove temporary files of writers that were killed mid-save (caller holds the lock)."""
        prefix = self.path.name + "."
        for entry in os.scandir(self.path.parent):
            name = entry.name
            if not (name.startswith(prefix) and name.endswith(".tmp")):
                continue
            pid = name[len(prefix) :].split(".", 1)[0]
            if fcntl is None and pid.isdigit() and _alive(int(pid)):
                continue  # without a lock, only files of dead writers are known to be stale
            with contextlib.suppress(OSError):
                os.unlink(entry.path)

    def _write_unlocked(self, data: dict) -> None:
        self._sweep()
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        try:
            with open(tmp, "x", encoding="utf-8") as handle:
                handle.write(_dump(data))
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    def _unsaved_notice(self, error: BaseException) -> str:
        if isinstance(error, _Foreign):
            why = (
                f"{self.path} is not a progress file ({error}), so it was left untouched; "
                f"set {ENV_VAR} to a new file name to save your answers"
            )
        elif isinstance(error, OSError):
            why = f"{self.path.name} cannot be written: {error.strerror or error}"
        else:
            why = f"{self.path.name} cannot be written ({error.__class__.__name__})"
        n = len(self._pending)
        return (
            f"⚠ Your attempt could not be saved: {why}. {n} unsaved attempt{'s' if n != 1 else ''} "
            f"kept while this notebook runs; saved with the next check that can write the file."
        )

    # -- public --------------------------------------------------------------
    def load(self) -> tuple[list[dict], str]:
        """Return (all attempts, saved and unsaved, notice). Sets a damaged file aside, as ``record`` does."""
        try:
            self._check_kind()  # a FIFO or a device: no lock file beside it
            with self._locked(write=False):
                data, notice = self._read_unlocked(write=False)
            saved = list(data["attempts"])
        except _Foreign as error:
            saved, notice = (
                [],
                (
                    f"⚠ {self.path} is not a progress file ({error}); it is left untouched and "
                    f"your answers are kept only while this notebook runs."
                ),
            )
        except (OSError, ValueError, RecursionError) as error:
            reason = getattr(error, "strerror", None) or error.__class__.__name__
            saved, notice = [], f"⚠ Could not read your progress file {self.path.name}: {reason}."
        return saved + self._pending, notice

    def attempts(self, notebook: str | None = None, question: str | None = None, root: Any = None) -> list[dict]:
        """Return the saved attempts, optionally only those that count for one notebook
        (:func:`for_notebook`: also those saved under its old id or file name) / one question."""
        found, _ = self.load()
        mine = found if notebook is None else for_notebook(found, notebook, root)
        return [a for a in mine if question is None or a.get("question") == question]

    def record(
        self, notebook: str, question: str, answer: Any, correct: bool | None, results: list | None = None
    ) -> Saved:
        """Append one attempt (merging with whatever other notebooks wrote) and return its number.

        ``correct`` is what the check said when it ran, kept for people reading the file; no reader
        trusts it (see the module docstring). ``results``: a code check's per-case outcomes (plain
        data), stored when their JSON has at most :data:`MAX_RESULTS_CHARS` characters.
        When the file cannot be written the attempt is kept in memory (see the module docstring)."""
        attempt = {"notebook": notebook, "question": question, "answer": _stored_answer(answer), "correct": correct}
        if results is not None:
            with contextlib.suppress(TypeError, ValueError, RecursionError):
                if len(json.dumps(results, ensure_ascii=False, allow_nan=False)) <= MAX_RESULTS_CHARS:
                    attempt["results"] = results
        try:
            self._check_kind()
            with self._locked(write=True):
                data, notice = self._read_unlocked(write=True)
                data["version"] = VERSION
                for new in [*self._pending, attempt]:
                    new["attempt"] = _next_number(data["attempts"], new["notebook"], new["question"])
                    data["attempts"].append(new)
                self._write_unlocked(data)
                self._pending.clear()
        except Exception as error:  # never a traceback, never a lost attempt
            attempt["attempt"] = _next_number(self.load()[0], notebook, question)
            self._pending.append(attempt)
            return Saved(attempt["attempt"], self._unsaved_notice(error))
        return Saved(attempt["attempt"], notice)

    def start_over(self, notebook: str, root: Any = None) -> str:
        """Set one notebook's attempts aside, so its checks start fresh; return a message saying where.

        Nothing is deleted: the attempts move to ``<name>.start-over-<n>`` beside the file (the same
        format, one attempt a line), and the other notebooks' attempts stay where they are."""
        try:
            self._check_kind()
            with self._locked(write=True):
                data, _ = self._read_unlocked(write=True)
                every = [*data["attempts"], *self._pending]
                moved = for_notebook(every, notebook, root)
                if not moved:
                    return f"There are no saved attempts at {notebook} to set aside."
                n = 1
                while os.path.lexists(aside := self.path.with_name(f"{self.path.name}.start-over-{n}")):
                    n += 1
                tmp = aside.with_name(f"{aside.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
                with open(tmp, "x", encoding="utf-8") as handle:
                    handle.write(_dump({"attempts": moved}))
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(tmp, aside)
                data["attempts"] = [a for a in every if not counts_for(a, notebook, root)]
                self._write_unlocked(data)
                self._pending.clear()
        except Exception as error:  # noqa: BLE001 - nothing moved: say why, never a traceback
            reason = getattr(error, "strerror", None) or error.__class__.__name__
            return f"⚠ Could not start {notebook} over ({reason}); your attempts are unchanged."
        return (
            f"↺ {len(moved)} attempt{'s' if len(moved) != 1 else ''} at {notebook} set aside in {aside.name} "
            f"(nothing deleted). Run the notebook again (Run All) for fresh checks."
        )


def for_notebook(attempts: list[dict], notebook: str, root: Any = None) -> list[dict]:
    """The attempts that count for the notebook with id ``notebook``: saved under it, or under
    an id or file name it replaced (:func:`middlepowers.course.current_notebook`; ``root`` is
    the collection whose ``data/course.toml`` says so, default the one this notebook runs in)."""
    return [a for a in attempts if counts_for(a, notebook, root)]


def _lock_error(lock_path: Path, error: OSError) -> OSError:
    """A clear error for a lock file that cannot be opened (a planted symbolic link: ELOOP)."""
    import errno

    if error.errno == errno.ELOOP:
        return OSError(f"the lock file {lock_path.name} is a symbolic link, which is never followed; remove it")
    return error


def _alive(pid: int) -> bool:
    """Whether a process with this id is running (for the lock-less sweep)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True
