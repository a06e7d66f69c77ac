"""Figures that every reader can use: colour-blind-safe, titled, with alt text.

``show(fig, alt=..., source=...)`` is how the notebooks display a matplotlib
figure. It emits an HTML ``<img>`` with the PNG inline and real ``alt`` text
(JupyterLab ignores alt metadata on plain ``image/png`` outputs), the source
as a caption in page text, and, as the plain-text fallback, the alt text
itself -- so a screen reader, GitHub, nbviewer and nbval's text comparison all
see a description instead of ``<Figure size 640x480 with 1 Axes>``. nbval compares the HTML with the
image bytes masked (``tests/nbval-sanitize.cfg``), so the alt text is
regression-tested while pixel-level noise is not.

Rendered charts are cached (``@chart`` on the lessons' ``plot_*`` functions):
a chart's PNG is stored under ``data/figures/`` in this package, named by
a hash of everything that draws it (the plotting module's and this module's
source, matplotlib's version, the style, the arguments' contents). When the
file exists, calling the plot function returns a :class:`CachedChart` and
:func:`render` uses the stored bytes -- the same bytes drawing would give --
without importing matplotlib's figure machinery or drawing (about 1 s and
25 MiB per kernel for a lesson's charts). Anything else (other arguments,
changed code, a student's own rcParams) draws as before. The cache is only
written when ``MIDDLEPOWERS_FIGURE_CACHE=write`` (``make notebooks``,
``make figures``); ``=off`` ignores it. Students' kernels only read it.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import importlib.util
import io
import os
import sys
from pathlib import Path

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
    "axes.prop_cycle": f"cycler(color={PALETTE!r})",
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.labelsize": 11,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "font.size": 10,
}


_style_pending = False


class _StyleOnImport:
    """One-shot import hook: apply :data:`STYLE` as soon as matplotlib is imported."""

    def find_spec(self, name, path=None, target=None):
        if name != "matplotlib":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        run = spec.loader.exec_module

        def exec_module(module):
            run(module)
            module.rcParams.update(STYLE)

        spec.loader.exec_module = exec_module
        return spec


#: Inline style of a chart's ``<img>`` (see :func:`render`).
IMG_STYLE = "max-width:100%;background:#fff;padding:6px;border-radius:4px;box-sizing:border-box"


def use_style() -> None:
    """Apply the collection's colour-blind-safe plotting style.

    When matplotlib is not imported yet, the style is applied the moment it
    is (a lesson whose charts all come from the cache never imports it).
    """
    global _style_pending
    if "matplotlib" in sys.modules:
        sys.modules["matplotlib"].rcParams.update(STYLE)
    elif not _style_pending:
        _style_pending = True
        sys.meta_path.insert(0, _StyleOnImport())


def new_figure(width: float, height: float, ncols: int = 1):
    """Return ``(fig, axes)``: a figure outside pyplot (no backend set-up, never shown twice).

    The lessons' charts are drawn this way: importing pyplot in a kernel sets
    up the inline backend, a visible delay before a lesson's first chart in
    JupyterLab; a figure outside pyplot is also safe to draw from a widget
    callback. ``axes`` is one Axes, or an array of ``ncols`` of them.
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


# --- the chart cache ---------------------------------------------------------------

#: Where cached chart PNGs live (package data; ``make figures`` refreshes it).
CACHE_DIR = Path(__file__).resolve().parent / "data" / "figures"
CACHE_ENV = "MIDDLEPOWERS_FIGURE_CACHE"


def _cache_mode() -> str:
    """``read`` (default), ``write`` (also store what is drawn) or ``off``."""
    mode = os.environ.get(CACHE_ENV, "read").strip().lower() or "read"
    return mode if mode in ("read", "write", "off") else "read"


@functools.cache
def code_hash(module: str) -> str:
    """12 hex digits naming the code that draws ``module``'s charts.

    Covers the plotting module's source, this module's source and
    matplotlib's version, so any change to them names new files.
    """
    from importlib.metadata import version

    digest = hashlib.sha256()
    for path in (sys.modules[module].__file__, __file__):
        digest.update(Path(path).read_bytes())
    digest.update(version("matplotlib").encode())
    return digest.hexdigest()[:12]


def _style_state() -> str | None:
    """``styled`` / ``default`` when rcParams are exactly the collection's style / matplotlib's defaults."""
    if "matplotlib" not in sys.modules:  # rcParams are the defaults, styled on import if asked
        return "styled" if _style_pending else "default"
    import matplotlib

    # The backend does not change a PNG drawn by render() (MPLBACKEND sets it in
    # executions), and reading rcParams["backend"] would import pyplot: skip it.
    ignore = ("backend", "backend_fallback", "interactive")
    params, defaults = matplotlib.rcParams, matplotlib.rcParamsDefault
    current = {k: params[k] for k in params.keys() if k not in ignore}
    default = {k: defaults[k] for k in defaults.keys() if k not in ignore}
    if current == default:
        return "default"
    if current == {**default, **{k: matplotlib.rcParams.validate[k](v) for k, v in STYLE.items()}}:
        return "styled"
    return None  # a student's own settings: draw, never use or store a cached image


