"""The tables on disk are what the parser makes of the article, byte for byte.

``data/tables/*.csv`` are committed so lessons can read them without
parsing; this test fails when they drift from a fresh parse (after a change
to the article, the parser or the gazetteer) and says how to fix it.
``data/external/*.csv`` are curated copies of the shared research folder; when that
folder is beside the repository (CI, this machine) they must keep its every figure.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from middlepowers.article import Article, parse_file, write_tables
from middlepowers.paths import article_path, data_dir, repo_root

TABLES = data_dir("tables")
EXTERNAL = data_dir("external")


def shared_data() -> Path | None:
    """The shared research folder: $MIDDLEPOWERS_SHARED/data or ../shared/data."""
    candidates = [Path(os.environ["MIDDLEPOWERS_SHARED"]) / "data"] if os.environ.get("MIDDLEPOWERS_SHARED") else []
    candidates.append(repo_root().parent / "shared" / "data")
    return next((c for c in candidates if c.is_dir()), None)


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("tables")
    write_tables(parse_file(article_path()), folder)
    return folder


def test_every_table_is_on_disk():
    expected = {f"{name}.csv" for name in Article.table_names()}
    on_disk = {p.name for p in TABLES.glob("*.csv")}
    assert expected - on_disk == set(), "tables missing from data/tables/: run make tables"
    assert on_disk - expected == set(), "data/tables/ holds CSVs the parser does not write"


@pytest.mark.parametrize("name", Article.table_names())
def test_table_matches_a_fresh_parse(fresh, name):
    committed, new = TABLES / f"{name}.csv", fresh / f"{name}.csv"
    if committed.read_bytes() == new.read_bytes():
        return
    old_lines = committed.read_text(encoding="utf-8").splitlines()
    new_lines = new.read_text(encoding="utf-8").splitlines()
    first = next(
        (i for i, (a, b) in enumerate(zip(old_lines, new_lines)) if a != b), min(len(old_lines), len(new_lines))
    )
    pytest.fail(
        f"data/tables/{name}.csv is stale (differs from a fresh parse of the article at line {first + 1}; "
        f"{len(old_lines)} lines on disk, {len(new_lines)} fresh): run make tables",
        pytrace=False,
    )


def test_tables_use_unix_line_endings_and_utf8():
    for path in TABLES.glob("*.csv"):
        data = path.read_bytes()
        assert b"\r" not in data, path.name
        data.decode("utf-8")


#: columns that say where a figure comes from; a curated row may cite the primary
#: publisher instead of the copy the research folder read it from (issue 14)
SOURCE_COLUMNS = {"url", "note", "source_publisher", "source_title", "source_url", "source_date", "source_note"}


#: tables the course made itself (issue 23's claim tests: each claim and figure row cites
#: the page it was read from); the shared research folder has no counterpart to keep
COURSE_MADE = {"claim_figures.csv", "speech_claims.csv"}


def test_external_tables_keep_every_figure_of_shared_data():
    """Every row of the shared research folder is in data/external/ with the same figures.

    The repository's copies are curated: sources are upgraded to the primary
    publisher where one was found, and sourced rows are added. What may never
    change without the research folder changing first is a figure: every
    non-source cell of every shared row must still be there, row for row.
    """
    import csv
    from collections import Counter

    source = shared_data()
    if source is None:
        pytest.skip("the shared research folder (../shared/data) is not beside this checkout")
    names = sorted(p.name for p in source.glob("*.csv"))
    assert names, f"no CSV files in {source}"
    assert sorted(p.name for p in EXTERNAL.glob("*.csv") if p.name not in COURSE_MADE) == names, (
        "data/external/ and shared/data hold different files"
    )
    for name in names:
        with open(source / name, newline="", encoding="utf-8") as fh:
            shared = list(csv.DictReader(fh))
        with open(EXTERNAL / name, newline="", encoding="utf-8") as fh:
            ours = list(csv.DictReader(fh))
        assert ours and shared and set(ours[0]) == set(shared[0]), f"{name}: columns differ from shared/data"
        figures = [c for c in shared[0] if c not in SOURCE_COLUMNS]
        missing = Counter(tuple(r[c] for c in figures) for r in shared) - Counter(
            tuple(r[c] for c in figures) for r in ours
        )
        assert not missing, f"{name}: figures of shared/data missing or changed in data/external: {list(missing)[:3]}"


# --- tables read back exactly (issue 16) --------------------------------------------

#: words pandas reads as NaN by default (every one of pandas' default NA strings that a token can be)
NA_WORDS = ["None", "NA", "null", "nan", "NaN", "NULL", "N/A", "n/a", "NAN", "nan", "null", "NA"]


def _as_written(frame):
    """A parsed table with None as NaN: what an empty CSV cell stands for."""
    return frame.astype(object).where(frame.notna(), float("nan"))


def _assert_reads_back(article, folder):
    from middlepowers.article import read_table

    write_tables(article, folder)
    for name, frame in article.tables().items():
        back = read_table(name, folder)
        assert list(back.columns) == list(frame.columns), name
        for column in frame.columns:
            written, read = _as_written(frame[column]).tolist(), back[column].astype(object).tolist()
            same = [w == r or (w != w and r != r) for w, r in zip(written, read)]
            assert len(written) == len(read) and all(same), (
                f"{name}.{column} does not read back: {[(w, r) for w, r, ok in zip(written, read, same) if not ok][:5]}"
            )


def test_every_column_of_every_table_reads_back(tmp_path):
    _assert_reads_back(parse_file(article_path()), tmp_path)


def test_words_that_look_missing_read_back_as_words(tmp_path):
    from middlepowers.article import parse

    words = " ".join(NA_WORDS)
    text = (
        f"None of the NA Title\nSummary with null and nan.\n\nBody says {words} again.\n"
        f"Null Heading\n| None: | NA |\n|---|---|\n| null: | nan |\n"
    )
    article = parse(text)
    assert {"None", "NA", "null", "nan"} <= set(article.tokens["token"])
    _assert_reads_back(article, tmp_path)


def test_notebooks_read_the_tables_with_read_table():
    """The notebooks read data/tables through read_table, so the round trip above is theirs."""
    import json

    for path in sorted((repo_root() / "notebooks").glob("*.ipynb")) + sorted(
        (repo_root() / "solutions").glob("*.ipynb")
    ):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            source = "".join(cell["source"])
            assert 'read_csv(data_dir("tables"' not in source, (
                f"{path.name} reads a table with plain pd.read_csv: use middlepowers.article.read_table"
            )
