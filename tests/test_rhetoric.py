"""Unit tests of middlepowers.rhetoric against hand-counted values."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from middlepowers import rhetoric as r
from middlepowers.paths import data_dir

ARTICLE_QUOTE = (
    "Canada lives because of the United States. Remember that, Mark, "
    "next time you're going to make one of your statements."
)
WIRE = (
    "I watched your prime minister yesterday. He wasn't so grateful, [...] But they should be "
    "grateful to us. Canada lives because of the United States. Remember that, Mark, the next "
    "time you make your statements."
)


@pytest.fixture(scope="module")
def voices():
    sentences = pd.read_csv(data_dir("tables", "sentences.csv"))
    quotes = pd.read_csv(data_dir("tables", "quotes.csv"))
    return r.token_voices(sentences, quotes)


@pytest.fixture(scope="module")
def coding():
    return r.load_sentence_coding()


# --- log-likelihood (Rayson & Garside 2000) -----------------------------------


def test_log_likelihood_hand_computed_2x2():
    # a=10 of c=100 words, b=5 of d=200: E1 = 100*15/300 = 5, E2 = 10,
    # G2 = 2*(10 ln 2 + 5 ln 0.5) = 10 ln 2 = 6.9315
    assert r.log_likelihood(10, 5, 100, 200) == pytest.approx(10 * math.log(2))
    assert r.log_likelihood(10, 5, 100, 200) == pytest.approx(6.9315, abs=1e-4)


def test_log_likelihood_zero_cell_and_symmetry():
    # a=0: G2 = 2*5*ln(5 / (200*5/300)) = 10 ln 1.5 = 4.0547
    assert r.log_likelihood(0, 5, 100, 200) == pytest.approx(4.0547, abs=1e-4)
    assert r.log_likelihood(5, 0, 200, 100) == pytest.approx(r.log_likelihood(0, 5, 100, 200))
    assert r.log_likelihood(0, 0, 100, 200) == 0.0
    # same relative frequency: no evidence of a difference
    assert r.log_likelihood(3, 6, 100, 200) == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize(
    "args, message",
    [
        ((-1, 5, 100, 200), "must not be negative"),
        ((1.5, 5, 100, 200), "whole number"),
        ((101, 5, 100, 200), "more often than the corpus"),
        ((0, 0, 0, 200), "at least one word"),
        (("3", 5, 100, 200), "whole number"),
    ],
)
def test_log_likelihood_bad_input(args, message):
    with pytest.raises(r.RhetoricInputError, match=message):
        r.log_likelihood(*args)


def test_significance_thresholds():
    assert r.significance(3.83) == "not significant"
    assert r.significance(3.84) == "p < 0.05"
    assert r.significance(6.9315) == "p < 0.01"
    assert r.significance(10.83) == "p < 0.001"
    assert r.significance(20.0) == "p < 0.0001"


def test_keyness_hand_corpus():
    tokens = pd.DataFrame(
        {
            "token": "canada canada lives canada thrives thrives thrives because".split(),
            "group": ["t"] * 3 + ["r"] * 5,
        }
    )
    table = r.keyness(tokens, "group", "t", min_count=1)
    row = table.set_index("word").loc["canada"]
    assert (row["a"], row["b"], row["c"], row["d"]) == (2, 1, 3, 5)
    assert row["g2"] == pytest.approx(round(r.log_likelihood(2, 1, 3, 5), 3))
    assert row["use"] == "over"
    assert table.set_index("word").loc["thrives", "use"] == "under"
    assert list(table["g2"]) == sorted(table["g2"], reverse=True)
    # min_count drops words seen fewer times in both groups together
    assert set(r.keyness(tokens, "group", "t", min_count=3)["word"]) == {"canada", "thrives"}


def test_keyness_bad_group():
    tokens = pd.DataFrame({"token": ["a", "b"], "group": ["x", "y"]})
    with pytest.raises(r.RhetoricInputError, match="'z' is not a value of 'group'"):
        r.keyness(tokens, "group", "z")
    with pytest.raises(r.RhetoricInputError, match="no column 'side'"):
        r.keyness(tokens, "side", "x")


# --- tokens, voices, attribution ----------------------------------------------


def test_token_voices_match_tokens_table(voices):
    tokens = pd.read_csv(data_dir("tables", "tokens.csv"))
    assert len(voices) == len(tokens) == 565
    assert (
        voices[["sentence_id", "position", "token"]].to_numpy()
        == tokens[["sentence_id", "position", "token"]].to_numpy()
    ).all()


def test_only_22_words_are_trumps_own(voices):
    quoted = voices[voices["voice"] != "reporter"]
    assert set(quoted["voice"]) == {"trump"}
    assert quoted.groupby("sentence_id").size().to_dict() == {"S12": 2, "S14": 20}
    assert " ".join(quoted.loc[quoted.sentence_id == "S12", "token"]) == "not exist"
    s14 = voices[voices.sentence_id == "S14"]
    assert list(s14.loc[s14.voice == "reporter", "token"]) == [
        "Trump",
        "directly",
        "addressed",
        "Carney's",
        "proposals",
        "warning",
    ]


def test_with_attribution_names_uncoded_sentence(coding):
    tokens = pd.DataFrame({"sentence_id": ["S14", "S99"], "token": ["Canada", "x"]})
    with pytest.raises(r.RhetoricInputError, match="S99 has no row"):
        r.with_attribution(tokens, coding)


def test_load_sentence_coding_rejects_bad_values(tmp_path):
    bad = tmp_path / "sentences.csv"
    bad.write_text("sentence_id,attribution,claim_type,text,note\nS01,reporter,framing,x,\nS02,putin,framing,y,\n")
    with pytest.raises(r.RhetoricInputError, match="S02: attribution 'putin' is not one of carney, trump, reporter"):
        r.load_sentence_coding(bad)
    with pytest.raises(r.RhetoricInputError, match="file not found: nothing.csv"):
        r.load_sentence_coding(tmp_path / "nothing.csv")


def test_as_tokens_bad_input():
    with pytest.raises(r.RhetoricInputError, match="expected a tokens DataFrame, a text or a list"):
        r.as_tokens(42)
    with pytest.raises(r.RhetoricInputError, match="'token' column"):
        r.as_tokens(pd.DataFrame({"word": ["a"]}))


# --- reporting verbs ------------------------------------------------------------


def test_reporting_verbs_in_article(voices, coding):
    found = r.reporting_verbs(voices, coding)
    s14 = found[found.sentence_id == "S14"]
    assert list(s14["token"]) == ["addressed", "warning"]
    assert list(s14["attribution"]) == ["trump", "trump"]
    # nouns and names are not verbs: "Trump's address" (S11), "United States" (S20), "US state" (S18)
    assert "S11" not in set(found.sentence_id)
    assert "States" not in set(found.token) and "state" not in set(found.token)
    # hand count: 13 in Carney's sentences, 6 in Trump's, 3 in the reporter's framing
    assert found.groupby("attribution").size().to_dict() == {"carney": 13, "reporter": 3, "trump": 6}
    # "emphasized" is used for both leaders
    emph = found[found.lemma == "emphasize"]
    assert {"carney", "trump"} <= set(emph.attribution)


def test_reporting_verbs_skip_quoted_words_and_nouns():
    tokens = pd.DataFrame(
        {
            "sentence_id": ["S1"] * 7,
            "token": ["He", "warned", "I", "warned", "you", "a", "warning"],
            "voice": ["reporter", "reporter", "trump", "trump", "trump", "reporter", "reporter"],
        }
    )
    found = r.reporting_verbs(tokens)
    assert list(found["position"]) == [2]
    assert r.reporting_verbs("His framework calls for trade. He calls them.")["token"].tolist() == ["calls"]


# --- pronouns, modals, frequencies ------------------------------------------------


def test_pronoun_profile_hand_counted():
    table = r.pronoun_profile(WIRE).set_index("person")
    # I; your, you, your; He; they; us
    assert table["count"].to_dict() == {"I": 1, "we": 1, "you": 3, "he/she": 1, "they": 1}
    # 6 + 4 + 7 + 8 + 9 words in the five sentences
    assert table.loc["you", "n_words"] == 34
    assert table.loc["you", "per_100_words"] == round(300 / 34, 2)


def test_pronoun_profile_country_us_and_contractions():
    table = r.pronoun_profile("Europe would not exist without US support, and you're with us.").set_index("person")
    assert table.loc["we", "count"] == 1  # "us", not "US"
    assert table.loc["you", "count"] == 1  # "you're"


def test_pronoun_profile_by_group_lists_every_person(voices):
    table = r.pronoun_profile(voices, by="voice")
    assert len(table) == 2 * 5
    trump = table[table.voice == "trump"].set_index("person")["count"].to_dict()
    assert trump == {"I": 0, "we": 0, "you": 2, "he/she": 0, "they": 0}


def test_modal_verbs_hand_counted():
    found = r.modal_verbs("You won't, we can't, they'd go and you'll see: you must. It's going to rain.")
    assert found["modal"].tolist() == ["will", "can", "would", "will", "must"]
    assert found["group"].tolist() == ["prediction", "possibility", "prediction", "prediction", "necessity"]
    semi = r.modal_verbs(ARTICLE_QUOTE, semi=True)
    assert semi["modal"].tolist() == ["going to"]
    assert r.modal_verbs(ARTICLE_QUOTE).empty


def test_modal_verbs_article_by_attribution(voices, coding):
    found = r.modal_verbs(r.with_attribution(voices, coding), by="attribution")
    assert found[["sentence_id", "modal"]].values.tolist() == [
        ["S08", "will"],
        ["S12", "would"],
        ["S21", "must"],
        ["S27", "might"],
    ]
    semi = r.modal_verbs(r.with_attribution(voices, coding), by="attribution", semi=True)
    # the only modal inside a quotation is the semi-modal "going to" of S14
    assert semi.loc[semi.voice == "trump", ["sentence_id", "modal"]].values.tolist() == [["S14", "going to"]]


def test_word_frequencies():
    table = r.word_frequencies("The US and us: Canada, Canada and the United States.")
    assert table.values.tolist() == [["canada", 2], ["states", 1], ["united", 1], ["us (country)", 1]]
    everything = r.word_frequencies("b a b", drop_stopwords=False, top=1)
    assert everything.values.tolist() == [["b", 2]]


# --- sentiment ---------------------------------------------------------------------


def test_vader_scores_and_lexicon_hits():
    scores = r.sentence_sentiment(["Canada lives because of the United States.", "This is a terrible threat."])
    assert scores.loc[0, "compound"] > 0 and scores.loc[1, "compound"] < 0
    assert set(scores.columns) == {"text", "neg", "neu", "pos", "compound"}
    # the only word VADER scores in Trump's quoted remark is the name "United"
    assert r.lexicon_hits(ARTICLE_QUOTE).values.tolist() == [["United", 1.8]]


def test_sentiment_of_article_sentence_s14():
    sentences = pd.read_csv(data_dir("tables", "sentences.csv"))
    scored = r.sentence_sentiment(sentences).set_index("sentence_id")
    assert scored.loc["S14", "compound"] == pytest.approx(0.1027, abs=1e-4)
    assert scored.loc["S15", "compound"] == pytest.approx(0.5994, abs=1e-4)


def test_sentiment_bad_input():
    with pytest.raises(r.RhetoricInputError, match="no column 'text'"):
        r.sentence_sentiment(pd.DataFrame({"sentence": ["x"]}))
    with pytest.raises(r.RhetoricInputError, match="expected a text"):
        r.lexicon_hits(None)


# --- comparing renderings ----------------------------------------------------------


def test_quote_words_normalises():
    assert r.quote_words("Remember that Mark, [...] the U.S. won\u2019t…") == [
        "remember",
        "that",
        "mark",
        "[…]",
        "the",
        "u.s.",
        "won't",
        "[…]",
    ]


def test_word_diff_article_against_wire():
    changes, info = r.word_diff(ARTICLE_QUOTE, WIRE)
    assert [str(c) for c in changes] == ['+ "the"', '"you\'re going to" -> "you"', '- "one of"']
    assert info["context_words"] == 17 and info["not_quoted"] == 0
    assert info["shared"] == 15 and info["reference_words"] == 20


def test_word_diff_kinds():
    assert r.word_diff("Canada lives because of the US", "Canada exists because of the US")[0] == [
        r.Change("replaced", ("lives",), ("exists",))
    ]
    none, _ = r.word_diff(WIRE, WIRE.upper())
    assert none == []
    cut, _ = r.word_diff("a b c d", "a b [...] d")
    assert [c.kind for c in cut] == ["cut marked"]
    shorter, info = r.word_diff("one two three four five", "three four five")
    assert shorter == [] and info["not_quoted"] == 2
    with pytest.raises(r.RhetoricInputError, match="no words"):
        r.word_diff("...", "a")


def test_compare_quotes_on_outlets():
    versions = r.load_quote_versions()
    trump = versions[versions.quote_id.str.startswith("T-CAN")]
    table = r.compare_quotes(ARTICLE_QUOTE, trump).set_index("quote_id")
    # no outlet renders the remark as the article does
    assert (table["n_changes"] >= 2).all()
    assert table.loc["T-CAN-05", "changes"] == '"you\'re going to" -> "you"; - "one of"'
    assert table.loc["T-CAN-08", "changes"].startswith('"lives" -> "exists"')
    wire = r.compare_quotes(versions.set_index("quote_id").loc["T-CAN-02", "wording"], trump).set_index("quote_id")
    assert wire.loc["T-CAN-07", "changes"] == '- "but"; "us" -> "canada"'
    assert wire.loc["T-CAN-02", "changes"] == "none"


def test_find_phrase():
    versions = r.load_quote_versions()
    assert not r.find_phrase("not exist", versions)["contains"].any()
    german = r.find_phrase("speaking German", versions)
    assert german.loc[german.contains, "quote_id"].tolist() == ["T-GER-01", "T-GER-02"]
    with pytest.raises(r.RhetoricInputError, match="'wording' column"):
        r.find_phrase("x", pd.DataFrame({"text": ["x"]}))


# --- outside data --------------------------------------------------------------------


def test_load_events_parses_ranges():
    events = r.load_events()
    assert list(events["start"]) == sorted(events["start"])
    wef = events[events.date == "2026-01-19/2026-01-23"].iloc[0]
    assert (wef["start"].day, wef["end"].day) == (19, 23)
    single = events[events.date == "2026-01-20"].iloc[0]
    assert single["start"] == single["end"]


def test_load_devices_codebook():
    devices = r.load_devices()
    assert devices["device_id"].is_unique
    assert "dependency framing" in set(devices["device"])


# --- figures ---------------------------------------------------------------------------


def test_figures_are_titled_and_labelled(voices, coding):
    import matplotlib.pyplot as plt

    from middlepowers.figures import check

    tokens = r.with_attribution(voices, coding)
    sentences = pd.read_csv(data_dir("tables", "sentences.csv")).merge(coding[["sentence_id", "attribution"]])
    figures = [
        r.plot_grouped_counts(r.pronoun_profile(tokens, by="attribution"), "attribution", "person"),
        r.plot_sentiment(r.sentence_sentiment(sentences)),
        r.plot_timeline(r.load_events(), since="2026-01-19"),
    ]
    for fig in figures:
        assert check(fig) == []
        plt.close(fig)
    with pytest.raises(r.RhetoricInputError, match="no events on or after 2030-01-01"):
        r.plot_timeline(r.load_events(), since="2030-01-01")
    with pytest.raises(r.RhetoricInputError, match="no column 'person'"):
        r.plot_grouped_counts(pd.DataFrame({"a": [1]}), "a", "person")


def test_device_profile_counts_each_side_with_the_same_codebook():
    table = r.device_profile(r.load_sentence_devices(), r.load_sentence_coding(), r.load_devices())
    assert list(table.columns) == ["carney (paraphrase)", "trump (quoted)", "trump (paraphrase)", "reporter (framing)"]
    assert table.loc["D01 dependency framing", "trump (quoted)"] == 1
    assert table.loc["D01 dependency framing", "carney (paraphrase)"] == 1
    assert table.loc['D07 collective "we"'].sum() == 0  # in the codebook, absent from the article
    assert table.loc["D11 contrast framing (reporter)", "reporter (framing)"] == 4


def test_sentence_devices_bad_voice_and_unknown_sentence(tmp_path):
    bad = tmp_path / "sd.csv"
    bad.write_text("sentence_id,device_id,voice,words\nS14,D01,shouted,Canada lives\n", encoding="utf-8")
    with pytest.raises(r.RhetoricInputError, match="voice 'shouted'"):
        r.load_sentence_devices(bad)
    orphan = pd.DataFrame({"sentence_id": ["S99"], "device_id": ["D01"], "voice": ["quoted"], "words": ["x"]})
    with pytest.raises(r.RhetoricInputError, match="S99 has no row"):
        r.device_profile(orphan, r.load_sentence_coding(), r.load_devices())
