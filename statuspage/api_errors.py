"""Django's own 400s (past DATA_UPLOAD_MAX_NUMBER_FIELDS query parameters, a
body past Django's limits, a Host not allowed) answered in each API's error
shape, as JSON; the page and the admin keep Django's HTML page."""

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

from statuspage.api_guard import BITUP, api_dialect
from statuspage.bitup.envelope import error

REASONS = {
    TooManyFieldsSent: "Too many parameters.",
    RequestDataTooBig: "Request body too large.",
}


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    dialect = api_dialect(request.path_info)
    if dialect is None:
        return defaults.bad_request(request, exception)
    reason = REASONS.get(type(exception), "Bad request.")
    body = error(reason) if dialect == BITUP else {"detail": reason}
    return JsonResponse(body, status=400, content_type="application/json; charset=utf-8")
