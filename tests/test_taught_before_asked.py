"""No worksheet asks for Python that the primer or an earlier lesson has not taught (issue 24, part 2).

A worksheet *needs* every construct in its solution cells (the nbgrader cells with
``solution: true`` in ``solutions/``): the ``ast`` node types, the operators, and the
builtin and attribute names called (:func:`constructs`). Calls to the course's own
helpers count for nothing: what happens inside a helper is not taught by calling it.

A notebook *teaches* a construct (:func:`taught`) when

1. a code cell the student runs uses it (not a check cell, not a "your turn" cell
   tagged ``your-turn``),
2. the Markdown cell just before or just after that cell names it in a code span
   (for example `` `groupby` `` or `` `**` ``, see :data:`SPELLING`), and
3. a check (``quiz.ask`` / ``quiz.check_code``) or a "your turn" cell follows in the
   same section (before the next Markdown heading), so the student practises it at once.

What each notebook teaches is declared once, in ``data/teaches.toml``, and the test
checks every declared construct against the cells, so the declaration cannot drift
from the text. A worksheet may use what the primer and the lessons up to its own
number declare (order: ``data/course.toml``).

Before a worksheet asks for a function, its lesson (or the primer) asks for a smaller one
(issue 24, part 3): every worksheet task has a "your turn" cell, tagged ``your-turn``, whose
metadata ``your_turn = {"check": <question id>, "worksheet_task": <nbgrader grade id>}`` names
the code check that follows it and the task it prepares (:func:`your_turns`).
"""

from __future__ import annotations

import ast
import builtins
import re
import tomllib
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]

#: Nodes every line of Python has; not constructs a student is taught one by one.
STRUCTURAL = {"Module", "Expr", "Load", "Store", "Del", "Name", "arguments", "arg", "comprehension"}
_NODE_KEYS = {
    "Assign": "=",
    "Constant": "literal",
    "Call": "f(x)",
    "Attribute": ".attr",
    "keyword": "name=value",
    "List": "[a, b]",
    "Subscript": "x[i]",
    "Tuple": "a, b",
    "Dict": "{k: v}",
    "Set": "{a, b}",
    "FunctionDef": "def",
    "Return": "return",
    "For": "for",
    "If": "if",
    "Continue": "continue",
    "IfExp": "a if c else b",
    "ListComp": "[x for x in xs]",
    "GeneratorExp": "(x for x in xs)",
    "DictComp": "{k: v for k in ks}",
}
_OPERATORS = {
    "Add": "+", "Sub": "-", "Mult": "*", "Div": "/", "Pow": "**", "FloorDiv": "//", "Mod": "%",
    "BitAnd": "&", "BitOr": "|", "Invert": "~", "Not": "not", "And": "and", "Or": "or", "USub": "-",
    "Eq": "==", "NotEq": "!=", "Lt": "<", "LtE": "<=", "Gt": ">", "GtE": ">=", "In": "in", "NotIn": "not in",
}  # fmt: skip
_OP_CHARS = "*/+\\-=<>&|!%"

#: How prose names each construct that is not an operator, a builtin or a method:
#: a regular expression one code span (text in backticks) of the Markdown must match.
SPELLING = {
    "=": r"(?<![=!<>+\-*/])=(?!=)",
    "literal": r"^(\".*\"|'.*'|-?\d[\d_.]*)$",
    "f(x)": r"\w\(",
    ".attr": r"\w\.[A-Za-z_]|^\.[A-Za-z_]",
    "name=value": r"\b\w+=[^=\s]",
    "[a, b]": r"^\[.*\]$",
    "x[i]": r"\w[\]\)]?\[",
    "a, b": r"\w+, \w+",
    "{k: v}": r"\{.*:.*\}",
    "{a, b}": r"^\{[^:{}]*\}$",
    "def": r"\bdef\b",
    "return": r"\breturn\b",
    "for": r"\bfor\b",
    "if": r"\bif\b",
    "continue": r"\bcontinue\b",
    "a if c else b": r"\bif\b.*\belse\b",
    "[x for x in xs]": r"\[.*\bfor\b.*\bin\b.*\]",
    "(x for x in xs)": r"\(.*\bfor\b.*\bin\b.*\)",
    "{k: v for k in ks}": r"\{.*:.*\bfor\b.*\}",
}
_BUILTINS = set(dir(builtins))


