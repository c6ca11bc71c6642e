"""The public status page."""

from django.urls import path

from statuspage import page_views

urlpatterns = [path("", page_views.index, name="index")]
