"""Charts drawn at build time by matplotlib as inline SVG, made safe for the portal's strict CSP.

matplotlib (SVG backend, `svg.fonttype: none`) was chosen over pygal and plotly: its SVG has
no script (pygal's embeds an inline <script> and random ids, plotly's static export needs a
browser), its text stays text (translatable, searchable, read by screen readers), and with
a fixed hash salt and no date its bytes are the same at every build. The SVG is then cut
down: no XML prolog, metadata or <style> element; inline styles become presentation
attributes; the font is the page's; ids are prefixed per chart so that two charts on one
page never share one. Each chart comes with its numbers as a table and a CSV (pages.py).
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from functools import lru_cache
from html import escape
from typing import Any

COLOURS = ("#3949ab", "#00897b", "#f4511e", "#8e24aa", "#6d4c41", "#546e7a")
WIDTH = 4.2  # inches at 72 points: 302 units wide, a phone's width: its text stays at its size
_PRESENTATION = {
    "fill",
    "fill-opacity",
    "stroke",
    "stroke-width",
    "stroke-linecap",
    "stroke-linejoin",
    "stroke-opacity",
    "stroke-dasharray",
    "stroke-miterlimit",
    "font-size",
    "font-weight",
    "font-style",
    "text-anchor",
    "opacity",
    "clip-path",
}


@lru_cache(maxsize=1)
def _matplotlib() -> Any:
    import matplotlib

    matplotlib.use("svg", force=True)
    return matplotlib


def _style_to_attributes(match: re.Match[str]) -> str:
    attributes = []
    for part in match.group(1).split(";"):
        name, _, value = part.partition(":")
        name, value = name.strip(), value.strip()
        if name in _PRESENTATION and value and '"' not in value:
            attributes.append(f'{name}="{value}"')
    return " ".join(attributes)


def clean_svg(svg: str, prefix: str, title: str) -> str:
    """matplotlib's SVG made fit to inline: see the module's docstring."""
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.DOTALL)
    svg = re.sub(r"<style[^>]*>.*?</style>", "", svg, flags=re.DOTALL)
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.DOTALL)
    svg = re.sub(r'style="([^"]*)"', _style_to_attributes, svg)
    # The page's colours, light or dark: text and axes in currentColor, no white background.
    svg = svg.replace('fill="#ffffff"', 'fill="none"')
    svg = svg.replace('"#000000"', '"currentColor"').replace('"#262626"', '"currentColor"')
    used = set(re.findall(r'url\(#([^)]+)\)|href="#([^"]+)"', svg))
    referenced = {a or b for a, b in used}
    svg = re.sub(
        r'\sid="([^"]+)"',
        lambda m: f' id="{prefix}-{m.group(1)}"' if m.group(1) in referenced else "",
        svg,
    )
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}-{m.group(1)})", svg)
    svg = re.sub(r'href="#([^"]+)"', lambda m: f'href="#{prefix}-{m.group(1)}"', svg)
    svg = re.sub(r"<defs>\s*</defs>", "", svg)
    svg = re.sub(r">\s+<", "><", svg)
    head_end = svg.index(">")
    head = svg[:head_end]
    head = re.sub(r'\s(width|height|version)="[^"]*"', "", head).replace(
        "<svg", f'<svg class="relais-chart__svg" role="img" aria-labelledby="{prefix}-title"', 1
    )
    head += ' stroke-linejoin="round" stroke-linecap="butt" font-family="inherit"'

    return f'{head}><title id="{prefix}-title">{escape(title)}</title>{svg[head_end + 1 :]}'


def bars(
    prefix: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    percent: bool = False,
    number: Any = str,
) -> str:
    """A horizontal bar chart (one bar per label and series), its values written at the bars."""
    mpl = _matplotlib()
    from matplotlib.figure import Figure

    rows = max(1, len(labels))
    height = 0.6 + rows * (0.32 + 0.22 * len(series))
    with mpl.rc_context(
        {
            "svg.fonttype": "none",
            "svg.hashsalt": prefix,
            # Labels are text from exports and colleagues: `$x^$` is never read as a formula
            # (matplotlib's mathtext raised on it, and stopped the build).
            "text.parse_math": False,
            "font.size": 13,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    ):
        fig = Figure(figsize=(WIDTH, height))
        ax = fig.subplots()
        thickness = 0.8 / max(1, len(series))
        for i, (name, values) in enumerate(series):
            positions = [r + (i - (len(series) - 1) / 2) * thickness for r in range(len(labels))]
            drawn = ax.barh(
                positions, values, height=thickness, color=COLOURS[i % len(COLOURS)], label=name
            )
            ax.bar_label(
                drawn,
                labels=[number(v) for v in values],
                padding=3,
                fontsize=12,
            )
        ax.set_yticks(range(len(labels)), labels=list(labels))
        ax.invert_yaxis()
        ax.xaxis.set_visible(False)
        ax.spines["bottom"].set_visible(False)
        top = max((max(v) if v else 0) for _, v in series) if series else 0
        ax.set_xlim(0, (top or 1) * 1.3)
        if len(series) > 1:
            ax.legend(loc="lower right", frameon=False, fontsize=12)
        if percent:
            ax.set_xlim(0, (top or 0.01) * 1.3)
        fig.tight_layout(pad=0.4)
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    return clean_svg(buf.getvalue(), prefix, title)
