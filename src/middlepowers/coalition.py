"""Lesson 01 helpers: coder agreement, coalition memberships and coalition size.

Three groups of plain, tested functions, and one thin widget over them.

*Agreement between two coders* (content analysis):
:func:`percent_agreement`, :func:`cohen_kappa`, :func:`agreement_table`.
Cohen's kappa (Cohen 1960) corrects the share of items two coders label
alike for the agreement they would reach by chance::

    kappa = (p_o - p_e) / (1 - p_e)

where ``p_o`` is the observed share of agreement and ``p_e`` the sum, over
categories, of the product of the two coders' marginal shares.

*Who belongs to which grouping*: :func:`load_memberships` reads
``data/external/memberships.csv`` and :func:`membership_matrix` turns it into
a country x grouping table of 0/1. The rows are countries only: the EU as a
body (a G20 member, present at the G7) has no row.

*How big would a coalition be*: :func:`load_indicators` reads
``data/external/country_indicators.csv`` (World Bank WDI GDP and population,
SIPRI military expenditure) and :func:`coalition_totals` adds up a chosen
coalition beside the United States and China. :func:`indicator_source`
writes the year and source line a chart needs. Korea's GDP row is 2023 (the
2024 cell is empty in that WDI edition); the source line says so.

Every function raises :class:`CoalitionError` (a ``ValueError``) with a
message a student can act on; no other exception is meant to escape.
"""

from __future__ import annotations

import html
import math
import textwrap
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

import ipywidgets as widgets
import pandas as pd

from middlepowers import _errors
from middlepowers.figures import chart  # cached chart PNGs
from middlepowers.paths import data_dir

__all__ = [
    "CoalitionError",
    "percent_agreement",
    "cohen_kappa",
    "agreement_table",
    "stage_reference",
    "saved_codes",
    "compare_codes",
    "agreement_report",
    "membership_source",
    "STAGES",
    "load_memberships",
    "membership_matrix",
    "shared_groups",
    "load_indicators",
    "resolve_countries",
    "coalition_totals",
    "indicator_source",
    "plot_membership",
    "plot_coalition",
    "coalition_alt",
    "CoalitionBuilder",
    "GROUP_ORDER",
    "ARTICLE_CITIES",
    "ARTICLE_COALITION",
    "GREAT_POWERS",
    "CANDIDATES",
    "INDICATORS",
]


class CoalitionError(ValueError):
    """Bad input to a lesson-01 helper; the message says what to fix."""


# --- agreement between two coders ---------------------------------------------


def _is_missing(label) -> bool:
    if label is None or label is pd.NA or label is pd.NaT:
        return True
    if isinstance(label, float) and math.isnan(label):
        return True
    return isinstance(label, str) and not label.strip()


def _is_label(label) -> bool:
    """Whether ``label`` can be a category: one hashable value (text, number), not a list or dict."""
    try:
        hash(label)
    except TypeError:
        return False
    return True


def _short(value) -> str:
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - an object whose repr fails
        text = "?"
    return text[:40] + ("…" if len(text) > 40 else "")


