from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "vigil.events"
    verbose_name = "Events"
