"""URL wiring only."""

from django.contrib import admin
from django.urls import include, path

from vigil.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("events/", include("vigil.events.urls")),
    path("reports/", include("vigil.fieldreports.urls")),
    path("observations/", include("vigil.indicators.urls")),
    path("risk/", include("vigil.risk.urls")),
    path("products/", include("vigil.reports.urls")),
    path("alerts/", include("vigil.alerts.urls")),
    path("responses/", include("vigil.responses.urls")),
    path("subscriptions/", include("vigil.dissemination.urls")),
    path("roster/", include("vigil.roster.urls")),
    path("consultations/", include("vigil.consultations.urls")),
    path("accounts/", include("vigil.actors.urls")),
    path("", include("vigil.web.urls")),
]
