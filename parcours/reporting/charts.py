"""The report's bar charts as inline SVG, for the screen and the PDF alike.

Built like ``parcours.core.charts``: no script, no ``style`` attribute (strict CSP), only
SVG presentation attributes that browsers and WeasyPrint both understand. Every bar
carries its value as text, so nothing is told by colour alone, and each chart has a
``<title>`` and a ``<desc>`` that reads the figures out. The charts illustrate the tables
of ``tables.py``; they take their figures from the same ``Report``.
"""

import hashlib

from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from parcours.core.charts import FONT, _n, _wrap
from parcours.core.domains import Domain
from parcours.programme.enums import ExitOutcome

WIDTH = 600
INK = "#1b2430"
MUTED = "#4a5566"
GRID = "#d5dae1"
AXIS = "#8793a3"
BAR = "#1f5f8b"
BAR_ALT = "#a34f00"
DASH = "\u2013"  # en dash

# Horizontal bars: the label column, the bar area and the room left for the value.
LABEL_X = 8
BAR_X = 230
BAR_WIDTH = 290
ROW = 36
TOP = 12
SCALE_ROOM = 26


def format_number(value, decimals: int = 0) -> str:
    """A figure in the current language's format (``1 180,50`` in French), a dash for none."""
    if value is None:
        return DASH
    return number_format(value, decimals, use_l10n=True, force_grouping=True)


def format_pct(value) -> str:
    """A percentage with one decimal, "41,7 %" (a dash when there is no denominator)."""
    if value is None:
        return DASH
    return f"{format_number(value, 1)}\u00a0%"


def _chart_id(prefix: str, *parts) -> str:
    digest = hashlib.sha1(repr(parts).encode(), usedforsecurity=False).hexdigest()[:8]
    return f"{prefix}-{digest}"


def _svg(*, css_class, chart_id, height, title, desc, body) -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="bar-chart {css_class}"'
        ' viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img"'
        ' aria-labelledby="{id}-title" aria-describedby="{id}-desc" font-family="{font}">'
        '<title id="{id}-title">{title}</title>'
        '<desc id="{id}-desc">{desc}</desc>'
        "{body}"
        "</svg>",
        css_class=css_class,
        width=WIDTH,
        height=_n(height),
        id=chart_id,
        font=FONT,
        title=title,
        desc=desc,
        body=body,
    )


def _empty(css_class, title, message) -> SafeString:
    chart_id = _chart_id(css_class, title, message)
    body = format_html(
        '<text x="{}" y="34" font-size="14" fill="{}" text-anchor="middle">{}</text>',
        _n(WIDTH / 2),
        MUTED,
        message,
    )
    return _svg(
        css_class=css_class, chart_id=chart_id, height=56, title=title, desc=message, body=body
    )


def _horizontal_bars(*, css_class, title, rows, maximum, scale_step, scale_label) -> SafeString:
    """``rows``: (label, value or None, value text). Bars from 0 to ``maximum``, a scale
    under them every ``scale_step``."""
    chart_id = _chart_id(css_class, title, rows, maximum)
    height = TOP + ROW * len(rows) + SCALE_ROOM
    bottom = TOP + ROW * len(rows)
    parts = []
    step = scale_step
    tick = 0.0
    while tick <= maximum + 1e-9:
        x = BAR_X + BAR_WIDTH * tick / maximum
        parts.append(
            format_html(
                '<line x1="{x}" y1="{top}" x2="{x}" y2="{bottom}" stroke="{colour}"'
                ' stroke-width="1"/>'
                '<text x="{x}" y="{label_y}" font-size="10" fill="{muted}"'
                ' text-anchor="middle">{label}</text>',
                x=_n(x),
                top=_n(TOP - 4),
                bottom=_n(bottom),
                colour=AXIS if tick == 0 else GRID,
                label_y=_n(bottom + 14),
                muted=MUTED,
                label=scale_label(tick),
            )
        )
        tick += step
    for index, (label, value, text) in enumerate(rows):
        y = TOP + ROW * index
        lines = _wrap(str(label), 30)
        first_y = y + ROW / 2 + 4.5 - (len(lines) - 1) * 7
        tspans = format_html_join(
            "",
            '<tspan x="{}" y="{}">{}</tspan>',
            ((_n(LABEL_X), _n(first_y + i * 14), line) for i, line in enumerate(lines)),
        )
        bar = ""
        end = BAR_X
        if value is not None and maximum:
            length = BAR_WIDTH * min(max(value, 0), maximum) / maximum
            end = BAR_X + length
            if length > 0:
                bar = format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>',
                    _n(BAR_X),
                    _n(y + 8),
                    _n(length),
                    _n(ROW - 16),
                    BAR,
                )
        parts.append(
            format_html(
                '<g class="bar-chart__row"><text font-size="12" fill="{ink}">{tspans}</text>'
                '{bar}<text x="{vx}" y="{vy}" font-size="12" font-weight="600"'
                ' fill="{ink}">{text}</text></g>',
                ink=INK,
                tspans=tspans,
                bar=bar,
                vx=_n(end + 6),
                vy=_n(y + ROW / 2 + 4.5),
                text=text,
            )
        )
    desc = "; ".join(f"{label}: {text}" for label, _value, text in rows) + "."
    return _svg(
        css_class=css_class,
        chart_id=chart_id,
        height=height,
        title=title,
        desc=desc,
        body=mark_safe("".join(parts)),  # built with format_html above
    )


