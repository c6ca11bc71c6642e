"""The Markdown preview of the incident form: the page's renderer, server-side."""

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed

from statuspage.cockpit.site import CockpitSite
from statuspage.public.markdown import render

MAX_CHARS = 4000


def preview(site: CockpitSite, request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return HttpResponse(render(request.POST.get("text", "")[:MAX_CHARS]))
