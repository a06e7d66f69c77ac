"""middlepowers.ui: controls share one Layout and one Style model per setting."""

from __future__ import annotations

import ipywidgets as widgets

from middlepowers.ui import make, shared


def test_same_settings_share_one_model():
    a = make(widgets.Checkbox, description="a", layout={"width": "170px"})
    b = make(widgets.Checkbox, description="b", layout={"width": "170px"})
    assert a.layout is b.layout and a.style is b.style
    assert a.layout.width == "170px"


def test_other_settings_get_their_own_model():
    plain = make(widgets.Dropdown, options=["x"])
    initial = make(widgets.Dropdown, options=["x"], style={"description_width": "initial"})
    assert plain.style is not initial.style
    assert initial.style.description_width == "initial"
    assert plain.layout is initial.layout


def test_boxes_have_no_style_and_still_share_a_layout():
    box = make(widgets.VBox, children=[make(widgets.HTML, value="x")])
    assert box.layout is shared(widgets.Layout)


def test_a_closed_model_is_replaced():
    first = shared(widgets.Layout, width="12px")
    first.close()
    second = shared(widgets.Layout, width="12px")
    assert second is not first and second.comm is not None and second.width == "12px"


def test_a_quiz_question_opens_few_models():
    """Lesson 01's checks opened 317 widget models before sharing (3 per control)."""
    from ipywidgets.widgets.widget import _instances

    from middlepowers.quiz import Quiz

    quiz = Quiz("01-two-stage-program")
    question = next(qid for qid, q in quiz.spec.questions.items() if q.type == "single")
    quiz.view(question)  # creates the shared models once
    before = len(_instances)
    view = quiz.view(question)
    # box, prompt, radio buttons, Check button, feedback: one model each
    assert len(_instances) - before == 5
    assert {view.prompt.layout, view.button.layout, view.feedback.layout} == {view.layout}


def test_dataframe_html_has_no_empty_header_cells():
    import pandas as pd

    from middlepowers.ui import dataframe_html, table_html

    plain = pd.DataFrame({"a": [1, 2]})
    named = pd.DataFrame({"a": [1, 2]}, index=pd.Index(["x", "y"], name="country"))
    for df in (plain, named):
        assert "<th></th>" in df._repr_html_()  # what pandas gives (axe: empty-table-header)
        for html in (dataframe_html(df), table_html(df)):
            assert "<th></th>" not in html and "<td></td>" in html
            assert html.count("<th>") == df._repr_html_().count("<th>") - df._repr_html_().count("<th></th>")
    assert "<th>country</th>" in dataframe_html(named) and "<th>x</th>" in dataframe_html(named)


def test_import_middlepowers_registers_the_table_formatter_in_a_kernel():
    import importlib

    import pandas as pd
    from IPython.core.interactiveshell import InteractiveShell

    import middlepowers

    shell = InteractiveShell.instance()
    try:
        importlib.reload(middlepowers)
        data, _ = shell.display_formatter.format(pd.DataFrame({"a": [1]}))
        assert "<th></th>" not in data["text/html"] and "<td></td>" in data["text/html"]
    finally:
        InteractiveShell.clear_instance()
