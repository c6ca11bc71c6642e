"""The monitor rows of the Systems section and the state labels, written here
rather than in a template: 500 rows through the template engine cost ~30 ms,
a fifth of the page's time budget. Every text is escaped."""

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from statuspage.page.bars import DAYS, Bars
from statuspage.public.shown import Shown
from statuspage.public.states import ComponentState

STATE = (
    '<span class="state st-{code}"><svg class="ico" aria-hidden="true">'
    '<use href="#i-{code}"></use></svg>{label}</span>'
)
ROW = (
    '<li class="monitor" id="monitor-{id}">'
    '<div class="mhead"><span class="mname">{name}</span>{response}{state}</div>{bars}'
    "</li>\n"
)
BARS = (
    '<div class="bars" role="group" aria-label="{bars_label}">{cells}</div>'
    '<div class="scale" aria-hidden="true"><span class="far">{far}</span>'
    '<span class="near">{near}</span><span class="rule"></span>'
    '<span class="pct">{percent}</span><span class="rule"></span><span>{today}</span></div>'
)
RESPONSE = '<span class="rtime" title="{label}">{time}</span>'


@dataclass(frozen=True)
class Row:
    monitor: Shown
    state: ComponentState
    bars: Bars | None  # None: the page shows no uptime bars


def state_html(state: ComponentState) -> SafeString:
    """A state as an icon and a word, never as a colour alone."""
    return mark_safe(STATE.format(code=escape(state.value), label=escape(state.label)))  # noqa: S308


def _response_html(monitor: Shown, label: str) -> str:
    """The last check's response time, e.g. "182 ms" (nothing before the first)."""
    ms = monitor.last_response_ms
    if ms is None:
        return ""
    shown = gettext("%(ms)s ms") % {"ms": ms} if ms < 10_000 else f"{ms / 1000:.1f} s"
    return RESPONSE.format(label=label, time=escape(shown))


def _scale() -> tuple[str, str, str]:
    far = escape(ngettext("%(days)s day ago", "%(days)s days ago", DAYS) % {"days": DAYS})
    return far, escape(gettext("30 days ago")), escape(gettext("Today"))


def group_bars_html(bars: Bars, name: str) -> SafeString:
    """A collapsed category's one bar row: its monitors' checks summed per day."""
    far, near, today = _scale()
    label = escape(gettext("Daily uptime of %(name)s") % {"name": name})
    html = BARS.format(bars_label=label, cells=bars.cells, far=far, near=near,
                       percent=escape(bars.percent_text), today=today)  # fmt: skip
    return mark_safe(f'<div class="group-bars">{html}</div>')  # noqa: S308 - escaped above


def rows_html(rows: list[Row], response_times: bool = False) -> SafeString:
    """The rows; with ``response_times``, each with its last response time
    (Monitor.last_response_ms loaded: statuspage/public/shown.py's PAGE_FIELDS)."""
    far, near, today = _scale()
    states = {state: state_html(state) for state in ComponentState}
    bars_label = gettext("Daily uptime of %(name)s")
    response_label = escape(gettext("Response time of the last check"))
    html = "".join(
        ROW.format(
            id=row.monitor.pk,
            name=escape(row.monitor.name),
            response=_response_html(row.monitor, response_label) if response_times else "",
            state=states[row.state],
            bars=""
            if row.bars is None
            else BARS.format(
                bars_label=escape(bars_label % {"name": row.monitor.name}),
                cells=row.bars.cells,
                far=far,
                near=near,
                percent=escape(row.bars.percent_text),
                today=today,
            ),
        )
        for row in rows
    )
    return mark_safe(html)  # noqa: S308 - every text escaped above
