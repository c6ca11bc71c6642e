from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from monitors.models import Monitor


def index(request: HttpRequest) -> HttpResponse:
    monitors = (
        Monitor.objects.active()
        .select_related("category")
        .order_by("category__display_order", "category__name", "name")
    )
    return render(request, "statuspage/index.html", {"monitors": monitors})
