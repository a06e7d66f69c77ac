"""Check that every quotation of the article is word for word.

A *cited quotation* is a text in quotation marks that names the article
sentence(s) it comes from, in one of two shapes::

    "stand up to pressure when possible" (S21)
    'Canada lives because of the United States' (S14, Trump's words)
    S21 reads: 'His approach emphasizes pragmatism, ...'
    S21: "His approach emphasizes pragmatism, ..."

:func:`find_quotations` finds them in a text; :func:`mismatch` says why one
does not appear word for word in one of its cited sentences (or returns
``None`` when it does). The rules a quotation must follow:

* ``...``, ``…`` or ``[...]`` marks an omission: the parts around it must
  appear in that order in one sentence, as whole words ("bend" does not
  match "bending");
* ``[brackets]`` mark an insertion (an editor's word that is not in the
  sentence), which is skipped like an omission;
* a quoted section heading (``"Trump's Response and Assertions" (SEC4)``)
  is allowed: a quotation matches when it is a heading of the article;
* typography does not count: curly and straight quotes and apostrophes are
  the same, runs of white space are one space, the first letter's case may
  change and a closing ``, . ; :`` inside the quotation marks may be added.

Everything else, a changed, added or dropped word, is a misquotation. The
test ``tests/test_quotations.py`` runs this over notebooks/, solutions/,
exercises/, instructors/ and data/quizzes/.

Command line: ``python -m mpcourse.quotations`` lists every cited
quotation that does not match and exits 1 when there is one.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

__all__ = ["Quotation", "find_quotations", "mismatch", "corpus_texts", "check_folder", "main"]

SENTENCE_ID = r"S\d{2}"
# A reference to an article sentence (S14), a range (S06-S10) or to anything
# else a lesson cites: a section, paragraph, quote, focus area, device or a row
# of data/external/quote_versions.csv.
_REFERENCE = re.compile(
    rf"(?<![\w-])(?:(?P<s>{SENTENCE_ID}(?:\s*[-\u2013]\s*{SENTENCE_ID})?)"
    r"|SEC\d+|P\d{2}|Q\d+|F\d|D\d{2}|(?P<v>[A-Z]-[A-Z]{3}-\d{2}|(?:CARNEY|TRUMP)-P\d{2}(?:-S\d{2})?))(?![\w-])"
)
# An opening quotation mark, the text, the matching closing mark.
_QUOTED = [
    re.compile(r'"(?P<q>[^"\n]{2,}?)"'),
    re.compile("\u201c(?P<q>[^\u201d\n]{2,}?)\u201d"),
    # Single quotes: the opening one follows a space, a bracket or the start and
    # precedes a non-space; the closing one is not inside a word (Carney's).
    re.compile(
        r"(?:(?<=^)|(?<=[\s(\[{:\u2014-]))['\u2018](?P<q>\S(?:[^'\u2019\n]|['\u2019](?=[A-Za-z]))*?)['\u2019](?![A-Za-z])"
    ),
]
# Where a sentence of the prose ends (outside quotation marks): the citation
# that counts is in the same sentence as the quotation.
_PROSE_BREAK = re.compile(r"(?:[.!?]\s+(?=[A-Z*(\[])|\n\s*\n|\n\s*[-*]\s|\n#|\|)")
_BEFORE, _AFTER = 120, 24
_LIST_SEP = re.compile(r"(?:[\s`]*(?:,|/|;|\band\b)[\s`]*)*")
# "text" (S21 / "text", S05; / "text" (Trump, S14 / "text" fragment (S12: only
# punctuation, a bracket or one word between the closing mark and the reference.
_CLOSE_AFTER = re.compile(r"^[,.;:]?\s*(?:[\w']+\s+(?=\())?[(\[]?(?:[\w']+,\s*)?`?$")


def _close_before(gap: str) -> bool:
    """S21 reads: "text" / S10 speaks of "text": at most six words, no sentence break."""
    return not _PROSE_BREAK.search(gap) and len(gap.split()) <= 6 and not re.search(r"[;()]", gap)


_OMISSION = re.compile(r"\s*(?:\[\s*(?:\.\.\.|\u2026)\s*\]|\.\.\.|\u2026|\[[^\]]*\])\s*")
_TRAILING = ",.;:"


@dataclass(frozen=True)
class Quotation:
    """One cited quotation: where it is, the quoted text and the ids it may come from."""

    where: str
    text: str
    ids: tuple[str, ...]


def _expand(ref: str) -> tuple[str, ...]:
    """'S06-S10' -> S06, S07, ..., S10; 'S12' -> S12."""
    ends = re.findall(SENTENCE_ID, ref)
    if len(ends) == 2:
        first, last = (int(e[1:]) for e in ends)
        return tuple(f"S{n:02d}" for n in range(first, last + 1))
    return tuple(ends)


def _spans(text: str) -> list[tuple[int, int, str]]:
    spans: dict[int, tuple[int, int, str]] = {}
    for pattern in _QUOTED:
        for m in pattern.finditer(text):
            if not any(s <= m.start() < e for s, e, _ in spans.values()):
                spans[m.start()] = (m.start(), m.end(), m.group("q"))
    return [spans[k] for k in sorted(spans)]


def _group(text: str, first: list) -> list:
    """A citation and the references listed with it: (S01, S02 and S27)."""
    group = list(first)
    while group:
        m = _REFERENCE.match(text, group[-1].end() + len(_LIST_SEP.match(text, group[-1].end()).group()))
        if not m or not _LIST_SEP.fullmatch(text, group[-1].end(), m.start()):
            break
        group.append(m)
    return group


def find_quotations(text: str, where: str = "", versions: bool = True) -> list[Quotation]:
    """Every quotation in ``text`` that cites article sentences.

    A quotation cites a sentence reference right after it (``"text" (S21)``,
    ``"text", S05;``) or shortly before it in the same clause, with at most six
    words between (``S21 reads: 'text'``, ``S10 speaks of "text"``). Quoted
    text next to no sentence reference, or next to a reference to something
    else (a row of quote_versions, a focus area), is not checked.
    """
    text = text.replace("\r", "")
    spans = _spans(text)
    masked = list(text)
    for s, e, _ in spans:  # references and breaks inside a quotation do not count
        masked[s:e] = " " * (e - s)
    masked = "".join(masked)
    found = []
    for s, e, quoted in spans:
        before = [m for m in _REFERENCE.finditer(masked, max(0, s - _BEFORE), s) if _close_before(masked[m.end() : s])]
        after = [
            m
            for m in _REFERENCE.finditer(masked, e, min(len(text), e + _AFTER))
            if _CLOSE_AFTER.match(masked[e : m.start()])
        ]
        near = before[-1:] + _group(masked, after[:1])
        ids = tuple(i for m in near if m.group("s") for i in _expand(m.group("s")))
        if versions:
            ids += tuple(m.group("v") for m in near if m.group("v"))
        if ids:
            found.append(Quotation(where, quoted, ids))
    return found


def _normal(text: str) -> str:
    text = text.replace("**", "").replace("\\'", "'")
    text = re.sub("[\u2018\u2019\u02bc]", "'", text)
    text = re.sub('[\u201c\u201d"]', "'", text)  # a quotation inside a quotation
    return " ".join(text.split())


def _fragments(quoted: str) -> list[str]:
    parts = [_normal(p) for p in _OMISSION.split(quoted)]
    parts = [p.strip(_TRAILING + " ") if i == len(parts) - 1 else p.strip() for i, p in enumerate(parts)]
    return [p for p in parts if p]


def _in_order(fragments: list[str], sentence: str) -> bool:
    at = 0
    for i, fragment in enumerate(fragments):
        hay = sentence
        if i == 0 and fragment:
            # the first letter's case may change at the start of a quotation
            first = re.escape(fragment[0])
            pattern = f"(?i:{first})" + re.escape(fragment[1:])
        else:
            pattern = re.escape(fragment)
        # whole words only: "bend" is not a part of "bending"
        pattern = (
            ("(?<!\\w)" if fragment[0].isalnum() else "") + pattern + ("(?!\\w)" if fragment[-1].isalnum() else "")
        )
        m = re.compile(pattern).search(hay, at)
        if not m:
            return False
        at = m.end()
    return True


def mismatch(quotation: Quotation, sentences: dict[str, str], headings: set[str] = frozenset()) -> str | None:
    """Why ``quotation`` is not word for word in a cited sentence, or ``None``."""
    unknown = [i for i in quotation.ids if i not in sentences]
    if unknown:
        return f"cites {', '.join(unknown)}, which neither the article nor quote_versions.csv has"
    if _normal(quotation.text).strip(_TRAILING) in {_normal(h) for h in headings}:
        return None
    fragments = _fragments(quotation.text)
    if not fragments:
        return "quotes nothing but an omission mark"
    if any(_in_order(fragments, _normal(sentences[i])) for i in quotation.ids):
        return None
    return f'"{quotation.text}" is not word for word in {", ".join(quotation.ids)}'


# --- the course's files ----------------------------------------------------

FOLDERS = ("notebooks", "solutions", "exercises", "instructors", "data/quizzes", "data/speeches")


def _toml_strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _toml_strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _toml_strings(v)]
    return []


def corpus_texts(root: Path) -> list[tuple[str, str]]:
    """(where, text) for every prose text a student or instructor reads.

    Notebooks give each Markdown cell and every text output (a check's prompt
    is printed there; code is not prose); Markdown files give their text; quiz files give every
    string value.
    """
    texts: list[tuple[str, str]] = []
    for folder in FOLDERS:
        for path in sorted((root / folder).glob("*")):
            rel = path.relative_to(root).as_posix()
            if path.suffix == ".ipynb":
                nb = json.loads(path.read_text(encoding="utf-8"))
                for n, cell in enumerate(nb["cells"]):
                    if cell["cell_type"] == "markdown":
                        texts.append((f"{rel} cell {n}", "".join(cell["source"])))
                    for output in cell.get("outputs", []):
                        plain = output.get("text") or output.get("data", {}).get("text/plain") or ""
                        texts.append((f"{rel} cell {n} output", "".join(plain)))
            elif path.suffix == ".md":
                texts.append((rel, path.read_text(encoding="utf-8")))
            elif path.suffix == ".toml":
                data = tomllib.loads(path.read_text(encoding="utf-8"))
                texts += [(rel, s) for s in _toml_strings(data)]
    return texts


def load_article(root: Path) -> tuple[dict[str, str], set[str]]:
    """Quotable texts by id, and the section headings.

    The texts are the article's sentences (data/tables/sentences.csv, ``S14``)
    the verified speech passages (data/speeches/tables, ``TRUMP-P04-S08`` or a
    paragraph ``CARNEY-P03``) and the outlets' renderings of speeches
    (data/external/quote_versions.csv, ``C-DAV-04``): a quotation that cites a
    speech or a rendering must be word for word too.
    """
    tables = root / "data" / "tables"
    sentences = pd.read_csv(tables / "sentences.csv")
    sections = pd.read_csv(tables / "sections.csv")
    headings = set(sections["heading"].dropna())
    texts = dict(zip(sentences["sentence_id"], sentences["text"]))
    speech = root / "data" / "speeches" / "tables"
    for name, key in (("speech_sentences.csv", "sentence_id"), ("speech_paragraphs.csv", "paragraph_id")):
        if (speech / name).exists():
            table = pd.read_csv(speech / name, dtype=str, keep_default_na=False)
            texts.update(zip(table[key], table["text"]))
    versions = root / "data" / "external" / "quote_versions.csv"
    if versions.exists():
        table = pd.read_csv(versions, dtype=str, keep_default_na=False)
        texts.update(zip(table["quote_id"], table["wording"]))
    return texts, headings


def check_folder(root: Path) -> tuple[list[Quotation], list[tuple[Quotation, str]]]:
    """Every cited quotation under ``root``'s course folders, and the mismatches."""
    sentences, headings = load_article(root)
    # A table a cell prints (compare_quotes' "dropped ..." column) is not prose about a rendering.
    quotations = [
        q
        for where, text in corpus_texts(root)
        for q in find_quotations(text, where, versions=not where.endswith("output"))
    ]
    problems = [(q, why) for q in quotations if (why := mismatch(q, sentences, headings))]
    return quotations, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", nargs="?", default=".", help="the repository (default: here)")
    args = parser.parse_args(argv)
    quotations, problems = check_folder(Path(args.root))
    for q, why in problems:
        print(f"{q.where}: {why}")
    print(f"{len(quotations)} cited quotations checked, {len(problems)} not word for word")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
