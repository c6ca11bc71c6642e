"""The hosted status page API v2 (Statuspage's public JSON) under /api/v2/."""

from django.urls import path, re_path

from statuspage.api.statuspage_v2 import views

urlpatterns = [
    path("summary.json", views.summary, name="v2-summary"),
    path("status.json", views.status, name="v2-status"),
    path("components.json", views.components, name="v2-components"),
    path("incidents.json", views.incidents, name="v2-incidents"),
    path("incidents/unresolved.json", views.unresolved, name="v2-unresolved"),
    path("scheduled-maintenances.json", views.maintenances, name="v2-maintenances"),
    path("scheduled-maintenances/upcoming.json", views.upcoming, name="v2-upcoming"),
    path("scheduled-maintenances/active.json", views.active, name="v2-active"),
    re_path(r"^", views.not_found),
]
