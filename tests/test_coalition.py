"""Unit tests for middlepowers.coalition (lesson 01).

Agreement statistics are checked against values worked out by hand (shown in
the comments) and against the worked example of Cohen's kappa found in
textbooks and on Wikipedia (50 items, 20/5/10/15 -> p_o 0.70, p_e 0.50,
kappa 0.40). Coalition sums are checked against the CSV rows themselves and
against hand-added literals.
"""

from __future__ import annotations

import csv
import math

import pandas as pd
import pytest

from middlepowers import coalition as co
from middlepowers.coalition import CoalitionError
from middlepowers.paths import data_dir

# --- percent agreement and kappa -------------------------------------------------


def test_textbook_two_by_two_example():
    # A yes / B yes 20, A yes / B no 5, A no / B yes 10, both no 15 (n = 50).
    a = ["yes"] * 25 + ["no"] * 25
    b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert co.percent_agreement(a, b) == pytest.approx(70.0)
    # p_e = 0.5*0.6 + 0.5*0.4 = 0.5 ; kappa = (0.7 - 0.5) / 0.5 = 0.4
    assert co.cohen_kappa(a, b) == pytest.approx(0.4)


def test_three_categories_hand_computed():
    a = ["stage_1"] * 3 + ["stage_2"] * 3 + ["neither"] * 4
    b = ["stage_1", "stage_1", "stage_2", "stage_2", "stage_2", "neither", "neither", "neither", "neither", "stage_1"]
    # 7 of 10 alike; marginals 3/3/4 for both coders: p_e = (9 + 9 + 16) / 100 = 0.34
    assert co.percent_agreement(a, b) == pytest.approx(70.0)
    assert co.cohen_kappa(a, b) == pytest.approx((0.7 - 0.34) / 0.66)  # = 6/11
    assert co.cohen_kappa(a, b) == pytest.approx(6 / 11)


def test_perfect_agreement_and_perfect_disagreement():
    a = ["x", "y", "x", "y"]
    assert co.percent_agreement(a, a) == 100.0
    assert co.cohen_kappa(a, a) == pytest.approx(1.0)
    b = ["y", "x", "y", "x"]
    assert co.percent_agreement(a, b) == 0.0
    assert co.cohen_kappa(a, b) == pytest.approx(-1.0)  # p_o 0, p_e 0.5


def test_kappa_is_symmetric():
    a = ["s1", "s1", "s2", "n", "n", "s2"]
    b = ["s1", "s2", "s2", "n", "s1", "s2"]
    assert co.cohen_kappa(a, b) == pytest.approx(co.cohen_kappa(b, a))


def test_label_used_by_one_coder_only_counts_as_zero_for_the_other():
    a = ["a", "a", "a", "b"]
    b = ["a", "a", "a", "c"]
    # p_o = 0.75 ; p_e = (3*3)/16 (b and c each used by one coder only) ; kappa = 3/7
    assert co.cohen_kappa(a, b) == pytest.approx(3 / 7)


def test_one_coder_with_a_single_category_is_defined():
    # p_o 0.5 ; p_e = 4*2/16 = 0.5 -> kappa 0: no better than chance
    assert co.cohen_kappa(["a"] * 4, ["a", "a", "b", "b"]) == pytest.approx(0.0)


def test_both_coders_one_single_category_is_a_clear_error():
    with pytest.raises(CoalitionError, match="undefined.*'neither'.*percent agreement"):
        co.cohen_kappa(["neither"] * 5, ["neither"] * 5)
    assert co.percent_agreement(["neither"] * 5, ["neither"] * 5) == 100.0


def test_empty_input_is_a_clear_error():
    with pytest.raises(CoalitionError, match="no coded items"):
        co.percent_agreement([], [])
    with pytest.raises(CoalitionError, match="no coded items"):
        co.cohen_kappa({}, {})


def test_mismatched_lengths_name_both_counts():
    with pytest.raises(CoalitionError, match=r"coder A: 3, coder B: 2"):
        co.cohen_kappa(["a", "b", "a"], ["a", "b"])


