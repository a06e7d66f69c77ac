"""Turn a plain-text news article into tidy tables.

The article format is deliberately plain, one block per line::

    Title line (no final full stop)
    Summary paragraph.

    *Optional note lines start with an asterisk (an image caption).
    A paragraph ends with . ! ? : or ; (optionally followed by a closing quote).
    A Heading Has No Final Punctuation
    | Optional pipe table | with two columns |
    |---|---|
    | Row label: | Row text |

:func:`parse` turns such a text into an :class:`Article` whose attributes are
pandas DataFrames, one per kind of thing: ``article``, ``sections``,
``paragraphs``, ``sentences``, ``tokens``, ``quotes``, ``mentions``,
``entities`` and ``focus_areas``. Ids are stable and ordered: ``SEC1``,
``P01``, ``S01``, ``Q1``, ``M001``, ``F1``.

Anything that does not fit the format raises :class:`ArticleFormatError`,
whose message names the line and what was expected. No other exception
escapes :func:`parse`.
"""

from __future__ import annotations

import bisect
import os
import re
import sys
import unicodedata
from dataclasses import dataclass, fields
from importlib import resources
from pathlib import Path

import pandas as pd

__all__ = [
    "Article",
    "ArticleFormatError",
    "parse",
    "parse_file",
    "outline",
    "write_tables",
    "read_table",
    "load_gazetteer",
]


class ArticleFormatError(ValueError):
    """The text does not have the shape of an article.

    ``line`` is the 1-based line number the problem was found on (``None``
    when it concerns the whole text) and ``expected`` says what was expected.
    """

    def __init__(self, line: int | None, expected: str):
        self.line = line
        self.expected = expected
        where = f"line {line}" if line is not None else "article"
        super().__init__(f"{where}: {expected}")


# --- characters -------------------------------------------------------------

OPEN_QUOTES = {'"': '"', "\u201c": "\u201d", "\u201e": "\u201d"}
CLOSE_QUOTES = {'"', "\u201d"}
SENTENCE_END = ".!?\u2026"
BLOCK_END = SENTENCE_END + ":;"
CLOSERS = "\"\u201d\u2019')]"
APOSTROPHES = "'\u2019"
DASHES = "\u2012\u2013\u2014\u2015"
#: Words after which a full stop does not end a sentence.
ABBREVIATIONS = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "st",
    "prof",
    "gen",
    "gov",
    "sen",
    "rep",
    "sr",
    "jr",
    "vs",
    "etc",
    "e.g",
    "i.e",
    "u.s",
    "u.k",
    "u.n",
    "e.u",
    "no",
    "jan",
    "feb",
    "mar",
    "apr",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "inc",
    "ltd",
    "co",
}
WORD_RE = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
MAX_HEADING_WORDS = 12


def _clean(line: str) -> str:
    """Collapse every run of whitespace to one space and strip the ends."""
    return " ".join(line.split())


def _ends_block(text: str) -> bool:
    stripped = text.rstrip(CLOSERS)
    return bool(stripped) and stripped[-1] in BLOCK_END


# --- reading lines into blocks ---------------------------------------------


@dataclass
class _Block:
    kind: str  # title, summary, note, heading, body, table
    line: int
    text: str = ""
    rows: list | None = None


def _split_table_row(line: str, number: int) -> list[str]:
    inner = line.strip()
    if not inner.endswith("|") or len(inner) < 2:
        raise ArticleFormatError(number, "a table row that starts and ends with '|'")
    return [_clean(cell) for cell in inner[1:-1].split("|")]