def constructs(source: str) -> set[str]:
    """The constructs a piece of code uses, as keys of :data:`SPELLING`, operators, ``len()`` or ``.merge()``."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        kind = type(node).__name__
        if isinstance(node, (ast.operator, ast.cmpop, ast.unaryop, ast.boolop, ast.expr_context)):
            continue
        if isinstance(node, (ast.BinOp, ast.UnaryOp, ast.BoolOp)):
            found.add(_OPERATORS.get(type(node.op).__name__, kind))
        elif isinstance(node, ast.AugAssign):
            found.add(_OPERATORS.get(type(node.op).__name__, "?") + "=")
        elif isinstance(node, ast.Compare):
            found.update(_OPERATORS.get(type(op).__name__, kind) for op in node.ops)
        elif kind not in STRUCTURAL:
            found.add(_NODE_KEYS.get(kind, kind))
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name) and node.func.id in _BUILTINS:
                found.add(f"{node.func.id}()")
            elif isinstance(node.func, ast.Attribute):
                found.add(f".{node.func.attr}()")
    return found


def spelling(construct: str) -> str:
    """The regular expression a code span must match to name ``construct``."""
    if construct in SPELLING:
        return SPELLING[construct]
    if construct.endswith("()"):  # len(), .merge()
        return rf"\b{re.escape(construct.strip('.()'))}\b"
    if re.fullmatch(r"[a-z ]+", construct):  # in, not in, and
        return rf"\b{construct}\b"
    return rf"(?<![{_OP_CHARS}]){re.escape(construct)}(?![{_OP_CHARS}])"  # an operator, alone


def names(markdown: str, construct: str) -> bool:
    """Whether a Markdown text names ``construct`` in one of its code spans."""
    pattern = re.compile(spelling(construct))
    return any(pattern.search(span) for span in re.findall(r"`([^`\n]+)`", markdown))


def _is_check(cell) -> bool:
    return cell.cell_type == "code" and re.search(r"\bquiz\.(ask|check_code)\(", cell.source) is not None


def _is_your_turn(cell) -> bool:
    return cell.cell_type == "code" and "your-turn" in cell.metadata.get("tags", [])


def _is_heading(cell) -> bool:
    return cell.cell_type == "markdown" and re.search(r"^#{1,6} ", cell.source, re.M) is not None


def taught(nb) -> dict[str, int]:
    """Every construct the notebook teaches (rule in the module docstring), with its first teaching cell."""
    cells = nb.cells
    out: dict[str, int] = {}
    for i, cell in enumerate(cells):
        if cell.cell_type != "code" or _is_check(cell) or _is_your_turn(cell):
            continue
        try:
            used = constructs(cell.source)
        except SyntaxError:
            continue
        beside = [cells[j].source for j in (i - 1, i + 1) if 0 <= j < len(cells) and cells[j].cell_type == "markdown"]
        practised = False
        for later in cells[i + 1 :]:
            if _is_heading(later):
                break
            if _is_check(later) or _is_your_turn(later):
                practised = True
                break
        if not practised:
            continue
        for construct in used:
            if construct not in out and any(names(text, construct) for text in beside):
                out[construct] = i
    return out


def needed(key) -> dict[str, list[str]]:
    """construct -> the worksheet tasks (nbgrader grade ids) whose solution cells use it."""
    out: dict[str, list[str]] = {}
    for cell in key.cells:
        grader = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and grader.get("solution"):
            for construct in constructs(cell.source):
                out.setdefault(construct, []).append(grader.get("grade_id", "?"))
    return out


def course(root: Path = ROOT) -> list[str]:
    """Notebook stems in course order (``data/course.toml``), the start notebook left out."""
    with open(root / "data" / "course.toml", "rb") as handle:
        files = [entry["file"] for entry in tomllib.load(handle)["lesson"]]
    return [f.removesuffix(".ipynb") for f in files if f != "index.ipynb"]


def answer_key(stem: str, root: Path = ROOT) -> Path | None:
    """The answer key (``solutions/<worksheet>``) of lesson ``stem``'s worksheet (``data/course.toml``), or None."""
    with open(root / "data" / "course.toml", "rb") as handle:
        entry = next(e for e in tomllib.load(handle)["lesson"] if e["file"] == f"{stem}.ipynb")
    path = root / "solutions" / entry["worksheet"] if entry.get("worksheet") else None
    return path if path is not None and path.exists() else None


