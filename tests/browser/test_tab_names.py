"""A lesson and its worksheet open side by side under two names (issue 27, item 2).

JupyterLab's tabs and its close dialog ("Save changes in "<name>" before
closing?") name a notebook by its file name alone. When the worksheet shared
its lesson's file name, the two tabs read the same, and a student answering
the dialog for the wrong tab discarded worksheet work. In a real JupyterLab
and Chromium: open lesson 01, follow its "Practise" link to the worksheet, and
read the tab bar. Before the worksheets were renamed (``worksheet-NN-...``,
``data/course.toml``), both tabs read ``01-two-stage-program.ipynb``.
"""

from __future__ import annotations

import pytest

from mpharness.lab import open_notebook

pytestmark = pytest.mark.browser

LESSON = "notebooks/01-two-stage-program.ipynb"
TABS = "#jp-main-dock-panel .lm-TabBar-tab .lm-TabBar-tabLabel"


def test_a_lesson_and_its_worksheet_have_two_tab_names(page, lab):
    open_notebook(page, lab, LESSON)
    link = page.locator(".jp-RenderedMarkdown a", has_text="worksheet for this lesson").last
    link.scroll_into_view_if_needed()
    link.click()
    page.wait_for_function("document.querySelectorAll('.jp-NotebookPanel').length >= 2", timeout=60_000)
    page.wait_for_function(f"document.querySelectorAll({TABS!r}).length >= 2", timeout=60_000)
    labels = page.locator(TABS).all_inner_texts()
    notebooks = [label for label in labels if label.endswith(".ipynb")]
    assert sorted(notebooks) == ["01-two-stage-program.ipynb", "worksheet-01-two-stage-program.ipynb"], labels