def _read_table(lines: list[tuple[int, str]]) -> list[list[str]]:
    """Parse consecutive pipe-table lines; return the header and body rows."""
    rows = [(n, _split_table_row(text, n)) for n, text in lines]
    if len(rows) < 3:
        raise ArticleFormatError(rows[0][0], "a table with a header row, a '|---|' separator and at least one row")
    sep_line, separator = rows[1]
    if not all(re.fullmatch(r":?-{3,}:?", cell) for cell in separator):
        raise ArticleFormatError(sep_line, "a separator row like '|---|---|' under the table header")
    width = len(rows[0][1])
    if width != 2:
        raise ArticleFormatError(rows[0][0], f"a two-column table (focus area | approach), found {width} columns")
    for number, cells in rows:
        if len(cells) != width:
            raise ArticleFormatError(
                number, f"a table row with {width} cells like the header, found {len(cells)} (ragged table)"
            )
    body = [cells for _, cells in rows[2:]]
    for number, cells in rows[2:]:
        if not all(cells):
            raise ArticleFormatError(number, "a table row with no empty cell")
    return [rows[0][1], *body]


def _blocks(text: str) -> list[_Block]:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    numbered = [(i + 1, line) for i, line in enumerate(lines)]
    blocks: list[_Block] = []
    i = 0
    while i < len(numbered):
        number, raw = numbered[i]
        line = _clean(raw)
        if not line:
            i += 1
            continue
        if line.startswith("|"):
            if not blocks:
                raise ArticleFormatError(number, "a title line first, not a table row")
            j = i
            while j < len(numbered) and _clean(numbered[j][1]).startswith("|"):
                j += 1
            rows = _read_table([(n, _clean(t)) for n, t in numbered[i:j]])
            blocks.append(_Block("table", number, rows=rows))
            i = j
            continue
        if not blocks:
            if line.startswith("*"):
                raise ArticleFormatError(number, "a title line first, not a note")
            if _ends_block(line) and line[-1] != "?":
                raise ArticleFormatError(number, "a title line first (a headline without a final full stop)")
            blocks.append(_Block("title", number, line))
        elif line.startswith("*"):
            note = line.strip("*").strip()
            if not note:
                raise ArticleFormatError(number, "text after '*' in a note line")
            blocks.append(_Block("note", number, note))
        elif len(blocks) == 1:
            if not _ends_block(line):
                raise ArticleFormatError(number, "a summary paragraph after the title (ending with . ! or ?)")
            blocks.append(_Block("summary", number, line))
        elif _ends_block(line):
            blocks.append(_Block("body", number, line))
        elif len(line.split()) <= MAX_HEADING_WORDS:
            blocks.append(_Block("heading", number, line))
        else:
            raise ArticleFormatError(
                number,
                f"a paragraph ending with . ! ? : or ;, or a heading of at most {MAX_HEADING_WORDS} words",
            )
        i += 1
    if not blocks:
        found = "an empty file" if not text else "only blank lines"
        raise ArticleFormatError(1, f"a title line, found {found}")
    if len(blocks) == 1 or blocks[1].kind != "summary":
        line = blocks[1].line if len(blocks) > 1 else blocks[0].line + 1
        raise ArticleFormatError(line, "a summary paragraph after the title")
    if not any(b.kind == "body" for b in blocks):
        after = blocks[2].line if len(blocks) > 2 else blocks[1].line + 1
        raise ArticleFormatError(
            after, "at least one body paragraph (ending with . ! ? : or ;) after the title and summary, found none"
        )
    return blocks


# --- sentences ----------------------------------------------------------------


def _quote_spans(text: str, line: int) -> list[tuple[int, int]]:
    """Return (start, end) of each double-quoted span, quote marks included."""
    spans, start, closer = [], None, None
    for i, ch in enumerate(text):
        if start is None and ch in OPEN_QUOTES:
            start, closer = i, OPEN_QUOTES[ch]
        elif start is not None and (ch == closer or (closer == '"' and ch in CLOSE_QUOTES)):
            spans.append((start, i + 1))
            start = None
        elif start is None and ch in CLOSE_QUOTES:
            raise ArticleFormatError(line, f"an opening quotation mark before the closing one at column {i + 1}")
    if start is not None:
        if text[start] == '"' and _closes(text, start):
            raise ArticleFormatError(
                line,
                f"an opening quotation mark before the closing one at column {start + 1} "
                "(stray closing quotation mark)",
            )
        raise ArticleFormatError(
            line, f"a closing quotation mark for the quotation opened at column {start + 1} (unclosed quotation)"
        )
    return spans


