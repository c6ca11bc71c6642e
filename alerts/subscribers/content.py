"""What a notice says: the email (subject, plain text, HTML; in each
subscriber's language, named and linked as the subscriber's page) and the
webhook's JSON (its shape is documented in README.md, "Subscribers", and
versioned by ``version``).

A batch renders each page and language once, with a placeholder where the
subscriber's own links go, and puts each subscriber's token in by string
replacement: 10,000 emails do not mean 10,000 template renders."""

import zoneinfo
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from alerts.messages import one_line
from alerts.models import Notice, NoticeKind
from alerts.subscribers import links
from core.enums import Status
from incidents.models import Incident
from maintenance.models import ScheduledMaintenance
from monitors.models import Monitor
from pages.models import StatusPage

PAYLOAD_VERSION = 1
# Stands for the subscriber's token in a rendered message; no real token (URL-
# safe base64 of 24 random bytes, 32 characters) can contain the underscores' run.
SLOT = "___subscriber_token___"


@dataclass(frozen=True)
class Mail:
    subject: str
    text: str
    html: str

    def for_token(self, token: str) -> "Mail":
        return Mail(self.subject, self.text.replace(SLOT, token), self.html.replace(SLOT, token))


def iso(moment: datetime | None) -> str | None:
    """UTC, ISO 8601 with a Z, as the v1 API writes times."""
    return None if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def about(notice: Notice) -> Incident | ScheduledMaintenance | Monitor:
    """What ``notice`` is about (every notice names one of the three)."""
    subject = notice.incident or notice.maintenance or notice.monitor
    if subject is None:
        raise ValueError(f"Notice {notice.pk} is about nothing")
    return subject


class NoticeContent:
    """Everything a batch needs to say one notice, loaded once."""

    def __init__(self, notice: Notice) -> None:
        self.notice = notice
        self.about = about(notice)
        self.components: list[dict[str, Any]]
        if isinstance(self.about, Monitor):
            self.components = [{"id": self.about.pk, "name": self.about.name}]
        else:
            chosen = self.about.monitors.order_by("name", "pk")
            self.components = [
                {"id": pk, "name": name} for pk, name in chosen.values_list("id", "name")
            ]
        self._mails: dict[tuple[int | None, str], Mail] = {}

    @property
    def name(self) -> str:
        return one_line(self.about.name)

    def status_label(self, status: str) -> str:
        return str(Status(status).label) if status in Status.values else status

    def url(self, page: StatusPage) -> str:
        if self.notice.incident_id:
            return links.page_url(page, links.path("incident", self.notice.incident_id))
        return links.page_url(page)

    def mail(self, page: StatusPage, language: str) -> Mail:
        """The email for ``page``'s subscribers in ``language``, with SLOT
        for the subscriber's token; times in the page's time zone."""
        key = (page.pk, language)
        if key not in self._mails:
            zone = zoneinfo.ZoneInfo(page.time_zone or settings.TIME_ZONE)
            with translation.override(language), timezone.override(zone):
                subject = self.subject(page)
                context: dict[str, Any] = {
                    "notice": self.notice, "incident": self.notice.incident,
                    "update": self.notice.update, "maintenance": self.notice.maintenance,
                    "components": [c["name"] for c in self.components], "url": self.url(page),
                    "manage_url": links.manage_url(SLOT, page),
                    "unsubscribe_url": links.unsubscribe_url(SLOT, page),
                    "component": self.notice.monitor,
                    "to_status": self.status_label(self.notice.to_status),
                    "from_status": self.status_label(self.notice.from_status),
                    # The templates' (and translations') name for it: the page's title.
                    "SITE_NAME": page.title, "subject": subject,
                    "LANGUAGE_CODE": language,
                }  # fmt: skip
                self._mails[key] = Mail(
                    subject=subject,
                    text=render_to_string("alerts/subscriber_notice.txt", context),
                    html=render_to_string("alerts/subscriber_notice.html", context),
                )
        return self._mails[key]

    def subject(self, page: StatusPage) -> str:
        site, name, kind = one_line(page.title), self.name, self.notice.kind
        if kind == NoticeKind.INCIDENT_CREATED:
            text = _("New incident: %(name)s")
        elif kind == NoticeKind.INCIDENT_UPDATED:
            text = _("%(name)s: %(status)s")
        elif kind == NoticeKind.INCIDENT_RESOLVED:
            text = _("Resolved: %(name)s")
        elif kind == NoticeKind.MAINTENANCE_SCHEDULED:
            text = _("Maintenance scheduled: %(name)s")
        elif kind == NoticeKind.MAINTENANCE_STARTED:
            text = _("Maintenance started: %(name)s")
        elif kind == NoticeKind.MAINTENANCE_COMPLETED:
            text = _("Maintenance completed: %(name)s")
        else:
            text = _("%(name)s: %(status)s")
        if self.notice.update:
            status = self.notice.update.get_status_display()
        else:
            status = self.status_label(self.notice.to_status)
        return f"[{site}] " + text % {"name": name, "status": status}

    def payload(self, page: StatusPage, token: str) -> dict[str, Any]:
        """The webhook body for ``page``'s subscriber with ``token``."""
        body: dict[str, Any] = {
            "version": PAYLOAD_VERSION,
            "event": self.notice.kind,
            "page": {"name": page.title, "url": links.page_url(page)},
        }
        components = [{"id": c["id"], "name": c["name"]} for c in self.components]
        incident, update = self.notice.incident, self.notice.update
        if incident is not None:
            body["incident"] = {
                "id": incident.pk, "name": incident.name, "impact": incident.severity,
                "status": update.status if update else incident.status,
                "created_at": iso(incident.created_at), "resolved_at": iso(incident.resolved_at),
                "url": self.url(page), "components": components,
                "incident_updates": [] if update is None else [{
                    "id": update.pk, "status": update.status, "body": update.message,
                    "created_at": iso(update.created_at),
                }],
            }  # fmt: skip
        elif self.notice.monitor is not None:
            body["component"] = {**components[0], "status": self.notice.to_status}
            body["component_update"] = {
                "component_id": self.notice.monitor_id, "old_status": self.notice.from_status,
                "new_status": self.notice.to_status, "created_at": iso(self.notice.at),
            }  # fmt: skip
        elif isinstance(self.about, ScheduledMaintenance):
            row = self.about
            body["maintenance"] = {
                "id": row.pk, "name": row.name, "message": row.message,
                "starts_at": iso(self.notice.window_start), "ends_at": iso(self.notice.window_end),
                "recurring": row.recurring, "components": components,
            }  # fmt: skip
        body["meta"] = {
            "unsubscribe": links.unsubscribe_url(token, page),
            "manage": links.manage_url(token, page),
            "at": iso(self.notice.at),
        }
        return body
