from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("v1/", include("statuspage.v1_urls")),
    path("", include("statuspage.bitup_urls")),
    path("", include("statuspage.page_urls")),
]