def test_dicts_pair_by_key_not_order():
    a = {"S07": "stage_1", "S09": "stage_2", "S11": "neither"}
    b = {"S11": "neither", "S07": "stage_1", "S09": "stage_1"}
    assert co.percent_agreement(a, b) == pytest.approx(200 / 3)
    series = pd.Series(b)
    assert co.percent_agreement(a, series) == pytest.approx(200 / 3)


def test_items_coded_by_one_coder_only_are_named():
    a = {"S07": "stage_1", "S09": "stage_2"}
    b = {"S07": "stage_1", "S10": "stage_2"}
    with pytest.raises(CoalitionError, match="coder A only: S09; coded by coder B only: S10"):
        co.cohen_kappa(a, b)


@pytest.mark.parametrize("gap", [None, float("nan"), "", "  "])
def test_missing_label_names_the_item(gap):
    with pytest.raises(CoalitionError, match="coder B left no label for: S09"):
        co.percent_agreement({"S07": "stage_1", "S09": "stage_2"}, {"S07": "stage_1", "S09": gap})


def test_labels_outside_the_codebook_are_reported():
    with pytest.raises(CoalitionError, match=r"coder A used labels outside the codebook.*item 2 \('stage1'\)"):
        co.cohen_kappa(["stage_1", "stage1"], ["stage_1", "stage_2"], categories=co.STAGES)


def test_mixed_or_string_input_is_refused_kindly():
    with pytest.raises(CoalitionError, match="same way"):
        co.percent_agreement({"S07": "a"}, ["a"])
    with pytest.raises(CoalitionError, match="not one string"):
        co.percent_agreement("stage_1", "stage_1")


def test_agreement_table_counts_and_totals():
    a = ["stage_1", "stage_1", "stage_2", "neither"]
    b = ["stage_1", "stage_2", "stage_2", "stage_1"]
    table = co.agreement_table(a, b, categories=co.STAGES)
    assert list(table.index) == ["stage_1", "stage_2", "both", "neither", "total"]
    assert list(table.columns) == ["stage_1", "stage_2", "both", "neither", "total"]
    assert table.loc["stage_1", "stage_1"] == 1
    assert table.loc["stage_1", "stage_2"] == 1
    assert table.loc["neither", "stage_1"] == 1
    assert table.loc["neither", "neither"] == 0
    assert table.loc["total", "total"] == 4
    assert table.loc["total", "stage_1"] == 2


def test_stage_reference_from_themes():
    themes = pd.DataFrame(
        {
            "sentence_id": ["S07", "S07", "S09", "S21", "S22", "S22"],
            "theme": ["stage_1", "rhetoric", "stage_2", "context", "stage_2", "stage_1"],
        }
    )
    ref = co.stage_reference(themes, ["S09", "S07", "S21", "S22", "S01"])
    assert ref.to_dict() == {"S09": "stage_2", "S07": "stage_1", "S21": "neither", "S22": "both", "S01": "neither"}
    with pytest.raises(CoalitionError, match="columns"):
        co.stage_reference(pd.DataFrame({"id": ["S01"]}))


def test_stage_reference_on_the_real_hand_coding():
    themes = pd.read_csv(data_dir("annotations", "sentence_themes.csv"))
    ref = co.stage_reference(themes, ["S07", "S08", "S09", "S10", "S21", "S22", "S23"])
    assert ref.to_dict() == {
        "S07": "stage_1",
        "S08": "stage_1",
        "S09": "stage_2",
        "S10": "stage_2",
        "S21": "neither",
        "S22": "both",
        "S23": "neither",
    }


