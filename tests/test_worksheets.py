"""exercises/ is exactly what `make exercises` writes, and no answer leaks into it."""

from __future__ import annotations

import re
import tomllib

import nbformat
import pytest

from middlepowers.paths import notebooks, repo_root
from mpcourse import worksheets

ROOT = repo_root()
SOLUTIONS, EXERCISES = ROOT / "solutions", ROOT / "exercises"
KEYS = notebooks("solutions", root=ROOT)


def test_exercises_are_up_to_date():
    assert worksheets.stale(SOLUTIONS, EXERCISES) == [], "run `make exercises`"


def test_generator_is_deterministic(tmp_path):
    worksheets.generate(SOLUTIONS, tmp_path / "a")
    worksheets.generate(SOLUTIONS, tmp_path / "b")
    for key in KEYS:
        assert (tmp_path / "a" / key.name).read_bytes() == (tmp_path / "b" / key.name).read_bytes()
    assert worksheets.stale(SOLUTIONS, tmp_path / "a") == []
    assert worksheets.main([str(SOLUTIONS), str(tmp_path / "a")]) == 0


def test_stale_reports_edit_missing_and_orphan(tmp_path):
    out = tmp_path / "ex"
    worksheets.generate(SOLUTIONS, out)
    first = out / KEYS[0].name
    first.write_text(first.read_text() + " ")
    (out / "99-orphan.ipynb").write_text("{}")
    problems = worksheets.stale(SOLUTIONS, out)
    assert any("differs" in p for p in problems) and any("no answer key" in p for p in problems)
    first.unlink()
    assert any("missing" in p for p in worksheets.stale(SOLUTIONS, out))


def _solution_lines(nb):
    lines = []
    for cell in nb.cells:
        inside = False
        for line in cell.source.splitlines():
            if "END SOLUTION" in line:
                inside = False
            if inside and line.strip() and len(line.strip()) > 6:
                lines.append(line.strip())
            if "BEGIN SOLUTION" in line:
                inside = True
    return lines


def _quiz_secrets(stem):
    path = ROOT / "data" / "quizzes" / f"{stem}.toml"
    if not path.exists():
        return []
    secrets = []
    for q in tomllib.loads(path.read_text(encoding="utf-8"))["questions"]:
        secrets += [q.get("explanation", ""), q.get("guidance", "")]
        for case in q.get("cases", []):
            if isinstance(case.get("expect"), (list, dict)) and case["expect"]:
                secrets.append(repr(case["expect"]))
                secrets += [
                    f"{k} = {v}" if isinstance(case["expect"], dict) else str(k)
                    for k, v in (case["expect"].items() if isinstance(case["expect"], dict) else [])
                ]
    return [s for s in secrets if s]


@pytest.mark.parametrize("key", KEYS, ids=lambda p: p.name)
def test_no_answer_leaks_into_the_worksheet(key):
    answer_key = nbformat.read(key, as_version=4)
    sheet_text = (EXERCISES / key.name).read_text(encoding="utf-8")
    sheet = nbformat.reads(sheet_text, as_version=4)
    assert "BEGIN SOLUTION" not in sheet_text and "END SOLUTION" not in sheet_text
    sources = "\n".join(c.source for c in sheet.cells)
    for line in _solution_lines(answer_key):
        assert line not in sources, f"solution line leaked: {line!r}"
    for secret in _quiz_secrets(key.stem):
        assert secret not in sheet_text, f"quiz answer leaked: {secret[:60]!r}"
    for cell in sheet.cells:
        assert (
            cell.get("outputs", []) == [] and cell.get("execution_count") is None if cell.cell_type == "code" else True
        )
    assert "widgets" not in sheet.metadata
    assert re.search(r"# YOUR CODE HERE\n\s*raise NotImplementedError\(\)", sources)


def test_cells_that_would_raise_are_tagged():
    assert worksheets.would_raise("raise NotImplementedError()")
    assert worksheets.would_raise("if True:\n    raise ValueError")
    assert not worksheets.would_raise("def f():\n    raise NotImplementedError()")
    assert worksheets.would_raise("f(1)[0]", {"f"}) and not worksheets.would_raise("check(f)", {"f"})
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell("def f(x):\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION"),
            nbformat.v4.new_code_cell("f(2)"),
            nbformat.v4.new_code_cell("answer = 1  ### BEGIN SOLUTION\n### END SOLUTION"),
            nbformat.v4.new_code_cell("### BEGIN SOLUTION\nanswer = 42\n### END SOLUTION"),
            nbformat.v4.new_code_cell("print('hi')"),
        ]
    )
    sheet = worksheets.make_worksheet(nb)
    tags = [c.metadata.get("tags", []) for c in sheet.cells]
    assert tags[0] == [] and tags[1] == ["raises-exception"] and tags[3] == ["raises-exception"] and tags[4] == []
    assert "answer = 42" not in sheet.cells[3].source


def _non_integer_expects(stem: str) -> list[str]:
    """Expected results of the worksheet's code checks that are non-integer numbers (2.5, 4.35...)."""
    path = ROOT / "data" / "quizzes" / f"{stem}.toml"
    found = []
    for q in tomllib.loads(path.read_text(encoding="utf-8"))["questions"] if path.exists() else []:
        for case in q.get("cases", []) if q.get("part") == "worksheet" else []:
            expect = case.get("expect")
            if isinstance(expect, float) and not expect.is_integer():
                found.append(repr(expect))
    return found


@pytest.mark.parametrize("key", KEYS, ids=lambda p: p.name)
def test_worksheet_text_does_not_give_a_code_checks_expected_results(key):
    """A markdown cell stating what a code check expects lets a student return it without the code (issue 16)."""
    sheet = nbformat.read(EXERCISES / key.name, as_version=4)
    text = "\n".join(c.source for c in sheet.cells if c.cell_type == "markdown")
    for value in _non_integer_expects(key.stem):
        assert not re.search(rf"(?<![\d.]){re.escape(value)}(?!\d)", text), (
            f"{key.name}: a markdown cell gives {value}, the expected result of a code check"
        )


@pytest.mark.slow  # executes every blank worksheet
@pytest.mark.parametrize("key", KEYS, ids=lambda p: p.name)
def test_run_all_on_a_blank_worksheet_raises_only_not_implemented(key, tmp_path, monkeypatch):
    """Run All before any function is written: as each worksheet says, only NotImplementedError appears.

    The stubs raise it, and so do the autograder test cells (quiz.assert_passes) of an unwritten function.
    """
    from nbclient import NotebookClient

    monkeypatch.setenv("MIDDLEPOWERS_PROGRESS", str(tmp_path / "progress.json"))
    monkeypatch.setenv("MPLBACKEND", "agg")
    sheet = nbformat.read(EXERCISES / key.name, as_version=4)
    NotebookClient(sheet, timeout=300, allow_errors=True, resources={"metadata": {"path": str(EXERCISES)}}).execute()
    errors = [
        (o.get("ename"), o.get("evalue", ""))
        for c in sheet.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.get("output_type") == "error"
    ]
    unexpected = [(name, value[:120]) for name, value in errors if name != "NotImplementedError"]
    assert errors and not unexpected, f"{key.name}: Run All raises {unexpected or 'nothing'}"
