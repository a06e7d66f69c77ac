"""A class report from the students' progress files: which checks the class missed, and how.

``python -m mpcourse.classreport PROGRESS_DIR [--out DIR] [--pseudonymise]``
(``make class-report PROGRESS=dir``) reads every ``*.json`` under
``PROGRESS_DIR`` (for example ``<student>/.middlepowers-progress.json`` copied
out of the hub's home folders, or ``<student>.json``) and writes to ``DIR``
(default ``class-report/``):

- ``report.md``: per check, how many students tried it, the share right first
  time and eventually, the median number of attempts (up to the first right
  one), and the most common wrong answers; then the reflections per question;
- ``report.csv``: the same numbers, one row per check;
- ``index.html``: one self-contained page (no script, no network) with a bar
  chart per notebook and the same tables.

A student's name is the file's stem, or the folder's name for a file called
``.middlepowers-progress.json`` or ``progress.json``. ``--pseudonymise``
replaces names with stable pseudonyms (``student-3f9a2c``): an HMAC of the
name under a random key, so the same student gets the same pseudonym on every
run but the pseudonyms cannot be reversed by hashing a class list. The key is
the instructor's, never the class's: it lives in
``$XDG_CONFIG_HOME/middlepowers/pseudonym-key`` (``~/.config/...``; created on
first use, mode 0600), or in the file named by ``--key-file`` or by the
environment variable ``MIDDLEPOWERS_PSEUDONYM_KEY``. A key inside the progress
folder or the report folder (the folders an instructor hands around), a key
others can read, or the ``.pseudonym-key`` older versions left in the progress
folder stops the report before it writes anything (fail closed); no real name
then reaches any output, the skipped-files list and stderr included, and the
progress folder is only read (it may be read-only).

A student's download from the course website ("Download my answers",
``middlepowers-site-answers.json``; format in ``docs/site-answers.md``) is read
too: it belongs to the folder it sits in (or, at the top, to its stem), so a
student who used the kernel and the site is one student, and its answers are
graded again like every other attempt (the verdict the page saved is never
trusted).

Broken, empty and foreign files are listed in the report and skipped; one bad
file never stops it. A damaged file's readable attempts are still counted
(record by record, as the progress file itself salvages them), and a file over
:data:`MAX_FILE_BYTES` is read one record at a time with bounded memory: at
most :data:`KEEP_PER_QUESTION` attempts a question (and the last), the number
left out named in the report.
"""

from __future__ import annotations

import argparse
import csv
import errno
import hashlib
import hmac
import html
import io
import json
import os
import re
import secrets
import stat
import statistics
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from middlepowers.checks import judge_attempt, parse_number
from middlepowers.course import UnknownNotebook, current_notebook
from middlepowers.paths import repo_root
from middlepowers.progress import KEEP_PER_QUESTION, _salvage
from middlepowers.quizfile import Question, QuizFormatError, load_quiz

GENERIC_NAMES = {".middlepowers-progress.json", "progress.json"}
#: where older versions kept the pseudonym key (inside the progress folder): refused, with how to move it
OLD_KEY_FILE = ".pseudonym-key"
#: the environment variable naming the pseudonym key file (``--key-file`` wins)
KEY_ENV = "MIDDLEPOWERS_PSEUDONYM_KEY"
TOP_WRONG = 3
#: a progress file up to this size is read whole; a larger one (the student's store keeps its files
#: under it) is read one record a line, keeping at most this much of its attempts
MAX_FILE_BYTES = 16 * 2**20
#: one record (one line of a progress file) longer than this is skipped: the store writes none
#: (an answer is at most 20,000 characters and a code check's results 200,000)
MAX_RECORD_BYTES = 2 * 2**20


