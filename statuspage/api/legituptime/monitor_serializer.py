from typing import Any

from rest_framework import serializers

from core import enums
from monitors.models import Monitor
from monitors.validators import monitor_errors
from statuspage.api.legituptime import spellings
from statuspage.api.legituptime.fields import (
    CodeField,
    CommaCodesField,
    StrictBooleanField,
    StrictCharField,
    StrictIntegerField,
)
from statuspage.api.legituptime.serializers import FieldErrors, V1Serializer

HTTP = enums.Protocol.HTTP
# Changing what is probed makes the last result meaningless.


def _optional_text(help_text: str) -> StrictCharField:
    return StrictCharField(
        required=False, allow_null=True, allow_blank=True, trim_whitespace=False,
        help_text=help_text + " Optional; for Protocol h.",
    )  # fmt: skip


class MonitorSerializer(V1Serializer[Monitor]):
    """A monitor. PUT replaces it whole: an optional field left out takes its default."""

    model = Monitor
    model_fields = {
        "Name": "name",
        "Protocol": "protocol",
        "TestURL": "target",
        "PingLocations": "locations",
        "CheckFrequency": "frequency",
        "Active": "is_active",
        "ResendFrequency": "resend_every",
        "SSLExpiringAlertFrequency": "ssl_alert_days",
        "AllowRedirects": "allow_redirects",
        "ExpectedStatusCodes": "expected_status_codes",
        "HttpRequestBody": "http_body",
        "HttpRequestHeader": "http_headers",
        "ResponseExpectedBodyContains": "expected_body",
        "PortNumber": "port",
    }

    Id = serializers.IntegerField(read_only=True)
    Name = StrictCharField(max_length=200)
    Protocol = CodeField(spellings.V1_PROTOCOL, help_text="h: HTTP(S), p: TCP port, i: ICMP ping.")
    TestURL = StrictCharField(
        max_length=2000,
        help_text="An http:// or https:// URL for Protocol h; a host name or IP address "
        "for p and i. Addresses in the server's blocked networks are refused (by default "
        "link-local, such as 169.254.169.254, and 0.0.0.0).",
    )
    PingLocations = CommaCodesField(
        enums.Location.values,
        help_text="Comma-separated locations to probe from, each once: "
        + ", ".join(f"{code} ({label})" for code, label in enums.Location.choices)
        + '. Answered as "USE, USW".',
    )
    CheckFrequency = CodeField(spellings.V1_CHECK_FREQUENCY)
    Active = StrictBooleanField()
    ResendFrequency = CodeField(
        spellings.V1_RESEND_FREQUENCY, help_text="Repeat the down alert this often; n: never."
    )
    SSLExpiringAlertFrequency = CodeField(
        spellings.V1_SSL_ALERT, required=False, allow_null=True,
        help_text="Alert when the certificate expires within this many days; n (the "
        "default): never.",
    )  # fmt: skip
    AllowRedirects = StrictBooleanField(
        required=False, allow_null=True, help_text="Follow redirects. Required for Protocol h."
    )
    ExpectedStatusCodes = CommaCodesField(
        sorted(str(code) for code in enums.HTTP_STATUS_CODES),
        required=False, allow_null=True, allow_blank=True,
        help_text="Comma-separated HTTP status codes that mean up; blank: 200-299. "
        "Required for Protocol h.",
    )  # fmt: skip
    HttpRequestBody = _optional_text("Sent as the body (the request is then a POST).")
    HttpRequestHeader = _optional_text(
        "Request headers, one `Name: value` a line: the name an HTTP token, the value "
        "without control or line-separator characters; Content-Length and "
        "Transfer-Encoding are the probe's own."
    )
    ResponseExpectedBodyContains = _optional_text("The response body must contain this text.")
    PortNumber = StrictIntegerField(
        min_value=1, max_value=65535, required=False, allow_null=True,
        help_text="Required for Protocol p.",
    )  # fmt: skip

    def check(self, attrs: dict[str, Any]) -> FieldErrors:
        protocol = attrs.get("Protocol")
        if protocol is None:
            return {}
        code = spellings.V1_PROTOCOL.code(protocol)
        # The rules shared with the admin form (monitors/validators.py).
        errors = self.model_errors(
            monitor_errors(
                protocol,
                target=attrs.get("TestURL"),
                port=attrs.get("PortNumber"),
                http_headers=attrs.get("HttpRequestHeader"),
                protocol_label=code,
            )
        )
        # The contract's own: these two have no default in the v1 API.
        required = {HTTP: ["AllowRedirects", "ExpectedStatusCodes"]}.get(protocol, [])
        for name in required:
            if attrs.get(name) is None:
                errors[name] = [f"This field is required when Protocol is {code}."]
        return errors

    def persist(self, row: Monitor) -> None:
        # The engine picks an edited monitor up on its next tick (updated_at
        # is newer than its last claim) and restarts its status when the
        # target changed.
        row.save_settings()