def _pct_scale(tick) -> str:
    return f"{int(tick)}\u00a0%"


def outcomes_chart(report) -> SafeString:
    """The share of each outcome among the exits of the year, one horizontal bar each."""
    title = _("Outcomes of the exits of the year")
    results = (report.figures or {}).get("results") or {}
    outcomes = (report.counts or {}).get("outcomes") or {}
    if not results.get("exits"):
        return _empty("bar-chart--outcomes", title, _("No exit in this period."))
    rows = []
    for outcome in ExitOutcome:
        value = results.get(f"{outcome.value}_pct")
        count = outcomes.get(outcome.value)
        text = format_pct(value)
        if count is not None:
            text = _("%(pct)s (%(count)s)") % {"pct": text, "count": format_number(count)}
        rows.append((outcome.label, value, text))
    return _horizontal_bars(
        css_class="bar-chart--outcomes",
        title=title,
        rows=rows,
        maximum=100,
        scale_step=25,
        scale_label=_pct_scale,
    )


def improvement_chart(report) -> SafeString:
    """The share of completed exits that improved, per domain, highest first, with the
    number rated at both moments (n)."""
    title = _("Improvement by domain")
    figures = report.figures or {}
    improvement = figures.get("improvement_pct") or {}
    rated = figures.get("improvement_n") or {}
    if not any(rated.get(domain.value) for domain in Domain):
        return _empty(
            "bar-chart--improvement", title, _("No completed exit rated at entry and end.")
        )
    rows = []
    for domain in Domain:
        value = improvement.get(domain.value)
        n = rated.get(domain.value) or 0
        text = _("%(pct)s (n = %(n)s)") % {"pct": format_pct(value), "n": format_number(n)}
        rows.append((domain.label, value, text))
    rows.sort(key=lambda row: -(row[1] if row[1] is not None else -1))
    return _horizontal_bars(
        css_class="bar-chart--improvement",
        title=title,
        rows=rows,
        maximum=100,
        scale_step=25,
        scale_label=_pct_scale,
    )


# Evolution: two panels one above the other, each with its own scale.
PANEL_HEIGHT = 150
PANEL_TITLE = 22
YEAR_ROOM = 22
VALUE_ROOM = 18
PLOT_X = 40
PLOT_WIDTH = WIDTH - PLOT_X - 10


def _nice_maximum(value) -> float:
    """A round upper bound for a scale (1, 2, 2.5 or 5 times a power of ten)."""
    if not value or value <= 0:
        return 1.0
    power = 1.0
    while power * 10 <= value:
        power *= 10
    while power > value:
        power /= 10
    for factor in (1, 2, 2.5, 5, 10):
        if power * factor >= value:
            return power * factor
    return power * 10