@dataclass
class CheckStats:
    """What the class did on one graded check."""

    notebook: str
    question: Question
    tried: int = 0
    first_time: int = 0
    eventually: int = 0
    attempts: list[int] = field(default_factory=list)
    wrong: Counter = field(default_factory=Counter)
    #: attempts the judge could not grade again (a code check stored without its results)
    not_judged: int = 0

    @property
    def median_attempts(self) -> float | None:
        return statistics.median(self.attempts) if self.attempts else None

    def share(self, n: int) -> float | None:
        return n / self.tried if self.tried else None


@dataclass
class ClassData:
    students: dict[str, list[dict]]
    skipped: list[str]
    #: what the instructor is told on stderr (a new pseudonym key, where it is)
    notices: list[str] = field(default_factory=list)
    #: attempts read from the website's downloads ("Download my answers")
    from_site: int = 0


# --------------------------------------------------------------------------- reading
def student_name(path: Path, base: Path) -> str:
    """The file's stem, or its folder's path for a generic file name."""
    if path.name in GENERIC_NAMES:
        rel = path.parent.relative_to(base)
        return rel.as_posix() if rel.parts else base.name
    return path.relative_to(base).with_suffix("").as_posix()


#: how a download from the website ("Download my answers", docs/site-answers.md) begins: its browser's id
SITE_HEADER = re.compile(
    rb'\A\{"format": "middlepowers-progress", "version": 1, "source": "website", "browser": "([0-9a-f]{16})"'
)


def site_student_name(path: Path, base: Path) -> str:
    """Whose website download this is: its folder's (``alice/middlepowers-site-answers.json``: alice),
    or at the top its stem without the browser's `` (1)`` (``alice (1).json``: alice)."""
    if path.parent != base:
        return path.parent.relative_to(base).as_posix()
    return re.sub(r" ?\(\d+\)$", "", path.stem) or path.stem


def read_progress(path: Path) -> tuple[list[dict], str]:
    """(valid attempts, problem) for one file; problem is "" when the file is usable.

    Only regular files are opened (never a FIFO or a device). A file up to MAX_FILE_BYTES is read
    whole; a damaged one gives its readable records; a larger one is read record by record."""
    return read_file(path)[:2]


def read_file(path: Path) -> tuple[list[dict], str, str]:
    """(valid attempts, problem, browser): ``browser`` is the id of the browser a website download
    came from, "" for a progress file the kernel wrote."""
    attempts, problem, raw = _read(path)
    site = SITE_HEADER.match(raw[:200])
    return attempts, problem, site.group(1).decode() if site else ""


def _read(path: Path) -> tuple[list[dict], str, bytes]:
    """(attempts, problem, the bytes read: at least the file's first ones)."""
    raw = b""
    try:
        mode = os.stat(path).st_mode
        if not stat.S_ISREG(mode):
            return [], "is not a regular file (a FIFO, a device or a folder)", raw
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return [], "is not a regular file (a FIFO, a device or a folder)", raw
            with os.fdopen(os.dup(fd), "rb") as handle:
                raw = handle.read(MAX_FILE_BYTES + 1)
                if len(raw) > MAX_FILE_BYTES:
                    handle.seek(0)
                    return (*_read_large(handle), raw[:200])
        finally:
            os.close(fd)
    except OSError as error:
        return [], f"cannot be read ({error.strerror or error})", raw
    if not raw.strip():
        return [], "is empty", raw
    try:
        data = json.loads(raw.decode("utf-8"))
    except (RecursionError, UnicodeDecodeError, ValueError) as error:  # ValueError: also 4,300+ digits
        why = "nested too deeply" if isinstance(error, RecursionError) else error.__class__.__name__
        salvaged = [a for a in _salvage(raw.decode("utf-8", "replace")) if _usable(a)]
        if salvaged:
            return salvaged, f"is damaged ({why}); its {len(salvaged)} readable attempts were counted", raw
        return [], f"is not JSON ({why})", raw
    if not isinstance(data, dict) or not isinstance(data.get("attempts"), list):
        return [], "is not a middlepowers progress file (no list of attempts)", raw
    good = [a for a in data["attempts"] if _usable(a)]
    bad = len(data["attempts"]) - len(good)
    return good, (f"{bad} of {len(data['attempts'])} attempts are malformed and were skipped" if bad else ""), raw


