"""Pages of the alerts app."""

from django.urls import path  # noqa: F401

app_name = "alerts"

urlpatterns: list = []
