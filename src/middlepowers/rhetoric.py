"""Measure the language of a news report: who speaks, with which words.

Lesson 02 ("Trump's rhetoric, and reading it through a reporter") uses these
helpers. Every measure works on tidy tokens, one word per row, as in
``data/tables/tokens.csv`` (columns ``sentence_id``, ``position``, ``token``,
``lower``), joined to the hand coding of ``data/annotations/sentences.csv``
(``attribution``: carney, trump or reporter; ``claim_type``: direct_quote,
paraphrase, framing or context).

Two ways to split the article, and the lesson uses both:

* **attribution** (per sentence, from the hand coding): whose position the
  sentence reports. Most of "Trump's" sentences are the reporter's words
  *about* Trump.
* **voice** (per word, from the quotation marks): a word inside a direct
  quotation is the speaker's own rendered word; every other word is the
  reporter's. :func:`token_voices` adds it.

Measures: :func:`reporting_verbs`, :func:`pronoun_profile`,
:func:`modal_verbs`, :func:`word_frequencies`, :func:`sentence_sentiment`
(VADER, Hutto & Gilbert 2014), :func:`keyness` with :func:`log_likelihood`
(Rayson & Garside 2000), and for source criticism :func:`word_diff`,
:func:`compare_quotes` and :func:`find_phrase`.

The word lists below (reporting verbs, pronouns, modals, stop words) are this
lesson's own small lists, written for teaching. They are a model of the
categories, not an authoritative lexicon; a word that is missing is simply
not counted. Bad input raises :class:`RhetoricInputError` with a message that
says what was expected.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from numbers import Integral, Real
from pathlib import Path

import pandas as pd

from middlepowers import _errors
from middlepowers.article import WORD_RE
from middlepowers.figures import chart  # cached chart PNGs
from middlepowers.paths import data_dir

__all__ = [
    "RhetoricInputError",
    "ATTRIBUTIONS",
    "CLAIM_TYPES",
    "load_sentence_coding",
    "load_devices",
    "load_sentence_devices",
    "device_profile",
    "load_quote_versions",
    "load_events",
    "as_tokens",
    "token_voices",
    "with_attribution",
    "REPORTING_VERBS",
    "NOT_AFTER",
    "reporting_verbs",
    "PRONOUNS",
    "pronoun_profile",
    "MODALS",
    "modal_verbs",
    "STOPWORDS",
    "word_frequencies",
    "sentence_sentiment",
    "lexicon_hits",
    "log_likelihood",
    "significance",
    "keyness",
    "Change",
    "quote_words",
    "word_diff",
    "describe_changes",
    "compare_quotes",
    "find_phrase",
    "GROUP_COLOURS",
    "plot_grouped_counts",
    "plot_sentiment",
    "plot_timeline",
]

ATTRIBUTIONS = ("carney", "trump", "reporter")
CLAIM_TYPES = ("direct_quote", "paraphrase", "framing", "context")


class RhetoricInputError(ValueError):
    """The input does not have the shape a measure needs (the message says which)."""


# --- loading ----------------------------------------------------------------


def _read_csv(path, required: Iterable[str], what: str) -> pd.DataFrame:
    return _errors.read_csv(path, what, RhetoricInputError, required)


def load_sentence_coding(path: str | Path | None = None) -> pd.DataFrame:
    """Read and check the hand coding ``data/annotations/sentences.csv``.

    Every ``attribution`` must be one of :data:`ATTRIBUTIONS` and every
    ``claim_type`` one of :data:`CLAIM_TYPES`; sentence ids must be unique.
    """
    path = Path(path) if path else data_dir("annotations", "sentences.csv")
    frame = _read_csv(path, ["sentence_id", "attribution", "claim_type", "text"], "sentence coding")
    for column, allowed in (("attribution", ATTRIBUTIONS), ("claim_type", CLAIM_TYPES)):
        bad = frame.loc[~frame[column].isin(allowed), ["sentence_id", column]]
        if len(bad):
            sid, value = bad.iloc[0]
            raise RhetoricInputError(f"sentence coding, {sid}: {column} {value!r} is not one of {', '.join(allowed)}")
    if frame["sentence_id"].duplicated().any():
        sid = frame.loc[frame["sentence_id"].duplicated(), "sentence_id"].iloc[0]
        raise RhetoricInputError(f"sentence coding: {sid} is coded twice")
    return frame


def load_devices(path: str | Path | None = None) -> pd.DataFrame:
    """Read the rhetorical-device codebook ``data/annotations/devices.csv``."""
    path = Path(path) if path else data_dir("annotations", "devices.csv")
    return _read_csv(
        path, ["device_id", "device", "definition", "example_sentence_id", "example_text"], "device codebook"
    )


DEVICE_VOICES = ("quoted", "paraphrase", "framing")


def load_sentence_devices(path: str | Path | None = None) -> pd.DataFrame:
    """Read ``data/annotations/sentence_devices.csv``: which device each sentence uses, in which words.

    One row per (sentence, device); ``voice`` says whether the words are the
    speaker's quoted words, the reporter's paraphrase of a speaker, or the
    reporter's own framing.
    """
    path = Path(path) if path else data_dir("annotations", "sentence_devices.csv")
    frame = _read_csv(path, ["sentence_id", "device_id", "voice", "words"], "sentence devices")
    bad = frame.loc[~frame["voice"].isin(DEVICE_VOICES)]
    if len(bad):
        row = bad.iloc[0]
        raise RhetoricInputError(
            f"sentence devices, {row.sentence_id} {row.device_id}: voice {row.voice!r} "
            f"is not one of {', '.join(DEVICE_VOICES)}"
        )
    return frame


def device_profile(sentence_devices: pd.DataFrame, coding: pd.DataFrame, devices: pd.DataFrame) -> pd.DataFrame:
    """Sentences per device and attribution, quoted and paraphrased counted apart.

    Returns one row per device (in codebook order) and one column per
    ``attribution (voice)`` that occurs, e.g. ``trump (quoted)``,
    ``carney (paraphrase)``, ``reporter (framing)``; a cell counts the
    sentences coded with that device. The same codebook is applied to every
    speaker, so a zero is a finding about the article, not a gap in the coding.
    """
    joined = sentence_devices.merge(coding[["sentence_id", "attribution"]], on="sentence_id", how="left")
    if joined["attribution"].isna().any():
        sid = joined.loc[joined["attribution"].isna(), "sentence_id"].iloc[0]
        raise RhetoricInputError(f"sentence devices: {sid} has no row in the sentence coding")
    joined["side"] = joined["attribution"] + " (" + joined["voice"] + ")"
    order = [f"{a} ({v})" for a in ATTRIBUTIONS for v in DEVICE_VOICES if f"{a} ({v})" in set(joined["side"])]
    table = pd.crosstab(joined["device_id"], joined["side"]).reindex(columns=order, fill_value=0)
    names = devices.set_index("device_id")["device"]
    table = table.reindex(devices["device_id"], fill_value=0)
    table.index = [f"{i} {names[i]}" for i in table.index]
    table.index.name = "device"
    table.columns.name = None
    return table


def load_quote_versions(path: str | Path | None = None) -> pd.DataFrame:
    """Read ``data/external/quote_versions.csv`` (one row per outlet's rendering)."""
    path = Path(path) if path else data_dir("external", "quote_versions.csv")
    return _read_csv(
        path, ["quote_id", "speaker", "outlet", "url", "date_published", "wording", "note"], "quote versions"
    )


def load_events(path: str | Path | None = None) -> pd.DataFrame:
    """Read ``data/external/davos_events.csv`` and add ``start`` and ``end`` dates.

    A date like ``2026-01-19/2026-01-23`` is a range; a single date starts and
    ends on the same day. Rows are sorted by start date, then by event text.
    """
    path = Path(path) if path else data_dir("external", "davos_events.csv")
    frame = _read_csv(path, ["date", "event", "actor", "source_publisher", "source_url"], "events")
    parts = frame["date"].str.split("/", n=1, expand=True)
    if parts.shape[1] == 1:
        parts[1] = None
    try:
        frame["start"] = pd.to_datetime(parts[0], format="%Y-%m-%d")
        frame["end"] = pd.to_datetime(parts[1].where(parts[1].notna() & (parts[1] != ""), parts[0]), format="%Y-%m-%d")
    except ValueError as error:
        raise RhetoricInputError(f"events: a date is not YYYY-MM-DD or YYYY-MM-DD/YYYY-MM-DD ({error})") from None
    return frame.sort_values(["start", "event"], kind="stable").reset_index(drop=True)


# --- tokens -----------------------------------------------------------------


def _normalise(word: str) -> str:
    return word.lower().replace("\u2019", "'")


def as_tokens(data, group: str | None = None) -> pd.DataFrame:
    """Return a tokens DataFrame from a DataFrame, a text or a list of words.

    A DataFrame must have a ``token`` column (``lower`` is added when
    missing). A string is split with the article's tokenizer. A list is taken
    as words. ``group``, when given, must be a column of the DataFrame.
    """
    if isinstance(data, pd.DataFrame):
        if "token" not in data.columns and "lower" not in data.columns:
            raise RhetoricInputError("tokens need a 'token' column (one word per row), as in data/tables/tokens.csv")
        frame = data.copy()
        if "token" not in frame.columns:
            frame["token"] = frame["lower"]
        if "lower" not in frame.columns:
            frame["lower"] = frame["token"].astype(str).map(_normalise)
    elif isinstance(data, str):
        words = WORD_RE.findall(data)
        frame = pd.DataFrame({"position": range(1, len(words) + 1), "token": words})
        frame["lower"] = frame["token"].map(_normalise)
    elif isinstance(data, (list, tuple, pd.Series)):
        words = [str(w) for w in data]
        frame = pd.DataFrame({"position": range(1, len(words) + 1), "token": words})
        frame["lower"] = frame["token"].map(_normalise)
    else:
        raise RhetoricInputError(f"expected a tokens DataFrame, a text or a list of words, got {type(data).__name__}")
    if group is not None and group not in frame.columns:
        raise RhetoricInputError(
            f"no column {group!r} to group by; the tokens have: {', '.join(map(str, frame.columns))}"
        )
    frame["lower"] = frame["lower"].astype(str).map(_normalise)
    return frame


def token_voices(sentences: pd.DataFrame, quotes: pd.DataFrame) -> pd.DataFrame:
    """Tokenize the sentences and mark which words stand inside a direct quotation.

    ``quotes`` is the article's quotes table (``sentence_id``, ``start`` = index
    of the opening quotation mark, ``text``, ``speaker_id``). Returns one row
    per word with ``sentence_id, position, token, lower, quote_id, voice``:
    ``voice`` is the quote's ``speaker_id`` inside a quotation and
    ``"reporter"`` outside it. Positions match ``data/tables/tokens.csv``.
    """
    for name, frame, cols in (
        ("sentences", sentences, ["sentence_id", "text"]),
        ("quotes", quotes, ["quote_id", "sentence_id", "start", "text", "speaker_id"]),
    ):
        missing = [c for c in cols if c not in frame.columns]
        if missing:
            raise RhetoricInputError(f"{name} table lacks the column(s) {', '.join(missing)}")
    spans: dict[str, list[tuple[int, int, str, str]]] = {}
    for q in quotes.itertuples(index=False):
        begin = int(q.start) + 1
        spans.setdefault(q.sentence_id, []).append(
            (
                begin,
                begin + len(q.text),
                q.quote_id,
                q.speaker_id if isinstance(q.speaker_id, str) and q.speaker_id else "unknown",
            )
        )
    rows = []
    for sid, text in zip(sentences["sentence_id"], sentences["text"]):
        for k, match in enumerate(WORD_RE.finditer(text), start=1):
            quote_id, voice = "", "reporter"
            for a, b, qid, speaker in spans.get(sid, []):
                if a <= match.start() < b:
                    quote_id, voice = qid, speaker
            rows.append(
                {
                    "sentence_id": sid,
                    "position": k,
                    "token": match.group(0),
                    "lower": _normalise(match.group(0)),
                    "quote_id": quote_id,
                    "voice": voice,
                }
            )
    return pd.DataFrame(rows, columns=["sentence_id", "position", "token", "lower", "quote_id", "voice"])


def with_attribution(tokens: pd.DataFrame, coding: pd.DataFrame) -> pd.DataFrame:
    """Add ``attribution`` and ``claim_type`` from the hand coding to each token.

    Raises :class:`RhetoricInputError` naming the first sentence id that the
    coding does not cover.
    """
    tokens = as_tokens(tokens)
    if "sentence_id" not in tokens.columns:
        raise RhetoricInputError("tokens need a 'sentence_id' column to join the hand coding")
    for col in ("sentence_id", "attribution", "claim_type"):
        if col not in coding.columns:
            raise RhetoricInputError(f"sentence coding lacks the column {col!r}")
    keep = coding[["sentence_id", "attribution", "claim_type"]]
    merged = tokens.drop(columns=[c for c in ("attribution", "claim_type") if c in tokens.columns]).merge(
        keep, on="sentence_id", how="left", validate="many_to_one"
    )
    uncoded = merged.loc[merged["attribution"].isna(), "sentence_id"]
    if len(uncoded):
        raise RhetoricInputError(f"sentence {uncoded.iloc[0]} has no row in the sentence coding")
    return merged


def _count_table(
    found: pd.DataFrame, by: str | None, key: str, order: list[str] | None, totals: pd.Series | None
) -> pd.DataFrame:
    """Counts of ``key`` per group (long format) with a rate per 100 words."""
    groups = [by] if by else []
    counts = (
        found.groupby(groups + [key], sort=True).size().rename("count").reset_index()
        if len(found)
        else pd.DataFrame(columns=groups + [key, "count"])
    )
    if by:
        index = pd.MultiIndex.from_product(
            [sorted(totals.index), order or sorted(counts[key].unique())], names=[by, key]
        )
        counts = counts.set_index([by, key]).reindex(index, fill_value=0).reset_index()
        counts["n_words"] = counts[by].map(totals).astype(int)
    else:
        values = order or sorted(counts[key].unique())
        counts = counts.set_index(key).reindex(values, fill_value=0).reset_index()
        counts["n_words"] = int(totals)
    counts["count"] = counts["count"].astype(int)
    counts["per_100_words"] = (
        (100 * counts["count"] / counts["n_words"].where(counts["n_words"] > 0)).round(2).fillna(0.0)
    )
    return counts.reset_index(drop=True)


def _totals(tokens: pd.DataFrame, by: str | None):
    return tokens.groupby(by).size() if by else len(tokens)


# --- reporting verbs --------------------------------------------------------

#: The reporting verbs this lesson looks for: form -> (lemma, category).
#: Categories are the lesson's own coding (a teaching model):
#: ``neutral`` reports that something was said; ``emphatic`` adds force;
#: ``warning`` casts the words as a threat; ``distancing`` keeps the reporter
#: apart from the claim ("what he characterizes as"); ``factive`` presents
#: the reported claim as true ("acknowledges the reality"); ``tentative``
#: presents it as a proposal.
REPORTING_VERBS: dict[str, tuple[str, str]] = {}
_VERB_FORMS = {
    "neutral": {
        "say": "say says said saying",
        "state": "states stated stating",
        "describe": "describe describes described describing",
        "outline": "outline outlines outlined outlining",
        "detail": "detail details detailed detailing",
        "address": "address addresses addressed addressing",
        "tell": "tell tells told telling",
        "note": "note notes noted noting",
        "add": "add adds added adding",
        "explain": "explain explains explained explaining",
    },
    "emphatic": {
        "emphasize": "emphasize emphasizes emphasized emphasizing emphasise emphasises emphasised emphasising",
        "stress": "stress stresses stressed stressing",
        "insist": "insist insists insisted insisting",
        "assert": "assert asserts asserted asserting",
        "declare": "declare declares declared declaring",
    },
    "warning": {
        "warn": "warn warns warned warning",
        "threaten": "threaten threatens threatened threatening",
    },
    "distancing": {
        "characterize": "characterize characterizes characterized characterizing characterise characterises characterised characterising",
        "claim": "claim claims claimed claiming",
        "allege": "allege alleges alleged alleging",
    },
    "factive": {
        "acknowledge": "acknowledge acknowledges acknowledged acknowledging",
        "recognize": "recognize recognizes recognized recognizing recognise recognises recognised recognising",
        "admit": "admit admits admitted admitting",
    },
    "tentative": {
        "suggest": "suggest suggests suggested suggesting",
        "propose": "propose proposes proposing",
        "call for": "calls call called calling",
    },
}
#: A candidate right after one of these words is a noun ("his address", "a
#: warning") or part of a name ("United States"), not a reporting verb.
NOT_AFTER = frozenset("a an the this that these those his her its their our your my united".split())

for _category, _lemmas in _VERB_FORMS.items():
    for _lemma, _forms in _lemmas.items():
        for _form in _forms.split():
            REPORTING_VERBS[_form] = (_lemma, _category)


def reporting_verbs(tokens, coding: pd.DataFrame | None = None) -> pd.DataFrame:
    """Find the reporting verbs the reporter chose (words outside quotation marks).

    ``tokens``: a tokens DataFrame (optionally with ``voice`` from
    :func:`token_voices`; words whose voice is not ``"reporter"`` are skipped,
    because a verb inside a quotation is the speaker's, not the reporter's),
    or a text. A word from :data:`REPORTING_VERBS` is skipped right after a
    word in :data:`NOT_AFTER` or a possessive ("Trump's address": a noun);
    ``call`` counts only when the next word is ``for``. This is a word list,
    not a parser: it still finds some verbs that report no one (read each
    hit in its sentence) and misses verbs it does not list. With
    ``coding`` each verb gets its sentence's ``attribution``. Returns one row
    per verb: ``sentence_id, position, token, lemma, category`` (+
    ``attribution``), in text order.
    """
    tokens = as_tokens(tokens).reset_index(drop=True)
    if "sentence_id" not in tokens.columns:
        tokens["sentence_id"] = ""
    if "position" not in tokens.columns:
        tokens["position"] = tokens.groupby("sentence_id").cumcount() + 1
    nxt = tokens.groupby("sentence_id", sort=False)["lower"].shift(-1).fillna("")
    prev = tokens.groupby("sentence_id", sort=False)["lower"].shift(1).fillna("")
    rows = []
    for i, row in tokens.iterrows():
        if "voice" in tokens.columns and row["voice"] != "reporter":
            continue
        hit = REPORTING_VERBS.get(row["lower"])
        if not hit or (hit[0] == "call for" and nxt[i] != "for"):
            continue
        if prev[i] in NOT_AFTER or prev[i].endswith("'s"):
            continue
        rows.append(
            {
                "sentence_id": row["sentence_id"],
                "position": int(row["position"]),
                "token": row["token"],
                "lemma": hit[0],
                "category": hit[1],
            }
        )
    found = pd.DataFrame(rows, columns=["sentence_id", "position", "token", "lemma", "category"])
    if coding is not None:
        found = with_attribution(found, coding).drop(columns=["lower"])
    return found


# --- pronouns and modals ----------------------------------------------------

#: Personal pronouns by person (contractions count by their first part: "you're" -> you).
PRONOUNS = {
    "I": "i me my mine myself",
    "we": "we us our ours ourselves",
    "you": "you your yours yourself yourselves",
    "he/she": "he him his himself she her hers herself",
    "they": "they them their theirs themselves",
}
_PRONOUN_OF = {w: person for person, words in PRONOUNS.items() for w in words.split()}
PRONOUN_ORDER = list(PRONOUNS)


def _pronoun(token: str, lower: str) -> str | None:
    if token == "US":  # the country, not the pronoun "us"
        return None
    return _PRONOUN_OF.get(lower.split("'")[0])


def pronoun_profile(tokens, by: str | None = None) -> pd.DataFrame:
    """Count personal pronouns by person: I, we, you, he/she, they.

    The upper-case token ``US`` is the country and is not counted as "us";
    a contraction counts by its first part ("you're" is "you"). Returns long
    format: (``by``,) ``person``, ``count``, ``n_words`` (all words of the
    group) and ``per_100_words``; every person appears, with 0 when absent.
    """
    tokens = as_tokens(tokens, by)
    person = [_pronoun(t, low) for t, low in zip(tokens["token"].astype(str), tokens["lower"])]
    found = tokens.assign(person=person).dropna(subset=["person"])
    table = _count_table(found, by, "person", PRONOUN_ORDER, _totals(tokens, by))
    return table


#: Modal verbs by Biber et al.'s (1999) three meaning groups.
MODALS = {
    "possibility": "can could may might",
    "necessity": "must should ought",
    "prediction": "will would shall",
}
_MODAL_OF = {w: (w, group) for group, words in MODALS.items() for w in words.split()}
_CONTRACTED = {
    "can't": "can",
    "cannot": "can",
    "couldn't": "could",
    "won't": "will",
    "wouldn't": "would",
    "shouldn't": "should",
    "mustn't": "must",
    "mightn't": "might",
    "shan't": "shall",
}
#: Semi-modals counted when ``semi=True`` (two words; what follows is not checked).
SEMI_MODALS = {
    ("going", "to"): ("going to", "prediction"),
    ("have", "to"): ("have to", "necessity"),
    ("has", "to"): ("have to", "necessity"),
    ("had", "to"): ("have to", "necessity"),
    ("need", "to"): ("need to", "necessity"),
    ("needs", "to"): ("need to", "necessity"),
}


def _modal(lower: str) -> tuple[str, str] | None:
    if lower in _CONTRACTED:
        return _MODAL_OF[_CONTRACTED[lower]]
    if lower in _MODAL_OF:
        return _MODAL_OF[lower]
    if lower.endswith("'ll"):
        return _MODAL_OF["will"]
    if lower.endswith("'d"):  # could also be "had": the lesson reads it as "would"
        return _MODAL_OF["would"]
    return None


def modal_verbs(tokens, by: str | None = None, semi: bool = False) -> pd.DataFrame:
    """List the modal verbs, one row per occurrence, with ``modal`` and ``group``.

    Groups follow Biber et al. (1999): possibility (can, could, may, might),
    necessity (must, should, ought), prediction (will, would, shall).
    Contractions count ("won't" is will, "you'd" is would). With ``semi=True``
    the two-word semi-modals "going to", "have to" and "need to" count too
    (the word after them is not checked). Keeps ``sentence_id``, ``by`` and,
    when the tokens have it, ``voice`` (quoted or reporter's word).
    """
    tokens = as_tokens(tokens, by).reset_index(drop=True)
    if "sentence_id" not in tokens.columns:
        tokens["sentence_id"] = ""
    nxt = tokens.groupby("sentence_id", sort=False)["lower"].shift(-1).fillna("")
    rows = []
    for i, row in tokens.iterrows():
        hit = _modal(row["lower"])
        if hit is None and semi:
            hit = SEMI_MODALS.get((row["lower"], nxt[i]))
        if hit:
            rows.append(
                {
                    **({by: row[by]} if by else {}),
                    "sentence_id": row["sentence_id"],
                    "token": row["token"],
                    "modal": hit[0],
                    "group": hit[1],
                    **({"voice": row["voice"]} if "voice" in tokens.columns and by != "voice" else {}),
                }
            )
    extra = ["voice"] if "voice" in tokens.columns and by != "voice" else []
    return pd.DataFrame(rows, columns=([by] if by else []) + ["sentence_id", "token", "modal", "group"] + extra)


# --- word frequencies -------------------------------------------------------

#: Function words left out of word frequencies (the lesson's own short list).
STOPWORDS = frozenset(
    """
a an the and or but nor so yet for of in on at to from by with without about over under into onto
between among through during before after above below up down out off than as if while when where
whether because since until although though that this these those which who whom whose what
i me my we us our you your he him his she her it its they them their
is are was were be been being am has have had having do does did
will would can could may might must should shall
not no there here also such its very more most other another each any all both some
""".split()
)


def word_frequencies(
    tokens, by: str | None = None, top: int | None = None, drop_stopwords: bool = True
) -> pd.DataFrame:
    """Count words (lower case), optionally per group, most frequent first.

    Stop words (:data:`STOPWORDS`) are dropped by default. The upper-case
    ``US`` (the country) is counted as the word ``us (country)``, so it is
    neither dropped as the pronoun "us" nor mixed up with it. Ties are broken
    alphabetically; ``top`` keeps the first n rows of each group. Columns:
    (``by``,) ``word``, ``count``.
    """
    if top is not None and (isinstance(top, bool) or not isinstance(top, Integral) or top < 0):
        raise RhetoricInputError(f"top must be a whole number of rows, 0 or more (or None for all); got {top!r}")
    tokens = as_tokens(tokens, by)
    words = [("us (country)" if t == "US" else low) for t, low in zip(tokens["token"].astype(str), tokens["lower"])]
    tokens = tokens.assign(word=words)
    if drop_stopwords:
        tokens = tokens[~tokens["word"].isin(STOPWORDS)]
    groups = [by] if by else []
    counts = tokens.groupby(groups + ["word"]).size().rename("count").reset_index()
    counts = counts.sort_values(
        groups + ["count", "word"], ascending=[True] * len(groups) + [False, True], kind="stable"
    )
    if top is not None:
        counts = counts.groupby(by).head(top) if by else counts.head(top)
    return counts.reset_index(drop=True)


# --- sentiment --------------------------------------------------------------

_ANALYZER = None


def _analyzer():
    global _ANALYZER
    if _ANALYZER is None:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        _ANALYZER = SentimentIntensityAnalyzer()
    return _ANALYZER


def sentence_sentiment(sentences, text_column: str = "text") -> pd.DataFrame:
    """Score each text with VADER (Hutto & Gilbert 2014): ``neg, neu, pos, compound``.

    ``compound`` runs from -1 (most negative) to +1 (most positive); it comes
    from a word list with a valence per word plus rules (negation, "but",
    intensifiers, capitals, !). Accepts a DataFrame with ``text_column`` (other
    columns are kept) or a list of strings. Scores are rounded to 4 places.
    """
    if isinstance(sentences, (list, tuple, pd.Series)):
        frame = pd.DataFrame({text_column: list(sentences)})
    elif isinstance(sentences, pd.DataFrame):
        if text_column not in sentences.columns:
            raise RhetoricInputError(f"no column {text_column!r} with the sentence text")
        frame = sentences.copy()
    else:
        raise RhetoricInputError(
            f"expected a DataFrame of sentences or a list of texts, got {type(sentences).__name__}"
        )
    scores = [_analyzer().polarity_scores(str(t)) for t in frame[text_column]]
    for key in ("neg", "neu", "pos", "compound"):
        frame[key] = [round(s[key], 4) for s in scores]
    return frame


def lexicon_hits(text: str) -> pd.DataFrame:
    """The words of ``text`` that VADER's lexicon scores, with their valence.

    Valence runs from -4 to +4 in the lexicon (before VADER's rules adjust
    it). Shows students what a lexicon score is made of. Columns ``word``,
    ``valence``, in text order.
    """
    if not isinstance(text, str):
        raise RhetoricInputError(f"expected a text, got {type(text).__name__}")
    lexicon = _analyzer().lexicon
    rows = [
        {"word": w, "valence": float(lexicon[w.lower()])}
        for w in re.findall(r"[A-Za-z']+", text.replace("\u2019", "'"))
        if w.lower() in lexicon
    ]
    return pd.DataFrame(rows, columns=["word", "valence"])


# --- keyness ----------------------------------------------------------------


def log_likelihood(a: int, b: int, c: int, d: int) -> float:
    """Log-likelihood (G2) of a word's frequency in two corpora (Rayson & Garside 2000).

    ``a`` and ``b`` are the word's counts in corpus 1 and 2, ``c`` and ``d``
    the corpus sizes. With ``E1 = c*(a+b)/(c+d)`` and ``E2 = d*(a+b)/(c+d)``,
    ``G2 = 2*(a*ln(a/E1) + b*ln(b/E2))``, where a zero count adds 0.
    """
    counts = []
    for name, value in (("a", a), ("b", b), ("c", c), ("d", d)):
        # numpy integers (what value_counts() gives) are counts too
        if (
            isinstance(value, bool)
            or not isinstance(value, Integral)
            and not (isinstance(value, float) and value.is_integer())
        ):
            raise RhetoricInputError(f"{name} must be a whole number (a count), got {value!r}")
        if value < 0:
            raise RhetoricInputError(f"{name} must not be negative, got {value}")
        counts.append(int(value))
    a, b, c, d = counts
    if a > c or b > d:
        raise RhetoricInputError(
            f"a word cannot occur more often than the corpus has words (a={a}, c={c}, b={b}, d={d})"
        )
    if c == 0 or d == 0:
        raise RhetoricInputError("both corpora need at least one word (c and d > 0)")
    if a + b == 0:
        return 0.0
    e1 = c * (a + b) / (c + d)
    e2 = d * (a + b) / (c + d)
    g2 = 2 * ((a * math.log(a / e1) if a else 0.0) + (b * math.log(b / e2) if b else 0.0))
    return max(g2, 0.0)


#: Critical values of chi-square with one degree of freedom.
CRITICAL = [(15.13, "p < 0.0001"), (10.83, "p < 0.001"), (6.63, "p < 0.01"), (3.84, "p < 0.05")]


def _shown(value) -> str:
    """A value as a message names it: its type and a short repr."""
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - an object whose repr fails
        text = "?"
    return f"{type(value).__name__} {text[:40]}"


def significance(g2: float) -> str:
    """Label a G2 value with the smallest conventional p threshold it passes."""
    if isinstance(g2, bool) or not isinstance(g2, Real) or math.isnan(g2):
        raise RhetoricInputError(f"g2 must be a number (a G2 value, e.g. from log_likelihood), got {_shown(g2)}")
    for critical, label in CRITICAL:
        if g2 >= critical:
            return label
    return "not significant"


def keyness(
    tokens, by: str, target: str, reference: str | None = None, min_count: int = 2, drop_stopwords: bool = False
) -> pd.DataFrame:
    """Words over- or under-used in one group compared with another (log-likelihood).

    ``target`` is a value of column ``by``; ``reference`` another value, or
    ``None`` for all other groups together. Words with fewer than
    ``min_count`` occurrences in both groups together are left out (their G2
    is still computed from the full corpus sizes). Columns: ``word, a, b``
    (counts), ``c, d`` (sizes), ``per_1000_target``, ``per_1000_reference``,
    ``g2``, ``use`` (``over`` or ``under`` in the target) and ``p``.
    Sorted by G2, largest first, then word.
    """
    if isinstance(min_count, bool) or not (
        isinstance(min_count, Integral) or (isinstance(min_count, float) and min_count.is_integer())
    ):
        raise RhetoricInputError(f"min_count must be a whole number of occurrences (e.g. 2), got {_shown(min_count)}")
    if min_count < 0:
        raise RhetoricInputError(f"min_count must not be negative, got {min_count}")
    tokens = as_tokens(tokens, by)
    if target not in set(tokens[by]):
        raise RhetoricInputError(
            f"{target!r} is not a value of {by!r}; values: {', '.join(sorted(map(str, set(tokens[by]))))}"
        )
    if reference is not None and reference not in set(tokens[by]):
        raise RhetoricInputError(f"{reference!r} is not a value of {by!r}")
    if reference == target:
        raise RhetoricInputError("target and reference must be different groups")
    words = tokens.assign(
        word=["us (country)" if t == "US" else low for t, low in zip(tokens["token"].astype(str), tokens["lower"])]
    )
    one = words[words[by] == target]
    two = words[words[by] != target] if reference is None else words[words[by] == reference]
    c, d = len(one), len(two)
    count_a, count_b = one["word"].value_counts(), two["word"].value_counts()
    vocab = sorted(set(count_a.index) | set(count_b.index))
    rows = []
    for w in vocab:
        a, b = int(count_a.get(w, 0)), int(count_b.get(w, 0))
        if a + b < min_count or (drop_stopwords and w in STOPWORDS):
            continue
        g2 = log_likelihood(a, b, c, d)
        rows.append(
            {
                "word": w,
                "a": a,
                "b": b,
                "c": c,
                "d": d,
                "per_1000_target": round(1000 * a / c, 1),
                "per_1000_reference": round(1000 * b / d, 1),
                "g2": round(g2, 3),
                "use": "over" if a / c > b / d else "under",
                "p": significance(g2),
            }
        )
    out = pd.DataFrame(
        rows, columns=["word", "a", "b", "c", "d", "per_1000_target", "per_1000_reference", "g2", "use", "p"]
    )
    return out.sort_values(["g2", "word"], ascending=[False, True], kind="stable").reset_index(drop=True)


# --- comparing renderings of a quotation -------------------------------------

ELISION = "[…]"
_QUOTE_TOKEN = re.compile(r"\[\s*(?:\.\s*){3}\]|\[\s*…\s*\]|…|\.{3}|(?:[^\W\d_]\.){2,}|" + WORD_RE.pattern)


def quote_words(text: str) -> list[str]:
    """Words of a quotation for comparison: lower case, one apostrophe, cuts as ``[…]``.

    Punctuation and capitals are ignored (outlets differ in them more than in
    words), except that an abbreviation keeps its dots ("U.S." is ``u.s.``); a cut marked ``[...]``, ``[…]``, ``…`` or ``...`` becomes the word
    ``[…]`` so that it shows up in a comparison.
    """
    if not isinstance(text, str):
        raise RhetoricInputError(f"expected the quotation as text, got {type(text).__name__}")
    words = []
    for match in _QUOTE_TOKEN.finditer(text):
        token = match.group(0)
        words.append(ELISION if not token[0].isalnum() else _normalise(token))
    return words


@dataclass(frozen=True)
class Change:
    """One difference between a reference rendering and a version.

    ``kind`` is ``"added"`` (words only in the version), ``"dropped"`` (only
    in the reference), ``"replaced"`` or ``"cut marked"`` (the version marks an
    omission with ``[…]``).
    """

    kind: str
    reference: tuple[str, ...]
    version: tuple[str, ...]

    def __str__(self) -> str:
        ref, ver = " ".join(self.reference), " ".join(self.version)
        if self.kind == "added":
            return f'+ "{ver}"'
        if self.kind == "dropped":
            return f'- "{ref}"'
        if self.kind == "cut marked":
            return f"{ELISION} cut marked" + (f' (in place of "{ref}")' if ref else "")
        return f'"{ref}" -> "{ver}"'


def _align(ref: list[str], ver: list[str]) -> list[tuple[str | None, str | None]]:
    """Semi-global alignment of two word lists (Needleman-Wunsch, free end gaps).

    Scores: a match +2, a substitution -1, a gap -1 inside, 0 at either end.
    Returns the aligned columns as (reference word or None, version word or None).
    """
    n, m = len(ref), len(ver)
    score = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            diag = score[i - 1][j - 1] + (2 if ref[i - 1] == ver[j - 1] else -1)
            up = score[i - 1][j] - (0 if j == m else 1)
            left = score[i][j - 1] - (0 if i == n else 1)
            score[i][j] = max(diag, up, left)
    i, j, columns = n, m, []
    while i > 0 and j > 0:
        if score[i][j] == score[i - 1][j - 1] + (2 if ref[i - 1] == ver[j - 1] else -1):
            columns.append((ref[i - 1], ver[j - 1]))
            i, j = i - 1, j - 1
        elif score[i][j] == score[i - 1][j] - (0 if j == m else 1):
            columns.append((ref[i - 1], None))
            i -= 1
        else:
            columns.append((None, ver[j - 1]))
            j -= 1
    columns.extend((ref[k], None) for k in range(i - 1, -1, -1))
    columns.extend((None, ver[k]) for k in range(j - 1, -1, -1))
    return columns[::-1]


def word_diff(reference: str, version: str, trim: bool = True) -> tuple[list[Change], dict]:
    """Word-level differences between a reference rendering and a version.

    The two word lists (see :func:`quote_words`) are aligned so that shared
    words line up, and each run of differing words becomes one
    :class:`Change`. A cut marked ``[…]`` at the same place in both is no
    change; one marked only in the reference is ignored. Returns ``(changes, info)``.
    With ``trim``, a version that quotes more of the speech around the
    passage (``info["context_words"]``) or less of it (``info["not_quoted"]``
    reference words at either end) is not counted as changing it. ``info``
    also holds ``shared`` (words in common, in order) and ``reference_words``.
    """
    ref = quote_words(reference)
    ver = quote_words(version)
    if not [w for w in ref if w != ELISION]:
        raise RhetoricInputError("the reference rendering has no words")
    columns = _align(ref, ver)
    matched = [k for k, (r, v) in enumerate(columns) if r is not None and r == v and r != ELISION]
    info = {
        "shared": len(matched),
        "reference_words": sum(w != ELISION for w in ref),
        "context_words": 0,
        "not_quoted": 0,
    }
    if trim and matched:
        head, tail = columns[: matched[0]], columns[matched[-1] + 1 :]
        keep_head, keep_tail = [], []
        for end, keep in ((head, keep_head), (tail, keep_tail)):
            ref_words = [r for r, _ in end if r is not None and r != ELISION]
            ver_words = [v for _, v in end if v is not None and v != ELISION]
            if ref_words and ver_words:  # the version goes on differently: a change
                keep.extend(end)
            else:
                info["not_quoted"] += len(ref_words)
                info["context_words"] += len(ver_words)
        columns = keep_head + columns[matched[0] : matched[-1] + 1] + keep_tail
    changes, run = [], []
    for r, v in columns + [("", "")]:
        if r is not None and r == v:
            ref_part = tuple(x for x, _ in run if x is not None and x != ELISION)
            ver_part = tuple(y for _, y in run if y is not None)
            if ref_part or ver_part:
                kind = (
                    "cut marked"
                    if ELISION in ver_part
                    else "added"
                    if not ref_part
                    else "dropped"
                    if not ver_part
                    else "replaced"
                )
                changes.append(Change(kind, ref_part, ver_part))
            run = []
        else:
            run.append((r, v))
    return changes, info


def describe_changes(changes: list[Change]) -> str:
    """One line listing the changes, ``"none"`` when there are none."""
    return "; ".join(str(c) for c in changes) or "none"


def compare_quotes(
    reference: str, versions: pd.DataFrame, text_column: str = "wording", keep: Iterable[str] = ("quote_id", "outlet")
) -> pd.DataFrame:
    """Compare each version of a quotation with a reference rendering, word by word.

    Returns one row per version: the ``keep`` columns, ``shared_pct`` (share
    of the reference's words the version has, in order), ``n_changes``,
    ``changes`` (readable, see :class:`Change`), ``not_quoted`` (reference
    words at either end that the version does not quote) and
    ``context_words`` (words the version quotes around the passage). Row
    order is kept.
    """
    if not isinstance(versions, pd.DataFrame) or text_column not in versions.columns:
        raise RhetoricInputError(f"versions must be a DataFrame with a {text_column!r} column")
    keep = [k for k in keep if k in versions.columns]
    rows = []
    for _, row in versions.iterrows():
        changes, info = word_diff(reference, row[text_column])
        rows.append(
            {
                **{k: row[k] for k in keep},
                "shared_pct": round(100 * info["shared"] / info["reference_words"], 1),
                "n_changes": len(changes),
                "changes": describe_changes(changes),
                "not_quoted": info["not_quoted"],
                "context_words": info["context_words"],
            }
        )
    return pd.DataFrame(rows, columns=keep + ["shared_pct", "n_changes", "changes", "not_quoted", "context_words"])


def find_phrase(
    phrase: str, versions: pd.DataFrame, text_column: str = "wording", keep: Iterable[str] = ("quote_id", "outlet")
) -> pd.DataFrame:
    """Which versions contain ``phrase`` as consecutive words (case and punctuation ignored)."""
    target = quote_words(phrase)
    if not target:
        raise RhetoricInputError("the phrase has no words")
    if not isinstance(versions, pd.DataFrame) or text_column not in versions.columns:
        raise RhetoricInputError(f"versions must be a DataFrame with a {text_column!r} column")
    n = len(target)
    keep = [k for k in keep if k in versions.columns]
    found = []
    for text in versions[text_column]:
        words = quote_words(text)
        found.append(any(words[i : i + n] == target for i in range(len(words) - n + 1)))
    out = versions[keep].copy()
    out["contains"] = found
    return out.reset_index(drop=True)


# --- figures -----------------------------------------------------------------

#: One colour per attribution / voice, from the collection's Okabe-Ito palette
#: (``figures.PALETTE``): vermillion, blue and bluish green.
GROUP_COLOURS = {"carney": "#D55E00", "trump": "#0072B2", "reporter": "#009E73"}


@chart
def plot_grouped_counts(
    table: pd.DataFrame,
    group: str,
    key: str,
    value: str = "per_100_words",
    title: str = "",
    xlabel: str = "",
    ylabel: str = "per 100 words",
):
    """Grouped bar chart of a long table (e.g. :func:`pronoun_profile` by attribution).

    One cluster per ``key`` value, one bar per ``group`` value, in table order.
    Returns the matplotlib figure (show it with ``middlepowers.figures.show``).
    """
    from middlepowers.figures import new_figure

    for col in (group, key, value):
        if col not in table.columns:
            raise RhetoricInputError(f"the table has no column {col!r}")
    keys = list(dict.fromkeys(table[key]))
    groups = list(dict.fromkeys(table[group]))
    fig, ax = new_figure(7, 3.4)
    width = 0.8 / max(len(groups), 1)
    for k, g in enumerate(groups):
        part = table[table[group] == g].set_index(key).reindex(keys)[value].fillna(0)
        ax.bar(
            [i + (k - (len(groups) - 1) / 2) * width for i in range(len(keys))],
            part,
            width,
            label=g,
            color=GROUP_COLOURS.get(g),
        )
    ax.set_xticks(range(len(keys)), keys)
    ax.set_title(title or f"{value} by {key} and {group}")
    ax.set_xlabel(xlabel or key)
    ax.set_ylabel(ylabel)
    ax.legend(title=group, frameon=False)
    fig.tight_layout()
    return fig


@chart
def plot_sentiment(scored: pd.DataFrame, colour_by: str = "attribution"):
    """Horizontal bars of VADER's compound score per sentence, coloured by group.

    ``scored`` comes from :func:`sentence_sentiment` and needs ``sentence_id``,
    ``compound`` and ``colour_by``. Sentences run top to bottom in id order.
    """
    from matplotlib.patches import Patch

    from middlepowers.figures import new_figure

    for col in ("sentence_id", "compound", colour_by):
        if col not in scored.columns:
            raise RhetoricInputError(f"the scored sentences have no column {col!r}")
    data = scored.sort_values("sentence_id", ascending=False)
    fig, ax = new_figure(7, 0.22 * len(data) + 1.2)
    ax.barh(data["sentence_id"], data["compound"], color=[GROUP_COLOURS.get(g, "#000000") for g in data[colour_by]])
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlim(-1, 1)
    ax.set_title("VADER compound score per sentence")
    ax.set_xlabel("compound score (-1 most negative, +1 most positive)")
    ax.set_ylabel("sentence")
    present = [g for g in GROUP_COLOURS if g in set(data[colour_by])]
    ax.legend(
        handles=[Patch(color=GROUP_COLOURS[g], label=g) for g in present],
        title=colour_by,
        frameon=False,
        loc="lower left",
    )
    fig.tight_layout()
    return fig


def _timeline_label(event: str, width: int = 58, max_lines: int = 3) -> list[str]:
    """Short label of an event: text up to its first ';', wrapped, cut with '…' if still long."""
    import textwrap

    lines = textwrap.wrap(event.split(";")[0].strip(), width)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = textwrap.shorten(lines[-1] + " …", width, placeholder=" …")
        if not lines[-1].endswith("…"):
            lines[-1] += " …"
    return lines


@chart
def plot_timeline(events: pd.DataFrame, since: str | None = None):
    """A dated timeline of :func:`load_events` rows (from ``since``, YYYY-MM-DD).

    Each event is a dot (a bar for a range) on its own row, coloured by actor
    (Carney, Trump, other; see the legend) and labelled with its date and the
    event text up to its first ';' (at most three lines).
    """
    import matplotlib.dates as mdates
    from matplotlib.lines import Line2D

    from middlepowers.figures import new_figure

    for col in ("start", "end", "event", "actor"):
        if col not in events.columns:
            raise RhetoricInputError(f"the events have no column {col!r}; load them with load_events()")
    data = events if since is None else events[events["end"] >= pd.Timestamp(since)]
    if data.empty:
        raise RhetoricInputError(f"no events on or after {since}")
    data = data.reset_index(drop=True)
    fig, ax = new_figure(10, 0.6 * len(data) + 1.9)
    long_span = (data["end"].max() - data["start"].min()).days > 300  # then labels carry the year
    kinds = {"Carney": GROUP_COLOURS["carney"], "Trump": GROUP_COLOURS["trump"], "other": GROUP_COLOURS["reporter"]}
    for i, row in data.iterrows():
        y = len(data) - i
        kind = "Carney" if "Carney" in row["actor"] else ("Trump" if "Trump" in row["actor"] else "other")
        colour = kinds[kind]
        if row["end"] > row["start"]:
            ax.plot([row["start"], row["end"]], [y, y], color=colour, linewidth=3, alpha=0.6, solid_capstyle="butt")
        ax.plot(row["start"], y, "o", color=colour)
        day = "%d %b %Y" if long_span else "%d %b"
        when = f"{row['start']:%d}-{row['end']:{day}}" if row["end"] > row["start"] else f"{row['start']:{day}}"
        label = "\n".join(_timeline_label(f"{when}: {row['event']}"))
        ax.annotate(
            label, (row["end"], y), xytext=(6, 0), textcoords="offset points", va="center", fontsize=8, linespacing=1.1
        )
    ax.set_yticks([])
    ax.set_ylim(0.4, len(data) + 0.6)
    first, last = data["start"].min(), data["end"].max()
    span = (last - first).days
    if span <= 14:  # a tick for every day that has data, none for empty days after it
        ax.set_xticks(list(pd.date_range(first, last, freq="D")))
    else:
        ax.xaxis.set_major_locator(mdates.AutoDateLocator(maxticks=8))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b\n%Y"))
    ax.set_xlim(
        first - pd.Timedelta(days=0.5), last + pd.Timedelta(days=max(3, 1.2 * span) if span <= 14 else 0.6 * span)
    )
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    present = [
        k
        for k in kinds
        if any((k == "other" and "Carney" not in a and "Trump" not in a) or k in a for a in data["actor"])
    ]
    ax.legend(
        handles=[Line2D([], [], marker="o", linestyle="", color=kinds[k], label=k) for k in present],
        title="actor",
        frameon=False,
        loc="upper right",
    )
    ax.set_title("Timeline around the Davos speeches")
    ax.set_xlabel("date")
    ax.set_ylabel("events (latest at the bottom)")
    fig.tight_layout()  # figures.show() puts the source in a caption under the image
    return fig


_errors.guard(RhetoricInputError, globals())  # every public function: only clear errors escape