def _usable(a: Any) -> bool:
    """Whether a decoded item is an attempt the report can count."""
    return (
        isinstance(a, dict)
        and isinstance(a.get("notebook"), str)
        and isinstance(a.get("question"), str)
        and a.get("correct") in (True, False, None)
    )


def _read_large(handle) -> tuple[list[dict], str]:
    """A file over MAX_FILE_BYTES, read one line (one record, as the store writes them) at a time.

    Memory stays bounded: a line over MAX_RECORD_BYTES is skipped unread, and at most
    KEEP_PER_QUESTION attempts a question are kept (the store's own cap for an oversized file),
    plus the last one (a reflection's answer), in all at most twice MAX_FILE_BYTES of records. What is
    left out is counted and named, never dropped silently."""
    kept: dict[tuple[str, str], list[dict]] = {}
    last: dict[tuple[str, str], dict] = {}
    last_size: dict[tuple[str, str], int] = {}
    budget, last_budget, records, too_long, bad = MAX_FILE_BYTES, MAX_FILE_BYTES, 0, 0, 0
    while line := handle.readline(MAX_RECORD_BYTES + 1):
        if len(line) > MAX_RECORD_BYTES:
            too_long += 1
            while line and not line.endswith(b"\n"):  # the rest of this line, a chunk at a time
                line = handle.readline(MAX_RECORD_BYTES)
            continue
        text = line.strip().rstrip(b",")
        if not text.startswith(b'{"') or text.startswith(b'{"format"'):
            continue  # not a record of the one-attempt-a-line layout
        try:
            item = json.loads(text.decode("utf-8"))
        except (RecursionError, UnicodeDecodeError, ValueError):
            bad += 1
            continue
        if not _usable(item):
            bad += 1
            continue
        records += 1
        key = (item["notebook"], item["question"])
        tries = kept.get(key)  # (never a new empty list per key: a million keys would be a million lists)
        if (tries is None or len(tries) < KEEP_PER_QUESTION) and budget >= len(text):
            kept.setdefault(key, []).append(item)
            budget -= len(text)
        elif tries and last_budget >= len(text) - last_size.get(key, 0):
            last_budget -= len(text) - last_size.get(key, 0)
            last[key], last_size[key] = item, len(text)
    attempts = [a for key, tries in kept.items() for a in tries + ([last[key]] if key in last else [])]
    if not attempts and not bad and not too_long:
        return [], f"is larger than {MAX_FILE_BYTES // 2**20} MB and holds no attempt a line"
    notes = [f"is larger than {MAX_FILE_BYTES // 2**20} MB: read record by record, {len(attempts):,} attempts counted"]
    if left_out := records - len(attempts):
        notes.append(
            f"{left_out:,} attempts were not counted (at most {KEEP_PER_QUESTION} a question and the last, "
            f"{MAX_FILE_BYTES // 2**20} MB in all)"
        )
    if too_long:
        notes.append(f"{too_long:,} record{'s' * (too_long > 1)} over {MAX_RECORD_BYTES // 2**20} MB skipped")
    if bad:
        notes.append(f"{bad:,} malformed record{'s' * (bad > 1)} skipped")
    return attempts, "; ".join(notes)


#: folders never searched for progress files: environments, packages, caches, git
SKIP_DIRS = {"node_modules", "__pycache__", "site-packages"}


def progress_candidates(progress: Path, unreadable: list[Path] | None = None) -> list[Path]:
    """Every ``*.json`` under ``progress``, except inside hidden folders (``.git``, ``.venv``) and :data:`SKIP_DIRS`.

    An instructor may point the report at a course checkout (where a student's
    ``.middlepowers-progress.json`` sits beside ``node_modules`` and ``.venv``):
    only the course's own folders are read. A folder that cannot be listed is
    added to ``unreadable`` (never skipped silently).
    """
    found = []

    def cannot_list(error: OSError) -> None:
        if unreadable is not None and error.filename:
            unreadable.append(Path(error.filename))

    for folder, dirs, files in os.walk(progress, onerror=cannot_list):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIP_DIRS)
        found += [Path(folder) / f for f in files if f.endswith(".json")]
    return sorted(found)


