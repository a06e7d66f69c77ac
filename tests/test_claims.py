"""The same claim tests for both leaders (issue 23, part 3): middlepowers.claims and its data."""

from pathlib import Path

import pandas as pd
import pytest

from middlepowers import align as al
from middlepowers import claims as cl

ROOT = Path(__file__).resolve().parents[1]
EXTERNAL = ROOT / "data" / "external"
CLAIMS = cl.load_claims(EXTERNAL / "speech_claims.csv")


def _write(tmp_path, **change):
    frame = pd.read_csv(EXTERNAL / "speech_claims.csv", dtype=str, keep_default_na=False)
    for column, value in change.items():
        frame.loc[0, column] = value
    path = tmp_path / "speech_claims.csv"
    frame.to_csv(path, index=False)
    return path


@pytest.mark.parametrize(
    "change, message",
    [
        ({"verdict": "true"}, "verdict 'true' is not one of"),
        ({"speaker": "biden"}, "speaker must be"),
        ({"rank": "first"}, "rank must be a whole number"),
        ({"rank": "2"}, "one claim per rank"),
    ],
)
def test_a_bad_claims_table_names_the_problem(tmp_path, change, message):
    with pytest.raises(cl.ClaimsError, match=message):
        cl.load_claims(_write(tmp_path, **change))


def test_a_bad_reference_names_the_claim(tmp_path):
    claims = CLAIMS.copy()
    claims.loc[0, "evidence"] = "canada_trade.csv:999"
    with pytest.raises(cl.ClaimsError, match="has no data line 999"):
        cl.evidence(claims.loc[0, "claim_id"], claims, folder=EXTERNAL)
    claims.loc[0, "evidence"] = "somewhere"
    with pytest.raises(cl.ClaimsError, match="is not 'file.csv:LINE'"):
        cl.evidence(claims.loc[0, "claim_id"], claims, folder=EXTERNAL)
    with pytest.raises(cl.ClaimsError, match="no claim 'C-NONE'"):
        cl.evidence("C-NONE", claims)


def test_both_leaders_get_the_same_ranks():
    ranks = CLAIMS.groupby("speaker")["rank"].apply(sorted).to_dict()
    assert ranks["carney"] == ranks["trump"]
    assert ranks["carney"][:4] == [1, 2, 3, 4]
    wide = cl.side_by_side(CLAIMS)
    assert list(wide.columns) == [("carney", "words"), ("carney", "verdict"), ("trump", "words"), ("trump", "verdict")]


def test_every_claim_is_the_speech_word_for_word_with_its_status():
    speech = pd.read_csv(ROOT / "data" / "speeches" / "tables" / "speech_sentences.csv").set_index("sentence_id")
    for row in CLAIMS.itertuples():
        assert al.words(row.words) == al.words(speech.loc[row.speech_id, "text"]), row.claim_id
        assert row.status == speech.loc[row.speech_id, "status"], f"{row.claim_id}: status is stale"
        if row.status == "unsettled":
            assert "rests on one reading" in row.reasoning, row.claim_id


def test_every_reference_resolves_and_a_verdict_has_evidence():
    for row in CLAIMS.itertuples():
        found = cl.evidence(row.claim_id, CLAIMS, folder=EXTERNAL)
        assert len(found) == len(row.evidence.split()), row.claim_id
        if row.verdict != "cannot be tested with these data":
            assert len(found), f"{row.claim_id}: a verdict needs evidence"


def test_figures_in_the_reasoning_follow_from_the_rows():
    def value(ref):
        (found,) = [
            cl.evidence(c, CLAIMS, folder=EXTERNAL)
            for c in CLAIMS.claim_id
            if ref in CLAIMS.set_index("claim_id").evidence[c]
        ][:1]
        return float(found.set_index("ref").loc[ref, "value"])

    fall = (value("claim_figures.csv#F-USTD-2025-01") - value("claim_figures.csv#F-USTD-2025-10")) / value(
        "claim_figures.csv#F-USTD-2025-01"
    )
    usa, rest = value("claim_figures.csv#F-NATO-2025-USA"), value("claim_figures.csv#F-NATO-2025-EUCA")
    reasoning = CLAIMS.set_index("claim_id")["reasoning"]
    assert f"{100 * fall:.1f}%" in reasoning["C-TRUMP-1"]
    assert f"{100 * usa / (usa + rest):.1f}%" in reasoning["C-TRUMP-3"]
    assert f"${usa + rest:,.0f} billion" in reasoning["C-TRUMP-3"]


def test_claim_figures_carry_their_source():
    figures = pd.read_csv(EXTERNAL / "claim_figures.csv", dtype=str, keep_default_na=False)
    assert figures["figure_id"].is_unique
    for column in (
        "indicator",
        "period",
        "value",
        "unit",
        "source_publisher",
        "source_title",
        "source_url",
        "date_read",
    ):
        assert (figures[column].str.strip() != "").all(), column
    copies = figures[~figures["source_publisher"].str.contains(r"^US Bureau of Economic Analysis$")]
    assert copies["note"].str.contains("not read").all(), (
        "a figure read from a report must say the publisher's page was not read"
    )


def test_values_gives_the_numbers_of_the_evidence_rows():
    deficit = cl.values("C-TRUMP-1", CLAIMS, folder=EXTERNAL)
    assert deficit["claim_figures.csv#F-USTD-2025-01"] == 131.4
    surplus = cl.values("C-TRUMP-5", CLAIMS, column="value_cad_billion", folder=EXTERNAL)
    assert list(surplus.index) == ["canada_trade.csv:4"]  # the share rows have no value there
    with pytest.raises(cl.ClaimsError, match="has no column 'nope'"):
        cl.values("C-TRUMP-1", CLAIMS, column="nope", folder=EXTERNAL)
