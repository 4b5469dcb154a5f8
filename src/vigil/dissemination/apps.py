from django.apps import AppConfig


class DisseminationConfig(AppConfig):
    name = "vigil.dissemination"
    verbose_name = "Dissemination"