def students_text(n: int) -> str:
    """``1 student``, ``2 students``."""
    return f"{n} student" if n == 1 else f"{n} students"


def collect(
    progress: Path, pseudonymise: bool = False, key_file: Path | None = None, out: Path | None = None
) -> ClassData:
    """Read every progress file under ``progress``; report the ones skipped and why.

    With ``pseudonymise`` no real name (a file's or a folder's) is kept: a skipped file is named by
    its pseudonym alone. Nothing is written under ``progress``."""
    students: dict[str, list[dict]] = {}
    skipped: list[str] = []
    notices: list[str] = []
    key = pseudonym_key(progress, key_file, out, notices) if pseudonymise else b""
    unreadable: list[Path] = []
    candidates = progress_candidates(progress, unreadable)
    for folder in unreadable:
        rel = folder.relative_to(progress).as_posix() if folder != progress else progress.name
        shown = pseudonym(rel, key) if pseudonymise else rel + "/"
        skipped.append(f"{shown}: folder cannot be read (permission denied?); its files were not counted")
    downloads: list[tuple[str, str, list[dict]]] = []
    for path in candidates:
        attempts, problem, browser = read_file(path)
        name = (site_student_name if browser else student_name)(path, progress)
        if pseudonymise:
            name = pseudonym(name, key)
        rel = name if pseudonymise else path.relative_to(progress).as_posix()
        if problem:
            skipped.append(f"{rel}: {problem}")
        if not attempts:
            if not problem:
                skipped.append(f"{rel}: has no attempts yet")
            continue
        if browser:
            downloads.append((name, browser, attempts))
            continue
        while name in students:
            name += "+"
        students[name] = attempts
    seen: set[tuple] = set()
    for name, browser, attempts in downloads:  # after the kernel's files: one student, kernel attempts first
        mine = students.setdefault(name, [])
        for a in attempts:
            number = a.get("attempt") if type(a.get("attempt")) is int else id(a)
            if (name, browser, a["notebook"], a["question"], number) not in seen:  # the same attempt downloaded twice
                seen.add((name, browser, a["notebook"], a["question"], number))
                mine.append(a)
    return ClassData(students, skipped, notices, sum(len(d[2]) for d in downloads))


class PseudonymKeyError(ValueError):
    """The pseudonym key cannot be used safely (where others could read it) or at all."""


def default_key_path() -> Path:
    """``$MIDDLEPOWERS_PSEUDONYM_KEY``, else ``$XDG_CONFIG_HOME/middlepowers/pseudonym-key`` (``~/.config``)."""
    named = os.environ.get(KEY_ENV, "").strip()
    if named:
        return Path(named).expanduser()
    config = os.environ.get("XDG_CONFIG_HOME", "").strip()
    return (Path(config) if config else Path.home() / ".config") / "middlepowers" / "pseudonym-key"


def _inside(path: Path, folder: Path | None) -> bool:
    if folder is None:
        return False
    path, folder = path.resolve(), folder.resolve()
    return path == folder or folder in path.parents