def _paired_codes(coder_a, coder_b, categories=None) -> tuple[list, list, list]:
    """Return (item names, labels of A, labels of B) after checking the input.

    Two mappings (dict or pandas Series) are paired by key, so the order
    does not matter but both coders must have coded the same items. Two
    plain sequences are paired by position and must have the same length.
    """
    if isinstance(coder_a, (str, bytes)) or isinstance(coder_b, (str, bytes)):
        raise CoalitionError("give each coder's labels as a list (or a dict keyed by sentence id), not one string")
    a_is_map = isinstance(coder_a, (Mapping, pd.Series))
    b_is_map = isinstance(coder_b, (Mapping, pd.Series))
    if a_is_map and b_is_map:
        a_map, b_map = dict(coder_a.items()), dict(coder_b.items())
        only_a = sorted(set(a_map) - set(b_map), key=str)
        only_b = sorted(set(b_map) - set(a_map), key=str)
        if only_a or only_b:
            parts = []
            if only_a:
                parts.append(f"coded by coder A only: {', '.join(map(str, only_a))}")
            if only_b:
                parts.append(f"coded by coder B only: {', '.join(map(str, only_b))}")
            raise CoalitionError("both coders must code the same items; " + "; ".join(parts))
        items = sorted(a_map, key=str)
        labels_a = [a_map[k] for k in items]
        labels_b = [b_map[k] for k in items]
    elif a_is_map or b_is_map:
        raise CoalitionError(
            "give both coders the same way: two lists (paired by position) or two dicts/Series keyed by sentence id"
        )
    else:
        try:
            labels_a, labels_b = list(coder_a), list(coder_b)
        except TypeError:
            raise CoalitionError("each coder's labels must be a list of category names") from None
        if len(labels_a) != len(labels_b):
            raise CoalitionError(
                f"the two coders labelled different numbers of items "
                f"(coder A: {len(labels_a)}, coder B: {len(labels_b)}); pair them item by item"
            )
        items = [f"item {i + 1}" for i in range(len(labels_a))]
    if not items:
        raise CoalitionError("there are no coded items to compare (both lists are empty)")
    for coder, labels in (("A", labels_a), ("B", labels_b)):
        for item, label in zip(items, labels):
            if not _is_label(label):
                raise CoalitionError(
                    f"coder {coder}'s label for {item} is a {type(label).__name__} ({_short(label)}): "
                    "each label must be one category name, such as 'stage_1'"
                )
    for coder, labels in (("A", labels_a), ("B", labels_b)):
        gaps = [str(item) for item, label in zip(items, labels) if _is_missing(label)]
        if gaps:
            raise CoalitionError(f"coder {coder} left no label for: {', '.join(gaps)}")
    if categories is not None:
        if isinstance(categories, (str, bytes)):
            raise CoalitionError("categories must be a list of category names, not one string")
        try:
            allowed = list(categories)
        except TypeError:
            raise CoalitionError(
                f"categories must be a list of category names, got {type(categories).__name__}"
            ) from None
        bad = [c for c in allowed if not _is_label(c)]
        if bad:
            raise CoalitionError(f"each category must be one name, such as 'stage_1'; got {_short(bad[0])}")
        for coder, labels in (("A", labels_a), ("B", labels_b)):
            bad = [f"{item} ({label!r})" for item, label in zip(items, labels) if label not in allowed]
            if bad:
                raise CoalitionError(
                    f"coder {coder} used labels outside the codebook ({', '.join(map(str, allowed))}): "
                    + ", ".join(bad)
                )
    return items, labels_a, labels_b


def percent_agreement(coder_a, coder_b, categories=None) -> float:
    """Return the percentage (0-100) of items both coders labelled alike.

    ``coder_a`` and ``coder_b`` are two lists of labels paired by position,
    or two dicts / pandas Series keyed by item (e.g. sentence id).
    ``categories``, when given, is the codebook's list of allowed labels;
    any other label (a typo) is reported.

    >>> percent_agreement(["a", "a", "b", "b"], ["a", "b", "b", "b"])
    75.0
    """
    _, labels_a, labels_b = _paired_codes(coder_a, coder_b, categories)
    same = sum(a == b for a, b in zip(labels_a, labels_b))
    return 100.0 * same / len(labels_a)


def cohen_kappa(coder_a, coder_b, categories=None) -> float:
    """Return Cohen's kappa for two coders' nominal labels.

    Same inputs as :func:`percent_agreement`. A category used by only one
    coder is fine (it counts as zero for the other). Kappa is undefined when
    chance agreement is already 100% -- both coders used one and the same
    single category for every item -- and that raises :class:`CoalitionError`.

    >>> round(cohen_kappa(["a", "a", "b", "b"], ["a", "b", "b", "b"]), 3)
    0.5
    """
    _, labels_a, labels_b = _paired_codes(coder_a, coder_b, categories)
    n = len(labels_a)
    p_o = sum(a == b for a, b in zip(labels_a, labels_b)) / n
    count_a, count_b = Counter(labels_a), Counter(labels_b)
    p_e = sum(count_a[c] * count_b[c] for c in count_a) / (n * n)
    if p_e >= 1.0:
        only = labels_a[0]
        raise CoalitionError(
            f"kappa is undefined here: both coders gave every item the same single label "
            f"({only!r}), so chance agreement is already 100%. Report percent agreement instead."
        )
    return (p_o - p_e) / (1.0 - p_e)


