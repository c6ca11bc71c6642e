from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("v1/", include("statuspage.v1_urls")),
    path("", include("statuspage.bitup_urls")),
    path("", include("statuspage.page_urls")),
]

# The APIs answer even Django's own 400s as JSON (statuspage/api_errors.py).
handler400 = "statuspage.api_errors.bad_request"