def pseudonym_key(
    progress: Path, key_file: Path | None = None, out: Path | None = None, notices: list[str] | None = None
) -> bytes:
    """The instructor's random pseudonym key, created on first use (mode 0600), never inside ``progress`` or ``out``.

    Fails closed (:class:`PseudonymKeyError`): a key in a folder handed around, one others can read,
    one that is not a key, or the key older versions kept in ``progress/.pseudonym-key``."""
    path = Path(key_file).expanduser() if key_file else default_key_path()
    old = progress / OLD_KEY_FILE
    if os.path.lexists(old):
        raise PseudonymKeyError(
            f"{old} is a pseudonym key inside the progress folder: whoever holds the folder could reverse the "
            f"pseudonyms. Move it out of the folder (mv {old} {path}) to keep the same pseudonyms, or delete it."
        )
    for folder, what in ((progress, "the progress folder"), (out, "the report folder")):
        if _inside(path, folder):
            raise PseudonymKeyError(
                f"the pseudonym key {path} is inside {what}: whoever holds the folder could reverse the "
                "pseudonyms. Keep the key elsewhere (--key-file, or the default in ~/.config/middlepowers/)."
            )
    try:
        if not os.path.lexists(path):
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(secrets.token_hex(32) + "\n")
            if notices is not None:
                notices.append(
                    f"created a new pseudonym key in {path}: keep it (and out of the folders you hand around) "
                    "to get the same pseudonyms next time"
                )
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise PseudonymKeyError(f"the pseudonym key {path} is not a regular file")
            if info.st_mode & 0o077:
                raise PseudonymKeyError(
                    f"the pseudonym key {path} can be read by others (mode {stat.filemode(info.st_mode)}): "
                    f"whoever reads it could reverse the pseudonyms. Run: chmod 600 {path}"
                )
            text = handle.read(1024).strip()
    except OSError as error:
        hint = "a symbolic link is not followed" if error.errno == errno.ELOOP else error.strerror or str(error)
        raise PseudonymKeyError(f"the pseudonym key {path} cannot be read or created ({hint})") from None
    if len(text) < 32 or not re.fullmatch(rb"[0-9a-fA-F]+", text):
        raise PseudonymKeyError(f"{path} is not a pseudonym key (64 hexadecimal digits, as the report writes them)")
    return text


def pseudonym(name: str, key: bytes) -> str:
    """A stable pseudonym: the same name and key always give the same one."""
    return "student-" + hmac.new(key, name.encode("utf-8"), hashlib.sha256).hexdigest()[:6]


# --------------------------------------------------------------------------- counting
def quizzes(root: Path) -> dict[str, dict[str, Question]]:
    out = {}
    for path in sorted((root / "data" / "quizzes").glob("*.toml")):
        try:
            out[path.stem] = load_quiz(path, root=root).questions
        except QuizFormatError as error:
            print(f"warning: {error}", file=sys.stderr)
    return out


