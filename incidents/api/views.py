from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.request import Request
from rest_framework.response import Response

from incidents.api.serializers import IncidentSerializer
from incidents.models import Incident
from statuspage.v1.views import V1ViewSet


@extend_schema(tags=["Incidents"])
@extend_schema_view(
    retrieve=extend_schema(summary="Get an incident"),
    create=extend_schema(summary="Create an incident"),
    update=extend_schema(summary="Update an incident", description="A full update."),
    destroy=extend_schema(summary="Delete an incident"),
)
class IncidentViewSet(V1ViewSet):
    queryset = Incident.objects.all()
    serializer_class = IncidentSerializer
    list_actions = ("active", "inactive")
    list_related_ids = ("monitors",)

    @extend_schema(summary="List active incidents", description="Any case: /Active too.")
    def active(self, request: Request) -> Response:
        return Response([row.to_v1() for row in self.list_rows().active()])

    @extend_schema(
        summary="List inactive (resolved) incidents", description="Any case: /Inactive too."
    )
    def inactive(self, request: Request) -> Response:
        return Response([row.to_v1() for row in self.list_rows().inactive()])
