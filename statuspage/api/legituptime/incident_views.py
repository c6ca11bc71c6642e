from typing import cast

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from incidents.models import Incident, IncidentQuerySet
from statuspage.api.legituptime import render
from statuspage.api.legituptime.incident_serializer import IncidentSerializer
from statuspage.api.legituptime.views import V1ViewSet


class IncidentViewSet(V1ViewSet[Incident]):
    """Incidents and their timeline; resolved ones are inactive."""

    queryset = Incident.objects.all()
    serializer_class = IncidentSerializer
    render = staticmethod(render.incident)
    list_actions = ("active", "inactive")
    list_related_ids = ("monitors",)

    def list_rows(self) -> IncidentQuerySet[Incident]:
        # Incident.objects' rows, so an IncidentQuerySet.
        return cast("IncidentQuerySet[Incident]", super().list_rows())

    @extend_schema(summary="List active incidents", description="Any case: /Active too.")
    def active(self, request: Request) -> Response:
        return Response([self.render(row) for row in self.list_rows().active()])

    @extend_schema(
        summary="List inactive (resolved) incidents", description="Any case: /Inactive too."
    )
    def inactive(self, request: Request) -> Response:
        return Response([self.render(row) for row in self.list_rows().inactive()])