def _cut(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def wrong_label(q: Question, answer: Any) -> list[str]:
    """Readable labels for a wrong answer: the option texts, the wrongly placed items, the number."""
    return [_cut(label) for label in _labels(q, answer)]


def _labels(q: Question, answer: Any) -> list[str]:
    try:
        if q.type == "single":
            texts = {str(o["key"]): o["text"] for o in q.get("options")}
            return [texts.get(str(answer), str(answer))]
        if q.type == "multiple":
            texts = {str(o["key"]): o["text"] for o in q.get("options")}
            right = {str(a) for a in q.get("answers")}
            chosen = {str(a) for a in (answer or [])}
            labels = [f"ticked: {texts[k]}" for k in sorted(chosen - right) if k in texts]
            return labels + [f"missed: {texts[k]}" for k in sorted(right - chosen)]
        if q.type == "classify":
            cats = {str(c["key"]): c["label"] for c in q.get("categories")}
            given = answer if isinstance(answer, dict) else {}
            return [
                f"{i['key']} as {cats.get(str(given.get(str(i['key']))), given.get(str(i['key'])))}"
                for i in q.get("items")
                if given.get(str(i["key"])) not in (None, "") and str(given[str(i["key"])]) != str(i["answer"])
            ]
        if q.type == "numeric":
            value, _ = parse_number(answer)
            return [f"{value:g}" if value is not None else str(answer)[:40]]
        if q.type == "code":
            return []  # the answer is source code: counted, not listed
    except Exception:  # noqa: BLE001 - a strange saved answer is shown as it is
        pass
    return [str(answer)[:60]]


def _current(attempt: dict, root: Path | None) -> str:
    """The notebook id an attempt counts for today (an old id or file name mapped by
    ``data/course.toml``, :func:`middlepowers.course.current_notebook`); unknown ones stay as saved."""
    try:
        return current_notebook(attempt["notebook"], attempt["question"], root)
    except UnknownNotebook:
        return attempt["notebook"]


def summarise(data: ClassData, specs: dict[str, dict[str, Question]], root: Path | None = None):
    """(per-check stats in quiz order, reflections {(notebook, id): [(student, text)]}, unknown attempts).

    Attempts saved under a notebook's old id or file name count for the notebook that replaced it."""
    stats = {
        (nb, qid): CheckStats(nb, q)
        for nb, questions in specs.items()
        for qid, q in questions.items()
        if q.type != "reflection"
    }
    reflections: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    unknown = Counter()
    for student, attempts in sorted(data.students.items()):
        mine: dict[tuple[str, str], list[dict]] = defaultdict(list)
        for a in attempts:
            mine[(_current(a, root), a["question"])].append(a)
        for (nb, qid), tries in mine.items():
            q = specs.get(nb, {}).get(qid)
            if q is None:
                unknown[f"{nb}/{qid}"] += len(tries)
                continue
            if q.type == "reflection":
                reflections[(nb, qid)].append((student, str(tries[-1].get("answer", ""))))
                continue
            s = stats[(nb, qid)]
            s.tried += 1
            verdicts = [judge_attempt(q, a) for a in tries]  # the judge's, never the stored "correct"
            s.not_judged += verdicts.count(None)
            s.first_time += verdicts[0] is True
            right_at = next((n for n, v in enumerate(verdicts, 1) if v is True), None)
            s.eventually += right_at is not None
            s.attempts.append(right_at or len(tries))
            for a, verdict in zip(tries[: right_at - 1 if right_at else None], verdicts):
                if verdict is False:
                    s.wrong.update(wrong_label(q, a.get("answer")))
    return list(stats.values()), dict(reflections), unknown


# --------------------------------------------------------------------------- writing
def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.0f}%"


def _median(x: float | None) -> str:
    return "–" if x is None else f"{x:g}"


def _wrong_text(s: CheckStats) -> str:
    unjudged = f"{s.not_judged} not judged (stored without results)" if s.not_judged else ""
    if s.question.type == "code" and s.wrong == Counter():
        failed = sum(n - 1 for n in s.attempts) + (s.tried - s.eventually) - s.not_judged
        text = f"{failed} failed run{'' if failed == 1 else 's'}" if failed > 0 else ""
    else:
        text = "; ".join(f"{label} ({n})" for label, n in s.wrong.most_common(TOP_WRONG))
    return "; ".join(part for part in (text, unjudged) if part)


#: what the report says about its verdicts (every one graded again here, code checks only practice)
PRACTICE_NOTE = (
    "Every answer is graded again here from what the student's progress file stores; the verdict saved "
    "with an attempt is never trusted. Code checks are marked practice: their results come from the "
    "student's own kernel, which can change them, so grade code with nbgrader (autograde)."
)


def site_note(data: ClassData) -> str:
    return (
        f"{data.from_site} attempts come from the website's downloads (Download my answers), graded again "
        "here like the rest; a student's kernel and website attempts count as one student's."
    )


HEAD = [
    "notebook",
    "check",
    "question",
    "type",
    "students",
    "right first time",
    "right eventually",
    "median attempts",
    "most common wrong answers",
]


def rows(stats: list[CheckStats]) -> list[list[str]]:
    return [
        [
            s.notebook,
            s.question.id,
            _cut(s.question.prompt),
            "code (practice)" if s.question.type == "code" else s.question.type,
            str(s.tried),
            _pct(s.share(s.first_time)),
            _pct(s.share(s.eventually)),
            _median(s.median_attempts),
            _wrong_text(s),
        ]
        for s in stats
    ]


_LINE_BREAKS = re.compile(r"[\r\n\v\f\x85\u2028\u2029]+")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>&|~!#])")


