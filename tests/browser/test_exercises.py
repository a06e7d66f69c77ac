"""Every notebook in `exercises/`, run in real JupyterLab + Chromium as a student runs it.

Globbed at collection time, so a new notebook is tested without touching this file.
See `notebook_check.check_notebook` for what is asserted.
"""

from __future__ import annotations

import pytest
from notebook_check import check_notebook

from mpharness.lab import notebook_paths

pytestmark = pytest.mark.browser

NOTEBOOKS = [nb for nb in notebook_paths() if nb.startswith("exercises/")]


@pytest.mark.timeout(300)
@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_notebook_in_jupyterlab(lab, page, notebook):
    report = check_notebook(page, lab, notebook)
    print(notebook, "seconds since open:", report["seconds"], "keyboard:", report.get("keyboard"))