def declared(root: Path = ROOT) -> dict[str, list[str]]:
    """What ``data/teaches.toml`` says each notebook teaches, by notebook stem."""
    with open(root / "data" / "teaches.toml", "rb") as handle:
        return {stem: entry["constructs"] for stem, entry in tomllib.load(handle).items()}


def untaught(root: Path = ROOT, teaching: dict[str, list[str]] | None = None) -> list[str]:
    """Every worksheet task that needs a construct nothing before it teaches, as readable lines."""
    teaching = declared(root) if teaching is None else teaching
    problems, known = [], set()
    for stem in course(root):
        known |= set(teaching.get(stem, []))
        key_path = answer_key(stem, root)
        if key_path is None:
            continue
        for construct, tasks in sorted(needed(nbformat.read(key_path, as_version=4)).items()):
            if construct not in known:
                problems.append(f"worksheet {stem}: {construct} (tasks {', '.join(dict.fromkeys(tasks))})")
    return problems


def your_turns(nb) -> list[tuple[int, dict, str | None]]:
    """(cell index, its ``your_turn`` metadata, the id the next code cell checks) for every "your turn" cell."""
    out = []
    for i, cell in enumerate(nb.cells):
        if not _is_your_turn(cell):
            continue
        after = next((c for c in nb.cells[i + 1 :] if c.cell_type == "code"), None)
        asked = re.search(r"""\bquiz\.(?:ask|check_code)\(\s*["']([\w-]+)["']""", after.source) if after else None
        out.append((i, dict(cell.metadata.get("your_turn", {})), asked.group(1) if asked else None))
    return out


def worksheet_tasks(stem: str, root: Path = ROOT) -> list[str]:
    """The grade ids of the code tasks of worksheet ``stem`` (its nbgrader solution cells)."""
    key = nbformat.read(answer_key(stem, root), as_version=4)
    return [
        c.metadata["nbgrader"]["grade_id"]
        for c in key.cells
        if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")
    ]


def unprepared(root: Path = ROOT) -> list[str]:
    """Every worksheet task with no "your turn" cell for it in the primer or a lesson up to its own."""
    problems, prepared = [], set()
    for stem in course(root):
        lesson = root / "notebooks" / f"{stem}.ipynb"
        if lesson.exists():
            prepared |= {meta.get("worksheet_task") for _, meta, _ in your_turns(nbformat.read(lesson, as_version=4))}
        if answer_key(stem, root) is not None:
            problems += [
                f"worksheet {stem}: task {task} has no your-turn cell before it"
                for task in worksheet_tasks(stem, root)
                if task not in prepared
            ]
    return problems


STEMS = [s for s in course() if (ROOT / "notebooks" / f"{s}.ipynb").exists()]


def test_every_notebook_of_the_course_declares_what_it_teaches():
    assert sorted(declared()) == sorted(STEMS), "data/teaches.toml needs one table per notebook of data/course.toml"


@pytest.mark.parametrize("stem", STEMS)
def test_the_declaration_is_what_the_cells_teach(stem):
    """Every declared construct is used, explained and practised in the notebook's own cells."""
    found = taught(nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4))
    missing = [c for c in declared()[stem] if c not in found]
    assert not missing, (
        f"notebooks/{stem}.ipynb does not teach {missing} (a code cell using it, a Markdown cell beside it "
        "naming it in backticks, and a check after it in the same section)"
    )


def test_no_worksheet_asks_for_what_was_not_taught():
    problems = untaught()
    assert not problems, "\n".join(problems)


def test_every_worksheet_task_has_a_your_turn_cell_before_it():
    """Issue 24, part 3: the lesson (or the primer) asks for a smaller version of each task first."""
    problems = unprepared()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("stem", STEMS)
