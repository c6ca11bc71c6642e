"""Writes through the v1 API in the admin's history (django.contrib.admin's
LogEntry), so that staff see which key changed what.

A LogEntry needs a user: each key is stood for by one inactive user with no
usable password (``api-key:<id>``, first name the key's name), made on its
first write. The admin's History page shows it as "api-key:7 (grafana)"."""

from typing import Any

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import AbstractBaseUser
from django.db import models

from statuspage.models import ApiKey

FIRST_NAME_LENGTH = 150


def key_user(key: ApiKey) -> AbstractBaseUser:
    """The user standing for ``key`` in the history; its name follows the key's."""
    name = key.name[:FIRST_NAME_LENGTH]
    user, created = get_user_model().objects.get_or_create(
        # ":" is refused in the admin's user names, so no person can hold this one.
        username=f"api-key:{key.pk}",
        defaults={"first_name": name, "is_active": False, "password": make_password(None)},
    )
    if not created and user.first_name != name:
        user.first_name = name
        user.save(update_fields=["first_name"])
    return user


def _log(key: ApiKey, row: models.Model, flag: int, what: str) -> None:
    message = f'{what} through the v1 API with the key "{key.name}".'
    LogEntry.objects.log_actions(key_user(key).pk, [row], flag, message, single_object=True)


def record_write(
    key: ApiKey, row: models.Model, before: dict[str, Any] | None, after: dict[str, Any]
) -> None:
    """Log the creation (``before`` None) or the change of ``row``, naming the
    contract's fields that changed (``before`` and ``after`` in the contract's shape)."""
    if before is None:
        _log(key, row, ADDITION, "Added")
        return
    changed = [name for name, value in after.items() if before.get(name) != value]
    _log(key, row, CHANGE, f"Changed {', '.join(changed)}" if changed else "Saved unchanged")


def record_deletion(key: ApiKey, row: models.Model) -> None:
    """Log the deletion of ``row``; call it before the row is deleted."""
    _log(key, row, DELETION, "Deleted")
