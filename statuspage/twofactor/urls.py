from django.urls import path

from statuspage.twofactor import views

urlpatterns = [path("", views.setup, name="two_factor_setup")]