def test_compare_codes_table_and_summary():
    reference = {"S07": "stage_1", "S09": "stage_2", "S21": "neither", "S22": "both"}
    mine = {"S07": "stage_1", "S09": "stage_2", "S21": "stage_1", "S22": "stage_2"}
    table, summary = co.compare_codes(mine, reference)
    assert list(table.index) == ["S07", "S09", "S21", "S22"]
    assert table["same"].tolist() == ["yes", "yes", "no", "no"]
    # p_o 0.5; mine 2x stage_1 2x stage_2, reference 1 each of four: p_e = (2*1 + 2*1)/16 = 0.25
    assert summary == "2 of 4 sentences alike: percent agreement 50.0%, Cohen's kappa 0.33"
    with pytest.raises(CoalitionError, match="coder A left no label for: S21"):
        co.compare_codes({**mine, "S21": None}, reference)


def test_agreement_report_never_raises_on_student_input():
    reference = {"S07": "stage_1", "S09": "stage_2"}
    empty = co.agreement_report(None, reference)._repr_mimebundle_()
    assert empty["text/plain"].startswith("⚠ No codes to compare yet")
    gap = co.agreement_report({"S07": "stage_1", "S09": None}, reference)._repr_mimebundle_()
    assert gap["text/plain"].startswith("⚠ you left no label for: S09")
    good = co.agreement_report({"S07": "stage_1", "S09": "neither"}, reference)._repr_mimebundle_()
    assert (
        good["text/plain"].splitlines()[0] == "1 of 2 sentences alike: percent agreement 50.0%, Cohen's kappa 0.33"
    )  # p_e = 1/4
    assert "<table" in good["text/html"]


def test_saved_codes_reads_the_last_classify_answer(tmp_path):
    from middlepowers.progress import ProgressStore

    class FakeQuiz:  # only the two attributes saved_codes reads
        notebook = "01-two-stage-program"
        store = ProgressStore(tmp_path / "progress.json")

    quiz = FakeQuiz()
    assert co.saved_codes(quiz, "code-the-stages") is None
    quiz.store.record(quiz.notebook, "code-the-stages", {"S07": "stage_2", "S09": None}, False)
    quiz.store.record(quiz.notebook, "code-the-stages", {"S07": "stage_1", "S09": "stage_2"}, True)
    assert co.saved_codes(quiz, "code-the-stages") == {"S07": "stage_1", "S09": "stage_2"}


# --- memberships -------------------------------------------------------------------


