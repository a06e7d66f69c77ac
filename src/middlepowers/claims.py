"""The same claim tests for both leaders (``data/external/speech_claims.csv``).

Each row is one claim a leader makes in his Davos address, chosen by the rule
written in ``data/external/README.md`` (the first four checkable empirical
claims on trade, defence or relations between countries, in speech order),
with what it is tested as, the figures that bear on it and a verdict.
Evidence is named by reference: ``claim_figures.csv#F-USTD-2025-01`` (a
``figure_id``) or ``canada_trade.csv:2`` (a line of another file in
``data/external``, counting the header as line 1). :func:`load_claims` reads
and checks the table, :func:`evidence` resolves one claim's references to the
rows themselves, and :func:`side_by_side` lays both leaders out under the same
headings; :func:`values` gives the numbers of the evidence rows for the
arithmetic behind a verdict. Bad input raises :class:`ClaimsError` with a message saying what to
fix.
"""

from __future__ import annotations

import re

import pandas as pd

from . import _errors
from .paths import data_dir

__all__ = ["VERDICTS", "ClaimsError", "load_claims", "evidence", "values", "side_by_side"]

#: The only verdicts a claim may get.
VERDICTS = ("supported", "partly supported", "not supported", "cannot be tested with these data")
COLUMNS = (
    "claim_id",
    "speaker",
    "rank",
    "speech_id",
    "status",
    "words",
    "tested_as",
    "evidence",
    "verdict",
    "reasoning",
)
_REF = re.compile(r"^(?P<file>[a-z_]+\.csv)(?::(?P<line>\d+)|#(?P<id>[A-Za-z0-9-]+))$")


class ClaimsError(ValueError):
    """The claims table or a reference in it is not as expected; the message says what to fix."""


def load_claims(path=None) -> pd.DataFrame:
    """Read and check ``data/external/speech_claims.csv``; ``rank`` becomes an integer.

    Every verdict must be one of :data:`VERDICTS`, every speaker ``carney`` or
    ``trump``, and each (speaker, rank) pair must appear once.
    """
    frame = _errors.read_csv(
        data_dir("external", "speech_claims.csv") if path is None else path,
        "the claims table",
        ClaimsError,
        COLUMNS,
    )
    bad = sorted(set(frame["verdict"]) - set(VERDICTS))
    if bad:
        raise ClaimsError(f"the claims table: verdict {bad[0]!r} is not one of {', '.join(VERDICTS)}")
    if not frame["speaker"].isin(["carney", "trump"]).all():
        raise ClaimsError("the claims table: speaker must be 'carney' or 'trump'")
    if not frame["rank"].str.fullmatch(r"\d+").all():
        raise ClaimsError("the claims table: rank must be a whole number (1 for the first claim)")
    frame["rank"] = frame["rank"].astype(int)
    if frame.duplicated(["speaker", "rank"]).any():
        raise ClaimsError("the claims table: each leader has one claim per rank")
    return frame


def evidence(claim_id: str, claims: pd.DataFrame | None = None, folder=None) -> pd.DataFrame:
    """The rows a claim's ``evidence`` names, one per reference.

    Columns: ``ref`` (as written), ``file``, and the row's own columns (those a
    file lacks are empty). ``folder`` defaults to ``data/external``.
    """
    claims = load_claims() if claims is None else claims
    row = claims[claims["claim_id"] == claim_id]
    if row.empty:
        raise ClaimsError(f"no claim {claim_id!r}; the ids are {', '.join(claims['claim_id'])}")
    base = data_dir("external") if folder is None else folder
    out = []
    for ref in str(row["evidence"].iloc[0]).split():
        m = _REF.match(ref)
        if not m:
            raise ClaimsError(f"{claim_id}: reference {ref!r} is not 'file.csv:LINE' or 'file.csv#ID'")
        table = _errors.read_csv(f"{base}/{m['file']}", f"{m['file']} (named by {claim_id})", ClaimsError)
        if m["line"]:
            index = int(m["line"]) - 2  # line 1 is the header
            if not 0 <= index < len(table):
                raise ClaimsError(f"{claim_id}: {m['file']} has no data line {m['line']}")
            found = table.iloc[[index]]
        else:
            found = table[table.iloc[:, 0] == m["id"]]
            if found.empty:
                raise ClaimsError(f"{claim_id}: {m['file']} has no row {m['id']!r}")
        out.append(found.assign(ref=ref, file=m["file"]))
    if not out:
        return pd.DataFrame(columns=["ref", "file"])
    frame = pd.concat(out, ignore_index=True).fillna("")
    return frame[["ref", "file", *[c for c in frame.columns if c not in ("ref", "file")]]]


def values(claim_id: str, claims: pd.DataFrame | None = None, column: str = "value", folder=None) -> pd.Series:
    """The numbers in ``column`` of a claim's evidence rows, indexed by reference, in the order given.

    A row without a number there (an empty cell) is left out.
    """
    rows = evidence(claim_id, claims, folder)
    if column not in rows.columns:
        raise ClaimsError(f"{claim_id}: its evidence has no column {column!r}; choose from {', '.join(rows.columns)}")
    numbers = pd.to_numeric(rows.set_index("ref")[column].replace("", None), errors="coerce")
    return numbers.dropna()


def side_by_side(claims: pd.DataFrame | None = None, fields=("words", "verdict")) -> pd.DataFrame:
    """Both leaders under the same headings: one row per rank, ``fields`` per leader."""
    claims = load_claims() if claims is None else claims
    missing = [f for f in fields if f not in claims.columns]
    if missing:
        raise ClaimsError(f"no column {missing[0]!r}; choose from {', '.join(claims.columns)}")
    wide = claims.pivot(index="rank", columns="speaker", values=list(fields))
    wide = wide.swaplevel(axis=1).sort_index(axis=1, level=0, sort_remaining=False)
    order = [(who, f) for who in ("carney", "trump") for f in fields if (who, f) in wide.columns]
    return wide[order].fillna("")


_errors.guard(ClaimsError, globals())  # every public function: only clear errors escape