def _closes(text: str, i: int) -> bool:
    """Whether the straight quotation mark at ``i`` sits like a closing one: after a word, before a space or the end."""
    after = text[i + 1 : i + 2]
    after_a_word = i > 0 and not text[i - 1].isspace() and text[i - 1] not in "(["
    return after_a_word and (not after or after.isspace() or after in ",.;:!?)]")


def split_sentences(text: str, line: int = 1) -> list[str]:
    """Split one paragraph into sentences.

    A sentence ends at ``.``, ``!``, ``?`` or ``…`` (with any closing quote or
    bracket after it) followed by a space and a capital, digit or opening
    quote -- unless the full stop belongs to an abbreviation, or the mark is
    inside a quotation: a quoted sentence stays inside its reporting sentence.
    Splits happen only at single spaces of the cleaned text, so joining the
    sentences with spaces gives the paragraph back.
    """
    if not isinstance(text, str):
        raise ArticleFormatError(None, f"a paragraph as text (str), got {type(text).__name__}")
    if isinstance(line, bool) or not isinstance(line, int):
        raise ArticleFormatError(None, f"a line number (int), got {type(line).__name__}")
    text = _clean(text)
    spans = _quote_spans(text, line)
    inside = [False] * len(text)
    for a, b in spans:
        for k in range(a + 1, b - 1):
            inside[k] = True
    sentences, start = [], 0
    for i, ch in enumerate(text):
        if ch != " " or inside[i] or i + 1 >= len(text):
            continue
        j = i - 1
        while j > start and text[j] in CLOSERS:
            j -= 1
        if text[j] not in SENTENCE_END:
            continue
        nxt = text[i + 1]
        if not (nxt.isupper() or nxt.isdigit() or nxt in OPEN_QUOTES or nxt in "(["):
            continue
        if text[j] == ".":
            word = text[max(start, text.rfind(" ", start, j) + 1) : j].lower().lstrip('("\u201c')
            if word in ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                continue
        sentences.append(text[start:i])
        start = i + 1
    sentences.append(text[start:])
    return sentences


def tokenize(text: str) -> list[str]:
    """Split text into word tokens, as tidytext's ``unnest_tokens`` does.

    Letters and digits make words; an apostrophe inside a word keeps it whole
    ("Canada's", "you're"); hyphens, dashes and other punctuation split.
    """
    if not isinstance(text, str):
        raise ArticleFormatError(None, f"text (str) to split into words, got {type(text).__name__}")
    return WORD_RE.findall(text)


# --- gazetteer and mentions -------------------------------------------------


def load_gazetteer(path: str | Path | None = None) -> pd.DataFrame:
    """Read the gazetteer (surface forms of people, places and organisations).

    By default the one shipped with the package, ``middlepowers/data/gazetteer.csv``.
    """
    if path is None:
        with resources.files("middlepowers").joinpath("data", "gazetteer.csv").open(encoding="utf-8") as handle:
            return pd.read_csv(handle, dtype=str, keep_default_na=False)
    frame = _read_csv_file(path, "a gazetteer", dtype=str, keep_default_na=False)
    missing = {"surface", "entity_id", "entity", "entity_type"} - set(frame.columns)
    if missing:
        raise ArticleFormatError(None, f"a gazetteer with the columns {', '.join(sorted(missing))} ({path})")
    return frame


