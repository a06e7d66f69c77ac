"""Figures that every reader can use: colour-blind-safe, titled, with alt text.

``show(fig, alt=..., source=...)`` is how the notebooks display a matplotlib
figure. It emits an HTML ``<img>`` with the PNG inline and real ``alt`` text
(JupyterLab ignores alt metadata on plain ``image/png`` outputs), the source
as a caption in page text, and, as the plain-text fallback, the alt text
itself -- so a screen reader, GitHub, nbviewer and nbval's text comparison all
see a description instead of ``<Figure size 640x480 with 1 Axes>``. nbval compares the HTML with the
image bytes masked (``tests/nbval-sanitize.cfg``), so the alt text is
regression-tested while pixel-level noise is not.
"""

from __future__ import annotations

import base64
import html
import io

import matplotlib
from IPython.display import display


#: Okabe and Ito's colour-blind-safe palette (Okabe & Ito 2008), in plotting order.
PALETTE = [
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
]

STYLE = {
    "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.labelsize": 11,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "font.size": 10,
}


#: Inline style of a chart's ``<img>`` (see :func:`render`).
IMG_STYLE = "max-width:100%;background:#fff;padding:6px;border-radius:4px;box-sizing:border-box"


def use_style() -> None:
    """Apply the collection's colour-blind-safe plotting style."""
    matplotlib.rcParams.update(STYLE)


def new_figure(width: float, height: float, ncols: int = 1):
    """Return ``(fig, axes)``: a figure outside pyplot (no backend set-up, never shown twice).

    The lessons' charts are drawn this way: importing pyplot in a kernel sets
    up the inline backend, which took about 0.5 s in JupyterLab before a
    lesson's first chart; a figure outside pyplot is also safe to draw from a
    widget callback. ``axes`` is one Axes, or an array of ``ncols`` of them.
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height))
    return fig, fig.subplots(1, ncols)


def _close(fig) -> None:
    """Forget ``fig`` if pyplot made it (a figure from :func:`new_figure` needs nothing)."""
    if getattr(fig.canvas, "manager", None) is not None:
        import matplotlib.pyplot as plt

        plt.close(fig)


def check(fig) -> list[str]:
    """Return what a figure is missing: a title and labelled axes.

    An axes counts as titled when it or the figure has a title; a chart with
    no x or y label is reported (pie charts and images excepted via ``axis('off')``).
    """
    problems = []
    has_suptitle = bool(fig._suptitle and fig._suptitle.get_text())
    for i, ax in enumerate(fig.axes):
        if not ax.axison:
            continue
        if not (ax.get_title() or has_suptitle):
            problems.append(f"axes {i}: no title")
        if not ax.get_xlabel():
            problems.append(f"axes {i}: no x-axis label")
        if not ax.get_ylabel():
            problems.append(f"axes {i}: no y-axis label")
    return problems


def render(fig, alt: str, source: str | None = None) -> dict:
    """Draw ``fig`` to PNG, close it, and return the display bundle :func:`show` displays.

    ``{"text/html": '<figure><img alt=... src="data:image/png;base64,..."><figcaption>...',
    "text/plain": "[Figure: alt]..."}``. ``alt`` describes what the chart shows
    (required, at least a few words). ``source``, when given, is the caption
    under the chart (for outside figures: the file and the source rows): page
    text, so it wraps to the page, can be selected and copied, and is read by
    screen readers. Raises ``ValueError`` when the figure has no title or
    unlabelled axes, so a lesson cannot ship an unreadable chart.
    """
    if not alt or len(alt.split()) < 4:
        _close(fig)
        raise ValueError("show() needs alt text of at least four words describing the chart")
    problems = check(fig)
    if problems:
        _close(fig)
        raise ValueError("figure is not ready for students: " + "; ".join(problems))
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight", metadata={"Software": None})
    _close(fig)
    png = buffer.getvalue()
    text = f"[Figure: {alt}]" + (f"\n[Source: {source}]" if source else "")
    # A white card with a margin of its own: charts are drawn on white, and in a dark
    # theme a bare white rectangle reads as a hole in the page; a padded, rounded
    # card reads as a figure, its text stays dark on light, and the caption keeps the theme's colour.
    img = (f'<img alt="{html.escape(alt, quote=True)}" style="{IMG_STYLE}" '
           f'src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}"/>')
    # The caption is no wider than the chart (the PNG header holds its width in pixels).
    width = int.from_bytes(png[16:20], "big")
    caption = (f'<figcaption style="font-size:0.85em;max-width:{width}px">'
               f"Source: {html.escape(source)}</figcaption>") if source else ""
    return {"text/html": f'<figure class="mp-figure" style="margin:0">{img}{caption}</figure>', "text/plain": text}


def show(fig, alt: str, source: str | None = None) -> None:
    """Display ``fig`` as a PNG with alt text, then close it (see :func:`render`)."""
    display(render(fig, alt, source), raw=True)
