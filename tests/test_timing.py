"""Stated lesson times are not clearly lower than what the notebooks ask of a student (issue 14, part 5)."""

import shutil
from pathlib import Path

import pytest

from mpcourse import timing

ROOT = Path(__file__).resolve().parents[1]
STEMS = sorted(timing.stated(ROOT))


def test_every_lesson_states_its_time_in_parts():
    assert STEMS == [
        "00-article-to-tidy-data",
        "01-two-stage-program",
        "02-trump-rhetoric",
        "03-diversification",
        "primer",
    ]
    for stem, parts in timing.stated(
        ROOT
    ).items():  # a notebook without a worksheet (the primer) states no worksheet time
        has_sheet = (ROOT / "solutions" / f"{stem}.ipynb").exists()
        assert set(parts) == set(timing.PARTS) - (set() if has_sheet else {"worksheet"}), stem


@pytest.mark.parametrize("stem", STEMS)
def test_stated_parts_are_not_clearly_lower_than_the_estimate(stem):
    problems = [line for line in timing.too_low(ROOT) if line.startswith(stem)]
    assert not problems, "\n".join(problems)


def test_estimate_counts_words_checks_and_written_answers(tmp_path):
    est = timing.estimate("01-two-stage-program", ROOT)
    assert est.reading > 0 and est.checks > 0 and est.worksheet > 0
    assert est.total == pytest.approx(est.reading + est.checks + est.worksheet)


def test_a_longer_lesson_is_caught(tmp_path):
    """Double a lesson's text: the stated reading time becomes clearly too low."""
    for folder in ("data", "notebooks", "solutions", "exercises"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    import nbformat

    path = tmp_path / "notebooks" / "00-article-to-tidy-data.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells += [nbformat.v4.new_markdown_cell(c.source) for c in nb.cells if c.cell_type == "markdown"]
    nbformat.write(nb, path)
    assert any(line.startswith("00-article-to-tidy-data: reading") for line in timing.too_low(tmp_path))


def test_an_unknown_check_is_reported(tmp_path):
    for folder in ("data", "notebooks", "solutions", "exercises"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    import nbformat

    path = tmp_path / "notebooks" / "03-diversification.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell('quiz.ask("no-such-check")'))
    nbformat.write(nb, path)
    with pytest.raises(KeyError, match="no-such-check"):
        timing.estimate("03-diversification", tmp_path)
