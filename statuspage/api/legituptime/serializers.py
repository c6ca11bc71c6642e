"""The base of the v1 serializers: contract names mapped to model fields, and
every bad field reported at once (cross-field rules run even when another
field failed)."""

from collections.abc import Mapping
from typing import Any, ClassVar, TypeVar, cast

from django.db import models
from rest_framework import serializers
from rest_framework.exceptions import ParseError
from rest_framework.fields import SkipField

FieldErrors = dict[str, list[str]]
M = TypeVar("M", bound=models.Model)


class V1Serializer(serializers.Serializer[M]):
    """Subclasses declare the contract's fields, ``model`` and ``model_fields``
    (contract name -> model field), and put rules that span fields in ``check``."""

    model: type[M]  # a class attribute (ClassVar cannot hold a type variable)
    model_fields: ClassVar[dict[str, str]]
    # Model fields a subclass writes itself, with the contract name that carries each.
    other_model_fields: ClassVar[dict[str, str]] = {}

    def check(self, attrs: dict[str, Any]) -> FieldErrors:
        """Errors of rules across fields. ``attrs`` holds only the fields that are valid."""
        return {}

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if not isinstance(data, Mapping):
            raise ParseError("The body must be a JSON object.")
        attrs: dict[str, Any]
        try:
            attrs, errors = super().to_internal_value(data), {}
        except serializers.ValidationError as exc:
            # A Serializer's ValidationError holds a dict: field -> its messages.
            attrs, errors = self._valid_fields(data), dict(cast(FieldErrors, exc.detail))
        for name, messages in self.check(attrs).items():
            errors.setdefault(name, messages)
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def _valid_fields(self, data: Mapping[str, Any]) -> dict[str, Any]:
        valid: dict[str, Any] = {}
        for field in self._writable_fields:
            try:
                # A bound field has its name.
                name = cast(str, field.field_name)
                valid[name] = field.run_validation(field.get_value(data))
            except (serializers.ValidationError, SkipField):
                continue
        return valid

    def model_values(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """Model field values for ``attrs``; an omitted or null field takes the model's
        default, so a PUT replaces the whole row as a POST would create it."""
        values = {}
        for name, model_field in self.model_fields.items():
            value = attrs.get(name)
            if value is None:
                # model_fields name the model's own fields, never a reverse relation.
                field = cast("models.Field[Any, Any]", self.model._meta.get_field(model_field))
                value = field.get_default()
            values[model_field] = value
        return values

    def model_errors(self, errors: Mapping[str, Any]) -> FieldErrors:
        """A model's ValidationError dict with the contract's field names."""
        contract_name = {model_field: name for name, model_field in self.model_fields.items()}
        contract_name.update(self.other_model_fields)
        return {
            contract_name.get(field, field): [str(message) for message in messages]
            for field, messages in errors.items()
        }

    def create(self, validated_data: dict[str, Any]) -> M:
        return self.save_row(self.model(), validated_data)

    def update(self, instance: M, validated_data: dict[str, Any]) -> M:
        return self.save_row(instance, validated_data)

    def save_row(self, row: M, attrs: dict[str, Any]) -> M:
        values = self.model_values(attrs)
        changed = {field for field, value in values.items() if getattr(row, field) != value}
        for field, value in values.items():
            setattr(row, field, value)
        self.before_save(row, changed)
        self.persist(row)
        self.after_save(row, attrs)
        return row

    def before_save(self, row: M, changed: set[str]) -> None:
        """Hook: ``changed`` names the model fields this write changes."""

    def persist(self, row: M) -> None:
        row.save()

    def after_save(self, row: M, attrs: dict[str, Any]) -> None:
        """Hook: write what needs the row saved first (many-to-many fields)."""