def _csv_rows(name):
    with open(data_dir("external", name), newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_membership_matrix_matches_every_csv_row():
    matrix = co.membership_matrix()
    assert matrix.shape == (15, 10)
    assert list(matrix.columns) == co.GROUP_ORDER
    names = {}
    for row in _csv_rows("memberships.csv"):
        names[row["iso3"]] = row["country"]
        assert matrix.loc[row["country"], row["group"]] == (row["member"] == "yes"), row
    assert list(matrix.index[:5]) == ["Canada", "United Kingdom", "Germany", "Japan", "Australia"]


def test_membership_facts_the_lesson_relies_on():
    matrix = co.membership_matrix()
    assert "European Union" not in matrix.index  # the EU is not a country row
    assert matrix.loc["United Kingdom", "EU"] == 0  # left 31 January 2020
    assert matrix.loc["United Kingdom", "CPTPP"] == 1  # in force December 2024
    assert sorted(matrix.index[matrix["MIKTA"] == 1]) == ["Australia", "Indonesia", "Korea, Rep.", "Mexico", "Turkiye"]
    assert matrix["G20"].all()
    assert co.shared_groups(co.ARTICLE_COALITION) == ["G20", "OECD"]
    assert co.shared_groups(["Canada", "United Kingdom", "Australia"]) == ["G20", "OECD", "CPTPP", "Five Eyes"]


def test_membership_source_names_file_and_publishers():
    line = co.membership_source()
    assert line.startswith("data/external/memberships.csv")
    assert "G7: Global Affairs Canada" in line and "AUKUS: IAEA" in line


def test_membership_matrix_subsets_and_unknowns():
    small = co.membership_matrix(countries=["aus", "Canada"], groups=["Quad", "G7"])
    assert small.to_dict() == {"Quad": {"Australia": 1, "Canada": 0}, "G7": {"Australia": 0, "Canada": 1}}
    with pytest.raises(CoalitionError, match="unknown country 'Atlantis'.*CAN \\(Canada\\)"):
        co.membership_matrix(countries=["Atlantis"])
    with pytest.raises(CoalitionError, match="unknown grouping"):
        co.membership_matrix(groups=["BRICS"])
    with pytest.raises(CoalitionError, match="at least one country"):
        co.membership_matrix(countries=[])


def _write(tmp_path, text):
    path = tmp_path / "table.csv"
    path.write_text(text, encoding="utf-8")
    return path


HEADER = "iso3,country,group,member,since_year,source_publisher,source_url,note\n"


def test_bad_membership_files_give_clear_errors(tmp_path):
    with pytest.raises(CoalitionError, match="line 3: member must be 'yes' or 'no', not 'maybe'"):
        co.load_memberships(_write(tmp_path, HEADER + "CAN,Canada,G7,yes,,x,y,\nGBR,UK,G7,maybe,,x,y,\n"))
    with pytest.raises(CoalitionError, match="CAN / G7 appears more than once"):
        co.load_memberships(_write(tmp_path, HEADER + "CAN,Canada,G7,yes,,x,y,\nCAN,Canada,G7,no,,x,y,\n"))
    with pytest.raises(CoalitionError, match="lacks the column"):
        co.load_memberships(_write(tmp_path, "iso3,country\nCAN,Canada\n"))
    with pytest.raises(CoalitionError, match="not found"):
        co.load_memberships(tmp_path / "nowhere.csv")
    frame = co.load_memberships(_write(tmp_path, HEADER + "CAN,Canada,G7,yes,,x,y,\nGBR,UK,NATO,yes,,x,y,\n"))
    with pytest.raises(CoalitionError, match="no row for CAN / NATO"):
        co.membership_matrix(frame, countries=["CAN", "GBR"])


# --- coalition totals ----------------------------------------------------------------


def test_article_coalition_totals_hand_added():
    totals = co.coalition_totals(co.ARTICLE_COALITION)
    assert list(totals.index) == ["5 countries combined", "United States", "China"]
    row = totals.loc["5 countries combined"]
    # 2.241 + 3.644 + 4.660 + 4.026 + 1.752 (US$ trillion, World Bank 2024)
    assert row["GDP (US$ trillion)"] == pytest.approx(16.32)
    # 41.29 + 69.23 + 83.51 + 123.98 + 27.20 million
    assert row["Population (million)"] == pytest.approx(345.21)
    # 29346.9 + 81763.2 + 88458.5 + 55273.9 + 33819.6 = 288662.1 US$ million (SIPRI 2024)
    assert row["Military spending (US$ billion)"] == pytest.approx(288.66)
    assert totals.loc["United States", "Military spending (US$ billion)"] == pytest.approx(997.31)
    assert totals.loc["China", "Population (million)"] == pytest.approx(1408.98)


def test_totals_equal_the_csv_sums_for_every_candidate_set():
    rows = _csv_rows("country_indicators.csv")
    value = {(r["iso3"], r["indicator"]): float(r["value"]) for r in rows}
    for members in (["KOR"], co.CANDIDATES, ["IND", "BRA", "IDN"]):
        totals = co.coalition_totals(members)
        for indicator, spec in co.INDICATORS.items():
            expected = sum(value[(m, indicator)] for m in members) * spec["factor"]
            assert totals.iloc[0][spec["label"]] == pytest.approx(round(expected, 2)), (members, indicator)


def test_members_by_name_or_code_and_duplicates_dropped():
    a = co.coalition_totals(["Canada", "gbr", "CAN"])
    b = co.coalition_totals(["CAN", "GBR"])
    assert a.equals(b)
    assert a.index[0] == "2 countries combined"


@pytest.mark.parametrize(
    "members, message",
    [
        ([], "at least one country"),
        (["United States"], "comparison column"),
        (["EUU"], "count them twice"),
        (["Wakanda"], "unknown country 'Wakanda'"),
    ],
)
def test_bad_coalitions_are_explained(members, message):
    with pytest.raises(CoalitionError, match=message):
        co.coalition_totals(members)


def test_missing_indicator_row_is_not_silently_zero():
    frame = co.load_indicators()
    frame = frame[~((frame["iso3"] == "AUS") & (frame["indicator"] == "military_expenditure_usd"))]
    with pytest.raises(CoalitionError, match="no military spending figure for Australia"):
        co.coalition_totals(["CAN", "AUS"], frame)


def test_bad_indicator_values_name_the_line(tmp_path):
    header = ",".join(co.INDICATOR_COLUMNS) + "\n"
    path = _write(tmp_path, header + "CAN,Canada,population,2024,lots,persons,WB,t,u,d,n\n")
    with pytest.raises(CoalitionError, match="line 2: value must be a number, not 'lots'"):
        co.load_indicators(path)


def test_source_line_names_year_publishers_and_korea_2023():
    line = co.indicator_source(co.ARTICLE_COALITION)
    assert line.startswith("data/external/country_indicators.csv")
    assert "GDP 2024: World Bank (World Development Indicators)" in line
    assert "military spending 2024: SIPRI" in line
    assert "2023" not in line
    with_korea = co.indicator_source(["CAN", "KOR"])
    assert "(Korea, Rep.: 2023)" in with_korea


# --- figures and widget ----------------------------------------------------------------


def test_figures_have_titles_and_labels():
    from middlepowers.figures import check

    assert check(co.plot_membership(co.membership_matrix())) == []
    totals = co.coalition_totals(co.ARTICLE_COALITION)
    assert check(co.plot_coalition(totals)) == []
    alt = co.coalition_alt(totals)
    assert "5 countries combined 16.32" in alt and "United States 997.31" in alt


def test_builder_redraws_from_the_same_functions():
    builder = co.CoalitionBuilder()
    assert builder.members == co.ARTICLE_COALITION
    assert repr(builder) == "Coalition builder: 5 of 12 countries ticked"
    figure, table = builder.output.outputs
    # an <img> with alt text, as figures.show() displays it (JupyterLab ignores alt metadata on image/png)
    alt = co.coalition_alt(co.coalition_totals(co.ARTICLE_COALITION))
    assert figure["data"]["text/html"].startswith(f'<figure class="mp-figure" style="margin:0"><img alt="{alt}"')
    assert "<figcaption" in figure["data"]["text/html"]
    assert figure["data"]["text/plain"].startswith(f"[Figure: {alt}]\n[Source: data/external/country_indicators.csv")
    assert table["data"]["text/plain"] == co.coalition_totals(co.ARTICLE_COALITION).to_string()
    assert "GDP 56%" in builder.message.value
    builder.boxes["KOR"].value = True
    assert repr(builder) == "Coalition builder: 6 of 12 countries ticked"
    assert (
        builder.output.outputs[1]["data"]["text/plain"]
        == co.coalition_totals(co.ARTICLE_COALITION + ["KOR"]).to_string()
    )
    for box in builder.boxes.values():
        box.value = False
    assert "at least one country" in builder.message.value
    assert builder.output.outputs == ()


def test_percent_agreement_is_a_percentage_not_a_share():
    value = co.percent_agreement(["a", "b"], ["a", "a"])
    assert value == 50.0 and not math.isclose(value, 0.5)


def test_builder_message_is_escaped_html(tmp_path):
    """An error message that quotes the indicators file goes into the page as text, not markup (issue 16)."""
    table = co.load_indicators()
    table.loc[table["iso3"] == "CAN", "country"] = "<img src=x onerror=alert(1)>Canada"
    table = table[~((table["iso3"] == "CAN") & (table["indicator"] == "population"))]
    builder = co.CoalitionBuilder(indicators=table)
    assert "no population figure for &lt;img src=x onerror=alert(1)&gt;Canada" in builder.message.value
    assert "<img" not in builder.message.value and builder.output.outputs == ()
