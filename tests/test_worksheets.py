"""exercises/ is exactly what `make exercises` writes, and no answer leaks into it."""

from __future__ import annotations

import re
import tomllib

import nbformat
import pytest

from mpcourse import worksheets
from middlepowers.paths import notebooks, repo_root

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
                secrets += [f"{k} = {v}" if isinstance(case["expect"], dict) else str(k)
                            for k, v in (case["expect"].items() if isinstance(case["expect"], dict) else [])]
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
        assert cell.get("outputs", []) == [] and cell.get("execution_count") is None if cell.cell_type == "code" else True
    assert "widgets" not in sheet.metadata
    assert re.search(r"# YOUR CODE HERE\n\s*raise NotImplementedError\(\)", sources)


def test_cells_that_would_raise_are_tagged():
    assert worksheets.would_raise("raise NotImplementedError()")
    assert worksheets.would_raise("if True:\n    raise ValueError")
    assert not worksheets.would_raise("def f():\n    raise NotImplementedError()")
    assert worksheets.would_raise("f(1)[0]", {"f"}) and not worksheets.would_raise("check(f)", {"f"})
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("def f(x):\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION"),
        nbformat.v4.new_code_cell("f(2)"),
        nbformat.v4.new_code_cell("answer = 1  ### BEGIN SOLUTION\n### END SOLUTION"),
        nbformat.v4.new_code_cell("### BEGIN SOLUTION\nanswer = 42\n### END SOLUTION"),
        nbformat.v4.new_code_cell("print('hi')"),
    ])
    sheet = worksheets.make_worksheet(nb)
    tags = [c.metadata.get("tags", []) for c in sheet.cells]
    assert tags[0] == [] and tags[1] == ["raises-exception"] and tags[3] == ["raises-exception"] and tags[4] == []
    assert "answer = 42" not in sheet.cells[3].source
