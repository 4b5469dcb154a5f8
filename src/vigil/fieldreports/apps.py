from django.apps import AppConfig


class FieldReportsConfig(AppConfig):
    name = "vigil.fieldreports"
    verbose_name = "Field reports"
