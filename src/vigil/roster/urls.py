"""Pages of the roster app."""

from django.urls import path  # noqa: F401

app_name = "roster"

urlpatterns: list = []
