"""The student package holds what a student's kernel imports, and nothing else.

Binder and hub images install ``middlepowers`` alone (postBuild: ``pip install
.``). These tests build that wheel offline, install it into an empty folder and
import every module from there with the source trees out of sight; they also
check that the declared dependencies are exactly the third-party packages the
modules import, and that nothing in either package reads the test tree.
"""

from __future__ import annotations

import ast
import importlib.metadata as md
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STUDENT = ROOT / "src" / "middlepowers"
TOOLS = ROOT / "tools"

#: The modules a lesson or worksheet imports (DESIGN.md, "Layout").
STUDENT_MODULES = {
    "__init__",
    "_errors",
    "align",
    "article",
    "checks",
    "claims",
    "coalition",
    "concentration",
    "course",
    "figures",
    "i18n",
    "numeric",
    "paths",
    "progress",
    "quiz",
    "quizfile",
    "rhetoric",
    "speech",
    "ui",
}


def _imports(folder: Path) -> list[tuple[str, str]]:
    """(top-level module, "file:line") for every absolute import in the folder, inside functions too."""
    found = []
    for path in folder.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            found += [(name.split(".")[0], f"{path.name}:{node.lineno}") for name in names]
    return found


def _third_party_imports(folder: Path, own: set[str]) -> set[str]:
    names = {name for name, _ in _imports(folder)}
    return {n for n in names if n not in sys.stdlib_module_names and n not in own}


def _distributions(modules: set[str]) -> set[str]:
    owners = md.packages_distributions()
    return {owners[m][0].lower().replace("_", "-") for m in modules}


def _declared(pyproject: Path) -> set[str]:
    deps = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["dependencies"]
    return {d.split(">")[0].split("=")[0].split("<")[0].strip().lower() for d in deps}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # Built from a copy: setuptools leaves build/ behind, and a stale build/lib
    # in the checkout could carry a removed module into the wheel.
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(ROOT / "src", src / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-w",
            str(out),
            str(src),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    (found,) = out.glob("middlepowers-*.whl")
    return found


def test_student_package_holds_only_student_modules(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {Path(n).stem for n in names if n.startswith("middlepowers/") and n.endswith(".py")}
    assert modules == STUDENT_MODULES
    assert "middlepowers/data/gazetteer.csv" in names
    assert not [n for n in names if n.startswith(("mpcourse/", "mpharness/", "tests/"))]


def test_every_student_module_imports_from_the_installed_wheel(wheel, tmp_path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = (
        "import importlib, sys\n"
        f"hidden = {[str(ROOT), str(ROOT / 'src'), str(TOOLS)]!r}\n"
        "sys.path = [p for p in sys.path if p.rstrip('/') not in hidden]\n"
        f"sys.path.insert(0, {str(site)!r})\n"
        f"for m in {sorted(STUDENT_MODULES - {'__init__'})!r}:\n"
        "    mod = importlib.import_module('middlepowers.' + m)\n"
        f"    assert mod.__file__.startswith({str(site)!r}), mod.__file__\n"
        "print('ok')\n"
    )
    # -I: no user site, no PYTHONPATH, no working directory on the path; the
    # editable installs of the checkout are filtered out above.
    done = subprocess.run([sys.executable, "-I", "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_student_dependencies_are_exactly_what_the_modules_import():
    imported = _third_party_imports(STUDENT, own={"middlepowers"})
    assert _distributions(imported) == _declared(ROOT / "pyproject.toml")


def test_tools_declare_what_they_import():
    imported = _third_party_imports(TOOLS / "mpcourse", own={"mpcourse", "mpharness", "middlepowers"})
    imported |= _third_party_imports(TOOLS / "mpharness", own={"mpcourse", "mpharness", "middlepowers"})
    declared = _declared(TOOLS / "pyproject.toml")
    missing = _distributions(imported) - declared
    assert not missing, f"tools/pyproject.toml does not declare {sorted(missing)}"


@pytest.mark.parametrize(
    "folder", [STUDENT, TOOLS / "mpcourse", TOOLS / "mpharness"], ids=["middlepowers", "mpcourse", "mpharness"]
)
def test_no_package_reads_the_test_tree(folder):
    readers = [p.name for p in folder.glob("*.py") if _names_the_test_tree(p)]
    assert not readers, f"{readers} reach into tests/"


def _names_the_test_tree(path: Path) -> bool:
    """Code that builds a path into tests/: ``something / "tests"`` or a string starting ``tests/``.

    Naming the folder to leave it out (the student repository's exclusions) is not reading it.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    joined = any(
        isinstance(n, ast.BinOp)
        and isinstance(n.op, ast.Div)
        and isinstance(n.right, ast.Constant)
        and n.right.value == "tests"
        for n in ast.walk(tree)
    )
    docstrings = {
        id(n.body[0].value)
        for n in ast.walk(tree)
        if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
        and n.body
        and isinstance(n.body[0], ast.Expr)
    }
    prefixed = any(
        isinstance(n, ast.Constant)
        and isinstance(n.value, str)
        and id(n) not in docstrings
        and n.value.startswith("tests/")
        for n in ast.walk(tree)
    )
    return joined or prefixed


# The three packages sit in layers, each importing only those below it:
# middlepowers (the student's kernel) < mpcourse (course tools) < mpharness
# (test and benchmark harness). Imports inside functions count too.
LAYERS = {"middlepowers": STUDENT, "mpcourse": TOOLS / "mpcourse", "mpharness": TOOLS / "mpharness"}


@pytest.mark.parametrize("package", list(LAYERS))
def test_packages_import_only_the_layers_below(package):
    order = list(LAYERS)
    above = set(order[order.index(package) + 1 :])
    found = [where for name, where in _imports(LAYERS[package]) if name in above]
    assert not found, f"{package} imports a package above it: {found}"


def test_package_docstring_names_every_module():
    """``middlepowers/__init__.py`` lists each of its modules, so a reader finds them all."""
    import middlepowers

    modules = sorted(p.stem for p in Path(middlepowers.__file__).parent.glob("*.py") if p.stem != "__init__")
    missing = [m for m in modules if f":mod:`middlepowers.{m}`" not in middlepowers.__doc__]
    assert not missing, f"add them to the module list in middlepowers/__init__.py: {missing}"
