from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "vigil.risk"
    verbose_name = "Risk"