def md_text(text: Any) -> str:
    """Text a student typed, made inert in Markdown: one line (line breaks shown as ⏎), control
    characters dropped, and every character that could start markup, HTML, a link or an image escaped."""
    one_line = _LINE_BREAKS.sub(" ⏎ ", _CONTROL.sub("", str(text)))
    return _MD_SPECIAL.sub(r"\\\1", one_line)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?(e-?\d+)?%?")


def csv_cell(text: str) -> str:
    """A cell a spreadsheet shows as text: one that could start a formula gets a leading apostrophe."""
    text = str(text)
    if text.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def markdown(data: ClassData, stats, reflections, unknown, specs) -> str:
    out = [f"# Class report: {students_text(len(data.students))}", ""]
    if data.skipped or unknown:
        out += ["## Files and attempts skipped", ""]
        out += [f"- {md_text(line)}" for line in data.skipped]
        out += [
            f"- {n} attempts at {md_text(name)}: no such check in data/quizzes/" for name, n in sorted(unknown.items())
        ]
        out.append("")
    out += [site_note(data), ""] if data.from_site else []
    out += ["## Checks", "", PRACTICE_NOTE, "", "| " + " | ".join(HEAD) + " |", "|" + "---|" * len(HEAD)]
    out += ["| " + " | ".join(md_text(c) for c in row) + " |" for row in rows(stats)]
    out += ["", "## Reflections", ""]
    for (nb, qid), answers in sorted(reflections.items()):
        out += [f"### {nb} · {qid}", "", f"*{specs[nb][qid].prompt}*", ""]
        out += [f"- **{md_text(student)}**: {md_text(text)}" for student, text in answers] + [""]
    return "\n".join(out)


def csv_text(stats) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEAD)
    writer.writerows([[csv_cell(c) for c in row] for row in rows(stats)])
    return buffer.getvalue()


def chart(notebook: str, stats: list[CheckStats]) -> str:
    """An SVG bar chart: per check, right first time and right eventually (share of students who tried)."""
    bar, gap, left, width = 14, 12, 200, 360
    height = len(stats) * (2 * bar + gap) + 40
    parts = [
        f'<svg role="img" aria-labelledby="t-{notebook}" width="{left + width + 130}" height="{height}" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="sans-serif" font-size="12">',
        f'<title id="t-{notebook}">{html.escape(notebook)}: share of students right first time and '
        f"eventually, per check</title>",
    ]
    for n, s in enumerate(stats):
        y = 10 + n * (2 * bar + gap)
        parts.append(f'<text x="{left - 6}" y="{y + bar + 4}" text-anchor="end">{html.escape(s.question.id)}</text>')
        for k, (value, colour, what) in enumerate(
            ((s.share(s.first_time), "#1b6ca8", "first time"), (s.share(s.eventually), "#9ecae1", "eventually"))
        ):
            w = 0 if value is None else value * width
            yy = y + k * bar
            parts.append(
                f'<rect x="{left}" y="{yy}" width="{w:.1f}" height="{bar - 2}" fill="{colour}">'
                f"<title>{html.escape(s.question.id)}, right {what}: {_pct(value)}</title></rect>"
            )
            parts.append(f'<text x="{left + w + 4:.1f}" y="{yy + bar - 4}">{_pct(value)} {what}</text>')
    parts.append(f'<line x1="{left}" y1="0" x2="{left}" y2="{height - 30}" stroke="#333"/>')
    parts.append(
        f'<text x="{left}" y="{height - 12}">0%</text>'
        f'<text x="{left + width}" y="{height - 12}" text-anchor="end">100% of students who tried</text>'
    )
    return "\n".join(parts + ["</svg>"])


