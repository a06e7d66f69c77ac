"""Read the Davos speeches (``data/speeches/*.txt``) into tidy tables.

A speech file is plain text::

    TRUMP: one line naming the speaker, the address and its date
    # comment lines are skipped
    @P01
    One paragraph on one line.
    @P02 fr
    A paragraph in French (the flag marks its language; English by default).
    @P03 fr-en
    An English rendering of a passage spoken in French (a translation, such as
    an interpreter's: not the speaker's own words).

:func:`read` gives paragraph and sentence tables with stable ids
(``TRUMP-P04-S07``). :func:`agreement` compares every sentence with every
reading in ``data/speeches/readings.csv`` word for word: a sentence is
*settled* when readings from at least two different hosts contain it word for
word and at least one of them is not of a weak kind (:data:`WEAK_KINDS`: a
blog, a forum post, a newsletter count only beside another reading), and
*unsettled* otherwise. Anything that does not fit the format raises
:class:`SpeechFormatError`, whose message names the file, the line and what
was expected.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd

from .align import words

__all__ = ["WEAK_KINDS", "SpeechFormatError", "read", "agreement", "build_tables", "write_tables", "align_article"]

#: Kinds of reading that count only beside a reading of another kind, never alone.
WEAK_KINDS = frozenset({"blog", "forum post", "newsletter"})

_HEAD = re.compile(r"^(?P<speaker>[A-Z]+): \S")
_PARA = re.compile(r"^@P(?P<n>\d{2})(?: (?P<lang>fr-en|fr|en))?$")
_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z\u00c0-\u00dd\"\u201c])")


class SpeechFormatError(ValueError):
    """A speech file that does not fit the format; the message says where."""


def _fail(name: str, lineno: int, what: str) -> None:
    raise SpeechFormatError(f"{name}, line {lineno}: {what}")


def read(path: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Paragraphs and sentences of one speech file."""
    path = Path(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or not _HEAD.match(lines[0]):
        _fail(path.name, 1, "expected 'SPEAKER: description' (upper-case speaker, a colon, a space)")
    speaker = _HEAD.match(lines[0]).group("speaker")
    paras, sents, current, expect = [], [], None, 1
    for lineno, line in enumerate(lines[1:], start=2):
        if not line.strip() or line.startswith("#"):
            continue
        m = _PARA.match(line)
        if m:
            if current is not None:
                _fail(path.name, lineno, f"paragraph @P{current[0]:02d} has no text")
            if int(m.group("n")) != expect:
                _fail(path.name, lineno, f"expected @P{expect:02d}, found {line!r}")
            current, expect = (int(m.group("n")), m.group("lang") or "en"), expect + 1
            continue
        if line.startswith("@"):
            _fail(path.name, lineno, f"expected '@Pnn', '@Pnn fr' or '@Pnn fr-en', found {line!r}")
        if current is None:
            _fail(path.name, lineno, "text before the first '@Pnn' line")
        pid = f"{speaker}-P{current[0]:02d}"
        paras.append({"paragraph_id": pid, "speaker": speaker.lower(), "lang": current[1], "text": line.strip()})
        for k, sentence in enumerate(_SPLIT.split(line.strip()), start=1):
            sents.append(
                {
                    "sentence_id": f"{pid}-S{k:02d}",
                    "paragraph_id": pid,
                    "speaker": speaker.lower(),
                    "lang": current[1],
                    "text": sentence,
                }
            )
        current = None
    if current is not None:
        _fail(path.name, len(lines), f"paragraph @P{current[0]:02d} has no text")
    return pd.DataFrame(paras), pd.DataFrame(sents)


def _contains(hay: list[str], needle: list[str]) -> bool:
    n = len(needle)
    return n > 0 and any(hay[i : i + n] == needle for i in range(len(hay) - n + 1))


def agreement(sentences: pd.DataFrame, readings: pd.DataFrame) -> pd.DataFrame:
    """One row per speech sentence: which readings contain it word for word."""
    rows = []
    for s in sentences.itertuples():
        target = words(s.text)
        same = readings[readings["speaker"] == s.speaker]
        found = [r.reading_id for r in same.itertuples() if _contains(words(r.text), target)]
        rows_found = same.set_index("reading_id").loc[found]
        hosts = {urlsplit(u).hostname for u in rows_found["url"]} if found else set()
        kinds = set(rows_found["kind"]) if "kind" in rows_found else {""}
        strong = bool(found) and not kinds <= WEAK_KINDS
        rows.append(
            {
                "sentence_id": s.sentence_id,
                "readings": " ".join(found),
                "hosts": len(hosts),
                "status": "settled" if len(hosts) >= 2 and strong else "unsettled",
            }
        )
    return pd.DataFrame(rows)


def build_tables(folder: str | Path) -> dict[str, pd.DataFrame]:
    """Every speech table from ``folder`` (``data/speeches``), by file name."""
    folder = Path(folder)
    paras, sents = zip(*(read(p) for p in sorted(folder.glob("*-20??-??-??.txt"))))
    paragraphs = pd.concat(paras, ignore_index=True)
    sentences = pd.concat(sents, ignore_index=True)
    readings = pd.read_csv(folder / "readings.csv", dtype=str, keep_default_na=False)
    agree = agreement(sentences, readings)
    sentences = sentences.merge(agree[["sentence_id", "status"]], on="sentence_id")
    return {"speech_paragraphs.csv": paragraphs, "speech_sentences.csv": sentences, "speech_agreement.csv": agree}


def write_tables(folder: str | Path) -> list[Path]:
    """Write :func:`build_tables` into ``folder/tables`` (the test re-runs this)."""
    out = Path(folder) / "tables"
    out.mkdir(exist_ok=True)
    written = []
    for name, table in build_tables(folder).items():
        table.to_csv(out / name, index=False, lineterminator="\n")
        written.append(out / name)
    return written


def align_article(sentences: pd.DataFrame, speech_sentences: pd.DataFrame) -> pd.DataFrame:
    """The automatic alignment of every article sentence attributed to a leader.

    ``sentences`` is ``data/annotations/sentences.csv`` (its ``attribution``
    column names ``carney`` or ``trump``); each is aligned with that leader's
    speech sentences by :func:`middlepowers.align.align`.
    """
    from .align import align

    rows = []
    for s in sentences[sentences["attribution"].isin(["carney", "trump"])].itertuples():
        speech = speech_sentences[speech_sentences["speaker"] == s.attribution]
        res = align(s.sentence_id, s.text, dict(zip(speech["sentence_id"], speech["text"])))
        rows.append(
            {
                "sentence_id": s.sentence_id,
                "speaker": s.attribution,
                "speech_id": res.speech_id,
                "ratio": res.ratio,
                "auto_class": res.auto_class,
            }
        )
    return pd.DataFrame(rows)