def _read_csv_file(path, what: str, **options) -> pd.DataFrame:
    """``pd.read_csv`` of a file, every failure as an ArticleFormatError naming the file."""
    if not isinstance(path, (str, os.PathLike)):
        raise ArticleFormatError(None, f"{what}: the path of a CSV file, got {type(path).__name__}")
    try:
        return pd.read_csv(path, **options)
    except (OSError, ValueError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise ArticleFormatError(
            None, f"{what} as a readable CSV file at {path} ({getattr(err, 'strerror', None) or err})"
        ) from None


def _mention_pattern(gazetteer: pd.DataFrame) -> re.Pattern:
    surfaces = sorted(gazetteer["surface"], key=len, reverse=True)
    alternatives = "|".join(re.escape(s) for s in surfaces)
    return re.compile(rf"(?<![\w.])(?:{alternatives})(?![\w])")


# --- the tables -------------------------------------------------------------


@dataclass
class Article:
    """Every tidy table of one article, as pandas DataFrames."""

    article: pd.DataFrame
    sections: pd.DataFrame
    paragraphs: pd.DataFrame
    sentences: pd.DataFrame
    tokens: pd.DataFrame
    quotes: pd.DataFrame
    mentions: pd.DataFrame
    entities: pd.DataFrame
    focus_areas: pd.DataFrame

    @classmethod
    def table_names(cls) -> list[str]:
        """Names of the tables, in the order they are built."""
        return [f.name for f in fields(cls)]

    def tables(self) -> dict[str, pd.DataFrame]:
        """Return ``{name: DataFrame}`` for every table."""
        return {name: getattr(self, name) for name in self.table_names()}


def _frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns)


def _ids(prefix: str, n: int, width: int) -> list[str]:
    return [f"{prefix}{i:0{width}d}" for i in range(1, n + 1)]


def _width(n: int, least: int = 1) -> int:
    return max(least, len(str(n)))


def _sections(blocks: list[_Block]) -> tuple[list[dict], list[dict], list[dict]]:
    """Sections, paragraphs and focus-table rows, each pointing at its section.

    SEC1 is the front matter (title and summary), SEC2 the lead (paragraphs
    before the first heading, if any), then one per heading. Each section
    counts its paragraphs as they come (one pass: linear in the article).
    """
    sections, paragraphs, focus = [], [], []
    section = {"kind": "front", "heading": None, "line": blocks[0].line, "n_paragraphs": 0}
    sections.append(section)
    for block in blocks:
        if block.kind == "heading":
            section = {"kind": "headed", "heading": block.text, "line": block.line, "n_paragraphs": 0}
            sections.append(section)
        elif block.kind == "body" and section["kind"] == "front":
            section = {"kind": "lead", "heading": None, "line": block.line, "n_paragraphs": 0}
            sections.append(section)
        if block.kind in ("title", "summary", "body"):
            paragraphs.append({"section": section, "kind": block.kind, "line": block.line, "text": block.text})
            section["n_paragraphs"] += 1
        elif block.kind == "table":
            for row in block.rows[1:]:
                focus.append(
                    {"section": section, "line": block.line, "area": row[0].rstrip(":").strip(), "approach": row[1]}
                )
    for sid, sec in zip(_ids("SEC", len(sections), 1), sections):
        sec["section_id"] = sid
    return sections, paragraphs, focus


def _sentences(paragraphs: list[dict]) -> list[dict]:
    """Split every paragraph into sentences; give paragraphs and sentences their ids."""
    sentence_rows = []
    for pid, par in zip(_ids("P", len(paragraphs), _width(len(paragraphs), 2)), paragraphs):
        par["paragraph_id"] = pid
        par["pieces"] = split_sentences(par["text"], par["line"])
        for k, piece in enumerate(par["pieces"], start=1):
            sentence_rows.append({"paragraph": par, "position": k, "text": piece})
    for sid, row in zip(_ids("S", len(sentence_rows), _width(len(sentence_rows), 2)), sentence_rows):
        row["sentence_id"] = sid
    return sentence_rows


def _inside(starts: list[int], lo: int, hi: int) -> range:
    """Indexes of the sorted ``starts`` strictly between ``lo`` and ``hi``."""
    return range(bisect.bisect_right(starts, lo), bisect.bisect_left(starts, hi))


