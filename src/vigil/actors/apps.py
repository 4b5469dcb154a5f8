from django.apps import AppConfig


class ActorsConfig(AppConfig):
    name = "vigil.actors"
    verbose_name = "Organisations and people"
