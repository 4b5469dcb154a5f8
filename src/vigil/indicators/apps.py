from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "vigil.indicators"
    verbose_name = "Indicators and observations"
