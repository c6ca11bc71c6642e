from django.urls import path

from statuspage.metrics import views

urlpatterns = [path("metrics", views.metrics, name="metrics")]