def agreement_table(coder_a, coder_b, categories=None, names=("coder A", "coder B")) -> pd.DataFrame:
    """Return the cross-table of two coders' labels (counts, with totals).

    Rows are coder A's labels, columns coder B's; the diagonal is agreement.
    Categories follow ``categories`` when given, otherwise sorted order.
    """
    _, labels_a, labels_b = _paired_codes(coder_a, coder_b, categories)
    order = list(categories) if categories is not None else sorted(set(labels_a) | set(labels_b), key=str)
    table = pd.crosstab(
        pd.Categorical(labels_a, categories=order),
        pd.Categorical(labels_b, categories=order),
        dropna=False,
    )
    table.index.name, table.columns.name = names
    table.index = table.index.astype(str)
    table.columns = table.columns.astype(str)
    table["total"] = table.sum(axis=1)
    table.loc["total"] = table.sum(axis=0)
    return table.astype(int)


#: The labels of the lesson's classify exercise, in display order.
STAGES = ("stage_1", "stage_2", "both", "neither")


def stage_reference(themes: pd.DataFrame, sentence_ids: Iterable[str] | None = None) -> pd.Series:
    """Turn the hand coding's sentence themes into one stage label per sentence.

    ``themes`` has columns ``sentence_id`` and ``theme`` (as in
    ``data/annotations/sentence_themes.csv``; a sentence may have several
    rows). The label is ``stage_1`` or ``stage_2`` when the sentence carries
    that theme, ``both`` when it carries both (the codebook gives both to
    sentences about the whole program, e.g. S03, S06, S22) and ``neither``
    otherwise. ``sentence_ids`` (default: every sentence in ``themes``) picks
    and orders the result.
    """
    missing_cols = {"sentence_id", "theme"} - set(themes.columns)
    if missing_cols:
        raise CoalitionError(f"the themes table needs the columns {sorted(missing_cols)}")
    by_sentence = themes.groupby("sentence_id")["theme"].agg(set)
    ids = list(sentence_ids) if sentence_ids is not None else sorted(by_sentence.index)
    out = {}
    for sid in ids:
        tags = by_sentence.get(sid, set()) & {"stage_1", "stage_2"}
        out[sid] = "both" if len(tags) == 2 else (tags.pop() if tags else "neither")
    return pd.Series(out, name="stage", dtype="object").rename_axis("sentence_id")


def saved_codes(quiz, question_id: str) -> dict | None:
    """Return the student's last checked answer to a classify question, or ``None``.

    Reads the progress file through ``quiz.store`` (see
    :mod:`middlepowers.progress`). Items the student left unassigned are
    ``None`` in the dict.
    """
    attempts = quiz.store.attempts(quiz.notebook, question_id)
    if not attempts or not isinstance(attempts[-1].get("answer"), dict):
        return None
    return dict(attempts[-1]["answer"])


def compare_codes(codes: Mapping, reference: Mapping | pd.Series, categories=STAGES) -> tuple[pd.DataFrame, str]:
    """Compare one reader's codes with the reference, sentence by sentence.

    Returns ``(table, summary)``: the table has one row per sentence
    (``yours``, ``codebook``, ``same``) and the summary line gives percent
    agreement and Cohen's kappa. Bad codes (an item left out, an unknown
    label) raise :class:`CoalitionError` with a message naming the sentence.
    """
    reference = dict(reference.items())
    agree = percent_agreement(codes, reference, categories)
    try:
        kappa = f"{cohen_kappa(codes, reference, categories):.2f}"
    except CoalitionError:
        kappa = "undefined (one label only)"
    ids = sorted(reference, key=str)
    table = pd.DataFrame(
        {"yours": [codes[i] for i in ids], "codebook": [reference[i] for i in ids]},
        index=pd.Index(ids, name="sentence_id"),
    )
    table["same"] = (table["yours"] == table["codebook"]).map({True: "yes", False: "no"})
    same = int((table["same"] == "yes").sum())
    summary = f"{same} of {len(table)} sentences alike: percent agreement {agree:.1f}%, Cohen's kappa {kappa}"
    return table, summary


