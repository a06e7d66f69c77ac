"""docs/reliability.md names only tests that exist (a promise must point at the test that holds it)."""

from __future__ import annotations

import re

from middlepowers.paths import repo_root


def test_every_test_named_in_the_reliability_table_exists():
    root = repo_root()
    doc = (root / "docs" / "reliability.md").read_text(encoding="utf-8")
    files = set(re.findall(r"(test_[a-z0-9_]+)\.py", doc))
    names = set(re.findall(r"\b(test_[a-z0-9_]+|check_invariants)\b(?!\.py)", doc)) - files
    source = "\n".join(p.read_text(encoding="utf-8") for p in (root / "tests").glob("test_*.py"))
    assert all((root / "tests" / f"{f}.py").exists() for f in files), files
    assert sorted(n for n in names if not re.search(rf"def {n}\(", source)) == []
