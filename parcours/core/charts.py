"""Charts drawn as inline SVG, one function for the screen and the PDF alike.

The markup carries no script and no ``style`` attribute (the Content Security Policy
forbids inline styles): only SVG presentation attributes (``stroke``, ``fill``,
``stroke-dasharray``, ``font-size``…), which both browsers and WeasyPrint understand.
Every series is told apart without colour, by its dash pattern and its marker shape,
and the legend repeats both.
"""

import hashlib
import math
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Series:
    """One line of a chart: its name in the legend and one value per axis (None: no value)."""

    name: str
    values: list


@dataclass(frozen=True)
class _Style:
    stroke: str
    dasharray: str  # "" for a solid line
    marker: str  # circle, square or triangle


# Colours meet 3:1 against white; the dash pattern and the marker tell them apart anyway.
STYLES = [
    _Style(stroke="#1f5f8b", dasharray="", marker="circle"),
    _Style(stroke="#a34f00", dasharray="8 5", marker="square"),
    _Style(stroke="#1d6b3a", dasharray="2 4", marker="triangle"),
]

FONT = "DejaVu Sans, Noto Sans, sans-serif"
WIDTH = 600
RADIUS = 150
CENTRE_X = WIDTH / 2
CENTRE_Y = 215  # leaves room above the top label
LABEL_GAP = 18  # between the outer ring and an axis label
LABEL_LINE = 15  # line height of a two-line label
LEGEND_Y = 430
LEGEND_ROW = 24
HEIGHT_WITHOUT_LEGEND = 410


def _n(value: float) -> str:
    """A coordinate, short and locale-independent."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _point(index: int, count: int, value: float, maximum: float) -> tuple[float, float]:
    """Axis ``index`` of ``count``, clockwise from the top, at ``value`` out of ``maximum``."""
    angle = -math.pi / 2 + 2 * math.pi * index / count
    distance = RADIUS * value / maximum
    return CENTRE_X + distance * math.cos(angle), CENTRE_Y + distance * math.sin(angle)


def _between(first: int, second: int, count: int, value: float, maximum: float):
    """The middle of the ring's edge between two neighbouring axes."""
    (x1, y1), (x2, y2) = (_point(i, count, value, maximum) for i in (first, second))
    return (x1 + x2) / 2, (y1 + y2) / 2


def _points(points) -> str:
    return " ".join(f"{_n(x)},{_n(y)}" for x, y in points)


def _marker(style: _Style, x: float, y: float, size: float = 5.0) -> SafeString:
    common = {"fill": style.stroke, "stroke": "#ffffff", "stroke-width": "1"}
    if style.marker == "circle":
        return format_html(
            '<circle cx="{}" cy="{}" r="{}" fill="{}" stroke="{}" stroke-width="{}"/>',
            _n(x),
            _n(y),
            _n(size),
            *common.values(),
        )
    if style.marker == "square":
        side = size * 1.7
        return format_html(
            '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="{}" stroke-width="{}"/>',
            _n(x - side / 2),
            _n(y - side / 2),
            _n(side),
            _n(side),
            *common.values(),
        )
    half = size * 1.15
    triangle = [(x, y - half * 1.2), (x + half, y + half * 0.8), (x - half, y + half * 0.8)]
    return format_html(
        '<polygon points="{}" fill="{}" stroke="{}" stroke-width="{}"/>',
        _points(triangle),
        *common.values(),
    )


def _wrap(label: str, width: int = 16) -> list[str]:
    """At most two lines of about ``width`` characters, cut between words."""
    words = label.split()
    lines = [""]
    for word in words:
        if lines[-1] and len(lines[-1]) + 1 + len(word) > width and len(lines) < 2:
            lines.append(word)
        else:
            lines[-1] = f"{lines[-1]} {word}".strip()
    return lines


