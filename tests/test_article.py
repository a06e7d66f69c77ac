"""Unit tests for ``middlepowers.article``: the real article, variants, bad input.

The lessons cite sentence ids (S01..S27), paragraph ids (P01..P12) and
section ids (SEC1..SEC7); these tests pin them down, so a change to the
parser that would shift an id fails here first.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from middlepowers.article import (
    Article,
    ArticleFormatError,
    parse,
    parse_file,
    split_sentences,
    tokenize,
    write_tables,
)
from middlepowers.paths import article_path

FIXTURES = Path(__file__).parent / "fixtures"
OTHER = FIXTURES / "other_article.txt"
MALFORMED = FIXTURES / "malformed"


@pytest.fixture(scope="module")
def art() -> Article:
    return parse_file(article_path())


@pytest.fixture(scope="module")
def raw_text() -> str:
    return article_path().read_text(encoding="utf-8")


def sentence(art: Article, sid: str) -> str:
    return art.sentences.set_index("sentence_id").at[sid, "text"]


# --- the real article ----------------------------------------------------------


def test_table_names_and_types(art):
    assert Article.table_names() == [
        "article",
        "sections",
        "paragraphs",
        "sentences",
        "tokens",
        "quotes",
        "mentions",
        "entities",
        "focus_areas",
    ]
    for name, frame in art.tables().items():
        assert isinstance(frame, pd.DataFrame), name


def test_ids(art):
    assert art.sentences["sentence_id"].tolist() == [f"S{i:02d}" for i in range(1, 28)]
    assert art.paragraphs["paragraph_id"].tolist() == [f"P{i:02d}" for i in range(1, 13)]
    assert art.sections["section_id"].tolist() == [f"SEC{i}" for i in range(1, 8)]
    assert art.quotes["quote_id"].tolist() == ["Q1", "Q2"]
    assert art.focus_areas["focus_id"].tolist() == ["F1", "F2", "F3", "F4"]


def test_title_summary_note(art):
    row = art.article.iloc[0]
    assert row["title"] == (
        "Carney Proposes Coalition Strategy for Middle Powers as Trump Asserts US Dominance at Davos"
    )
    assert row["summary"].startswith("Canadian PM Mark Carney presented a strategic framework")
    assert row["note"] == "this image is generated using AI for illustrative purposes only."
    assert (row["n_sections"], row["n_paragraphs"], row["n_sentences"]) == (7, 12, 27)


def test_sections_and_headings(art):
    headed = art.sections[art.sections["kind"] == "headed"]
    assert headed["heading"].tolist() == [
        "Carney's Two-Stage Recovery Program",
        "Trump's Response and Assertions",
        "Strategic Diversification Efforts",
        "Implications for Global Alliances",
        "Long-term Strategic Considerations",
    ]
    assert art.sections["kind"].tolist()[:2] == ["front", "lead"]
    assert art.sections["n_paragraphs"].sum() == len(art.paragraphs)


def test_paragraphs_split_into_sentences(art):
    # Re-joining a paragraph's sentences with single spaces gives it back.
    for pid, group in art.sentences.groupby("paragraph_id"):
        text = art.paragraphs.set_index("paragraph_id").at[pid, "text"]
        assert " ".join(group.sort_values("position")["text"]) == text
    counts = art.sentences.groupby("paragraph_id").size()
    assert counts.to_dict() == art.paragraphs.set_index("paragraph_id")["n_sentences"].to_dict()
    assert sentence(art, "S01") == art.article.at[0, "title"]


def test_quote_fragment_q1(art):
    q1 = art.quotes.set_index("quote_id").loc["Q1"]
    assert q1["text"] == "not exist"
    assert q1["kind"] == "fragment"
    assert q1["sentence_id"] == "S12"
    assert q1["speaker_id"] == "trump"
    assert pd.isna(q1["addressee_id"])
    s12 = sentence(art, "S12")
    assert s12[q1["start"] : q1["start"] + len('"not exist"')] == '"not exist"'


def test_quote_sentence_q2_stays_in_reporting_sentence(art):
    q2 = art.quotes.set_index("quote_id").loc["Q2"]
    assert q2["text"] == (
        "Canada lives because of the United States. Remember that, Mark, "
        "next time you're going to make one of your statements."
    )
    assert q2["kind"] == "sentence"
    assert (q2["speaker_id"], q2["addressee_id"]) == ("trump", "carney")
    assert q2["sentence_id"] == "S14"
    s14 = sentence(art, "S14")
    assert s14.startswith("Trump directly addressed Carney's proposals, warning: \"Canada lives")
    assert s14.endswith('one of your statements."')
    # the quotation's inner full stop did not start a new sentence
    assert sentence(art, "S15").startswith("This response came after Trump")
    assert q2["n_words"] == len(tokenize(q2["text"]))


def test_mentions_include_adjectives(art):
    m = art.mentions
    adjectives = m[m["surface"].isin(["American", "European"])]
    assert set(adjectives["surface"]) == {"American", "European"}
    assert set(m.loc[m["surface"] == "American", "entity_id"]) == {"usa"}
    assert set(m.loc[m["surface"] == "European", "entity_id"]) == {"europe"}
    s12 = m[m["sentence_id"] == "S12"]
    assert {"American", "European", "Europe", "US President"} <= set(s12["surface"])
    # the vocative "Mark" inside Trump's quotation is a mention in a quote
    mark = m[(m["sentence_id"] == "S14") & (m["surface"] == "Mark")]
    assert mark["in_quote"].tolist() == [True]
    assert mark["entity_id"].tolist() == ["carney"]
    for _, row in m.iterrows():
        text = sentence(art, row["sentence_id"])
        assert text[row["start"] : row["start"] + len(row["surface"])] == row["surface"]
    assert m["mention_id"].is_unique
    assert set(m["entity_id"]) <= set(art.entities["entity_id"])
    counts = m["entity_id"].value_counts()
    for _, row in art.entities.iterrows():
        assert row["n_mentions"] == counts.get(row["entity_id"], 0)


def test_mentions_of_places_and_people(art):
    ids = set(art.mentions["entity_id"])
    assert {
        "carney",
        "trump",
        "putin",
        "xi",
        "canada",
        "usa",
        "europe",
        "davos",
        "london",
        "berlin",
        "tokyo",
        "sydney",
        "wef",
        "russia",
        "china",
    } <= ids


def test_focus_areas(art):
    fa = art.focus_areas
    assert fa["area"].tolist() == [
        "Market Diversification",
        "Supply Chain Security",
        "Security Partnerships",
        "Economic Resilience",
    ]
    assert not fa["area"].str.endswith(":").any()
    assert fa.loc[0, "approach"] == "Expanding trade relationships beyond US dependence"
    assert set(fa["section_id"]) == {"SEC5"}
    assert art.sections.set_index("section_id").at["SEC5", "heading"] == "Strategic Diversification Efforts"


def test_tokens_one_per_row(art):
    tok = art.tokens
    assert list(tok.columns) == ["sentence_id", "position", "token", "lower"]
    assert (tok["lower"] == tok["token"].str.lower()).all()
    assert not tok["token"].str.contains(r"\s").any()
    assert not tok.duplicated(["sentence_id", "position"]).any()
    for sid, group in tok.groupby("sentence_id"):
        assert group["position"].tolist() == list(range(1, len(group) + 1))
        assert group["token"].tolist() == tokenize(sentence(art, sid))
    n = art.sentences.set_index("sentence_id")["n_tokens"]
    assert tok.groupby("sentence_id").size().to_dict() == n[n > 0].to_dict()
    assert art.article.at[0, "word_count"] == len(tok) == 565
    # an apostrophe keeps a word whole; hyphens and dashes split
    s03 = tok[tok["sentence_id"] == "S03"]["token"].tolist()
    assert s03[:3] == ["Carney's", "two", "stage"]
    s26 = tok[tok["sentence_id"] == "S26"]["token"].tolist()
    assert "decades" in s26 and "including" in s26


def test_em_dashes_split_tokens_not_sentences(art):
    s26 = sentence(art, "S26")
    assert "decades\u2014including" in s26
    assert s26.startswith("The approach recognizes") and s26.endswith("new strategic thinking.")


def test_foreign_keys_join(art):
    assert set(art.sentences["paragraph_id"]) <= set(art.paragraphs["paragraph_id"])
    assert set(art.paragraphs["section_id"]) <= set(art.sections["section_id"])
    assert set(art.tokens["sentence_id"]) <= set(art.sentences["sentence_id"])
    assert set(art.quotes["sentence_id"]) <= set(art.sentences["sentence_id"])
    assert set(art.mentions["sentence_id"]) <= set(art.sentences["sentence_id"])
    merged = art.sentences.merge(art.paragraphs[["paragraph_id", "section_id"]], on="paragraph_id")
    assert (merged["section_id_x"] == merged["section_id_y"]).all()


# --- variants of the same article ---------------------------------------------


def frames_equal(a: Article, b: Article, skip=("line",)) -> None:
    for name in Article.table_names():
        x, y = a.tables()[name], b.tables()[name]
        x = x.drop(columns=[c for c in skip if c in x.columns])
        y = y.drop(columns=[c for c in skip if c in y.columns])
        pd.testing.assert_frame_equal(x, y, obj=name)


def test_crlf_line_endings(art, raw_text):
    frames_equal(parse(raw_text.replace("\n", "\r\n")), art, skip=())


def test_trailing_and_inner_blank_lines(art, raw_text):
    assert raw_text.endswith("\n\n\n")  # the real file already has many
    frames_equal(parse(raw_text.rstrip("\n") + "\n"), art, skip=())
    frames_equal(parse(raw_text + "\n \n\t\n"), art, skip=())
    frames_equal(parse(raw_text.replace("\n", "\n\n", 3)), art)


def test_bytes_and_bom(art, raw_text):
    frames_equal(parse(raw_text.encode("utf-8")), art, skip=())
    frames_equal(parse("\ufeff" + raw_text), art, skip=())


def test_curly_quotes(art, raw_text):
    text = (
        raw_text.replace('"not exist"', "\u201cnot exist\u201d")
        .replace('"Canada lives', "\u201cCanada lives")
        .replace('statements."', "statements.\u201d")
    )
    curly = parse(text)
    assert curly.quotes["text"].tolist() == art.quotes["text"].tolist()
    assert curly.quotes["sentence_id"].tolist() == ["S12", "S14"]
    assert curly.quotes[["speaker_id", "addressee_id"]].equals(art.quotes[["speaker_id", "addressee_id"]])
    assert len(curly.sentences) == 27


def test_dashes():
    text = "A Title\nA summary.\nPrices rose \u2014 sharply \u2013 in 2025\u20132026. Then they fell.\n"
    a = parse(text)
    assert a.sentences["text"].tolist()[2:] == [
        "Prices rose \u2014 sharply \u2013 in 2025\u20132026.",
        "Then they fell.",
    ]
    assert tokenize("2025\u20132026 low\u2014high") == ["2025", "2026", "low", "high"]


def test_title_case_headings_without_punctuation():
    a = parse("A Title\nA summary.\nFirst Words\nA paragraph.\nWhat Comes Next For Canada\nAnother one.\n")
    assert a.sections["heading"].tolist()[1:] == ["First Words", "What Comes Next For Canada"]
    assert a.sections["kind"].tolist() == ["front", "headed", "headed"]
    assert a.paragraphs["section_id"].tolist() == ["SEC1", "SEC1", "SEC2", "SEC3"]


@pytest.mark.parametrize("mark", ["?", "!"])
def test_quoted_question_or_exclamation_stays_in_reporting_sentence(mark):
    text = f'A Title\nA summary.\nTrump asked: "Why should Canada wait{mark} We will not." Carney answered later.\n'
    a = parse(text)
    assert a.sentences["text"].tolist()[2:] == [
        f'Trump asked: "Why should Canada wait{mark} We will not."',
        "Carney answered later.",
    ]
    q = a.quotes.iloc[0]
    assert (q["sentence_id"], q["kind"], q["speaker_id"]) == ("S03", "sentence", "trump")
    assert q["text"] == f"Why should Canada wait{mark} We will not."


def test_question_inside_curly_quote_then_lower_case_reporting_clause():
    pieces = split_sentences("\u201cWhere will the vans stop?\u201d he said at the meeting. Nobody knew.")
    assert pieces == ["\u201cWhere will the vans stop?\u201d he said at the meeting.", "Nobody knew."]


def test_abbreviations():
    pieces = split_sentences("Mr. Carney met U.S. officials in Davos. Mrs. Smith and Dr. Jones did not. They left.")
    assert pieces == ["Mr. Carney met U.S. officials in Davos.", "Mrs. Smith and Dr. Jones did not.", "They left."]
    a = parse("A Title\nA summary.\nThe U.S. President spoke. Mr. Carney listened.\n")
    assert a.sentences["text"].tolist()[2:] == ["The U.S. President spoke.", "Mr. Carney listened."]
    assert "usa" in set(a.mentions["entity_id"])


def test_split_sentences_keeps_single_sentence():
    assert split_sentences("No split here") == ["No split here"]
    assert split_sentences("It costs 3.5 billion. Really.") == ["It costs 3.5 billion.", "Really."]
    assert split_sentences("Ends  with   spaces.  ") == ["Ends with spaces."]


def test_another_article_of_the_same_shape():
    a = parse_file(OTHER)
    assert a.article.at[0, "title"] == "Riverside Council Approves Cross-Town Bike Lane After Long Debate"
    assert a.article.at[0, "note"] == "Illustration: a cyclist on a quiet street."
    assert a.sections["heading"].tolist()[2:] == ["What The Plan Includes", "Objections And Next Steps"]
    assert a.sections["kind"].tolist() == ["front", "lead", "headed", "headed"]
    assert a.paragraphs["paragraph_id"].tolist() == [f"P0{i}" for i in range(1, 7)]
    assert a.sentences["sentence_id"].tolist() == [f"S{i:02d}" for i in range(1, 12)]
    texts = a.sentences["text"].tolist()
    assert "She told reporters: \u201cWe promised safer streets. Today we kept that promise.\u201d" in texts
    assert (
        "Mr. Okafor, who owns a bakery on Main St. near the route, asked whether deliveries would still be possible."
    ) in texts
    assert "\u201cWhere will the vans stop?\u201d he said at the meeting." in texts
    assert a.quotes["kind"].tolist() == ["sentence", "sentence"]
    assert a.quotes["speaker_id"].isna().all()  # no one in the gazetteer speaks
    assert a.focus_areas.empty and list(a.focus_areas.columns) == ["focus_id", "section_id", "area", "approach"]
    assert a.mentions.empty and "entity_id" in a.mentions.columns
    assert a.article.at[0, "word_count"] == len(a.tokens)


def test_other_article_with_crlf_and_trailing_blank_lines():
    text = OTHER.read_text(encoding="utf-8")
    frames_equal(parse(text.replace("\n", "\r\n") + "\r\n\r\n\r\n"), parse(text), skip=())


def test_custom_gazetteer():
    gaz = pd.DataFrame(
        {
            "surface": ["Ana Ruiz", "Riverside"],
            "entity_id": ["ruiz", "riverside"],
            "entity": ["Ana Ruiz", "Riverside"],
            "entity_type": ["person", "city"],
            "form": ["full name", "name"],
        }
    )
    a = parse_file(OTHER, gazetteer=gaz)
    assert a.mentions["entity_id"].tolist() == ["riverside", "riverside", "ruiz"]
    assert a.entities["entity_id"].tolist() == ["ruiz", "riverside"]


# --- malformed input -------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "line", "fragments"),
    [
        ("empty.txt", 1, ["line 1", "title line", "empty file"]),
        ("blank_lines.txt", 1, ["line 1", "title line", "only blank lines"]),
        ("no_title.txt", 1, ["line 1", "title line first"]),
        ("no_summary.txt", 2, ["line 2", "summary paragraph after the title"]),
        ("no_paragraphs.txt", 4, ["line 4", "at least one body paragraph", "found none"]),
        ("ragged_table.txt", 7, ["line 7", "2 cells", "found 3", "ragged table"]),
        ("table_no_separator.txt", 5, ["line 5", "separator row like '|---|---|'"]),
        ("unclosed_quote.txt", 4, ["line 4", "closing quotation mark", "column 11", "unclosed quotation"]),
        ("stray_closing_quote.txt", 3, ["line 3", "opening quotation mark before the closing one", "column 43"]),
        ("invalid_utf8.txt", 3, ["line 3", "UTF-8 text", "0xff"]),
    ],
)
def test_malformed_fixture(name, line, fragments):
    with pytest.raises(ArticleFormatError) as info:
        parse_file(MALFORMED / name)
    err = info.value
    assert err.line == line
    for fragment in fragments:
        assert fragment in str(err)
    assert str(err) == f"line {err.line}: {err.expected}"


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("Title\n", 2, "summary paragraph after the title"),
        ("Title\n*A note.\nA summary.\nBody.\n", 2, "summary paragraph after the title"),
        ("*A note first.\nTitle\nSummary.\nBody.\n", 1, "title line first, not a note"),
        ("| a | b |\n|---|---|\n| c | d |\nSummary.\nBody.\n", 1, "title line first, not a table row"),
        ("Title\nSummary.\n*\nBody.\n", 3, "text after '*'"),
        ("Title\nSummary.\nBody.\n| a | b\n", 4, "starts and ends with '|'"),
        ("Title\nSummary.\nBody.\n| a | b |\n|---|---|\n", 4, "at least one row"),
        ("Title\nSummary.\nBody.\n| a | b | c |\n|---|---|---|\n| d | e | f |\n", 4, "two-column table"),
        ("Title\nSummary.\nBody.\n| a | b |\n|---|---|\n| c |  |\n", 6, "no empty cell"),
        ("Title\nSummary.\n" + " ".join(["word"] * 13) + "\n", 3, "a heading of at most 12 words"),
        ("Title\r\nSummary.\r\nShe said \u201cnever closed.\r\n", 3, "unclosed quotation"),
        ('"Open Title\nSummary.\nBody.\n', 1, "unclosed quotation"),
        # a straight quotation mark after a word, with none before it, is a stray closing one (issue 16)
        ('Title\nSummary.\nA body with a stray mark" in it.\n', 3, "column 25 (stray closing quotation mark)"),
        ('Title\nSummary.\nA "quoted" word, then a stray one".\n', 3, "column 34 (stray closing quotation mark)"),
        ('Title\nSummary.\nHe said "go on.\n', 3, "column 9 (unclosed quotation)"),
        ("Title\nSummary.\nBody.\nA \ud800 surrogate.\n", 4, "UTF-8 text"),
    ],
)
def test_malformed_text(text, line, fragment):
    with pytest.raises(ArticleFormatError) as info:
        parse(text)
    assert info.value.line == line
    assert fragment in str(info.value)
    assert str(info.value).startswith(f"line {line}: ")


@pytest.mark.parametrize("value", [None, 42, ["Title", "Summary."], Path("x.txt")])
def test_non_str_input(value):
    with pytest.raises(ArticleFormatError) as info:
        parse(value)
    assert info.value.line is None
    assert "the article as text (str)" in str(info.value)
    assert type(value).__name__ in str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(ArticleFormatError) as info:
        parse_file(tmp_path / "nope.txt")
    assert info.value.line is None
    assert "readable file" in str(info.value)


def test_error_is_a_value_error():
    assert issubclass(ArticleFormatError, ValueError)
    err = ArticleFormatError(3, "something")
    assert (err.line, err.expected, str(err)) == (3, "something", "line 3: something")


def test_command_line_reports_bad_input_without_traceback(tmp_path, capsys):
    from middlepowers.article import main

    assert main([str(MALFORMED / "unclosed_quote.txt"), str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "unclosed_quote.txt: line 4:" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()
    assert main([]) == 2
    assert main([str(OTHER), str(tmp_path / "out")]) == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(f"{n}.csv" for n in Article.table_names())


def test_command_line_with_a_file_as_outdir_says_so(tmp_path):
    """OUTDIR that is a file: a one-line message and exit 1, no traceback (issue 16)."""
    import subprocess
    import sys

    taken = tmp_path / "tables"
    taken.write_text("mine\n")
    out = subprocess.run(
        [sys.executable, "-m", "middlepowers.article", str(OTHER), str(taken)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert f"{taken}: article: a folder to write the tables into, but {taken} is a file" in out.stderr
    assert taken.read_text() == "mine\n"


@pytest.mark.parametrize("outdir", ["", "  "])
def test_command_line_with_an_empty_outdir_writes_nothing(tmp_path, outdir):
    """`python -m middlepowers.article ART ""` is an error, not the nine tables in the current folder (issue 26)."""
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "middlepowers.article", str(OTHER), outdir],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "OUTDIR is empty" in out.stderr
    assert list(tmp_path.iterdir()) == []


def test_write_tables_refuses_an_empty_folder_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ArticleFormatError, match="folder name is empty"):
        write_tables(parse_file(OTHER), "")
    assert list(tmp_path.iterdir()) == []
