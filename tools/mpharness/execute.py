"""Run a notebook top to bottom outside JupyterLab, and measure it.

Used by the tests (notebooks run with the network blocked and from other
working directories) and by the benchmark (seconds and the kernel's peak
memory). Nothing is written back to the notebook.

Command line::

    python -m mpharness.execute [--cwd DIR] NOTEBOOK...

prints one line per notebook and exits 1 if any cell raised an error (cells
tagged ``raises-exception`` excepted).
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from mpcourse import execution
from mpharness.common import ProcessSampler


@dataclass
class Run:
    """What one execution of a notebook gave."""

    path: Path
    seconds: float
    peak_kernel_mib: float
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def run(path: str | Path, cwd: str | Path | None = None, timeout: int = 300) -> Run:
    """Execute the notebook at ``path`` (see :func:`mpcourse.execution.client`), sampling the kernel's memory."""
    path = Path(path)
    client = execution.client(path, cwd, timeout)
    nb = client.nb
    start = time.perf_counter()
    try:
        with client.setup_kernel(), ProcessSampler(client.km.provisioner.process.pid, interval=0.02) as monitor:
            for index, cell in enumerate(nb.cells):
                client.execute_cell(cell, index)
    finally:
        seconds = time.perf_counter() - start
    return Run(path, seconds, monitor.peak.rss / 2**20, execution.cell_errors(nb))


def main(argv: list[str] | None = None) -> int:
    """Run notebooks from the command line; exit 1 if any had an error."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cwd", help="working directory for the kernels (default: each notebook's folder)")
    parser.add_argument("notebooks", nargs="+")
    args = parser.parse_args(argv)
    failed = False
    for name in args.notebooks:
        result = run(name, cwd=args.cwd)
        status = "ok" if result.ok else "FAILED"
        print(f"{status} {name} {result.seconds:.1f}s")
        for error in result.errors:
            print(f"    {error}")
        failed |= not result.ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
