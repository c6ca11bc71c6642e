from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from incidents.api.serializers import IncidentSerializer
from incidents.models import Incident
from statuspage.v1.views import V1ViewSet


class IncidentViewSet(V1ViewSet):
    """Incidents and their timeline; resolved ones are inactive."""

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
