"""Pages of the responses app."""

from django.urls import path  # noqa: F401

app_name = "responses"

urlpatterns: list = []
