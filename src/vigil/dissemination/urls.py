"""Pages of the dissemination app."""

from django.urls import path  # noqa: F401

app_name = "dissemination"

urlpatterns: list = []