def _mentions_and_quotes(sentence_rows: list[dict], gazetteer: pd.DataFrame) -> tuple[list, list, list]:
    """Tokens, mentions (gazetteer matches) and quotations of every sentence: (tokens, quotes, mentions)."""
    pattern = _mention_pattern(gazetteer)
    by_surface = {row["surface"]: row for row in gazetteer.to_dict("records")}
    token_rows, quote_rows, mention_rows = [], [], []
    for row in sentence_rows:
        text, sid = row["text"], row["sentence_id"]
        words = tokenize(text)
        row["n_tokens"] = len(words)
        for k, word in enumerate(words, start=1):
            lower = word.lower().replace("\u2019", "'")
            token_rows.append({"sentence_id": sid, "position": k, "token": word, "lower": lower})
        spans = _quote_spans(text, row["paragraph"]["line"])
        span_starts = [a for a, _ in spans]
        found = []
        for match in pattern.finditer(text):
            entry = by_surface[match.group(0)]
            k = bisect.bisect_left(span_starts, match.start()) - 1  # the last span opening before the match
            in_quote = k >= 0 and match.start() < spans[k][1]
            found.append((match, entry, in_quote))
            last = mention_rows[-1] if mention_rows else None
            if (
                last
                and last["sentence_id"] == sid
                and last["entity_id"] == entry["entity_id"]
                and last["start"] + len(last["surface"]) + 1 == match.start()
            ):
                # A title followed by the name ("Canadian PM" + "Mark Carney") is one mention.
                last["surface"] = text[last["start"] : match.end()]
                continue
            mention_rows.append(
                {
                    "sentence_id": sid,
                    "start": match.start(),
                    "surface": match.group(0),
                    "entity_id": entry["entity_id"],
                    "in_quote": in_quote,
                }
            )
        speakers = [e for m, e, q in found if not q and e["entity_type"] == "person"]
        found_starts = [m.start() for m, _, _ in found]
        for a, b in spans:
            inner = text[a + 1 : b - 1]
            vocatives = [
                e
                for m, e, q in (found[i] for i in _inside(found_starts, a, b))
                if e["entity_type"] == "person" and re.search(rf"(^|,)\s*{re.escape(m.group(0))}\s*(,|$|[.!?])", inner)
            ]
            is_sentence = bool(inner) and inner[0].isupper() and inner.rstrip(CLOSERS)[-1:] in SENTENCE_END + ","
            quote_rows.append(
                {
                    "sentence_id": sid,
                    "start": a,
                    "text": inner,
                    "kind": "sentence" if is_sentence else "fragment",
                    "n_words": len(tokenize(inner)),
                    "speaker_id": speakers[0]["entity_id"] if speakers else None,
                    "addressee_id": vocatives[0]["entity_id"] if vocatives else None,
                }
            )
    return token_rows, quote_rows, mention_rows


