"""Validate every CSV under data/ against data/datapackage.json with frictionless.

frictionless (the Frictionless Data reference implementation) checks types,
constraints (required, unique, enum, pattern, ranges), primary keys and
foreign keys; these tests only call it and report its errors readably.
The package names its profiles as "tabular-data-package" /
"tabular-data-resource", which frictionless checks with its bundled rules:
nothing is fetched, and ``offline`` below makes sure of that.
"""

from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path

import frictionless
import pytest

from middlepowers.paths import data_dir

DATA = data_dir()
DESCRIPTOR = DATA / "datapackage.json"


@pytest.fixture
def offline(monkeypatch):
    """Make any attempt to open a network connection fail loudly."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access during schema validation: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def readable(report) -> str:
    """One line per error: resource, row, field, error type and message."""
    lines = []
    for task in report.tasks:
        for err in task.errors:
            row = getattr(err, "row_number", None)
            field = getattr(err, "field_name", None)
            where = ", ".join(
                x for x in [task.name, f"row {row}" if row else "", f"field {field}" if field else ""] if x
            )
            lines.append(f"{where}: [{err.type}] {err.message}")
    for err in report.errors:
        lines.append(f"package: [{err.type}] {err.message}")
    return "\n".join(lines) or "(no errors)"


def validate(path: Path):
    return frictionless.Package(str(path)).validate()


def test_descriptor_is_a_tabular_data_package():
    meta = json.loads(DESCRIPTOR.read_text(encoding="utf-8"))
    assert meta["profile"] == "tabular-data-package"
    assert meta["licenses"] and meta["sources"]
    for res in meta["resources"]:
        assert res["profile"] == "tabular-data-resource", res["name"]
        assert res["schema"]["primaryKey"], res["name"]
        for field in res["schema"]["fields"]:
            assert field.get("type") and field.get("description"), (res["name"], field["name"])
        with (DATA / res["path"]).open(encoding="utf-8") as handle:
            header = handle.readline().rstrip("\n").split(",")
        assert header == [f["name"] for f in res["schema"]["fields"]], f"{res['path']}: columns differ from its schema"


def test_package_is_valid_offline(offline):
    report = validate(DESCRIPTOR)
    assert report.valid, "data/datapackage.json does not validate:\n" + readable(report)
    assert len(report.tasks) == len(json.loads(DESCRIPTOR.read_text())["resources"])


def test_every_csv_under_data_is_described():
    meta = json.loads(DESCRIPTOR.read_text(encoding="utf-8"))
    described = {res["path"] for res in meta["resources"]}
    on_disk = {p.relative_to(DATA).as_posix() for p in DATA.rglob("*.csv")}
    assert on_disk - described == set(), "CSV files without a resource in data/datapackage.json"
    assert described - on_disk == set(), "resources in data/datapackage.json without a CSV file"


def test_key_relationships_are_declared():
    meta = {r["name"]: r for r in json.loads(DESCRIPTOR.read_text(encoding="utf-8"))["resources"]}

    def fks(name):
        return {(fk["fields"], fk["reference"]["resource"]) for fk in meta[name]["schema"].get("foreignKeys", [])}

    assert ("paragraph_id", "paragraphs") in fks("sentences")
    assert ("sentence_id", "sentences") in fks("tokens")
    assert ("entity_id", "entities") in fks("mentions")
    assert ("sentence_id", "sentences") in fks("quotes")
    for name in ("annotation_sentences", "sentence_themes"):
        assert ("sentence_id", "sentences") in fks(name)
    assert ("example_sentence_id", "sentences") in fks("devices")
    sid = next(f for f in meta["sentences"]["schema"]["fields"] if f["name"] == "sentence_id")
    assert sid["constraints"]["pattern"] == r"^S\d{2}$"


def broken_copy(tmp_path: Path, csv: str, old: str, new: str) -> Path:
    copy = tmp_path / "data"
    for sub in ("tables", "annotations", "external"):
        shutil.copytree(DATA / sub, copy / sub)
    shutil.copy(DESCRIPTOR, copy / "datapackage.json")
    target = copy / csv
    text = target.read_text(encoding="utf-8")
    assert old in text
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    return copy / "datapackage.json"


@pytest.mark.parametrize(
    ("csv", "old", "new", "resource", "error_types"),
    [
        # a sentence id that breaks the pattern (and so every key pointing at it)
        ("tables/sentences.csv", "\nS05,", "\nS5,", "sentences", {"constraint-error"}),
        # a token pointing at a sentence that does not exist
        ("tables/tokens.csv", "\nS03,1,", "\nS99,1,", "tokens", {"foreign-key"}),
        # hand coding with a code outside the codebook
        ("annotations/sentences.csv", "S01,reporter,", "S01,narrator,", "annotation_sentences", {"constraint-error"}),
    ],
)
def test_a_broken_copy_fails(tmp_path, offline, csv, old, new, resource, error_types):
    report = validate(broken_copy(tmp_path, csv, old, new))
    assert not report.valid
    task = next(t for t in report.tasks if t.name == resource)
    assert error_types <= {err.type for err in task.errors}, readable(report)
    assert "row" in readable(report)
