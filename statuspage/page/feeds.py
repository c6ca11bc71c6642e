"""Atom and RSS feeds of a page's incidents (those on its monitors, see
pages/scope.py): one entry per incident with its whole timeline, updated
whenever the timeline grows (feed readers show it again)."""

from datetime import datetime

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, SyndicationFeed
from django.utils.translation import gettext

from incidents.models import Incident
from pages.resolve import OnPage
from statuspage.page.xmltext import xml_text
from statuspage.public.cache import public_response
from statuspage.public.current import incidents_with_timeline
from statuspage.public.onpage import on_page, page_of

ITEMS = 50


def _updated(incident: Incident) -> datetime:
    return max([incident.updated_at] + [u.created_at for u in incident.updates.all()])


class IncidentsRss(Feed[Incident, OnPage]):
    feed_type: type[SyndicationFeed] = Rss201rev2Feed

    def get_object(self, request: HttpRequest, *args: object, **kwargs: object) -> OnPage:
        return page_of(request)

    def title(self, obj: OnPage) -> str:
        return xml_text(gettext("%(site)s status: incidents") % {"site": obj.page.title})

    def description(self, obj: OnPage) -> str:
        text = gettext("Incidents and their updates from the %(site)s status page.")
        return xml_text(text % {"site": obj.page.title})

    def link(self) -> str:
        return reverse("index")

    def items(self, obj: OnPage) -> list[Incident]:
        shown = obj.layout.affecting(Incident.objects.on_status_page())
        return list(incidents_with_timeline(shown[:ITEMS]))

    def item_title(self, item: Incident) -> str:
        return xml_text(f"{item.name} ({item.get_status_display()})")

    def item_description(self, item: Incident) -> str:
        return xml_text(render_to_string("statuspage/feed_item.html", {"incident": item}))

    def item_link(self, item: Incident) -> str:
        return reverse("incident", args=[item.pk])

    def item_pubdate(self, item: Incident) -> datetime:
        return item.created_at

    def item_updateddate(self, item: Incident) -> datetime:
        return _updated(item)


class IncidentsAtom(IncidentsRss):
    feed_type = Atom1Feed
    subtitle = IncidentsRss.description


rss = on_page(public_response(max_age=60)(IncidentsRss()))
atom = on_page(public_response(max_age=60)(IncidentsAtom()))
