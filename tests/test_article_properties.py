"""Property-based tests (hypothesis) for ``middlepowers.article.parse``.

Three promises the notebooks rely on:

* a paragraph's sentences, joined with single spaces, give the paragraph back
  (so no text is lost or invented when the article is split);
* no input -- however odd -- raises anything but ``ArticleFormatError``;
* whenever an article parses, its ids are unique and every foreign key joins.
"""

from __future__ import annotations

import unicodedata

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from middlepowers.article import Article, ArticleFormatError, parse, tokenize

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
GAZETTEER_WORDS = ["Carney", "Mark", "Trump", "US", "U.S.", "American", "European", "Canada", "Davos", "Europe"]
ABBREVIATIONS = ["Mr.", "Mrs.", "Dr.", "U.S.", "e.g.", "St.", "etc."]


# --- strategies -------------------------------------------------------------------

# A small alphabet keeps generation fast; it still has non-ASCII letters,
# combining marks (NFC), capitals, digits and scripts without case.
LETTERS = "abcdefxyzABCXYZ019\u00e9e\u0301\u00dfs\u0130\u0416\u0436\u4e2d\u05e9\u05c1"
plain_word = st.text(LETTERS, min_size=1, max_size=6).filter(lambda w: not w[0].isspace() and w[0] != "\u0301")
FIXED_WORDS = (
    GAZETTEER_WORDS
    + ABBREVIATIONS
    + [
        "\u2013",
        "-",
        "3.5",
        "51st",
        ",",
        "(see",
        "it)",
        "low\u2014high",
        "Canada's",
        "two-stage",
        "2025\u20132026",
    ]
)
word = st.one_of(plain_word, st.sampled_from(FIXED_WORDS))
end = st.sampled_from([".", "!", "?", "\u2026", ".)"])


@st.composite
def quotation(draw) -> str:
    """A double-quoted span: a fragment or whole sentences with their own . ? !"""
    inner = " ".join(draw(st.lists(word, min_size=1, max_size=5)))
    if draw(st.booleans()):
        inner = inner[:1].upper() + inner[1:] + draw(end)
        if draw(st.booleans()):
            inner += " " + " ".join(draw(st.lists(word, min_size=1, max_size=3))).capitalize() + draw(end)
    opener, closer = draw(st.sampled_from([('"', '"'), ("\u201c", "\u201d"), ("\u201e", "\u201d")]))
    return opener + inner + closer


@st.composite
def sentence(draw) -> str:
    parts = draw(st.lists(word, min_size=1, max_size=8))
    if draw(st.integers(0, 3)) == 0:  # a quotation in one sentence of four
        parts.insert(draw(st.integers(0, len(parts))), draw(quotation()))
    text = " ".join(parts)
    return text[:1].upper() + text[1:] + draw(end)


@st.composite
def paragraph(draw) -> str:
    sentences = draw(st.lists(sentence(), min_size=1, max_size=3))
    spaces = draw(
        st.lists(st.sampled_from([" ", "  ", "\t", " \u00a0"]), min_size=len(sentences), max_size=len(sentences))
    )
    return "".join(s + sp for s, sp in zip(sentences, spaces)).rstrip()


heading = st.lists(plain_word.map(str.capitalize), min_size=1, max_size=6).map(" ".join)
table_line = st.lists(st.text(st.characters(exclude_characters="|\n\r"), max_size=6), min_size=0, max_size=4).map(
    lambda cells: "|" + "|".join(cells) + "|"
)
odd_line = st.one_of(
    st.text(max_size=30),
    st.text(max_size=20).map(lambda t: "*" + t),
    st.text(max_size=20).map(lambda t: "|" + t),
    table_line,
    st.just("|---|---|"),
    st.text(max_size=20).map(lambda t: '"' + t),
    st.text(max_size=20).map(lambda t: "\u201c" + t + "\u201d."),
    heading,
    paragraph(),
    st.just(""),
)
newline = st.sampled_from(["\n", "\r\n", "\r"])


