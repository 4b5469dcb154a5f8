"""Pages of the responses app, mounted under /responses/."""

from django.urls import path

from vigil.responses import views

app_name = "responses"

urlpatterns = [
    path("", views.gap, name="gap"),
    path("options/", views.options, name="options"),
    path("alerts/<int:alert_id>/", views.alert_response, name="alert"),
    path("alerts/<int:alert_id>/propose/", views.propose, name="propose"),
    path("alerts/<int:alert_id>/assign/", views.assign, name="assign"),
    path("alerts/<int:alert_id>/actions/", views.record, name="record"),
    path("alerts/<int:alert_id>/assess/", views.assess, name="assess"),
    path("actions/<int:action_id>/status/", views.move, name="move"),
]
