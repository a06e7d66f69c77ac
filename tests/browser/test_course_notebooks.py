"""Every notebook of the course (lessons, answer keys, worksheets), run in real JupyterLab + Chromium as a student runs it.

Globbed at collection time, so a new notebook in any folder is tested without touching this file.
See `notebook_check.check_notebook` for what is asserted.
"""

from __future__ import annotations

import pytest
from notebook_check import check_notebook

from mpharness.lab import notebook_paths

pytestmark = pytest.mark.browser

FOLDERS = ("notebooks", "solutions", "exercises")
NOTEBOOKS = [nb for nb in notebook_paths() if nb.split("/")[0] in FOLDERS]


def test_every_course_folder_has_notebooks():
    """The glob below finds each folder's notebooks (an empty parametrization would test nothing)."""
    assert {nb.split("/")[0] for nb in NOTEBOOKS} == set(FOLDERS)


@pytest.mark.timeout(300)
@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_notebook_in_jupyterlab(lab, page, notebook):
    report = check_notebook(page, lab, notebook)
    print(notebook, "seconds since open:", report["seconds"], "keyboard:", report.get("keyboard"))
