"""The v1 error bodies: ``{"FieldName": ["reason", ...]}`` for validation,
``{"detail": "..."}`` for everything else."""

from typing import Any

from django.db import IntegrityError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler


def v1_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, IntegrityError):
        # A row this request relied on changed under it (e.g. a monitor deleted
        # between validation and save); the transaction was rolled back.
        exc = exceptions.APIException("A concurrent change conflicted; nothing was saved. Retry.")
        exc.status_code = status.HTTP_409_CONFLICT
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(data, list):
        response.data = {"detail": " ".join(str(item) for item in data)}
    elif isinstance(data, dict) and list(data) == [api_settings.NON_FIELD_ERRORS_KEY]:
        response.data = {
            "detail": " ".join(str(item) for item in data[api_settings.NON_FIELD_ERRORS_KEY])
        }
    return response
