"""The chart cache (middlepowers.figures.chart): same bytes as drawing, never stale, never in the way."""

from __future__ import annotations

import base64
import re

import matplotlib
import pytest

from middlepowers import figures
from middlepowers import rhetoric as rh


def _png(bundle: dict) -> bytes:
    return base64.b64decode(re.search(r"base64,([A-Za-z0-9+/=]+)", bundle["text/html"]).group(1))


@pytest.fixture
def styled():
    saved = dict(matplotlib.rcParams)
    figures.use_style()
    yield
    matplotlib.rcParams.update(saved)


def test_every_cached_chart_is_drawn_by_the_current_code():
    """A file named by an older hash of its module, figures.py or matplotlib is stale."""
    cached = sorted(figures.CACHE_DIR.glob("*.png"))
    assert cached, "no cached charts: run `make figures`"
    stale = []
    for path in cached:
        module, rest = path.name.split(".", 1)
        code = rest.split("-")[1]
        __import__(f"middlepowers.{module}")
        if code != figures.code_hash(f"middlepowers.{module}"):
            stale.append(path.name)
    assert not stale, f"stale cached charts (run `make figures` and commit the result): {stale}"


def test_a_cached_chart_gives_the_bytes_drawing_gives(styled, monkeypatch):
    events = rh.load_events()
    chart = rh.plot_timeline(events, since="2026-01-19")
    assert isinstance(chart, figures.CachedChart), "lesson 02's timeline is not cached: run `make figures`"
    alt = "Timeline of the Davos week, coloured by actor"
    from_cache = _png(figures.render(chart, alt))
    monkeypatch.setenv(figures.CACHE_ENV, "off")
    drawn = rh.plot_timeline(events, since="2026-01-19")
    assert not isinstance(drawn, figures.CachedChart)
    assert _png(figures.render(drawn, alt)) == from_cache


def test_a_cached_chart_stands_in_for_the_figure(styled):
    chart = rh.plot_timeline(rh.load_events(), since="2026-01-19")
    assert isinstance(chart, figures.CachedChart)
    assert figures.check(chart) == [] and chart.axes[0].get_title()  # drawn on demand
    with pytest.raises(ValueError, match="alt text"):
        figures.render(chart, alt="a chart")


def test_other_arguments_or_a_students_own_style_draw(styled):
    events = rh.load_events()
    assert not isinstance(rh.plot_timeline(events, since="2026-01-20"), figures.CachedChart)
    matplotlib.rcParams["lines.linewidth"] = 4  # a student's own setting: never a stored image
    assert not isinstance(rh.plot_timeline(events, since="2026-01-19"), figures.CachedChart)
    with pytest.raises(ValueError):  # errors still come from the call, as before
        rh.plot_timeline(events, since="2030-01-01")


def test_write_mode_stores_what_render_draws(styled, monkeypatch, tmp_path):
    monkeypatch.setattr(figures, "CACHE_DIR", tmp_path)
    monkeypatch.setenv(figures.CACHE_ENV, "write")
    events = rh.load_events()
    fig = rh.plot_timeline(events, since="2026-01-21")
    png = _png(figures.render(fig, "Timeline of the Davos week, coloured by actor"))
    (stored,) = tmp_path.glob("rhetoric.plot_timeline-*.png")
    assert stored.read_bytes() == png
    monkeypatch.setenv(figures.CACHE_ENV, "read")
    assert isinstance(rh.plot_timeline(events, since="2026-01-21"), figures.CachedChart)


def _fresh_python(code: str) -> str:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=figures.CACHE_DIR)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_lesson_with_cached_charts_never_imports_matplotlib():
    out = _fresh_python(
        "import sys\n"
        "from middlepowers import figures, rhetoric as rh\n"
        "figures.use_style()\n"
        "chart = rh.plot_timeline(rh.load_events(), since='2026-01-19')\n"
        "figures.render(chart, 'Timeline of the Davos week, coloured by actor')\n"
        "print(type(chart).__name__, sorted(m for m in sys.modules if m.startswith('matplotlib')))\n"
    )
    assert out == "CachedChart []"


def test_use_style_before_matplotlib_styles_it_on_import():
    """Lesson 00 draws with pyplot after use_style(): the style must still apply."""
    out = _fresh_python(
        "from middlepowers import figures\n"
        "figures.use_style()\n"
        "import matplotlib.pyplot as plt\n"
        "import matplotlib\n"
        "print(matplotlib.rcParams['axes.titlesize'], matplotlib.rcParams['axes.spines.top'], figures._style_state())\n"
    )
    assert out == "12.0 False styled"
