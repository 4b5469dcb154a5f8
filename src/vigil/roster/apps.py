from django.apps import AppConfig


class RosterConfig(AppConfig):
    name = "vigil.roster"
    verbose_name = "Roster"
