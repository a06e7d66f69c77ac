"""Every figure a lesson's prose takes from the data is a value the notebook computed (issue 14, part 3).

A *figure* is a number in a Markdown cell written with a decimal point, a
thousands separator or a unit (``75.9%``, ``1,800``, ``92 words``, ``3.69
points``). It must appear among the notebook's own outputs, or in a
data/external/*.csv file that the same cell names, rounded to the number of
decimals the prose gives (``3.80`` matches a computed ``3.797``). Figures that
do not come from the data (a test's critical value, a scale's bounds, a
slider value to try) are listed in NOT_FROM_DATA with the reason.

So when a table or a computation changes, a sentence that still states the
old figure fails here instead of misleading a reader.
"""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]*-*.ipynb"))

FIGURE = re.compile(
    r"(?<![\w.\-/=])(?P<n>\d{1,3}(?:,\d{3})+|\d+\.\d+|\d+)(?![\w.,]\d)"
    r"(?P<unit>%| per cent| percentage points?| points?| words?| countries| sentences| tokens| times)?"
)
NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")

# (notebook, figure): why it is not a value from the data.
NOT_FROM_DATA = {
    (
        "02b-measuring-both-sides.ipynb",
        "7,500",
    ): "size of the VADER lexicon (Hutto & Gilbert 2014), not this article's data",
    ("02b-measuring-both-sides.ipynb", "3.84"): "chi-square critical value for p < 0.05 with one degree of freedom",
    ("02b-measuring-both-sides.ipynb", "0.05"): "significance level",
    ("02b-measuring-both-sides.ipynb", "1.09"): "arithmetic shown in the sentence: 100/92",
    ("03-diversification.ipynb", "10,000"): "upper bound of the HHI scale (one partner takes 100%)",
    ("03-diversification.ipynb", "1,500"): "US merger guidelines threshold, quoted in the table",
    ("03-diversification.ipynb", "2,500"): "US merger guidelines threshold, quoted in the table",
    ("03-diversification.ipynb", "2.5"): "a slider value the student is invited to try",
}


def _is_figure(match: re.Match) -> bool:
    number, unit = match.group("n"), match.group("unit")
    if re.fullmatch(r"(19|20)\d\d", number) and not unit:
        return False  # a year
    return bool(unit) or "." in number or "," in number


def figures(markdown: str) -> list[str]:
    """The figures in a Markdown text (ids such as S14, F4 and years are not figures)."""
    text = re.sub(r"`[^`]*`", " ", markdown)  # code and file names
    text = re.sub(r"\b(?:S|P|F|D|Q|SEC|[A-Z]-[A-Z]{3}-)\d+\b", " ", text)
    text = re.sub(r"\bline \d+\b", " ", text)
    return [m.group("n") for m in FIGURE.finditer(text) if _is_figure(m)]


def _value(number: str) -> float:
    return float(number.replace(",", ""))


def found_in(figure: str, text: str) -> bool:
    """Is ``figure`` one of the numbers in ``text``, at the precision the figure gives?"""
    decimals = len(figure.split(".")[1]) if "." in figure else 0
    want = _value(figure)
    for number in NUMBER.findall(text):
        value = _value(number)
        if decimals == 0 and "." in number:
            continue  # an integer figure must be an integer output, not a rounded one
        if round(value, decimals) == want or round(abs(value), decimals) == want:
            return True
    return False


def _outputs(nb: dict) -> str:
    parts = []
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            for value in (output.get("text"), data.get("text/plain"), data.get("text/html"), data.get("text/markdown")):
                parts.append("".join(value or ""))
    return "\n".join(parts)


def unmatched(name: str) -> list[str]:
    nb = json.loads((ROOT / "notebooks" / name).read_text(encoding="utf-8"))
    outputs = _outputs(nb)
    missing = []
    for n, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "markdown":
            continue
        source = "".join(cell["source"])
        cited = "\n".join(
            (ROOT / "data" / "external" / f).read_text(encoding="utf-8")
            for f in sorted(set(re.findall(r"\b(\w+\.csv)\b", source)))
            if (ROOT / "data" / "external" / f).exists()
        )
        for figure in figures(source):
            if (name, figure) in NOT_FROM_DATA or found_in(figure, outputs) or found_in(figure, cited):
                continue
            missing.append(f"{name} cell {n}: {figure}")
    return missing


def test_figures_are_found():
    text = "75.9% of exports (S17), 92 words, 3.80 points, in 2024, `line 13`, 1,800 and F4; 15 countries"
    assert figures(text) == ["75.9", "92", "3.80", "1,800", "15"]


@pytest.mark.parametrize(
    "figure, text, ok",
    [
        ("3.80", "g2 3.797", True),
        ("3.80", "g2 3.81", False),
        ("75.9", "share 75.91", True),
        ("1,800", "HHI 1800", True),
        ("92", "n 92.4", False),  # an integer figure needs the integer
        ("92", "c 92 d 473", True),
    ],
)
def test_found_in_rounds_to_the_figure_precision(figure, text, ok):
    assert found_in(figure, text) is ok


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_every_figure_in_the_prose_was_computed(name):
    missing = unmatched(name)
    assert not missing, "figures in the prose that no output or cited data file holds:\n" + "\n".join(missing)


def test_not_from_data_entries_are_still_used():
    used = {
        (name, f)
        for name in NOTEBOOKS
        for cell in json.loads((ROOT / "notebooks" / name).read_text())["cells"]
        if cell["cell_type"] == "markdown"
        for f in figures("".join(cell["source"]))
    }
    assert set(NOT_FROM_DATA) <= used, set(NOT_FROM_DATA) - used
