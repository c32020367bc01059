"""The signals page's trend charts: server-side SVG line charts drawn by pygal, without any
JavaScript. A hidden cell ("<5" or "x") is a gap in its line, never a number. Each chart's
<style> is allowed by its hash in the page's Content-Security-Policy (bot/console/headers.py,
`with_style_hashes`)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date

import pygal
from markupsafe import Markup, escape
from pygal.style import Style

from bot.signals.summary import Cell

INLINE_SCRIPT = re.compile(r"<script[^>]*>.*?</script>", re.DOTALL)
# Okabe-Ito colours: told apart with the common colour-vision deficiencies.
STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#222",
    foreground_strong="#000",
    foreground_subtle="#555",
    colors=("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"),
    font_family="system-ui, sans-serif",
    title_font_size=18,
    legend_font_size=15,
    label_font_size=14,
    major_label_font_size=14,
)


def line_chart(
    title: str,
    weeks: Sequence[date],
    series: Mapping[str, Sequence[Cell]],
    description: str,
    no_data: str = "No data",
) -> Markup:
    """One SVG line chart, a line per series, one point per shown week's count; `no_data`:
    what it says when every count is hidden or missing (in the reader's language)."""
    chart = pygal.Line(
        title=title,
        no_data_text=no_data,
        style=STYLE,
        js=(),
        disable_xml_declaration=True,
        width=600,
        height=340,
        show_legend=True,
        legend_at_bottom=True,
        legend_at_bottom_columns=2,
        dots_size=3,
        include_x_axis=True,
        allow_interruptions=True,
        x_label_rotation=0,
        show_minor_x_labels=len(weeks) <= 13,
        truncate_legend=40,
        truncate_label=-1,
    )
    chart.x_labels = [week.strftime("%d/%m") for week in weeks]
    chart.x_labels_major = chart.x_labels[:: max(1, len(weeks) // 6)]
    for name, cells in series.items():
        chart.add(name, [cell.value for cell in cells])
    # pygal writes its settings in a <script> even without its JavaScript (js=()): dropped,
    # as the console's Content-Security-Policy allows no inline script.
    svg = INLINE_SCRIPT.sub("", chart.render(is_unicode=True))
    # its hidden tooltip group's style attribute, as the SVG attribute it stands for (the
    # policy allows no style attribute)
    svg = svg.replace(' style="opacity: 0"', ' opacity="0"')
    label = escape(f"{title}. {description}")
    # The chart as one image for screen readers; the tables below hold the same numbers.
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1))