class AgreementReport:
    """What :func:`agreement_report` returns: readable as text and as HTML."""

    def __init__(self, table: pd.DataFrame | None, summary: str):
        self.table, self.summary = table, summary

    def _repr_mimebundle_(self, **kwargs):
        import html

        from middlepowers.ui import table_html

        if self.table is None:
            return {"text/plain": self.summary, "text/html": f"<p>{html.escape(self.summary)}</p>"}
        return {
            "text/plain": self.summary + "\n" + self.table.to_string(),
            "text/html": f"<p><b>{html.escape(self.summary)}</b></p>" + table_html(self.table),
        }


def agreement_report(codes: Mapping | None, reference: Mapping | pd.Series, categories=STAGES) -> AgreementReport:
    """Compare codes with the reference for display in a notebook; never raises on bad codes.

    ``codes`` ``None`` (nothing saved yet) or codes with gaps give a report
    whose text says what to do (a ``⚠`` line) instead of a traceback.
    """
    if codes is None:
        return AgreementReport(None, "⚠ No codes to compare yet: choose a label for every sentence and press Check.")
    try:
        table, summary = compare_codes(codes, reference, categories)
    except CoalitionError as exc:
        message = str(exc).replace("coder A", "you")
        return AgreementReport(
            None, f"⚠ {message}. Choose a label for every sentence, press Check, then re-run this cell."
        )
    return AgreementReport(table, summary)


# --- memberships --------------------------------------------------------------

#: Groupings in display order: economic clubs, alliances, trade, Indo-Pacific, intelligence, middle-power forum.
GROUP_ORDER = ["G7", "G20", "NATO", "OECD", "EU", "CPTPP", "Quad", "AUKUS", "Five Eyes", "MIKTA"]

#: The cities the reporter names for "traditional allies" (S23), with their country.
#: Sydney is Australia's largest city, not its capital (Canberra).
ARTICLE_CITIES = {"London": "GBR", "Berlin": "DEU", "Tokyo": "JPN", "Sydney": "AUS"}

#: Canada (S04) plus the countries of the cities S23 names as "traditional allies" facing
#: "significant challenges". The article names no coalition: the lesson adds these five up
#: as a thought experiment, and labels the sum "5 countries combined", not "coalition".
ARTICLE_COALITION = ["CAN", "GBR", "DEU", "JPN", "AUS"]

#: The major powers S20 names Carney navigating between (Russia, China, the United States).
GREAT_POWERS = ["USA", "CHN", "RUS"]

#: Countries a student may put into a coalition, in display order.
CANDIDATES = ["CAN", "GBR", "DEU", "JPN", "AUS", "FRA", "KOR", "MEX", "IDN", "TUR", "IND", "BRA"]

#: Row order of the membership matrix.
COUNTRY_ORDER = CANDIDATES + GREAT_POWERS

MEMBERSHIP_COLUMNS = ["iso3", "country", "group", "member", "since_year", "source_publisher", "source_url", "note"]


def load_memberships(path=None) -> pd.DataFrame:
    """Read and check ``data/external/memberships.csv`` (one row per country and grouping).

    ``member`` must be ``yes`` or ``no``; each (country, grouping) pair must
    appear once. Returns the table with ``member`` as a boolean.
    """
    frame = _errors.read_csv(
        data_dir("external", "memberships.csv") if path is None else path,
        "the memberships table",
        CoalitionError,
        MEMBERSHIP_COLUMNS,
    )
    bad = frame[~frame["member"].isin(["yes", "no"])]
    if not bad.empty:
        row = bad.index[0] + 2
        raise CoalitionError(f"memberships line {row}: member must be 'yes' or 'no', not {bad['member'].iloc[0]!r}")
    dup = frame[frame.duplicated(["iso3", "group"], keep=False)]
    if not dup.empty:
        first = dup.iloc[0]
        raise CoalitionError(f"memberships: {first['iso3']} / {first['group']} appears more than once")
    frame = frame.copy()
    frame["member"] = frame["member"].eq("yes")
    return frame


