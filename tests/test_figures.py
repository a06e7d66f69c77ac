"""middlepowers.figures: every chart reaches the page with alt text, a title and labelled axes."""

from __future__ import annotations

import base64

import matplotlib

matplotlib.use("agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from middlepowers.figures import render  # noqa: E402


def _chart(title="Exports by year", xlabel="Year", ylabel="% of exports"):
    fig, ax = plt.subplots()
    ax.plot([2024, 2025], [75.9, 71.7])
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return fig


def test_render_gives_an_image_with_alt_text_and_a_text_fallback():
    fig = _chart()
    bundle = render(fig, alt='US share of "exports" falls from 75.9% to 71.7%', source="canada_trade.csv lines 2-3")
    html, text = bundle["text/html"], bundle["text/plain"]
    assert html.startswith('<figure class="mp-figure" style="margin:0"><img alt="US share of &quot;exports&quot; falls')
    png = base64.b64decode(html.split("base64,", 1)[1].split('"', 1)[0])
    assert png.startswith(b"\x89PNG")
    # the source is page text under the chart, no wider than the chart
    width = int.from_bytes(png[16:20], "big")
    assert html.endswith(
        f'<figcaption style="font-size:0.85em;max-width:{width}px">'
        "Source: canada_trade.csv lines 2-3</figcaption></figure>"
    )
    assert text == '[Figure: US share of "exports" falls from 75.9% to 71.7%]\n[Source: canada_trade.csv lines 2-3]'
    assert not plt.fignum_exists(fig.number)  # closed: no second copy drawn by the inline backend


@pytest.mark.parametrize("alt", ["", "a chart", None])
def test_render_refuses_missing_or_vague_alt_text(alt):
    fig = _chart()
    with pytest.raises(ValueError, match="alt text"):
        render(fig, alt=alt)
    assert not plt.fignum_exists(fig.number)


def test_render_refuses_an_unlabelled_chart():
    fig = _chart(title="", ylabel="")
    with pytest.raises(ValueError, match="no title.*no y-axis label"):
        render(fig, alt="a line chart of exports over two years")
    assert not plt.fignum_exists(fig.number)


def test_no_source_no_caption():
    bundle = render(_chart(), alt="US share of exports falls over two years")
    assert "<figcaption" not in bundle["text/html"]
    assert bundle["text/plain"] == "[Figure: US share of exports falls over two years]"


def test_new_figure_stays_outside_pyplot_and_renders():
    from middlepowers.figures import new_figure

    before = plt.get_fignums()
    fig, axes = new_figure(6, 3, ncols=2)
    assert len(axes) == 2 and plt.get_fignums() == before  # the inline backend never sees it
    for ax in axes:
        ax.bar([0, 1], [1, 2])
        ax.set_title("Bars")
        ax.set_xlabel("x")
        ax.set_ylabel("y")
    assert render(fig, alt="two panels of two bars each")["text/html"].startswith('<figure class="mp-figure"')


def test_attribution_colours_come_from_the_palette():
    from middlepowers.figures import PALETTE
    from middlepowers.rhetoric import GROUP_COLOURS

    assert set(GROUP_COLOURS.values()) <= set(PALETTE)
