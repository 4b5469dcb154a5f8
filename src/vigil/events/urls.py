"""Event pages, mounted under /events/."""

from django.urls import path

from vigil.events import views

app_name = "events"

urlpatterns = [
    path("<int:event_id>/", views.event_detail, name="detail"),
]
