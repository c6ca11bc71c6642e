"""The public status page: the pages, the feeds and the badges."""

from django.urls import path
from django.views.i18n import set_language

from statuspage.page import badges, feeds, logo, subscriptions, unlock, views
from statuspage.public.onpage import without_page

urlpatterns = [
    path("", views.index, name="index"),
    path("history", views.history_view, name="history"),
    path("incidents/<int:pk>", views.incident_view, name="incident"),
    path("feed.atom", feeds.atom, name="feed-atom"),
    path("feed.rss", feeds.rss, name="feed-rss"),
    path("systems/<str:key>", views.group_view, name="page-group"),
    path("badge/monitor/<int:pk>.svg", badges.monitor_badge, name="badge-monitor"),
    path("badge/category/<int:pk>.svg", badges.category_badge, name="badge-category"),
    path("i18n/setlang/", without_page(set_language), name="set_language"),
    path("subscribe", subscriptions.subscribe_view, name="subscribe"),
    path("logo/<str:digest>.png", logo.logo_view, name="page-logo"),
    path("unlock", unlock.unlock_view, name="page-unlock"),
    path(
        "subscriptions/confirm/<str:signed>",
        subscriptions.confirm_view,
        name="subscription-confirm",
    ),
    path("subscriptions/<str:token>", subscriptions.manage_view, name="subscription"),
    path(
        "subscriptions/<str:token>/unsubscribe",
        subscriptions.unsubscribe_view,
        name="subscription-unsubscribe",
    ),
]