def _axis_label(index: int, count: int, label: str, maximum: float) -> SafeString:
    x, y = _point(index, count, maximum + maximum * LABEL_GAP / RADIUS, maximum)
    anchor = "middle" if abs(x - CENTRE_X) < 1 else ("start" if x > CENTRE_X else "end")
    lines = _wrap(label)
    if y < CENTRE_Y - RADIUS * 0.35:  # above: the label grows upwards from the spoke's end
        first_y = y - (len(lines) - 1) * LABEL_LINE
    elif y > CENTRE_Y + RADIUS * 0.35:  # below: it grows downwards
        first_y = y + LABEL_LINE * 0.7
    else:  # on the sides: centred on the spoke's end
        first_y = y - (len(lines) - 1) * LABEL_LINE / 2 + 4
    tspans = format_html_join(
        "",
        '<tspan x="{}" y="{}">{}</tspan>',
        ((_n(x), _n(first_y + i * LABEL_LINE), line) for i, line in enumerate(lines)),
    )
    return format_html(
        '<text font-size="13" font-weight="600" fill="#1b2430" text-anchor="{}">{}</text>',
        anchor,
        tspans,
    )


def _segments(values: list) -> list[list[int]]:
    """Runs of consecutive axes that have a value, going round (the last joins the first)."""
    count = len(values)
    present = [value is not None for value in values]
    if all(present):
        return [list(range(count))]
    start = present.index(False)  # begin after a gap so that no run is cut in two
    runs, current = [], []
    for step in range(1, count + 1):
        index = (start + step) % count
        if present[index]:
            current.append(index)
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def _series(series: Series, style: _Style, count: int, maximum: float) -> SafeString:
    values = list(series.values) + [None] * (count - len(series.values))
    points = {
        index: _point(index, count, min(max(value, 0), maximum), maximum)
        for index, value in enumerate(values[:count])
        if value is not None
    }
    dash = format_html(' stroke-dasharray="{}"', style.dasharray) if style.dasharray else ""
    shapes = []
    # A missing value (domain not concerned, or not assessed) leaves a gap: the line is
    # broken on both sides of that axis rather than drawn through the centre (which
    # would read as "rated 0") or straight across to the next rated axis (which would
    # cross the empty axis at a made-up value). Rated axes are joined to their rated
    # neighbours; an isolated rating still shows as its marker.
    for run in _segments(values[:count]):
        run_points = _points(points[index] for index in run)
        if len(run) == count:
            shapes.append(
                format_html(
                    '<polygon points="{}" fill="{}" fill-opacity="0.07" stroke="{}"'
                    ' stroke-width="2.5" stroke-linejoin="round"{}/>',
                    run_points,
                    style.stroke,
                    style.stroke,
                    dash,
                )
            )
        elif len(run) > 1:
            shapes.append(
                format_html(
                    '<polyline points="{}" fill="none" stroke="{}" stroke-width="2.5"'
                    ' stroke-linejoin="round" stroke-linecap="round"{}/>',
                    run_points,
                    style.stroke,
                    dash,
                )
            )
    shapes.extend(_marker(style, x, y) for x, y in points.values())
    return format_html(
        '<g class="radar__series" data-series="{}">{}</g>',
        series.name,
        mark_safe("".join(shapes)),  # built with format_html above
    )


def _legend(series: list[Series]) -> tuple[SafeString, float]:
    items = []
    x = 40.0
    y = LEGEND_Y
    for index, one in enumerate(series):
        style = STYLES[index % len(STYLES)]
        width = 64 + 7.5 * len(one.name)
        if x + width > WIDTH - 20 and x > 40:
            x, y = 40.0, y + LEGEND_ROW
        dash = format_html(' stroke-dasharray="{}"', style.dasharray) if style.dasharray else ""
        items.append(
            format_html(
                '<g class="radar__legend-item"><line x1="{}" y1="{}" x2="{}" y2="{}"'
                ' stroke="{}" stroke-width="2.5"{}/>{}'
                '<text x="{}" y="{}" font-size="13" fill="#1b2430">{}</text></g>',
                _n(x),
                _n(y),
                _n(x + 40),
                _n(y),
                style.stroke,
                dash,
                _marker(style, x + 20, y),
                _n(x + 48),
                _n(y + 4.5),
                one.name,
            )
        )
        x += width
    return mark_safe("".join(items)), y  # built with format_html above


