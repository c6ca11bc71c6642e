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

from monitors.performance import Point


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


def response_chart(points: Sequence[Point], width: int = 520, height: int = 140) -> SafeString:
    """Average (line) and slowest (shaded) response time per hour or day, and
    the periods with failed checks marked red along the bottom axis."""
    left, bottom = 44, 18
    plot_w, plot_h = width - left - 4, height - bottom - 6
    if not points:
        return mark_safe(  # noqa: S308 - numbers only
            f'<svg class="chart" width="{width}" height="{height}" role="img" '
            f'aria-label="no checks in this span"><text x="{left}" y="{height / 2:.0f}">'
            "No checks in this span.</text></svg>"
        )
    peaks = [float(p.max_ms) for p in points if p.max_ms is not None]
    top, scale = _scale(peaks or [1.0], plot_h, 0)
    step = plot_w / max(len(points), 1)
    avg, peak, dots, failed = [], [], [], []
    for n, p in enumerate(points):
        x = left + step * (n + 0.5)
        label = escape(_label(p.at))
        if p.avg_ms is not None and p.max_ms is not None:
            y_avg = 6 + plot_h - p.avg_ms * scale
            avg.append(f"{x:.1f},{y_avg:.1f}")
            peak.append(f"{x:.1f},{6 + plot_h - p.max_ms * scale:.1f}")
            uptime = 100.0 * p.successes / p.checks if p.checks else 100.0
            dots.append(
                f'<circle cx="{x:.1f}" cy="{y_avg:.1f}" r="{max(2.0, min(step / 2, 4)):.1f}">'
                f"<title>{label}: avg {p.avg_ms:.0f} ms, max {p.max_ms} ms, "
                f"{uptime:.2f}% up ({p.checks} checks)</title></circle>"
            )
        if p.checks and p.successes < p.checks:
            failed.append(
                f'<rect x="{x - step / 2:.1f}" y="{6 + plot_h:.1f}" width="{step:.1f}" height="4">'
                f"<title>{label}: {p.checks - p.successes} failed checks</title></rect>"
            )
    area = ""
    if peak:
        base = 6 + plot_h
        first_x, last_x = peak[0].split(",")[0], peak[-1].split(",")[0]
        area = f'<polygon class="max" points="{first_x},{base} {" ".join(peak)} {last_x},{base}"/>'
    grid = "".join(
        f'<line x1="{left}" x2="{width - 4}" y1="{6 + plot_h - f * plot_h:.1f}" '
        f'y2="{6 + plot_h - f * plot_h:.1f}"/>'
        f'<text x="{left - 4}" y="{10 + plot_h - f * plot_h:.1f}">{top * f:.0f}</text>'
        for f in (0.0, 0.5, 1.0)
    )
    return mark_safe(  # noqa: S308 - numbers and escaped labels only
        f'<svg class="chart" width="100%" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="response time in ms, average and maximum per period">'
        f'<g class="grid">{grid}</g>{area}'
        f'<polyline class="avg" points="{" ".join(avg)}"/>'
        f'<g class="dots">{"".join(dots)}</g><g class="failed">{"".join(failed)}</g>'
        f'<text class="axis" x="{left}" y="{height - 3}">{escape(_label(points[0].at))}</text>'
        f'<text class="axis end" x="{width - 4}" y="{height - 3}">'
        f"{escape(_label(points[-1].at))}</text></svg>"
    )