def _tables(
    blocks, sections, paragraphs, focus, sentence_rows, token_rows, quote_rows, mention_rows, gazetteer: pd.DataFrame
) -> Article:
    """Assemble the DataFrames from the rows of the steps before."""
    notes = [b.text for b in blocks if b.kind == "note"]
    article = _frame(
        [
            {
                "title": paragraphs[0]["text"],
                "summary": paragraphs[1]["text"],
                "note": " ".join(notes) or None,
                "n_sections": len(sections),
                "n_paragraphs": len(paragraphs),
                "n_sentences": len(sentence_rows),
                "word_count": len(token_rows),
            }
        ],
        ["title", "summary", "note", "n_sections", "n_paragraphs", "n_sentences", "word_count"],
    )

    sections_df = _frame(
        [
            {
                "section_id": s["section_id"],
                "position": i,
                "kind": s["kind"],
                "heading": s["heading"],
                "line": s["line"],
                "n_paragraphs": s["n_paragraphs"],
            }
            for i, s in enumerate(sections, start=1)
        ],
        ["section_id", "position", "kind", "heading", "line", "n_paragraphs"],
    )

    paragraphs_df = _frame(
        [
            {
                "paragraph_id": p["paragraph_id"],
                "section_id": p["section"]["section_id"],
                "kind": p["kind"],
                "line": p["line"],
                "n_sentences": len(p["pieces"]),
                "text": p["text"],
            }
            for p in paragraphs
        ],
        ["paragraph_id", "section_id", "kind", "line", "n_sentences", "text"],
    )

    sentences_df = _frame(
        [
            {
                "sentence_id": r["sentence_id"],
                "paragraph_id": r["paragraph"]["paragraph_id"],
                "section_id": r["paragraph"]["section"]["section_id"],
                "position": r["position"],
                "n_tokens": r["n_tokens"],
                "text": r["text"],
            }
            for r in sentence_rows
        ],
        ["sentence_id", "paragraph_id", "section_id", "position", "n_tokens", "text"],
    )

    tokens_df = _frame(token_rows, ["sentence_id", "position", "token", "lower"])

    quotes_df = _frame(quote_rows, ["sentence_id", "start", "kind", "n_words", "speaker_id", "addressee_id", "text"])
    quotes_df.insert(0, "quote_id", _ids("Q", len(quotes_df), 1))

    mentions_df = _frame(mention_rows, ["sentence_id", "start", "surface", "entity_id", "in_quote"])
    mentions_df.insert(0, "mention_id", _ids("M", len(mentions_df), _width(len(mentions_df), 3)))

    # The entities this article mentions, in gazetteer order: a gazetteer entry the
    # text never names (NATO in this article) is no entity of the article.
    entities_df = (
        gazetteer[["entity_id", "entity", "entity_type"]]
        .drop_duplicates("entity_id")
        .rename(columns={"entity": "name"})
    )
    entities_df["n_mentions"] = (
        entities_df["entity_id"].map(mentions_df["entity_id"].value_counts()).fillna(0).astype(int)
    )
    entities_df = entities_df[entities_df["n_mentions"] > 0].reset_index(drop=True)

    focus_df = _frame(
        [
            {
                "section_id": f["section"]["section_id"],
                "area": f["area"],
                "approach": f["approach"],
            }
            for f in focus
        ],
        ["section_id", "area", "approach"],
    )
    focus_df.insert(0, "focus_id", _ids("F", len(focus_df), 1))

    return Article(
        article, sections_df, paragraphs_df, sentences_df, tokens_df, quotes_df, mentions_df, entities_df, focus_df
    )


def _build(blocks: list[_Block], gazetteer: pd.DataFrame) -> Article:
    """Blocks to tables, in four linear steps: sections, sentences, mentions and quotes, tables."""
    sections, paragraphs, focus = _sections(blocks)
    sentence_rows = _sentences(paragraphs)
    token_rows, quote_rows, mention_rows = _mentions_and_quotes(sentence_rows, gazetteer)
    return _tables(blocks, sections, paragraphs, focus, sentence_rows, token_rows, quote_rows, mention_rows, gazetteer)


def parse(text: str | bytes, gazetteer: pd.DataFrame | None = None) -> Article:
    """Parse an article's text into tidy tables.

    ``text`` is the whole article (``str``, or UTF-8 ``bytes``); ``gazetteer``
    defaults to :func:`load_gazetteer`. Returns an :class:`Article`. Raises
    :class:`ArticleFormatError` -- and nothing else -- when the text does not
    have the article's shape.
    """
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as err:
            line_start = text.rfind(b"\n", 0, err.start) + 1
            raise ArticleFormatError(
                text[: err.start].count(b"\n") + 1,
                f"UTF-8 text, found the byte 0x{text[err.start]:02x} at byte {err.start - line_start + 1} of the line",
            ) from None
    if not isinstance(text, str):
        raise ArticleFormatError(None, f"the article as text (str), got {type(text).__name__}")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as err:
        raise ArticleFormatError(text[: err.start].count("\n") + 1, "UTF-8 text, found an unpaired surrogate") from None
    text = unicodedata.normalize("NFC", text.lstrip("\ufeff"))
    if gazetteer is None:
        gazetteer = load_gazetteer()
    return _build(_blocks(text), gazetteer)


def parse_file(path: str | Path, gazetteer: pd.DataFrame | None = None) -> Article:
    """Read and parse an article file (see :func:`parse`)."""
    if not isinstance(path, (str, os.PathLike)):
        raise ArticleFormatError(None, f"the path of an article file, got {type(path).__name__}")
    try:
        data = Path(path).read_bytes()
    except (OSError, ValueError) as err:  # ValueError: a NUL in the path
        raise ArticleFormatError(None, f"a readable file at {path} ({getattr(err, 'strerror', None) or err})") from None
    return parse(data, gazetteer)


