"""The hand coding in data/annotations/ matches the article it codes.

When the article changes, these tests fail, so the coding is read again
instead of silently describing sentences that no longer exist.
"""

import re

import pandas as pd
import pytest

from middlepowers.article import parse_file
from middlepowers.paths import article_path, data_dir

ATTRIBUTIONS = {"carney", "trump", "reporter"}
CLAIM_TYPES = {"direct_quote", "paraphrase", "framing", "context"}
THEMES = {"stage_1", "stage_2", "diversification", "rhetoric", "alliances", "context"}
SPEAKER_CLAIMS = {"direct_quote", "paraphrase"}


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(data_dir("annotations", name), dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def article():
    return parse_file(article_path())


@pytest.fixture(scope="module")
def coded():
    return _read("sentences.csv")


@pytest.fixture(scope="module")
def themes():
    return _read("sentence_themes.csv")


@pytest.fixture(scope="module")
def devices():
    return _read("devices.csv")


def test_columns(coded, themes, devices):
    assert list(coded.columns) == ["sentence_id", "attribution", "claim_type", "text", "note"]
    assert list(themes.columns) == ["sentence_id", "theme"]
    assert list(devices.columns) == [
        "device_id",
        "device",
        "definition",
        "example_sentence_id",
        "example_text",
        "note",
    ]


def test_every_sentence_coded_exactly_once(article, coded):
    ids = list(article.sentences["sentence_id"])
    duplicated = sorted(coded.loc[coded["sentence_id"].duplicated(), "sentence_id"])
    assert not duplicated, f"coded more than once: {duplicated}"
    missing = sorted(set(ids) - set(coded["sentence_id"]))
    extra = sorted(set(coded["sentence_id"]) - set(ids))
    assert not missing, f"sentences without a code: {missing}"
    assert not extra, f"codes for sentences the article does not have: {extra}"
    assert list(coded["sentence_id"]) == ids, "rows are in article order"


def test_text_matches_the_parsed_article(article, coded):
    parsed = article.sentences.set_index("sentence_id")["text"]
    stale = [
        row.sentence_id
        for row in coded.itertuples()
        if row.sentence_id in parsed.index and row.text != parsed[row.sentence_id]
    ]
    assert not stale, f"the article changed under these codes; read them again: {stale}"


def test_allowed_values(coded):
    bad_attr = coded.loc[~coded["attribution"].isin(ATTRIBUTIONS), ["sentence_id", "attribution"]]
    bad_claim = coded.loc[~coded["claim_type"].isin(CLAIM_TYPES), ["sentence_id", "claim_type"]]
    assert bad_attr.empty, f"unknown attribution:\n{bad_attr}"
    assert bad_claim.empty, f"unknown claim type:\n{bad_claim}"


def test_attribution_agrees_with_claim_type(coded):
    """A leader is credited only with quotes and paraphrases; framing and context are the reporter's."""
    speaker = coded["attribution"] != "reporter"
    mismatch = coded.loc[speaker != coded["claim_type"].isin(SPEAKER_CLAIMS), "sentence_id"]
    assert mismatch.empty, f"attribution and claim type disagree: {list(mismatch)}"


def test_direct_quotes_are_the_sentences_with_quotes(article, coded):
    """Every sentence holding a quotation, and only those, is a direct quote of that quote's speaker."""
    quoted = article.quotes.groupby("sentence_id")["speaker_id"].first()
    coded_quotes = coded.loc[coded["claim_type"] == "direct_quote"].set_index("sentence_id")
    assert sorted(coded_quotes.index) == sorted(quoted.index)
    for sentence_id, speaker in quoted.items():
        assert coded_quotes.loc[sentence_id, "attribution"] == speaker, sentence_id


def test_hard_calls_carry_a_note(coded):
    """Quotes inside paraphrase and reporter's framing of a leader explain themselves."""
    for sentence_id in ("S01", "S02", "S12"):
        assert coded.set_index("sentence_id").loc[sentence_id, "note"].strip(), sentence_id


def test_every_sentence_has_a_theme(article, themes):
    ids = set(article.sentences["sentence_id"])
    without = sorted(ids - set(themes["sentence_id"]))
    unknown_ids = sorted(set(themes["sentence_id"]) - ids)
    assert not without, f"sentences without a theme: {without}"
    assert not unknown_ids, f"themes for sentences the article does not have: {unknown_ids}"


def test_theme_values(themes):
    bad = themes.loc[~themes["theme"].isin(THEMES)]
    assert bad.empty, f"unknown themes:\n{bad}"
    dup = themes.loc[themes.duplicated()]
    assert dup.empty, f"sentence-theme pairs listed twice:\n{dup}"


def test_device_examples_are_in_their_sentences(article, devices):
    parsed = article.sentences.set_index("sentence_id")["text"]
    assert devices["device_id"].is_unique
    assert (devices["definition"].str.strip() != "").all()
    for row in devices.itertuples():
        if row.example_sentence_id:
            assert row.example_sentence_id in parsed.index, row.device_id
            assert row.example_text, f"{row.device_id}: a sentence id without example text"
            assert row.example_text in parsed[row.example_sentence_id], (
                f"{row.device_id}: {row.example_text!r} is not in {row.example_sentence_id}"
            )
        else:
            assert not row.example_text, f"{row.device_id}: example text without a sentence id"
            assert row.note.strip(), f"{row.device_id}: say in the note why there is no example"


def test_codebook_defines_every_code_and_cites_real_sentences(article):
    text = data_dir("annotations", "codebook.md").read_text(encoding="utf-8")
    for code in ATTRIBUTIONS | CLAIM_TYPES | THEMES:
        assert f"`{code}`" in text, f"codebook does not define {code}"
    cited = set(re.findall(r"\bS\d{2}\b", text))
    assert cited, "codebook cites no sentence"
    assert cited <= set(article.sentences["sentence_id"]), sorted(cited - set(article.sentences["sentence_id"]))
    for word in ("percent agreement", "Cohen's kappa", "single-coder"):
        assert word in text, word


# ----------------------------------------------------------- devices coded per sentence (issue 14)
@pytest.fixture(scope="module")
def sentence_devices():
    return _read("sentence_devices.csv")


def test_sentence_devices_words_are_in_their_sentences(article, sentence_devices, devices, coded):
    parsed = article.sentences.set_index("sentence_id")["text"]
    attribution = coded.set_index("sentence_id")["attribution"]
    assert not sentence_devices.duplicated(["sentence_id", "device_id"]).any()
    assert set(sentence_devices["device_id"]) <= set(devices["device_id"])
    for row in sentence_devices.itertuples():
        text = parsed[row.sentence_id]
        assert row.words in text, f"{row.sentence_id} {row.device_id}: {row.words!r} is not in the sentence"
        inside = [m.group(1) for m in re.finditer(r'"([^"]+)"', text)]
        quoted = any(row.words in q for q in inside)
        assert (row.voice == "quoted") == quoted, (
            f"{row.sentence_id} {row.device_id}: voice {row.voice} but quoted={quoted}"
        )
        assert (row.voice == "framing") == (attribution[row.sentence_id] == "reporter"), row


def test_no_device_rests_on_an_unverified_fragment(sentence_devices, devices):
    # S12's "not exist" is rendered by no other outlet (lesson 02, quote_versions.csv)
    assert not sentence_devices["words"].str.contains("not exist").any()
    assert not devices["example_text"].str.contains("not exist").any()


def test_the_same_devices_are_looked_for_in_both_leaders(sentence_devices, coded):
    side = sentence_devices.merge(coded[["sentence_id", "attribution"]])
    used = side.groupby("attribution")["device_id"].apply(set)
    # one codebook for every sentence, coded for what the text does; the counts fall where they
    # fall (issue 23: S08's forecast is no warning, "security relationships" no security framing,
    # threats made to Canada and the end of an order no existential stakes of Carney's)
    both = used["trump"] & used["carney"]
    assert {"D01", "D04", "D05", "D09"} <= both, both
    assert used["trump"] - used["carney"] == {"D02", "D03", "D10"}, used
