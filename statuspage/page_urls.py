"""The public status page: the pages, the feeds, the badges and the API v2."""

from django.urls import include, path

from statuspage.page import badges, feeds, v2_views, views

urlpatterns = [
    path("", views.index, name="index"),
    path("history", views.history_view, name="history"),
    path("incidents/<int:pk>", views.incident_view, name="incident"),
    path("feed.atom", feeds.atom, name="feed-atom"),
    path("feed.rss", feeds.rss, name="feed-rss"),
    path("badge/monitor/<int:pk>.svg", badges.monitor_badge, name="badge-monitor"),
    path("badge/category/<int:pk>.svg", badges.category_badge, name="badge-category"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v2/summary.json", v2_views.summary, name="v2-summary"),
    path("api/v2/status.json", v2_views.status, name="v2-status"),
    path("api/v2/components.json", v2_views.components, name="v2-components"),
    path("api/v2/incidents.json", v2_views.incidents, name="v2-incidents"),
    path("api/v2/incidents/unresolved.json", v2_views.unresolved, name="v2-unresolved"),
    path("api/v2/scheduled-maintenances.json", v2_views.maintenances, name="v2-maintenances"),
    path("api/v2/scheduled-maintenances/upcoming.json", v2_views.upcoming, name="v2-upcoming"),
    path("api/v2/scheduled-maintenances/active.json", v2_views.active, name="v2-active"),
]
