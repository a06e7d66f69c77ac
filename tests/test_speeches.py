"""The speech tables (data/speeches): fresh, well formed, and the alignment table (issue 23)."""

from pathlib import Path

import pandas as pd
import pytest

from middlepowers import align as al
from middlepowers import speech as sp

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "data" / "speeches"
CLASSES = {"direct quote", "close paraphrase", "loose paraphrase", "attributed but not found", "reporter's framing"}


def test_speech_tables_are_fresh(tmp_path):
    for name, table in sp.build_tables(FOLDER).items():
        path = tmp_path / name
        table.to_csv(path, index=False, lineterminator="\n")
        committed = FOLDER / "tables" / name
        assert committed.read_bytes() == path.read_bytes(), (
            f"{committed} is stale: run middlepowers.speech.write_tables"
        )


def test_ids_are_stable_and_every_reading_is_sourced():
    sents = pd.read_csv(FOLDER / "tables" / "speech_sentences.csv")
    assert sents["sentence_id"].str.fullmatch(r"(CARNEY|TRUMP)-P\d{2}-S\d{2}").all()
    assert sents["sentence_id"].is_unique
    readings = pd.read_csv(FOLDER / "readings.csv", dtype=str, keep_default_na=False)
    for col in ("publisher", "url", "date_published", "kind", "how_read", "text"):
        assert (readings[col].str.strip() != "").all(), col
    assert readings["reading_id"].is_unique


@pytest.mark.parametrize(
    "text, message",
    [
        ("no header\n@P01\nText.\n", "line 1: expected 'SPEAKER: description'"),
        ("TRUMP: x\n@P02\nText.\n", "line 2: expected @P01"),
        ("TRUMP: x\nText.\n", "line 2: text before the first '@Pnn' line"),
        ("TRUMP: x\n@P01\n@P02\nText.\n", "line 3: paragraph @P01 has no text"),
        ("TRUMP: x\n@X1\n", "line 2: expected '@Pnn', '@Pnn fr' or '@Pnn fr-en'"),
        ("TRUMP: x\n@P01 de\n", "line 2: expected '@Pnn', '@Pnn fr' or '@Pnn fr-en'"),
    ],
)
def test_malformed_speech_names_the_line(tmp_path, text, message):
    path = tmp_path / "bad-2026-01-01.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(sp.SpeechFormatError, match=message.replace("(", r"\(").replace(")", r"\)")):
        sp.read(path)


def test_a_translated_paragraph_is_marked_as_such(tmp_path):
    path = tmp_path / "carney-2026-01-20.txt"
    path.write_text("CARNEY: x\n@P01\nThank you.\n@P02 fr-en\nIt is a pleasure.\n@P03 fr\nMerci.\n", encoding="utf-8")
    paras, sents = sp.read(path)
    assert list(paras["lang"]) == ["en", "fr-en", "fr"]
    assert list(sents["lang"]) == ["en", "fr-en", "fr"]


def test_the_opening_in_french_is_kept_as_a_rendering():
    sents = pd.read_csv(FOLDER / "tables" / "speech_sentences.csv")
    rendered = sents[sents["lang"] == "fr-en"]
    assert set(rendered["speaker"]) == {"carney"}
    assert rendered["text"].str.contains("rupture in the world order").any()


def test_a_sentence_on_one_reading_is_unsettled():
    sents = pd.DataFrame([{"sentence_id": "TRUMP-P01-S01", "speaker": "trump", "text": "Remember that, Mark."}])
    one = pd.DataFrame(
        [{"reading_id": "R1", "speaker": "trump", "url": "https://a.example/x", "text": "Remember that Mark"}]
    )
    same_host = pd.concat([one, one.assign(reading_id="R2", url="https://a.example/y")])
    two = pd.concat([one, one.assign(reading_id="R2", url="https://b.example/y")])
    assert sp.agreement(sents, one)["status"].item() == "unsettled"
    assert sp.agreement(sents, same_host)["status"].item() == "unsettled"
    assert sp.agreement(sents, two)["status"].item() == "settled"


def test_two_blogs_do_not_settle_a_sentence():
    sents = pd.DataFrame(
        [{"sentence_id": "CARNEY-P01-S01", "speaker": "carney", "text": "The powerful have their power."}]
    )
    blog = pd.DataFrame(
        [
            {
                "reading_id": "R1",
                "speaker": "carney",
                "url": "https://a.example/x",
                "kind": "blog",
                "text": "The powerful have their power",
            }
        ]
    )
    two_blogs = pd.concat([blog, blog.assign(reading_id="R2", url="https://b.example/y", kind="forum post")])
    blog_and_news = pd.concat([blog, blog.assign(reading_id="R2", url="https://b.example/y", kind="news report")])
    assert sp.agreement(sents, two_blogs)["status"].item() == "unsettled"
    assert sp.agreement(sents, blog_and_news)["status"].item() == "settled"


ALIGN = pd.read_csv(ROOT / "data" / "speeches" / "alignment.csv", dtype=str, keep_default_na=False)


def test_every_sentence_reporting_a_leader_has_an_alignment_row():
    coded = pd.read_csv(ROOT / "data" / "annotations" / "sentences.csv")
    leaders = set(coded.loc[coded["attribution"].isin(["carney", "trump"]), "sentence_id"])
    assert leaders == set(ALIGN["sentence_id"])
    assert (ALIGN["note"].str.strip() != "").all()
    assert set(ALIGN["auto_class"]) <= CLASSES
    assert set(ALIGN["hand_class"]) <= CLASSES | {"not checkable"}


def test_automatic_columns_are_fresh():
    coded = pd.read_csv(ROOT / "data" / "annotations" / "sentences.csv")
    speech = pd.read_csv(FOLDER / "tables" / "speech_sentences.csv")
    auto = sp.align_article(coded, speech).astype(str)
    cols = ["sentence_id", "speaker", "speech_id", "ratio", "auto_class"]
    assert auto[cols].to_dict("records") == ALIGN[cols].to_dict("records")


def test_direct_quote_rows_match_the_speech_word_for_word():
    article = pd.read_csv(ROOT / "data" / "tables" / "sentences.csv").set_index("sentence_id")["text"]
    speech = pd.read_csv(FOLDER / "tables" / "speech_sentences.csv").set_index("sentence_id")["text"]
    for row in ALIGN[(ALIGN["auto_class"] == "direct quote") | (ALIGN["hand_class"] == "direct quote")].itertuples():
        passage = " ".join(speech[i] for i in row.speech_id.split("+"))
        assert al.classify(article[row.sentence_id], passage)[0] == "direct quote", row.sentence_id


def test_variants_are_keyed_by_existing_ids():
    variants = pd.read_csv(FOLDER / "variants.csv", dtype=str, keep_default_na=False)
    sents = set(pd.read_csv(FOLDER / "tables" / "speech_sentences.csv")["sentence_id"])
    readings = set(pd.read_csv(FOLDER / "readings.csv")["reading_id"])
    versions = set(pd.read_csv(ROOT / "data" / "external" / "quote_versions.csv")["quote_id"])
    assert set(variants["sentence_id"]) <= sents
    assert set(variants["reading_id"]) <= readings | versions