def _feed(digest, value) -> bool:
    """Add ``value``'s contents to ``digest``; False when it is of a kind not cached."""
    import pandas as pd

    if value is None or isinstance(value, (bool, int, float, str)):
        digest.update(f"{type(value).__name__}:{value!r};".encode())
    elif isinstance(value, (list, tuple)):
        digest.update(f"{type(value).__name__}[{len(value)}];".encode())
        return all(_feed(digest, item) for item in value)
    elif isinstance(value, dict):
        digest.update(f"dict[{len(value)}];".encode())
        return all(_feed(digest, k) and _feed(digest, v) for k, v in value.items())
    elif isinstance(value, (pd.DataFrame, pd.Series)):
        frame = value.to_frame() if isinstance(value, pd.Series) else value
        digest.update(
            repr(
                (
                    type(value).__name__,
                    list(frame.columns),
                    [str(t) for t in frame.dtypes],
                    frame.index.names,
                    frame.shape,
                )
            ).encode()
        )
        try:
            digest.update(pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes())
        except TypeError:  # unhashable cells (lists...): not cached
            return False
    else:
        return False
    return True


def cache_path(func, args: tuple, kwargs: dict) -> Path | None:
    """The file a chart drawn by ``func(*args, **kwargs)`` is cached in, or None when not cacheable."""
    style = _style_state()
    if style is None:
        return None
    digest = hashlib.sha256(f"{func.__module__}.{func.__qualname__};{style};".encode())
    if not (_feed(digest, args) and _feed(digest, sorted(kwargs.items()))):
        return None
    name = f"{func.__module__.rsplit('.', 1)[-1]}.{func.__name__}-{code_hash(func.__module__)}-{digest.hexdigest()[:16]}.png"
    return CACHE_DIR / name


class CachedChart:
    """A chart whose PNG is in the cache: :func:`render` shows the stored bytes.

    Anything else asked of it (``.axes``, ``savefig``...) draws the real
    figure once and answers from it, so it stands in for the figure.
    """

    def __init__(self, path: Path, draw):
        self.path, self._draw, self._figure = path, draw, None

    @property
    def png(self) -> bytes:
        return self.path.read_bytes()

    @property
    def figure(self):
        if self._figure is None:
            self._figure = self._draw()
        return self._figure

    def __getattr__(self, name):
        if name.startswith("__") or name in ("path", "_draw", "_figure"):
            raise AttributeError(name)
        return getattr(self.figure, name)


def chart(func):
    """Decorate a ``plot_*`` function whose figure depends only on its arguments: cache its PNG."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        mode = _cache_mode()
        path = cache_path(func, args, kwargs) if mode != "off" else None
        if path is not None and path.is_file():
            return CachedChart(path, lambda: func(*args, **kwargs))
        fig = func(*args, **kwargs)
        if path is not None and mode == "write":
            fig._mp_cache_path = path  # render() stores the PNG it draws
        return fig

    return wrapper


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
        if not isinstance(fig, CachedChart):
            _close(fig)
        raise ValueError("show() needs alt text of at least four words describing the chart")
    if isinstance(fig, CachedChart) and fig._figure is None:
        png = fig.png  # checked (title, labels) when it was drawn and stored
    else:
        fig = fig.figure if isinstance(fig, CachedChart) else fig
        problems = check(fig)
        if problems:
            _close(fig)
            raise ValueError("figure is not ready for students: " + "; ".join(problems))
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", bbox_inches="tight", metadata={"Software": None})
        _close(fig)
        png = buffer.getvalue()
        path = getattr(fig, "_mp_cache_path", None)
        if path is not None and _cache_mode() == "write":
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_bytes(png)
            os.replace(tmp, path)
    text = f"[Figure: {alt}]" + (f"\n[Source: {source}]" if source else "")
    # A white card with a margin of its own: charts are drawn on white, and in a dark
    # theme a bare white rectangle reads as a hole in the page; a padded, rounded
    # card reads as a figure, its text stays dark on light, and the caption keeps the theme's colour.
    img = (
        f'<img alt="{html.escape(alt, quote=True)}" style="{IMG_STYLE}" '
        f'src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}"/>'
    )
    # The caption is no wider than the chart (the PNG header holds its width in pixels).
    width = int.from_bytes(png[16:20], "big")
    caption = (
        (f'<figcaption style="font-size:0.85em;max-width:{width}px">Source: {html.escape(source)}</figcaption>')
        if source
        else ""
    )
    return {"text/html": f'<figure class="mp-figure" style="margin:0">{img}{caption}</figure>', "text/plain": text}


def show(fig, alt: str, source: str | None = None) -> None:
    """Display ``fig`` as a PNG with alt text, then close it (see :func:`render`)."""
    display(render(fig, alt, source), raw=True)
