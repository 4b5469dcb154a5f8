from django.apps import AppConfig


class ResponsesConfig(AppConfig):
    name = "vigil.responses"
    verbose_name = "Responses"
