"""How concentrated is a country's trade? The Herfindahl-Hirschman Index and friends.

Lesson 03 (diversification) uses these functions:

- :func:`to_percent` checks a list of shares and returns them as percentages.
- :func:`hhi` is the Herfindahl-Hirschman Index: the sum of squared
  percentage shares, from near 0 (many tiny partners) to 10,000 (one partner).
- :func:`hhi_bounds` gives the lowest and highest possible HHI when only the
  top partners' shares are known.
- :func:`classify` reads an HHI against the thresholds of the US merger
  guidelines (2010 Horizontal Merger Guidelines or 2023 Merger Guidelines).
- :func:`scenario` is a *stylised model* of Canada's goal of doubling its
  non-US exports within a decade.

Bad input raises :class:`ShareError` (a ``ValueError``) with a message that
says which share is wrong and what to do about it.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from numbers import Integral, Real

import ipywidgets as widgets
import pandas as pd

from middlepowers import _errors
from middlepowers.figures import chart  # cached chart PNGs

#: Shares may add up to a little over 100% because published shares are
#: rounded; anything above 100 + SUM_TOLERANCE percentage points is an error.
SUM_TOLERANCE = 0.5

SCALES = ("auto", "percent", "fraction")
#: Largest rounding tolerance, in percentage points (published shares are rounded to 0.1 or 1 point).
MAX_TOLERANCE = 10.0
#: Longest horizon of :func:`scenario`, in years (a stylised model, not a forecast).
MAX_YEARS = 200

#: Thresholds of the US merger guidelines, by edition.
#: 2010 Horizontal Merger Guidelines (DOJ/FTC), section 5.3: unconcentrated
#: below 1,500; moderately concentrated 1,500-2,500; highly concentrated above
#: 2,500. 2023 Merger Guidelines (DOJ/FTC), Guideline 1: markets with an HHI
#: greater than 1,800 are highly concentrated (no lower bands are named).
GUIDELINES = {
    "2010": "2010 Horizontal Merger Guidelines (U.S. DOJ and FTC)",
    "2023": "2023 Merger Guidelines (U.S. DOJ and FTC)",
}


class ShareError(ValueError):
    """A list of shares that cannot be used (empty, negative, NaN, over 100%...)."""


def _values(shares) -> list:
    if isinstance(shares, Mapping):
        return list(shares.values())
    if isinstance(shares, pd.Series):
        return shares.tolist()
    if isinstance(shares, (str, bytes)) or not isinstance(shares, Iterable):
        raise ShareError(
            f"shares must be a list of numbers such as [60, 25, 15]; got {type(shares).__name__} {shares!r}"
        )
    return list(shares)


def to_percent(shares, scale: str = "auto", tolerance: float = SUM_TOLERANCE) -> list[float]:
    """Check ``shares`` and return them as percentages (floats, same order).

    ``shares`` is a list (or tuple, pandas Series, numpy array, or a dict
    ``{partner: share}``) of non-negative numbers. ``scale`` says how to read
    them: ``"percent"`` (75.9 means 75.9%), ``"fraction"`` (0.759 means 75.9%),
    or ``"auto"`` (the default): fractions when every share is at most 1,
    otherwise percentages. Pass the scale explicitly when in doubt: in auto
    mode ``[1, 0.5]`` is read as fractions (and rejected, since it sums to 150%).

    Raises :class:`ShareError` for an empty list, a value that is not a
    number, NaN or infinity, a negative share, a share over 100%, or shares
    that add up to more than 100% (plus ``tolerance`` percentage points for
    rounding).

    >>> to_percent([0.5, 0.3, 0.2])
    [50.0, 30.0, 20.0]
    """
    return _read(shares, scale, tolerance)[0]


def _read(shares, scale: str, tolerance: float) -> tuple[list[float], float]:
    """Validate ``shares``; return (percentages, factor that turned the input into percent)."""
    if not isinstance(scale, str) or scale not in SCALES:
        raise ShareError(f"scale must be one of {', '.join(map(repr, SCALES))}; got {scale!r}")
    if (
        isinstance(tolerance, bool)
        or not isinstance(tolerance, Real)
        or not math.isfinite(float(tolerance))
        or not 0 <= tolerance <= MAX_TOLERANCE
    ):
        raise ShareError(
            f"tolerance must be a number of percentage points from 0 to {MAX_TOLERANCE:g} "
            f"(for rounding; default {SUM_TOLERANCE}); got {tolerance!r}"
        )
    values = _values(shares)
    if not values:
        raise ShareError("no shares given: the list is empty. Give at least one partner's share, e.g. [75.9].")
    numbers = []
    for i, value in enumerate(values, start=1):
        if isinstance(value, bool) or not isinstance(value, Real):
            raise ShareError(f"share {i} ({value!r}) is not a number; shares must be numbers such as 75.9 or 0.759")
        value = float(value)
        if math.isnan(value):
            raise ShareError(
                f"share {i} is NaN (a missing value). Drop that partner or fill in its share before computing."
            )
        if math.isinf(value):
            raise ShareError(f"share {i} is infinite; shares must be between 0 and 100%.")
        if value < 0:
            raise ShareError(f"share {i} is negative ({value:g}); a trade share must be between 0 and 100%.")
        numbers.append(value)

    if scale == "auto":
        scale = "fraction" if max(numbers) <= 1 else "percent"
    factor = 100.0 if scale == "fraction" else 1.0
    unit = "" if scale == "percent" else " (read as fractions)"
    for i, value in enumerate(numbers, start=1):
        if value * factor > 100:
            hint = " Fractions must be at most 1." if scale == "fraction" else ""
            raise ShareError(
                f"share {i} is {value:g}{unit}, more than 100%: no partner can take more than all of the trade.{hint}"
            )
    percent = [value * factor for value in numbers]
    total = sum(percent)
    if total > 100 + tolerance:
        hint = " If you meant percentages, pass scale='percent'." if scale == "fraction" and max(numbers) <= 1 else ""
        raise ShareError(
            f"the shares add up to {total:.1f}%{unit}, more than 100%: "
            f"check for a partner counted twice or a typo.{hint}"
        )
    return percent, factor


def hhi(shares, scale: str = "auto", partial: bool = False, tolerance: float = SUM_TOLERANCE) -> float:
    """Herfindahl-Hirschman Index: the sum of squared percentage shares.

    The result runs from near 0 (trade spread over very many small partners)
    to 10,000 (a single partner takes 100%). ``shares`` and ``scale`` are read
    as in :func:`to_percent`.

    The shares should cover all partners, i.e. add up to 100% (within
    ``tolerance`` percentage points for rounding). When they add up to less,
    the index is not known exactly and :class:`ShareError` says so; pass
    ``partial=True`` to get the sum of squares of the listed shares anyway
    (which is the *lower bound* of the true index, see :func:`hhi_bounds`).

    >>> hhi([50, 30, 20])
    3800.0
    >>> hhi([0.5, 0.5])
    5000.0
    """
    percent = to_percent(shares, scale=scale, tolerance=tolerance)
    total = sum(percent)
    if not partial and total < 100 - tolerance:
        raise ShareError(
            f"the shares add up to {total:.1f}%, not 100%: {100 - total:.1f}% of trade is missing, so the index "
            "is not known exactly. Use hhi_bounds(shares) for the range it can take, or hhi(shares, partial=True) "
            "for the sum of squares of the listed shares (the lower bound)."
        )
    return round(sum(p * p for p in percent), 6)


@dataclass(frozen=True)
class Bounds:
    """The range an HHI can take when only some shares are known (all in percent / HHI points)."""

    lower: float
    upper: float
    remainder: float
    cap: float

    def __str__(self) -> str:
        return f"HHI between {self.lower:,.0f} and {self.upper:,.0f} (unknown remainder {self.remainder:.1f}%)"


def hhi_bounds(known, scale: str = "auto", cap: float | None = None, tolerance: float = SUM_TOLERANCE) -> Bounds:
    """Lowest and highest possible HHI when only the top partners' shares are known.

    The known shares add up to ``K`` percent; the unknown remainder
    ``R = 100 - K`` belongs to other partners, none larger than ``cap``
    (default: the smallest known share, which is right when the known partners
    are the top ones). Then:

    - **lower bound** = sum of the known squares. Splitting ``R`` among ever
      more, ever smaller partners adds almost nothing (``n`` equal partners add
      ``R**2 / n``, which tends to 0). The bound is approached, not reached.
    - **upper bound** = known squares + ``n * cap**2 + r**2``, where
      ``n = floor(R / cap)`` partners take ``cap`` each and one takes the
      rest ``r = R - n * cap``: squares reward lumps, so packing the
      remainder into chunks as large as allowed gives the largest index.

    ``cap`` is in the same scale as the shares. Raises :class:`ShareError`
    for bad shares, or when the remainder cannot fit (``cap`` is 0 but
    ``R > 0``).

    >>> b = hhi_bounds([50, 20])          # R = 30, cap = 20
    >>> b.lower, b.upper                  # 2500+400 ; + 20**2 + 10**2
    (2900.0, 3400.0)
    """
    percent, factor = _read(known, scale, tolerance)
    if cap is None:
        cap_pct = min(percent)
    else:
        if isinstance(cap, bool) or not isinstance(cap, Real) or math.isnan(float(cap)) or cap < 0:
            raise ShareError(
                f"cap must be a non-negative number (the largest share an unknown partner can have); got {cap!r}"
            )
        cap_pct = min(float(cap) * factor, 100.0)  # no partner takes more than all (an infinite cap means no cap)
    remainder = max(0.0, 100.0 - sum(percent))
    known_squares = sum(p * p for p in percent)
    if remainder < 1e-9:
        return Bounds(round(known_squares, 6), round(known_squares, 6), 0.0, round(cap_pct, 6))
    if cap_pct <= 0:
        raise ShareError(
            f"{remainder:.1f}% of trade is unaccounted for, but no unknown partner may be larger than 0%: "
            "drop the zero shares or give a positive cap."
        )
    # n = floor(R / cap) lumps of cap and a rest r: n * cap**2 = cap * (R - r), with no huge n to count
    rest = math.fmod(remainder, cap_pct)
    if cap_pct - rest < 1e-9:
        rest = 0.0
    upper = known_squares + cap_pct * (remainder - rest) + rest**2
    return Bounds(round(known_squares, 6), round(upper, 6), round(remainder, 6), round(cap_pct, 6))


def classify(value: float, edition: str = "2010") -> str:
    """Read an HHI against the US merger guidelines' thresholds.

    ``edition="2010"`` (2010 Horizontal Merger Guidelines): ``"unconcentrated"``
    below 1,500, ``"moderately concentrated"`` from 1,500 to 2,500,
    ``"highly concentrated"`` above 2,500.
    ``edition="2023"`` (2023 Merger Guidelines): ``"highly concentrated"``
    above 1,800, otherwise ``"not highly concentrated"`` (that edition names no
    lower bands).

    The guidelines were written for firms in a market, not for a country's
    trade partners: using them here is an analogy, a yardstick.
    """
    edition = str(edition)
    if edition not in GUIDELINES:
        raise ShareError(f"edition must be '2010' or '2023'; got {edition!r}")
    if isinstance(value, bool) or not isinstance(value, Real) or math.isnan(float(value)):
        raise ShareError(f"an HHI must be a number between 0 and 10,000; got {value!r}")
    if not 0 <= value <= 10_000 + 1e-6:
        raise ShareError(f"an HHI must be between 0 and 10,000; got {value:g}")
    if edition == "2023":
        return "highly concentrated" if value > 1800 else "not highly concentrated"
    if value < 1500:
        return "unconcentrated"
    if value <= 2500:
        return "moderately concentrated"
    return "highly concentrated"


def scenario(
    us_share_start: float,
    years: int = 10,
    non_us_multiplier: float = 2.0,
    us_decline_pct: float = 0.0,
    start_year: int | None = None,
) -> pd.DataFrame:
    """A stylised model of diversifying exports: the US share year by year.

    Model (an illustration, not a forecast). Start with total exports = 100,
    of which the US takes ``u0 = us_share_start`` (percent) and everyone else
    ``n0 = 100 - u0``. In year ``t`` (0 to ``years``):

    - non-US exports grow at a steady rate that multiplies them by
      ``non_us_multiplier`` after ``years`` years:
      ``n_t = n0 * non_us_multiplier ** (t / years)``;
    - US exports shrink by ``us_decline_pct`` percent a year (0 = flat,
      negative = growth): ``u_t = u0 * (1 - us_decline_pct / 100) ** t``;
    - the US share is ``s_t = 100 * u_t / (u_t + n_t)``.

    The concentration figures treat the US as the largest partner and know
    nothing about how the non-US exports split, so they are bounds
    (:func:`hhi_bounds` with the US share as the only known share):
    ``hhi_lower = s_t ** 2`` (the rest spread over many small partners) and
    ``hhi_upper`` (the rest in lumps as large as the US share; for
    ``s_t >= 50`` that is ``s_t**2 + (100 - s_t)**2``).

    Returns a DataFrame with columns ``year`` (``start_year + t``, or ``t``
    when no start year is given), ``us_exports``, ``non_us_exports`` (indexes,
    start total = 100), ``us_share_pct``, ``hhi_lower``, ``hhi_upper``, all
    rounded to 2 decimals.
    """

    def number(value, low, high) -> bool:
        return (
            not isinstance(value, bool)
            and isinstance(value, Real)
            and math.isfinite(float(value))
            and low(float(value))
            and high(float(value))
        )

    problems = []
    if not number(us_share_start, lambda v: v > 0, lambda v: v < 100):
        problems.append(f"us_share_start must be a percentage between 0 and 100 (e.g. 71.7); got {us_share_start!r}")
    if isinstance(years, bool) or not isinstance(years, Integral) or not 1 <= years <= MAX_YEARS:
        problems.append(f"years must be a whole number of years from 1 to {MAX_YEARS}; got {years!r}")
    if not number(non_us_multiplier, lambda v: v >= 1e-6, lambda v: v <= 1e6):
        problems.append(
            f"non_us_multiplier must be a positive number up to a million (2 = doubling); got {non_us_multiplier!r}"
        )
    if not number(us_decline_pct, lambda v: v >= -1000, lambda v: v < 100):
        problems.append(
            f"us_decline_pct must be a yearly percentage below 100 (0 = flat; negative = growth, "
            f"down to -1000); got {us_decline_pct!r}"
        )
    if start_year is not None and (
        isinstance(start_year, bool) or not isinstance(start_year, Integral) or not -9999 <= start_year <= 9999
    ):
        problems.append(f"start_year must be a year such as 2025 (a whole number), or None; got {start_year!r}")
    if problems:
        raise ShareError("; ".join(problems))

    years, u0 = int(years), float(us_share_start)
    n0 = 100.0 - u0
    rows = []
    for t in range(years + 1):
        us = u0 * (1 - float(us_decline_pct) / 100) ** t
        non_us = n0 * float(non_us_multiplier) ** (t / years)
        share = min(100.0, max(0.0, 100 * us / (us + non_us)))
        # a share that has shrunk to nothing leaves nothing to bound (the limit of both bounds is 0)
        bounds = hhi_bounds([share], scale="percent") if share > 0 else Bounds(0.0, 0.0, 100.0, 0.0)
        rows.append(
            {
                "year": (int(start_year) + t) if start_year is not None else t,
                "us_exports": us,
                "non_us_exports": non_us,
                "us_share_pct": share,
                "hhi_lower": bounds.lower,
                "hhi_upper": bounds.upper,
            }
        )
    return pd.DataFrame(rows).round(2)


def decline_to_reach(hhi_floor: float, us_share_start: float, years: int = 10, non_us_multiplier: float = 2.0) -> float:
    """The yearly US decline (percent) at which :func:`scenario`'s lower HHI bound ends at ``hhi_floor``.

    The lower bound is the US share squared, so it ends at ``hhi_floor`` when
    the final share is ``s = sqrt(hhi_floor)``, that is when
    ``u0 * (1 - d) ** years / (n0 * non_us_multiplier) = s / (100 - s)``.
    Solving for ``d``: ``d = 1 - (s / (100 - s) * n0 * non_us_multiplier / u0) ** (1 / years)``.
    A negative result means US exports could even grow.

    >>> round(decline_to_reach(2500, 71.7), 2)
    2.34
    """

    def number(value) -> bool:
        return isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(value)

    if not (number(hhi_floor) and 0 < hhi_floor < 10_000):
        raise ShareError(f"hhi_floor must be a number between 0 and 10,000; got {hhi_floor!r}")
    if not (number(us_share_start) and 0 < us_share_start < 100):
        raise ShareError(f"us_share_start must be a percentage between 0 and 100; got {us_share_start!r}")
    if not (isinstance(years, Integral) and not isinstance(years, bool) and years >= 1):
        raise ShareError(f"years must be a whole number of years, at least 1; got {years!r}")
    if not (number(non_us_multiplier) and non_us_multiplier > 0):
        raise ShareError(f"non_us_multiplier must be a positive number; got {non_us_multiplier!r}")
    share = math.sqrt(hhi_floor)
    ratio = share / (100 - share) * (100 - us_share_start) * non_us_multiplier / us_share_start
    return 100 * (1 - ratio ** (1 / years))


# ---------------------------------------------------------------------------
# Lesson 03 data and charts. Every figure comes from data/external/ (see its
# README); each row keeps its source and a flag saying how comparable it is.
# ---------------------------------------------------------------------------

#: US share of Canada's goods exports used as scenario starting points.
SCENARIO_STARTS = {
    "2024 (Statistics Canada): 75.9%": (2024, 75.9),
    "2025 (news reports of StatCan): 71.7%": (2025, 71.7),
}


def _external(name: str) -> pd.DataFrame:
    from middlepowers.paths import data_dir

    table = pd.read_csv(data_dir("external", name))
    table.insert(0, "csv_line", range(2, len(table) + 2))  # line number in the file (header = line 1)
    return table


def canada_us_shares() -> pd.DataFrame:
    """The US share of Canada's goods exports and imports, one row per figure.

    Columns: ``period``, ``flow``, ``share_pct``, ``basis`` (how the figure
    was made, so mixed bases are visible), ``source`` (publisher) and
    ``csv_line`` (the line(s) of ``data/external/canada_trade.csv``).

    Annual shares are taken as published (2025 ones from news reports of
    Statistics Canada's release, Scotiabank's import share is rounded).
    Monthly October and February shares are computed here as US value /
    total from StatCan's balance-of-payments table; December shares are as
    reported by Argus Media.
    """
    trade = _external("canada_trade.csv")
    rows = []
    annual = trade[(trade["period"] == "annual") & trade["share_pct"].notna()]
    for r in annual.itertuples():
        news = r.source_publisher != "Statistics Canada"
        rows.append(
            {
                "period": str(r.year),
                "flow": r.flow,
                "share_pct": float(r.share_pct),
                "basis": "annual, news report of StatCan" if news else "annual, StatCan (basis not stated)",
                "source": r.source_publisher,
                "csv_line": str(r.csv_line),
            }
        )
    december = trade[trade["period"].str.startswith("December") & trade["share_pct"].notna()]
    for r in december.itertuples():
        rows.append(
            {
                "period": f"Dec {r.year}",
                "flow": r.flow,
                "share_pct": float(r.share_pct),
                "basis": "month, news report of StatCan",
                "source": r.source_publisher,
                "csv_line": str(r.csv_line),
            }
        )
    monthly = trade[trade["period"].str.startswith(("October", "February"))]
    for (year, period, flow), group in monthly.groupby(["year", "period", "flow"], sort=False):
        us = group[group["partner"] == "United States"].iloc[0]
        total = group[group["partner"] == "Total (all countries)"].iloc[0]
        rows.append(
            {
                "period": f"{period.split()[0][:3]} {year}",
                "flow": flow,
                "share_pct": round(100 * us.value_cad_billion / total.value_cad_billion, 1),
                "basis": "month, StatCan BoP table, computed here",
                "source": "Statistics Canada",
                "csv_line": f"{us.csv_line}/{total.csv_line}",
            }
        )
    order = {
        "2024": 0,
        "2025": 1,
        "Oct 2024": 2,
        "Dec 2024": 3,
        "Feb 2025": 4,
        "Oct 2025": 5,
        "Dec 2025": 6,
        "Feb 2026": 7,
    }
    table = pd.DataFrame(rows)
    table["_order"] = table["period"].map(lambda p: order.get(p, 99))
    return table.sort_values(["_order", "flow"]).drop(columns="_order").reset_index(drop=True)


def us_dependence() -> pd.DataFrame:
    """Share of goods exports going to the US and to China, by country (gaps dropped).

    Columns: ``country``, ``year``, ``partner``, ``share_pct`` (the source's
    own share when it reports one, else value / total computed in the file),
    ``kind`` (``reported`` or ``computed``), ``comparable`` (False for
    Australia's goods-and-services, financial-year figures), ``source``,
    ``csv_line`` (in ``data/external/us_export_dependence.csv``).
    For Germany 2024 only the computed share exists (total rounded); the
    reported 2023 share (9.9%) is kept too.
    """
    dep = _external("us_export_dependence.csv")
    dep["kind"] = dep["share_pct_reported"].notna().map({True: "reported", False: "computed"})
    dep["share_pct"] = dep["share_pct_reported"].fillna(dep["share_pct_computed"])
    dep = dep[dep["share_pct"].notna()].copy()
    dep["comparable"] = ~dep["trade_scope"].str.contains("services", case=False)
    dep = dep.rename(columns={"source_publisher": "source"})
    columns = ["country", "year", "partner", "share_pct", "kind", "comparable", "trade_scope", "source", "csv_line"]
    return dep[columns].sort_values(["country", "partner", "year"]).reset_index(drop=True)


def defence_spending(countries=("CAN", "USA", "GBR", "DEU", "JPN", "AUS")) -> pd.DataFrame:
    """Military expenditure as % of GDP, 2024 (SIPRI, via ``country_indicators.csv``), sorted high to low."""
    ind = _external("country_indicators.csv")
    mil = ind[(ind["indicator"] == "military_expenditure_pct_gdp") & ind["iso3"].isin(countries)]
    mil = mil.rename(columns={"value": "pct_gdp", "source_publisher": "source"})
    return (
        mil[["iso3", "country", "year", "pct_gdp", "source", "csv_line"]]
        .sort_values("pct_gdp", ascending=False)
        .reset_index(drop=True)
    )


def nato_targets() -> pd.DataFrame:
    """NATO's 2% guideline and the June 2025 5%-by-2035 pledge (``data/lessons/03/nato_targets.csv``)."""
    from middlepowers.paths import data_dir

    return pd.read_csv(data_dir("lessons", "03", "nato_targets.csv"))


# -- charts ------------------------------------------------------------------


@chart
def plot_canada_shares(table: pd.DataFrame):
    """Horizontal bars: the US share of Canada's exports and imports, each bar labelled with its basis."""
    from middlepowers.figures import PALETTE, new_figure

    fig, ax = new_figure(8, 4.8)
    table = table.iloc[::-1].reset_index(drop=True)
    colours = {"exports": PALETTE[0], "imports": PALETTE[1]}
    hatches = {
        "annual, StatCan (basis not stated)": "",
        "annual, news report of StatCan": "//",
        "month, news report of StatCan": "//",
        "month, StatCan BoP table, computed here": "..",
    }
    for i, r in table.iterrows():
        ax.barh(i, r.share_pct, color=colours[r.flow], hatch=hatches[r.basis], edgecolor="white")
        rounded = r.source != "Statistics Canada" and float(r.share_pct).is_integer()  # e.g. Scotiabank's "59%"
        label = f"{r.share_pct:.0f}% (rounded)" if rounded else f"{r.share_pct:.1f}%"
        ax.text(r.share_pct + 0.8, i, label, va="center", fontsize=8)
    ax.set_yticks(range(len(table)), [f"{p} {f}" for p, f in zip(table.period, table.flow)], fontsize=8)
    ax.set_xlim(0, 100)
    ax.set_xlabel("US share of Canada's goods trade (%)")
    ax.set_ylabel("period and flow")
    ax.set_title("How much of Canada's goods trade is with the US?")
    from matplotlib.patches import Patch

    legend = [
        Patch(color=colours["exports"], label="exports"),
        Patch(color=colours["imports"], label="imports"),
        Patch(facecolor="white", edgecolor="grey", hatch="//", label="secondary report of StatCan"),
        Patch(facecolor="white", edgecolor="grey", hatch="..", label="monthly BoP, computed here"),
    ]
    ax.legend(handles=legend, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    fig.tight_layout()  # show() puts the source in a caption under the image
    return fig


@chart
def plot_dependence(table: pd.DataFrame):
    """Grouped bars: share of goods exports to the US and to China; non-comparable bars hatched and starred."""
    from matplotlib.patches import Patch

    from middlepowers.figures import PALETTE, new_figure

    short = {"Korea, Rep.": "Korea", "United Kingdom": "UK"}
    fig, ax = new_figure(8, 4.2)
    labels = sorted({(c, str(y)) for c, y in zip(table.country, table.year)})
    for j, partner in enumerate(["United States", "China"]):
        for i, (country, year) in enumerate(labels):
            row = table[(table.country == country) & (table.year.astype(str) == year) & (table.partner == partner)]
            if row.empty:
                continue
            r = row.iloc[0]
            x = i + (j - 0.5) * 0.4
            ax.bar(x, r.share_pct, width=0.4, color=PALETTE[j], hatch="" if r.comparable else "//", edgecolor="white")
            mark = ("" if r.comparable else "*") + ("" if r.kind == "reported" else "c")
            ax.text(x, r.share_pct + 1, f"{r.share_pct:.1f}{mark}", ha="center", fontsize=7)
    ax.set_xticks(range(len(labels)), [f"{short.get(c, c)}\n{y}" for c, y in labels], fontsize=8)
    ax.set_ylabel("share of the country's exports (%)")
    ax.set_xlabel("exporting country and year (c = computed from value/total; * = goods and services, fiscal year)")
    ax.set_title("Share of exports going to the US and to China")
    legend = [
        Patch(color=PALETTE[0], label="to the United States"),
        Patch(color=PALETTE[1], label="to China"),
        Patch(facecolor="white", edgecolor="grey", hatch="//", label="not comparable (mixed bases)"),
    ]
    ax.legend(handles=legend, fontsize=8)
    fig.tight_layout()  # fits the two-line tick labels and the x label inside the figure
    return fig


@chart
def plot_defence(table: pd.DataFrame, targets: pd.DataFrame):
    """Bars of military spending (% of GDP) with NATO's guideline and pledge as reference lines."""
    from middlepowers.figures import PALETTE, new_figure

    fig, ax = new_figure(7.5, 4)
    colours = [PALETTE[5] if iso == "CAN" else PALETTE[0] for iso in table.iso3]
    short = {"United States": "US", "United Kingdom": "UK"}
    ax.bar([short.get(c, c) for c in table.country], table.pct_gdp, color=colours)
    for i, v in enumerate(table.pct_gdp):
        ax.text(i, 0.12, f"{v:.2f}%", ha="center", va="bottom", fontsize=8, color="white", fontweight="bold")
    for k, t in enumerate(targets.itertuples()):
        ax.axhline(t.pct_gdp, color=PALETTE[7], linestyle=["--", ":"][k % 2], linewidth=1)
        ax.text(len(table) - 0.5, t.pct_gdp + 0.08, t.label, ha="right", fontsize=8)
    ax.set_ylim(0, max(targets.pct_gdp.max(), table.pct_gdp.max()) + 0.7)
    ax.set_ylabel("military expenditure, % of GDP (2024)")
    ax.set_xlabel("country (Japan and Australia are not NATO members)")
    ax.set_title("Defence spending against NATO's 2% guideline and 5% pledge")
    fig.tight_layout()
    return fig


@chart
def plot_scenario(table: pd.DataFrame, title: str = "Stylised model: doubling non-US exports"):
    """Two panels: the US share over the years, and the HHI bounds with the guidelines' thresholds."""
    from middlepowers.figures import PALETTE, new_figure

    fig, (left, right) = new_figure(9, 3.8, ncols=2)
    left.plot(table.year, table.us_share_pct, marker="o", color=PALETTE[0])
    left.set_ylim(0, 100)
    left.set_xlabel("year")
    left.set_ylabel("US share of exports (%)")
    left.set_title("US share of Canada's exports")
    right.fill_between(
        table.year, table.hhi_lower, table.hhi_upper, color=PALETTE[4], alpha=0.5, label="possible HHI (bounds)"
    )
    right.plot(table.year, table.hhi_lower, color=PALETTE[0], label="lower bound = US share squared")
    right.axhline(2500, color=PALETTE[7], linestyle="--", linewidth=1, label="2010 guidelines: highly > 2,500")
    right.axhline(1800, color=PALETTE[5], linestyle=":", linewidth=1.5, label="2023 guidelines: highly > 1,800")
    right.set_ylim(0, 10_000)
    right.set_xlabel("year")
    right.set_ylabel("HHI (0-10,000)")
    right.set_title("Concentration of export partners")
    right.legend(fontsize=7, loc="upper right")
    fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    return fig


def describe_scenario(table: pd.DataFrame) -> str:
    """One plain sentence on where the scenario ends (deterministic text)."""
    first, last = table.iloc[0], table.iloc[-1]
    return (
        f"Stylised model: from {first.us_share_pct:.1f}% in {int(first.year)}, the US share reaches "
        f"{last.us_share_pct:.1f}% in {int(last.year)}; the HHI is then between {last.hhi_lower:,.0f} and "
        f"{last.hhi_upper:,.0f}, 'highly concentrated' under the 2010 guidelines (> 2,500) and the 2023 "
        f"guidelines (> 1,800) even at its lower bound."
        if last.hhi_lower > 2500
        else f"Stylised model: from {first.us_share_pct:.1f}% in {int(first.year)}, the US share reaches "
        f"{last.us_share_pct:.1f}% in {int(last.year)}; the HHI is then between {last.hhi_lower:,.0f} and "
        f"{last.hhi_upper:,.0f} (lower bound: {classify(last.hhi_lower, '2010')} under the 2010 guidelines, "
        f"{classify(last.hhi_lower, '2023')} under the 2023 guidelines)."
    )


class ScenarioExplorer(widgets.VBox):
    """A number box (US decline per year) and a start-year menu over :func:`scenario`, with a chart that updates.

    The decline is a labelled number box (arrow keys step it by 0.5), not a
    slider: ipywidgets' slider handle has no accessible name (axe:
    aria-input-field-name), while its number box is a ``<label for>``-named input.

    The chart is an HTML ``<img>`` with alt text inside the widget (no Output
    widget, so nothing is printed while the cell runs); the plain-text repr is
    the current :func:`describe_scenario` sentence, deterministic for nbval.
    """

    def __init__(self, us_decline_pct: float = 0.0, start: str = "2025 (news reports of StatCan): 71.7%"):
        from middlepowers.ui import make, shared

        initial = {"description_width": "initial"}
        self.start = make(
            widgets.Dropdown,
            options=list(SCENARIO_STARTS),
            value=start,
            description="Start:",
            style=initial,
            layout={"width": "auto"},
        )
        self.decline = make(
            widgets.BoundedFloatText,
            value=us_decline_pct,
            min=0,
            max=10,
            step=0.5,
            description="US exports shrink by (% a year, 0 to 10):",
            style=initial,
            layout={"width": "340px"},
        )
        self._lock = threading.Lock()
        self.chart = make(widgets.HTML)
        self.text = make(widgets.HTML)
        super().__init__([self.start, self.decline, self.chart, self.text], layout=shared(widgets.Layout))
        self.add_class("mp-scenario")
        self.start.observe(lambda _change: self.update(), names="value")
        self.decline.observe(lambda _change: self.update(), names="value")
        self.update()

    def table(self) -> pd.DataFrame:
        year, share = SCENARIO_STARTS[self.start.value]
        return scenario(share, years=10, us_decline_pct=self.decline.value, start_year=year)

    def update(self) -> str:
        """Redraw the chart and the sentence for the current controls; return the sentence."""
        with self._lock:  # value events can arrive while a chart is still being drawn
            return self._update()

    def _update(self) -> str:
        import html

        from middlepowers.figures import render

        table = self.table()
        self.sentence = describe_scenario(table)
        fig = plot_scenario(
            table, f"Stylised model: non-US exports double, US exports shrink {self.decline.value:.1f}% a year"
        )
        self.chart.value = render(fig, alt=self.sentence)["text/html"]
        self.text.value = f"<p>{html.escape(self.sentence)}</p>"
        return self.sentence

    def _repr_mimebundle_(self, **kwargs):
        # ipywidgets cuts a widget's plain-text repr at 110 characters; the whole sentence is the fallback
        data = super()._repr_mimebundle_(**kwargs)
        if data is not None:
            data["text/plain"] = self.sentence
        return data


_errors.guard(ShareError, globals())  # every public function: only clear errors escape