def test_every_your_turn_cell_is_followed_by_its_check(stem):
    """The next code cell checks what the cell asked for; in the lessons (after `def`) it is a code check."""
    from middlepowers.quizfile import load_quiz

    nb = nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4)
    questions = load_quiz(ROOT / "data" / "quizzes" / f"{stem}.toml", root=ROOT).questions
    tasks = {t for s in course() if answer_key(s) is not None for t in worksheet_tasks(s)}
    for index, meta, asked in your_turns(nb):
        where = f"notebooks/{stem}.ipynb cell {index}"
        assert meta.get("check") and meta["check"] == asked, (
            f"{where}: metadata names {meta.get('check')!r}, next check {asked!r}"
        )
        assert asked in questions, f"{where}: {asked!r} is not in data/quizzes/{stem}.toml"
        if stem != "primer":
            assert questions[asked].type == "code", f"{where}: a lesson's your-turn cell needs a code check"
            assert meta.get("worksheet_task") in tasks, (
                f"{where}: names no worksheet task ({meta.get('worksheet_task')!r})"
            )
        elif "worksheet_task" in meta:
            assert meta["worksheet_task"] in tasks, where


def test_a_task_without_a_your_turn_cell_is_reported(tmp_path):
    import shutil

    for folder in ("data", "notebooks", "solutions"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    path = tmp_path / "notebooks" / "03-diversification.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells = [c for c in nb.cells if c.metadata.get("your_turn", {}).get("worksheet_task") != "my-bounds"]
    nbformat.write(nb, path)
    assert unprepared(tmp_path) == ["worksheet 03-diversification: task my-bounds has no your-turn cell before it"]


# -- the rule itself -----------------------------------------------------------------------------


def _nb(*cells):
    made = []
    for kind, source, *tags in cells:
        cell = nbformat.v4.new_markdown_cell(source) if kind == "md" else nbformat.v4.new_code_cell(source)
        if tags:
            cell.metadata["tags"] = list(tags)
        made.append(cell)
    return nbformat.v4.new_notebook(cells=made)


def test_constructs_reads_nodes_operators_builtins_and_methods():
    found = constructs(
        "def f(a, b):\n    n = a ** 2 // b\n    n += 1\n    return sorted(t.lower() for t in b if t in a)"
    )
    assert {"def", "return", "**", "//", "+=", "sorted()", ".lower()", "(x for x in xs)", "in"} <= found
    assert "Name" not in found and "arguments" not in found
    assert constructs("x = a & b")  >= {"&", "="}  # fmt: skip


def test_a_construct_explained_and_practised_is_taught():
    nb = _nb(
        ("md", "## Rounding\n\n`round(x, 1)` keeps one decimal."),
        ("code", "round(3.14159, 1)"),
        ("code", 'quiz.ask("rounded")'),
    )
    assert "round()" in taught(nb)


def test_a_your_turn_cell_counts_as_practice():
    nb = _nb(
        ("md", "## Rounding\n\n`round(x, 1)` keeps one decimal."),
        ("code", "round(3.14159, 1)"),
        ("md", "**Your turn.**"),
        ("code", "def r(x):\n    raise NotImplementedError()", "your-turn"),
    )
    assert "round()" in taught(nb)


@pytest.mark.parametrize(
    "cells",
    [
        # sprinkled into a cell no Markdown explains
        [("md", "## Rounding\n\nSome numbers."), ("code", "round(3.14159, 1)"), ("code", 'quiz.ask("x")')],
        # explained, but never practised in its section
        [("md", "## Rounding\n\n`round`"), ("code", "round(3.14159, 1)"), ("md", "## Next"), ("code", 'quiz.ask("x")')],
        # used only in a "your turn" cell or a check
        [("md", "## Rounding\n\n`round`"), ("code", "round(2.5)", "your-turn"), ("code", 'quiz.ask("x", round(1))')],
    ],
    ids=["unexplained", "not-practised", "only-in-your-turn-or-check"],
)
def test_a_construct_shown_without_the_three_parts_is_not_taught(cells):
    assert "round()" not in taught(_nb(*cells))


def test_a_missing_construct_names_the_worksheet_and_task():
    problems = untaught(teaching={})
    assert any(
        line.startswith("worksheet 00-article-to-tidy-data: .groupby() (tasks count-per-section") for line in problems
    )
