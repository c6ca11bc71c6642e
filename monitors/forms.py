"""The admin's monitor form: the same cross-field rules as the v1 API
(monitors/validators.py), and help texts in a staff member's words."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.enums import Location, Protocol
from monitors.models import Monitor
from monitors.validators import monitor_errors


def _locations_help() -> str:
    places = ", ".join(f"{code} ({label})" for code, label in Location.choices)
    return str(_("Where the checks are made from, comma-separated: %(places)s.")) % {
        "places": places
    }


class MonitorForm(forms.ModelForm[Monitor]):
    class Meta:
        model = Monitor
        fields = [
            "name", "category", "protocol", "target", "port", "is_active", "frequency",
            "locations", "retries", "timeout", "allow_redirects", "expected_status_codes",
            "http_headers", "http_body", "expected_body", "resend_every", "ssl_alert_days",
        ]  # fmt: skip
        help_texts = {
            "target": _(
                "HTTP(S): the full address to open, such as https://example.com/health. "
                "TCP port and ping: a host name or IP address, without http://."
            ),
            "port": _("The port to connect to, from 1 to 65535."),
            "locations": _locations_help,
            "http_headers": _(
                "Extra request headers, one “Name: value” a line, such as "
                "“Authorization: Bearer …”."
            ),
            "http_body": _("When set, the check sends this text with a POST instead of a GET."),
            "expected_body": _("The check fails unless the page contains this text."),
            "timeout": _("How long a check waits for an answer before it counts as failed."),
        }

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        protocol = data.get("protocol")
        if protocol:
            errors = monitor_errors(
                protocol,
                target=data.get("target"),
                port=data.get("port"),
                http_headers=data.get("http_headers"),
                protocol_label=str(Protocol(protocol).label),
            )
            for field, messages in errors.items():
                self.add_error(field, messages)
        return data
