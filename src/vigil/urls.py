"""URL wiring only."""

from django.contrib import admin
from django.urls import include, path

from vigil.api import api
from vigil.events import views as events_views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("events/", include("vigil.events.urls")),
    path("sources/", events_views.sources, name="sources"),
    path("reports/", include("vigil.fieldreports.urls")),
    path("observations/", include("vigil.indicators.urls")),
    path("risk/", include("vigil.risk.urls")),
    path("products/", include("vigil.reports.urls")),
    path("alerts/", include("vigil.alerts.urls")),
    path("responses/", include("vigil.responses.urls")),
    path("subscriptions/", include("vigil.dissemination.urls")),
    path("roster/", include("vigil.roster.urls")),
    path("consultations/", include("vigil.consultations.urls")),
    path("actors/", include("vigil.actors.registry_urls")),
    path("accounts/", include("vigil.actors.urls")),
    # set_language: the language switcher in web/base.html posts here.
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("vigil.web.urls")),
]
