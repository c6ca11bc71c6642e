"""Charts as inline SVG drawn on the server: no JavaScript build, readable
without any script, and a <title> per point that browsers show on hover.

Every value written into the markup is a number formatted here or text passed
through ``escape``: nothing a user typed reaches an attribute unescaped.
"""

from collections.abc import Sequence
from datetime import date, datetime

from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from monitors.performance import Point, Span


def _label(at: datetime | date) -> str:
    if isinstance(at, datetime):
        return f"{timezone.localtime(at):%Y-%m-%d %H:00}"
    return f"{at:%Y-%m-%d}"


def _scale(values: Sequence[float], height: float, pad: float = 2.0) -> tuple[float, float]:
    top = max(values, default=0.0) or 1.0
    return top, (height - 2 * pad) / top


def sparkline(points: Sequence[Point], width: int = 96, height: int = 20) -> SafeString:
    """The last 24 hours in one line: response time, failed hours marked red."""
    if not points:
        return mark_safe(  # noqa: S308 - numbers only
            f'<svg class="spark" width="{width}" height="{height}" role="img" '
            'aria-label="no checks in the last 24 hours"></svg>'
        )
    step = width / 24
    timed = [p.avg_ms for p in points if p.avg_ms is not None]
    top, scale = _scale(timed, height)
    start = points[-1].at  # the newest hour is drawn at the right edge
    coords, marks = [], []
    for p in points:
        hours_back = (start - p.at).total_seconds() / 3600 if isinstance(p.at, datetime) else 0
        x = width - step * (hours_back + 0.5)
        if p.avg_ms is not None:
            coords.append(f"{x:.1f},{height - 2 - p.avg_ms * scale:.1f}")
        if p.checks and p.successes < p.checks:
            marks.append(f'<rect x="{x - step / 2:.1f}" y="0" width="{step:.1f}" height="3"/>')
    line = f'<polyline points="{" ".join(coords)}"/>' if coords else ""
    return mark_safe(  # noqa: S308 - numbers only
        f'<svg class="spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="response time, last 24 hours, up to {top:.0f} ms">'
        f'{line}<g class="failed">{"".join(marks)}</g></svg>'
    )


SERIES_CLASSES = 6  # colours in cockpit.css: .s0 ... .s5, by a location's place in the monitor's


def response_chart(span: Span, width: int = 520, height: int = 150) -> SafeString:
    """Response time per hour or day, a series per location (``.s0``... in the
    stylesheet): its average as a line, fastest-to-slowest shaded, and its
    periods with failed checks marked red in its own lane under the axis. The
    x axis is the span's periods, so the locations' points line up."""
    left, bottom = 44, 18
    lanes = max(len(span.series), 1)
    plot_w, plot_h = width - left - 4, height - bottom - 6 - 4 * lanes
    if not span.series:
        return mark_safe(  # noqa: S308 - numbers only
            f'<svg class="chart" width="{width}" height="{height}" role="img" '
            f'aria-label="no checks in this span"><text x="{left}" y="{height / 2:.0f}">'
            "No checks in this span.</text></svg>"
        )
    slot = {at: n for n, at in enumerate(span.slots)}
    step = plot_w / max(len(span.slots), 1)
    peaks = [float(p.max_ms) for s in span.series for p in s.points if p.max_ms is not None]
    top, scale = _scale(peaks or [1.0], plot_h, 0)
    base = 6 + plot_h
    layers, dots, failed = [], [], []
    for lane, series in enumerate(span.series):
        kind, name = f"s{series.index % SERIES_CLASSES}", escape(series.label)
        avg, upper, lower = [], [], []
        for p in series.points:
            x = left + step * (slot[p.at] + 0.5)
            label = escape(_label(p.at))
            if p.avg_ms is not None and p.max_ms is not None:
                y_avg = base - p.avg_ms * scale
                avg.append(f"{x:.1f},{y_avg:.1f}")
                upper.append(f"{x:.1f},{base - p.max_ms * scale:.1f}")
                lower.append(f"{x:.1f},{base - (p.fastest_ms or p.avg_ms) * scale:.1f}")
                uptime = 100.0 * p.successes / p.checks if p.checks else 100.0
                fastest = f"min {p.min_ms:.0f} ms, " if p.min_ms is not None else ""
                dots.append(
                    f'<circle class="{kind}" cx="{x:.1f}" cy="{y_avg:.1f}" '
                    f'r="{max(2.0, min(step / 2, 4)):.1f}"><title>{name} {label}: '
                    f"avg {p.avg_ms:.0f} ms, {fastest}max {p.max_ms} ms, "
                    f"{uptime:.2f}% up ({p.checks} checks)</title></circle>"
                )
            if p.checks and p.successes < p.checks:
                failed.append(
                    f'<rect x="{x - step / 2:.1f}" y="{base + 1 + 4 * lane:.1f}" '
                    f'width="{step:.1f}" height="3"><title>{name} {label}: '
                    f"{p.checks - p.successes} failed checks</title></rect>"
                )
        band = " ".join(upper + lower[::-1])
        layers.append(
            (f'<polygon class="max {kind}" points="{band}"/>' if band else "")
            + f'<polyline class="avg {kind}" points="{" ".join(avg)}"/>'
        )
    grid = "".join(
        f'<line x1="{left}" x2="{width - 4}" y1="{base - f * plot_h:.1f}" '
        f'y2="{base - f * plot_h:.1f}"/>'
        f'<text x="{left - 4}" y="{base + 4 - f * plot_h:.1f}">{top * f:.0f}</text>'
        for f in (0.0, 0.5, 1.0)
    )
    names = ", ".join(escape(s.label) for s in span.series)
    return mark_safe(  # noqa: S308 - numbers and escaped labels only
        f'<svg class="chart" width="100%" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="response time in ms per period, average and range, for {names}">'
        f'<g class="grid">{grid}</g>{"".join(layers)}'
        f'<g class="dots">{"".join(dots)}</g><g class="failed">{"".join(failed)}</g>'
        f'<text class="axis" x="{left}" y="{height - 3}">{escape(_label(span.slots[0]))}</text>'
        f'<text class="axis end" x="{width - 4}" y="{height - 3}">'
        f"{escape(_label(span.slots[-1]))}</text></svg>"
    )
