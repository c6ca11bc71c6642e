"""SVG status badges for a monitor and for a category: the name on the left,
the state (or, with ``?show=uptime``, the uptime of the last 30 days) on the
right, coloured and in words. Cached briefly by browsers and proxies."""

from collections import defaultdict

from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from incidents.models import Incident
from monitors import uptime
from monitors.models import Category, Monitor
from statuspage.page.bars import format_percent, level
from statuspage.page.xmltext import xml_text
from statuspage.public.cache import public_response
from statuspage.public.onpage import on_page, page_of
from statuspage.public.shown import PAGE_FIELDS, shown_queryset
from statuspage.public.states import ComponentState, component_state, worst

MAX_LABEL = 40

STATE_COLOURS = {
    ComponentState.OPERATIONAL: "#1f883d",
    ComponentState.DEGRADED: "#9a6700",
    ComponentState.PARTIAL_OUTAGE: "#bc4c00",
    ComponentState.MAJOR_OUTAGE: "#cf222e",
    ComponentState.MAINTENANCE: "#0969da",
    ComponentState.PENDING: "#6e7781",
}
LEVEL_COLOURS = {
    "b0": "#6e7781",
    "b1": "#1f883d",
    "b2": "#9a6700",
    "b3": "#bc4c00",
    "b4": "#cf222e",
}

# Approximate advance widths of Verdana at 11 px, enough to size the boxes.
_NARROW, _SEMI, _WIDE = set("ijl.,:;!|'`"), set("frt()[]{}I -/"), set("mwMW%")


def text_width(text: str) -> int:
    width = 0.0
    for char in text:
        if char in _NARROW:
            width += 3.6
        elif char in _SEMI:
            width += 4.6
        elif char in _WIDE:
            width += 10.6
        elif char.isupper():
            width += 7.8
        else:
            width += 6.9
    return round(width)


def svg(label: str, value: str, colour: str, title: str) -> str:
    label, value, title = xml_text(label), xml_text(value), xml_text(title)
    if len(label) > MAX_LABEL:
        label = label[: MAX_LABEL - 1] + "…"
    left, right = text_width(label) + 12, text_width(value) + 12
    # The template escapes every text: names are typed by staff.
    return render_to_string(
        "statuspage/badge.svg",
        {
            "label": label, "value": value, "colour": colour, "title": title,
            "left": left, "right": right, "width": left + right,
            "label_x": left / 2, "value_x": left + right / 2,
        },
    )  # fmt: skip


def _response(label: str, value: str, colour: str) -> HttpResponse:
    body = svg(label, value, colour, f"{label}: {value}")
    return HttpResponse(body, content_type="image/svg+xml; charset=utf-8")


def _severities(monitor_ids: list[int]) -> dict[int, set[str]]:
    """Severities of the open incidents on the page, by monitor (one query)."""
    links = Incident.monitors.through.objects.filter(
        monitor_id__in=monitor_ids,
        incident__in=Incident.objects.on_status_page().active(),
    ).values_list("monitor_id", "incident__severity")
    found: dict[int, set[str]] = defaultdict(set)
    for monitor_id, severity in links:
        found[monitor_id].add(severity)
    return found


def _badge(request: HttpRequest, label: str, monitors: list[Monitor]) -> HttpResponse:
    ids = [m.pk for m in monitors]
    if request.GET.get("show") == "uptime":  # the one parameter the cache varies on
        percent = uptime.total(uptime.last_days(ids, uptime.UPTIME_DAYS).values()).percent
        return _response(label, format_percent(percent), LEVEL_COLOURS[level(percent)])
    severities = _severities(ids)
    state = worst(component_state(m.status, severities[m.pk]) for m in monitors)
    return _response(label, str(state.label), STATE_COLOURS[state])


@require_safe
@on_page
@public_response(max_age=60, params={"show": ("uptime",)})
def monitor_badge(request: HttpRequest, pk: int) -> HttpResponse:
    layout = page_of(request).layout
    monitor = Monitor.objects.active().only(*PAGE_FIELDS).filter(pk=pk).first()
    if monitor is None or not layout.shows(monitor):  # another page's is no business of this one
        raise Http404(gettext("No such monitor"))
    return _badge(request, monitor.name, [monitor])


@require_safe
@on_page
@public_response(max_age=60, params={"show": ("uptime",)})
def category_badge(request: HttpRequest, pk: int) -> HttpResponse:
    layout = page_of(request).layout
    category = Category.objects.filter(pk=pk).first()
    # Its monitors' states only: the category is at hand, not prefetched again.
    monitors = list(shown_queryset(layout, Q(category_id=pk)).only(*PAGE_FIELDS))
    # A category the page shows, as a whole or by some of its monitors (those count).
    if category is None or not (layout.everything or pk in layout.categories or monitors):
        raise Http404(gettext("No such category"))
    return _badge(request, category.name, monitors)
