from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "vigil.geo"
    verbose_name = "Areas and regions"
