"""Pages of the web interface, mounted at the site root."""

from django.urls import path
from django.views.decorators.cache import cache_page
from django.views.i18n import JavaScriptCatalog

from vigil.web import views

app_name = "web"

urlpatterns = [
    path("", views.events, name="events"),
    # gettext for the static scripts, served as a file rather than inlined so pages stay
    # CSP-friendly. The catalogue always includes settings.LOCALE_PATHS (the project's one
    # djangojs.po per language, which holds every app's script strings); `packages` only adds
    # an app's own locale/ folder, and Vigil keeps none.
    path(
        "jsi18n/",
        cache_page(3600)(JavaScriptCatalog.as_view(packages=["vigil.web"])),
        name="jsi18n",
    ),
]
