"""The harness itself: JupyterLab with isolated config still renders ipywidgets.

If the isolated JUPYTER_* dirs hid the venv's python3 kernelspec or the
installed ``@jupyter-widgets/jupyterlab-manager`` extension, every lesson's
widgets would silently show as "Loading widget..." text -- this catches that
without depending on any lesson.
"""

from __future__ import annotations

import json

import pytest
from browser_helpers import SCREENSHOTS

from mpharness.lab import (
    open_notebook,
    run_all,
    screenshot_notebook,
    wait_run_complete,
)

pytestmark = pytest.mark.browser

PROBE = {
    "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": ["# widget probe"]},
        {
            "cell_type": "code",
            "metadata": {},
            "execution_count": None,
            "outputs": [],
            "source": [
                "import ipywidgets as w, os\n",
                "out = w.Output()\n",
                "btn = w.Button(description='Press me')\n",
                "def on_click(_):\n",
                "    with out:\n",
                "        print('pressed; progress file set:', bool(os.environ.get('MIDDLEPOWERS_PROGRESS')))\n",
                "btn.on_click(on_click)\n",
                "w.VBox([w.IntSlider(value=3, max=9), btn, out])",
            ],
        },
    ],
    "metadata": {
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    },
    "nbformat": 4,
    "nbformat_minor": 5,
}


def test_widgets_render_and_respond(lab, page):
    path = lab.root / "test-artifacts-probe.ipynb"
    path.write_text(json.dumps(PROBE))
    name = path.name
    open_notebook(page, lab, name)
    kernel = lab.session_for(name)["kernel"]
    assert kernel["name"] == "python3"
    run_all(page)
    wait_run_complete(page, PROBE)
    out = page.locator(".jp-OutputArea-output")
    slider = out.locator(".widget-slider")
    slider.wait_for()
    assert "3" in out.locator(".widget-readout").first.inner_text()
    out.locator(".widget-button", has_text="Press me").click()
    feedback = out.locator(".widget-output")
    feedback.get_by_text("pressed; progress file set: True").wait_for()
    screenshot_notebook(page, SCREENSHOTS / "probe-widgets.png")
    assert page.problems.all() == []


def _cell(src: str, tags: list[str] | None = None) -> dict:
    return {
        "cell_type": "code",
        "execution_count": None,
        "outputs": [],
        "metadata": {"tags": tags} if tags else {},
        "source": [src],
    }


def test_error_outputs_are_found_by_cell(lab, page):
    """The error scan the lesson tests rely on sees tracebacks and maps them to cell indices."""
    from mpharness.lab import cell_errors

    nb = dict(
        PROBE,
        cells=[
            {"cell_type": "markdown", "metadata": {}, "source": ["# errors"]},
            _cell("raise NotImplementedError()", ["raises-exception"]),
            _cell("import warnings; warnings.warn('just a warning')"),
            _cell("print('still running after the tagged cell')"),
            _cell("{}['missing']"),
        ],
    )
    name = "test-artifacts-errors.ipynb"
    (lab.root / name).write_text(json.dumps(nb))
    open_notebook(page, lab, name)
    run_all(page)
    wait_run_complete(page, nb)
    found = cell_errors(page)
    assert [e["index"] for e in found] == [1, 4], found
    assert "NotImplementedError" in found[0]["text"] and "KeyError" in found[1]["text"]
    page.locator(".jp-OutputArea-output", has_text="still running after the tagged cell").wait_for()


def test_lab_runs_what_binder_students_get(lab):
    """nbgrader is installed for the tests, not for students: its menus and server handlers are off."""
    import re

    import requests

    from mpharness.lab import extensions_students_lack, student_packages

    page = requests.get(lab.url(f"lab?token={lab.token}"), timeout=10).text
    config = json.loads(
        re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', page, re.S).group(1)
    )
    lab_off, _server_off = extensions_students_lack(student_packages())
    assert lab_off and set(lab_off) <= set(config["disabledExtensions"])
    assert "@jupyter-widgets/jupyterlab-manager" not in config["disabledExtensions"]
    assert requests.get(lab.url("formgrader"), headers=lab.headers, timeout=10).status_code == 404
