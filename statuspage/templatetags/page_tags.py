"""Template helpers of the public page: incident text, timelines and times."""

from datetime import datetime

from django import template
from django.db.models import Manager
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import gettext, pgettext

from incidents.models import Incident, IncidentUpdate
from monitors.models import Monitor
from statuspage.page.rows import state_html
from statuspage.public import markdown as safe_markdown
from statuspage.public.states import ComponentState

register = template.Library()


@register.filter
def markdown(text: str) -> SafeString:
    return safe_markdown.render(text or "")


@register.filter
def state_badge(state: ComponentState) -> SafeString:
    return state_html(state)


@register.filter
def timeline(incident: Incident) -> list[IncidentUpdate]:
    """The updates, newest first (prefetched by the view)."""
    return sorted(incident.updates.all(), key=lambda u: (u.created_at, u.pk), reverse=True)


@register.filter
def by_name(monitors: Manager[Monitor]) -> list[Monitor]:
    return sorted(monitors.all(), key=lambda m: (m.name.casefold(), m.pk))


@register.simple_tag
def moment(value: datetime, style: str = "full") -> SafeString:
    """A time in the site's zone with the zone named, machine-readable too."""
    local = timezone.localtime(value)
    shape = pgettext("short date and time", "j M Y, H:i") if style == "full" else "H:i"
    shown = date_format(local, shape)
    return format_html(
        '<time datetime="{}">{} {}</time>', local.isoformat(), shown, local.tzname() or ""
    )


@register.simple_tag
def ago(value: datetime, now: datetime | None = None) -> str:
    """ "5 minutes ago" or "in 3 hours"."""
    now = now or timezone.now()
    if abs((now - value).total_seconds()) < 60:
        return gettext("just now")
    if value <= now:
        return gettext("%(time)s ago") % {"time": timesince(value, now, depth=1)}
    return gettext("in %(time)s") % {"time": timeuntil(value, now, depth=1)}
