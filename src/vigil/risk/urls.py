"""Pages of the risk app."""

from django.urls import path

from vigil.risk import views

app_name = "risk"

urlpatterns = [
    path("", views.regional, name="regional"),
    path("country/<str:iso3>/", views.country, name="country"),
    path("backtest/", views.backtest_report, name="backtest"),
]
