"""mpharness.bench_install's pieces that need no install: bytecode bookkeeping and the table."""

from __future__ import annotations

import json
from pathlib import Path

from mpharness.bench_install import bytecode, forget_bytecode, format_table


def test_forget_bytecode_deletes_only_what_was_written_since(tmp_path):
    cache = tmp_path / ".venv" / "lib" / "__pycache__"
    cache.mkdir(parents=True)
    (cache / "old.cpython-311.pyc").write_bytes(b"x")
    (tmp_path / "module.py").write_text("x = 1\n")
    installed = bytecode(tmp_path)
    (cache / "new.cpython-311.pyc").write_bytes(b"y")
    assert forget_bytecode(tmp_path, installed) == 1
    assert bytecode(tmp_path) == installed
    assert (tmp_path / "module.py").exists()


def test_table_shows_every_install_and_the_first_start_ratios():
    figures = json.loads((Path(__file__).parents[1] / "bench-results.json").read_text())["install"]
    table = format_table(figures)
    for name in ("student", "student_compiled", "full", "not compiled / compiled"):
        assert name in table
