"""The management API v1 (the LegitUptime contract), without trailing slashes as
the contract writes its URLs. Maintenance answers at both of the contract's
prefixes; /incidents/Active and /incidents/active are one endpoint."""

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, JsonResponse
from django.urls import include, path, re_path, register_converter
from django.views.decorators.csrf import csrf_exempt

from statuspage.api.dialect import speaks
from statuspage.api.legituptime.dialect import LEGITUPTIME
from statuspage.api.legituptime.fields import ID_DIGITS
from statuspage.api.legituptime.incident_views import IncidentViewSet
from statuspage.api.legituptime.maintenance_views import ScheduledMaintenanceViewSet
from statuspage.api.legituptime.monitor_views import MonitorViewSet
from statuspage.api.legituptime.schema import SCHEMA_URL_NAME, DocsView, SchemaView

if TYPE_CHECKING:
    from rest_framework.decorators import ViewSetAction


class IdConverter:
    # Longer ids cannot exist and would overflow the database's integer.
    regex = f"[0-9]{{1,{ID_DIGITS}}}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: object) -> str:
        return str(value)


register_converter(IdConverter, "v1id")

# as_view() also takes an action function, hence the union.
LIST: "dict[str, str | ViewSetAction[Any]]" = {"get": "list", "post": "create"}
ONE: "dict[str, str | ViewSetAction[Any]]" = {
    "get": "retrieve",
    "put": "update",
    "delete": "destroy",
}


def any_case(word: str) -> str:
    # Not (?i:...): Django's reverse() cannot read inline flags.
    return "".join(f"[{c.upper()}{c.lower()}]" for c in word)


# No cookie session here: without the exemption a PUT to an unknown path got
# CSRF's HTML 403 instead of the JSON 404 (found by tests/test_fuzz_v1.py).
@speaks(LEGITUPTIME)
@csrf_exempt
def not_found(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"detail": "Not found."}, status=404)


api_routes = [
    path("monitors", MonitorViewSet.as_view(LIST)),
    path("monitors/<v1id:pk>", MonitorViewSet.as_view(ONE)),
    # The contract's GET sample writes /v1/monitors{id}, without the slash.
    path("monitors<v1id:pk>", MonitorViewSet.as_view({"get": "retrieve"}, schema=None)),
    path("incidents", IncidentViewSet.as_view({"post": "create"})),
    path("incidents/active", IncidentViewSet.as_view({"get": "active"})),
    path("incidents/inactive", IncidentViewSet.as_view({"get": "inactive"})),
    *(
        # Other spellings (/Active, /INACTIVE): the same lists, left out of the schema.
        re_path(
            f"^incidents/{any_case(state)}$", IncidentViewSet.as_view({"get": state}, schema=None)
        )
        for state in ("active", "inactive")
    ),
    path("incidents/<v1id:pk>", IncidentViewSet.as_view(ONE)),
    *(
        route
        for prefix in ("scheduledmaintenance", "maintenance")
        for route in (
            path(prefix, ScheduledMaintenanceViewSet.as_view(LIST)),
            path(f"{prefix}/<v1id:pk>", ScheduledMaintenanceViewSet.as_view(ONE)),
        )
    ),
]
# The schema describes v1 only (api.php is another contract, described apart).
SCHEMA_PATTERNS = [path("v1/", include(api_routes))]

urlpatterns = [
    *api_routes,
    path("schema", SchemaView.as_view(patterns=SCHEMA_PATTERNS), name=SCHEMA_URL_NAME),
    path("docs", DocsView.as_view(), name="v1-docs"),
    # Every v1 answer is JSON, an unknown path's too.
    re_path(r"^", not_found),
]