def _vertical_panel(*, top, heading, years, values, texts, fill, outline) -> SafeString:
    maximum = _nice_maximum(max((v for v in values if v is not None), default=0))
    plot_bottom = top + PANEL_TITLE + VALUE_ROOM + PANEL_HEIGHT
    parts = [
        format_html(
            '<text x="{}" y="{}" font-size="13" font-weight="600" fill="{}">{}</text>',
            _n(LABEL_X),
            _n(top + 15),
            INK,
            heading,
        )
    ]
    for fraction in (0, 0.5, 1):
        y = plot_bottom - PANEL_HEIGHT * fraction
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1"/>'
                '<text x="{}" y="{}" font-size="10" fill="{}" text-anchor="end">{}</text>',
                _n(PLOT_X),
                _n(y),
                _n(PLOT_X + PLOT_WIDTH),
                _n(y),
                AXIS if fraction == 0 else GRID,
                _n(PLOT_X - 4),
                _n(y + 3.5),
                MUTED,
                format_number(maximum * fraction),
            )
        )
    slot = PLOT_WIDTH / max(len(years), 1)
    bar_width = min(48.0, slot * 0.6)
    for index, (year, value, text) in enumerate(zip(years, values, texts, strict=True)):
        centre = PLOT_X + slot * (index + 0.5)
        height = PANEL_HEIGHT * (value or 0) / maximum
        if height > 0:
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="{}"'
                    ' stroke-width="2"/>',
                    _n(centre - bar_width / 2),
                    _n(plot_bottom - height),
                    _n(bar_width),
                    _n(height),
                    fill,
                    outline,
                )
            )
        parts.append(
            format_html(
                '<text x="{x}" y="{vy}" font-size="11" font-weight="600" fill="{ink}"'
                ' text-anchor="middle">{text}</text>'
                '<text x="{x}" y="{yy}" font-size="12" fill="{ink}"'
                ' text-anchor="middle">{year}</text>',
                x=_n(centre),
                vy=_n(plot_bottom - height - 5),
                ink=INK,
                text=text,
                yy=_n(plot_bottom + 16),
                year=year,
            )
        )
    return mark_safe("".join(parts))  # built with format_html above


def evolution_chart(report) -> SafeString:
    """Participants and workshop hours by year: two bar charts, one above the other,
    each with its own scale (participants: filled bars; hours: outlined bars)."""
    title = _("Evolution of participants and workshop hours")
    evolution = (report.figures or {}).get("evolution") or []
    if not evolution:
        return _empty("bar-chart--evolution", title, _("No year with data."))
    years = [str(row["year"]) for row in evolution]
    participants = [row.get("participants") for row in evolution]
    hours = [(row.get("hours") or {}).get("total") for row in evolution]
    participant_texts = [format_number(value) for value in participants]
    # Whole hours on the bars (the table gives them with two decimals).
    hour_texts = [format_number(round(value)) if value is not None else DASH for value in hours]
    panel = PANEL_TITLE + VALUE_ROOM + PANEL_HEIGHT + YEAR_ROOM
    body = mark_safe(  # built with format_html
        _vertical_panel(
            top=4,
            heading=_("Participants"),
            years=years,
            values=participants,
            texts=participant_texts,
            fill=BAR,
            outline=BAR,
        )
        + _vertical_panel(
            top=4 + panel + 12,
            heading=_("Workshop hours (rounded)"),
            years=years,
            values=hours,
            texts=hour_texts,
            fill="#ffffff",
            outline=BAR_ALT,
        )
    )
    desc = " ".join(
        [
            _("Participants: %(values)s.")
            % {
                "values": ", ".join(
                    f"{year} {text}" for year, text in zip(years, participant_texts, strict=True)
                )
            },
            _("Workshop hours: %(values)s.")
            % {
                "values": ", ".join(
                    f"{year} {format_number(value, 2)}"
                    for year, value in zip(years, hours, strict=True)
                )
            },
        ]
    )
    return _svg(
        css_class="bar-chart--evolution",
        chart_id=_chart_id("evolution", years, participants, hours),
        height=4 + 2 * panel + 12,
        title=title,
        desc=desc,
        body=body,
    )