def _names(frame: pd.DataFrame) -> dict[str, str]:
    return dict(zip(frame["iso3"], frame["country"]))


def resolve_countries(countries: Iterable[str], known: Mapping[str, str]) -> list[str]:
    """Turn country codes or names (any case) into ISO3 codes from ``known``.

    ``known`` maps ISO3 code to country name. Duplicates are dropped, order
    kept. An unknown entry raises :class:`CoalitionError` listing the choices.
    """
    if isinstance(countries, str):
        countries = [countries]
    if isinstance(countries, (bytes, Mapping)) or not isinstance(countries, Iterable):
        raise CoalitionError(
            f"choose countries as a list of ISO3 codes or names, e.g. ['CAN', 'GBR']; got {countries!r}"
        )
    lookup = {code.lower(): code for code in known}
    lookup.update({name.lower(): code for code, name in known.items()})
    codes: list[str] = []
    for entry in countries:
        code = lookup.get(str(entry).strip().lower())
        if code is None:
            choices = ", ".join(f"{c} ({known[c]})" for c in sorted(known))
            raise CoalitionError(f"unknown country {entry!r}; choose from: {choices}")
        if code not in codes:
            codes.append(code)
    return codes


def membership_matrix(memberships: pd.DataFrame | None = None, countries=None, groups=None) -> pd.DataFrame:
    """Return a country x grouping table of 1 (member) and 0 (not).

    Rows are country names in :data:`COUNTRY_ORDER` (or the order of
    ``countries``, codes or names), columns the groupings in
    :data:`GROUP_ORDER` (or ``groups``). Membership is as of the sources in
    the CSV (e.g. the UK left the EU in 2020 and joined CPTPP in Dec 2024).
    """
    memberships = load_memberships() if memberships is None else memberships
    names = _names(memberships)
    codes = (
        resolve_countries(countries, names)
        if countries is not None
        else [c for c in COUNTRY_ORDER if c in names] + sorted(c for c in names if c not in COUNTRY_ORDER)
    )
    if not codes:
        raise CoalitionError("choose at least one country")
    known_groups = list(dict.fromkeys(memberships["group"]))
    if groups is None:
        groups = [g for g in GROUP_ORDER if g in known_groups] + [g for g in known_groups if g not in GROUP_ORDER]
    else:
        unknown = [g for g in groups if g not in known_groups]
        if unknown:
            raise CoalitionError(f"unknown grouping(s) {unknown}; choose from: {', '.join(known_groups)}")
    wide = memberships.pivot(index="iso3", columns="group", values="member")
    gaps = wide.loc[codes, list(groups)].isna()
    if gaps.to_numpy().any():
        code, group = gaps.stack()[lambda s: s].index[0]
        raise CoalitionError(f"memberships table has no row for {code} / {group}")
    matrix = wide.loc[codes, list(groups)].astype(bool).astype(int)
    matrix.index = [names[c] for c in codes]
    matrix.index.name = "country"
    matrix.columns.name = "grouping"
    return matrix


def membership_source(memberships: pd.DataFrame | None = None) -> str:
    """Return the source line for a membership chart: the file and each grouping's publisher."""
    memberships = load_memberships() if memberships is None else memberships
    publishers = memberships.groupby("group", sort=False)["source_publisher"].first()
    order = [g for g in GROUP_ORDER if g in publishers.index] + [g for g in publishers.index if g not in GROUP_ORDER]
    short = [f"{g}: {publishers[g].split(';')[0].strip()}" for g in order]
    return "data/external/memberships.csv (source_publisher, source_url) -- " + "; ".join(short) + "."