@st.composite
def line_structured_text(draw) -> str:
    lines = draw(st.lists(odd_line, max_size=10))
    if draw(st.booleans()):  # often start like an article, so parsing gets further
        lines = [draw(heading), draw(paragraph()), *lines]
    return "".join(line + draw(newline) for line in lines)


# --- invariants ---------------------------------------------------------------------


def check_invariants(art: Article) -> None:
    keys = {
        "sections": "section_id",
        "paragraphs": "paragraph_id",
        "sentences": "sentence_id",
        "quotes": "quote_id",
        "mentions": "mention_id",
        "entities": "entity_id",
        "focus_areas": "focus_id",
    }
    for table, key in keys.items():
        assert getattr(art, table)[key].is_unique, table
    assert not art.tokens.duplicated(["sentence_id", "position"]).any()
    joins = [
        ("paragraphs", "section_id", "sections"),
        ("sentences", "paragraph_id", "paragraphs"),
        ("sentences", "section_id", "sections"),
        ("tokens", "sentence_id", "sentences"),
        ("quotes", "sentence_id", "sentences"),
        ("mentions", "sentence_id", "sentences"),
        ("mentions", "entity_id", "entities"),
        ("focus_areas", "section_id", "sections"),
    ]
    for child, column, parent in joins:
        assert set(getattr(art, child)[column]) <= set(getattr(art, parent)[keys[parent]]), (child, column)
    for column in ("speaker_id", "addressee_id"):
        assert set(art.quotes[column].dropna()) <= set(art.entities["entity_id"])
    assert art.article.at[0, "word_count"] == len(art.tokens)
    assert art.article.at[0, "n_sentences"] == len(art.sentences)
    rejoined = art.sentences.groupby("paragraph_id", sort=False)["text"].agg(" ".join)
    assert rejoined.to_dict() == art.paragraphs.set_index("paragraph_id")["text"].to_dict()


def parse_or_format_error(text) -> Article | None:
    try:
        art = parse(text)
    except ArticleFormatError as err:
        assert str(err).startswith(("line ", "article: "))
        assert err.expected
        return None
    check_invariants(art)
    return art


# --- properties -------------------------------------------------------------------------


@SETTINGS
@given(paragraphs=st.lists(paragraph(), min_size=1, max_size=3), title=heading, summary=paragraph())
def test_rejoined_sentences_give_the_paragraph_back(paragraphs, title, summary):
    text = "\n".join([title, summary, *paragraphs]) + "\n"
    art = parse(text)
    check_invariants(art)
    body = art.paragraphs[art.paragraphs["kind"] == "body"]
    # the parser cleans whitespace and normalises to NFC, nothing else
    assert body["text"].tolist() == [unicodedata.normalize("NFC", " ".join(p.split())) for p in paragraphs]
    for pid, text in zip(body["paragraph_id"], body["text"]):
        pieces = art.sentences.loc[art.sentences["paragraph_id"] == pid, "text"].tolist()
        assert " ".join(pieces) == text
        assert all(pieces)
        assert sum(len(tokenize(p)) for p in pieces) == len(tokenize(text))


@SETTINGS
@given(st.text())
def test_any_text_raises_only_the_format_error(text):
    parse_or_format_error(text)


@SETTINGS
@given(line_structured_text())
def test_any_line_structure_raises_only_the_format_error(text):
    parse_or_format_error(text)


@SETTINGS
@given(st.binary(max_size=200))
def test_any_bytes_raise_only_the_format_error(data):
    parse_or_format_error(data)


@settings(max_examples=50, deadline=None)
@given(
    st.one_of(
        st.none(), st.integers(), st.floats(), st.lists(st.text(max_size=3)), st.dictionaries(st.text(), st.text())
    )
)
def test_non_text_raises_the_format_error(value):
    try:
        parse(value)
    except ArticleFormatError as err:
        assert err.line is None
    else:  # pragma: no cover - parse must refuse
        raise AssertionError(f"parse accepted {value!r}")


def test_tables_are_dataframes_even_when_empty():
    art = parse("T\nS.\nB.\n")
    assert isinstance(art.focus_areas, pd.DataFrame) and art.focus_areas.empty
    check_invariants(art)
