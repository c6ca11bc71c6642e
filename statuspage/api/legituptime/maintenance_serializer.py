from typing import Any, cast

from django.core.exceptions import ValidationError as ModelValidationError
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from maintenance import recurrence
from maintenance.models import ScheduledMaintenance
from monitors.models import Monitor
from statuspage.api.legituptime.fields import (
    IdListField,
    StrictBooleanField,
    StrictCharField,
    StrictIntegerField,
    UtcDateTimeField,
)
from statuspage.api.legituptime.serializers import FieldErrors, V1Serializer
from statuspage.api.legituptime.spellings import V1_RECUR_UNIT

# The order of the model's errors, kept when v1's own rule adds one (v1
# answers with the fields in this order).
_MODEL_FIELD_ORDER = ["duration_minutes", "recur_unit", "recur_every", "recur_until"]
MAX_HOURS = 366 * 24
MAX_REPEAT_COUNT = 1000
UNIT, COUNT = "RecurEvery", "RecurEveryNum"


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string", "enum": [*V1_RECUR_UNIT.codes, None], "nullable": True},
            {"type": "integer", "minimum": 1, "maximum": MAX_REPEAT_COUNT},
        ]
    }
)
class RecurPartField(serializers.Field[str | int, Any, str | int, Any]):
    """The unit (a code string) or the count (an integer) of a recurrence."""

    default_error_messages = {
        "invalid": f"Must be a unit ({', '.join(V1_RECUR_UNIT.codes)}) or a count "
        f"(a whole number from 1 to {MAX_REPEAT_COUNT})."
    }

    def to_internal_value(self, data: Any) -> str | int:
        is_unit = isinstance(data, str) and data in V1_RECUR_UNIT.codes
        is_count = type(data) is int and 1 <= data <= MAX_REPEAT_COUNT
        if not (is_unit or is_count):
            self.fail("invalid")
        return cast("str | int", data)  # checked above


def unit_and_count(attrs: dict[str, Any]) -> tuple[str | None, int | None, FieldErrors]:
    """The recurrence's unit code and count, whichever of the two fields holds each:
    the contract's parameter list puts the unit in RecurEvery, two of its samples
    put it in RecurEveryNum."""
    given = {name: attrs[name] for name in (UNIT, COUNT) if attrs.get(name) is not None}
    units = [value for value in given.values() if isinstance(value, str)]
    counts = [value for value in given.values() if isinstance(value, int)]
    if len(units) == 2:
        return given[UNIT], None, {COUNT: ["Must be the count when RecurEvery is the unit."]}
    if len(counts) == 2:
        return None, given[COUNT], {UNIT: [f"Must be the unit: {', '.join(V1_RECUR_UNIT.codes)}."]}
    return units[0] if units else None, counts[0] if counts else None, {}


class ScheduledMaintenanceSerializer(V1Serializer[ScheduledMaintenance]):
    """A maintenance window, one-off or recurring. RecurEvery is the unit and RecurEveryNum
    the count; the swapped form of the contract's samples is accepted too."""

    model = ScheduledMaintenance
    model_fields = {
        "Name": "name",
        "StartDateTime": "starts_at",
        "DownTimeHours": "duration_hours",
        "DownTimeMinutes": "duration_minutes",
        "Message": "message",
        "Recurring": "recurring",
        "RecurEndDateTime": "recur_until",
    }

    @property
    def other_model_fields(self) -> dict[str, str]:  # type: ignore[override]
        # An error about the unit or the count names the field the client put it in.
        raw = self.initial_data if isinstance(self.initial_data, dict) else {}
        looks_swapped = isinstance(raw.get(COUNT), str) or type(raw.get(UNIT)) is int
        looks_listed = isinstance(raw.get(UNIT), str) or type(raw.get(COUNT)) is int
        swapped = looks_swapped and not looks_listed
        unit, count = (COUNT, UNIT) if swapped else (UNIT, COUNT)
        return {"recur_unit": unit, "recur_every": count}

    Id = serializers.IntegerField(read_only=True)
    Name = StrictCharField(max_length=200)
    StartDateTime = UtcDateTimeField(help_text="ISO 8601; without an offset it is read as UTC.")
    DownTimeHours = StrictIntegerField(min_value=0, max_value=MAX_HOURS)
    DownTimeMinutes = StrictIntegerField(min_value=0, max_value=59)
    Message = StrictCharField(
        max_length=4000, required=False, allow_null=True, allow_blank=True, trim_whitespace=False
    )
    Recurring = StrictBooleanField(required=False, allow_null=True, help_text="Default false.")
    RecurEvery = RecurPartField(
        required=False, allow_null=True,
        help_text="The unit: d (days), w (weeks), m (months). Required when Recurring.",
    )  # fmt: skip
    RecurEveryNum = RecurPartField(
        required=False, allow_null=True,
        help_text="The number of units between windows. Required when Recurring.",
    )  # fmt: skip
    RecurEndDateTime = UtcDateTimeField(
        required=False, allow_null=True,
        help_text="No window starts after this. Required when Recurring; after StartDateTime.",
    )  # fmt: skip
    Monitors = IdListField(
        Monitor.objects.all(),
        help_text='Comma-separated Ids of existing monitors, e.g. "1,2,3"; blank for none.',
    )

    def model_values(self, attrs: dict[str, Any]) -> dict[str, Any]:
        values = super().model_values(attrs)
        unit, count, _ = unit_and_count(attrs)
        if values["recurring"]:
            values["recur_unit"] = V1_RECUR_UNIT.stored(unit) if unit else ""
            values["recur_every"] = count
        else:  # a one-off window keeps no recurrence
            values.update(recur_unit="", recur_every=None, recur_until=None)
        return values

    def check(self, attrs: dict[str, Any]) -> FieldErrors:
        errors = unit_and_count(attrs)[2]
        row = ScheduledMaintenance(**self.model_values(attrs))
        for name, messages in self.model_errors(_clean_with_end_required(row)).items():
            errors.setdefault(name, messages)
        if not errors and row.starts_at is not None:
            try:  # what the page and the engine will compute, in the site's time zone
                recurrence.final_end(row.schedule)
                recurrence.next_window(row.schedule, row.starts_at)
            except (OverflowError, ValueError):
                field = "RecurEndDateTime" if row.recurring else "StartDateTime"
                errors[field] = ["Too far ahead: the windows would run past the year 9999."]
        return errors

    def after_save(self, row: ScheduledMaintenance, attrs: dict[str, Any]) -> None:
        row.monitors.set(attrs["Monitors"])


def _clean_with_end_required(row: ScheduledMaintenance) -> dict[str, list[str]]:
    """The model's rules plus the v1 contract's: a recurring window names its
    end. (Staff may leave it empty in the admin: the window repeats without end.)"""
    errors: dict[str, list[str]] = {}
    try:
        row.clean()
    except ModelValidationError as exc:
        errors = exc.message_dict
    if row.recurring and not row.recur_until and "recur_until" not in errors:
        errors = {**errors, "recur_until": [gettext("Required for a recurring window.")]}
        rank = {name: n for n, name in enumerate(_MODEL_FIELD_ORDER)}
        errors = dict(sorted(errors.items(), key=lambda item: rank.get(item[0], len(rank))))
    return errors