def shared_groups(countries, memberships: pd.DataFrame | None = None) -> list[str]:
    """Return the groupings (in :data:`GROUP_ORDER`) that every given country belongs to."""
    matrix = membership_matrix(memberships, countries=countries)
    return [g for g in matrix.columns if matrix[g].all()]


# --- coalition size -----------------------------------------------------------

#: Indicators added up for a coalition: column label, file unit -> display unit factor.
INDICATORS = {
    "gdp_nominal_usd": {"label": "GDP (US$ trillion)", "factor": 1e-12, "short": "GDP"},
    "population": {"label": "Population (million)", "factor": 1e-6, "short": "population"},
    "military_expenditure_usd": {
        "label": "Military spending (US$ billion)",
        "factor": 1e-3,  # the file is in US$ million
        "short": "military spending",
    },
}

INDICATOR_COLUMNS = [
    "iso3",
    "country",
    "indicator",
    "year",
    "value",
    "unit",
    "source_publisher",
    "source_title",
    "source_url",
    "source_date",
    "note",
]


def load_indicators(path=None) -> pd.DataFrame:
    """Read and check ``data/external/country_indicators.csv``.

    Returns the long table with ``value`` as float and ``year`` as int. A row
    whose value or year is not a number raises :class:`CoalitionError`.
    """
    frame = _errors.read_csv(
        data_dir("external", "country_indicators.csv") if path is None else path,
        "the indicators table",
        CoalitionError,
        INDICATOR_COLUMNS,
    )
    frame = frame.copy()
    for column, kind in (("value", float), ("year", int)):
        converted = pd.to_numeric(frame[column], errors="coerce")
        bad = converted.isna()
        if bad.any():
            row = bad.idxmax()
            raise CoalitionError(
                f"indicators line {row + 2}: {column} must be a number, not {frame.loc[row, column]!r}"
            )
        frame[column] = converted.astype(kind)
    dup = frame[frame.duplicated(["iso3", "indicator"], keep=False)]
    if not dup.empty:
        first = dup.iloc[0]
        raise CoalitionError(f"indicators: {first['iso3']} / {first['indicator']} appears more than once")
    return frame


def _indicator_names(indicators: pd.DataFrame) -> dict[str, str]:
    names = {}
    for code, name in zip(indicators["iso3"], indicators["country"]):
        names.setdefault(code, name)
    return names


def _coalition_codes(members, indicators: pd.DataFrame, compare: Sequence[str]) -> list[str]:
    names = _indicator_names(indicators)
    codes = resolve_countries(members, names)
    if not codes:
        raise CoalitionError("tick at least one country to form a coalition")
    if "EUU" in codes:
        raise CoalitionError(
            "the European Union is not a country row to add: its figures already include "
            "Germany and France, so adding it would count them twice (and it has no SIPRI row)"
        )
    clash = [c for c in codes if c in compare]
    if clash:
        raise CoalitionError(
            f"{', '.join(names[c] for c in clash)} is a comparison column here, not a coalition member"
        )
    return codes


def _value(indicators: pd.DataFrame, code: str, indicator: str) -> float:
    rows = indicators[(indicators["iso3"] == code) & (indicators["indicator"] == indicator)]
    if rows.empty:
        name = _indicator_names(indicators).get(code, code)
        raise CoalitionError(
            f"no {INDICATORS[indicator]['short']} figure for {name} in the indicators table, "
            "so the coalition total would be too low; leave it out"
        )
    return float(rows["value"].iloc[0])