def outline(text: str | bytes) -> pd.DataFrame:
    """Show how each non-blank line of an article is read: one row per block.

    Columns: ``line`` (1-based), ``kind`` (title, summary, note, heading,
    body, table) and ``text`` (a table shows its number of rows). This is the
    first step of :func:`parse`, exposed for teaching.
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    if not isinstance(text, str):
        raise ArticleFormatError(None, f"the article as text (str), got {type(text).__name__}")
    rows = [
        {"line": b.line, "kind": b.kind, "text": b.text if b.kind != "table" else f"({len(b.rows) - 1} rows)"}
        for b in _blocks(text)
    ]
    return pd.DataFrame(rows, columns=["line", "kind", "text"])


def to_csv_text(frame: pd.DataFrame) -> str:
    """Render a table as the collection's CSV: UTF-8, ``\\n`` line ends, no index."""
    return frame.to_csv(index=False, lineterminator="\n")


def write_tables(article: Article, folder: str | Path) -> list[Path]:
    """Write every table to ``folder/<name>.csv`` deterministically.

    A file whose content would not change is left alone; a changed one is
    replaced atomically (written beside it, then renamed), so a reader never
    sees half a file. Returns the paths of all tables, in table order.
    """
    if not str(folder).strip():  # Path("") is the current folder: never write there by accident
        raise ArticleFormatError(None, "a folder to write the tables into, but the folder name is empty")
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ArticleFormatError(None, f"a folder to write the tables into, but {folder} is a file")
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, frame in article.tables().items():
        path = folder / f"{name}.csv"
        data = to_csv_text(frame).encode("utf-8")
        if not path.exists() or path.read_bytes() != data:
            partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            partial.write_bytes(data)
            os.replace(partial, path)
        paths.append(path)
    return paths


def read_table(name: str, folder: str | Path | None = None) -> pd.DataFrame:
    """Read one table written by :func:`write_tables` back exactly as it was written.

    ``name`` is a table name (``"tokens"``) or a CSV file name; ``folder``
    defaults to the collection's ``data/tables``. Only an empty cell is a
    missing value: words such as ``None``, ``NA``, ``null`` or ``nan`` stay
    words (plain ``pd.read_csv`` would turn them into NaN).
    """
    if not isinstance(name, str) or not name.strip():
        raise ArticleFormatError(
            None, f"a table name such as 'tokens' (one of {', '.join(Article.table_names())}), got {name!r}"
        )
    if folder is None:
        from middlepowers.paths import data_dir

        folder = data_dir("tables")
    if not isinstance(folder, (str, os.PathLike)):
        raise ArticleFormatError(None, f"a folder of tables, got {type(folder).__name__}")
    file = Path(folder) / (name if name.endswith(".csv") else f"{name}.csv")
    return _read_csv_file(file, f"the table {name!r}", keep_default_na=False, na_values=[""])


def main(argv: list[str] | None = None) -> int:
    """``python -m middlepowers.article ARTICLE OUTDIR``: write the tables."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m middlepowers.article ARTICLE.txt OUTDIR", file=sys.stderr)
        return 2
    for what, arg in zip(("ARTICLE.txt", "OUTDIR"), args):
        if not arg.strip():
            print(f"python -m middlepowers.article: {what} is empty; usage: ARTICLE.txt OUTDIR", file=sys.stderr)
            return 2
    try:
        article = parse_file(args[0])
    except ArticleFormatError as err:
        print(f"{args[0]}: {err}", file=sys.stderr)
        return 1
    try:
        written = write_tables(article, args[1])
    except ArticleFormatError as err:
        print(f"{args[1]}: {err}", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {path}")
    return 0


from middlepowers import _errors  # noqa: E402 - guards the functions defined above

_errors.guard(ArticleFormatError, globals(), make=lambda message: ArticleFormatError(None, message))


if __name__ == "__main__":
    raise SystemExit(main())
