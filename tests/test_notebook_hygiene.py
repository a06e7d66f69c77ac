"""Notebook hygiene: what strict nbval relies on, and what a student sees.

nbval itself (run by ``make test`` on notebooks/, solutions/ and exercises/)
compares every stored output; these tests make sure there is something
meaningful to compare and nothing that could only pass on this machine.
"""

import json
import re
from pathlib import Path

import nbformat
import pytest

from middlepowers.paths import notebooks
from mpcourse import navigation

ROOT = Path(__file__).resolve().parents[1]
EXECUTED = notebooks("notebooks", "solutions", root=ROOT)
WORKSHEETS = notebooks("exercises", root=ROOT)
LESSONS = [p for p in EXECUTED if p.name != "index.ipynb"]  # the numbered lessons and the primer
ABSOLUTE = re.compile(r"(/work/|/root/|/home/\w|/tmp/|[A-Z]:\\\\Users)")


def ids(paths):
    return [f"{p.parent.name}/{p.name}" for p in paths]


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]


@pytest.mark.parametrize("path", EXECUTED, ids=ids(EXECUTED))
def test_executed_top_to_bottom(path):
    nb = nbformat.read(path, as_version=4)
    counts = [c.execution_count for c in code_cells(nb)]
    assert counts, f"{path.name} has no code"
    assert counts == list(range(1, len(counts) + 1)), (
        f"{path.name}: execution counts {counts}; run `make notebooks` so strict nbval compares every cell"
    )


@pytest.mark.parametrize("path", EXECUTED + WORKSHEETS, ids=ids(EXECUTED + WORKSHEETS))
def test_kernel_and_clean_outputs(path):
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    for i, cell in enumerate(nb.cells):
        tags = cell.metadata.get("tags", [])
        for output in cell.get("outputs", []):
            if "raises-exception" not in tags:
                assert output.get("output_type") != "error", f"{path.name} cell {i}: error output"
            data = output.get("data", {})
            assert "image/svg+xml" not in data, f"{path.name} cell {i}: SVG differs every run; use PNG"
            text = json.dumps(output)
            assert not ABSOLUTE.search(text), f"{path.name} cell {i}: absolute path in output"
        assert not ABSOLUTE.search(cell.source), f"{path.name} cell {i}: absolute path in source"
        if "nbval-ignore-output" in tags:
            assert re.search(r"^#.*", cell.source, re.M), (
                f"{path.name} cell {i}: an nbval-ignore-output cell needs a comment saying why"
            )


@pytest.mark.parametrize("path", WORKSHEETS, ids=ids(WORKSHEETS))
def test_worksheets_are_blank(path):
    nb = nbformat.read(path, as_version=4)
    for cell in code_cells(nb):
        assert not cell.get("outputs"), f"{path.name}: a worksheet is committed without outputs"
        assert cell.execution_count is None


@pytest.mark.parametrize("path", LESSONS, ids=ids(LESSONS))
def test_lesson_frame(path):
    """Each lesson opens with questions, objectives, timing, prerequisites and ends with navigation."""
    nb = nbformat.read(path, as_version=4)
    first = nb.cells[0]
    assert first.cell_type == "markdown"
    for word in ("Objectives", "Timing", "Prerequisites"):
        assert word.lower() in first.source.lower(), f"{path.name}: opening cell lacks {word}"
    assert "navigation" in nb.cells[-1].metadata.get("tags", []), f"{path.name}: last cell is not the navigation"
    if path.parent.name == "notebooks":
        assert any("Key points" in c.source for c in nb.cells if c.cell_type == "markdown"), (
            f"{path.name}: no Key points section"
        )


def test_navigation_is_current():
    stale = navigation.stale(ROOT)
    assert not stale, f"navigation is stale in {[str(p.relative_to(ROOT)) for p in stale]}: run `make navigation`"


def test_every_lesson_in_course_map_exists_in_order():
    lessons = navigation.load_course(ROOT)
    names = [lesson.file for lesson in lessons]
    on_disk = [p.name for p in notebooks("notebooks", root=ROOT)]
    assert sorted(names) == on_disk, "every notebook must have an entry in data/course.toml"
    assert names[0] == "index.ipynb"


def test_navigation_links_point_at_files():
    for path in EXECUTED:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type != "markdown":
                continue
            for target in re.findall(r"\]\(([^)#:]+\.ipynb)\)", cell.source):
                assert (path.parent / target).resolve().exists(), f"{path.name}: dead link {target}"


def test_course_map_minutes_match_each_notebook():
    """The time a lesson announces is the time the course map and README add up."""
    for lesson in navigation.load_course(ROOT):
        nb = nbformat.read(ROOT / "notebooks" / lesson.file, as_version=4)
        timing = re.search(r"Timing\.?\**(.*)", nb.cells[0].source)
        assert timing, f"{lesson.file}: no Timing line in the opening cell"
        if lesson.time:  # "About 75 minutes in all: 25 minutes to read ..., 10 ..., 40 ..."
            total = re.search(r"About (\d+) minutes in all", timing.group(1))
            assert total, f"{lesson.file}: the Timing line should start 'About N minutes in all'"
            parts = [int(n) for n in re.findall(r"(\d+) minutes", timing.group(1))[1:]]
            assert (int(total.group(1)), parts) == (lesson.minutes, list(lesson.time.values())), (
                f"{lesson.file} says {timing.group(1)!r}; data/course.toml says {lesson.minutes} = {lesson.time}"
            )
            if "worksheet" not in lesson.time:  # the primer has no worksheet
                assert not lesson.worksheet, f"{lesson.file}: its worksheet has no time"
                continue
            sheet = nbformat.read(ROOT / "solutions" / lesson.worksheet, as_version=4)
            said = re.search(r"Timing\.?\**\s*About (\d+) minutes", sheet.cells[0].source)
            assert said and int(said.group(1)) == lesson.time["worksheet"], (
                f"worksheet {lesson.worksheet}: its Timing line should say About {lesson.time['worksheet']} minutes"
            )
            continue
        stated = sum(int(n) for n in re.findall(r"(\d+) minutes", timing.group(1)))
        assert stated == lesson.minutes, f"{lesson.file} says {stated} minutes, data/course.toml says {lesson.minutes}"