def coalition_totals(members, indicators: pd.DataFrame | None = None, compare=("USA", "CHN")) -> pd.DataFrame:
    """Add up GDP, population and military spending of a coalition.

    ``members`` are country codes or names (e.g. :data:`ARTICLE_COALITION`).
    Returns one row for the members together (labelled ``N countries combined``: a sum,
    not a coalition anyone has formed) and one
    per ``compare`` country, columns in display units (see
    :data:`INDICATORS`), rounded to 2 decimals. The coalition is a plain sum:
    it says how big the members are together, not how much bargaining power
    they would have.
    """
    indicators = load_indicators() if indicators is None else indicators
    names = _indicator_names(indicators)
    compare = resolve_countries(compare, names)
    codes = _coalition_codes(members, indicators, compare)
    rows = {}
    label = f"{len(codes)} countries combined"
    rows[label] = {
        spec["label"]: sum(_value(indicators, c, ind) for c in codes) * spec["factor"]
        for ind, spec in INDICATORS.items()
    }
    for code in compare:
        rows[names[code]] = {
            spec["label"]: _value(indicators, code, ind) * spec["factor"] for ind, spec in INDICATORS.items()
        }
    table = pd.DataFrame.from_dict(rows, orient="index").round(2)
    table.index.name = "who"
    return table


def indicator_source(members, indicators: pd.DataFrame | None = None, compare=("USA", "CHN")) -> str:
    """Return the year-and-source line for a coalition chart.

    Names the file, each publisher and dataset, the year, and every country
    whose figure is from another year (e.g. Korea's GDP: 2023).
    """
    indicators = load_indicators() if indicators is None else indicators
    names = _indicator_names(indicators)
    compare = resolve_countries(compare, names)
    codes = _coalition_codes(members, indicators, compare) + compare
    parts = []
    for ind, spec in INDICATORS.items():
        rows = indicators[(indicators["indicator"] == ind) & indicators["iso3"].isin(codes)]
        if rows.empty:
            continue
        year = int(rows["year"].mode().iloc[0])
        title = rows["source_title"].iloc[0].split(" [")[0].split(", sheet")[0]
        text = f"{spec['short']} {year}: {rows['source_publisher'].iloc[0]}, {title}"
        odd = rows[rows["year"] != year].sort_values("iso3")
        if not odd.empty:
            text += " (" + "; ".join(f"{names[c]}: {y}" for c, y in zip(odd["iso3"], odd["year"])) + ")"
        parts.append(text)
    return "data/external/country_indicators.csv -- " + "; ".join(parts) + "."


# --- figures ------------------------------------------------------------------


@chart
def plot_membership(matrix: pd.DataFrame):
    """Return a heat map figure of a :func:`membership_matrix` (members marked 'yes')."""
    from matplotlib.colors import ListedColormap

    from middlepowers.figures import PALETTE, new_figure

    fig, ax = new_figure(1.0 + 0.62 * matrix.shape[1], 1.2 + 0.36 * matrix.shape[0])
    ax.imshow(matrix.to_numpy(), cmap=ListedColormap(["#F2F2F2", PALETTE[0]]), vmin=0, vmax=1, aspect="auto")
    for i in range(matrix.shape[0]):
        for j in range(matrix.shape[1]):
            if matrix.iat[i, j]:
                ax.text(j, i, "yes", ha="center", va="center", color="white", fontsize=8)
    ax.set_xticks(range(matrix.shape[1]), matrix.columns, rotation=45, ha="right")
    ax.set_yticks(range(matrix.shape[0]), matrix.index)
    ax.set_xlabel("Grouping")
    ax.set_ylabel("Country")
    ax.set_title("Who belongs to which grouping (blue, 'yes' = member)")
    ax.spines[:].set_visible(False)
    # figures.show() puts the source in a caption under the image; no room needed here
    fig.tight_layout()
    return fig


@chart
def plot_coalition(totals: pd.DataFrame):
    """Return a three-panel bar chart of a :func:`coalition_totals` table."""
    from middlepowers.figures import PALETTE, new_figure

    fig, axes = new_figure(10, 3.6, ncols=len(totals.columns))
    colours = [PALETTE[0]] + PALETTE[1 : len(totals)]
    for ax, column in zip(axes, totals.columns):
        values = totals[column]
        bars = ax.bar(range(len(values)), values, color=colours)
        ax.bar_label(bars, labels=[f"{v:,.1f}" for v in values], fontsize=8)
        # wrap two-word names ("United States") so neighbouring tick labels never touch
        ax.set_xticks(range(len(values)), [textwrap.fill(str(w), 10) for w in totals.index])
        ax.set_title(column.split(" (")[0])
        ax.set_ylabel(column[column.index("(") + 1 : -1] if "(" in column else column)
        ax.set_xlabel("Countries combined, or one power")
        ax.margins(y=0.15)
    fig.suptitle("Combined size of the chosen countries beside the United States and China", fontweight="bold")
    # figures.show() puts the source in a caption under the image; no room needed here
    fig.tight_layout()
    return fig


