"""Put an article sentence beside the speech sentences it may rest on.

The method is the standard library's :class:`difflib.SequenceMatcher` on
normalised word lists (lower case, curly quotes and dashes folded, punctuation
dropped), so it is reproducible and needs nothing beyond Python. The classes
and their thresholds are defined in ``data/annotations/codebook.md``
("Alignment"); they are repeated here as constants so that a test can check
the two agree.

:func:`compare_copies` compares two copies of a transcript paragraph by
paragraph: a copy counts as a transcript only where a second, independent
copy agrees with it word for word.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

__all__ = [
    "CLOSE",
    "LOOSE",
    "Alignment",
    "align",
    "classify",
    "compare_copies",
    "quoted_spans",
    "words",
]

#: A ratio at or above this is a close paraphrase.
CLOSE = 0.75
#: A ratio at or above this (and below CLOSE) is a loose paraphrase.
LOOSE = 0.45

_FOLD = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": " ", "\u2014": " "})
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_QUOTED = re.compile(r'"([^"]+)"')


def words(text: str) -> list[str]:
    """The words of ``text``, lower case, with quotes and dashes folded."""
    text = unicodedata.normalize("NFC", str(text)).translate(_FOLD).lower()
    return _WORD.findall(text)


def quoted_spans(text: str) -> list[str]:
    """The spans of ``text`` inside double quotes (straight or curly)."""
    return _QUOTED.findall(unicodedata.normalize("NFC", str(text)).translate(_FOLD))


def _contains(haystack: list[str], needle: list[str]) -> bool:
    n = len(needle)
    return n > 0 and any(haystack[i : i + n] == needle for i in range(len(haystack) - n + 1))


def _ratio(a: list[str], b: list[str]) -> float:
    """Share of the article sentence's words matched in order in the speech text."""
    if not a:
        return 0.0
    m = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return sum(block.size for block in m.get_matching_blocks()) / len(a)


@dataclass(frozen=True)
class Alignment:
    """The best speech match for one article sentence."""

    sentence_id: str
    speech_id: str  # "" when nothing reaches LOOSE
    ratio: float
    auto_class: str


def classify(article_text: str, speech_text: str, attributed: bool = True) -> tuple[str, float]:
    """Class and ratio of ``article_text`` against one speech passage.

    ``direct quote``: every quoted span appears word for word in the passage.
    Otherwise the ratio of :func:`_ratio` (on the quoted words when the
    sentence has quotation marks, else on all its words) decides: ``close paraphrase`` at or
    above :data:`CLOSE`, ``loose paraphrase`` at or above :data:`LOOSE`, else
    ``attributed but not found``. An unattributed sentence is ``reporter's
    framing`` whatever it matches.
    """
    spans = [words(q) for q in quoted_spans(article_text)]
    s = words(speech_text)
    # A sentence with quotation marks is measured on its quoted words only.
    a = [w for q in spans for w in q] if spans else words(article_text)
    ratio = round(_ratio(a, s), 3)
    if not attributed:
        return "reporter's framing", ratio
    if spans and all(_contains(s, q) for q in spans):
        return "direct quote", ratio
    if ratio >= CLOSE:
        return "close paraphrase", ratio
    if ratio >= LOOSE:
        return "loose paraphrase", ratio
    return "attributed but not found", ratio


def align(sentence_id: str, article_text: str, speech: dict[str, str], attributed: bool = True) -> Alignment:
    """The speech sentence (id -> text) the article sentence rests on best.

    A window of each sentence with its neighbour is tried too, since a
    reporter often joins two spoken sentences; the id is then ``A+B``.
    """
    ids = list(speech)
    candidates = dict(speech)
    for first, second in zip(ids, ids[1:]):
        candidates[f"{first}+{second}"] = speech[first] + " " + speech[second]
    order = {"direct quote": 3, "close paraphrase": 2, "loose paraphrase": 1}
    best = ("", 0.0, "attributed but not found" if attributed else "reporter's framing")
    best_key = (-1, -1.0)
    for cid, text in candidates.items():
        cls, ratio = classify(article_text, text, attributed)
        key = (order.get(cls, 0), ratio)
        if key > best_key:
            best_key, best = key, (cid, ratio, cls)
    cid, ratio, cls = best
    if cls == "attributed but not found" or (not attributed and ratio < LOOSE):
        cid = ""
    return Alignment(sentence_id, cid, ratio, cls)


def compare_copies(a: list[str], b: list[str]) -> list[tuple[int, bool, float]]:
    """Paragraph by paragraph: (index, word-for-word agreement, ratio).

    Paragraphs are paired by position; a copy with fewer paragraphs leaves the
    rest unmatched (agreement False, ratio 0.0).
    """
    out = []
    for i in range(max(len(a), len(b))):
        if i >= len(a) or i >= len(b):
            out.append((i, False, 0.0))
            continue
        wa, wb = words(a[i]), words(b[i])
        ratio = round(difflib.SequenceMatcher(None, wa, wb, autojunk=False).ratio(), 3)
        out.append((i, wa == wb, ratio))
    return out
