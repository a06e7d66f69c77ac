"""Generate the student worksheets in ``exercises/`` from the answer keys in ``solutions/``.

``python -m mpcourse.worksheets solutions exercises`` (``make exercises``)
runs nbgrader's own preprocessors standalone, with no course directory or
database:

1. ``ClearSolutions(enforce_metadata=False)``: every ``### BEGIN SOLUTION`` /
   ``### END SOLUTION`` region becomes ``# YOUR CODE HERE`` +
   ``raise NotImplementedError()`` (markdown: ``YOUR ANSWER HERE``);
   ``ClearHiddenTests``: every ``### BEGIN HIDDEN TESTS`` / ``### END HIDDEN TESTS``
   region of an autograder test cell is removed (the visible tests stay);
2. ``ClearOutput`` (outputs, execution counts, and the metadata fields
   ``collapsed``, ``scrolled``, ``execution``); the notebook's saved widget
   state (``metadata["widgets"]``) is dropped;
3. a code cell that would itself raise when run (a ``raise`` outside any
   function or class body, e.g. a cleared top-level solution, or a call of a
   function an earlier cell left as a ``raise NotImplementedError()`` stub, or
   an autograder test cell that names such a stub) is tagged
   ``raises-exception``, so nbval still runs the rest of the worksheet.

Output is written the way nbconvert writes notebooks (``nbformat.writes``,
indent 1, trailing newline), so regenerating an unchanged source gives
byte-identical files. :func:`stale` lists worksheets that differ from what the
generator would produce (used by the tests).
"""

from __future__ import annotations

import argparse
import ast
import copy
from pathlib import Path

import nbformat

RAISES = "raises-exception"


def _stub_functions(tree: ast.AST) -> set[str]:
    """Names of functions defined at top level whose body raises directly (a cleared solution)."""
    return {
        node.name
        for node in getattr(tree, "body", [])
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and any(isinstance(stmt, ast.Raise) for stmt in node.body)
    }


def would_raise(source: str, stubs: set[str] = frozenset()) -> bool:
    """True if running ``source`` reaches a ``raise`` outside any def/class, or calls a stub in ``stubs``."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False

    def walk(nodes) -> bool:
        for node in nodes:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                continue
            if isinstance(node, ast.Raise):
                return True
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in stubs:
                return True
            if walk(ast.iter_child_nodes(node)):
                return True
        return False

    return walk(tree.body)


def is_test_cell(cell) -> bool:
    """An nbgrader autograder test cell (graded, not a solution)."""
    meta = cell.metadata.get("nbgrader", {})
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


def names(source: str) -> set[str]:
    """Every plain name a cell uses (empty if it does not parse)."""
    try:
        return {node.id for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Name)}
    except SyntaxError:
        return set()


def make_worksheet(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return the student version of an answer-key notebook (the input is not changed)."""
    from nbgrader.preprocessors import ClearHiddenTests, ClearOutput, ClearSolutions

    nb = nbformat.from_dict(copy.deepcopy(dict(nb)))
    nb, _ = ClearSolutions(enforce_metadata=False).preprocess(nb, {})
    nb, _ = ClearHiddenTests(enforce_metadata=False).preprocess(nb, {})
    nb, _ = ClearOutput(remove_metadata_fields={"collapsed", "scrolled", "execution"}).preprocess(nb, {})
    nb.metadata.pop("widgets", None)
    stubs: set[str] = set()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        tags = list(cell.metadata.get("tags", []))
        raises = would_raise(cell.source, stubs) or (is_test_cell(cell) and bool(names(cell.source) & stubs))
        try:
            stubs |= _stub_functions(ast.parse(cell.source))
        except SyntaxError:
            pass
        if raises and RAISES not in tags:
            tags.append(RAISES)
        if tags:
            cell.metadata["tags"] = tags
    return nb


def render(nb: nbformat.NotebookNode) -> str:
    """Serialise a notebook exactly as ``jupyter nbconvert --to notebook`` writes it."""
    text = nbformat.writes(nb, version=4)
    return text if text.endswith("\n") else text + "\n"


def expected(solutions: Path, exercises: Path) -> dict[Path, str]:
    """Map every worksheet path to the text the generator would write."""
    out = {}
    for source in sorted(Path(solutions).glob("*.ipynb")):
        nb = nbformat.read(source, as_version=4)
        out[Path(exercises) / source.name] = render(make_worksheet(nb))
    return out


def generate(solutions: str | Path, exercises: str | Path) -> list[Path]:
    """Write ``exercises/<name>.ipynb`` for every ``solutions/<name>.ipynb``; return the files written."""
    exercises = Path(exercises)
    exercises.mkdir(parents=True, exist_ok=True)
    written = []
    for path, text in expected(Path(solutions), exercises).items():
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written


def stale(solutions: str | Path, exercises: str | Path) -> list[str]:
    """Return the problems that make ``exercises/`` differ from the generator's output ([] = up to date)."""
    want = expected(Path(solutions), Path(exercises))
    problems = []
    for path, text in want.items():
        if not path.exists():
            problems.append(f"{path.name}: missing (run `make exercises`)")
        elif path.read_text(encoding="utf-8") != text:
            problems.append(f"{path.name}: differs from its answer key (run `make exercises`)")
    for path in sorted(Path(exercises).glob("*.ipynb")):
        if path not in want:
            problems.append(f"{path.name}: has no answer key in {Path(solutions).name}/")
    return problems


def main(argv: list[str] | None = None) -> int:
    """``python -m mpcourse.worksheets SOLUTIONS EXERCISES``: write the worksheets."""
    parser = argparse.ArgumentParser(description="Generate student worksheets from the answer keys.")
    parser.add_argument("solutions", type=Path, help="folder of answer keys (solutions/)")
    parser.add_argument("exercises", type=Path, help="folder to write the worksheets to (exercises/)")
    args = parser.parse_args(argv)
    if not args.solutions.is_dir():
        parser.error(f"{args.solutions} is not a folder of answer keys")
    written = generate(args.solutions, args.exercises)
    for path in written:
        print(f"wrote {path}")
    if not written:
        print(f"{args.exercises} is up to date")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
