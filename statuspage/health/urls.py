"""Names for the health endpoints (``reverse("health")``); the requests
themselves are answered by statuspage/health/middleware.py, before host
validation and the HTTPS redirect."""

from django.urls import path

from statuspage.health import views

urlpatterns = [
    path("health", views.ready, name="health"),
    path("health/ready", views.ready, name="health-ready"),
    path("health/live", views.live, name="health-live"),
]
