"""Event pages, mounted under /events/."""

from django.urls import path

from vigil.events import views

app_name = "events"

urlpatterns = [
    path("<int:event_id>/", views.event_detail, name="detail"),
    path("coverage/", views.coverage, name="coverage"),
    path("coverage/<int:coverage_id>/", views.coverage_correct, name="coverage_correct"),
]