def coalition_alt(totals: pd.DataFrame) -> str:
    """Return alt text for a coalition chart, stating the numbers."""
    parts = []
    for column in totals.columns:
        values = ", ".join(f"{who} {value:,.2f}" for who, value in totals[column].items())
        parts.append(f"{column}: {values}")
    return "Bar charts comparing the countries combined with the United States and China. " + "; ".join(parts) + "."


# --- the widget -----------------------------------------------------------------


class CoalitionBuilder(widgets.VBox):
    """Tick countries; the chart and table below redraw from :func:`coalition_totals`.

    A thin view: every number comes from :func:`coalition_totals` and
    :func:`indicator_source`. The output area is filled by setting its
    ``outputs`` directly (no printing while the notebook cell runs), so the
    cell's stored output is just this widget and its plain-text repr.
    """

    def __init__(self, start=ARTICLE_COALITION, indicators: pd.DataFrame | None = None):
        import ipywidgets as widgets

        from middlepowers.ui import make, shared

        self.indicators = load_indicators() if indicators is None else indicators
        names = _indicator_names(self.indicators)
        start = resolve_countries(start, names)
        self.boxes = {
            code: make(
                widgets.Checkbox, value=code in start, description=names[code], indent=False, layout={"width": "170px"}
            )
            for code in CANDIDATES
            if code in names
        }
        self.message = make(widgets.HTML, layout={"min_height": "1.5em"})
        self.message.add_class("mp-coalition-message")
        self.output = make(widgets.Output)
        self.output.add_class("mp-coalition-output")
        grid = make(
            widgets.GridBox, children=list(self.boxes.values()), layout={"grid_template_columns": "repeat(4, 175px)"}
        )
        super().__init__(
            [make(widgets.HTML, value="<b>Tick the countries in your coalition:</b>"), grid, self.message, self.output],
            layout=shared(widgets.Layout),
        )
        self.add_class("mp-coalition-builder")
        for box in self.boxes.values():
            box.observe(self._changed, names="value")
        self.redraw()

    @property
    def members(self) -> list[str]:
        """ISO3 codes of the ticked countries, in display order."""
        return [code for code, box in self.boxes.items() if box.value]

    def redraw(self) -> None:
        """Recompute the totals and replace the chart and table."""
        members = self.members
        try:
            totals = coalition_totals(members, self.indicators)
            source = indicator_source(members, self.indicators)
        except CoalitionError as exc:
            self.message.value = f"<span style='color:#D55E00'>{html.escape(str(exc))}</span>"
            self.output.outputs = ()
            return
        shares = (100 * totals.iloc[0] / totals.loc["United States"]).round(0).astype(int)
        self.message.value = "Combined, as % of the United States: " + ", ".join(
            f"{col.split(' (')[0]} {pct}%" for col, pct in shares.items()
        )
        from middlepowers.figures import render
        from middlepowers.ui import table_html

        # As figures.show() displays it: an <img> with alt text (JupyterLab ignores alt metadata on image/png).
        figure = {
            "output_type": "display_data",
            "data": render(plot_coalition(totals), coalition_alt(totals), source),
            "metadata": {},
        }
        table = {
            "output_type": "display_data",
            "data": {"text/html": table_html(totals), "text/plain": totals.to_string()},
            "metadata": {},
        }
        self.output.outputs = (figure, table)

    def _changed(self, _change) -> None:
        self.redraw()

    def __repr__(self) -> str:
        return f"Coalition builder: {len(self.members)} of {len(self.boxes)} countries ticked"


_errors.guard(CoalitionError, globals())  # every public function: only clear errors escape
