"""Django's own 400s (past DATA_UPLOAD_MAX_NUMBER_FIELDS query parameters, a
body past Django's limits, a Host not allowed) answered in each API's error
shape, as JSON; the page and the admin keep Django's HTML page."""

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

from statuspage.api.dialect import of_path

REASONS: dict[type[Exception], str] = {
    TooManyFieldsSent: "Too many parameters.",
    RequestDataTooBig: "Request body too large.",
}


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    dialect = of_path(request.path_info)
    if dialect is None:
        return defaults.bad_request(request, exception)
    reason = REASONS.get(type(exception), "Bad request.")
    return JsonResponse(
        dialect.error_body(reason), status=400, content_type="application/json; charset=utf-8"
    )
