"""Lean ipywidgets: one Layout and one Style model per distinct setting, shared.

An ipywidgets control opens its own ``Layout`` model and, for most controls,
its own ``Style`` model: three models, three comm messages and three front-end
objects per control. A lesson's checks built that way open hundreds of comms
after *Run All*, and JupyterLab spends seconds creating them before the last
check appears (``make bench`` measures it). :func:`make` builds a control whose layout and style are taken from
a per-kernel cache (:func:`shared`), so a check opens one model per control.

Shared models are never changed after creation: to give one control another
look, pass other settings and it gets (or creates) the model for those.

    >>> from middlepowers.ui import make
    >>> import ipywidgets as widgets
    >>> a = make(widgets.HTML, value="<b>a</b>")
    >>> b = make(widgets.HTML, value="<b>b</b>")
    >>> a.layout is b.layout and a.style is b.style
    True

It also holds :func:`dataframe_html`, the HTML every DataFrame gets in a
lesson's kernel (registered by ``import middlepowers``): pandas' own, without
the empty header cells screen readers announce as blank headers.
"""

from __future__ import annotations

import re
from typing import Any

import ipywidgets as widgets

_SHARED: dict[tuple, widgets.Widget] = {}


def shared(model_cls: type, **traits: Any) -> widgets.Widget:
    """The one open ``model_cls(**traits)`` of this kernel (created on first use).

    A model whose comm was closed (``Widget.close_all()``) is replaced.
    """
    key = (model_cls, tuple(sorted(traits.items())))
    model = _SHARED.get(key)
    if model is None or model.comm is None:
        model = _SHARED[key] = model_cls(**traits)
    return model


def make(cls: type, layout: dict | None = None, style: dict | None = None, **kw: Any) -> widgets.Widget:
    """``cls(**kw)`` with a shared layout (``layout`` settings) and shared style (``style`` settings).

    ``style`` is ignored for widgets that have no style (boxes).
    """
    kw["layout"] = shared(widgets.Layout, **(layout or {}))
    style_trait = cls.class_traits().get("style")
    if style_trait is not None:
        kw["style"] = shared(style_trait.klass, **(style or {}))
    return cls(**kw)


_THEAD = re.compile(r"<thead>.*?</thead>", re.S)


def accessible_table_html(html: str) -> str:
    """``html`` of a pandas table with each empty header cell in its head made a plain cell.

    pandas writes the corner above the index, and the cells beside an index
    name, as empty ``<th></th>``: a header that names nothing, which screen
    readers announce as a blank header and axe reports (``empty-table-header``).
    The corner is not a header, so it becomes ``<td></td>``; nothing else changes.
    """
    return _THEAD.sub(lambda m: m.group(0).replace("<th></th>", "<td></td>"), html)


def dataframe_html(df: Any) -> str | None:
    """A DataFrame's notebook HTML (its own ``_repr_html_``), with no empty header cells."""
    html = df._repr_html_()
    return None if html is None else accessible_table_html(html)


def table_html(df: Any, **kw: Any) -> str:
    """``df.to_html(**kw)`` with no empty header cells (see :func:`accessible_table_html`)."""
    return accessible_table_html(df.to_html(**kw))
