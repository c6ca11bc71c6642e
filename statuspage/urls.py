"""The product's URLs: the admin, then one include() per surface. Each
surface owns its whole dialect (views, spellings, error shape, schema) in
its own package; adding one is a new package and one line here."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/two-factor/", include("statuspage.twofactor.urls")),
    path("admin/", admin.site.urls),
    path("", include("statuspage.health.urls")),
    path("v1/", include("statuspage.api.legituptime.urls")),
    path("", include("statuspage.metrics.urls")),
    path("", include("statuspage.api.bitup.urls")),
    path("api/v2/", include("statuspage.api.statuspage_v2.urls")),
    path("", include("statuspage.page.urls")),
    # Every status page at /p/<slug>/ (the default page, and any page at its
    # own domain, also at /): the same views, told the page by the slug.
    path("p/<slug:page_slug>/api/v2/", include("statuspage.api.statuspage_v2.urls")),
    path("p/<slug:page_slug>/", include("statuspage.page.urls")),
]

# The APIs answer even Django's own 400s as JSON, each in its own shape.
handler400 = "statuspage.api.errors.bad_request"