def page(data: ClassData, stats, reflections, unknown, specs) -> str:
    esc = html.escape
    body = [
        f"<h1>Class report: {students_text(len(data.students))}</h1>",
        "<p>Dark bar: right at the first attempt; light bar: right eventually. "
        "Shares are of the students who tried the check.</p>",
        f"<p>{html.escape(PRACTICE_NOTE)}</p>",
    ]
    if data.from_site:
        body.append(f"<p>{html.escape(site_note(data))}</p>")
    if data.skipped or unknown:
        body.append("<h2>Files and attempts skipped</h2><ul>")
        body += [f"<li>{esc(line)}</li>" for line in data.skipped]
        body += [
            f"<li>{n} attempts at {esc(name)}: no such check in data/quizzes/</li>"
            for name, n in sorted(unknown.items())
        ]
        body.append("</ul>")
    by_notebook: dict[str, list[CheckStats]] = defaultdict(list)
    for s in stats:
        by_notebook[s.notebook].append(s)
    for nb, items in by_notebook.items():
        body += [
            f"<h2>{esc(nb)}</h2>",
            chart(nb, items),
            "<table><thead><tr>" + "".join(f'<th scope="col">{esc(h)}</th>' for h in HEAD[1:]) + "</tr></thead><tbody>",
        ]
        body += ["<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row[1:]) + "</tr>" for row in rows(items)]
        body.append("</tbody></table>")
    body.append("<h2>Reflections</h2>")
    for (nb, qid), answers in sorted(reflections.items()):
        body += [f"<h3>{esc(nb)} · {esc(qid)}</h3>", f"<p><em>{esc(specs[nb][qid].prompt)}</em></p><ul>"]
        body += [f"<li><strong>{esc(student)}</strong>: {esc(text)}</li>" for student, text in answers]
        body.append("</ul>")
    style = (
        "body{font-family:sans-serif;max-width:70em;margin:2em auto;padding:0 1em;line-height:1.45}"
        "table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #bbb;padding:3px 8px;"
        "text-align:left;vertical-align:top}th{background:#eee}"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Class report</title>'
        f"<style>{style}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


def build(
    progress: Path, out: Path, pseudonymise: bool = False, root: Path | None = None, key_file: Path | None = None
) -> ClassData:
    """Write report.md, report.csv and index.html to ``out``; return what was read."""
    root = root or repo_root()
    specs = quizzes(root)
    data = collect(progress, pseudonymise, key_file, out)
    stats, reflections, unknown = summarise(data, specs, root)
    tried = {s.notebook for s in stats if s.tried}
    stats = [s for s in stats if s.notebook in tried]  # notebooks nobody has reached yet add only empty rows
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.md").write_text(markdown(data, stats, reflections, unknown, specs), encoding="utf-8")
    (out / "report.csv").write_text(csv_text(stats), encoding="utf-8")
    (out / "index.html").write_text(page(data, stats, reflections, unknown, specs), encoding="utf-8")
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="A class report from students' progress files.")
    parser.add_argument("progress", type=Path, help="folder holding the students' progress files (*.json)")
    parser.add_argument("--out", type=Path, default=Path("class-report"), help="where to write (default class-report/)")
    parser.add_argument("--pseudonymise", action="store_true", help="replace student names with stable pseudonyms")
    parser.add_argument(
        "--key-file",
        type=Path,
        help=f"the pseudonym key (default ${KEY_ENV}, else ~/.config/middlepowers/pseudonym-key; created on first use)",
    )
    args = parser.parse_args(argv)
    if not args.progress.is_dir():
        print(f"error: {args.progress} is not a folder of progress files", file=sys.stderr)
        return 2
    if args.out.exists() and not args.out.is_dir():
        print(f"error: {args.out} is a file; --out names the folder to write the report in", file=sys.stderr)
        return 2
    try:
        data = build(args.progress, args.out, args.pseudonymise, key_file=args.key_file)
    except PseudonymKeyError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"error: {error.filename or args.out}: {error.strerror or error}", file=sys.stderr)
        return 2
    for line in data.notices:
        print(line, file=sys.stderr)
    for line in data.skipped:
        print(f"skipped {line}", file=sys.stderr)
    print(f"{len(data.students)} students; wrote {args.out / 'index.html'}, report.md, report.csv")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
