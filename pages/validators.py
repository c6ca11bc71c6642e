"""What a status page's fields accept: shared by the admin's form and the model."""

import re
import zoneinfo

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
# Slugs that would shadow the install's own paths under /p/.
RESERVED_SLUGS = frozenset({"admin", "api", "static", "media", "health", "metrics", "v1"})


def validate_colour(value: str) -> None:
    if not _COLOUR.fullmatch(value):
        raise ValidationError(_("Enter a colour as #rrggbb, e.g. #1f6feb."), code="colour")


def validate_domain(value: str) -> None:
    """A host name of two labels or more, lower case, no port, no scheme."""
    labels = value.split(".")
    if (
        len(value) > 253
        or len(labels) < 2
        or value != value.lower()
        or not all(_LABEL.fullmatch(label) for label in labels)
        or labels[-1].isdigit()
    ):
        raise ValidationError(
            _("Enter a domain name such as status.example.com: lower case, no port, no path."),
            code="domain",
        )


def validate_time_zone(value: str) -> None:
    if value and value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("Unknown time zone %(zone)s: use a name such as Europe/Stockholm."),
            code="time_zone", params={"zone": value},
        )  # fmt: skip


def validate_slug(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(_("This slug is reserved; choose another."), code="reserved")
