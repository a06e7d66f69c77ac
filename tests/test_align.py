"""Unit tests for middlepowers.align (classes and thresholds of the codebook)."""

import re
from pathlib import Path

from middlepowers import align as al

ROOT = Path(__file__).resolve().parents[1]


def test_words_fold_quotes_and_case():
    assert al.words("Canada \u201clives\u201d \u2014 wasn\u2019t") == ["canada", "lives", "wasn't"]


def test_direct_quote_needs_every_span_word_for_word():
    speech = "Canada lives because of the United States. Remember that, Mark, the next time you make your statements."
    ok = 'He said: "Canada lives because of the United States."'
    assert al.classify(ok, speech)[0] == "direct quote"
    bad = 'He said: "Remember that, Mark, next time you\'re going to make one of your statements."'
    assert al.classify(bad, speech)[0] != "direct quote"


def test_paraphrase_thresholds():
    speech = "We are in the midst of a rupture, not a transition."
    assert al.classify("we are in the midst of a rupture not a change", speech)[0] == "close paraphrase"
    assert al.classify("we are in a rupture now, he said", speech)[0] == "loose paraphrase"
    assert al.classify("Tariffs rose sharply last year", speech)[0] == "attributed but not found"


def test_unattributed_is_framing():
    assert al.classify("Carney spoke first.", "Carney spoke first.", attributed=False)[0] == "reporter's framing"


def test_align_picks_best_and_joins_neighbours():
    speech = {"T-P01-S01": "Canada gets a lot of freebies from us.", "T-P01-S02": "They should be grateful."}
    res = al.align("S99", "Canada gets a lot of freebies and should be grateful", speech)
    assert res.speech_id == "T-P01-S01+T-P01-S02"
    assert res.auto_class == "close paraphrase"
    none = al.align("S98", "Completely unrelated words here", speech)
    assert none.speech_id == "" and none.auto_class == "attributed but not found"


def test_compare_copies_records_agreement_per_paragraph():
    a = ["Remember that, Mark, the next time you make your statements.", "Second."]
    b = ["Remember that Mark \u2014 the next time you make your statements", "Other."]
    res = al.compare_copies(a, b + ["Extra."])
    assert [r[1] for r in res] == [True, False, False]
    assert res[2][2] == 0.0


def test_codebook_states_the_same_thresholds():
    text = (ROOT / "data" / "annotations" / "codebook.md").read_text(encoding="utf-8")
    section = text.split("## Alignment", 1)[1]
    assert re.search(rf"\b{al.CLOSE}\b", section) and re.search(rf"\b{al.LOOSE}\b", section)