def _description(axes: list[str], series: list[Series]) -> str:
    parts = []
    for one in series:
        values = ", ".join(
            f"{axis} {value}" if value is not None else _("%(axis)s not rated") % {"axis": axis}
            for axis, value in zip(axes, one.values, strict=False)
        )
        parts.append(f"{one.name}: {values}.")
    return " ".join(parts)


def radar_svg(
    *, axes: list[str], series: list[Series], maximum=5, title: str | None = None
) -> SafeString:
    """A radar (star) chart: one spoke per axis, rings at 1..``maximum``, one shape per
    series. Returns safe, escaped inline SVG markup."""
    count = len(axes)
    if count < 3:
        raise ValueError("A radar chart needs at least three axes.")
    title = title or _("Ratings per domain")
    digest = hashlib.sha1(
        repr((axes, [(s.name, list(s.values)) for s in series], maximum, title)).encode(),
        usedforsecurity=False,
    ).hexdigest()[:8]
    chart_id = f"radar-{digest}"

    rings = format_html_join(
        "",
        '<polygon points="{}" fill="none" stroke="{}" stroke-width="1"/>',
        (
            (
                _points(_point(index, count, level, maximum) for index in range(count)),
                "#8793a3" if level == maximum else "#d5dae1",
            )
            for level in range(1, int(maximum) + 1)
        ),
    )
    # Each ring's number sits just inside it, halfway between the last spoke and the top
    # one: ratings are whole numbers, so a point on a spoke always falls where a number on
    # the spoke would be, while between two spokes only lines pass.
    ring_numbers = format_html_join(
        "",
        '<text x="{}" y="{}" font-size="10" fill="#4a5566" text-anchor="middle">{}</text>',
        (
            (_n(x), _n(y + 3.5), level)
            for level in range(1, int(maximum) + 1)
            for x, y in [_between(count - 1, 0, count, level - 0.3, maximum)]
        ),
    )
    spokes = format_html_join(
        "",
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#b8c0cc" stroke-width="1"/>',
        (
            (_n(CENTRE_X), _n(CENTRE_Y), *map(_n, _point(index, count, maximum, maximum)))
            for index in range(count)
        ),
    )
    labels = mark_safe(  # built with format_html
        "".join(_axis_label(index, count, axis, maximum) for index, axis in enumerate(axes))
    )
    shapes = mark_safe(  # built with format_html
        "".join(
            _series(one, STYLES[index % len(STYLES)], count, maximum)
            for index, one in enumerate(series)
        )
    )
    legend, last_row_y = _legend(series)
    height = last_row_y + LEGEND_ROW if series else HEIGHT_WITHOUT_LEGEND

    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="radar" viewBox="0 0 {width} {height}"'
        ' width="{width}" height="{height}" role="img"'
        ' aria-labelledby="{id}-title" aria-describedby="{id}-desc"'
        ' font-family="{font}">'
        '<title id="{id}-title">{title}</title>'
        '<desc id="{id}-desc">{desc}</desc>'
        '<g class="radar__grid">{rings}{spokes}{ring_numbers}</g>'
        '<g class="radar__labels">{labels}</g>'
        "{shapes}"
        '<g class="radar__legend">{legend}</g>'
        "</svg>",
        width=WIDTH,
        height=_n(height),
        id=chart_id,
        font=FONT,
        title=title,
        desc=_description(axes, series),
        rings=rings,
        spokes=spokes,
        ring_numbers=ring_numbers,
        labels=labels,
        shapes=shapes,
        legend=legend,
    )
