"""Unit tests for middlepowers.concentration, against values computed by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from middlepowers import concentration
from middlepowers.concentration import ShareError, classify, hhi, hhi_bounds, scenario, to_percent

# --- hhi: hand-computed values -------------------------------------------------------------


@pytest.mark.parametrize(
    "shares, expected",
    [
        ([50, 30, 20], 3800.0),  # 2500 + 900 + 400
        ([0.5, 0.3, 0.2], 3800.0),  # same, as fractions
        ([100], 10_000.0),  # one partner takes everything
        ([1], 10_000.0),  # auto: 1 is read as the fraction 100%
        ([25, 25, 25, 25], 2500.0),  # 4 * 625
        ([10] * 10, 1000.0),  # 10 * 100
        ([75.9, 24.1], 6341.62),  # 5760.81 + 580.81
        ([33.3, 33.3, 33.3], 3326.67),  # sums to 99.9 (rounded shares): accepted; 3 * 1108.89
        ([60, 25, 15.3], 4459.09),  # sums to 100.3, within the rounding tolerance: 3600 + 625 + 234.09
    ],
)
def test_hhi_hand_computed(shares, expected):
    assert hhi(shares) == pytest.approx(expected, abs=1e-6)


def test_hhi_accepts_series_arrays_and_dicts():
    assert hhi(pd.Series([0.5, 0.5])) == 5000.0
    assert hhi(np.array([50.0, 50.0])) == 5000.0
    assert hhi({"United States": 60, "China": 40}) == 5200.0
    assert hhi((np.int64(70), np.int64(30))) == 5800.0


def test_scale_argument_overrides_detection():
    # [0.5, 0.5] read as percentages is 1% of trade: not complete, but partial gives 0.5.
    assert hhi([0.5, 0.5], scale="percent", partial=True) == pytest.approx(0.5)
    assert hhi([50, 50], scale="percent") == 5000.0
    assert hhi([0.2, 0.8], scale="fraction") == pytest.approx(6800.0)
    with pytest.raises(ShareError, match="more than 100%.*Fractions must be at most 1"):
        hhi([50, 50], scale="fraction")


def test_hhi_partial_gives_the_sum_of_known_squares():
    assert hhi([50, 30], partial=True) == 3400.0
    assert hhi([75.9], partial=True) == pytest.approx(5760.81)


def test_to_percent_converts_and_keeps_order():
    assert to_percent([0.1, 0.6, 0.3]) == pytest.approx([10, 60, 30])
    assert to_percent([10, 60, 30]) == [10.0, 60.0, 30.0]


# --- bad input: clear messages -------------------------------------------------------------


@pytest.mark.parametrize(
    "shares, message",
    [
        ([], "empty"),
        ([float("nan"), 50], "share 1 is NaN"),
        ([50, -5, 30], "share 2 is negative"),
        ([120], "share 1 is 120, more than 100%"),
        ([60, 50], "add up to 110.0%, more than 100%"),
        ([0.6, 0.5], r"add up to 110.0% \(read as fractions\).*scale='percent'"),
        ([50, "30", 20], "share 2 .*'30'.* is not a number"),
        ([None], "not a number"),
        ([True, False], "not a number"),
        ([math.inf], "infinite"),
        ("75.9", "must be a list of numbers"),
        (75.9, "must be a list of numbers"),
    ],
)
def test_bad_shares_get_clear_messages(shares, message):
    with pytest.raises(ShareError, match=message):
        hhi(shares)


def test_shares_below_100_are_refused_unless_partial():
    with pytest.raises(ShareError, match=r"add up to 80.0%, not 100%: 20.0% of trade is missing.*hhi_bounds"):
        hhi([50, 30])


def test_share_error_is_a_value_error_and_bad_scale_is_named():
    assert issubclass(ShareError, ValueError)
    with pytest.raises(ShareError, match="scale must be one of"):
        hhi([100], scale="percentage")


# --- bounds when only the top partners are known -------------------------------------------


@pytest.mark.parametrize(
    "known, kwargs, lower, upper, remainder",
    [
        ([50, 20], {}, 2900, 3400, 30),  # cap 20: one chunk of 20 + 10 -> 400 + 100
        ([40, 30, 20], {}, 2900, 3000, 10),  # remainder 10 < cap 20: one partner of 10
        ([30, 30], {}, 1800, 2800, 40),  # one chunk of 30 + 10 -> 900 + 100
        ([50, 25], {}, 3125, 3750, 25),  # exactly one chunk of 25
        ([75.9], {}, 5760.81, 6341.62, 24.1),  # Canada 2024, US share only: 24.1 < 75.9 -> one lump
        ([71.7], {}, 5140.89, 5941.78, 28.3),  # Canada 2025 (news reports of StatCan)
        ([60], {"cap": 15}, 3600, 4150, 40),  # 2 * 225 + 10**2
        ([0.6], {"cap": 0.15}, 3600, 4150, 40),  # the same in fractions: cap in the shares' scale
        ([0.5, 0.1], {}, 2600, 3000, 40),  # 4 chunks of 10
        ([60, 40], {}, 5200, 5200, 0),  # complete: both bounds are the HHI
        ([25], {}, 625, 2500, 75),  # 3 chunks of 25
    ],
)
def test_bounds_hand_computed(known, kwargs, lower, upper, remainder):
    b = hhi_bounds(known, **kwargs)
    assert b.lower == pytest.approx(lower)
    assert b.upper == pytest.approx(upper)
    assert b.remainder == pytest.approx(remainder)


def test_bounds_str_reads_well():
    assert str(hhi_bounds([50, 20])) == "HHI between 2,900 and 3,400 (unknown remainder 30.0%)"


def test_bounds_refuse_a_zero_cap_with_a_remainder():
    with pytest.raises(ShareError, match="30.0% of trade is unaccounted for"):
        hhi_bounds([70, 0])
    with pytest.raises(ShareError, match="cap must be a non-negative number"):
        hhi_bounds([70], cap=-1)
    with pytest.raises(ShareError, match="empty"):
        hhi_bounds([])


@st.composite
def known_and_completion(draw):
    """Top-k shares (descending) plus one way of splitting the remainder among smaller partners."""
    known = draw(st.lists(st.integers(1, 60), min_size=1, max_size=4))
    known = sorted(known, reverse=True)
    if sum(known) > 100:
        known = [100]
    remainder = 100 - sum(known)
    cap = min(known)
    pieces = []
    while remainder > 0:
        piece = draw(st.integers(1, min(cap, remainder)))
        pieces.append(piece)
        remainder -= piece
    return known, pieces


@settings(max_examples=200, deadline=None)
@given(known_and_completion())
def test_every_completion_lies_within_the_bounds(case):
    known, pieces = case
    b = hhi_bounds(known, scale="percent")  # explicit: [1, ...] would be read as fractions
    full = hhi(known + pieces, scale="percent")
    assert b.lower <= full + 1e-6
    assert full <= b.upper + 1e-6


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 99), st.integers(1, 99))
def test_the_upper_bound_is_attained_by_packing(top, cap):
    cap = min(cap, top)
    rest = 100 - top
    pieces = [cap] * (rest // cap) + ([rest % cap] if rest % cap else [])
    bound = hhi_bounds([top], cap=cap, scale="percent").upper
    assert bound == pytest.approx(hhi([top] + pieces, scale="percent"))


def test_the_lower_bound_is_approached_by_many_small_partners():
    b = hhi_bounds([50])
    for n in (10, 100, 1000):
        assert hhi([50] + [50 / n] * n) == pytest.approx(b.lower + 2500 / n)


# --- merger-guideline thresholds -----------------------------------------------------------


@pytest.mark.parametrize(
    "value, edition, label",
    [
        (1499.99, "2010", "unconcentrated"),
        (1500, "2010", "moderately concentrated"),
        (2500, "2010", "moderately concentrated"),
        (2500.01, "2010", "highly concentrated"),
        (1800, "2023", "not highly concentrated"),
        (1800.01, "2023", "highly concentrated"),
        (2000, "2010", "moderately concentrated"),  # where the two editions disagree
        (2000, "2023", "highly concentrated"),
        (2000, 2023, "highly concentrated"),  # an int edition is accepted
    ],
)
def test_classify(value, edition, label):
    assert classify(value, edition) == label


def test_classify_bad_input():
    with pytest.raises(ValueError, match="edition must be '2010' or '2023'"):
        classify(2000, "1992")
    with pytest.raises(ValueError, match="between 0 and 10,000"):
        classify(12_000)
    with pytest.raises(ValueError, match="must be a number"):
        classify(float("nan"))


# --- the stylised diversification scenario ------------------------------------------------


def test_scenario_flat_us_exports_hand_computed():
    df = scenario(75.9)
    assert list(df.columns) == ["year", "us_exports", "non_us_exports", "us_share_pct", "hhi_lower", "hhi_upper"]
    assert len(df) == 11 and df["year"].tolist() == list(range(11))
    first, last = df.iloc[0], df.iloc[-1]
    assert first["us_share_pct"] == 75.9 and first["hhi_lower"] == 5760.81 and first["hhi_upper"] == 6341.62
    # 75.9 / (75.9 + 2 * 24.1) = 75.9 / 124.1
    assert last["non_us_exports"] == 48.2
    assert last["us_share_pct"] == pytest.approx(61.16, abs=0.005)
    assert last["hhi_lower"] == pytest.approx((100 * 75.9 / 124.1) ** 2, abs=0.005)
    # s >= 50: the upper bound is s^2 + (100 - s)^2
    s = 100 * 75.9 / 124.1
    assert last["hhi_upper"] == pytest.approx(s**2 + (100 - s) ** 2, abs=0.005)


def test_scenario_shrinking_us_exports_hand_computed():
    last = scenario(75.9, us_decline_pct=2).iloc[-1]
    # 0.98**10 = 0.8170728; 75.9 * that = 62.0158; share = 62.0158 / 110.2158
    assert last["us_exports"] == pytest.approx(62.02, abs=0.005)
    assert last["us_share_pct"] == pytest.approx(56.27, abs=0.005)


def test_scenario_midpoint_and_years():
    df = scenario(71.7, start_year=2025)
    assert df["year"].iloc[0] == 2025 and df["year"].iloc[-1] == 2035
    # half-way, non-US exports have grown by sqrt(2): 28.3 * 1.41421 = 40.02
    assert df.loc[df["year"] == 2030, "non_us_exports"].item() == pytest.approx(40.02, abs=0.005)
    assert df["us_share_pct"].iloc[-1] == pytest.approx(55.88, abs=0.005)  # 71.7 / 128.3


def test_scenario_without_change_stays_put():
    df = scenario(60, years=5, non_us_multiplier=1, us_decline_pct=0)
    assert (df["us_share_pct"] == 60).all() and (df["hhi_lower"] == 3600).all()


def test_scenario_us_share_falls_monotonically_when_diversifying():
    df = scenario(75.9, us_decline_pct=3)
    assert df["us_share_pct"].is_monotonic_decreasing


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"us_share_start": 120}, "us_share_start must be a percentage between 0 and 100"),
        ({"us_share_start": float("nan")}, "us_share_start"),
        ({"us_share_start": 70, "years": 0}, "years must be a whole number"),
        ({"us_share_start": 70, "years": 2.5}, "years must be a whole number"),
        ({"us_share_start": 70, "non_us_multiplier": -2}, "non_us_multiplier must be a positive number"),
        ({"us_share_start": 70, "us_decline_pct": 100}, "us_decline_pct must be a yearly percentage below 100"),
        ({"us_share_start": 70, "us_decline_pct": float("nan")}, "us_decline_pct"),
    ],
)
def test_scenario_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        scenario(**kwargs)


# --- lesson data and charts ---------------------------------------------------------------

from middlepowers.concentration import (  # noqa: E402
    ScenarioExplorer,
    canada_us_shares,
    defence_spending,
    describe_scenario,
    nato_targets,
    plot_canada_shares,
    plot_defence,
    plot_dependence,
    plot_scenario,
    us_dependence,
)
from middlepowers.figures import check as figure_problems  # noqa: E402


def test_canada_us_shares_keep_sources_and_bases():
    t = canada_us_shares()
    got = {(r.period, r.flow): r.share_pct for r in t.itertuples()}
    assert got[("2024", "exports")] == 75.9 and got[("2025", "exports")] == 71.7
    assert got[("Oct 2025", "exports")] == 67.3  # 44.126 / 65.607, computed from StatCan's BoP table
    assert got[("Feb 2026", "exports")] == 66.4  # 44.046 / 66.311
    row_2025 = t[(t.period == "2025") & (t.flow == "exports")].iloc[0]
    assert row_2025.basis == "annual, news report of StatCan" and row_2025.csv_line == "10"
    assert t.basis.nunique() == 4  # mixed bases are kept visible, not merged


def test_us_dependence_flags_australia_and_drops_gaps():
    t = us_dependence()
    assert not t.share_pct.isna().any()
    aus = t[t.country == "Australia"]
    assert (~aus.comparable).all() and (t[t.country != "Australia"].comparable).all()
    japan = t[(t.country == "Japan") & (t.partner == "United States")].iloc[0]
    assert japan.share_pct == 19.9 and japan.kind == "reported"
    assert "Mexico" not in set(t.country)


def test_defence_and_nato_targets():
    d = defence_spending()
    assert d.set_index("iso3").loc["CAN", "pct_gdp"] == 1.31
    assert d.pct_gdp.is_monotonic_decreasing
    assert nato_targets().pct_gdp.tolist() == [2.0, 5.0]


def test_charts_are_titled_and_labelled():
    import matplotlib.pyplot as plt

    for fig in (
        plot_canada_shares(canada_us_shares()),
        plot_dependence(us_dependence()),
        plot_defence(defence_spending(), nato_targets()),
        plot_scenario(scenario(71.7, start_year=2025)),
    ):
        assert figure_problems(fig) == []
        plt.close(fig)


def test_describe_scenario_reads_the_last_year():
    text = describe_scenario(scenario(71.7, start_year=2025))
    assert text.startswith("Stylised model: from 71.7% in 2025, the US share reaches 55.9% in 2035")
    assert "between 3,123 and 5,069" in text
    text = describe_scenario(scenario(71.7, start_year=2025, us_decline_pct=3))
    assert "moderately concentrated under the 2010 guidelines, highly concentrated under the 2023" in text


def test_explorer_updates_on_change_and_has_a_text_repr():
    explorer = ScenarioExplorer()
    first = explorer._repr_mimebundle_()["text/plain"]
    assert "55.9% in 2035" in first and 'alt="Stylised model' in explorer.chart.value
    explorer.decline.value = 3.0
    assert "48.3% in 2035" in explorer._repr_mimebundle_()["text/plain"]
    explorer.start.value = "2024 (Statistics Canada): 75.9%"
    assert explorer.sentence.startswith("Stylised model: from 75.9% in 2024")


def _dark_pixels(chart_html: str) -> int:
    import base64
    import io

    from PIL import Image

    data = base64.b64decode(chart_html.split("base64,", 1)[1].split('"', 1)[0])
    image = Image.open(io.BytesIO(data)).convert("L")
    return sum(1 for v in image.tobytes() if v < 200)


def test_explorer_chart_is_drawn_even_when_events_overlap():
    # In a real kernel, slider events once produced blank charts (pyplot's shared state);
    # the explorer now draws on private Figures under a lock. Fire updates from threads at once.
    import threading

    explorer = ScenarioExplorer()
    threads = [threading.Thread(target=explorer.update) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert _dark_pixels(explorer.chart.value) > 5000  # axes, lines, labels: a blank chart has ~100


def test_decline_to_reach_ends_the_scenario_on_the_threshold():
    # the lesson's claims: from 71.7%, the lower bound falls under 2,500 beyond
    # about 2.3% a year and under 1,800 beyond about 5.3% a year
    for floor, rate in ((2500, 2.3), (1800, 5.3)):
        d = concentration.decline_to_reach(floor, 71.7)
        assert round(d, 1) == rate
        end = concentration.scenario(71.7, us_decline_pct=d).hhi_lower.iloc[-1]
        assert abs(end - floor) < 0.01
    # a floor already met with flat US exports gives a negative decline (growth is allowed)
    assert concentration.decline_to_reach(5000, 71.7) < 0


@pytest.mark.parametrize("floor, start", [(0, 71.7), (10_000, 71.7), (2500, 0), (2500, 100)])
def test_decline_to_reach_rejects_impossible_inputs(floor, start):
    with pytest.raises(ValueError):
        concentration.decline_to_reach(floor, start)
