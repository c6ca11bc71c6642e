"""Serializer fields of the v1 API: JSON types taken strictly, and the
contract's codes in and out (the codes themselves live in core.enums)."""

from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from django.db.models import Model, QuerySet
from rest_framework import serializers

from core.spelling import Spelling

# A bigint holds 19 digits; a longer id can only be unknown, and must not reach the database.
ID_DIGITS = 18
# Each id is a parameter of one IN (...) query: SQLite takes 32,766, PostgreSQL 65,535.
MAX_IDS = 10_000


class StrictBooleanField(serializers.BooleanField):
    """JSON true or false only: "true", 1 and "yes" are refused."""

    default_error_messages = {"invalid": "Must be true or false (a JSON boolean)."}

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer only: "5", 5.0 and true are refused."""

    default_error_messages = {"invalid": "Must be a whole number (a JSON integer)."}

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictCharField(serializers.CharField):
    """A JSON string only (a number is refused rather than turned into text),
    and one the database can store."""

    default_error_messages = {
        "invalid": "Must be a string.",
        "unicode": "Must be valid Unicode text (no lone surrogates).",
    }

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        try:
            data.encode("utf-8")
        except UnicodeEncodeError:
            self.fail("unicode")
        return super().to_internal_value(data)


class UtcDateTimeField(serializers.DateTimeField):
    """ISO 8601; a time without an offset is UTC, as v1 speaks UTC. Years 1970 to 9999:
    earlier ones are surely typing errors and do not survive every time zone."""

    default_error_messages = {"range": "Must be between 1970 and 9999."}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(default_timezone=UTC, **kwargs)

    def to_internal_value(self, value: Any) -> datetime:
        if not isinstance(value, str):
            self.fail("invalid", format="YYYY-MM-DDThh:mm:ssZ")
        parsed = super().to_internal_value(value)
        if parsed.astimezone(UTC).year < 1970:
            self.fail("range")
        return parsed


class CodeField(serializers.ChoiceField):
    """One of an API spelling's codes; the stored value inside, the code outside."""

    def __init__(self, spelling: Spelling[Any], **kwargs: Any) -> None:
        self.spelling = spelling
        # Label each code with what it stands for, for the schema's enum descriptions.
        choices = [(code, getattr(spelling.stored(code), "label", code)) for code in spelling.codes]
        super().__init__(choices=choices, **kwargs)
        invalid = "Must be one of: " + ", ".join(spelling.codes) + "."
        self.error_messages = {**self.error_messages, "invalid_choice": invalid}

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            self.fail("invalid_choice", input=data)
        return self.spelling.stored(super().to_internal_value(data))

    def to_representation(self, value: Any) -> str:
        return self.spelling.code(value)


def split_comma_list(value: str) -> list[str]:
    """The items of "a, b,c": spaces around items are fine; empty items and repeats are not."""
    if not value.strip():
        return []
    items = [item.strip() for item in value.split(",")]
    if "" in items:
        raise serializers.ValidationError("Has an empty item: separate items with one comma.")
    repeated = [item for item, count in Counter(items).items() if count > 1]
    if repeated:
        raise serializers.ValidationError("Repeats " + ", ".join(repeated) + ".")
    return items


class CommaCodesField(StrictCharField):
    """A comma-separated list of known codes, stored comma-joined without spaces."""

    def __init__(self, codes: Iterable[str], **kwargs: Any) -> None:
        self.codes = list(codes)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        items = split_comma_list(super().to_internal_value(data))
        unknown = [item for item in items if item not in self.codes]
        if unknown:
            raise serializers.ValidationError(
                f"Unknown: {', '.join(unknown)}. Use a comma list of {', '.join(self.codes)}."
            )
        return ",".join(items)


class IdListField(StrictCharField):
    """Comma-separated ids ("1,2,3") of rows that exist; blank means none."""

    def __init__(self, queryset: QuerySet[Model], **kwargs: Any) -> None:
        self.queryset = queryset
        kwargs.setdefault("allow_blank", True)
        super().__init__(**kwargs)

    # The CharField's text, read further into ids.
    def to_internal_value(self, data: Any) -> list[int]:  # type: ignore[override]
        items = split_comma_list(super().to_internal_value(data))
        if len(items) > MAX_IDS:
            raise serializers.ValidationError(f"At most {MAX_IDS} ids.")
        malformed = [item for item in items if not (item.isascii() and item.isdigit())]
        if malformed:
            raise serializers.ValidationError(
                f'Not an id: {", ".join(malformed)}. Use comma-separated numbers such as "1,2,3".'
            )
        ids = [int(item) for item in items]
        storable = [pk for pk in ids if len(str(pk)) <= ID_DIGITS]
        found = set(self.queryset.filter(pk__in=storable).values_list("pk", flat=True))
        unknown = [str(pk) for pk in ids if pk not in found]
        if unknown:
            name = self.queryset.model._meta.verbose_name
            raise serializers.ValidationError(f"No {name} with Id {', '.join(unknown)}.")
        return ids
